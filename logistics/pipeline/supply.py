"""Every furnace's level over the planned day, and what running low costs.

:func:`supply_plan` simulates each furnace of ``consumption.csv`` minute by minute
(:mod:`logistics.physics.furnace`) from its start level, its cells' draw and the pours
of the plan's runs to its caster and alloy, and prices the shortfalls: the ingots the
caster must melt to stay at its minimum at the ingot route's cost, plus
``[supply] stockout_cny_per_h`` for every hour below the minimum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from logistics.network.furnaces import Furnace
from logistics.network.model import Network, Order
from logistics.network.prices import ingot_cost_per_t
from logistics.physics.furnace import (
    DAY_MIN,
    Pour,
    draw_per_minute,
    furnace_bands,
    inflow_per_minute,
    level_curve,
    level_stats,
)
from logistics.physics.travel import Travel
from logistics.plan.model import Plan, Run
from logistics.plan.options import PlanOptions
from logistics.plan.supply import FurnaceLevels, SupplyPlan
from logistics.planning.horizon_supply import decide_deliveries, required_by_minute
from logistics.planning.managed import with_managed_deliveries


def furnace_pours(network: Network, furnace: Furnace, runs: Sequence[Run]) -> list[Pour]:
    """The pours of ``runs`` into one furnace, minutes from the plan day's midnight."""
    return [
        Pour(network.minutes(r.pour_start), network.minutes(r.pour_end), r.tonnes)
        for r in runs
        if (r.caster_id, r.alloy) == (furnace.caster_id, furnace.alloy)
    ]


#: Unserved reasons that mean no liquid metal can reach a furnace at all.
NO_SUPPLY_REASONS = ("no_source", "thermal_reach")


def no_supply_reasons(plan: Plan, deliveries: Sequence[Order]) -> dict[tuple[str, str], str]:
    """Managed furnaces no liquid metal can reach, and why (their deliveries' reason)."""
    ids = {o.order_id for o in deliveries}
    found: dict[tuple[str, str], str] = {}
    for u in plan.unserved:
        if u.order_id in ids and u.reason in NO_SUPPLY_REASONS:
            found.setdefault((u.caster_id, u.alloy), u.reason)
    return found


def furnace_levels(
    network: Network, furnace: Furnace, runs: Sequence[Run], no_supply: str = ""
) -> FurnaceLevels:
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
        no_supply=no_supply,
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
    reasons = no_supply_reasons(plan, deliveries)
    furnaces = tuple(
        furnace_levels(network, f, plan.runs, reasons.get((f.caster_id, f.alloy), ""))
        for f in network.furnaces
    )
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
        stockout_no_supply=sum(1 for f in furnaces if f.minutes_below_min > 0 and f.no_supply),
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


def low_furnaces(plan: Plan) -> set[tuple[str, str]]:
    """Managed furnaces of a plan that run low although liquid metal can reach them."""
    if plan.supply is None:
        return set()
    return {
        (f.caster_id, f.alloy)
        for f in plan.supply.furnaces
        if f.supply == "managed" and f.minutes_below_min > 0 and not f.no_supply
    }


def _merit(plan: Plan) -> tuple[int, int, float]:
    """Smaller is better: the planner's stock-outs, their minutes, then the plan's cost."""
    supply = plan.supply
    assert supply is not None
    low = supply.stockout_furnaces - supply.stockout_no_supply
    return low, supply.minutes_below_min, plan.summary.route_cost_cny


#: Share of the time limit the first pass gets when the day may be re-planned.
FIRST_PASS_SHARE = 0.5
#: Most re-plans after the first pass.
MAX_REPAIRS = 2


def plan_supplied(
    network: Network,
    planned: Callable[[Network, PlanOptions], Plan],
    options: PlanOptions,
    travel: Travel | None = None,
) -> tuple[Network, Plan]:
    """Plan a day with managed furnaces, re-cutting the deliveries of those that run low.

    The first pass plans the deliveries cut by :func:`managed_deliveries`. While a
    managed furnace that liquid metal can reach still falls below its minimum, its
    deliveries are re-cut in single ladles (smallest first, so their windows open as
    early as the capacity allows; furnaces re-cut before stay so) and the day is planned
    again, at most :data:`MAX_REPAIRS` times; the time limit is shared between the
    passes (half for the first). The best pass is kept: fewest such furnaces, then
    fewest minutes below the minimum, then the lowest route cost.

    Parameters
    ----------
    network : Network
        The network with ``consumption.csv``'s furnaces (without the deliveries).
    planned : callable
        Plans a network (with the deliveries as orders) under options into a plan with
        its supply part.
    options : PlanOptions
        How to plan; ``time_limit_s`` (s) is shared by the passes.
    travel : Travel, optional
        The network's travel model: with it the deliveries are first decided over
        ``[supply] lookahead_days`` for all furnaces at once
        (:func:`~logistics.planning.horizon_supply.decide_deliveries`) and every cut
        keeps the decision's deadlines; without it each furnace is cut alone.

    Returns
    -------
    (Network, Plan)
        The network with the kept pass's deliveries among its orders, and its plan.
    """
    first = options.model_copy(update={"time_limit_s": options.time_limit_s * FIRST_PASS_SHARE})
    rest = options.time_limit_s - first.time_limit_s
    repair = options.model_copy(update={"time_limit_s": max(1.0, rest / MAX_REPAIRS)})
    small: set[tuple[str, str]] = set()
    hourly = decide_deliveries(network, travel) if travel is not None else {}
    required = {k: required_by_minute(v, DAY_MIN) for k, v in hourly.items()}
    best_network, _ = with_managed_deliveries(network, (), required)
    best = planned(best_network, first)
    latest, passes = best, 0
    while passes < MAX_REPAIRS and low_furnaces(latest) - small:
        small |= low_furnaces(latest)
        passes += 1
        candidate, _ = with_managed_deliveries(network, small, required)
        latest = planned(candidate, repair)
        if _merit(latest) < _merit(best):
            best_network, best = candidate, latest
    assert best.supply is not None
    supply = best.supply.model_copy(update={"repair_passes": passes})
    return best_network, best.model_copy(update={"supply": supply})


def has_managed(network: Network) -> bool:
    """Whether any furnace of the network is on managed supply."""
    return any(f.managed for f in network.furnaces)


def next_start_levels(network: Network, plan: Plan) -> dict[tuple[str, str], float]:
    """Each furnace's level at the next day's 00:00, t: its end level plus the ingots
    melted to make up a shortfall (the caster kept it at its minimum), within
    ``[0, capacity]``."""
    if plan.supply is None:
        return {}
    by_key = {(f.caster_id, f.alloy): f for f in network.furnaces}
    return {
        (f.caster_id, f.alloy): min(
            by_key[(f.caster_id, f.alloy)].capacity_t,
            max(0.0, f.end_level_t + f.emergency_ingot_t),
        )
        for f in plan.supply.furnaces
    }


def with_start_levels(network: Network, levels: dict[tuple[str, str], float]) -> Network:
    """The network with its furnaces starting the day at ``levels`` (t; others as given)."""
    furnaces = tuple(
        f.model_copy(update={"start_level_t": round(levels[(f.caster_id, f.alloy)], 4)})
        if (f.caster_id, f.alloy) in levels
        else f
        for f in network.furnaces
    )
    return network.model_copy(update={"furnaces": furnaces})
