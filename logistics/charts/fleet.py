"""Trucks needed against trucks available, hour by hour."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import plotly.graph_objects as go

from logistics.network.model import Network, TruckStart
from logistics.physics.travel import Travel
from logistics.plan.model import Run
from logistics.plan.timeline import busy_intervals, truck_segments


def hourly_fleet(
    network: Network,
    travel: Travel,
    runs: Sequence[Run],
    truck_starts: Sequence[TruckStart] = (),
    unavailable: Collection[str] = (),
) -> list[dict]:
    """Per local hour of the plan day: trucks busy and trucks on shift.

    A truck is *needed* in an hour when one of its trips (leaving for the smelter to
    the end of the drive after its last pour) overlaps it; *available* when its shift
    overlaps it (trucks in ``unavailable`` never are). ``travel`` is the network's travel
    model (the drives of the truck-day timeline).

    Returns
    -------
    list of dict
        ``{"hour": datetime (local, naive), "needed": int, "available": int}``, from
        the earliest shift start or trip to the latest shift end or trip.
    """
    tz = network.tz
    busy = busy_intervals(truck_segments(network, travel, runs, truck_starts))
    spans = [(t.shift_start, t.shift_end) for t in network.fleet]
    spans += [span for intervals in busy.values() for span in intervals]
    if not spans:
        return []
    first = min(a for a, _ in spans).astimezone(tz).replace(minute=0, second=0, microsecond=0)
    last = max(b for _, b in spans).astimezone(tz)
    rows = []
    hour = first
    while hour < last:
        end = hour + timedelta(hours=1)
        needed = sum(1 for spans_ in busy.values() if any(a < end and b > hour for a, b in spans_))
        available = sum(
            1
            for t in network.fleet
            if t.truck_id not in unavailable and t.shift_start < end and t.shift_end > hour
        )
        rows.append({"hour": hour.replace(tzinfo=None), "needed": needed, "available": available})
        hour = end
    return rows


def trucks_per_hour(
    network: Network,
    travel: Travel,
    runs: Sequence[Run],
    truck_starts: Sequence[TruckStart] = (),
    unavailable: Collection[str] = (),
) -> go.Figure:
    """Bars of trucks needed per hour, a step line of trucks available.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``needed`` (bars) and ``available`` (line), x = the hour's start.
    """
    rows = hourly_fleet(network, travel, runs, truck_starts, unavailable)
    hours: list[datetime] = [r["hour"] + timedelta(minutes=30) for r in rows]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name="needed",
            x=hours,
            y=[r["needed"] for r in rows],
            marker={"color": "#2563eb"},
            hovertemplate="%{x|%H}:00 · %{y} trucks needed<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            name="available",
            x=hours,
            y=[r["available"] for r in rows],
            mode="lines",
            line={"shape": "hvh", "color": "#111827", "width": 2},
            hovertemplate="%{x|%H}:00 · %{y} trucks on shift<extra></extra>",
        )
    )
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        xaxis={"tickformat": "%H:%M", "title": f"hour ({network.timezone})"},
        yaxis={
            "title": "trucks",
            "rangemode": "tozero",
            "dtick": 1 if len(network.fleet) < 15 else None,
        },
        legend={"orientation": "h", "y": -0.25},
        bargap=0.1,
    )
    return fig
