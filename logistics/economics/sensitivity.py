"""Saving per tonne over a grid of distance, alloy price, gas price and truck cost."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from logistics.economics.route_model import (
    SEED_DISTANCE_KM,
    TypicalTruck,
    check_distance,
    liquid_route,
    truck_rates,
)
from logistics.network.params import Params
from logistics.network.prices import ingot_cost_per_t

if TYPE_CHECKING:  # pandas is imported by the one function that builds a frame
    import pandas as pd


def _with_economics(params: Params, **updates: float) -> Params:
    return params.model_copy(update={"economics": params.economics.model_copy(update=updates)})


def sensitivity(
    params: Params,
    distances_km: Iterable[float] = (SEED_DISTANCE_KM,),
    alloy_prices: Iterable[float] | None = None,
    gas_prices: Iterable[float] | None = None,
    truck_costs_per_km: Iterable[float] | None = None,
    truck: TypicalTruck = TypicalTruck(),
) -> pd.DataFrame:
    """Saving per tonne over a grid of distance, alloy price, gas price and truck cost.

    Parameters
    ----------
    params : Params
        Every other figure.
    distances_km : iterable of float
        Road km.
    alloy_prices : iterable of float, optional
        ``alloy_price_t``, CNY/t (moves both burn-loss items); ``None``: the params' value.
    gas_prices : iterable of float, optional
        ``gas_price_cny_m3``, CNY/Nm³ (moves the ingot energy item and superheat, see
        :func:`ingot_energy_per_t`, :func:`superheat_cost_per_c_t`); ``None``: as params.
    truck_costs_per_km : iterable of float, optional
        ``truck_cost_per_km``, CNY/km (replaces a ``truck.cost_per_km``); ``None``: as is.
    truck : TypicalTruck
        The delivery priced.

    Returns
    -------
    pandas.DataFrame
        Long format, one row per grid point: ``distance_km, alloy_price_t,
        gas_price_cny_m3, truck_cost_per_km, ingot_cny_t, liquid_cny_t, saving_cny_t,
        thermally_feasible``.
    """
    eco = params.economics
    distances = [check_distance(d) for d in distances_km]
    alloys = [float(p) for p in alloy_prices] if alloy_prices is not None else [eco.alloy_price_t]
    gases = [float(p) for p in gas_prices] if gas_prices is not None else [eco.gas_price_cny_m3]
    if truck_costs_per_km is not None:
        per_kms = [float(c) for c in truck_costs_per_km]
        truck = replace(truck, cost_per_km=None)
    else:
        per_kms = [truck_rates(params, truck)[0]]
    rows = []
    for alloy, gas, per_km in itertools.product(alloys, gases, per_kms):
        p = _with_economics(
            params, alloy_price_t=alloy, gas_price_cny_m3=gas, truck_cost_per_km=per_km
        )
        ingot = ingot_cost_per_t(p)
        for d in distances:
            liquid = liquid_route(p, d, truck)
            rows.append(
                {
                    "distance_km": d,
                    "alloy_price_t": alloy,
                    "gas_price_cny_m3": gas,
                    "truck_cost_per_km": per_km,
                    "ingot_cny_t": ingot,
                    "liquid_cny_t": liquid.total,
                    "saving_cny_t": ingot - liquid.total,
                    "thermally_feasible": liquid.feasible,
                }
            )
    import pandas as pd  # here, not at import: the planner and checker never need it

    frame = pd.DataFrame(rows)
    return frame.sort_values(
        ["distance_km", "alloy_price_t", "gas_price_cny_m3", "truck_cost_per_km"],
        ignore_index=True,
    )
