"""Re-insertion: jobs the scheduler had to leave off get a trip of their own.

After the optimiser's routes are re-timed, a few ladles may no longer fit their trip
(a fill bay taken, a later release, a hold now too long). Each is offered, with the
other ladles of its order from the same smelter, a new trip on the truck that can
finish it first.
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


def reinsert(
    ctx: ScheduleContext,
    jobs: list[Job],
    assignment_of: dict[str, Assignment],
    states: dict[str, TruckState],
    bays: BayBook,
) -> tuple[list[TimedTrip], list[Job]]:
    """Give jobs the scheduler had to leave off a trip of their own on the truck done first.

    Ladles of one order from one smelter travel together (up to the truck's ladles);
    what does not fit that way is tried ladle by ladle.
    """
    trips: list[TimedTrip] = []
    left: list[Job] = []
    groups: dict[tuple[str, str], list[Job]] = defaultdict(list)
    for job in sorted(jobs, key=lambda j: (j.latest_pour, j.job_id)):
        groups[(job.order_id, assignment_of[job.job_id].source.smelter_id)].append(job)
    for (_, smelter_id), pending in groups.items():
        while pending:
            best = None
            for truck_id, state in states.items():
                if not pending[0].fits(state.truck.ladle_t):
                    continue
                chunk = first_trip(state.truck, pending)
                if not chunk:
                    continue
                trip, _ = time_trip(ctx, state, smelter_id, chunk, bays)
                if trip is None:
                    continue
                key = (-len(trip.runs), trip.end_time)
                if best is None or key < best[0]:
                    best = (key, truck_id, trip)
            if best is None:
                left.append(pending.pop(0))
                continue
            _, truck_id, trip = best
            commit_trip(states[truck_id], trip, bays)
            trips.append(trip)
            placed = {r.job.job_id for r in trip.runs}
            pending = [j for j in pending if j.job_id not in placed]
    return trips, left
