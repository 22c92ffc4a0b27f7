"""Managed supply planned and checked: deliveries as orders, levels, and the checker's
furnace rules flagging a broken plan (a pour removed, moved or doubled)."""

from __future__ import annotations

from datetime import timedelta

from logistics import PlanOutcome, check
from logistics.network.model import Network
from logistics.plan.model import Plan
from logistics.planning.caster_rule import own_rule_network
from logistics.planning.managed import MANAGED_PREFIX

#: The checker rules whose mutation tests live here (``furnace_past_day``: in
#: test_pour_past_midnight.py).
FURNACE_RULES = {"furnace_low", "furnace_overflow", "delivery_not_managed", "furnace_past_day"}


def _rules(network: Network, plan: Plan) -> set[str]:
    return {v.rule for v in check(network, plan).violations}


def test_the_managed_day_is_valid_and_keeps_every_furnace_above_its_minimum(
    managed: Network, managed_outcome: PlanOutcome
) -> None:
    plan = managed_outcome.plan
    assert managed_outcome.report.ok, managed_outcome.report.violations
    assert check(managed, plan).ok  # the loaded network, deliveries read from the plan
    assert plan.supply is not None and plan.supply.deliveries
    assert all(o.order_id.startswith(MANAGED_PREFIX) for o in plan.supply.deliveries)
    served = {r.order_id for r in plan.runs} | {u.order_id for u in plan.unserved}
    assert {o.order_id for o in plan.supply.deliveries} <= served
    for f in plan.supply.furnaces:
        assert min(f.levels_t) >= f.min_level_t - 1e-6, f.caster_id
        assert max(f.levels_t) <= f.capacity_t + 1e-6, f.caster_id
    assert plan.supply.stockout_furnaces == 0 and plan.supply.emergency_ingot_cny == 0


def test_ordered_casters_are_planned_beside_managed_ones(
    managed: Network, managed_outcome: PlanOutcome
) -> None:
    ordered = {o.order_id for o in managed.day_orders}
    assert ordered and ordered <= {r.order_id for r in managed_outcome.plan.runs} | {
        u.order_id for u in managed_outcome.plan.unserved
    }


def _managed_runs(plan: Plan) -> list[int]:
    return [k for k, r in enumerate(plan.runs) if r.order_id.startswith(MANAGED_PREFIX)]


def test_a_pour_removed_is_a_stock_out(managed: Network, managed_outcome: PlanOutcome) -> None:
    plan = managed_outcome.plan
    first = plan.runs[_managed_runs(plan)[0]]
    key = (first.caster_id, first.alloy)
    kept = tuple(r for r in plan.runs if (r.caster_id, r.alloy) != key)  # its pours removed
    assert "furnace_low" in _rules(managed, plan.model_copy(update={"runs": kept}))


def test_a_pour_doubled_overflows(managed: Network, managed_outcome: PlanOutcome) -> None:
    plan = managed_outcome.plan
    k = _managed_runs(plan)[0]
    runs = list(plan.runs)
    runs.insert(k, runs[k].model_copy(update={"run_id": "R9999"}))
    assert "furnace_overflow" in _rules(managed, plan.model_copy(update={"runs": tuple(runs)}))


def test_a_pour_moved_early_overflows(managed: Network, managed_outcome: PlanOutcome) -> None:
    plan = managed_outcome.plan
    k = max(_managed_runs(plan), key=lambda i: plan.runs[i].pour_start)
    run = plan.runs[k]
    caster = managed.caster_by_id[run.caster_id]
    shift = run.pour_start - max(caster.open, managed.at(0))
    moved = run.model_copy(
        update={
            name: getattr(run, name) - shift
            for name in ("fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end")
        }
    )
    runs = (*plan.runs[:k], moved, *plan.runs[k + 1 :])
    assert "furnace_overflow" in _rules(managed, plan.model_copy(update={"runs": runs}))


def test_a_delivery_for_a_caster_on_orders_is_flagged(
    managed: Network, managed_outcome: PlanOutcome
) -> None:
    plan = managed_outcome.plan
    assert plan.supply is not None
    extra = plan.supply.deliveries[0].model_copy(
        update={"order_id": "M-extra", "caster_id": "C2", "alloy": "ADC12"}
    )
    supply = plan.supply.model_copy(update={"deliveries": (*plan.supply.deliveries, extra)})
    rules = _rules(managed, plan.model_copy(update={"supply": supply}))
    assert "delivery_not_managed" in rules


def test_the_casters_own_rule_orders_full_ladles_with_notice(managed: Network) -> None:
    rule = own_rule_network(managed)
    assert not any(f.managed for f in rule.furnaces)
    added = [o for o in rule.orders if o.order_id.startswith("R-")]
    assert added
    lead = timedelta(hours=managed.params.planning.lead_time_h)
    for o in added:
        assert o.window_start - o.placed_at == lead
        assert o.tonnes == 3.0  # the fleet's ladle
