"""Insertion into a plan under way: new jobs into the trucks' free time, nothing moved.

A re-plan in ``insert`` mode keeps every booked trip exactly where it is (truck, times,
tap temperatures) and fits the jobs still to plan — new orders, changed orders, tonnes
left over — into the *gaps* of each truck's day: before its first trip, between two of
its trips, after its last. A new trip fits a gap when the truck can drive there from
where the gap starts, fill, pour in the window, and still reach the smelter of its next
booked trip by that trip's first fill (or get home by the end of its shift after the
last). Each group of ladles (one order, one smelter, as many as the truck carries) goes
to the gap where it adds the least route cost and superheat; ladles that fit nowhere
are left over. Fill bays, production, hold limits and tap temperatures are the trip
timing's (:mod:`logistics.planning.schedule`), windows the one place's
(:mod:`logistics.planning.windows`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from logistics.network.model import Network, Truck
from logistics.network.prices import managed_drop_penalty_per_t, superheat_cost_per_c_t
from logistics.physics.travel import Travel
from logistics.plan.diff import change_cost
from logistics.plan.timeline import LegRun, route_totals, trip_legs
from logistics.planning.assign import Assignment
from logistics.planning.drop_penalty import is_managed_delivery
from logistics.planning.gap_walk import DayWalked, cannot_fit_day, gap_clock, stays_legal, walk_once
from logistics.planning.jobs import Job, first_trip
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TimedRun,
    TimedTrip,
    TruckState,
    time_trip,
)
from logistics.planning.windows import fill_minutes, pour_minutes

#: Slack of the free-flow tests, minutes: far above float error, far below a minute.
_SLACK_MIN = 1e-3
#: A further test of a timed trip before it is inserted (``True``: it may be).
Accept = Callable[[TimedTrip], bool]
#: How long managed deliveries are still tried once the deadline has passed, s, counted
#: from the deadline or, when the insertion starts later, from its start: leaving one
#: out stops a caster's cells (:mod:`~logistics.planning.drop_penalty`), and trying the
#: day's few dozen takes a fraction of a second (0.1-0.3 s for 27-36 leftovers of the
#: Pearl River Delta's managed days), while a search that overran its budget left them
#: all ``not_planned_in_time`` untried.
MANAGED_GRACE_S = 2.0
#: Trip numbers of inserted trips start above this (the plan renumbers trips in time
#: order when it is assembled).
INSERTED_TRIPS = 1000


@dataclass(frozen=True)
class Block:
    """A trip already in a truck's day (booked, under way or just inserted), in minutes.

    Attributes
    ----------
    first_fill : float
        Its first fill start: the truck must be at ``smelter`` by then.
    smelter : int
        Travel row of its smelter.
    end_time : float
        Its last pour end: the truck is free from then.
    end_location : int
        Travel row of its last caster.
    """

    first_fill: float
    smelter: int
    end_time: float
    end_location: int


@dataclass(frozen=True)
class Gap:
    """Free time of a truck: from where and when it is free to the next trip's smelter.

    ``next_smelter``/``next_fill`` are ``None`` after the truck's last trip (then only
    the end of its shift bounds the gap).
    """

    truck_id: str
    location: int
    ready: int
    next_smelter: int | None
    next_fill: float | None


def truck_blocks(travel: Travel, runs: Sequence[LegRun]) -> dict[str, list[Block]]:
    """The trips of ``runs`` (minutes) as blocks per truck, in time order."""
    trips: dict[tuple[str, int], list[LegRun]] = defaultdict(list)
    for run in runs:
        trips[(run.truck_id, run.trip)].append(run)
    blocks: dict[str, list[Block]] = defaultdict(list)
    for (truck_id, _), mine in trips.items():
        first = min(mine, key=lambda r: r.fill_start)
        last = max(mine, key=lambda r: r.pour_end)
        blocks[truck_id].append(
            Block(
                first.fill_start,
                travel.smelter(first.smelter_id),
                last.pour_end,
                travel.caster(last.caster_id),
            )
        )
    return {t: sorted(b, key=lambda x: x.first_fill) for t, b in blocks.items()}


def truck_gaps(start: TruckState, blocks: Sequence[Block], not_before: int) -> list[Gap]:
    """The gaps of one truck's day.

    Parameters
    ----------
    start : TruckState
        Where and when the truck's day starts (home at shift start, or a truck start).
    blocks : sequence of Block
        Its trips, in time order.
    not_before : int
        No new trip starts filling before this minute (the re-plan's ``now``).

    Returns
    -------
    list of Gap
        One before each trip that leaves room, and one after the last.
    """
    truck_id = start.truck.truck_id
    location, ready = start.location, start.ready
    gaps: list[Gap] = []
    for block in blocks:
        if block.end_time <= start.ready:
            continue  # before the truck's start (a truck start after its runs moves it)
        free_from = max(ready, not_before)
        if free_from < block.first_fill:
            gaps.append(Gap(truck_id, location, free_from, block.smelter, block.first_fill))
        location, ready = block.end_location, max(ready, int(block.end_time + 0.999999))
    gaps.append(Gap(truck_id, location, max(ready, not_before), None, None))
    return gaps


@dataclass
class _TruckDay:
    """One truck's day while jobs are inserted: its start, its trips, its runs."""

    start: TruckState
    blocks: list[Block]
    runs: list[LegRun]
    inserted: int = 0
    #: With driver rules: the day walked once (until a commit).
    walked: DayWalked | None = None
    #: Walks of earlier insertions, per truck (shared by the calls of one repair).
    walks: dict[str, DayWalked] = field(default_factory=dict)


@dataclass(frozen=True)
class Inserted:
    """What insertion placed, and why the rest is left.

    Attributes
    ----------
    trips : list of TimedTrip
        The trips inserted (trip numbers above :data:`INSERTED_TRIPS`).
    left : list of Job
        The jobs left over.
    reasons : dict of str to str
        ``job_id ->`` why it is left: ``fleet`` (no truck has room for it in time),
        ``cost`` (the cheapest room costs more than the ingot route's penalty) or
        ``not_planned_in_time`` (the time ran out before it was tried).
    """

    trips: list[TimedTrip]
    left: list[Job]
    reasons: dict[str, str]


def insert_jobs(
    ctx: ScheduleContext,
    assignments: Sequence[Assignment],
    starts: Mapping[str, TruckState],
    fixed: Sequence[LegRun],
    bays: BayBook,
    *,
    not_before: int,
    route_starts: Mapping[str, tuple[int, float]] | None = None,
    penalty_per_t: float | None = None,
    deadline: float | None = None,
    first_trip: int = INSERTED_TRIPS,
    walks: dict[str, DayWalked] | None = None,
    accept: Accept | None = None,
    managed_until: float | None = None,
) -> Inserted:
    """Fit jobs into the free time of a day whose trips stay where they are.

    Parameters
    ----------
    ctx : ScheduleContext
        Network, travel and the jobs' fill windows.
    assignments : sequence of Assignment
        The jobs to insert, with their smelters.
    starts : mapping of str to TruckState
        Each available truck at the start of its day (home at shift start, or where a
        truck start puts it); trucks left out get nothing.
    fixed : sequence of LegRun
        The runs that stay (under way and booked), minutes.
    bays : BayBook
        Fill bays with the fixed runs' fills booked (modified: new fills are booked).
    not_before : int
        No new fill starts before this minute.
    route_starts : mapping, optional
        ``truck_id -> (travel row, minute)`` of truck starts, for the route cost.
    penalty_per_t : float, optional
        The ingot route's penalty, CNY/t: ladles whose cheapest room costs more
        (:func:`_worth`) than their tonnes' own (:func:`penalty_of`) are left
        (``cost``). ``None`` inserts whatever fits.
    deadline : float, optional
        :func:`time.monotonic` by which insertion stops; the jobs not tried by then
        are left (``not_planned_in_time``).
    first_trip : int
        Trip numbers of inserted trips count on from this (above every trip number in
        ``fixed``, so that each trip keeps its own number until the plan renumbers them).
    walks : dict, optional
        With driver rules: the truck-days walked so far, kept across calls that insert
        into the same runs (filled and read here; a walk of other runs is not used).
    accept : callable, optional
        A further test of a room (:mod:`.ladle_retry`): the cheapest it accepts is taken.
    managed_until : float, optional
        :func:`time.monotonic` until which managed deliveries (tried first) are still
        tried when later than ``deadline``: the pass's one grace (:func:`late_deadline`).

    Returns
    -------
    Inserted
        The trips inserted, the jobs left and why.
    """
    days = _truck_days(ctx.travel, starts, fixed, first_trip, walks)
    pricing = RoutePricing(ctx.network, ctx.travel, dict(route_starts or {}))
    done = Inserted([], [], {})
    late = managed_stop(deadline, managed_until)
    for smelter_id, pending in _groups(ctx.network, assignments):
        stop = late if _is_managed(ctx.network, pending[0]) else deadline
        while pending:
            if stop is not None and time.monotonic() > stop:
                _leave(done, pending, "not_planned_in_time")
                break
            best = _best_insertion(
                ctx, days, smelter_id, pending, bays, not_before, pricing, accept
            )
            if best is None or not _worth(ctx, best[1], best[2], penalty_per_t):
                _leave(done, [pending.pop(0)], "fleet" if best is None else "cost")
                continue
            truck_id, trip, _ = best
            _commit(ctx, days[truck_id], trip, bays)
            done.trips.append(trip)
            pending = _unplaced(pending, trip)
    return done


def _is_managed(network: Network, job: Job) -> bool:
    """Whether ``job`` is a ladle of a managed delivery."""
    return is_managed_delivery(network, job.order_id, job.caster_id, job.alloy)


def _unplaced(pending: list[Job], trip: TimedTrip) -> list[Job]:
    """``pending`` without the jobs ``trip`` carries."""
    placed = {r.job.job_id for r in trip.runs}
    return [j for j in pending if j.job_id not in placed]


def late_deadline(deadline: float | None, grace_s: float) -> float | None:
    """The :func:`time.monotonic` by which managed deliveries are still tried, s:
    ``grace_s`` (s) past ``deadline``, or past now when that is later; ``deadline``
    itself without a grace.

    Taken once per routed pass, when it first tries leftovers past its deadline (a
    re-insertion of the search's timings, else the insertion of its leftovers); every
    later try of the pass (the insertion, the ladle pool's retry) gets the same moment
    (:func:`managed_stop`), so a pass runs at most one grace (and one try under way) past
    its deadline.
    """
    if deadline is None or grace_s <= 0.0:
        return deadline
    return max(deadline, time.monotonic()) + grace_s


def managed_stop(deadline: float | None, managed_until: float | None) -> float | None:
    """The :func:`time.monotonic` by which managed deliveries stop being tried, s: the
    later of ``deadline`` and ``managed_until``; ``None`` (no stop) without a deadline."""
    if deadline is None or managed_until is None:
        return deadline
    return max(deadline, managed_until)


def _worth(
    ctx: ScheduleContext, trip: TimedTrip, added: float, penalty_per_t: float | None
) -> bool:
    """Whether ``trip``, adding ``added`` CNY (and, in a re-plan, the price of moving the
    booked jobs it carries, :func:`move_cny`), costs no more than leaving its ladles out
    (:func:`penalty_of`)."""
    return penalty_per_t is None or added + move_cny(ctx, trip.runs) <= sum(
        penalty_of(ctx, r.job, penalty_per_t) * r.tonnes for r in trip.runs
    )


def penalty_of(ctx: ScheduleContext, job: Job, penalty_per_t: float) -> float:
    """The penalty per tonne of leaving ``job`` out, CNY/t, as in the routing model.

    ``penalty_per_t`` (the ingot route's), or the higher one of a managed delivery
    (:mod:`~logistics.planning.drop_penalty`); a booked job of a re-plan
    (:attr:`~logistics.planning.schedule.ScheduleContext.homes`) pays ``[replan]
    drop_booked_cny_per_t`` on top.
    """
    network = ctx.network
    own = penalty_per_t
    if is_managed_delivery(network, job.order_id, job.caster_id, job.alloy):
        own = max(penalty_per_t, managed_drop_penalty_per_t(network.params))
    if job.job_id in ctx.homes:
        own += network.params.replan.drop_booked_cny_per_t
    return own


@dataclass(frozen=True)
class _Home:
    """A booked job's booked run, as the price of change reads it (pour start, minutes)."""

    order_id: str
    truck_id: str
    pour_start: float
    tonnes: float


def move_cny(ctx: ScheduleContext, runs: Sequence[TimedRun]) -> float:
    """The price of change of delivering the booked jobs among ``runs`` by them, CNY:
    ``[replan] move_truck_cny`` for each on another truck than booked, ``move_time_cny``
    for each on its truck beyond the tolerance (:func:`~logistics.plan.diff.change_cost`);
    0 outside a re-plan."""
    homes = [
        _Home(r.order_id, *ctx.homes[r.job.job_id], r.tonnes)
        for r in runs
        if r.job.job_id in ctx.homes
    ]
    if not homes:
        return 0.0
    return change_cost(homes, list(runs), ctx.network.params.replan).cost_cny


def _truck_days(
    travel: Travel,
    starts: Mapping[str, TruckState],
    fixed: Sequence[LegRun],
    first_trip: int,
    walks: dict[str, DayWalked] | None,
) -> dict[str, _TruckDay]:
    """Each available truck's day: where it starts, its kept trips and runs, the number
    of its first inserted trip, the walks shared with other calls."""
    blocks = truck_blocks(travel, fixed)
    by_truck: dict[str, list[LegRun]] = defaultdict(list)
    for run in fixed:
        by_truck[run.truck_id].append(run)
    shared = walks if walks is not None else {}
    return {
        truck_id: _TruckDay(
            start,
            blocks.get(truck_id, []),
            list(by_truck.get(truck_id, [])),
            inserted=first_trip - INSERTED_TRIPS,
            walks=shared,
        )
        for truck_id, start in starts.items()
    }


def _leave(done: Inserted, jobs: Sequence[Job], reason: str) -> None:
    """Record ``jobs`` as left over for ``reason``."""
    done.left.extend(jobs)
    done.reasons.update(dict.fromkeys((j.job_id for j in jobs), reason))


def _groups(network: Network, assignments: Sequence[Assignment]) -> list[tuple[str, list[Job]]]:
    """Jobs by deadline, grouped per order and smelter (ladles that may travel together);
    managed deliveries first (:mod:`~logistics.planning.drop_penalty`: leaving one out
    costs more), so they are tried before the time runs out."""
    groups: dict[tuple[str, str], list[Job]] = defaultdict(list)

    def rank(a: Assignment) -> tuple[bool, int, str]:
        managed = is_managed_delivery(network, a.job.order_id, a.job.caster_id, a.job.alloy)
        return not managed, a.job.latest_pour, a.job.job_id

    for a in sorted(assignments, key=rank):
        groups[(a.job.order_id, a.source.smelter_id)].append(a.job)
    return [(smelter_id, jobs) for (_, smelter_id), jobs in groups.items()]


@dataclass(frozen=True)
class RoutePricing:
    """What an inserted trip adds to a truck's route cost and superheat, CNY (also the
    re-insertion's, :mod:`.reinsert`).

    Attributes
    ----------
    network : Network
        Fleet and prices.
    travel : Travel
        km and minutes between sites.
    route_starts : dict of str to (int, float)
        ``truck_id -> (travel row, minute)`` of truck starts (:func:`trip_legs`).
    """

    network: Network
    travel: Travel
    route_starts: dict[str, tuple[int, float]]

    def route_cost(self, truck_id: str, runs: Sequence[LegRun]) -> float:
        """Route cost of one truck's runs, CNY (:func:`trip_legs`: km and hours from
        leaving for its first smelter to home after the last pour, waits included)."""
        starts = {truck_id: self.route_starts[truck_id]} if truck_id in self.route_starts else {}
        return route_totals(trip_legs(self.network, self.travel, runs, starts)).route_cost_cny

    def superheat(self, trip: TimedTrip) -> float:
        """Gas for the heat of the trip's taps above each smelter's ``tap_min_c``, CNY."""
        rate = superheat_cost_per_c_t(self.network.params)
        total = 0.0
        for run in trip.runs:
            prod = self.network.production_by_key[(run.smelter_id, run.alloy)]
            total += max(0.0, run.tap_c - prod.tap_min_c) * run.tonnes * rate
        return total


def _best_insertion(
    ctx: ScheduleContext,
    days: dict[str, _TruckDay],
    smelter_id: str,
    pending: list[Job],
    bays: BayBook,
    not_before: int,
    pricing: RoutePricing,
    accept: Accept | None = None,
) -> tuple[str, TimedTrip, float] | None:
    """The truck, timed trip and added cost (CNY) of the cheapest room for the first ladles
    (of the rooms ``accept`` takes, cheapest first, when it is given); rooms are ranked
    with the price of moving the booked jobs they carry (:func:`move_cny`), which the
    returned added cost leaves out."""
    found: list[tuple[tuple[float, int, str], str, TimedTrip, float]] = []
    for truck_id, day in days.items():
        truck = day.start.truck
        if not pending[0].fits(truck.ladle_t):
            continue
        chunk = first_trip(truck, pending)
        if not chunk:
            continue
        before: float | None = None  # the day's route cost, priced once a trip fits
        for gap in truck_gaps(day.start, day.blocks, not_before):
            trip = _trip_in_gap(ctx, gap, truck, day, smelter_id, chunk, bays)
            if trip is None or trip.runs[0].job is not chunk[0]:
                continue
            if before is None:
                before = pricing.route_cost(truck_id, day.runs)
            added = pricing.route_cost(truck_id, [*day.runs, *trip.runs]) - before
            added += pricing.superheat(trip)
            ranked = added + move_cny(ctx, trip.runs)  # as :func:`_worth` judges the room
            found.append(
                ((-len(trip.runs) * 1e9 + ranked, trip.end_time, truck_id), truck_id, trip, added)
            )
    found.sort(key=lambda f: f[0])  # stable: of equal keys the first found, as before
    for _, truck_id, trip, added in found:
        if accept is None or accept(trip):
            return truck_id, trip, added
    return None


def _trip_in_gap(
    ctx: ScheduleContext,
    gap: Gap,
    truck: Truck,
    day: _TruckDay,
    smelter_id: str,
    chunk: tuple[Job, ...],
    bays: BayBook,
) -> TimedTrip | None:
    """The chunk timed as a trip in ``gap``, or ``None`` when it does not fit there."""
    state = TruckState(
        truck=truck, location=gap.location, ready=gap.ready, trips=INSERTED_TRIPS + day.inserted
    )
    if _cannot_fit_gap(ctx, gap, smelter_id, chunk):
        return None
    rules, start = ctx.rules, day.start
    where = (start.location, ctx.travel.sites[start.location].site_id, float(start.ready))
    if rules is not None:  # the driver's counters where the gap starts
        if day.walked is None:
            day.walked = _walked(ctx, day, where)
        state.clock = gap_clock(day.walked, gap.ready)
        rows = (
            gap.location,
            ctx.travel.smelter(smelter_id),
            ctx.travel.smelter(truck.home_smelter),
        )
        if cannot_fit_day(rules, ctx.travel, state.clock, rows, _casters(ctx, chunk)):
            return None
    trip, _ = time_trip(ctx, state, smelter_id, chunk, bays, not_before=gap.ready)
    if trip is None:
        return None
    if gap.next_smelter is not None and gap.next_fill is not None:
        onward = ctx.minutes(trip.end_location, gap.next_smelter, trip.end_time)
        if trip.end_time + onward > gap.next_fill + 1e-9:
            return None
        if day.walked is not None and not stays_legal(day.walked, trip.runs):
            return None  # a trip after it would break a driver rule
    return trip


def _cannot_fit_gap(
    ctx: ScheduleContext, gap: Gap, smelter_id: str, chunk: tuple[Job, ...]
) -> bool:
    """Whether no trip that pours ``chunk[0]`` first fits the gap, by the earliest its first
    fill and pour could be (free-flow driving, no departure drives a leg faster): the
    fill after its window, the pour after its window, or the truck unable to reach the
    next trip's smelter in time from any of the chunk's casters. The timing would find
    none; this test just costs far less."""
    travel, job = ctx.travel, chunk[0]
    s_idx, c_idx = travel.smelter(smelter_id), travel.caster(job.caster_id)
    window = ctx.fill_window(job, smelter_id)
    fill = max(gap.ready + float(travel.minutes[gap.location, s_idx]), float(window.earliest))
    if fill > window.latest + _SLACK_MIN:
        return True
    fill_end = fill + fill_minutes(ctx.network.smelter_by_id[smelter_id])
    pour = max(fill_end + float(travel.minutes[s_idx, c_idx]), float(job.earliest_pour))
    if pour > job.latest_pour + _SLACK_MIN:
        return True
    if gap.next_smelter is None or gap.next_fill is None:
        return False
    end = pour + pour_minutes(ctx.network.caster_by_id[job.caster_id])
    onward = min(float(travel.minutes[travel.caster(j.caster_id), gap.next_smelter]) for j in chunk)
    return end + onward > gap.next_fill + _SLACK_MIN


def _walked(ctx: ScheduleContext, day: _TruckDay, where: tuple[int, str, float]) -> DayWalked:
    """The truck-day walked once (``ctx.rules`` set): an earlier walk of the same runs, or
    a new one (kept for later calls)."""
    truck_id = day.start.truck.truck_id
    kept = day.walks.get(truck_id)
    if kept is not None and kept.walks(where, day.runs):
        return kept
    rules = ctx.rules
    assert rules is not None
    walked = walk_once(rules, ctx.network, ctx.travel, day.start.truck, where, day.runs)
    day.walks[truck_id] = walked
    return walked


def _casters(ctx: ScheduleContext, chunk: tuple[Job, ...]) -> list[int]:
    """Matrix rows of the chunk's casters, in pour order."""
    return [ctx.travel.caster(j.caster_id) for j in chunk]


def _commit(ctx: ScheduleContext, day: _TruckDay, trip: TimedTrip, bays: BayBook) -> None:
    """Book the trip's fills and make it one of the truck's trips."""
    for run in trip.runs:
        bays.book(run.smelter_id, run.fill_start, run.fill_end)
    first: TimedRun = min(trip.runs, key=lambda r: r.fill_start)
    day.blocks.append(
        Block(
            first.fill_start,
            ctx.travel.smelter(first.smelter_id),
            trip.end_time,
            trip.end_location,
        )
    )
    day.blocks.sort(key=lambda b: b.first_fill)
    day.runs.extend(trip.runs)
    day.inserted += 1
    day.walked = None


__all__ = [
    "INSERTED_TRIPS",
    "MANAGED_GRACE_S",
    "Accept",
    "Block",
    "Gap",
    "Inserted",
    "RoutePricing",
    "insert_jobs",
    "late_deadline",
    "managed_stop",
    "truck_blocks",
    "truck_gaps",
]
