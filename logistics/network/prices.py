"""Per-tonne prices of the ingot and liquid routes, from ``[economics]``.

One place for the figures both the solver (its penalty for a tonne left unserved, the
superheat it prices) and the economics (:mod:`logistics.economics`) use, so the two
can never disagree.

The price rule: a figure the user writes in ``network.toml`` (or with ``--set``) is used
exactly as written; a figure left out is derived from the prices it comes from —
``ingot.energy`` from gas and electricity, ``ingot.burn_loss`` from the alloy price,
``superheat_cost_per_c_t`` from the gas price.

The ingot route includes the disposal of the dross its remelt makes while ``[economics]
count_dross`` is true (the default): 930 CNY/t of the seed table + 80 = 1,010 CNY/t.
"""

from __future__ import annotations

from logistics.network.params import Params


def ingot_energy_per_t(params: Params) -> float:
    """Remelting energy of the ingot route, CNY/t.

    ``ingot.energy`` as written; left out, ``remelt_gas_m3_t × gas_price_cny_m3 +
    remelt_kwh_t × electricity_cny_kwh`` (80 × 4.05 + 95 × 0.80 = 400 at the defaults;
    Chinese industry reports: 70–90 m³ and 90–100 kWh per tonne).
    """
    eco, em = params.economics, params.emissions
    if eco.ingot.energy is not None:
        return eco.ingot.energy
    return em.remelt_gas_m3_t * eco.gas_price_cny_m3 + em.remelt_kwh_t * eco.electricity_cny_kwh


def ingot_burn_loss_per_t(params: Params) -> float:
    """Burn (oxidation) loss of remelting, CNY/t.

    ``ingot.burn_loss`` as written; left out, ``ingot_burn_rate × alloy_price_t`` (2 % ×
    20,000 = 400; Chinese industry reports: 2–2.5 % of ADC12 at 20,000 CNY/t).
    """
    eco = params.economics
    if eco.ingot.burn_loss is not None:
        return eco.ingot.burn_loss
    return eco.ingot_burn_rate * eco.alloy_price_t


def liquid_burn_loss_per_t(params: Params) -> float:
    """Burn loss of the liquid route, CNY/t: ``liquid_burn_rate × alloy_price_t``.

    0.9 % × 20,000 = 180 (Chinese industry reports: "burn loss 0.9 %").
    """
    eco = params.economics
    return eco.liquid_burn_rate * eco.alloy_price_t


def superheat_cost_per_c_t(params: Params) -> float:
    """Cost of heating one tonne of liquid alloy by 1 °C at the smelter, CNY/(°C·t).

    ``superheat_cost_per_c_t`` as written; left out, ``superheat_gas_m3_per_c_t ×
    gas_price_cny_m3`` (0.094 m³ × 4.05 CNY/m³ ≈ 0.38 at the defaults).
    """
    eco = params.economics
    if eco.superheat_cost_per_c_t is not None:
        return eco.superheat_cost_per_c_t
    return params.emissions.superheat_gas_m3_per_c_t * eco.gas_price_cny_m3


def dross_disposal_per_t(params: Params) -> float:
    """What disposing of the dross of remelting one tonne costs, CNY/t.

    ``dross_t_per_t × dross_disposal_cny_t`` (``[emissions]``): 0.04 t × 2,000 CNY/t =
    80 CNY/t at the defaults (Chinese industry reports: 0.03–0.05 t of dross per tonne,
    a hazardous waste, about 2,000 CNY/t to dispose of). Whether or not it is counted.
    """
    em = params.emissions
    return em.dross_t_per_t * em.dross_disposal_cny_t


def ingot_dross_disposal_per_t(params: Params) -> float:
    """The ingot route's dross-disposal item, CNY/t.

    :func:`dross_disposal_per_t` (80 at the defaults) while ``[economics] count_dross``
    is true, else 0.
    """
    return dross_disposal_per_t(params) if params.economics.count_dross else 0.0


def ingot_items(params: Params) -> tuple[tuple[str, float], ...]:
    """Items of the ingot route in the seed table's order, CNY/t.

    The seed table's five, then ``dross_disposal`` (:func:`ingot_dross_disposal_per_t`)
    while ``[economics] count_dross`` is true; with it false, exactly the seed table's.
    """
    ing = params.economics.ingot
    items: tuple[tuple[str, float], ...] = (
        ("energy", ingot_energy_per_t(params)),
        ("furnace_depreciation", ing.furnace_depreciation),
        ("burn_loss", ingot_burn_loss_per_t(params)),
        ("labour", ing.labour),
        ("sundries", ing.sundries),
    )
    if params.economics.count_dross:
        items += (("dross_disposal", ingot_dross_disposal_per_t(params)),)
    return items


def ingot_cost_per_t(params: Params) -> float:
    """Cost of the ingot route, CNY per tonne remelted.

    1,010 at the defaults: the seed table's 930 plus 80 of dross disposal; 930 with
    ``[economics] count_dross = false``. The solver's price for a tonne left unserved
    starts from it: the caster remelts ingots instead.
    """
    return sum(value for _, value in ingot_items(params))


def liquid_cost_per_t_excl_transport(params: Params) -> float:
    """Per-tonne items of the liquid route that do not depend on the trip, CNY/t.

    ``holding + equipment_depreciation + liquid_burn_rate × alloy_price_t +
    special_vehicle + sundries`` = 70 + 50 + 180 + 100 + 30 = 430 at the defaults
    (Chinese industry reports). Transport, i.e. the truck, superheat and
    :func:`transport_calibration_per_t`, comes on top.
    """
    liq = params.economics.liquid
    return (
        liq.holding
        + liq.equipment_depreciation
        + liquid_burn_loss_per_t(params)
        + liq.special_vehicle
        + liq.sundries
    )


#: Burn + truck + superheat of the liquid route model at 30 km with every figure at its
#: default: 180 + 142.5 + 0 = 322.5 CNY/t (``logistics.economics.route_model``; a test
#: keeps the two equal).
SEED_MODEL_BURN_AND_TRANSPORT_30KM = 322.5


def transport_calibration_per_t(params: Params) -> float:
    """The calibration part of the liquid route's ``burn_and_transport``, CNY/t (27.5).

    ``liquid.burn_and_transport_30km`` minus what the route model gives at 30 km with
    every figure at its default (:data:`SEED_MODEL_BURN_AND_TRANSPORT_30KM`). Constant
    over distance and prices: the part of the seed table's transport the model does not
    explain (waiting, permits, ladle preheating).
    """
    return params.economics.liquid.burn_and_transport_30km - SEED_MODEL_BURN_AND_TRANSPORT_30KM


def unserved_penalty_per_t(params: Params) -> float:
    """What leaving one tonne unserved costs the optimiser, CNY/t.

    552.5 at the defaults (472.5 with ``[economics] count_dross = false``). The caster
    then buys ingots (:func:`ingot_cost_per_t`, 1,010; 930 without dross) instead of
    paying the liquid route's per-tonne items (:func:`liquid_cost_per_t_excl_transport`, 430) and
    the transport calibration (:func:`transport_calibration_per_t`, 27.5); the
    difference is what truck-km, truck-hours and superheat may spend to deliver it
    liquid. Exactly what the plan economics charges: unserved tonnes at the ingot
    route, served tonnes at those items plus their truck cost and superheat.
    """
    return (
        ingot_cost_per_t(params)
        - liquid_cost_per_t_excl_transport(params)
        - transport_calibration_per_t(params)
    )


def managed_drop_penalty_per_t(params: Params) -> float:
    """What leaving one tonne of a managed delivery unserved costs the optimiser, CNY/t.

    :func:`unserved_penalty_per_t` plus an hour of ``[supply] stockout_cny_per_h`` per
    tonne (3,552.5 at the defaults): a managed delivery is cut to arrive before its
    furnace falls below the minimum, so leaving it out stops the caster's cells — a
    ladle of a few tonnes covers a few hours of a furnace's draw. The router thus drops
    an ordinary order (which the caster covers with ingots) before a managed delivery.
    """
    return unserved_penalty_per_t(params) + params.supply.stockout_cny_per_h
