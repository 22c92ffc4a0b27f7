"""A trip short of ladles filled at another smelter of its jobs, planned and checked.

``tests/data/ladle_elsewhere``: one truck of two ladles and two orders of 3 t at one
caster, both assigned to the nearer smelter S1 (its metal is there in time), whose pool
has one ladle; S2, a little farther, makes the same alloy and has two hot ladles. The
routes fill both ladles at S1 on one trip: the ladle pass finds a ladle for one fill
only, and the truck is back too late for a second trip. Moved whole to S2, the trip gets
a ladle for each fill and both orders are served.
"""

from __future__ import annotations

import pytest

import logistics.planning.solve as solve
from logistics.check import check
from logistics.network.loader import load_network
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from tests.conftest import TEST_DATA

OPTIONS = PlanOptions(solver="ortools", time_limit_s=5, workers=1, seed=0)


def test_without_the_move_one_order_is_unserved_for_ladles(monkeypatch) -> None:
    monkeypatch.setattr(solve, "FILL_ELSEWHERE", False)
    network = load_network(TEST_DATA / "ladle_elsewhere")
    plan = plan_day(network, OPTIONS).plan
    assert check(network, plan).ok
    assert plan.summary.tonnes_unserved.get("ladles") == pytest.approx(3.0)
    assert sum(r.tonnes for r in plan.runs) == pytest.approx(3.0)


def test_the_trip_short_of_ladles_fills_at_the_other_smelter() -> None:
    network = load_network(TEST_DATA / "ladle_elsewhere")
    plan = plan_day(network, OPTIONS).plan
    report = check(network, plan)
    assert report.ok, report.violations
    assert plan.unserved == ()
    runs = sorted(plan.runs, key=lambda r: r.fill_start)
    assert sorted(r.order_id for r in runs) == ["O1", "O2"]
    assert {r.smelter_id for r in runs} == {"S2"}
    assert {(r.truck_id, r.trip) for r in runs} == {("T1", 1)}
    # two ladles of S2's pool, one per fill, each at its home smelter
    ladles = {x.ladle_id: x for x in network.ladles}
    assert len({r.ladle_id for r in runs}) == 2
    assert all(ladles[r.ladle_id].home_smelter == "S2" for r in runs)
    assert all(r.pour_end.strftime("%H:%M") <= "08:15" for r in runs)
