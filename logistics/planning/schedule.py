"""Timing of truck trips: fills, drives, pours, fill bays, production and tap temperature.

Both solvers decide *which* jobs go on *which* trip of *which* truck in what order; this
module turns that into minutes, with every rule of a plan that depends on time:

* a trip fills its ladles one after another at one smelter (``fill_min`` each, inside
  each job's fill window — smelter hours, production release, the drive to its pour
  window, all from :mod:`logistics.planning.windows` — in a free fill bay where
  ``fill_bays`` is set), departs when the last ladle is full, and pours at
  its casters in order (``unload_min`` each, inside window and caster hours);
* fills are put off so that the truck waits at the smelter with empty ladles rather than
  at the caster with full ones (shorter holds, cooler taps);
* each ladle is tapped at the lowest temperature in ``[tap_min_c, tap_max_c]`` that still
  arrives at ``min_pour_c + margin_c`` and, with ``[risk] plan_for_risk``, whose
  probability of arriving below ``min_pour_c`` is at most the target
  (:mod:`logistics.planning.taps`); a job that cannot is left off the trip;
* the truck must still get home by the end of its shift;
* with ``[drivers]`` in ``network.toml``, the drivers rest as the rules require
  (:mod:`logistics.planning.drivers`: a rest at the smelter before the fills when the
  loaded legs would take the driver past the continuous limit, breaks at a stop or en
  route where needed, a handover at the smelter), every trip is walked with the rules
  before it is accepted, and no ladle arrives at a caster inside an entry ban (the trip
  leaves later, or the ladle is left off).

A job that cannot be timed on its trip is returned as dropped; the caller decides what
to do with it.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

from logistics.network.model import Network, Truck
from logistics.physics.cooling import temperature_after
from logistics.physics.travel import Travel
from logistics.planning.assign import Assignment
from logistics.planning.drivers import (
    Clock,
    IllegalError,
    Rules,
    Walker,
    loaded_estimate,
    rules_of,
    trip_stops,
    walk_home,
    walk_trip,
)
from logistics.planning.jobs import Job
from logistics.planning.ladle_fit import PoolFit
from logistics.planning.taps import TripTaps
from logistics.planning.windows import Interval, ceil_minutes, fill_minutes, pour_minutes


@dataclass
class TruckState:
    """Where a truck is and from when it is free (minutes), and its trips so far."""

    truck: Truck
    location: int
    ready: int
    trips: int = 0
    #: The driver's counters (``None`` without driver rules).
    clock: Clock | None = None


@dataclass(frozen=True)
class TimedRun:
    """One ladle with its times (minutes from the plan date's midnight) and temperatures."""

    job: Job
    truck_id: str
    trip: int
    smelter_id: str
    fill_start: int
    fill_end: int
    depart: int
    arrive: int
    pour_start: int
    pour_end: int
    tap_c: float
    arrival_c: float
    road_km: float

    @property
    def caster_id(self) -> str:
        """The caster the ladle is poured at."""
        return self.job.caster_id

    @property
    def order_id(self) -> str:
        """The order the ladle delivers."""
        return self.job.order_id

    @property
    def tonnes(self) -> float:
        """Tonnes in the ladle."""
        return self.job.tonnes

    @property
    def alloy(self) -> str:
        """The alloy in the ladle."""
        return self.job.alloy


@dataclass(frozen=True)
class TimedTrip:
    """A trip as it would run: its runs and when the truck is free again, and where."""

    runs: tuple[TimedRun, ...]
    end_location: int
    end_time: int
    #: The driver's counters after the trip (``None`` without driver rules).
    clock: Clock | None = None


@dataclass
class BayBook:
    """Fill intervals booked per smelter, to respect ``fill_bays``.

    Each smelter's intervals are kept sorted (:meth:`book` inserts in order; a caller
    may remove one), so the fills that can overlap a moment are found by bisection:
    those starting less than the smelter's longest fill before it.
    """

    bays: dict[str, int | None]
    booked: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    #: Per smelter, at least the longest fill ever booked, minutes (an upper bound:
    #: removing an interval does not lower it, which only widens the bisection).
    longest: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for smelter_id, intervals in self.booked.items():
            intervals.sort()  # :meth:`overlapping` bisects: fills in start order
            self.longest[smelter_id] = max((e - s for s, e in intervals), default=0)

    def earliest_start(self, smelter_id: str, start: int, duration: int) -> int:
        """Earliest time ≥ ``start`` at which a fill of ``duration`` finds a free bay."""
        limit = self.bays.get(smelter_id)
        if limit is None:
            return start
        t = start
        while True:
            overlapping = self.overlapping(smelter_id, t, t + duration)
            # The busiest moment of [t, t+duration) is at t or at a booked start inside it.
            points = [t] + [s for s, _ in overlapping if s > t]
            ok = True
            for p in points:
                if sum(1 for s, e in overlapping if s <= p < e) >= limit:
                    ok = False
                    break
            if ok:
                return t
            # Move to the next moment a bay frees up.
            t = min(e for s, e in overlapping if e > t)

    def overlapping(self, smelter_id: str, start: int, end: int) -> list[tuple[int, int]]:
        """The booked fills at ``smelter_id`` that overlap ``[start, end)`` (minutes), in
        start order: a bisection of the sorted intervals between ``start`` less the
        longest fill and ``end``."""
        intervals = self.booked.get(smelter_id)
        if not intervals:
            return []
        lo = bisect.bisect_left(intervals, (start - self.longest.get(smelter_id, 0),))
        hi = bisect.bisect_left(intervals, (end,))
        return [(s, e) for s, e in intervals[lo:hi] if e > start]

    def book(self, smelter_id: str, start: int, end: int) -> None:
        """Record a fill."""
        bisect.insort(self.booked.setdefault(smelter_id, []), (start, end))
        self.longest[smelter_id] = max(self.longest.get(smelter_id, 0), end - start)


@dataclass(frozen=True)
class ScheduleContext:
    """What every trip timing needs: network, travel, each job's fill window.

    Attributes
    ----------
    network : Network
        The network.
    travel : Travel
        Its travel matrix.
    fills : dict of str to Interval
        ``job_id ->`` its fill window at its assigned smelter, production release
        included (:attr:`logistics.planning.assign.Assignment.fill`).
    homes : dict of str to (str, int)
        Re-planning: ``job_id ->`` the truck and pour start (minutes) of the booked
        run it delivers; the search prices moving it (``[replan]``).
    held : dict of str to (str, int, int)
        Re-optimising: ``job_id ->`` the truck, fill start and pour start (minutes) of
        its run in the plan the search starts from (the insert plan); on that truck the
        job is filled (:func:`schedule_routes`) and poured no earlier, so that routes
        that keep the start's trips keep its times.
    """

    network: Network
    travel: Travel
    fills: dict[str, Interval]
    homes: dict[str, tuple[str, int]] = field(default_factory=dict)
    held: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, network: Network, travel: Travel, assignments: Iterable[Assignment]
    ) -> ScheduleContext:
        """The context of assigned jobs: their fill windows from the assignment."""
        return cls(network, travel, {a.job.job_id: a.fill for a in assignments})

    @cached_property
    def rules(self) -> Rules | None:
        """The network's driver rules (``None`` without ``[drivers]``)."""
        return rules_of(self.network)

    @cached_property
    def pool_fit(self) -> PoolFit:
        """Which trucks each smelter's ladle pool can serve (:mod:`.ladle_fit`)."""
        return PoolFit.of(self.network.ladles)

    def minutes(self, a: int, b: int, depart: float) -> int:
        """Driving minutes between matrix rows leaving at ``depart`` (plan minutes, rush
        hours included), rounded up."""
        return 0 if a == b else ceil_minutes(self.travel.leg_minutes(a, b, depart))

    def fill_window(self, job: Job, smelter_id: str) -> Interval:
        """When ``job`` may start filling at ``smelter_id`` (its assignment's window)."""
        window = self.fills.get(job.job_id)
        if window is not None:
            return window
        for source in job.sources:
            if source.smelter_id == smelter_id:
                return source.fill
        return Interval(0, -1)


@dataclass(frozen=True)
class _Fills:
    """A trip's fills: each ladle's ``(start, end)`` and when the truck departs, minutes."""

    times: list[tuple[int, int]]
    depart: int
    #: The driver's walk so far (``None`` without driver rules).
    walker: Walker | None = None


def _time_fills(
    ctx: ScheduleContext,
    state: TruckState,
    smelter_id: str,
    jobs: tuple[Job, ...],
    bays: BayBook,
    not_before: int,
    fill_offset: int,
) -> _Fills | int:
    """Each ladle's fill, one after another from the truck's arrival at the smelter (the
    first ``fill_offset`` later), each in its fill window and at a free fill bay; or the
    position of the first job that cannot be filled."""
    truck = state.truck
    fill_min = fill_minutes(ctx.network.smelter_by_id[smelter_id])
    s_idx = ctx.travel.smelter(smelter_id)
    walker: Walker | None = None
    if ctx.rules is None:
        t = max(state.ready + ctx.minutes(state.location, s_idx, state.ready), not_before)
    else:
        walked = _walk_to_smelter(ctx, ctx.rules, state, smelter_id, jobs)
        if walked is None:
            return 0
        walker, t = walked
        if not_before > t:  # held for a later start, the driver rests (as the walk counts it)
            walker.rest("wait", t, not_before, smelter_id)
        t = max(t, not_before)
    fills: list[tuple[int, int]] = []
    for position, job in enumerate(jobs):
        if not job.fits(truck.ladle_t):
            return position  # the truck's ladles are too small for it
        if not ctx.pool_fit.holds(smelter_id, job.tonnes, truck.tau_h):
            return position  # no ladle of the smelter's pool holds it for this truck
        window = ctx.fill_window(job, smelter_id)
        start = max(t, window.earliest) + (fill_offset if position == 0 else 0)
        start = bays.earliest_start(smelter_id, start, fill_min)
        if start > window.latest:
            return position
        end = start + fill_min
        fills.append((start, end))
        t = end
    return _Fills(fills, depart=t, walker=walker)


def _walk_to_smelter(
    ctx: ScheduleContext, rules: Rules, state: TruckState, smelter_id: str, jobs: tuple[Job, ...]
) -> tuple[Walker, int] | None:
    """The driver's drive to the smelter (with its breaks), a handover there if the
    trip would take the driver past the daily limit, and the earliest first fill: after
    a rest when the loaded legs would take the driver past the continuous limit. None
    when the drive itself is illegal."""
    travel = ctx.travel
    walker = Walker(rules, state.truck.truck_id, state.clock or Clock())
    s_idx = travel.smelter(smelter_id)
    try:
        arrival = walker.leg(
            state.ready, ctx.minutes(state.location, s_idx, state.ready), "", smelter_id
        )
    except IllegalError:
        return None
    casters = [travel.caster(j.caster_id) for j in jobs]
    home = travel.smelter(state.truck.home_smelter)
    loaded, back = loaded_estimate(travel, s_idx, casters, arrival, home)
    today = walker.clock.today
    if rules.handover and today > 0 and today + loaded + back > rules.daily_min:
        walker.handover(arrival, smelter_id)
    if walker.clock.today + _free_flow(travel, [s_idx, *casters, home]) > rules.daily_min:
        return None  # the trip and the drive home cannot fit the day's driving: no timing will
    first = arrival
    if walker.clock.continuous > 0 and walker.clock.continuous + loaded > rules.continuous_min:
        first += rules.break_min
    return walker, math.ceil(first - 1e-9)


def _free_flow(travel: Travel, rows: list[int]) -> float:
    """Free-flow driving minutes along matrix rows: no departure drives them faster."""
    return sum(float(travel.minutes[a, b]) for a, b in pairwise(rows))


def _time_pours(
    ctx: ScheduleContext,
    state: TruckState,
    smelter_id: str,
    jobs: tuple[Job, ...],
    fills: _Fills,
    taps: bool,
) -> TimedTrip | int:
    """The trip's runs: drive from the smelter after the last fill, pour each ladle in
    turn inside its pour window, tapped hot enough for its hold; or the position of the
    first job that cannot be poured (its window missed, no tap hot enough)."""
    network = ctx.network
    truck = state.truck
    ambient = network.params.thermal.ambient_c
    s_idx = ctx.travel.smelter(smelter_id)
    depart = fills.depart
    location, t, site = s_idx, depart, smelter_id
    runs: list[TimedRun] = []
    trip_taps = TripTaps(network, ctx.travel, truck) if taps else None
    for position, job in enumerate(jobs):
        caster = network.caster_by_id[job.caster_id]
        c_idx = ctx.travel.caster(job.caster_id)
        if fills.walker is None:
            arrive = t + ctx.minutes(location, c_idx, t)
        else:
            leg = _leg_to(ctx, fills.walker, (location, site), job.caster_id, t)
            if leg is None:
                return position
            t, arrive = leg
            if position == 0:  # waiting out an entry ban at the smelter: the trip leaves later
                depart = t
        pour_start = max(arrive, job.earliest_pour, _held_pour(ctx, truck.truck_id, job))
        if pour_start > job.latest_pour:
            return position
        prod = network.production_by_key[(smelter_id, job.alloy)]
        fill_start, fill_end = fills.times[position]
        hold_h = (pour_start - fill_end) / 60.0
        tap = (
            trip_taps.tap(job, prod, hold_h, (location, c_idx), t, pour_start)
            if trip_taps is not None
            else prod.tap_max_c
        )
        if tap is None:
            return position
        pour_end = pour_start + pour_minutes(caster)
        runs.append(
            TimedRun(
                job=job,
                truck_id=truck.truck_id,
                trip=state.trips + 1,
                smelter_id=smelter_id,
                fill_start=fill_start,
                fill_end=fill_end,
                depart=depart,
                arrive=arrive,
                pour_start=pour_start,
                pour_end=pour_end,
                tap_c=tap,
                arrival_c=round(temperature_after(tap, hold_h, truck.tau_h, ambient), 1),
                road_km=float(ctx.travel.km[s_idx, c_idx]),
            )
        )
        location, t, site = c_idx, pour_end, job.caster_id
    return TimedTrip(tuple(runs), location, t)


def _held_pour(ctx: ScheduleContext, truck_id: str, job: Job) -> int:
    """The pour start (minutes) the start plan gives a job it has on ``truck_id``
    (:attr:`ScheduleContext.held`): on that truck the ladle is poured no earlier (a
    booked run poured earlier is a run moved, and its ladle may not be ready); 0
    otherwise."""
    held = ctx.held.get(job.job_id)
    return held[2] if held is not None and held[0] == truck_id else 0


#: Entry bans waited out on one leg at most (one after another).
_BAN_TRIES = 4


def _leg_to(
    ctx: ScheduleContext, walker: Walker, origin: tuple[int, str], caster_id: str, leave: int
) -> tuple[int, int] | None:
    """``(leave, arrive)`` of a leg to a caster with the driver's breaks, leaving later
    (waiting where the truck is) while the arrival falls inside an entry ban; None when
    the leg is illegal or the bans cannot be waited out."""
    drivers = ctx.network.params.drivers
    caster = ctx.network.caster_by_id[caster_id]
    c_idx = ctx.travel.caster(caster_id)
    for _ in range(_BAN_TRIES):
        clock, stops = walker.clock, len(walker.stops)
        try:
            arrive = walker.leg(leave, ctx.minutes(origin[0], c_idx, leave), origin[1], caster_id)
        except IllegalError:
            return None
        arrive = math.ceil(arrive - 1e-9)
        here = origin[0] == c_idx  # a second ladle where the truck stands: no arrival
        ban = (
            None
            if here or not drivers
            else drivers.ban_at(caster_id, caster.lat, caster.lon, arrive)
        )
        if ban is None:
            return leave, arrive
        walker.clock = clock
        del walker.stops[stops:]
        leave = math.ceil(leave + ban.window_end(arrive) - arrive - 1e-9)
    return None


def _time_trip(
    ctx: ScheduleContext,
    state: TruckState,
    smelter_id: str,
    jobs: tuple[Job, ...],
    bays: BayBook,
    not_before: int,
    fill_offset: int,
    taps: bool = True,
) -> TimedTrip | int:
    """Time one trip; the trip or the position of the first job that cannot be served.

    With ``taps=False`` the hold limit is not tested (tap and arrival temperatures are
    placeholders): the timing only tells how long the first ladle would wait at its
    caster, i.e. how much later the fills can start. The last job fails when the truck
    could not get home by the end of its shift.
    """
    fills = _time_fills(ctx, state, smelter_id, jobs, bays, not_before, fill_offset)
    if isinstance(fills, int):
        return fills
    trip = _time_pours(ctx, state, smelter_id, jobs, fills, taps)
    if isinstance(trip, int):
        return trip
    truck = state.truck
    home = ctx.travel.smelter(truck.home_smelter)
    back = trip.end_time + ctx.minutes(trip.end_location, home, trip.end_time)
    if back > ctx.network.minutes(truck.shift_end):
        return len(jobs) - 1
    if ctx.rules is not None and taps:  # the untapped first pass only finds the wait
        clock = _walked_clock(ctx, ctx.rules, state, trip)
        if clock is None:
            return len(jobs) - 1
        trip = TimedTrip(trip.runs, trip.end_location, trip.end_time, clock)
    return trip


def _walked_clock(
    ctx: ScheduleContext, rules: Rules, state: TruckState, trip: TimedTrip
) -> Clock | None:
    """The driver's counters after the trip as the day's walk reads it, or None when the
    trip, or the drive home after it, breaks a rule."""
    truck = state.truck
    walker = Walker(rules, truck.truck_id, state.clock or Clock())
    site = _site_id(ctx, state.location)
    try:
        place = walk_trip(
            walker, ctx.travel, truck, (state.location, site, state.ready), trip_stops(trip.runs)
        )
        after = walker.clock
        walk_home(walker, ctx.network, ctx.travel, truck, place)
    except IllegalError:
        return None
    return after


def _site_id(ctx: ScheduleContext, row: int) -> str:
    """The site id of a travel-matrix row (for the drivers' stops)."""
    return ctx.travel.sites[row].site_id


def time_trip(
    ctx: ScheduleContext,
    state: TruckState,
    smelter_id: str,
    jobs: tuple[Job, ...],
    bays: BayBook,
    not_before: int = 0,
    late: bool = True,
) -> tuple[TimedTrip | None, tuple[Job, ...]]:
    """Time a trip as late-filled as its pours allow; leave off jobs that cannot fit.

    Parameters
    ----------
    ctx : ScheduleContext
        Network, travel and production release times.
    state : TruckState
        The truck's position and readiness before the trip.
    smelter_id : str
        Where the trip fills.
    jobs : tuple of Job
        The ladles, in pour order (at most the truck's ``ladles``).
    bays : BayBook
        Fill bays booked so far (not modified).
    not_before : int
        Earliest minute the truck should start filling (planned start).
    late : bool
        Whether the fills move later to meet the pours (default); without, the trip
        fills from ``not_before`` on (a re-plan's start trip: as the start fills it, its
        bays not taken from the trips after it).

    Returns
    -------
    (TimedTrip or None, tuple of Job)
        The timed trip (``None`` if no job fits) and the jobs left off.
    """
    kept = list(jobs)
    dropped: list[Job] = []
    while kept:
        trip = tuple(kept)
        early = _time_trip(ctx, state, smelter_id, trip, bays, not_before, 0, taps=False)
        if isinstance(early, int):
            dropped.append(kept.pop(early))
            continue
        # Fill as late as the pours allow: the first ladle's wait at its caster is how
        # much later the fills can start without moving any pour.
        result: TimedTrip | int | None = None
        wait = early.runs[0].pour_start - early.runs[0].arrive
        if wait > 0 and late:
            later = _time_trip(ctx, state, smelter_id, trip, bays, not_before, wait)
            if not isinstance(later, int) and all(
                a.pour_start <= b.pour_start for a, b in zip(later.runs, early.runs, strict=True)
            ):
                result = later
        if result is None:
            result = _time_trip(ctx, state, smelter_id, trip, bays, not_before, 0)
        if isinstance(result, int) and wait > 0:
            # Filled early the metal cools too long, just in time a bay is taken: try the
            # fill starts in between before leaving a ladle off.
            result = _between(ctx, state, smelter_id, trip, bays, not_before, early) or result
        if isinstance(result, int):
            dropped.append(kept.pop(result))
            continue
        return result, tuple(dropped)
    return None, tuple(dropped)


#: Minutes between the fill starts tried between early and just in time.
_BETWEEN_STEP_MIN = 5
#: At most this many fill starts are tried in between.
_BETWEEN_TRIES = 24


def _between(
    ctx: ScheduleContext,
    state: TruckState,
    smelter_id: str,
    trip: tuple[Job, ...],
    bays: BayBook,
    not_before: int,
    early: TimedTrip,
) -> TimedTrip | None:
    """The trip filled later than earliest and earlier than just in time, or None.

    Fill starts are tried from just before just-in-time back towards the earliest, every
    :data:`_BETWEEN_STEP_MIN` minutes (at most :data:`_BETWEEN_TRIES`); the first whose
    ladles are all hot enough and whose pours are no later than the early timing's wins.
    """
    wait = early.runs[0].pour_start - early.runs[0].arrive
    step = max(_BETWEEN_STEP_MIN, -(-wait // _BETWEEN_TRIES))
    for offset in range(wait - step, 0, -step):
        timed = _time_trip(ctx, state, smelter_id, trip, bays, not_before, offset)
        if not isinstance(timed, int) and all(
            a.pour_start <= b.pour_start for a, b in zip(timed.runs, early.runs, strict=True)
        ):
            return timed
    return None


def misses_fill_window(ctx: ScheduleContext, state: TruckState, smelter_id: str, job: Job) -> bool:
    """Whether no trip of ``state``'s truck filled at ``smelter_id`` can fill ``job``:
    no ladle of the smelter's pool holds it for the truck, or even leaving when it is
    ready and driving straight there (breaks, bays and later fills only delay it) the
    truck reaches the smelter after the job's fill window closes. A trip whose every
    job misses is timed as ``None`` (:func:`time_trip`)."""
    if not ctx.pool_fit.holds(smelter_id, job.tonnes, state.truck.tau_h):
        return True
    window = ctx.fill_window(job, smelter_id)
    s_idx = ctx.travel.smelter(smelter_id)
    arrive = state.ready + ctx.minutes(state.location, s_idx, state.ready)
    return max(arrive, window.earliest) > window.latest


def commit_trip(state: TruckState, trip: TimedTrip, bays: BayBook) -> None:
    """Book the trip's fills and move the truck to the end of the trip."""
    for run in trip.runs:
        bays.book(run.smelter_id, run.fill_start, run.fill_end)
    state.location = trip.end_location
    state.ready = trip.end_time
    state.trips += 1
    if trip.clock is not None:
        state.clock = trip.clock


def initial_states(network: Network, travel: Travel) -> dict[str, TruckState]:
    """Every truck at its home smelter at the start of its shift."""
    clock = None if rules_of(network) is None else Clock()
    return {
        t.truck_id: TruckState(
            truck=t,
            location=travel.smelter(t.home_smelter),
            ready=int(network.minutes(t.shift_start) + 0.999999),
            clock=clock,
        )
        for t in network.fleet
    }


def schedule_routes(
    ctx: ScheduleContext,
    truck_trips: dict[str, list[tuple[str, tuple[Job, ...], int]]],
    states: dict[str, TruckState],
    bays: BayBook,
) -> tuple[list[TimedTrip], list[Job]]:
    """Time optimiser trips in order of planned start across trucks (fair bay booking).

    A trip is timed as early as it can be, except that in a re-optimising re-plan a trip
    carrying jobs on the truck the start plan had them on starts filling no earlier than
    the first of their fills there, and no later to meet its pours
    (:attr:`ScheduleContext.held`): routes that keep the start's trips keep its times.
    The search's routes give earliest times: a booked run poured earlier is a run
    moved, its ladle perhaps not yet ready, and a trip filled earlier or later than the
    start fills it takes the fill bay of another.
    """

    def start(truck_id: str, k: int) -> tuple[int, int]:
        _, jobs, planned = truck_trips[truck_id][k]
        not_before = _held_fill(ctx, truck_id, jobs)
        return max(planned, not_before), not_before

    heap: list[tuple[int, str, int]] = []
    for truck_id, trips in truck_trips.items():
        if trips:
            heapq.heappush(heap, (start(truck_id, 0)[0], truck_id, 0))
    timed: list[TimedTrip] = []
    dropped: list[Job] = []
    while heap:
        _, truck_id, k = heapq.heappop(heap)
        smelter_id, jobs, _planned = truck_trips[truck_id][k]
        state = states[truck_id]
        held = start(truck_id, k)[1]  # a start trip is filled when the start fills it
        trip, left = time_trip(ctx, state, smelter_id, jobs, bays, not_before=held, late=not held)
        dropped.extend(left)
        if trip is not None:
            commit_trip(state, trip, bays)
            timed.append(trip)
        if k + 1 < len(truck_trips[truck_id]):
            heapq.heappush(heap, (start(truck_id, k + 1)[0], truck_id, k + 1))
    return timed, dropped


def _held_fill(ctx: ScheduleContext, truck_id: str, jobs: tuple[Job, ...]) -> int:
    """The first fill start (minutes) of ``jobs`` the start plan has on ``truck_id``
    (:attr:`ScheduleContext.held`); 0 when it has none of them there."""
    fills = [
        held[1]
        for held in (ctx.held.get(j.job_id) for j in jobs)
        if held is not None and held[0] == truck_id
    ]
    return min(fills, default=0)
