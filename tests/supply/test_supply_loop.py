"""The closed loop of managed supply: a managed delivery outranks an order, and what a
routed day missed tightens the next decision."""

from __future__ import annotations

import numpy as np

from logistics.network.model import Network
from logistics.network.prices import managed_drop_penalty_per_t, unserved_penalty_per_t
from logistics.physics.travel import Travel
from logistics.pipeline.supply import missed_deliveries
from logistics.plan.model import Plan
from logistics.planning.drop_penalty import drop_penalty_per_t, is_managed_delivery
from logistics.planning.horizon_supply import Missed, decide_deliveries
from logistics.planning.jobs import build_jobs
from logistics.planning.managed import managed_deliveries, with_managed_deliveries
from logistics.planning.objective import plan_value


def test_a_managed_delivery_costs_more_to_drop_than_an_order(managed: Network) -> None:
    delivery = managed_deliveries(managed)[0]
    order = next(o for o in managed.orders if not o.order_id.startswith("M-"))
    params = managed.params
    assert is_managed_delivery(managed, delivery.order_id, delivery.caster_id, delivery.alloy)
    assert drop_penalty_per_t(
        managed, delivery.order_id, delivery.caster_id, delivery.alloy
    ) == managed_drop_penalty_per_t(params)
    assert drop_penalty_per_t(
        managed, order.order_id, order.caster_id, order.alloy
    ) == unserved_penalty_per_t(params)
    assert managed_drop_penalty_per_t(params) == unserved_penalty_per_t(params) + (
        params.supply.stockout_cny_per_h
    )


def test_an_order_named_like_a_delivery_to_an_unmanaged_caster_is_an_order(
    managed: Network,
) -> None:
    unmanaged = {(f.caster_id, f.alloy) for f in managed.furnaces if f.managed}
    order = next(o for o in managed.orders if (o.caster_id, o.alloy) not in unmanaged)
    assert not is_managed_delivery(managed, "M-" + order.order_id, order.caster_id, order.alloy)


def _hours(decided: dict, hours: range) -> float:
    return float(sum(v[list(hours)].sum() for v in decided.values()))


def test_missed_deliveries_move_the_decision_out_of_their_hours(managed: Network) -> None:
    travel = Travel.of(managed)
    plain = decide_deliveries(managed, travel)
    busy = range(8, 20)  # the fleet's hours of the day (06:00–20:00 shifts)
    key = next(iter(plain))
    missed = [Missed(key, 200.0, h * 60.0, h * 60.0 + 59.0, "fleet") for h in busy]
    tight = decide_deliveries(managed, travel, missed)
    assert _hours(plain, busy) > 1.0
    assert _hours(tight, busy) < 0.5 * _hours(plain, busy)


def test_missed_production_limits_the_alloys_tonnes(managed: Network) -> None:
    travel = Travel.of(managed)
    plain = decide_deliveries(managed, travel)
    key = max(plain, key=lambda k: float(plain[k].sum()))
    alloy = key[1]
    made = sum(p.stock_t + 24.0 * p.rate_tph for p in managed.production if p.alloy == alloy)
    missed = [Missed(key, made, 0.0, 0.0, "production")]
    tight = decide_deliveries(managed, travel, missed)
    alloy_t = sum(float(v.sum()) for k, v in tight.items() if k[1] == alloy)
    assert alloy_t < 1e-6 < sum(float(v.sum()) for k, v in plain.items() if k[1] == alloy)


def test_the_feedback_is_the_plans_unserved_managed_deliveries(
    managed: Network, managed_outcome
) -> None:
    plan: Plan = managed_outcome.plan
    assert plan.supply is not None
    ids = {d.order_id for d in plan.supply.deliveries}
    expected = [
        u
        for u in plan.unserved
        if u.order_id in ids and u.reason not in ("no_source", "thermal_reach")
    ]
    fed = missed_deliveries(plan, managed)
    assert [(m.key, m.tonnes, m.reason) for m in fed] == [
        ((u.caster_id, u.alloy), u.tonnes, u.reason) for u in expected
    ]
    by_id = {d.order_id: d for d in plan.supply.deliveries}
    for m, u in zip(fed, expected, strict=True):
        assert np.isclose(m.end_min, managed.minutes(by_id[u.order_id].window_end))


def test_the_optimiser_prices_a_dropped_managed_delivery_above_an_order(
    managed: Network,
) -> None:
    network, deliveries = with_managed_deliveries(managed)
    travel = Travel.of(network)
    book = build_jobs(network, travel)
    ids = {d.order_id for d in deliveries}
    managed_t = sum(j.tonnes for j in book.jobs if j.order_id in ids)
    orders_t = sum(j.tonnes for j in book.jobs if j.order_id not in ids)
    assert managed_t > 0 and orders_t > 0
    value = plan_value(network, travel, [], book)  # nothing served
    params = network.params
    expected = managed_t * managed_drop_penalty_per_t(params) + orders_t * (
        unserved_penalty_per_t(params)
    )
    assert np.isclose(value, expected)
