"""A leg's road classes on ``roads.graphml``: which stretch of it is driven on which class.

With its own speed profile for some road classes (``[roads]
hourly_speed_factor_by_class``), a leg on the road graph is a sequence of *pieces*:
``(road_class, free_minutes)`` in driving order, consecutive edges of one class merged.
A truck drives them one after the other, each at its class's speed share at the moment
it reaches it (:meth:`logistics.physics.travel.Travel.leg_minutes`), which is exact for
the leg's path. The path is the fastest at free flow (the one the ``minutes`` matrix
measures), not re-chosen by time of day.

Classes without a profile of their own, the access legs from a site to its road node
and back (geodesic × circuity) and edges without a ``highway`` are the piece class
``""``: the global profile. Only legs with at least one stretch of a class with its own
profile get pieces; every other leg is one stretch at the global profile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

#: The piece class of every stretch driven at the global profile.
GLOBAL = ""

#: ``(road_class, free-flow minutes)`` stretches of a leg, in driving order.
Pieces = tuple[tuple[str, float], ...]


def joined(pieces: Pieces, road_class: str, minutes: float) -> Pieces:
    """``pieces`` with ``minutes`` more on ``road_class`` (merged into the last piece when
    it is of that class); zero minutes add nothing."""
    if minutes <= 0:
        return pieces
    if pieces and pieces[-1][0] == road_class:
        return (*pieces[:-1], (road_class, pieces[-1][1] + minutes))
    return (*pieces, (road_class, minutes))


def edge_class(graph: Any, u: Any, v: Any, minutes_of: Callable[[dict], float]) -> str:
    """``highway`` of the fastest edge from ``u`` to ``v`` (the one the path drives)."""
    items = graph[u][v]
    candidates: Iterable[dict] = (
        items.values() if all(isinstance(d, dict) for d in items.values()) else [items]
    )
    fastest = min(candidates, key=minutes_of)
    road_class = fastest.get("highway", GLOBAL)
    return road_class if isinstance(road_class, str) else GLOBAL


def tree_pieces(
    graph: Any,
    source: Any,
    pred: dict[Any, list[Any]],
    dist: dict[Any, float],
    targets: Iterable[Any],
    classes: frozenset[str],
    minutes_of: Callable[[dict], float],
) -> dict[Any, Pieces]:
    """Pieces of the fastest path from ``source`` to each target node.

    Parameters
    ----------
    graph : networkx graph
        The road graph.
    source : node
        Where the paths start.
    pred, dist : dict
        Predecessors and free-flow minutes of a Dijkstra search from ``source``
        (``networkx.dijkstra_predecessor_and_distance``).
    targets : iterable of node
        Nodes to find pieces for (unreachable ones are left out).
    classes : frozenset of str
        Road classes with their own profile; any other class is :data:`GLOBAL`.
    minutes_of : callable
        Free-flow minutes of one edge's attributes.

    Returns
    -------
    dict
        ``node -> pieces``, minutes of edge ``u → v`` as ``dist[v] − dist[u]`` so the
        pieces of a path add up to its ``dist``. Paths share their start, so each node
        is walked once per source.
    """
    known: dict[Any, Pieces] = {source: ()}
    for target in targets:
        if target not in dist:
            continue
        chain = []
        node = target
        while node not in known:
            chain.append(node)
            node = pred[node][0]
        for v in reversed(chain):
            u = pred[v][0]
            road_class = edge_class(graph, u, v, minutes_of)
            piece = road_class if road_class in classes else GLOBAL
            known[v] = joined(known[u], piece, dist[v] - dist[u])
    return {t: known[t] for t in targets if t in known}
