"""Managed deliveries are still tried when the search overran the day's time limit.

A search that runs past its budget used to leave every job it had not placed
``not_planned_in_time``, untried, managed deliveries included: their furnaces ran low
although trucks had room for them (on the Pearl River Delta's managed days, the largest
cause of stock-outs). Now the managed deliveries, tried first, get a short grace past
the deadline (planning/insert.py ``MANAGED_GRACE_S``); the casters' own orders do not.

Here the managed tiny day is planned as if the search had found nothing and the deadline
had passed before the leftovers were tried. The furnace levels are recomputed from the
plan's runs (cells' draw and pours, not the planner's level curves) and the plan is
checked independently.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import logistics.planning.solve as solve
from logistics import check, load_network, plan_day
from logistics.network.model import Network
from logistics.physics.furnace import draw_per_minute, furnace_bands, inflow_per_minute
from logistics.pipeline.supply import furnace_pours
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.planning.managed import MANAGED_PREFIX


def _overrun(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plan as if the search had placed nothing and run past the day's deadline."""
    monkeypatch.setattr(
        solve,
        "greedy_plan",
        lambda ctx, assigned, states, bays, work=None: ([], [a.job for a in assigned]),
    )
    repaired = solve._repaired

    def late(day, state, trips, left, stats, until):  # type: ignore[no-untyped-def]
        # monotonic 0: long past; the pass's one grace starts as its leftovers are tried
        return repaired(day, state, trips, left, stats, solve._until(state, 0.0))

    monkeypatch.setattr(solve, "_repaired", late)


def _lowest_above_min(network: Network, plan: Plan) -> dict[tuple[str, str], float]:
    """Each managed furnace's lowest level less its minimum, t, from the plan's runs."""
    weekday = network.plan_date.weekday()
    margin = {}
    for f in network.furnaces:
        if not f.managed:
            continue
        draw = draw_per_minute(furnace_bands(f, network.consumption), weekday)
        inflow = inflow_per_minute(furnace_pours(network, f, plan.runs))
        levels = f.start_level_t + np.concatenate(([0.0], np.cumsum(inflow - draw)))
        margin[(f.caster_id, f.alloy)] = float(levels.min() - f.min_level_t)
    return margin


@pytest.fixture(scope="module")
def overrun_plan(managed_dir: Path) -> tuple[Network, Plan]:
    network = load_network(managed_dir)
    with pytest.MonkeyPatch.context() as patched:
        _overrun(patched)
        plan = plan_day(network, PlanOptions(solver="greedy", time_limit_s=900)).plan
    return network, plan


def test_managed_deliveries_past_the_deadline_keep_the_furnaces_above_minimum(
    overrun_plan: tuple[Network, Plan],
) -> None:
    network, plan = overrun_plan
    report = check(network, plan)
    assert report.ok, [str(v) for v in report.violations]
    managed_runs = [r for r in plan.runs if r.order_id.startswith(MANAGED_PREFIX)]
    assert managed_runs  # inserted after the deadline
    left = {u.reason for u in plan.unserved if u.order_id.startswith(MANAGED_PREFIX)}
    assert "not_planned_in_time" not in left
    margins = _lowest_above_min(network, plan)
    assert len(margins) == 3 and min(margins.values()) >= -1e-3, margins


def test_the_casters_orders_get_no_grace(overrun_plan: tuple[Network, Plan]) -> None:
    network, plan = overrun_plan
    ordered = {o.order_id for o in network.day_orders}
    assert ordered
    assert not any(r.order_id in ordered for r in plan.runs)
    reasons = {u.reason for u in plan.unserved if u.order_id in ordered}
    assert reasons == {"not_planned_in_time", "no_source"}
