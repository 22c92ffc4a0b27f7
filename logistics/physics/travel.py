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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from geographiclib.geodesic import Geodesic
from geopy.distance import ELLIPSOIDS, geodesic

from logistics.network.geo import haversine_km
from logistics.network.model import Network
from logistics.network.params import RoadParams
from logistics.physics.road_classes import GLOBAL, Pieces, joined, tree_pieces
from logistics.physics.road_table import road_arrays, site_searches
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

    def cut(self, rows: Sequence[int]) -> Travel:
        """The travel model of some of its sites, ``rows`` in their new order: the
        matrices, the profiles and the road-class stretches of the legs between them."""
        index = list(rows)
        ix = np.ix_(index, index)
        position = {row: k for k, row in enumerate(index)}
        legs = {
            (position[i], position[j]): pieces
            for (i, j), pieces in self.class_legs.items()
            if i in position and j in position
        }
        return Travel(
            tuple(self.sites[r] for r in index),
            np.ascontiguousarray(self.km[ix]),
            np.ascontiguousarray(self.minutes[ix]),
            self.source,
            self.profile,
            self.class_profiles if legs else {},
            legs,
        )

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


#: geopy's WGS-84 geodesic in km (semi-major axis, flattening), built once: geopy builds
#: it and parses both points for every pair, a third of a large day's matrix time.
_WGS84_KM = Geodesic(ELLIPSOIDS["WGS-84"][0], ELLIPSOIDS["WGS-84"][2])


def geodesic_matrix(sites: tuple[Site, ...]) -> np.ndarray:
    """Symmetric matrix of geodesic km between sites (WGS-84, the same figures as
    :func:`geodesic_km`: geopy's own call of geographiclib, its geodesic built once)."""
    n = len(sites)
    km = np.zeros((n, n))
    inverse, distance = _WGS84_KM.Inverse, Geodesic.DISTANCE
    for i in range(n):
        lat, lon = sites[i].lat, sites[i].lon
        for j in range(i + 1, n):
            s12 = inverse(lat, lon, sites[j].lat, sites[j].lon, distance)["s12"]
            km[i, j] = km[j, i] = s12
    return km


def snap_to_nodes(sites: tuple[Site, ...], graph: Any) -> list[tuple[Any, float]]:
    """Nearest graph node of each site and the geodesic km to it."""
    nodes = list(graph.nodes)
    lats = np.array([graph.nodes[n]["y"] for n in nodes], dtype=float)
    lons = np.array([graph.nodes[n]["x"] for n in nodes], dtype=float)
    return [(nodes[k], km) for k, km in _snapped(sites, lats, lons)]


def _snapped(
    sites: tuple[Site, ...], lats: np.ndarray, lons: np.ndarray
) -> list[tuple[int, float]]:
    """Index of each site's nearest node (great circle) and the geodesic km to it."""
    snapped = []
    for s in sites:
        nearest = int(np.argmin(haversine_km(s.lat, s.lon, lats, lons)))
        snapped.append((nearest, geodesic_km((s.lat, s.lon), (lats[nearest], lons[nearest]))))
    return snapped


def graph_matrices(
    sites: tuple[Site, ...],
    graph: Any,
    circuity: float,
    speed_kmh: float,
    classes: frozenset[str] = frozenset(),
) -> tuple[np.ndarray, np.ndarray, dict[tuple[int, int], Pieces]]:
    """Road km (shortest) and minutes (fastest) between sites on a road graph, and the
    road-class pieces of each fastest leg that drives on one of ``classes``
    (:mod:`logistics.physics.road_table`: Dijkstra from the sites' nodes only)."""
    roads = road_arrays(graph, speed_kmh)
    snapped = _snapped(sites, roads.lat, roads.lon)
    sources, row_of = np.unique([node for node, _ in snapped], return_inverse=True)
    n = len(sites)
    node_km = np.empty((len(sources), len(sources)))
    node_min = np.empty_like(node_km)
    node_pieces: dict[int, dict[int, Pieces]] = {}
    targets = [int(node) for node, _ in snapped]
    for rows, by_km, by_min, pred, full in site_searches(roads, sources, bool(classes)):
        node_km[rows], node_min[rows] = by_km, by_min
        if pred is None or full is None:
            continue
        for k, source in enumerate(sources[rows]):
            node_pieces[int(source)] = tree_pieces(
                int(source), pred[k], full[k], targets, classes, roads.class_of
            )
    km = np.zeros((n, n))
    minutes = np.zeros((n, n))
    legs: dict[tuple[int, int], Pieces] = {}
    for i, (node_i, access_i) in enumerate(snapped):
        for j, (node_j, access_j) in enumerate(snapped):
            if i == j:
                continue
            access = (access_i + access_j) * circuity
            km[i, j] = float(node_km[row_of[i], row_of[j]]) + access
            minutes[i, j] = float(node_min[row_of[i], row_of[j]]) + access / speed_kmh * 60.0
            path = node_pieces.get(node_i, {}).get(node_j)
            if path is not None and any(c != GLOBAL for c, _ in path):
                legs[(i, j)] = _with_access(path, access_i, access_j, circuity, speed_kmh)
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
    traced = frozenset(by_class) | frozenset(network.params.risk.cv_by_class)
    legs: dict[tuple[int, int], Pieces] = {}
    if network.road_graph is not None:
        km, minutes, legs = graph_matrices(
            sites, network.road_graph, roads.circuity, roads.speed_kmh, traced
        )
        source = "roads.graphml"
    else:
        km = geodesic_matrix(sites) * roads.circuity
        minutes = km / roads.speed_kmh * 60.0
        source = "geodesic"
        if traced:
            log.warning("travel: road classes' own rush hours or CVs need roads.graphml; not used")
    log.info("travel: %d sites from %s", len(sites), source)
    return with_roads(sites, km, minutes, source, roads, legs)


def with_roads(
    sites: tuple[Site, ...],
    km: np.ndarray,
    minutes: np.ndarray,
    source: str,
    roads: RoadParams,
    class_legs: dict[tuple[int, int], Pieces],
) -> Travel:
    """A travel model from its matrices with the speed profiles of ``[roads]``: the one
    way every travel model gets its rush hours, whether its matrices were just computed
    (:func:`build_travel`) or cut from a bigger model and sent to a worker (siting).

    Parameters
    ----------
    sites : tuple of Site
        Row/column order.
    km, minutes : numpy.ndarray
        Road km and free-flow minutes between the sites.
    source : str
        ``geodesic`` or ``roads.graphml``.
    roads : RoadParams
        The network's ``[roads]``: the global profile and the road classes' own.
    class_legs : dict
        Road-class stretches of the legs that drive on a class with its own profile
        (:attr:`Travel.class_legs`); the classes' profiles are kept only with them.

    Returns
    -------
    Travel
    """
    by_class = roads.class_speed_profiles()
    class_profiles = {c: SpeedProfile.of(p) for c, p in by_class.items()} if class_legs else {}
    profile = SpeedProfile.of(roads.speed_profile())
    return Travel(sites, km, minutes, source, profile, class_profiles, class_legs)
