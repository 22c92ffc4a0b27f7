"""The dispatcher's plan: the baseline the optimiser must beat.

What an experienced dispatcher does by hand: take orders by deadline, fill
each at the nearest smelter that has the metal (the assignment step), put as many of
the order's ladles on one truck as it carries, and give the trip to the first truck
free (the one idle longest that can still make the window). It obeys every rule the
optimiser obeys, through the same scheduler.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from logistics.planning.assign import Assignment
from logistics.planning.jobs import Job, first_trip
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TimedTrip,
    TruckState,
    commit_trip,
    time_trip,
)
from logistics.planning.windows import Interval, fill_minutes, pour_minutes


@dataclass
class DispatchWork:
    """How much timing the dispatcher's plan did: trips it could have timed (every truck
    able to take the next trip, as a dispatcher checking each one would), trips it
    timed (only those that could still win) and trips it ruled out without timing."""

    considered: int = 0
    timed: int = 0
    #: Trips known without timing to leave their first job off (:class:`_FirstJob`):
    #: timed before, nearly free now, so not counted in :meth:`every_truck_s`.
    ruled_out: int = 0

    def every_truck_s(self, elapsed_s: float) -> float:
        """The plan's time ``elapsed_s`` (s) scaled to what timing every truck able to
        take each trip would have taken, s: the trips timed are nearly all of it, and a
        truck passed over untimed is counted at the average cost of one timed. Before
        such trucks were passed over they were timed too, but a timing that fails on
        its first job costs less than the average, so this is larger than the figure
        the reserve's factors were measured with (Pearl River Delta sample: about
        4.5 s against 1.2 s); the reserve's cap (a share of the limit) then decides,
        so at 60 s the search keeps a few seconds less and the work after it more."""
        return elapsed_s * max(1, self.considered) / max(1, self.timed)


def greedy_plan(
    ctx: ScheduleContext,
    assignments: tuple[Assignment, ...],
    states: dict[str, TruckState],
    bays: BayBook,
    work: DispatchWork | None = None,
) -> tuple[list[TimedTrip], list[Job]]:
    """Dispatch jobs order by order, each chunk to the first truck free.

    Parameters
    ----------
    ctx : ScheduleContext
        Network, travel and release times.
    assignments : tuple of Assignment
        Jobs with their smelters.
    states : dict
        Truck states (modified as trips are committed).
    bays : BayBook
        Fill bays (modified).
    work : DispatchWork, optional
        Counts the trips considered and timed (modified).

    Returns
    -------
    (list of TimedTrip, list of Job)
        The trips in the order they were dispatched, and the jobs no truck could take.
    """
    work = work if work is not None else DispatchWork()
    by_order: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_order[a.job.order_id].append(a)
    orders = sorted(
        by_order.values(), key=lambda group: (group[0].job.latest_pour, group[0].job.order_id)
    )
    trips: list[TimedTrip] = []
    unplaced: list[Job] = []
    fleet = _Fleet.of(ctx, states)
    for group in orders:
        pending = sorted(group, key=lambda a: a.job.job_id)
        while pending:
            smelter_id = pending[0].source.smelter_id
            same = [a for a in pending if a.source.smelter_id == smelter_id]
            best = _first_free(ctx, fleet, smelter_id, [a.job for a in same], bays, work)
            if best is None:
                unplaced.append(pending.pop(0).job)
                continue
            _, truck_id, trip = best
            commit_trip(states[truck_id], trip, bays)
            trips.append(trip)
            served = {r.job.job_id for r in trip.runs}
            pending = [a for a in pending if a.job.job_id not in served]
    return trips, unplaced


@dataclass(frozen=True)
class _Fleet:
    """The trucks as the dispatcher's plan reads them, found once a day.

    Attributes
    ----------
    states : dict of str to TruckState
        Each truck's state (the plan's own, modified as trips are committed).
    shapes : dict of str to (float, int, float)
        ``truck_id ->`` what decides the jobs a trip of it takes first
        (:func:`first_trip`): its ladle size (t), slots and most tonnes a trip (t).
    shift_ends : dict of str to float
        ``truck_id ->`` its shift end, plan minutes.
    """

    states: dict[str, TruckState]
    shapes: dict[str, tuple[float, int, float]]
    shift_ends: dict[str, float]

    @classmethod
    def of(cls, ctx: ScheduleContext, states: dict[str, TruckState]) -> _Fleet:
        """The fleet of ``states``."""
        trucks = {truck_id: state.truck for truck_id, state in states.items()}
        return cls(
            states,
            {k: (t.ladle_t, t.ladles, t.trip_t) for k, t in trucks.items()},
            {k: ctx.network.minutes(t.shift_end) for k, t in trucks.items()},
        )


def _first_free(
    ctx: ScheduleContext,
    fleet: _Fleet,
    smelter_id: str,
    jobs: list[Job],
    bays: BayBook,
    work: DispatchWork,
) -> tuple[tuple, str, TimedTrip] | None:
    """The first truck free for the next trip of ``jobs`` (filled at ``smelter_id``):
    the fullest trip, then the truck idle longest, then the earlier finish; its key,
    truck id and timed trip (``None``: no truck can take the first job).

    A truck is timed only where its trip could still beat the best so far: it carries
    at most the jobs its ladles and payload take (:func:`first_trip`), and among trips
    as full the truck free earlier wins. So the trucks are tried fullest and free
    earliest first, and most are never timed (on the Yangtze River Delta sample day
    2,655 trips timed instead of 9,758), with the same choice as timing every one. A
    truck that cannot serve the first job even at its earliest (:class:`_FirstJob`)
    is passed over untimed: its trip would leave that job off, and such a trip is
    never chosen (the same day: 569 trips timed).
    """
    tried = _candidates(fleet, jobs)
    first = _FirstJob.of(ctx, smelter_id, jobs[0])
    best: tuple[tuple, str, TimedTrip] | None = None
    work.considered += len(tried)
    tried.sort()  # by jobs taken, then ready, then truck id (unique: no chunk compared)
    for most, ready, truck_id, chunk in tried:
        if best is not None and (most, ready) > best[0][:2]:
            break  # sorted: no truck after this one can beat the best either
        state = fleet.states[truck_id]
        if first.missed(state, fleet.shift_ends[truck_id]):
            work.ruled_out += 1
            continue
        work.timed += 1
        trip, _ = time_trip(ctx, state, smelter_id, chunk, bays)
        if trip is None or trip.runs[0].job is not chunk[0]:
            continue
        # First truck free: the one idle longest; fuller trips first, then the
        # earlier finish among trucks free at the same moment.
        key = (-len(trip.runs), ready, trip.end_time, truck_id)
        if best is None or key < best[0]:
            best = (key, truck_id, trip)
    return best


def _candidates(fleet: _Fleet, jobs: list[Job]) -> list[tuple[int, int, str, tuple[Job, ...]]]:
    """Every truck that can take the next trip of ``jobs``: ``(-jobs it takes, ready
    (minutes), truck id, the jobs)``, in the order of the fleet.

    A truck is left out when its ladles cannot hold the first job, its trips of the day
    are made (fleet.csv's ``max_trips``) or it takes no job. Trucks of one shape (ladle
    size, slots, payload) take the same jobs, so :func:`first_trip` runs once a shape.
    """
    chunks: dict[tuple[float, int, float], tuple[Job, ...]] = {}
    tried: list[tuple[int, int, str, tuple[Job, ...]]] = []
    shapes, first = fleet.shapes, jobs[0]
    for truck_id, state in fleet.states.items():
        shape = shapes[truck_id]
        chunk = chunks.get(shape)
        if chunk is None:
            truck = state.truck
            fits = first.fits(truck.ladle_t)  # a truck whose ladles cannot hold it takes none
            chunk = chunks[shape] = first_trip(truck, jobs) if fits else ()
        if not chunk:
            continue
        limit = state.truck.max_trips
        if limit is not None and state.trips >= limit:
            continue  # its trips of the day are made (fleet.csv's max_trips)
        tried.append((-len(chunk), state.ready, truck_id, chunk))
    return tried


#: Minutes the bounds of :class:`_FirstJob` are taken earlier by: the timing rounds each
#: leg's end up to a whole minute, so a bound a hair past it decides nothing.
_ROUNDING = 1e-6


@dataclass(frozen=True)
class _FirstJob:
    """The first job of the next trip, filled at a smelter: what bounds any truck's
    trip of it, found once a trip (matrix rows, fill window, fill and pour minutes)."""

    ctx: ScheduleContext
    job: Job
    smelter_id: str
    rows: tuple[int, int]
    window: Interval
    fill_min: int
    pour_min: int

    @classmethod
    def of(cls, ctx: ScheduleContext, smelter_id: str, job: Job) -> _FirstJob:
        """The job ``job`` filled at ``smelter_id``."""
        network, travel = ctx.network, ctx.travel
        return cls(
            ctx,
            job,
            smelter_id,
            (travel.smelter(smelter_id), travel.caster(job.caster_id)),
            ctx.fill_window(job, smelter_id),
            fill_minutes(network.smelter_by_id[smelter_id]),
            pour_minutes(network.caster_by_id[job.caster_id]),
        )

    def missed(self, state: TruckState, shift_end: float) -> bool:
        """Whether no timing of a trip of ``state``'s truck (its shift ending at
        ``shift_end``, plan minutes) can serve the job first: no ladle of the smelter's
        pool holds it for the truck, or even at its earliest the truck reaches the
        smelter after the job's fill window closes, reaches the caster after the job's
        last pour start, or gets home after its shift ends.

        The earliest is a bound, not a timing: the truck leaves when it is ready, fills
        at once and drives straight on; the drivers' breaks, entry bans, fill bays and
        later fill starts only delay it, and a leg left later never arrives earlier
        (the travel model is first-in first-out). So a truck found here would have its
        trip leave the job off, and such a trip is never chosen.
        """
        ctx, job, travel = self.ctx, self.job, self.ctx.travel
        if not ctx.pool_fit.holds(self.smelter_id, job.tonnes, state.truck.tau_h):
            return True
        s_idx, c_idx = self.rows
        ready = state.ready
        fill = max(ready + ctx.minutes(state.location, s_idx, ready), self.window.earliest)
        if fill > self.window.latest:
            return True
        depart = fill + self.fill_min
        arrive = depart + travel.leg_minutes(s_idx, c_idx, depart) - _ROUNDING
        pour = max(arrive, job.earliest_pour)
        if pour > job.latest_pour:
            return True
        end = pour + self.pour_min
        home = travel.smelter(state.truck.home_smelter)
        return end + travel.leg_minutes(c_idx, home, end) - _ROUNDING > shift_end
