"""Drivers' hours in the planner: where a truck's drivers rest, and whether a day is legal.

With ``[drivers]`` in ``network.toml`` (:class:`~logistics.network.driver_rules.DriverParams`)
every truck-day is *walked* leg by leg with one driver's counters (:class:`Clock`:
continuous driving since the last rest, driving today, which driver). The walk is the
one reckoning of a day's rests: the trip timing (:mod:`.schedule`) uses its :func:`leg`
to make room for them, validates every trip with :func:`walk_trip`, and the finished
plan's ``breaks`` are :func:`walk_day`'s, which also drops a trip that the search's
insertions left illegal (never a run already under way).

How a day is read (the same as the checker's, docs/models.md "Drivers' hours"): a truck
leaves a stop when its work there is done — the loaded leg at the trip's departure, a
leg between casters and the drive to the next smelter (or home) at the end of the last
pour, the day's first leg at the shift start — and drives straight on, except for the
breaks taken at the start of a leg (at the stop it leaves) or en route; it then waits at
the next stop until its work starts. Rests are:

* a wait at a smelter (arrival → first fill, last fill → departure) or at a caster
  (arrival → pour) of at least ``min_break_min``;
* a break at the stop a leg leaves, when the leg would take the driver past
  ``max_continuous_driving_h``;
* breaks en route, every ``max_continuous_driving_h`` of a leg longer than that.

A break's minutes are added to the leg: the arrival is the departure plus the breaks
plus the leg's driving time at the departure. That arrival must be no later than the
first pour at the caster nor than the run's own ``arrive`` (the checker reads the leg as
due by then): a trip inserted before a trip already timed can put a break before that
trip's loaded leg, and the later trip's rows must leave room for it. Filling and
pouring are work: neither driving nor rest. The router ignores all this; only the timing
and the walk apply it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from logistics.network.driver_rules import DriverParams
from logistics.network.model import Network, Truck
from logistics.physics.travel import Travel
from logistics.planning.windows import ceil_minutes

#: Kinds of a driver's stop in ``breaks.csv``.
BreakKind = Literal["wait", "break", "en_route", "handover"]


@dataclass(frozen=True)
class Rules:
    """The driver rules in whole minutes."""

    continuous_min: float
    break_min: float
    daily_min: float
    handover: bool

    @classmethod
    def of(cls, params: DriverParams | None) -> Rules | None:
        """The rules of ``[drivers]``, or ``None`` without the table."""
        if params is None:
            return None
        return cls(
            continuous_min=params.max_continuous_driving_h * 60.0,
            break_min=float(math.ceil(params.min_break_min - 1e-9)),
            daily_min=params.max_daily_driving_h * 60.0,
            handover=params.handover_at_smelter,
        )


@dataclass(frozen=True)
class Clock:
    """One driver's counters: driving minutes since the last rest and today, and which
    driver of the truck's day (1, 2, … after handovers)."""

    continuous: float = 0.0
    today: float = 0.0
    driver: int = 1


@dataclass(frozen=True)
class DriverStop:
    """A rest or handover of a truck's driver (minutes from the plan origin)."""

    truck_id: str
    driver: int
    kind: BreakKind
    start: float
    end: float
    where: str


class IllegalError(Exception):
    """A leg the driver cannot legally drive in the time it has."""


@dataclass
class Walker:
    """Walks a truck's legs with the driver's :class:`Clock`, collecting the stops."""

    rules: Rules
    truck_id: str
    clock: Clock = field(default_factory=Clock)
    stops: list[DriverStop] = field(default_factory=list)

    def rest(self, kind: BreakKind, start: float, end: float, where: str) -> None:
        """A rest of ``end - start`` minutes; it resets the continuous count if long enough
        (a wait is listed only after some driving: before, it changes nothing)."""
        if kind == "wait" and self.clock.continuous <= 0:
            return
        if end - start + 1e-9 >= self.rules.break_min:
            self.stops.append(DriverStop(self.truck_id, self.clock.driver, kind, start, end, where))
            self.clock = Clock(0.0, self.clock.today, self.clock.driver)

    def handover(self, at: float, where: str) -> None:
        """A relief driver takes over, rested."""
        self.clock = Clock(0.0, 0.0, self.clock.driver + 1)
        self.stops.append(DriverStop(self.truck_id, self.clock.driver, "handover", at, at, where))

    def leg(self, start: float, drive: float, origin: str, destination: str) -> float:
        """Drive one leg with the breaks the rules require.

        Parameters
        ----------
        start : float
            When the truck leaves ``origin``, minutes from the plan origin.
        drive : float
            Driving minutes of the leg (at ``start``).
        origin, destination : str
            Site ids (where a break at the start is taken; named en route).

        Returns
        -------
        float
            The arrival, minutes: ``start`` + the breaks (one at ``origin`` when the leg
            would take the driver past the continuous limit, one en route every
            continuous limit of a longer leg) + ``drive``.

        Raises
        ------
        IllegalError
            The leg would take the driver past the daily limit.
        """
        if drive <= 0:
            return start
        rules, t = self.rules, start
        if self.clock.today + drive > rules.daily_min + 1e-9:
            raise IllegalError(f"driver {self.clock.driver} would drive more than the daily limit")
        if self.clock.continuous > 0 and self.clock.continuous + drive > rules.continuous_min:
            self.rest("break", t, t + rules.break_min, origin)
            t += rules.break_min
        left, continuous = drive, self.clock.continuous
        while continuous + left > rules.continuous_min + 1e-9:
            part = rules.continuous_min - continuous
            t += part
            left -= part
            self.clock = Clock(0.0, self.clock.today, self.clock.driver)
            self.rest("en_route", t, t + rules.break_min, f"en route to {destination}")
            t += rules.break_min
            continuous = 0.0
        self.clock = Clock(continuous + left, self.clock.today + drive, self.clock.driver)
        return t + left


def rules_of(network: Network) -> Rules | None:
    """The network's driver rules, or ``None`` (no ``[drivers]`` table)."""
    return Rules.of(network.params.drivers)


def drive_minutes(travel: Travel, a: int, b: int, depart: float) -> int:
    """Driving minutes between matrix rows leaving at ``depart``, rounded up (the
    timing's reckoning)."""
    return 0 if a == b else ceil_minutes(travel.leg_minutes(a, b, depart))


@dataclass(frozen=True)
class TripStops:
    """What the walk reads of one trip (minutes from the plan origin)."""

    smelter_id: str
    first_fill: float
    last_fill_end: float
    depart: float
    visits: tuple[tuple[str, float, float], ...]  # (caster, first pour start, last pour end)
    #: Per visit, the ``arrive`` of its first run (``None`` where the runs have none): the
    #: rows promise the truck there by then, so the breaks must leave time for that.
    arrivals: tuple[float | None, ...] = ()

    def due(self, k: int) -> float:
        """When the truck must be at visit ``k``'s caster, minutes: its first pour, or
        its first run's ``arrive`` when that is earlier (the checker reads the leg as due
        by then)."""
        pour_start = self.visits[k][1]
        arrive = self.arrivals[k] if k < len(self.arrivals) else None
        return pour_start if arrive is None else min(pour_start, arrive)


def trip_stops(runs: Iterable[Any]) -> TripStops:
    """A trip's stops from its runs (any objects with the run fields, in minutes)."""
    ordered = sorted(runs, key=lambda r: r.pour_start)
    first_fill = min(r.fill_start for r in ordered)
    last_fill_end = max(r.fill_end for r in ordered)
    departs = [d for d in (getattr(r, "depart", None) for r in ordered) if d is not None]
    depart = max([last_fill_end, *departs])
    visits: list[tuple[str, float, float]] = []
    arrivals: list[float | None] = []
    for r in ordered:
        if visits and visits[-1][0] == r.caster_id:
            caster, start, _ = visits[-1]
            visits[-1] = (caster, start, r.pour_end)
        else:
            visits.append((r.caster_id, r.pour_start, r.pour_end))
            arrivals.append(getattr(r, "arrive", None))
    return TripStops(
        ordered[0].smelter_id, first_fill, last_fill_end, depart, tuple(visits), tuple(arrivals)
    )


def _loaded_minutes(travel: Travel, trip: TripStops, home: int) -> float:
    """Driving of a trip from its smelter through its casters and home (the handover's
    estimate)."""
    here, t, total = travel.smelter(trip.smelter_id), trip.depart, 0.0
    for caster, _start, end in trip.visits:
        c = travel.caster(caster)
        total += drive_minutes(travel, here, c, t)
        here, t = c, end
    return total + drive_minutes(travel, here, home, t)


def walk_trip(
    walker: Walker, travel: Travel, truck: Truck, place: tuple[int, str, float], trip: TripStops
) -> tuple[int, str, float]:
    """Walk one trip: the drive to its smelter, a handover there if needed, its waits and
    loaded legs.

    Parameters
    ----------
    walker : Walker
        The driver's counters and the stops so far (updated).
    travel : Travel
        Driving times.
    truck : Truck
        The truck (its home, for the handover's estimate).
    place : (int, str, float)
        Where the truck is free (matrix row, site id) and from when (minutes).
    trip : TripStops
        The trip's times.

    Returns
    -------
    (int, str, float)
        Where and when the truck is free after the trip (its last caster, last pour end).

    Raises
    ------
    IllegalError
        A leg past the daily limit, or breaks that leave no time to reach a stop (a
        caster by its first pour and by its first run's ``arrive``).
    """
    here, here_id, free = place
    smelter = travel.smelter(trip.smelter_id)
    arrival = walker.leg(free, drive_minutes(travel, here, smelter, free), here_id, trip.smelter_id)
    if arrival > trip.first_fill + 1e-6:
        raise IllegalError(f"the breaks leave no time to reach {trip.smelter_id}")
    home = travel.smelter(truck.home_smelter)
    rules = walker.rules
    today = walker.clock.today
    if (
        rules.handover
        and today > 0
        and today + _loaded_minutes(travel, trip, home) > rules.daily_min
    ):
        walker.handover(arrival, trip.smelter_id)
    walker.rest("wait", arrival, trip.first_fill, trip.smelter_id)
    walker.rest("wait", trip.last_fill_end, trip.depart, trip.smelter_id)
    here, here_id, free = smelter, trip.smelter_id, trip.depart
    for k, (caster, pour_start, pour_end) in enumerate(trip.visits):
        c = travel.caster(caster)
        arrival = walker.leg(free, drive_minutes(travel, here, c, free), here_id, caster)
        if arrival > trip.due(k) + 1e-6:
            raise IllegalError(f"the breaks leave no time to reach {caster} by its arrival")
        walker.rest("wait", arrival, pour_start, caster)
        here, here_id, free = c, caster, pour_end
    return here, here_id, free


def walk_home(
    walker: Walker, network: Network, travel: Travel, truck: Truck, place: tuple[int, str, float]
) -> None:
    """Walk the drive home at the end of the day; raises :class:`IllegalError` when it breaks
    a rule or ends after the shift."""
    here, here_id, free = place
    home = travel.smelter(truck.home_smelter)
    back = walker.leg(free, drive_minutes(travel, here, home, free), here_id, truck.home_smelter)
    if back > network.minutes(truck.shift_end) + 1e-6:
        raise IllegalError("the breaks leave no time to drive home in the shift")


@dataclass(frozen=True)
class DayWalk:
    """A truck-day walked: its drivers' stops and the trips that had to go."""

    stops: tuple[DriverStop, ...]
    dropped: tuple[int, ...]
    #: The driver's counters after the last trip (before the drive home).
    clock: Clock = Clock()


def walk_day(
    rules: Rules,
    network: Network,
    travel: Travel,
    truck: Truck,
    start: tuple[int, str, float],
    trips: Sequence[TripStops],
    fixed: Sequence[bool],
    moved: tuple[int, str, float] | None = None,
) -> DayWalk:
    """Walk a truck's whole day; drop (by position) the trips that cannot be made legal.

    Parameters
    ----------
    rules : Rules
        The driver rules.
    network, travel : Network, Travel
        Shift ends and driving times.
    truck : Truck
        The truck.
    start : (int, str, float)
        Where (matrix row, site id) and from when (minutes) the truck's day starts.
    trips : sequence of TripStops
        Its trips in time order.
    fixed : sequence of bool
        Per trip, whether it is under way (kept even when illegal: it cannot change).
    moved : (int, str, float), optional
        A truck start of a re-plan: from that minute the truck is at that site (the
        first trip filling after it drives from there).

    Returns
    -------
    DayWalk
        The stops of the legal day and the positions of the trips dropped: a trip whose
        legs break a rule, and trips dropped from the end while the drive home does.
    """
    dropped: list[int] = []
    while True:
        walker, place, move = Walker(rules, truck.truck_id), start, moved
        for k, trip in enumerate(trips):
            if k in dropped:
                continue
            if move is not None and move[2] <= trip.first_fill + 1e-6:
                place, move = (move[0], move[1], max(place[2], move[2])), None
            before = (walker.clock, len(walker.stops))
            try:
                place = walk_trip(walker, travel, truck, place, trip)
            except IllegalError:
                if fixed[k]:
                    place = _lenient(walker, travel, trip)
                    continue
                walker.clock, walker.stops = before[0], walker.stops[: before[1]]
                dropped.append(k)
        clock = walker.clock
        try:
            walk_home(walker, network, travel, truck, place)
        except IllegalError:
            last = [k for k in range(len(trips)) if k not in dropped and not fixed[k]]
            if last:
                dropped.append(last[-1])
                continue
        return DayWalk(tuple(walker.stops), tuple(sorted(dropped)), clock)


def _lenient(walker: Walker, travel: Travel, trip: TripStops) -> tuple[int, str, float]:
    """Past a trip under way that breaks a rule: the truck at its last caster, rested."""
    walker.clock = Clock(0.0, walker.clock.today, walker.clock.driver)
    caster = trip.visits[-1][0]
    return travel.caster(caster), caster, trip.visits[-1][2]


def loaded_estimate(
    travel: Travel, smelter: int, casters: Sequence[int], at: float, home: int
) -> tuple[float, float]:
    """Driving minutes of a trip from its smelter through ``casters`` (matrix rows, in
    order), leaving at ``at``, and of the drive home from the last: the timing's
    estimate before the trip is timed."""
    here, loaded = smelter, 0.0
    for c in casters:
        loaded += drive_minutes(travel, here, c, at)
        here = c
    return loaded, drive_minutes(travel, here, home, at)


def walk_runs(
    rules: Rules,
    network: Network,
    travel: Travel,
    truck: Truck,
    start: tuple[int, str, float],
    runs: Iterable[Any],
    *,
    fixed: bool = False,
) -> DayWalk:
    """:func:`walk_day` of a truck's runs (any objects with the run fields, in minutes),
    grouped into trips by trip number; every trip ``fixed`` or none."""
    trips: dict[int, list[Any]] = {}
    for run in runs:
        trips.setdefault(run.trip, []).append(run)
    stops = sorted((trip_stops(t) for t in trips.values()), key=lambda s: s.first_fill)
    return walk_day(rules, network, travel, truck, start, stops, [fixed] * len(stops))
