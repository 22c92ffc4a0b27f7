"""The dispatcher's plan: the baseline the optimiser must beat.

What an experienced dispatcher does by hand: take orders by deadline, fill
each at the nearest smelter that has the metal (the assignment step), put as many of
the order's ladles on one truck as it carries, and give the trip to the first truck
free (the one idle longest that can still make the window). It obeys every rule the
optimiser obeys, through the same scheduler.
"""

from __future__ import annotations

from collections import defaultdict

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


def greedy_plan(
    ctx: ScheduleContext,
    assignments: tuple[Assignment, ...],
    states: dict[str, TruckState],
    bays: BayBook,
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

    Returns
    -------
    (list of TimedTrip, list of Job)
        The trips in the order they were dispatched, and the jobs no truck could take.
    """
    by_order: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_order[a.job.order_id].append(a)
    orders = sorted(
        by_order.values(), key=lambda group: (group[0].job.latest_pour, group[0].job.order_id)
    )
    trips: list[TimedTrip] = []
    unplaced: list[Job] = []
    for group in orders:
        pending = sorted(group, key=lambda a: a.job.job_id)
        while pending:
            smelter_id = pending[0].source.smelter_id
            same = [a for a in pending if a.source.smelter_id == smelter_id]
            best: tuple[tuple, str, TimedTrip] | None = None
            for truck_id, state in states.items():
                if not pending[0].job.fits(state.truck.ladle_t):
                    continue
                if state.truck.max_trips is not None and state.trips >= state.truck.max_trips:
                    continue  # its trips of the day are made (fleet.csv's max_trips)
                chunk = first_trip(state.truck, [a.job for a in same])
                if not chunk:
                    continue
                trip, _ = time_trip(ctx, state, smelter_id, chunk, bays)
                if trip is None or trip.runs[0].job is not chunk[0]:
                    continue
                # First truck free: the one idle longest; fuller trips first, then the
                # earlier finish among trucks free at the same moment.
                key = (-len(trip.runs), state.ready, trip.end_time, truck_id)
                if best is None or key < best[0]:
                    best = (key, truck_id, trip)
            if best is None:
                unplaced.append(pending.pop(0).job)
                continue
            _, truck_id, trip = best
            commit_trip(states[truck_id], trip, bays)
            trips.append(trip)
            served = {r.job.job_id for r in trip.runs}
            pending = [a for a in pending if a.job.job_id not in served]
    return trips, unplaced
