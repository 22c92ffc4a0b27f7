"""The truck-day timeline: a truck's trips in order, priced (legs) and timed (segments).

One timeline for everything that reads a truck's day from ladle runs, so no two of them
can disagree: the plan summary, the plan economics and the optimiser's objective price
it (:func:`trip_legs`); the Gantt chart, the fleet chart and the drivers' route sheets
draw it (:func:`truck_segments`). Both group a truck's runs into trips the same way
(:func:`trips_of`: by trip number, trips in order of their first fill, each trip's ladles
in pour order) and start the day at home or where a
:class:`~logistics.network.model.TruckStart` puts the truck.

Legs
----

A truck's day starts at its home smelter and ends there; a
:class:`~logistics.network.model.TruckStart` moves it to another site from a moment on
(the first trip that starts filling after that moment drives from there). Its runs are
grouped into trips by trip number, each trip's ladles poured in ``pour_start`` order:

* **km** of trip *k*: the drive to its smelter (from the start of the day, or from the
  last caster of trip *k − 1*), then smelter → caster → caster …; the last trip also
  drives home;
* **hours** of trip *k*: from the end of trip *k − 1* (its last pour end; for the first
  trip, the first fill start less the drive to the smelter) to its own last pour end,
  plus the drive home for the last trip. A truck's hours are the sum: from leaving for
  its first fill to being home after its last pour, waiting included;
* **cost**: km × the truck's ``cost_per_km`` + hours × its ``cost_per_h``.

Distances and times are those of the travel model, unrounded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from logistics.network.model import Network, TruckStart
from logistics.physics.travel import Travel
from logistics.plan.model import Plan, Run


class LegRun(Protocol):
    """What the leg model reads of a ladle run (times in minutes from the plan origin)."""

    @property
    def truck_id(self) -> str: ...
    @property
    def trip(self) -> int: ...
    @property
    def smelter_id(self) -> str: ...
    @property
    def caster_id(self) -> str: ...
    @property
    def fill_start(self) -> float: ...
    @property
    def pour_start(self) -> float: ...
    @property
    def pour_end(self) -> float: ...


@dataclass(frozen=True)
class MinuteRun:
    """A plan's ladle run with its times in minutes from the plan origin.

    What the leg model reads of a run, and what the planner keeps of a run already under
    way when it re-plans (:func:`minute_run_of`).
    """

    truck_id: str
    trip: int
    order_id: str
    smelter_id: str
    caster_id: str
    alloy: str
    tonnes: float
    fill_start: float
    fill_end: float
    pour_start: float
    pour_end: float
    #: When its trip left the smelter (the drivers' rules read it; ``None``: at the fill end).
    depart: float | None = None


def minute_run_of(network: Network, run: Run) -> MinuteRun:
    """A plan's run in minutes from the plan origin (real elapsed time)."""
    minutes = network.minutes
    return MinuteRun(
        truck_id=run.truck_id,
        trip=run.trip,
        order_id=run.order_id,
        smelter_id=run.smelter_id,
        caster_id=run.caster_id,
        alloy=run.alloy,
        tonnes=run.tonnes,
        fill_start=minutes(run.fill_start),
        fill_end=minutes(run.fill_end),
        pour_start=minutes(run.pour_start),
        pour_end=minutes(run.pour_end),
        depart=minutes(run.depart),
    )


def start_rows(
    network: Network, travel: Travel, truck_starts: Sequence[TruckStart]
) -> dict[str, tuple[int, float]]:
    """``truck_id -> (travel-matrix row, minute)`` of each truck start (for the leg model)."""
    return {
        s.truck_id: (travel.index(s.site_kind, s.site_id), network.minutes(s.at))
        for s in truck_starts
    }


class TripRun(Protocol):
    """What grouping runs into trips reads: truck, trip number, fill and pour starts."""

    @property
    def truck_id(self) -> str: ...
    @property
    def trip(self) -> int: ...
    @property
    def fill_start(self) -> Any: ...
    @property
    def pour_start(self) -> Any: ...


R = TypeVar("R", bound=TripRun)


def trips_of(runs: Iterable[R]) -> dict[str, list[list[R]]]:
    """A plan's runs as each truck's trips: in order of first fill, ladles in pour order.

    Parameters
    ----------
    runs : iterable of LegRun
        Runs with truck, trip number, fill and pour starts (minutes or datetimes).

    Returns
    -------
    dict
        ``truck_id -> [trip, ...]``, each trip a list of its runs by pour start.
    """
    grouped: dict[str, dict[int, list[R]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        grouped[run.truck_id][run.trip].append(run)
    return {
        truck_id: [
            sorted(trip, key=lambda r: (r.pour_start, getattr(r, "run_id", "")))
            for _, trip in sorted(trips.items(), key=lambda kv: min(r.fill_start for r in kv[1]))
        ]
        for truck_id, trips in grouped.items()
    }


@dataclass(frozen=True)
class TripLeg:
    """One trip's driving and its cost.

    Attributes
    ----------
    truck_id, trip, smelter_id : str, int, str
        The trip.
    km : float
        Road km driven for the trip (see the module docstring), km.
    hours : float
        Truck hours of the trip, h.
    cost_cny : float
        ``km × cost_per_km + hours × cost_per_h``, CNY.
    """

    truck_id: str
    trip: int
    smelter_id: str
    km: float
    hours: float
    cost_cny: float


@dataclass(frozen=True)
class RouteTotals:
    """A plan's driving: trucks used, truck-km, truck-hours, route cost (CNY)."""

    trucks_used: int
    truck_km: float
    truck_hours: float
    route_cost_cny: float


def trip_legs(
    network: Network,
    travel: Travel,
    runs: Iterable[LegRun],
    starts: Mapping[str, tuple[int, float]] | None = None,
) -> list[TripLeg]:
    """Price every trip of a plan.

    Parameters
    ----------
    network : Network
        Fleet (home smelters, running costs).
    travel : Travel
        km and minutes between sites.
    runs : iterable of LegRun
        The plan's ladle runs, times in minutes.
    starts : mapping, optional
        ``truck_id -> (travel-matrix row, minute)``: a truck made available at another
        site from a moment on (intraday re-planning, a truck that finished elsewhere).

    Returns
    -------
    list of TripLeg
        By truck id, then trip number.
    """
    starts = starts or {}
    legs: list[TripLeg] = []
    for truck_id, trips in sorted(trips_of(runs).items()):
        truck = network.truck_by_id[truck_id]
        per_km, per_h = network.truck_cost_per_km(truck), network.truck_cost_per_h(truck)
        home = travel.smelter(truck.home_smelter)
        here = home
        moved = starts.get(truck_id)
        free_at: float | None = None
        for k, trip_runs in enumerate(trips):
            number = trip_runs[0].trip
            first_fill = min(r.fill_start for r in trip_runs)
            if moved is not None and moved[1] <= first_fill + 1e-6:
                here, free_at, moved = moved[0], None, None  # the day goes on from there
            smelter_id = min(trip_runs, key=lambda r: r.fill_start).smelter_id
            smelter = travel.smelter(smelter_id)
            km = float(travel.km[here, smelter])
            start = free_at if free_at is not None else first_fill - travel.minutes[here, smelter]
            here = smelter
            for r in trip_runs:
                caster = travel.caster(r.caster_id)
                km += float(travel.km[here, caster])
                here = caster
            end = max(r.pour_end for r in trip_runs)
            free_at = end
            if k == len(trips) - 1:
                km += float(travel.km[here, home])
                end += float(travel.minutes[here, home])
            hours = max(0.0, (end - start) / 60.0)
            legs.append(
                TripLeg(truck_id, number, smelter_id, km, hours, km * per_km + hours * per_h)
            )
    return legs


def route_totals(legs: Iterable[TripLeg]) -> RouteTotals:
    """Sum trip legs into the plan's driving figures (unrounded)."""
    legs = list(legs)
    return RouteTotals(
        trucks_used=len({leg.truck_id for leg in legs}),
        truck_km=sum(leg.km for leg in legs),
        truck_hours=sum(leg.hours for leg in legs),
        route_cost_cny=sum(leg.cost_cny for leg in legs),
    )


# ------------------------------------------------------------------------------ segments
#: A truck's day as timed segments: fill, drive (loaded), pour and return (empty).
#:
#: * **fill**: each ladle's ``fill_start`` → ``fill_end``;
#: * **drive**: loaded from the smelter (``depart``) to the trip's first caster (its
#:   ``arrive``), and from caster to caster within a trip;
#: * **pour**: each ladle's ``pour_start`` → ``pour_end``;
#: * **return**: empty, from the trip's last pour to the next trip's smelter, or home
#:   after the last trip (travel-model minutes), and before the first trip from where the
#:   truck starts its day to the first smelter, ending at the first fill.
#:
#: Waiting (at a smelter for a fill bay, at a caster for the pour window) is the gap
#: between segments.
SEGMENT_KINDS = ("fill", "drive", "pour", "return")


@dataclass(frozen=True)
class Segment:
    """One timed piece of a truck's day.

    Attributes
    ----------
    truck_id : str
        The truck.
    trip : int
        Its trip (the return after trip *k* belongs to trip *k*; the drive to the first
        smelter to trip 1).
    kind : str
        ``fill``, ``drive``, ``pour`` or ``return``.
    start, end : datetime
        Timezone-aware.
    run_id : str or None
        The ladle of a fill or pour, the first ladle delivered by a drive; ``None`` for
        a return.
    origin, destination : str
        Site ids (the same for a fill or pour).
    """

    truck_id: str
    trip: int
    kind: str
    start: datetime
    end: datetime
    run_id: str | None
    origin: str
    destination: str


def _minutes(travel: Travel, a: int, b: int) -> timedelta:
    value = float(travel.minutes[a, b])
    return timedelta(minutes=value if value == value and value != float("inf") else 0.0)


def _known_runs(network: Network, runs: Sequence[Run]) -> list[Run]:
    """The runs whose truck, smelter and caster the network has."""
    return [
        r
        for r in runs
        if r.truck_id in network.truck_by_id
        and r.smelter_id in network.smelter_by_id
        and r.caster_id in network.caster_by_id
    ]


def _fill_segments(truck_id: str, number: int, trip: Sequence[Run]) -> list[Segment]:
    """A trip's fills, in fill order."""
    return [
        Segment(
            truck_id, number, "fill", r.fill_start, r.fill_end, r.run_id, r.smelter_id, r.smelter_id
        )
        for r in sorted(trip, key=lambda r: r.fill_start)
    ]


def _delivery_segments(truck_id: str, number: int, trip: Sequence[Run]) -> list[Segment]:
    """A trip's loaded drives and pours, in pour order (a drive only to a new caster)."""
    segments: list[Segment] = []
    previous: Run | None = None
    for r in trip:
        if previous is None:
            segments.append(
                Segment(
                    truck_id,
                    number,
                    "drive",
                    r.depart,
                    r.arrive,
                    r.run_id,
                    r.smelter_id,
                    r.caster_id,
                )
            )
        elif r.caster_id != previous.caster_id:
            segments.append(
                Segment(
                    truck_id,
                    number,
                    "drive",
                    previous.pour_end,
                    max(previous.pour_end, r.arrive),
                    r.run_id,
                    previous.caster_id,
                    r.caster_id,
                )
            )
        segments.append(
            Segment(
                truck_id,
                number,
                "pour",
                r.pour_start,
                r.pour_end,
                r.run_id,
                r.caster_id,
                r.caster_id,
            )
        )
        previous = r
    return segments


def _truck_day(
    network: Network,
    travel: Travel,
    truck_id: str,
    trips: list[list[Run]],
    start: TruckStart | None,
) -> list[Segment]:
    """One truck's segments, trip by trip: approach, fills, drives and pours, return."""
    truck = network.truck_by_id[truck_id]
    home = travel.smelter(truck.home_smelter)
    here = travel.index(start.site_kind, start.site_id) if start else home
    here_id = start.site_id if start else truck.home_smelter
    segments: list[Segment] = []
    for k, trip in enumerate(trips):
        number = trip[0].trip
        first = min(trip, key=lambda r: r.fill_start)
        smelter = travel.smelter(first.smelter_id)
        if k == 0 and here != smelter:  # from where the day starts to the first smelter
            segments.append(
                Segment(
                    truck_id,
                    number,
                    "return",
                    first.fill_start - _minutes(travel, here, smelter),
                    first.fill_start,
                    None,
                    here_id,
                    first.smelter_id,
                )
            )
        segments += _fill_segments(truck_id, number, trip)
        segments += _delivery_segments(truck_id, number, trip)
        last = trip[-1]
        if k + 1 < len(trips):
            nxt = min(trips[k + 1], key=lambda r: r.fill_start)
            target, target_id = travel.smelter(nxt.smelter_id), nxt.smelter_id
        else:
            target, target_id = home, truck.home_smelter
        segments.append(
            Segment(
                truck_id,
                number,
                "return",
                last.pour_end,
                last.pour_end + _minutes(travel, travel.caster(last.caster_id), target),
                None,
                last.caster_id,
                target_id,
            )
        )
    return segments


def truck_segments(
    network: Network,
    travel: Travel,
    runs: Sequence[Run],
    truck_starts: Sequence[TruckStart] = (),
) -> list[Segment]:
    """Every truck's segments, by truck id then time.

    Parameters
    ----------
    network : Network
        Fleet (home smelters) and sites.
    travel : Travel
        The network's travel model.
    runs : sequence of Run
        The plan's runs (trucks or sites the network lacks are skipped).
    truck_starts : sequence of TruckStart
        Trucks that start their day elsewhere than at home.

    Returns
    -------
    list of Segment
    """
    starts = {s.truck_id: s for s in truck_starts}
    segments: list[Segment] = []
    for truck_id, trips in sorted(trips_of(_known_runs(network, runs)).items()):
        segments += _truck_day(network, travel, truck_id, trips, starts.get(truck_id))
    segments.sort(key=lambda s: (s.truck_id, s.start, SEGMENT_KINDS.index(s.kind)))
    return segments


def plan_segments(network: Network, plan: Plan, travel: Travel) -> list[Segment]:
    """:func:`truck_segments` of a plan's runs and truck starts."""
    return truck_segments(network, travel, plan.runs, plan.truck_starts)


def busy_intervals(segments: Iterable[Segment]) -> dict[str, list[tuple[datetime, datetime]]]:
    """Per truck, the spans of its trips: from its first segment to its last, per trip.

    A truck is busy from leaving for a trip's smelter (or its first fill) to the end of
    the drive after the trip's last pour, waiting included.
    """
    spans: dict[tuple[str, int], list[datetime]] = {}
    for s in segments:
        span = spans.setdefault((s.truck_id, s.trip), [s.start, s.end])
        span[0] = min(span[0], s.start)
        span[1] = max(span[1], s.end)
    out: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for (truck, _), (a, b) in sorted(spans.items()):
        out[truck].append((a, b))
    return dict(out)
