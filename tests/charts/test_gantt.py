"""The truck Gantt: one row per truck used, bars at the runs' own times, statuses, flags."""

from __future__ import annotations

from datetime import timedelta

from logistics import PlanOutcome
from logistics.charts import truck_gantt
from logistics.charts.style import local
from logistics.network.model import Network
from logistics.physics.travel import Travel


def _bars(fig, kind: str) -> dict[str, tuple]:
    """run_id -> (base, end, status) of the bars of one kind."""
    out = {}
    for trace in fig.data:
        if trace.type != "bar":
            continue
        for base, width, data in zip(trace.base, trace.x, trace.customdata, strict=True):
            if data[1] == kind and data[2] != "ghost":
                out[data[0]] = (base, base + timedelta(milliseconds=width), data[2])
    return out


def test_one_row_per_truck_used(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    runs = tiny_outcome.plan.runs
    fig = truck_gantt(tiny, Travel.of(tiny), runs)
    rows = list(fig.layout.yaxis.categoryarray)
    assert sorted(rows) == sorted({r.truck_id for r in runs})
    assert len(rows) == len(set(rows))
    plotted = {y for trace in fig.data for y in trace.y}
    assert plotted == set(rows)


def test_fill_and_pour_bars_start_and_end_at_the_runs_times(
    tiny: Network, tiny_outcome: PlanOutcome
) -> None:
    runs = tiny_outcome.plan.runs
    fig = truck_gantt(tiny, Travel.of(tiny), runs)
    fills, pours = _bars(fig, "fill"), _bars(fig, "pour")
    assert set(fills) == set(pours) == {r.run_id for r in runs}
    for r in runs:
        assert fills[r.run_id][:2] == (local(r.fill_start, tiny.tz), local(r.fill_end, tiny.tz))
        assert pours[r.run_id][:2] == (local(r.pour_start, tiny.tz), local(r.pour_end, tiny.tz))


def test_drives_leave_at_depart_and_reach_the_first_caster_on_arrival(
    tiny: Network, tiny_outcome: PlanOutcome
) -> None:
    runs = tiny_outcome.plan.runs
    drives = _bars(truck_gantt(tiny, Travel.of(tiny), runs), "drive")
    by_trip: dict[tuple[str, int], list] = {}
    for r in runs:
        by_trip.setdefault((r.truck_id, r.trip), []).append(r)
    for trip in by_trip.values():
        first = min(trip, key=lambda r: r.pour_start)
        start, end, _ = drives[first.run_id]
        assert start == local(first.depart, tiny.tz)
        assert end == local(first.arrive, tiny.tz)


def test_status_follows_now(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    runs = tiny_outcome.plan.runs
    now = tiny.at(9 * 60)
    pours = _bars(truck_gantt(tiny, Travel.of(tiny), runs, now=now), "pour")
    for r in runs:
        expected = "done" if r.pour_end <= now else "frozen" if r.fill_start <= now else "planned"
        assert pours[r.run_id][2] == expected
    assert {s for *_, s in pours.values()} >= {"done", "planned"}


def test_late_and_cold_runs_are_flagged(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    runs = list(tiny_outcome.plan.runs)
    clean = truck_gantt(tiny, Travel.of(tiny), runs)
    assert not [t for t in clean.data if t.type == "scatter"]
    late = runs[0]
    window_end = tiny.order_by_id[late.order_id].window_end
    shift = window_end - late.pour_start + timedelta(minutes=30)
    runs[0] = late.model_copy(
        update={"pour_start": late.pour_start + shift, "pour_end": late.pour_end + shift}
    )
    runs[1] = runs[1].model_copy(update={"arrival_c": 600.0})
    fig = truck_gantt(tiny, Travel.of(tiny), runs)
    flags = {t.name: [d[0] for d in t.customdata] for t in fig.data if t.type == "scatter"}
    assert flags == {"late run": [runs[0].run_id], "cold run": [runs[1].run_id]}


def test_changes_are_outlined_and_ghosts_drawn(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    runs = tiny_outcome.plan.runs
    fig = truck_gantt(
        tiny, Travel.of(tiny), runs, changes={runs[0].run_id: "new"}, ghosts=[runs[1]]
    )
    outlined = [
        data[0]
        for trace in fig.data
        if trace.type == "bar" and trace.name != "before the re-plan"
        for data, colour in zip(trace.customdata, trace.marker.line.color, strict=True)
        if colour != "rgba(0,0,0,0)"
    ]
    assert set(outlined) == {runs[0].run_id}
    ghosts = [t for t in fig.data if t.name == "before the re-plan"]
    assert len(ghosts) == 1 and {d[0] for d in ghosts[0].customdata} == {runs[1].run_id}


def _lab(hex_colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB ``#rrggbb``."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def test_fill_drives_and_pour_have_distinct_colours() -> None:
    from itertools import combinations

    from logistics.charts.gantt import COLOURS

    for status, colours in COLOURS.items():
        for (a, ca), (b, cb) in combinations(colours.items(), 2):
            la, lb = _lab(ca), _lab(cb)
            distance = sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)) ** 0.5
            assert distance >= 20, (status, a, b, round(distance, 1))  # ΔE*76: clearly apart


def test_the_legend_sits_beside_the_chart(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    fig = truck_gantt(tiny, Travel.of(tiny), tiny_outcome.plan.runs)
    legend = fig.layout.legend
    assert legend.orientation == "v" and legend.x >= 1.0 and legend.y == 1.0
    names = [t.name for t in sorted(fig.data, key=lambda t: t.legendrank)]
    assert names[:4] == ["fill", "drive loaded", "pour", "drive empty"]
    assert {t.legendgrouptitle.text for t in fig.data if t.type == "bar"} == {"planned"}
