"""``molten plan`` and ``molten check`` on a network with consumption.csv, in a subprocess:
0 violations, and no managed furnace below its minimum — recomputed from levels.csv and,
independently, from runs.csv's pours and consumption.csv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.supply.recompute import draw_by_minute, inflow_by_minute, rows

MOLTEN = Path(sys.executable).parent / "molten"


def _levels_from_pours(net: Path, plan: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """``(caster, alloy) -> (lowest level, minimum)`` of each managed furnace, per minute."""
    draw, furnaces = draw_by_minute(net)
    inflow = inflow_by_minute(plan)
    out = {}
    for key, row in furnaces.items():
        level = lowest = float(row["start_level_t"])
        for m in range(1440):
            level += inflow[key][m] - draw[key][m]
            lowest = min(lowest, level)
        out[key] = (lowest, float(row["min_level_t"]))
    return out


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_plan_and_check_a_managed_day(managed_dir: Path, tmp_path: Path, solver: str) -> None:
    out = tmp_path / "plan"
    args = ["plan", str(managed_dir), "--solver", solver, "--time-limit", "5", "--out", str(out)]
    done = subprocess.run([str(MOLTEN), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    checked = subprocess.run(
        [str(MOLTEN), "check", str(managed_dir), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 violations" in checked.stdout or "plan is valid" in checked.stdout
    levels = rows(out / "levels.csv")
    assert levels and {r["supply"] for r in levels} == {"managed"}
    assert all(float(r["level_t"]) >= float(r["min_t"]) - 1e-6 for r in levels)
    assert all(float(r["level_t"]) <= float(r["capacity_t"]) + 1e-6 for r in levels)
    recomputed = _levels_from_pours(managed_dir, out)
    assert recomputed
    for key, (lowest, minimum) in recomputed.items():
        assert lowest >= minimum - 1e-3, key
