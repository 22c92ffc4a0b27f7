"""Rules of managed supply: every managed furnace stays between its minimum and capacity.

The checker re-simulates each furnace on managed supply (``consumption.csv``) minute by
minute with its own arithmetic: its cells draw their band's tonnes per hour, each run to
the caster and alloy pours its tonnes evenly over its pour. A level above the capacity
is ``furnace_overflow``; a level below the minimum is ``furnace_low`` unless the plan
lists enough of the furnace's deliveries as unserved (the caster then melts that much
from ingots, which the plan prices) — or the furnace started the day
below its minimum, or falls below it before any truck could pour into it: the checker's
own bound, over every truck of the fleet and every smelter making the alloy, the truck's
shift start at its home smelter (or, for a truck the plan starts elsewhere,
``plan.json``'s ``truck_starts``, its start's site at the later of its shift start and
the start's moment, whichever reaches the caster earlier), the free-flow drive to that
smelter, the fill once the smelter opens (ending by its close), the free-flow drive to
the caster and the pour once the caster opens, each rounded up to whole minutes; a truck
counts only if that pour starts by its shift end and ends by the caster's close and
24:00, and with none the whole day is before the first possible pour (ladles, bays,
stock, rush hours and breaks ignored, so no plan pours earlier in whole minutes). That
dip and the start deficit plus the unserved deliveries due before the first possible
pour are one morning shortfall: the larger of the two is allowed, not their sum. A plan
that reports more such unavoidable shortfall than that bound gives is ``furnace_low``
too. For the minimum only, each run of a late delivery (one of ``plan.json``'s
``supply.deliveries`` whose id ends in ``-late``: a delivery left unserved, poured
later) counts as if it poured from its delivery's window start — the due of the
delivery it stands for — over the same pour duration, with no other allowance: the
late metal covers no dip it would not have covered on time, and a delivery renamed
``-late`` gains nothing; the overflow check keeps the real pour times. A pour into a
managed furnace that ends after 24:00 (the end of the day simulated, so part of its
metal would be in no day's levels) is ``furnace_past_day``.
The deliveries themselves (``plan.json``'s ``supply.deliveries``) are checked as orders
by every other rule; one for a furnace not on managed supply is
``delivery_not_managed``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

from logistics.check.context import TIME_TOL_S, CheckContext, CheckRun, CheckUnserved
from logistics.network.model import Network, Order
from logistics.plan.model import Plan
from logistics.plan.supply import LATE_SUFFIX

#: Tolerance of a level against the minimum and the capacity, t.
LEVEL_TOL_T = 0.001
#: Minutes of the plan day the levels are simulated over.
DAY_MINUTES = 1440
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def managed_pour_end_s(network: Network, caster_id: str, alloy: str) -> float:
    """The latest pour end the furnace's day allows, s from midnight: 24:00 (the end of
    the levels simulated) for a furnace on managed supply, ``inf`` for any other."""
    for f in network.furnaces:
        if f.supply == "managed" and (f.caster_id, f.alloy) == (caster_id, alloy):
            return DAY_MINUTES * 60.0
    return math.inf


def _check_day_end(ctx: CheckContext, furnace, runs: list[CheckRun]) -> None:
    """Every pour into a managed furnace ends by 24:00 (``furnace_past_day``)."""
    day_end = DAY_MINUTES * 60.0
    for r in runs:
        if r.pour_end > day_end + TIME_TOL_S:
            ctx.add(
                "furnace_past_day",
                f"pours into the managed furnace {furnace.caster_id}/{furnace.alloy} until "
                f"{ctx.at(r.pour_end)}, after the day's end {ctx.at(day_end)}: its levels "
                "end there",
                r,
            )


def with_deliveries(network: Network, plan: Plan) -> Network:
    """The network with the plan's managed deliveries among its orders (new ids only)."""
    if plan.supply is None or not plan.supply.deliveries:
        return network
    known = network.order_by_id
    extra = tuple(o for o in plan.supply.deliveries if o.order_id not in known)
    if not extra:
        return network
    return network.model_copy(update={"orders": network.orders + extra})


def _draw(network: Network, caster_id: str, alloy: str) -> list[float]:
    """Tonnes the furnace's cells draw in each minute of the plan day."""
    day = _DAYS[network.plan_date.weekday()]
    draw = [0.0] * DAY_MINUTES
    for band in network.consumption:
        if (band.caster_id, band.alloy) != (caster_id, alloy):
            continue
        if band.weekdays and day not in band.weekdays:
            continue
        lo, hi = band.from_h * 60.0, band.to_h * 60.0
        per_min = band.t_per_h / 60.0
        for m in range(int(lo), min(DAY_MINUTES, int(hi) + 1)):
            share = min(m + 1.0, hi) - max(float(m), lo)
            if share > 0:
                draw[m] += share * per_min
    return draw


def _inflow(ctx: CheckContext, runs: list[CheckRun]) -> list[float]:
    """Tonnes the runs pour in each minute of the plan day (evenly over each pour)."""
    inflow = [0.0] * DAY_MINUTES
    for r in runs:
        start, end = r.pour_start / 60.0, r.pour_end / 60.0
        span = max(end - start, 1e-9)
        for m in range(max(0, int(start)), min(DAY_MINUTES, int(end) + 1)):
            share = min(m + 1.0, end) - max(float(m), start)
            if share > 0:
                inflow[m] += r.tonnes * share / span
    return inflow


def _pour_at(runs: list[CheckRun], minute: int) -> CheckRun | None:
    """The last run whose pour started by ``minute`` (the pour that overflowed)."""
    started = [r for r in runs if r.pour_start / 60.0 <= minute]
    return max(started, key=lambda r: r.pour_start) if started else None


def _minute_up(seconds: float) -> float:
    """Seconds rounded up to a whole minute (float error below 1e-6 min ignored;
    ``inf`` stays), s."""
    if not math.isfinite(seconds):
        return seconds
    return math.ceil(seconds / 60.0 - 1e-6) * 60.0


def first_pour_s(ctx: CheckContext, caster_id: str, alloy: str) -> float | None:
    """The earliest moment a truck of the fleet could start pouring ``alloy`` at the
    caster, s from midnight (see the module): over every truck, where it may leave
    from (:func:`_origins_s`) and every smelter making the alloy (:func:`_reach_s`);
    24:00 when none could within the day; ``None`` without a fleet or a smelter making
    it with a road to the caster."""
    net = ctx.network
    if not net.fleet:
        return None
    makers = []
    for p in net.production:
        drive = _minute_up(ctx.travel_s("smelter", p.smelter_id, "caster", caster_id))
        if p.alloy == alloy and math.isfinite(drive):
            makers.append((net.smelter_by_id[p.smelter_id], drive))
    if not makers:
        return None
    caster = net.caster_by_id[caster_id]
    found = [
        _reach_s(ctx, t, origin, s, drive, caster)
        for t in net.fleet
        for origin in _origins_s(ctx, t)
        for s, drive in makers
    ]
    return min((x for x in found if x is not None), default=DAY_MINUTES * 60.0)


def _origins_s(ctx: CheckContext, truck) -> list[tuple[str, str, float]]:
    """Where and from when ``truck`` may leave for its first fill, ``(site kind, site,
    s)``, each moment rounded up to a whole minute: its home smelter at its shift start
    and, with a truck start of the plan's, the start's site at the later of its shift
    start and the start's moment (the truck may fill from home before that moment, or
    from the site after it, as :func:`~logistics.check.trucks.simulate_truck` lets it)."""
    shift = _minute_up(ctx.seconds(truck.shift_start))
    found = [("smelter", truck.home_smelter, shift)]
    start = ctx.truck_starts.get(truck.truck_id)
    if start is not None:
        found.append((start[0], start[1], max(shift, _minute_up(start[2]))))
    return found


def _reach_s(
    ctx: CheckContext, truck, origin: tuple[str, str, float], smelter, drive_s: float, caster
) -> float | None:
    """The earliest moment ``truck`` could start pouring at ``caster`` a ladle filled at
    ``smelter`` (``drive_s`` from it to the caster), s, each step in whole minutes
    rounded up: from ``origin`` (:func:`_origins_s`), a free-flow drive to the
    smelter, the fill once the smelter opens (ending by its close), the drive, the pour
    once the caster opens; ``None`` when the pour could not start by the truck's shift
    end, or end by the caster's close and 24:00."""
    kind, site, start = origin
    start += _minute_up(ctx.travel_s(kind, site, "smelter", smelter.smelter_id))
    fill_end = max(start, _minute_up(ctx.seconds(smelter.open))) + _minute_up(
        smelter.fill_min * 60.0
    )
    if not math.isfinite(fill_end) or fill_end > ctx.seconds(smelter.close):
        return None
    pour = max(fill_end + drive_s, _minute_up(ctx.seconds(caster.open)))
    last = min(DAY_MINUTES * 60.0, ctx.seconds(caster.close)) - _minute_up(caster.unload_min * 60.0)
    # no tolerance on the limits: the checker's bound is never earlier than the planner's
    if pour > ctx.seconds(truck.shift_end) or pour > last:
        return None
    return pour


def _unavoidable_t(ctx: CheckContext, furnace, draw: list[float]) -> float:
    """How far the furnace falls below its minimum before its first possible pour, t."""
    first = first_pour_s(ctx, furnace.caster_id, furnace.alloy)
    if first is None:
        return 0.0
    minutes = max(0, min(DAY_MINUTES, round(first / 60.0)))
    return max(0.0, furnace.min_level_t - (furnace.start_level_t - sum(draw[:minutes])))


def _check_reported(ctx: CheckContext, furnace, plan: Plan, unavoidable: float) -> None:
    """The plan's reported unavoidable shortfall is no more than the checker's bound."""
    for f in plan.supply.furnaces if plan.supply else ():
        if (f.caster_id, f.alloy) != (furnace.caster_id, furnace.alloy):
            continue
        if f.unavoidable_t > unavoidable + LEVEL_TOL_T:
            ctx.add(
                "furnace_low",
                f"furnace {furnace.caster_id}/{furnace.alloy}: the plan reports "
                f"{f.unavoidable_t:.3f} t below its minimum as unavoidable, but it falls "
                f"only {unavoidable:.3f} t below before any truck could pour into it",
            )


def _allowed_t(ctx: CheckContext, furnace, unavoidable: float, covered: list[Order]) -> float:
    """How far the level may fall below the minimum, t: the deficit it starts the day
    with plus the unserved deliveries due before the first possible pour — or, if more,
    the unavoidable dip, which is the same morning shortfall and is not counted twice —
    plus the unserved deliveries due from then on (``covered``: their tonnes left)."""
    first = first_pour_s(ctx, furnace.caster_id, furnace.alloy)
    before = max(0.0, furnace.min_level_t - furnace.start_level_t)
    after = 0.0
    for o in covered:
        if first is not None and ctx.seconds(o.window_end) < first - 30.0:
            before += o.tonnes
        else:
            after += o.tonnes
    return max(before, unavoidable) + after


def _as_due(ctx: CheckContext, runs: list[CheckRun], late: dict[str, Order]) -> list[CheckRun]:
    """The runs with each run of a late delivery (``late``: the plan's deliveries whose
    id ends in :data:`~logistics.plan.supply.LATE_SUFFIX`) moved to pour from its
    delivery's window start — the due of the delivery it stands for — over the same
    pour duration: the levels its metal would have kept, for the low-level check."""
    moved = []
    for r in runs:
        order = late.get(r.order_id)
        if order is not None:
            start = ctx.seconds(order.window_start)
            r = replace(r, pour_start=start, pour_end=start + r.pour_end - r.pour_start)
        moved.append(r)
    return moved


def _lowest(start_t: float, inflow: list[float], draw: list[float]) -> tuple[float, int | None]:
    """The furnace's lowest level over the day, t, and the minute it ends (``None`` when
    it never falls below ``start_t``)."""
    level = lowest = start_t
    low_at = None
    for m in range(DAY_MINUTES):
        level += inflow[m] - draw[m]
        if level < lowest:
            lowest, low_at = level, m + 1
    return lowest, low_at


def _check_one(
    ctx: CheckContext,
    furnace,
    runs: list[CheckRun],
    covered: list[Order],
    plan: Plan,
    late: dict[str, Order] | None = None,
) -> None:
    """One managed furnace's minute-by-minute levels against its limits (the low-level
    check with each late delivery's runs poured at its due, :func:`_as_due`)."""
    draw = _draw(ctx.network, furnace.caster_id, furnace.alloy)
    unavoidable = _unavoidable_t(ctx, furnace, draw)
    covered_t = sum(o.tonnes for o in covered)
    _check_reported(ctx, furnace, plan, unavoidable)
    inflow = _inflow(ctx, runs)
    level = furnace.start_level_t
    for m in range(DAY_MINUTES):
        level += inflow[m] - draw[m]
        if level > furnace.capacity_t + LEVEL_TOL_T:
            run = _pour_at(runs, m)
            ctx.add(
                "furnace_overflow",
                f"furnace {furnace.caster_id}/{furnace.alloy} holds {level:.2f} t at "
                f"{ctx.at((m + 1) * 60.0)}, above its capacity {furnace.capacity_t:g} t",
                run,
            )
            break
    lowest, low_at = _lowest(
        furnace.start_level_t, _inflow(ctx, _as_due(ctx, runs, late or {})), draw
    )
    allowed = _allowed_t(ctx, furnace, unavoidable, covered)
    if low_at is not None and furnace.min_level_t - lowest > allowed + LEVEL_TOL_T:
        ctx.add(
            "furnace_low",
            f"furnace {furnace.caster_id}/{furnace.alloy} falls to {lowest:.2f} t at "
            f"{ctx.at(low_at * 60.0)}, below its minimum {furnace.min_level_t:g} t "
            f"(unserved deliveries cover {covered_t:g} t, {unavoidable:.3f} t falls "
            "before any truck could pour; late deliveries counted as poured at their due)",
        )


def check_furnaces(
    ctx: CheckContext, plan: Plan, runs: list[CheckRun], unserved: list[CheckUnserved]
) -> None:
    """Managed furnaces within their limits; deliveries only for managed furnaces.

    Parameters
    ----------
    ctx : CheckContext
        The checker's context (its network has the plan's deliveries among its orders).
    plan : Plan
        The plan (its ``supply.deliveries``).
    runs, unserved : list
        The plan's runs (times in seconds from midnight) and unserved rows.
    """
    network = ctx.network
    managed = {(f.caster_id, f.alloy): f for f in network.furnaces if f.supply == "managed"}
    deliveries: dict[str, Order] = {}
    for o in plan.supply.deliveries if plan.supply else ():
        deliveries[o.order_id] = o
        if (o.caster_id, o.alloy) not in managed:
            ctx.add(
                "delivery_not_managed",
                f"delivery {o.order_id} is for {o.caster_id}/{o.alloy}, which is not on "
                "managed supply",
                order_id=o.order_id,
            )
    by_furnace: dict[tuple[str, str], list[CheckRun]] = defaultdict(list)
    for r in runs:
        by_furnace[(r.caster_id, r.alloy)].append(r)
    covered: dict[tuple[str, str], list[Order]] = defaultdict(list)
    for u in unserved:
        if u.order_id in deliveries:  # the tonnes left unserved, due when the delivery was
            left = deliveries[u.order_id].model_copy(update={"tonnes": u.tonnes})
            covered[(u.caster_id, u.alloy)].append(left)
    late = {k: o for k, o in deliveries.items() if k.endswith(LATE_SUFFIX)}
    for key, furnace in managed.items():
        _check_day_end(ctx, furnace, by_furnace.get(key, []))
        _check_one(ctx, furnace, by_furnace.get(key, []), covered.get(key, []), plan, late)


def end_levels(network: Network, plan: Plan) -> dict[tuple[str, str], float]:
    """Each furnace's level at the plan day's end, re-simulated by the checker, t.

    The level at 24:00 from the start level, the cells' draw and the plan's pours,
    plus the largest shortfall below the minimum over the day (the ingots the caster
    melted to stay at it), within ``[0, capacity]``: where the next day starts.
    """
    origin = network.origin
    levels: dict[tuple[str, str], float] = {}
    for f in network.furnaces:
        draw = _draw(network, f.caster_id, f.alloy)
        inflow = [0.0] * DAY_MINUTES
        for r in plan.runs:
            if (r.caster_id, r.alloy) != (f.caster_id, f.alloy):
                continue
            start = (r.pour_start - origin).total_seconds() / 60.0
            end = (r.pour_end - origin).total_seconds() / 60.0
            span = max(end - start, 1e-9)
            for m in range(max(0, int(start)), min(DAY_MINUTES, int(end) + 1)):
                share = min(m + 1.0, end) - max(float(m), start)
                if share > 0:
                    inflow[m] += r.tonnes * share / span
        level = lowest = f.start_level_t
        for m in range(DAY_MINUTES):
            level += inflow[m] - draw[m]
            lowest = min(lowest, level)
        shortfall = max(0.0, f.min_level_t - lowest)
        levels[(f.caster_id, f.alloy)] = min(f.capacity_t, max(0.0, level + shortfall))
    return levels
