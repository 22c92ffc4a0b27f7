"""Every furnace's level over the planned day, and what running low costs.

:func:`supply_plan` simulates each furnace of ``consumption.csv`` minute by minute
(:mod:`logistics.physics.furnace`) from its start level, its cells' draw and the pours
of the plan's runs to its caster and alloy, and prices the shortfalls: the ingots the
caster must melt to stay at its minimum at the ingot route's cost, plus
``[supply] stockout_cny_per_h`` for every hour below the minimum.
"""

from __future__ import annotations

from collections.abc import Sequence

from logistics.network.furnaces import Furnace
from logistics.network.model import Network, Order
from logistics.network.prices import ingot_cost_per_t
from logistics.physics.furnace import (
    Pour,
    draw_per_minute,
    furnace_bands,
    inflow_per_minute,
    level_curve,
    level_stats,
)
from logistics.plan.model import Plan, Run
from logistics.plan.supply import FurnaceLevels, SupplyPlan


def furnace_pours(network: Network, furnace: Furnace, runs: Sequence[Run]) -> list[Pour]:
    """The pours of ``runs`` into one furnace, minutes from the plan day's midnight."""
    return [
        Pour(network.minutes(r.pour_start), network.minutes(r.pour_end), r.tonnes)
        for r in runs
        if (r.caster_id, r.alloy) == (furnace.caster_id, furnace.alloy)
    ]


def furnace_levels(network: Network, furnace: Furnace, runs: Sequence[Run]) -> FurnaceLevels:
    """One furnace's level curve over the plan day and its stock-outs and overflow."""
    draw = draw_per_minute(furnace_bands(furnace, network.consumption), network.plan_date.weekday())
    levels = level_curve(
        furnace.start_level_t, draw, inflow_per_minute(furnace_pours(network, furnace, runs))
    )
    stats = level_stats(furnace, levels)
    return FurnaceLevels(
        caster_id=furnace.caster_id,
        alloy=furnace.alloy,
        supply=furnace.supply,
        capacity_t=furnace.capacity_t,
        min_level_t=furnace.min_level_t,
        start_level_t=furnace.start_level_t,
        end_level_t=round(stats.end_t, 4),
        lowest_t=round(stats.lowest_t, 4),
        minutes_below_min=stats.minutes_below_min,
        emergency_ingot_t=round(stats.deficit_t, 4),
        overflow_t=round(stats.overflow_t, 4),
        levels_t=tuple(round(float(x), 4) for x in levels),
    )


def supply_plan(
    network: Network, plan: Plan, deliveries: Sequence[Order] = ()
) -> SupplyPlan | None:
    """The managed-supply part of a plan: deliveries, level curves, stock-outs, their cost.

    Parameters
    ----------
    network : Network
        The network (its ``furnaces`` and ``consumption``).
    plan : Plan
        The plan whose runs pour into the furnaces.
    deliveries : sequence of Order
        The managed deliveries the plan was made with.

    Returns
    -------
    SupplyPlan or None
        ``None`` for a network without furnaces. Costs in CNY, tonnes in t.
    """
    if not network.furnaces:
        return None
    furnaces = tuple(furnace_levels(network, f, plan.runs) for f in network.furnaces)
    ingot_t = sum(f.emergency_ingot_t for f in furnaces)
    minutes = sum(f.minutes_below_min for f in furnaces)
    return SupplyPlan(
        deliveries=tuple(deliveries),
        furnaces=furnaces,
        stockout_furnaces=sum(1 for f in furnaces if f.minutes_below_min > 0),
        minutes_below_min=minutes,
        emergency_ingot_t=round(ingot_t, 4),
        emergency_ingot_cny=round(ingot_t * ingot_cost_per_t(network.params), 2),
        stockout_cny=round(minutes / 60.0 * network.params.supply.stockout_cny_per_h, 2),
        overflow_furnaces=sum(1 for f in furnaces if f.overflow_t > 0),
    )


def managed_orders(network: Network) -> tuple[Order, ...]:
    """The orders of managed furnaces: the supplier's own deliveries (the loader
    refuses casters' orders for a managed furnace)."""
    managed = {(f.caster_id, f.alloy) for f in network.furnaces if f.managed}
    return tuple(o for o in network.orders if (o.caster_id, o.alloy) in managed)


def with_supply(network: Network, plan: Plan) -> Plan:
    """The plan with its managed-supply part (unchanged without ``consumption.csv``)."""
    supply = supply_plan(network, plan, managed_orders(network))
    return plan if supply is None else plan.model_copy(update={"supply": supply})
