"""The expected queue at busy pickup locations, as a wait the routing model sees.

The routing model lets any number of vehicles serve pickups at one location at once; a
location with ``capacity`` places (a smelter's fill bays) makes them queue. Posting the
capacity as a cumulative constraint slows the search more than the queue costs, so
instead each pickup's service starts with the wait a queue of that load is expected to
cause: the pickup is reached earlier by that wait (its window moves earlier by it, its
ride limit grows by it), so the search plans the time and the cost of the wait without a
constraint between vehicles.

The load is counted per hour: each pickup's work (its service) is spread over the hours
its window allows. A trip's pickups are
one customer of a queue of ``capacity`` servers (M/D/c: Sakasegawa's approximation of
M/M/c halved for deterministic service).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

from logistics.planning.routing.problem import PICKUP, Node, RoutingProblem

#: Minutes of a load bucket.
BUCKET_MIN = 60
#: Highest utilisation the queue formula is taken at (it grows without bound at 1).
MAX_UTILISATION = 0.95
#: Longest expected wait per pickup, minutes.
MAX_WAIT_MIN = 60


def expected_wait(utilisation: float, servers: int, service_min: float) -> float:
    """Expected wait in a queue of ``servers`` with deterministic service, minutes.

    Parameters
    ----------
    utilisation : float
        Offered work per server and minute (0-1; taken at most at
        :data:`MAX_UTILISATION`).
    servers : int
        Places serving at once (fill bays).
    service_min : float
        Service of one customer (a trip's fills), minutes.

    Returns
    -------
    float
        Mean wait before service starts, minutes.
    """
    rho = min(max(utilisation, 0.0), MAX_UTILISATION)
    if rho <= 0.0:
        return 0.0
    exponent = math.sqrt(2.0 * (servers + 1)) - 1.0
    return 0.5 * service_min * rho**exponent / (servers * (1.0 - rho))


def _shares(node: Node) -> dict[int, float]:
    """The buckets a pickup may start in and its chance of each (uniform over its window)."""
    first, last = node.earliest // BUCKET_MIN, node.latest // BUCKET_MIN
    if first == last:
        return {first: 1.0}
    width = node.latest - node.earliest + 1
    shares = {}
    for b in range(first, last + 1):
        lo, hi = max(node.earliest, b * BUCKET_MIN), min(node.latest, (b + 1) * BUCKET_MIN - 1)
        shares[b] = (hi - lo + 1) / width
    return shares


def pickup_waits(problem: RoutingProblem, per_trip: int = 2, scale: float = 1.0) -> dict[int, int]:
    """Each pickup's expected wait for a place at its location, whole minutes.

    Each pickup's work (its service) is spread over the hours its window allows
    (uniformly); a pickup waits the expected wait of each hour it may start in, by its
    chance of starting then.

    Parameters
    ----------
    problem : RoutingProblem
        Pairs with pickups at locations of ``pickup_capacity``.
    per_trip : int
        Pickups a trip makes at once (a customer of the queue serves that many).
    scale : float
        Factor on the expected wait (1: the queue formula).

    Returns
    -------
    dict
        ``pickup node -> minutes`` for pickups whose expected wait rounds above 0.
    """
    places = dict(problem.pickup_capacity)
    work: dict[tuple[int, int], float] = defaultdict(float)
    shares_of: dict[int, dict[int, float]] = {}
    for pair in problem.pairs:
        node = problem.nodes[pair.pickup]
        if node.kind != PICKUP or node.location not in places or node.service <= 0:
            continue
        shares_of[pair.pickup] = _shares(node)
        for b, share in shares_of[pair.pickup].items():
            work[(node.location, b)] += share * node.service
    waits: dict[int, int] = {}
    for pickup, shares in shares_of.items():
        node = problem.nodes[pickup]
        servers = places[node.location]
        wait = sum(
            share
            * expected_wait(
                work[(node.location, b)] / (servers * BUCKET_MIN),
                servers,
                per_trip * node.service,
            )
            for b, share in shares.items()
        )
        minutes = round(min(MAX_WAIT_MIN, scale * wait / per_trip))
        if minutes > 0:
            waits[pickup] = minutes
    return waits


def with_queue_waits(
    problem: RoutingProblem, per_trip: int = 2, scale: float = 1.0
) -> RoutingProblem:
    """``problem`` with each pickup's expected wait (:func:`pickup_waits`) before it.

    The wait is added to the pickup's service and taken off both ends of its window
    (not below 0), and added to its pair's ride limit: the metal is not in the ladle
    while the vehicle waits.
    """
    waits = pickup_waits(problem, per_trip, scale)
    if not waits:
        return problem
    nodes: list[Node] = list(problem.nodes)
    for pickup, wait in waits.items():
        node = nodes[pickup]
        earliest = max(0, node.earliest - wait)
        nodes[pickup] = replace(
            node,
            service=node.service + wait,
            earliest=earliest,
            latest=max(earliest, node.latest - wait),
        )
    pairs = tuple(
        replace(p, max_ride=p.max_ride + waits[p.pickup])
        if p.pickup in waits and p.max_ride is not None
        else p
        for p in problem.pairs
    )
    return replace(problem, nodes=tuple(nodes), pairs=pairs)
