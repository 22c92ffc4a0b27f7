"""A plan folder: ``runs.csv``, ``unserved.csv`` and ``plan.json`` (and ``breaks.csv`` with
drivers' rules), written and read back.

:func:`write_plan` writes the three files into a temporary folder beside the target
and renames it into place, so a reader never sees a half-written plan; ``plan.json`` is
validated against the published JSON Schema first. :func:`read_plan` returns the
:class:`~logistics.plan.model.Plan` that was written, equal field for field (floats are
written in their shortest exact form), and also reads a dispatcher's hand-made
``runs.csv`` / ``unserved.csv`` (times as ISO 8601 or ``HH:MM`` on the plan date).
Problems in a file are reported with file, row (header = row 1) and column.

Times are written as local times with their UTC offset (``02:30:00+01:00``) and read
back as the same instants (:func:`~logistics.plan.model.fixed_offset`), so the plan of
a day on which the clocks change reads back equal too.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from logistics.errors import InputError, InputProblem
from logistics.network.csv_tables import decode_utf8, read_csv_rows
from logistics.network.model import Network
from logistics.network.times import parse_time
from logistics.physics.travel import Travel
from logistics.plan.model import (
    BREAK_COLUMNS,
    LADLE_RUN_COLUMNS,
    OPTIONAL_RUN_COLUMNS,
    PREHEAT_COLUMNS,
    RUN_COLUMNS,
    RUN_TIMES,
    UNSERVED_COLUMNS,
    DriverBreak,
    Plan,
    Preheat,
    Run,
    Unserved,
)
from logistics.plan.schema import validate_document
from logistics.plan.summary import hand_made_plan, summarise
from logistics.plan.supply import LEVEL_COLUMNS, level_rows
from logistics.runtime.atomic import write_folder

log = logging.getLogger(__name__)

RUNS_FILE = "runs.csv"
UNSERVED_FILE = "unserved.csv"
PLAN_FILE = "plan.json"
#: The drivers' rests and handovers: written for a plan made with ``[drivers]`` rules.
BREAKS_FILE = "breaks.csv"
PLAN_FILES = frozenset({RUNS_FILE, UNSERVED_FILE, PLAN_FILE, BREAKS_FILE})
#: The preheats of cold ladles, written with a plan whose runs carry ladles of a pool.
PREHEATS_FILE = "preheats.csv"
#: The drivers' route sheets (``molten plan --route-sheets``), an Excel workbook.
ROUTE_SHEETS_FILE = "route-sheets.xlsx"
#: Every managed furnace's level minute by minute (a network with ``consumption.csv``).
LEVELS_FILE = "levels.csv"
#: Files a plan folder may hold besides :data:`PLAN_FILES`.
OPTIONAL_FILES = frozenset({ROUTE_SHEETS_FILE, LEVELS_FILE})

_TIME_FIELDS = (*RUN_TIMES, "start", "end")
_FLOAT_FIELDS = ("tonnes", "tap_c", "arrival_c", "road_km", "ladle_drop_c", *OPTIONAL_RUN_COLUMNS)
#: Columns a ``runs.csv`` may leave out or leave empty: the risk estimates, the ladles.
_EMPTY_OK = (*OPTIONAL_RUN_COLUMNS, *LADLE_RUN_COLUMNS)
#: Every column ``runs.csv`` may have.
_ALL_RUN_COLUMNS = (*RUN_COLUMNS, *LADLE_RUN_COLUMNS)
#: ``runs.csv`` columns every file must have (the risk estimates may be left out).
_REQUIRED_RUN_COLUMNS = tuple(c for c in RUN_COLUMNS if c not in OPTIONAL_RUN_COLUMNS)


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------
def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value


def run_rows(plan: Plan) -> list[dict[str, Any]]:
    """Runs as dictionaries of CSV-ready values, in ``runs.csv`` column order."""
    return [{k: _cell(v) for k, v in r.model_dump().items()} for r in plan.runs]


def run_columns(plan: Plan) -> tuple[str, ...]:
    """``runs.csv``'s columns: :data:`RUN_COLUMNS`, and the ladle columns when the runs
    carry ladles of a pool."""
    return (*RUN_COLUMNS, *LADLE_RUN_COLUMNS) if plan.has_ladles else RUN_COLUMNS


def preheat_rows(plan: Plan) -> list[dict[str, Any]]:
    """The preheats as dictionaries of CSV-ready values, in ``preheats.csv`` order."""
    return [{k: _cell(v) for k, v in p.model_dump().items()} for p in plan.preheats]


def unserved_rows(plan: Plan) -> list[dict[str, Any]]:
    """Unserved tonnes as dictionaries of CSV-ready values."""
    return [u.model_dump() for u in plan.unserved]


def break_rows(plan: Plan) -> list[dict[str, Any]]:
    """The drivers' rests and handovers as dictionaries of CSV-ready values."""
    return [{k: _cell(v) for k, v in b.model_dump().items()} for b in plan.breaks]


def plan_document(plan: Plan) -> dict[str, Any]:
    """The ``plan.json`` document: the plan as JSON-ready data."""
    return plan.model_dump(mode="json")


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_plan_files(plan: Plan, folder: Path) -> None:
    """Write the three plan files into an existing (empty) folder; no atomicity."""
    document = plan_document(plan)
    validate_document(document)
    _write_csv(folder / RUNS_FILE, run_columns(plan), run_rows(plan))
    if plan.has_ladles or plan.preheats:
        _write_csv(folder / PREHEATS_FILE, PREHEAT_COLUMNS, preheat_rows(plan))
    _write_csv(folder / UNSERVED_FILE, UNSERVED_COLUMNS, unserved_rows(plan))
    if plan.parameters.drivers is not None or plan.breaks:
        _write_csv(folder / BREAKS_FILE, BREAK_COLUMNS, break_rows(plan))
    (folder / PLAN_FILE).write_text(
        json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    if plan.supply is not None:
        _write_csv(
            folder / LEVELS_FILE,
            LEVEL_COLUMNS,
            level_rows(plan.supply, plan.plan_date, plan.timezone),
        )


def write_plan(
    plan: Plan, out_dir: Path | str, extra_files: Mapping[str, bytes] | None = None
) -> Path:
    """Write ``runs.csv``, ``unserved.csv`` and ``plan.json`` into ``out_dir`` atomically.

    The files are written into a new folder beside ``out_dir`` which then takes its place
    (:func:`logistics.runtime.atomic.write_folder`: the folder gets the user's umask, the
    old one is removed, a failure leaves it as it was), so readers never see a
    half-written plan. An existing ``out_dir`` holding other files is refused rather than
    overwritten.

    Parameters
    ----------
    plan : Plan
        The plan (with its economics when it came from :func:`logistics.plan_day`).
    out_dir : Path or str
        The plan folder.
    extra_files : mapping of str to bytes, optional
        Files written into the folder with the plan, by name: one of
        :data:`OPTIONAL_FILES` (the drivers' route sheets).

    Returns
    -------
    Path
        The plan folder.

    Raises
    ------
    FileExistsError
        ``out_dir`` exists and holds files that are not a plan's.
    """
    out = Path(out_dir)
    extra = dict(extra_files or {})
    unknown = sorted(set(extra) - OPTIONAL_FILES)
    if unknown:
        raise ValueError(f"not a file of a plan folder: {', '.join(unknown)}")
    allowed = PLAN_FILES | OPTIONAL_FILES | {PREHEATS_FILE}
    if out.exists() and (not out.is_dir() or set(os.listdir(out)) - allowed):
        raise FileExistsError(f"{out} exists and holds files that are not a plan; not touching it")

    def fill(folder: Path) -> None:
        write_plan_files(plan, folder)
        for name, data in extra.items():
            (folder / name).write_bytes(data)

    return write_folder(out, fill)


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------
def _read_rows(folder: Path, file: str, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    path = folder / file
    if not path.is_file():
        raise InputError(InputProblem(file, None, None, f"file not found at {path}"))
    text = decode_utf8(path.read_bytes(), file)
    _, rows = read_csv_rows(text, file, columns)
    return rows


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    return value


def _parse_trip(text: str) -> int:
    value = float(text)
    if not math.isfinite(value) or value != int(value):
        raise ValueError
    return int(value)


def _parse_rows(
    rows: list[tuple[int, dict[str, str]]],
    file: str,
    columns: tuple[str, ...],
    model: type[Run] | type[Unserved] | type[Preheat] | type[DriverBreak],
    plan_date: date,
    tz: ZoneInfo,
) -> tuple[list[Any], list[InputProblem]]:
    problems: list[InputProblem] = []
    items: list[Any] = []
    for row, raw in rows:
        values: dict[str, Any] = {}
        row_ok = True
        for col in columns:
            text = raw.get(col, "").strip()
            if text == "" and col in _EMPTY_OK:
                continue
            if text == "":
                problems.append(InputProblem(file, row, col, "missing value"))
                row_ok = False
                continue
            try:
                if col in _TIME_FIELDS or (model is Preheat and col in ("start", "end")):
                    values[col] = parse_time(text, plan_date, tz)
                elif col in _FLOAT_FIELDS:
                    values[col] = _parse_float(text)
                elif col in ("trip", "stand", "driver"):
                    values[col] = _parse_trip(text)
                else:
                    values[col] = text
            except ValueError as exc:
                is_time = col in _TIME_FIELDS or (model is Preheat and col in ("start", "end"))
                detail = str(exc) if is_time else f"'{text}' is not a number"
                if col in ("trip", "stand", "driver"):
                    detail = f"'{text}' is not a whole number (counted from 1)"
                problems.append(InputProblem(file, row, col, detail))
                row_ok = False
        if not row_ok:
            continue
        try:
            items.append(model.model_validate(values))
        except ValidationError as exc:
            for err in exc.errors():
                where = str(err["loc"][0]) if err["loc"] else None
                problems.append(
                    InputProblem(
                        file, row, where, f"{err['msg']} (got '{raw.get(where or '', '')}')"
                    )
                )
    return items, problems


def _read_document(folder: Path) -> dict[str, Any] | None:
    path = folder / PLAN_FILE
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(InputProblem(PLAN_FILE, None, None, f"not readable JSON: {exc}")) from None
    if not isinstance(document, dict):
        raise InputError(InputProblem(PLAN_FILE, None, None, "is not a JSON object"))
    return document


def read_plan(
    folder: Path | str, network: Network | None = None, travel: Travel | None = None
) -> Plan:
    """Read a plan folder back into a :class:`Plan`.

    The rows come from ``runs.csv`` and ``unserved.csv`` (so a hand-edited file is read
    as edited); the rest from ``plan.json``. A folder without ``plan.json`` (a
    dispatcher's hand-made plan) needs the ``network``: its date and timezone read
    ``HH:MM`` and naive times, and its KPIs are recomputed from the rows. When the rows
    differ from those ``plan.json`` was written with, the summary is recomputed (with a
    ``network``) and the economics are dropped, since they no longer describe the rows.

    Parameters
    ----------
    folder : Path or str
        The plan folder.
    network : Network, optional
        The network the plan is for; required without ``plan.json``.
    travel : Travel, optional
        The network's travel model, for KPIs recomputed from the rows (built from the
        network when needed and not given).

    Returns
    -------
    Plan
        What :func:`write_plan` wrote, field for field.

    Raises
    ------
    InputError
        A missing file or column, an unparsable or non-finite value, naming file, row
        and column.
    """
    folder = Path(folder)
    document = _read_document(folder)
    if document is None and network is None:
        raise InputError(
            InputProblem(PLAN_FILE, None, None, "not found; a hand-made plan needs its network")
        )
    plan_date, tz = _plan_clock(document, network)
    runs, unserved = _read_plan_rows(folder, plan_date, tz)
    preheats = _read_preheats(folder, plan_date, tz)
    if document is not None:
        written = _written_plan(document)
        if preheats is not None:
            written = written.model_copy(update={"preheats": tuple(preheats)})
        if written.runs == tuple(runs) and written.unserved == tuple(unserved):
            plan = written
        else:
            log.warning("%s: the rows differ from plan.json's; its summary is recomputed", folder)
            plan = _with_rows(written, runs, unserved, network, travel)
    else:
        assert network is not None
        plan = hand_made_plan(network, travel or Travel.of(network), runs, unserved)
        plan = plan.model_copy(update={"preheats": tuple(preheats or ())})
    breaks = _read_breaks(folder, plan_date, tz)
    if breaks is not None and breaks != plan.breaks:
        plan = plan.model_copy(update={"breaks": breaks})
    return plan


def _read_preheats(folder: Path, plan_date: date, tz: ZoneInfo) -> list[Preheat] | None:
    """The rows of ``preheats.csv``, or ``None`` when the folder has none."""
    if not (folder / PREHEATS_FILE).is_file():
        return None
    rows = _read_rows(folder, PREHEATS_FILE, PREHEAT_COLUMNS)
    preheats, problems = _parse_rows(rows, PREHEATS_FILE, PREHEAT_COLUMNS, Preheat, plan_date, tz)
    if problems:
        raise InputError(problems)
    return preheats


def _read_breaks(folder: Path, plan_date: date, tz: ZoneInfo) -> tuple[DriverBreak, ...] | None:
    """The rows of ``breaks.csv`` (as edited), or None without the file."""
    if not (folder / BREAKS_FILE).is_file():
        return None
    raw = _read_rows(folder, BREAKS_FILE, BREAK_COLUMNS)
    breaks, problems = _parse_rows(raw, BREAKS_FILE, BREAK_COLUMNS, DriverBreak, plan_date, tz)
    if problems:
        raise InputError(problems)
    return tuple(breaks)


def _plan_clock(document: dict[str, Any] | None, network: Network | None) -> tuple[date, ZoneInfo]:
    """The plan date and timezone the rows' times are read on: the network's, if given,
    else ``plan.json``'s (``document``, not ``None`` then)."""
    if network is not None:
        return network.plan_date, network.tz
    assert document is not None
    try:
        plan_date = date.fromisoformat(str(document["plan_date"]))
        tz = ZoneInfo(str(document.get("timezone", "Asia/Shanghai")))
    except (KeyError, ValueError) as exc:
        raise InputError(InputProblem(PLAN_FILE, None, "plan_date", f"unreadable: {exc}")) from None
    return plan_date, tz


def _read_plan_rows(
    folder: Path, plan_date: date, tz: ZoneInfo
) -> tuple[list[Run], list[Unserved]]:
    """The runs and unserved rows of ``runs.csv`` and ``unserved.csv``.

    Every problem of both files is raised at once: first a missing file or column,
    then unparsable values.
    """
    problems: list[InputProblem] = []
    raw_runs = raw_unserved = []
    try:
        raw_runs = _read_rows(folder, RUNS_FILE, _REQUIRED_RUN_COLUMNS)
    except InputError as exc:
        problems += exc.problems
    try:
        raw_unserved = _read_rows(folder, UNSERVED_FILE, UNSERVED_COLUMNS)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    runs, problems = _parse_rows(raw_runs, RUNS_FILE, _ALL_RUN_COLUMNS, Run, plan_date, tz)
    unserved, more = _parse_rows(
        raw_unserved, UNSERVED_FILE, UNSERVED_COLUMNS, Unserved, plan_date, tz
    )
    problems += more
    if problems:
        raise InputError(problems)
    return runs, unserved


def _written_plan(document: dict[str, Any]) -> Plan:
    """The plan ``plan.json`` holds; its first problem raised as an :class:`InputError`."""
    try:
        return Plan.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(InputProblem(PLAN_FILE, None, where, first["msg"])) from None


def _with_rows(
    written: Plan,
    runs: list[Run],
    unserved: list[Unserved],
    network: Network | None,
    travel: Travel | None,
) -> Plan:
    update: dict[str, Any] = {"runs": tuple(runs), "unserved": tuple(unserved), "economics": None}
    if network is not None:
        update["summary"] = summarise(
            network, travel or Travel.of(network), runs, unserved, written.truck_starts
        )
    return written.model_copy(update=update)


def plan_from_rows(
    network: Network,
    runs: Sequence[Mapping[str, Any]],
    unserved: Sequence[Mapping[str, Any]],
    travel: Travel | None = None,
) -> Plan:
    """A hand-made plan from CSV rows (column → text; the first row is spreadsheet row 2).

    Its KPIs are computed with ``travel`` (built from the network when not given).

    Raises
    ------
    InputError
        A missing column or a missing/unparsable value, naming file, row and column.
    """
    problems: list[InputProblem] = []
    rows_of: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for file, columns, rows in (
        (RUNS_FILE, RUN_COLUMNS, runs),
        (UNSERVED_FILE, UNSERVED_COLUMNS, unserved),
    ):
        text_rows = [
            (k, {str(c): "" if v is None else str(v) for c, v in row.items()})
            for k, row in enumerate(rows, start=2)
        ]
        if text_rows:
            problems += [
                InputProblem(file, 1, col, "required column is missing")
                for col in columns
                if col not in text_rows[0][1] and col not in OPTIONAL_RUN_COLUMNS
            ]
        rows_of[file] = text_rows
    if problems:
        raise InputError(problems)
    parsed_runs, problems = _parse_rows(
        rows_of[RUNS_FILE], RUNS_FILE, _ALL_RUN_COLUMNS, Run, network.plan_date, network.tz
    )
    parsed_unserved, more = _parse_rows(
        rows_of[UNSERVED_FILE],
        UNSERVED_FILE,
        UNSERVED_COLUMNS,
        Unserved,
        network.plan_date,
        network.tz,
    )
    if problems + more:
        raise InputError(problems + more)
    return hand_made_plan(network, travel or Travel.of(network), parsed_runs, parsed_unserved)


def plan_csv_text(plan: Plan) -> tuple[str, str]:
    """``runs.csv`` and ``unserved.csv`` as text (downloads, the database)."""
    texts = []
    for columns, rows in (
        (run_columns(plan), run_rows(plan)),
        (UNSERVED_COLUMNS, unserved_rows(plan)),
    ):
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)
        texts.append(buffer.getvalue())
    return texts[0], texts[1]
