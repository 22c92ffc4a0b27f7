"""The trip-leg model: truck-km, truck-hours and their cost, from a plan's ladle runs.

One model for every figure that prices driving — the plan summary, the plan economics
and the optimiser's objective — so they can never disagree.

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from logistics.network.model import Network
from logistics.physics.travel import TravelMatrix


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
    """A ladle run reduced to what the leg model needs, times in minutes."""

    truck_id: str
    trip: int
    smelter_id: str
    caster_id: str
    fill_start: float
    pour_start: float
    pour_end: float


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
    travel: TravelMatrix,
    runs: Iterable[LegRun],
    starts: Mapping[str, tuple[int, float]] | None = None,
) -> list[TripLeg]:
    """Price every trip of a plan.

    Parameters
    ----------
    network : Network
        Fleet (home smelters, running costs).
    travel : TravelMatrix
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
    by_truck: dict[str, dict[int, list[LegRun]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        by_truck[run.truck_id][run.trip].append(run)
    legs: list[TripLeg] = []
    for truck_id in sorted(by_truck):
        truck = network.truck_by_id[truck_id]
        per_km, per_h = network.truck_cost_per_km(truck), network.truck_cost_per_h(truck)
        home = travel.smelter(truck.home_smelter)
        here = home
        moved = starts.get(truck_id)
        numbers = sorted(
            by_truck[truck_id], key=lambda n: min(r.fill_start for r in by_truck[truck_id][n])
        )
        free_at: float | None = None
        for k, number in enumerate(numbers):
            trip_runs = sorted(by_truck[truck_id][number], key=lambda r: r.pour_start)
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
            if k == len(numbers) - 1:
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
