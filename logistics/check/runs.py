"""Rules about one run at a time: ids, durations, sizes, hours, windows, temperatures."""

from __future__ import annotations

import math
from itertools import pairwise

from logistics.check.context import (
    ARRIVAL_REPORT_TOL_C,
    ARRIVAL_TOL_C,
    ROAD_KM_REL_TOL,
    ROAD_KM_TOL,
    SUPERHEAT_TOL_C,
    TAP_TOL_C,
    TIME_TOL_S,
    TONNES_TOL,
    CheckContext,
    CheckRun,
    minutes_text,
)
from logistics.network.model import Caster, Order, Production, Smelter, Truck
from logistics.physics.cooling import min_tap_c, temperature_after

_TIME_FIELDS = ("fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end")


def check_duplicates(ctx: CheckContext, runs: list[CheckRun]) -> None:
    """A run id given twice (``duplicate_run``, naming the rows)."""
    first: dict[str, int] = {}
    for r in runs:
        if r.run_id in first:
            ctx.add(
                "duplicate_run",
                f"run_id {r.run_id} at row {r.row} repeats row {first[r.run_id]}",
                r,
            )
        else:
            first[r.run_id] = r.row


def _check_ids(
    ctx: CheckContext,
    r: CheckRun,
    truck: Truck | None,
    order: Order | None,
    smelter: Smelter | None,
    caster: Caster | None,
) -> None:
    """Every id the run names exists, and the run matches its order's caster and alloy."""
    unknown = [
        f"{label} '{value}'"
        for label, value, obj in (
            ("truck", r.truck_id, truck),
            ("order", r.order_id, order),
            ("smelter", r.smelter_id, smelter),
            ("caster", r.caster_id, caster),
        )
        if obj is None
    ]
    if truck is None and r.truck_id in ctx.network.trucks_out:
        unknown = [u for u in unknown if not u.startswith("truck ")]
        day = ctx.network.plan_date.isoformat()
        ctx.add("unknown_id", f"truck '{r.truck_id}' is out on {day} (row {r.row})", r)
    if unknown:
        ctx.add("unknown_id", f"unknown {', '.join(unknown)} (row {r.row})", r)
    if order is not None and (order.caster_id != r.caster_id or order.alloy != r.alloy):
        ctx.add(
            "order_mismatch",
            f"run is {r.alloy} to {r.caster_id}, but order {order.order_id} is "
            f"{order.alloy} to {order.caster_id}",
            r,
        )


def _check_durations(
    ctx: CheckContext,
    r: CheckRun,
    truck: Truck | None,
    smelter: Smelter | None,
    caster: Caster | None,
) -> None:
    """Fill and pour long enough (minutes per ladle), ladle not over the truck's size (t)."""
    if smelter is not None and r.fill_end - r.fill_start < smelter.fill_min * 60 - TIME_TOL_S:
        ctx.add(
            "fill_duration",
            f"fills {ctx.at(r.fill_start)}–{ctx.at(r.fill_end)} "
            f"({minutes_text(r.fill_end - r.fill_start)}); smelter {smelter.smelter_id} "
            f"needs {smelter.fill_min:g} min per ladle",
            r,
        )
    if caster is not None and r.pour_end - r.pour_start < caster.unload_min * 60 - TIME_TOL_S:
        ctx.add(
            "pour_duration",
            f"pours {ctx.at(r.pour_start)}–{ctx.at(r.pour_end)} "
            f"({minutes_text(r.pour_end - r.pour_start)}); caster {caster.caster_id} "
            f"needs {caster.unload_min:g} min per ladle",
            r,
        )
    if truck is not None and not (0 < r.tonnes <= truck.ladle_t + TONNES_TOL):
        ctx.add(
            "ladle_size",
            f"{r.tonnes:g} t in one ladle; truck {truck.truck_id} carries ladles of "
            f"more than 0 and at most {truck.ladle_t:g} t",
            r,
        )


def _check_site_hours(
    ctx: CheckContext, r: CheckRun, smelter: Smelter | None, caster: Caster | None
) -> None:
    """Fills within the smelter's hours, pours within the caster's."""
    if smelter is not None:
        opens, closes = ctx.seconds(smelter.open), ctx.seconds(smelter.close)
        if r.fill_start < opens - TIME_TOL_S or r.fill_end > closes + TIME_TOL_S:
            ctx.add(
                "smelter_hours",
                f"fills {ctx.at(r.fill_start)}–{ctx.at(r.fill_end)} outside smelter "
                f"{smelter.smelter_id}'s hours {ctx.at(opens)}–{ctx.at(closes)}",
                r,
            )
    if caster is not None:
        opens, closes = ctx.seconds(caster.open), ctx.seconds(caster.close)
        if r.pour_start < opens - TIME_TOL_S or r.pour_end > closes + TIME_TOL_S:
            ctx.add(
                "caster_hours",
                f"pours {ctx.at(r.pour_start)}–{ctx.at(r.pour_end)} outside caster "
                f"{caster.caster_id}'s hours {ctx.at(opens)}–{ctx.at(closes)}",
                r,
            )


def _check_order_times(ctx: CheckContext, r: CheckRun, order: Order) -> None:
    """The pour starts no sooner than the lead time after the order, and within its window."""
    lead_time_h = ctx.network.params.planning.lead_time_h
    earliest = ctx.seconds(order.placed_at) + lead_time_h * 3600
    if r.pour_start < earliest - TIME_TOL_S:
        ctx.add(
            "lead_time",
            f"pours at {ctx.at(r.pour_start)}, but order placed "
            f"{ctx.at(ctx.seconds(order.placed_at))} + "
            f"{lead_time_h:g} h allows {ctx.at(earliest)} "
            "at the earliest",
            r,
        )
    start, end = ctx.seconds(order.window_start), ctx.seconds(order.window_end)
    if r.pour_start < start - TIME_TOL_S or r.pour_start > end + TIME_TOL_S:
        ctx.add(
            "window",
            f"pour starts {ctx.at(r.pour_start)} outside the order window "
            f"{ctx.at(start)}–{ctx.at(end)}",
            r,
        )


def _check_tap_range(ctx: CheckContext, r: CheckRun, production: Production) -> None:
    """Tapped within the production's tap range, °C."""
    if not (production.tap_min_c - TAP_TOL_C <= r.tap_c <= production.tap_max_c + TAP_TOL_C):
        ctx.add(
            "tap_range",
            f"tapped at {r.tap_c:g} °C; {r.smelter_id} taps {r.alloy} at "
            f"{production.tap_min_c:g}–{production.tap_max_c:g} °C",
            r,
        )


def _check_road_km(ctx: CheckContext, r: CheckRun) -> None:
    """The reported road km from smelter to caster is the travel model's."""
    km = float(ctx.travel.km[ctx.travel.smelter(r.smelter_id), ctx.travel.caster(r.caster_id)])
    if not math.isfinite(km) or abs(r.road_km - km) > max(ROAD_KM_TOL, ROAD_KM_REL_TOL * km):
        ctx.add(
            "road_km",
            f"reports {r.road_km:g} km from {r.smelter_id} to {r.caster_id}; the "
            f"travel model gives {km:.3f} km",
            r,
        )


def check_run(ctx: CheckContext, r: CheckRun) -> None:
    """Every rule about one run on its own, in the report's order.

    Ids, time order, durations and ladle size, production, site hours, lead time and
    window, tap range, temperatures (:func:`check_temperature`) and road km; a rule
    that needs a site, truck or order the network lacks is skipped (``unknown_id``
    reports it).

    Parameters
    ----------
    ctx : CheckContext
        The network, travel model and the report the violations go to.
    r : CheckRun
        The run, times in seconds from the plan origin.
    """
    net = ctx.network
    truck = net.truck_by_id.get(r.truck_id)
    order = net.order_by_id.get(r.order_id)
    smelter = net.smelter_by_id.get(r.smelter_id)
    caster = net.caster_by_id.get(r.caster_id)
    _check_ids(ctx, r, truck, order, smelter, caster)
    check_time_order(ctx, r)
    _check_durations(ctx, r, truck, smelter, caster)
    production = net.production_by_key.get((r.smelter_id, r.alloy))
    if smelter is not None and production is None:
        ctx.add("no_production", f"smelter {r.smelter_id} does not make {r.alloy}", r)
    _check_site_hours(ctx, r, smelter, caster)
    if order is not None:
        _check_order_times(ctx, r, order)
    if production is not None:
        _check_tap_range(ctx, r, production)
    if truck is not None and caster is not None:
        check_temperature(ctx, r, truck, caster.min_pour_c)
    if smelter is not None and caster is not None:
        _check_road_km(ctx, r)


def check_time_order(ctx: CheckContext, r: CheckRun) -> None:
    """Fill, depart, arrive and pour times in that order (``time_order``)."""
    broken = []
    for a, b in pairwise(_TIME_FIELDS):
        ta, tb = getattr(r, a), getattr(r, b)
        if ta > tb + TIME_TOL_S:
            broken.append(f"{b} {ctx.at(tb)} is before {a} {ctx.at(ta)}")
    if broken:
        ctx.add("time_order", "; ".join(broken), r)


def check_temperature(ctx: CheckContext, r: CheckRun, truck: Truck, min_pour_c: float) -> None:
    """Arrival hot enough, reported arrival right, and no tap hotter than needed (warning)."""
    thermal = ctx.network.params.thermal
    hold_h = (r.pour_start - r.fill_end) / 3600.0
    arrival = temperature_after(r.tap_c, hold_h, truck.tau_h, thermal.ambient_c)
    needed = min_pour_c + thermal.margin_c
    margin = arrival - needed
    if ctx.min_margin is None or margin < ctx.min_margin:
        ctx.min_margin = margin
    if arrival < needed - ARRIVAL_TOL_C:
        ctx.add(
            "arrival_temperature",
            f"tapped at {r.tap_c:g} °C and held {hold_h:.2f} h (tau {truck.tau_h:g} h), "
            f"arrives at {arrival:.1f} °C; caster {r.caster_id} needs {needed:g} °C "
            f"(min_pour_c {min_pour_c:g} + margin {thermal.margin_c:g})",
            r,
        )
    if abs(r.arrival_c - arrival) > ARRIVAL_REPORT_TOL_C:
        ctx.add(
            "arrival_reported",
            f"reports arrival at {r.arrival_c:g} °C; tap {r.tap_c:g} °C held "
            f"{hold_h:.2f} h gives {arrival:.1f} °C",
            r,
        )
    prod = ctx.network.production_by_key.get((r.smelter_id, r.alloy))
    if prod is None or hold_h < 0:
        return
    lowest = max(prod.tap_min_c, min_tap_c(hold_h, needed, truck.tau_h, thermal.ambient_c))
    if r.tap_c > lowest + SUPERHEAT_TOL_C:
        ctx.warn(
            "superheat",
            f"tapped at {r.tap_c:g} °C; {lowest:.1f} °C would arrive at {needed:g} °C after "
            f"the {hold_h:.2f} h hold ({r.tap_c - lowest:.1f} °C of gas spent for nothing)",
            r,
        )
