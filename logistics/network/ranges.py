"""Plausible ranges of the numbers in a network folder, and messages that state them.

Every number of ``network.toml`` and of the CSV files has a documented range
(``docs/network-format.md``): values that parse but cannot be real (a caster that pours
at 0 °C, a ladle that never cools) are bad input, reported with file, row, column and
the range, never left to crash the planner. The ranges live on the pydantic fields
(:func:`plausible` builds them); :func:`range_message` turns a pydantic error on such a
field into the one-line message the user reads.

A field may also hold a list of numbers, one per hour of the day (a speed profile), or a
table of such lists: the range then bounds each value (declared on the item type,
``tuple[Annotated[float, Field(ge=lo, le=hi)], ...]``, with the list's length as
``min_length``/``max_length``), and :func:`plausible_each` gives its unit and what one
value stands for.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, get_args, get_origin

from annotated_types import Ge, Le, MinLen
from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, PydanticUndefined

from logistics.errors import one_line

#: pydantic error types that mean "a number outside the field's bounds".
BOUND_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})

#: Longest value shown back in a message, characters.
SHOWN_CHARS = 40
#: Values of a profile by hour of the day.
HOURS = 24


class ParamTable(BaseModel):
    """A frozen table of ``network.toml`` (or ``--set``) that rejects unknown keys (typos
    must not pass silently) and true/false where a number is wanted.

    pydantic would read TOML's ``true`` as 1 and ``false`` as 0 (``ambient_c = true``:
    1 °C); such a value is refused as not a number, like text.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """``value``, unless it is true/false, or holds one in a list or table of numbers,
        and the field is no switch."""
        field = cls.model_fields.get(info.field_name or "")
        types = [_bare(t) for t in (field.annotation, *get_args(field.annotation))] if field else []
        if not types or bool in types:
            return value
        held: Any = ()
        for kind in types:
            items = get_args(kind)
            numbers = [_bare(item) in (float, int) for item in items]
            if get_origin(kind) in (list, tuple) and numbers[:1] == [True]:
                held = value if isinstance(value, list | tuple) else ()
            elif get_origin(kind) is dict and numbers[1:] == [True]:
                held = value.values() if isinstance(value, dict) else ()
        if isinstance(value, bool) or any(isinstance(v, bool) for v in held):
            raise PydanticCustomError("float_type", "Input should be a valid number")
        return value


def _bare(annotation: Any) -> Any:
    """``annotation`` without its ``Annotated`` metadata."""
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


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


def plausible_each(default: Any, *, unit: str, per: str) -> Any:
    """A pydantic field of several values, each bounded by its item type (see the module).

    Parameters
    ----------
    default : Any
        The field's default (``None``, ``{}``); a mutable default is copied per model.
    unit : str
        Unit of each value, shown in messages and written to the JSON Schema.
    per : str
        What one value stands for: ``"hour"`` (value ``k`` is hour ``k:00–k+1:00``).

    Returns
    -------
    FieldInfo
        The field, with ``unit`` and ``per`` in its schema.
    """
    extra: dict[str, JsonValue] = {"unit": unit, "per": per}
    if isinstance(default, dict):
        return Field(default_factory=dict, json_schema_extra=extra)
    return Field(default, json_schema_extra=extra)


def _constraints(annotation: Any) -> list[Any]:
    """Every constraint (``Ge``, ``Le``, ``MinLen`` …) inside an annotation's arguments."""
    found: list[Any] = []
    for arg in get_args(annotation):
        if isinstance(arg, FieldInfo):
            found += arg.metadata
        else:
            found += _constraints(arg)
    return found


def format_number(value: float) -> str:
    """A bound as a user reads it: ``550``, ``0.5``, ``100,000``, ``−55``."""
    if float(value).is_integer() and abs(value) < 1e15:
        text = f"{int(value):,}"
    else:
        text = f"{value:g}"
    return text.replace("-", "−")


def bounds(field: FieldInfo) -> tuple[float | None, float | None]:
    """The ``(lo, hi)`` of a field's ``ge``/``le`` constraints, or of each of its values
    (:func:`plausible_each`); ``None`` where unbounded."""
    lo = hi = None
    for item in field.metadata or _constraints(field.annotation):
        if isinstance(item, Ge):
            lo = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, Le):
            hi = float(item.le)  # type: ignore[arg-type]
    return lo, hi


def length_of(field: FieldInfo) -> int | None:
    """How many values a field of several holds (its ``min_length``); ``None`` if not fixed."""
    for item in _constraints(field.annotation):
        if isinstance(item, MinLen):
            return int(item.min_length)
    return None


def per_of(field: FieldInfo) -> str:
    """What one value of a field of several stands for (``"hour"``); empty if one value."""
    extra = field.json_schema_extra
    return str(extra.get("per", "")) if isinstance(extra, dict) else ""


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

    ``field_at(Params, ("economics", "ingot", "energy"))`` is ``IngotRouteCosts.energy``;
    past a field of several values (``("roads", "hourly_speed_factor", 7)``) that field.
    """
    current: Any = model
    field: FieldInfo | None = None
    for part in loc:
        if isinstance(part, int):  # an item of a list of tables ([[drivers.entry_bans]])
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return field if field is not None and per_of(field) else None
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
    loc = tuple(error.get("loc", ()))
    field = field_at(model, loc)
    if field is None:
        return None
    allowed = range_text(field)
    if allowed is None:
        return None
    kind = error.get("type", "")
    length = length_of(field)
    if kind in ("too_short", "too_long", "tuple_type") and length is not None:
        count = f"{len(value)} values" if isinstance(value, list | tuple) else f"'{shown(value)}'"
        per = per_of(field)
        each = "one per hour, the first for 00:00–01:00" if per == "hour" else f"one per {per}"
        return f"{count} where {length} are needed ({each}), each {allowed}"
    where = _value_label(field, loc)
    if kind in BOUND_ERRORS:
        return f"{where}{shown(value)} is outside the plausible range {allowed}"
    if kind == "finite_number":
        return f"{where}'{shown(value)}' is not a finite number; the plausible range is {allowed}"
    if kind.startswith(("float_", "int_")):
        whole = " whole" if kind.startswith("int_") else ""
        return f"{where}'{shown(value)}' is not a{whole} number; the plausible range is {allowed}"
    return None


def redundant(error: Any) -> bool:
    """Whether a pydantic error only repeats others: a list of the right length is "too
    short" after validation when some of its values failed, and those values' own errors
    say why."""
    value = error.get("input")
    ctx = error.get("ctx") or {}
    return (
        error.get("type") in ("too_short", "too_long")
        and isinstance(value, list | tuple)
        and len(value) in (ctx.get("min_length"), ctx.get("max_length"))
    )


def _value_label(field: FieldInfo, loc: tuple[Any, ...]) -> str:
    """``"hour 7 (07:00–08:00): "`` for one value of a field of several, else empty."""
    per = per_of(field)
    if not per or not loc or not isinstance(loc[-1], int):
        return ""
    k = loc[-1]
    if per == "hour":
        return f"hour {k} ({k:02d}:00–{k + 1:02d}:00): "
    return f"{per} {k}: "
