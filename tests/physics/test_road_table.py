"""The road graph's travel table by SciPy's Dijkstra equals networkx's, number for number.

``reference_matrices`` is the travel table as it was computed before (networkx's
Dijkstra from each site with Python weight functions, and the stretches walked from
its predecessors), kept here as the oracle: km, minutes and every leg's road-class
stretches must be *equal* (not approximately) on random multigraphs with parallel
edges, edges without a speed, zero-length edges, one-way roads and unreachable parts,
and on a perturbed grid with mixed road classes under the Pearl River Delta's sites.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from benchmarks.road_grid import road_grid
from logistics.network.loader import load_network
from logistics.physics import travel as geo
from logistics.physics.road_classes import GLOBAL, Pieces, joined
from logistics.physics.road_table import road_arrays

REPO = Path(__file__).resolve().parents[2]
CLASSES = frozenset({"motorway", "primary"})


# -- the oracle: the networkx computation as it was ---------------------------------------
def _weights(speed_kmh: float) -> tuple[Any, Any, Any]:
    def one(d: dict) -> float:
        return float(d["length"]) / 1000.0 / d.get("speed_kph", speed_kmh) * 60.0

    def parallel(data: dict) -> Any:
        return data.values() if all(isinstance(d, dict) for d in data.values()) else [data]

    def minutes(u: Any, v: Any, data: dict) -> float:
        return min(one(d) for d in parallel(data))

    def km(u: Any, v: Any, data: dict) -> float:
        return min(d["length"] / 1000.0 for d in parallel(data))

    return minutes, km, one


def _ref_pieces(graph: Any, source: Any, pred: dict, dist: dict, targets: list, one: Any) -> dict:
    known: dict[Any, Pieces] = {source: ()}
    for target in targets:
        if target not in dist:
            continue
        chain, node = [], target
        while node not in known:
            chain.append(node)
            node = pred[node][0]
        for v in reversed(chain):
            u = pred[v][0]
            fastest = min(graph[u][v].values(), key=one)
            road_class = fastest.get("highway", GLOBAL)
            piece = road_class if road_class in CLASSES else GLOBAL
            known[v] = joined(known[u], piece, dist[v] - dist[u])
    return {t: known[t] for t in targets if t in known}


def reference_matrices(sites: tuple, graph: Any, circuity: float, speed_kmh: float) -> tuple:
    """km, minutes and stretches of every leg, by networkx (the former implementation)."""
    edge_minutes, edge_km, one = _weights(speed_kmh)
    snapped = geo.snap_to_nodes(sites, graph)
    n = len(sites)
    km, minutes = np.full((n, n), math.inf), np.full((n, n), math.inf)
    legs = {}
    for i, (node_i, access_i) in enumerate(snapped):
        by_km = nx.single_source_dijkstra_path_length(graph, node_i, weight=edge_km)
        pred, by_min = nx.dijkstra_predecessor_and_distance(graph, node_i, weight=edge_minutes)
        paths = _ref_pieces(graph, node_i, pred, by_min, [t for t, _ in snapped], one)
        for j, (node_j, access_j) in enumerate(snapped):
            if i == j:
                km[i, j] = minutes[i, j] = 0.0
                continue
            access = (access_i + access_j) * circuity
            if node_j in by_km:
                km[i, j] = by_km[node_j] + access
            if node_j in by_min:
                minutes[i, j] = by_min[node_j] + access / speed_kmh * 60.0
                if any(c != GLOBAL for c, _ in paths[node_j]):
                    legs[(i, j)] = geo._with_access(
                        paths[node_j], access_i, access_j, circuity, speed_kmh
                    )
    return km, minutes, legs


# -- graphs -------------------------------------------------------------------------------
def random_graph(seed: int, nodes: int = 300) -> nx.MultiDiGraph:
    """Random roads between random points near Foshan: parallel edges, missing speeds,
    zero lengths, one-way roads, and an unconnected corner."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    for k in range(nodes):
        graph.add_node(str(k), x=112.9 + rng.random() * 0.4, y=22.9 + rng.random() * 0.4)
    classes = ["motorway", "primary", "secondary", "residential", None]
    for _ in range(nodes * 3):
        u, v = rng.sample(range(nodes - 10), 2)  # the last 10 nodes are unconnected
        metres = 0.0 if rng.random() < 0.05 else rng.uniform(50, 5000)
        attrs: dict[str, Any] = {"length": metres}
        if rng.random() < 0.8:
            attrs["speed_kph"] = rng.choice([30.0, 50.0, 60.0, 80.0, rng.uniform(5, 100)])
        road_class = rng.choice(classes)
        if road_class is not None:
            attrs["highway"] = road_class
        graph.add_edge(str(u), str(v), **attrs)
        if rng.random() < 0.7:
            graph.add_edge(str(v), str(u), **attrs)
    return graph


def random_sites(seed: int, count: int = 25) -> tuple[geo.Site, ...]:
    rng = random.Random(seed + 1)
    return tuple(
        geo.Site("caster", f"C{k}", 22.9 + rng.random() * 0.4, 112.9 + rng.random() * 0.4)
        for k in range(count)
    )


def assert_same(sites: tuple, graph: Any, circuity: float, speed_kmh: float) -> int:
    want_km, want_min, want_legs = reference_matrices(sites, graph, circuity, speed_kmh)
    km, minutes, legs = geo.graph_matrices(sites, graph, circuity, speed_kmh, CLASSES)
    np.testing.assert_array_equal(km, want_km)
    np.testing.assert_array_equal(minutes, want_min)
    assert legs == want_legs
    return len(legs)


@pytest.mark.parametrize("seed", range(6))
def test_random_multigraphs_give_the_same_table(seed: int) -> None:
    graph = random_graph(seed)
    sites = random_sites(seed)
    legs = assert_same(sites, graph, 1.3, 40.0)
    assert legs > 0  # some legs drive on the classes with profiles
    _, minutes, none = geo.graph_matrices(sites, graph, 1.3, 40.0)  # no classes
    assert none == {}
    np.testing.assert_array_equal(minutes, reference_matrices(sites, graph, 1.3, 40.0)[1])


def test_an_undirected_graph_is_driven_both_ways() -> None:
    graph = nx.MultiGraph(random_graph(3))
    assert_same(random_sites(3), graph, 1.3, 40.0)


def test_a_grid_under_the_pearl_river_delta_gives_the_same_table() -> None:
    network = load_network(REPO / "sample_networks" / "pearl_river_delta")
    sites = geo.network_sites(network)
    lats, lons = [s.lat for s in sites], [s.lon for s in sites]
    bbox = (min(lats) - 0.05, min(lons) - 0.05, max(lats) + 0.05, max(lons) + 0.05)
    graph = road_grid(bbox, 3_000, seed=1)
    assert assert_same(sites, graph, 1.3, 40.0) > 100


def test_parallel_edges_keep_the_shortest_km_and_the_fastest_class() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("a", x=113.0, y=23.0)
    graph.add_node("b", x=113.1, y=23.0)
    graph.add_edge("a", "b", length=10_000.0, speed_kph=30.0, highway="residential")
    graph.add_edge("a", "b", length=12_000.0, speed_kph=80.0, highway="motorway")
    graph.add_edge("a", "b", length=12_000.0, speed_kph=80.0, highway="primary")  # a tie
    roads = road_arrays(graph, 40.0)
    assert roads.km[0, 1] == 10.0  # the shortest of the three
    assert roads.minutes[0, 1] == 12_000.0 / 1000.0 / 80.0 * 60.0  # the fastest
    assert roads.class_of(0, 1) == "motorway"  # the first of the equally fast
    assert roads.km[1, 0] == 0.0 and roads.minutes.nnz == 1  # one-way
