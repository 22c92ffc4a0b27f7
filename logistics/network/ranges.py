"""Plausible ranges of the numbers in a network folder, and messages that state them.

Every number of ``network.toml`` and of the CSV files has a documented range
(``docs/network-format.md``): values that parse but cannot be real (a caster that pours
at 0 °C, a ladle that never cools) are bad input, reported with file, row, column and
the range, never left to crash the planner. The ranges live on the pydantic fields
(:func:`plausible` builds them); :func:`range_message` turns a pydantic error on such a
field into the one-line message the user reads.
"""

from __future__ import annotations

import math
from typing import Any

from annotated_types import Ge, Le
from pydantic import BaseModel, Field, JsonValue
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from logistics.errors import one_line

#: pydantic error types that mean "a number outside the field's bounds".
BOUND_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})

#: Longest value shown back in a message, characters.
SHOWN_CHARS = 40


def plausible(default: Any = PydanticUndefined, *, lo: float, hi: float, unit: str = "") -> Any:
    """A pydantic field whose value must lie in the closed range ``[lo, hi]``.

    Parameters
    ----------
    default : Any, optional
        The field's default; without it the field is required.
    lo, hi : float
        Smallest and largest plausible value, in ``unit``.
    unit : str
        Unit shown in messages and written to the JSON Schema (``°C``, ``t/h``).

    Returns
    -------
    FieldInfo
        ``Field(default, ge=lo, le=hi)``, with the unit in its schema.
    """
    extra: dict[str, JsonValue] | None = {"unit": unit} if unit else None
    return Field(default, ge=lo, le=hi, json_schema_extra=extra)


def format_number(value: float) -> str:
    """A bound as a user reads it: ``550``, ``0.5``, ``100,000``, ``−55``."""
    if float(value).is_integer() and abs(value) < 1e15:
        text = f"{int(value):,}"
    else:
        text = f"{value:g}"
    return text.replace("-", "−")


def bounds(field: FieldInfo) -> tuple[float | None, float | None]:
    """The ``(lo, hi)`` of a field's ``ge``/``le`` constraints; ``None`` where unbounded."""
    lo = hi = None
    for item in field.metadata:
        if isinstance(item, Ge):
            lo = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, Le):
            hi = float(item.le)  # type: ignore[arg-type]
    return lo, hi


def unit_of(field: FieldInfo) -> str:
    """The unit a field was declared with by :func:`plausible` (empty if none)."""
    extra = field.json_schema_extra
    return str(extra.get("unit", "")) if isinstance(extra, dict) else ""


def range_text(field: FieldInfo) -> str | None:
    """A field's range as text (``550–900 °C``, ``−55 to 55 °C``); ``None`` if unbounded."""
    lo, hi = bounds(field)
    if lo is None and hi is None:
        return None
    unit = unit_of(field)
    suffix = "" if not unit else unit if unit == "°" else f" {unit}"
    if lo is None:
        return f"at most {format_number(hi)}{suffix}"  # type: ignore[arg-type]
    if hi is None:
        return f"at least {format_number(lo)}{suffix}"
    joiner = " to " if lo < 0 else "–"
    return f"{format_number(lo)}{joiner}{format_number(hi)}{suffix}"


def field_at(model: type[BaseModel], loc: tuple[Any, ...]) -> FieldInfo | None:
    """The field a pydantic error location points at, following nested models.

    ``field_at(Params, ("economics", "ingot", "energy"))`` is ``IngotRouteCosts.energy``.
    """
    current: Any = model
    field: FieldInfo | None = None
    for part in loc:
        if isinstance(part, int):  # an item of a list of tables ([[drivers.entry_bans]])
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = _model_of(field.annotation)
    return field


def _model_of(annotation: Any) -> Any:
    """The model class inside an annotation (``Model``, ``Model | None``), else it."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation


def shown(value: Any) -> str:
    """A value as quoted back to the user: one line, at most :data:`SHOWN_CHARS` long."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        text = f"{value:g}" if abs(value) >= 1e16 else str(int(value))
    else:
        text = str(value)
    text = one_line(text)
    if len(text) > SHOWN_CHARS:
        text = text[: SHOWN_CHARS - 1] + "…"
    return text


def range_message(model: type[BaseModel], error: Any, value: Any) -> str | None:
    """The message for a pydantic error on a field with a plausible range.

    Parameters
    ----------
    model : type of BaseModel
        The model that was validated (:class:`~logistics.network.model.Caster`,
        :class:`~logistics.network.params.Params`).
    error : dict
        One entry of ``ValidationError.errors()``.
    value : Any
        The value as the user wrote it (the CSV cell's text, the TOML value).

    Returns
    -------
    str or None
        ``"0 is outside the plausible range 550–900 °C"`` for a value out of bounds,
        ``"'hot' is not a number; the plausible range is 550–900 °C"`` for a value that
        is no finite number; ``None`` when the field has no range (the caller keeps
        pydantic's own message).
    """
    field = field_at(model, tuple(error.get("loc", ())))
    if field is None:
        return None
    allowed = range_text(field)
    if allowed is None:
        return None
    kind = error.get("type", "")
    if kind in BOUND_ERRORS:
        return f"{shown(value)} is outside the plausible range {allowed}"
    if kind == "finite_number":
        return f"'{shown(value)}' is not a finite number; the plausible range is {allowed}"
    if kind.startswith(("float_", "int_")):
        whole = " whole" if kind.startswith("int_") else ""
        return f"'{shown(value)}' is not a{whole} number; the plausible range is {allowed}"
    return None
