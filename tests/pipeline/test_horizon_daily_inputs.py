"""A horizon whose days have their own production and fleet (``molten plan --days 2``).

tiny over two days, where on the second a truck is in the workshop and a smelter has a
quarter of its stock of one alloy and makes none (dated rows of ``fleet.csv`` and
``production.csv``): the second day's plan uses neither the truck nor more metal than
that day releases, and the independent checker, which loads every day's network for its
date, finds it valid and flags a plan that breaks the day's production or fleet.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import copy_tiny
from tests.network.test_dated_rows import with_rows

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)
MOLTEN = Path(sys.executable).parent / "molten"
#: S1's ADC12 on Tuesday: 3 t at opening and nothing more (every other day 12 t and
#: 6 t/h).
TUE_ADC12_T = 3.0


def molten(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [str(MOLTEN), *map(str, args)], capture_output=True, text=True, timeout=300, env=env
    )


def runs(folder: Path) -> list[dict[str, str]]:
    with (folder / "runs.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def adc12_filled(rows: list[dict[str, str]]) -> float:
    """Tonnes of ADC12 filled at S1, from the plan's rows, t."""
    return sum(float(r["tonnes"]) for r in rows if (r["smelter_id"], r["alloy"]) == ("S1", "ADC12"))


def out_on(net: Path, day: date, truck: str) -> None:
    row = {"truck_id": truck, "date": day.isoformat(), "available": "no"}
    with_rows(net, "fleet.csv", ["date", "available"], [row])


def less_adc12_on(net: Path, day: date) -> None:
    row = {
        "smelter_id": "S1",
        "alloy": "ADC12",
        "rate_tph": "0",
        "stock_t": f"{TUE_ADC12_T:g}",
        "date": day.isoformat(),
    }
    with_rows(net, "production.csv", ["date"], [row])


@pytest.fixture(scope="module")
def horizon(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """tiny with T2 out and less ADC12 on Tuesday, planned Monday and Tuesday."""
    net = copy_tiny(tmp_path_factory.mktemp("daily") / "tiny")
    out_on(net, TUE, "T2")
    less_adc12_on(net, TUE)
    out = net.parent / "plan"
    done = molten(
        "plan", net, "--date", MON.isoformat(), "--days", "2", "--solver", "greedy", "--out", out
    )
    assert done.returncode == 0, done.stderr
    return net, out


def test_the_second_day_plans_with_its_own_fleet_and_production(
    horizon: tuple[Path, Path],
) -> None:
    _, out = horizon
    monday, tuesday = runs(out / "day-1"), runs(out / "day-2")
    assert {r["pour_start"][:10] for r in tuesday} == {TUE.isoformat()}
    # Monday is tiny's day as ever: T2 drives, S1 fills more than Tuesday's ADC12
    assert "T2" in {r["truck_id"] for r in monday}
    assert adc12_filled(monday) > TUE_ADC12_T
    # Tuesday: T2 is in the workshop, S1 releases 3 t of ADC12 (rate 0)
    assert tuesday and "T2" not in {r["truck_id"] for r in tuesday}
    assert 0 < adc12_filled(tuesday) <= TUE_ADC12_T + 1e-9


def test_the_checker_finds_both_days_valid(horizon: tuple[Path, Path]) -> None:
    net, out = horizon
    done = molten("check", net, out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "horizon is valid: 2 days, 0 violations" in done.stdout


def test_the_checker_flags_a_run_on_the_truck_out_that_day(
    horizon: tuple[Path, Path], tmp_path: Path
) -> None:
    net, out = horizon
    broken = tmp_path / "plan"
    shutil.copytree(out, broken)
    rows = runs(broken / "day-2")
    moved = rows[-1]["run_id"]
    rows[-1] = {**rows[-1], "truck_id": "T2", "trip": "1"}
    with (broken / "day-2" / "runs.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    done = molten("check", net, broken)
    assert done.returncode == 4, done.stdout + done.stderr
    assert f"✗ {TUE.isoformat()}: run {moved} (truck T2" in done.stdout
    assert "truck 'T2' is out on 2026-11-24" in done.stdout
    assert f"{MON.isoformat()}: {len(runs(out / 'day-1'))} runs, valid" in done.stdout


def test_the_checker_holds_each_day_to_its_own_production(
    horizon: tuple[Path, Path], tmp_path: Path
) -> None:
    """The same plans against a network where Monday, too, has only 3 t of ADC12 at S1."""
    _, out = horizon
    poorer = copy_tiny(tmp_path / "tiny")
    out_on(poorer, TUE, "T2")
    less_adc12_on(poorer, TUE)
    less_adc12_on(poorer, MON)
    done = molten("check", poorer, out)
    assert done.returncode == 4, done.stdout + done.stderr
    flagged = [line for line in done.stdout.splitlines() if line.startswith("✗")]
    assert flagged and all(line.startswith(f"✗ {MON.isoformat()}") for line in flagged)
    assert any("production" in line and "S1 has filled" in line for line in flagged)
    assert f"{TUE.isoformat()}: {len(runs(out / 'day-2'))} runs, valid" in done.stdout
