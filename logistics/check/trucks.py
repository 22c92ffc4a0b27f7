"""Rules about trucks and trips: at most ``max_trips`` trips a day, one smelter, at most
``ladles`` ladles and at most ``payload_t`` tonnes of metal per trip, leaving together,
numbered in time order, never two things at once, enough time to drive between stops,
inside the shift.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import pairwise

from logistics.check.context import TIME_TOL_S, CheckContext, CheckRun, count, minutes_text
from logistics.network.model import Truck


def check_trucks(ctx: CheckContext, runs: list[CheckRun]) -> None:
    """Every rule about trips and trucks, truck by truck."""
    by_truck: dict[str, list[CheckRun]] = defaultdict(list)
    for r in runs:
        if r.truck_id in ctx.network.truck_by_id:
            by_truck[r.truck_id].append(r)
    for truck_id, truck_runs in by_truck.items():
        truck = ctx.network.truck_by_id[truck_id]
        trips: dict[int, list[CheckRun]] = defaultdict(list)
        for r in sorted(truck_runs, key=lambda r: (r.fill_start, r.fill_end, r.row)):
            trips[r.trip].append(r)
        for number, trip in trips.items():
            check_trip(ctx, truck, number, trip)
        check_trip_numbering(ctx, truck, trips)
        check_trip_count(ctx, truck, trips)
        check_overlap(ctx, truck_runs)
        simulate_truck(ctx, truck, trips)


def check_trip(ctx: CheckContext, truck: Truck, number: int, trip: list[CheckRun]) -> None:
    """``trip`` is in fill order."""
    name = f"trip {number} of truck {truck.truck_id}"
    smelters = sorted({r.smelter_id for r in trip})
    if len(smelters) > 1:
        first = trip[0].smelter_id
        for r in trip:
            if r.smelter_id != first:
                ctx.add(
                    "trip_smelter",
                    f"{name} fills at {', '.join(smelters)}; a trip fills at one "
                    f"smelter ({first} first)",
                    r,
                )
    if len(trip) > truck.ladles:
        ctx.add(
            "trip_ladles",
            f"{name} carries {len(trip)} ladles ({', '.join(r.run_id for r in trip)}); "
            f"the truck has {count(truck.ladles, 'ladle slot')}",
            trip[-1],
        )
    metal = sum(r.tonnes for r in trip)
    if truck.payload_t is not None and metal > truck.trip_t + 1e-6:
        ctx.add(
            "trip_payload",
            f"{name} carries {metal:g} t of metal ({', '.join(r.run_id for r in trip)}); "
            f"the truck's payload is {truck.payload_t:g} t",
            trip[-1],
        )
    # the trip's departure: the most common one, ties to the earliest-filled run's
    counts = Counter(round(r.depart) for r in trip)
    best = max(counts.values())
    depart = next(r.depart for r in trip if counts[round(r.depart)] == best)
    for r in trip:
        if abs(r.depart - depart) > TIME_TOL_S:
            ctx.add(
                "trip_depart",
                f"departs {ctx.at(r.depart)}, but {name} departs {ctx.at(depart)}; "
                "all ladles of a trip leave together",
                r,
            )
    last_filled = max(trip, key=lambda r: (r.fill_end, r.row))
    if depart < last_filled.fill_end - TIME_TOL_S:
        ctx.add(
            "trip_depart",
            f"{name} departs {ctx.at(depart)} before run {last_filled.run_id} "
            f"finishes filling at {ctx.at(last_filled.fill_end)}",
            last_filled,
        )


def check_trip_count(ctx: CheckContext, truck: Truck, trips: dict[int, list[CheckRun]]) -> None:
    """At most ``max_trips`` trips in the day (fleet.csv; none: no limit)."""
    if truck.max_trips is not None and len(trips) > truck.max_trips:
        ctx.add(
            "trip_count",
            f"truck {truck.truck_id} makes {len(trips)} trips; fleet.csv allows it "
            f"{truck.max_trips} a day (max_trips)",
            trips[max(trips)][0],
        )


def check_trip_numbering(ctx: CheckContext, truck: Truck, trips: dict[int, list[CheckRun]]) -> None:
    numbers = sorted(trips)
    if numbers != list(range(1, len(numbers) + 1)):
        ctx.add(
            "trip_numbering",
            f"truck {truck.truck_id} has trips {', '.join(map(str, numbers))}; trips "
            f"count from 1 without gaps (1..{len(numbers)})",
            truck_id=truck.truck_id,
        )
    for k, k_next in pairwise(numbers):
        last_pour = max(trips[k], key=lambda r: r.pour_end)
        first_fill = trips[k_next][0]
        if last_pour.pour_end > first_fill.fill_start + TIME_TOL_S:
            ctx.add(
                "trip_numbering",
                f"trip {k_next} starts filling at {ctx.at(first_fill.fill_start)} "
                f"before trip {k} ends pouring at {ctx.at(last_pour.pour_end)} "
                f"(run {last_pour.run_id}); trips are numbered in time order",
                first_fill,
            )


def check_overlap(ctx: CheckContext, runs: list[CheckRun]) -> None:
    for what, start, end in (
        ("fill", "fill_start", "fill_end"),
        ("pour", "pour_start", "pour_end"),
    ):
        ordered = sorted(runs, key=lambda r: (getattr(r, start), getattr(r, end), r.row))
        latest: CheckRun | None = None
        for r in ordered:
            if latest is not None and getattr(r, start) < getattr(latest, end) - TIME_TOL_S:
                ctx.add(
                    "truck_overlap",
                    f"{what} {ctx.at(getattr(r, start))}–{ctx.at(getattr(r, end))} "
                    f"overlaps the {what} of run {latest.run_id} "
                    f"({ctx.at(getattr(latest, start))}–{ctx.at(getattr(latest, end))}) "
                    "on the same truck",
                    r,
                )
            if latest is None or getattr(r, end) > getattr(latest, end):
                latest = r


def simulate_truck(ctx: CheckContext, truck: Truck, trips: dict[int, list[CheckRun]]) -> None:
    """Drive the truck through its trips in time order; check travel and shift."""
    shift_start = ctx.seconds(truck.shift_start)
    shift_end = ctx.seconds(truck.shift_end)
    tid = truck.truck_id
    # where the truck is free, and from when; None once its position is unknown
    place: tuple[str, str] | None = ("smelter", truck.home_smelter)
    free_at = shift_start
    first_trip = True
    start = ctx.truck_starts.get(tid)
    relocated = False
    for number in sorted(trips, key=lambda k: (trips[k][0].fill_start, k)):
        trip = [r for r in trips[number] if ctx.known(r)]
        if not trip:
            place = None
            continue
        first = trip[0]
        smelter = first.smelter_id
        if start is not None and start[2] <= first.fill_start + TIME_TOL_S:
            # the truck was made available at a site from a moment (re-planning)
            place, free_at = (start[0], start[1]), max(free_at, start[2])
            start, relocated = None, True
        if first_trip and first.fill_start < shift_start - TIME_TOL_S:
            ctx.add(
                "shift",
                f"first fill starts {ctx.at(first.fill_start)}, before truck {tid}'s "
                f"shift starts at {ctx.at(shift_start)}",
                first,
            )
            place = None  # already reported; do not report the drive as well
        if place is not None:
            need = free_at + ctx.travel_s(*place, "smelter", smelter, free_at)
            if first.fill_start < need - TIME_TOL_S:
                origin = (
                    "where it was made available,"
                    if relocated
                    else "the start of its day at"
                    if first_trip
                    else "the last stop"
                )
                ctx.add(
                    "travel_time",
                    f"trip {number} starts filling at {ctx.at(first.fill_start)}; from "
                    f"{origin} {place[1]} (free {ctx.at(free_at)}) the drive to "
                    f"{smelter} takes {minutes_text(need - free_at)}, so {ctx.at(need)} "
                    "at the earliest",
                    first,
                )
        first_trip = relocated = False
        visits = sorted(trip, key=lambda r: (r.pour_start, r.arrive, r.row))
        prev: CheckRun | None = None
        for r in visits:
            if prev is None:
                ready, site = visits[0].depart, ("smelter", smelter)
                leg = f"departs {smelter} at {ctx.at(ready)}"
            else:
                ready, site = prev.pour_end, ("caster", prev.caster_id)
                leg = f"run {prev.run_id} ends pouring at {prev.caster_id} {ctx.at(ready)}"
            drive = ctx.travel_s(*site, "caster", r.caster_id, ready)
            if r.arrive < ready + drive - TIME_TOL_S:
                ctx.add(
                    "travel_time",
                    f"arrives at {r.caster_id} {ctx.at(r.arrive)}; {leg} and the drive "
                    f"takes {minutes_text(drive)}, so {ctx.at(ready + drive)} at the earliest",
                    r,
                )
            prev = r
        assert prev is not None
        place = ("caster", prev.caster_id)
        free_at = max(r.pour_end for r in trip)
    if place is not None:
        back = free_at + ctx.travel_s(*place, "smelter", truck.home_smelter, free_at)
        if back > shift_end + TIME_TOL_S:
            ctx.add(
                "shift",
                f"last pour ends {ctx.at(free_at)} at {place[1]}; the drive home to "
                f"{truck.home_smelter} ends {ctx.at(back)}, after the shift ends at "
                f"{ctx.at(shift_end)}",
                truck_id=tid,
            )
