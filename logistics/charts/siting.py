"""The siting heat-map: what a new plant would save a year, site by site over the region."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from logistics.network.model import Network

#: Values the heat-map can show: row key → (title, divisor, unit).
VALUES: dict[str, tuple[str, float, str]] = {
    "saving_cny_year": ("saving a year against the network as it is", 1e6, "M CNY/yr"),
    "npv_cny": ("NPV", 1e6, "M CNY"),
    "new_liquid_t_year": ("tonnes newly liquid a year", 1e3, "kt/yr"),
}


def _value_grid(
    grid: Sequence[Mapping[str, Any]], value: str, divisor: float
) -> tuple[list[float], list[float], list[list[float | None]]]:
    """The grid's latitudes and longitudes (sorted, degrees) and its values, row by latitude."""
    lats = sorted({float(r["lat"]) for r in grid})
    lons = sorted({float(r["lon"]) for r in grid})
    at = {(float(r["lat"]), float(r["lon"])): float(r[value]) / divisor for r in grid}
    z = [[at.get((lat, lon)) for lon in lons] for lat in lats]
    return lats, lons, z


def _site_markers(network: Network) -> list[go.Scatter]:
    """The network's casters (dots) and smelters (triangles)."""
    return [
        go.Scatter(
            x=[c.lon for c in network.casters],
            y=[c.lat for c in network.casters],
            mode="markers",
            marker={"size": 5, "color": "#333333"},
            name="die-casters",
            text=[c.name for c in network.casters],
            hovertemplate="%{text}<extra></extra>",
        ),
        go.Scatter(
            x=[s.lon for s in network.smelters],
            y=[s.lat for s in network.smelters],
            mode="markers",
            marker={"size": 11, "symbol": "triangle-up", "color": "#1f3b73"},
            name="smelters",
            text=[s.name for s in network.smelters],
            hovertemplate="%{text}<extra></extra>",
        ),
    ]


def _candidate_stars(candidates: Sequence[Mapping[str, Any]]) -> go.Scatter:
    """Candidate sites as labelled stars."""
    return go.Scatter(
        x=[c["lon"] for c in candidates],
        y=[c["lat"] for c in candidates],
        mode="markers+text",
        marker={"size": 11, "symbol": "star", "color": "#7b2cbf"},
        text=[c["site_id"] for c in candidates],
        textposition="top center",
        name="candidates",
        hovertext=[c.get("name", c["site_id"]) for c in candidates],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _best_rings(grid: Sequence[Mapping[str, Any]], best: Sequence[str]) -> go.Scatter:
    """Rings around the given grid points."""
    rows = [r for r in grid if r["site_id"] in set(best)]
    return go.Scatter(
        x=[r["lon"] for r in rows],
        y=[r["lat"] for r in rows],
        mode="markers",
        marker={
            "size": 16,
            "symbol": "circle-open",
            "color": "black",
            "line": {"width": 2},
        },
        name="best grid points",
        text=[r["site_id"] for r in rows],
        hovertemplate="%{text}<extra></extra>",
    )


def siting_heatmap(
    grid: Sequence[Mapping[str, Any]],
    *,
    network: Network | None = None,
    value: str = "saving_cny_year",
    candidates: Sequence[Mapping[str, Any]] = (),
    best: Sequence[str] = (),
    title: str | None = None,
) -> go.Figure:
    """A heat-map of the screen's value of a new plant at every grid point.

    Parameters
    ----------
    grid : sequence of mappings
        One row per grid point with ``site_id``, ``lat``, ``lon`` and the ``value`` key
        (the grid rows of a siting study).
    network : Network, optional
        Draws its smelters (triangles) and casters (dots) on top.
    value : str
        ``saving_cny_year`` (default, M CNY a year), ``npv_cny`` (M CNY) or
        ``new_liquid_t_year`` (kt a year).
    candidates : sequence of mappings
        Candidate sites to mark (``site_id``, ``name``, ``lat``, ``lon``).
    best : sequence of str
        Grid site ids to ring (e.g. the simulated ones).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Longitude on x, latitude on y (equal scale at the region's latitude).
    """
    label, divisor, unit = VALUES.get(value, (value, 1.0, ""))
    lats, lons, z = _value_grid(grid, value, divisor)
    fig = go.Figure(
        go.Heatmap(
            x=lons,
            y=lats,
            z=z,
            colorscale="RdYlGn",
            zmid=0.0 if value == "npv_cny" else None,
            colorbar={"title": {"text": unit}},
            hovertemplate="lat %{y:.3f}, lon %{x:.3f}<br>%{z:,.2f} " + unit + "<extra></extra>",
        )
    )
    if network is not None:
        for trace in _site_markers(network):
            fig.add_trace(trace)
    if candidates:
        fig.add_trace(_candidate_stars(candidates))
    if best:
        fig.add_trace(_best_rings(grid, best))
    mid_lat = (lats[0] + lats[-1]) / 2 if lats else 0.0
    fig.update_layout(
        title=title or f"New plant anywhere: {label}",
        xaxis_title="longitude (°E)",
        yaxis_title="latitude (°N)",
        yaxis={"scaleanchor": "x", "scaleratio": 1 / max(math.cos(math.radians(mid_lat)), 0.1)},
        legend={"orientation": "h", "y": -0.15},
        template="plotly_white",
        width=900,
        height=760,
    )
    return fig
