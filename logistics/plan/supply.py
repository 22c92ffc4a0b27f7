"""Managed supply in a plan: the deliveries the planner decided and every furnace's level.

Part of ``plan.json`` (``Plan.supply``, absent without ``consumption.csv``); the level
curves are also written as ``levels.csv`` (:mod:`logistics.plan.files`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from logistics.network.model import Order

#: Suffix of a late delivery's order id, after the id of the managed delivery it stands
#: for: its tonnes were due by that delivery's window end and are poured later.
LATE_SUFFIX = "-late"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class FurnaceLevels(_Frozen):
    """One furnace's day: its limits, its level curve and what it says.

    Attributes
    ----------
    caster_id, alloy, supply : str
        The furnace and how it is supplied (``managed`` or ``orders``).
    capacity_t, min_level_t, start_level_t, end_level_t, lowest_t : float
        Capacity, minimum, level at 00:00, at 24:00 and the lowest, t.
    minutes_below_min : int
        Whole minutes of the day at which the level is below the minimum.
    emergency_ingot_t : float
        Ingots the caster must melt to stay at its minimum (the largest shortfall), t.
    overflow_t : float
        Largest excess above the capacity, t (0 in a valid plan).
    levels_t : tuple of float
        The level at every whole minute 0–1440 of the day (local midnight = 0), t.
    no_supply : str
        Why no liquid metal can reach this managed furnace, when none can: ``no_source``
        (no smelter makes its alloy) or ``thermal_reach`` (none is near enough to
        arrive hot enough); its stock-outs are then not the planner's. Empty otherwise.
    unavoidable_t : float
        Of ``emergency_ingot_t``, the shortfall no plan could avoid, t: how far the
        level falls below the minimum before the first moment any truck could start
        pouring into a managed furnace (over the trucks, from its home smelter at its
        shift start or, for a truck of the plan's ``truck_starts``, from its start's
        site at the later of its shift start and the start's moment, the earlier: the
        drive to a smelter making the alloy, a fill once it opens, the drive to the
        caster, not before the caster opens, each in whole minutes; the whole day's
        shortfall when no truck could pour within the caster's hours and the day). 0
        when the level holds until then, for a furnace on orders, or without the travel
        model.
    """

    caster_id: str
    alloy: str
    supply: str
    capacity_t: float
    min_level_t: float
    start_level_t: float
    end_level_t: float
    lowest_t: float
    minutes_below_min: int
    emergency_ingot_t: float
    overflow_t: float
    levels_t: tuple[float, ...]
    no_supply: str = ""
    unavoidable_t: float = 0.0


class SupplyPlan(_Frozen):
    """The managed-supply part of a plan.

    Attributes
    ----------
    deliveries : tuple of Order
        The deliveries the planner decided for managed furnaces (orders ``M-…``, routed
        with the casters' orders; ``unserved.csv`` lists those not delivered liquid).
    furnaces : tuple of FurnaceLevels
        Every furnace of ``consumption.csv``, managed or not, with its level curve.
    stockout_furnaces : int
        Furnaces whose level falls below their minimum.
    minutes_below_min : int
        Their minutes below the minimum, summed.
    emergency_ingot_t, emergency_ingot_cny : float
        Ingots melted to make up the shortfalls, t, at the ingot route's cost, CNY.
    stockout_cny : float
        Hours below the minimum times ``[supply] stockout_cny_per_h``, CNY.
    overflow_furnaces : int
        Furnaces a pour overflows (0 in a valid plan).
    stockout_no_supply : int
        Of ``stockout_furnaces``, those no liquid metal can reach (``no_supply``).
    stockout_unavoidable : int
        Of ``stockout_furnaces`` (and not ``no_supply``), those whose whole shortfall is
        unavoidable (``emergency_ingot_t`` no more than ``unavoidable_t``).
    repair_passes : int
        Times the planner re-cut the deliveries of furnaces that ran low and planned
        the day again (the plan kept is the best of the passes).
    """

    deliveries: tuple[Order, ...] = ()
    furnaces: tuple[FurnaceLevels, ...] = ()
    stockout_furnaces: int = 0
    minutes_below_min: int = 0
    emergency_ingot_t: float = 0.0
    emergency_ingot_cny: float = 0.0
    stockout_cny: float = 0.0
    overflow_furnaces: int = 0
    stockout_no_supply: int = 0
    stockout_unavoidable: int = 0
    repair_passes: int = 0


#: ``levels.csv`` columns, in order.
LEVEL_COLUMNS = ("caster_id", "alloy", "supply", "minute", "time", "level_t", "min_t", "capacity_t")


#: ``levels.csv`` also holds every furnace's level at each multiple of this, min.
LEVEL_ROW_STEP_MIN = 60
#: Largest gap between a written level's linear interpolation and the level, t.
LEVEL_ROW_TOL_T = 0.001


def _on_line(levels: tuple[float, ...], start: int, end: int) -> bool:
    """Whether every minute between ``start`` and ``end`` lies on their straight line."""
    slope = (levels[end] - levels[start]) / (end - start)
    return all(
        abs(levels[start] + slope * (m - start) - levels[m]) <= LEVEL_ROW_TOL_T
        for m in range(start + 1, end)
    )


def level_minutes(levels: tuple[float, ...]) -> list[int]:
    """The minutes ``levels.csv`` keeps: the ends, each full hour, and where the curve bends.

    Between two kept minutes every whole minute's level lies within
    :data:`LEVEL_ROW_TOL_T` of the straight line between them, so linear interpolation
    of the rows gives the curve (the bends are pours' starts and ends and consumption
    bands' edges).
    """
    last = len(levels) - 1
    keep = [0]
    while keep[-1] < last:
        start = keep[-1]
        hour_end = min(last, (start // LEVEL_ROW_STEP_MIN + 1) * LEVEL_ROW_STEP_MIN)
        end = start + 1
        while end < hour_end and _on_line(levels, start, end + 1):
            end += 1
        keep.append(end)
    return keep


def level_rows(supply: SupplyPlan, plan_date: date, timezone: str) -> list[dict[str, Any]]:
    """Every furnace's level where its curve bends, as ``levels.csv`` rows.

    Parameters
    ----------
    supply : SupplyPlan
        The plan's managed-supply part.
    plan_date : date
        The plan day (minute 0 is its local midnight).
    timezone : str
        The network's IANA timezone (``time`` is written with its UTC offset).

    Returns
    -------
    list of dict
        One row per furnace and kept minute (:func:`level_minutes`: 00:00, 24:00, each
        full hour and every minute the level's slope changes — a pour's start or end,
        a consumption band's edge): ``minute`` from midnight, ``time`` (ISO 8601),
        ``level_t``, ``min_t`` and ``capacity_t`` in t. The level between two rows is
        linear.
    """
    origin = datetime.combine(plan_date, time(), tzinfo=ZoneInfo(timezone))
    origin_utc = origin.astimezone(UTC)
    rows: list[dict[str, Any]] = []
    for f in supply.furnaces:
        fixed = {"caster_id": f.caster_id, "alloy": f.alloy, "supply": f.supply}
        limits = {"min_t": f.min_level_t, "capacity_t": f.capacity_t}
        for m in level_minutes(f.levels_t):
            moment = (origin_utc + timedelta(minutes=m)).astimezone(origin.tzinfo)
            stamp = moment.isoformat(timespec="minutes")
            rows.append({**fixed, "minute": m, "time": stamp, "level_t": f.levels_t[m], **limits})
    return rows
