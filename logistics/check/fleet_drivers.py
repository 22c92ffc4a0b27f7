"""Drivers' rules for a ladle the ``fleet`` test fits (``[drivers]`` of ``network.toml``).

With drivers' rules a truck with free time has room for one more trip only when its
driver may drive it. The fitted trip replaces the drive of its gap by three: from where
the gap starts to the smelter, the loaded drive to the caster, and on to the next
trip's smelter (or home). The plan's breaks listed in that span are dropped, and rests
of ``min_break_min`` (and a minute) are put where the new trip's idle time allows them:
before each empty drive ("break", at the stop it leaves) or after it ("wait", at the
stop it reaches), and at the caster before the pour. Each choice is driven with the
checker's own rules (:func:`logistics.check.drivers.day_violations`) — continuous and
daily driving, the breaks listed, the entry bans at the fitted arrival — and the first
that keeps them all is the fit's; none keeping them is no room. Rests are never moved
into the plan's own trips, so the test errs towards "no room".
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from logistics.check.context import TIME_TOL_S, CheckContext, CheckRun
from logistics.check.drivers import day_violations
from logistics.network.model import Truck
from logistics.plan.model import DriverBreak

if TYPE_CHECKING:
    from logistics.check.fleet import Gap

#: A rest is this much longer than ``min_break_min``, and keeps this much from the
#: drives and the work around it, s.
REST_SPARE_S = 60.0

#: Where the rests of one empty drive go: before it, after it, both, none.
Place = Literal["start", "end", "both", "none"]


@dataclass(frozen=True)
class DriverDays:
    """The plan's runs and listed breaks of each truck (seconds from the origin in runs).

    Attributes
    ----------
    runs : dict of str to list of CheckRun
        Each truck's runs.
    breaks : dict of str to list of DriverBreak
        Each truck's rows of ``breaks.csv``.
    """

    runs: dict[str, list[CheckRun]]
    breaks: dict[str, list[DriverBreak]]

    @classmethod
    def of(cls, runs: Sequence[CheckRun], breaks: Sequence[DriverBreak]) -> DriverDays:
        """The rows grouped by truck."""
        by_truck: dict[str, list[CheckRun]] = defaultdict(list)
        rests: dict[str, list[DriverBreak]] = defaultdict(list)
        for r in runs:
            by_truck[r.truck_id].append(r)
        for b in breaks:
            rests[b.truck_id].append(b)
        return cls(dict(by_truck), dict(rests))


@dataclass(frozen=True)
class _Drive:
    """An empty drive of the fitted trip: from, leaving, arriving, by when, to (s)."""

    origin: str
    start: float
    arrival: float
    latest: float
    destination: str


def _empty_drives(ctx: CheckContext, gap: Gap, run: CheckRun) -> tuple[_Drive, _Drive]:
    """The drive to the fitted fill and the drive on after its pour."""
    site = gap.site
    to_fill = ctx.travel_s(site[0], site[1], "smelter", run.smelter_id, gap.free_s)
    if gap.next_smelter is not None:
        onward, latest = ("smelter", gap.next_smelter), gap.next_fill_s
    else:
        onward, latest = ("smelter", gap.truck.home_smelter), ctx.seconds(gap.truck.shift_end)
    on = ctx.travel_s("caster", run.caster_id, onward[0], onward[1], run.pour_end)
    return (
        _Drive(site[1], gap.free_s, gap.free_s + to_fill, run.fill_start, run.smelter_id),
        _Drive(run.caster_id, run.pour_end, run.pour_end + on, latest, onward[1]),
    )


def _options(drive: _Drive, rest_s: float) -> list[Place]:
    """Where rests fit around one empty drive, the most rests first."""
    slack = drive.latest - drive.arrival
    if slack >= 2 * rest_s + 4 * REST_SPARE_S:
        return ["both"]
    if slack >= rest_s + 2 * REST_SPARE_S:
        return ["start", "end"]
    return ["none"]


def _rests(drive: _Drive, place: Place, rest_s: float) -> list[tuple[str, float, float, str]]:
    """The rests of one empty drive as ``(kind, start, end, where)``, s."""
    out = []
    if place in ("start", "both"):
        out.append(("break", drive.start, drive.start + rest_s, drive.origin))
    if place in ("end", "both"):
        end = drive.latest - REST_SPARE_S
        out.append(("wait", end - rest_s, end, drive.destination))
    return out


def _driver_at(breaks: list[DriverBreak], moment: datetime) -> int:
    """The truck's driver at ``moment``: 1, and one more after each handover before it."""
    return 1 + sum(1 for b in breaks if b.kind == "handover" and b.start <= moment)


def legal_rests(
    ctx: CheckContext, days: DriverDays, gap: Gap, run: CheckRun
) -> tuple[tuple[DriverBreak, ...], tuple[float, float]] | None:
    """Rests with which the truck's day keeps every drivers' rule with the fitted ``run``.

    Parameters
    ----------
    ctx : CheckContext
        The network (its ``[drivers]``), travel model and clock.
    days : DriverDays
        The plan's runs and breaks by truck.
    gap : Gap
        The truck's free time the run is fitted into.
    run : CheckRun
        The fitted run, seconds.

    Returns
    -------
    tuple or None
        The rests (rows of ``breaks.csv``) and the span ``(start, end)`` in seconds
        whose listed breaks they replace; ``None`` when no choice keeps the rules.
    """
    params = ctx.network.params.drivers
    if params is None:
        return (), (gap.free_s, gap.free_s)
    truck = gap.truck
    rest_s = params.min_break_min * 60.0 + REST_SPARE_S
    first, second = _empty_drives(ctx, gap, run)
    if not (math.isfinite(first.arrival) and math.isfinite(second.arrival)):
        return None
    span = (gap.free_s, second.latest)
    listed = days.breaks.get(truck.truck_id, [])
    kept = [
        b
        for b in listed
        if b.kind == "handover"
        or ctx.seconds(b.end) <= span[0] + TIME_TOL_S
        or ctx.seconds(b.start) >= span[1] - TIME_TOL_S
    ]
    at_caster = []
    if run.pour_start - rest_s - REST_SPARE_S >= run.arrive:
        end = run.pour_start - REST_SPARE_S
        at_caster = [("wait", end - rest_s, end, run.caster_id)]
    runs = [*days.runs.get(truck.truck_id, []), run]
    origin = ctx.clock.origin
    for a, b in itertools.product(_options(first, rest_s), _options(second, rest_s)):
        rests = []
        for kind, start, end, where in [
            *_rests(first, a, rest_s),
            *at_caster,
            *_rests(second, b, rest_s),
        ]:
            moment = (origin + timedelta(seconds=start)).astimezone(ctx.clock.tz)
            rests.append(
                DriverBreak(
                    truck_id=truck.truck_id,
                    driver=_driver_at(listed, moment),
                    kind=kind,
                    start=moment,
                    end=(origin + timedelta(seconds=end)).astimezone(ctx.clock.tz),
                    where=where,
                )
            )
        if not day_violations(ctx, truck, runs, [*kept, *rests]):
            return _needed(ctx, truck, runs, kept, rests), span
    return None


def _needed(
    ctx: CheckContext,
    truck: Truck,
    runs: list[CheckRun],
    kept: list[DriverBreak],
    rests: list[DriverBreak],
) -> tuple[DriverBreak, ...]:
    """``rests`` less each one the day keeps every rule without, in time order."""
    needed = list(rests)
    for rest in rests:
        fewer = [b for b in needed if b is not rest]
        if not day_violations(ctx, truck, runs, [*kept, *fewer]):
            needed = fewer
    return tuple(needed)
