"""Shortest and fastest paths between sites on ``roads.graphml``, as compiled arrays.

The road graph (a networkx graph, as the loader reads it) is turned once into two
sparse matrices in compressed-sparse-row form — km and free-flow minutes of each
directed link, the smaller of parallel edges — and SciPy's Dijkstra
(:func:`scipy.sparse.csgraph.dijkstra`) searches them from the sites' nodes only.
This is the same search as networkx's Dijkstra with the same edge weights, so the
distances are the same numbers; it runs in compiled code instead of calling a Python
weight function on every edge, which is what made a province-sized graph slow.

An edge's minutes are ``length / 1000 / speed_kph × 60`` (``speed_kmh`` of ``[roads]``
for an edge without ``speed_kph``), its km ``length / 1000``; between parallel edges the
fastest is driven (its ``highway`` is the stretch's road class; the first of equally
fast ones in the graph's order) and the shortest counts for km. An undirected graph is
driven both ways.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Sources searched at once: bounds the rows of distances held in memory.
CHUNK = 32


@dataclass(frozen=True)
class RoadArrays:
    """A road graph as arrays (built by :func:`road_arrays`).

    Attributes
    ----------
    nodes : list
        Node ids in the graph's order; position = index in the arrays.
    lat, lon : numpy.ndarray
        Degrees of each node.
    km, minutes : scipy.sparse.csr_matrix
        ``[u, v]`` km of the shortest and minutes of the fastest edge ``u → v``.
    classes : tuple of str
        Road class names; ``edge_class`` holds positions in it.
    edge_class : numpy.ndarray
        Class of the fastest edge of each entry of ``minutes`` (aligned with its data).
    """

    nodes: list[Any]
    lat: np.ndarray
    lon: np.ndarray
    km: Any
    minutes: Any
    classes: tuple[str, ...]
    edge_class: np.ndarray

    def class_of(self, u: int, v: int) -> str:
        """Road class of the fastest edge from node index ``u`` to ``v``."""
        m = self.minutes
        start, end = m.indptr[u], m.indptr[u + 1]
        k = start + int(np.searchsorted(m.indices[start:end], v))
        return self.classes[int(self.edge_class[k])]


def _edge_table(graph: Any, speed_kmh: float) -> tuple[np.ndarray, ...]:
    """Every edge as arrays: tail, head, km, minutes and class code; and the classes."""
    position = {node: k for k, node in enumerate(graph.nodes)}
    names: dict[str, int] = {"": 0}
    tail, head, length, speed, code = [], [], [], [], []
    for u, v, data in graph.edges(data=True):
        road_class = data.get("highway", "")
        road_class = road_class if isinstance(road_class, str) else ""
        tail.append(position[u])
        head.append(position[v])
        length.append(float(data["length"]))
        speed.append(float(data.get("speed_kph", speed_kmh)))
        code.append(names.setdefault(road_class, len(names)))
    u_arr, v_arr = np.array(tail, dtype=np.int64), np.array(head, dtype=np.int64)
    metres, kph = np.array(length, dtype=float), np.array(speed, dtype=float)
    classes = np.array(code, dtype=np.int32)
    if not graph.is_directed():
        u_arr, v_arr = np.concatenate([u_arr, v_arr]), np.concatenate([v_arr, u_arr])
        metres, kph, classes = (np.concatenate([a, a]) for a in (metres, kph, classes))
    minutes = metres / 1000.0 / kph * 60.0
    return u_arr, v_arr, metres / 1000.0, minutes, classes, np.array(list(names), dtype=object)


def road_arrays(graph: Any, speed_kmh: float) -> RoadArrays:
    """Compile a road graph into :class:`RoadArrays`.

    Parameters
    ----------
    graph : networkx graph
        Nodes with ``x`` (lon) and ``y`` (lat), edges with ``length`` (m) and optionally
        ``speed_kph`` (km/h) and ``highway``.
    speed_kmh : float
        Speed of edges without ``speed_kph``, km/h.

    Returns
    -------
    RoadArrays
    """
    from scipy.sparse import csr_matrix

    n = graph.number_of_nodes()
    tail, head, km, minutes, code, names = _edge_table(graph, speed_kmh)
    key = tail * n + head
    order = np.lexsort((minutes, key))  # by link, the fastest first (stable on ties)
    key, km, minutes, code = key[order], km[order], minutes[order], code[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else key
    links = key[starts]
    rows, cols = links // n, links % n
    indptr = np.searchsorted(rows, np.arange(n + 1)).astype(np.int64)
    shortest = np.minimum.reduceat(km, starts) if key.size else km
    by_km = csr_matrix((shortest, cols, indptr), shape=(n, n))
    by_min = csr_matrix((minutes[starts], cols, indptr), shape=(n, n))
    lat = np.array([graph.nodes[v]["y"] for v in graph.nodes], dtype=float)
    lon = np.array([graph.nodes[v]["x"] for v in graph.nodes], dtype=float)
    return RoadArrays(list(graph.nodes), lat, lon, by_km, by_min, tuple(names), code[starts])


def site_searches(
    roads: RoadArrays, sources: np.ndarray, pieces: bool
) -> Iterator[tuple[slice, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]]:
    """Dijkstra from each source node index, by km and by minutes, a chunk at a time.

    Parameters
    ----------
    roads : RoadArrays
        The compiled graph.
    sources : numpy.ndarray
        Node indices to search from.
    pieces : bool
        Also give the fastest paths' predecessors and minutes to every node (for the
        road-class stretches).

    Yields
    ------
    tuple
        The chunk's rows of ``sources`` (a slice); ``km[s, t]`` and ``minutes[s, t]``
        from each of its sources to every source (``inf``: no path); with ``pieces`` the
        predecessors (−9999 where there is none) and minutes ``[s, node]`` of the
        fastest paths to every node, else ``None``. Only one chunk's full rows are held
        in memory at a time (:data:`CHUNK` sources).
    """
    from scipy.sparse.csgraph import dijkstra

    for a in range(0, len(sources), CHUNK):
        chunk = sources[a : a + CHUNK]
        km = dijkstra(roads.km, directed=True, indices=chunk)[:, sources]
        if pieces:
            by_min, pred = dijkstra(
                roads.minutes, directed=True, indices=chunk, return_predecessors=True
            )
            yield slice(a, a + len(chunk)), km, by_min[:, sources], pred, by_min
        else:
            by_min = dijkstra(roads.minutes, directed=True, indices=chunk)
            yield slice(a, a + len(chunk)), km, by_min[:, sources], None, None
