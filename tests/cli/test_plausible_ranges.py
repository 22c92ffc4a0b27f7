"""Values that parse but cannot be real, through the installed ``molten`` script.

A caster's ``min_pour_c = 0`` made the ladle hold limit infinite and crashed the planner
with ``OverflowError`` (issue #20). Now it and every other implausible value is bad input:
exit 2, one line naming file, row, column and the allowed range, no traceback, nothing
written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.test_exit_codes import TINY, molten, no_traceback, one_line
from tests.conftest import set_cell


@pytest.fixture
def network(tmp_path: Path) -> Path:
    folder = tmp_path / "net"
    shutil.copytree(TINY, folder)
    return folder


def refused(result, out: Path) -> str:
    """The one line of a bad-input refusal (exit 2, no traceback, nothing written)."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    no_traceback(result)
    assert not out.exists()
    return one_line(result.stderr)


def test_min_pour_c_of_0_exits_2_in_one_line(network: Path, tmp_path: Path) -> None:
    set_cell(network, "casters.csv", 4, "min_pour_c", "0")
    out = tmp_path / "plan"
    result = molten("plan", str(network), "--solver", "greedy", "--out", str(out))
    assert refused(result, out) == (
        "bad input: casters.csv, row 4, column 'min_pour_c': 0 is outside the plausible "
        "range 550–900 °C"
    )


def test_a_parameter_out_of_range_exits_2(network: Path, tmp_path: Path) -> None:
    toml = (network / "network.toml").read_text(encoding="utf-8")
    (network / "network.toml").write_text(
        toml.replace("margin_c = 5", "margin_c = 500"), encoding="utf-8"
    )
    out = tmp_path / "plan"
    result = molten("plan", str(network), "--solver", "greedy", "--out", str(out))
    line = refused(result, out)
    assert line.startswith("bad input: network.toml, row ")
    assert line.endswith("column '[thermal] margin_c': 500 is outside the plausible range 0–100 °C")


def test_set_out_of_range_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    result = molten(
        "plan", str(TINY), "--solver", "greedy", "--set", "thermal.ambient_c=99", "--out", str(out)
    )
    assert "99 is outside the plausible range −55 to 55 °C" in refused(result, out)


def test_tau_at_the_bound_plans(network: Path, tmp_path: Path) -> None:
    set_cell(network, "fleet.csv", 2, "tau_h", "200")
    set_cell(network, "casters.csv", 4, "min_pour_c", "550")
    out = tmp_path / "plan"
    result = molten("plan", str(network), "--solver", "greedy", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "plan.json").is_file()
