"""A managed furnace whose first need comes just after the first possible pour.

The network: tiny with C1's ADC12 furnace on managed supply (C1 is open around the
clock), 10 t capacity, minimum 1.5 t, starting the day at 8.85 t and drawing 1 t/h: it
reaches its minimum at 07:21, ten minutes after the first possible pour (07:11: the
trucks start at 06:00 at S1, one fill bay, a 15-minute fill and the drive). The other
casters' orders as in tiny.

Before, the cut counted the first delivery's window from 04:51 (when 6 t fit under the
capacity), so it looked 2.5 h wide and took a full truck load, two ladles due by 07:20;
no truck can pour before 07:11 and the second ladle of the only truck there in time
could not start by 07:20, so it was left unserved (``fleet``) and every later delivery
was cut as if it had been poured: the furnace ran 3 t short from 07:21 on (266 minutes
below its minimum, 2.07 t of ingots, greedy). Now a window's width counts from the first
possible pour, and a window narrower than ``[supply] min_window_h`` takes the smallest
load: one ladle due by 07:20, the next when the level needs it.
"""

from __future__ import annotations

import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.network.model import Network
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from tests.conftest import copy_tiny

START_T, MIN_T, DRAW_T_PER_H = 8.85, 1.5, 1.0
CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    f"C1,ADC12,managed,10,{MIN_T},{START_T},0.0,24.0,{DRAW_T_PER_H},\n"
)
#: The first possible pour at C1: 06:00, the fill at S1 (15 min) and the drive, min.
FIRST_POUR_MIN = 431


def _levels(network: Network, plan: Plan) -> list[float]:
    """C1/ADC12's level at every whole minute (t), from the plan's runs alone."""
    pours = [
        (network.minutes(r.pour_start), network.minutes(r.pour_end), r.tonnes)
        for r in plan.runs
        if (r.caster_id, r.alloy) == ("C1", "ADC12")
    ]
    return [
        START_T
        - DRAW_T_PER_H / 60 * m
        + sum(t * min(1.0, max(0.0, (m - s) / (e - s))) for s, e, t in pours)
        for m in range(1441)
    ]


@pytest.fixture(scope="module")
def narrow(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder = copy_tiny(tmp_path_factory.mktemp("narrow") / "net")
    orders = (folder / "orders.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in orders if ",C1,ADC12," not in line]
    (folder / "orders.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    (folder / "consumption.csv").write_text(CONSUMPTION, encoding="utf-8")
    return load_network(folder)


@pytest.fixture(scope="module")
def outcome(narrow: Network) -> PlanOutcome:
    return plan_day(narrow, PlanOptions(solver="greedy", time_limit_s=5))


def test_a_narrow_first_window_takes_one_ladle_and_the_furnace_holds(
    narrow: Network, outcome: PlanOutcome
) -> None:
    plan = outcome.plan
    assert outcome.report.ok and check(narrow, plan).ok
    levels = _levels(narrow, plan)
    # the level alone reaches the minimum ten minutes after the first possible pour
    reaches = (START_T - MIN_T) / DRAW_T_PER_H * 60
    assert FIRST_POUR_MIN < reaches < FIRST_POUR_MIN + 15
    into_c1 = [r for r in plan.runs if (r.caster_id, r.alloy) == ("C1", "ADC12")]
    assert min(narrow.minutes(r.pour_start) for r in into_c1) == pytest.approx(FIRST_POUR_MIN)
    # by its runs, the furnace never falls below its minimum (before, from 07:21 on)
    assert min(levels) >= MIN_T - 1e-3
    # the metal due by the morning's need is one ladle, poured: none of it left unserved
    assert plan.supply is not None
    early = [d for d in plan.supply.deliveries if narrow.minutes(d.window_end) <= reaches]
    assert [d.tonnes for d in early] == [3.0]
    assert not [u for u in plan.unserved if u.order_id in {d.order_id for d in early}]
