"""What ``molten`` says, word for word: options named as options, one line, no wrapping.

The command line is not a file: a bad option reads ``option --solver: ...`` and a bad
argument ``argument DIR: ...``. Library wording meant for Python callers
(``overwrite=True``) is never shown to a command-line user, and a network written by
``molten generate`` names the command and the function that wrote it.
"""

from __future__ import annotations

import importlib
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from logistics.cli.app import describe_problem, option_problem
from logistics.errors import InputProblem
from logistics.network.loader import load_network
from logistics.network.synthetic import generate_network
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from tests.conftest import TINY

MOLTEN = Path(sys.executable).parent / "molten"


def molten(*args: str) -> subprocess.CompletedProcess:
    """The installed console script without a terminal (rich would wrap at 80 columns)."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    return subprocess.run(
        [str(MOLTEN), *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_command_line_problems_name_the_option_or_the_argument() -> None:
    assert describe_problem(option_problem("--solver", "use one of ortools, greedy")) == (
        "option --solver: use one of ortools, greedy"
    )
    assert describe_problem(option_problem("DIR", "/x is not empty")) == (
        "argument DIR: /x is not empty"
    )
    file_problem = InputProblem("orders.csv", 3, "tonnes", "must be at least 0")
    assert describe_problem(file_problem) == str(file_problem)


def test_a_bad_option_is_one_line_naming_the_option(tmp_path: Path) -> None:
    result = molten("plan", str(TINY), "--solver", "magic", "--out", str(tmp_path / "p"))
    assert result.returncode == 2
    assert result.stderr == "bad input: option --solver: use one of ortools, greedy\n"


def test_a_long_usage_error_is_not_wrapped() -> None:
    result = molten("plan", str(TINY), "--time-limit", "abc")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert len(lines[0]) > 80  # longer than rich's width without a terminal
    assert lines[0].endswith("(see 'molten plan --help')")


def test_generate_refuses_a_non_empty_folder_naming_the_option(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = molten("generate", str(tmp_path))
    assert result.returncode == 2
    line = result.stderr.strip()
    assert (
        line == f"bad input: argument DIR: {tmp_path} is not empty (use --overwrite to replace it)"
    )
    assert "overwrite=True" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_the_library_keeps_its_own_wording_for_python_callers(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match=r"use overwrite=True to replace it"):
        generate_network(tmp_path)


def test_a_generated_network_names_what_wrote_it(tmp_path: Path) -> None:
    out = generate_network(tmp_path / "net", smelters=1, casters=3, tonnes=40, seed=2)
    first = (out / "network.toml").read_text(encoding="utf-8").splitlines()[0]
    assert "`molten generate`" in first
    assert "logistics.network.synthetic.generate_network" in first
    module, _, function = "logistics.network.synthetic.generate_network".rpartition(".")
    assert callable(getattr(importlib.import_module(module), function))
    assert "logistics.generate " not in first
    load_network(out)  # the comment does not break the file


def _orders_with_other_days(tmp_path: Path, extra: int) -> Path:
    """tiny's orders and ``extra`` orders of 3 t each on the next day (E01, E02, ...)."""
    text = (TINY / "orders.csv").read_text(encoding="utf-8").rstrip("\n") + "\n"
    for n in range(1, extra + 1):
        text += (
            f"E{n:02d},C1,ADC12,3,2026-11-24T08:00+08:00,2026-11-24T10:00+08:00,"
            "2026-11-23T16:00+08:00\n"
        )
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_orders_of_other_days_are_logged_with_count_tonnes_and_ids(tmp_path, caplog) -> None:
    network = load_network(TINY, orders_file=_orders_with_other_days(tmp_path, 12))
    with caplog.at_level(logging.WARNING, logger="logistics.planning.solve"):
        outcome = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5))
    assert outcome.plan.summary.orders_outside_day == 12
    warnings = [r.getMessage() for r in caplog.records if "other days" in r.getMessage()]
    assert len(warnings) == 1, warnings
    message = warnings[0]
    assert message.startswith("12 orders (36.0 t) in the orders file belong to other days")
    assert "2026-11-23" in message and "are not planned" in message
    assert ", ".join(f"E{n:02d}" for n in range(1, 11)) + " and 2 more" in message
    assert "E11" not in message


def test_one_order_of_another_day_is_logged_in_the_singular(tmp_path, caplog) -> None:
    network = load_network(TINY, orders_file=_orders_with_other_days(tmp_path, 1))
    with caplog.at_level(logging.WARNING, logger="logistics.planning.solve"):
        plan_day(network, PlanOptions(solver="greedy", time_limit_s=5))
    warnings = [r.getMessage() for r in caplog.records if "other days" in r.getMessage()]
    assert warnings == [
        "1 order (3.0 t) in the orders file belongs to other days than 2026-11-23 and is "
        "not planned: E01"
    ]


def test_a_day_with_only_its_own_orders_logs_nothing_about_other_days(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="logistics.planning.solve"):
        plan_day(load_network(TINY), PlanOptions(solver="greedy", time_limit_s=5))
    assert not [r for r in caplog.records if "other days" in r.getMessage()]
