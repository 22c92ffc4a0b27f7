"""CO2 of the two routes per tonne, and the dross a remelt makes."""

from __future__ import annotations

from logistics.economics.route_model import (
    SEED_DISTANCE_KM,
    TypicalTruck,
    round_trip,
    typical_tap_c,
)
from logistics.network.params import Params


def co2_per_t_ingot(params: Params) -> float:
    """CO2 of remelting one tonne of ingot at the caster, kg/t.

    ``remelt_gas_m3_t × natural_gas_m3 + remelt_kwh_t × grid_kwh`` = 80 × 2.16 +
    95 × 0.5366 = 223.78 kg/t (``[emissions]``; Chinese industry reports; emission
    factors in docs/sources.md).
    """
    em = params.emissions
    return em.remelt_gas_m3_t * em.natural_gas_m3 + em.remelt_kwh_t * em.grid_kwh


def co2_liquid_parts(
    params: Params, distance_km: float = SEED_DISTANCE_KM, truck: TypicalTruck = TypicalTruck()
) -> dict[str, float]:
    """CO2 of the liquid route per tonne, by part, kg/t.

    ``truck``: round-trip km per tonne × ``truck_km`` (60 / 6 × 0.9 = 9.0 at 30 km);
    ``superheat``: (tap − tap_min_c) × ``superheat_gas_m3_per_c_t`` × ``natural_gas_m3``.
    """
    em = params.emissions
    km, _ = round_trip(params, distance_km, truck)
    tap, _ = typical_tap_c(params, distance_km, truck)
    return {
        "truck": km / truck.load_t * em.truck_km,
        "superheat": (tap - truck.tap_min_c) * em.superheat_gas_m3_per_c_t * em.natural_gas_m3,
    }


def co2_per_t_liquid(
    params: Params, distance_km: float = SEED_DISTANCE_KM, truck: TypicalTruck = TypicalTruck()
) -> float:
    """CO2 of delivering one tonne liquid, kg/t (9.0 at 30 km with the defaults).

    See :func:`co2_liquid_parts`. No remelting gas or electricity at the caster
    (Chinese industry reports: "no remelt at the caster").
    """
    return sum(co2_liquid_parts(params, distance_km, truck).values())


def dross_avoided(params: Params, tonnes: float = 1.0) -> dict[str, float]:
    """Dross a remelt of ``tonnes`` would have made, and what disposing of it costs.

    ``dross_t_per_t`` (0.04; Chinese industry reports 0.03–0.05 t per t) × tonnes, at
    ``dross_disposal_cny_t`` (2,000 CNY/t, a hazardous waste since 2021): 0.04 t and
    80 CNY per tonne delivered liquid (:func:`~logistics.network.prices.dross_disposal_per_t`).
    Whether or not ``[economics] count_dross`` puts the disposal into the ingot route
    (and so into the saving), this is what liquid delivery avoided.

    Returns
    -------
    dict
        ``{"t": tonnes of dross, "cny": disposal cost}``.
    """
    em = params.emissions
    t = tonnes * em.dross_t_per_t
    return {"t": t, "cny": t * em.dross_disposal_cny_t}
