"""Leftover ladles put in a free slot of a trip already planned (a day with a ladle pool).

With a ladle pool the jobs left over — by the routes and their timing (``fleet``), by the
ladle pass (``ladles``) — are tried again after the pass on trips of their own
(:mod:`.ladle_retry`). A trip of one ladle is paid for by that ladle alone, so a lone
ladle far from its smelter is often left for ``cost`` while a trip of the plan from the
same smelter, at about the same hour, carries fewer ladles than its truck holds. Before
that second try (and again after it, where it added trips) each job left for ``fleet``,
``cost``, ``ladles`` or ``not_planned_in_time`` is therefore tried in such a free slot,
which adds only its detour to a trip already driven: at each of its sources,
with the metal the plan leaves there (:func:`~.leftovers.assignment_at`), in every trip
of that smelter whose truck has a ladle and payload to spare, at every place of the
trip's pour order. The trip is timed again with the job (:func:`~.schedule.time_trip`:
fill window and bays, hold limit and taps, pour windows, the shift's end, the drivers'
counters) and the truck's later trips after it, none earlier than planned (the ladle
pass may have delayed a trip on purpose). A slot is taken only when

* every job of those trips still times (none is left off);
* every fill of every alloy of the trips timed again still has its metal (production
  as the checker counts it);
* the ladle pass (:func:`~.ladles.assign_ladles`) run on the new plan gives every run a
  ladle of its smelter's pool;
* with ``[drivers]``, the truck's day still walks legally (:mod:`.legal`);
* the cost it adds (route, superheat, the ladles' lining heat) is below the job's
  penalty (:func:`~.insert.penalty_of`: the ingot route's, a managed delivery's where
  it is one, plus ``[replan] drop_booked_cny_per_t`` for a booked job of a re-plan).

Of the slots that pass the cheapest is taken; jobs are tried in the retry's order
(:func:`~.ladle_retry.retry_rank`): managed deliveries first (a casters' leftover must
not take the metal, ladles or truck time one needed), then by reason (:data:`TRIED`),
by their latest pour and id, each once, until the deadline. A day without a ladle pool
never comes here, nor a re-plan with runs kept (under way or booked): the trips are
timed from the start of each truck's day, not from after its kept runs.
"""

from __future__ import annotations

import copy
import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from logistics.network.model import Network
from logistics.network.prices import superheat_cost_per_c_t
from logistics.plan.timeline import route_totals, trip_legs
from logistics.planning.insert import penalty_of
from logistics.planning.jobs import Job
from logistics.planning.ladle_delay import DayParts, legal_stops, spliced_stops
from logistics.planning.ladle_retry import Pooled, retry_rank
from logistics.planning.ladles import LadlePlan, LadleReplay
from logistics.planning.leftovers import assignment_at
from logistics.planning.objective import superheat_cny
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TimedTrip,
    TruckState,
    commit_trip,
    time_trip,
)
from logistics.planning.windows import Interval

#: The reasons of the jobs tried here, in the order they are tried (the likeliest to find
#: a slot first: a ``ladles`` or ``cost`` job had a truck with room, a ``fleet`` one none).
TRIED = ("ladles", "cost", "not_planned_in_time", "fleet")
#: A trip is a candidate for a job only when its fills start at most this long after
#: the job's latest pour and its pours end at most this long before the job's earliest
#: one, minutes (the timing decides; this only spares hopeless tries).
NEAR_MIN = 240
#: Metal below which a production shortfall is rounding, t (the checker's tolerance).
_EPS_T = 1e-6


@dataclass(frozen=True)
class _Slot:
    """A job in a trip: the plan's trips with it, and the cost it adds (CNY)."""

    trips: list[TimedTrip]
    truck_id: str
    added: float
    #: The truck's trips timed again: as they were, and as they are now.
    before: tuple[TimedTrip, ...] = ()
    after: tuple[TimedTrip, ...] = ()


def top_up(
    parts: DayParts,
    pooled: Pooled,
    *,
    not_before: int,
    penalty_per_t: float | None,
    deadline: float | None,
) -> Pooled:
    """The plan with leftover jobs put in free slots of its trips (module docstring).

    Parameters
    ----------
    parts : DayParts
        The day being planned (its network has a ladle pool).
    pooled : Pooled
        The plan after the ladle pass (and the drivers' walk).
    not_before : int
        No fill starts before this minute (a re-plan's now; else 0).
    penalty_per_t : float, optional
        The ingot route's penalty, CNY/t: a slot costing more than the job's penalty is
        not taken (``None``: any cost).
    deadline : float, optional
        :func:`time.monotonic` by which trying stops.

    Returns
    -------
    Pooled
        The plan with the jobs placed (no trip added), its ladle plan and stops; the
        jobs placed are no longer left.
    """
    network = parts.ctx.network
    todo = [j for j in pooled.left if pooled.reasons.get(j.job_id) in TRIED]
    if not todo or not network.ladles:
        return pooled
    trips, ladles, stops = list(pooled.trips), pooled.ladles, pooled.stops
    placed: set[str] = set()
    failed: set[tuple[Job, str]] = set()  # ladles like one that found no slot in this plan
    replay = LadleReplay(network, parts.ctx.travel, trips, parts.kept)
    for job in sorted(todo, key=lambda j: retry_rank(network, j, pooled.reasons[j.job_id], TRIED)):
        if _late(deadline):
            break
        alike = (replace(job, job_id=""), pooled.reasons[job.job_id])
        if alike in failed:
            continue
        found = _first_slot(
            parts, trips, (ladles, replay), job, (not_before, deadline), penalty_per_t
        )
        if found is None:
            failed.add(alike)
            continue
        slot, ladles = found
        trips = slot.trips
        replay = LadleReplay(network, parts.ctx.travel, trips, parts.kept)
        failed.clear()
        if parts.ctx.rules is not None:
            own = legal_stops(parts, trips, slot.truck_id)
            stops = spliced_stops(stops, own or (), slot.truck_id)
        placed.add(job.job_id)
    if not placed:
        return pooled
    left = [j for j in pooled.left if j.job_id not in placed]
    reasons = {k: v for k, v in pooled.reasons.items() if k not in placed}
    return Pooled(trips, left, reasons, stops, ladles)


def _first_slot(
    parts: DayParts,
    trips: list[TimedTrip],
    pool: tuple[LadlePlan, LadleReplay],
    job: Job,
    when: tuple[int, float | None],
    penalty_per_t: float | None,
) -> tuple[_Slot, LadlePlan] | None:
    """The cheapest slot for ``job`` that keeps every rule, with the new ladle plan
    (``pool``: the ladle plan of ``trips`` and the pass kept to be resumed; ``when``: the
    first minute a fill may start, and the :func:`time.monotonic` deadline or ``None``);
    ``None`` too when the deadline passes."""
    network = parts.ctx.network
    ladles, replay = pool
    deadline = when[1]
    limit = math.inf if penalty_per_t is None else penalty_of(parts.ctx, job, penalty_per_t)
    limit *= job.tonnes
    found = _slots(parts, trips, job, when)
    if found is None:
        return None
    slots = [s for s in found if s.added < limit]
    for slot in sorted(slots, key=lambda s: s.added):
        if _late(deadline):
            return None
        alloys = {r.alloy for t in slot.after for r in t.runs}
        if not all(metal_holds(network, slot.trips, parts, alloy) for alloy in alloys):
            continue
        again = replay.with_trips(slot.after, slot.before, spare=())
        if again.dropped:
            continue
        lining = _lining_cny(network, slot.trips, again) - _lining_cny(network, trips, ladles)
        if slot.added + lining >= limit:
            continue
        if parts.ctx.rules is not None and legal_stops(parts, slot.trips, slot.truck_id) is None:
            continue
        return slot, again
    return None


def _late(deadline: float | None) -> bool:
    """Whether the :func:`time.monotonic` ``deadline`` (``None``: none) has passed."""
    return deadline is not None and time.monotonic() > deadline


def _slots(
    parts: DayParts, trips: list[TimedTrip], job: Job, when: tuple[int, float | None]
) -> list[_Slot] | None:
    """Every trip of a source of ``job`` with a slot to spare, timed again with it at each
    place of its pour order, and the route cost and superheat that adds (``when`` as for
    :func:`_first_slot`; ``None`` when the deadline passes)."""
    network = parts.ctx.network
    not_before, deadline = when
    runs = [r for t in trips for r in t.runs]
    states, bays = parts.fresh_states()
    for r in runs:
        bays.book(r.smelter_id, r.fill_start, r.fill_end)
    base = (states, bays)
    out = []
    for source in job.sources:
        found = assignment_at(network, job, source, [*parts.fixed, *runs])
        if found is None:
            continue
        for trip in trips:
            if not _has_room(network, trip, job, source.smelter_id):
                continue
            windows = windows_after(parts, trips, trip)
            ctx = replace(parts.ctx, fills={**windows, job.job_id: found.fill})
            for place in range(len(trip.runs) + 1):
                if _late(deadline):
                    return None
                jobs = [r.job for r in trip.runs]
                jobs.insert(place, job)
                moved = _retimed(base, ctx, trips, trip, tuple(jobs), not_before)
                if moved is not None:
                    truck_id = trip.runs[0].truck_id
                    added = truck_cny(parts, moved, truck_id) - truck_cny(parts, trips, truck_id)
                    now = {id(t) for t in moved}
                    was = {id(t) for t in trips}
                    out.append(
                        _Slot(
                            moved,
                            truck_id,
                            added,
                            tuple(t for t in trips if id(t) not in now),
                            tuple(t for t in moved if id(t) not in was),
                        )
                    )
    return out


def windows_after(
    parts: DayParts, trips: Sequence[TimedTrip], target: TimedTrip
) -> dict[str, Interval]:
    """The fill windows of the day with those of the runs ``target`` and its truck's later
    trips carry at the smelter each fills at (a run may fill at another source than the
    job's assignment), from when its metal is there with every other fill kept."""
    network = parts.ctx.network
    truck_id, first = target.runs[0].truck_id, target.runs[0].fill_start
    runs = [r for t in trips for r in t.runs]
    windows = dict(parts.ctx.fills)
    for r in runs:
        if r.truck_id != truck_id or r.fill_start < first:
            continue
        source = next((s for s in r.job.sources if s.smelter_id == r.smelter_id), None)
        others = [x for x in runs if x is not r]
        found = (
            None
            if source is None
            else assignment_at(network, r.job, source, [*parts.fixed, *others])
        )
        if found is not None:
            windows[r.job.job_id] = found.fill
    return windows


def _has_room(network: Network, trip: TimedTrip, job: Job, smelter_id: str) -> bool:
    """Whether ``trip`` fills at ``smelter_id``, near ``job``'s window, on a truck with a
    ladle and payload to spare that holds the job."""
    first = trip.runs[0]
    truck = network.truck_by_id[first.truck_id]
    if first.smelter_id != smelter_id or len(trip.runs) >= truck.ladles:
        return False
    if not job.fits(truck.ladle_t):
        return False
    tonnes = [r.tonnes for r in trip.runs] + [job.tonnes]
    if truck.within_payload(tonnes) < len(tonnes):
        return False
    fills = min(r.fill_start for r in trip.runs)
    pours = max(r.pour_end for r in trip.runs)
    return fills <= job.latest_pour + NEAR_MIN and pours + NEAR_MIN >= job.earliest_pour


def _retimed(
    base: tuple[dict[str, TruckState], BayBook],
    ctx: ScheduleContext,
    trips: Sequence[TimedTrip],
    target: TimedTrip,
    jobs: tuple[Job, ...],
    not_before: int,
) -> list[TimedTrip] | None:
    """``trips`` with ``target`` timed again carrying ``jobs`` and its truck's later trips
    timed after it, none earlier than planned; ``None`` when a job would be left off.

    ``base``: each truck at the start of its day, and the fill bays with every fill of
    ``trips`` (and the kept runs) booked; neither is modified."""
    truck_id = target.runs[0].truck_id
    start = base[0].get(truck_id)
    if start is None:
        return None
    bays = BayBook(base[1].bays, {k: list(v) for k, v in base[1].booked.items()})
    for trip in trips:
        if trip.runs[0].truck_id == truck_id:
            for r in trip.runs:
                bays.booked[r.smelter_id].remove((r.fill_start, r.fill_end))
    # never earlier than planned: the ladle pass may have delayed the trip on purpose
    earliest = max(not_before, min(r.fill_start for r in target.runs))
    where = target.runs[0].smelter_id
    return retime_truck(ctx, copy.copy(start), bays, trips, target, (where, jobs, earliest))


def retime_truck(
    ctx: ScheduleContext,
    state: TruckState,
    bays: BayBook,
    trips: Sequence[TimedTrip],
    target: TimedTrip,
    first: tuple[str, tuple[Job, ...], int],
) -> list[TimedTrip] | None:
    """``trips`` with ``target`` timed again and its truck's later trips after it.

    Parameters
    ----------
    ctx : ScheduleContext
        Network, travel, production release and fill windows.
    state : TruckState
        The truck at the start of its day; modified (its earlier trips are committed).
    bays : BayBook
        The fill bays with every other truck's fills booked and none of this truck's;
        modified.
    trips : sequence of TimedTrip
        The day's trips, ``target`` among them.
    target : TimedTrip
        The trip to time again.
    first : (str, tuple of Job, int)
        Where ``target`` fills now, the ladles it carries in pour order, and the earliest
        fill start, min of the day.

    Returns
    -------
    list of TimedTrip or None
        ``trips`` with the truck's trips from ``target`` on timed again (each later one at
        its own smelter, none earlier than planned nor than ``target``'s earliest start);
        ``None`` when a job would be left off.
    """
    truck_id = target.runs[0].truck_id
    own = sorted(
        (t for t in trips if t.runs[0].truck_id == truck_id), key=lambda t: t.runs[0].fill_start
    )
    k = next(i for i, t in enumerate(own) if t is target)
    for trip in own[:k]:
        commit_trip(state, trip, bays)
    where, todo, not_before = first
    new: dict[int, TimedTrip] = {}
    for position, trip in enumerate(own[k:]):
        runs = trip.runs
        state.trips = runs[0].trip - 1
        if position > 0:
            where, todo = runs[0].smelter_id, tuple(r.job for r in runs)
            not_before = max(not_before, min(r.fill_start for r in runs))
        timed, off = time_trip(ctx, state, where, todo, bays, not_before)
        if timed is None or off:
            return None
        commit_trip(state, timed, bays)
        new[id(trip)] = timed
    return [new.get(id(t), t) for t in trips]


def truck_cny(parts: DayParts, trips: Sequence[TimedTrip], truck_id: str) -> float:
    """Route cost and superheat of ``truck_id``'s runs of ``trips``, CNY."""
    network = parts.ctx.network
    runs = [r for t in trips if t.runs[0].truck_id == truck_id for r in t.runs]
    legs = trip_legs(network, parts.ctx.travel, runs, parts.starts)
    return route_totals(legs).route_cost_cny + superheat_cny(network, runs)


def _lining_cny(network: Network, trips: Sequence[TimedTrip], ladles: LadlePlan) -> float:
    """Gas for the heat the ladles' linings take from the metal of ``trips``, CNY."""
    rate = superheat_cost_per_c_t(network.params)
    return sum(
        ladles.uses[key][1] * r.tonnes * rate
        for t in trips
        for r in t.runs
        if (key := (r.truck_id, r.trip, r.job.job_id)) in ladles.uses
    )


def metal_holds(network: Network, trips: Sequence[TimedTrip], parts: DayParts, alloy: str) -> bool:
    """Whether every smelter has the metal of ``alloy`` for its fills, in fill order
    (the stock at opening plus production since, as the checker counts it), kept runs
    included."""
    fills: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in parts.fixed:
        if r.alloy == alloy:
            fills[r.smelter_id].append((float(r.fill_start), r.tonnes))
    for t in trips:
        for run in t.runs:
            if run.alloy == alloy:
                fills[run.smelter_id].append((float(run.fill_start), run.tonnes))
    for smelter_id, mine in fills.items():
        prod = network.production_by_key.get((smelter_id, alloy))
        if prod is None:
            continue
        opens = network.minutes(network.smelter_by_id[smelter_id].open)
        taken = 0.0
        for start, tonnes in sorted(mine):
            taken += tonnes
            if taken > prod.stock_t + prod.rate_tph * (start - opens) / 60.0 + _EPS_T:
                return False
    return True
