"""The Furnaces page's tables: every furnace's margin above its minimum, lowest first.

A furnace's *margin* is its lowest level of the day less its minimum (t): negative when
the plan lets it run low (a stock-out), and the furnaces closest to running low come
first. Its *headroom* is its capacity less its highest level (negative: an overflow).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from logistics.charts.furnace_levels import lowest_minute
from logistics.network.model import Network
from logistics.pipeline.supply_switch import too_small
from logistics.plan.exports import clock
from logistics.plan.supply import FurnaceLevels, SupplyPlan

#: ``status`` of a furnace that falls below its minimum, overflows, or neither.
STOCK_OUT, OVERFLOW, OK = "stock-out", "overflow", "ok"
#: Background of the rows of furnaces that run low or overflow.
ALARM_CSS = "background-color: #fee2e2; color: #991b1b"


def not_offered_note(network: Network) -> str | None:
    """Why the what-if switch does not offer some casters, for the page: those with a
    furnace no whole ladle fits into (:func:`~logistics.pipeline.supply_switch.too_small`).

    Parameters
    ----------
    network : Network
        The network as loaded (furnaces from ``consumption.csv``, its fleet).

    Returns
    -------
    str or None
        One sentence naming each such caster, its furnace's room above the minimum
        (t) and the fleet's smallest ladle (t), and what to do: keep it on orders or set
        ``[supply] whole_ladles = false``; ``None`` when every caster with a furnace is
        offered.
    """
    small = set(too_small(network))
    if not small:
        return None
    smallest = min(t.ladle_t for t in network.fleet)
    furnaces = [f for f in network.furnaces if f.caster_id in small]
    each = ", ".join(
        f"{f.caster_id} ({f.alloy} furnace: room of {f.room_t:g} t "
        "between its minimum and capacity)"
        for f in furnaces
        if f.takes_no_ladle(smallest)
    )
    them, that = ("them", "Each") if len(small) > 1 else ("it", "That")
    return (
        f"Not offered for managed supply: {each}. {that} is less than the fleet's smallest "
        f"ladle ({smallest:g} t) and ladles are poured whole, so no delivery fits: keep "
        f"{them} on orders, or set `[supply] whole_ladles = false` in network.toml to "
        "deliver part-filled ladles."
    )


def margin_t(furnace: FurnaceLevels) -> float:
    """Lowest level less the minimum, t (negative: below the minimum)."""
    return furnace.lowest_t - furnace.min_level_t


def by_margin(supply: SupplyPlan) -> list[FurnaceLevels]:
    """The furnaces, closest to running low first (ties: caster, alloy)."""
    return sorted(supply.furnaces, key=lambda f: (margin_t(f), f.caster_id, f.alloy))


def status(furnace: FurnaceLevels) -> str:
    """``stock-out``, ``overflow`` (both: the stock-out) or ``ok``."""
    if furnace.minutes_below_min > 0:
        return STOCK_OUT
    return OVERFLOW if furnace.overflow_t > 0 else OK


def label(furnace: FurnaceLevels) -> str:
    """``C1 · ADC12`` (the furnace as the page names it)."""
    return f"{furnace.caster_id} · {furnace.alloy}"


def margins_frame(network: Network, supply: SupplyPlan) -> pd.DataFrame:
    """One row per furnace, closest to running low first.

    Parameters
    ----------
    network : Network
        The plan's network (times ``HH:MM`` in its timezone).
    supply : SupplyPlan
        The plan's managed-supply part.

    Returns
    -------
    pandas.DataFrame
        Columns ``caster``, ``alloy``, ``supply``, ``margin t`` (lowest level less the
        minimum), ``lowest at`` (the first time it is reached), ``lowest t``,
        ``minimum t``, ``capacity t``, ``headroom t`` (capacity less the highest level),
        ``minutes below minimum``, ``ingots t`` (to melt to stay at the minimum),
        ``status`` (``stock-out``, ``overflow`` or ``ok``). Tonnes to 0.01 t.
    """
    rows: list[dict[str, Any]] = []
    for f in by_margin(supply):
        rows.append(
            {
                "caster": f.caster_id,
                "alloy": f.alloy,
                "supply": f.supply,
                "margin t": round(margin_t(f), 2),
                "lowest at": clock(network.at(lowest_minute(f)), network),
                "lowest t": round(f.lowest_t, 2),
                "minimum t": f.min_level_t,
                "capacity t": f.capacity_t,
                "headroom t": round(f.capacity_t - max(f.levels_t), 2),
                "minutes below minimum": f.minutes_below_min,
                "ingots t": round(f.emergency_ingot_t, 2),
                "status": status(f),
            }
        )
    return pd.DataFrame(rows)


def alarm_rows(frame: pd.DataFrame) -> Any:
    """``frame`` styled: the rows of furnaces that run low or overflow in red."""

    def colour(row: pd.Series) -> list[str]:
        return [ALARM_CSS if row["status"] != OK else ""] * len(row)

    return frame.style.apply(colour, axis=1)


def deliveries_frame(network: Network, supply: SupplyPlan, served: Sequence[str]) -> pd.DataFrame:
    """The managed deliveries the planner decided, with their windows and whether served.

    Parameters
    ----------
    network : Network
        The plan's network.
    supply : SupplyPlan
        The plan's managed-supply part.
    served : sequence of str
        Order ids the plan's runs deliver.

    Returns
    -------
    pandas.DataFrame
        ``delivery``, ``caster``, ``alloy``, ``t``, ``pour from``, ``pour by``,
        ``delivered`` (yes / no).
    """
    done = set(served)
    return pd.DataFrame(
        [
            {
                "delivery": o.order_id,
                "caster": o.caster_id,
                "alloy": o.alloy,
                "t": o.tonnes,
                "pour from": clock(o.window_start, network),
                "pour by": clock(o.window_end, network),
                "delivered": "yes" if o.order_id in done else "no",
            }
            for o in supply.deliveries
        ]
    )
