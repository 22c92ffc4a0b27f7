"""``network.toml``: name, timezone, plan date and the parameter tables."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from logistics.errors import InputError, InputProblem
from logistics.network.csv_tables import decode_utf8
from logistics.network.params import Params
from logistics.network.ranges import range_message, redundant, shown
from logistics.network.times import plan_date_problem

#: Errors of the parameter tables' own checks, whose message says all (no value echoed).
_SAYS_ALL = frozenset({"two_profiles", "road_class"})
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


def _read_params(data: dict, text: str, file: str) -> tuple[Params, list[InputProblem]]:
    """The parameter tables of ``network.toml``'s data, and a problem per bad key."""
    problems: list[InputProblem] = []
    params = Params()
    try:
        params = Params.model_validate(data)
    except ValidationError as exc:
        for err in [e for e in exc.errors() if not redundant(e)]:
            # an index into a list of values is named by the message, not the column
            loc = [str(part) for part in err["loc"] if not isinstance(part, int)]
            key = loc[-1] if loc else None
            table = f"[{'.'.join(loc[:-1])}] " if len(loc) > 1 else ""
            if err["type"] == "extra_forbidden":
                msg = "unknown parameter (check the spelling against docs/network-format.md)"
            elif err["type"] in _SAYS_ALL:
                msg = err["msg"]
            else:
                msg = range_message(Params, err, err.get("input")) or (
                    f"{err['msg']} (got {shown(repr(err.get('input')))})"
                )
            problems.append(
                InputProblem(file, _toml_line_of(text, *loc) if loc else None, f"{table}{key}", msg)
            )
    return params, problems


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
    text = decode_utf8(path.read_bytes(), file)
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
            implausible = plan_date_problem(plan_date)
            if implausible:
                plan_date = None
                problems.append(
                    InputProblem(file, _toml_line_of(text, "plan_date"), "plan_date", implausible)
                )
        except ValueError:
            problems.append(
                InputProblem(
                    file,
                    _toml_line_of(text, "plan_date"),
                    "plan_date",
                    f"'{raw_date}' is not a date (YYYY-MM-DD)",
                )
            )
    params, param_problems = _read_params(data, text, file)
    problems += param_problems
    if problems:
        raise InputError(problems)
    return NetworkSettings(str(name), str(timezone), plan_date, params)


def entry_ban_problems(folder: Path, params: Params, caster_ids: set[str]) -> list[InputProblem]:
    """``[[drivers.entry_bans]]`` naming casters that ``casters.csv`` does not have.

    Parameters
    ----------
    folder : Path
        The network folder (its ``network.toml`` is read again for the line numbers).
    params : Params
        The parameters read from it.
    caster_ids : set of str
        The casters of ``casters.csv``.

    Returns
    -------
    list of InputProblem
        One per unknown caster, naming ``network.toml``, its line and the key.
    """
    drivers = params.drivers
    if drivers is None or not drivers.entry_bans:
        return []
    text = (folder / "network.toml").read_text(encoding="utf-8")
    row = _toml_line_of(text, "drivers", "entry_bans", "casters")
    problems = []
    for number, ban in enumerate(drivers.entry_bans, start=1):
        for caster_id in ban.casters:
            if caster_id not in caster_ids:
                problems.append(
                    InputProblem(
                        "network.toml",
                        row,
                        "[drivers.entry_bans] casters",
                        f"entry ban {number}: unknown caster '{shown(caster_id)}' "
                        "(not in casters.csv)",
                    )
                )
    return problems
