"""Gantt chart of the trucks' day: fill, drive, pour and return, by status; drivers' breaks."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

import plotly.graph_objects as go

from logistics.charts.style import hhmm, local
from logistics.network.model import Network, TruckStart
from logistics.physics.travel import Travel
from logistics.plan.model import DriverBreak, Run
from logistics.plan.timeline import Segment, truck_segments

#: Run status on the chart: poured already, metal filled or on the road (kept as facts
#: in a re-plan), still to come.
STATUSES = ("done", "frozen", "planned")

#: Colour of each segment kind per status: within a status, fill, drive loaded, pour and
#: drive empty differ clearly (by hue for planned runs, by lightness for the greys of
#: done runs and the oranges of runs under way; ``tests/charts/test_gantt.py`` measures
#: it).
COLOURS: dict[str, dict[str, str]] = {
    "done": {"fill": "#333333", "drive": "#a0a0a0", "pour": "#666666", "return": "#e0e0e0"},
    "frozen": {"fill": "#7c2d12", "drive": "#fb923c", "pour": "#a16207", "return": "#fed7aa"},
    "planned": {"fill": "#b91c1c", "drive": "#3b82f6", "pour": "#6d28d9", "return": "#cbd5e1"},
}
KIND_LABELS = {"fill": "fill", "drive": "drive loaded", "pour": "pour", "return": "drive empty"}
#: The kinds in the legend, in a trip's order.
LEGEND_ORDER = ("fill", "drive", "pour", "return")
#: How each status is named in the legend.
STATUS_LABELS = {
    "planned": "planned",
    "frozen": "under way (kept as it is)",
    "done": "poured already",
}
#: Colour of the drivers' rests (``breaks.csv``) and the kinds named on their hover.
BREAK_COLOUR = "#16a34a"
BREAK_LABELS = {
    "wait": "rest (waiting)",
    "break": "break",
    "en_route": "break en route",
    "handover": "driver handover",
}
#: A handover (an instant) is drawn this many minutes wide.
HANDOVER_BAR_MIN = 3

#: Outline of runs a re-plan changes.
CHANGE_COLOURS = {"new": "#16a34a", "moved": "#db2777"}


def run_status(run: Run, now: datetime | None, frozen: Collection[str] = ()) -> str:
    """``done`` (poured by ``now``), ``frozen`` (filled or on the road) or ``planned``."""
    if run.run_id in frozen:
        return "frozen" if now is None or run.pour_end > now else "done"
    if now is None:
        return "planned"
    if run.pour_end <= now:
        return "done"
    if run.fill_start <= now:
        return "frozen"
    return "planned"


def run_flags(network: Network, run: Run) -> list[str]:
    """``late`` when the pour starts after the order window, ``cold`` below the minimum.

    Late is measured in real elapsed time (:meth:`Network.minutes`): more than a second
    past the window's end.
    """
    flags = []
    order = network.order_by_id.get(run.order_id)
    late_min = network.minutes(run.pour_start) - network.minutes(order.window_end) if order else 0.0
    if late_min * 60.0 > 1:
        flags.append("late")
    caster = network.caster_by_id.get(run.caster_id)
    if caster is not None and run.arrival_c < caster.min_pour_c + network.params.thermal.margin_c:
        flags.append("cold")
    return flags


def bar_ms(network: Network, start: datetime, end: datetime) -> float:
    """Real time from ``start`` to ``end`` (:meth:`Network.minutes`), milliseconds.

    A bar's length on the chart: on the day the clocks go back, a bar across the change
    is an hour longer than its wall-clock ends suggest (the axis shows wall-clock
    times).
    """
    return (network.minutes(end) - network.minutes(start)) * 60_000.0


def _hover(network: Network, segment: Segment, run: Run | None) -> str:
    tz = network.tz
    when = f"{hhmm(segment.start, tz)}–{hhmm(segment.end, tz)}"
    head = f"<b>{segment.truck_id} trip {segment.trip}</b> · {KIND_LABELS[segment.kind]} {when}"
    if run is None:
        return f"{head}<br>{segment.origin} → {segment.destination}"
    return (
        f"{head}<br>run {run.run_id} · order {run.order_id} · {run.tonnes:g} t {run.alloy}"
        f"<br>{run.smelter_id} → {run.caster_id} · tap {run.tap_c:.1f} °C · "
        f"arrives {run.arrival_c:.1f} °C"
    )


def _segment_status(
    segment: Segment,
    runs: Sequence[Run],
    by_id: Mapping[str, Run],
    now: datetime | None,
    frozen: Collection[str],
) -> str:
    """A segment's status: its run's, or for a trip's return the least advanced of its runs."""
    run = by_id.get(segment.run_id) if segment.run_id else None
    if run is not None:
        return run_status(run, now, frozen)
    trip_runs = [r for r in runs if r.truck_id == segment.truck_id and r.trip == segment.trip]
    statuses = {run_status(r, now, frozen) for r in trip_runs}
    status = next((st for st in ("planned", "frozen", "done") if st in statuses), "planned")
    if status == "done" and now is not None and segment.end > now:
        status = "frozen"
    return status


def _segment_bars(
    network: Network,
    status: str,
    kind: str,
    items: list[Segment],
    by_id: Mapping[str, Run],
    changes: Mapping[str, str],
) -> go.Bar:
    """The bars of one status and kind, outlined where a re-plan changes their run."""
    tz = network.tz
    line_colours = [
        CHANGE_COLOURS.get(changes.get(s.run_id or "", ""), "rgba(0,0,0,0)") for s in items
    ]
    return go.Bar(
        orientation="h",
        name=KIND_LABELS[kind],
        legendgroup=status,
        legendgrouptitle={"text": STATUS_LABELS[status]},
        # planned first, then under way, then done; in a trip's order within each
        legendrank=100 * (len(STATUSES) - STATUSES.index(status)) + LEGEND_ORDER.index(kind),
        y=[s.truck_id for s in items],
        base=[local(s.start, tz) for s in items],
        x=[bar_ms(network, s.start, s.end) for s in items],
        customdata=[[s.run_id or "", kind, status] for s in items],
        hovertext=[_hover(network, s, by_id.get(s.run_id or "")) for s in items],
        hoverinfo="text",
        marker={
            "color": COLOURS[status][kind],
            "line": {"color": line_colours, "width": 3},
        },
        width=0.8 if kind in ("fill", "pour") else 0.5,
    )


def _ghost_bars(network: Network, ghost_segments: list[Segment]) -> go.Bar:
    """Faint bars where the previous plan's moved or dropped runs filled and poured."""
    tz = network.tz
    return go.Bar(
        orientation="h",
        name="before the re-plan",
        y=[s.truck_id for s in ghost_segments],
        base=[local(s.start, tz) for s in ghost_segments],
        x=[bar_ms(network, s.start, s.end) for s in ghost_segments],
        customdata=[[s.run_id or "", s.kind, "ghost"] for s in ghost_segments],
        hovertext=[f"before: run {s.run_id} {s.kind}" for s in ghost_segments],
        hoverinfo="text",
        marker={"color": "rgba(120,120,120,0.25)", "line": {"width": 0}},
        width=0.95,
    )


def _break_bars(network: Network, breaks: Sequence[DriverBreak]) -> go.Bar:
    """The drivers' rests and handovers: thin green bars above the truck's row."""
    tz = network.tz
    widths = [
        bar_ms(network, b.start, b.end) if b.kind != "handover" else HANDOVER_BAR_MIN * 60_000.0
        for b in breaks
    ]
    return go.Bar(
        orientation="h",
        name="driver's break",
        y=[b.truck_id for b in breaks],
        base=[local(b.start, tz) for b in breaks],
        x=widths,
        offset=0.3,
        customdata=[["", b.kind, "break"] for b in breaks],
        hovertext=[
            f"<b>{b.truck_id}</b> driver {b.driver} · {BREAK_LABELS[b.kind]} "
            f"{hhmm(b.start, tz)}–{hhmm(b.end, tz)} at {b.where}"
            for b in breaks
        ],
        hoverinfo="text",
        marker={"color": BREAK_COLOUR, "line": {"width": 0}},
        width=0.15,
    )


def _flag_markers(
    fig: go.Figure, network: Network, runs: Sequence[Run], trucks: Collection[str]
) -> None:
    """Red crosses on late pours, blue triangles on cold arrivals (trucks shown only)."""
    tz = network.tz
    flagged = [(r, run_flags(network, r)) for r in runs]
    for flag, symbol, colour in (("late", "x", "#dc2626"), ("cold", "triangle-down", "#0284c7")):
        hits = [r for r, flags in flagged if flag in flags and r.truck_id in trucks]
        if hits:
            fig.add_trace(
                go.Scatter(
                    mode="markers",
                    name=f"{flag} run",
                    y=[r.truck_id for r in hits],
                    x=[local(r.pour_start, tz) for r in hits],
                    customdata=[[r.run_id, flag, ""] for r in hits],
                    hovertext=[f"{flag}: run {r.run_id} (order {r.order_id})" for r in hits],
                    hoverinfo="text",
                    marker={"symbol": symbol, "size": 12, "color": colour},
                )
            )


def _now_line(fig: go.Figure, network: Network, now: datetime) -> None:
    """A dashed vertical line at the dispatcher's clock, labelled."""
    tz = network.tz
    fig.add_vline(x=local(now, tz), line_width=2, line_dash="dash", line_color="#111827")
    fig.add_annotation(
        x=local(now, tz), y=1.02, yref="paper", text=f"now {hhmm(now, tz)}", showarrow=False
    )


def _layout(fig: go.Figure, network: Network, trucks: list[str], title: str | None) -> None:
    """One category row per truck (first at the top), a wall-clock time axis."""
    fig.update_layout(
        title=title,
        barmode="overlay",
        height=max(260, 34 * len(trucks) + 140),
        margin={"l": 10, "r": 10, "t": 50 if title else 30, "b": 40},
        # beside the chart, at its top: read with the bars, whatever the number of trucks
        legend={
            "orientation": "v",
            "x": 1.01,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "top",
            "groupclick": "toggleitem",
        },
        xaxis={"type": "date", "tickformat": "%H:%M", "title": f"time ({network.timezone})"},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(reversed(trucks)),
            "title": "truck",
        },
    )


def truck_gantt(
    network: Network,
    travel: Travel,
    runs: Sequence[Run],
    *,
    truck_starts: Sequence[TruckStart] = (),
    now: datetime | None = None,
    frozen: Collection[str] = (),
    changes: Mapping[str, str] | None = None,
    ghosts: Sequence[Run] = (),
    title: str | None = None,
    breaks: Sequence[DriverBreak] = (),
) -> go.Figure:
    """One row per truck used; bars for fills, drives, pours and returns, and the
    drivers' breaks.

    Parameters
    ----------
    network : Network
        Fleet, sites, orders (for the late flag) and the timezone.
    travel : Travel
        The network's travel model (the drives of the truck-day timeline).
    runs : sequence of Run
        The plan's runs.
    truck_starts : sequence of TruckStart
        Where trucks start their day when not at home.
    now : datetime, optional
        The dispatcher's clock: runs poured by then are ``done``, runs filled by then
        ``frozen``; a vertical line marks it.
    frozen : collection of str
        Run ids kept as facts whatever ``now`` says.
    changes : mapping, optional
        ``run_id -> "new" | "moved"``: outlined in green / pink (a re-plan's preview).
    ghosts : sequence of Run
        Runs of the previous plan that were moved or dropped, drawn faint where they
        were.
    title : str, optional
        Figure title.
    breaks : sequence of DriverBreak
        The drivers' rests and handovers (``plan.breaks``): thin green bars at the top
        of each truck's row (``customdata`` ``["", kind, "break"]``).

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars (``base`` = start, ``x`` = real duration in ms, :func:`bar_ms`)
        on a date axis; each
        bar's ``customdata`` holds ``[run_id, kind, status]``; red crosses mark late
        pours, blue triangles cold arrivals.
    """
    changes = changes or {}
    by_id = {r.run_id: r for r in runs}
    segments = truck_segments(network, travel, runs, truck_starts)
    trucks = sorted({s.truck_id for s in segments})
    fig = go.Figure()
    groups: dict[tuple[str, str], list[Segment]] = {}
    for s in segments:
        groups.setdefault((_segment_status(s, runs, by_id, now, frozen), s.kind), []).append(s)
    for status in STATUSES:
        for kind in ("return", "drive", "fill", "pour"):
            items = groups.get((status, kind))
            if items:
                fig.add_trace(_segment_bars(network, status, kind, items, by_id, changes))
    if ghosts:
        ghost_segments = [
            s for s in truck_segments(network, travel, ghosts) if s.kind in ("fill", "pour")
        ]
        if ghost_segments:
            fig.add_trace(_ghost_bars(network, ghost_segments))
            trucks = sorted(set(trucks) | {s.truck_id for s in ghost_segments})
    shown = [b for b in breaks if b.truck_id in trucks]
    if shown:
        fig.add_trace(_break_bars(network, shown))
    _flag_markers(fig, network, runs, trucks)
    if now is not None:
        _now_line(fig, network, now)
    _layout(fig, network, trucks, title)
    return fig
