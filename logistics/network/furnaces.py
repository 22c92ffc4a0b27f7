"""Casters' holding furnaces and their consumption: the optional ``consumption.csv``.

One row per caster × alloy × time band: the cells of the caster draw ``t_per_h`` tonnes
an hour from its holding furnace of that alloy between ``from_h`` and ``to_h`` of the
day's clock (optionally only on some ``weekdays``); hours without a band draw nothing
(a planned stop). The furnace itself (``capacity_t``, ``min_level_t``,
``start_level_t``) and how the caster is supplied (``supply``: ``managed`` — the
supplier keeps the furnace above its minimum — or ``orders`` — the caster orders as
today) are given on the first row of the caster × alloy and may be left empty on its
later rows (a value given again must be the same).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from logistics.errors import InputError, InputProblem
from logistics.network.csv_tables import CsvSpec, load_table
from logistics.network.ranges import plausible

#: Largest plausible holding capacity of one caster for one alloy, t: a die-casting
#: cell's holding or dosing furnace holds 0.5–3 t, and a large plant runs a few dozen
#: cells of one alloy (docs/network-format.md).
FURNACE_T_MAX = 500.0
#: Largest plausible draw of one caster for one alloy, t/h: a cell casts about
#: 0.05–0.5 t/h, so 50 t/h is a hundred large cells at full speed.
DRAW_TPH_MAX = 50.0
#: Weekday names ``weekdays`` may use, Monday first (``date.weekday()`` order).
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Tolerance for "the same value" of a furnace column repeated on a later row, t.
_SAME_T = 1e-9


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, allow_inf_nan=False, extra="ignore")


class ConsumptionRow(_Frozen):
    """One row of ``consumption.csv`` as written (furnace columns may be empty)."""

    caster_id: str = Field(min_length=1)
    alloy: str = Field(min_length=1)
    supply: Literal["managed", "orders"] | None = None
    capacity_t: float | None = plausible(None, lo=0.5, hi=FURNACE_T_MAX, unit="t")
    min_level_t: float | None = plausible(None, lo=0.0, hi=FURNACE_T_MAX, unit="t")
    start_level_t: float | None = plausible(None, lo=0.0, hi=FURNACE_T_MAX, unit="t")
    holding_cny_per_t_h: float | None = plausible(None, lo=0.0, hi=100.0, unit="CNY/(t·h)")
    from_h: float = plausible(lo=0.0, hi=24.0, unit="h")
    to_h: float = plausible(lo=0.0, hi=24.0, unit="h")
    t_per_h: float = plausible(lo=0.0, hi=DRAW_TPH_MAX, unit="t/h")
    weekdays: tuple[str, ...] = ()

    @field_validator("weekdays", mode="after")
    @classmethod
    def _known_days(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [d for d in value if d.title()[:3] not in WEEKDAYS or len(d) != 3]
        if unknown:
            raise ValueError(f"unknown weekday '{unknown[0]}' (use {', '.join(WEEKDAYS)})")
        return tuple(d.title() for d in value)


class ConsumptionBand(_Frozen):
    """A caster's draw from one furnace in one band of the day's clock.

    Attributes
    ----------
    caster_id, alloy : str
        The furnace.
    from_h, to_h : float
        The band ``[from_h, to_h)``, hours of the day's clock (0–24).
    t_per_h : float
        Tonnes drawn per hour in the band, t/h.
    weekdays : tuple[str, ...]
        Days the band applies on (``Mon`` … ``Sun``); empty: every day.
    """

    caster_id: str
    alloy: str
    from_h: float
    to_h: float
    t_per_h: float
    weekdays: tuple[str, ...] = ()

    def applies_on(self, weekday: int) -> bool:
        """Whether the band runs on ``weekday`` (0 = Monday)."""
        return not self.weekdays or WEEKDAYS[weekday] in self.weekdays


class Furnace(_Frozen):
    """A caster's holding furnace of one alloy.

    Attributes
    ----------
    caster_id, alloy : str
        The caster and the alloy it holds.
    supply : str
        ``managed`` (the supplier decides the deliveries) or ``orders``.
    capacity_t : float
        Most metal it holds, t.
    min_level_t : float
        Below this the cells stop, t.
    start_level_t : float
        Metal in it at the start of the plan day, t.
    holding_cny_per_t_h : float or None
        What a tonne costs to keep hot here for an hour, CNY/(t·h); ``None``: the
        network's ``[supply] holding_cny_per_t_h``.
    """

    caster_id: str
    alloy: str
    supply: Literal["managed", "orders"] = "managed"
    capacity_t: float
    min_level_t: float
    start_level_t: float
    holding_cny_per_t_h: float | None = None

    @property
    def managed(self) -> bool:
        """True when the supplier manages this furnace's supply."""
        return self.supply == "managed"

    @property
    def room_t(self) -> float:
        """The most one delivery can ever bring: capacity less the minimum level, t."""
        return self.capacity_t - self.min_level_t

    def takes_no_ladle(self, smallest_ladle_t: float) -> bool:
        """Whether even the smallest whole ladle (t) overflows the furnace from its
        minimum level: with ``[supply] whole_ladles = true`` it cannot be on managed
        supply."""
        return self.room_t < smallest_ladle_t - _SAME_T


#: The furnace's columns (the first four as today; the holding cost optional).
_FURNACE_COLUMNS = (
    "supply",
    "capacity_t",
    "min_level_t",
    "start_level_t",
    "holding_cny_per_t_h",
)


def _furnace_of(
    file: str, rows: list[tuple[int, ConsumptionRow]], problems: list[InputProblem]
) -> Furnace | None:
    """The furnace of one caster × alloy from its rows (first value given, same after)."""
    values: dict[str, Any] = {}
    for row, r in rows:
        for col in _FURNACE_COLUMNS:
            value = getattr(r, col)
            if value is None:
                continue
            if col not in values:
                values[col] = value
            elif value != values[col] and not (
                isinstance(value, float) and abs(value - values[col]) < _SAME_T
            ):
                problems.append(
                    InputProblem(
                        file, row, col, f"{col} {value} differs from {values[col]} given before"
                    )
                )
    first_row = rows[0][0]
    missing = [c for c in _FURNACE_COLUMNS[1:4] if c not in values]
    for col in missing:
        problems.append(InputProblem(file, first_row, col, "missing value (first row of furnace)"))
    if missing:
        return None
    if values["min_level_t"] >= values["capacity_t"]:
        problems.append(
            InputProblem(file, first_row, "min_level_t", "min_level_t is not below capacity_t")
        )
    if values["start_level_t"] > values["capacity_t"]:
        problems.append(
            InputProblem(file, first_row, "start_level_t", "start_level_t is above capacity_t")
        )
    r0 = rows[0][1]
    return Furnace(caster_id=r0.caster_id, alloy=r0.alloy, **values)


def _band_problems(file: str, rows: list[tuple[int, ConsumptionRow]]) -> list[InputProblem]:
    """Bands that end before they start, or overlap another band on a common day."""
    problems: list[InputProblem] = []
    for row, r in rows:
        if r.to_h <= r.from_h:
            problems.append(InputProblem(file, row, "to_h", "to_h is not after from_h"))
    for i, (row, r) in enumerate(rows):
        for row0, r0 in rows[:i]:
            days = set(r.weekdays or WEEKDAYS) & set(r0.weekdays or WEEKDAYS)
            if days and r.from_h < r0.to_h and r0.from_h < r.to_h:
                problems.append(
                    InputProblem(file, row, "from_h", f"band overlaps the band of row {row0}")
                )
                break
    return problems


def group_consumption(
    rows: list[tuple[int, ConsumptionRow]], caster_ids: set[str], file: str = "consumption.csv"
) -> tuple[tuple[Furnace, ...], tuple[ConsumptionBand, ...], list[InputProblem]]:
    """Furnaces and bands of ``consumption.csv``'s rows, with every problem found.

    Parameters
    ----------
    rows : list of (int, ConsumptionRow)
        The validated rows with their spreadsheet rows.
    caster_ids : set of str
        The casters of ``casters.csv``.
    file : str
        The file name problems name.

    Returns
    -------
    tuple
        The furnaces (one per caster × alloy, in first-row order), the bands, and the
        problems (an unknown caster, a furnace column missing or contradicted, a
        minimum not below the capacity, a band ending before it starts or overlapping).
    """
    problems: list[InputProblem] = []
    by_key: dict[tuple[str, str], list[tuple[int, ConsumptionRow]]] = defaultdict(list)
    for row, r in rows:
        if r.caster_id not in caster_ids:
            problems.append(
                InputProblem(
                    file, row, "caster_id", f"unknown caster '{r.caster_id}' (not in casters.csv)"
                )
            )
            continue
        by_key[(r.caster_id, r.alloy)].append((row, r))
    furnaces: list[Furnace] = []
    bands: list[ConsumptionBand] = []
    for key_rows in by_key.values():
        furnace = _furnace_of(file, key_rows, problems)
        if furnace is not None:
            furnaces.append(furnace)
        problems += _band_problems(file, key_rows)
        bands += [
            ConsumptionBand(
                caster_id=r.caster_id,
                alloy=r.alloy,
                from_h=r.from_h,
                to_h=r.to_h,
                t_per_h=r.t_per_h,
                weekdays=r.weekdays,
            )
            for _, r in key_rows
        ]
    return tuple(furnaces), tuple(bands), problems


#: The optional file of a network folder this module reads.
CONSUMPTION_FILE = "consumption.csv"
#: What ``consumption.csv`` must hold.
CONSUMPTION = CsvSpec(
    CONSUMPTION_FILE,
    ConsumptionRow,
    ("caster_id", "alloy", "from_h", "to_h", "t_per_h"),
    ("supply", "capacity_t", "min_level_t", "start_level_t", "holding_cny_per_t_h", "weekdays"),
    lists=("weekdays",),
)


def _ordered_managed(
    furnaces: tuple[Furnace, ...], orders: list[tuple[int, Any]], orders_label: str
) -> list[InputProblem]:
    """Orders for a furnace on managed supply (its deliveries are the supplier's)."""
    managed = {(f.caster_id, f.alloy) for f in furnaces if f.managed}
    return [
        InputProblem(
            orders_label,
            row,
            "caster_id",
            f"caster {o.caster_id}'s {o.alloy} is on managed supply ({CONSUMPTION_FILE}); "
            "remove the order or set its supply to 'orders'",
        )
        for row, o in orders
        if (o.caster_id, o.alloy) in managed
    ]


def load_consumption(
    folder: Path,
    plan_date: date,
    tz: ZoneInfo,
    caster_ids: set[str],
    orders: list[tuple[int, Any]],
    orders_label: str,
    smallest_ladle_t: float | None = None,
) -> tuple[tuple[Furnace, ...], tuple[ConsumptionBand, ...]]:
    """The furnaces and bands of a folder's ``consumption.csv`` (none without the file).

    Parameters
    ----------
    folder : Path
        The network folder.
    plan_date, tz
        Day and timezone (for the table reader).
    caster_ids : set of str
        The casters of ``casters.csv``.
    orders : list of (int, Order)
        The orders with their spreadsheet rows: none may be for a managed furnace.
    orders_label : str
        The orders file's name in messages.
    smallest_ladle_t : float, optional
        The fleet's smallest ladle, t, where ladles are poured whole (``[supply]
        whole_ladles = true``): a managed furnace whose room (capacity less minimum) is
        below it is a problem (no delivery could ever be poured into it).

    Returns
    -------
    tuple
        Furnaces and consumption bands; two empty tuples without ``consumption.csv``.

    Raises
    ------
    InputError
        Every problem of the file, naming file, row and column.
    """
    path = Path(folder) / CONSUMPTION_FILE
    if not path.is_file():
        return (), ()
    rows = load_table(path, CONSUMPTION, plan_date, tz)
    furnaces, bands, problems = group_consumption(rows, caster_ids)
    problems += _ordered_managed(furnaces, orders, orders_label)
    if smallest_ladle_t is not None:
        problems += _no_ladle_fits(furnaces, rows, smallest_ladle_t)
    if problems:
        raise InputError(problems)
    return furnaces, bands


def _no_ladle_fits(
    furnaces: tuple[Furnace, ...],
    rows: list[tuple[int, ConsumptionRow]],
    smallest_ladle_t: float,
    file: str = CONSUMPTION_FILE,
) -> list[InputProblem]:
    """Managed furnaces no whole ladle of ``smallest_ladle_t`` t fits into from their
    minimum level, each at its first row (column ``capacity_t``)."""
    first: dict[tuple[str, str], int] = {}
    for row, r in rows:
        first.setdefault((r.caster_id, r.alloy), row)
    return [
        InputProblem(
            file,
            first.get((f.caster_id, f.alloy)),
            "capacity_t",
            f"furnace {f.caster_id}/{f.alloy} is on managed supply but holds at most "
            f"{f.room_t:g} t above its minimum, less than the fleet's smallest ladle "
            f"({smallest_ladle_t:g} t): no whole ladle can be poured into it; keep it on "
            "orders, or set [supply] whole_ladles = false to deliver part-filled ladles",
        )
        for f in furnaces
        if f.managed and f.takes_no_ladle(smallest_ladle_t)
    ]
