"""A synthetic province-sized road graph: a perturbed grid with mixed road classes.

``road_grid(bbox, nodes, seed)`` returns an osmnx-style ``networkx.MultiDiGraph`` (nodes
with ``x``/``y``, edges with ``length`` in metres, ``speed_kph`` and ``highway``) that
covers a bounding box with about ``nodes`` junctions:

* junctions on a square grid, each moved by up to 30 % of the spacing;
* every 40th row and column a ``motorway`` (80 km/h), every 10th a ``primary`` road
  (60 km/h), every 5th a ``secondary`` road (50 km/h), the rest ``residential`` (30 km/h);
  a tenth of the residential roads carry no ``speed_kph`` (the network's ``speed_kmh``);
* edge length = great-circle length × 1.0–1.2 (bends), two-way, except one residential
  road in twenty that is one-way; 4 % of residential links missing (rivers, dead ends);
  one edge in fifty has a parallel, longer but faster twin (the multigraph case).

Used by ``python -m benchmarks travel`` and by the travel table's equality tests.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: (class, speed km/h) of a grid line by its index: motorway, primary, secondary, other.
CLASSES = (("motorway", 80.0, 40), ("primary", 60.0, 10), ("secondary", 50.0, 5))
RESIDENTIAL = ("residential", 30.0)


def _line_class(k: int) -> tuple[str, float]:
    """Road class and speed of grid line ``k``."""
    for name, speed, every in CLASSES:
        if k % every == 0:
            return name, speed
    return RESIDENTIAL


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle metres on the mean sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def road_grid(bbox: tuple[float, float, float, float], nodes: int, seed: int = 0) -> Any:
    """A perturbed grid road graph over ``bbox`` = (south, west, north, east), degrees.

    Parameters
    ----------
    bbox : tuple of float
        South, west, north and east edges, degrees.
    nodes : int
        About how many junctions (a square grid of ``ceil(sqrt(nodes))`` per side).
    seed : int
        Random seed: the same arguments give the same graph.

    Returns
    -------
    networkx.MultiDiGraph
        The road graph (node ids are strings, as GraphML reads them back).
    """
    import networkx as nx

    rng = np.random.default_rng(seed)
    side = math.isqrt(nodes - 1) + 1
    south, west, north, east = bbox
    dlat, dlon = (north - south) / (side - 1), (east - west) / (side - 1)
    lat = south + np.arange(side)[:, None] * dlat + rng.uniform(-0.3, 0.3, (side, side)) * dlat
    lon = west + np.arange(side)[None, :] * dlon + rng.uniform(-0.3, 0.3, (side, side)) * dlon
    graph = nx.MultiDiGraph()
    for r in range(side):
        for c in range(side):
            graph.add_node(f"{r}_{c}", x=float(lon[r, c]), y=float(lat[r, c]))
    for r in range(side):
        for c in range(side):
            for dr, dc, line in ((0, 1, r), (1, 0, c)):
                if r + dr < side and c + dc < side:
                    _link(graph, rng, lat, lon, (r, c), (r + dr, c + dc), _line_class(line))
    return graph


def _link(
    graph: Any,
    rng: np.random.Generator,
    lat: np.ndarray,
    lon: np.ndarray,
    a: tuple[int, int],
    b: tuple[int, int],
    road: tuple[str, float],
) -> None:
    """The road between junctions ``a`` and ``b`` (both ways unless one-way or missing)."""
    name, speed = road
    draw = rng.random(4)
    if name == "residential" and draw[0] < 0.04:
        return
    metres = _metres(lat[a], lon[a], lat[b], lon[b]) * (1.0 + 0.2 * draw[1])
    attrs: dict[str, Any] = {"length": round(metres, 1), "highway": name}
    if not (name == "residential" and draw[2] < 0.1):
        attrs["speed_kph"] = speed
    u, v = f"{a[0]}_{a[1]}", f"{b[0]}_{b[1]}"
    graph.add_edge(u, v, **attrs)
    if not (name == "residential" and draw[3] < 0.05):
        graph.add_edge(v, u, **attrs)
    if draw[3] > 0.98:  # a parallel road: longer, faster
        twin = {"length": round(metres * 1.3, 1), "highway": "primary", "speed_kph": 60.0}
        graph.add_edge(u, v, **twin)
