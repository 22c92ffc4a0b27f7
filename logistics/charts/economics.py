"""Economics figures: the two routes item by item, saving against distance, sensitivity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from logistics.charts.style import km_text
from logistics.economics.radius import PracticalRadius, practical_radius
from logistics.economics.route_model import TypicalTruck
from logistics.economics.sensitivity import sensitivity
from logistics.network.params import Params

#: Labels of the sensitivity parameters, with units.
PARAMETER_LABELS = {
    "alloy_price_t": "alloy price, CNY/t",
    "gas_price_cny_m3": "gas price, CNY/m³",
    "truck_cost_per_km": "truck cost, CNY/km",
}


def route_cost_bars(report: dict[str, Any]) -> go.Figure:
    """Stacked bars of both routes' cost items, CNY/t (from :func:`cost_report`).

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per item; bar ``ingot`` and bar ``liquid``; totals annotated.
    """
    fig = go.Figure()
    for route in ("ingot", "liquid"):
        for item in report[route]["items"]:
            fig.add_trace(
                go.Bar(
                    name=f"{route}: {item['label']}",
                    x=[item["cny_t"]],
                    y=[f"{route} route"],
                    orientation="h",
                    text=[f"{item['cny_t']:,.0f}"],
                    textposition="inside",
                    hovertemplate=f"{item['label']}: %{{x:,.1f}} CNY/t<extra></extra>",
                )
            )
    for route in ("ingot", "liquid"):
        total = report[route]["total_cny_t"]
        fig.add_annotation(
            x=total,
            y=f"{route} route",
            text=f"  {total:,.0f} CNY/t",
            showarrow=False,
            xanchor="left",
        )
    fig.update_layout(
        barmode="stack",
        height=260,
        showlegend=False,
        margin={"l": 10, "r": 80, "t": 30, "b": 40},
        xaxis={"title": f"CNY per tonne at {km_text(report['distance_km'])} of road"},
    )
    return fig


def _saving_traces(frame: pd.DataFrame) -> list[go.Scatter]:
    """The saving curve (CNY/t): solid where the metal arrives hot enough, dotted beyond."""
    ok = frame[frame["thermally_feasible"]]
    cold = frame[~frame["thermally_feasible"]]
    traces = [
        go.Scatter(
            name="saving",
            x=ok["distance_km"],
            y=ok["saving_cny_t"],
            mode="lines",
            line={"color": "#15803d", "width": 3},
            hovertemplate="%{x:.0f} km · %{y:,.0f} CNY/t<extra></extra>",
        )
    ]
    if not cold.empty:
        traces.append(
            go.Scatter(
                name="saving (arrives too cold)",
                x=cold["distance_km"],
                y=cold["saving_cny_t"],
                mode="lines",
                line={"color": "#9ca3af", "width": 2, "dash": "dot"},
                hovertemplate="%{x:.0f} km · %{y:,.0f} CNY/t (too cold)<extra></extra>",
            )
        )
    return traces


def _plan_ticks(plan_km: Sequence[float]) -> go.Scatter:
    """A tick on the axis at the road km of each of a plan's runs."""
    return go.Scatter(
        name="runs of the plan",
        x=list(plan_km),
        y=[0.0] * len(plan_km),
        mode="markers",
        marker={"symbol": "line-ns-open", "size": 14, "color": "#1d4ed8"},
        hovertemplate="run at %{x:.0f} km<extra></extra>",
    )


def _radius_lines(fig: go.Figure, radius: PracticalRadius, max_km: float) -> None:
    """Dashed vertical lines at the break-even and thermal-reach distances (within the axis)."""
    for name, km, colour in (
        ("break-even", radius.break_even_km, "#b91c1c"),
        ("thermal reach", radius.thermal_reach_km, "#c2410c"),
    ):
        if km is not None and 0 < km < float("inf") and km <= max_km:
            fig.add_vline(
                x=km,
                line_dash="dash",
                line_color=colour,
                name=name,
                annotation_text=f"{name} {km_text(km)}",
                annotation_position="top",
            )


def saving_vs_distance(
    params: Params,
    truck: TypicalTruck = TypicalTruck(),
    max_km: float = 200.0,
    step_km: float = 5.0,
    plan_km: Sequence[float] = (),
) -> go.Figure:
    """Saving per tonne against road km, with the break-even and thermal-reach lines.

    Parameters
    ----------
    params, truck
        The figures priced (:func:`logistics.economics.sensitivity`).
    max_km, step_km : float
        Distance grid, road km.
    plan_km : sequence of float
        Road km of a plan's runs, drawn as ticks along the axis.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace ``saving`` (CNY/t; dotted where the metal would arrive too cold), vertical
        lines at ``break_even_km`` and ``thermal_reach_km`` (named in ``layout.shapes``'
        ``name``).
    """
    n = int(max_km / step_km)
    frame = sensitivity(params, distances_km=[i * step_km for i in range(n + 1)], truck=truck)
    fig = go.Figure()
    for trace in _saving_traces(frame):
        fig.add_trace(trace)
    if plan_km:
        fig.add_trace(_plan_ticks(plan_km))
    fig.add_hline(y=0, line_color="#6b7280", line_width=1)
    _radius_lines(fig, practical_radius(params, truck), max_km)
    fig.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        xaxis={"title": "road km smelter → caster"},
        yaxis={"title": "saving against ingots, CNY/t"},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def sensitivity_lines(frame: pd.DataFrame, parameter: str) -> go.Figure:
    """Saving against distance, one line per value of ``parameter``.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`logistics.economics.sensitivity` with several values of
        ``parameter`` (``alloy_price_t``, ``gas_price_cny_m3`` or ``truck_cost_per_km``).
    parameter : str
        The column the lines differ in.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per value, named ``"<label> <value>"``.
    """
    label = PARAMETER_LABELS.get(parameter, parameter)
    fig = go.Figure()
    for value, group in frame.groupby(parameter, sort=True):
        fig.add_trace(
            go.Scatter(
                name=f"{label} {value:,.2f}".rstrip("0").rstrip("."),
                x=group["distance_km"],
                y=group["saving_cny_t"],
                mode="lines",
                hovertemplate="%{x:.0f} km · %{y:,.0f} CNY/t<extra></extra>",
            )
        )
    fig.add_hline(y=0, line_color="#6b7280", line_width=1)
    fig.update_layout(
        height=340,
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        xaxis={"title": "road km smelter → caster"},
        yaxis={"title": "saving against ingots, CNY/t"},
        legend={"title": {"text": label}},
    )
    return fig
