"""Drivers' hours and entry bans (``[drivers]`` of ``network.toml``), from the rows alone.

Only with the ``[drivers]`` table. Each truck's day is re-driven from ``runs.csv`` and
``breaks.csv`` with the checker's own travel times (seconds, unrounded):

* the truck leaves a stop when its work there is done — the loaded leg at the trip's
  ``depart``, a leg between casters and the drive to the next smelter (or home) at the
  end of the last pour, the day's first leg at the shift start (or where a re-plan's
  truck start puts it) — and drives straight on;
* a listed break that starts while it drives pauses the drive (a break at the stop it
  leaves, or en route); a listed break between two legs is a rest at a stop;
* a rest of at least ``min_break_min`` resets the driver's continuous driving; the
  driving between two such rests must not exceed ``max_continuous_driving_h``
  (``driver_continuous``), and each driver's driving of the day must not exceed
  ``max_daily_driving_h`` (``driver_daily``);
* a listed break must be real (``driver_break``): at least ``min_break_min`` long, not
  overlapping the truck's fills or pours, leaving the time to drive on; a handover
  only where ``handover_at_smelter`` allows it and while the truck stands at the smelter
  of its next trip (a new driver starts rested);
* no run may arrive at a caster under an entry ban inside the ban's window, read on the
  local clock (``entry_ban``).

Rests not listed in ``breaks.csv`` do not count: the driver must know where to rest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import timedelta

from shapely.geometry import Point, Polygon

from logistics.check.context import TIME_TOL_S, CheckContext, CheckRun
from logistics.check.report import Violation
from logistics.network.driver_rules import DriverParams
from logistics.network.model import Truck
from logistics.plan.model import DriverBreak


@dataclass(frozen=True)
class _Break:
    """A row of ``breaks.csv`` in seconds from the origin."""

    row: int
    truck_id: str
    kind: str
    start: float
    end: float
    where: str


@dataclass(frozen=True)
class _Leg:
    """A drive: from where, to where, leaving when, driving how long, arriving by when."""

    origin: str
    destination: str
    start: float
    drive: float
    latest: float
    to_smelter: bool


@dataclass
class _Driver:
    """The checker's count of one truck's driving (seconds)."""

    ctx: CheckContext
    params: DriverParams
    truck_id: str
    continuous: float = 0.0
    today: float = 0.0
    driver: int = 1
    reported: set[str] = field(default_factory=set)

    def drive(self, seconds: float, where: str) -> None:
        """Add driving; report the first excess of each limit per driver."""
        self.continuous += seconds
        self.today += seconds
        limit = self.params.max_continuous_driving_h * 3600.0
        if self.continuous > limit + TIME_TOL_S and f"c{self.driver}" not in self.reported:
            self.reported.add(f"c{self.driver}")
            self.ctx.add(
                "driver_continuous",
                f"driver {self.driver} of truck {self.truck_id} drives "
                f"{self.continuous / 3600.0:.2f} h without a rest of "
                f"{self.params.min_break_min:g} min (by {where}); the limit is "
                f"{self.params.max_continuous_driving_h:g} h",
                truck_id=self.truck_id,
            )
        daily = self.params.max_daily_driving_h * 3600.0
        if self.today > daily + TIME_TOL_S and f"d{self.driver}" not in self.reported:
            self.reported.add(f"d{self.driver}")
            self.ctx.add(
                "driver_daily",
                f"driver {self.driver} of truck {self.truck_id} drives "
                f"{self.today / 3600.0:.2f} h in the day (by {where}); the limit is "
                f"{self.params.max_daily_driving_h:g} h",
                truck_id=self.truck_id,
            )

    def rest(self, b: _Break) -> None:
        """A listed rest: long enough, it ends the continuous driving."""
        if b.end - b.start + TIME_TOL_S >= self.params.min_break_min * 60.0:
            self.continuous = 0.0


def check_drivers(ctx: CheckContext, runs: list[CheckRun], breaks: tuple[DriverBreak, ...]) -> None:
    """Every drivers' rule of ``[drivers]``, truck by truck, and the entry bans."""
    params = ctx.network.params.drivers
    if params is None:
        return
    rows: dict[str, list[_Break]] = defaultdict(list)
    for row, b in enumerate(breaks, start=2):
        rows[b.truck_id].append(
            _Break(row, b.truck_id, b.kind, ctx.seconds(b.start), ctx.seconds(b.end), b.where)
        )
    by_truck: dict[str, list[CheckRun]] = defaultdict(list)
    for r in runs:
        if ctx.known(r):
            by_truck[r.truck_id].append(r)
    for r in _arrivals(runs):
        check_entry_ban(ctx, params, r)
    for truck_id, truck_runs in by_truck.items():
        truck = ctx.network.truck_by_id[truck_id]
        listed = sorted(rows.get(truck_id, []), key=lambda b: (b.start, b.end, b.row))
        _check_listed(ctx, params, truck_runs, listed)
        _drive_day(ctx, params, truck, truck_runs, listed)


def day_violations(
    ctx: CheckContext, truck: Truck, runs: list[CheckRun], breaks: list[DriverBreak]
) -> list[Violation]:
    """What the drivers' rules find wrong with one truck's day (without reporting it).

    Parameters
    ----------
    ctx : CheckContext
        The network (its ``[drivers]``), travel model and clock; left as it is.
    truck : Truck
        The truck.
    runs : list of CheckRun
        Its runs, seconds.
    breaks : list of DriverBreak
        Its rows of ``breaks.csv``.

    Returns
    -------
    list of Violation
        The violations of :func:`check_drivers`'s rules for this day (entry bans of its
        arrivals included); empty without ``[drivers]``.
    """
    params = ctx.network.params.drivers
    if params is None:
        return []
    scratch = replace(ctx, violations=[], warnings=[])
    listed = sorted(
        (
            _Break(row, b.truck_id, b.kind, ctx.seconds(b.start), ctx.seconds(b.end), b.where)
            for row, b in enumerate(breaks, start=2)
        ),
        key=lambda b: (b.start, b.end, b.row),
    )
    for r in _arrivals(runs):
        check_entry_ban(scratch, params, r)
    _check_listed(scratch, params, runs, listed)
    _drive_day(scratch, params, truck, runs, listed)
    return scratch.violations


def _check_listed(
    ctx: CheckContext, params: DriverParams, runs: list[CheckRun], listed: list[_Break]
) -> None:
    """Each listed break is long enough and overlaps none of the truck's fills or pours."""
    busy = [(r.fill_start, r.fill_end, "fill", r) for r in runs]
    busy += [(r.pour_start, r.pour_end, "pour", r) for r in runs]
    for b in listed:
        if b.kind == "handover":
            if not params.handover_at_smelter:
                _bad(ctx, b, "is a handover, but [drivers] handover_at_smelter is false")
            continue
        if b.end - b.start + TIME_TOL_S < params.min_break_min * 60.0:
            _bad(
                ctx,
                b,
                f"lasts {(b.end - b.start) / 60.0:.1f} min, shorter than a rest "
                f"({params.min_break_min:g} min)",
            )
        for start, end, what, r in busy:
            if start < b.end - TIME_TOL_S and end > b.start + TIME_TOL_S:
                _bad(
                    ctx, b, f"overlaps the {what} of run {r.run_id} ({ctx.at(start)}–{ctx.at(end)})"
                )
                break


def _bad(ctx: CheckContext, b: _Break, what: str) -> None:
    ctx.add(
        "driver_break",
        f"breaks.csv row {b.row} ({b.kind} {ctx.at(b.start)}–{ctx.at(b.end)} at {b.where}) {what}",
        truck_id=b.truck_id,
    )


def _legs(ctx: CheckContext, truck: Truck, runs: list[CheckRun]) -> list[_Leg]:
    """The truck's drives of the day in order (see the module docstring)."""
    trips: dict[int, list[CheckRun]] = defaultdict(list)
    for r in runs:
        trips[r.trip].append(r)
    place, free = ("smelter", truck.home_smelter), ctx.seconds(truck.shift_start)
    start = ctx.truck_starts.get(truck.truck_id)
    legs: list[_Leg] = []
    for number in sorted(trips, key=lambda k: (min(r.fill_start for r in trips[k]), k)):
        trip = sorted(trips[number], key=lambda r: (r.pour_start, r.arrive, r.row))
        first_fill = min(r.fill_start for r in trip)
        smelter = trip[0].smelter_id
        if start is not None and start[2] <= first_fill + TIME_TOL_S:
            place, free, start = (start[0], start[1]), max(free, start[2]), None
        legs.append(_leg(ctx, place, ("smelter", smelter), free, first_fill))
        here, leave = ("smelter", smelter), max(r.depart for r in trip)
        for r in trip:
            if here != ("caster", r.caster_id):
                legs.append(_leg(ctx, here, ("caster", r.caster_id), leave, r.arrive))
            here, leave = ("caster", r.caster_id), r.pour_end
        place, free = here, max(r.pour_end for r in trip)
    home = ("smelter", truck.home_smelter)
    legs.append(_leg(ctx, place, home, free, ctx.seconds(truck.shift_end)))
    return legs


def _leg(
    ctx: CheckContext, a: tuple[str, str], b: tuple[str, str], start: float, latest: float
) -> _Leg:
    drive = ctx.travel_s(a[0], a[1], b[0], b[1], start)
    return _Leg(a[1], b[1], start, drive, latest, b[0] == "smelter")


def _drive_day(
    ctx: CheckContext,
    params: DriverParams,
    truck: Truck,
    runs: list[CheckRun],
    listed: list[_Break],
) -> None:
    """Drive the truck's legs with its listed breaks; count continuous and daily driving."""
    count = _Driver(ctx, params, truck.truck_id)
    pending = list(listed)
    stop: tuple[str, float, bool] | None = None  # the site stood at, since when, a smelter?
    for leg in _legs(ctx, truck, runs):
        while pending and pending[0].start < leg.start - TIME_TOL_S:
            _at_stop(ctx, count, pending.pop(0), stop, leg)
        cursor, left = leg.start, leg.drive
        while pending and left > 0 and pending[0].start < cursor + left - TIME_TOL_S:
            b = pending.pop(0)
            if b.kind == "handover":
                _bad(ctx, b, "hands the truck over while it drives")
                continue
            part = max(0.0, b.start - cursor)
            count.drive(part, f"{ctx.at(b.start)} on the way to {leg.destination}")
            count.rest(b)
            cursor, left = max(cursor + part, b.end), left - part
        cursor += left
        count.drive(left, f"{ctx.at(cursor)}, arriving at {leg.destination}")
        if cursor > leg.latest + TIME_TOL_S and cursor > leg.start + leg.drive + TIME_TOL_S:
            ctx.add(
                "driver_break",
                f"truck {truck.truck_id}'s breaks on the way from {leg.origin} to "
                f"{leg.destination} leave no time to drive: it arrives {ctx.at(cursor)}, "
                f"after {ctx.at(leg.latest)}",
                truck_id=truck.truck_id,
            )
        stop = (leg.destination, cursor, leg.to_smelter)


def _at_stop(
    ctx: CheckContext, count: _Driver, b: _Break, stop: tuple[str, float, bool] | None, leg: _Leg
) -> None:
    """A listed break between two legs: a rest, or a handover at the smelter stood at."""
    if b.kind != "handover":
        count.rest(b)
        return
    at_smelter = stop is not None and stop[2] and stop[0] == b.where
    if not at_smelter or stop is None or b.start < stop[1] - TIME_TOL_S:
        _bad(ctx, b, "is not at the smelter the truck stands at")
        return
    count.driver += 1
    count.continuous = count.today = 0.0


def _arrivals(runs: list[CheckRun]) -> list[CheckRun]:
    """The runs whose truck arrives at their caster: not a second ladle poured where its
    truck already stands (the run before it on the trip pours at the same caster)."""
    trips: dict[tuple[str, int], list[CheckRun]] = defaultdict(list)
    for r in runs:
        trips[(r.truck_id, r.trip)].append(r)
    out = []
    for trip in trips.values():
        trip.sort(key=lambda r: (r.pour_start, r.arrive, r.row))
        out += [r for k, r in enumerate(trip) if k == 0 or trip[k - 1].caster_id != r.caster_id]
    return out


def _local_hour(ctx: CheckContext, seconds: float) -> float:
    """Hours of the local clock at a moment (0 ≤ h < 24)."""
    moment = (ctx.clock.origin + timedelta(seconds=seconds)).astimezone(ctx.clock.tz)
    return moment.hour + moment.minute / 60.0 + moment.second / 3600.0


def check_entry_ban(ctx: CheckContext, params: DriverParams, r: CheckRun) -> None:
    """The run does not arrive at a caster under a ban inside the ban's window."""
    caster = ctx.network.caster_by_id.get(r.caster_id)
    if caster is None:
        return
    hour = _local_hour(ctx, r.arrive)
    for number, ban in enumerate(params.entry_bans, start=1):
        lo, hi = ban.from_h, ban.to_h
        inside = lo <= hour < hi if lo < hi else hour >= lo or hour < hi
        if not inside:
            continue
        listed = r.caster_id in ban.casters
        area = len(ban.area) >= 3 and Polygon([(x, y) for y, x in ban.area]).covers(
            Point(caster.lon, caster.lat)
        )
        if listed or area:
            label = f" ({ban.name})" if ban.name else ""
            ctx.add(
                "entry_ban",
                f"arrives at {r.caster_id} {ctx.at(r.arrive)}, inside entry ban "
                f"{number}{label} ({lo:g}–{hi:g} h)",
                r,
            )
            return
