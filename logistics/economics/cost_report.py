"""Everything ``molten cost`` shows, as JSON-ready data: both routes, CO2, radius."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from logistics.economics.emissions import co2_liquid_parts, co2_per_t_ingot, dross_avoided
from logistics.economics.radius import (
    PRACTISED_KM,
    PracticalRadius,
    practical_radius,
    radius_by_dross,
)
from logistics.economics.route_model import (
    SEED_DISTANCE_KM,
    TypicalTruck,
    check_distance,
    ingot_route,
    liquid_route,
    truck_rates,
)
from logistics.network.params import Params
from logistics.network.prices import dross_disposal_per_t, superheat_cost_per_c_t


def _finite_or_none(value: float, ndigits: int = 1) -> float | None:
    return round(value, ndigits) if math.isfinite(value) else None


def _radius_figures(radius: PracticalRadius) -> dict[str, Any]:
    return {
        "break_even_km": _finite_or_none(radius.break_even_km),
        "radius_km": _finite_or_none(radius.radius_km),
        "binding": radius.binding,
    }


def dross_comparison(params: Params, truck: TypicalTruck = TypicalTruck()) -> dict[str, Any]:
    """Break-even and practical radius with and without dross disposal, JSON-ready.

    Parameters
    ----------
    params : Params
        The figures (:func:`~logistics.economics.radius.radius_by_dross` sets
        ``count_dross`` both ways).
    truck : TypicalTruck
        The delivery priced.

    Returns
    -------
    dict
        ``counted`` (whether ``params`` count the dross), ``disposal_cny_t`` (CNY per
        tonne remelted), ``with_dross`` and ``without_dross`` (``break_even_km``,
        ``radius_km``: road km, ``null`` if unbounded; ``binding``), ``practised_km``
        ([120, 160], the longest deliveries practised in China).
    """
    both = radius_by_dross(params, truck)
    return {
        "counted": params.economics.count_dross,
        "disposal_cny_t": round(dross_disposal_per_t(params), 2),
        "with_dross": _radius_figures(both["with_dross"]),
        "without_dross": _radius_figures(both["without_dross"]),
        "practised_km": list(PRACTISED_KM),
    }


def cost_report(
    params: Params,
    distance_km: float = SEED_DISTANCE_KM,
    truck: TypicalTruck = TypicalTruck(),
) -> dict[str, Any]:
    """Everything ``molten cost`` shows, JSON-ready (``molten cost --json``).

    Parameters
    ----------
    params : Params
        The network's parameters (or the defaults).
    distance_km : float
        Road km priced (default 30, the seed table's distance).
    truck : TypicalTruck
        The delivery priced (:func:`typical_truck` for a network's fleet).

    Returns
    -------
    dict
        ``distance_km``, ``ingot`` and ``liquid`` (items, totals, parts), ``saving_cny_t``,
        ``co2_kg_t`` (both routes, avoided), ``dross_avoided_per_t``, ``break_even_km``,
        ``thermal_reach_km``, ``practical_radius`` (all three with the dross as
        ``params`` count it), ``by_dross`` (:func:`dross_comparison`: break-even and
        radius with and without dross disposal, and the practised range), ``truck`` and
        the ``prices`` used. Infinite distances are ``null``.
    """
    d = check_distance(distance_km)
    ingot = ingot_route(params)
    liquid = liquid_route(params, d, truck)
    radius = practical_radius(params, truck)
    co2_ingot = co2_per_t_ingot(params)
    co2_parts = co2_liquid_parts(params, d, truck)
    co2_liquid = sum(co2_parts.values())
    dross = dross_avoided(params)
    eco = params.economics
    return {
        "distance_km": round(d, 3),
        "distance_basis": "road km",
        "ingot": ingot.as_dict(),
        "liquid": liquid.as_dict(),
        "saving_cny_t": round(ingot.total - liquid.total, 2),
        "co2_kg_t": {
            "ingot": round(co2_ingot, 2),
            "liquid": round(co2_liquid, 2),
            "liquid_parts": {k: round(v, 2) for k, v in co2_parts.items()},
            "avoided": round(co2_ingot - co2_liquid, 2),
        },
        "dross_avoided_per_t": {
            "t": round(dross["t"], 4),
            "cny": round(dross["cny"], 2),
            "in_ingot_route": eco.count_dross,
        },
        "break_even_km": _finite_or_none(radius.break_even_km),
        "thermal_reach_km": _finite_or_none(radius.thermal_reach_km),
        "practical_radius": {
            "km": _finite_or_none(radius.radius_km),
            "binding": radius.binding,
            "reason": radius.reason,
        },
        "by_dross": dross_comparison(params, truck),
        "truck": {**asdict(truck), "load_t": truck.load_t, "wait_h": round(truck.wait_h, 4)},
        "prices": {
            "alloy_price_t": eco.alloy_price_t,
            "gas_price_cny_m3": eco.gas_price_cny_m3,
            "electricity_cny_kwh": eco.electricity_cny_kwh,
            "truck_cost_per_km": truck_rates(params, truck)[0],
            "truck_cost_per_h": truck_rates(params, truck)[1],
            "superheat_cost_per_c_t": round(superheat_cost_per_c_t(params), 4),
            "speed_kmh": params.roads.speed_kmh,
        },
    }
