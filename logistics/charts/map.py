"""A pydeck map of smelters, casters and the plan's routes, coloured by truck."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any

import pydeck as pdk

from logistics.charts.style import CANDIDATE_RGB, CASTER_RGB, SMELTER_RGB, hhmm, truck_rgb
from logistics.network.model import Candidate, Network
from logistics.plan.model import Run
from logistics.plan.timeline import trips_of

#: Tooltip of every layer: each row carries ``name`` and ``info``.
TOOLTIP = {
    "html": "<b>{name}</b><br/>{info}",
    "style": {"backgroundColor": "#1f2937", "color": "white", "fontSize": "12px"},
}


def _view(points: Sequence[tuple[float, float]]) -> pdk.ViewState:
    lats = [p[0] for p in points] or [0.0]
    lons = [p[1] for p in points] or [0.0]
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * 0.8, 0.05)
    zoom = max(3.0, min(12.0, math.log2(360.0 / span) - 0.8))
    return pdk.ViewState(
        latitude=(max(lats) + min(lats)) / 2,
        longitude=(max(lons) + min(lons)) / 2,
        zoom=round(zoom, 2),
        pitch=0,
    )


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
            stops = []
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
                        f"{smelter.smelter_id} → {' → '.join(stops)} · {tonnes:g} t · "
                        f"{hhmm(first, tz)}–{hhmm(last, tz)} · "
                        f"{len(trip)} ladle{'s' if len(trip) != 1 else ''}"
                    ),
                    "truck_id": truck_id,
                    "trip": number,
                    "path": path,
                    "color": [*colour, 200],
                }
            )
    return rows


def _smelter_rows(network: Network) -> list[dict[str, Any]]:
    """One row per smelter: name, what it makes (t/h), position and label."""
    made: dict[str, list[str]] = {}
    for p in network.production:
        made.setdefault(p.smelter_id, []).append(f"{p.alloy} {p.rate_tph:g} t/h")
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


def _caster_rows(network: Network) -> list[dict[str, Any]]:
    """One row per caster: name, minimum pour (°C), tonnes ordered, position and label."""
    ordered: dict[str, float] = {}
    for o in network.day_orders:
        ordered[o.caster_id] = ordered.get(o.caster_id, 0.0) + o.tonnes
    return [
        {
            "name": f"{c.caster_id} {c.name}",
            "info": (
                f"caster · min pour {c.min_pour_c:g} °C · "
                f"ordered {ordered.get(c.caster_id, 0.0):g} t"
            ),
            "lat": c.lat,
            "lon": c.lon,
            "label": c.caster_id,
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
                f"candidate · {k.rate_tph:g} t/h · capex {k.capex_cny / 1e6:,.0f} M CNY"
                + (" · in the study" if k.site_id in chosen else "")
            ),
            "lat": k.lat,
            "lon": k.lon,
            "label": k.site_id,
            "fill": [22, 163, 74, 220] if k.site_id in chosen else [255, 255, 255, 0],
        }
        for k in candidates
    ]


def _fade_others(routes: list[dict[str, Any]], highlight_trucks: Collection[str]) -> None:
    """Fade the routes of the trucks not highlighted (none highlighted: all stay)."""
    if highlight_trucks:
        for row in routes:
            if row["truck_id"] not in highlight_trucks:
                row["color"] = [*row["color"][:3], 50]


def _route_layer(routes: list[dict[str, Any]]) -> pdk.Layer:
    """One path per trip, in its truck's colour."""
    return pdk.Layer(
        "PathLayer",
        id="routes",
        data=routes,
        get_path="path",
        get_color="color",
        get_width=400,
        width_min_pixels=3,
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


def _label_layer(rows: list[dict[str, Any]]) -> pdk.Layer:
    """The ids of the sites, above their dots."""
    return pdk.Layer(
        "TextLayer",
        id="labels",
        data=rows,
        get_position=["lon", "lat"],
        get_text="label",
        get_size=12,
        get_color=[17, 24, 39],
        get_pixel_offset=[0, -16],
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


def network_map(
    network: Network,
    runs: Sequence[Run] = (),
    *,
    basemap: bool = False,
    highlight_trucks: Collection[str] = (),
    candidates: Sequence[Candidate] = (),
    chosen_candidates: Collection[str] = (),
    height: int = 520,
) -> pdk.Deck:
    """Smelters, casters and one route path per trip.

    Parameters
    ----------
    network : Network
        Sites.
    runs : sequence of Run
        The plan's runs (none: the sites only).
    basemap : bool
        ``False`` (default): no map tiles, a plain background (works offline and where
        tiles are blocked); ``True``: the Carto light basemap.
    highlight_trucks : collection of str
        Trucks drawn wider, the others faded (none: all alike).
    candidates : sequence of Candidate
        Candidate sites of a siting study, drawn as grey rings (layer ``candidates``).
    chosen_candidates : collection of str
        Candidate ids drawn filled in green (the ones a study will value).
    height : int
        Pixels.

    Returns
    -------
    pydeck.Deck
        Layers ``smelters``, ``casters``, ``routes`` (one path per trip) and ``labels``;
        every row has ``name`` and ``info`` for the tooltip.
    """
    smelters = _smelter_rows(network)
    casters = _caster_rows(network)
    routes = route_rows(network, runs)
    _fade_others(routes, highlight_trucks)
    layers = [
        _route_layer(routes),
        _site_layer("casters", casters, [*CASTER_RGB, 230], 1500, (5, 12)),
        _site_layer("smelters", smelters, [*SMELTER_RGB, 240], 2500, (8, 16)),
        _label_layer(smelters + casters),
    ]
    shown = smelters + casters
    if candidates:
        sites = _candidate_rows(candidates, chosen_candidates)
        layers.insert(1, _candidate_layer(sites))
        shown = smelters + casters + sites
    points = [(s["lat"], s["lon"]) for s in shown]
    return pdk.Deck(
        layers=layers,
        initial_view_state=_view(points),
        map_provider="carto" if basemap else None,
        map_style="light" if basemap else None,
        tooltip=TOOLTIP,
        height=height,
    )
