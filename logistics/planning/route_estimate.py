"""What serving a set of stops from one depot costs in km: a quick capacitated routing.

The delivery decision (:mod:`logistics.planning.visit_search`) compares visit patterns
by what their days' routes would cost; the day planner routes the chosen day properly
later. For the small sets it sees (tens of stops), Clarke and Wright's savings (merge
the two routes whose ends save most, within the capacity) followed by 2-opt on each
route (reverse a segment while that shortens it) is within a few per cent of the best
routes and takes milliseconds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Loads within this of the capacity still fit, t.
LOAD_TOL_T = 1e-6


@dataclass(frozen=True)
class Routes:
    """Routes from and back to a depot.

    Attributes
    ----------
    routes : tuple of tuple of int
        Each route's stops (rows of the distance matrix) in visiting order.
    km : float
        Their total length, km (the distance matrix's unit).
    """

    routes: tuple[tuple[int, ...], ...]
    km: float


def route_km(km: np.ndarray, depot: int, route: Sequence[int]) -> float:
    """Length of one route from ``depot`` through ``route`` and back, km."""
    stops = [depot, *route, depot]
    return float(sum(km[a, b] for a, b in itertools.pairwise(stops)))


def _two_opt(km: np.ndarray, depot: int, route: list[int]) -> list[int]:
    """``route`` improved by segment reversals until none shortens it."""
    best = route
    improved = True
    while improved and len(best) > 2:
        improved = False
        path = [depot, *best, depot]
        for i in range(1, len(path) - 2):
            for j in range(i + 1, len(path) - 1):
                a, b, c, d = path[i - 1], path[i], path[j], path[j + 1]
                if km[a, c] + km[b, d] < km[a, b] + km[c, d] - 1e-9:
                    path[i : j + 1] = path[i : j + 1][::-1]
                    improved = True
        best = path[1:-1]
    return best


def _savings(km: np.ndarray, depot: int, stops: list[int]) -> list[tuple[float, int, int]]:
    """Every pair's saving ``d(0, i) + d(0, j) − d(i, j)``, largest first."""
    pairs = [
        (float(km[depot, i] + km[j, depot] - km[i, j]), i, j)
        for n, i in enumerate(stops)
        for j in stops[n + 1 :]
    ]
    return sorted(pairs, reverse=True)


def _merged(routes: dict[int, list[int]], i: int, j: int) -> list[int] | None:
    """The route joining ``i``'s and ``j``'s routes end to end at ``i`` and ``j``, or
    None when they are one route or ``i`` or ``j`` is inside its route."""
    ri, rj = routes[i], routes[j]
    if ri is rj:
        return None
    if ri[-1] == i and rj[0] == j:
        return ri + rj
    if ri[0] == i and rj[-1] == j:
        return rj + ri
    if ri[-1] == i and rj[-1] == j:
        return ri + rj[::-1]
    if ri[0] == i and rj[0] == j:
        return ri[::-1] + rj
    return None


def plan_routes(
    km: np.ndarray,
    depot: int,
    loads: Mapping[int, float],
    capacity_t: float,
    max_stops: int | None = None,
) -> Routes:
    """Routes serving every stop of ``loads`` from ``depot`` within ``capacity_t``.

    Parameters
    ----------
    km : numpy.ndarray
        Distances between rows, km (need not be symmetric).
    depot : int
        The depot's row.
    loads : mapping
        Stop row → tonnes it gets (t); a stop's load above the capacity is served by
        full out-and-back trips for the excess and a visit in a route for the rest.
    capacity_t : float
        Most tonnes per route, t.
    max_stops : int, optional
        Most stops per route (a truck's ladle slots: a delivery takes one at least).

    Returns
    -------
    Routes
        The routes and their total length (km).
    """
    extra_km = 0.0
    rest: dict[int, float] = {}
    for stop, tonnes in loads.items():
        full = 0
        if 0 < capacity_t < math.inf:
            full = int(max(0.0, tonnes - LOAD_TOL_T) // capacity_t)
        extra_km += full * float(km[depot, stop] + km[stop, depot])
        rest[stop] = tonnes - full * capacity_t if full else tonnes
    routes: dict[int, list[int]] = {s: [s] for s in rest}
    load = {s: rest[s] for s in rest}
    for _, i, j in _savings(km, depot, list(rest)):
        joined = _merged(routes, i, j)
        if joined is None or load[i] + load[j] > capacity_t + LOAD_TOL_T:
            continue
        if max_stops is not None and len(joined) > max_stops:
            continue
        total = load[i] + load[j]
        for s in joined:
            routes[s] = joined
            load[s] = total
    unique = {id(r): r for r in routes.values()}.values()
    final = tuple(tuple(_two_opt(km, depot, list(r))) for r in unique)
    return Routes(final, extra_km + sum(route_km(km, depot, r) for r in final))


def _split_once(
    km: np.ndarray,
    depot: int,
    order: Sequence[int],
    loads: Mapping[int, float],
    capacity_t: float,
    max_routes: int,
    max_stops: int | None,
) -> tuple[float, list[list[int]]] | None:
    """The cheapest cut of ``order`` into at most ``max_routes`` consecutive routes
    within the capacity (dynamic programme over the cut points), or None."""
    n = len(order)
    best: list[list[tuple[float, int]]] = [
        [(math.inf, -1)] * (n + 1) for _ in range(max_routes + 1)
    ]
    best[0][0] = (0.0, -1)
    for k in range(1, max_routes + 1):
        for i in range(n):
            base = best[k - 1][i][0]
            if math.isinf(base):
                continue
            load, inner = 0.0, 0.0
            for j in range(i, n):
                load += loads[order[j]]
                if load > capacity_t + LOAD_TOL_T or (max_stops and j - i >= max_stops):
                    break
                if j > i:
                    inner += float(km[order[j - 1], order[j]])
                cost = base + float(km[depot, order[i]]) + inner + float(km[order[j], depot])
                if cost < best[k][j + 1][0]:
                    best[k][j + 1] = (cost, i)
    k = min(range(max_routes + 1), key=lambda r: best[r][n][0])
    if math.isinf(best[k][n][0]):
        return None
    routes, j = [], n
    while k > 0:
        i = best[k][j][1]
        routes.append(list(order[i:j]))
        j, k = i, k - 1
    return float(sum(route_km(km, depot, r) for r in routes)), routes


def split_routes(
    km: np.ndarray,
    depot: int,
    loads: Mapping[int, float],
    capacity_t: float,
    max_routes: int,
    max_stops: int | None = None,
) -> Routes | None:
    """At most ``max_routes`` routes of at most ``max_stops`` stops serving ``loads``
    (each stop's load within the capacity): one tour through every stop (savings
    without a capacity, then 2-opt) cut at its best points, over every rotation of the
    tour; None when no cut fits.
    """
    if not loads or max(loads.values()) > capacity_t + LOAD_TOL_T:
        return None
    tour = [s for r in plan_routes(km, depot, loads, math.inf).routes for s in r]
    found: tuple[float, list[list[int]]] | None = None
    for r in range(len(tour)):
        order = tour[r:] + tour[:r]
        cut = _split_once(km, depot, order, loads, capacity_t, max_routes, max_stops)
        if cut is not None and (found is None or cut[0] < found[0]):
            found = cut
    if found is None:
        return None
    final = tuple(tuple(_two_opt(km, depot, r)) for r in found[1])
    return Routes(final, sum(route_km(km, depot, r) for r in final))
