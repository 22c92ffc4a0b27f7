"""Each truck's ``max_trips``: the trips of a day beyond it are left out.

A truck of ``fleet.csv`` may have a most number of trips per day (``max_trips``, e.g. a
vehicle that makes one route a day). The router does not count trips, so the day's
trips are cut after routing: each truck keeps its first ``max_trips`` trips (counting
the trips it has already made or has under way, which are kept), in time order; the
ladles of the later ones are left unserved with reason ``fleet`` (no truck had room for
them). Dropping later trips never moves an earlier one, so the trips kept stay timed as
they were.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from logistics.network.model import Network
from logistics.plan.model import Run
from logistics.planning.jobs import Job
from logistics.planning.schedule import TimedTrip


def within_trip_limits(
    network: Network,
    trips: Sequence[TimedTrip],
    left: Sequence[Job],
    reasons: dict[str, str],
    kept: Sequence[Run] = (),
) -> tuple[list[TimedTrip], list[Job], dict[str, str]]:
    """The trips within each truck's ``max_trips``, the jobs left and why.

    Parameters
    ----------
    network : Network
        Its fleet (``max_trips`` per truck; None: no limit).
    trips : sequence of TimedTrip
        The day's new trips.
    left : sequence of Job
        Jobs already left unserved.
    reasons : dict
        Job id → reason of the jobs left (a copy is returned with the dropped ones).
    kept : sequence of Run
        Runs kept as they were (under way or booked): their trips count.

    Returns
    -------
    (list of TimedTrip, list of Job, dict)
        The trips kept, the jobs left (the dropped trips' ladles added), the reasons.
    """
    limits = {t.truck_id: t.max_trips for t in network.fleet if t.max_trips is not None}
    if not limits:
        return list(trips), list(left), reasons
    used: dict[str, int] = defaultdict(int)
    for truck_id, _ in {(r.truck_id, r.trip) for r in kept}:
        used[truck_id] += 1
    ordered = sorted(trips, key=lambda t: min(r.fill_start for r in t.runs) if t.runs else 0)
    chosen: list[TimedTrip] = []
    dropped = list(left)
    reasons = dict(reasons)
    for trip in ordered:
        truck_id = trip.runs[0].truck_id if trip.runs else ""
        limit = limits.get(truck_id)
        if limit is not None and used[truck_id] >= limit:
            for run in trip.runs:
                dropped.append(run.job)
                reasons[run.job.job_id] = "fleet"
            continue
        used[truck_id] += 1
        chosen.append(trip)
    return chosen, dropped, reasons


def has_trip_left(
    network: Network, truck_id: str, trips: Sequence[TimedTrip], kept: Sequence[Run] = ()
) -> bool:
    """Whether one more trip of ``truck_id`` keeps its ``max_trips``.

    Parameters
    ----------
    network : Network
        Its fleet (``max_trips`` per truck; None: no limit).
    truck_id : str
        The truck of the new trip.
    trips : sequence of TimedTrip
        The day's trips so far (any truck's).
    kept : sequence of Run
        Runs kept as they were (under way or booked): their trips count.

    Returns
    -------
    bool
        True when the truck has no limit or fewer trips than it.
    """
    truck = network.truck_by_id.get(truck_id)
    if truck is None or truck.max_trips is None:
        return True
    made = sum(1 for t in trips if t.runs and t.runs[0].truck_id == truck_id)
    made += len({r.trip for r in kept if r.truck_id == truck_id})
    return made < truck.max_trips
