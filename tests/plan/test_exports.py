"""Downloads: the zipped plan folder reads back equal; the workbook's tables and route sheets."""

from __future__ import annotations

import io
import math
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from logistics import PlanOutcome, read_plan
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.exports import clock, plan_workbook, plan_zip, route_stops, runs_csv
from logistics.plan.model import Run
from logistics.plan.summary import hand_made_plan
from tests.plan.night import BERLIN, berlin_night


def test_zip_holds_the_plan_folder_that_reads_back_equal(
    tiny_outcome: PlanOutcome, tmp_path: Path
) -> None:
    plan = tiny_outcome.plan
    with zipfile.ZipFile(io.BytesIO(plan_zip(plan))) as archive:
        names = sorted(archive.namelist())
        archive.extractall(tmp_path)
    stem = f"{plan.network}-{plan.plan_date}"
    assert names == [f"{stem}/plan.json", f"{stem}/runs.csv", f"{stem}/unserved.csv"]
    assert read_plan(tmp_path / stem) == plan


def test_runs_csv_has_a_row_per_run(tiny_outcome: PlanOutcome) -> None:
    lines = runs_csv(tiny_outcome.plan).strip().splitlines()
    assert lines[0].startswith("run_id,truck_id,trip,order_id")
    assert len(lines) == 1 + len(tiny_outcome.plan.runs)


def test_workbook_sheets_and_tables(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    plan = tiny_outcome.plan
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(tiny, plan, Travel.of(tiny))))
    trucks = sorted({r.truck_id for r in plan.runs})
    assert book.sheetnames == ["Summary", "Runs", "Unserved", "Trips"] + [
        f"Route {t}" for t in trucks
    ]
    runs = list(book["Runs"].iter_rows(values_only=True))
    assert len(runs) == 1 + len(plan.runs)
    assert {row[0] for row in runs[1:]} == {r.run_id for r in plan.runs}
    unserved = list(book["Unserved"].iter_rows(values_only=True))
    assert len(unserved) == 1 + len(plan.unserved)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["tonnes delivered liquid"] == sum(r.tonnes for r in plan.runs)


def test_route_sheet_lists_every_stop_a_driver_needs(
    tiny: Network, tiny_outcome: PlanOutcome
) -> None:
    plan = tiny_outcome.plan
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(tiny, plan, Travel.of(tiny))))
    margin = tiny.params.thermal.margin_c
    for truck in sorted({r.truck_id for r in plan.runs}):
        rows = list(book[f"Route {truck}"].iter_rows(values_only=True))
        header_at = next(i for i, row in enumerate(rows) if row and row[0] == "step")
        header, body = rows[header_at], rows[header_at + 1 :]
        col = {name: i for i, name in enumerate(header)}
        mine = [r for r in plan.runs if r.truck_id == truck]
        pours = [row for row in body if row[col["action"]] == "pour"]
        fills = [row for row in body if row[col["action"]] == "fill"]
        assert sorted(row[col["ladle"]] for row in pours) == sorted(r.run_id for r in mine)
        assert len(fills) == len(mine)
        for row in pours:
            run = next(r for r in mine if r.run_id == row[col["ladle"]])
            caster = tiny.caster_by_id[run.caster_id]
            assert row[col["site"]] == run.caster_id
            assert row[col["name / address"]] == caster.name
            assert (row[col["lat"]], row[col["lon"]]) == (caster.lat, caster.lon)
            assert row[col["from"]] == clock(run.pour_start, tiny)
            assert row[col["t"]] == run.tonnes
            assert row[col["tap °C"]] == run.tap_c
            assert row[col["min arrival °C"]] == caster.min_pour_c + margin
        assert body[-1][col["action"]] == "home"
        assert body[-1][col["site"]] == tiny.truck_by_id[truck].home_smelter
        assert [row[col["step"]] for row in body] == list(range(1, len(body) + 1))


def test_route_stops_are_in_time_order(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    for truck in {r.truck_id for r in tiny_outcome.plan.runs}:
        stops = route_stops(tiny, tiny_outcome.travel, tiny_outcome.plan, truck)
        starts = [s.start for s in stops]
        assert starts == sorted(starts)


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Network:
    """tiny in Europe/Berlin on 2026-10-25: clocks go back from 03:00 CEST to 02:00 CET."""
    return load_network(berlin_night(tmp_path_factory.mktemp("berlin") / "tiny"))


def _night_run(night: Network, run_id: str, truck_id: str, fill_min: float) -> Run:
    """A ladle S1 → C1 filled from ``fill_min`` real minutes after midnight, 15 min fill/pour."""
    travel = Travel.of(night)
    drive = math.ceil(float(travel.minutes[travel.smelter("S1"), travel.caster("C1")]))
    at = night.at
    return Run(
        run_id=run_id,
        truck_id=truck_id,
        trip=1,
        order_id="N1",
        smelter_id="S1",
        caster_id="C1",
        alloy="ADC12",
        tonnes=3.0,
        fill_start=at(fill_min),
        fill_end=at(fill_min + 15),
        depart=at(fill_min + 15),
        arrive=at(fill_min + 15 + drive),
        pour_start=at(fill_min + 15 + drive),
        pour_end=at(fill_min + 30 + drive),
        tap_c=760.0,
        arrival_c=730.0,
        road_km=37.1,
    )


def test_route_legs_across_the_change_take_their_real_driving_time(night: Network) -> None:
    # T3 (home S2) fills at S1 from 02:10 CET: it leaves S2 73 min before, in summer
    # time. T1 pours at C1 until 02:27 CEST and drives home 56 min, into winter time.
    t3 = _night_run(night, "R1", "T3", 190)
    t1 = _night_run(night, "R2", "T1", 61)
    assert t3.fill_start.astimezone(BERLIN).fold == 1
    assert t1.pour_end.utcoffset() == timedelta(hours=2)
    plan = hand_made_plan(night, Travel.of(night), [t3, t1], [])
    travel = Travel.of(night)
    minutes = night.minutes

    drive, *_ = route_stops(night, Travel.of(night), plan, "T3")
    assert drive.action == "drive to" and drive.end == t3.fill_start
    s2_s1 = float(travel.minutes[travel.smelter("S2"), travel.smelter("S1")])
    assert minutes(drive.end) - minutes(drive.start) == pytest.approx(s2_s1)
    assert clock(drive.start, night) == "01:56"  # CEST, before the change

    *_, home = route_stops(night, Travel.of(night), plan, "T1")
    assert home.action == "home"
    c1_s1 = float(travel.minutes[travel.caster("C1"), travel.smelter("S1")])
    assert minutes(home.start) - minutes(t1.pour_end) == pytest.approx(c1_s1)
    assert home.start.astimezone(BERLIN).utcoffset() == timedelta(hours=1)
    assert clock(home.start, night) == "02:22"  # CET, after the change
