"""Downloads of a plan: the plan folder as a zip, ``runs.csv``, and an Excel workbook.

The workbook has one sheet per table (summary, runs, unserved, trips) and one route
sheet per truck a driver can take along: every stop in order with its times, the
site's name and coordinates, the tonnes, the tap temperature and the lowest arrival
temperature the caster accepts (``min_pour_c + margin_c``). Times are wall-clock
``HH:MM`` in the network's timezone (``+1d`` past midnight).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from logistics.network.model import Network, Truck
from logistics.physics.travel import Travel
from logistics.plan.files import (
    PLAN_FILES,
    PREHEATS_FILE,
    ROUTE_SHEETS_FILE,
    plan_csv_text,
    write_plan,
)
from logistics.plan.model import RUN_COLUMNS, UNSERVED_COLUMNS, Plan, Run
from logistics.plan.timeline import trips_of

__all__ = [
    "ROUTE_SHEETS_FILE",
    "RouteStop",
    "clock",
    "plan_workbook",
    "plan_zip",
    "route_stops",
    "runs_csv",
    "summary_rows",
    "unserved_csv",
]


def clock(moment: datetime, network: Network) -> str:
    """``HH:MM`` in the network's timezone, ``HH:MM +1d`` on a later day than the plan's."""
    local = moment.astimezone(network.tz)
    days = (local.date() - network.plan_date).days
    text = local.strftime("%H:%M")
    return f"{text} {days:+d}d" if days else text


def plan_zip(plan: Plan) -> bytes:
    """The plan folder (``runs.csv``, ``unserved.csv``, ``plan.json``) as zip bytes.

    Written with :func:`logistics.write_plan` (so ``plan.json`` is validated against
    its schema) into a temporary folder, then zipped under ``<network>-<date>/``.
    """
    folder_name = f"{plan.network}-{plan.plan_date.isoformat()}"
    with tempfile.TemporaryDirectory(prefix="molten-zip-") as tmp:
        folder = write_plan(plan, Path(tmp) / folder_name)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(PLAN_FILES | {PREHEATS_FILE}):
                if (
                    folder / name
                ).is_file():  # preheats.csv with a ladle pool, breaks.csv with drivers' rules
                    archive.write(folder / name, f"{folder_name}/{name}")
    return buffer.getvalue()


def runs_csv(plan: Plan) -> str:
    """``runs.csv`` as text."""
    return plan_csv_text(plan)[0]


def unserved_csv(plan: Plan) -> str:
    """``unserved.csv`` as text."""
    return plan_csv_text(plan)[1]


@dataclass(frozen=True)
class RouteStop:
    """One line of a driver's route sheet.

    Attributes
    ----------
    step : int
        Counted from 1 over the truck's day.
    trip : int
        The trip.
    action : str
        ``drive to``, ``fill``, ``depart``, ``pour`` or ``home``.
    site_id, site_name : str
        Where.
    lat, lon : float
        Coordinates, degrees (WGS-84).
    start, end : datetime
        When (equal for an instant like ``depart``).
    run_id, order_id, alloy : str
        The ladle (empty for driving).
    tonnes : float or None
        t.
    tap_c, arrival_c, min_arrival_c : float or None
        Tap, planned arrival and lowest acceptable arrival (``min_pour_c + margin_c``),
        °C.
    """

    step: int
    trip: int
    action: str
    site_id: str
    site_name: str
    lat: float
    lon: float
    start: datetime
    end: datetime
    run_id: str = ""
    order_id: str = ""
    alloy: str = ""
    tonnes: float | None = None
    tap_c: float | None = None
    arrival_c: float | None = None
    min_arrival_c: float | None = None


def _site_fields(network: Network, kind: str, site_id: str) -> dict[str, Any]:
    """A smelter's or caster's id, name and coordinates (degrees), as stop fields."""
    obj = (network.smelter_by_id if kind == "smelter" else network.caster_by_id)[site_id]
    return {"site_id": site_id, "site_name": obj.name, "lat": obj.lat, "lon": obj.lon}


def _ladle_fields(r: Run) -> dict[str, Any]:
    """What a fill or pour stop says of its ladle."""
    return {
        "run_id": r.run_id,
        "order_id": r.order_id,
        "alloy": r.alloy,
        "tonnes": r.tonnes,
        "tap_c": r.tap_c,
    }


def _first_drive_start(network: Network, travel: Travel, here: int, first_fill: Run) -> datetime:
    """When the day's first drive leaves (matrix row ``here``) to arrive at the first fill."""
    drive_min = float(travel.minutes[here, travel.smelter(first_fill.smelter_id)])
    return network.at(network.minutes(first_fill.fill_start) - drive_min)


def _trip_stops(network: Network, trip: list[Run], drive_start: datetime) -> list[dict[str, Any]]:
    """One trip's stops: drive to the smelter, fill each ladle, depart, pour each ladle."""
    number = trip[0].trip
    margin = network.params.thermal.margin_c
    fills = sorted(trip, key=lambda r: r.fill_start)
    smelter = _site_fields(network, "smelter", fills[0].smelter_id)
    stops: list[dict[str, Any]] = [
        {
            "trip": number,
            "action": "drive to",
            **smelter,
            "start": drive_start,
            "end": fills[0].fill_start,
        }
    ]
    for r in fills:
        stops.append(
            {
                "trip": number,
                "action": "fill",
                **smelter,
                "start": r.fill_start,
                "end": r.fill_end,
                **_ladle_fields(r),
            }
        )
    depart = max(r.depart for r in trip)
    stops.append(
        {
            "trip": number,
            "action": "depart",
            **smelter,
            "start": depart,
            "end": depart,
            "tonnes": sum(r.tonnes for r in trip),
        }
    )
    for r in trip:
        stops.append(
            {
                "trip": number,
                "action": "pour",
                **_site_fields(network, "caster", r.caster_id),
                "start": r.pour_start,
                "end": r.pour_end,
                **_ladle_fields(r),
                "arrival_c": r.arrival_c,
                "min_arrival_c": network.caster_by_id[r.caster_id].min_pour_c + margin,
            }
        )
    return stops


def _home_stop(
    network: Network, travel: Travel, truck: Truck, last: Run, last_end: datetime, trip: int
) -> dict[str, Any]:
    """Home after the last trip: the travel model's drive from the last caster."""
    minutes = float(
        travel.minutes[travel.caster(last.caster_id), travel.smelter(truck.home_smelter)]
    )
    home = network.at(network.minutes(last_end) + minutes)
    return {
        "trip": trip,
        "action": "home",
        **_site_fields(network, "smelter", truck.home_smelter),
        "start": home,
        "end": home,
    }


def route_stops(network: Network, travel: Travel, plan: Plan, truck_id: str) -> list[RouteStop]:
    """A truck's day as the stops a driver follows, in order.

    The trips are the truck-day timeline's (:func:`logistics.plan.timeline.trips_of`).

    Parameters
    ----------
    network : Network
        Sites (names, coordinates), casters' minimum temperatures, margin.
    travel : Travel
        The network's travel model (the drives to the first smelter and home).
    plan : Plan
        The plan.
    truck_id : str
        The truck.

    Returns
    -------
    list of RouteStop
        For each trip: drive to the smelter, fill each ladle, depart, pour each ladle at
        its caster; after the last trip, home (arrival by the travel model). Driving
        times are real elapsed time (:meth:`Network.minutes`), also across a
        daylight-saving change; the stops' times are in the network's timezone or carry
        its UTC offset.
    """
    trips = trips_of(r for r in plan.runs if r.truck_id == truck_id).get(truck_id, [])
    truck = network.truck_by_id[truck_id]
    start = next((s for s in plan.truck_starts if s.truck_id == truck_id), None)
    here = (
        travel.index(start.site_kind, start.site_id)
        if start
        else travel.smelter(truck.home_smelter)
    )

    stops: list[dict[str, Any]] = []
    last_end: datetime | None = None
    for trip in trips:
        first_fill = min(trip, key=lambda r: r.fill_start)
        drive_start = last_end or _first_drive_start(network, travel, here, first_fill)
        stops += _trip_stops(network, trip, drive_start)
        last_end = max(r.pour_end for r in trip)
    if trips and last_end is not None:
        last = trips[-1][-1]
        stops.append(_home_stop(network, travel, truck, last, last_end, trips[-1][0].trip))
    return [RouteStop(step=i, **s) for i, s in enumerate(stops, start=1)]


ROUTE_HEADER = (
    "step",
    "trip",
    "action",
    "site",
    "name / address",
    "lat",
    "lon",
    "from",
    "to",
    "ladle",
    "order",
    "alloy",
    "t",
    "tap °C",
    "planned arrival °C",
    "min arrival °C",
)

_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="1F3A8A")


def _write_table(sheet: Any, header: tuple[str, ...] | list[str], rows: list[list[Any]]) -> None:
    sheet.append(list(header))
    for cell in sheet[sheet.max_row]:
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    header_row = sheet.max_row
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for i, title in enumerate(header, start=1):
        width = max([len(str(title))] + [len(str(r[i - 1])) for r in rows[:200] if i - 1 < len(r)])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(8, width + 2), 48)


def _sheet_name(text: str, taken: set[str]) -> str:
    name = "".join("_" if c in "[]:*?/\\" else c for c in text)[:31]
    base, k = name, 2
    while name in taken:
        suffix = f" ({k})"
        name = base[: 31 - len(suffix)] + suffix
        k += 1
    taken.add(name)
    return name


def summary_rows(plan: Plan) -> list[list[Any]]:
    """The plan's KPIs and economics as ``[what, value, unit]`` rows."""
    s = plan.summary
    rows: list[list[Any]] = [
        ["network", plan.network, ""],
        ["plan date", plan.plan_date.isoformat(), ""],
        ["timezone", plan.timezone, ""],
        ["solver / status", f"{plan.solver.name} / {plan.solver.status}", ""],
        ["tonnes ordered", s.tonnes_ordered, "t"],
        ["tonnes delivered liquid", s.tonnes_delivered, "t"],
    ]
    rows += [[f"unserved: {k}", v, "t"] for k, v in s.tonnes_unserved.items() if v > 0]
    rows += [
        ["ladle runs", s.ladle_runs, ""],
        ["trucks used", s.trucks_used, ""],
        ["truck-km", s.truck_km, "km"],
        ["truck-hours", s.truck_hours, "h"],
        ["route cost", s.route_cost_cny, "CNY"],
        ["superheat", s.superheat_cny, "CNY"],
        ["min arrival margin", s.min_arrival_margin_c, "°C"],
    ]
    if plan.economics is not None:
        e = plan.economics.summary
        rows += [
            ["saving against ingots", e.saving_cny, "CNY"],
            ["saving per liquid tonne", e.saving_cny_per_liquid_t, "CNY/t"],
            ["CO2 avoided", round(e.co2_avoided_kg / 1000.0, 3), "t"],
            ["dross avoided", e.dross_avoided_t, "t"],
        ]
    return rows


#: Columns of ``runs.csv`` shown as wall-clock ``HH:MM`` in the workbook.
TIME_COLUMNS = frozenset({"fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end"})
TRIP_HEADER = ("truck", "trip", "smelter", "runs", "t", "km", "h", "cost CNY", "CO2 kg")


def _run_rows(network: Network, plan: Plan) -> list[list[Any]]:
    """The ``Runs`` sheet: ``runs.csv`` columns, times ``HH:MM``."""
    return [
        [clock(getattr(r, c), network) if c in TIME_COLUMNS else getattr(r, c) for c in RUN_COLUMNS]
        for r in plan.runs
    ]


def _trip_rows(plan: Plan) -> list[list[Any]]:
    """The ``Trips`` sheet: km, hours, cost (CNY) and CO2 (kg) per trip (plan with economics)."""
    assert plan.economics is not None
    return [
        [
            t.truck_id,
            t.trip,
            t.smelter_id,
            ", ".join(t.runs),
            t.tonnes,
            t.km,
            t.hours,
            t.cost_cny,
            t.co2_kg,
        ]
        for t in plan.economics.trips
    ]


def _stop_row(network: Network, s: RouteStop) -> list[Any]:
    """One line of a route sheet (:data:`ROUTE_HEADER`)."""
    return [
        s.step,
        s.trip,
        s.action,
        s.site_id,
        s.site_name,
        round(s.lat, 5),
        round(s.lon, 5),
        clock(s.start, network),
        clock(s.end, network),
        s.run_id,
        s.order_id,
        s.alloy,
        s.tonnes,
        s.tap_c,
        s.arrival_c,
        s.min_arrival_c,
    ]


#: Columns of the drivers' breaks under a route sheet.
BREAKS_HEADER = ("driver", "break", "from", "to", "min", "where")
#: How a route sheet names each kind of driver's stop.
BREAK_NAMES = {
    "wait": "rest while waiting",
    "break": "break before driving on",
    "en_route": "break en route",
    "handover": "handover: driver takes over",
}


def _write_breaks(sheet: Any, network: Network, plan: Plan, truck_id: str) -> None:
    """Under the stops: each driver's rests and handovers of the truck (none without
    drivers' rules)."""
    breaks = [b for b in plan.breaks if b.truck_id == truck_id]
    if not breaks:
        return
    sheet.append([])
    sheet.append(["Drivers' breaks (rest at least as long as written; the times are the plan's)"])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append(list(BREAKS_HEADER))
    for cell in sheet[sheet.max_row]:
        cell.font = _HEAD_FONT
        cell.fill = _HEAD_FILL
    for b in breaks:
        minutes = round((b.end - b.start).total_seconds() / 60.0)
        sheet.append(
            [
                b.driver,
                BREAK_NAMES[b.kind],
                clock(b.start, network),
                clock(b.end, network),
                minutes,
                b.where,
            ]
        )


def _write_route_sheet(
    sheet: Any, network: Network, travel: Travel, plan: Plan, truck_id: str
) -> None:
    """A driver's route sheet: the truck, its home and shift, then every stop, landscape."""
    truck = network.truck_by_id[truck_id]
    home = network.smelter_by_id.get(truck.home_smelter)
    sheet.append([f"Truck {truck_id} · {plan.network} · {plan.plan_date.isoformat()}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            f"home {truck.home_smelter} {home.name if home else ''} · shift "
            f"{clock(truck.shift_start, network)}–{clock(truck.shift_end, network)} · "
            f"{truck.ladles} × {truck.ladle_t:g} t ladles · times {network.timezone}"
        ]
    )
    sheet.append([])
    rows = [_stop_row(network, s) for s in route_stops(network, travel, plan, truck_id)]
    _write_table(sheet, ROUTE_HEADER, rows)
    _write_breaks(sheet, network, plan, truck_id)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1


def plan_workbook(network: Network, plan: Plan, travel: Travel | None = None) -> bytes:
    """The plan as an Excel workbook (openpyxl), as bytes.

    ``travel`` is the network's travel model (built from the network when not given).

    Sheets: ``Summary``, ``Runs`` (``runs.csv`` columns, times ``HH:MM``), ``Unserved``,
    ``Trips`` (km, hours, cost per trip, when the plan has economics) and one
    ``Route <truck>`` sheet per truck used (:func:`route_stops`), with the truck's
    drivers' breaks under its stops when the plan has drivers' rules.
    """
    travel = travel or Travel.of(network)
    book = Workbook()
    taken: set[str] = set()
    sheet = book.active
    sheet.title = _sheet_name("Summary", taken)
    _write_table(sheet, ("what", "value", "unit"), summary_rows(plan))
    _write_table(
        book.create_sheet(_sheet_name("Runs", taken)), RUN_COLUMNS, _run_rows(network, plan)
    )
    unserved = [[getattr(u, c) for c in UNSERVED_COLUMNS] for u in plan.unserved]
    _write_table(book.create_sheet(_sheet_name("Unserved", taken)), UNSERVED_COLUMNS, unserved)
    if plan.economics is not None:
        sheet = book.create_sheet(_sheet_name("Trips", taken))
        _write_table(sheet, TRIP_HEADER, _trip_rows(plan))
    for truck_id in sorted({r.truck_id for r in plan.runs if r.truck_id in network.truck_by_id}):
        sheet = book.create_sheet(_sheet_name(f"Route {truck_id}", taken))
        _write_route_sheet(sheet, network, travel, plan, truck_id)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
