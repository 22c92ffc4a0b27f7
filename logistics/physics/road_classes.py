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

import math
from collections.abc import Callable, Iterable, Sequence

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


def tree_pieces(
    source: int,
    pred: Sequence[int],
    dist: Sequence[float],
    targets: Iterable[int],
    classes: frozenset[str],
    class_of: Callable[[int, int], str],
) -> dict[int, Pieces]:
    """Pieces of the fastest path from ``source`` to each target node.

    Parameters
    ----------
    source : int
        Node index where the paths start.
    pred, dist : sequence
        Predecessor node index and free-flow minutes of every node, from a Dijkstra
        search from ``source`` (:func:`logistics.physics.road_table.site_searches`).
    targets : iterable of int
        Nodes to find pieces for (unreachable ones, ``inf`` minutes, are left out).
    classes : frozenset of str
        Road classes with their own profile; any other class is :data:`GLOBAL`.
    class_of : callable
        Road class of the edge ``u → v`` the path drives.

    Returns
    -------
    dict
        ``node -> pieces``, minutes of edge ``u → v`` as ``dist[v] − dist[u]`` so the
        pieces of a path add up to its ``dist``. Paths share their start, so each node
        is walked once per source.
    """
    known: dict[int, Pieces] = {source: ()}
    for target in targets:
        if not math.isfinite(dist[target]):
            continue
        chain = []
        node = target
        while node not in known:
            chain.append(node)
            node = int(pred[node])
        for v in reversed(chain):
            u = int(pred[v])
            road_class = class_of(u, v)
            piece = road_class if road_class in classes else GLOBAL
            known[v] = joined(known[u], piece, float(dist[v]) - float(dist[u]))
    return {t: known[t] for t in targets if t in known}
