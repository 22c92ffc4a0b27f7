"""A re-plan's value counts its new trips after the runs under way.

The optimiser values a re-plan (its judge, the dispatcher's plan against the searched
one, the statistics' ``objective_cny``) without the runs under way, which cost the same
whatever it plans. But a truck's next trip leaves from where its run under way leaves
it, when it is free there: the value priced such a trip from the truck's home instead
(tiny at 08:00: 825 CNY above what the rows cost). The searched plan's
``objective_cny`` is now its rows' objective with the price of change, less what the
runs under way cost by themselves (route cost and superheat, from their rows).
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest

from logistics import PlanOptions, check, load_network, plan_day
from logistics.network.model import Order
from logistics.physics.travel import Travel
from logistics.pipeline import replan
from logistics.plan.diff import plan_change_cost
from logistics.plan.summary import summarise
from tests.conftest import TINY
from tests.helpers import objective_from_rows

replan_module = importlib.import_module("logistics.pipeline.replan")


def test_the_searched_plan_is_valued_as_its_rows_less_the_runs_under_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    network = load_network(TINY)
    current = plan_day(network, PlanOptions(time_limit_s=600, solution_limit=20, workers=1)).plan
    now = network.at(8 * 60)
    caster = network.casters[0]
    start = now + timedelta(hours=network.params.planning.lead_time_h + 1)
    urgent = Order(
        order_id="URGENT",
        caster_id=caster.caster_id,
        alloy=caster.alloys[0],
        tonnes=6.0,
        window_start=start,
        window_end=start + timedelta(hours=2),
        placed_at=now,
    )
    valued: list[Any] = []  # the plans the re-plan weighs: the insert plan, the searched one
    objective = replan_module.replan_objective

    def spy(net: Any, plan: Any, booked: Any) -> Any:
        valued.append(plan)
        return objective(net, plan, booked)

    monkeypatch.setattr(replan_module, "replan_objective", spy)
    options = PlanOptions(time_limit_s=600, solution_limit=10, workers=1, replan_mode="reoptimise")
    result = replan(network, current, now, options, new_orders=[urgent])
    searched = valued[-1]
    changed = result.network
    assert check(changed, searched).ok
    facts = set(result.facts)
    new = [r for r in searched.runs if r not in facts]
    assert {r.truck_id for r in new} & {r.truck_id for r in facts}, "trips after runs under way"
    whole = (
        objective_from_rows(changed, searched)
        + plan_change_cost(changed, result.booked, searched.runs).cost_cny
    )
    alone = summarise(changed, Travel.of(changed), list(facts), (), searched.truck_starts)
    under_way = alone.route_cost_cny + alone.superheat_cny
    assert searched.solver.objective_cny == pytest.approx(whole - under_way, abs=0.02)
