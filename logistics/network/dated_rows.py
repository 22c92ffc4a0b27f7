"""Rows of ``production.csv`` and ``fleet.csv`` that hold on some days only.

Three optional columns let one spreadsheet carry several days of production and fleet:

* ``date`` (``YYYY-MM-DD`` or ``YYYY/MM/DD``): the row holds on that date only;
* ``weekdays`` (``Mon`` … ``Sun``, ``;`` or ``|`` separated): the row holds on those days
  of the week;
* ``available`` (``fleet.csv`` only; ``yes`` or ``no``, empty: ``yes``): ``no`` takes the
  truck out of the fleet on the row's days (maintenance, no driver).

For one smelter × alloy or one truck, a row with the plan date overrides a row of the
plan date's weekday, which overrides the row without either. A row with a date or
weekdays leaves empty the cells it does not change: they take the undated row's values.
Two rows of one thing for the same day (the same date, a common weekday, or both without
either) are bad input, whatever the plan date; a row for a date that is not planned is
validated and otherwise harmless.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from logistics.errors import InputError, InputProblem
from logistics.network.csv_tables import CsvSpec, decode_utf8, read_csv_rows, validate_rows
from logistics.network.furnaces import WEEKDAYS
from logistics.network.times import plan_date_problem

DATE = "date"
WEEKDAYS_COLUMN = "weekdays"
AVAILABLE = "available"
#: Ways a spreadsheet writes a date: ISO 8601, and the default of a Chinese-locale Excel.
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
_YES, _NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")


@dataclass(frozen=True)
class _Scope:
    """The days a row holds on, and whether it takes the thing out on them."""

    day: date | None = None
    weekdays: frozenset[int] = frozenset()
    available: bool = True

    @property
    def rank(self) -> int:
        """How specific the row is: 2 dated, 1 on weekdays, 0 every day."""
        return 2 if self.day else 1 if self.weekdays else 0

    def applies(self, day: date) -> bool:
        """Whether the row holds on ``day``."""
        if self.day is not None:
            return self.day == day
        return not self.weekdays or day.weekday() in self.weekdays

    def clashes(self, other: _Scope) -> bool:
        """Whether both rows would hold on one day at the same rank."""
        if self.rank != other.rank:
            return False
        if self.rank == 2:
            return self.day == other.day
        return self.rank == 0 or bool(self.weekdays & other.weekdays)

    def label(self) -> str:
        """The days, for messages (empty for every day)."""
        if self.day is not None:
            return f" on {self.day.isoformat()}"
        if self.weekdays:
            return " on " + ";".join(WEEKDAYS[d] for d in sorted(self.weekdays))
        return ""


@dataclass(frozen=True)
class DatedRows:
    """A table's rows for the plan date, and every row for checks across files.

    Attributes
    ----------
    day : list of (int, model)
        The rows that hold on the plan date (one per thing, the undated rows' order),
        without the things taken out that day.
    every : list of (int, model)
        Every row that puts a thing in, whatever its days (times of a dated row on its
        own date).
    chosen : dict
        Per thing (its key's values), the row that holds on the plan date, also when
        that row takes the thing out: two dates with the same row say the same of it.
    """

    day: list[tuple[int, Any]]
    every: list[tuple[int, Any]]
    chosen: dict[tuple[str, ...], int] = field(default_factory=dict)


def _parse_date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _scope_of(
    raw: dict[str, str], file: str, row: int, absence: bool, problems: list[InputProblem]
) -> _Scope | None:
    """The row's scope from its optional columns; None (and problems) when they are bad."""
    count = len(problems)
    day = None
    if text := raw.get(DATE, ""):
        day = _parse_date(text)
        why = (
            f"'{text}' is not a date (YYYY-MM-DD or YYYY/MM/DD)"
            if day is None
            else plan_date_problem(day)
        )
        if why is not None:
            problems.append(InputProblem(file, row, DATE, why))
    days: set[int] = set()
    for name in re.split(r"[;|]", raw.get(WEEKDAYS_COLUMN, "")):
        if not name.strip():
            continue
        if name.strip().title() not in WEEKDAYS:
            problems.append(
                InputProblem(
                    file,
                    row,
                    WEEKDAYS_COLUMN,
                    f"unknown weekday '{name.strip()}' (use {', '.join(WEEKDAYS)})",
                )
            )
            continue
        days.add(WEEKDAYS.index(name.strip().title()))
    if raw.get(DATE) and days:
        problems.append(
            InputProblem(file, row, WEEKDAYS_COLUMN, "give a date or weekdays, not both")
        )
    available = True
    if absence and (text := raw.get(AVAILABLE, "")):
        if text.lower() not in _YES + _NO:
            problems.append(InputProblem(file, row, AVAILABLE, f"'{text}' is neither yes nor no"))
        available = text.lower() in _YES
    if len(problems) > count:
        return None
    return _Scope(day, frozenset(days), available)


def _key_of(spec: CsvSpec, raw: dict[str, str]) -> tuple[str, ...]:
    keys = (spec.key,) if isinstance(spec.key, str) else spec.key
    return tuple(raw.get(k, "") for k in keys)


def _clash_problems(
    spec: CsvSpec, file: str, scoped: list[tuple[int, dict[str, str], _Scope]]
) -> list[InputProblem]:
    """Two rows of one thing holding on one day, the later named with the first."""
    keys = (spec.key,) if isinstance(spec.key, str) else spec.key
    seen: dict[tuple[str, ...], list[tuple[int, _Scope]]] = defaultdict(list)
    problems = []
    for row, raw, scope in scoped:
        key = _key_of(spec, raw)
        first = next((r for r, s in seen[key] if s.clashes(scope)), None)
        if first is not None:
            column = (keys[0], WEEKDAYS_COLUMN, DATE)[scope.rank]
            problems.append(
                InputProblem(
                    file,
                    row,
                    column,
                    f"duplicate {'/'.join(keys)} {'/'.join(key)}{scope.label()} "
                    f"(first at row {first})",
                )
            )
        seen[key].append((row, scope))
    return problems


def _filled(
    spec: CsvSpec, scoped: list[tuple[int, dict[str, str], _Scope]]
) -> list[tuple[int, dict[str, str], _Scope]]:
    """Each row with a date or weekdays, its empty cells taken from the undated row."""
    base = {_key_of(spec, raw): raw for _, raw, scope in scoped if scope.rank == 0}
    out = []
    for row, raw, scope in scoped:
        undated = base.get(_key_of(spec, raw)) if scope.rank else None
        if undated is not None:
            raw = {**raw, **{c: v for c, v in undated.items() if raw.get(c, "") == "" and v}}
        out.append((row, raw, scope))
    return out


def _absence_problems(
    spec: CsvSpec, file: str, scoped: list[tuple[int, dict[str, str], _Scope]]
) -> list[InputProblem]:
    """A row taking out a thing no other row puts in (a misspelt id, most likely)."""
    present = {_key_of(spec, raw) for _, raw, scope in scoped if scope.available}
    column = spec.key if isinstance(spec.key, str) else spec.key[0]
    return [
        InputProblem(
            file, row, column, f"'{'/'.join(_key_of(spec, raw))}' is on no other row of {file}"
        )
        for row, raw, scope in scoped
        if not scope.available and _key_of(spec, raw) not in present
    ]


def _validated(
    spec: CsvSpec,
    file: str,
    scoped: list[tuple[int, dict[str, str], _Scope]],
    plan_date: date,
    tz: ZoneInfo,
) -> dict[int, Any]:
    """Every row that puts a thing in, as its model (times on the row's own date)."""
    groups: dict[date, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for row, raw, scope in scoped:
        if scope.available:
            groups[scope.day or plan_date].append((row, raw))
    problems: list[InputProblem] = []
    objects: dict[int, Any] = {}
    for day, rows in groups.items():
        try:
            objects.update(validate_rows(spec, rows, day, tz, file))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.row or 0))
    return objects


def _select(
    spec: CsvSpec,
    scoped: list[tuple[int, dict[str, str], _Scope]],
    objects: dict[int, Any],
    plan_date: date,
) -> tuple[list[tuple[int, Any]], dict[tuple[str, ...], int]]:
    """Per thing, the most specific row holding on the plan date, if it puts it in; and
    per thing the row chosen, whether it puts it in or takes it out."""
    first: dict[tuple[str, ...], None] = {}  # things in the order they first appear
    best: dict[tuple[str, ...], tuple[int, _Scope]] = {}
    for row, raw, scope in scoped:
        key = _key_of(spec, raw)
        first.setdefault(key, None)
        if scope.applies(plan_date) and (key not in best or scope.rank > best[key][1].rank):
            best[key] = (row, scope)
    chosen = [best[key] for key in first if key in best]
    rows = {key: best[key][0] for key in first if key in best}
    return [(row, objects[row]) for row, scope in chosen if scope.available], rows


def load_dated_table(
    path: Path,
    spec: CsvSpec,
    plan_date: date,
    tz: ZoneInfo,
    *,
    absence: bool = False,
) -> DatedRows:
    """Read, validate and select for the plan date a table with optional day columns.

    Parameters
    ----------
    path : Path
        The CSV file.
    spec : CsvSpec
        Its columns, model and key (one row per key and day).
    plan_date : date
        The day to plan; ``HH:MM`` values of undated rows belong to it.
    tz : ZoneInfo
        The network's timezone.
    absence : bool
        Whether the ``available`` column may take a thing out (``fleet.csv``).

    Returns
    -------
    DatedRows
        The plan date's rows and every row. A table without the day columns gives every
        row on both, in file order, exactly as :func:`~logistics.network.csv_tables.load_table`.

    Raises
    ------
    InputError
        Every bad cell, duplicate or unknown id, naming file, row and column.
    """
    file = spec.file
    if not path.is_file():
        raise InputError(InputProblem(file, None, None, f"file not found at {path}"))
    _, rows = read_csv_rows(decode_utf8(path.read_bytes(), file), file, spec.required)
    problems: list[InputProblem] = []
    scoped = []
    for row, raw in rows:
        scope = _scope_of(raw, file, row, absence, problems)
        if scope is not None:
            scoped.append((row, raw, scope))
    if problems:
        raise InputError(problems)
    scoped = _filled(spec, scoped)
    objects = _validated(spec, file, scoped, plan_date, tz)
    problems = _clash_problems(spec, file, scoped) + _absence_problems(spec, file, scoped)
    if problems:
        raise InputError(problems)
    day, chosen = _select(spec, scoped, objects, plan_date)
    return DatedRows(day, sorted(objects.items()), chosen)
