"""Literature benchmarks through the product's routing core.

An instance (Solomon / Gehring & Homberger VRPTW, Li & Lim PDPTW) becomes a
:class:`logistics.routing_core.RoutingProblem` and is solved by the very same
:func:`logistics.routing_core.solve_routing` the ladle optimiser calls. The answer is then
judged outside the core, in double precision:

* the distance is the unscaled Euclidean sum over the routes (never the scaled objective);
* :func:`check_solution` re-simulates every route (time windows, capacity, pickup before
  delivery on one vehicle, every customer once, at most ``K`` vehicles) and lists the
  violations.

Conventions (those of the best-known-solution tables): Euclidean distance in double
precision, travel time = distance, service times as in the file, one depot. The core
works on integers, so coordinates' distances are multiplied by :data:`SCALE` (×1000 by
default): the *distance* matrix is rounded to the nearest integer and the *travel time*
matrix is rounded up, so a route that meets every window in integer time meets it in
double precision too (each arc is at most 0.001 slower in the model than in reality).
Windows and service times are integers in every file and are scaled exactly.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from benchmarks.readers import Bks, Instance, read_instance, read_set_bks
from logistics.planning.routing import (
    DELIVERY,
    PICKUP,
    SINGLE,
    Node,
    Pair,
    RoutingProblem,
    RoutingResult,
    Vehicle,
    solve_routing,
)

#: Default factor from instance units to the core's integers (time and distance).
SCALE = 1000

#: Tolerance for time-window and route-end checks, in instance time units.
TIME_EPS = 1e-6


@dataclass(frozen=True)
class Config:
    """How an instance is put to the core.

    Attributes
    ----------
    scale : int
        Instance units → core integers, for time and distance.
    vehicle_cost : str or int
        Fixed cost per used vehicle in core units: ``"none"`` (0, distance only),
        ``"hierarchical"`` (more than any route-set distance, so fewer vehicles always
        win — the BKS objective), ``"route"`` (about the length of one depot round trip
        to the farthest customer; a soft push towards fewer vehicles), or an integer.
    first_solution, metaheuristic : str
        OR-Tools strategy names passed through :func:`solve_routing`.
    operator_bandit : bool
        The core's ``operator_bandit`` search option. On by default here: on Li & Lim it
        took the mean gap at 30 s from 4.20 % to 0.78 %
        (``results/experiments-2026-11-21.md``); the ladle planner leaves it off because
        it made ladle days worse (see :func:`logistics.routing_core.solve_routing`).
    engine : str
        The core's engine (``ortools``, ``pyvrp`` or ``pyvrp+ortools``, see
        :func:`logistics.planning.routing.solve_routing`).
    seed : int
        The engine's random seed (PyVRP).
    """

    scale: int = SCALE
    vehicle_cost: str | int = "none"
    first_solution: str = "LOCAL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    operator_bandit: bool = True
    engine: str = "ortools"
    seed: int = 0

    def label(self) -> str:
        """Short text naming the configuration (for result tables)."""
        return (
            f"engine={self.engine} seed={self.seed} "
            f"scale={self.scale} vehicle_cost={self.vehicle_cost} "
            f"first={self.first_solution} meta={self.metaheuristic} "
            f"bandit={'on' if self.operator_bandit else 'off'}"
        )


def distance_matrix(instance: Instance) -> np.ndarray:
    """Euclidean distances between all sites, double precision (instance units)."""
    xy = np.array([(s.x, s.y) for s in instance.sites], dtype=np.float64)
    diff = xy[:, None, :] - xy[None, :, :]
    return np.sqrt((diff**2).sum(axis=2))


def _vehicle_fixed_cost(instance: Instance, dist: np.ndarray, config: Config) -> int:
    scaled = dist * config.scale
    if config.vehicle_cost == "none":
        return 0
    if config.vehicle_cost == "hierarchical":
        # Any set of routes visits n customers with n + K arcs, none longer than the
        # longest arc: one vehicle fewer must outweigh any possible distance.
        arcs = instance.n_customers + instance.vehicles
        return math.ceil(arcs * scaled.max()) + 1
    if config.vehicle_cost == "route":
        return math.ceil(2 * scaled[0].max())
    return int(config.vehicle_cost)


def to_problem(instance: Instance, config: Config | None = None) -> RoutingProblem:
    """Convert a benchmark instance into a routing-core problem.

    Parameters
    ----------
    instance : Instance
        A VRPTW or PDPTW instance.
    config : Config, optional
        Scaling and vehicle cost (default :class:`Config`).

    Returns
    -------
    RoutingProblem
        Node ``i`` of the problem is site ``i + 1`` of the instance (the depot is a
        location, not a node); locations are site indices. Every node is mandatory;
        VRPTW customers are single nodes, Li & Lim tasks are pairs without ride limit.
        ``K`` vehicles of capacity ``Q`` start and end at the depot within its window;
        cost per scaled distance unit 1, per time 0.
    """
    config = config or Config()
    s = config.scale
    dist = distance_matrix(instance)
    dist_int = np.rint(dist * s).astype(np.int64)
    time_int = np.ceil(dist * s - 1e-9).astype(np.int64)
    depot = instance.sites[0]
    nodes = []
    for site in instance.sites[1:]:
        kind = (PICKUP if site.delivery > 0 else DELIVERY) if instance.kind == "pdptw" else SINGLE
        nodes.append(
            Node(
                location=site.index,
                service=round(site.service * s),
                earliest=round(site.early * s),
                latest=round(site.late * s),
                demand=site.demand,
                kind=kind,
            )
        )
    fixed = _vehicle_fixed_cost(instance, dist, config)
    vehicles = tuple(
        Vehicle(
            start_location=0,
            end_location=0,
            capacity=instance.capacity,
            earliest_start=round(depot.early * s),
            latest_end=round(depot.late * s),
            cost_per_distance=1,
            cost_per_time=0,
            fixed_cost=fixed,
        )
        for _ in range(instance.vehicles)
    )
    pairs = tuple(Pair(pickup=p - 1, delivery=d - 1) for p, d in instance.pairs())
    horizon = round(depot.late * s) + 1
    return RoutingProblem(
        nodes=tuple(nodes),
        vehicles=vehicles,
        time=time_int,
        distance=dist_int,
        pairs=pairs,
        horizon=horizon,
    )


def routes_from_result(result: RoutingResult) -> list[list[int]]:
    """Turn core routes (problem node indices) into site-index routes, empty ones dropped."""
    return [[node + 1 for node, _ in route] for route in result.routes if route]


def route_distance(instance: Instance, routes: list[list[int]]) -> float:
    """Total Euclidean length of routes (site indices, depot implicit), double precision."""
    sites = instance.sites
    total = 0.0
    for route in routes:
        prev = sites[0]
        for i in [*route, 0]:
            cur = sites[i]
            total += math.hypot(cur.x - prev.x, cur.y - prev.y)
            prev = cur
    return total


def check_solution(instance: Instance, routes: list[list[int]]) -> list[str]:
    """Re-simulate routes in double precision and list every violated rule.

    Parameters
    ----------
    instance : Instance
        The instance the routes claim to solve.
    routes : list of list of int
        Site indices per vehicle in visiting order, depot excluded at both ends.

    Returns
    -------
    list[str]
        One message per violation: a customer missing or visited twice, more than ``K``
        vehicles, service starting after a window closes (tolerance :data:`TIME_EPS`),
        a return after the depot closes, a load above ``Q`` or below 0, a delivery
        before its pickup or on another vehicle. Empty when the solution is feasible.
    """
    sites = instance.sites
    problems: list[str] = []
    used = [r for r in routes if r]
    if len(used) > instance.vehicles:
        problems.append(f"{len(used)} vehicles used, {instance.vehicles} available")
    seen: dict[int, tuple[int, int]] = {}
    for v, route in enumerate(used):
        for pos, i in enumerate(route):
            if not 1 <= i < len(sites):
                problems.append(f"route {v}: unknown node {i}")
                continue
            if i in seen:
                problems.append(f"node {i} visited twice")
            seen[i] = (v, pos)
    for i in range(1, len(sites)):
        if i not in seen:
            problems.append(f"node {i} not visited")
    depot = sites[0]
    for v, route in enumerate(used):
        t = depot.early
        load = 0
        prev = depot
        for i in route:
            if not 1 <= i < len(sites):
                continue
            cur = sites[i]
            t = max(t + math.hypot(cur.x - prev.x, cur.y - prev.y), cur.early)
            if t > cur.late + TIME_EPS:
                problems.append(f"route {v}: node {i} starts at {t:.6f} > {cur.late:g}")
            t += cur.service
            load += cur.demand
            if load > instance.capacity:
                problems.append(f"route {v}: load {load} > {instance.capacity} at node {i}")
            if load < 0:
                problems.append(f"route {v}: load {load} < 0 at node {i}")
            prev = cur
        back = t + math.hypot(depot.x - prev.x, depot.y - prev.y)
        if back > depot.late + TIME_EPS:
            problems.append(f"route {v}: back at depot {back:.6f} > {depot.late:g}")
    if instance.kind == "pdptw":
        for p, d in instance.pairs():
            if p in seen and d in seen:
                (vp, pp), (vd, pd) = seen[p], seen[d]
                if vp != vd:
                    problems.append(f"pair {p}->{d} split across vehicles")
                elif pd < pp:
                    problems.append(f"pair {p}->{d}: delivery before pickup")
    return problems


@dataclass
class Outcome:
    """One instance solved: what was found, how it compares to the BKS, how it was run."""

    set: str
    instance: str
    solver: str
    customers: int
    time_limit_s: float
    vehicles: int
    distance: float
    bks_vehicles: int | None
    bks_distance: float | None
    gap_pct: float | None
    violations: int
    dropped: int
    status: str
    wall_s: float
    first_solution_s: float | None
    config: str
    notes: str = ""
    messages: list[str] = field(default_factory=list, repr=False)

    def row(self) -> dict[str, Any]:
        """The outcome as a flat dict for CSV (messages left out)."""
        data = asdict(self)
        data.pop("messages")
        return data


def gap_pct(distance: float, bks: Bks | None) -> float | None:
    """Distance gap to the BKS in per cent (negative when shorter, e.g. more vehicles)."""
    if bks is None or bks.distance <= 0:
        return None
    return 100.0 * (distance - bks.distance) / bks.distance


def evaluate(
    set_name: str,
    instance: Instance,
    routes: list[list[int]],
    *,
    solver: str,
    time_limit_s: float,
    status: str,
    wall_s: float,
    first_solution_s: float | None,
    config: str,
    dropped: int = 0,
    bks: Bks | None = None,
    notes: str = "",
) -> Outcome:
    """Measure routes against the instance and its BKS, independently of any solver."""
    messages = check_solution(instance, routes)
    distance = route_distance(instance, routes)
    return Outcome(
        set=set_name,
        instance=instance.name,
        solver=solver,
        customers=instance.n_customers,
        time_limit_s=time_limit_s,
        vehicles=sum(1 for r in routes if r),
        distance=round(distance, 4),
        bks_vehicles=bks.vehicles if bks else None,
        bks_distance=bks.distance if bks else None,
        gap_pct=None if (g := gap_pct(distance, bks)) is None else round(g, 3),
        violations=len(messages),
        dropped=dropped,
        status=status,
        wall_s=round(wall_s, 2),
        first_solution_s=None if first_solution_s is None else round(first_solution_s, 2),
        config=config,
        notes=notes,
        messages=messages,
    )


def solve_instance(
    set_name: str,
    name: str,
    *,
    time_limit_s: float = 30.0,
    config: Config | None = None,
) -> Outcome:
    """Read, convert, solve with the routing core and evaluate one instance.

    Parameters
    ----------
    set_name : str
        ``solomon``, ``li_lim`` or ``gh200``.
    name : str
        Instance name (case-insensitive).
    time_limit_s : float
        Wall-clock limit given to :func:`solve_routing` (model build included), seconds.
    config : Config, optional
        Scaling, vehicle cost and search strategies.

    Returns
    -------
    Outcome
        Vehicles, double-precision distance, gap to the BKS, violation count, dropped
        nodes (all nodes are mandatory, so any drop means no full solution was found).
    """
    config = config or Config()
    instance = read_instance(set_name, name)
    bks = read_set_bks(set_name).get(instance.name.lower())
    problem = to_problem(instance, config)
    result = solve_routing(
        problem,
        time_limit_s=time_limit_s,
        first_solution=config.first_solution,
        metaheuristic=config.metaheuristic,
        operator_bandit=config.operator_bandit,
        engine=config.engine,
        seed=config.seed,
    )
    routes = routes_from_result(result)
    return evaluate(
        set_name,
        instance,
        routes,
        solver="routing_core",
        time_limit_s=time_limit_s,
        status=result.status,
        wall_s=result.wall_s,
        first_solution_s=result.first_solution_s,
        config=config.label(),
        dropped=len(result.dropped),
        bks=bks,
    )
