"""Build an OR-Tools routing model from a :class:`~.problem.RoutingProblem`.

What was measured and decided on ladle days (ortools 9.15, 2 cores):

* plain Python transit callbacks over integer matrices: ``RegisterTransitMatrix`` made
  first solutions 40–60× slower once the model had ~2,000 nodes;
* the ride limit both as ``SetPickupToDeliveryLimitFunctionForPair`` (seen by the
  insertion heuristics) and as an explicit constraint (which enforces it);
* ``VehicleVar(p) == VehicleVar(d)`` for every pair (``AddPickupAndDelivery`` alone let
  a pair split across vehicles);
* vehicle restrictions as a restricted domain of ``VehicleVar`` (enforcing) plus a
  per-vehicle-class time transit that forbids arriving at a node the class may not
  serve (seen by the insertion filters): ``SetAllowedVehiclesForIndex`` rejects every
  Python sequence in ortools 9.15.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp

from logistics.planning.routing.problem import DELIVERY, PICKUP, RoutingProblem

#: Post the ride limit as an explicit constraint besides the pickup-to-delivery limit.
EXPLICIT_RIDE_LIMIT = True


class ModelInputError(ValueError):
    """A routing problem the model builder refuses: an empty or inverted range.

    OR-Tools answers such a range with a bare ``CP Solver fail`` while the model is
    built; this names the node or vehicle and both bounds instead (a bug report a
    developer can act on: whoever built the problem should have left it out).
    """


def _what(label: str, fallback: str) -> str:
    return label or fallback


def validate_problem(problem: RoutingProblem) -> None:
    """Refuse a problem whose ranges OR-Tools would fail on while building the model.

    Parameters
    ----------
    problem : RoutingProblem
        The problem.

    Raises
    ------
    ModelInputError
        Naming the first node, vehicle or pair with an empty or inverted range (a
        window with ``earliest > latest``, outside ``[0, horizon]``, a vehicle free
        after its end, a negative ride limit, a location outside the matrices), and
        both of its bounds.
    """
    n_loc = len(problem.time)
    horizon = problem.horizon
    for i, node in enumerate(problem.nodes):
        what = _what(node.label, f"node {i}")
        if not 0 <= node.location < n_loc:
            raise ModelInputError(f"{what}: location {node.location} is not in the matrices")
        if node.earliest > node.latest:
            raise ModelInputError(
                f"{what}: empty window, earliest {node.earliest} > latest {node.latest} min"
            )
        if node.earliest < 0 or node.earliest > horizon:
            raise ModelInputError(
                f"{what}: window {node.earliest}–{node.latest} min starts outside the "
                f"horizon 0–{horizon} min"
            )
        if node.service < 0:
            raise ModelInputError(f"{what}: negative service {node.service} min")
    for v, vehicle in enumerate(problem.vehicles):
        what = _what(vehicle.label, f"vehicle {v}")
        if vehicle.earliest_start > vehicle.latest_end:
            raise ModelInputError(
                f"{what}: free from {vehicle.earliest_start} min, after its end "
                f"{vehicle.latest_end} min"
            )
        if vehicle.earliest_start < 0 or vehicle.earliest_start > horizon:
            raise ModelInputError(
                f"{what}: start {vehicle.earliest_start} min is outside the horizon 0–{horizon} min"
            )
        if vehicle.capacity < 0:
            raise ModelInputError(f"{what}: negative capacity {vehicle.capacity}")
        for loc in (vehicle.start_location, vehicle.end_location):
            if not 0 <= loc < n_loc:
                raise ModelInputError(f"{what}: location {loc} is not in the matrices")
    for location, capacity in problem.pickup_capacity:
        if capacity < 1:
            raise ModelInputError(f"location {location}: pickup capacity {capacity} below 1")
    for k, pair in enumerate(problem.pairs):
        pickup, delivery = problem.nodes[pair.pickup], problem.nodes[pair.delivery]
        what = _what(pickup.label, f"pair {k}")
        if pair.max_ride is not None and pair.max_ride < 0:
            raise ModelInputError(f"{what}: negative ride limit {pair.max_ride} min")
        if pair.max_ride is not None and delivery.earliest - pickup.latest > pair.max_ride:
            raise ModelInputError(
                f"{what}: ride limit {pair.max_ride} min shorter than the gap from the "
                f"pickup's latest {pickup.latest} min to the delivery's earliest "
                f"{delivery.earliest} min"
            )
        if delivery.latest < pickup.earliest:
            raise ModelInputError(
                f"{what}: its delivery window ends at {delivery.latest} min, before its "
                f"pickup window opens at {pickup.earliest} min"
            )


@dataclass
class BuiltModel:
    """An OR-Tools model with what search and extraction need to read it."""

    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    time_dim: pywrapcp.RoutingDimension
    n_nodes: int


def _vehicle_classes(problem: RoutingProblem) -> list[frozenset[int]]:
    """For each vehicle, the set of job nodes it may not serve."""
    n_veh = len(problem.vehicles)
    forbidden: list[set[int]] = [set() for _ in range(n_veh)]
    for pair in problem.pairs:
        if pair.vehicles is None:
            continue
        allowed = set(pair.vehicles)
        for v in range(n_veh):
            if v not in allowed:
                forbidden[v].update((pair.pickup, pair.delivery))
    return [frozenset(f) for f in forbidden]


@dataclass(frozen=True)
class _IndexTables:
    """Per routing index (job nodes, then each vehicle's start and end): what callbacks read.

    Attributes
    ----------
    loc_of, svc_of, demand_of : list of int
        Matrix location, service minutes and load change.
    kind_of : list of str
        Node kind (``start`` and ``end`` for the vehicles' own nodes).
    group_of : list of int
        Pickup group (``-1``: none).
    """

    loc_of: list[int]
    svc_of: list[int]
    kind_of: list[str]
    group_of: list[int]
    demand_of: list[int]


def _manager(problem: RoutingProblem) -> pywrapcp.RoutingIndexManager:
    """Node order: job nodes, then one start and one end node per vehicle."""
    n_nodes, n_veh = len(problem.nodes), len(problem.vehicles)
    starts = [n_nodes + 2 * k for k in range(n_veh)]
    ends = [n_nodes + 2 * k + 1 for k in range(n_veh)]
    return pywrapcp.RoutingIndexManager(n_nodes + 2 * n_veh, n_veh, starts, ends)


def _index_tables(
    problem: RoutingProblem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
) -> _IndexTables:
    """The nodes' and vehicles' locations, services, kinds, groups and demands by index."""
    nodes = problem.nodes
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
    size = routing.Size() + len(problem.vehicles)
    index_node = [manager.IndexToNode(i) for i in range(size)]
    return _IndexTables(
        loc_of=[locations[index_node[i]] for i in range(size)],
        svc_of=[services[index_node[i]] for i in range(size)],
        kind_of=[kinds[index_node[i]] for i in range(size)],
        group_of=[groups[index_node[i]] for i in range(size)],
        demand_of=[demands[index_node[i]] for i in range(size)],
    )


def _time_callback(
    problem: RoutingProblem,
    manager: pywrapcp.RoutingIndexManager,
    tables: _IndexTables,
    time_m: list[list[int]],
    forbidden_nodes: frozenset[int],
) -> Callable[[int, int], int]:
    """Service plus driving minutes; past the horizon into a node the class may not serve,
    or from a pickup to a pickup of another group (``pickup_groups``)."""
    forbidden_index = {manager.NodeToIndex(n) for n in forbidden_nodes}
    forbid = problem.horizon + 1
    pickup_groups = problem.pickup_groups
    loc_of, svc_of = tables.loc_of, tables.svc_of
    kind_of, group_of = tables.kind_of, tables.group_of

    def time_cb(i: int, j: int) -> int:
        if j in forbidden_index:
            return forbid
        if (
            pickup_groups
            and kind_of[i] == PICKUP
            and kind_of[j] == PICKUP
            and group_of[i] != group_of[j]
        ):
            return forbid
        return svc_of[i] + time_m[loc_of[i]][loc_of[j]]

    return time_cb


def _add_time_dimension(
    problem: RoutingProblem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    tables: _IndexTables,
) -> pywrapcp.RoutingDimension:
    """The ``time`` dimension: one transit per vehicle class (the nodes it may not serve)."""
    time_m = problem.time.astype(np.int64).tolist()
    classes = _vehicle_classes(problem)
    transit_of: dict[frozenset[int], int] = {}
    for forbidden_nodes in classes:
        if forbidden_nodes not in transit_of:
            transit_of[forbidden_nodes] = routing.RegisterTransitCallback(
                _time_callback(problem, manager, tables, time_m, forbidden_nodes)
            )
    if len(transit_of) == 1:
        routing.AddDimension(
            next(iter(transit_of.values())), problem.horizon, problem.horizon, False, "time"
        )
    else:
        routing.AddDimensionWithVehicleTransits(
            [transit_of[c] for c in classes], problem.horizon, problem.horizon, False, "time"
        )
    return routing.GetDimensionOrDie("time")


def _set_vehicle_costs(
    problem: RoutingProblem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    time_dim: pywrapcp.RoutingDimension,
    tables: _IndexTables,
) -> None:
    """Each vehicle's arc cost (distance, moves of booked pairs), time and fixed costs."""
    dist_m = problem.distance.astype(np.int64).tolist()
    moves = _move_costs(problem, manager)
    cost_callbacks: dict[tuple[int, int], int] = {}
    for v, veh in enumerate(problem.vehicles):
        c = veh.cost_per_distance
        # Vehicles share a cost callback unless some pair is booked on one of them.
        key = (c, v if moves else -1)
        if key not in cost_callbacks:
            cost_callbacks[key] = routing.RegisterTransitCallback(
                _arc_cost(c, dist_m, tables.loc_of, moves, v)
            )
        routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[key], v)
        if veh.cost_per_time:
            time_dim.SetSpanCostCoefficientForVehicle(veh.cost_per_time, v)
        if veh.fixed_cost:
            routing.SetFixedCostOfVehicle(veh.fixed_cost, v)


def _add_load_dimension(
    problem: RoutingProblem, routing: pywrapcp.RoutingModel, tables: _IndexTables
) -> pywrapcp.RoutingDimension:
    """The ``load`` dimension: ladles on board within each vehicle's capacity."""
    demand_of = tables.demand_of
    load_idx = routing.RegisterUnaryTransitCallback(lambda i: demand_of[i])
    routing.AddDimensionWithVehicleCapacity(
        load_idx, 0, [v.capacity for v in problem.vehicles], True, "load"
    )
    return routing.GetDimensionOrDie("load")


def _add_weight_dimension(
    problem: RoutingProblem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
) -> None:
    """The ``weight`` dimension: the nodes' ``weight`` on board within each vehicle's
    ``weight_capacity`` (only when some vehicle has one)."""
    if all(v.weight_capacity is None for v in problem.vehicles):
        return
    n_nodes = len(problem.nodes)
    size = routing.Size() + len(problem.vehicles)
    weight_of = []
    for i in range(size):
        node = manager.IndexToNode(i)
        weight_of.append(problem.nodes[node].weight if node < n_nodes else 0)
    unbounded = max(1, sum(w for w in weight_of if w > 0))
    index = routing.RegisterUnaryTransitCallback(lambda i: weight_of[i])
    capacities = [
        unbounded if v.weight_capacity is None else v.weight_capacity for v in problem.vehicles
    ]
    routing.AddDimensionWithVehicleCapacity(index, 0, capacities, True, "weight")


def _add_trip_dimension(
    problem: RoutingProblem, routing: pywrapcp.RoutingModel, kinds: list[str]
) -> None:
    """The ``trips`` dimension: each vehicle's trips within its ``max_trips`` (only when
    some vehicle has one); an arc into a pickup from the start or a delivery opens a
    trip."""
    if all(v.max_trips is None for v in problem.vehicles):
        return
    opens = {"start", DELIVERY}

    def trip_cb(i: int, j: int) -> int:
        return 1 if kinds[j] == PICKUP and kinds[i] in opens else 0

    unbounded = len(problem.nodes) + 1
    capacities = [unbounded if v.max_trips is None else v.max_trips for v in problem.vehicles]
    index = routing.RegisterTransitCallback(trip_cb)
    routing.AddDimensionWithVehicleCapacity(index, 0, capacities, True, "trips")


def _set_windows(
    problem: RoutingProblem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    time_dim: pywrapcp.RoutingDimension,
) -> None:
    """Every node's window (and soft window), every vehicle's shift."""
    for node, spec in enumerate(problem.nodes):
        index = manager.NodeToIndex(node)
        time_dim.CumulVar(index).SetRange(spec.earliest, spec.latest)
        if spec.soft is not None:
            lo, hi, cost = spec.soft
            time_dim.SetCumulVarSoftLowerBound(index, lo, cost)
            time_dim.SetCumulVarSoftUpperBound(index, hi, cost)
    for v, veh in enumerate(problem.vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(veh.earliest_start, veh.latest_end)
        time_dim.CumulVar(routing.End(v)).SetRange(veh.earliest_start, veh.latest_end)


def _post_empty_before_pickup(
    problem: RoutingProblem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    load_dim: pywrapcp.RoutingDimension,
    tables: _IndexTables,
) -> None:
    """A vehicle empties before it picks up again (``empty_before_pickup``)."""
    solver = routing.solver()
    big = max(v.capacity for v in problem.vehicles) + 1
    is_pickup = [1 if k == PICKUP else 0 for k in tables.kind_of]
    for node, spec in enumerate(problem.nodes):
        if spec.kind != DELIVERY:
            continue
        index = manager.NodeToIndex(node)
        next_is_pickup = solver.Element(is_pickup, routing.NextVar(index))
        # load on arrival + (negative) demand = load after the delivery; it must be
        # zero when the vehicle goes on to a pickup.
        solver.Add(load_dim.CumulVar(index) + spec.demand <= big * (1 - next_is_pickup))


def _post_pickup_capacity(
    problem: RoutingProblem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    time_dim: pywrapcp.RoutingDimension,
) -> None:
    """At most ``capacity`` pickups in service at once at each location of
    ``problem.pickup_capacity``: one optional interval per pickup (its service, from the
    time cumul, performed when the node is visited) in a cumulative constraint."""
    solver = routing.solver()
    for location, capacity in problem.pickup_capacity:
        nodes = [
            n
            for n, spec in enumerate(problem.nodes)
            if spec.location == location and spec.kind == PICKUP and spec.service > 0
        ]
        if len(nodes) <= capacity:
            continue
        intervals = []
        for n in nodes:
            index = manager.NodeToIndex(n)
            intervals.append(
                solver.FixedDurationIntervalVar(
                    time_dim.CumulVar(index),
                    problem.nodes[n].service,
                    routing.ActiveVar(index),
                    f"pickup {n}",
                )
            )
        solver.Add(solver.Cumulative(intervals, [1] * len(intervals), capacity, f"at {location}"))


def build_model(problem: RoutingProblem) -> BuiltModel:
    """Post nodes, vehicles, pairs, windows, loads and the ladle options as a model.

    Parameters
    ----------
    problem : RoutingProblem
        Plain data of the problem.

    Returns
    -------
    BuiltModel
        The model, not yet closed (search parameters are set by the caller).

    Raises
    ------
    ModelInputError
        For an empty or inverted range (:func:`validate_problem`), never a bare
        ``CP Solver fail``.
    """
    validate_problem(problem)
    manager = _manager(problem)
    routing = pywrapcp.RoutingModel(manager)
    tables = _index_tables(problem, manager, routing)
    time_dim = _add_time_dimension(problem, manager, routing, tables)
    _set_vehicle_costs(problem, manager, routing, time_dim, tables)
    load_dim = _add_load_dimension(problem, routing, tables)
    _add_weight_dimension(problem, manager, routing)
    _add_trip_dimension(problem, routing, tables.kind_of)
    _set_windows(problem, manager, routing, time_dim)
    _post_pairs(problem, manager, routing, time_dim)
    if problem.empty_before_pickup:
        _post_empty_before_pickup(problem, manager, routing, load_dim, tables)
    if problem.post_pickup_capacity:
        _post_pickup_capacity(problem, manager, routing, time_dim)
    for v in range(len(problem.vehicles)):
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
    return BuiltModel(manager, routing, time_dim, len(problem.nodes))


def _move_costs(
    problem: RoutingProblem, manager: pywrapcp.RoutingIndexManager
) -> dict[int, tuple[int, int]]:
    """``pickup index -> (home vehicle, cost)`` of the pairs booked on a vehicle."""
    return {
        manager.NodeToIndex(pair.pickup): (pair.home_vehicle, pair.move_cost)
        for pair in problem.pairs
        if pair.home_vehicle is not None and pair.move_cost > 0
    }


def _arc_cost(
    per_distance: int,
    dist_m: list[list[int]],
    loc_of: list[int],
    moves: dict[int, tuple[int, int]],
    vehicle: int,
) -> Callable[[int, int], int]:
    """The arc cost of ``vehicle``: distance, plus the move cost of a pair booked elsewhere."""
    if not moves:

        def dist_cb(i: int, j: int) -> int:
            return per_distance * dist_m[loc_of[i]][loc_of[j]]

        return dist_cb

    def moved_cb(i: int, j: int) -> int:
        cost = per_distance * dist_m[loc_of[i]][loc_of[j]]
        booked = moves.get(j)
        if booked is not None and booked[0] != vehicle:
            cost += booked[1]
        return cost

    return moved_cb


def _post_pairs(
    problem: RoutingProblem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    time_dim: pywrapcp.RoutingDimension,
) -> None:
    """Pickup before delivery on one vehicle, ride limits, drop penalties, vehicles."""
    solver = routing.solver()
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
            if EXPLICIT_RIDE_LIMIT:
                solver.Add(time_dim.CumulVar(d) - time_dim.CumulVar(p) <= limit)
        if pair.penalty is not None:
            half = max(1, int(pair.penalty) // 2)
            routing.AddDisjunction([p], half)
            routing.AddDisjunction([d], int(pair.penalty) - half)
        if pair.vehicles is not None:
            allowed = [-1, *pair.vehicles] if pair.penalty is not None else list(pair.vehicles)
            routing.VehicleVar(p).SetValues(allowed)
            routing.VehicleVar(d).SetValues(allowed)
    if problem.single_penalty is not None:
        for node in range(len(problem.nodes)):
            if node not in paired:
                routing.AddDisjunction([manager.NodeToIndex(node)], problem.single_penalty)
