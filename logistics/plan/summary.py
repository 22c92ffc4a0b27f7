"""The KPIs of a plan, recomputed from its rows, and plans made of given rows.

:func:`summarise` sums a plan's KPIs — the whole day, runs kept from an earlier plan
included — with the truck-day timeline (:mod:`logistics.plan.timeline`), so the
summary, the economics and the optimiser's objective share one model of truck-km and
truck-hours.
"""

from __future__ import annotations

from collections.abc import Sequence

from logistics.network.model import Network, TruckStart
from logistics.network.prices import superheat_cost_per_c_t
from logistics.physics.cooling import choose_tap_c
from logistics.physics.travel import Travel
from logistics.plan.model import Plan, Run, Summary, Unserved
from logistics.plan.reasons import EXCLUDED_REASONS, UNSERVED_REASONS
from logistics.plan.stats import SolverStats
from logistics.plan.timeline import minute_run_of, route_totals, start_rows, trip_legs


def summarise(
    network: Network,
    travel: Travel,
    runs: Sequence[Run],
    unserved: Sequence[Unserved],
    truck_starts: Sequence[TruckStart] = (),
    runs_fixed: int = 0,
) -> Summary:
    """The KPIs of a plan, recomputed from its rows (see :class:`Summary`)."""
    params = network.params
    superheat_rate = superheat_cost_per_c_t(params)
    ordered = sum(o.tonnes for o in network.day_orders)
    delivered = sum(r.tonnes for r in runs)
    by_reason = dict.fromkeys(UNSERVED_REASONS, 0.0)
    for u in unserved:
        by_reason[u.reason] += u.tonnes
    excluded = sum(by_reason[r] for r in EXCLUDED_REASONS)
    margins = []
    superheat = risk_extra = 0.0
    known = []  # a hand-made plan may name sites or trucks the network lacks
    for r in runs:
        caster = network.caster_by_id.get(r.caster_id)
        if caster is None or r.smelter_id not in network.smelter_by_id:
            continue
        if r.truck_id in network.truck_by_id:
            known.append(minute_run_of(network, r))
        margins.append(r.arrival_c - caster.min_pour_c - params.thermal.margin_c)
        prod = network.production_by_key.get((r.smelter_id, r.alloy))
        if prod is not None:
            furnace_tap = r.tap_c + (r.ladle_drop_c or 0.0)  # a cooled ladle: tapped hotter
            superheat += max(0.0, furnace_tap - prod.tap_min_c) * r.tonnes * superheat_rate
            risk_extra += risk_superheat_c(network, r) * r.tonnes * superheat_rate
    legs = trip_legs(network, travel, known, start_rows(network, travel, truck_starts))
    totals = route_totals(legs)
    servable = ordered - excluded
    outside = network.orders_outside_day
    return Summary(
        tonnes_ordered=round(ordered, 3),
        tonnes_delivered=round(delivered, 3),
        tonnes_unserved={k: round(v, 3) for k, v in by_reason.items()},
        tonnes_excluded_outright=round(excluded, 3),
        delivered_share_of_servable=round(delivered / servable, 4) if servable > 0 else None,
        ladle_runs=len(runs),
        runs_fixed=runs_fixed,
        trucks_used=totals.trucks_used,
        truck_km=round(totals.truck_km, 1),
        truck_hours=round(totals.truck_hours, 2),
        route_cost_cny=round(totals.route_cost_cny, 2),
        superheat_cny=round(superheat, 2),
        min_arrival_margin_c=round(min(margins), 2) if margins else None,
        orders_outside_day=len(outside),
        tonnes_outside_day=round(sum(o.tonnes for o in outside), 3),
        **risk_summary(runs),
        risk_superheat_cny=round(risk_extra, 2),
    )


def margin_tap_c(network: Network, run: Run) -> float | None:
    """The tap the fixed ``[thermal] margin_c`` alone needs for the run's planned hold, °C.

    Parameters
    ----------
    network : Network
        Casters, trucks, production and ``[thermal]``.
    run : Run
        The run (its hold from the end of filling to the start of pouring).

    Returns
    -------
    float or None
        The lowest tap in the production's range arriving at ``min_pour_c + margin_c``
        (:func:`logistics.physics.cooling.choose_tap_c`); ``None`` when the network
        lacks the run's caster, truck or production, or even ``tap_max_c`` falls short.
    """
    caster = network.caster_by_id.get(run.caster_id)
    truck = network.truck_by_id.get(run.truck_id)
    prod = network.production_by_key.get((run.smelter_id, run.alloy))
    if caster is None or truck is None or prod is None:
        return None
    thermal = network.params.thermal
    hold_h = (run.pour_start - run.fill_end).total_seconds() / 3600.0
    required = caster.min_pour_c + thermal.margin_c
    return choose_tap_c(
        hold_h, required, prod.tap_min_c, prod.tap_max_c, truck.tau_h, thermal.ambient_c
    )


def risk_superheat_c(network: Network, run: Run) -> float:
    """Degrees a run is tapped above what the fixed margin alone needs (≥ 0), °C.

    What planning for the risk target (``[risk] plan_for_risk``) adds to the run's
    superheat: ``tap_c`` − :func:`margin_tap_c`, 0 when that tap is unknown.
    """
    fixed = margin_tap_c(network, run)
    return 0.0 if fixed is None else max(0.0, round(run.tap_c - fixed, 1))


def risk_summary(runs: Sequence[Run]) -> dict[str, float | str | None]:
    """The day's expected cold and late ladles and its worst run, from the runs' estimates.

    Parameters
    ----------
    runs : sequence of Run
        The plan's runs.

    Returns
    -------
    dict
        ``expected_cold_ladles``, ``expected_late_ladles`` (sums of the probabilities),
        ``worst_cold_run`` and ``worst_cold_probability``; all ``None`` unless every run
        has both estimates (and there is a run).
    """
    cold = [r.cold_probability for r in runs]
    late = [r.late_probability for r in runs]
    if not runs or any(p is None for p in cold + late):
        return dict.fromkeys(
            (
                "expected_cold_ladles",
                "expected_late_ladles",
                "worst_cold_run",
                "worst_cold_probability",
            )
        )
    worst = max(runs, key=lambda r: r.cold_probability or 0.0)
    return {
        "expected_cold_ladles": round(sum(p or 0.0 for p in cold), 4),
        "expected_late_ladles": round(sum(p or 0.0 for p in late), 4),
        "worst_cold_run": worst.run_id,
        "worst_cold_probability": worst.cold_probability,
    }


def hand_made_plan(
    network: Network, travel: Travel, runs: Sequence[Run], unserved: Sequence[Unserved]
) -> Plan:
    """A plan of given rows (a dispatcher's, or a test's), its KPIs computed from them."""
    return Plan(
        network=network.name,
        plan_date=network.plan_date,
        timezone=network.timezone,
        runs=tuple(runs),
        unserved=tuple(unserved),
        solver=SolverStats(name="hand-made", status="hand-made", time_limit_s=0),
        summary=summarise(network, travel, runs, unserved),
        parameters=network.params,
        travel_model=travel.source,
    )
