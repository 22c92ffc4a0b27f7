"""Unserved reasons the planner derives must never be reported by the checker.

Found by solver fuzzing (``python -m benchmarks fuzz``, seed 176): an order whose
earliest possible pour (smelter opens, fills 20 min, drives 101.5 min) misses the end of
its window by 90 s. The planner rounds driving minutes up and calls it ``window``; the
checker used to allow a slack in the other direction and called the reason false.
The network (tests/data/window_by_seconds) is that example as the fuzzer wrote it, on
the daylight-saving day in Europe/Berlin.
"""

from __future__ import annotations

import pytest

from logistics.network.loader import load_network
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from tests.conftest import TEST_DATA


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_a_window_missed_by_seconds_is_a_true_window_reason(solver: str) -> None:
    network = load_network(TEST_DATA / "window_by_seconds")
    outcome = plan_day(network, PlanOptions(solver=solver, time_limit_s=1))
    o1 = [u for u in outcome.plan.unserved if u.order_id == "O1"]
    assert o1 and {u.reason for u in o1} == {"window"}
    assert outcome.report.ok, [str(v) for v in outcome.report.violations]


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_a_smelter_on_the_edge_of_thermal_reach_does_not_decide_the_window(solver: str) -> None:
    """Fuzz seed 501: S1 is 38.2 min from C4 and its metal keeps 38.6 min.

    The planner rounds the drive up (39) and the hold down (38): S1 is out of reach, S2
    cannot make the 06:13–06:43 window, so O6 is ``window``. The checker used to count
    S1 as in reach (38.2 ≤ 38.6, no slack) and called the reason false; a smelter within
    the 2-min slack of its hold limit now leaves the window test unsure. The network
    (tests/data/thermal_edge) is that example as the fuzzer wrote it.
    """
    network = load_network(TEST_DATA / "thermal_edge")
    outcome = plan_day(network, PlanOptions(solver=solver, time_limit_s=1))
    o6 = [u for u in outcome.plan.unserved if u.order_id == "O6"]
    assert o6 and {u.reason for u in o6} == {"window"}
    assert outcome.report.ok, [str(v) for v in outcome.report.violations]
