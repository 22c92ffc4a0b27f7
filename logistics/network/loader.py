"""Load a network folder into a validated :class:`~logistics.network.model.Network`.

Every problem is reported as an :class:`~logistics.errors.InputProblem` naming the file,
the spreadsheet row (header = row 1) and the column; all problems of a file are
collected before raising, so a user can fix a spreadsheet in one pass. Nothing is
written here, so a bad input can never leave a partial output behind.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from logistics.errors import InputError, InputProblem
from logistics.network.csv_tables import CsvSpec, load_table
from logistics.network.dated_rows import load_dated_table
from logistics.network.furnaces import ConsumptionBand, Furnace, load_consumption
from logistics.network.ladles import load_ladles
from logistics.network.model import Candidate, Caster, Network, Order, Production, Smelter, Truck
from logistics.network.roads import load_road_graph
from logistics.network.settings import NetworkSettings, entry_ban_problems, load_settings
from logistics.network.times import is_clock_time, plan_date_problem

log = logging.getLogger(__name__)

SMELTERS = CsvSpec(
    "smelters.csv",
    Smelter,
    ("smelter_id", "name", "lat", "lon", "open", "close", "fill_min"),
    ("fill_bays",),
    times=("open", "close"),
    key="smelter_id",
)
PRODUCTION = CsvSpec(
    "production.csv",
    Production,
    ("smelter_id", "alloy", "rate_tph", "stock_t", "tap_min_c", "tap_max_c"),
    key=("smelter_id", "alloy"),
)
CASTERS = CsvSpec(
    "casters.csv",
    Caster,
    ("caster_id", "name", "lat", "lon", "open", "close", "min_pour_c", "unload_min"),
    ("daily_t", "alloys"),
    times=("open", "close"),
    lists=("alloys",),
    key="caster_id",
)
FLEET = CsvSpec(
    "fleet.csv",
    Truck,
    ("truck_id", "home_smelter", "ladles", "ladle_t", "tau_h", "shift_start", "shift_end"),
    ("cost_per_km", "cost_per_h", "payload_t", "max_trips"),
    times=("shift_start", "shift_end"),
    key="truck_id",
)
ORDERS = CsvSpec(
    "orders.csv",
    Order,
    ("order_id", "caster_id", "alloy", "tonnes", "window_start", "window_end", "placed_at"),
    times=("window_start", "window_end", "placed_at"),
    key="order_id",
)
CANDIDATES = CsvSpec(
    "candidates.csv",
    Candidate,
    ("site_id", "name", "lat", "lon", "capex_cny", "rate_tph"),
    ("alloys",),
    lists=("alloys",),
    key="site_id",
)


#: Longest opening hours of a site and longest shift of a truck, h: the span ``HH:MM``
#: times can write (``00:00``–``48:00``); longer would be several days in one plan day.
MAX_SPAN_H = 48.0


def _span_problem(
    file: str, row: int, columns: tuple[str, str], start: datetime, end: datetime
) -> InputProblem | None:
    """A problem when ``end`` is not after ``start`` or more than :data:`MAX_SPAN_H` later.

    ``columns`` are the names of the start and end columns; the problem names the end.
    """
    first, last = columns
    if end <= start:
        return InputProblem(file, row, last, f"{last} is not after {first}")
    hours = (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 3600.0
    if hours > MAX_SPAN_H:
        return InputProblem(
            file,
            row,
            last,
            f"{last} is {hours:,.1f} h after {first}, outside the plausible range 0–48 h",
        )
    return None


def _fleet_problems(fleet: list[tuple[int, Truck]], smelter_ids: set[str]) -> list[InputProblem]:
    """``fleet.csv``'s rows against the smelters, their shifts and payloads."""
    problems: list[InputProblem] = []
    for row, t in fleet:
        if t.home_smelter not in smelter_ids:
            problems.append(
                InputProblem(
                    "fleet.csv",
                    row,
                    "home_smelter",
                    f"unknown smelter '{t.home_smelter}' (not in smelters.csv)",
                )
            )
        span = _span_problem(
            "fleet.csv", row, ("shift_start", "shift_end"), t.shift_start, t.shift_end
        )
        if span:
            problems.append(span)
        if t.payload_t is not None and t.payload_t < t.ladle_t - 1e-9:
            problems.append(
                InputProblem(
                    "fleet.csv",
                    row,
                    "payload_t",
                    f"payload_t {t.payload_t:g} t is below one full ladle (ladle_t "
                    f"{t.ladle_t:g} t)",
                )
            )
    return problems


def _cross_checks(
    smelters: list[tuple[int, Smelter]],
    production: list[tuple[int, Production]],
    casters: list[tuple[int, Caster]],
    fleet: list[tuple[int, Truck]],
    orders: list[tuple[int, Order]],
    orders_label: str,
) -> list[InputProblem]:
    problems: list[InputProblem] = []
    smelter_ids = {s.smelter_id for _, s in smelters}
    caster_ids = {c.caster_id for _, c in casters}
    for row, s in smelters:
        span = _span_problem("smelters.csv", row, ("open", "close"), s.open, s.close)
        if span:
            problems.append(span)
    for row, p in production:
        if p.smelter_id not in smelter_ids:
            problems.append(
                InputProblem(
                    "production.csv",
                    row,
                    "smelter_id",
                    f"unknown smelter '{p.smelter_id}' (not in smelters.csv)",
                )
            )
        if p.tap_min_c > p.tap_max_c:
            problems.append(
                InputProblem(
                    "production.csv",
                    row,
                    "tap_min_c",
                    f"tap_min_c {p.tap_min_c} is above tap_max_c {p.tap_max_c}",
                )
            )
    for row, c in casters:
        span = _span_problem("casters.csv", row, ("open", "close"), c.open, c.close)
        if span:
            problems.append(span)
    problems += _fleet_problems(fleet, smelter_ids)
    for row, o in orders:
        if o.caster_id not in caster_ids:
            problems.append(
                InputProblem(
                    orders_label,
                    row,
                    "caster_id",
                    f"unknown caster '{o.caster_id}' (not in casters.csv)",
                )
            )
        if o.window_end < o.window_start:
            problems.append(
                InputProblem(
                    orders_label,
                    row,
                    "window_end",
                    f"window_end {o.window_end:%Y-%m-%d %H:%M} is before window_start "
                    f"{o.window_start:%Y-%m-%d %H:%M}",
                )
            )
    return problems


#: ``file name -> its rows as (spreadsheet row, model)``.
Tables = dict[str, list[tuple[int, Any]]]


def _furnaces(
    folder: Path, settings: NetworkSettings, day: date, tables: Tables, orders_label: str
) -> tuple[tuple[Furnace, ...], tuple[ConsumptionBand, ...]]:
    """The folder's furnaces and consumption bands (:func:`load_consumption`), a managed
    furnace checked against the fleet's smallest whole ladle."""
    return load_consumption(
        folder,
        day,
        ZoneInfo(settings.timezone),
        {c.caster_id for _, c in tables[CASTERS.file]},
        tables[ORDERS.file],
        orders_label,
        smallest_ladle_t=_smallest_whole_ladle(settings, tables),
    )


def _smallest_whole_ladle(settings: NetworkSettings, tables: Tables) -> float | None:
    """The fleet's smallest ladle, t, where ladles are poured whole (``[supply]
    whole_ladles``); None where they may be part-filled or there is no fleet."""
    if not settings.params.supply.whole_ladles:
        return None
    return min((t.ladle_t for _, t in tables[FLEET.file]), default=None)


def _plan_day(settings: NetworkSettings, plan_date: date | None) -> date:
    """The day to plan: the caller's, ``network.toml``'s, or today in the network's timezone.

    Raises
    ------
    InputError
        A plan date given by the caller (``--date``) outside the plausible range
        (``network.toml``'s is checked when it is read).
    """
    day = plan_date or settings.plan_date or datetime.now(ZoneInfo(settings.timezone)).date()
    implausible = plan_date_problem(day)
    if implausible:
        raise InputError(InputProblem("plan date", None, None, implausible))
    return day


def orders_without_dates(orders_path: Path | str) -> bool:
    """Whether an orders file gives every window as ``HH:MM``, on no particular day.

    Such orders are planned on whatever date is asked for; a nightly job that plans
    "tomorrow" from them re-uses the same orders every day (the CLI warns).

    Parameters
    ----------
    orders_path : Path or str
        An ``orders.csv``.

    Returns
    -------
    bool
        True when the file has rows and none of their ``window_start`` values carries a
        date; False otherwise (also when the file cannot be read: the loader reports it).
    """
    try:
        with Path(orders_path).open(newline="", encoding="utf-8-sig") as handle:
            starts = [row.get("window_start") or "" for row in csv.DictReader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return bool(starts) and all(is_clock_time(text) for text in starts)


def _read_tables(
    folder: Path, orders_path: Path, orders_label: str, day: date, tz: ZoneInfo
) -> tuple[Tables, Tables, list[tuple[int, Any]]]:
    """Every table of the folder, every row of the tables with day columns, candidates.

    ``production.csv`` and ``fleet.csv`` give the plan date's rows in the first tables
    and all their rows, whatever their days, in the second (for the checks across
    files); candidates are none without ``candidates.csv``.

    Raises
    ------
    InputError
        Every problem of every file, together.
    """
    problems: list[InputProblem] = []
    tables: Tables = {}
    every: Tables = {}
    for spec, path, label in (
        (SMELTERS, folder / SMELTERS.file, SMELTERS.file),
        (PRODUCTION, folder / PRODUCTION.file, PRODUCTION.file),
        (CASTERS, folder / CASTERS.file, CASTERS.file),
        (FLEET, folder / FLEET.file, FLEET.file),
        (ORDERS, orders_path, orders_label),
    ):
        try:
            if spec in (PRODUCTION, FLEET):
                dated = load_dated_table(path, spec, day, tz, absence=spec is FLEET)
                tables[spec.file], every[spec.file] = dated.day, dated.every
            else:
                tables[spec.file] = load_table(path, spec, day, tz, file_label=label)
        except InputError as exc:
            problems.extend(exc.problems)
    candidates: list[tuple[int, Any]] = []
    if (folder / CANDIDATES.file).is_file():
        try:
            candidates = load_table(folder / CANDIDATES.file, CANDIDATES, day, tz)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return tables, every, candidates


def _check_tables(tables: Tables, every: Tables, orders_label: str, day: date) -> None:
    """The tables agree with one another, and smelters, casters and fleet have rows.

    Rows of ``production.csv`` and ``fleet.csv`` are checked whatever their days
    (``every``); the fleet must have a truck on the plan date.

    Raises
    ------
    InputError
        Every problem found.
    """
    problems = _cross_checks(
        tables[SMELTERS.file],
        every[PRODUCTION.file],
        tables[CASTERS.file],
        every[FLEET.file],
        tables[ORDERS.file],
        orders_label,
    )
    for spec in (SMELTERS, CASTERS, FLEET):
        if not every.get(spec.file, tables[spec.file]):
            problems.append(InputProblem(spec.file, None, None, "has no data rows"))
        elif not tables[spec.file]:
            problems.append(
                InputProblem(spec.file, None, None, f"no truck is available on {day.isoformat()}")
            )
    if problems:
        raise InputError(problems)


def _trucks_out(tables: Tables, every: Tables) -> tuple[str, ...]:
    """Trucks ``fleet.csv`` has rows for, none of them on the plan date, sorted."""
    today = {t.truck_id for _, t in tables[FLEET.file]}
    return tuple(sorted({t.truck_id for _, t in every[FLEET.file]} - today))


@dataclass(frozen=True)
class SiteRow:
    """A place of a network folder trucks drive to, with where the folder writes it.

    Attributes
    ----------
    kind : str
        ``"smelter"``, ``"caster"`` or ``"candidate"``.
    site_id : str
        Its id in its file.
    lat, lon : float
        WGS-84 degrees.
    file : str
        ``smelters.csv``, ``casters.csv`` or ``candidates.csv``.
    row : int
        Spreadsheet row (header = row 1).
    """

    kind: str
    site_id: str
    lat: float
    lon: float
    file: str
    row: int


def load_sites(folder: Path | str) -> tuple[NetworkSettings, list[SiteRow]]:
    """``network.toml`` and the sites of a folder: smelters, casters, candidates if any.

    Reads only these files (validated as :func:`load_network` validates them), so a
    folder whose orders or fleet are not written yet, or whose ``roads.graphml`` is
    about to be replaced, still gives its sites.

    Parameters
    ----------
    folder : Path or str
        A network folder.

    Returns
    -------
    tuple[NetworkSettings, list[SiteRow]]
        The settings (with the parameter tables) and every site, smelters first.

    Raises
    ------
    InputError
        A missing folder or file, or bad rows, naming file, row and column.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(InputProblem(str(folder), None, None, "network folder not found"))
    settings = load_settings(folder)
    tz = ZoneInfo(settings.timezone)
    day = _plan_day(settings, None)
    problems: list[InputProblem] = []
    sites: list[SiteRow] = []
    specs = [(SMELTERS, "smelter", "smelter_id"), (CASTERS, "caster", "caster_id")]
    if (folder / CANDIDATES.file).is_file():
        specs.append((CANDIDATES, "candidate", "site_id"))
    for spec, kind, key in specs:
        try:
            rows = load_table(folder / spec.file, spec, day, tz)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if not rows and spec is not CANDIDATES:
            problems.append(InputProblem(spec.file, None, None, "has no data rows"))
        sites.extend(
            SiteRow(kind, getattr(obj, key), obj.lat, obj.lon, spec.file, row) for row, obj in rows
        )
    if problems:
        raise InputError(problems)
    return settings, sites


def load_network(
    folder: Path | str,
    plan_date: date | None = None,
    *,
    orders_file: Path | str | None = None,
) -> Network:
    """Load and validate a network folder.

    Parameters
    ----------
    folder : Path or str
        Folder with ``network.toml``, ``smelters.csv``, ``production.csv``,
        ``casters.csv``, ``fleet.csv``, ``orders.csv`` and optionally ``roads.graphml``,
        ``candidates.csv`` and ``ladles.csv``.
    plan_date : date, optional
        The day to plan; overrides ``plan_date`` of ``network.toml``. Without either,
        today's date in the network's timezone.
    orders_file : Path or str, optional
        Orders to plan instead of the folder's ``orders.csv``.

    Returns
    -------
    Network
        Immutable, validated network.

    Raises
    ------
    InputError
        Any bad input, naming file, row and column.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(InputProblem(str(folder), None, None, "network folder not found"))
    settings = load_settings(folder)
    tz = ZoneInfo(settings.timezone)
    day = _plan_day(settings, plan_date)
    orders_path = Path(orders_file) if orders_file else folder / ORDERS.file
    orders_label = orders_path.name if orders_file else ORDERS.file
    tables, every, candidates = _read_tables(folder, orders_path, orders_label, day, tz)
    _check_tables(tables, every, orders_label, day)
    caster_ids = {c.caster_id for _, c in tables[CASTERS.file]}
    furnaces, consumption = _furnaces(folder, settings, day, tables, orders_label)
    smelter_ids = {s.smelter_id for _, s in tables[SMELTERS.file]}
    ladles = load_ladles(folder, day, tz, smelter_ids)
    ban_problems = entry_ban_problems(folder, settings.params, caster_ids)
    if ban_problems:
        raise InputError(ban_problems)
    graph = None
    if (folder / "roads.graphml").is_file():
        graph = load_road_graph(folder / "roads.graphml")
    network = Network(
        name=settings.name,
        timezone=settings.timezone,
        plan_date=day,
        params=settings.params,
        smelters=tuple(o for _, o in tables[SMELTERS.file]),
        production=tuple(o for _, o in tables[PRODUCTION.file]),
        casters=tuple(o for _, o in tables[CASTERS.file]),
        fleet=tuple(o for _, o in tables[FLEET.file]),
        orders=tuple(o for _, o in tables[ORDERS.file]),
        candidates=tuple(o for _, o in candidates),
        furnaces=furnaces,
        consumption=consumption,
        ladles=ladles,
        trucks_out=_trucks_out(tables, every),
        undated_orders=orders_without_dates(orders_path),
        road_graph=graph,
        folder=folder.resolve(),
    )
    log.info(
        "loaded network %s: %d smelters, %d casters, %d trucks, %d orders",
        network.name,
        len(network.smelters),
        len(network.casters),
        len(network.fleet),
        len(network.orders),
    )
    return network


@dataclass(frozen=True)
class DayRows:
    """The rows of ``production.csv`` and ``fleet.csv`` that hold on one date.

    Attributes
    ----------
    day : date
        The date.
    production : tuple of Production
        Its production (``stock_t`` at that date's 00:00, ``rate_tph``).
    fleet : tuple of Truck
        Its trucks (those ``available`` that day), shifts on that date.
    rows : tuple of int
        The spreadsheet rows chosen, production's then fleet's: two dates with the same
        rows have the same production and fleet.
    production_rows : dict
        Per smelter and alloy, the row of ``production.csv`` that holds on the date.
    fleet_rows : dict
        Per truck id, the row of ``fleet.csv`` that holds on the date, also when it takes
        the truck out (``available = no``): two dates with the same row for a truck say
        the same of it.
    """

    day: date
    production: tuple[Production, ...]
    fleet: tuple[Truck, ...]
    rows: tuple[int, ...]
    production_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    fleet_rows: dict[str, int] = field(default_factory=dict)


def load_day_rows(folder: Path | str, day: date, timezone: str) -> DayRows:
    """The production and fleet rows of a network folder that hold on ``day``.

    Parameters
    ----------
    folder : Path or str
        The network folder (its ``production.csv`` and ``fleet.csv``).
    day : date
        The date whose rows to select (:mod:`logistics.network.dated_rows`).
    timezone : str
        The network's timezone (shift times are local times of ``day``).

    Returns
    -------
    DayRows
        The rows, validated as :func:`load_network` validates them.

    Raises
    ------
    InputError
        Any bad row of either file, naming file, row and column.
    """
    folder, tz = Path(folder), ZoneInfo(timezone)
    production = load_dated_table(folder / PRODUCTION.file, PRODUCTION, day, tz)
    fleet = load_dated_table(folder / FLEET.file, FLEET, day, tz, absence=True)
    return DayRows(
        day=day,
        production=tuple(p for _, p in production.day),
        fleet=tuple(t for _, t in fleet.day),
        rows=(*(r for r, _ in production.day), -1, *(r for r, _ in fleet.day)),
        production_rows={(k[0], k[1]): r for k, r in production.chosen.items()},
        fleet_rows={k[0]: r for k, r in fleet.chosen.items()},
    )
