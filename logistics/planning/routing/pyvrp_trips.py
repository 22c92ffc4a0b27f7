"""A pickup-and-delivery day whose pickups are at depots, as PyVRP's multi-trip VRP.

Where every pickup of a :class:`~.problem.RoutingProblem` is a load taken at a fixed
place (the ladle day: a ladle is filled at a smelter, then poured at a caster), a route
is a sequence of *trips*: load at a source, deliver, return and load again. PyVRP 0.14
solves that natively (reload depots, release times, several load dimensions), so the
pairs are handed to it as clients of a multi-trip VRP:

* each **source** — the pickups' location and group (a smelter) — is a depot, and a
  reload depot of every vehicle;
* each **pair** is a client at its delivery's location: delivery amounts ``[1 slot,
  weight, ...]``, window and service of the delivery, ``release_time`` = the pickup's
  earliest start (a trip leaves its source only once every load on it may be taken),
  ``prize`` = the pair's penalty when it is optional;
* **a trip loads at the source of its clients only**: every client gets a location of
  its own per source, and the arcs from another source's depot, or between clients of
  different sources, take longer than the horizon (PyVRP's time warp makes such a trip
  infeasible), so a trip's clients and its depot share one source — exactly the rule
  ``pickup_groups`` of the OR-Tools model;
* **the loading time** (the pickups' service, one after another) counts ``k`` times on a
  trip of ``k`` loads: one on the arc from the depot, one in each client's service, and
  one less on the arc back to a depot. A trip's duration is exact; its deliveries are
  modelled up to ``(k - j)`` loading times early (the ``j``-th of ``k``), the last exact,
  so each delivery's latest start is brought forward by the loads its vehicles' other
  slots could take (:func:`_latest_start`): a start the model allows stays in the window;
* **vehicles allowed per pair** (``Pair.vehicles``): one extra load dimension per
  distinct allowed set, 1 for its pairs, a capacity of 0 on the vehicles outside it;
* a vehicle's ``weight_capacity`` is the second load dimension; vehicles with equal
  depots, capacities, shift and costs form one vehicle type; a vehicle starting away
  from every source goes to one first (its arcs to clients are barred too).

What it cannot say (:func:`trips_relaxed`): the ride (hold) limit from a pickup to its
delivery, the pickup's latest start, a posted ``pickup_capacity``, soft windows and the
re-plan's booked vehicles. The caller re-times and repairs the routes, as for every
other engine's.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from logistics.planning.routing.problem import Pair, RoutingProblem, RoutingResult
from logistics.planning.routing.pyvrp_engine import solve_params, stop_after

#: Bring each delivery's latest start forward by the loads its trip may still take
#: (:func:`_latest_start`); ``False`` models the window as it is (for comparisons).
SAFE_WINDOWS = True
#: A source of loads: ``(pickup location, pickup group)``.
Source = tuple[int, int]


def trips_expressible(problem: RoutingProblem) -> bool:
    """Whether ``problem`` fits the multi-trip model: pairs only, no single nodes."""
    paired = {n for p in problem.pairs for n in (p.pickup, p.delivery)}
    return bool(problem.pairs) and len(paired) == len(problem.nodes)


def trips_relaxed(problem: RoutingProblem) -> list[str]:
    """Rules of ``problem`` the multi-trip model leaves out (the caller repairs them)."""
    rules = []
    if any(p.max_ride is not None for p in problem.pairs):
        rules.append("max_ride")
    if any(problem.nodes[p.pickup].latest < problem.horizon for p in problem.pairs):
        rules.append("pickup_latest")
    if problem.post_pickup_capacity and problem.pickup_capacity:
        rules.append("pickup_capacity")
    if any(n.soft is not None for n in problem.nodes):
        rules.append("soft_windows")
    if any(p.home_vehicle is not None for p in problem.pairs):
        rules.append("home_vehicle")
    return rules


@dataclass(frozen=True)
class _Layout:
    """Where things are: sources, their loading time, the PyVRP locations' matrix rows.

    Attributes
    ----------
    sources : list of Source
        The distinct sources, in order of first pickup.
    load_min : dict
        Per source, the loading time of one load (its pickups' longest service).
    source_of : list of int
        Per pair, its source's index.
    rows : list of int
        Per PyVRP location, the problem's location (matrix row).
    owner : list of int
        Per PyVRP location: the source index of a source depot or of a client location,
        ``-1`` for a vehicle's start or end away from every source.
    is_client : list of bool
        Per PyVRP location: a client location (else a depot's).
    """

    sources: list[Source]
    load_min: dict[int, int]
    source_of: list[int]
    rows: list[int]
    owner: list[int]
    is_client: list[bool]


def _layout(
    problem: RoutingProblem,
) -> tuple[_Layout, dict[Source, int], dict[tuple[int, int], int], dict[int, int]]:
    """The sources and the PyVRP locations: one per source depot, per other vehicle
    start or end location, and per (delivery location, source) of a client.

    Returns the layout, the location index of each source depot, of each client
    location ``(row, source index)`` and of each other depot row.
    """
    sources: list[Source] = []
    index: dict[Source, int] = {}
    source_of: list[int] = []
    load_min: dict[int, int] = defaultdict(int)
    for pair in problem.pairs:
        node = problem.nodes[pair.pickup]
        key = (node.location, node.group)
        if key not in index:
            index[key] = len(sources)
            sources.append(key)
        source_of.append(index[key])
        load_min[index[key]] = max(load_min[index[key]], node.service)
    rows: list[int] = [s[0] for s in sources]
    owner: list[int] = list(range(len(sources)))
    is_client = [False] * len(sources)
    depot_loc = {s: k for k, s in enumerate(sources)}
    source_rows = {s[0] for s in sources}
    other: dict[int, int] = {}
    for v in problem.vehicles:
        for row in (v.start_location, v.end_location):
            if row not in source_rows and row not in other:
                other[row] = len(rows)
                rows.append(row)
                owner.append(-1)
                is_client.append(False)
    client_loc: dict[tuple[int, int], int] = {}
    for pair, s in zip(problem.pairs, source_of, strict=True):
        key = (problem.nodes[pair.delivery].location, s)
        if key not in client_loc:
            client_loc[key] = len(rows)
            rows.append(key[0])
            owner.append(s)
            is_client.append(True)
    layout = _Layout(sources, dict(load_min), source_of, rows, owner, is_client)
    return layout, depot_loc, client_loc, other


def _arc(
    problem: RoutingProblem, layout: _Layout, a: int, b: int, barred: tuple[int, int]
) -> tuple[int, int]:
    """Distance and duration of the arc between PyVRP locations ``a`` and ``b``.

    ``barred`` is the (distance, duration) of an arc no trip may take: into a client
    from another source's depot or client, or from a depot away from every source.
    """
    ra, rb = layout.rows[a], layout.rows[b]
    distance, duration = int(problem.distance[ra, rb]), int(problem.time[ra, rb])
    if layout.is_client[b]:
        if layout.owner[a] != layout.owner[b]:
            return barred
        if not layout.is_client[a]:
            return distance, duration + layout.load_min[layout.owner[b]]
        return distance, duration
    if layout.is_client[a]:
        return distance, max(0, duration - layout.load_min[layout.owner[a]])
    return distance, duration


def _add_edges(model: Any, problem: RoutingProblem, layout: _Layout, locations: list[Any]) -> None:
    """Every arc between the PyVRP locations (:func:`_arc`)."""
    big_distance = 10 * int(problem.distance.max(initial=0)) + 1
    barred = (big_distance, 2 * problem.horizon)
    for a, frm in enumerate(locations):
        for b, to in enumerate(locations):
            distance, duration = (0, 0) if a == b else _arc(problem, layout, a, b, barred)
            model.add_edge(frm, to, distance=distance, duration=duration)


@dataclass(frozen=True)
class _TripModel:
    """The problem as a PyVRP multi-trip model, and how to read its routes back.

    Attributes
    ----------
    model : pyvrp.Model
        The model.
    type_vehicles : list of list of int
        Per PyVRP vehicle type, the problem's vehicles of that type.
    layout : _Layout
        Sources and locations.
    """

    model: Any
    type_vehicles: list[list[int]]
    layout: _Layout


def _allowed_sets(problem: RoutingProblem) -> list[tuple[int, ...]]:
    """The distinct ``Pair.vehicles`` restrictions, each a load dimension of its own."""
    return sorted({p.vehicles for p in problem.pairs if p.vehicles is not None})


def _capacities(problem: RoutingProblem, allowed: list[tuple[int, ...]]) -> list[list[int]]:
    """Per vehicle: slots, weight (when a vehicle has a bound), one per allowed set."""
    weighed = any(v.weight_capacity is not None for v in problem.vehicles)
    unbounded_weight = max(1, sum(problem.nodes[p.pickup].weight for p in problem.pairs))
    pairs = len(problem.pairs)
    out = []
    for k, v in enumerate(problem.vehicles):
        capacity = [v.capacity]
        if weighed:
            capacity.append(unbounded_weight if v.weight_capacity is None else v.weight_capacity)
        capacity += [pairs if k in vehicles else 0 for vehicles in allowed]
        out.append(capacity)
    return out


def _latest_start(problem: RoutingProblem, pair: Pair, load_min: int) -> int:
    """The delivery's latest start as modelled: earlier by the loads a trip may still
    take after this one's (``load_min`` each; its vehicles' slots less one), so that the
    start the model allows stays in the window once every load of the trip is counted
    before the first delivery (module notes); never before its earliest start."""
    delivery = problem.nodes[pair.delivery]
    if not SAFE_WINDOWS:
        return delivery.latest
    allowed = range(len(problem.vehicles)) if pair.vehicles is None else pair.vehicles
    demand = max(1, problem.nodes[pair.pickup].demand)
    slots = max((problem.vehicles[v].capacity // demand for v in allowed), default=1)
    return max(delivery.earliest, delivery.latest - max(0, slots - 1) * load_min)


def _add_clients(
    model: Any,
    problem: RoutingProblem,
    locations: list[Any],
    client_loc: dict[tuple[int, int], int],
    layout: _Layout,
) -> None:
    """A client per pair at its delivery's location for its source (:func:`_layout`)."""
    weighed = any(v.weight_capacity is not None for v in problem.vehicles)
    allowed = _allowed_sets(problem)
    for pair, s in zip(problem.pairs, layout.source_of, strict=True):
        pickup, delivery = problem.nodes[pair.pickup], problem.nodes[pair.delivery]
        amounts = [pickup.demand] + ([pickup.weight] if weighed else [])
        amounts += [int(pair.vehicles == vehicles) for vehicles in allowed]
        model.add_client(
            locations[client_loc[(delivery.location, s)]],
            delivery=amounts,
            service_duration=delivery.service + layout.load_min[s],
            tw_early=delivery.earliest,
            tw_late=_latest_start(problem, pair, layout.load_min[s]),
            release_time=max(0, pickup.earliest),
            prize=int(pair.penalty or 0),
            required=pair.penalty is None,
        )


def _add_vehicle_types(
    model: Any, problem: RoutingProblem, depots: dict[int, Any], reloads: list[Any]
) -> list[list[int]]:
    """One vehicle type per distinct depots, capacities, shift and costs; its members.

    ``depots`` maps a matrix row to the depot a vehicle starting or ending there uses.
    """
    capacities = _capacities(problem, _allowed_sets(problem))
    members: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for k, v in enumerate(problem.vehicles):
        key = (
            v.start_location,
            v.end_location,
            tuple(capacities[k]),
            v.earliest_start,
            v.latest_end,
            v.cost_per_distance,
            v.cost_per_time,
            v.fixed_cost,
        )
        members[key].append(k)
    for key, vehicles in members.items():
        start, end, capacity, early, late, per_distance, per_time, fixed = key
        model.add_vehicle_type(
            num_available=len(vehicles),
            capacity=list(capacity),
            start_depot=depots[start],
            end_depot=depots[end],
            fixed_cost=fixed,
            tw_early=early,
            tw_late=late,
            unit_distance_cost=per_distance,
            unit_duration_cost=per_time,
            reload_depots=reloads,
        )
    return list(members.values())


def _trip_model(problem: RoutingProblem) -> _TripModel:
    """The problem as a PyVRP multi-trip model (module notes)."""
    import pyvrp

    layout, depot_loc, client_loc, other = _layout(problem)
    model = pyvrp.Model()
    locations = [model.add_location(x=0, y=0) for _ in layout.rows]
    source_depots = [model.add_depot(locations[depot_loc[s]]) for s in layout.sources]
    depots: dict[int, Any] = {}
    for k, s in enumerate(layout.sources):
        depots.setdefault(s[0], source_depots[k])
    for row, loc in other.items():
        depots[row] = model.add_depot(locations[loc])
    type_vehicles = _add_vehicle_types(model, problem, depots, source_depots)
    _add_clients(model, problem, locations, client_loc, layout)
    _add_edges(model, problem, layout, locations)
    return _TripModel(model, type_vehicles, layout)


def _read_routes(
    built: _TripModel, problem: RoutingProblem, best: Any
) -> list[list[tuple[int, int]]]:
    """PyVRP's trips as ``[(node, start), ...]`` per vehicle: each trip's pickups (one
    after another from the trip's depot visit, in delivery order), then its deliveries.

    A route of a vehicle type goes to the type's first vehicle not yet given one.
    """
    routes: list[list[tuple[int, int]]] = [[] for _ in problem.vehicles]
    free = [list(members) for members in built.type_vehicles]
    for route in best.routes():
        vehicle = free[route.vehicle_type()].pop(0)
        trips: list[tuple[int, list[tuple[int, int]]]] = []
        for act in route.schedule():
            if act.is_depot():
                trips.append((int(act.end_time), []))
            else:
                trips[-1][1].append((act.idx, int(act.start_time)))
        for depart, visits in trips:
            if not visits:
                continue
            pairs = [problem.pairs[c] for c, _ in visits]
            load = built.layout.load_min[built.layout.source_of[visits[0][0]]]
            routes[vehicle] += [(p.pickup, depart + k * load) for k, p in enumerate(pairs)]
            routes[vehicle] += [
                (p.delivery, start) for p, (_, start) in zip(pairs, visits, strict=True)
            ]
    return routes


def solve_pyvrp_trips(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    max_iterations: int | None = None,
) -> RoutingResult:
    """Solve ``problem`` as PyVRP's multi-trip VRP within a time limit (module notes).

    Parameters
    ----------
    problem : RoutingProblem
        Pairs whose pickups are loads at sources (:func:`trips_expressible`); the rules
        of :func:`trips_relaxed` are left out.
    time_limit_s : float
        Wall-clock limit for build and search, seconds.
    seed : int
        PyVRP's random seed: the same problem, seed and ``max_iterations`` give the
        same routes.
    max_iterations : int, optional
        Stop after this many iterations instead of at the time limit (deterministic).

    Raises
    ------
    ValueError
        When ``problem`` is not :func:`trips_expressible`.

    Returns
    -------
    RoutingResult
        Per vehicle of ``problem`` (in its order), trip after trip, the trip's pickups
        then its deliveries with their start of service (time units of the problem);
        dropped nodes; status ``pyvrp_trips_feasible`` or ``pyvrp_trips_infeasible``;
        PyVRP's cost as objective when feasible.
    """
    if not trips_expressible(problem):
        raise ValueError("the multi-trip model needs pairs only (no single nodes, at least one)")
    started = time.perf_counter()
    built = _trip_model(problem)
    left = max(0.1, time_limit_s - (time.perf_counter() - started))
    result = built.model.solve(
        stop=stop_after(left, max_iterations),
        seed=seed,
        display=False,
        collect_stats=False,
        params=solve_params(problem),
    )
    routes = _read_routes(built, problem, result.best)
    visited = {n for r in routes for n, _ in r}
    feasible = result.is_feasible()
    return RoutingResult(
        routes=routes,
        dropped=[n for n in range(len(problem.nodes)) if n not in visited],
        status="pyvrp_trips_feasible" if feasible else "pyvrp_trips_infeasible",
        objective=int(result.cost()) if feasible else None,
        wall_s=time.perf_counter() - started,
        solutions=1,
    )
