"""The inputs: parameters with sourced defaults, validated objects, the folder loader."""

from logistics.network.loader import load_network
from logistics.network.model import (
    Candidate,
    Caster,
    Network,
    Order,
    Production,
    Smelter,
    Truck,
    TruckStart,
)
from logistics.network.params import Params

__all__ = [
    "Candidate",
    "Caster",
    "Network",
    "Order",
    "Params",
    "Production",
    "Smelter",
    "Truck",
    "TruckStart",
    "load_network",
]
