"""Small routing problems for the routing core's tests, and a check of routes against them."""

from __future__ import annotations

import numpy as np

from logistics.planning.routing import (
    DELIVERY,
    PICKUP,
    Node,
    Pair,
    RoutingProblem,
    RoutingResult,
    Vehicle,
)


def line_problem(pairs: int = 4, capacity: int = 2, penalty: int | None = None) -> RoutingProblem:
    """Pickups at location 1, deliveries spread along a line; one depot at 0."""
    locations = 2 + pairs
    xs = np.arange(locations, dtype=float) * 10.0
    distance = np.rint(np.abs(xs[:, None] - xs[None, :])).astype(np.int64)
    nodes: list[Node] = []
    pair_list: list[Pair] = []
    for k in range(pairs):
        p = len(nodes)
        nodes.append(Node(1, 5, 0, 500, 1, kind=PICKUP, group=0))
        nodes.append(Node(2 + k, 5, 0, 1000, -1, kind=DELIVERY))
        pair_list.append(Pair(p, p + 1, penalty=penalty))
    vehicles = tuple(Vehicle(0, 0, capacity, 0, 2000) for _ in range(2))
    return RoutingProblem(
        nodes=tuple(nodes),
        vehicles=vehicles,
        time=distance,
        distance=distance,
        pairs=tuple(pair_list),
        horizon=2000,
    )


def route_problems(problem: RoutingProblem, result: RoutingResult) -> list[str]:
    """What is wrong with the routes: pairs split, order, load, windows."""
    wrong = []
    where = {}
    for v, route in enumerate(result.routes):
        load = 0
        for k, (node, start) in enumerate(route):
            spec = problem.nodes[node]
            where[node] = (v, k)
            load += spec.demand
            if load > problem.vehicles[v].capacity:
                wrong.append(f"vehicle {v} over capacity at node {node}")
            if not spec.earliest <= start <= spec.latest:
                wrong.append(f"node {node} served at {start} outside its window")
    for pair in problem.pairs:
        p, d = where.get(pair.pickup), where.get(pair.delivery)
        if (p is None) != (d is None):
            wrong.append(f"pair {pair.pickup} half served")
        elif p is not None and (p[0] != d[0] or p[1] > d[1]):
            wrong.append(f"pair {pair.pickup} split or delivered before pickup")
    return wrong
