"""A generic pickup-and-delivery routing core over OR-Tools (PDPTW with ride limits).

The ladle planner and the public benchmarks (Li & Lim PDPTW, Solomon and Gehring &
Homberger VRPTW) run through this same module. It knows nothing about aluminium: nodes
with a location, service time, time window and load; pairs (pickup before delivery, on
one vehicle, within a ride limit, optional with a drop penalty); vehicles with start,
end, capacity, shift and costs. Two options carry the ladle rules of spec §3.2:

* ``pickup_groups`` — consecutive pickups must share a group (a trip fills at one
  smelter): arcs between pickups of different groups are forbidden through the time
  dimension, so insertion heuristics see it;
* ``empty_before_pickup`` — a vehicle leaving a delivery for a pickup must be empty (a
  trip returns empty before filling again), posted as a constraint on the load after
  each delivery and the kind of its successor.

What was measured and decided (see ``../shared/design.md``): plain Python transit
callbacks over integer matrices (``RegisterTransitMatrix`` made first solutions 40–60×
slower at ~2,000 nodes); local cheapest insertion, then guided local search; the ride
limit both as ``SetPickupToDeliveryLimitFunctionForPair`` (seen by insertion) and as an
explicit constraint (enforcing it); ``VehicleVar(p) == VehicleVar(d)`` posted for every
pair; the status is read, never the truthiness of the assignment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

log = logging.getLogger(__name__)

PICKUP, DELIVERY, SINGLE = "pickup", "delivery", "single"

_STATUS = {
    0: "not_solved",
    1: "success",
    2: "partial_success_time_limit",
    3: "fail",
    4: "fail_timeout",
    5: "invalid",
    6: "infeasible",
    7: "optimal",
}


@dataclass(frozen=True)
class Node:
    """A stop to visit.

    Attributes
    ----------
    location : int
        Row of the travel matrices.
    service : int
        Service duration (time units).
    earliest, latest : int
        Window for the *start* of service.
    demand : int
        Load change: positive at pickups, negative at deliveries.
    kind : str
        ``pickup``, ``delivery`` or ``single``.
    group : int
        Pickup group (the smelter); pickups of different groups may not follow each
        other when ``pickup_groups`` is set.
    """

    location: int
    service: int
    earliest: int
    latest: int
    demand: int
    kind: str = SINGLE
    group: int = -1


@dataclass(frozen=True)
class Vehicle:
    """A vehicle: where and when it may start and end, what it carries and costs."""

    start_location: int
    end_location: int
    capacity: int
    earliest_start: int
    latest_end: int
    cost_per_distance: int = 1
    cost_per_time: int = 0
    fixed_cost: int = 0


@dataclass(frozen=True)
class Pair:
    """A pickup and its delivery (node indices), served by one vehicle or not at all.

    Attributes
    ----------
    max_ride : int or None
        Longest time from the start of the pickup to the start of the delivery.
    penalty : int or None
        Cost of leaving the pair unserved; ``None`` makes it mandatory.
    vehicles : tuple[int, ...] or None
        Vehicles allowed to serve it (``None``: all).
    """

    pickup: int
    delivery: int
    max_ride: int | None = None
    penalty: int | None = None
    vehicles: tuple[int, ...] | None = None


@dataclass(frozen=True)
class RoutingProblem:
    """Everything the core needs; plain data, so it can be pickled to another process.

    ``time`` and ``distance`` are integer matrices between locations; ``single_penalty``
    makes single (unpaired) nodes optional at that cost.
    """

    nodes: tuple[Node, ...]
    vehicles: tuple[Vehicle, ...]
    time: np.ndarray
    distance: np.ndarray
    pairs: tuple[Pair, ...] = ()
    single_penalty: int | None = None
    pickup_groups: bool = False
    empty_before_pickup: bool = False
    horizon: int = 10**7


@dataclass
class RoutingResult:
    """Routes found, what was dropped, and how the search went.

    ``routes[v]`` lists ``(node, start_of_service)`` in visiting order, depots excluded.
    """

    routes: list[list[tuple[int, int]]]
    dropped: list[int]
    status: str
    objective: int | None
    wall_s: float
    first_solution_s: float | None = None
    solutions: int = 0
    initial_accepted: bool | None = None
    log: list[tuple[float, int]] = field(default_factory=list)


def _first_solution_strategy(name: str) -> int:
    return getattr(routing_enums_pb2.FirstSolutionStrategy, name)


def _metaheuristic(name: str) -> int:
    return getattr(routing_enums_pb2.LocalSearchMetaheuristic, name)


def solve_routing(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 30.0,
    first_solution: str = "LOCAL_CHEAPEST_INSERTION",
    metaheuristic: str = "GUIDED_LOCAL_SEARCH",
    initial_routes: Sequence[Sequence[int]] | None = None,
    on_solution: Callable[[float, int], None] | None = None,
    operator_bandit: bool = False,
) -> RoutingResult:
    """Solve a routing problem within a time limit and return the best routes found.

    Parameters
    ----------
    problem : RoutingProblem
        Nodes, vehicles, pairs and matrices.
    time_limit_s : float
        Wall-clock limit for the whole search, seconds.
    first_solution, metaheuristic : str
        OR-Tools strategy names.
    initial_routes : sequence of sequences of int, optional
        Node lists per vehicle to start the search from (e.g. the greedy plan).
    on_solution : callable, optional
        Called with ``(seconds, objective)`` at each improving solution (progress bars).
    operator_bandit : bool
        Let OR-Tools choose among its local-search operators by a multi-armed bandit
        (``use_multi_armed_bandit_concatenate_operators``). Measured: Li & Lim at 30 s,
        mean gap 4.20 % → 0.78 % (20 of 29 within 1 %); but ladle days got worse (see
        ``benchmarks/results/experiments-2026-11-21.md``), so it is off by default.

    Returns
    -------
    RoutingResult
        Routes with service start times, dropped nodes, status and statistics.
    """
    started = time.perf_counter()
    nodes = problem.nodes
    n_nodes = len(nodes)
    n_veh = len(problem.vehicles)
    # Node order for the manager: job nodes, then one start and one end node per vehicle.
    locations = [n.location for n in nodes]
    services = [n.service for n in nodes]
    kinds = [n.kind for n in nodes]
    groups = [n.group for n in nodes]
    demands = [n.demand for n in nodes]
    for v in problem.vehicles:
        locations += [v.start_location, v.end_location]
        services += [0, 0]
        kinds += ["start", "end"]
        groups += [-1, -1]
        demands += [0, 0]
    starts = [n_nodes + 2 * k for k in range(n_veh)]
    ends = [n_nodes + 2 * k + 1 for k in range(n_veh)]
    manager = pywrapcp.RoutingIndexManager(n_nodes + 2 * n_veh, n_veh, starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    solver = routing.solver()

    size = routing.Size() + n_veh
    index_node = [manager.IndexToNode(i) for i in range(size)]
    loc_of = [locations[index_node[i]] for i in range(size)]
    svc_of = [services[index_node[i]] for i in range(size)]
    kind_of = [kinds[index_node[i]] for i in range(size)]
    group_of = [groups[index_node[i]] for i in range(size)]
    time_m = problem.time.astype(np.int64).tolist()
    dist_m = problem.distance.astype(np.int64).tolist()
    forbid = problem.horizon + 1
    pickup_groups = problem.pickup_groups

    def time_cb(i: int, j: int) -> int:
        if (
            pickup_groups
            and kind_of[i] == PICKUP
            and kind_of[j] == PICKUP
            and group_of[i] != group_of[j]
        ):
            return forbid
        return svc_of[i] + time_m[loc_of[i]][loc_of[j]]

    time_idx = routing.RegisterTransitCallback(time_cb)
    routing.AddDimension(time_idx, problem.horizon, problem.horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")

    cost_callbacks: dict[int, int] = {}
    for v, veh in enumerate(problem.vehicles):
        c = veh.cost_per_distance
        if c not in cost_callbacks:

            def dist_cb(i: int, j: int, c: int = c) -> int:
                return c * dist_m[loc_of[i]][loc_of[j]]

            cost_callbacks[c] = routing.RegisterTransitCallback(dist_cb)
        routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[c], v)
        if veh.cost_per_time:
            time_dim.SetSpanCostCoefficientForVehicle(veh.cost_per_time, v)
        if veh.fixed_cost:
            routing.SetFixedCostOfVehicle(veh.fixed_cost, v)

    demand_of = [demands[index_node[i]] for i in range(size)]
    load_idx = routing.RegisterUnaryTransitCallback(lambda i: demand_of[i])
    routing.AddDimensionWithVehicleCapacity(
        load_idx, 0, [v.capacity for v in problem.vehicles], True, "load"
    )
    load_dim = routing.GetDimensionOrDie("load")

    for node, spec in enumerate(nodes):
        index = manager.NodeToIndex(node)
        time_dim.CumulVar(index).SetRange(spec.earliest, spec.latest)
    for v, veh in enumerate(problem.vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(veh.earliest_start, veh.latest_end)
        time_dim.CumulVar(routing.End(v)).SetRange(veh.earliest_start, veh.latest_end)

    paired: set[int] = set()
    for pair_index, pair in enumerate(problem.pairs):
        p = manager.NodeToIndex(pair.pickup)
        d = manager.NodeToIndex(pair.delivery)
        paired.update((pair.pickup, pair.delivery))
        routing.AddPickupAndDelivery(p, d)
        solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
        solver.Add(time_dim.CumulVar(p) <= time_dim.CumulVar(d))
        if pair.max_ride is not None:
            limit = int(pair.max_ride)
            time_dim.SetPickupToDeliveryLimitFunctionForPair(
                lambda _a, _b, limit=limit: limit, pair_index
            )
            solver.Add(time_dim.CumulVar(d) - time_dim.CumulVar(p) <= limit)
        if pair.penalty is not None:
            half = max(1, int(pair.penalty) // 2)
            routing.AddDisjunction([p], half)
            routing.AddDisjunction([d], int(pair.penalty) - half)
        if pair.vehicles is not None:
            # SetAllowedVehiclesForIndex rejects every Python sequence in ortools 9.15
            # (absl::Span); restrict the vehicle variables instead (-1: not performed).
            allowed = [-1, *pair.vehicles] if pair.penalty is not None else list(pair.vehicles)
            routing.VehicleVar(p).SetValues(allowed)
            routing.VehicleVar(d).SetValues(allowed)
    if problem.single_penalty is not None:
        for node in range(n_nodes):
            if node not in paired:
                routing.AddDisjunction([manager.NodeToIndex(node)], problem.single_penalty)

    if problem.empty_before_pickup:
        big = max(v.capacity for v in problem.vehicles) + 1
        is_pickup = [1 if k == PICKUP else 0 for k in kind_of]
        for node, spec in enumerate(nodes):
            if spec.kind != DELIVERY:
                continue
            index = manager.NodeToIndex(node)
            next_is_pickup = solver.Element(is_pickup, routing.NextVar(index))
            # load on arrival + (negative) demand = load after the delivery; it must be
            # zero when the vehicle goes on to a pickup.
            solver.Add(load_dim.CumulVar(index) + spec.demand <= big * (1 - next_is_pickup))

    for v in range(n_veh):
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = _first_solution_strategy(first_solution)
    params.local_search_metaheuristic = _metaheuristic(metaheuristic)
    params.use_multi_armed_bandit_concatenate_operators = operator_bandit
    build_s = time.perf_counter() - started
    remaining = max(1.0, time_limit_s - build_s)
    params.time_limit.FromMilliseconds(int(remaining * 1000))

    progress: list[tuple[float, int]] = []

    def record() -> None:
        value = routing.CostVar().Max()
        elapsed = time.perf_counter() - started
        if not progress or value < progress[-1][1]:
            progress.append((elapsed, value))
            if on_solution is not None:
                on_solution(elapsed, value)

    routing.AddAtSolutionCallback(record)
    solution = None
    initial_accepted = None
    if initial_routes is not None:
        routing.CloseModelWithParameters(params)
        indices = [[manager.NodeToIndex(n) for n in r] for r in initial_routes]
        initial = routing.ReadAssignmentFromRoutes(indices, True)
        initial_accepted = initial is not None
        if initial is not None:
            solution = routing.SolveFromAssignmentWithParameters(initial, params)
        else:
            log.warning("initial routes rejected by the model; searching from scratch")
    if solution is None and routing.status() not in (1, 2, 7):
        solution = routing.SolveWithParameters(params)
    status = _STATUS.get(routing.status(), str(routing.status()))
    wall = time.perf_counter() - started

    routes: list[list[tuple[int, int]]] = [[] for _ in range(n_veh)]
    dropped: list[int] = []
    objective = None
    if solution is not None and routing.status() in (1, 2, 7):
        objective = solution.ObjectiveValue()
        visited = set()
        for v in range(n_veh):
            index = solution.Value(routing.NextVar(routing.Start(v)))
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                visited.add(node)
                routes[v].append((node, solution.Min(time_dim.CumulVar(index))))
                index = solution.Value(routing.NextVar(index))
        dropped = [n for n in range(n_nodes) if n not in visited]
    else:
        dropped = list(range(n_nodes))
    log.info(
        "routing: %d nodes, %d vehicles, status %s, objective %s, %d dropped, %.1f s",
        n_nodes,
        n_veh,
        status,
        objective,
        len(dropped),
        wall,
    )
    return RoutingResult(
        routes=routes,
        dropped=dropped,
        status=status,
        objective=objective,
        wall_s=wall,
        first_solution_s=progress[0][0] if progress else None,
        solutions=len(progress),
        initial_accepted=initial_accepted,
        log=progress,
    )
