"""Charts of the night the clocks go back: holds, bars and lateness in real time.

Europe/Berlin on 2026-10-25 (:mod:`tests.plan.night`): the greedy plan fills its ladle
at 02:19–02:34 CEST and pours it at 02:30 CET, 56 minutes later though the wall clock
says 4 minutes earlier.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from logistics import PlanOutcome, plan_day
from logistics.charts import ladle_temperature, truck_gantt
from logistics.charts.gantt import run_flags
from logistics.charts.temperature import cooling_curve
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.physics.cooling import temperature_after
from logistics.plan.options import PlanOptions
from tests.plan.night import BERLIN, berlin_night


@pytest.fixture(scope="module")
def night(tmp_path_factory) -> Network:
    return load_network(berlin_night(tmp_path_factory.mktemp("berlin") / "tiny"))


@pytest.fixture(scope="module")
def night_outcome(night: Network) -> PlanOutcome:
    outcome = plan_day(night, PlanOptions(solver="greedy", time_limit_s=5))
    assert outcome.ok, [str(v) for v in outcome.report.violations]
    (run,) = outcome.plan.runs
    assert run.fill_end.astimezone(BERLIN).utcoffset() == timedelta(hours=2)
    assert run.pour_start.astimezone(BERLIN).utcoffset() == timedelta(hours=1)
    return outcome


def _trace(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def test_the_cooling_curve_ends_at_the_arrival_across_the_change(
    night: Network, night_outcome: PlanOutcome
) -> None:
    (run,) = night_outcome.plan.runs
    held_min = night.minutes(run.pour_start) - night.minutes(run.fill_end)
    assert held_min == pytest.approx(56)
    curve = _trace(ladle_temperature(night, run), "cooling")
    assert curve.y[0] == pytest.approx(run.tap_c)
    assert curve.y[-1] == pytest.approx(run.arrival_c, abs=0.06)
    assert list(curve.y) == sorted(curve.y, reverse=True)
    tau = night.truck_by_id[run.truck_id].tau_h
    ambient = night.params.thermal.ambient_c
    assert curve.y[-1] == pytest.approx(temperature_after(run.tap_c, held_min / 60, tau, ambient))


def test_the_cooling_curve_steps_through_real_time(
    night: Network, night_outcome: PlanOutcome
) -> None:
    (run,) = night_outcome.plan.runs
    points = cooling_curve(night, run)
    moments = [night.minutes(m) for m, _ in points]
    assert moments[0] == pytest.approx(night.minutes(run.fill_end))
    assert moments[-1] == pytest.approx(night.minutes(run.pour_start))
    steps = [b - a for a, b in pairwise(moments)]
    assert min(steps) > 0
    assert max(steps) == pytest.approx(min(steps))


def test_bars_are_as_long_as_the_real_time(night: Network, night_outcome: PlanOutcome) -> None:
    (run,) = night_outcome.plan.runs
    fig = truck_gantt(night, night_outcome.travel, night_outcome.plan.runs)
    widths = {}
    for trace in fig.data:
        if trace.type == "bar":
            for width, data in zip(trace.x, trace.customdata, strict=True):
                widths[(data[0], data[1])] = width
    assert all(w >= 0 for w in widths.values())
    drive_ms = (night.minutes(run.arrive) - night.minutes(run.depart)) * 60_000
    assert drive_ms == pytest.approx(56 * 60_000)
    assert widths[(run.run_id, "drive")] == pytest.approx(drive_ms)
    assert widths[(run.run_id, "pour")] == pytest.approx(15 * 60_000)


def test_a_pour_an_hour_late_on_the_repeated_hour_is_flagged(
    night: Network, night_outcome: PlanOutcome
) -> None:
    (run,) = night_outcome.plan.runs
    # An order ending at 02:40 CEST; the pour at 02:30 CET is 50 min after it, though
    # the wall clock shows 10 min before.
    ends = datetime(2026, 10, 25, 2, 40, tzinfo=BERLIN)
    (order,) = night.orders
    late_order = order.model_copy(
        update={"window_start": ends - timedelta(minutes=30), "window_end": ends}
    )
    moved = night.model_copy(update={"orders": (late_order,)})
    assert "late" in run_flags(moved, run)
    on_time = order.model_copy(
        update={"window_end": datetime(2026, 10, 25, 2, 40, fold=1, tzinfo=BERLIN)}
    )
    assert "late" not in run_flags(night.model_copy(update={"orders": (on_time,)}), run)
