"""Travel model: road km and minutes between every smelter, caster and candidate.

Without a road graph: geodesic distance (geopy, WGS-84) × ``circuity``, driven at
``speed_kmh``. With ``roads.graphml``: each site snaps to its nearest graph node; km is
the shortest path by ``length``, minutes the fastest path by ``length / speed_kph``
(edges without ``speed_kph`` use ``speed_kmh``); the snap distance (geodesic ×
circuity) is added at both ends. A :class:`Travel` is built once per planned day and
passed explicitly; nothing is cached behind the caller's back.
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
    """

    sites: tuple[Site, ...]
    km: np.ndarray
    minutes: np.ndarray
    source: str = "geodesic"
    profile: SpeedProfile | None = None
    _index: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index.update({(s.kind, s.site_id): i for i, s in enumerate(self.sites)})

    @classmethod
    def of(cls, network: Network) -> Travel:
        """The travel model of a network: geodesic × circuity, or its road graph."""
        return build_travel(network)

    def leg_minutes(self, i: int, j: int, depart: float) -> float:
        """Driving minutes from row ``i`` to row ``j`` leaving at ``depart`` (minutes on the
        plan's clock): the free-flow minutes, stretched by the rush hours it meets."""
        free = float(self.minutes[i, j])
        return free if self.profile is None or i == j else self.profile.leg_minutes(depart, free)

    def routing_minutes(self, from_min: float = 5 * 60, to_min: float = 22 * 60) -> np.ndarray:
        """The matrix the router searches with: free-flow minutes over the mean speed
        share of ``[from_min, to_min)`` (the working day), an approximation of the rush
        hours; the plan's times are then set exactly by :meth:`leg_minutes`."""
        if self.profile is None:
            return self.minutes
        return self.minutes / self.profile.mean_factor(from_min, to_min)

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


def graph_matrices(
    sites: tuple[Site, ...], graph: Any, circuity: float, speed_kmh: float
) -> tuple[np.ndarray, np.ndarray]:
    """Road km (shortest) and minutes (fastest) between sites on a road graph."""
    import networkx as nx

    def edge_minutes(u: Any, v: Any, data: dict) -> float:
        # MultiDiGraph passes {key: attrs}; DiGraph passes attrs.
        items = data.values() if all(isinstance(d, dict) for d in data.values()) else [data]
        return min(d["length"] / 1000.0 / d.get("speed_kph", speed_kmh) * 60.0 for d in items)

    def edge_km(u: Any, v: Any, data: dict) -> float:
        items = data.values() if all(isinstance(d, dict) for d in data.values()) else [data]
        return min(d["length"] / 1000.0 for d in items)

    snapped = snap_to_nodes(sites, graph)
    n = len(sites)
    km = np.full((n, n), math.inf)
    minutes = np.full((n, n), math.inf)
    for i, (node_i, access_i) in enumerate(snapped):
        by_km = nx.single_source_dijkstra_path_length(graph, node_i, weight=edge_km)
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
    return km, minutes


def build_travel(network: Network) -> Travel:
    """Compute the travel model of a network (see :meth:`Travel.of`).

    Parameters
    ----------
    network : Network
        Sites and ``[roads]`` parameters; its ``road_graph`` if it has one.

    Returns
    -------
    Travel
        km and minutes between all smelters, casters and candidate sites.
    """
    roads = network.params.roads
    sites = network_sites(network)
    if network.road_graph is not None:
        km, minutes = graph_matrices(sites, network.road_graph, roads.circuity, roads.speed_kmh)
        source = "roads.graphml"
    else:
        km = geodesic_matrix(sites) * roads.circuity
        minutes = km / roads.speed_kmh * 60.0
        source = "geodesic"
    log.info("travel: %d sites from %s", len(sites), source)
    return Travel(sites, km, minutes, source, SpeedProfile.of(roads.speed_profile()))
