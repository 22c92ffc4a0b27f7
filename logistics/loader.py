"""Load a network folder (spec §1) into a validated :class:`~logistics.model.Network`.

Every problem is reported as an :class:`~logistics.errors.InputProblem` naming the file,
the spreadsheet row (header = row 1) and the column; all problems of a file are
collected before raising, so a user can fix a spreadsheet in one pass. Nothing is
written here, so a bad input can never leave a partial output behind.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from logistics.errors import InputError, InputProblem
from logistics.model import Candidate, Caster, Network, Order, Production, Smelter, Truck
from logistics.params import Params

log = logging.getLogger(__name__)

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
#: Latest ``HH:MM`` accepted: a plan may run into the morning after (``26:30``).
MAX_CLOCK_HOURS = 48


@dataclass(frozen=True)
class CsvSpec:
    """What one CSV file must hold."""

    file: str
    model: type[BaseModel]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    key: str | tuple[str, ...] = ()


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
    ("cost_per_km", "cost_per_h"),
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


# --------------------------------------------------------------------------------------
# times
# --------------------------------------------------------------------------------------
def parse_time(text: str, plan_date: date, tz: ZoneInfo) -> datetime:
    """Parse ``HH:MM`` on the plan date (``26:30`` runs into the next day) or ISO 8601.

    Parameters
    ----------
    text : str
        ``HH:MM``/``HH:MM:SS`` (hours up to 48) or an ISO 8601 date-time; a naive ISO
        value is read in the network's timezone.
    plan_date : date
        The day ``HH:MM`` values belong to.
    tz : ZoneInfo
        The network's timezone.

    Returns
    -------
    datetime
        A timezone-aware datetime in ``tz``.

    Raises
    ------
    ValueError
        With a message fit for the user when the text is no time.
    """
    match = _HHMM.match(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        seconds = int(match.group(3) or 0)
        after_midnight = timedelta(hours=hours, minutes=minutes, seconds=seconds)
        if minutes >= 60 or seconds >= 60 or after_midnight > timedelta(hours=MAX_CLOCK_HOURS):
            raise ValueError(f"'{text}' is not a valid HH:MM time (00:00–48:00, minutes 0–59)")
        midnight = datetime.combine(plan_date, datetime.min.time(), tzinfo=tz)
        try:
            return midnight + after_midnight
        except OverflowError:
            raise ValueError(f"'{text}' on {plan_date} is past the year 9999") from None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"'{text}' is neither HH:MM nor an ISO 8601 date-time (2026-11-23T08:30+08:00)"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    try:
        return moment.astimezone(tz)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the year 9999 in Asia/Shanghai
        raise ValueError(f"'{text}' is out of the supported date range") from None


# --------------------------------------------------------------------------------------
# CSV reading
# --------------------------------------------------------------------------------------
def _decode(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The spreadsheet row (CSV record) holding the first bad byte: count the records
        # of the valid text before it plus a stand-in for the bad byte.
        before = raw[: exc.start].decode("utf-8-sig", errors="replace") + "?"
        try:
            row = sum(1 for _ in csv.reader(io.StringIO(before, newline="")))
        except csv.Error:
            row = before.count("\n") + 1
        raise InputError(
            InputProblem(
                file, row, None, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save as UTF-8"
            )
        ) from None


def read_csv_rows(
    text: str, file: str, required: Iterable[str]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Split CSV text into a header and ``(spreadsheet_row, {column: text})`` pairs.

    Raises
    ------
    InputError
        If the header lacks a required column, repeats one, or a row has more fields
        than the header.
    """
    if "\x00" in text:
        raise InputError(InputProblem(file, None, None, "contains NUL bytes; not a CSV file"))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(
            InputProblem(file, 1, None, "file is empty; a header row is needed")
        ) from None
    except csv.Error as exc:
        raise InputError(InputProblem(file, 1, None, f"unreadable CSV: {exc}")) from None
    problems = [
        InputProblem(file, 1, col, "required column is missing")
        for col in required
        if col not in header
    ]
    seen: set[str] = set()
    for col in header:
        if col and col in seen:
            problems.append(InputProblem(file, 1, col, "column appears twice in the header"))
        seen.add(col)
    if problems:
        raise InputError(problems)
    rows: list[tuple[int, dict[str, str]]] = []
    # Spreadsheet rows count CSV records, not text lines: a quoted cell may hold a line
    # break (Alt+Enter in Excel) and still be one row.
    row_number = 1
    try:
        for fields in reader:
            row_number += 1
            if not any(f.strip() for f in fields):
                continue  # blank line
            if len(fields) > len(header):
                problems.append(
                    InputProblem(
                        file,
                        row_number,
                        None,
                        f"{len(fields)} fields but the header has {len(header)} columns",
                    )
                )
                continue
            padded = fields + [""] * (len(header) - len(fields))
            rows.append((row_number, {h: v.strip() for h, v in zip(header, padded, strict=True)}))
    except csv.Error as exc:
        problems.append(InputProblem(file, row_number + 1, None, f"unreadable CSV: {exc}"))
    if problems:
        raise InputError(problems)
    return header, rows


def _validate_rows(
    spec: CsvSpec,
    rows: list[tuple[int, dict[str, str]]],
    plan_date: date,
    tz: ZoneInfo,
    file_label: str,
) -> list[tuple[int, Any]]:
    """Turn raw rows into model objects; collect every problem with its row and column."""
    problems: list[InputProblem] = []
    objects: list[tuple[int, Any]] = []
    for row_number, raw in rows:
        values: dict[str, Any] = {}
        row_ok = True
        for col in spec.required + spec.optional:
            text = raw.get(col, "")
            if text == "":
                if col in spec.required:
                    problems.append(InputProblem(file_label, row_number, col, "missing value"))
                    row_ok = False
                continue
            if col in spec.times:
                try:
                    values[col] = parse_time(text, plan_date, tz)
                except ValueError as exc:
                    problems.append(InputProblem(file_label, row_number, col, str(exc)))
                    row_ok = False
            elif col in spec.lists:
                values[col] = tuple(a.strip() for a in re.split(r"[;|]", text) if a.strip())
            else:
                values[col] = text
        if not row_ok:
            continue
        try:
            objects.append((row_number, spec.model.model_validate(values)))
        except ValidationError as exc:
            for err in exc.errors():
                col = str(err["loc"][0]) if err["loc"] else None
                shown = values.get(col, "") if col else ""
                problems.append(
                    InputProblem(file_label, row_number, col, f"{err['msg']} (got '{shown}')")
                )
    if problems:
        raise InputError(problems)
    return objects


def _check_unique(spec: CsvSpec, objects: list[tuple[int, Any]], file_label: str) -> None:
    keys = (spec.key,) if isinstance(spec.key, str) else spec.key
    first_seen: dict[tuple, int] = {}
    problems = []
    for row_number, obj in objects:
        value = tuple(getattr(obj, k) for k in keys)
        if value in first_seen:
            problems.append(
                InputProblem(
                    file_label,
                    row_number,
                    keys[0],
                    f"duplicate {'/'.join(keys)} {'/'.join(value)} (first at row "
                    f"{first_seen[value]})",
                )
            )
        else:
            first_seen[value] = row_number
    if problems:
        raise InputError(problems)


def load_table(
    path: Path,
    spec: CsvSpec,
    plan_date: date,
    tz: ZoneInfo,
    *,
    file_label: str | None = None,
) -> list[tuple[int, Any]]:
    """Read, validate and de-duplicate one CSV file.

    Parameters
    ----------
    path : Path
        The CSV file.
    spec : CsvSpec
        Its columns and model.
    plan_date, tz
        Day and timezone for ``HH:MM`` values.
    file_label : str, optional
        Name used in messages (defaults to the spec's file name).

    Returns
    -------
    list of (int, model)
        Each object with the spreadsheet row it came from.
    """
    label = file_label or spec.file
    if not path.is_file():
        raise InputError(InputProblem(label, None, None, f"file not found at {path}"))
    text = _decode(path.read_bytes(), label)
    _, rows = read_csv_rows(text, label, spec.required)
    objects = _validate_rows(spec, rows, plan_date, tz, label)
    _check_unique(spec, objects, label)
    return objects


# --------------------------------------------------------------------------------------
# network.toml
# --------------------------------------------------------------------------------------
_TOML_KEY = r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')"""
_TOML_HEADER = re.compile(rf"^\s*\[\[?\s*({_TOML_KEY}(?:\s*\.\s*{_TOML_KEY})*)\s*\]")
_TOML_ASSIGN = re.compile(rf"^\s*({_TOML_KEY}(?:\s*\.\s*{_TOML_KEY})*)\s*=")


def _toml_path(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in dotted.split("."))


def _toml_line_of(text: str, *path: str) -> int | None:
    """Line (1-based) that sets ``path`` (tables, then key) in TOML text; best effort.

    ``_toml_line_of(text, "roads", "circuity")`` finds ``circuity = …`` under
    ``[roads]`` (not a ``circuity`` of another table); failing that, the line that
    comes closest: an inline table (``ingot = { energy = … }``) or the table header.
    """
    table: tuple[str, ...] = ()
    best, best_depth = None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_HEADER.match(line)
        if header:
            table = _toml_path(header.group(1))
            full = table
        else:
            assign = _TOML_ASSIGN.match(line)
            if not assign:
                continue
            full = table + _toml_path(assign.group(1))
        if full == path[: len(full)] and len(full) > best_depth:
            best, best_depth = number, len(full)
            if best_depth == len(path):
                break
    return best


@dataclass(frozen=True)
class NetworkSettings:
    """The top-level keys of ``network.toml`` and its parameter tables."""

    name: str
    timezone: str
    plan_date: date | None
    params: Params


def load_settings(folder: Path) -> NetworkSettings:
    """Read ``network.toml``: name, timezone, plan date and parameter tables.

    Raises
    ------
    InputError
        Missing file, TOML syntax error, unknown key or out-of-range value; the
        message names the line and key.
    """
    file = "network.toml"
    path = folder / file
    if not path.is_file():
        raise InputError(InputProblem(file, None, None, f"file not found at {path}"))
    text = _decode(path.read_bytes(), file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        row = int(found.group(1)) if found else None
        raise InputError(InputProblem(file, row, None, f"TOML syntax error: {exc}")) from None
    problems: list[InputProblem] = []
    name = data.pop("name", folder.name)
    timezone = data.pop("timezone", "Asia/Shanghai")
    raw_date = data.pop("plan_date", None)
    if not isinstance(name, str) or not name.strip():
        problems.append(InputProblem(file, _toml_line_of(text, "name"), "name", "must be text"))
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Asia", very long names
        problems.append(
            InputProblem(
                file,
                _toml_line_of(text, "timezone"),
                "timezone",
                f"unknown timezone '{timezone}' (use an IANA name like Asia/Shanghai)",
            )
        )
    plan_date: date | None = None
    if raw_date is not None:
        try:
            plan_date = (
                raw_date if isinstance(raw_date, date) else date.fromisoformat(str(raw_date))
            )
            if isinstance(plan_date, datetime):
                plan_date = plan_date.date()
        except ValueError:
            problems.append(
                InputProblem(
                    file,
                    _toml_line_of(text, "plan_date"),
                    "plan_date",
                    f"'{raw_date}' is not a date (YYYY-MM-DD)",
                )
            )
    params = Params()
    try:
        params = Params.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = [str(part) for part in err["loc"]]
            key = loc[-1] if loc else None
            table = f"[{'.'.join(loc[:-1])}] " if len(loc) > 1 else ""
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown parameter (check the spelling against the spec)"
            problems.append(
                InputProblem(
                    file,
                    _toml_line_of(text, *loc) if loc else None,
                    f"{table}{key}",
                    f"{msg} (got {err.get('input')!r})",
                )
            )
    if problems:
        raise InputError(problems)
    return NetworkSettings(str(name), str(timezone), plan_date, params)


# --------------------------------------------------------------------------------------
# roads.graphml
# --------------------------------------------------------------------------------------
def load_road_graph(path: Path) -> Any:
    """Read an osmnx-style GraphML road graph and check what the travel model needs.

    Nodes need numeric ``x`` (lon) and ``y`` (lat); edges need a non-negative ``length``
    in metres and may carry ``speed_kph``.

    Returns
    -------
    networkx.MultiDiGraph
        The graph with numeric attributes.
    """
    import networkx as nx

    file = path.name
    try:
        graph = nx.read_graphml(path)
    except Exception as exc:  # any parse failure is an input error
        raise InputError(
            InputProblem(file, None, None, f"not a readable GraphML file: {exc}")
        ) from None
    if graph.number_of_nodes() == 0:
        raise InputError(InputProblem(file, None, None, "the road graph has no nodes"))
    problems: list[InputProblem] = []
    for node, data in graph.nodes(data=True):
        try:
            x, y = float(data["x"]), float(data["y"])
            if not (-180 <= x <= 180 and -90 <= y <= 90):
                raise ValueError
            data["x"], data["y"] = x, y
        except (KeyError, ValueError, TypeError):
            problems.append(
                InputProblem(file, None, f"node {node}", "needs numeric x (lon) and y (lat)")
            )
    for u, v, data in graph.edges(data=True):
        try:
            length = float(data["length"])
            if not math.isfinite(length) or length < 0:
                raise ValueError
            data["length"] = length
            if "speed_kph" in data:
                speed = float(data["speed_kph"])
                if not math.isfinite(speed) or speed <= 0:
                    raise ValueError
                data["speed_kph"] = speed
        except (KeyError, ValueError, TypeError):
            problems.append(
                InputProblem(
                    file,
                    None,
                    f"edge {u}->{v}",
                    "needs length ≥ 0 (metres) and speed_kph > 0 if given",
                )
            )
        if len(problems) > 50:
            break
    if problems:
        raise InputError(problems)
    return graph


# --------------------------------------------------------------------------------------
# the whole folder
# --------------------------------------------------------------------------------------
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
        if s.close <= s.open:
            problems.append(InputProblem("smelters.csv", row, "close", "close is not after open"))
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
        if c.close <= c.open:
            problems.append(InputProblem("casters.csv", row, "close", "close is not after open"))
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
        if t.shift_end <= t.shift_start:
            problems.append(
                InputProblem("fleet.csv", row, "shift_end", "shift_end is not after shift_start")
            )
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
        ``casters.csv``, ``fleet.csv``, ``orders.csv`` and optionally ``roads.graphml``
        and ``candidates.csv`` (spec §1).
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
    day = plan_date or settings.plan_date or datetime.now(tz).date()

    orders_path = Path(orders_file) if orders_file else folder / ORDERS.file
    orders_label = orders_path.name if orders_file else ORDERS.file

    problems: list[InputProblem] = []
    tables: dict[str, list[tuple[int, Any]]] = {}
    for spec, path, label in (
        (SMELTERS, folder / SMELTERS.file, SMELTERS.file),
        (PRODUCTION, folder / PRODUCTION.file, PRODUCTION.file),
        (CASTERS, folder / CASTERS.file, CASTERS.file),
        (FLEET, folder / FLEET.file, FLEET.file),
        (ORDERS, orders_path, orders_label),
    ):
        try:
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

    problems = _cross_checks(
        tables[SMELTERS.file],
        tables[PRODUCTION.file],
        tables[CASTERS.file],
        tables[FLEET.file],
        tables[ORDERS.file],
        orders_label,
    )
    for spec in (SMELTERS, CASTERS, FLEET):
        if not tables[spec.file]:
            problems.append(InputProblem(spec.file, None, None, "has no data rows"))
    if problems:
        raise InputError(problems)

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
