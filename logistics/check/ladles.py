"""Rules of a ladle pool (``ladles.csv``): where each ladle is, how hot, how worn.

Re-derived from the inputs and the plan's rows alone (runs with their ``ladle_id`` and
``ladle_drop_c``, and ``preheats.csv``), never with the planner's code; the lining's
cooling is reckoned here again. Each ladle's fills are taken in time order:

* ``ladle_unknown``: a run names a ladle ``ladles.csv`` lacks, a run of a network with a
  pool names none, or a run names one in a network without a pool;
* ``ladle_home``: filled at another smelter than its home; ``ladle_fit``: holds less
  than the run's tonnes or is insulated worse (``tau_h``) than the truck's;
* ``ladle_overlap``: two runs of one ladle overlap in time (fill start to pour end);
  ``ladle_continuity``: filled before it is back at its smelter from its previous run
  (the drive from that trip's last caster after its last pour);
* ``ladle_cleaning``: after ``clean_every_fills`` fills since cleaning, the next fill (or
  preheat) starts less than ``clean_min`` after the ladle is back; ``ladle_relining``:
  more fills than its ``fills_left_before_relining``;
* ``ladle_cold``: its lining, cooling from ``ready_c`` since it was last emptied or
  preheated, is below ``cold_below_c`` at the fill; ``ladle_heat``: the heat the lining
  takes from the metal is more than the run's ``ladle_drop_c`` and the arrival,
  recomputed from the metal's true temperature after the fill, is below the caster's
  minimum plus margin; or the furnace's tap (``tap_c + ladle_drop_c``) is above
  ``tap_max_c``;
* ``preheat``: a preheat of an unknown ladle, away from its home, shorter than
  ``preheat_min``, on a stand the smelter lacks, or before the ladle is back (and
  cleaned); ``preheat_stands``: two preheats on one stand at once;
* ``ladle_reason``: tonnes unserved for ``ladles`` in a network without a pool.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from logistics.check.context import (
    ARRIVAL_TOL_C,
    TAP_TOL_C,
    TIME_TOL_S,
    TONNES_TOL,
    CheckContext,
    CheckRun,
    CheckUnserved,
)
from logistics.network.ladles import Ladle
from logistics.physics.cooling import temperature_after
from logistics.plan.model import Preheat

#: A reported drop may be this much below the recomputed one, °C (the planner rounds up
#: to 0.1 °C).
DROP_TOL_C = 0.15


@dataclass(frozen=True)
class _Heat:
    """A preheat in seconds from the plan origin."""

    row: int
    ladle_id: str
    smelter_id: str
    stand: int
    start: float
    end: float


def lining_c(ctx: CheckContext, ready_s: float | None, at_s: float) -> float:
    """The lining of a ladle last ready at ``ready_s`` (``None``: cold) at ``at_s``, °C."""
    p, ambient = ctx.network.params.ladles, ctx.network.params.thermal.ambient_c
    if ready_s is None:
        return ambient
    hours = max(0.0, at_s - ready_s) / 3600.0
    return ambient + (p.ready_c - ambient) * math.exp(-hours / p.empty_tau_h)


def back_s(ctx: CheckContext, trip: Sequence[CheckRun], smelter_id: str) -> float:
    """When a ladle of ``trip`` is back at ``smelter_id``, seconds."""
    last = max(trip, key=lambda r: r.pour_end)
    if last.caster_id not in ctx.network.caster_by_id:
        return last.pour_end
    drive = ctx.travel_s("caster", last.caster_id, "smelter", smelter_id, last.pour_end)
    return last.pour_end + drive


def _check_ids(ctx: CheckContext, r: CheckRun, ladle: Ladle | None) -> bool:
    """The run's ladle exists, is at home and fits; False when it cannot be followed."""
    pool = bool(ctx.network.ladles)
    if r.ladle_id is None:
        if pool:
            ctx.add("ladle_unknown", "names no ladle; the network has a ladle pool", r)
        return False
    if ladle is None:
        where = "not in ladles.csv" if pool else "the network has no ladles.csv"
        ctx.add("ladle_unknown", f"ladle '{r.ladle_id}': {where}", r)
        return False
    if ladle.home_smelter != r.smelter_id:
        ctx.add(
            "ladle_home",
            f"ladle {ladle.ladle_id} of {ladle.home_smelter} filled at {r.smelter_id}",
            r,
        )
    truck = ctx.network.truck_by_id.get(r.truck_id)
    if ladle.capacity_t < r.tonnes - TONNES_TOL or (truck and ladle.tau_h < truck.tau_h - 1e-9):
        ctx.add(
            "ladle_fit",
            f"ladle {ladle.ladle_id} ({ladle.capacity_t:g} t, tau {ladle.tau_h:g} h) for "
            f"{r.tonnes:g} t on truck {r.truck_id}"
            + (f" (tau {truck.tau_h:g} h)" if truck else ""),
            r,
        )
    return True


def _check_heat(
    ctx: CheckContext, r: CheckRun, ladle: Ladle, ready_s: float | None, preheated: bool
) -> None:
    """Cold at the fill (``ladle_cold``), heat taken from the metal (``ladle_heat``)."""
    net = ctx.network
    p, ambient = net.params.ladles, net.params.thermal.ambient_c
    lining = lining_c(ctx, ready_s, r.fill_start)
    if lining < p.cold_below_c - 1e-6:
        how = "never preheated" if not preheated else "preheated too long before"
        ctx.add(
            "ladle_cold",
            f"ladle {ladle.ladle_id} is cold at the fill ({ctx.at(r.fill_start)}): lining "
            f"{lining:.0f} °C, below {p.cold_below_c:g} °C ({how})",
            r,
        )
    true_drop = max(0.0, p.ready_c - lining) * p.lining_heat_share
    reported = r.ladle_drop_c or 0.0
    prod = net.production_by_key.get((r.smelter_id, r.alloy))
    if prod is not None and r.tap_c + reported > prod.tap_max_c + TAP_TOL_C + 1e-6:
        ctx.add(
            "ladle_heat",
            f"furnace tap {r.tap_c + reported:.1f} °C (tap_c {r.tap_c:g} + ladle drop "
            f"{reported:g}) is above tap_max_c {prod.tap_max_c:g}",
            r,
        )
    if reported >= true_drop - DROP_TOL_C:
        return
    truck = net.truck_by_id.get(r.truck_id)
    caster = net.caster_by_id.get(r.caster_id)
    arrival = ""
    if truck is not None and caster is not None:
        start_c = r.tap_c + reported - true_drop
        hold_h = (r.pour_start - r.fill_end) / 3600.0
        got = temperature_after(start_c, hold_h, truck.tau_h, ambient)
        needed = caster.min_pour_c + net.params.thermal.margin_c
        below = got < needed - ARRIVAL_TOL_C
        arrival = f"; arrives at {got:.1f} °C" + (f", below {needed:g} °C" if below else "")
    ctx.add(
        "ladle_heat",
        f"ladle {ladle.ladle_id}'s lining at {lining:.0f} °C takes {true_drop:.1f} °C from "
        f"the metal, the run reports {reported:g} °C{arrival}",
        r,
    )


@dataclass
class _Track:
    """One ladle followed through the day."""

    ladle: Ladle
    ready_s: float | None
    fills_since: int
    fills: int = 0
    prev: CheckRun | None = None
    back_s: float = -math.inf


def _track(ctx: CheckContext, ladle: Ladle) -> _Track:
    """A ladle as the day finds it: its heat and its fills since cleaning."""
    ready = None if ladle.hot_since is None else ctx.seconds(ladle.hot_since)
    return _Track(ladle, ready, ladle.fills_since_cleaning)


def _check_fill(ctx: CheckContext, t: _Track, r: CheckRun, heats: list[_Heat], back: float) -> None:
    """One fill of ``t``'s ladle: where it is, cleaning, relining, heat."""
    p = ctx.network.params.ladles
    lid = t.ladle.ladle_id
    if t.prev is not None and r.fill_start < t.prev.pour_end - TIME_TOL_S:
        ctx.add("ladle_overlap", f"ladle {lid} is still in run {t.prev.run_id}", r)
    elif r.fill_start < t.back_s - TIME_TOL_S:
        ctx.add(
            "ladle_continuity",
            f"ladle {lid} is back at {t.ladle.home_smelter} at {ctx.at(t.back_s)} from run "
            f"{t.prev.run_id if t.prev else '?'}, after this fill starts {ctx.at(r.fill_start)}",
            r,
        )
    mine = [h for h in heats if t.back_s - TIME_TOL_S <= h.start and h.end <= r.fill_start + 1]
    if t.fills_since >= p.clean_every_fills:
        first = min([r.fill_start, *(h.start for h in mine)])
        if first < t.back_s + p.clean_min * 60.0 - TIME_TOL_S:
            ctx.add(
                "ladle_cleaning",
                f"ladle {lid} has {t.fills_since} fills since cleaning (cleaned every "
                f"{p.clean_every_fills}); {p.clean_min:g} min of cleaning after it is back "
                f"at {ctx.at(t.back_s)} do not fit before {ctx.at(first)}",
                r,
            )
        t.fills_since = 0
    t.fills += 1
    if t.fills > t.ladle.fills_left_before_relining:
        ctx.add(
            "ladle_relining",
            f"fill {t.fills} of ladle {lid}, which has "
            f"{t.ladle.fills_left_before_relining} fills left before relining",
            r,
        )
    if mine:
        t.ready_s = max(h.end for h in mine)
    _check_heat(ctx, r, t.ladle, t.ready_s, bool(mine))
    t.fills_since += 1
    t.ready_s, t.prev, t.back_s = r.pour_end, r, back


def _heats(ctx: CheckContext, preheats: Sequence[Preheat]) -> list[_Heat]:
    """The preheats in seconds, each checked on its own (``preheat``) and on its stand
    (``preheat_stands``)."""
    p = ctx.network.params.ladles
    by_id = {lad.ladle_id: lad for lad in ctx.network.ladles}
    heats = [
        _Heat(row, h.ladle_id, h.smelter_id, h.stand, ctx.seconds(h.start), ctx.seconds(h.end))
        for row, h in enumerate(preheats, start=2)
    ]
    for h in heats:
        ladle = by_id.get(h.ladle_id)
        problem = None
        if ladle is None:
            problem = f"ladle '{h.ladle_id}' is not in ladles.csv"
        elif ladle.home_smelter != h.smelter_id:
            problem = f"ladle {h.ladle_id} belongs to {ladle.home_smelter}"
        elif h.stand > p.preheat_stands:
            problem = f"stand {h.stand}; {h.smelter_id} has {p.preheat_stands}"
        elif h.end - h.start < p.preheat_min * 60.0 - TIME_TOL_S:
            problem = f"{(h.end - h.start) / 60:.0f} min; preheating takes {p.preheat_min:g} min"
        if problem:
            ctx.add("preheat", f"preheats.csv row {h.row}: {problem}")
    on_stand: dict[tuple[str, int], list[_Heat]] = defaultdict(list)
    for h in heats:
        on_stand[(h.smelter_id, h.stand)].append(h)
    for (smelter_id, stand), booked in on_stand.items():
        booked.sort(key=lambda h: h.start)
        for a, b in pairwise(booked):
            if b.start < a.end - TIME_TOL_S:
                ctx.add(
                    "preheat_stands",
                    f"preheats.csv rows {a.row} and {b.row}: ladles {a.ladle_id} and "
                    f"{b.ladle_id} on stand {stand} of {smelter_id} at once "
                    f"({ctx.at(b.start)}–{ctx.at(a.end)})",
                )
    return heats


def _check_away(ctx: CheckContext, heats: list[_Heat], away: dict[str, list[tuple]]) -> None:
    """A preheat while its ladle is away (from its fill until it is back): ``preheat``."""
    for h in heats:
        for run_id, start, back in away.get(h.ladle_id, []):
            if h.start < back - TIME_TOL_S and h.end > start + TIME_TOL_S:
                ctx.add(
                    "preheat",
                    f"preheats.csv row {h.row}: ladle {h.ladle_id} is on run {run_id} "
                    f"until {ctx.at(back)}",
                )


def check_ladles(
    ctx: CheckContext,
    runs: Sequence[CheckRun],
    preheats: Sequence[Preheat],
    unserved: Sequence[CheckUnserved],
) -> None:
    """Every rule of the ladle pool (module docstring).

    Parameters
    ----------
    ctx : CheckContext
        The network (its ``ladles`` and ``[ladles]``), travel model and report.
    runs : sequence of CheckRun
        The plan's runs, seconds from the origin.
    preheats : sequence of Preheat
        The plan's preheats (``preheats.csv``).
    unserved : sequence of CheckUnserved
        The plan's unserved rows.
    """
    net = ctx.network
    if not net.ladles:
        for u in unserved:
            if u.reason == "ladles":
                ctx.add(
                    "ladle_reason",
                    f"unserved.csv row {u.row} says ladles; the network has no ladle pool",
                    order_id=u.order_id,
                )
    if not net.ladles and not preheats and all(r.ladle_id is None for r in runs):
        return
    by_id = {lad.ladle_id: lad for lad in net.ladles}
    heats = _heats(ctx, preheats)
    trips: dict[tuple[str, int], list[CheckRun]] = defaultdict(list)
    for r in runs:
        trips[(r.truck_id, r.trip)].append(r)
    tracks = {lad.ladle_id: _track(ctx, lad) for lad in net.ladles}
    away: dict[str, list[tuple]] = defaultdict(list)
    for r in sorted(runs, key=lambda r: (r.fill_start, r.row)):
        ladle = by_id.get(r.ladle_id) if r.ladle_id is not None else None
        if not _check_ids(ctx, r, ladle) or ladle is None:
            continue
        back = back_s(ctx, trips[(r.truck_id, r.trip)], ladle.home_smelter)
        mine = [h for h in heats if h.ladle_id == ladle.ladle_id]
        _check_fill(ctx, tracks[ladle.ladle_id], r, mine, back)
        away[ladle.ladle_id].append((r.run_id, r.fill_start, back))
    _check_away(ctx, heats, away)
