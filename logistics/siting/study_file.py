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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from logistics.errors import InputError, InputProblem
from logistics.network.csv_tables import decode_utf8
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.network.overrides import apply_overrides
from logistics.siting.candidates import load_candidates, network_candidates
from logistics.siting.settings import Scenario, SiteCandidate, StudySettings
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


@dataclass
class _Problems:
    """The problems found in one study file, each with its line and key."""

    label: str
    text: str
    found: list[InputProblem] = field(default_factory=list)

    def add(self, message: str, *key: str) -> None:
        """A problem at ``key`` (a path of TOML keys; none: the file as a whole)."""
        self.found.append(
            StudyFileProblem(self.label, line_of(self.text, *key), ".".join(key) or None, message)
        )

    def raise_any(self) -> None:
        """Raise every problem found so far, if any."""
        if self.found:
            raise InputError(self.found)


def _read_toml(path: Path, label: str) -> tuple[str, dict[str, Any]]:
    """The study file's text and its TOML tables (a syntax error names its line)."""
    if not path.is_file():
        raise InputError(StudyFileProblem(label, None, None, f"study file not found at {path}"))
    text = decode_utf8(path.read_bytes(), label)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise InputError(
            StudyFileProblem(
                label, int(found.group(1)) if found else None, None, f"TOML syntax error: {exc}"
            )
        ) from None


def _network_entry(data: dict[str, Any], problems: _Problems) -> str:
    """The file's ``network`` folder (``.`` when absent or not a string)."""
    network_dir = data.get("network", ".")
    if not isinstance(network_dir, str):
        problems.add("must be a folder name in quotes", "network")
        network_dir = "."
    return network_dir


def _settings(
    data: dict[str, Any], overrides: dict[str, Any], problems: _Problems
) -> StudySettings:
    """The ``[study]`` table with the command line's settings over it, validated.

    A bad value from the file names its line and key; one from the command line, its
    option.
    """
    settings_data = data.get("study", {})
    if not isinstance(settings_data, dict):
        problems.add("must be a table [study]", "study")
        settings_data = {}
    merged = {**settings_data, **{k: v for k, v in overrides.items() if v is not None}}
    try:
        return StudySettings.model_validate(merged)
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else "study"
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = f"unknown setting (use {', '.join(StudySettings.model_fields)})"
            if key in settings_data:
                problems.add(f"{msg} (got {err.get('input')!r})", "study", key)
            else:
                problems.found.append(
                    InputProblem("command line", None, f"--{key.replace('_', '-')}", msg)
                )
    return StudySettings()


def _scenario(name: str, body: Any, problems: _Problems) -> Scenario | None:
    """One ``[scenarios.<name>]`` table as a Scenario (``None``: not a valid one)."""
    if not isinstance(body, dict):
        problems.add("must be a table [scenarios.<name>]", "scenarios", name)
        return None
    for key in sorted(set(body) - _SCENARIO_KEYS):
        problems.add(
            f"unknown key (use {', '.join(sorted(_SCENARIO_KEYS))})", "scenarios", name, key
        )
    overrides = body.get("set", {})
    if not isinstance(overrides, dict):
        problems.add("must be a table of table.key = value", "scenarios", name, "set")
        overrides = {}
    try:
        return Scenario(
            name=name,
            description=str(body.get("description", "")),
            overrides=_flatten("", overrides),
            demand_growth=body.get("demand_growth", 0.0),
            capex_factor=body.get("capex_factor", 1.0),
        )
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else name
            key = "" if key == "name" else key
            problems.add(
                f"{err['msg']} (got {err.get('input')!r})",
                "scenarios",
                name,
                *([key] if key else []),
            )
        return None


def _scenarios(data: dict[str, Any], problems: _Problems) -> list[Scenario]:
    """The file's scenarios, in its order (the invalid ones left out, their problems noted)."""
    raw_scenarios = data.get("scenarios", {})
    if not isinstance(raw_scenarios, dict):
        problems.add("must be tables [scenarios.<name>]", "scenarios")
        raw_scenarios = {}
    scenarios = (_scenario(name, body, problems) for name, body in raw_scenarios.items())
    return [s for s in scenarios if s is not None]


def _check_overrides(network: Network, scenarios: list[Scenario], problems: _Problems) -> None:
    """Note every scenario override the network's parameters refuse, at its line in ``set``."""
    for scenario in scenarios:
        try:
            apply_overrides(network.params, scenario.overrides, source=problems.label)
        except InputError as exc:
            for p in exc.problems:
                problems.add(
                    p.message, "scenarios", scenario.name, "set", *(p.column or "").split(".")
                )


def _candidates(
    data: dict[str, Any], folder: Path, network: Network, problems: _Problems
) -> tuple[SiteCandidate, ...]:
    """The file's ``candidates`` file, else the network folder's ``candidates.csv``, else none."""
    candidates_file = data.get("candidates")
    if candidates_file is not None:
        if not isinstance(candidates_file, str):
            raise InputError(
                StudyFileProblem(
                    problems.label,
                    line_of(problems.text, "candidates"),
                    "candidates",
                    "must be a file name",
                )
            )
        return load_candidates(folder / candidates_file, network, label=candidates_file)
    if network.folder is not None and (network.folder / "candidates.csv").is_file():
        return network_candidates(network)
    return ()


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
    text, data = _read_toml(path, label)
    problems = _Problems(label, text)
    for key in sorted(set(data) - _TOP_KEYS):
        problems.add(f"unknown key (use {', '.join(sorted(_TOP_KEYS))})", key)
    network_entry = _network_entry(data, problems)
    settings = _settings(data, settings_overrides, problems)
    scenarios = _scenarios(data, problems)
    problems.raise_any()

    folder = (
        Path(network_dir) if network_dir is not None else (path.parent / network_entry).resolve()
    )
    network = load_network(folder)
    _check_overrides(network, scenarios, problems)
    problems.raise_any()
    candidates = _candidates(data, path.parent, network, problems)
    return make_study(network, candidates, settings, scenarios, label=label)
