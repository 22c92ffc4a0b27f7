"""A ladle of the pool for a ladle the ``fleet`` test fits (network ``ladles.csv``).

With a ladle pool a truck with free time has room for a ladle of an order only when one
of the smelter's ladles is there for it: at home (back from its previous run, cleaned
when due), with fills left before relining, holding the tonnes and insulated at least
as well as the truck, and hot at the fill — or preheated on a free stand of the smelter
just before it — with the heat its lining takes from the metal still within the
furnace's ``tap_max_c``. Reckoned from the inputs and the plan's rows alone (runs with
their ``ladle_id``, ``preheats.csv``), with the checker's own ladle rules
(:mod:`logistics.check.ladles`): each ladle found is put into the ladle's day with the
fitted run (and its preheat), and that day must keep every rule of the pool; a ladle
whose day breaks a rule already is not tried. Bounds keep
:data:`~logistics.check.orders.REASON_SLACK_S` to spare, so the test errs towards "no
room".
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from logistics.check.context import TONNES_TOL, CheckContext, CheckRun
from logistics.check.ladles import back_s, check_ladles, lining_c
from logistics.check.orders import REASON_SLACK_S
from logistics.network.ladles import Ladle
from logistics.plan.model import Preheat

#: Steps of a reported ladle drop, °C (the planner rounds up to 0.1 °C).
DROP_STEP_C = 0.1


@dataclass(frozen=True)
class LadleWindow:
    """Free time of one ladle at its smelter, seconds from the plan origin.

    Attributes
    ----------
    ladle : Ladle
        The ladle.
    free_s : float
        From when it is at home and cleaned (when due) for one more fill, s
        (``-inf``: all day so far).
    ready_s : float or None
        When its lining was last ready (emptied or preheated), s; ``None``: cold.
    until_s : float
        By when it must be back home (and cleaned, when the fill after it then needs
        it) for the plan's next use of it: that fill, or its preheat, s (``inf``).
    """

    ladle: Ladle
    free_s: float
    ready_s: float | None
    until_s: float


@dataclass(frozen=True)
class LadleUse:
    """The ladle a fitted run takes: its id, drop and preheat (stand, start, end in s)."""

    ladle_id: str
    drop_c: float
    preheat: tuple[int, float, float] | None


@dataclass
class SmelterPool:
    """The plan's use of one smelter's ladles and stands, seconds.

    Attributes
    ----------
    windows : list of LadleWindow
        Every free window of every ladle of the smelter with fills left.
    heats : list of Preheat
        The plan's preheats at the smelter (for the stands).
    runs : dict of str to list of CheckRun
        The plan's runs of each ladle.
    sound : dict of str to bool
        Whether each ladle's day keeps every rule of the pool as planned (cached).
    """

    windows: list[LadleWindow]
    heats: list[Preheat]
    runs: dict[str, list[CheckRun]]
    sound: dict[str, bool]


def _windows_of(
    ctx: CheckContext, ladle: Ladle, runs: list[CheckRun], heats: list[Preheat], trips: dict
) -> list[LadleWindow]:
    """The free windows of one ladle between its runs (module docstring)."""
    p = ctx.network.params.ladles
    if len(runs) + 1 > ladle.fills_left_before_relining:
        return []
    starts = [ctx.seconds(h.start) for h in heats]
    ready = None if ladle.hot_since is None else ctx.seconds(ladle.hot_since)
    free, since, windows = -math.inf, ladle.fills_since_cleaning, []
    for r in [*sorted(runs, key=lambda r: (r.fill_start, r.row)), None]:
        if since >= p.clean_every_fills:  # cleaned before the fitted fill
            free, since = free + p.clean_min * 60.0, 0
        until = math.inf
        if r is not None:
            until = min([r.fill_start, *(s for s in starts if free <= s <= r.fill_start)])
            if since + 1 >= p.clean_every_fills:  # the next fill then waits for a cleaning
                until -= p.clean_min * 60.0
        windows.append(LadleWindow(ladle, free, ready, until))
        if r is None:
            break
        if since >= p.clean_every_fills:
            since = 0
        since += 1
        free, ready = back_s(ctx, trips[(r.truck_id, r.trip)], ladle.home_smelter), r.pour_end
    return windows


def smelter_pool(
    ctx: CheckContext, runs: Sequence[CheckRun], preheats: Sequence[Preheat], smelter_id: str
) -> SmelterPool:
    """The free windows of the smelter's ladles and the plan's preheats there.

    Parameters
    ----------
    ctx : CheckContext
        The network (its ``ladles`` and ``[ladles]``), travel model and clock.
    runs : sequence of CheckRun
        The plan's runs, seconds.
    preheats : sequence of Preheat
        The plan's preheats.
    smelter_id : str
        The smelter.

    Returns
    -------
    SmelterPool
        Its ladles' windows, in ``ladles.csv`` order and time order.
    """
    trips: dict[tuple[str, int], list[CheckRun]] = defaultdict(list)
    by_ladle: dict[str, list[CheckRun]] = defaultdict(list)
    for r in runs:
        trips[(r.truck_id, r.trip)].append(r)
        if r.ladle_id is not None:
            by_ladle[r.ladle_id].append(r)
    heats = [h for h in preheats if h.smelter_id == smelter_id]
    windows = [
        w
        for ladle in ctx.network.ladles
        if ladle.home_smelter == smelter_id
        for w in _windows_of(
            ctx,
            ladle,
            by_ladle.get(ladle.ladle_id, []),
            [h for h in heats if h.ladle_id == ladle.ladle_id],
            trips,
        )
    ]
    return SmelterPool(windows, heats, dict(by_ladle), {})


def holds(ladle: Ladle, tonnes: float, tau_h: float) -> bool:
    """Whether ``ladle`` holds ``tonnes`` (t) and is insulated as well as ``tau_h`` (h)."""
    return ladle.capacity_t >= tonnes - TONNES_TOL and ladle.tau_h >= tau_h - 1e-9


def _stand_free(pool: SmelterPool, ctx: CheckContext, start: float, end: float) -> int | None:
    """A stand of the smelter with none of the plan's preheats in ``[start, end]`` (with
    the slack each side), or ``None``."""
    for stand in range(1, ctx.network.params.ladles.preheat_stands + 1):
        if all(
            h.stand != stand
            or ctx.seconds(h.end) + REASON_SLACK_S <= start
            or ctx.seconds(h.start) >= end + REASON_SLACK_S
            for h in pool.heats
        ):
            return stand
    return None


def ladle_use(
    ctx: CheckContext,
    pool: SmelterPool,
    window: LadleWindow,
    fill_s: float,
    tap_c: float,
    tap_max_c: float,
) -> LadleUse | None:
    """The ladle of ``window`` for a fill at ``fill_s`` of metal tapped at ``tap_c``.

    Hot enough (lining at least ``cold_below_c`` and the furnace's tap ``tap_c`` plus
    the lining's drop at most ``tap_max_c``), it is filled as it is; otherwise it is
    preheated for ``preheat_min`` ending at the fill on a free stand, starting no
    earlier than the window.

    Returns
    -------
    LadleUse or None
        ``None`` when neither is possible.
    """
    p = ctx.network.params.ladles
    ambient = ctx.network.params.thermal.ambient_c
    lining = ambient if window.ready_s is None else lining_c(ctx, window.ready_s, fill_s)
    drop = math.ceil(round(p.drop_c(lining) / DROP_STEP_C, 6)) * DROP_STEP_C
    if lining >= p.cold_below_c + 1.0 and tap_c + drop <= tap_max_c:
        return LadleUse(window.ladle.ladle_id, round(drop, 1), None)
    start = fill_s - p.preheat_min * 60.0
    if start < window.free_s + REASON_SLACK_S:
        return None
    stand = _stand_free(pool, ctx, start, fill_s)
    if stand is None:
        return None
    return LadleUse(window.ladle.ladle_id, 0.0, (stand, start, fill_s))


def earliest_fill(ctx: CheckContext, window: LadleWindow) -> float:
    """The earliest fill the window allows with a preheat before it, s (``-inf``)."""
    return window.free_s + ctx.network.params.ladles.preheat_min * 60.0 + 2 * REASON_SLACK_S


def _moment(ctx: CheckContext, seconds: float) -> datetime:
    return (ctx.clock.origin + timedelta(seconds=seconds)).astimezone(ctx.clock.tz)


def preheat_row(ctx: CheckContext, smelter_id: str, use: LadleUse) -> Preheat | None:
    """The use's preheat as a row of ``preheats.csv`` (``None`` without one)."""
    if use.preheat is None:
        return None
    stand, start, end = use.preheat
    return Preheat(
        ladle_id=use.ladle_id,
        smelter_id=smelter_id,
        stand=stand,
        start=_moment(ctx, start),
        end=_moment(ctx, end),
    )


def _day_breaks(
    ctx: CheckContext, runs: list[CheckRun], heats: list[Preheat], ladle_id: str
) -> bool:
    """Whether one ladle's day breaks a rule of the pool: its runs (with the other runs of
    their trips, which decide when it is back) and the smelter's preheats, the rules
    reported of its runs and its preheats."""
    scratch = replace(ctx, violations=[], warnings=[])
    mine = {r.run_id for r in runs if r.ladle_id == ladle_id}
    named = re.compile(rf"\b{re.escape(ladle_id)}\b")
    check_ladles(scratch, runs, heats, [])
    return any(
        v.run_id in mine or (v.run_id is None and named.search(v.message))
        for v in scratch.violations
    )


def ladle_keeps_rules(
    ctx: CheckContext, pool: SmelterPool, smelter_id: str, run: CheckRun, use: LadleUse
) -> bool:
    """Whether the ladle's day with ``run`` (and its preheat) keeps every rule of the pool.

    A ladle whose day as planned breaks a rule already is never taken.
    """
    ladle_id = use.ladle_id
    runs = pool.runs.get(ladle_id, [])
    if ladle_id not in pool.sound:
        pool.sound[ladle_id] = not _day_breaks(ctx, runs, pool.heats, ladle_id)
    if not pool.sound[ladle_id]:
        return False
    heat = preheat_row(ctx, smelter_id, use)
    heats = [*pool.heats, heat] if heat is not None else pool.heats
    return not _day_breaks(ctx, [*runs, run], heats, ladle_id)
