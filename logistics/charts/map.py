"""A pydeck map of smelters, casters and the plan's routes, coloured by truck.

The map opens on the sites where the work is, fitted in pixels to the map's size
(:mod:`.mapview`); sites far outside are shown by arrows at the edge. Without map
tiles (the default) it draws a plain base that needs no internet: the network's road
graph or a light grid, and a scale bar; it then asks no server for a map style.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Collection, Sequence
from typing import Any

import pydeck as pdk

from logistics.charts import mapview
from logistics.charts.style import CANDIDATE_RGB, CASTER_RGB, SMELTER_RGB, hhmm, truck_rgb
from logistics.network.model import Candidate, Caster, Network, Smelter
from logistics.plan.model import Run
from logistics.plan.timeline import trips_of

#: Tooltip of every layer: each row carries ``name`` and ``info``.
TOOLTIP = {
    "html": "<b>{name}</b><br/>{info}",
    "style": {"backgroundColor": "#1f2937", "color": "white", "fontSize": "12px"},
}
#: Default size of the map on screen, pixels (the Plan page's map at a 1280 px wide
#: window with the sidebar open is about 820 × 520).
WIDTH_PX, HEIGHT_PX = 820, 520
#: Background of the plain map.
PLAIN_RGB = "#f3f5f8"


def _plain_style() -> str:
    """A map style with a background colour only, as a ``data:`` URL (nothing to fetch).

    Given no style at all, Streamlit's map asks Carto's server for one; this style
    keeps the map's own zoom buttons and background and makes no request.
    """
    style = {
        "version": 8,
        "name": "plain",
        "sources": {},
        "layers": [
            {"id": "background", "type": "background", "paint": {"background-color": PLAIN_RGB}}
        ],
    }
    encoded = base64.b64encode(json.dumps(style, separators=(",", ":")).encode()).decode()
    return f"data:application/json;base64,{encoded}"


#: The plain map style (see :func:`_plain_style`).
PLAIN_STYLE = _plain_style()


def route_rows(network: Network, runs: Sequence[Run]) -> list[dict]:
    """One row per trip: its path smelter → casters (pour order) and what it carries."""
    tz = network.tz
    trucks = [t.truck_id for t in network.fleet]
    rows = []
    for truck_id, trips in sorted(trips_of(runs).items()):
        colour = truck_rgb(trucks.index(truck_id) if truck_id in trucks else len(trucks))
        for trip in trips:
            number = trip[0].trip
            smelter = network.smelter_by_id.get(trip[0].smelter_id)
            if smelter is None:
                continue
            path = [[smelter.lon, smelter.lat]]
            stops: list[str] = []
            for r in trip:
                caster = network.caster_by_id.get(r.caster_id)
                if caster is None:
                    continue
                if not stops or stops[-1] != r.caster_id:
                    path.append([caster.lon, caster.lat])
                    stops.append(r.caster_id)
            tonnes = sum(r.tonnes for r in trip)
            first = min(r.fill_start for r in trip)
            last = max(r.pour_end for r in trip)
            rows.append(
                {
                    "name": f"{truck_id} trip {number}",
                    "info": (
                        f"{smelter.smelter_id} → {' → '.join(stops)} · {tonnes:,.1f} t · "
                        f"{hhmm(first, tz)}–{hhmm(last, tz)} · "
                        f"{len(trip)} ladle{'s' if len(trip) != 1 else ''}"
                    ),
                    "truck_id": truck_id,
                    "trip": number,
                    "path": path,
                    "color": [*colour, 220],
                }
            )
    return rows


def _smelter_rows(network: Network) -> list[dict[str, Any]]:
    """One row per smelter: name, what it makes (t/h), position and label."""
    made: dict[str, list[str]] = {}
    for p in network.production:
        made.setdefault(p.smelter_id, []).append(f"{p.alloy} {p.rate_tph:,.1f} t/h")
    return [
        {
            "name": f"{s.smelter_id} {s.name}",
            "info": f"smelter · {', '.join(made.get(s.smelter_id, [])) or 'no production'}",
            "lat": s.lat,
            "lon": s.lon,
            "label": s.smelter_id,
        }
        for s in network.smelters
    ]


def _ordered(network: Network) -> dict[str, float]:
    """Tonnes ordered on the plan day per caster."""
    ordered: dict[str, float] = {}
    for o in network.day_orders:
        ordered[o.caster_id] = ordered.get(o.caster_id, 0.0) + o.tonnes
    return ordered


def _caster_rows(network: Network) -> list[dict[str, Any]]:
    """One row per caster: name, minimum pour (°C), tonnes ordered, position and label."""
    ordered = _ordered(network)
    return [
        {
            "name": f"{c.caster_id} {c.name}",
            "info": (
                f"caster · takes {', '.join(c.alloys) or 'any alloy'} · "
                f"min pour {c.min_pour_c:,.0f} °C · "
                f"ordered {ordered.get(c.caster_id, 0.0):,.1f} t"
            ),
            "lat": c.lat,
            "lon": c.lon,
            "label": c.caster_id,
            "ordered_t": ordered.get(c.caster_id, 0.0),
        }
        for c in network.casters
    ]


def _candidate_rows(
    candidates: Sequence[Candidate], chosen: Collection[str]
) -> list[dict[str, Any]]:
    """One row per candidate site: rate (t/h), capex (M CNY), filled green when chosen."""
    return [
        {
            "name": f"{k.site_id} {k.name}",
            "info": (
                f"candidate · {k.rate_tph:,.1f} t/h · capex {k.capex_cny / 1e6:,.0f} M CNY"
                + (" · in the study" if k.site_id in chosen else "")
            ),
            "lat": k.lat,
            "lon": k.lon,
            "label": k.site_id,
            "fill": [22, 163, 74, 220] if k.site_id in chosen else [255, 255, 255, 0],
        }
        for k in candidates
    ]


def _risky_rows(network: Network, risky_runs: Sequence[Run]) -> list[dict[str, Any]]:
    """One row per caster where a flagged ladle pours: its runs and cold probabilities."""
    by_caster: dict[str, list[Run]] = {}
    for run in risky_runs:
        if run.caster_id in network.caster_by_id:
            by_caster.setdefault(run.caster_id, []).append(run)
    rows = []
    for caster_id, runs in by_caster.items():
        caster = network.caster_by_id[caster_id]
        listed = ", ".join(
            f"{r.run_id} ({r.truck_id}) {100 * (r.cold_probability or 0.0):.1f} %" for r in runs
        )
        rows.append(
            {
                "name": f"{caster_id} {caster.name}: cold risk above target",
                "info": f"{len(runs)} ladle(s) likely to arrive below {caster.min_pour_c:,.0f} °C: "
                + listed,
                "lat": caster.lat,
                "lon": caster.lon,
            }
        )
    return rows


def _risky_layer(rows: list[dict[str, Any]]) -> pdk.Layer:
    """Amber rings around the casters where a ladle's cold risk is above target."""
    return pdk.Layer(
        "ScatterplotLayer",
        id="risky",
        data=rows,
        get_position=["lon", "lat"],
        get_fill_color=[245, 158, 11, 60],
        get_line_color=[217, 119, 6, 255],
        stroked=True,
        filled=True,
        line_width_min_pixels=3,
        get_radius=3000,
        radius_min_pixels=12,
        radius_max_pixels=24,
        pickable=True,
    )


def _add_risky(layers: list[pdk.Layer], network: Network, risky_runs: Sequence[Run]) -> None:
    """Put the ``risky`` rings just above the casters (below smelters and labels)."""
    if risky_runs:
        layers.insert(len(layers) - 4, _risky_layer(_risky_rows(network, risky_runs)))


def _fade_others(routes: list[dict[str, Any]], highlight_trucks: Collection[str]) -> None:
    """Fade the routes of the trucks not highlighted (none highlighted: all stay)."""
    if highlight_trucks:
        for row in routes:
            if row["truck_id"] not in highlight_trucks:
                row["color"] = [*row["color"][:3], 50]


def _route_layer(routes: list[dict[str, Any]]) -> pdk.Layer:
    """One path per trip, in its truck's colour, at least 2.5 px wide."""
    return pdk.Layer(
        "PathLayer",
        id="routes",
        data=routes,
        get_path="path",
        get_color="color",
        get_width=350,
        width_min_pixels=2.5,
        width_max_pixels=6,
        joint_rounded=True,
        cap_rounded=True,
        pickable=True,
        auto_highlight=True,
    )


def _site_layer(
    layer_id: str,
    rows: list[dict[str, Any]],
    rgba: list[int],
    radius_m: int,
    radius_px: tuple[int, int],
) -> pdk.Layer:
    """Dots of one kind of site, white-edged, ``radius_m`` metres within ``radius_px``."""
    return pdk.Layer(
        "ScatterplotLayer",
        id=layer_id,
        data=rows,
        get_position=["lon", "lat"],
        get_fill_color=rgba,
        get_line_color=[255, 255, 255],
        stroked=True,
        line_width_min_pixels=1,
        get_radius=radius_m,
        radius_min_pixels=radius_px[0],
        radius_max_pixels=radius_px[1],
        pickable=True,
    )


def _text_layer(
    layer_id: str, rows: list[dict[str, Any]], offset_px: float, size: int
) -> pdk.Layer:
    """Text on a white background, ``offset_px`` above its position."""
    return pdk.Layer(
        "TextLayer",
        id=layer_id,
        data=rows,
        get_position="position",
        get_text="text",
        get_size=size,
        get_color=[17, 24, 39],
        get_pixel_offset=[0, -offset_px],
        background=True,
        get_background_color=[255, 255, 255, 215],
        background_padding=[3, 1],
        pickable=True,
    )


def _candidate_layer(sites: list[dict[str, Any]]) -> pdk.Layer:
    """Candidate sites as rings (filled when chosen)."""
    return pdk.Layer(
        "ScatterplotLayer",
        id="candidates",
        data=sites,
        get_position=["lon", "lat"],
        get_fill_color="fill",
        get_line_color=[*CANDIDATE_RGB, 255],
        stroked=True,
        filled=True,
        line_width_min_pixels=2,
        get_radius=2000,
        radius_min_pixels=7,
        radius_max_pixels=14,
        pickable=True,
    )


def _line_layer(layer_id: str, rows: list[dict[str, Any]], rgba: list[int], px: float) -> pdk.Layer:
    """Thin lines of constant pixel width (grid, roads, scale bar, arrows)."""
    return pdk.Layer(
        "PathLayer",
        id=layer_id,
        data=rows,
        get_path="path",
        get_color=rgba,
        get_width=1,
        width_units=pdk.types.String("pixels"),
        width_min_pixels=px,
        pickable=layer_id == "off_map",
    )


def focus_points(
    network: Network, runs: Sequence[Run], candidates: Sequence[Candidate]
) -> list[tuple[float, float]]:
    """``(lat, lon)`` of the sites where the work is: the view is fitted to their bulk.

    The smelters and casters of the plan's runs; without runs, the smelters, the
    casters with orders on the plan day and the candidate sites (all casters when
    none has orders).
    """
    if runs:
        smelter_ids = {r.smelter_id for r in runs}
        caster_ids = {r.caster_id for r in runs}
        return [(s.lat, s.lon) for s in network.smelters if s.smelter_id in smelter_ids] + [
            (c.lat, c.lon) for c in network.casters if c.caster_id in caster_ids
        ]
    ordered = _ordered(network)
    casters = [c for c in network.casters if c.caster_id in ordered] or list(network.casters)
    return (
        [(s.lat, s.lon) for s in network.smelters]
        + [(c.lat, c.lon) for c in casters]
        + [(k.lat, k.lon) for k in candidates]
    )


def initial_frame(
    network: Network,
    runs: Sequence[Run] = (),
    candidates: Sequence[Candidate] = (),
    width_px: float = WIDTH_PX,
    height_px: float = HEIGHT_PX,
) -> mapview.MapFrame:
    """The view a map opens at: fitted to the bulk of :func:`focus_points`."""
    points = focus_points(network, runs, candidates)
    inliers = [p for p, keep in zip(points, mapview.bulk(points), strict=True) if keep]
    return mapview.fit(inliers, width_px, height_px)


def _labels(
    frame: mapview.MapFrame, rows: list[dict[str, Any]], taken: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Label rows of the sites whose label collides with nothing (``rows`` by priority).

    ``taken`` are text rows already on the map (the off-map arrows' labels).
    """
    boxes = []
    for t in taken:
        lon, lat = t["position"]
        boxes.append(mapview.text_box(frame, lon, lat, t["text"]))
    placed = mapview.place_labels(
        frame, [(r["lat"], r["lon"], r["label"], r["rank"]) for r in rows], boxes
    )
    return [
        {
            "position": [rows[i]["lon"], rows[i]["lat"]],
            "text": rows[i]["label"],
            "name": rows[i]["name"],
            "info": rows[i]["info"],
        }
        for i in placed
    ]


def _base_layers(network: Network, frame: mapview.MapFrame, basemap: bool) -> list[pdk.Layer]:
    """Without tiles: the road graph or a light grid; always a scale bar."""
    layers = []
    if not basemap:
        if network.road_graph is not None:
            roads = mapview.road_paths(network.road_graph)
            layers.append(_line_layer("roads", roads, [148, 163, 184, 200], 1))
        else:
            west, south, east, north = frame.bounds(grow=1.0)
            sites: list[Smelter | Caster | Candidate] = [
                *network.smelters,
                *network.casters,
                *network.candidates,
            ]
            extent = (
                min([west, *(s.lon for s in sites)]),
                min([south, *(s.lat for s in sites)]),
                max([east, *(s.lon for s in sites)]),
                max([north, *(s.lat for s in sites)]),
            )
            layers.append(
                _line_layer("grid", mapview.grid_lines(frame, extent), [203, 213, 225, 255], 1)
            )
    bar, text = mapview.scale_bar(frame)
    layers.append(_line_layer("scale", bar, [55, 65, 81, 255], 2))
    layers.append(_text_layer("scale_label", [text], 0, 11))
    return layers


def network_map(
    network: Network,
    runs: Sequence[Run] = (),
    *,
    basemap: bool = False,
    highlight_trucks: Collection[str] = (),
    candidates: Sequence[Candidate] = (),
    chosen_candidates: Collection[str] = (),
    width_px: float = WIDTH_PX,
    height: int = HEIGHT_PX,
    risky_runs: Sequence[Run] = (),
) -> pdk.Deck:
    """Smelters, casters and one route path per trip, on a view fitted to the work.

    Parameters
    ----------
    network : Network
        Sites (and the road graph, if any, for the plain base).
    runs : sequence of Run
        The plan's runs (none: the sites only).
    basemap : bool
        ``False`` (default): no map tiles; a plain background with the road graph or a
        light grid, and no request to any server (works offline and where tiles are
        blocked). ``True``: Carto's light basemap.
    highlight_trucks : collection of str
        Trucks drawn in full colour, the others faded (none: all alike).
    candidates : sequence of Candidate
        Candidate sites of a siting study, drawn as grey rings (layer ``candidates``).
    chosen_candidates : collection of str
        Candidate ids drawn filled in green (the ones a study will value).
    width_px : float
        The map's width on screen, pixels (for the fit; the map itself stretches).
    height : int
        The map's height, pixels.
    risky_runs : sequence of Run
        Ladles above the cold-risk target (``plan.risk_flags.riskiest_runs``): an
        amber ring at each of their casters (layer ``risky``, listing them on hover).

    Returns
    -------
    pydeck.Deck
        Layers ``routes`` (one path per trip), ``smelters``, ``casters``, ``labels``
        (only the labels that collide with nothing at the initial view; every site
        has a tooltip), ``off_map`` and ``off_map_labels`` (arrows to sites outside
        the initial view), ``scale`` and ``scale_label``, and ``grid`` or ``roads``
        without a basemap; every pickable row has ``name`` and ``info``.
    """
    frame = initial_frame(network, runs, candidates, width_px, height)
    smelters = _smelter_rows(network)
    casters = _caster_rows(network)
    routes = route_rows(network, runs)
    _fade_others(routes, highlight_trucks)
    sites = _candidate_rows(candidates, chosen_candidates) if candidates else []
    by_tonnes = sorted(casters, key=lambda r: (-r["ordered_t"], r["label"]))
    arrows, arrow_labels = mapview.off_map_arrows(frame, [*sites, *smelters, *casters])
    ranked = [
        {**r, "rank": rank} for rank, rows in enumerate((sites, smelters, by_tonnes)) for r in rows
    ]
    layers = [
        *_base_layers(network, frame, basemap),
        _route_layer(routes),
        _site_layer("casters", casters, [*CASTER_RGB, 235], 1500, (5, 12)),
        _site_layer("smelters", smelters, [*SMELTER_RGB, 245], 2500, (8, 16)),
        _text_layer("labels", _labels(frame, ranked, arrow_labels), 16, 12),
        _line_layer("off_map", arrows, [31, 41, 55, 255], 2),
        _text_layer("off_map_labels", arrow_labels, 0, 12),
    ]
    if candidates:
        layers.insert(len(layers) - 5, _candidate_layer(sites))
    _add_risky(layers, network, risky_runs)
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(
            latitude=frame.latitude, longitude=frame.longitude, zoom=frame.zoom, pitch=0
        ),
        map_provider="carto" if basemap else None,
        map_style="light" if basemap else PLAIN_STYLE,
        tooltip=TOOLTIP,
        height=height,
    )
