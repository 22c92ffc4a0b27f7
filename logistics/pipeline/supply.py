"""Every furnace's level over the planned day, and what running low costs.

:func:`supply_plan` simulates each furnace of ``consumption.csv`` minute by minute
(:mod:`logistics.physics.furnace`) from its start level, its cells' draw and the pours
of the plan's runs to its caster and alloy, and prices the shortfalls: the ingots the
caster must melt to stay at its minimum at the ingot route's cost, plus
``[supply] stockout_cny_per_h`` for every hour below the minimum.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from logistics.check import check
from logistics.network.furnaces import Furnace
from logistics.network.model import Network, Order, TruckStart
from logistics.network.prices import ingot_cost_per_t, unserved_penalty_per_t
from logistics.physics.furnace import (
    DAY_MIN,
    LEVEL_TOL_T,
    Pour,
    draw_per_minute,
    furnace_bands,
    inflow_per_minute,
    level_curve,
    level_stats,
)
from logistics.physics.travel import Travel
from logistics.pipeline.lookahead import lookahead_days
from logistics.plan.model import Plan, Run
from logistics.plan.options import PlanOptions
from logistics.plan.summary import summarise
from logistics.plan.supply import LATE_SUFFIX, FurnaceLevels, SupplyPlan
from logistics.planning.horizon_supply import (
    SOLVER_LIMIT_S,
    DayResources,
    Missed,
    decide_deliveries,
    due_by_last_hour,
    required_by_minute,
)
from logistics.planning.managed import first_pour_min, with_managed_deliveries
from logistics.planning.visit_search import search_limit_s
from logistics.planning.windows import pour_minutes

log = logging.getLogger(__name__)


def furnace_pours(network: Network, furnace: Furnace, runs: Sequence[Run]) -> list[Pour]:
    """The pours of ``runs`` into one furnace, minutes from the plan day's midnight."""
    return [
        Pour(network.minutes(r.pour_start), network.minutes(r.pour_end), r.tonnes)
        for r in runs
        if (r.caster_id, r.alloy) == (furnace.caster_id, furnace.alloy)
    ]


#: Decimals of the levels carried to the next day (t): 0.1 g, finer than the level
#: model's tolerance (1e-6 t) even summed over a horizon, so a furnace left exactly at
#: its minimum or capacity does not start the next day a rounding below or above it
#: (0.1 kg before: a furnace left at its minimum could start the next day below it).
CARRY_DIGITS = 7

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


def unavoidable_t(
    network: Network,
    travel: Travel | None,
    furnace: Furnace,
    starts: Sequence[TruckStart] = (),
) -> float:
    """How far a managed furnace falls below its minimum before any truck could start
    pouring into it (:func:`~logistics.planning.managed.first_pour_min`, the trucks
    leaving home or from their ``starts``), t; 0 when it holds until then, for a
    furnace on orders, or without ``travel``."""
    if travel is None or not furnace.managed:
        return 0.0
    first = first_pour_min(network, travel, furnace, starts)
    if first is None:
        return 0.0
    draw = draw_per_minute(furnace_bands(furnace, network.consumption), network.plan_date.weekday())
    level = furnace.start_level_t - float(draw[: max(0, min(first, DAY_MIN))].sum())
    return round(max(0.0, furnace.min_level_t - level), CARRY_DIGITS)


def furnace_levels(
    network: Network,
    furnace: Furnace,
    runs: Sequence[Run],
    no_supply: str = "",
    travel: Travel | None = None,
    starts: Sequence[TruckStart] = (),
) -> FurnaceLevels:
    """One furnace's level curve over the plan day, its stock-outs and overflow, and
    (with ``travel``) the shortfall no plan could avoid (:func:`unavoidable_t`, the
    trucks leaving home or from their ``starts``)."""
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
        end_level_t=round(stats.end_t, CARRY_DIGITS),
        lowest_t=round(stats.lowest_t, 4),
        minutes_below_min=stats.minutes_below_min,
        emergency_ingot_t=round(stats.deficit_t, CARRY_DIGITS),
        overflow_t=round(stats.overflow_t, 4),
        levels_t=tuple(round(float(x), 4) for x in levels),
        no_supply=no_supply,
        unavoidable_t=unavoidable_t(network, travel, furnace, starts),
    )


def _only_unavoidable(f: FurnaceLevels) -> bool:
    """A furnace below its minimum only as far as no plan could avoid."""
    return f.minutes_below_min > 0 and f.emergency_ingot_t <= f.unavoidable_t + LEVEL_TOL_T


def supply_plan(
    network: Network, plan: Plan, deliveries: Sequence[Order] = (), travel: Travel | None = None
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
    travel : Travel, optional
        The travel model: with it each managed furnace reports the shortfall no plan
        could avoid (``unavoidable_t``), the trucks leaving home or from the plan's
        ``truck_starts``.

    Returns
    -------
    SupplyPlan or None
        ``None`` for a network without furnaces. Costs in CNY, tonnes in t.
    """
    if not network.furnaces:
        return None
    reasons = no_supply_reasons(plan, deliveries)
    furnaces = tuple(
        furnace_levels(
            network,
            f,
            plan.runs,
            reasons.get((f.caster_id, f.alloy), ""),
            travel,
            plan.truck_starts,
        )
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
        stockout_unavoidable=sum(1 for f in furnaces if not f.no_supply and _only_unavoidable(f)),
    )


def managed_orders(network: Network) -> tuple[Order, ...]:
    """The orders of managed furnaces: the supplier's own deliveries (the loader
    refuses casters' orders for a managed furnace)."""
    managed = {(f.caster_id, f.alloy) for f in network.furnaces if f.managed}
    return tuple(o for o in network.orders if (o.caster_id, o.alloy) in managed)


def with_supply(network: Network, plan: Plan, travel: Travel | None = None) -> Plan:
    """The plan with its managed-supply part (unchanged without ``consumption.csv``);
    ``travel`` as in :func:`supply_plan`."""
    supply = supply_plan(network, plan, managed_orders(network), travel)
    return plan if supply is None else plan.model_copy(update={"supply": supply})


def low_furnaces(plan: Plan) -> set[tuple[str, str]]:
    """Managed furnaces of a plan that run low although liquid metal can reach them, by
    more than no plan could avoid (``unavoidable_t``)."""
    if plan.supply is None:
        return set()
    return {
        (f.caster_id, f.alloy)
        for f in plan.supply.furnaces
        if f.supply == "managed"
        and f.minutes_below_min > 0
        and not f.no_supply
        and not _only_unavoidable(f)
    }


def _merit(network: Network, plan: Plan) -> float:
    """Smaller is better: what the pass costs, CNY — its route cost, the casters' orders
    it leaves unserved at the unserved penalty, and its furnaces' shortfall (emergency
    ingots and hours below the minimum), so a pass that saves a furnace by dropping
    more orders than it is worth is not kept."""
    supply = plan.supply
    assert supply is not None
    ids = {d.order_id for d in supply.deliveries}
    orders_t = sum(u.tonnes for u in plan.unserved if u.order_id not in ids)
    return (
        plan.summary.route_cost_cny
        + orders_t * unserved_penalty_per_t(network.params)
        + supply.emergency_ingot_cny
        + supply.stockout_cny
    )


#: Share of the time limit the first decision may take (programme, visit search and
#: building them), before the first pass is routed.
DECISION_SHARE = 0.5
#: Share of the time limit that ends with the first pass (its decision included): the
#: first pass routes until then, the re-plans share the rest.
FIRST_PASS_SHARE = 0.85
#: Most re-plans after the first pass.
MAX_REPAIRS = 2
#: Shortest share of a re-plan (its decision and its routing), s: a limit has as many
#: re-plans as fit in its rest at this much each, at most :data:`MAX_REPAIRS`; with
#: none, the first pass routes until the limit.
MIN_REPAIR_S = 3.0
#: Shortest routing of a pass, s: a re-plan starts only with time for its decision and
#: this much routing left of its share, and a pass late on its moment still gets it.
MIN_PASS_S = 1.0


#: Time kept after the loop for the late deliveries' insertion and its check
#: (:func:`late_deliveries`), s, at most :data:`LATE_MAX_SHARE` of the time limit: the
#: loop's passes end that much earlier (an insertion into a Pearl River Delta day
#: takes about 1 s, and there may be two, and the check).
LATE_S = 4.0
#: Largest share of the time limit kept for the late deliveries.
LATE_MAX_SHARE = 0.2
#: Tonnes below which a delivery's or an unserved row's remainder is nothing, t.
TONNES_TOL_T = 1e-6
#: What inserts a network's orders around a plan's runs and preheats, kept as they are:
#: the network, the options (their time limit, s) and the plan; the new plan with its
#: supply part.
Inserted = Callable[[Network, PlanOptions, Plan], Plan]


def repair_shares(total_s: float) -> tuple[float, int, float]:
    """How a day's time limit ``total_s`` (s) is shared by the closed loop: the moment
    the first pass ends (s from the start, its decision included), the re-plans that
    fit after it and each one's share (s)."""
    rest = total_s * (1.0 - FIRST_PASS_SHARE)
    repairs = min(MAX_REPAIRS, int(rest / MIN_REPAIR_S + 1e-9))
    if repairs == 0:
        return total_s, 0, 0.0
    return total_s - rest, repairs, rest / repairs


def missed_deliveries(plan: Plan, network: Network) -> list[Missed]:
    """The plan's unserved managed deliveries that liquid metal could reach (the closed
    loop's feedback), with their windows in minutes of ``network``'s day."""
    if plan.supply is None:
        return []
    by_id = {o.order_id: o for o in plan.supply.deliveries}
    return [
        Missed(
            key=(u.caster_id, u.alloy),
            tonnes=u.tonnes,
            start_min=network.minutes(by_id[u.order_id].window_start),
            end_min=network.minutes(by_id[u.order_id].window_end),
            reason=u.reason,
        )
        for u in plan.unserved
        if u.order_id in by_id and u.reason not in NO_SUPPLY_REASONS
    ]


def late_deliveries(plan: Plan, network: Network) -> tuple[Order, ...]:
    """A late delivery for each managed delivery the plan left unserved that liquid metal
    could reach: its tonnes left, poured from its window's end to the last pour start the
    caster's hours and the day allow (``network``: the plan's, with its deliveries).

    Poured later than the furnace needed it, the metal still ends the stock-out sooner
    than the next delivery would and saves the ingots of the rest of the gap. It never
    overflows the furnace: its window opens after the delivery's own, whose opening is
    when its tonnes fit under the capacity with every delivery before it poured, and
    the deliveries after it were cut as if it had been poured. Once served, it takes
    its tonnes over from the delivery (:func:`_counted_once`).
    """
    if plan.supply is None:
        return ()
    by_id = {o.order_id: o for o in plan.supply.deliveries}
    left: dict[str, float] = {}  # one late delivery for all of a delivery's rows
    for u in plan.unserved:
        if u.order_id in by_id and u.reason not in NO_SUPPLY_REASONS:
            left[u.order_id] = left.get(u.order_id, 0.0) + u.tonnes
    late: list[Order] = []
    for order_id, tonnes in left.items():
        o = by_id[order_id]
        if order_id.endswith(LATE_SUFFIX):
            continue
        caster = network.caster_by_id[o.caster_id]
        last = min(float(DAY_MIN), network.minutes(caster.close)) - pour_minutes(caster)
        opens = network.minutes(o.window_end)
        if opens > last:
            continue
        late.append(
            o.model_copy(
                update={
                    "order_id": o.order_id + LATE_SUFFIX,
                    "tonnes": tonnes,
                    "window_start": o.window_end,
                    "window_end": network.at(last),
                }
            )
        )
    return tuple(late)


def _left_s(ends: float) -> float:
    """Seconds from now (:func:`time.monotonic`) to ``ends``, s (negative once passed)."""
    return ends - time.monotonic()


def _with_late(
    network: Network,
    plan: Plan,
    inserted: Inserted | None,
    options: PlanOptions,
    ends: float,
    travel: Travel | None = None,
) -> tuple[Network, Plan]:
    """``network`` and ``plan`` with the late deliveries of :func:`late_deliveries`
    inserted around the plan's runs (kept as they are) until ``ends``
    (:func:`time.monotonic`, s); as they are without ``inserted`` or a late delivery.

    Only the deliveries of furnaces that fall further below their minimum than they
    must (``emergency_ingot_t`` above ``unavoidable_t``) are tried late, and not at all
    with less than :data:`MIN_PASS_S` left to ``ends`` (with a ``solution_limit``,
    deterministic, the clock decides nothing). Only the late deliveries the insertion
    serves are kept: where some are left unserved, the insertion is made again with the
    served ones alone (without a ``solution_limit``, where the time left to ``ends`` is
    at least :data:`MIN_PASS_S` and what the first took), so no late delivery is listed
    unserved (its tonnes would count twice in the shortfall the checker allows). The
    result is kept where every late delivery in it is served, the checker finds it
    sound, no more furnaces overflow and it lowers the pass's merit; without a
    ``solution_limit``, not where ``ends`` passed before the check."""
    timed = options.solution_limit is None
    low = low_furnaces(plan)
    late = tuple(o for o in late_deliveries(plan, network) if (o.caster_id, o.alloy) in low)
    if inserted is None or not late or (timed and _left_s(ends) < MIN_PASS_S):
        return network, plan
    for _ in range(2):
        took = time.monotonic()
        candidate, tried = _late_inserted(inserted, network, plan, late, options, ends, travel)
        served = {r.order_id for r in tried.runs}
        if all(o.order_id in served for o in late):
            break
        late = tuple(o for o in late if o.order_id in served)
        if not late:
            return network, plan  # none served
        if timed and _left_s(ends) < max(MIN_PASS_S, time.monotonic() - took):
            return network, plan  # no time for the second insertion
    else:
        return network, plan  # the second insertion left one of them out
    assert tried.supply is not None and plan.supply is not None
    if tried.supply.overflow_furnaces > plan.supply.overflow_furnaces:
        return network, plan
    if _merit(candidate, tried) >= _merit(network, plan):
        return network, plan
    if timed and _left_s(ends) <= 0:
        return network, plan  # no time left for the check
    candidate, tried = _counted_once(candidate, tried, late, travel)
    return (candidate, tried) if check(candidate, tried, travel=travel).ok else (network, plan)


def _late_inserted(
    inserted: Inserted,
    network: Network,
    plan: Plan,
    late: Sequence[Order],
    options: PlanOptions,
    ends: float,
    travel: Travel | None,
) -> tuple[Network, Plan]:
    """The network with the ``late`` deliveries among its orders, and ``plan`` with them
    inserted around its runs until ``ends`` (:func:`time.monotonic`, s).

    The insertion is given only the orders the plan pours (its runs are kept as they
    are) and the late deliveries: the orders it left unserved were tried by the pass
    already, and preparing them again took most of the time (3.5 s of a 12 s limit on a
    day of about 140 deliveries). Their unserved rows are the plan's, and the summary
    and the supply part are made again for the whole network (:func:`_merged`)."""
    candidate = network.model_copy(update={"orders": (*network.orders, *late)})
    keep = {r.order_id for r in plan.runs} | {o.order_id for o in late}
    few = candidate.model_copy(
        update={"orders": tuple(o for o in candidate.orders if o.order_id in keep)}
    )
    deterministic = options.solution_limit is not None  # the clock decides nothing
    tried = inserted(few, options if deterministic else _within(options, ends), plan)
    return candidate, _merged(candidate, plan, keep, tried, travel)


def _merged(
    network: Network, plan: Plan, inserted_ids: set[str], tried: Plan, travel: Travel | None
) -> Plan:
    """``tried`` (made with the orders ``inserted_ids`` alone) with ``plan``'s unserved
    rows of the other orders of ``network``, its summary and supply part made again."""
    unserved = (*tried.unserved, *(u for u in plan.unserved if u.order_id not in inserted_ids))
    summary = summarise(
        network,
        travel if travel is not None else Travel.of(network),
        tried.runs,
        unserved,
        tried.truck_starts,
        tried.summary.runs_fixed,
    )
    merged = tried.model_copy(update={"unserved": unserved, "summary": summary})
    return with_supply(network, merged, travel)


def _counted_once(
    network: Network, plan: Plan, late: Sequence[Order], travel: Travel | None
) -> tuple[Network, Plan]:
    """``network`` and ``plan`` with each late delivery of ``late`` taking its served
    tonnes over from the delivery it stands for, so every tonne is ordered once.

    A late delivery's tonnes become what its runs pour; the delivery it stands for is
    ordered that much less (and is dropped at nothing left), its unserved row carries
    only what is still unserved (dropped at nothing), and the late delivery's own
    unserved rows go (their tonnes are still the delivery's). The summary's tonnes are
    recomputed from the rows, and the supply part's deliveries are the new orders."""
    poured: dict[str, float] = {o.order_id: 0.0 for o in late}
    for r in plan.runs:
        if r.order_id in poured:
            poured[r.order_id] += r.tonnes
    took = {k.removesuffix(LATE_SUFFIX): t for k, t in poured.items()}
    orders: list[Order] = []
    for o in network.orders:
        tonnes = poured.get(o.order_id, o.tonnes - took.get(o.order_id, 0.0))
        if tonnes > TONNES_TOL_T:
            orders.append(o if tonnes == o.tonnes else o.model_copy(update={"tonnes": tonnes}))
    unserved = []
    for u in plan.unserved:  # a delivery's rows in turn give up what its late one poured
        cut = min(u.tonnes, took.get(u.order_id, 0.0))
        if u.order_id in took:
            took[u.order_id] -= cut
        left = u.tonnes - cut
        if u.order_id not in poured and left > TONNES_TOL_T:
            unserved.append(u if cut == 0.0 else u.model_copy(update={"tonnes": left}))
    network = network.model_copy(update={"orders": tuple(orders)})
    summary = summarise(
        network,
        travel if travel is not None else Travel.of(network),
        plan.runs,
        unserved,
        plan.truck_starts,
        plan.summary.runs_fixed,
    )
    assert plan.supply is not None
    supply = plan.supply.model_copy(update={"deliveries": managed_orders(network)})
    update = {"unserved": tuple(unserved), "summary": summary, "supply": supply}
    return network, plan.model_copy(update=update)


@dataclass
class _Loop:
    """The closed loop's state: what the routed passes missed, and the time it took.

    ``network`` is the one the decision sees: the plan day's fleet without the trucks a
    re-plan took out of service (they stay in the routed network's fleet for their runs
    made or under way, but have no hour and no trip of the decision's plan day).
    ``carried`` is what those runs carry (order id, t): the running trucks' trips and
    hours are not charged it, so the day's orders the trucks out already carry do not
    take the running trucks' room for managed metal."""

    network: Network
    travel: Travel | None
    missed: list[Missed] = field(default_factory=list)
    small: set[tuple[str, str]] = field(default_factory=set)
    decide_s: float = 0.0
    ahead: tuple[DayResources, ...] = ()
    carried: tuple[tuple[str, float], ...] = ()

    def required(self, budget_s: float, search_s: float) -> dict[tuple[str, str], np.ndarray]:
        """The decision's tonnes due by each minute, with the feedback so far: the whole
        decision within ``budget_s``, its visit search within ``search_s`` too (s)."""
        if self.travel is None:
            return {}
        started = time.monotonic()
        hourly = decide_deliveries(
            self.network,
            self.travel,
            self.missed,
            min(SOLVER_LIMIT_S, budget_s),
            self.ahead,
            search_s=search_s,
            budget_s=budget_s,
            carried=self.carried,
        )
        took = time.monotonic() - started
        self.decide_s += took
        log.debug("delivery decision: %.2f s of %.2f s", took, budget_s)
        # whole ladles: wide windows (the router times them); measured deliveries keep
        # the decision's tonnes hour by hour
        wide = self.network.params.supply.whole_ladles
        due = due_by_last_hour if wide else required_by_minute
        return {k: due(v, DAY_MIN) for k, v in hourly.items()}


def _within(options: PlanOptions, ends: float) -> PlanOptions:
    """``options`` with the time limit of a pass ending at ``ends`` (a
    :func:`time.monotonic` moment), at least :data:`MIN_PASS_S`."""
    left = max(MIN_PASS_S, ends - time.monotonic())
    return options.model_copy(update={"time_limit_s": left})


def plan_supplied(
    network: Network,
    planned: Callable[[Network, PlanOptions], Plan],
    options: PlanOptions,
    travel: Travel | None = None,
    trucks_out: Sequence[str] = (),
    kept_runs: Sequence[Run] = (),
    truck_starts: Sequence[TruckStart] = (),
    inserted: Inserted | None = None,
) -> tuple[Network, Plan]:
    """Plan a day with managed furnaces, closing the loop on the deliveries it misses.

    The first pass plans the deliveries cut by :func:`managed_deliveries` from the
    delivery decision. While a managed furnace that liquid metal can reach still falls
    below its minimum, the loop closes: the managed deliveries the routed passes left
    unserved are fed back to the decision as tighter limits (their truck-hours off the
    fleet's hours of their windows, those left for ``production`` off their alloy's
    production), the decision is made again, the furnaces that ran low are re-cut in
    single ladles (smallest first, their windows open earliest; furnaces re-cut before
    stay so) and the day is routed again, as many times as :func:`repair_shares` fits.
    The time limit holds for the whole loop, the decisions included: each pass ends at
    a fixed moment from the start — the first decision within :data:`DECISION_SHARE`
    of the limit, the first pass routed until :data:`FIRST_PASS_SHARE` of it (all of it
    without re-plans), each re-plan (its decision, at most half its time, and its
    routing) until its equal share of the rest has passed; a pass late on its moment is
    routed for :data:`MIN_PASS_S`, and a re-plan left less than twice that is not
    started (the next may be). The best pass is kept: the lowest route cost plus the
    casters' orders it leaves unserved (at the unserved penalty) plus its furnaces'
    shortfall cost. With ``inserted``, the loop ends :data:`LATE_S` early (at most
    :data:`LATE_MAX_SHARE` of the limit), and in that time the managed deliveries the
    kept pass left unserved are tried late (:func:`late_deliveries`), inserted around
    its runs as they are; the result is kept where it is sound and lowers the same
    cost.

    Parameters
    ----------
    network : Network
        The network with ``consumption.csv``'s furnaces (without the deliveries).
    planned : callable
        Plans a network (with the deliveries as orders) under options into a plan with
        its supply part.
    options : PlanOptions
        How to plan; ``time_limit_s`` (s) holds for the whole loop, shared by the
        decisions and the passes.
    travel : Travel, optional
        The network's travel model: with it the deliveries are first decided over
        ``[supply] lookahead_days`` for all furnaces at once
        (:func:`~logistics.planning.horizon_supply.decide_deliveries`) and every cut
        keeps the decision's deadlines; without it each furnace is cut alone (nothing fed back).
    trucks_out, kept_runs, truck_starts : sequence of str, Run and TruckStart
        A re-plan's ``DayState.unavailable_trucks``, ``fixed_runs`` and ``truck_starts``:
        the trucks out (kept in the fleet) are out of the decision's plan day
        (:func:`running_fleet`) and later days (:func:`lookahead_days`), what their kept
        runs carry is not charged to the running trucks (:func:`carried_by`), and every
        cut's first possible pour counts the starts (``first_pour_min``).
    inserted : callable, optional
        Inserts a network's orders around a plan's runs, kept as they are (a re-plan in
        ``insert`` mode), into a plan with its supply part: the late deliveries' try.

    Returns
    -------
    (Network, Plan)
        The network with the kept pass's deliveries among its orders, and its plan.
    """
    started = time.monotonic()
    late_s = min(LATE_S, LATE_MAX_SHARE * options.time_limit_s) if inserted else 0.0
    looped = options.model_copy(update={"time_limit_s": options.time_limit_s - late_s})
    ctx = (travel, trucks_out, kept_runs, truck_starts)
    best_network, best, passes = _closed_loop(network, planned, looped, ctx, started)
    ends = started + options.time_limit_s
    best_network, best = _with_late(best_network, best, inserted, options, ends, travel)
    return best_network, _with_passes(best, passes)


def _closed_loop(
    network: Network,
    planned: Callable[[Network, PlanOptions], Plan],
    options: PlanOptions,
    ctx: tuple[Travel | None, Sequence[str], Sequence[Run], Sequence[TruckStart]],
    started: float,
) -> tuple[Network, Plan, int]:
    """:func:`plan_supplied`'s loop within ``options.time_limit_s`` from ``started``
    (:func:`time.monotonic`, s), ``ctx`` its travel, trucks out, kept runs and truck
    starts: the kept pass's network and plan, and the re-plans made."""
    travel, trucks_out, kept_runs, truck_starts = ctx
    total = options.time_limit_s
    loop = _decision_loop(network, travel, trucks_out, kept_runs)
    required = loop.required(
        total * DECISION_SHARE - (time.monotonic() - started), search_limit_s(total)
    )
    best_network, _ = with_managed_deliveries(network, (), required, travel, truck_starts)
    first_s, repairs, share = repair_shares(total)
    best = planned(best_network, _within(options, started + first_s))
    latest, passes = best, 0
    for k in range(1, repairs + 1):
        ends = started + first_s + k * share
        if not low_furnaces(latest):
            break
        if (left := ends - time.monotonic()) < 2.0 * MIN_PASS_S:
            continue  # no time for a decision and a routing: the next may have it
        loop.small |= low_furnaces(latest)
        loop.missed += missed_deliveries(latest, network)
        passes += 1
        required = loop.required(min(left / 2.0, left - MIN_PASS_S), search_limit_s(total))
        candidate, _ = with_managed_deliveries(network, loop.small, required, travel, truck_starts)
        latest = planned(candidate, _within(options, ends))
        if _merit(network, latest) < _merit(network, best):
            best_network, best = candidate, latest
    return best_network, best, passes


def _with_passes(plan: Plan, passes: int) -> Plan:
    """The plan with the re-plans its loop made counted in its supply part."""
    assert plan.supply is not None
    supply = plan.supply.model_copy(update={"repair_passes": passes})
    return plan.model_copy(update={"supply": supply})


def _decision_loop(
    network: Network, travel: Travel | None, trucks_out: Sequence[str], kept_runs: Sequence[Run]
) -> _Loop:
    """The closed loop's first state: the decision's fleet without ``trucks_out``
    (:func:`running_fleet`), their look-ahead and what their ``kept_runs`` carry."""
    ahead = lookahead_days(network, trucks_out) if travel else ()
    carried = carried_by(kept_runs, trucks_out)
    return _Loop(running_fleet(network, trucks_out), travel, ahead=ahead, carried=carried)


def running_fleet(network: Network, trucks_out: Sequence[str]) -> Network:
    """The network with only the trucks that can still run on the plan day (``network``
    itself when none is out): the decision's fleet. What the trucks out already carry
    that day (:func:`carried_by`) is taken off the tonnes its trips and hours carry."""
    if not set(trucks_out) & {t.truck_id for t in network.fleet}:
        return network
    fleet = tuple(t for t in network.fleet if t.truck_id not in set(trucks_out))
    return network.model_copy(update={"fleet": fleet})


def carried_by(runs: Sequence[Run], trucks_out: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """The order ids and tonnes (t) the ``runs`` of trucks taken out of service carry
    (their runs made or under way), one pair per run."""
    out = set(trucks_out)
    return tuple((r.order_id, r.tonnes) for r in runs if r.truck_id in out)


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
        f.model_copy(update={"start_level_t": round(levels[(f.caster_id, f.alloy)], CARRY_DIGITS)})
        if (f.caster_id, f.alloy) in levels
        else f
        for f in network.furnaces
    )
    return network.model_copy(update={"furnaces": furnaces})
