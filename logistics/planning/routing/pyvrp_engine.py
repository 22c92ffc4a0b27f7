"""PyVRP as a second engine of the routing core, for what it can express.

PyVRP (Wouda, Lan and Kool 2024; iterated local search since 0.14) solves capacitated
routing with time windows, multiple depots, vehicle types and — since 0.14 — shipments
(a pickup and its delivery on one vehicle), optionally with a prize (our drop penalty).
A :class:`~.problem.RoutingProblem` maps onto it as follows:

* each distinct vehicle start or end location becomes a depot; vehicles with equal
  start, end, capacity, shift and costs form one vehicle type;
* a pair becomes a shipment (``prize`` = its penalty when it is optional), a single
  node a client (``delivery`` = its demand, ``prize`` = ``single_penalty``);
* time and distance are the problem's integer matrices, edge by edge; per-vehicle
  ``cost_per_distance`` / ``cost_per_time`` / ``fixed_cost`` are PyVRP's unit distance
  cost, unit duration cost and fixed cost.

It *cannot* express a ride limit (``Pair.max_ride``), vehicle restrictions per pair
(``Pair.vehicles``), ``pickup_groups``, ``empty_before_pickup``, a posted
``pickup_capacity`` or a vehicle's ``weight_capacity``: those are relaxed here and
:func:`relaxed_rules` names them, so a caller knows the routes still need repairing
(the ladle planner re-times and repairs them, then lets OR-Tools search the full model
from there).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from logistics.planning.routing.problem import DELIVERY, PICKUP, RoutingProblem, RoutingResult

#: PyVRP's penalty cap, as a multiple of the largest prize or edge cost.
PENALTY_CAP_FACTOR = 10.0


def available() -> bool:
    """Whether PyVRP can be imported here."""
    try:
        import pyvrp  # noqa: F401
    except ImportError:
        return False
    return True


def relaxed_rules(problem: RoutingProblem) -> list[str]:
    """Rules of ``problem`` that the PyVRP engine leaves out (empty: it solves it exactly)."""
    rules = []
    if any(p.max_ride is not None for p in problem.pairs):
        rules.append("max_ride")
    if any(p.vehicles is not None for p in problem.pairs):
        rules.append("pair_vehicles")
    if problem.pickup_groups:
        rules.append("pickup_groups")
    if problem.empty_before_pickup:
        rules.append("empty_before_pickup")
    if problem.post_pickup_capacity and problem.pickup_capacity:
        rules.append("pickup_capacity")
    if any(v.weight_capacity is not None for v in problem.vehicles):
        rules.append("weight_capacity")
    return rules


@dataclass(frozen=True)
class _PyvrpModel:
    """A problem as a PyVRP model, and how to read PyVRP's routes back.

    Attributes
    ----------
    model : pyvrp.Model
        The model.
    type_vehicles : list of list of int
        Per PyVRP vehicle type, the problem's vehicles of that type.
    shipment_nodes : list of (int, int)
        Per PyVRP shipment, the problem's pickup and delivery node.
    client_nodes : list of int
        Per PyVRP client, the problem's node.
    """

    model: Any
    type_vehicles: list[list[int]]
    shipment_nodes: list[tuple[int, int]]
    client_nodes: list[int]


def _used_locations(problem: RoutingProblem) -> list[int]:
    """Every location a node or a vehicle's start or end is at, sorted."""
    return sorted(
        {n.location for n in problem.nodes}
        | {v.start_location for v in problem.vehicles}
        | {v.end_location for v in problem.vehicles}
    )


def _add_depots(model: Any, problem: RoutingProblem, locations: dict[int, Any]) -> dict[int, Any]:
    """A depot at each distinct vehicle start or end location."""
    depot_at: dict[int, Any] = {}
    for v in problem.vehicles:
        for loc in (v.start_location, v.end_location):
            if loc not in depot_at:
                depot_at[loc] = model.add_depot(locations[loc])
    return depot_at


def _add_vehicle_types(
    model: Any, problem: RoutingProblem, depot_at: dict[int, Any]
) -> list[list[int]]:
    """One vehicle type per distinct start, end, capacity, shift and costs; its members."""
    type_members: dict[tuple[int, int, int, int, int, int, int, int], list[int]] = defaultdict(list)
    for k, v in enumerate(problem.vehicles):
        key = (
            v.start_location,
            v.end_location,
            v.capacity,
            v.earliest_start,
            v.latest_end,
            v.cost_per_distance,
            v.cost_per_time,
            v.fixed_cost,
        )
        type_members[key].append(k)
    type_vehicles: list[list[int]] = []
    for key, members in type_members.items():
        start, end, capacity, early, late, per_km, per_min, fixed = key
        model.add_vehicle_type(
            num_available=len(members),
            capacity=capacity,
            start_depot=depot_at[start],
            end_depot=depot_at[end],
            fixed_cost=fixed,
            tw_early=early,
            tw_late=late,
            unit_distance_cost=per_km,
            unit_duration_cost=per_min,
        )
        type_vehicles.append(members)
    return type_vehicles


def _add_shipments(
    model: Any, problem: RoutingProblem, locations: dict[int, Any]
) -> list[tuple[int, int]]:
    """A shipment per pair (its penalty the prize when it is optional); their nodes."""
    shipment_nodes: list[tuple[int, int]] = []
    for pair in problem.pairs:
        p, d = problem.nodes[pair.pickup], problem.nodes[pair.delivery]
        optional = pair.penalty is not None
        model.add_shipment(
            locations[p.location],
            locations[d.location],
            pickup_tw_early=p.earliest,
            pickup_tw_late=p.latest,
            pickup_service_duration=p.service,
            delivery_tw_early=d.earliest,
            delivery_tw_late=d.latest,
            delivery_service_duration=d.service,
            amount=p.demand,
            prize=int(pair.penalty or 0),
            required=not optional,
        )
        shipment_nodes.append((pair.pickup, pair.delivery))
    return shipment_nodes


def _add_clients(
    model: Any, problem: RoutingProblem, locations: dict[int, Any], paired: set[int]
) -> list[int]:
    """A client per single node (not in a pair, neither pickup nor delivery); their nodes."""
    client_nodes: list[int] = []
    for k, node in enumerate(problem.nodes):
        if k in paired or node.kind in (PICKUP, DELIVERY):
            continue
        optional = problem.single_penalty is not None
        model.add_client(
            locations[node.location],
            delivery=max(0, node.demand),
            pickup=max(0, -node.demand),
            service_duration=node.service,
            tw_early=node.earliest,
            tw_late=node.latest,
            prize=int(problem.single_penalty or 0),
            required=not optional,
        )
        client_nodes.append(k)
    return client_nodes


def _add_edges(
    model: Any, problem: RoutingProblem, used_locations: list[int], locations: dict[int, Any]
) -> None:
    """Every ordered pair of locations, the diagonal included.

    Stops at one location (ladles filled at one smelter) follow each other at the
    matrix's own cost (PyVRP charges a missing edge a prohibitive value).
    """
    for a in used_locations:
        for b in used_locations:
            model.add_edge(
                locations[a],
                locations[b],
                distance=int(problem.distance[a, b]),
                duration=int(problem.time[a, b]),
            )


def _pyvrp_model(problem: RoutingProblem) -> _PyvrpModel:
    """The problem as a PyVRP model (the rules of :func:`relaxed_rules` left out)."""
    import pyvrp

    model = pyvrp.Model()
    used_locations = _used_locations(problem)
    locations = {loc: model.add_location(x=0, y=0) for loc in used_locations}
    type_vehicles = _add_vehicle_types(model, problem, _add_depots(model, problem, locations))
    shipment_nodes = _add_shipments(model, problem, locations)
    paired = {n for pd in shipment_nodes for n in pd}
    client_nodes = _add_clients(model, problem, locations, paired)
    _add_edges(model, problem, used_locations, locations)
    return _PyvrpModel(model, type_vehicles, shipment_nodes, client_nodes)


def solve_params(problem: RoutingProblem) -> Any:
    """PyVRP's solve parameters: its penalty cap above every prize and edge cost.

    PyVRP caps its penalty per unit of excess load or time warp (1e5 by default); with
    prizes above it (a ladle job's penalty in fen) overloading a truck would pay.
    """
    import pyvrp

    biggest = max(
        [int(p.penalty or 0) for p in problem.pairs]
        + [int(problem.single_penalty or 0), int(problem.distance.max(initial=0))]
    )
    return pyvrp.SolveParams(
        penalty=pyvrp.PenaltyParams(max_penalty=max(1e5, PENALTY_CAP_FACTOR * biggest))
    )


def stop_after(left_s: float, max_iterations: int | None) -> Any:
    """Stop after ``left_s`` seconds, or after ``max_iterations`` if that comes first."""
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    if max_iterations is not None:
        return MultipleCriteria([MaxIterations(int(max_iterations)), MaxRuntime(left_s)])
    return MaxRuntime(left_s)


def _read_routes(built: _PyvrpModel, best: Any, vehicles: int) -> list[list[tuple[int, int]]]:
    """PyVRP's best solution as ``[(node, start of service), ...]`` per problem vehicle.

    A route of a vehicle type goes to the type's first vehicle not yet given one.
    """
    routes: list[list[tuple[int, int]]] = [[] for _ in range(vehicles)]
    free = [list(members) for members in built.type_vehicles]
    for route in best.routes():
        vehicle = free[route.vehicle_type()].pop(0)
        for act in route.schedule():
            if act.is_depot():
                continue
            if act.is_pickup():
                node = built.shipment_nodes[act.idx][0]
            elif act.is_delivery():
                node = built.shipment_nodes[act.idx][1]
            else:
                node = built.client_nodes[act.idx]
            routes[vehicle].append((node, int(act.start_time)))
    return routes


def solve_pyvrp(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    max_iterations: int | None = None,
) -> RoutingResult:
    """Solve the PyVRP-expressible part of ``problem`` within a time limit.

    Parameters
    ----------
    problem : RoutingProblem
        Nodes, vehicles, pairs and matrices (rules named by :func:`relaxed_rules` are
        ignored).
    time_limit_s : float
        Wall-clock limit for build and search, seconds.
    seed : int
        PyVRP's random seed: the same problem, seed and ``max_iterations`` give the
        same routes.
    max_iterations : int, optional
        Stop after this many iterations instead of at the time limit (deterministic).

    Returns
    -------
    RoutingResult
        Routes ``[(node, start of service), ...]`` per vehicle of ``problem`` (in the
        problem's vehicle order), dropped nodes, status ``pyvrp_feasible`` or
        ``pyvrp_infeasible``, and PyVRP's cost as objective.
    """
    started = time.perf_counter()
    built = _pyvrp_model(problem)
    left = max(0.1, time_limit_s - (time.perf_counter() - started))
    result = built.model.solve(
        stop=stop_after(left, max_iterations),
        seed=seed,
        display=False,
        collect_stats=False,
        params=solve_params(problem),
    )
    routes = _read_routes(built, result.best, len(problem.vehicles))
    visited = {n for r in routes for n, _ in r}
    dropped = [n for n in range(len(problem.nodes)) if n not in visited]
    wall = time.perf_counter() - started
    return RoutingResult(
        routes=routes,
        dropped=dropped,
        status="pyvrp_feasible" if result.is_feasible() else "pyvrp_infeasible",
        objective=int(result.cost()) if result.is_feasible() else None,
        wall_s=wall,
        first_solution_s=None,
        solutions=1,
        initial_accepted=None,
    )
