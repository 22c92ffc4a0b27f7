"""The shape of a plan's economics in ``plan.json``: cost, saving and CO2 against ingots.

Only the data model lives here; :mod:`logistics.economics.plan_economics` computes it.
CNY are rounded to 0.01, tonnes and km to 0.001, kg CO2 to 0.01.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class EconomicsBasis(_Section):
    """The per-tonne figures the plan was priced with."""

    ingot_cny_t: float
    ingot_items: dict[str, float]
    liquid_per_t_excl_transport_cny_t: float
    transport_calibration_cny_t: float
    superheat_cny_per_c_t: float
    unserved_penalty_cny_t: float
    ingot_co2_kg_t: float
    truck_allocation: str
    operating_days_per_year: float


class RunEconomics(_Section):
    """One run's share of its trip's truck cost plus its own per-tonne items.

    ``risk_superheat_c`` and ``risk_superheat_cny``: the part of its superheat the fixed
    margin alone would not have needed for its planned hold (the price of the risk
    target; :func:`logistics.plan.summary.risk_superheat_c`), already in
    ``superheat_cny``. ``preheat_gas_m3``, ``preheat_cny`` and ``ladle_wear_cny``: with
    a ladle pool, the gas of the preheat before its ladle's fill and the lining's wear
    (:mod:`logistics.economics.ladle_costs`), in ``cost_cny``; 0 without a pool.
    """

    run_id: str
    truck_id: str
    trip: int
    order_id: str
    caster_id: str
    smelter_id: str
    tonnes: float
    road_km: float
    truck_share: float
    truck_km: float
    truck_cny: float
    items_cny: float
    superheat_c: float
    superheat_cny: float
    risk_superheat_c: float = 0.0
    risk_superheat_cny: float = 0.0
    preheat_gas_m3: float = 0.0
    preheat_cny: float = 0.0
    ladle_wear_cny: float = 0.0
    cost_cny: float
    cost_cny_t: float | None
    ingot_cny: float
    saving_cny: float
    co2_kg: float


class TripEconomics(_Section):
    """One trip's km, hours, truck cost and CO2 (:mod:`logistics.plan.timeline`)."""

    truck_id: str
    trip: int
    smelter_id: str
    runs: list[str]
    tonnes: float
    km: float
    hours: float
    cost_cny: float
    co2_kg: float


class Totals(_Section):
    """Liquid and unserved tonnes of a group with their cost, saving and CO2."""

    liquid_t: float
    unserved_t: float
    total_t: float
    liquid_cny: float
    liquid_cny_t: float | None
    unserved_cny: float
    total_cny: float
    cny_t: float | None
    all_ingot_cny: float
    saving_cny: float
    co2_kg: float
    all_ingot_co2_kg: float
    co2_avoided_kg: float


class OrderEconomics(Totals):
    """:class:`Totals` of one order."""

    order_id: str
    caster_id: str | None


class CasterEconomics(Totals):
    """:class:`Totals` of one caster."""

    caster_id: str


class UnservedCost(_Section):
    """Tonnes of one unserved reason and what they cost as ingots."""

    t: float
    cny: float


class PerYear(_Section):
    """The plan day's figures times the operating days of a year."""

    operating_days: float
    saving_cny: float
    co2_avoided_t: float
    dross_avoided_t: float
    dross_disposal_avoided_cny: float


class PlanTotals(Totals):
    """:class:`Totals` of the plan with its driving and its year (with a ladle pool, its
    preheat gas, Nm³ and CNY, and ladle wear, CNY, a day: already in its cost)."""

    saving_cny_per_liquid_t: float | None
    trips: int
    truck_km: float
    truck_h: float
    truck_cny: float
    items_cny: float
    superheat_cny: float
    risk_superheat_cny: float = 0.0
    preheat_gas_m3: float = 0.0
    preheat_cny: float = 0.0
    ladle_wear_cny: float = 0.0
    unserved_by_reason: dict[str, UnservedCost]
    per_year: PerYear


class EmissionsPerYear(_Section):
    """CO2 of a year at the plan day's rate, t."""

    total: float
    all_ingot: float
    avoided: float


class Emissions(_Section):
    """CO2 of the plan against an all-ingot day, kg."""

    liquid_kg: float
    unserved_kg: float
    total_kg: float
    all_ingot_kg: float
    avoided_kg: float
    liquid_kg_t: float | None
    ingot_kg_t: float
    per_year_t: EmissionsPerYear


class DrossAvoided(_Section):
    """Dross the liquid tonnes did not make at the casters, and its disposal cost."""

    t: float
    cny: float
    t_per_t: float
    disposal_cny_t: float


class EconomicsSummary(_Section):
    """The plan's money and CO2 in one line each."""

    cost_cny: float
    cost_cny_t: float | None
    liquid_cny_t: float | None
    all_ingot_cny: float
    saving_cny: float
    saving_cny_per_liquid_t: float | None
    saving_cny_per_year: float
    co2_kg: float
    co2_all_ingot_kg: float
    co2_avoided_kg: float
    co2_avoided_t_per_year: float
    dross_avoided_t: float
    dross_avoided_cny: float
    risk_superheat_cny: float = 0.0


class PlanEconomics(_Section):
    """Cost, saving and CO2 of a plan per run, trip, order, caster and for the plan."""

    basis: EconomicsBasis
    runs: list[RunEconomics]
    trips: list[TripEconomics]
    orders: list[OrderEconomics]
    casters: list[CasterEconomics]
    plan: PlanTotals
    emissions: Emissions
    dross_avoided: DrossAvoided
    summary: EconomicsSummary
