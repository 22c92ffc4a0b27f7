"""``molten plan --days 3`` and ``molten check`` on a horizon, in a subprocess: 0
violations, every managed furnace's level recomputed from runs.csv and consumption.csv
day after day (carried across midnight) never below its minimum, and levels.csv
continuous from one day's end into the next day's start."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from benchmarks.supply_network import write_managed_copy
from tests.conftest import TINY
from tests.supply.recompute import draw_by_minute, inflow_by_minute, rows

MOLTEN = Path(sys.executable).parent / "molten"


@pytest.fixture(scope="module")
def supplied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny with C1's ADC12 managed (a furnace liquid metal can reach, with metal to spare)."""
    folder = write_managed_copy(TINY, tmp_path_factory.mktemp("horizon") / "net")
    path = folder / "consumption.csv"
    table = rows(path)
    kept = [r for r in table if r["caster_id"] == "C1"]
    removed = {(r["caster_id"], r["alloy"]) for r in table} - {("C1", "ADC12")}
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(kept)
    assert removed  # the other managed casters go back to ordering (their orders are gone)
    return folder


def _day_levels(plan: Path, draw: list[float], key: tuple[str, str], start: float) -> list[float]:
    inflow = inflow_by_minute(plan)[key]
    levels = [start]
    for m in range(1440):
        levels.append(levels[-1] + inflow[m] - draw[m])
    return levels


def test_a_three_day_horizon_is_valid_and_never_runs_low(supplied: Path, tmp_path: Path) -> None:
    out = tmp_path / "horizon"
    args = ["plan", str(supplied), "--days", "3", "--time-limit", "5", "--out", str(out)]
    done = subprocess.run([str(MOLTEN), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    checked = subprocess.run(
        [str(MOLTEN), "check", str(supplied), str(out)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 violations" in checked.stdout
    horizon = json.loads((out / "horizon.json").read_text())
    folders = [out / d["folder"] for d in horizon["days"]]
    assert len(folders) == 3 and all((f / "runs.csv").is_file() for f in folders)
    draw, furnaces = draw_by_minute(supplied)
    key = ("C1", "ADC12")
    level, minimum = float(furnaces[key]["start_level_t"]), float(furnaces[key]["min_level_t"])
    deliveries = 0
    for folder in folders:
        written = [r for r in rows(folder / "levels.csv") if (r["caster_id"], r["alloy"]) == key]
        assert abs(float(written[0]["level_t"]) - level) < 1e-3  # carried from the day before
        levels = _day_levels(folder, draw[key], key, level)
        assert min(levels) >= minimum - 1e-3, folder.name
        assert abs(float(written[-1]["level_t"]) - levels[-1]) < 1e-3
        deliveries += sum(
            1 for r in rows(folder / "runs.csv") if (r["caster_id"], r["alloy"]) == key
        )
        level = levels[-1]
    assert deliveries > 0


def test_levels_csv_interpolates_to_every_minute(supplied: Path, tmp_path: Path) -> None:
    out = tmp_path / "day"
    args = ["plan", str(supplied), "--solver", "greedy", "--out", str(out)]
    done = subprocess.run([str(MOLTEN), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    plan = json.loads((out / "plan.json").read_text())
    written = rows(out / "levels.csv")
    for furnace in plan["supply"]["furnaces"]:
        mine = [
            r
            for r in written
            if (r["caster_id"], r["alloy"]) == (furnace["caster_id"], furnace["alloy"])
        ]
        minutes = [int(r["minute"]) for r in mine]
        assert minutes[0] == 0 and minutes[-1] == 1440 and len(mine) < 200
        for a, b in pairwise(mine):
            m0, m1 = int(a["minute"]), int(b["minute"])
            for m in range(m0, m1 + 1):
                line = float(a["level_t"]) + (float(b["level_t"]) - float(a["level_t"])) * (
                    m - m0
                ) / (m1 - m0)
                assert abs(line - furnace["levels_t"][m]) <= 1.5e-3


def test_days_out_of_range_is_bad_input(supplied: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(MOLTEN), "plan", str(supplied), "--days", "6", "--out", str(tmp_path / "x")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "--days" in done.stderr + done.stdout
    assert not (tmp_path / "x").exists()
