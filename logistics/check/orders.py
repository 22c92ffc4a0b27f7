"""Rules about orders: every tonne delivered or unserved, and unserved rows that hold up."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from logistics.check.context import (
    ACCOUNTING_TOL_T,
    CheckContext,
    CheckRun,
    CheckUnserved,
    minutes_text,
)
from logistics.check.furnaces import managed_pour_end_s
from logistics.check.quantile import slow_factor
from logistics.network.model import Order
from logistics.plan.files import UNSERVED_FILE
from logistics.plan.reasons import PLANNER_REASONS, UNSERVED_REASONS

#: A reason the inputs decide holds, or fails, only by this margin, s (in between either
#: is accepted): the planner rounds driving minutes up and times to the minute.
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
    """Seconds: first and last pour start the window and caster hours allow (a pour into a
    managed furnace ending by 24:00); lead end."""
    net = ctx.network
    caster = net.caster_by_id[order.caster_id]
    lo = max(ctx.seconds(order.window_start), ctx.seconds(caster.open))
    pour_end = min(ctx.seconds(caster.close), managed_pour_end_s(net, order.caster_id, order.alloy))
    hi = min(ctx.seconds(order.window_end), pour_end - caster.unload_min * 60)
    lead = ctx.seconds(order.placed_at) + net.params.planning.lead_time_h * 3600
    return lo, hi, lead


def _reach(ctx: CheckContext, order) -> list[tuple[str, float, float]]:
    """Smelters making the alloy with ``(smelter_id, drive_s, hold_limit_s)``.

    The hold limit is that of metal tapped at ``tap_max_c`` in the best-insulated ladle
    of the fleet, arriving at ``min_pour_c + margin_c``; for a plan claiming the risk
    target also at ``min_pour_c`` after the drive slowed by its quantile
    (:func:`logistics.check.quantile.slow_factor`): at most ``H_min − drive (Q − 1)``.
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
        slow = slow_factor(ctx, prod.smelter_id, order.caster_id)
        if slow > 1.0 and caster.min_pour_c > thermal.ambient_c:
            ratio = (prod.tap_max_c - thermal.ambient_c) / (caster.min_pour_c - thermal.ambient_c)
            at_min = tau * math.log(ratio) * 3600.0 if ratio > 1.0 else 0.0
            hold = min(hold, at_min - drive * (slow - 1.0))
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
    first_shift, last_shift = ctx.fleet_shift_s
    fill_s = smelter.fill_min * 60
    earliest_pour = max(lo, lead, max(ctx.seconds(smelter.open), first_shift) + fill_s + drive_s)
    home = min(
        ctx.travel_s("caster", order.caster_id, "smelter", h) for h in ctx.fleet_home_smelters
    )
    latest_fill_end = ctx.seconds(smelter.close)
    return (
        earliest_pour <= hi - REASON_SLACK_S
        and earliest_pour + caster.unload_min * 60 + home <= last_shift - REASON_SLACK_S
        and max(ctx.seconds(smelter.open), first_shift) + fill_s <= latest_fill_end - REASON_SLACK_S
    )


#: Verdicts of one reason test: the reason certainly holds, certainly fails, or the
#: inputs are within :data:`REASON_SLACK_S` of deciding either way.
HOLDS, FAILS, UNSURE = "holds", "fails", "unsure"


@dataclass(frozen=True)
class ReasonTest:
    """One step of deciding an order's reason from the inputs.

    Attributes
    ----------
    reason : str
        The reason tested.
    verdict : str
        :data:`HOLDS`, :data:`FAILS` or :data:`UNSURE`.
    why : str
        Why it holds or fails, for messages (empty when unsure).
    """

    reason: str
    verdict: str
    why: str = ""


def _makes(smelter_ids: list[str], alloy: str) -> str:
    """``S2 makes ZL114A`` / ``S1, S2 make ADC12``."""
    verb = "makes" if len(smelter_ids) == 1 else "make"
    return f"{', '.join(sorted(smelter_ids))} {verb} {alloy}"


def _hold_text(s: str, d: float, h: float, caster_id: str) -> str:
    """How far smelter ``s`` is from the caster against how long its metal keeps hot."""
    if not math.isfinite(d):
        return f"{s} has no road to {caster_id}"
    return (
        f"{s} is {minutes_text(d)} away and metal tapped at its tap_max_c keeps hot enough "
        f"for {minutes_text(h)} in the best ladle of the fleet"
    )


def _source_test(ctx: CheckContext, order: Order) -> ReasonTest:
    """``no_source``: no smelter makes the order's alloy."""
    alloy = order.alloy
    makers = sorted({p.smelter_id for p in ctx.network.production if p.alloy == alloy})
    if not makers:
        return ReasonTest("no_source", HOLDS, f"no smelter makes {alloy}")
    return ReasonTest("no_source", FAILS, _makes(makers, alloy))


def _hours_test(ctx: CheckContext, order: Order, lo: float, hi: float) -> ReasonTest:
    """``window``: the order's window misses the caster's hours (``lo``, ``hi`` in s)."""
    caster_id = order.caster_id
    if hi < lo - REASON_SLACK_S:
        hours = f"{caster_id}'s hours"
        if math.isfinite(managed_pour_end_s(ctx.network, caster_id, order.alloy)):
            hours += " and its managed furnace's day (pours end by 24:00)"
        why = (
            f"the window misses {hours}: the first pour start they allow is "
            f"{ctx.at(lo)}, the last {ctx.at(hi)}"
        )
        return ReasonTest("window", HOLDS, why)
    starts = (
        f"{caster_id}'s hours allow pour starts in the window from {ctx.at(lo)} to {ctx.at(hi)}"
    )
    return ReasonTest("window", FAILS if hi >= lo + REASON_SLACK_S else UNSURE, starts)


def _lead_time_test(ctx: CheckContext, order: Order, hi: float, lead: float) -> ReasonTest:
    """``lead_time``: the order came too late for its window's last pour start (s)."""
    placed = (
        f"placed {ctx.at(ctx.seconds(order.placed_at))} + "
        f"{ctx.network.params.planning.lead_time_h:g} h = {ctx.at(lead)}"
    )
    if lead > hi + REASON_SLACK_S:
        why = f"{placed}, after the last pour start the window allows ({ctx.at(hi)})"
        return ReasonTest("lead_time", HOLDS, why)
    if lead <= hi - REASON_SLACK_S:
        why = f"{placed}, before the last pour start the window allows ({ctx.at(hi)})"
        return ReasonTest("lead_time", FAILS, why)
    return ReasonTest("lead_time", UNSURE)


def _thermal_test(order: Order, reach: list[tuple[str, float, float]]) -> ReasonTest:
    """``thermal_reach``: no smelter making the alloy is near enough to arrive hot."""
    caster_id = order.caster_id
    near = [(s, d, h) for s, d, h in reach if d < h - REASON_SLACK_S]
    if near:
        s, d, h = min(near, key=lambda x: x[1])
        return ReasonTest("thermal_reach", FAILS, _hold_text(s, d, h, caster_id))
    if all(d > h + REASON_SLACK_S for _, d, h in reach):
        s, d, h = min(reach, key=lambda x: x[1] - x[2])
        why = (
            f"no smelter making {order.alloy} is within thermal reach of {caster_id} "
            f"({_hold_text(s, d, h, caster_id)})"
        )
        return ReasonTest("thermal_reach", HOLDS, why)
    return ReasonTest("thermal_reach", UNSURE)


def _window_test(
    ctx: CheckContext, order: Order, reach: list[tuple[str, float, float]], lo: float, hi: float
) -> ReasonTest:
    """``window`` (never holds here): whether a ladle from a smelter in reach can pour in it."""
    in_reach = [(s, d, h) for s, d, h in reach if d <= h]
    pours = [(s, d, h) for s, d, h in in_reach if hi >= lo and _pour_possible(ctx, order, s, d)]
    if not in_reach:
        why = f"no smelter making {order.alloy} is within thermal reach of {order.caster_id}"
        return ReasonTest("window", FAILS, why)
    # Only a smelter clearly in reach decides: one within the slack of its hold limit
    # (the planner rounds the drive up and the hold down) leaves the test unsure.
    clear = [(s, d) for s, d, h in pours if d < h - REASON_SLACK_S]
    if clear:
        s, d = clear[0]
        why = (
            f"a ladle from {s} ({minutes_text(d)} away) can pour inside the window "
            f"{ctx.at(lo)}–{ctx.at(hi)}"
        )
        return ReasonTest("window", FAILS, why)
    return ReasonTest("window", UNSURE)


def _tests_in_order(ctx: CheckContext, order: Order) -> Iterator[ReasonTest]:
    """Every reason test, in the order reasons are given; lazy, so a caller can stop."""
    yield _source_test(ctx, order)
    lo, hi, lead = _window_bounds(ctx, order)
    yield _hours_test(ctx, order, lo, hi)
    yield _lead_time_test(ctx, order, hi, lead)
    reach = _reach(ctx, order)
    yield _thermal_test(order, reach)
    yield _window_test(ctx, order, reach, lo, hi)


def reason_tests(ctx: CheckContext, order: Order) -> list[ReasonTest]:
    """The reason tests the inputs decide, in order, up to the first that holds.

    The order is the one in which reasons are given: ``no_source``; ``window`` when the
    window misses the caster's hours; ``lead_time``; ``thermal_reach``; ``window`` when
    no ladle from a smelter in reach can pour in it. The first that holds is the order's
    reason. A test holds or fails only with :data:`REASON_SLACK_S` to spare; in between
    it is unsure, and the reason may be that one or a later one.

    Parameters
    ----------
    ctx : CheckContext
        The network, its travel model and clock.
    order : Order
        An order of the network whose caster exists.

    Returns
    -------
    list of ReasonTest
        One test per step, ending at the first that holds (if any).
    """
    tests: list[ReasonTest] = []
    for test in _tests_in_order(ctx, order):
        tests.append(test)
        if test.verdict == HOLDS:
            break
    return tests


def reason_problem(tests: list[ReasonTest], written: str) -> str | None:
    """Why ``written`` is not the reason the tests allow, or None when it is allowed.

    Allowed are the reasons of the tests that hold or are unsure, and the planner's
    reasons (:data:`PLANNER_REASONS`) when no test holds.

    Parameters
    ----------
    tests : list of ReasonTest
        From :func:`reason_tests`.
    written : str
        The reason of the unserved row.

    Returns
    -------
    str or None
        The problem, naming the reason the inputs decide where they decide one.
    """
    allowed = [t.reason for t in tests if t.verdict != FAILS]
    decided = tests[-1] if tests[-1].verdict == HOLDS else None
    if decided is None:
        allowed += PLANNER_REASONS
    if written in allowed:
        return None
    if decided is not None:
        names = " or ".join(dict.fromkeys(allowed))
        return f"{decided.why}: the reason is {names}"
    return next(t.why for t in reversed(tests) if t.reason == written)


def check_unserved_reasons(ctx: CheckContext, unserved: list[CheckUnserved]) -> None:
    """Where the inputs decide an order's reason, an unserved row must give that one.

    ``no_source``, ``lead_time``, ``thermal_reach`` and ``window`` are re-derived from
    the network alone (:func:`reason_tests`): a row giving one that fails is wrong, and
    so is a row giving any other reason (``production``, ``fleet``, ``cost`` too) when
    one of them holds. The tests err towards "unsure" by :data:`REASON_SLACK_S`, so a
    reason the planner gives is never reported.
    """
    net = ctx.network
    for u in unserved:
        order = net.order_by_id.get(u.order_id)
        if order is None or order.caster_id not in net.caster_by_id:
            continue
        problem = reason_problem(reason_tests(ctx, order), u.reason)
        if problem is not None:
            ctx.add(
                "unserved_reason",
                f"{UNSERVED_FILE} row {u.row} says {u.reason}, but {problem}",
                order_id=u.order_id,
            )
