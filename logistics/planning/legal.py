"""The finished day under the drivers' rules: its rests, and the trips that must go.

Every trip is timed with the rules (:mod:`.schedule`), but the repair inserts trips into
gaps of a truck's day, which changes the driving of the trips after them. So the whole
day is walked once more, truck by truck, kept runs and new trips in time order
(:func:`logistics.planning.drivers.walk_day`): a new trip that breaks a rule is dropped
(its ladles unserved as ``driver_hours``), never a run under way; the walk's rests and
handovers are the plan's ``breaks``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from logistics.plan.timeline import MinuteRun
from logistics.planning.drivers import DriverStop, TripStops, trip_stops, walk_day, walk_runs
from logistics.planning.jobs import Job
from logistics.planning.schedule import ScheduleContext, TimedTrip, TruckState


@dataclass(frozen=True)
class LegalDay:
    """The trips that stay, the jobs of those dropped, and the drivers' stops."""

    trips: list[TimedTrip]
    dropped: list[Job]
    stops: tuple[DriverStop, ...]


def legal_day(
    ctx: ScheduleContext,
    trips: Sequence[TimedTrip],
    fixed: Sequence[MinuteRun],
    starts: Mapping[str, tuple[int, float]],
) -> LegalDay:
    """Walk every truck's day with the driver rules (``ctx.rules`` must be set).

    Parameters
    ----------
    ctx : ScheduleContext
        Network, travel and the rules.
    trips : sequence of TimedTrip
        The new trips of the plan.
    fixed : sequence of MinuteRun
        Runs kept as they are (under way; in ``insert`` mode the booked ones too).
    starts : mapping of str to (int, float)
        ``truck_id -> (travel-matrix row, minute)`` of trucks that start elsewhere.

    Returns
    -------
    LegalDay
    """
    rules = ctx.rules
    assert rules is not None
    network, travel = ctx.network, ctx.travel
    days: dict[str, list[tuple[TripStops, TimedTrip | None]]] = defaultdict(list)
    kept: dict[tuple[str, int], list[MinuteRun]] = defaultdict(list)
    for run in fixed:
        kept[(run.truck_id, run.trip)].append(run)
    for (truck_id, _), runs in kept.items():
        days[truck_id].append((trip_stops(runs), None))
    for trip in trips:
        days[trip.runs[0].truck_id].append((trip_stops(trip.runs), trip))
    stays: list[TimedTrip] = []
    dropped: list[Job] = []
    stops: list[DriverStop] = []
    for truck_id, day in sorted(days.items()):
        truck = network.truck_by_id[truck_id]
        day.sort(key=lambda item: item[0].first_fill)
        home = travel.smelter(truck.home_smelter)
        start = (home, truck.home_smelter, float(network.minutes(truck.shift_start)))
        moved = None
        if truck_id in starts:
            row, minute = starts[truck_id]
            moved = (row, travel.sites[row].site_id, minute)
        walked = walk_day(
            rules,
            network,
            travel,
            truck,
            start,
            [s for s, _ in day],
            [t is None for _, t in day],
            moved,
        )
        stops += walked.stops
        for k, (_, timed) in enumerate(day):
            if timed is None:
                continue
            if k in walked.dropped:
                dropped += [r.job for r in timed.runs]
            else:
                stays.append(timed)
    return LegalDay(stays, dropped, tuple(stops))


def fixed_clocks(
    ctx: ScheduleContext, states: Mapping[str, TruckState], fixed: Sequence[MinuteRun]
) -> None:
    """Give each truck with runs under way its driver's counters after them (a re-plan
    times the rest of the day from there). Nothing without driver rules."""
    rules = ctx.rules
    if rules is None or not fixed:
        return
    by_truck: dict[str, list[MinuteRun]] = defaultdict(list)
    for run in fixed:
        by_truck[run.truck_id].append(run)
    for truck_id, runs in by_truck.items():
        state = states.get(truck_id)
        if state is None:
            continue
        truck = state.truck
        home = ctx.travel.smelter(truck.home_smelter)
        start = (home, truck.home_smelter, float(ctx.network.minutes(truck.shift_start)))
        walked = walk_runs(rules, ctx.network, ctx.travel, truck, start, runs, fixed=True)
        state.clock = walked.clock
