"""A trip short of ladles filled at another smelter: the ladle pass with trips moved.

The ladle pass (:mod:`.ladles`) takes a run off its trip when no ladle of its smelter's
pool can be ready for its fill, and :mod:`.ladle_delay` tries the trip later where a
ladle would be ready a little later. On the Pearl River Delta sample most runs taken
off are a real shortage: a trip of two or three fills finds the pool's ladles that fit
its truck (``tau_h``, capacity) all on their way back for an hour or more, while another
smelter that makes the same alloy has ladles at its stand. The router does not see the
pools, and the smelter of each job is chosen before routing (:mod:`.assign`).

This module then tries the whole trip at another smelter that is a source of every job
of it (nearest first by the jobs' road km, at most :data:`MAX_SOURCES`): each job's fill
window there from when its metal is there with every other fill of the plan kept
(:func:`~.leftovers.assignment_at`), the trip timed there with the timing of
:mod:`.schedule` and the truck's later trips timed again after it, none earlier than
planned. The move is kept only when

* every job of those trips still times (none is left off) and every smelter has the
  metal for its fills in fill order;
* with ``[drivers]``, the truck's day still walks legally (:mod:`.legal`);
* the ladle pass run again on the moved plan leaves less penalty without a ladle (each
  job at its own, :func:`~.insert.penalty_of`: the ingot route's, a managed delivery's
  where it is one, a booked job's surcharge in a re-plan), and the truck's added route
  cost and superheat are less than the penalty won back.

The earliest runs taken off are tried first, each trip once, at most :data:`MAX_TRIES`
trips a day. Where a trip was moved, the trips still short are then tried later again
(:func:`~.ladle_delay.assign_with_delays` on the moved plan: a ladle of a trip moved
away may be back in time for them now), with the fill windows of the moved trips at
their new smelters, which every later step times them with
(:attr:`~.ladle_delay.DelayedLadles.fills`). A network without a ladle pool is never
tried here, nor a re-plan with runs kept (under way or booked): the trucks' states
start after their kept runs, so a trip moved before one of them would be timed on top
of it (the caller, :func:`~.solve._legal_with_ladles`, does not call this then).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from logistics.planning.insert import penalty_of
from logistics.planning.ladle_delay import (
    DayParts,
    DelayedLadles,
    assign_with_delays,
    legal_stops,
    spliced_stops,
)
from logistics.planning.ladles import LadlePlan, assign_ladles
from logistics.planning.leftovers import PlacedRun, assignment_at
from logistics.planning.schedule import ScheduleContext, TimedTrip
from logistics.planning.topup import metal_holds, retime_truck, truck_cny, windows_after
from logistics.planning.windows import Interval

#: Trips tried at another smelter at most, per day.
MAX_TRIES = 20
#: Other smelters tried per trip, nearest first.
MAX_SOURCES = 3


def _short_cny(ctx: ScheduleContext, plan: LadlePlan, penalty_per_t: float) -> float:
    """The penalty of the runs the pass left without a ladle, each at its job's
    (:func:`~.insert.penalty_of`: a managed delivery's where it is one), CNY."""
    return sum(penalty_of(ctx, r.job, penalty_per_t) * r.tonnes for r in plan.dropped)


def _sources(trip: TimedTrip) -> list[str]:
    """Smelters other than ``trip``'s that are a source of every job of it, nearest first
    (the jobs' road km summed)."""
    first = trip.runs[0].smelter_id
    km: dict[str, float] = {}
    for k, run in enumerate(trip.runs):
        mine = {s.smelter_id: s.road_km for s in run.job.sources}
        km = mine if k == 0 else {s: d + mine[s] for s, d in km.items() if s in mine}
    return sorted((s for s in km if s != first), key=lambda s: (km[s], s))[:MAX_SOURCES]


def _windows_at(
    parts: DayParts, trips: Sequence[TimedTrip], trip: TimedTrip, smelter_id: str
) -> dict[str, Interval] | None:
    """The fill windows of the day with ``trip``'s jobs at ``smelter_id`` (each from when
    its metal is there with every other fill of the plan kept) and its truck's later
    trips at their own smelters; ``None`` when a job has no metal there in time."""
    network = parts.ctx.network
    # the kept runs' metal too (a re-plan's runs under way)
    others: list[PlacedRun] = [*parts.fixed, *(r for t in trips if t is not trip for r in t.runs)]
    windows = windows_after(parts, trips, trip)
    for run in trip.runs:
        source = next((s for s in run.job.sources if s.smelter_id == smelter_id), None)
        found = None if source is None else assignment_at(network, run.job, source, others)
        if found is None:
            return None
        windows[run.job.job_id] = found.fill
    return windows


def _moved(
    parts: DayParts,
    trips: Sequence[TimedTrip],
    target: TimedTrip,
    smelter_id: str,
    not_before: int,
) -> tuple[list[TimedTrip], dict[str, Interval]] | None:
    """``trips`` with ``target`` filled at ``smelter_id`` (from ``not_before`` on) and
    its truck's later trips timed again after it, none earlier than planned, and the
    fill windows of ``target``'s jobs at ``smelter_id``; ``None`` when a job of those
    trips would be left off or a smelter would be short of metal."""
    windows = _windows_at(parts, trips, target, smelter_id)
    truck_id = target.runs[0].truck_id
    states, bays = parts.fresh_states()
    state = states.get(truck_id)
    if windows is None or state is None:
        return None
    ctx = replace(parts.ctx, fills=windows)
    for trip in trips:
        if trip.runs[0].truck_id != truck_id:
            for r in trip.runs:
                bays.book(r.smelter_id, r.fill_start, r.fill_end)
    jobs = tuple(r.job for r in target.runs)
    moved = retime_truck(ctx, state, bays, trips, target, (smelter_id, jobs, not_before))
    if moved is None:
        return None
    alloys = {r.alloy for r in target.runs}
    if not all(metal_holds(parts.ctx.network, moved, parts, alloy) for alloy in alloys):
        return None
    return moved, {r.job.job_id: windows[r.job.job_id] for r in target.runs}


def _targets(plan: LadlePlan, trips: Sequence[TimedTrip]) -> list[TimedTrip]:
    """The trips of ``trips`` with a run the pass left without a ladle, earliest first."""
    keys = {(r.truck_id, r.trip) for r in plan.dropped}
    found = [t for t in trips if (t.runs[0].truck_id, t.runs[0].trip) in keys]
    return sorted(found, key=lambda t: (t.runs[0].fill_start, t.runs[0].truck_id))


def _pays(
    parts: DayParts,
    before: tuple[list[TimedTrip], LadlePlan],
    after: tuple[list[TimedTrip], LadlePlan],
    truck_id: str,
    penalty_per_t: float,
) -> bool:
    """Whether ``after`` leaves less penalty without a ladle than ``before`` (each job at
    its own penalty: a managed delivery's where it is one) and the truck's added cost is
    below that difference."""
    won = _short_cny(parts.ctx, before[1], penalty_per_t) - _short_cny(
        parts.ctx, after[1], penalty_per_t
    )
    if won <= 1e-6:
        return False
    added = truck_cny(parts, after[1].trips, truck_id) - truck_cny(parts, before[1].trips, truck_id)
    return added < won


def fill_elsewhere(
    parts: DayParts, delayed: DelayedLadles, *, not_before: int, penalty_per_t: float
) -> DelayedLadles:
    """The ladle pass with trips short of ladles moved to another smelter where that
    pays (module docstring).

    Parameters
    ----------
    parts : DayParts
        The day being planned, without runs kept (see the module docstring).
    delayed : DelayedLadles
        The pass after :func:`~.ladle_delay.assign_with_delays` (its ``ladles.passed``
        are the trips it was given, the runs it took off included).
    not_before : int
        No fill starts before this minute (a re-plan's now; else 0).
    penalty_per_t : float
        The ingot route's penalty, CNY/t.

    Returns
    -------
    DelayedLadles
        The pass on the trips after the moves kept (``delayed`` itself without one);
        ``delayed`` counts the trips moved later or elsewhere, ``fills`` are the day's
        fill windows with those of the moved trips at their new smelters.
    """
    network, travel = parts.ctx.network, parts.ctx.travel
    plan, stops, count = delayed.ladles, delayed.stops, delayed.delayed
    current = list(plan.passed)
    tried: set[tuple[str, int]] = set()
    while len(tried) < MAX_TRIES:
        target = next(
            (
                t
                for t in _targets(plan, current)
                if (t.runs[0].truck_id, t.runs[0].trip) not in tried
            ),
            None,
        )
        if target is None:
            break
        truck_id = target.runs[0].truck_id
        tried.add((truck_id, target.runs[0].trip))
        for smelter_id in _sources(target):
            found = _moved(parts, current, target, smelter_id, not_before)
            own_stops = None if found is None else legal_stops(parts, found[0], truck_id)
            if found is None or own_stops is None:
                continue
            moved, windows = found
            again = assign_ladles(network, travel, moved, parts.kept)
            if _pays(parts, (current, plan), (moved, again), truck_id, penalty_per_t):
                current, plan, count = moved, again, count + 1
                # the moved trips fill elsewhere now: every later timing uses their windows
                parts = replace(parts, ctx=replace(parts.ctx, fills={**parts.ctx.fills, **windows}))
                if parts.ctx.rules is not None:
                    stops = spliced_stops(stops, own_stops, truck_id)
                break
    if plan is delayed.ladles:
        return delayed
    # the trips still short, tried later again on the moved plan (a ladle of the trips
    # moved away may now be back in time for them)
    later = assign_with_delays(parts, current, stops)
    return replace(later, delayed=count + later.delayed, fills=parts.ctx.fills)
