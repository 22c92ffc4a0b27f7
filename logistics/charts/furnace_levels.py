"""One holding furnace's level over the plan day, against its minimum and capacity."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from logistics.charts.style import hhmm, local
from logistics.network.model import Network
from logistics.plan.model import Run
from logistics.plan.supply import FurnaceLevels

#: Tolerance of "below the minimum" and "above the capacity" on the chart, t (the
#: furnace model's own).
LIMIT_TOL_T = 1e-6
#: Colours: the level, the minimum and stock-outs or overflows, the capacity, pours.
LEVEL_COLOUR, ALARM_COLOUR, CAPACITY_COLOUR, POUR_COLOUR = (
    "#1d4ed8",
    "#dc2626",
    "#6b7280",
    "#c2410c",
)


def lowest_minute(furnace: FurnaceLevels) -> int:
    """The first whole minute of the day at which the furnace is at its lowest."""
    return int(np.argmin(np.asarray(furnace.levels_t)))


def furnace_runs(furnace: FurnaceLevels, runs: Sequence[Run]) -> list[Run]:
    """The runs that pour into the furnace (its caster and alloy), in pour order."""
    mine = [r for r in runs if (r.caster_id, r.alloy) == (furnace.caster_id, furnace.alloy)]
    return sorted(mine, key=lambda r: r.pour_start)


def _level_at(furnace: FurnaceLevels, minute: float) -> float:
    """The level at ``minute`` (linear between whole minutes), t."""
    levels = np.asarray(furnace.levels_t)
    return float(np.interp(minute, np.arange(len(levels)), levels))


def _limit_traces(furnace: FurnaceLevels, xs: list) -> list[go.Scatter]:
    """Flat lines at the minimum and at the capacity, and red markers where they are crossed."""
    levels = np.asarray(furnace.levels_t)
    traces = [
        go.Scatter(
            name=name,
            x=[xs[0], xs[-1]],
            y=[value, value],
            mode="lines",
            line={"color": colour, "dash": "dash"},
            hovertemplate=f"{name} {value:,.1f} t<extra></extra>",
        )
        for name, value, colour in (
            ("minimum", furnace.min_level_t, ALARM_COLOUR),
            ("capacity", furnace.capacity_t, CAPACITY_COLOUR),
        )
    ]
    for name, crossed in (
        ("below minimum", levels < furnace.min_level_t - LIMIT_TOL_T),
        ("above capacity", levels > furnace.capacity_t + LIMIT_TOL_T),
    ):
        minutes = np.flatnonzero(crossed)
        if minutes.size:
            traces.append(
                go.Scatter(
                    name=name,
                    x=[xs[m] for m in minutes],
                    y=levels[minutes].tolist(),
                    mode="markers",
                    marker={"color": ALARM_COLOUR, "size": 4},
                    hovertemplate=f"{name}: %{{y:,.2f}} t at %{{x|%H:%M}}<extra></extra>",
                )
            )
    return traces


def _pour_trace(network: Network, furnace: FurnaceLevels, runs: Sequence[Run]) -> go.Scatter:
    """A marker at the end of every pour into the furnace, at the level it leaves."""
    tz = network.tz
    mine = furnace_runs(furnace, runs)
    return go.Scatter(
        name="pours",
        x=[local(r.pour_end, tz) for r in mine],
        y=[_level_at(furnace, network.minutes(r.pour_end)) for r in mine],
        mode="markers",
        marker={"color": POUR_COLOUR, "size": 10, "symbol": "triangle-up"},
        text=[
            f"{r.run_id} · {r.order_id} · {r.truck_id} · {r.tonnes:g} t poured "
            f"{hhmm(r.pour_start, tz)}–{hhmm(r.pour_end, tz)}"
            for r in mine
        ],
        hovertemplate="%{text}<br>level after %{y:,.2f} t<extra></extra>",
    )


def furnace_chart(network: Network, furnace: FurnaceLevels, runs: Sequence[Run]) -> go.Figure:
    """A furnace's level over the day with its minimum, capacity, pours and lowest point.

    Parameters
    ----------
    network : Network
        The network of the plan (its timezone and plan day: minute 0 is local midnight).
    furnace : FurnaceLevels
        The furnace's levels from the plan's ``supply`` part, t.
    runs : sequence of Run
        The plan's runs; those of the furnace's caster and alloy are marked as pours.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace ``level`` (t at every whole minute), flat ``minimum`` and ``capacity``,
        ``pours`` (a triangle at each pour's end, at the level it leaves), ``lowest``
        (the lowest level, labelled with its margin above the minimum and time) and, when
        the plan lets the furnace run low or overflow, red ``below minimum`` and
        ``above capacity`` markers.
    """
    tz = network.tz
    xs = [local(network.at(m), tz) for m in range(len(furnace.levels_t))]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            name="level",
            x=xs,
            y=list(furnace.levels_t),
            mode="lines",
            line={"color": LEVEL_COLOUR, "width": 3},
            hovertemplate="%{x|%H:%M} · %{y:,.2f} t<extra></extra>",
        )
    )
    for trace in _limit_traces(furnace, xs):
        fig.add_trace(trace)
    fig.add_trace(_pour_trace(network, furnace, runs))
    low = lowest_minute(furnace)
    margin = furnace.levels_t[low] - furnace.min_level_t
    fig.add_trace(
        go.Scatter(
            name="lowest",
            x=[xs[low]],
            y=[furnace.levels_t[low]],
            mode="markers+text",
            text=[f"lowest {furnace.levels_t[low]:,.2f} t ({margin:+,.2f} t) {xs[low]:%H:%M}"],
            textposition="bottom right",
            marker={"color": ALARM_COLOUR if margin < 0 else LEVEL_COLOUR, "size": 11},
            hoverinfo="skip",
        )
    )
    top = max(furnace.capacity_t, max(furnace.levels_t))
    bottom = min(0.0, min(furnace.levels_t))
    pad = 0.08 * (top - bottom)
    fig.update_layout(
        title=f"Furnace {furnace.caster_id} · {furnace.alloy} ({furnace.supply} supply)",
        height=380,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        xaxis={"tickformat": "%H:%M", "title": f"time ({network.timezone})"},
        yaxis={"title": "metal in the furnace, t", "range": [bottom - pad, top + pad]},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
