"""The ladles' Gantt chart (logistics/charts/ladle_gantt.py) against the plan's rows."""

from __future__ import annotations

import shutil

import pytest

from logistics.charts import ladle_gantt
from logistics.charts.ladle_gantt import ladle_bars
from logistics.network.loader import load_network
from logistics.physics.travel import Travel
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from tests.conftest import TEST_DATA


@pytest.fixture(scope="module")
def pool_plan(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("chart") / "net"
    shutil.copytree(TEST_DATA / "tiny", folder)
    shutil.copy(TEST_DATA / "tiny_ladles" / "ladles.csv", folder / "ladles.csv")
    network = load_network(folder)
    outcome = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5))
    return network, outcome.travel, outcome.plan


def test_one_bar_of_each_kind_per_run_and_one_per_preheat(pool_plan) -> None:
    network, travel, plan = pool_plan
    bars = ladle_bars(network, travel, plan.runs, plan.preheats)
    for kind in ("fill", "road", "pour", "return"):
        assert sorted(b[0] for b in bars if b[1] == kind) == sorted(
            str(r.ladle_id) for r in plan.runs
        )
    assert len([b for b in bars if b[1] == "preheat"]) == len(plan.preheats)
    for ladle, kind, start, end, _ in bars:
        assert end >= start, (ladle, kind)


def test_a_ladle_is_back_after_its_trips_last_pour(pool_plan) -> None:
    network, travel, plan = pool_plan
    returns = [b for b in ladle_bars(network, travel, plan.runs, plan.preheats) if b[1] == "return"]
    for r, (_, _, start, end, _) in zip([r for r in plan.runs if r.ladle_id], returns, strict=True):
        last = max(
            (x for x in plan.runs if (x.truck_id, x.trip) == (r.truck_id, r.trip)),
            key=lambda x: x.pour_end,
        )
        assert start == r.pour_end and end > last.pour_end


def test_the_figure_has_a_row_per_ladle(pool_plan) -> None:
    network, travel, plan = pool_plan
    fig = ladle_gantt(network, travel, plan.runs, plan.preheats)
    rows = set(fig.layout.yaxis.categoryarray)
    assert rows == {r.ladle_id for r in plan.runs} | {p.ladle_id for p in plan.preheats}


def test_no_pool_no_bars(tiny_outcome) -> None:
    plan = tiny_outcome.plan
    network = load_network(TEST_DATA / "tiny")
    assert ladle_bars(network, Travel.of(network), plan.runs, plan.preheats) == []
