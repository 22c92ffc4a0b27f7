"""Rules about orders: every tonne delivered or unserved, and unserved rows that hold up."""

from __future__ import annotations

import math
from collections import defaultdict

from logistics.check.context import (
    ACCOUNTING_TOL_T,
    CheckContext,
    CheckRun,
    CheckUnserved,
    minutes_text,
)
from logistics.plan.files import UNSERVED_FILE
from logistics.planning.reasons import UNSERVED_REASONS

#: A reason decided by the inputs is reported wrong only if the order is servable by
#: this margin, s: the planner rounds driving minutes up and times to the minute.
REASON_SLACK_S = 120.0


def check_unserved_rows(ctx: CheckContext, unserved: list[CheckUnserved]) -> None:
    for u in unserved:
        where = f"{UNSERVED_FILE} row {u.row}"
        order = ctx.network.order_by_id.get(u.order_id)
        problems = []
        if order is None:
            problems.append(f"unknown order '{u.order_id}'")
        elif order.caster_id != u.caster_id or order.alloy != u.alloy:
            problems.append(
                f"says {u.alloy} to {u.caster_id}, but the order is {order.alloy} to "
                f"{order.caster_id}"
            )
        if u.tonnes <= 0:
            problems.append(f"tonnes {u.tonnes:g} is not positive")
        if u.reason not in UNSERVED_REASONS:
            problems.append(f"reason '{u.reason}' is not one of {', '.join(UNSERVED_REASONS)}")
        if problems:
            ctx.add("unserved_row", f"{where}: {'; '.join(problems)}", order_id=u.order_id)


def check_accounting(
    ctx: CheckContext, runs: list[CheckRun], unserved: list[CheckUnserved]
) -> None:
    delivered: dict[str, float] = defaultdict(float)
    for r in runs:
        delivered[r.order_id] += r.tonnes
    not_delivered: dict[str, float] = defaultdict(float)
    for u in unserved:
        not_delivered[u.order_id] += u.tonnes
    day = {o.order_id for o in ctx.network.day_orders}
    ids = day | set(delivered) | set(not_delivered)
    for order_id in sorted(ids):
        order = ctx.network.order_by_id.get(order_id)
        if order is None:
            continue  # reported as unknown_id / unserved_row
        got, missing = delivered.get(order_id, 0.0), not_delivered.get(order_id, 0.0)
        if got > order.tonnes + ACCOUNTING_TOL_T:
            ctx.add(
                "order_accounting",
                f"delivers {got:.3f} t, more than the {order.tonnes:g} t ordered",
                order_id=order_id,
            )
        elif order_id in day and abs(got + missing - order.tonnes) > ACCOUNTING_TOL_T:
            ctx.add(
                "order_accounting",
                f"delivered {got:.3f} t + unserved {missing:.3f} t = "
                f"{got + missing:.3f} t, but {order.tonnes:g} t were ordered",
                order_id=order_id,
            )


def _window_bounds(ctx: CheckContext, order) -> tuple[float, float, float]:
    """Seconds: first and last pour start the window and caster hours allow; lead end."""
    net = ctx.network
    caster = net.caster_by_id[order.caster_id]
    lo = max(ctx.seconds(order.window_start), ctx.seconds(caster.open))
    hi = min(ctx.seconds(order.window_end), ctx.seconds(caster.close) - caster.unload_min * 60)
    lead = ctx.seconds(order.placed_at) + net.params.planning.lead_time_h * 3600
    return lo, hi, lead


def _reach(ctx: CheckContext, order) -> list[tuple[str, float, float]]:
    """Smelters making the alloy with ``(smelter_id, drive_s, hold_limit_s)``.

    The hold limit is that of metal tapped at ``tap_max_c`` in the best-insulated ladle
    of the fleet, arriving at ``min_pour_c + margin_c``.
    """
    net = ctx.network
    caster = net.caster_by_id[order.caster_id]
    thermal = net.params.thermal
    needed = caster.min_pour_c + thermal.margin_c
    tau = max(t.tau_h for t in net.fleet)
    out = []
    for prod in net.production:
        if prod.alloy != order.alloy:
            continue
        drive = ctx.travel_s("smelter", prod.smelter_id, "caster", order.caster_id)
        if needed <= thermal.ambient_c:
            hold = math.inf
        elif prod.tap_max_c <= needed:
            hold = 0.0
        else:
            hold = tau * math.log(
                (prod.tap_max_c - thermal.ambient_c) / (needed - thermal.ambient_c)
            )
            hold *= 3600.0
        out.append((prod.smelter_id, drive, hold))
    return out


def _pour_possible(ctx: CheckContext, order, smelter_id: str, drive_s: float) -> bool:
    """Whether a ladle from this smelter could in principle pour in the window (relaxed).

    A ladle fills no earlier than the smelter opens and the first shift starts, drives
    straight there, pours inside the window and lead time, and its truck gets home by
    the last shift end. It says "possible" only with :data:`REASON_SLACK_S` to spare on
    each bound: the planner rounds driving minutes up, so an order it finds a few seconds
    short of its window really is a ``window`` order.
    """
    net = ctx.network
    smelter = net.smelter_by_id[smelter_id]
    caster = net.caster_by_id[order.caster_id]
    lo, hi, lead = _window_bounds(ctx, order)
    first_shift = min(ctx.seconds(t.shift_start) for t in net.fleet)
    last_shift = max(ctx.seconds(t.shift_end) for t in net.fleet)
    fill_s = smelter.fill_min * 60
    earliest_pour = max(lo, lead, max(ctx.seconds(smelter.open), first_shift) + fill_s + drive_s)
    home = min(
        ctx.travel_s("caster", order.caster_id, "smelter", t.home_smelter) for t in net.fleet
    )
    latest_fill_end = ctx.seconds(smelter.close)
    return (
        earliest_pour <= hi - REASON_SLACK_S
        and earliest_pour + caster.unload_min * 60 + home <= last_shift - REASON_SLACK_S
        and max(ctx.seconds(smelter.open), first_shift) + fill_s <= latest_fill_end - REASON_SLACK_S
    )


def check_unserved_reasons(ctx: CheckContext, unserved: list[CheckUnserved]) -> None:
    """Reasons the inputs decide must be true: ``no_source``, ``lead_time``,
    ``thermal_reach`` and ``window`` are re-derived from the network alone.

    Each test is a relaxation of the planner's (it errs towards "could be served" by
    :data:`REASON_SLACK_S`), so a correct reason is never reported.
    """
    net = ctx.network
    for u in unserved:
        order = net.order_by_id.get(u.order_id)
        if order is None or order.caster_id not in net.caster_by_id:
            continue
        makers = [p for p in net.production if p.alloy == order.alloy]
        lo, hi, lead = _window_bounds(ctx, order)
        problem = None
        if u.reason == "no_source":
            if makers:
                problem = f"{', '.join(sorted(p.smelter_id for p in makers))} make {order.alloy}"
        elif u.reason == "lead_time":
            if lead <= hi - REASON_SLACK_S:
                problem = (
                    f"placed {ctx.at(ctx.seconds(order.placed_at))} + "
                    f"{net.params.planning.lead_time_h:g} h = {ctx.at(lead)}, before the last "
                    f"pour start the window allows ({ctx.at(hi)})"
                )
        elif u.reason == "thermal_reach":
            near = [(s, d, h) for s, d, h in _reach(ctx, order) if d < h - REASON_SLACK_S]
            if near:
                s, d, h = min(near, key=lambda x: x[1])
                problem = (
                    f"{s} is {minutes_text(d)} away and metal tapped at its tap_max_c keeps "
                    f"hot enough for {minutes_text(h)} in the best ladle of the fleet"
                )
        elif u.reason == "window" and hi >= lo:
            for s, d, h in _reach(ctx, order):
                if d <= h and _pour_possible(ctx, order, s, d):
                    problem = (
                        f"a ladle from {s} ({minutes_text(d)} away) can pour inside the "
                        f"window {ctx.at(lo)}–{ctx.at(hi)}"
                    )
                    break
            else:
                if not any(d <= h for _, d, h in _reach(ctx, order)):
                    problem = "no smelter is in thermal reach: the reason is thermal_reach"
        if problem is not None:
            ctx.add(
                "unserved_reason",
                f"{UNSERVED_FILE} row {u.row} says {u.reason}, but {problem}",
                order_id=u.order_id,
            )
