"""A plan folder of the day the clocks go back reads back equal, and checks clean.

On that day 02:00–03:00 happens twice; a time of the second pass carries ``fold=1`` in
the network's ``ZoneInfo`` and was once read back with a fixed offset instead, which
Python never finds equal to it (PEP 495): ``read_plan`` then took its own folder for
hand-edited and dropped the economics.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from logistics import plan_day
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.plan.files import read_plan, write_plan
from logistics.plan.model import Plan, Run
from logistics.plan.options import PlanOptions
from tests.plan.night import BERLIN, berlin_night

MOLTEN = Path(sys.executable).with_name("molten")
DIFFERS = "differ from plan.json"


@pytest.fixture(scope="module")
def night_dir(tmp_path_factory) -> Path:
    return berlin_night(tmp_path_factory.mktemp("berlin") / "tiny")


@pytest.fixture(scope="module")
def night(night_dir: Path) -> Network:
    return load_network(night_dir)


@pytest.fixture(scope="module")
def night_plan(night: Network) -> Plan:
    outcome = plan_day(night, PlanOptions(solver="greedy", time_limit_s=5))
    assert outcome.ok, [str(v) for v in outcome.report.violations]
    (run,) = outcome.plan.runs
    # filled in summer time, poured in the repeated hour in winter time
    assert run.fill_end.utcoffset() == timedelta(hours=2)
    assert run.pour_start.utcoffset() == timedelta(hours=1)
    assert run.pour_start.astimezone(BERLIN).fold == 1
    return outcome.plan


def test_the_plan_reads_back_equal_with_its_economics(
    night: Network, night_plan: Plan, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = write_plan(night_plan, tmp_path / "plan")
    with caplog.at_level("WARNING"):
        again = read_plan(folder)
        with_network = read_plan(folder, night)
    assert again == night_plan
    assert with_network == night_plan
    assert again.economics is not None and again.economics == night_plan.economics
    assert DIFFERS not in caplog.text
    assert read_plan(write_plan(again, tmp_path / "again")) == night_plan


def test_runs_csv_shows_local_times_with_their_offsets(night_plan: Plan, tmp_path: Path) -> None:
    folder = write_plan(night_plan, tmp_path / "plan")
    with (folder / "runs.csv").open(encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    (run,) = night_plan.runs
    for column in ("fill_end", "pour_start"):
        local = getattr(run, column).astimezone(BERLIN)
        assert row[column] == local.isoformat(timespec="seconds")
    assert row["fill_end"].endswith("+02:00")
    assert row["pour_start"].endswith("+01:00")


def test_molten_check_takes_the_unedited_folder_as_written(
    night_dir: Path, night_plan: Plan, tmp_path: Path
) -> None:
    folder = write_plan(night_plan, tmp_path / "plan")
    done = subprocess.run(
        [str(MOLTEN), "check", str(night_dir), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert DIFFERS not in done.stdout + done.stderr
    assert "warning" not in done.stdout.lower()
    assert "plan is valid" in done.stdout


def _run(**times: datetime) -> Run:
    return Run(
        run_id="R1",
        truck_id="T1",
        trip=1,
        order_id="N1",
        smelter_id="S1",
        caster_id="C1",
        alloy="ADC12",
        tonnes=3.0,
        tap_c=730.0,
        arrival_c=708.4,
        road_km=37.1,
        **times,
    )


def test_run_times_compare_as_instants_in_the_repeated_hour() -> None:
    first = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)  # 02:30 CEST, 00:30 UTC
    second = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN)  # 02:15 CET, 01:15 UTC
    assert second < first  # the wall clock's answer on one ZoneInfo
    names = ("fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end")
    run = _run(**dict.fromkeys(names[:3], first), **dict.fromkeys(names[3:], second))
    assert run.fill_end < run.pour_start
    assert run.pour_start - run.fill_end == timedelta(minutes=45)
    assert run.pour_start.isoformat() == "2026-10-25T02:15:00+01:00"
    same = _run(
        **dict.fromkeys(names[:3], first.astimezone(UTC)),
        **dict.fromkeys(names[3:], datetime.fromisoformat("2026-10-25T02:15:00+01:00")),
    )
    assert same == run and hash(same) == hash(run)
    an_hour_early = _run(
        **dict.fromkeys(names[:3], first), **dict.fromkeys(names[3:], second.replace(fold=0))
    )
    assert an_hour_early != run
