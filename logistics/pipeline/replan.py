"""Intraday re-planning: a caster calls at 10:00 for metal at 15:00.

:func:`replan` takes the day's plan, the moment ``now`` and what changed — new or
changed orders, trucks taken out or added — and plans the rest of the day around what
already happened:

* every trip whose first ladle has started filling by ``now`` is a *fact*: its runs are
  kept exactly as planned (times, truck, tap temperature) — a truck being loaded or on
  the road is not unloaded; each truck continues from where and when its last fact
  leaves it, and no new fill starts before ``now``;
* an order partly delivered by facts gets exactly its remainder; new and changed orders
  respect their own ``placed_at + lead_time``;
* a changed order must still fit the runs under way for it (caster, alloy, window,
  ``placed_at + lead_time``, at least their tonnes): metal already filled or on the road
  cannot be undone, so a change that contradicts it is an :class:`InputError` naming
  the order's row and column;
* a truck taken out gets no new runs (its facts stay: the metal is on the road); an
  added truck joins from its home smelter; the network used is the new one;
* a truck start (made available at a site from a moment on) must not come before the
  last pour of its truck's facts: the truck is still on that trip, so such a start is
  an :class:`InputError` naming the truck; the truck's booked trips that fill from the
  start's moment on are planned again (they would drive from the start's site), and
  the start, not the current plan's drive to its next smelter, says where it is;
* on a day with managed supply the runs under way are checked against the current
  plan's managed deliveries (``plan.supply.deliveries``: the supplier decides them, so
  the network has none among its orders, and any it is given are dropped); the day's
  deliveries are then decided again, as on a fresh day (the same decision gives the
  same ids, and a run under way keeps its delivery's share), and a late delivery
  (``M-…-late``) a run under way pours stays an order of its own — the decision does
  not cut it again;
* the result is the whole day (facts + new runs) planned, checked by the independent
  checker and priced against ingots by :func:`logistics.plan_day`: a
  :class:`ReplanOutcome` wraps that :class:`~logistics.pipeline.PlanOutcome` with a
  :class:`PlanDiff` against the previous plan, the facts, ``now`` and the trucks out.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from logistics.check.context import TIME_TOL_S
from logistics.check.furnaces import with_deliveries
from logistics.errors import InputError, InputProblem
from logistics.network.model import Network, Order, TruckStart
from logistics.physics.travel import Travel
from logistics.pipeline.changes import SOURCE, TruckChanges, changed_network
from logistics.pipeline.day import PlanOutcome, plan_day
from logistics.pipeline.facts import (
    booked_at,
    check_facts,
    check_starts,
    facts_at,
    transit_starts,
)
from logistics.pipeline.supply import managed_orders
from logistics.plan.diff import ChangeCost, PlanDiff, plan_diff, replan_objective
from logistics.plan.model import Plan, Run
from logistics.plan.options import DayState, PlanOptions
from logistics.plan.supply import LATE_SUFFIX
from logistics.progress import ProgressCallback


@dataclass(frozen=True)
class ReplanOutcome:
    """A re-planned day: the outcome for the whole day, its diff, facts and network.

    Attributes
    ----------
    outcome : PlanOutcome
        The day's plan (facts + new runs), the checker's report and the economics, as
        :func:`logistics.plan_day` returns them.
    diff : PlanDiff
        Against the previous plan.
    facts : tuple of Run
        The runs kept as they were.
    network : Network
        The network the new plan is for (orders and fleet as changed). Trucks taken out
        stay in its fleet (their runs under way still need them); see
        ``unavailable_trucks``. Of the managed deliveries only the late ones under way
        are among its orders: the plan's are in ``outcome.plan.supply.deliveries``.
    now : datetime, optional
        The moment of re-planning (timezone-aware).
    unavailable_trucks : tuple of str
        Trucks out of service from ``now``: they got no new runs, and a later re-plan of
        this day should keep them out (pass them in ``TruckChanges.remove`` again).
    mode : str
        ``insert`` or ``reoptimise``: the mode asked for.
    booked : tuple of Run
        The booked runs (the current plan's runs not yet started that could be kept).
    change : ChangeCost
        What the new plan changes of them, and its price (``[replan]``).
    objective_cny : float
        The plan's objective with the price of change
        (:func:`logistics.plan.diff.replan_objective`), CNY.
    insert_objective_cny : float or None
        In ``reoptimise`` mode, the insert plan's (the re-optimised plan is kept only
        when it is lower).
    """

    outcome: PlanOutcome
    diff: PlanDiff
    facts: tuple[Run, ...] = field(default=())
    network: Network | None = None
    now: datetime | None = None
    unavailable_trucks: tuple[str, ...] = ()
    mode: str = "insert"
    booked: tuple[Run, ...] = ()
    change: ChangeCost = field(default_factory=ChangeCost)
    objective_cny: float = 0.0
    insert_objective_cny: float | None = None


def replan(
    network: Network,
    plan: Plan,
    now: datetime,
    options: PlanOptions | None = None,
    *,
    new_orders: Sequence[Order] = (),
    changed_orders: Sequence[Order] = (),
    truck_changes: TruckChanges | None = None,
    truck_starts: Sequence[TruckStart] = (),
    travel: Travel | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
    orders_file: str = SOURCE,
    order_rows: Mapping[str, int] | None = None,
) -> ReplanOutcome:
    """Plan the rest of the day around what already happened (see the module docstring).

    Parameters
    ----------
    network : Network
        The network the plan was made for; ``new_orders``, ``changed_orders`` and
        ``truck_changes`` are applied to it (pass a network whose orders are already the
        new order book just as well).
    plan : Plan
        The day's plan so far.
    now : datetime
        The moment of re-planning (timezone-aware).
    options : PlanOptions, optional
        How to plan the rest of the day (solver, time limit, seed, workers, solution
        limit …), as for :func:`logistics.plan_day`.
    new_orders, changed_orders : sequence of Order
        Orders to add, and orders to replace (by ``order_id``).
    truck_changes : TruckChanges
        Trucks taken out of service from ``now`` and trucks added.
    truck_starts : sequence of TruckStart
        Trucks made available at another site from a moment on (a truck repaired at a
        caster), in addition to the plan's own.
    travel, progress, executor
        As for :func:`logistics.plan_day` (``travel`` of the changed network: the sites
        do not change).
    orders_file : str
        Name of the new order book in messages about orders the runs under way
        contradict (the re-plan orders file; default ``re-plan``).
    order_rows : mapping of str to int, optional
        Spreadsheet row (header = 1) of each order in ``orders_file``, by order id, for
        those messages.

    Returns
    -------
    ReplanOutcome
        The whole day's :class:`~logistics.pipeline.PlanOutcome` (facts + new runs,
        checked independently and priced), the diff, the facts, the network, ``now``
        and the trucks out of service.

    Raises
    ------
    InputError
        Changes that do not fit the network, or an order changed so that a run already
        filled or on the road no longer fits it (another caster or alloy, a window or
        ``placed_at + lead_time`` its pour misses, fewer tonnes than are under way):
        each problem names ``orders_file``, the order's row and the column; or a truck
        start before the end of its truck's runs under way (naming the truck).
    """
    if now.tzinfo is None:
        raise InputError(InputProblem(SOURCE, None, "now", "needs a timezone"))
    truck_changes = truck_changes or TruckChanges()
    changed = _without_deliveries(
        changed_network(network, new_orders, changed_orders, truck_changes)
    )
    facts = facts_at(plan, now)
    changed = _facts_checked(changed, plan, facts, now, (orders_file, order_rows))
    check_starts(changed, facts, truck_starts)
    options = options or PlanOptions()
    travel = travel or Travel.of(changed)
    state = _day_state(changed, travel, plan, now, facts, truck_changes, truck_starts)
    chosen = _chosen_plan(changed, options, state, travel, progress, executor)
    return _replan_outcome(plan, changed, state, options.replan_mode, chosen)


def _facts_checked(
    changed: Network,
    plan: Plan,
    facts: tuple[Run, ...],
    now: datetime,
    orders: tuple[str, Mapping[str, int] | None],
) -> Network:
    """``changed`` (without managed deliveries) once the runs under way are checked
    against its orders and the current plan's managed deliveries
    (:func:`~logistics.pipeline.facts.check_facts`; ``orders`` the order book's name and
    rows), with the late deliveries under way among its orders."""
    orders_file, order_rows = orders
    known = with_deliveries(changed, plan)
    check_facts(known, facts, now, orders_file=orders_file, order_rows=order_rows)
    return _with_late_under_way(changed, plan, facts)


def _without_deliveries(network: Network) -> Network:
    """The network without managed deliveries among its orders: the re-plan decides
    them again (a network given with the current plan's deliveries would get them
    twice, the same ids)."""
    delivered = {o.order_id for o in managed_orders(network)}
    if not delivered:
        return network
    orders = tuple(o for o in network.orders if o.order_id not in delivered)
    return network.model_copy(update={"orders": orders})


def _with_late_under_way(network: Network, plan: Plan, facts: Sequence[Run]) -> Network:
    """The network with the current plan's late managed deliveries (``M-…-late``) that
    runs under way deliver among its orders: the re-plan's decision cuts the day's
    other deliveries again, with the same ids, but not these."""
    if plan.supply is None:
        return network
    under_way = {r.order_id for r in facts}
    late = tuple(
        d
        for d in plan.supply.deliveries
        if d.order_id.endswith(LATE_SUFFIX) and d.order_id in under_way
    )
    known = network.order_by_id
    late = tuple(d for d in late if d.order_id not in known)
    if not late:
        return network
    return network.model_copy(update={"orders": network.orders + late})


def _day_state(
    changed: Network,
    travel: Travel,
    plan: Plan,
    now: datetime,
    facts: tuple[Run, ...],
    truck_changes: TruckChanges,
    truck_starts: Sequence[TruckStart],
) -> DayState:
    """What the rest of the day is planned around: the facts, the runs booked, where the
    trucks start (those on the road too) and the trucks out of service from ``now``."""
    booked = _after_starts(booked_at(changed, plan, now, truck_changes.remove), truck_starts)
    given = {s.truck_id for s in truck_starts}  # where these are is given, not guessed
    moving = tuple(
        m
        for m in transit_starts(changed, travel, plan, now, truck_changes.remove)
        if m.truck_id not in given
    )
    return DayState(
        now=now,
        fixed_runs=facts,
        truck_starts=(*plan.truck_starts, *truck_starts),
        en_route=moving,
        unavailable_trucks=tuple(truck_changes.remove),
        booked_runs=booked,
        kept_preheats=plan.preheats,
    )


def _after_starts(booked: tuple[Run, ...], starts: Sequence[TruckStart]) -> tuple[Run, ...]:
    """``booked`` less the trips of a truck given a start that fill from the start's
    moment on: they would drive from the start's site, for which they were not timed
    (their jobs are planned again, as a truck taken out's are)."""
    since: dict[str, datetime] = {}
    for start in starts:
        since[start.truck_id] = min(start.at, since.get(start.truck_id, start.at))
    first_fill: dict[tuple[str, int], datetime] = {}
    for r in booked:
        key = (r.truck_id, r.trip)
        first_fill[key] = min(r.fill_start, first_fill.get(key, r.fill_start))
    return tuple(
        r
        for r in booked
        if r.truck_id not in since
        or first_fill[(r.truck_id, r.trip)] < since[r.truck_id] - timedelta(seconds=TIME_TOL_S)
    )


@dataclass(frozen=True)
class _Choice:
    """The plan a re-plan keeps, with its objective and price of change (CNY), and in
    ``reoptimise`` mode the insert plan's objective (CNY)."""

    outcome: PlanOutcome
    objective_cny: float
    change: ChangeCost
    insert_objective_cny: float | None = None


def _chosen_plan(
    changed: Network,
    options: PlanOptions,
    state: DayState,
    travel: Travel,
    progress: ProgressCallback | None,
    executor: Executor | None,
) -> _Choice:
    """The insert plan; in ``reoptimise`` mode the searched plan instead when it is
    valid and lower by the objective with the price of change."""
    started = time.monotonic()
    insert_options = options.model_copy(update={"replan_mode": "insert"})
    outcome = plan_day(changed, insert_options, state, travel=travel, progress=progress)
    objective, change = replan_objective(changed, outcome.plan, state.booked_runs)
    if options.replan_mode != "reoptimise":
        return _Choice(outcome, objective, change)
    proposal = state.model_copy(update={"proposal": outcome.plan.runs})
    left_s = max(1.0, options.time_limit_s - (time.monotonic() - started))
    search = options.model_copy(update={"time_limit_s": left_s})
    searched = plan_day(
        changed, search, proposal, travel=outcome.travel, progress=progress, executor=executor
    )
    searched_objective, searched_change = replan_objective(
        changed, searched.plan, state.booked_runs
    )
    if searched.ok and searched_objective < objective:
        return _Choice(searched, searched_objective, searched_change, objective)
    return _Choice(_kept_insert(outcome, searched_objective), objective, change, objective)


def _replan_outcome(
    plan: Plan, changed: Network, state: DayState, mode: str, chosen: _Choice
) -> ReplanOutcome:
    """The re-planned day: the plan chosen, its diff against ``plan`` (the previous one)
    and what it was planned around (``state``)."""
    outcome = chosen.outcome
    return ReplanOutcome(
        outcome,
        plan_diff(changed, outcome.travel, plan, outcome.plan),
        state.fixed_runs,
        changed,
        now=state.now,
        unavailable_trucks=tuple(dict.fromkeys(state.unavailable_trucks)),
        mode=mode,
        booked=state.booked_runs,
        change=chosen.change,
        objective_cny=chosen.objective_cny,
        insert_objective_cny=chosen.insert_objective_cny,
    )


def _kept_insert(outcome: PlanOutcome, searched_objective: float) -> PlanOutcome:
    """The insert plan, its status saying that the search found nothing cheaper (left as
    it is when the insert plan is the dispatcher's fallback, so that the fallback stays
    visible to the CLI's warning, ``--strict`` and the plan history)."""
    if outcome.plan.solver.fell_back:
        return outcome
    status = (
        f"insert; the search ended at {searched_objective:,.0f} CNY with the price of "
        "change, not below the insert plan: insert plan kept"
    )
    stats = outcome.plan.solver.model_copy(update={"status": status})
    return replace(outcome, plan=outcome.plan.model_copy(update={"solver": stats}))
