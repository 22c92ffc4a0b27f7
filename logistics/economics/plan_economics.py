"""Cost, saving and CO2 of a plan per run, trip, order, caster and for the whole plan.

Truck cost per trip comes from the trip-leg model (:mod:`logistics.plan.timeline`), the
same one the plan summary and the optimiser use. Per run: its share of the trip's
truck cost **by tonne-km** (``tonnes × road_km``; by tonnes when the trip has no km),
plus the per-tonne items (liquid route without transport + the transport
calibration) × tonnes, plus superheat ``(tap_c + ladle_drop_c − tap_min_c) × superheat
price × tonnes``, of which ``risk_superheat_cny`` is what the taps cost above those the
fixed ``[thermal] margin_c`` alone needs for the same holds (the price of planning for
the risk target, :func:`logistics.plan.summary.risk_superheat_c`). With a ladle pool,
``ladle_drop_c`` is the heat a ladle's lining takes from the metal (0 without a pool),
and each run also pays its ladle's preheat gas and wear (:mod:`.ladle_costs`). Unserved
tonnes are priced at the ingot route, whatever the reason; the saving is against an
all-ingot day.
Yearly figures multiply the day by ``operating_days_per_year``. The dross avoided is
reported in tonnes and CNY; its disposal cost is part of the ingot route's price (and so
of the saving) while ``[economics] count_dross`` is on, the default.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from logistics.economics.emissions import co2_per_t_ingot, dross_avoided
from logistics.economics.ladle_costs import ladle_costs
from logistics.network.model import Network
from logistics.network.params import Params
from logistics.network.prices import (
    ingot_cost_per_t,
    ingot_items,
    liquid_cost_per_t_excl_transport,
    superheat_cost_per_c_t,
    transport_calibration_per_t,
    unserved_penalty_per_t,
)
from logistics.physics.travel import Travel
from logistics.plan.economics_model import PlanEconomics
from logistics.plan.model import Plan, Run, Unserved
from logistics.plan.summary import risk_superheat_c
from logistics.plan.timeline import TripLeg, minute_run_of, start_rows, trip_legs

log = logging.getLogger(__name__)


def _r(value: float, ndigits: int = 2) -> float:
    return round(float(value), ndigits)


def _allocation(runs: Sequence[Run]) -> list[float]:
    """Shares of a trip's truck cost by tonne-km (by tonnes if no run has km)."""
    weights = [max(r.tonnes, 0.0) * max(r.road_km, 0.0) for r in runs]
    if sum(weights) <= 0:
        weights = [max(r.tonnes, 0.0) for r in runs]
    total = sum(weights)
    if total <= 0:
        return [1.0 / len(runs)] * len(runs)
    return [w / total for w in weights]


def _rollup(
    rows: Iterable[dict[str, Any]],
    unserved: Iterable[Unserved],
    key: str,
    ingot: float,
    co2_ingot: float,
) -> dict[str, dict[str, float]]:
    acc: dict[str, dict[str, float]] = defaultdict(
        lambda: {
            "liquid_t": 0.0,
            "liquid_cny": 0.0,
            "unserved_t": 0.0,
            "unserved_cny": 0.0,
            "liquid_co2_kg": 0.0,
            "unserved_co2_kg": 0.0,
        }
    )
    for row in rows:
        a = acc[row[key]]
        a["liquid_t"] += row["tonnes"]
        a["liquid_cny"] += row["cost_cny"]
        a["liquid_co2_kg"] += row["co2_kg"]
    for u in unserved:
        a = acc[getattr(u, key)]
        a["unserved_t"] += u.tonnes
        a["unserved_cny"] += u.tonnes * ingot
        a["unserved_co2_kg"] += u.tonnes * co2_ingot
    return acc


def _summarise(a: dict[str, float], ingot: float, co2_ingot: float) -> dict[str, Any]:
    total_t = a["liquid_t"] + a["unserved_t"]
    total_cny = a["liquid_cny"] + a["unserved_cny"]
    all_ingot = total_t * ingot
    co2 = a["liquid_co2_kg"] + a["unserved_co2_kg"]
    return {
        "liquid_t": _r(a["liquid_t"], 3),
        "unserved_t": _r(a["unserved_t"], 3),
        "total_t": _r(total_t, 3),
        "liquid_cny": _r(a["liquid_cny"]),
        "liquid_cny_t": _r(a["liquid_cny"] / a["liquid_t"]) if a["liquid_t"] > 0 else None,
        "unserved_cny": _r(a["unserved_cny"]),
        "total_cny": _r(total_cny),
        "cny_t": _r(total_cny / total_t) if total_t > 0 else None,
        "all_ingot_cny": _r(all_ingot),
        "saving_cny": _r(all_ingot - total_cny),
        "co2_kg": _r(co2),
        "all_ingot_co2_kg": _r(total_t * co2_ingot),
        "co2_avoided_kg": _r(total_t * co2_ingot - co2),
    }


@dataclass(frozen=True)
class _Prices:
    """The per-tonne and per-degree figures a plan is priced with (from the parameters)."""

    ingot: float  # CNY/t of the ingot route
    co2_ingot: float  # kg CO2/t of the ingot route
    excl: float  # CNY/t of the liquid route without transport
    calibration: float  # CNY/t transport calibration
    superheat_cny: float  # CNY per °C and t of superheat
    superheat_co2: float  # kg CO2 per °C and t of superheat
    truck_km_co2: float  # kg CO2 per truck-km
    days: float  # operating days a year

    @property
    def per_t(self) -> float:
        """Per-tonne items of a liquid run, CNY/t."""
        return self.excl + self.calibration


def _prices(params: Params) -> _Prices:
    """The figures of :class:`_Prices` for a network's parameters."""
    em = params.emissions
    return _Prices(
        ingot=ingot_cost_per_t(params),
        co2_ingot=co2_per_t_ingot(params),
        excl=liquid_cost_per_t_excl_transport(params),
        calibration=transport_calibration_per_t(params),
        superheat_cny=superheat_cost_per_c_t(params),
        superheat_co2=em.superheat_gas_m3_per_c_t * em.natural_gas_m3,
        truck_km_co2=em.truck_km,
        days=params.economics.operating_days_per_year,
    )


def _legs(network: Network, plan: Plan, travel: Travel | None) -> list[TripLeg]:
    """Every trip's leg (km, hours, truck cost) on the truck-day timeline."""
    unknown = sorted({r.truck_id for r in plan.runs} - set(network.truck_by_id))
    if unknown:
        raise ValueError(f"runs for unknown trucks {', '.join(unknown)}")
    travel = travel or Travel.of(network)
    return trip_legs(
        network,
        travel,
        [minute_run_of(network, r) for r in plan.runs],
        start_rows(network, travel, plan.truck_starts),
    )


def _superheat_c(network: Network, run: Run) -> float:
    """Degrees the run was tapped above its production's ``tap_min_c`` (0 without one)."""
    prod = network.production_by_key.get((run.smelter_id, run.alloy))
    if prod is None:
        log.warning(
            "run %s: no production of %s at %s; superheat taken as 0",
            run.run_id,
            run.alloy,
            run.smelter_id,
        )
        return 0.0
    return max(0.0, run.tap_c + (run.ladle_drop_c or 0.0) - prod.tap_min_c)


def _run_row(
    network: Network,
    run: Run,
    share: float,
    leg: TripLeg,
    prices: _Prices,
    ladle: tuple[float, float] = (0.0, 0.0),
) -> dict[str, Any]:
    """One run's cost (CNY) and CO2 (kg), unrounded: its share of the trip and its items;
    with a ladle pool, its preheat gas (Nm³) and ladle wear (CNY), ``ladle``."""
    gas_m3, wear_cny = ladle
    preheat_cny = gas_m3 * network.params.economics.gas_price_cny_m3
    superheat_c = _superheat_c(network, run)
    truck_cny = leg.cost_cny * share
    items_cny = prices.per_t * run.tonnes
    superheat_cny = superheat_c * prices.superheat_cny * run.tonnes
    risk_c = min(risk_superheat_c(network, run), superheat_c)
    cost = truck_cny + items_cny + superheat_cny + preheat_cny + wear_cny
    co2 = leg.km * share * prices.truck_km_co2 + superheat_c * prices.superheat_co2 * run.tonnes
    co2 += gas_m3 * network.params.emissions.natural_gas_m3
    return {
        "run_id": run.run_id,
        "truck_id": run.truck_id,
        "trip": run.trip,
        "order_id": run.order_id,
        "caster_id": run.caster_id,
        "smelter_id": run.smelter_id,
        "tonnes": run.tonnes,
        "road_km": run.road_km,
        "truck_share": share,
        "truck_km": leg.km * share,
        "truck_cny": truck_cny,
        "items_cny": items_cny,
        "superheat_c": superheat_c,
        "superheat_cny": superheat_cny,
        "risk_superheat_c": risk_c,
        "risk_superheat_cny": risk_c * prices.superheat_cny * run.tonnes,
        "preheat_gas_m3": gas_m3,
        "preheat_cny": preheat_cny,
        "ladle_wear_cny": wear_cny,
        "cost_cny": cost,
        "co2_kg": co2,
    }


def _trip_row(leg: TripLeg, trip_runs: Sequence[Run], prices: _Prices) -> dict[str, Any]:
    """One trip: its runs, tonnes, km, hours, truck cost (CNY) and CO2 (kg), rounded."""
    return {
        "truck_id": leg.truck_id,
        "trip": leg.trip,
        "smelter_id": leg.smelter_id,
        "runs": [r.run_id for r in trip_runs],
        "tonnes": _r(sum(r.tonnes for r in trip_runs), 3),
        "km": _r(leg.km, 3),
        "hours": _r(leg.hours, 3),
        "cost_cny": _r(leg.cost_cny),
        "co2_kg": _r(leg.km * prices.truck_km_co2),
    }


def _cost_rows(
    network: Network,
    runs: Sequence[Run],
    legs: Sequence[TripLeg],
    prices: _Prices,
    ladle: dict[str, tuple[float, float]] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The run rows (unrounded) and trip rows, trip by trip, runs by pour start; ``ladle``
    gives runs with a pool ladle their preheat gas and wear."""
    ladle = ladle or {}
    runs_of: dict[tuple[str, int], list[Run]] = defaultdict(list)
    for run in runs:
        runs_of[(run.truck_id, run.trip)].append(run)
    run_rows: list[dict[str, Any]] = []
    trip_rows: list[dict[str, Any]] = []
    for leg in legs:
        trip_runs = sorted(
            runs_of[(leg.truck_id, leg.trip)], key=lambda r: (r.pour_start, r.run_id)
        )
        shares = _allocation(trip_runs)
        for run, share in zip(trip_runs, shares, strict=True):
            extra = ladle.get(run.run_id, (0.0, 0.0))
            run_rows.append(_run_row(network, run, share, leg, prices, extra))
        trip_rows.append(_trip_row(leg, trip_runs, prices))
    return run_rows, trip_rows


def _plan_accumulator(
    run_rows: Sequence[dict[str, Any]], unserved: Sequence[Unserved], prices: _Prices
) -> dict[str, float]:
    """The whole plan's tonnes, CNY and kg CO2, liquid and unserved, unrounded."""
    return {
        "liquid_t": sum(r["tonnes"] for r in run_rows),
        "liquid_cny": sum(r["cost_cny"] for r in run_rows),
        "unserved_t": sum(u.tonnes for u in unserved),
        "unserved_cny": sum(u.tonnes for u in unserved) * prices.ingot,
        "liquid_co2_kg": sum(r["co2_kg"] for r in run_rows),
        "unserved_co2_kg": sum(u.tonnes for u in unserved) * prices.co2_ingot,
    }


def _unserved_by_reason(unserved: Sequence[Unserved], prices: _Prices) -> dict[str, Any]:
    """Tonnes and their ingot cost (CNY) per reason, rounded, by reason."""
    by_reason: dict[str, dict[str, float]] = {}
    for u in unserved:
        entry = by_reason.setdefault(u.reason, {"t": 0.0, "cny": 0.0})
        entry["t"] += u.tonnes
        entry["cny"] += u.tonnes * prices.ingot
    return {k: {"t": _r(v["t"], 3), "cny": _r(v["cny"])} for k, v in sorted(by_reason.items())}


def _plan_section(
    plan_acc: dict[str, float],
    run_rows: Sequence[dict[str, Any]],
    unserved: Sequence[Unserved],
    legs: Sequence[TripLeg],
    prices: _Prices,
    dross: dict[str, float],
) -> dict[str, Any]:
    """The plan's totals: cost, saving, CO2, trips, truck figures, per reason, per year."""
    plan = _summarise(plan_acc, prices.ingot, prices.co2_ingot)
    liquid_t = plan_acc["liquid_t"]
    days = prices.days
    plan.update(
        {
            "saving_cny_per_liquid_t": _r(plan["saving_cny"] / liquid_t) if liquid_t else None,
            "trips": len(legs),
            "truck_km": _r(sum(leg.km for leg in legs), 3),
            "truck_h": _r(sum(leg.hours for leg in legs), 3),
            "truck_cny": _r(sum(leg.cost_cny for leg in legs)),
            "items_cny": _r(sum(r["items_cny"] for r in run_rows)),
            "superheat_cny": _r(sum(r["superheat_cny"] for r in run_rows)),
            "risk_superheat_cny": _r(sum(r["risk_superheat_cny"] for r in run_rows)),
            "preheat_gas_m3": _r(sum(r["preheat_gas_m3"] for r in run_rows), 3),
            "preheat_cny": _r(sum(r["preheat_cny"] for r in run_rows)),
            "ladle_wear_cny": _r(sum(r["ladle_wear_cny"] for r in run_rows)),
            "unserved_by_reason": _unserved_by_reason(unserved, prices),
            "per_year": {
                "operating_days": days,
                "saving_cny": _r(plan["saving_cny"] * days),
                "co2_avoided_t": _r(plan["co2_avoided_kg"] * days / 1000.0, 3),
                "dross_avoided_t": _r(dross["t"] * days, 3),
                "dross_disposal_avoided_cny": _r(dross["cny"] * days),
            },
        }
    )
    return plan


def _emissions_section(
    plan_acc: dict[str, float], plan: dict[str, Any], prices: _Prices
) -> dict[str, Any]:
    """CO2 of the plan, of an all-ingot day and avoided, kg a day and t a year."""
    liquid_t = plan_acc["liquid_t"]
    days = prices.days
    return {
        "liquid_kg": _r(plan_acc["liquid_co2_kg"]),
        "unserved_kg": _r(plan_acc["unserved_co2_kg"]),
        "total_kg": plan["co2_kg"],
        "all_ingot_kg": plan["all_ingot_co2_kg"],
        "avoided_kg": plan["co2_avoided_kg"],
        "liquid_kg_t": _r(plan_acc["liquid_co2_kg"] / liquid_t) if liquid_t else None,
        "ingot_kg_t": _r(prices.co2_ingot),
        "per_year_t": {
            "total": _r(plan["co2_kg"] * days / 1000.0, 3),
            "all_ingot": _r(plan["all_ingot_co2_kg"] * days / 1000.0, 3),
            "avoided": _r(plan["co2_avoided_kg"] * days / 1000.0, 3),
        },
    }


def _summary(
    plan: dict[str, Any], emissions: dict[str, Any], dross_out: dict[str, Any]
) -> dict[str, Any]:
    """The flat summary the surfaces show."""
    return {
        "cost_cny": plan["total_cny"],
        "cost_cny_t": plan["cny_t"],
        "liquid_cny_t": plan["liquid_cny_t"],
        "all_ingot_cny": plan["all_ingot_cny"],
        "saving_cny": plan["saving_cny"],
        "saving_cny_per_liquid_t": plan["saving_cny_per_liquid_t"],
        "saving_cny_per_year": plan["per_year"]["saving_cny"],
        "co2_kg": emissions["total_kg"],
        "co2_all_ingot_kg": emissions["all_ingot_kg"],
        "co2_avoided_kg": emissions["avoided_kg"],
        "co2_avoided_t_per_year": emissions["per_year_t"]["avoided"],
        "dross_avoided_t": dross_out["t"],
        "dross_avoided_cny": dross_out["cny"],
        "risk_superheat_cny": plan["risk_superheat_cny"],
    }


def _basis(params: Params, prices: _Prices) -> dict[str, Any]:
    """The per-tonne figures used, rounded."""
    return {
        "ingot_cny_t": _r(prices.ingot),
        "ingot_items": {k: _r(v) for k, v in ingot_items(params)},
        "liquid_per_t_excl_transport_cny_t": _r(prices.excl),
        "transport_calibration_cny_t": _r(prices.calibration),
        "unserved_penalty_cny_t": _r(unserved_penalty_per_t(params)),
        "superheat_cny_per_c_t": _r(prices.superheat_cny, 4),
        "ingot_co2_kg_t": _r(prices.co2_ingot),
        "truck_allocation": "tonne-km",
        "operating_days_per_year": prices.days,
    }


def _run_out(row: dict[str, Any], ingot: float) -> dict[str, Any]:
    """A run row as reported: rounded, with its cost a tonne and its saving against ingots."""
    return {
        **{k: v for k, v in row.items() if not isinstance(v, float)},
        "tonnes": _r(row["tonnes"], 3),
        "road_km": _r(row["road_km"], 3),
        "truck_share": _r(row["truck_share"], 6),
        "truck_km": _r(row["truck_km"], 3),
        "truck_cny": _r(row["truck_cny"]),
        "items_cny": _r(row["items_cny"]),
        "superheat_c": _r(row["superheat_c"], 1),
        "superheat_cny": _r(row["superheat_cny"]),
        "risk_superheat_c": _r(row["risk_superheat_c"], 1),
        "risk_superheat_cny": _r(row["risk_superheat_cny"]),
        "preheat_gas_m3": _r(row["preheat_gas_m3"], 3),
        "preheat_cny": _r(row["preheat_cny"]),
        "ladle_wear_cny": _r(row["ladle_wear_cny"]),
        "cost_cny": _r(row["cost_cny"]),
        "cost_cny_t": _r(row["cost_cny"] / row["tonnes"]) if row["tonnes"] > 0 else None,
        "ingot_cny": _r(row["tonnes"] * ingot),
        "saving_cny": _r(row["tonnes"] * ingot - row["cost_cny"]),
        "co2_kg": _r(row["co2_kg"]),
    }


def _order_and_caster_rows(
    run_rows: Sequence[dict[str, Any]], unserved: Sequence[Unserved], prices: _Prices
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The plan rolled up per order (with its caster) and per caster, by id."""
    ingot, co2_ingot = prices.ingot, prices.co2_ingot
    orders = _rollup(run_rows, unserved, "order_id", ingot, co2_ingot)
    casters = _rollup(run_rows, unserved, "caster_id", ingot, co2_ingot)
    caster_of_order: dict[str, str] = {}
    for row in run_rows:
        caster_of_order.setdefault(row["order_id"], row["caster_id"])
    for u in unserved:
        caster_of_order.setdefault(u.order_id, u.caster_id)
    order_rows = [
        {"order_id": k, "caster_id": caster_of_order.get(k), **_summarise(v, ingot, co2_ingot)}
        for k, v in sorted(orders.items())
    ]
    caster_rows = [
        {"caster_id": k, **_summarise(v, ingot, co2_ingot)} for k, v in sorted(casters.items())
    ]
    return order_rows, caster_rows


def plan_economics(network: Network, plan: Plan, travel: Travel | None = None) -> PlanEconomics:
    """Cost, saving and CO2 of a plan (see the module docstring for the rules).

    Parameters
    ----------
    network : Network
        Sites, fleet, production (``tap_min_c``), parameters.
    plan : Plan
        The plan: its runs, unserved tonnes and truck starts.
    travel : Travel, optional
        The network's travel model (built from the network when not given).

    Returns
    -------
    PlanEconomics
        ``basis`` (per-tonne figures used), ``runs``, ``trips``, ``orders``,
        ``casters``, ``plan`` (totals, per year), ``emissions``, ``dross_avoided`` and a
        flat ``summary``. CNY rounded to 0.01, tonnes and km to 0.001, kg CO2 to 0.01.

    Raises
    ------
    ValueError
        A run of a truck the network does not have.
    """
    params = network.params
    prices = _prices(params)
    legs = _legs(network, plan, travel)
    run_rows, trip_rows = _cost_rows(network, plan.runs, legs, prices, ladle_costs(network, plan))
    order_rows, caster_rows = _order_and_caster_rows(run_rows, plan.unserved, prices)
    plan_acc = _plan_accumulator(run_rows, plan.unserved, prices)
    dross = dross_avoided(params, plan_acc["liquid_t"])
    totals = _plan_section(plan_acc, run_rows, plan.unserved, legs, prices, dross)
    emissions = _emissions_section(plan_acc, totals, prices)
    dross_out = {
        "t": _r(dross["t"], 3),
        "cny": _r(dross["cny"]),
        "t_per_t": params.emissions.dross_t_per_t,
        "disposal_cny_t": params.emissions.dross_disposal_cny_t,
    }
    return PlanEconomics.model_validate(
        {
            "basis": _basis(params, prices),
            "runs": [_run_out(row, prices.ingot) for row in run_rows],
            "trips": trip_rows,
            "orders": order_rows,
            "casters": caster_rows,
            "plan": totals,
            "emissions": emissions,
            "dross_avoided": dross_out,
            "summary": _summary(totals, emissions, dross_out),
        }
    )
