"""Downloads: the zipped plan folder reads back equal; the workbook's tables and route sheets."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

from logistics import PlanOutcome, read_plan
from logistics.app.exports import clock, plan_workbook, plan_zip, route_stops, runs_csv
from logistics.network.model import Network


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
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(tiny, plan)))
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
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(tiny, plan)))
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
        stops = route_stops(tiny, tiny_outcome.plan, truck)
        starts = [s.start for s in stops]
        assert starts == sorted(starts)
