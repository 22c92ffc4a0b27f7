"""Parameter overrides ``table.key=value`` (the CLI's ``--set``, siting scenarios).

Only the figures named are changed; every other figure keeps whether it was written or
left out, so a left-out price still follows the prices it is derived from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from logistics.errors import InputError, InputProblem
from logistics.network.params import Params
from logistics.network.ranges import range_message, redundant


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_assignments(assignments: Iterable[str], source: str = "--set") -> dict[str, Any]:
    """``["roads.speed_kmh=45", ...]`` as ``{"roads.speed_kmh": 45.0, ...}``.

    Raises
    ------
    InputError
        An assignment without ``=`` or without a table.
    """
    out: dict[str, Any] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or len(key.split(".")) < 2:
            raise InputError(
                InputProblem(source, None, key, "use table.key=value, e.g. roads.speed_kmh=45")
            )
        out[key] = _parse_value(value.strip())
    return out


def apply_overrides(params: Params, overrides: Mapping[str, Any], source: str = "--set") -> Params:
    """Return ``params`` with ``{"table.key": value}`` overrides applied and validated.

    Parameters
    ----------
    params : Params
        The parameters to start from.
    overrides : mapping
        Dotted names (``economics.alloy_price_t``, ``economics.ingot.energy``) → values.
    source : str
        Where the overrides come from, for messages (``--set``, ``study.toml``).

    Raises
    ------
    InputError
        An unknown table or parameter, or a value out of range, naming ``source``.
    """
    if not overrides:
        return params
    data = params.model_dump(exclude_unset=True)
    known = params.model_dump()
    for key, value in overrides.items():
        parts = key.split(".")
        target, reference = data, known
        for part in parts[:-1]:
            if not isinstance(reference.get(part), dict):
                raise InputError(InputProblem(source, None, key, f"unknown table '{part}'"))
            target = target.setdefault(part, {})
            reference = reference[part]
        if parts[-1] not in reference:
            raise InputError(InputProblem(source, None, key, "unknown parameter"))
        target[parts[-1]] = value
    try:
        return Params.model_validate(data)
    except ValidationError as exc:
        first = next(e for e in exc.errors() if not redundant(e))
        message = range_message(Params, first, first.get("input")) or first["msg"]
        raise InputError(
            InputProblem(source, None, ".".join(str(p) for p in first["loc"]), message)
        ) from None
