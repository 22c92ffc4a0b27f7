"""A truck-day walked once, for the gaps insertion tries: the driver's counters at each.

Inserting a trip into a gap of a truck's day (:mod:`.insert`) needs the driver's
counters where the gap starts (the trips before it walked, those under way kept as they
are) and, for a gap before another trip, whether the trips after the new one stay legal.
Walking the truck's day from its start for every gap and every candidate trip made the
repair with driver rules about twice as slow as without. Here the day is walked once
(:class:`DayWalked`): the counters after each trip, and how many trips from the start
are legal; a gap's counters are then a look-up, and a candidate is checked by walking
only the new trip and the trips after it from the gap's counters. The result is the one
:func:`~logistics.planning.drivers.walk_runs` gives on the whole day (the trips of a day
do not overlap in time, so those before a gap are the first ones in time order; where
they are not, the whole day is walked as before).

:func:`cannot_fit_day` is a cheaper test still, before any timing: the free-flow driving
a trip needs at least, against the daily driving left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from logistics.network.model import Network, Truck
from logistics.physics.travel import Travel
from logistics.planning.drivers import (
    Clock,
    IllegalError,
    Rules,
    TripStops,
    Walker,
    trip_stops,
    walk_home,
    walk_runs,
    walk_trip,
)

#: Slack of the free-flow test, minutes: far above float error, far below a minute.
_SLACK_MIN = 1e-3


@dataclass(frozen=True)
class _Day:
    """What a truck-day walk needs (the arguments of ``walk_runs``)."""

    rules: Rules
    network: Network
    travel: Travel
    truck: Truck
    start: tuple[int, str, float]
    runs: tuple[Any, ...]


@dataclass(frozen=True)
class DayWalked:
    """A truck-day's trips walked once in time order.

    Attributes
    ----------
    trips : tuple of TripStops
        The trips, in the order the day's walk takes them.
    ends : tuple of (float, float)
        Per trip, the first and last pour end (minutes).
    places : tuple of (int, str, float)
        Where and from when the truck is free after the first ``k`` trips (``k = 0``:
        the day's start).
    clocks : tuple of Clock
        The driver's counters after the first ``k`` trips, those that break a rule kept
        as they are (as :func:`~logistics.planning.drivers.walk_runs` with ``fixed``).
    legal : int
        How many trips from the start are walked without breaking a rule.
    day : _Day
        What was walked (rules, network, travel, truck, start, runs).
    """

    trips: tuple[TripStops, ...]
    ends: tuple[tuple[float, float], ...]
    places: tuple[tuple[int, str, float], ...]
    clocks: tuple[Clock, ...]
    legal: int
    day: _Day

    def walks(self, start: tuple[int, str, float], runs: Sequence[Any]) -> bool:
        """Whether this is the walk of a day from ``start`` of these very runs (the same
        objects, in the same order): a walk kept from an earlier insertion still holds."""
        mine = self.day.runs
        return (
            self.day.start == start
            and len(mine) == len(runs)
            and all(a is b for a, b in zip(mine, runs, strict=True))
        )

    def before(self, minute: float) -> int | None:
        """How many trips end by ``minute`` (every pour end ≤ it), or ``None`` when those
        are not the first ones in time order."""
        k = sum(1 for _, last in self.ends if last <= minute + 1e-6)
        if all(last <= minute + 1e-6 for _, last in self.ends[:k]) and all(
            first > minute + 1e-6 for first, _ in self.ends[k:]
        ):
            return k
        return None


def walk_once(
    rules: Rules,
    network: Network,
    travel: Travel,
    truck: Truck,
    start: tuple[int, str, float],
    runs: Sequence[Any],
) -> DayWalked:
    """Walk a truck-day's runs (any objects with the run fields, minutes) once.

    Parameters
    ----------
    rules : Rules
        The driver rules.
    network, travel : Network, Travel
        Shift ends and driving times.
    truck : Truck
        The truck.
    start : (int, str, float)
        Where (matrix row, site id) and from when (minutes) the day starts.
    runs : sequence
        The truck's runs, grouped into trips by trip number.

    Returns
    -------
    DayWalked
    """
    grouped: dict[int, list[Any]] = {}
    for run in runs:
        grouped.setdefault(run.trip, []).append(run)
    pairs = [(trip_stops(t), t) for t in grouped.values()]
    pairs.sort(key=lambda p: p[0].first_fill)
    walker, place = Walker(rules, truck.truck_id), start
    places, clocks, legal = [place], [walker.clock], -1
    for k, (stops, _) in enumerate(pairs):
        try:
            place = walk_trip(walker, travel, truck, place, stops)
        except IllegalError:
            legal = k if legal < 0 else legal
            caster, _, end = stops.visits[-1]
            place = (travel.caster(caster), caster, end)
            walker.clock = Clock(0.0, walker.clock.today, walker.clock.driver)
        places.append(place)
        clocks.append(walker.clock)
    ends = tuple((min(r.pour_end for r in t), max(r.pour_end for r in t)) for _, t in pairs)
    return DayWalked(
        tuple(s for s, _ in pairs),
        ends,
        tuple(places),
        tuple(clocks),
        len(pairs) if legal < 0 else legal,
        _Day(rules, network, travel, truck, start, tuple(runs)),
    )


def gap_clock(walked: DayWalked, minute: float) -> Clock:
    """The driver's counters once the trips ending by ``minute`` are driven (as
    :func:`~logistics.planning.drivers.walk_runs` of those runs, kept as they are)."""
    k = walked.before(minute)
    if k is not None:
        return walked.clocks[k]
    d = walked.day
    before = [r for r in d.runs if r.pour_end <= minute + 1e-6]
    return walk_runs(d.rules, d.network, d.travel, d.truck, d.start, before, fixed=True).clock


def stays_legal(walked: DayWalked, new: Sequence[Any]) -> bool:
    """Whether the day with a new trip (its runs ``new``) inserted breaks no rule: every
    trip legal in time order and the drive home in the shift (as an empty ``dropped`` of
    :func:`~logistics.planning.drivers.walk_runs` on the whole day)."""
    d, stops = walked.day, trip_stops(new)
    k = walked.before(stops.first_fill)
    after = walked.trips[k:] if k is not None else ()
    if k is None or (after and after[0].first_fill <= stops.first_fill):
        runs = [*d.runs, *new]
        return not walk_runs(d.rules, d.network, d.travel, d.truck, d.start, runs).dropped
    if walked.legal < k:
        return False
    walker = Walker(d.rules, d.truck.truck_id, walked.clocks[k])
    place = walked.places[k]
    try:
        for trip in (stops, *after):
            place = walk_trip(walker, d.travel, d.truck, place, trip)
        walk_home(walker, d.network, d.travel, d.truck, place)
    except IllegalError:
        return False
    return True


def cannot_fit_day(
    rules: Rules, travel: Travel, clock: Clock, rows: tuple[int, int, int], casters: Sequence[int]
) -> bool:
    """Whether no trip that starts with the first of ``casters`` can fit the driver's day.

    Parameters
    ----------
    rules : Rules
        The driver rules.
    travel : Travel
        Free-flow minutes (no departure drives a leg faster).
    clock : Clock
        The driver's counters where the truck is free.
    rows : (int, int, int)
        Matrix rows of where the truck is free, of the trip's smelter and of its home.
    casters : sequence of int
        Matrix rows of the trip's casters (any may be left off but the first).

    Returns
    -------
    bool
        True when the drive to the smelter, to the first caster and home from the
        nearest of the casters to home, at free flow, is more than the daily driving
        left (with a handover at the smelter, the drive to the smelter alone): the
        timing would find no legal trip.
    """
    here, smelter, home = rows
    need = float(travel.minutes[here, smelter])
    if not rules.handover:
        need += float(travel.minutes[smelter, casters[0]])
        need += min(float(travel.minutes[c, home]) for c in casters)
    return clock.today + need > rules.daily_min + _SLACK_MIN


__all__ = ["DayWalked", "cannot_fit_day", "gap_clock", "stays_legal", "walk_once"]
