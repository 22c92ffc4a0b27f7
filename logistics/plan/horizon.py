"""A planning horizon of several days: what ``horizon.json`` of a horizon's folder holds.

``molten plan --days N`` writes one ordinary plan folder per day (``day-1`` …
``day-N``) and ``horizon.json``: each day's figures and economics, the furnace levels
carried from one day's end into the next day's start, and the totals over the horizon
(docs/plan-outputs.md).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

#: The horizon's summary file in its folder.
HORIZON_FILE = "horizon.json"
#: Most days one horizon plans.
MAX_DAYS = 5


def day_folder(k: int) -> str:
    """The folder of the horizon's day ``k`` (1-based)."""
    return f"day-{k}"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class CarriedLevel(_Frozen):
    """A furnace's level at the start of a day, carried from the day before, t."""

    caster_id: str
    alloy: str
    start_level_t: float


class HorizonDay(_Frozen):
    """One day of a horizon.

    Attributes
    ----------
    day : int
        1 … N.
    plan_date : date
        Its date.
    folder : str
        Its plan folder inside the horizon's (``day-<day>``).
    tonnes_delivered, tonnes_unserved : float
        Liquid tonnes delivered and left unserved, t.
    route_cost_cny, saving_cny : float
        Transport cost, and the saving against ingots, CNY.
    stockout_furnaces, stockout_no_supply : int
        Managed furnaces below their minimum; of them, those no liquid metal can reach.
    emergency_ingot_t : float
        Ingots melted to make up shortfalls, t.
    start_levels : tuple of CarriedLevel
        Every furnace's level at 00:00 (day 1: ``consumption.csv``'s; later days: the
        day before's end, plus its emergency ingots).
    """

    day: int
    plan_date: date
    folder: str
    tonnes_delivered: float
    tonnes_unserved: float
    route_cost_cny: float
    saving_cny: float
    stockout_furnaces: int
    stockout_no_supply: int
    emergency_ingot_t: float
    start_levels: tuple[CarriedLevel, ...] = ()


class Horizon(_Frozen):
    """A planned horizon: its days and their totals (CNY, t)."""

    network: str
    first_date: date
    days: tuple[HorizonDay, ...]
    tonnes_delivered: float
    tonnes_unserved: float
    route_cost_cny: float
    saving_cny: float
    stockout_furnace_days: int
    stockout_no_supply_days: int
    emergency_ingot_t: float
