"""Helpers of the ``fleet`` tests: the fits the checker finds, and each put into its plan.

A fit the checker reports is verified "by hand" by adding it to the plan as a run (the
truck's trips renumbered in time order, the ``fleet`` row less the ladle's tonnes; with
a ladle pool its ladle and preheat, with drivers' rules its rests in place of the
truck's breaks listed in the fit's span) and checking that plan: every rule of a run, a
trip, a truck, a smelter, a ladle and a driver must hold for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from logistics.check import check, check_context
from logistics.check.context import CheckUnserved
from logistics.check.fleet import FLEET, Fit, find_fit, ladle_tried, minute_up, truck_gaps
from logistics.check.fleet_ladles import preheat_row
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.model import Plan, Run, Unserved


def fleet_fits(network: Network, plan: Plan) -> list[tuple[CheckUnserved, Fit | None]]:
    """Every ``fleet`` row of the plan with the first fit the checker finds for it (or None)."""
    ctx, runs, unserved = check_context(network, plan)
    gaps = truck_gaps(ctx, runs)
    found: list[tuple[CheckUnserved, Fit | None]] = []
    for u in unserved:
        if u.reason != FLEET:
            continue
        order = network.order_by_id[u.order_id]
        tonnes = ladle_tried(ctx, u.tonnes)
        fit = find_fit(ctx, order, tonnes, gaps, runs, plan.preheats, plan.breaks)
        found.append((u, fit))
    return found


def _run_of(network: Network, plan: Plan, u: CheckUnserved, fit: Fit) -> Run:
    """The fit as a run of the plan (trip 1 until the truck's trips are renumbered)."""
    ctx, _, _ = check_context(network, plan)
    smelter = network.smelter_by_id[fit.smelter_id]
    caster = network.caster_by_id[u.caster_id]
    fill_end = fit.fill_s + minute_up(smelter.fill_min * 60.0)
    drive = minute_up(ctx.travel_s("smelter", fit.smelter_id, "caster", u.caster_id, fill_end))
    travel = Travel.of(network)

    def at(seconds: float) -> datetime:
        return (ctx.clock.origin + timedelta(seconds=seconds)).astimezone(ctx.clock.tz)

    return Run(
        run_id="FIT",
        truck_id=fit.gap.truck.truck_id,
        trip=1,
        order_id=u.order_id,
        smelter_id=fit.smelter_id,
        caster_id=u.caster_id,
        alloy=u.alloy,
        tonnes=fit.tonnes,
        fill_start=at(fit.fill_s),
        fill_end=at(fill_end),
        depart=at(fill_end),
        arrive=at(min(fit.pour_s, fill_end + drive)),
        pour_start=at(fit.pour_s),
        pour_end=at(fit.pour_s + minute_up(caster.unload_min * 60.0)),
        tap_c=fit.tap_c,
        arrival_c=round(fit.arrival_c, 1),
        road_km=float(travel.km[travel.smelter(fit.smelter_id), travel.caster(u.caster_id)]),
        ladle_id=fit.ladle.ladle_id if fit.ladle else None,
        ladle_drop_c=fit.ladle.drop_c if fit.ladle else None,
    )


def plan_with_fit(network: Network, plan: Plan, u: CheckUnserved, fit: Fit) -> Plan:
    """The plan with the fit as one more run and its tonnes off the ``fleet`` row."""
    new = _run_of(network, plan, u, fit)
    truck_id = new.truck_id
    starts: dict[int, datetime] = {0: new.fill_start}
    for r in plan.runs:
        if r.truck_id == truck_id:
            starts[r.trip] = min(starts.get(r.trip, r.fill_start), r.fill_start)
    number = {old: k for k, old in enumerate(sorted(starts, key=starts.__getitem__), start=1)}
    runs = [
        r.model_copy(update={"trip": number[r.trip]}) if r.truck_id == truck_id else r
        for r in plan.runs
    ]
    runs.append(new.model_copy(update={"trip": number[0]}))
    unserved: list[Unserved] = []
    for row, x in enumerate(plan.unserved, start=2):
        if row == u.row:
            left = round(x.tonnes - fit.tonnes, 6)
            if left > 1e-6:
                unserved.append(x.model_copy(update={"tonnes": left}))
        else:
            unserved.append(x)
    ctx, _, _ = check_context(network, plan)
    heat = preheat_row(ctx, fit.smelter_id, fit.ladle) if fit.ladle else None
    preheats = (*plan.preheats, heat) if heat is not None else plan.preheats
    breaks = plan.breaks
    if fit.span is not None:
        lo, hi = fit.span
        breaks = (
            tuple(
                b
                for b in plan.breaks
                if b.truck_id != truck_id
                or b.kind == "handover"
                or ctx.seconds(b.end) <= lo + 1
                or ctx.seconds(b.start) >= hi - 1
            )
            + fit.rests
        )
    update = {"runs": tuple(runs), "unserved": tuple(unserved), "preheats": preheats}
    return plan.model_copy(update={**update, "breaks": breaks})


def fit_problems(network: Network, plan: Plan, u: CheckUnserved, fit: Fit) -> list[str]:
    """What the checker finds wrong with the plan once the fit is in it (empty: it fits).

    ``unserved_reason`` is left out: the rest of the row may still fit elsewhere.
    """
    report = check(network, plan_with_fit(network, plan, u, fit))
    return [str(v) for v in report.violations if v.rule != "unserved_reason"]
