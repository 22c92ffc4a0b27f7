"""Ingot remelting against liquid supply: cost and CO2 per tonne, per plan, per year."""

from logistics.economics.cost_report import cost_report
from logistics.economics.emissions import co2_per_t_ingot, co2_per_t_liquid, dross_avoided
from logistics.economics.plan_economics import plan_economics
from logistics.economics.radius import break_even_km, practical_radius, thermal_reach_km
from logistics.economics.route_model import (
    TypicalTruck,
    ingot_route,
    liquid_route,
    saving_per_t,
    typical_truck,
)
from logistics.economics.sensitivity import sensitivity

__all__ = [
    "TypicalTruck",
    "break_even_km",
    "co2_per_t_ingot",
    "co2_per_t_liquid",
    "cost_report",
    "dross_avoided",
    "ingot_route",
    "liquid_route",
    "plan_economics",
    "practical_radius",
    "saving_per_t",
    "sensitivity",
    "thermal_reach_km",
    "typical_truck",
]
