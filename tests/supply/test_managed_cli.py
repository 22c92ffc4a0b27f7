"""``molten plan`` and ``molten check`` on a network with consumption.csv, in a subprocess:
0 violations, and no managed furnace below its minimum — recomputed from levels.csv and,
independently, from runs.csv's pours and consumption.csv."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest

MOLTEN = Path(sys.executable).parent / "molten"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _levels_from_pours(net: Path, plan: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """``(caster, alloy) -> (lowest level, minimum)`` of each managed furnace, per minute."""
    furnaces: dict[tuple[str, str], dict[str, str]] = {}
    draw: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * 1440)
    for row in _rows(net / "consumption.csv"):
        key = (row["caster_id"], row["alloy"])
        furnaces.setdefault(key, row)
        lo, hi, rate = float(row["from_h"]), float(row["to_h"]), float(row["t_per_h"])
        for m in range(1440):
            draw[key][m] += max(0.0, min(m + 1, hi * 60) - max(m, lo * 60)) * rate / 60
    inflow: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * 1440)
    for run in _rows(plan / "runs.csv"):
        start, end = (datetime.fromisoformat(run[c]) for c in ("pour_start", "pour_end"))
        s = start.hour * 60 + start.minute + start.second / 60
        e = s + (end - start).total_seconds() / 60
        for m in range(int(s), min(1440, int(e) + 1)):
            share = max(0.0, min(m + 1, e) - max(m, s))
            inflow[(run["caster_id"], run["alloy"])][m] += float(run["tonnes"]) * share / (e - s)
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
    levels = _rows(out / "levels.csv")
    assert levels and {r["supply"] for r in levels} == {"managed"}
    assert all(float(r["level_t"]) >= float(r["min_t"]) - 1e-6 for r in levels)
    assert all(float(r["level_t"]) <= float(r["capacity_t"]) + 1e-6 for r in levels)
    recomputed = _levels_from_pours(managed_dir, out)
    assert recomputed
    for key, (lowest, minimum) in recomputed.items():
        assert lowest >= minimum - 1e-3, key
