"""The delivery decision looks ahead with each day's own fleet and production.

The managed tiny network over Monday and Tuesday, where on Tuesday a truck is in the
workshop and neither smelter makes ADC12 (dated rows of ``fleet.csv`` and
``production.csv``): Monday's decision, and Monday's routed plan, bring C1's ADC12
furnace (11 t) more metal than when Tuesday is like Monday, and both days pass the checker.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from logistics import load_network
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.pipeline.horizon import HorizonOutcome, plan_horizon
from logistics.pipeline.supply import lookahead_days
from logistics.plan.options import PlanOptions
from logistics.planning.horizon_supply import decide_deliveries
from tests.network.test_dated_rows import with_rows

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)
KEY = ("C1", "ADC12")


@pytest.fixture(scope="module")
def short_tuesday(usual_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with T2 out and no ADC12 made on Tuesday."""
    net = tmp_path_factory.mktemp("short") / "net"
    shutil.copytree(usual_dir, net)
    out = [{"truck_id": "T2", "date": str(TUE), "available": "no"}]
    with_rows(net, "fleet.csv", ["date", "available"], out)
    rows = [
        {"smelter_id": s, "alloy": "ADC12", "rate_tph": "0", "stock_t": "0", "date": str(TUE)}
        for s in ("S1", "S2")
    ]
    with_rows(net, "production.csv", ["date"], rows)
    return net


def _horizon(folder: Path) -> HorizonOutcome:
    def load_day(d: date) -> Network:
        return load_network(folder, d)

    return plan_horizon(load_day, MON, 2, PlanOptions(solver="greedy", time_limit_s=5))


def _delivered(outcome: HorizonOutcome, day: int) -> float:
    """Tonnes the day's runs pour into C1's ADC12 furnace, from the plan's rows, t."""
    runs = outcome.outcomes[day].plan.runs
    return sum(r.tonnes for r in runs if (r.caster_id, r.alloy) == KEY)


def test_the_lookahead_reads_each_days_rows(usual_dir: Path, short_tuesday: Path) -> None:
    same = load_network(usual_dir, MON)
    ahead = lookahead_days(same)
    assert len(ahead) == 1 and ahead[0].fleet == same.fleet  # Tuesday is like Monday
    assert ahead[0].offset_min == 24 * 60.0
    short = load_network(short_tuesday, MON)
    (tuesday,) = lookahead_days(short)
    assert sorted(t.truck_id for t in tuesday.fleet) == ["T1", "T3"]
    assert all(t.shift_start.date() == TUE for t in tuesday.fleet)
    made = {(p.smelter_id, p.alloy): p.rate_tph + p.stock_t for p in tuesday.production}
    assert made[("S1", "ADC12")] == made[("S2", "ADC12")] == 0.0
    assert lookahead_days(short.model_copy(update={"folder": None})) == ()


def test_a_short_tuesday_is_covered_on_monday(usual_dir: Path, short_tuesday: Path) -> None:
    same = load_network(usual_dir, MON)
    short = load_network(short_tuesday, MON)
    assert same.fleet == short.fleet and same.production == short.production  # Monday alike
    usual = decide_deliveries(same, Travel.of(same), ahead=lookahead_days(same))
    ahead = decide_deliveries(short, Travel.of(short), ahead=lookahead_days(short))
    assert ahead[KEY].sum() > usual[KEY].sum() + 1.0
    # without the look-ahead's own rows Monday decides as usual
    blind = decide_deliveries(short, Travel.of(short))
    assert blind[KEY].sum() == pytest.approx(usual[KEY].sum(), abs=1e-6)


def test_the_routed_monday_fills_more_and_both_days_pass_the_checker(
    usual_dir: Path, short_tuesday: Path
) -> None:
    usual, short = _horizon(usual_dir), _horizon(short_tuesday)
    for outcome in (usual, short):
        assert [o.report.ok for o in outcome.outcomes] == [True, True]
    assert _delivered(short, 0) > _delivered(usual, 0)
    # Tuesday's plan uses neither the truck out nor ADC12 no smelter makes that day
    tuesday = short.outcomes[1].plan
    assert tuesday.plan_date == MON + timedelta(days=1)
    assert all(r.truck_id != "T2" for r in tuesday.runs)
    assert all(r.alloy != "ADC12" for r in tuesday.runs)
    # so C1 enters Tuesday fuller, by the pours of Monday's rows
    start = {(f.caster_id, f.alloy): f.start_level_t for f in short.networks[1].furnaces}
    usual_start = {(f.caster_id, f.alloy): f.start_level_t for f in usual.networks[1].furnaces}
    assert start[KEY] > usual_start[KEY]


def test_a_folder_gone_where_the_day_is_planned_looks_ahead_with_the_plan_day(
    short_tuesday: Path, tmp_path: Path
) -> None:
    # e.g. a Dask worker on another machine: the network travelled, its folder did not
    loaded = load_network(short_tuesday, MON)
    assert len(lookahead_days(loaded)) >= 1
    moved = loaded.model_copy(update={"folder": tmp_path / "not-here"})
    assert lookahead_days(moved) == ()
