"""The safety net on the command line: a failing optimiser gives the checked dispatcher's
plan with one warning line and exit 0, or under ``--strict`` exit 1 with nothing written.

The optimiser is made to fail in a subprocess running the real command line
(:mod:`tests.cli.failing_optimiser`); the plan written is judged by ``molten check``.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from logistics.cli.fallback import one_warning, refused_line, warning_line
from logistics.cli.render import summary_table
from logistics.network.loader import load_network
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from logistics.plan.stats import FALLBACK_STATUS
from tests.cli.failing_optimiser import INJECTED, molten_with_failing_optimiser, warning_lines
from tests.conftest import TINY

MOLTEN = Path(sys.executable).parent / "molten"
FAST = ("--time-limit", "5", "--workers", "1")
WARNING = (
    f"warning: the optimiser failed ({INJECTED}); this is the dispatcher's plan, checked "
    "(0 violations). Please report it."
)


def molten(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed console script, optimiser intact."""
    return subprocess.run(
        [str(MOLTEN), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "COLUMNS": "200"},
        stdin=subprocess.DEVNULL,
    )


def env_with(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MOLTEN_LOG", "MOLTEN_DEBUG")}
    return {**env, "COLUMNS": "200", **extra}


@pytest.mark.parametrize("level", [None, "INFO"], ids=["default log", "MOLTEN_LOG=INFO"])
def test_a_failing_optimiser_gives_the_checked_dispatchers_plan_with_one_warning(
    tmp_path: Path, level: str | None
) -> None:
    out = tmp_path / "plan"
    env = env_with(**({"MOLTEN_LOG": level} if level else {}))
    done = molten_with_failing_optimiser("plan", TINY, *FAST, "--out", out, env=env)
    assert done.returncode == 0, done.stderr
    assert warning_lines(done.stderr) == [WARNING]  # once: the library's record held back
    assert "dispatcher's plan is used instead" not in done.stderr
    assert "Traceback" not in done.stderr
    assert "fallback_dispatcher" in done.stdout  # the summary table's status
    solver = json.loads((out / "plan.json").read_text())["solver"]
    assert solver["status"] == FALLBACK_STATUS == "fallback_dispatcher"
    assert solver["fallback_reason"] == INJECTED
    checked = molten("check", TINY, out)
    assert checked.returncode == 0, checked.stdout
    assert "plan is valid" in checked.stdout


def test_strict_turns_a_fallback_into_exit_1_with_nothing_written(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    refused = molten_with_failing_optimiser(
        "plan", TINY, *FAST, "--out", out, "--strict", env=env_with()
    )
    assert refused.returncode == 1, refused.stderr
    assert not out.exists()
    assert refused.stderr.strip().splitlines() == [
        f"internal error: the optimiser failed ({INJECTED}); --strict refuses the "
        "dispatcher's plan: nothing written. Please report it."
    ]
    assert "Traceback" not in refused.stderr
    assert refused.stdout == ""


def test_strict_lets_a_plan_of_the_working_optimiser_through(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    done = molten("plan", TINY, "--time-limit", "3", "--workers", "1", "--out", out, "--strict")
    assert done.returncode == 0, done.stderr
    assert warning_lines(done.stderr) == []
    assert json.loads((out / "plan.json").read_text())["solver"]["status"] != FALLBACK_STATUS


def test_a_replan_falls_back_too_and_strict_refuses_it(tmp_path: Path) -> None:
    base = tmp_path / "base"
    assert molten("plan", TINY, "--solver", "greedy", "--out", base).returncode == 0
    again = tmp_path / "again"
    replan = ("plan", TINY, "--replan", base, "--now", "10:00", *FAST)
    done = molten_with_failing_optimiser(*replan, "--out", again, env=env_with())
    assert done.returncode == 0, done.stderr
    assert warning_lines(done.stderr) == [WARNING]
    solver = json.loads((again / "plan.json").read_text())["solver"]
    assert (solver["status"], solver["fallback_reason"]) == (FALLBACK_STATUS, INJECTED)
    assert molten("check", TINY, again).returncode == 0

    refused_dir = tmp_path / "refused"
    refused = molten_with_failing_optimiser(
        *replan, "--out", refused_dir, "--strict", env=env_with()
    )
    assert refused.returncode == 1, refused.stderr
    assert "--strict refuses the dispatcher's plan: nothing written" in refused.stderr
    assert not refused_dir.exists()


def test_the_summary_and_the_lines_name_status_and_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("in-process failure")

    monkeypatch.setattr("logistics.planning.solve.optimize", failing)
    outcome = plan_day(load_network(TINY), PlanOptions(time_limit_s=5))
    assert outcome.ok and outcome.plan.solver.fell_back
    line = warning_line(outcome.plan, outcome.report)
    assert line == (
        "warning: the optimiser failed (RuntimeError: in-process failure); this is the "
        "dispatcher's plan, checked (0 violations). Please report it."
    )
    assert refused_line(outcome.plan, "nothing written").startswith(
        "internal error: the optimiser failed (RuntimeError: in-process failure)"
    )
    console = Console(width=200, record=True)
    console.print(summary_table(outcome.plan, outcome.report))
    text = console.export_text()
    assert "ortools / fallback_dispatcher" in text
    assert "RuntimeError: in-process failure" in text


def test_a_plan_of_the_dispatchers_rule_asked_for_has_no_warning() -> None:
    outcome = plan_day(load_network(TINY), PlanOptions(solver="greedy", time_limit_s=5))
    assert outcome.ok and not outcome.plan.solver.fell_back
    assert warning_line(outcome.plan, outcome.report) is None


def test_one_warning_holds_back_only_the_librarys_fallback_record(caplog) -> None:
    solve_log = logging.getLogger("logistics.planning.solve")
    pipeline_log = logging.getLogger("logistics.pipeline.day")  # whichever module it is
    caplog.set_level(logging.DEBUG)
    with one_warning():
        solve_log.warning("the optimiser failed (%s); the dispatcher's plan is used instead", "x")
        pipeline_log.warning("%s; the dispatcher's plan is used instead", "the checker found 2")
        solve_log.warning("3 orders belong to other days")
        solve_log.debug("the optimiser's failure")
    assert [r.getMessage() for r in caplog.records] == [
        "3 orders belong to other days",
        "the optimiser's failure",
    ]
    caplog.clear()
    solve_log.warning("the optimiser failed (%s); the dispatcher's plan is used instead", "y")
    assert len(caplog.records) == 1  # only while the command plans
