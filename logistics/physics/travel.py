"""Travel model: road km and minutes between every smelter, caster and candidate.

Without a road graph: geodesic distance (geopy, WGS-84) × ``circuity``, driven at
``speed_kmh``. With ``roads.graphml``: each site snaps to its nearest graph node; km is
the shortest path by ``length``, minutes the fastest path by ``length / speed_kph``
(edges without ``speed_kph`` use ``speed_kmh``); the snap distance (geodesic ×
circuity) is added at both ends. A :class:`Travel` is built once per planned day and
passed explicitly; nothing is cached behind the caller's back.

Rush hours: one speed profile for all roads (:mod:`logistics.physics.rush_hours`), and
on a road graph optionally one per road class, driven stretch by stretch
(:mod:`logistics.physics.road_classes`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from geopy.distance import geodesic

from logistics.network.geo import haversine_km
from logistics.network.model import Network
from logistics.physics.road_classes import GLOBAL, Pieces, joined, tree_pieces
from logistics.physics.rush_hours import SpeedProfile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Site:
    """A place trucks drive between."""

    kind: str  # "smelter", "caster" or "candidate"
    site_id: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Travel:
    """Road distances (km) and driving times (minutes) between all sites of a network.

    Built once per planned day (:meth:`of`) and handed explicitly to everything that
    needs it — planning, the checker, the economics, the charts; there is no hidden
    cache. A surface that plans many days of one network (the app, siting studies)
    builds it once and passes it on. The seam where time-dependent and uncertain travel
    will plug in.

    Attributes
    ----------
    sites : tuple[Site, ...]
        Row/column order of the matrices.
    km, minutes : numpy.ndarray
        ``km[i, j]`` and ``minutes[i, j]`` from site ``i`` to site ``j`` (``inf`` where
        the road graph has no path), ``minutes`` at free-flow speed.
    profile : SpeedProfile or None
        Rush hours (:mod:`logistics.physics.rush_hours`): a leg's minutes then depend
        on when it starts (:meth:`leg_minutes`); ``None``: free flow all day.
    class_profiles : dict of str to SpeedProfile or None
        The profile of each road class with its own (``None``: free flow on it).
    class_legs : dict of (int, int) to pieces
        ``(i, j) -> ((road_class, free_minutes), …)``: the stretches of leg ``i → j`` in
        driving order, for each leg on the road graph that drives on a class of
        ``class_profiles`` (:mod:`logistics.physics.road_classes`; class ``""`` is the
        global profile). Their minutes add up to ``minutes[i, j]``.
    """

    sites: tuple[Site, ...]
    km: np.ndarray
    minutes: np.ndarray
    source: str = "geodesic"
    profile: SpeedProfile | None = None
    class_profiles: dict[str, SpeedProfile | None] = field(default_factory=dict)
    class_legs: dict[tuple[int, int], Pieces] = field(default_factory=dict, repr=False)
    _index: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index.update({(s.kind, s.site_id): i for i, s in enumerate(self.sites)})

    @classmethod
    def of(cls, network: Network) -> Travel:
        """The travel model of a network: geodesic × circuity, or its road graph."""
        return build_travel(network)

    def leg_minutes(self, i: int, j: int, depart: float) -> float:
        """Driving minutes from row ``i`` to row ``j`` leaving at ``depart`` (minutes on the
        plan's clock): the free-flow minutes, stretched by the rush hours it meets; a leg
        with road-class pieces drives them in order, each at its class's profile from
        the moment it reaches it (exact, and FIFO as each piece is)."""
        free = float(self.minutes[i, j])
        pieces = self.class_legs.get((i, j))
        if i == j:
            return free
        if pieces is None:
            return free if self.profile is None else self.profile.leg_minutes(depart, free)
        t = float(depart)
        for road_class, minutes in pieces:
            profile = self.class_profiles.get(road_class, self.profile)
            t += minutes if profile is None else profile.leg_minutes(t, minutes)
        return t - depart

    def routing_minutes(self, from_min: float = 5 * 60, to_min: float = 22 * 60) -> np.ndarray:
        """The matrix the router searches with: free-flow minutes over the mean speed
        share of ``[from_min, to_min)`` (the working day), an approximation of the rush
        hours (per piece of class for legs with pieces); the plan's times are then set
        exactly by :meth:`leg_minutes`."""
        if self.profile is None and not self.class_legs:
            return self.minutes

        def mean(profile: SpeedProfile | None) -> float:
            return 1.0 if profile is None else profile.mean_factor(from_min, to_min)

        matrix = self.minutes / mean(self.profile)
        shares = {c: mean(p) for c, p in self.class_profiles.items()}
        shares[GLOBAL] = mean(self.profile)
        for (i, j), pieces in self.class_legs.items():
            matrix[i, j] = sum(m / shares.get(c, shares[GLOBAL]) for c, m in pieces)
        return matrix

    def fits(self, network: Network) -> bool:
        """Whether this travel model has the network's sites, in the network's order."""
        return self.sites == network_sites(network)

    def index(self, kind: str, site_id: str) -> int:
        """Row of a site, e.g. ``index("caster", "C01")``."""
        return self._index[(kind, site_id)]

    def smelter(self, site_id: str) -> int:
        """Row of a smelter."""
        return self._index[("smelter", site_id)]

    def caster(self, site_id: str) -> int:
        """Row of a caster."""
        return self._index[("caster", site_id)]

    def candidate(self, site_id: str) -> int:
        """Row of a candidate site."""
        return self._index[("candidate", site_id)]


def network_sites(network: Network) -> tuple[Site, ...]:
    """Smelters, then casters, then candidate sites of a network."""
    return (
        tuple(Site("smelter", s.smelter_id, s.lat, s.lon) for s in network.smelters)
        + tuple(Site("caster", c.caster_id, c.lat, c.lon) for c in network.casters)
        + tuple(Site("candidate", k.site_id, k.lat, k.lon) for k in network.candidates)
    )


def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic (WGS-84 ellipsoid) distance in km between two ``(lat, lon)`` points."""
    return float(geodesic(a, b).km)


def geodesic_matrix(sites: tuple[Site, ...]) -> np.ndarray:
    """Symmetric matrix of geodesic km between sites (geopy, WGS-84)."""
    n = len(sites)
    km = np.zeros((n, n))
    for i in range(n):
        a = (sites[i].lat, sites[i].lon)
        for j in range(i + 1, n):
            km[i, j] = km[j, i] = geodesic_km(a, (sites[j].lat, sites[j].lon))
    return km


def snap_to_nodes(sites: tuple[Site, ...], graph: Any) -> list[tuple[Any, float]]:
    """Nearest graph node of each site and the geodesic km to it."""
    nodes = list(graph.nodes)
    lats = np.array([graph.nodes[n]["y"] for n in nodes], dtype=float)
    lons = np.array([graph.nodes[n]["x"] for n in nodes], dtype=float)
    snapped = []
    for s in sites:
        nearest = int(np.argmin(haversine_km(s.lat, s.lon, lats, lons)))
        node = nodes[nearest]
        snapped.append((node, geodesic_km((s.lat, s.lon), (lats[nearest], lons[nearest]))))
    return snapped


def _edge_weights(speed_kmh: float) -> tuple[Any, Any, Any]:
    """Edge weight functions for networkx: minutes and km of the fastest or shortest of
    parallel edges, and the minutes of one edge's attributes."""

    def one_edge_minutes(d: dict) -> float:
        return float(d["length"]) / 1000.0 / d.get("speed_kph", speed_kmh) * 60.0

    def parallel(data: dict) -> Any:
        # MultiDiGraph passes {key: attrs}; DiGraph passes attrs.
        return data.values() if all(isinstance(d, dict) for d in data.values()) else [data]

    def edge_minutes(u: Any, v: Any, data: dict) -> float:
        return min(one_edge_minutes(d) for d in parallel(data))

    def edge_km(u: Any, v: Any, data: dict) -> float:
        return min(d["length"] / 1000.0 for d in parallel(data))

    return edge_minutes, edge_km, one_edge_minutes


def graph_matrices(
    sites: tuple[Site, ...],
    graph: Any,
    circuity: float,
    speed_kmh: float,
    classes: frozenset[str] = frozenset(),
) -> tuple[np.ndarray, np.ndarray, dict[tuple[int, int], Pieces]]:
    """Road km (shortest) and minutes (fastest) between sites on a road graph, and the
    road-class pieces of each fastest leg that drives on one of ``classes``."""
    import networkx as nx

    edge_minutes, edge_km, one_edge_minutes = _edge_weights(speed_kmh)
    snapped = snap_to_nodes(sites, graph)
    n = len(sites)
    km = np.full((n, n), math.inf)
    minutes = np.full((n, n), math.inf)
    legs: dict[tuple[int, int], Pieces] = {}
    for i, (node_i, access_i) in enumerate(snapped):
        by_km = nx.single_source_dijkstra_path_length(graph, node_i, weight=edge_km)
        if classes:
            pred, by_min = nx.dijkstra_predecessor_and_distance(graph, node_i, weight=edge_minutes)
            paths = tree_pieces(
                graph, node_i, pred, by_min, [t for t, _ in snapped], classes, one_edge_minutes
            )
        else:
            by_min = nx.single_source_dijkstra_path_length(graph, node_i, weight=edge_minutes)
        for j, (node_j, access_j) in enumerate(snapped):
            if i == j:
                km[i, j] = minutes[i, j] = 0.0
                continue
            access = (access_i + access_j) * circuity
            if node_j in by_km:
                km[i, j] = by_km[node_j] + access
            if node_j in by_min:
                minutes[i, j] = by_min[node_j] + access / speed_kmh * 60.0
            if classes and node_j in by_min and any(c != GLOBAL for c, _ in paths[node_j]):
                legs[(i, j)] = _with_access(paths[node_j], access_i, access_j, circuity, speed_kmh)
    return km, minutes, legs


def _with_access(
    path: Pieces, access_i: float, access_j: float, circuity: float, speed_kmh: float
) -> Pieces:
    """A path's pieces with the access legs (geodesic km × circuity) at both ends."""
    pieces: Pieces = joined((), GLOBAL, access_i * circuity / speed_kmh * 60.0)
    for road_class, minutes in path:
        pieces = joined(pieces, road_class, minutes)
    return joined(pieces, GLOBAL, access_j * circuity / speed_kmh * 60.0)


def build_travel(network: Network) -> Travel:
    """Compute the travel model of a network (see :meth:`Travel.of`).

    Parameters
    ----------
    network : Network
        Sites and ``[roads]`` parameters; its ``road_graph`` if it has one.

    Returns
    -------
    Travel
        km and minutes between all smelters, casters and candidate sites, with the
        speed profiles of ``[roads]`` (a road class's own only on a road graph).
    """
    roads = network.params.roads
    sites = network_sites(network)
    by_class = roads.class_speed_profiles()
    legs: dict[tuple[int, int], Pieces] = {}
    if network.road_graph is not None:
        km, minutes, legs = graph_matrices(
            sites, network.road_graph, roads.circuity, roads.speed_kmh, frozenset(by_class)
        )
        source = "roads.graphml"
    else:
        km = geodesic_matrix(sites) * roads.circuity
        minutes = km / roads.speed_kmh * 60.0
        source = "geodesic"
        if by_class:
            log.warning("travel: road classes' own rush hours need roads.graphml; not used")
    log.info("travel: %d sites from %s", len(sites), source)
    class_profiles = {c: SpeedProfile.of(p) for c, p in by_class.items()} if legs else {}
    profile = SpeedProfile.of(roads.speed_profile())
    return Travel(sites, km, minutes, source, profile, class_profiles, legs)
