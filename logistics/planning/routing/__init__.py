"""A generic pickup-and-delivery routing core over OR-Tools (PDPTW with ride limits).

The ladle planner and the public benchmarks (Li & Lim PDPTW, Solomon and Gehring &
Homberger VRPTW) run through this same package. It knows nothing about aluminium:
nodes with a location, service time, time window and load; pairs (pickup before
delivery, on one vehicle, within a ride limit, optional with a drop penalty); vehicles
with start, end, capacity, shift and costs. Two options carry ladle rules:

* ``pickup_groups`` — consecutive pickups must share a group (a trip fills at one
  smelter): arcs between pickups of different groups are forbidden through the time
  dimension, so insertion heuristics see it;
* ``empty_before_pickup`` — a vehicle leaving a delivery for a pickup must be empty (a
  trip returns empty before filling again), posted on the load after each delivery.

Pairs that are always served together can be searched as one (:mod:`.bundle`).
"""

from logistics.planning.routing.bundle import Bundling, bundle_pairs
from logistics.planning.routing.problem import (
    DELIVERY,
    PICKUP,
    SINGLE,
    Node,
    Pair,
    RoutingProblem,
    RoutingResult,
    Vehicle,
)
from logistics.planning.routing.search import SolutionCallback, solve_routing

__all__ = [
    "DELIVERY",
    "PICKUP",
    "SINGLE",
    "Bundling",
    "Node",
    "Pair",
    "RoutingProblem",
    "RoutingResult",
    "SolutionCallback",
    "Vehicle",
    "bundle_pairs",
    "solve_routing",
]
