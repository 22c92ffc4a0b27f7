"""The ``fleet`` reason, verified by trying the insertion the planner says it tried.

An unserved row that says ``fleet`` claims that no truck of the final plan had room for
a ladle of the order in time. The planner writes it only after trying to fit the ladle
into the free time of every truck's day; this module tries the same with its own code,
from the inputs and the plan's rows alone: one ladle of the order on a trip of its own,

* in a *gap* of a truck's day: before its first trip (from home at the shift start),
  between two of its trips (from the caster of the last pour, and on to the smelter of
  the next trip by that trip's first fill start) or after its last trip, the truck home
  by the end of its shift in every case;
* filled at a smelter that makes the alloy, inside its hours, in a fill bay the plan's
  own fills leave free, with the metal made by then net of every tonne the plan fills
  there (at that moment and at every later fill of the plan);
* poured inside the order window, the caster's hours and after the lead time, tapped
  within the smelter's range and arriving at ``min_pour_c + margin_c`` after the hold
  in that truck's ladle.

With a ladle pool (``ladles.csv``) the fit also needs a ladle of the smelter's pool
there for it — at home, cleaned when due, with fills left, hot or preheated on a free
stand just before the fill — whose day with the fitted run keeps every rule of the pool
(:mod:`logistics.check.fleet_ladles`). With drivers' rules (``[drivers]``) the truck's
day with the fitted trip, rests put where its idle time allows them in place of the
plan's breaks in the gap, must keep every drivers' rule
(:mod:`logistics.check.fleet_drivers`).

The ladle tried holds the row's tonnes or the largest ladle of the fleet, whichever is
less, and goes only on a truck whose ladles hold it: the planner cuts an order at one of
the fleet's ladle sizes (full ladles and one partial), so every ladle it left over is
at most that big and fits wherever this one does.

The rule errs towards "no room", like the other reason tests: times are whole minutes
with every duration rounded up (the windows rule of docs/solver.md), and every bound is
kept with :data:`~logistics.check.orders.REASON_SLACK_S` to spare. A fit found is a
trip the planner should have found; an honest ``fleet`` row is never reported. A re-plan
(a plan with truck starts, runs fixed before planning, or planned by insertion) is not
tested: what it had to respect (the moment of re-planning, trucks taken out) is not in
the plan.

:func:`logistics.check.check` runs it on every plan that is not a re-plan. By default
a fit is a *warning* (rule :data:`FLEET_ROOM`): the plan keeps every rule, and the
dispatcher is told which truck could still carry a ladle of the order; the planner's
second try of its leftovers (every source, the metal the plan really leaves, fills
between early and just in time) leaves such rows rarely, and the solver fuzzing counts
them. Asked with ``verify_fleet=True`` a fit is an ``unserved_reason`` violation (for
hand-made plans and tests); ``verify_fleet=False`` skips the test.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from logistics.check.context import ACCOUNTING_TOL_T, CheckContext, CheckRun, CheckUnserved
from logistics.check.fleet_drivers import DriverDays, legal_rests
from logistics.check.fleet_ladles import (
    LadleUse,
    SmelterPool,
    earliest_fill,
    holds,
    ladle_keeps_rules,
    ladle_use,
    smelter_pool,
)
from logistics.check.furnaces import managed_pour_end_s
from logistics.check.orders import REASON_SLACK_S
from logistics.check.quantile import slow_factor
from logistics.check.report import Violation
from logistics.network.model import Caster, Order, Production, Smelter, Truck
from logistics.physics.cooling import TAP_STEP_C, max_hold_h, min_tap_c, temperature_after
from logistics.plan.files import UNSERVED_FILE
from logistics.plan.model import DriverBreak, Plan, Preheat

#: The reason verified here.
FLEET = "fleet"
#: Float error ignored when rounding seconds to whole minutes, minutes.
_EPS_MIN = 1e-6


def minute_up(seconds: float) -> float:
    """Seconds rounded up to a whole minute (``inf`` stays), s."""
    if not math.isfinite(seconds):
        return seconds
    return math.ceil(seconds / 60.0 - _EPS_MIN) * 60.0


def minute_down(seconds: float) -> float:
    """Seconds rounded down to a whole minute (``inf`` stays), s."""
    if not math.isfinite(seconds):
        return seconds
    return math.floor(seconds / 60.0 + _EPS_MIN) * 60.0


#: The warning's rule: a ``fleet`` row of an order a truck of the plan has room for.
FLEET_ROOM = "fleet_room"


def replanned(plan: Plan) -> bool:
    """Whether ``plan`` is a re-plan (its ``fleet`` rows are then not tested).

    Parameters
    ----------
    plan : Plan
        The plan checked.

    Returns
    -------
    bool
        True with truck starts, runs fixed before planning, or a plan made by insertion
        (solver status ``insert``).
    """
    return (
        bool(plan.truck_starts)
        or plan.summary.runs_fixed > 0
        or plan.solver.status.startswith("insert")
    )


def fleet_verified(plan: Plan, verify: bool | None = None) -> bool:
    """Whether the ``fleet`` rows of ``plan`` are verified by trying the insertion.

    Parameters
    ----------
    plan : Plan
        The plan checked.
    verify : bool, optional
        ``False`` skips the test; otherwise it runs (a fit a warning by default, a
        violation with ``True``: :func:`check_fleet_reasons`).

    Returns
    -------
    bool
        Never for a re-plan (:func:`replanned`): what it had to respect (the moment of
        re-planning, trucks taken out) is not in the plan.
    """
    return verify is not False and not replanned(plan)


@dataclass(frozen=True)
class Gap:
    """Free time of one truck, times in seconds from the plan origin.

    Attributes
    ----------
    truck : Truck
        The truck.
    site : tuple of (str, str)
        ``(kind, id)`` of where it is free: its home smelter, or its last caster.
    free_s : float
        From when it is free there, s.
    next_smelter : str or None
        The smelter of its next trip; ``None`` after its last trip.
    next_fill_s : float
        The first fill start of its next trip, s (``inf`` after its last).
    label : str
        Where in its day, for messages (``between its trips 2 and 3``).
    """

    truck: Truck
    site: tuple[str, str]
    free_s: float
    next_smelter: str | None
    next_fill_s: float
    label: str


@dataclass(frozen=True)
class _Trip:
    """One trip of the plan as a block of a truck's day, seconds."""

    number: int
    smelter_id: str
    first_fill_s: float
    end_caster: str
    end_s: float


def _trips_of(runs: list[CheckRun]) -> list[_Trip]:
    """The trips of one truck's runs, in order of their first fill."""
    by_number: dict[int, list[CheckRun]] = defaultdict(list)
    for r in runs:
        by_number[r.trip].append(r)
    trips = []
    for number, trip in by_number.items():
        first = min(trip, key=lambda r: (r.fill_start, r.row))
        last = max(trip, key=lambda r: (r.pour_end, r.row))
        trips.append(
            _Trip(number, first.smelter_id, first.fill_start, last.caster_id, last.pour_end)
        )
    return sorted(trips, key=lambda t: (t.first_fill_s, t.number))


def _gaps_of(ctx: CheckContext, truck: Truck, runs: list[CheckRun]) -> list[Gap]:
    """The gaps of one truck's day: before, between and after its trips (none when it
    already makes its ``max_trips``)."""
    trips = _trips_of(runs)
    if truck.max_trips is not None and len(trips) >= truck.max_trips:
        return []
    site = ("smelter", truck.home_smelter)
    free = ctx.seconds(truck.shift_start)
    gaps = []
    for k, trip in enumerate(trips):
        if k == 0:
            label = f"before its first trip (trip {trip.number})"
        else:
            label = f"between its trips {trips[k - 1].number} and {trip.number}"
        gaps.append(Gap(truck, site, free, trip.smelter_id, trip.first_fill_s, label))
        site, free = ("caster", trip.end_caster), max(free, trip.end_s)
    label = "on its day without trips"
    if trips:
        label = f"after its last trip (trip {trips[-1].number})"
    gaps.append(Gap(truck, site, free, None, math.inf, label))
    return gaps


def truck_gaps(ctx: CheckContext, runs: list[CheckRun]) -> list[Gap]:
    """Every gap of every truck of the fleet, the fleet's order, each truck's in time order.

    A truck the checker has already found a violation of (or a run of which names a
    site the network lacks) is left out: its day is not known well enough to say where
    it has room.

    Parameters
    ----------
    ctx : CheckContext
        The network, its travel model, and the violations found so far.
    runs : list of CheckRun
        The plan's runs, seconds.

    Returns
    -------
    list of Gap
        The gaps, seconds.
    """
    by_truck: dict[str, list[CheckRun]] = defaultdict(list)
    unknown: set[str] = set()
    for r in runs:
        by_truck[r.truck_id].append(r)
        if not ctx.known(r):
            unknown.add(r.truck_id)
    broken = {v.truck_id for v in ctx.violations if v.truck_id is not None}
    return [
        gap
        for truck in ctx.network.fleet
        if truck.truck_id not in broken | unknown
        for gap in _gaps_of(ctx, truck, by_truck.get(truck.truck_id, []))
    ]


@dataclass(frozen=True)
class SmelterFills:
    """The plan's fills at one smelter, for its fill bays.

    Attributes
    ----------
    intervals : list of (float, float)
        ``(fill_start, fill_end)`` of each fill, s, sorted.
    starts : list of float
        The fill starts, sorted (to search the intervals).
    longest_s : float
        The longest fill, s.
    """

    intervals: list[tuple[float, float]]
    starts: list[float]
    longest_s: float

    @classmethod
    def of(cls, runs: list[CheckRun]) -> SmelterFills:
        """The fills of ``runs`` (all at one smelter)."""
        intervals = sorted((r.fill_start, r.fill_end) for r in runs)
        longest = max((end - start for start, end in intervals), default=0.0)
        return cls(intervals, [s for s, _ in intervals], longest)

    def bay_free_from(self, bays: int | None, start_s: float, length_s: float) -> float:
        """Earliest moment ≥ ``start_s`` at which a fill of ``length_s`` finds a free bay.

        The fill takes ``[t, t + length_s)`` and keeps a free bay over that time widened
        by :data:`REASON_SLACK_S` each side; ``None`` bays is no limit.

        Returns
        -------
        float
            The moment, s (``inf`` when none).
        """
        if bays is None:
            return start_s
        if bays < 1:
            return math.inf
        t = start_s
        while True:
            lo, hi = t - REASON_SLACK_S, t + length_s + REASON_SLACK_S
            first = bisect.bisect_left(self.starts, lo - self.longest_s)
            last = bisect.bisect_left(self.starts, hi)
            overlapping = [(s, e) for s, e in self.intervals[first:last] if e > lo]
            points = [lo] + [s for s, _ in overlapping if s > lo]
            if all(sum(1 for s, e in overlapping if s <= p < e) < bays for p in points):
                return t
            t = min(e for _, e in overlapping) + REASON_SLACK_S


def production_start(
    ctx: CheckContext, production: Production, fills: list[CheckRun], tonnes: float
) -> float:
    """Earliest fill start at which ``tonnes`` more of the alloy can be filled, s.

    A fill at ``f`` may take ``tonnes`` when the metal made by ``f`` (stock plus the
    rate since the smelter opened) covers the plan's fills up to ``f`` plus these
    tonnes, and the metal made by every later fill of the plan covers the fills up to
    it plus these tonnes (with :data:`ACCOUNTING_TOL_T` to spare). The later the fill,
    the more there is, so the answer is a single moment.

    Parameters
    ----------
    ctx : CheckContext
        The network (the smelter's opening time) and clock.
    production : Production
        The smelter's production of the alloy (stock in t, rate in t/h).
    fills : list of CheckRun
        The plan's runs filling this alloy at this smelter.
    tonnes : float
        The ladle, t.

    Returns
    -------
    float
        The moment, s (``inf`` when the metal never suffices on the plan day).
    """
    opens = ctx.seconds(ctx.network.smelter_by_id[production.smelter_id].open)
    need = tonnes + ACCOUNTING_TOL_T
    times = sorted((r.fill_start, r.tonnes) for r in fills)

    def made(t: float) -> float:
        return production.stock_t + production.rate_tph * max(0.0, t - opens) / 3600.0

    cumulative = [0.0]
    for _, w in times:
        cumulative.append(cumulative[-1] + w)
    # spare[i]: least metal left over at the plan's fills i, i+1, … (after them)
    spare = [math.inf] * (len(times) + 1)
    for i in range(len(times) - 1, -1, -1):
        spare[i] = min(spare[i + 1], made(times[i][0]) - cumulative[i + 1])
    for i in range(len(times) + 1):
        if spare[i] < need:
            continue  # a later fill of the plan would be short of metal
        before = times[i - 1][0] if i else -math.inf
        after = times[i][0] if i < len(times) else math.inf
        short = cumulative[i] + need - production.stock_t
        if short <= 0:
            at = max(before, opens)
        elif production.rate_tph > 0:
            at = max(before, opens + short / production.rate_tph * 3600.0)
        else:
            continue
        if at < after:
            return at
    return math.inf


@dataclass(frozen=True)
class Source:
    """What one smelter offers one ladle of one order, whole minutes in seconds.

    Attributes
    ----------
    smelter : Smelter
        The smelter.
    production : Production
        Its production of the order's alloy.
    caster : Caster
        The order's caster.
    fill_s, pour_s, drive_s : float
        Fill and pour duration, drive smelter → caster, each rounded up to a minute, s.
    first_fill_s, last_fill_s : float
        Earliest fill start (opening, and the metal made net of the plan's fills plus
        the slack) and latest (the fill ends by closing, less the slack), s.
    first_pour_s, last_pour_s : float
        The pour-start window: order window, caster hours and lead time, s.
    needed_c : float
        ``min_pour_c + margin_c`` of the caster, °C.
    """

    smelter: Smelter
    production: Production
    caster: Caster
    fill_s: float
    pour_s: float
    drive_s: float
    first_fill_s: float
    last_fill_s: float
    first_pour_s: float
    last_pour_s: float
    needed_c: float


def pour_window(ctx: CheckContext, order: Order) -> tuple[float, float]:
    """First and last pour start of the order in whole minutes, s.

    The pour starts inside the order window and after ``placed_at + lead_time_h``, and
    lies wholly in the caster's hours (the pour rounded up to a minute) and, into a
    managed furnace, before 24:00; the bounds round inwards.
    """
    caster = ctx.network.caster_by_id[order.caster_id]
    lead = ctx.seconds(order.placed_at) + ctx.network.params.planning.lead_time_h * 3600.0
    first = max(ctx.seconds(order.window_start), ctx.seconds(caster.open), lead)
    pour = minute_up(caster.unload_min * 60.0)
    day_end = managed_pour_end_s(ctx.network, order.caster_id, order.alloy)
    last = min(ctx.seconds(order.window_end), min(ctx.seconds(caster.close), day_end) - pour)
    return minute_up(first), minute_down(last)


def source_of(
    ctx: CheckContext, order: Order, production: Production, fills: list[CheckRun], tonnes: float
) -> Source | None:
    """What the smelter of ``production`` offers a ladle of ``tonnes`` of ``order``.

    Returns
    -------
    Source or None
        ``None`` when no road leads to the caster, or the metal or the smelter's hours
        leave no fill.
    """
    net = ctx.network
    smelter = net.smelter_by_id[production.smelter_id]
    caster = net.caster_by_id[order.caster_id]
    drive = minute_up(
        ctx.slowest_travel_s("smelter", smelter.smelter_id, "caster", caster.caster_id)
    )
    fill = minute_up(smelter.fill_min * 60.0)
    ready = production_start(ctx, production, fills, tonnes)
    first_fill = max(minute_up(ctx.seconds(smelter.open)), minute_up(ready)) + REASON_SLACK_S
    last_fill = minute_down(ctx.seconds(smelter.close)) - fill - REASON_SLACK_S
    if not math.isfinite(drive) or first_fill > last_fill:
        return None
    first_pour, last_pour = pour_window(ctx, order)
    return Source(
        smelter=smelter,
        production=production,
        caster=caster,
        fill_s=fill,
        pour_s=minute_up(caster.unload_min * 60.0),
        drive_s=drive,
        first_fill_s=first_fill,
        last_fill_s=last_fill,
        first_pour_s=first_pour,
        last_pour_s=last_pour,
        needed_c=caster.min_pour_c + net.params.thermal.margin_c,
    )


@dataclass(frozen=True)
class Fit:
    """A ladle that fits: truck, gap, smelter and its times (s) and temperatures (°C).

    With a ladle pool, ``ladle`` is the smelter's ladle it takes (and its preheat); with
    drivers' rules, ``rests`` are the breaks the driver then takes between ``span``
    (the start of the gap and the truck's next fill, or its shift's end, s), in place of
    the plan's breaks listed there.
    """

    gap: Gap
    smelter_id: str
    tonnes: float
    fill_s: float
    pour_s: float
    tap_c: float
    arrival_c: float
    ladle: LadleUse | None = None
    rests: tuple[DriverBreak, ...] = ()
    span: tuple[float, float] | None = None


def _drive(ctx: CheckContext, a: tuple[str, str], b: tuple[str, str]) -> float:
    """Driving time between two sites rounded up to a minute, s (``inf`` without a road),
    at the slowest speed of the rush hours: room found with it is room at any hour."""
    return minute_up(ctx.slowest_travel_s(*a, *b))


def _slow_extra_s(ctx: CheckContext, source: Source) -> float:
    """How much longer than planned the drive may take under the plan's risk target, s
    (0 without one; :func:`logistics.check.quantile.slow_factor`)."""
    slow = slow_factor(ctx, source.smelter.smelter_id, source.caster.caster_id)
    return source.drive_s * (slow - 1.0)


def _hold_limit_s(ctx: CheckContext, source: Source, truck: Truck) -> float:
    """Longest hold in the truck's ladle, tapped at ``tap_max_c``, in whole minutes, s.

    For a plan claiming the risk target, also short enough that the metal holds the
    caster's minimum when the drive is slow (:func:`_slow_extra_s`).
    """
    ambient = ctx.network.params.thermal.ambient_c
    tap_max = source.production.tap_max_c
    hours = max_hold_h(tap_max, source.needed_c, truck.tau_h, ambient)
    extra = _slow_extra_s(ctx, source)
    if extra > 0:
        at_min = max_hold_h(tap_max, source.caster.min_pour_c, truck.tau_h, ambient)
        hours = min(hours, at_min - extra / 3600.0)
    return minute_down(hours * 3600.0)


def _last_pour_in_gap(ctx: CheckContext, source: Source, gap: Gap) -> float:
    """Latest pour start in the gap: in the window, then on to the next trip and home, s."""
    caster = ("caster", source.caster.caster_id)
    home = _drive(ctx, caster, ("smelter", gap.truck.home_smelter))
    last = min(
        source.last_pour_s,
        minute_down(ctx.seconds(gap.truck.shift_end)) - source.pour_s - home,
    )
    if gap.next_smelter is not None:
        onward = _drive(ctx, caster, ("smelter", gap.next_smelter))
        last = min(last, minute_down(gap.next_fill_s) - source.pour_s - onward)
    return last - REASON_SLACK_S


def fit_in_gap(
    ctx: CheckContext,
    source: Source,
    gap: Gap,
    bays: SmelterFills,
    tonnes: float,
    *,
    not_before: float = -math.inf,
    back_by: float = math.inf,
) -> Fit | None:
    """A fill of one ladle from ``source`` in ``gap``, or ``None`` when there is no room.

    The truck drives from where the gap starts to the smelter, fills when a bay is free
    and the metal is there, drives to the caster and pours no earlier than the window
    allows; the hold ends by the limit of tap ``tap_max_c`` in its ladles. Every bound
    is kept with :data:`REASON_SLACK_S` to spare. The fill is the first with a free bay
    from the moment that pours as soon as the window opens (the shortest hold), else
    the first from the earliest moment the truck and the metal are there: if a fill
    fits anywhere in the gap, one is found.

    Parameters
    ----------
    ctx : CheckContext
        The network, travel model and clock.
    source : Source
        The smelter and the order's windows.
    gap : Gap
        The truck's free time.
    bays : SmelterFills
        The plan's fills at the smelter.
    tonnes : float
        The ladle, t.
    not_before : float
        The fill starts no earlier, s (the ladle of a pool at home and ready).
    back_by : float
        The ladle is back at the smelter by then after the pour, s (the pool's next use
        of it).

    Returns
    -------
    Fit or None
        The first fit in time.
    """
    hold = _hold_limit_s(ctx, source, gap.truck) - REASON_SLACK_S
    last_pour = _last_pour_in_gap(ctx, source, gap)
    if math.isfinite(back_by):
        back = _drive(
            ctx, ("caster", source.caster.caster_id), ("smelter", source.smelter.smelter_id)
        )
        last_pour = min(last_pour, minute_down(back_by) - source.pour_s - back - REASON_SLACK_S)
    if source.drive_s > hold or source.first_pour_s > last_pour:
        return None
    to_smelter = _drive(ctx, gap.site, ("smelter", source.smelter.smelter_id))
    fill = max(
        minute_up(gap.free_s) + to_smelter + REASON_SLACK_S,
        source.first_fill_s,
        source.first_pour_s - source.fill_s - hold,
        minute_up(not_before),
    )
    last_fill = min(source.last_fill_s, last_pour - source.fill_s - source.drive_s)
    if fill > last_fill:
        return None
    just_in_time = max(fill, source.first_pour_s - source.fill_s - source.drive_s)
    for start in (just_in_time, fill):  # the shortest hold first, then any
        at = bays.bay_free_from(source.smelter.fill_bays, start, source.fill_s)
        if at <= last_fill:
            pour = max(at + source.fill_s + source.drive_s, source.first_pour_s)
            return _fit(ctx, source, gap, tonnes, at, pour)
    return None


def _fit(
    ctx: CheckContext, source: Source, gap: Gap, tonnes: float, fill: float, pour: float
) -> Fit:
    """The fit with its lowest sufficient tap (0.1 °C steps) and arrival, °C: at
    ``min_pour_c + margin_c`` after the hold and, under the plan's risk target, at
    ``min_pour_c`` after the hold with a slow drive."""
    ambient = ctx.network.params.thermal.ambient_c
    hold_h = (pour - fill - source.fill_s) / 3600.0
    lowest = min_tap_c(hold_h, source.needed_c, gap.truck.tau_h, ambient)
    extra = _slow_extra_s(ctx, source)
    if extra > 0:
        slow_h = hold_h + extra / 3600.0
        lowest = max(lowest, min_tap_c(slow_h, source.caster.min_pour_c, gap.truck.tau_h, ambient))
    stepped = math.ceil(round(lowest / TAP_STEP_C, 6)) * TAP_STEP_C
    prod = source.production
    tap = min(max(prod.tap_min_c, stepped), prod.tap_max_c)
    arrival = temperature_after(tap, hold_h, gap.truck.tau_h, ambient)
    return Fit(gap, source.smelter.smelter_id, tonnes, fill, pour, tap, arrival)


def fit_run(ctx: CheckContext, source: Source, fit: Fit, order_id: str) -> CheckRun:
    """The fit as a run of the plan (trip ``-1``, run ``fit``), seconds: it leaves the
    smelter at the fill's end and drives at the hour's speed."""
    fill_end = fit.fill_s + source.fill_s
    drive = ctx.travel_s("smelter", fit.smelter_id, "caster", source.caster.caster_id, fill_end)
    return CheckRun(
        row=0,
        run_id="fit",
        truck_id=fit.gap.truck.truck_id,
        trip=-1,
        order_id=order_id,
        smelter_id=fit.smelter_id,
        caster_id=source.caster.caster_id,
        alloy=source.production.alloy,
        tonnes=fit.tonnes,
        fill_start=fit.fill_s,
        fill_end=fill_end,
        depart=fill_end,
        arrive=min(fit.pour_s, fill_end + minute_up(drive)),
        pour_start=fit.pour_s,
        pour_end=fit.pour_s + source.pour_s,
        tap_c=fit.tap_c,
        arrival_c=fit.arrival_c,
        road_km=0.0,
        ladle_id=fit.ladle.ladle_id if fit.ladle else None,
        ladle_drop_c=fit.ladle.drop_c if fit.ladle else None,
    )


def _with_ladles(
    ctx: CheckContext,
    order: Order,
    source: Source,
    gap: Gap,
    bays: SmelterFills,
    tonnes: float,
    pool: SmelterPool,
) -> Iterator[Fit]:
    """The fits of one ladle in ``gap`` with a ladle of the smelter's pool
    (:mod:`logistics.check.fleet_ladles`): for each free window of a ladle that holds
    it, the first fit from when the ladle is there, else from when it can be preheated."""
    smelter_id = source.smelter.smelter_id
    for window in pool.windows:
        if not holds(window.ladle, tonnes, gap.truck.tau_h):
            continue
        for not_before in (window.free_s + REASON_SLACK_S, earliest_fill(ctx, window)):
            fit = fit_in_gap(
                ctx, source, gap, bays, tonnes, not_before=not_before, back_by=window.until_s
            )
            if fit is None:
                break  # a later start fits no better
            use = ladle_use(ctx, pool, window, fit.fill_s, fit.tap_c, source.production.tap_max_c)
            if use is None:
                continue
            fit = replace(fit, ladle=use)
            if ladle_keeps_rules(
                ctx, pool, smelter_id, fit_run(ctx, source, fit, order.order_id), use
            ):
                yield fit
                break


def _fits(
    ctx: CheckContext,
    order: Order,
    source: Source,
    gap: Gap,
    bays: SmelterFills,
    tonnes: float,
    pool: SmelterPool | None,
) -> Iterator[Fit]:
    """The fits of one ladle of ``order`` from ``source`` in ``gap``: the first in time,
    or with a ladle pool one per ladle window that has a ladle for it."""
    fit = fit_in_gap(ctx, source, gap, bays, tonnes)
    if fit is None:
        return
    if pool is None:
        yield fit
    else:
        yield from _with_ladles(ctx, order, source, gap, bays, tonnes, pool)


def find_fit(
    ctx: CheckContext,
    order: Order,
    tonnes: float,
    gaps: list[Gap],
    runs: list[CheckRun],
    preheats: Sequence[Preheat] = (),
    breaks: Sequence[DriverBreak] = (),
) -> Fit | None:
    """One ladle of ``tonnes`` of ``order`` in a gap of a truck whose ladles hold it.

    With a ladle pool the fit takes a ladle of the smelter's pool that is there for it
    (:mod:`logistics.check.fleet_ladles`); with drivers' rules the truck's day with the
    fit keeps them, with rests where its idle time allows
    (:mod:`logistics.check.fleet_drivers`).

    Parameters
    ----------
    ctx : CheckContext
        The network, travel model and clock.
    order : Order
        The order (of the plan day, its caster in the network).
    tonnes : float
        The ladle, t.
    gaps : list of Gap
        The trucks' gaps (:func:`truck_gaps`).
    runs : list of CheckRun
        The plan's runs (their fills take bays, metal and ladles).
    preheats : sequence of Preheat
        The plan's preheats (``preheats.csv``; with a ladle pool).
    breaks : sequence of DriverBreak
        The plan's breaks (``breaks.csv``; with drivers' rules).

    Returns
    -------
    Fit or None
        The first fit: smelters by id, trucks in fleet order, gaps in time order.
    """
    net = ctx.network
    at_smelter: dict[str, list[CheckRun]] = defaultdict(list)
    for r in runs:
        at_smelter[r.smelter_id].append(r)
    day = DriverDays.of(runs, breaks) if net.params.drivers is not None else None
    carriers = [g for g in gaps if min(g.truck.ladle_t, g.truck.trip_t) + 1e-9 >= tonnes]
    for prod in sorted(net.production, key=lambda p: p.smelter_id):
        if prod.alloy != order.alloy or prod.smelter_id not in net.smelter_by_id:
            continue
        fills = at_smelter.get(prod.smelter_id, [])
        metal = [r for r in fills if r.alloy == prod.alloy]
        source = source_of(ctx, order, prod, metal, tonnes)
        if source is None:
            continue
        bays = SmelterFills.of(fills)
        pool = smelter_pool(ctx, runs, preheats, prod.smelter_id) if net.ladles else None
        for gap in carriers:
            for fit in _fits(ctx, order, source, gap, bays, tonnes, pool):
                if day is None:
                    return fit
                legal = legal_rests(ctx, day, fit.gap, fit_run(ctx, source, fit, order.order_id))
                if legal is not None:
                    return replace(fit, rests=legal[0], span=legal[1])
    return None


def ladle_tried(ctx: CheckContext, unserved_t: float) -> float:
    """The ladle tried for a ``fleet`` row: its tonnes, at most the fleet's largest ladle, t.

    The planner cuts an order at one of the fleet's ladle sizes, so each ladle it left
    over holds at most this much: where this one fits, so would the planner's.
    """
    return min(unserved_t, max(t.ladle_t for t in ctx.network.fleet))


def fit_text(ctx: CheckContext, order_id: str, fit: Fit) -> str:
    """``truck T07 could carry a 6 t ladle of O-123 from S01 between its trips 2 and 3 …``,
    with the pool's ladle (and its preheat) and the driver's rests when there are."""
    truck = fit.gap.truck
    text = (
        f"truck {truck.truck_id} could carry a {fit.tonnes:g} t ladle of {order_id} from "
        f"{fit.smelter_id} {fit.gap.label} (fill {ctx.at(fit.fill_s)}, pour "
        f"{ctx.at(fit.pour_s)} at {fit.arrival_c:.1f} °C, tapped at {fit.tap_c:.1f} °C)"
    )
    if fit.ladle is not None:
        text += f" in ladle {fit.ladle.ladle_id}"
        if fit.ladle.drop_c > 0:
            text += f" (its lining takes {fit.ladle.drop_c:.1f} °C of the metal)"
        if fit.ladle.preheat is not None:
            stand, start, end = fit.ladle.preheat
            text += f" preheated {ctx.at(start)}–{ctx.at(end)} on stand {stand}"
    if fit.rests:
        rests = ", ".join(
            f"{b.start.astimezone(ctx.clock.tz):%H:%M}–{b.end.astimezone(ctx.clock.tz):%H:%M} "
            f"at {b.where}"
            for b in fit.rests
        )
        text += f", the driver resting {rests}"
    return text


def check_fleet_reasons(
    ctx: CheckContext,
    runs: list[CheckRun],
    unserved: list[CheckUnserved],
    *,
    preheats: Sequence[Preheat] = (),
    breaks: Sequence[DriverBreak] = (),
    strict: bool = False,
) -> None:
    """A ``fleet`` row is wrong when a truck of the plan has room for a ladle of its order.

    Each ``fleet`` row of an order of the plan day (its caster and alloy the order's, no
    ``unserved_reason`` reported for it yet) is tried in the gaps of the trucks' days
    (:func:`find_fit`); a fit is an ``unserved_reason`` violation naming the file and
    row, the order, the truck, the gap and the times.

    Parameters
    ----------
    ctx : CheckContext
        The network, travel model, clock and the violations found so far.
    runs : list of CheckRun
        The plan's runs, seconds.
    unserved : list of CheckUnserved
        The plan's unserved rows.
    preheats : sequence of Preheat
        The plan's preheats (with a ladle pool).
    breaks : sequence of DriverBreak
        The plan's breaks (with drivers' rules).
    strict : bool
        A fit is an ``unserved_reason`` violation; otherwise a :data:`FLEET_ROOM`
        warning.
    """
    net = ctx.network
    rows = [u for u in unserved if u.reason == FLEET and u.tonnes > 0]
    if not rows or not net.fleet:
        return
    reported = {v.order_id for v in ctx.violations if v.rule == "unserved_reason"}
    day = {o.order_id for o in net.day_orders}
    gaps = truck_gaps(ctx, runs)
    for u in rows:
        order = net.order_by_id.get(u.order_id)
        if (
            order is None
            or u.order_id not in day
            or u.order_id in reported
            or order.caster_id != u.caster_id
            or order.alloy != u.alloy
            or order.caster_id not in net.caster_by_id
        ):
            continue
        fit = find_fit(ctx, order, ladle_tried(ctx, u.tonnes), gaps, runs, preheats, breaks)
        if fit is None:
            continue
        message = f"{UNSERVED_FILE} row {u.row} says {FLEET}, but {fit_text(ctx, u.order_id, fit)}"
        if strict:
            ctx.add("unserved_reason", message, order_id=u.order_id)
        else:
            ctx.warnings.append(Violation(FLEET_ROOM, message, order_id=u.order_id))
