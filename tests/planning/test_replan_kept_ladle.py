"""A re-plan on a ladle-pool day leaves a kept run's ladle and preheat to it.

``tests/data/ladle_elsewhere_replan``: S1 has one ladle, L1; the morning plan books T1
for OK (S1 at 11:20) with L1 preheated 09:20-11:20. Runs kept by a re-plan (under way,
and in ``insert`` mode the booked ones) keep their ladle and their preheat as planned,
so a new run may take that ladle only if it is back (and cleaned) by the kept preheat's
start. The pass used to give L1 to a new run on the road until 09:39 and keep OK's
preheat from 09:20 (``preheat``: the ladle is not back) with OK's drop reckoned from
that preheat (``ladle_heat``: the lining, heated by the new run's metal only, takes more
than the 0 °C reported). A preheat already started at the re-plan's moment stays as it
is even when its run is planned again, and no new preheat starts before that moment.
"""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest

from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.model import Network, Order
from logistics.pipeline import plan_day, replan
from logistics.plan.model import Plan, Run
from logistics.plan.options import PlanOptions

DATA = Path(__file__).resolve().parents[1] / "data" / "ladle_elsewhere_replan"
PLACED = datetime.fromisoformat("2026-11-22T16:00:00+08:00")
GREEDY = PlanOptions(solver="greedy", time_limit_s=2, workers=1, seed=0)


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(DATA)


@pytest.fixture(scope="module")
def morning(network: Network) -> Plan:
    plan = plan_day(network, GREEDY).plan
    assert check(network, plan).ok
    (booked,) = plan.runs
    (heat,) = plan.preheats
    assert (booked.order_id, booked.ladle_id, heat.ladle_id, heat.end) == (
        "OK",
        "L1",
        "L1",
        booked.fill_start,
    )
    return plan


def _order(network: Network, order_id: str, tonnes: float, start: int, end: int) -> Order:
    return Order(
        order_id=order_id,
        caster_id="C1",
        alloy="ADC12",
        tonnes=tonnes,
        window_start=network.at(start),
        window_end=network.at(end),
        placed_at=PLACED,
    )


def _violations(network: Network, plan: Plan) -> list[str]:
    return [f"{v.rule}: {v.message}" for v in check(network, plan).violations]


def _ladle_runs(plan: Plan, ladle_id: str) -> list[Run]:
    return sorted((r for r in plan.runs if r.ladle_id == ladle_id), key=lambda r: r.fill_start)


@pytest.mark.parametrize("mode", ["insert", "reoptimise"])
def test_a_new_run_leaves_the_booked_runs_ladle_and_preheat(
    network: Network, morning: Plan, mode: str
) -> None:
    new = [
        _order(network, "N0", 3, 9 * 60 + 15, 10 * 60 + 15),
        _order(network, "N1", 3, 8 * 60, 9 * 60),
        _order(network, "N2", 6, 11 * 60, 13 * 60),
    ]
    options = GREEDY.model_copy(update={"replan_mode": mode})
    res = replan(network, morning, network.at(7 * 60), options, new_orders=new)
    plan = res.outcome.plan
    assert res.outcome.ok and _violations(res.network, plan) == []
    (booked,) = morning.runs
    (kept,) = [r for r in plan.runs if r.order_id == "OK"]
    # the booked run at its truck and times (its driver's brief as it was)
    assert (kept.truck_id, kept.fill_start, kept.pour_end) == (
        booked.truck_id,
        booked.fill_start,
        booked.pour_end,
    )
    if mode == "reoptimise":
        return  # its ladle and preheat planned again, the drop the checker's
    # insert: kept as it was, ladle, drop and preheat
    assert (kept.ladle_id, kept.ladle_drop_c) == (booked.ladle_id, booked.ladle_drop_c)
    (heat,) = morning.preheats
    assert heat in plan.preheats
    # no other run has L1 between the preheat's start and OK's pour end
    others = [r for r in _ladle_runs(plan, "L1") if r.run_id != kept.run_id]
    assert others, "a new run has L1 too, outside OK's hold on it"
    for r in others:
        assert r.pour_end <= heat.start or r.fill_start >= kept.pour_end, r


def test_a_preheat_under_way_stays_when_its_run_is_planned_again(
    network: Network, morning: Plan
) -> None:
    """At 10:00 L1 has been on its stand since 09:20 for OK; a re-optimised re-plan of
    an order at 11:00 used to drop that preheat and book L1 on the stand 08:35-10:35
    (before the re-plan's moment) for the new run."""
    now = network.at(10 * 60)
    options = GREEDY.model_copy(update={"replan_mode": "reoptimise"})
    new = [_order(network, "N1", 3, 11 * 60, 12 * 60)]
    res = replan(network, morning, now, options, new_orders=new)
    plan = res.outcome.plan
    assert res.outcome.ok and _violations(res.network, plan) == []
    (heat,) = morning.preheats
    assert heat in plan.preheats
    assert all(p.start >= now for p in plan.preheats if p != heat)
    l1 = _ladle_runs(plan, "L1")
    assert l1 and all(r.fill_start >= heat.end for r in l1)


@pytest.mark.parametrize("seed", range(10))
def test_random_new_orders_replan_to_valid_plans(
    network: Network, morning: Plan, seed: int
) -> None:
    """Random new orders at 07:00 (the check that found the bug: half such re-plans
    broke ``preheat`` and ``ladle_heat``), in both modes."""
    rng = random.Random(seed)
    new = []
    for k in range(rng.randint(1, 3)):
        start = rng.randrange(8 * 60, 14 * 60, 15)
        width = rng.choice([30, 60, 120])
        new.append(_order(network, f"N{k}", rng.choice([3, 6]), start, start + width))
    for mode in ("insert", "reoptimise"):
        options = GREEDY.model_copy(update={"replan_mode": mode})
        res = replan(network, morning, network.at(7 * 60), options, new_orders=new)
        assert _violations(res.network, res.outcome.plan) == [], (seed, mode)
        (kept,) = [r for r in res.outcome.plan.runs if r.order_id == "OK"]
        assert kept.fill_start == morning.runs[0].fill_start
