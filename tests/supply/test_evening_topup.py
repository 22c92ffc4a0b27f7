"""The evening's top-up: a furnace is filled beyond the day's need, so that the next
morning, when every furnace wants metal at once, needs its first delivery later.

The network: tiny with C1's ADC12 furnace on managed supply, 10 t capacity, minimum
1.5 t, starting the day at 9 t and drawing 1 t/h from 06:00 to 14:00 every day (8 t a
day); the trucks work 06:00–20:00. The day's need (to stay at the minimum until 08:00
the next morning, two hours after the first shift) is one 3-t ladle, which leaves
4 t at 24:00: the next morning reaches the minimum at 08:30, in the first hours of
the trucks' day. The top-up adds one more ladle, due by the day's end from 11:00,
when the furnace has room for it (the next day's draw takes it down again): 7 t at
24:00, the minimum reached at 11:30. The top-up is optional: the router prices
leaving it out as a caster's order (ingots), not as a managed delivery, so it leaves
the top-up out before a delivery the level needs. The delivery decision looks at the
plan day alone here (with the default two days it fills this furnace ahead on its
own: the tiny fleet has room all day).

Before, the cut stopped at the day's need; on the samples over three days, the morning
deliveries that need brought (under an hour between the first possible pour and the
deadline) were half of the deliveries the router left unserved for want of a truck.
"""

from __future__ import annotations

import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.network.model import Network
from logistics.network.prices import unserved_penalty_per_t
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.planning.drop_penalty import drop_penalty_per_t
from logistics.planning.managed import MANAGED_PREFIX, managed_deliveries
from tests.conftest import tiny_with_managed_c1

CAPACITY_T, MIN_T, START_T, DRAW_T_PER_H = 10.0, 1.5, 9.0, 1.0
DRAW_FROM_H, DRAW_TO_H = 6.0, 14.0
CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    f"C1,ADC12,managed,{CAPACITY_T},{MIN_T},{START_T},{DRAW_FROM_H},{DRAW_TO_H},{DRAW_T_PER_H},\n"
)

#: The delivery decision looks at the plan day alone (a longer look-ahead fills this
#: furnace ahead of the next day on its own, the fleet having room for it all day).
LOOKAHEAD = "\n[supply]\nlookahead_days = 1\n"


def _drawn(minute: float) -> float:
    """Tonnes C1/ADC12 has drawn by ``minute`` of the day, t (from the consumption)."""
    hours = min(max(minute / 60.0, DRAW_FROM_H), DRAW_TO_H) - DRAW_FROM_H
    return DRAW_T_PER_H * hours


def _levels(network: Network, plan: Plan) -> list[float]:
    """C1/ADC12's level at every whole minute of the day (t), from the plan's runs."""
    pours = [
        (network.minutes(r.pour_start), network.minutes(r.pour_end), r.tonnes)
        for r in plan.runs
        if (r.caster_id, r.alloy) == ("C1", "ADC12")
    ]
    return [
        START_T - _drawn(m) + sum(t * min(1.0, max(0.0, (m - s) / (e - s))) for s, e, t in pours)
        for m in range(1441)
    ]


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder = tiny_with_managed_c1(tmp_path_factory.mktemp("topup") / "net", CONSUMPTION)
    with (folder / "network.toml").open("a", encoding="utf-8") as fh:
        fh.write(LOOKAHEAD)
    return load_network(folder)


@pytest.fixture(scope="module")
def outcome(network: Network) -> PlanOutcome:
    return plan_day(network, PlanOptions(solver="greedy", time_limit_s=5))


def test_the_evening_leaves_the_next_morning_hours_of_metal(
    network: Network, outcome: PlanOutcome
) -> None:
    plan = outcome.plan
    assert outcome.report.ok and check(network, plan).ok
    levels = _levels(network, plan)
    # recomputed from the runs: within the limits all day
    assert min(levels) >= MIN_T - 1e-3
    assert max(levels) <= CAPACITY_T + 1e-3
    # the day's need leaves 4 t at 24:00 (the minimum at 08:30 the next morning); the
    # top-up leaves 7 t, so the next morning's first delivery is due only at 11:30
    assert levels[-1] >= 7.0 - 1e-3
    morning_low_h = DRAW_FROM_H + (levels[-1] - MIN_T) / DRAW_T_PER_H
    assert morning_low_h >= 11.5 - 1e-3
    assert plan.supply is not None
    assert not [u for u in plan.unserved if u.order_id.startswith(MANAGED_PREFIX)]
    assert plan.supply.stockout_furnaces == 0


def test_the_top_up_fits_anywhere_in_its_window(network: Network) -> None:
    cut = sorted(
        (o for o in managed_deliveries(network) if o.order_id.startswith(MANAGED_PREFIX)),
        key=lambda o: o.order_id,
    )
    assert [o.tonnes for o in cut] == [3.0, 3.0]
    topup = cut[-1]
    start, end = network.minutes(topup.window_start), network.minutes(topup.window_end)
    assert end - start >= 60  # a window the evening's trucks can meet
    # poured at any minute of its window, after or before the day's ladle, the furnace
    # stays under its capacity (recomputed from the consumption alone)
    for at in (start, end):
        assert START_T - _drawn(at) + 3.0 + topup.tonnes <= CAPACITY_T + 1e-3
    # optional: left out, it costs what a caster's order costs, less than a needed one
    assert drop_penalty_per_t(network, topup.order_id, "C1", "ADC12") == pytest.approx(
        unserved_penalty_per_t(network.params)
    )
    needed = drop_penalty_per_t(network, cut[0].order_id, "C1", "ADC12")
    assert needed > unserved_penalty_per_t(network.params)
    # the next day's draw (8 t) takes the day's 6 t back down to the minimum and below
    assert START_T - _drawn(1440) + 6.0 - 8.0 < MIN_T
