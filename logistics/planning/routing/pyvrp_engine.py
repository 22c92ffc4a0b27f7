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
(``Pair.vehicles``), ``pickup_groups`` or ``empty_before_pickup``: those are relaxed
here and :func:`relaxed_rules` names them, so a caller knows the routes still need
repairing (the ladle planner re-times and repairs them, then lets OR-Tools search the
full model from there).
"""

from __future__ import annotations

import time
from collections import defaultdict

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
    return rules


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
    import pyvrp
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    started = time.perf_counter()
    model = pyvrp.Model()
    used_locations = sorted(
        {n.location for n in problem.nodes}
        | {v.start_location for v in problem.vehicles}
        | {v.end_location for v in problem.vehicles}
    )
    locations = {loc: model.add_location(x=0, y=0) for loc in used_locations}
    depot_at: dict[int, object] = {}
    for v in problem.vehicles:
        for loc in (v.start_location, v.end_location):
            if loc not in depot_at:
                depot_at[loc] = model.add_depot(locations[loc])

    type_members: dict[tuple, list[int]] = defaultdict(list)
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
            prize=int(pair.penalty) if optional else 0,
            required=not optional,
        )
        shipment_nodes.append((pair.pickup, pair.delivery))
    paired = {n for pd in shipment_nodes for n in pd}
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
            prize=int(problem.single_penalty) if optional else 0,
            required=not optional,
        )
        client_nodes.append(k)
    # Every ordered pair, the diagonal included: stops at one location (ladles filled at
    # one smelter) follow each other at the matrix's own cost (PyVRP charges a missing
    # edge a prohibitive value).
    for a in used_locations:
        for b in used_locations:
            model.add_edge(
                locations[a],
                locations[b],
                distance=int(problem.distance[a, b]),
                duration=int(problem.time[a, b]),
            )

    left = max(0.1, time_limit_s - (time.perf_counter() - started))
    stop = MaxRuntime(left)
    if max_iterations is not None:
        stop = MultipleCriteria([MaxIterations(int(max_iterations)), MaxRuntime(left)])
    # PyVRP caps its penalty per unit of excess load or time warp (1e5 by default); with
    # prizes above it (a ladle job's penalty in fen) overloading a truck would pay.
    biggest = max(
        [int(p.penalty or 0) for p in problem.pairs]
        + [int(problem.single_penalty or 0), int(problem.distance.max(initial=0))]
    )
    params = pyvrp.SolveParams(
        penalty=pyvrp.PenaltyParams(max_penalty=max(1e5, PENALTY_CAP_FACTOR * biggest))
    )
    result = model.solve(stop=stop, seed=seed, display=False, collect_stats=False, params=params)

    routes: list[list[tuple[int, int]]] = [[] for _ in problem.vehicles]
    free = [list(members) for members in type_vehicles]
    for route in result.best.routes():
        vehicle = free[route.vehicle_type()].pop(0)
        for act in route.schedule():
            if act.is_depot():
                continue
            if act.is_pickup():
                node = shipment_nodes[act.idx][0]
            elif act.is_delivery():
                node = shipment_nodes[act.idx][1]
            else:
                node = client_nodes[act.idx]
            routes[vehicle].append((node, int(act.start_time)))
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
