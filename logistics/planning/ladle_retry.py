"""The second try of the leftovers with a ladle pool: room only where a ladle is there.

Without a pool the jobs the first insertion left as ``fleet`` (no truck has room for it
in time) or ``cost`` are tried again at every source before the plan is finished
(:mod:`.leftovers`). With a pool that try would see trucks, not ladles: the ladle pass
(:mod:`.ladles`) then takes off the runs no ladle of the pool can be ready for, and moves
trips later where one would be ready a little later (:mod:`.ladle_delay`), so trucks
found busy may be free after all and rooms found may have no ladle. So with a pool the
second try comes after the pass, on the final plan: managed deliveries first (whose
absence stops a caster's cells), then each job whose run the pass took off for want of a
ladle (``ladles``: it had a truck, so it is the likeliest to find room again before the
deadline), then each ``cost`` job, then each ``fleet`` job, is
tried at each of its sources, nearest first, with the metal the plan leaves
(:func:`~.leftovers.assignment_at`), in the trucks' free time
(:func:`~.insert.insert_jobs`), and a room found is taken only when

* the ladle pass run on the plan with the new trip gives the new run a ladle of its
  smelter's pool (hot, or preheated on a free burner stand before its fill, cleaned when
  due, with fills left) and every run of the plan the ladle it had a ladle for still;
* with ``[drivers]``, the truck's day with the new trip still walks legally
  (:mod:`.legal`).

Of the rooms that pass, the cheapest is taken (as :func:`~.insert.insert_jobs` ranks
them), and only when it costs less than the ingot route. A room turned down because no
ladle was ready is tried later, from the first moment a burner stand of the smelter is
free for a preheat before the fill (or the pass would have a ladle back), at most
:data:`MAX_LATER` times per source. The final ladle plan and the drivers' stops are
those of the plan with every trip taken; the trips taken are numbered above every trip
of the plan, those of the runs the pass left without a ladle included (the pass knows a
run by its truck, trip and job: a ladle tried again on its truck under the old trip's
number would be taken off with the old run). Then the ladles of one order still left for
``cost`` are tried two to a trip (:data:`PAIRS`): a lone ladle pays its drive alone, two
share it. A network without a ladle pool is never tried here, so its plan is unchanged.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from logistics.network.ladles import LadleParams
from logistics.network.model import Network
from logistics.planning.assign import Assignment
from logistics.planning.drivers import DriverStop
from logistics.planning.drop_penalty import is_managed_delivery
from logistics.planning.gap_walk import DayWalked
from logistics.planning.insert import INSERTED_TRIPS, insert_jobs, managed_stop
from logistics.planning.jobs import Job
from logistics.planning.ladle_delay import DayParts
from logistics.planning.ladles import LadlePlan, LadleReplay
from logistics.planning.leftovers import PlacedRun, assignment_at
from logistics.planning.legal import legal_day
from logistics.planning.schedule import BayBook, TimedTrip, TruckState
from logistics.planning.trip_limit import has_trip_left

#: The reasons retried here: those :mod:`.leftovers` retries without a pool, and the
#: runs the ladle pass took off (a ladle may be free at another source, or later).
_RETRIED = ("fleet", "cost", "ladles")
#: The order they are tried in, by reason (see :func:`retry_with_pool`).
ORDER = ("ladles", "cost", "fleet")
#: Later fills tried per source after a room found no ladle ready (each from the first
#: moment a burner stand, or the ladle the pass would wait for, is free).
MAX_LATER = 4
#: Ladles of one order left for ``cost`` are tried again two to a trip; ``False`` skips
#: that (for comparisons).
PAIRS = True


@dataclass(frozen=True)
class Pooled:
    """The plan after the retry with the pool.

    Attributes
    ----------
    trips : list of TimedTrip
        The plan's trips, the new ones included.
    left : list of Job
        The jobs still left.
    reasons : dict of str to str
        Why each is left.
    stops : tuple of DriverStop
        The drivers' rests and handovers of the trips.
    ladles : LadlePlan
        The ladle pass on the trips.
    """

    trips: list[TimedTrip]
    left: list[Job]
    reasons: dict[str, str]
    stops: tuple[DriverStop, ...]
    ladles: LadlePlan


@dataclass
class _WithPool:
    """The test of a room: the plan so far, the ladle plan of the last room taken, and
    the earliest later fill a room turned down for want of a ladle suggests."""

    parts: DayParts
    trips: list[TimedTrip]
    #: The trips the ladle pass was given (with the runs it left without a ladle).
    passed: list[TimedTrip]
    #: Keys of those runs: a room is taken when the pass leaves these, and only these,
    #: without a ladle (so the plan's other runs keep theirs).
    spare: frozenset[tuple[str, int, str]]
    taken: LadlePlan | None = None
    later: int | None = None
    replay: LadleReplay | None = None

    def add(self, trip: TimedTrip) -> None:
        """Make ``trip`` part of the plan the next rooms are tested with."""
        self.trips.append(trip)
        self.passed.append(trip)
        self.replay = None

    def accept(self, trip: TimedTrip) -> bool:
        """Whether ``trip`` added to the plan keeps its truck's ``max_trips`` and gets
        every run a ladle, driven legally."""
        ctx = self.parts.ctx
        if not has_trip_left(ctx.network, trip.runs[0].truck_id, self.trips, self.parts.kept):
            return False
        if self.replay is None:
            self.replay = LadleReplay(ctx.network, ctx.travel, self.passed, self.parts.kept)
        again = self.replay.with_trip(trip, self.spare)
        if {(r.truck_id, r.trip, r.job.job_id) for r in again.dropped} != self.spare:
            self._suggest(again, trip)
            return False
        if ctx.rules is not None:
            truck_id = trip.runs[0].truck_id
            own = [t for t in self.trips if t.runs[0].truck_id == truck_id]
            fixed = [r for r in self.parts.fixed if r.truck_id == truck_id]
            if legal_day(ctx, [*own, trip], fixed, self.parts.starts).dropped:
                return False
        self.taken = again
        return True

    def _suggest(self, plan: LadlePlan, trip: TimedTrip) -> None:
        """Keep the earliest fill after ``trip``'s at which a ladle could be ready for its
        run without taking one another run needs: where a burner stand is free next
        (:func:`later_fill`), or where the pass would have a ladle ready for it."""
        run = trip.runs[0]
        params = self.parts.ctx.network.params.ladles
        moments = [later_fill(plan, run.smelter_id, run.fill_start, params.preheat_stands, params)]
        wait = plan.waits.get((run.truck_id, run.trip, run.job.job_id))
        if wait is not None:
            moments.append(math.ceil(run.fill_start + wait - 1e-9))
        moment = min((m for m in moments if m is not None), default=None)
        if moment is None:
            return
        if moment > run.fill_start and (self.later is None or moment < self.later):
            self.later = moment


def later_fill(
    plan: LadlePlan, smelter_id: str, fill_start: float, stands: int, params: LadleParams
) -> int | None:
    """The first fill after ``fill_start`` that a burner stand of the smelter, free of
    the plan's preheats, could preheat a ladle for.

    Parameters
    ----------
    plan : LadlePlan
        The ladle pass (its preheats, minutes).
    smelter_id : str
        The smelter.
    fill_start : float
        The fill that found no ladle, minutes.
    stands : int
        The smelter's burner stands.
    params : LadleParams
        ``preheat_min``.

    Returns
    -------
    int or None
        Minutes from the plan origin; ``None`` without stands.
    """
    duration = math.ceil(params.preheat_min - 1e-9)
    after = math.floor(fill_start + 1e-9) + 1 - duration
    best = math.inf
    for stand in range(1, stands + 1):
        at = after
        busy = sorted(
            (p.start, p.end)
            for p in plan.preheats
            if (p.smelter_id, p.stand) == (smelter_id, stand)
        )
        for begin, end in busy:
            if end <= at:
                continue
            if begin >= at + duration:
                break
            at = end
        best = min(best, at)
    return None if not math.isfinite(best) else int(best) + duration


def retry_with_pool(
    parts: DayParts,
    pooled: Pooled,
    day_start: tuple[Mapping[str, TruckState], BayBook],
    *,
    not_before: int,
    penalty_per_t: float | None,
    deadline: float | None,
    managed_until: float | None = None,
) -> Pooled:
    """Each ``fleet``, ``cost`` or ``ladles`` job of ``pooled`` tried again with the pool (module
    docstring); managed deliveries first.

    Parameters
    ----------
    parts : DayParts
        The day being planned (its network has a ladle pool).
    pooled : Pooled
        The plan after the ladle pass (and the drivers' walk).
    day_start : (mapping of str to TruckState, BayBook)
        Each available truck at the start of its day, and the fill bays with the kept
        runs' fills booked (modified: every fill of the plan is booked).
    not_before : int
        No new fill starts before this minute.
    penalty_per_t : float, optional
        The ingot route's penalty, CNY/t: a room costing more is not taken.
    deadline : float, optional
        :func:`time.monotonic` by which trying stops: the ``fleet`` jobs not tried by
        then are left ``not_planned_in_time`` (``fleet`` claims that no truck of the
        final plan has room, which only a try on it can say), the ``cost`` jobs ``cost``.
    managed_until : float, optional
        :func:`time.monotonic` until which managed deliveries are still tried when later
        than ``deadline``: the same moment the pass's insertion of its leftovers had
        (:func:`~.insert.late_deadline`, computed once per pass), not a fresh grace.

    Returns
    -------
    Pooled
        The plan with the trips taken, its ladle plan and stops.
    """
    fleet = [j for j in pooled.left if pooled.reasons.get(j.job_id) in _RETRIED]
    if not fleet or not parts.ctx.network.ladles:
        return pooled
    spare = frozenset((r.truck_id, r.trip, r.job.job_id) for r in pooled.ladles.dropped)
    test = _WithPool(parts, list(pooled.trips), list(pooled.ladles.passed), spare)
    tries = _Tries(parts, test, day_start, not_before, penalty_per_t, [*parts.fixed])
    for trip in test.trips:
        tries.add(trip, book=True)
    ladles, reasons, added = pooled.ladles, dict(pooled.reasons), 0
    failed: dict[tuple[Job, object, str], str] = {}
    network = parts.ctx.network
    late = managed_stop(deadline, managed_until)
    for job in sorted(fleet, key=lambda j: retry_rank(network, j, reasons[j.job_id])):
        managed = is_managed_delivery(network, job.order_id, job.caster_id, job.alloy)
        stop = late if managed else deadline
        if stop is not None and time.monotonic() > stop:
            if reasons[job.job_id] == "fleet":  # a claim about the final plan, not tried
                reasons[job.job_id] = "not_planned_in_time"
            continue
        home = parts.ctx.homes.get(job.job_id)
        alike = (replace(job, job_id=""), home, reasons[job.job_id])
        if alike in failed:  # a ladle like one that found no room in the same plan
            reasons[job.job_id] = failed[alike]
            continue
        new, reason = tries.room(job, reasons[job.job_id])
        if new is not None and test.taken is not None:
            tries.add(new, book=False)
            ladles, added = test.taken, added + 1
            reasons.pop(job.job_id, None)
            failed.clear()
            continue
        failed[alike] = reasons[job.job_id] = reason
    taken, paired = _pairs_tried(tries, fleet, reasons, deadline)
    ladles, added = taken if taken is not None else ladles, added + paired
    if not added:
        return Pooled(pooled.trips, pooled.left, reasons, pooled.stops, pooled.ladles)
    left = _still_left(pooled.left, ladles, test.trips, reasons)
    stops = _stops(parts, test.trips, pooled.stops)
    return Pooled(list(ladles.trips), left, reasons, stops, ladles)


def _still_left(
    left: Sequence[Job], ladles: LadlePlan, taken: Sequence[TimedTrip], reasons: dict[str, str]
) -> list[Job]:
    """The jobs of ``left`` the final ladle plan does not carry; one of the trips
    ``taken`` that the plan took off again stays left for ``ladles`` (in ``reasons``)."""
    served = {r.job.job_id for t in ladles.trips for r in t.runs}
    tried = {r.job.job_id for t in taken for r in t.runs}
    still = [j for j in left if j.job_id not in served]
    reasons.update({j.job_id: "ladles" for j in still if j.job_id in tried})
    return still


def _pairs_tried(
    tries: _Tries, fleet: Sequence[Job], reasons: dict[str, str], deadline: float | None
) -> tuple[LadlePlan | None, int]:
    """Ladles of one order left for ``cost`` tried two to a trip (:data:`PAIRS`) until
    ``deadline``; ``reasons`` loses the jobs placed. Returns the last ladle plan taken
    (``None`` if none) and how many trips were added."""
    taken: LadlePlan | None = None
    added = 0
    for group in _siblings(fleet, reasons) if PAIRS else ():
        if deadline is not None and time.monotonic() > deadline:
            break
        new = tries.room_of(group)
        if new is not None and tries.test.taken is not None:
            tries.add(new, book=False)
            taken, added = tries.test.taken, added + 1
            for run in new.runs:
                reasons.pop(run.job.job_id, None)
    return taken, added


def retry_rank(
    network: Network, job: Job, reason: str, order: Sequence[str] = ORDER
) -> tuple[bool, int, int, str]:
    """The order leftover jobs are tried again in (here, and in free slots by
    :mod:`.topup`): managed deliveries first (leaving one out stops a caster's cells,
    :mod:`~.drop_penalty`), then by reason (its place in ``order``, :data:`ORDER`
    here), deadline and id. Without managed deliveries, the order of reason, deadline
    and id.

    Parameters
    ----------
    network : Network
        The network (its managed furnaces).
    job : Job
        A job left over.
    reason : str
        Why it is left (one of ``order``).
    order : sequence of str
        The reasons in the order they are tried.

    Returns
    -------
    tuple
        The sort key: not managed, the reason's place, the latest pour (min), the id.
    """
    managed = is_managed_delivery(network, job.order_id, job.caster_id, job.alloy)
    return not managed, list(order).index(reason), job.latest_pour, job.job_id


@dataclass
class _Tries:
    """Trying one job at each of its sources, later where a ladle would be ready later."""

    parts: DayParts
    test: _WithPool
    day_start: tuple[Mapping[str, TruckState], BayBook]
    not_before: int
    penalty_per_t: float | None
    placed: list[PlacedRun]
    walks: dict[str, DayWalked] = field(default_factory=dict)

    def add(self, trip: TimedTrip, *, book: bool) -> None:
        """Make ``trip`` part of the plan (``book``: its fills into the bays; insertion
        books those of the trips it makes)."""
        if book:
            for run in trip.runs:
                self.day_start[1].book(run.smelter_id, run.fill_start, run.fill_end)
        else:
            self.test.add(trip)
        self.placed.extend(trip.runs)

    def first_trip(self) -> int:
        """The number the trips inserted next count on from: above every trip of the plan,
        those of the runs the ladle pass left without a ladle included.

        A run is known to the pass by its truck, trip and job; a job tried again on the
        truck it lost its ladle on, under the number of that trip, would be taken off
        with the run that had none (and so be neither carried nor left)."""
        runs = [*self.placed, *(r for t in self.test.passed for r in t.runs)]
        return max(INSERTED_TRIPS, max((r.trip for r in runs), default=0) + 1)

    def room(self, job: Job, reason: str) -> tuple[TimedTrip | None, str]:
        """The trip that carries ``job`` from its nearest source with room and a ladle,
        or why none does (``cost`` where some source had room at a higher cost, else
        ``reason``, why it was left)."""
        ctx = self.parts.ctx
        first = self.first_trip()
        for source in sorted(job.sources, key=lambda s: (s.road_km, s.smelter_id)):
            found = assignment_at(ctx.network, job, source, self.placed)
            for _ in range(MAX_LATER + 1):
                if found is None or found.fill.empty:
                    break
                self.test.taken, self.test.later = None, None
                tried = insert_jobs(
                    replace(ctx, fills={**ctx.fills, job.job_id: found.fill}),
                    [found],
                    self.day_start[0],
                    self.placed,
                    self.day_start[1],
                    not_before=self.not_before,
                    route_starts=self.parts.starts,
                    penalty_per_t=self.penalty_per_t,
                    first_trip=first,
                    walks=self.walks,
                    accept=self.test.accept,
                )
                if tried.trips:
                    return tried.trips[0], ""
                if tried.reasons.get(job.job_id) == "cost":
                    reason = "cost"
                    break
                later = self.test.later
                found = None if later is None else Assignment(job, source, later)
        return None, reason

    def room_of(self, group: tuple[Job, ...]) -> TimedTrip | None:
        """One trip that carries every job of ``group`` (ladles of one order) from one
        source, with room and a ladle for each and worth their penalties, or ``None``.

        Their metal is released for all of them together; the fill bays are booked only
        for the trip taken."""
        ctx = self.parts.ctx
        first = self.first_trip()
        whole = replace(group[0], tonnes=sum(j.tonnes for j in group))
        for source in sorted(group[0].sources, key=lambda s: (s.road_km, s.smelter_id)):
            found = assignment_at(ctx.network, whole, source, self.placed)
            if found is None or found.fill.empty:
                continue
            own = [_at(j, source.smelter_id, found.release) for j in group]
            if any(a is None or a.fill.empty for a in own):
                continue
            bays = BayBook(
                self.day_start[1].bays, {k: list(v) for k, v in self.day_start[1].booked.items()}
            )
            self.test.taken = None
            tried = insert_jobs(
                replace(ctx, fills={**ctx.fills, **{a.job.job_id: a.fill for a in own if a}}),
                [a for a in own if a is not None],
                self.day_start[0],
                self.placed,
                bays,
                not_before=self.not_before,
                route_starts=self.parts.starts,
                penalty_per_t=self.penalty_per_t,
                first_trip=first,
                walks=self.walks,
                accept=self.test.accept,
            )
            if len(tried.trips) == 1 and len(tried.trips[0].runs) == len(group):
                trip = tried.trips[0]
                for run in trip.runs:
                    self.day_start[1].book(run.smelter_id, run.fill_start, run.fill_end)
                return trip
        return None


def _at(job: Job, smelter_id: str, release: int) -> Assignment | None:
    """``job`` at its source ``smelter_id`` from ``release`` (``None``: not a source)."""
    source = next((s for s in job.sources if s.smelter_id == smelter_id), None)
    return None if source is None else Assignment(job, source, release)


def _siblings(jobs: Sequence[Job], reasons: Mapping[str, str]) -> list[tuple[Job, ...]]:
    """The jobs left for ``cost`` two by two per order, by latest pour: ladles of one
    order whose trip of their own costs more than one ladle's penalty may be worth a trip
    together (their penalties pay for one drive)."""
    by_order: dict[str, list[Job]] = defaultdict(list)
    for job in sorted(jobs, key=lambda j: (j.latest_pour, j.job_id)):
        if reasons.get(job.job_id) == "cost":
            by_order[job.order_id].append(job)
    return [
        tuple(mine[k : k + 2]) for mine in by_order.values() for k in range(0, len(mine) - 1, 2)
    ]


def _stops(
    parts: DayParts, trips: Sequence[TimedTrip], stops: tuple[DriverStop, ...]
) -> tuple[DriverStop, ...]:
    """The drivers' stops of ``trips`` (``stops`` without drivers' rules)."""
    if parts.ctx.rules is None:
        return stops
    return legal_day(parts.ctx, trips, parts.fixed, parts.starts).stops
