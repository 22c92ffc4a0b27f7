"""Economics figures against the library's own figures."""

from __future__ import annotations

import pytest

from logistics.charts import route_cost_bars, saving_vs_distance, sensitivity_lines
from logistics.economics import cost_report, practical_radius, sensitivity
from logistics.network.params import Params


def test_route_bars_stack_to_the_totals() -> None:
    report = cost_report(Params(), distance_km=30)
    fig = route_cost_bars(report)
    for route in ("ingot", "liquid"):
        total = sum(t.x[0] for t in fig.data if t.name.startswith(f"{route}:"))
        assert total == pytest.approx(report[route]["total_cny_t"])


def test_saving_curve_and_its_lines() -> None:
    params = Params()
    fig = saving_vs_distance(params, max_km=200, step_km=10)
    saving = next(t for t in fig.data if t.name == "saving")
    at_30 = list(saving.x).index(30)
    assert saving.y[at_30] == pytest.approx(cost_report(params, 30)["saving_cny_t"])
    radius = practical_radius(params)
    lines = {s.name: s.x0 for s in fig.layout.shapes if s.name}
    assert lines["break-even"] == pytest.approx(radius.break_even_km)
    assert lines["thermal reach"] == pytest.approx(radius.thermal_reach_km)


def test_one_sensitivity_line_per_value() -> None:
    frame = sensitivity(Params(), distances_km=[0, 50, 100], gas_prices=[3.0, 4.05, 5.0])
    fig = sensitivity_lines(frame, "gas_price_cny_m3")
    assert len(fig.data) == 3
    # dearer gas makes remelting ingots dearer: the saving grows with the gas price
    at_50 = [t.y[list(t.x).index(50)] for t in fig.data]
    assert at_50 == sorted(at_50)
