"""Reading one CSV table of a network folder, every problem with file, row and column.

Rows are spreadsheet rows (header = row 1, first data row = row 2); all problems of a
file are collected before raising, so a user can fix a spreadsheet in one pass.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from logistics.errors import InputError, InputProblem
from logistics.network.ranges import range_message, shown
from logistics.network.times import parse_time


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


def decode_utf8(raw: bytes, file: str) -> str:
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


def validate_rows(
    spec: CsvSpec,
    rows: list[tuple[int, dict[str, str]]],
    plan_date: date,
    tz: ZoneInfo,
    file_label: str,
) -> list[tuple[int, Any]]:
    """Turn raw rows into model objects; collect every problem with its row and column.

    Parameters
    ----------
    spec : CsvSpec
        The table's columns and model.
    rows : list of (int, dict)
        Spreadsheet row and ``{column: text}`` of each row.
    plan_date : date
        The day ``HH:MM`` values belong to.
    tz : ZoneInfo
        The network's timezone.
    file_label : str
        The file's name in messages.

    Returns
    -------
    list of (int, model)
        Each row's object, in the rows' order.

    Raises
    ------
    InputError
        Every bad cell, naming file, row and column.
    """
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
                where = str(err["loc"][0]) if err["loc"] else None
                text = (values.get(where) or "") if where else ""
                message = range_message(spec.model, err, text)
                if message is None:
                    message = f"{err['msg']} (got '{shown(text)}')"
                problems.append(InputProblem(file_label, row_number, where, message))
    if problems:
        raise InputError(problems)
    return objects


def _check_unique(spec: CsvSpec, objects: list[tuple[int, Any]], file_label: str) -> None:
    if not spec.key:
        return  # a table of several rows per thing (consumption.csv's bands)
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
        Name used in messages (defaults to the table's file name).

    Returns
    -------
    list of (int, model)
        Each object with the spreadsheet row it came from.
    """
    label = file_label or spec.file
    if not path.is_file():
        raise InputError(InputProblem(label, None, None, f"file not found at {path}"))
    text = decode_utf8(path.read_bytes(), label)
    _, rows = read_csv_rows(text, label, spec.required)
    objects = validate_rows(spec, rows, plan_date, tz, label)
    _check_unique(spec, objects, label)
    return objects
