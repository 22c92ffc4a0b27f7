"""One ladle's metal temperature from tap to pour, against the caster's minimum."""

from __future__ import annotations

from datetime import datetime

import plotly.graph_objects as go

from logistics.charts.style import hhmm, local
from logistics.network.model import Network
from logistics.physics.cooling import temperature_after
from logistics.plan.model import Run

#: Points of the cooling curve.
CURVE_POINTS = 60


def cooling_curve(network: Network, run: Run, points: int = CURVE_POINTS) -> list[tuple]:
    """``(moment, °C)`` from the end of filling to the start of pouring (Newton cooling).

    The truck's ``tau_h`` and the network's ambient temperature; the first point is the
    run's ``tap_c``. The hold is real elapsed time (:meth:`Network.minutes`), so a ladle
    held across a daylight-saving change cools for as long as it really waits; the
    moments are in the network's timezone.
    """
    truck = network.truck_by_id[run.truck_id]
    ambient = network.params.thermal.ambient_c
    start = network.minutes(run.fill_end)
    hold_min = network.minutes(run.pour_start) - start
    out = []
    for i in range(points + 1):
        elapsed_min = hold_min * (i / points)
        hours = elapsed_min / 60.0
        out.append(
            (
                network.at(start + elapsed_min),
                temperature_after(run.tap_c, hours, truck.tau_h, ambient),
            )
        )
    return out


def _limit_lines(xs: list[datetime], min_pour_c: float, margin_c: float) -> list[go.Scatter]:
    """Flat lines at the caster's minimum pour temperature and at minimum + margin, °C."""
    return [
        go.Scatter(
            name=name,
            x=[xs[0], xs[-1]],
            y=[value, value],
            mode="lines",
            line={"color": colour, "dash": dash},
            hovertemplate=f"{name} {value:.0f} °C<extra></extra>",
        )
        for name, value, dash, colour in (
            ("caster minimum", min_pour_c, "dash", "#dc2626"),
            ("minimum + margin", min_pour_c + margin_c, "dot", "#f59e0b"),
        )
    ]


def _plan_markers(network: Network, run: Run, xs: list[datetime]) -> list[go.Scatter]:
    """Markers at the plan's tap and arrival temperatures, °C, with their times."""
    tz = network.tz
    return [
        go.Scatter(
            name="tap",
            x=[xs[0]],
            y=[run.tap_c],
            mode="markers+text",
            text=[f"tap {run.tap_c:.1f} °C {hhmm(run.fill_end, tz)}"],
            textposition="top right",
            marker={"size": 10, "color": "#c2410c"},
        ),
        go.Scatter(
            name="arrival (plan)",
            x=[xs[-1]],
            y=[run.arrival_c],
            mode="markers+text",
            text=[f"arrives {run.arrival_c:.1f} °C {hhmm(run.pour_start, tz)}"],
            textposition="bottom left",
            marker={"size": 10, "color": "#1d4ed8"},
        ),
    ]


def band_curves(network: Network, run: Run, points: int = CURVE_POINTS) -> list[tuple] | None:
    """``(moment, coldest °C, hottest °C)`` of the 5–95 % band of the metal's cooling.

    Newton cooling from ``tap_c`` reaches ``arrival_p05_c`` (or ``arrival_p95_c``) at
    the planned pour start when the hold is that percentile's: along the way the metal
    is at ``ambient + (tap − ambient) · r^f`` with ``r = (end − ambient) / (tap −
    ambient)`` after a share ``f`` of the planned hold. ``None`` without the band.
    """
    if run.arrival_p05_c is None or run.arrival_p95_c is None:
        return None
    ambient = network.params.thermal.ambient_c
    start = network.minutes(run.fill_end)
    hold_min = network.minutes(run.pour_start) - start
    span = run.tap_c - ambient

    def at(end_c: float, share: float) -> float:
        ratio = max(end_c - ambient, 1e-9) / span if span > 0 else 1.0
        return ambient + span * ratio**share

    return [
        (
            network.at(start + hold_min * i / points),
            at(run.arrival_p05_c, i / points),
            at(run.arrival_p95_c, i / points),
        )
        for i in range(points + 1)
    ]


def _band_traces(network: Network, run: Run) -> list[go.Scatter]:
    """The 5–95 % band of the metal's temperature (a filled area) and its ends, °C."""
    band = band_curves(network, run)
    if band is None:
        return []
    tz = network.tz
    xs = [local(m, tz) for m, _, _ in band]
    cold = "" if run.cold_probability is None else f", cold {100 * run.cold_probability:.1f} %"
    return [
        go.Scatter(
            name="arrival 5–95 %",
            x=xs + xs[::-1],
            y=[hot for _, _, hot in band] + [low for _, low, _ in band][::-1],
            fill="toself",
            fillcolor="rgba(29, 78, 216, 0.15)",
            line={"width": 0},
            hoverinfo="skip",
        ),
        go.Scatter(
            name="arrival 5 % / 95 %",
            x=[xs[-1], xs[-1]],
            y=[run.arrival_p05_c, run.arrival_p95_c],
            mode="markers",
            marker={"symbol": "line-ew-open", "size": 14, "color": "#1d4ed8"},
            hovertemplate=(
                f"5 % {run.arrival_p05_c:.1f} °C · 95 % {run.arrival_p95_c:.1f} °C{cold}"
                "<extra></extra>"
            ),
        ),
    ]


def ladle_temperature(network: Network, run: Run) -> go.Figure:
    """The cooling curve of one ladle with the caster's minimum and the plan's margin.

    Parameters
    ----------
    network : Network
        Truck (``tau_h``), caster (``min_pour_c``), ``[thermal]`` ambient and margin.
    run : Run
        The ladle.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace ``cooling`` (°C over time, starts at ``tap_c`` and ends at the modelled
        arrival), traces ``caster minimum`` and ``minimum + margin`` (flat lines), and
        markers ``tap`` and ``arrival (plan)`` at the plan's figures; when the plan
        has estimated the risk, the band ``arrival 5–95 %`` (the metal's temperature
        between the 5th and 95th percentiles of the hold, a filled area) and its ends
        ``arrival 5 % / 95 %`` at the planned pour start, and the cold probability in
        the title.
    """
    tz = network.tz
    caster = network.caster_by_id[run.caster_id]
    curve = cooling_curve(network, run)
    xs = [local(m, tz) for m, _ in curve]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            name="cooling",
            x=xs,
            y=[t for _, t in curve],
            mode="lines",
            line={"color": "#c2410c", "width": 3},
            hovertemplate="%{x|%H:%M} · %{y:.1f} °C<extra></extra>",
        )
    )
    for trace in _limit_lines(xs, caster.min_pour_c, network.params.thermal.margin_c):
        fig.add_trace(trace)
    for trace in [*_band_traces(network, run), *_plan_markers(network, run, xs)]:
        fig.add_trace(trace)
    low = min(caster.min_pour_c, run.arrival_c, run.arrival_p05_c or run.arrival_c) - 10
    risk = "" if run.cold_probability is None else f" · cold {100 * run.cold_probability:.1f} %"
    fig.update_layout(
        title=(
            f"Ladle {run.run_id}: {run.smelter_id} → {run.caster_id}, {run.tonnes:g} t "
            f"{run.alloy} on {run.truck_id}{risk}"
        ),
        height=360,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        xaxis={"tickformat": "%H:%M", "title": f"time ({network.timezone})"},
        yaxis={"title": "metal temperature, °C", "range": [low, run.tap_c + 10]},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
