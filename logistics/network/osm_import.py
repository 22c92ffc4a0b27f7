"""``molten roads import``: a network's ``roads.graphml`` from an OpenStreetMap extract.

The extract (a ``.osm.pbf`` as Geofabrik serves it per province, or any file osmium
reads) is streamed once with pyosmium, node locations kept in its index; only the ways
of a drivable class (:mod:`logistics.network.osm_tags`) open to heavy vehicles reach
Python. A road segment is kept when either end lies in the network's area: the bounding
box of its smelters, casters and candidate sites, widened by a margin (km).

The graph is simplified as osmnx simplifies: its nodes are the junctions and the ends
of the roads, each edge the stretch of one way between two of them, driven one or both
ways (``oneway``). Edges carry ``length`` (m), ``highway``, ``speed_kph`` (tagged
limit or class default, capped for hot metal: ``[roads]`` of ``network.toml``),
``speed_source``, ``osmid``, ``oneway`` and, where tagged, ``maxspeed``; nodes carry
``x`` (lon) and ``y`` (lat). Only the largest strongly connected part is kept, so every
node reaches every other. Each site then snaps to the nearest OSM node of that part —
a node inside a stretch becomes a node of the graph, the stretch split there — which
is also the nearest node of the graph the travel model
(:mod:`logistics.physics.travel`) snaps it to; the snapped nodes carry the sites in a
``sites`` attribute (``caster:C1=38.2`` — kind, id and snap distance in metres). A site
farther than the maximum snap distance from every node is an input error naming it.
The file is written beside its target and renamed into place: never half-written.
"""

from __future__ import annotations

import itertools
import math
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from logistics.errors import InputError, InputProblem
from logistics.network.geo import haversine_km
from logistics.network.loader import SiteRow, load_sites
from logistics.network.osm_tags import (
    DRIVABLE,
    classes_down_to,
    closed_to_trucks,
    direction,
    road_speed_kph,
)

#: The file written into the network folder.
ROADS_FILE = "roads.graphml"
#: Default margin around the sites' bounding box, km: a detour of a ladle truck leaves
#: the box by less (sites 30–50 km apart, the longest deliveries 120–160 km).
DEFAULT_MARGIN_KM = 20.0
#: Default largest distance from a site to its road node, km: a plant's gate road is
#: rarely mapped farther than a few hundred metres from the plant's coordinates.
DEFAULT_MAX_SNAP_KM = 5.0
#: km per degree of latitude (mean Earth radius).
KM_PER_DEGREE = 111.195


@dataclass(frozen=True)
class Area:
    """A latitude/longitude box, degrees."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Element-wise: whether each point lies in the box."""
        return (
            (lats >= self.south) & (lats <= self.north) & (lons >= self.west) & (lons <= self.east)
        )

    def holds_all(self, lats: list[float], lons: list[float]) -> bool:
        """Whether every point lies in the box (False for an empty list)."""
        return (
            bool(lats)
            and (self.south <= min(lats) and max(lats) <= self.north)
            and (self.west <= min(lons) and max(lons) <= self.east)
        )

    def text(self) -> str:
        """``south,west,north,east`` with 5 decimals (about 1 m)."""
        return f"{self.south:.5f},{self.west:.5f},{self.north:.5f},{self.east:.5f}"


def network_area(sites: list[SiteRow], margin_km: float) -> Area:
    """The sites' bounding box widened by ``margin_km`` on every side.

    Parameters
    ----------
    sites : list[SiteRow]
        At least one site.
    margin_km : float
        Margin, km (≥ 0).

    Returns
    -------
    Area
        The box, degrees; longitudes widened at the latitude farthest from the equator.
    """
    lats = [s.lat for s in sites]
    lons = [s.lon for s in sites]
    dlat = margin_km / KM_PER_DEGREE
    widest = min(89.0, max(abs(min(lats)), abs(max(lats))) + dlat)
    dlon = min(180.0, margin_km / (KM_PER_DEGREE * math.cos(math.radians(widest))))
    return Area(
        max(-90.0, min(lats) - dlat),
        max(-180.0, min(lons) - dlon),
        min(90.0, max(lats) + dlat),
        min(180.0, max(lons) + dlon),
    )


@dataclass
class _Ways:
    """The kept stretches of road ("pieces": runs of a way inside the area) and counts."""

    refs: list[np.ndarray] = field(default_factory=list)
    lons: list[np.ndarray] = field(default_factory=list)
    lats: list[np.ndarray] = field(default_factory=list)
    attrs: list[int] = field(default_factory=list)  # index into ``way_attrs``, per piece
    way_attrs: list[dict[str, Any]] = field(default_factory=list)
    directions: list[int] = field(default_factory=list)  # per entry of way_attrs
    read: int = 0
    closed: int = 0
    in_area: int = 0


def _runs(valid: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` of every run of True in a boolean array."""
    padded = np.concatenate(([False], valid, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _add_way(ways: _Ways, area: Area, way: Any, tags: dict[str, str], caps: tuple) -> None:
    """Clip one drivable way to the area and keep its pieces (with its attributes)."""
    refs, lons, lats = [], [], []
    missing = False
    for node in way.nodes:
        location = node.location
        if location.valid():
            refs.append(node.ref)
            lons.append(location.lon)
            lats.append(location.lat)
        else:  # a node the extract lacks: mark a break
            missing = True
            refs.append(-1)
            lons.append(math.nan)
            lats.append(math.nan)
    ref_a, lon_a, lat_a = np.array(refs, np.int64), np.array(lons), np.array(lats)
    if not missing and area.holds_all(lats, lons):  # the common case, without numpy's cost
        runs = [(0, len(refs) - 1)] if len(refs) > 1 else []
    else:
        inside = area.contains(lat_a, lon_a)
        segment = (inside[:-1] | inside[1:]) & (ref_a[:-1] >= 0) & (ref_a[1:] >= 0)
        runs = _runs(segment)
    if not runs:
        return
    ways.in_area += 1
    speed, source = road_speed_kph(tags, *caps)
    attrs: dict[str, Any] = {
        "osmid": int(way.id),
        "highway": tags["highway"],
        "speed_kph": round(speed, 2),
        "speed_source": source,
    }
    if tags.get("maxspeed"):
        attrs["maxspeed"] = tags["maxspeed"]
    ways.way_attrs.append(attrs)
    ways.directions.append(direction(tags))
    for start, end in runs:  # segments start..end-1 are nodes start..end
        ways.refs.append(ref_a[start : end + 1])
        ways.lons.append(lon_a[start : end + 1])
        ways.lats.append(lat_a[start : end + 1])
        ways.attrs.append(len(ways.way_attrs) - 1)


def read_ways(
    extract: Path, area: Area, caps: tuple[float, float], classes: tuple[str, ...] = DRIVABLE
) -> _Ways:
    """Stream an OSM extract and keep the drivable roads in ``area``.

    Parameters
    ----------
    extract : Path
        A file osmium reads (``.osm.pbf``, ``.osm``, ``.osm.bz2`` …).
    area : Area
        The network's area.
    caps : tuple[float, float]
        ``[roads] max_kph_expressway`` and ``max_kph_other``, km/h.
    classes : tuple[str, ...]
        The road classes kept (default every drivable class).

    Returns
    -------
    _Ways
        The pieces of road and the counts of ways read, closed and in the area.

    Raises
    ------
    InputError
        The file cannot be read as OSM data.
    """
    import osmium

    processor = (
        osmium.FileProcessor(str(extract), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.TagFilter(*(("highway", h) for h in classes)))
    )
    ways = _Ways()
    try:
        for way in processor:
            ways.read += 1
            tags = {tag.k: tag.v for tag in way.tags}
            if closed_to_trucks(tags):
                ways.closed += 1
                continue
            _add_way(ways, area, way, tags, caps)
    except RuntimeError as exc:  # osmium's word for an unreadable or truncated file
        raise InputError(
            InputProblem(extract.name, None, None, f"not a readable OSM extract: {exc}")
        ) from None
    return ways


@dataclass
class _Chains:
    """Every stretch of a piece between two junctions, on the pieces laid end to end."""

    refs: np.ndarray  # OSM node id at every position
    lons: np.ndarray
    lats: np.ndarray
    cum_m: np.ndarray  # metres from the start of the position's piece
    start: np.ndarray  # first position of each chain
    end: np.ndarray  # last position of each chain
    attr: np.ndarray  # way_attrs index of each chain
    chain_at: np.ndarray  # chain of an interior position, -1 at junctions
    junction: np.ndarray  # whether a position is a graph node


def _junctions(refs: np.ndarray, piece_start: np.ndarray, piece_end: np.ndarray) -> np.ndarray:
    """Positions that become graph nodes: shared nodes, piece ends, middles of rings."""
    _, inverse, counts = np.unique(refs, return_inverse=True, return_counts=True)
    junction = counts[inverse] > 1
    junction[piece_start] = True
    junction[piece_end] = True
    ring = refs[piece_start] == refs[piece_end]
    junction[(piece_start[ring] + piece_end[ring]) // 2] = True
    return junction


def chain_ways(ways: _Ways) -> _Chains:
    """Cut the pieces at their junctions (vectorised over all pieces)."""
    sizes = np.array([len(r) for r in ways.refs], dtype=np.int64)
    piece_end = np.cumsum(sizes) - 1
    piece_start = piece_end - sizes + 1
    refs = np.concatenate(ways.refs)
    lons, lats = np.concatenate(ways.lons), np.concatenate(ways.lats)
    piece_of = np.repeat(np.arange(len(sizes)), sizes)
    seg_m = haversine_km(lats[:-1], lons[:-1], lats[1:], lons[1:]) * 1000.0
    seg_m[piece_of[:-1] != piece_of[1:]] = 0.0
    cum = np.concatenate(([0.0], np.cumsum(seg_m)))
    cum_m = cum - cum[piece_start][piece_of]
    junction = _junctions(refs, piece_start, piece_end)
    nodes = np.flatnonzero(junction)
    same_piece = piece_of[nodes[:-1]] == piece_of[nodes[1:]]
    start, end = nodes[:-1][same_piece], nodes[1:][same_piece]
    chain_at = np.full(len(refs), -1, dtype=np.int64)
    inner = end - start - 1
    chain_at[np.repeat(start, inner) + _ramp(inner) + 1] = np.repeat(np.arange(len(start)), inner)
    attr = np.asarray(ways.attrs, dtype=np.int64)[piece_of[start]]
    return _Chains(refs, lons, lats, cum_m, start, end, attr, chain_at, junction)


def _ramp(counts: np.ndarray) -> np.ndarray:
    """``0..n-1`` for each ``n`` of ``counts``, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - offsets


def _add_stretch(graph: Any, chains: _Chains, ways: _Ways, c: int, a: int, b: int) -> None:
    """Edges of chain ``c`` between positions ``a`` and ``b`` (its direction), with nodes."""
    u, v = int(chains.refs[a]), int(chains.refs[b])
    if u == v:
        return  # a loop never shortens a path
    for node, at in ((u, a), (v, b)):
        if node not in graph:
            graph.add_node(node, x=float(chains.lons[at]), y=float(chains.lats[at]))
    attr = int(chains.attr[c])
    data = dict(ways.way_attrs[attr])
    data["length"] = round(float(chains.cum_m[b] - chains.cum_m[a]), 2)
    way_direction = ways.directions[attr]
    data["oneway"] = way_direction != 0
    if way_direction >= 0:
        graph.add_edge(u, v, **data)
    if way_direction <= 0:
        graph.add_edge(v, u, **data)


def build_graph(ways: _Ways, chains: _Chains) -> Any:
    """The simplified directed road graph (a ``networkx.MultiDiGraph``)."""
    import networkx as nx

    graph: Any = nx.MultiDiGraph()
    for c, (a, b) in enumerate(zip(chains.start.tolist(), chains.end.tolist(), strict=True)):
        _add_stretch(graph, chains, ways, c, a, b)
    return graph


def keep_largest_strong_part(graph: Any) -> int:
    """Remove every node outside the largest strongly connected part; nodes removed."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return 0
    largest = max(nx.strongly_connected_components(graph), key=len)
    outside = [n for n in graph.nodes if n not in largest]
    graph.remove_nodes_from(outside)
    return len(outside)


@dataclass(frozen=True)
class Snap:
    """Where a site joins the road graph.

    Attributes
    ----------
    site : SiteRow
        The site, with its file and row.
    node : int
        The OSM node id it snapped to (a node of the graph).
    distance_m : float
        Geodesic metres from the site to that node (WGS-84).
    """

    site: SiteRow
    node: int
    distance_m: float


def _eligible_positions(graph: Any, chains: _Chains) -> np.ndarray:
    """Positions a site may snap to: graph nodes and the inside of the graph's stretches."""
    nodes = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
    in_graph = np.isin(chains.refs, nodes)
    eligible = chains.junction & in_graph
    interior = np.flatnonzero(chains.chain_at >= 0)
    c = chains.chain_at[interior]
    first, last = chains.start[c], chains.end[c]
    kept = in_graph[first] & in_graph[last] & (chains.refs[first] != chains.refs[last])
    eligible[interior] = kept
    return np.flatnonzero(eligible)


def _nearest(chains: _Chains, eligible: np.ndarray, site: SiteRow, max_km: float) -> int | None:
    """The eligible position nearest to a site (haversine), or None beyond ``max_km``."""
    dlat = max_km / KM_PER_DEGREE
    dlon = max_km / (KM_PER_DEGREE * max(0.01, math.cos(math.radians(min(89.0, abs(site.lat))))))
    lats, lons = chains.lats[eligible], chains.lons[eligible]
    near = eligible[(np.abs(lats - site.lat) <= dlat) & (np.abs(lons - site.lon) <= dlon)]
    if near.size == 0:
        return None
    km = haversine_km(site.lat, site.lon, chains.lats[near], chains.lons[near])
    best = int(np.argmin(km))
    return int(near[best]) if km[best] <= max_km else None


def _split(graph: Any, chains: _Chains, ways: _Ways, c: int, cuts: list[int]) -> None:
    """Replace chain ``c``'s edges by its stretches between ``cuts`` (inner positions)."""
    a, b = int(chains.start[c]), int(chains.end[c])
    u, v = int(chains.refs[a]), int(chains.refs[b])
    osmid = ways.way_attrs[int(chains.attr[c])]["osmid"]
    length = round(float(chains.cum_m[b] - chains.cum_m[a]), 2)
    for s, t in ((u, v), (v, u)):
        for key, data in list(graph.get_edge_data(s, t, default={}).items()):
            if data["osmid"] == osmid and data["length"] == length:
                graph.remove_edge(s, t, key)
    points = [a, *sorted(set(cuts)), b]
    for p, q in itertools.pairwise(points):
        _add_stretch(graph, chains, ways, c, p, q)


def snap_sites(
    graph: Any, chains: _Chains, ways: _Ways, sites: list[SiteRow], max_snap_km: float
) -> list[Snap]:
    """Snap every site to its nearest road node, splitting stretches where needed.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The strongly connected road graph; changed in place (split stretches, and a
        ``sites`` attribute on each snapped node).
    chains, ways : the graph's stretches and pieces.
    sites : list[SiteRow]
        The network's sites.
    max_snap_km : float
        Largest allowed distance from a site to its node, km.

    Returns
    -------
    list[Snap]
        One per site, in the order given.

    Raises
    ------
    InputError
        Every site farther than ``max_snap_km`` from the graph, each naming its file,
        row and id.
    """
    from geopy.distance import geodesic

    eligible = _eligible_positions(graph, chains)
    problems: list[InputProblem] = []
    positions: list[int] = []
    for site in sites:
        position = _nearest(chains, eligible, site, max_snap_km)
        if position is None:
            problems.append(_too_far(site, max_snap_km))
        else:
            positions.append(position)
    if problems:
        raise InputError(problems)
    cuts: dict[int, list[int]] = {}
    for position in positions:
        c = int(chains.chain_at[position])
        if c >= 0:
            cuts.setdefault(c, []).append(position)
    for c, inner in cuts.items():
        _split(graph, chains, ways, c, inner)
    snaps = []
    for site, position in zip(sites, positions, strict=True):
        node = int(chains.refs[position])
        where = (float(chains.lats[position]), float(chains.lons[position]))
        snaps.append(Snap(site, node, float(geodesic((site.lat, site.lon), where).m)))
    for snap in snaps:
        label = f"{snap.site.kind}:{snap.site.site_id}={snap.distance_m:.1f}"
        old = graph.nodes[snap.node].get("sites")
        graph.nodes[snap.node]["sites"] = f"{old};{label}" if old else label
    return snaps


def _too_far(site: SiteRow, max_snap_km: float) -> InputProblem:
    """The problem of a site with no road node within ``max_snap_km``."""
    return InputProblem(
        site.file,
        site.row,
        None,
        f"{site.kind} {site.site_id} at {site.lat:.5f}, {site.lon:.5f} has no road node of "
        f"the imported graph within {max_snap_km:g} km (--max-snap-km): check its lat/lon, "
        "or that the extract covers it",
    )


def write_graphml(graph: Any, target: Path) -> int:
    """Write the graph to ``target`` whole: a file beside it, renamed into place.

    Returns
    -------
    int
        Bytes written.
    """
    import networkx as nx

    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        nx.write_graphml(graph, temp)
        temp.chmod(0o644)
        size = temp.stat().st_size
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return size


@dataclass(frozen=True)
class RoadImport:
    """What ``molten roads import`` built (counts are of the final graph unless named).

    Attributes
    ----------
    path : Path
        The ``roads.graphml`` written.
    area : Area
        The network's area the roads were clipped to.
    ways_read, ways_closed, ways_in_area : int
        Ways of a drivable class in the extract; of them closed to heavy vehicles (or to
        dangerous goods); of the others, those with a segment in the area.
    nodes, edges : int
        Nodes and directed edges of the graph written.
    nodes_dropped : int
        Nodes outside its largest strongly connected part, left out.
    road_km : float
        Length of all its directed edges, km (a two-way road counts twice).
    snaps : list[Snap]
        Where each site joins it.
    seconds : float
        Time the import took.
    file_bytes : int
        Size of the file written.
    """

    path: Path
    area: Area
    ways_read: int
    ways_closed: int
    ways_in_area: int
    nodes: int
    edges: int
    nodes_dropped: int
    road_km: float
    snaps: list[Snap]
    seconds: float
    file_bytes: int


def _graph_from(
    extract: Path, sites: list[SiteRow], area: Area, caps: tuple, classes: tuple[str, ...]
) -> tuple:
    """Read, chain, build and keep the largest strong part: ``(graph, chains, ways, dropped)``."""
    ways = read_ways(extract, area, caps, classes)
    if not ways.refs:
        raise InputError(
            InputProblem(
                extract.name,
                None,
                None,
                f"no drivable road in the network's area ({area.text()}: the box of its "
                f"{len(sites)} sites and the margin); is it the extract of the right region?",
            )
        )
    chains = chain_ways(ways)
    graph = build_graph(ways, chains)
    dropped = keep_largest_strong_part(graph)
    return graph, chains, ways, dropped


def import_roads(
    extract: Path | str,
    network_dir: Path | str,
    *,
    margin_km: float = DEFAULT_MARGIN_KM,
    max_snap_km: float = DEFAULT_MAX_SNAP_KM,
    min_class: str = "residential",
) -> RoadImport:
    """Build ``NETWORK_DIR/roads.graphml`` from an OpenStreetMap extract.

    Parameters
    ----------
    extract : Path or str
        The OSM extract (``.osm.pbf``).
    network_dir : Path or str
        The network folder: ``network.toml`` (the ``[roads]`` speed caps), the sites of
        ``smelters.csv``, ``casters.csv`` and ``candidates.csv`` (if there).
    margin_km : float
        Margin around the sites' bounding box, km (≥ 0; default 20).
    max_snap_km : float
        Largest allowed distance from a site to its road node, km (> 0; default 5).
    min_class : str
        The lowest road class kept (:data:`~logistics.network.osm_tags.MAIN_CLASSES`;
        default ``residential``, every drivable class). A higher one (``tertiary``)
        makes a much smaller graph of a large region, its sites snapped farther.

    Returns
    -------
    RoadImport
        Counts, snap distances and timing.

    Raises
    ------
    InputError
        A missing or unreadable extract, a bad network folder, no road in the area, or
        a site too far from the roads; nothing is written then.
    ValueError
        A negative margin, a snap distance that is not positive or an unknown class.
    """
    started = time.monotonic()
    if margin_km < 0 or not max_snap_km > 0:
        raise ValueError("margin_km must be >= 0 and max_snap_km > 0")
    classes = classes_down_to(min_class)
    extract, folder = Path(extract), Path(network_dir)
    if not extract.is_file():
        raise InputError(InputProblem(str(extract), None, None, "OSM extract not found"))
    settings, sites = load_sites(folder)
    roads = settings.params.roads
    area = network_area(sites, margin_km)
    caps = (roads.max_kph_expressway, roads.max_kph_other)
    graph, chains, ways, dropped = _graph_from(extract, sites, area, caps, classes)
    snaps = snap_sites(graph, chains, ways, sites, max_snap_km)
    graph.graph.update(
        source=extract.name,
        area=area.text(),
        margin_km=float(margin_km),
        min_class=min_class,
        max_kph_expressway=float(roads.max_kph_expressway),
        max_kph_other=float(roads.max_kph_other),
        created_by="molten roads import",
        copyright="© OpenStreetMap contributors, ODbL 1.0",
    )
    target = folder / ROADS_FILE
    size = write_graphml(graph, target)
    road_m = sum(length for _, _, length in graph.edges(data="length"))
    return RoadImport(
        target,
        area,
        ways.read,
        ways.closed,
        ways.in_area,
        graph.number_of_nodes(),
        graph.number_of_edges(),
        dropped,
        road_m / 1000.0,
        snaps,
        time.monotonic() - started,
        size,
    )
