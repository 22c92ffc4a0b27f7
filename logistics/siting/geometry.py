"""Distances of a study's sites: the screen's site → caster matrices, each task's matrix.

* :func:`site_distances`: road km and minutes from every candidate (or grid) site to
  every caster, for the facility-location screen;
* :func:`task_travel`: the travel matrix of one simulated day's network, cut from the
  study's matrix of a scenario (with its legs' road-class stretches), so that a worker
  never computes distances itself; the worker puts the scenario's rush hours back on
  it with :func:`logistics.physics.travel.with_roads`, as every travel model gets them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from logistics.network.geo import haversine_km
from logistics.network.model import Network
from logistics.physics.road_classes import Pieces
from logistics.physics.travel import Travel, network_sites
from logistics.siting.settings import SiteCandidate

#: Great-circle distance on the mean-radius sphere differs from the WGS-84 geodesic by
#: less than this share at the latitudes of China (the grid screen's fast distances).
GRID_DISTANCE_TOLERANCE = 0.005


def _pairwise_km(
    lat: np.ndarray, lon: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle km from every point of one set to every point of another."""
    return haversine_km(lat[:, None], lon[:, None], lat2[None, :], lon2[None, :])


def site_distances(
    network: Network, sites: Sequence[SiteCandidate], fast: bool = False
) -> tuple[np.ndarray, np.ndarray, Travel | None]:
    """Road km and minutes ``[site, caster]`` for candidate sites.

    From :meth:`logistics.physics.travel.Travel.of` of the network with the sites as
    its candidates; with ``fast`` on a network without road graph (the grid), the
    great-circle distance × circuity instead, within :data:`GRID_DISTANCE_TOLERANCE`
    of the geodesic.

    Parameters
    ----------
    network : Network
        The network (its casters, road parameters and road graph).
    sites : sequence of SiteCandidate
        The sites, in the order of the rows.
    fast : bool
        Great-circle distances when the network has no road graph.

    Returns
    -------
    tuple
        Road km ``[site, caster]``, driving minutes ``[site, caster]``, and the travel
        model they came from (``None`` for the fast distances).
    """
    roads = network.params.roads
    if fast and network.road_graph is None:
        lat = np.array([s.lat for s in sites])
        lon = np.array([s.lon for s in sites])
        clat = np.array([c.lat for c in network.casters])
        clon = np.array([c.lon for c in network.casters])
        km = _pairwise_km(lat, lon, clat, clon) * roads.circuity
        return km, km / roads.speed_kmh * 60.0, None
    with_sites = network.model_copy(update={"candidates": tuple(sites)})
    travel = Travel.of(with_sites)
    rows = [travel.candidate(s.site_id) for s in sites]
    cols = [travel.caster(c.caster_id) for c in network.casters]
    return travel.km[np.ix_(rows, cols)], travel.minutes[np.ix_(rows, cols)], travel


@dataclass(frozen=True)
class TaskTravel:
    """The travel matrix of one task's network, in the order of its sites.

    Attributes
    ----------
    sites : list of tuple
        ``(kind, site_id, lat, lon)`` of the task network's sites, lat/lon in degrees.
    km, minutes : numpy.ndarray
        Road km and driving minutes between them, ``[from, to]``.
    class_legs : dict
        ``(from, to) -> ((road_class, free_minutes), …)``: the road-class stretches of
        the legs between them (:attr:`logistics.physics.travel.Travel.class_legs`).
    """

    sites: list[tuple[str, str, float, float]]
    km: np.ndarray
    minutes: np.ndarray
    class_legs: dict[tuple[int, int], Pieces] = field(default_factory=dict)


def task_travel(task_net: Network, master: Travel) -> TaskTravel:
    """The task network's travel matrix cut from the study's matrix.

    Parameters
    ----------
    task_net : Network
        One simulated day's network (the new plants as smelters).
    master : Travel
        The scenario's travel model with every simulated site as a candidate: a new
        smelter of the task network is found among its candidates.

    Returns
    -------
    TaskTravel
    """
    sites = network_sites(task_net)
    index = []
    for s in sites:
        if s.kind == "smelter" and ("smelter", s.site_id) in master._index:
            index.append(master.smelter(s.site_id))
        elif s.kind == "smelter":
            index.append(master.candidate(s.site_id))
        else:
            index.append(master.index(s.kind, s.site_id))
    cut = master.cut(index)
    return TaskTravel(
        sites=[(s.kind, s.site_id, s.lat, s.lon) for s in sites],
        km=cut.km,
        minutes=cut.minutes,
        class_legs=cut.class_legs,
    )
