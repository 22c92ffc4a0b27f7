"""Gantt chart of the ladles' day: preheat, fill, on the road, pour, back to the smelter.

One row per ladle of the smelters' pools that the plan uses or preheats (a plan of a
network with ``ladles.csv``). Each run of a ladle is drawn from its fill to its pour's
end; its way back is the drive from its trip's last caster to its smelter after the
trip's last pour, as the planner and the checker reckon it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

import plotly.graph_objects as go

from logistics.charts.style import hhmm, local
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.model import Preheat, Run

#: Colour of each part of a ladle's day.
COLOURS = {
    "preheat": "#f59e0b",
    "fill": "#b91c1c",
    "road": "#3b82f6",
    "pour": "#6d28d9",
    "return": "#cbd5e1",
}
LABELS = {
    "preheat": "preheat on a stand",
    "fill": "fill",
    "road": "on the road, full",
    "pour": "pour",
    "return": "back to the smelter, empty",
}

#: One bar: ladle, kind, start, end, hover text.
Bar = tuple[str, str, datetime, datetime, str]


def _return_bars(network: Network, travel: Travel, runs: Sequence[Run]) -> list[Bar]:
    """Each ladle's drive back: from its trip's last pour to its home smelter."""
    trips: dict[tuple[str, int], list[Run]] = defaultdict(list)
    for r in runs:
        trips[(r.truck_id, r.trip)].append(r)
    bars: list[Bar] = []
    for r in runs:
        if r.ladle_id is None:
            continue
        last = max(trips[(r.truck_id, r.trip)], key=lambda x: x.pour_end)
        start, end = travel.caster(last.caster_id), travel.smelter(r.smelter_id)
        minutes = travel.leg_minutes(start, end, network.minutes(last.pour_end))
        back = last.pour_end + timedelta(minutes=minutes)
        text = f"{r.ladle_id} back at {r.smelter_id} {hhmm(back, network.tz)}"
        bars.append((r.ladle_id, "return", r.pour_end, back, text))
    return bars


def ladle_bars(
    network: Network, travel: Travel, runs: Sequence[Run], preheats: Sequence[Preheat]
) -> list[Bar]:
    """Every bar of the chart: preheats, then each run's fill, road, pour and return.

    Parameters
    ----------
    network : Network
        Its timezone.
    travel : Travel
        Its travel model (the drive back).
    runs : sequence of Run
        The plan's runs; those without a ``ladle_id`` are left out.
    preheats : sequence of Preheat
        The plan's preheats.

    Returns
    -------
    list of tuple
        ``(ladle_id, kind, start, end, hover text)``, ``kind`` one of :data:`COLOURS`.
    """
    tz = network.tz
    bars: list[Bar] = [
        (p.ladle_id, "preheat", p.start, p.end, f"{p.ladle_id} preheat on stand {p.stand}")
        for p in preheats
    ]
    for r in runs:
        if r.ladle_id is None:
            continue
        what = (
            f"{r.ladle_id} · run {r.run_id} · truck {r.truck_id} · {r.tonnes:g} t "
            f"{r.smelter_id} → {r.caster_id} · lining took {r.ladle_drop_c or 0:g} °C"
        )
        bars += [
            (
                r.ladle_id,
                "fill",
                r.fill_start,
                r.fill_end,
                f"{what}<br>fill {hhmm(r.fill_start, tz)}",
            ),
            (r.ladle_id, "road", r.fill_end, r.pour_start, what),
            (
                r.ladle_id,
                "pour",
                r.pour_start,
                r.pour_end,
                f"{what}<br>pour {hhmm(r.pour_start, tz)}",
            ),
        ]
    return bars + _return_bars(network, travel, runs)


def ladle_gantt(
    network: Network,
    travel: Travel,
    runs: Sequence[Run],
    preheats: Sequence[Preheat] = (),
    *,
    title: str | None = None,
) -> go.Figure:
    """The ladles' day as a Gantt chart, one row per ladle (:func:`ladle_bars`).

    Parameters
    ----------
    network : Network
        Its timezone (the axis shows wall-clock times).
    travel : Travel
        Its travel model.
    runs, preheats : sequence
        The plan's runs and preheats.
    title : str, optional
        The chart's title.

    Returns
    -------
    plotly.graph_objects.Figure
        One horizontal bar trace per kind (preheat, fill, road, pour, return).
    """
    tz = network.tz
    bars = ladle_bars(network, travel, runs, preheats)
    fig = go.Figure()
    for kind, colour in COLOURS.items():
        mine = [b for b in bars if b[1] == kind]
        if not mine:
            continue
        fig.add_trace(
            go.Bar(
                orientation="h",
                name=LABELS[kind],
                y=[b[0] for b in mine],
                base=[local(b[2], tz) for b in mine],
                x=[(network.minutes(b[3]) - network.minutes(b[2])) * 60_000.0 for b in mine],
                hovertext=[b[4] for b in mine],
                hoverinfo="text",
                marker={"color": colour},
                width=0.8 if kind in ("fill", "pour", "preheat") else 0.5,
            )
        )
    ladles = sorted({b[0] for b in bars}, reverse=True)
    fig.update_layout(
        title=title,
        barmode="overlay",
        height=max(240, 28 * len(ladles) + 120),
        xaxis={"type": "date", "tickformat": "%H:%M", "title": None},
        yaxis={"categoryorder": "array", "categoryarray": ladles, "title": None},
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
    )
    return fig
