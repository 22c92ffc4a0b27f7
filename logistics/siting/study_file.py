"""The study file (``study.toml``): a network, its candidates, settings and scenarios.

::

    network = "."                  # network folder, relative to this file
    candidates = "candidates.csv"  # optional; default the network's candidates.csv

    [study]                        # any StudySettings field: k, days, seed, simulate, ...
    k = 1
    days = 3

    [scenarios.as_is]
    description = "prices and demand as they are"

    [scenarios.dear_gas]
    set = { "economics.gas_price_cny_m3" = 5.0 }

    [scenarios.growth]
    demand_growth = 0.15
    capex_factor = 1.1

Every scenario is validated — its keys, its parameter overrides against the network's
parameters — before anything runs; a problem names the file, the line and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from logistics.errors import InputError, InputProblem
from logistics.network.csv_tables import decode_utf8
from logistics.network.loader import load_network
from logistics.network.overrides import apply_overrides
from logistics.siting.candidates import load_candidates, network_candidates
from logistics.siting.settings import Scenario, StudySettings
from logistics.siting.study import Study, make_study

_KEY = r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')"""
_HEADER = re.compile(rf"^\s*\[\[?\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*\]")
_ASSIGN = re.compile(rf"^\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")
_TOP_KEYS = {"network", "candidates", "study", "scenarios"}
_SCENARIO_KEYS = {"description", "set", "demand_growth", "capex_factor"}


@dataclass(frozen=True)
class StudyFileProblem(InputProblem):
    """A problem in a study file: file, line and key."""

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column is not None:
            where.append(f"key '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


def _path(dotted: str) -> tuple[str, ...]:
    """Key parts of a TOML key; a quoted ``"economics.x"`` counts as two parts, as in ``set``."""
    parts: list[str] = []
    for part in re.findall(_KEY, dotted):
        parts.extend(part.strip().strip("\"'").split("."))
    return tuple(parts)


def line_of(text: str, *path: str) -> int | None:
    """Line (1-based) that sets ``path`` in TOML text, or the closest line that does; best effort.

    Finds ``key = …`` under its ``[table]`` header, dotted and quoted keys, and a key
    inside an inline table (``set = { "economics.gas_price_cny_m3" = 5.0 }``).
    """
    table: tuple[str, ...] = ()
    best, depth = None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _path(header.group(1))
            full = table
        else:
            assign = _ASSIGN.match(line)
            if not assign:
                continue
            full = table + _path(assign.group(1))
            rest = path[len(full) :]
            if full == path[: len(full)] and rest and "{" in line and all(k in line for k in rest):
                full = path
        if full == path[: len(full)] and len(full) > depth:
            best, depth = number, len(full)
            if depth == len(path):
                break
    return best


def _flatten(prefix: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(f"{prefix}.{k}" if prefix else str(k), v))
        return out
    return {prefix: value}


def load_study(
    path: Path | str, *, network_dir: Path | str | None = None, **settings_overrides: Any
) -> Study:
    """Read a study file and everything it names, validated before anything runs.

    Parameters
    ----------
    path : Path or str
        The TOML file.
    network_dir : Path or str, optional
        Network folder to use instead of the file's ``network``.
    **settings_overrides
        :class:`StudySettings` fields that replace the file's (the command line's
        options); ``None`` values are ignored.

    Returns
    -------
    Study

    Raises
    ------
    InputError
        A TOML syntax error, an unknown key, a bad value, an unknown parameter in a
        scenario's ``set`` (file, line and key), or a problem in the network folder or
        the candidates file (file, row and column).
    """
    path = Path(path)
    label = path.name
    if not path.is_file():
        raise InputError(StudyFileProblem(label, None, None, f"study file not found at {path}"))
    text = decode_utf8(path.read_bytes(), label)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise InputError(
            StudyFileProblem(
                label, int(found.group(1)) if found else None, None, f"TOML syntax error: {exc}"
            )
        ) from None
    problems: list[InputProblem] = []

    def problem(message: str, *key: str) -> None:
        problems.append(
            StudyFileProblem(label, line_of(text, *key), ".".join(key) or None, message)
        )

    for key in sorted(set(data) - _TOP_KEYS):
        problem(f"unknown key (use {', '.join(sorted(_TOP_KEYS))})", key)
    network_dir_ = data.get("network", ".")
    if not isinstance(network_dir_, str):
        problem("must be a folder name in quotes", "network")
        network_dir_ = "."
    settings_data = data.get("study", {})
    if not isinstance(settings_data, dict):
        problem("must be a table [study]", "study")
        settings_data = {}
    merged = {**settings_data, **{k: v for k, v in settings_overrides.items() if v is not None}}
    settings = StudySettings()
    try:
        settings = StudySettings.model_validate(merged)
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else "study"
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = f"unknown setting (use {', '.join(StudySettings.model_fields)})"
            where = ("study", key) if key in settings_data else ()
            if where:
                problem(f"{msg} (got {err.get('input')!r})", *where)
            else:
                problems.append(
                    InputProblem("command line", None, f"--{key.replace('_', '-')}", msg)
                )
    scenarios: list[Scenario] = []
    raw_scenarios = data.get("scenarios", {})
    if not isinstance(raw_scenarios, dict):
        problem("must be tables [scenarios.<name>]", "scenarios")
        raw_scenarios = {}
    for name, body in raw_scenarios.items():
        if not isinstance(body, dict):
            problem("must be a table [scenarios.<name>]", "scenarios", name)
            continue
        for key in sorted(set(body) - _SCENARIO_KEYS):
            problem(
                f"unknown key (use {', '.join(sorted(_SCENARIO_KEYS))})", "scenarios", name, key
            )
        overrides = body.get("set", {})
        if not isinstance(overrides, dict):
            problem("must be a table of table.key = value", "scenarios", name, "set")
            overrides = {}
        try:
            scenarios.append(
                Scenario(
                    name=name,
                    description=str(body.get("description", "")),
                    overrides=_flatten("", overrides),
                    demand_growth=body.get("demand_growth", 0.0),
                    capex_factor=body.get("capex_factor", 1.0),
                )
            )
        except ValidationError as exc:
            for err in exc.errors():
                key = str(err["loc"][0]) if err["loc"] else name
                key = "" if key == "name" else key
                problem(
                    f"{err['msg']} (got {err.get('input')!r})",
                    "scenarios",
                    name,
                    *([key] if key else []),
                )
    if problems:
        raise InputError(problems)

    folder = (
        Path(network_dir) if network_dir is not None else (path.parent / network_dir_).resolve()
    )
    network = load_network(folder)
    for scenario in scenarios:
        try:
            apply_overrides(network.params, scenario.overrides, source=label)
        except InputError as exc:
            for p in exc.problems:
                where = ("scenarios", scenario.name, "set", *(p.column or "").split("."))
                problems.append(
                    StudyFileProblem(label, line_of(text, *where), ".".join(where), p.message)
                )
    if problems:
        raise InputError(problems)
    candidates_file = data.get("candidates")
    candidates: tuple = ()
    if candidates_file is not None:
        if not isinstance(candidates_file, str):
            raise InputError(
                StudyFileProblem(
                    label, line_of(text, "candidates"), "candidates", "must be a file name"
                )
            )
        candidates = load_candidates(path.parent / candidates_file, network, label=candidates_file)
    elif network.folder is not None and (network.folder / "candidates.csv").is_file():
        candidates = network_candidates(network)
    return make_study(network, candidates, settings, scenarios, label=label)
