"""The ladle's cooling curve: from tap_c at the end of filling to arrival_c at the pour."""

from __future__ import annotations

import pytest

from logistics import PlanOutcome
from logistics.charts import ladle_temperature
from logistics.charts.style import local
from logistics.network.model import Network


def _trace(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def test_curve_starts_at_tap_and_ends_at_arrival(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    for run in tiny_outcome.plan.runs:
        fig = ladle_temperature(tiny, run)
        curve = _trace(fig, "cooling")
        assert curve.y[0] == pytest.approx(run.tap_c)
        # the plan reports the arrival to 0.1 °C
        assert curve.y[-1] == pytest.approx(run.arrival_c, abs=0.06)
        assert curve.x[0] == local(run.fill_end, tiny.tz)
        assert curve.x[-1] == local(run.pour_start, tiny.tz)
        assert list(curve.y) == sorted(curve.y, reverse=True)


def test_caster_minimum_and_margin_lines(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    run = tiny_outcome.plan.runs[0]
    fig = ladle_temperature(tiny, run)
    minimum = tiny.caster_by_id[run.caster_id].min_pour_c
    assert set(_trace(fig, "caster minimum").y) == {minimum}
    assert set(_trace(fig, "minimum + margin").y) == {minimum + tiny.params.thermal.margin_c}
    assert min(_trace(fig, "cooling").y) >= minimum + tiny.params.thermal.margin_c - 0.06
