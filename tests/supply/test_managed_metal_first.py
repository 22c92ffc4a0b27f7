"""Metal short at the smelter: a managed furnace's ladles before the casters' orders.

The network: tiny with C1's ADC12 furnace on managed supply (C1 open around the clock;
10 t capacity, minimum 1.5 t, starting the day at 9 t and drawing 0.5 t/h all day, so
it reaches its minimum at 15:00), ADC12 made at S1 only and only its 9 t of stock (no
production during the day), and C2's 9 t (10:00–13:00) of ADC12 ordered (C5's order
is out of S1's thermal reach). Ranked by deadline alone, the order due by 13:00 took
the whole 9 t and every managed ladle was short of metal (``production``): the furnace
ran below its minimum from 15:00 to midnight (540 minutes, 4.5 t of ingots). A managed
ladle left out costs 3,552.5 CNY/t against an order's 552.5 (the drop penalties), so
now the order's ladles give up their metal to the managed ones: the furnace stays at
its minimum and the order's tonnes are unserved for ``production`` instead.
"""

from __future__ import annotations

import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.network.model import Network
from logistics.plan.options import PlanOptions
from logistics.planning.managed import MANAGED_PREFIX
from tests.conftest import copy_tiny

START_T, MIN_T, DRAW_T_PER_H = 9.0, 1.5, 0.5
CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    f"C1,ADC12,managed,10,{MIN_T},{START_T},0.0,24.0,{DRAW_T_PER_H},\n"
)


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder = copy_tiny(tmp_path_factory.mktemp("short") / "net")
    orders = (folder / "orders.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in orders if ",C1,ADC12," not in line]
    (folder / "orders.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    rows = (folder / "production.csv").read_text(encoding="utf-8").splitlines()
    rows = [r for r in rows if not r.startswith("S2,ADC12,")]
    rows = ["S1,ADC12,0,9,730,780" if r.startswith("S1,ADC12,") else r for r in rows]
    (folder / "production.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "consumption.csv").write_text(CONSUMPTION, encoding="utf-8")
    return load_network(folder)


@pytest.fixture(scope="module")
def outcome(short: Network) -> PlanOutcome:
    return plan_day(short, PlanOptions(solver="greedy", time_limit_s=5))


def _lowest(network: Network, outcome: PlanOutcome) -> float:
    """C1/ADC12's lowest level over the day (t), from the plan's runs alone."""
    pours = [
        (network.minutes(r.pour_start), network.minutes(r.pour_end), r.tonnes)
        for r in outcome.plan.runs
        if (r.caster_id, r.alloy) == ("C1", "ADC12")
    ]
    return min(
        START_T
        - DRAW_T_PER_H / 60 * m
        + sum(t * min(1.0, max(0.0, (m - s) / (e - s))) for s, e, t in pours)
        for m in range(1441)
    )


def test_the_managed_furnace_gets_the_short_metal_before_the_orders(
    short: Network, outcome: PlanOutcome
) -> None:
    plan = outcome.plan
    assert outcome.report.ok and check(short, plan).ok
    # the furnace never falls below its minimum (it would from 15:00 without metal)
    assert _lowest(short, outcome) >= MIN_T - 1e-3
    managed_t = sum(r.tonnes for r in plan.runs if r.order_id.startswith(MANAGED_PREFIX))
    ordered_t = sum(
        r.tonnes for r in plan.runs if r.alloy == "ADC12" and not r.order_id.startswith("M-")
    )
    assert managed_t >= 0.5 * 24 - (START_T - MIN_T) - 1e-6  # the day's need, 4.5 t
    assert managed_t + ordered_t <= 9.0 + 1e-6  # the smelter's 9 t, no more
    # no managed delivery left short of metal; the orders' tonnes are
    assert not [u for u in plan.unserved if u.order_id.startswith(MANAGED_PREFIX)]
    lost = {u.order_id: u.reason for u in plan.unserved if u.alloy == "ADC12"}
    assert lost["O2"] == "production"  # (C5's O7 is out of S1's thermal reach)
    assert plan.supply is not None
    (furnace,) = plan.supply.furnaces
    assert furnace.minutes_below_min == 0 and furnace.emergency_ingot_t == 0
