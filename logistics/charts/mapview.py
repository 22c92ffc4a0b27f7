"""Where a map opens and what it draws besides the sites: geometry for :mod:`.map`.

The initial view is fitted to the bulk of the sites where the work is, in pixels: a
far outlier (a caster 400 km away) does not pull the centre into empty country, and
is shown instead by an arrow at the edge of the view. Labels are placed only where
they collide with no other label or site; a plain base (a light grid or the network's
road graph, and a scale bar) stands in for map tiles.

Projection: deck.gl's Web Mercator, whose world is ``512 · 2**zoom`` pixels wide
(``TILE_PX``; math.gl's ``TILE_SIZE``), so a longitude span ``Δλ`` (degrees) fills
``width_px`` at ``zoom = log2(width_px · 360 / (512 · Δλ))`` and a Mercator-y span
``Δy`` (radians) fills ``height_px`` at ``zoom = log2(height_px · 2π / (512 · Δy))``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from logistics.network.geo import haversine_km

#: Pixels of the whole world at zoom 0 in deck.gl's Web Mercator.
TILE_PX = 512.0
#: Metres along the equator.
EQUATOR_M = 40_075_016.686
#: Lowest and highest zoom a map opens at.
MIN_ZOOM, MAX_ZOOM = 3.0, 13.0
#: Pixels kept free around the fitted sites (labels, arrows).
PAD_PX = 48.0
#: Width of a label's character and its line height at font size 12, px.
CHAR_PX, LINE_PX = 7.4, 15.0
#: Label drawn this many pixels above its site's dot.
LABEL_OFFSET_PX = 16.0
#: Pixels around a site's dot that no other label may cover.
DOT_PX = 7.0


def mercator_y(lat: float) -> float:
    """Web-Mercator y of a latitude (degrees), in radians of the unit sphere."""
    phi = math.radians(max(min(lat, 85.0), -85.0))
    return math.log(math.tan(math.pi / 4 + phi / 2))


def latitude_of(y: float) -> float:
    """The latitude (degrees) of a Web-Mercator y (radians)."""
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


@dataclass(frozen=True)
class MapFrame:
    """A map's initial view and its size on screen.

    Attributes
    ----------
    latitude, longitude : float
        Centre, degrees.
    zoom : float
        deck.gl zoom level.
    width_px, height_px : float
        Size of the map on screen, pixels.
    """

    latitude: float
    longitude: float
    zoom: float
    width_px: float
    height_px: float

    @property
    def scale(self) -> float:
        """Pixels per radian of longitude (and of Mercator y)."""
        return TILE_PX * 2.0**self.zoom / (2 * math.pi)

    def to_px(self, lat: float, lon: float) -> tuple[float, float]:
        """Pixel position (x right, y down) of a point from the view's top-left corner."""
        x = math.radians(lon - self.longitude) * self.scale + self.width_px / 2
        y = (mercator_y(self.latitude) - mercator_y(lat)) * self.scale + self.height_px / 2
        return x, y

    def to_lonlat(self, x: float, y: float) -> tuple[float, float]:
        """``(lon, lat)`` of a pixel position from the view's top-left corner."""
        lon = self.longitude + math.degrees((x - self.width_px / 2) / self.scale)
        lat = latitude_of(mercator_y(self.latitude) - (y - self.height_px / 2) / self.scale)
        return lon, lat

    def contains(self, lat: float, lon: float, margin_px: float = 0.0) -> bool:
        """Whether a point is on screen, at least ``margin_px`` inside the edges."""
        x, y = self.to_px(lat, lon)
        return (
            margin_px <= x <= self.width_px - margin_px
            and margin_px <= y <= self.height_px - margin_px
        )

    def metres_per_px(self) -> float:
        """Ground metres per pixel at the centre."""
        return EQUATOR_M * math.cos(math.radians(self.latitude)) / (TILE_PX * 2.0**self.zoom)

    def bounds(self, grow: float = 0.0) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the view, grown by ``grow`` view sizes a side."""
        west, north = self.to_lonlat(-grow * self.width_px, -grow * self.height_px)
        east, south = self.to_lonlat((1 + grow) * self.width_px, (1 + grow) * self.height_px)
        return west, south, east, north


def bulk(points: Sequence[tuple[float, float]], spread: float = 1.0) -> list[bool]:
    """Which points belong to the bulk: not far outside the 5–95 % box of the others.

    Parameters
    ----------
    points : sequence of (lat, lon)
        Degrees.
    spread : float
        A point is an outlier when it lies more than ``spread`` times the box's own
        size (at least 30 km) outside the box of the 5 % and 95 % quantiles of
        latitude and of longitude (east-west distances at the box's latitude).

    Returns
    -------
    list of bool
        ``True`` for the points of the bulk; every point with fewer than 5 points.
    """
    if len(points) < 5:
        return [True] * len(points)
    lats = np.array([p[0] for p in points], dtype=float)
    lons = np.array([p[1] for p in points], dtype=float)
    lat_lo, lat_hi = np.quantile(lats, [0.05, 0.95])
    lon_lo, lon_hi = np.quantile(lons, [0.05, 0.95])
    km_lat = 111.2
    km_lon = 111.2 * math.cos(math.radians((lat_lo + lat_hi) / 2))
    grow_lat = max(spread * (lat_hi - lat_lo), 30.0 / km_lat)
    grow_lon = max(spread * (lon_hi - lon_lo), 30.0 / km_lon)
    inside = (
        (lats >= lat_lo - grow_lat)
        & (lats <= lat_hi + grow_lat)
        & (lons >= lon_lo - grow_lon)
        & (lons <= lon_hi + grow_lon)
    )
    return [bool(v) for v in inside]


def fit(
    points: Sequence[tuple[float, float]],
    width_px: float,
    height_px: float,
    pad_px: float = PAD_PX,
) -> MapFrame:
    """The view that shows ``points`` as large as the map allows.

    Parameters
    ----------
    points : sequence of (lat, lon)
        Degrees; none: the whole world at the lowest zoom.
    width_px, height_px : float
        The map's size on screen, pixels.
    pad_px : float
        Pixels kept free on every side.

    Returns
    -------
    MapFrame
        Centred on the points' bounding box (in Mercator y for the latitude), at the
        smaller of the zooms that fit its longitude span into the width and its
        Mercator-y span into the height (at most :data:`MAX_ZOOM`, at least
        :data:`MIN_ZOOM`).
    """
    if not points:
        return MapFrame(0.0, 0.0, MIN_ZOOM, width_px, height_px)
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    y_lo, y_hi = mercator_y(min(lats)), mercator_y(max(lats))
    lon_span = max(max(lons) - min(lons), 1e-6)
    y_span = max(y_hi - y_lo, 1e-8)
    usable_w = max(width_px - 2 * pad_px, 50.0)
    usable_h = max(height_px - 2 * pad_px, 50.0)
    zoom_x = math.log2(usable_w * 360.0 / (TILE_PX * lon_span))
    zoom_y = math.log2(usable_h * 2 * math.pi / (TILE_PX * y_span))
    zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom_x, zoom_y))
    return MapFrame(
        latitude=latitude_of((y_lo + y_hi) / 2),
        longitude=(min(lons) + max(lons)) / 2,
        zoom=round(zoom, 3),
        width_px=width_px,
        height_px=height_px,
    )


def text_box(
    frame: MapFrame, lon: float, lat: float, text: str, above_px: float = 0.0
) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)`` of a text centred ``above_px`` above a point, pixels."""
    x, y = frame.to_px(lat, lon)
    half = len(text) * CHAR_PX / 2 + 2
    cy = y - above_px
    return (x - half, cy - LINE_PX / 2, x + half, cy + LINE_PX / 2)


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    frame: MapFrame,
    sites: Sequence[tuple[float, float, str, int]],
    taken: Sequence[tuple[float, ...]] = (),
) -> list[int]:
    """Which sites get a label at the initial view: those whose label collides with nothing.

    Parameters
    ----------
    frame : MapFrame
        The initial view.
    sites : sequence of (lat, lon, text, rank)
        In order of priority (the first placed first); ``rank`` is the site's kind
        (0 the most important): a label may not cover the dot of a site of its own
        rank or a more important one.
    taken : sequence of boxes
        ``(x0, y0, x1, y1)`` pixels already used (the off-map arrows' labels).

    Returns
    -------
    list of int
        Indices of the sites labelled: on screen, their label inside the view and
        overlapping neither a label placed before it, nor a box of ``taken``, nor a
        dot it may not cover.
    """
    dots = []
    for lat, lon, _, rank in sites:
        x, y = frame.to_px(lat, lon)
        dots.append((rank, (x - DOT_PX, y - DOT_PX, x + DOT_PX, y + DOT_PX)))
    placed: list[int] = []
    boxes: list[tuple[float, ...]] = list(taken)
    for i, (lat, lon, text, rank) in enumerate(sites):
        box = text_box(frame, lon, lat, text, LABEL_OFFSET_PX)
        if box[0] < 0 or box[1] < 0 or box[2] > frame.width_px or box[3] > frame.height_px:
            continue
        if any(_overlaps(box, other) for other in boxes):
            continue
        if any(
            _overlaps(box, dot) for j, (other, dot) in enumerate(dots) if j != i and other <= rank
        ):
            continue
        placed.append(i)
        boxes.append(box)
    return placed


def _compass(frame: MapFrame, lat: float, lon: float) -> str:
    """N, NE, E … of a point as seen from the view's centre (on screen)."""
    x, y = frame.to_px(lat, lon)
    angle = math.degrees(math.atan2(frame.height_px / 2 - y, x - frame.width_px / 2))
    names = ["E", "NE", "N", "NW", "W", "SW", "S", "SE"]
    return names[round(angle / 45.0) % 8]


def _edge_point(frame: MapFrame, x: float, y: float, inset_px: float) -> tuple[float, float]:
    """Where the line from the centre to ``(x, y)`` leaves the view inset by ``inset_px``."""
    cx, cy = frame.width_px / 2, frame.height_px / 2
    dx, dy = x - cx, y - cy
    half_w, half_h = cx - inset_px, cy - inset_px
    t = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    return cx + t * dx, cy + t * dy


def off_map_arrows(
    frame: MapFrame, sites: Sequence[dict[str, Any]], inset_px: float = 14.0
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Arrows at the edge of the view pointing to the sites outside it, and their labels.

    Sites off the map in nearly the same direction (within 60 px of each other at the
    initial view) share one arrow.

    Parameters
    ----------
    frame : MapFrame
        The initial view.
    sites : sequence of dict
        Rows with ``lat``, ``lon``, ``label`` (an id) and ``name``.
    inset_px : float
        Pixels between the arrow's tip and the edge.

    Returns
    -------
    (list of dict, list of dict)
        Path rows (``path``: shaft and head, ``[lon, lat]`` points) and text rows
        (``position``, ``text`` such as ``"PRD-C48: 238 km W"``); both
        carry ``name`` and ``info`` for the tooltip.
    """
    outside = [s for s in sites if not frame.contains(s["lat"], s["lon"])]
    groups: list[list[dict[str, Any]]] = []
    for site in outside:
        x, y = frame.to_px(site["lat"], site["lon"])
        for group in groups:
            gx, gy = frame.to_px(group[0]["lat"], group[0]["lon"])
            if math.hypot(x - gx, y - gy) < 60.0:
                group.append(site)
                break
        else:
            groups.append([site])
    paths, texts = [], []
    for group in groups:
        lat = sum(s["lat"] for s in group) / len(group)
        lon = sum(s["lon"] for s in group) / len(group)
        path, text = _arrow(frame, lat, lon, group, inset_px)
        paths.append(path)
        texts.append(text)
    return paths, texts


def _arrow(
    frame: MapFrame, lat: float, lon: float, group: list[dict[str, Any]], inset_px: float
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One arrow (shaft and head) towards ``(lat, lon)`` and its label."""
    x, y = frame.to_px(lat, lon)
    tip_x, tip_y = _edge_point(frame, x, y, inset_px)
    length = math.hypot(x - frame.width_px / 2, y - frame.height_px / 2) or 1.0
    ux, uy = (x - frame.width_px / 2) / length, (y - frame.height_px / 2) / length
    tail = (tip_x - 34 * ux, tip_y - 34 * uy)
    head = []
    for turn in (-0.5, 0.5):  # radians either side of the shaft
        c, s = math.cos(math.pi + turn), math.sin(math.pi + turn)
        head.append((tip_x + 11 * (ux * c - uy * s), tip_y + 11 * (ux * s + uy * c)))
    points = [tail, (tip_x, tip_y), head[0], (tip_x, tip_y), head[1]]
    centre_lat, centre_lon = frame.latitude, frame.longitude
    km = float(haversine_km(centre_lat, centre_lon, lat, lon))
    ids = [s["label"] for s in group]
    shown = ", ".join(ids[:3]) + (f" +{len(ids) - 3}" if len(ids) > 3 else "")
    direction = _compass(frame, lat, lon)
    text = f"{shown}: {km:,.0f} km {direction}"  # ASCII: the map's font has no "·"
    half = len(text) * CHAR_PX / 2 + 6
    label_x = tail[0] - ux * (abs(ux) * half + 4)
    label_y = tail[1] - uy * (abs(uy) * LINE_PX + 4)
    label_x = min(max(label_x, half + 2), frame.width_px - half - 2)
    label_y = min(max(label_y, LINE_PX), frame.height_px - LINE_PX)
    names = "; ".join(s["name"] for s in group)
    info = f"off the map, {km:,.0f} km {direction} of its centre: zoom out to see it"
    path = {
        "name": names,
        "info": info,
        "path": [list(frame.to_lonlat(px, py)) for px, py in points],
    }
    label = {
        "name": names,
        "info": info,
        "position": list(frame.to_lonlat(label_x, label_y)),
        "text": text,
    }
    return path, label


def nice_step(span: float, target: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``target`` steps."""
    raw = span / max(target, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if factor * power >= raw:
            return factor * power
    return 10.0 * power


def grid_lines(frame: MapFrame, extent: tuple[float, float, float, float]) -> list[dict]:
    """Light meridians and parallels over ``extent`` at a round step for the view.

    Parameters
    ----------
    frame : MapFrame
        The initial view (about 8 lines across its width).
    extent : (west, south, east, north)
        Degrees covered by the grid.

    Returns
    -------
    list of dict
        Path rows (``path`` of ``[lon, lat]`` points, ``name`` and ``info``).
    """
    west, _, east, _ = frame.bounds()
    step = nice_step(max(east - west, 1e-6), 8)
    w, s, e, n = extent
    rows = []
    first_lon = math.floor(w / step) * step
    count = 0
    lon = first_lon
    while lon <= e + 1e-9 and count < 400:
        rows.append(_grid_row([[lon, s], [lon, n]], f"{abs(lon):g}°{'E' if lon >= 0 else 'W'}"))
        lon = round(lon + step, 10)
        count += 1
    lat = math.floor(s / step) * step
    while lat <= n + 1e-9 and count < 800:
        rows.append(_grid_row([[w, lat], [e, lat]], f"{abs(lat):g}°{'N' if lat >= 0 else 'S'}"))
        lat = round(lat + step, 10)
        count += 1
    return rows


def _grid_row(path: list[list[float]], name: str) -> dict[str, Any]:
    return {"path": path, "name": name, "info": "grid line"}


def scale_bar(frame: MapFrame) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A ruler of a round length near the bottom-left corner of the initial view.

    Returns
    -------
    (list of dict, dict)
        Path rows (the bar and its two end ticks, ``[lon, lat]`` points) and the text
        row of its length (``"20 km"``); drawn on the map, so it stays true when the
        map is zoomed.
    """
    metres = frame.metres_per_px()
    km = nice_step(frame.width_px * 0.18 * metres / 1000.0, 1)
    length_px = km * 1000.0 / metres
    x0, y0 = 20.0, frame.height_px - 22.0
    x1 = x0 + length_px

    def at(x: float, y: float) -> list[float]:
        return list(frame.to_lonlat(x, y))

    name = f"{km:g} km"
    info = "scale: the bar's length on the ground"
    paths = [
        {"path": [at(x0, y0), at(x1, y0)], "name": name, "info": info},
        {"path": [at(x0, y0 - 6), at(x0, y0 + 6)], "name": name, "info": info},
        {"path": [at(x1, y0 - 6), at(x1, y0 + 6)], "name": name, "info": info},
    ]
    text = {"position": at((x0 + x1) / 2, y0 - 12), "text": name, "name": name, "info": info}
    return paths, text


def road_paths(graph: Any, limit: int = 60_000) -> list[dict[str, Any]]:
    """The road graph's edges as paths (each undirected pair once), at most ``limit``.

    Parameters
    ----------
    graph : networkx graph
        Nodes with ``x`` (longitude) and ``y`` (latitude), degrees, as OSMnx writes
        them.
    limit : int
        Most edges drawn.

    Returns
    -------
    list of dict
        Path rows (``path``: the two ends, ``[lon, lat]``; ``name`` and ``info``).
    """
    seen: set[frozenset] = set()
    rows = []
    for u, v, *_ in graph.edges:
        pair = frozenset((u, v))
        if pair in seen or len(pair) < 2:
            continue
        seen.add(pair)
        a, b = graph.nodes[u], graph.nodes[v]
        try:
            path = [[float(a["x"]), float(a["y"])], [float(b["x"]), float(b["y"])]]
        except (KeyError, TypeError, ValueError):
            continue
        rows.append({"path": path, "name": "road", "info": "the network's road graph"})
        if len(rows) >= limit:
            break
    return rows
