"""The managed-supply loop keeps the day's time limit, its delivery decisions included
(a controlled clock: no wall-clock time is asserted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pytest

import logistics.pipeline.supply as supply
import logistics.planning.horizon_supply as horizon_supply
from logistics import PlanOutcome
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions

TOTAL_S = 20.0
#: What a delivery decision takes on the clock when it may (s): more than a re-plan's
#: share leaves it, less than the first decision's programme limit alone.
DECISION_S = 3.0


@dataclass
class Clock:
    """A monotonic clock that moves only when told, and what ran on it."""

    now: float = 1000.0
    decisions: list[tuple[float, float]] = field(default_factory=list)  # (start, took)
    passes: list[tuple[float, float]] = field(default_factory=list)  # (start, limit)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The loop's clock (only :mod:`logistics.pipeline.supply`'s)."""
    found = Clock()
    monkeypatch.setattr(supply, "time", SimpleNamespace(monotonic=found))
    return found


def _loop(
    monkeypatch: pytest.MonkeyPatch, clock: Clock, managed: Network, plan: Plan, total: float
) -> tuple[Network, Plan]:
    """Run the loop on the managed tiny day with a decision that takes
    :data:`DECISION_S` (within its own limits, as the real one honours them) and a
    router that takes its whole time limit; a furnace stays low after every pass."""

    def decide(network, travel, missed=(), limit_s=10.0, ahead=(), search_s=None, **kw):
        # the whole decision within budget_s when given, else its programme's limit
        # and its search's (what the decision honours)
        budget = kw.get("budget_s")
        allowed = limit_s + (search_s or 0.0) if budget is None else budget
        took = min(DECISION_S, max(0.0, allowed))
        clock.decisions.append((clock.now, took))
        clock.now += took
        return {}

    def planned(network: Network, options: PlanOptions) -> Plan:
        clock.passes.append((clock.now, options.time_limit_s))
        clock.now += options.time_limit_s
        return plan

    monkeypatch.setattr(supply, "decide_deliveries", decide)
    monkeypatch.setattr(supply, "low_furnaces", lambda p: {("C1", "ADC12")})
    return supply.plan_supplied(
        managed, planned, PlanOptions(time_limit_s=total), Travel.of(managed)
    )


@pytest.mark.parametrize(("total", "replans"), [(TOTAL_S, 1), (40.0, 2), (8.0, 0)])
def test_the_managed_loop_keeps_the_days_time_limit_decisions_included(
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
    managed: Network,
    managed_outcome: PlanOutcome,
    total: float,
    replans: int,
) -> None:
    started = clock.now
    _, kept = _loop(monkeypatch, clock, managed, managed_outcome.plan, total)
    took = clock.now - started
    assert kept.supply is not None
    # the decisions and the passes (the clock moves only inside them) end within the
    # day's limit: the first decision is no longer on top of it, nor a re-plan's
    # decision on top of its share
    assert took <= total + 1e-9
    # the first pass is not starved for the re-plans: it routes for at least
    # FIRST_PASS_SHARE less DECISION_SHARE of the limit
    first_limit = clock.passes[0][1]
    assert first_limit >= (supply.FIRST_PASS_SHARE - supply.DECISION_SHARE) * total - 1e-9
    # the re-plans that fit ran (the furnace stayed low), each routing for its minimum;
    # a day too short for one gives the first pass the whole limit
    assert kept.supply.repair_passes == replans
    assert len(clock.passes) == 1 + replans
    assert min(lim for _, lim in clock.passes) >= supply.MIN_PASS_S
    if replans == 0:
        assert took == pytest.approx(total)


def test_a_replan_without_time_for_its_minimum_does_not_start(
    monkeypatch: pytest.MonkeyPatch, clock: Clock, managed: Network, managed_outcome: PlanOutcome
) -> None:
    # the first pass overruns its moment by the whole re-plans' share (a router late
    # by that much): no re-plan is left the time for a decision and a routing
    plan = managed_outcome.plan
    late = TOTAL_S * (1.0 - supply.FIRST_PASS_SHARE)

    def planned(network: Network, options: PlanOptions) -> Plan:
        clock.passes.append((clock.now, options.time_limit_s))
        clock.now += options.time_limit_s + (late if len(clock.passes) == 1 else 0.0)
        return plan

    monkeypatch.setattr(supply, "decide_deliveries", lambda *a, **kw: {})
    monkeypatch.setattr(supply, "low_furnaces", lambda p: {("C1", "ADC12")})
    started = clock.now
    _, kept = supply.plan_supplied(
        managed, planned, PlanOptions(time_limit_s=TOTAL_S), Travel.of(managed)
    )
    assert kept.supply is not None and kept.supply.repair_passes == 0
    assert len(clock.passes) == 1
    assert clock.now - started == pytest.approx(TOTAL_S)


def test_the_decisions_search_stays_within_its_budget(
    monkeypatch: pytest.MonkeyPatch, managed: Network
) -> None:
    # the decision's clock stands still: its search may take what is left of the
    # budget, not the longer time asked for the search
    from logistics.planning.visit_search import improve_visit_days

    given: list[float] = []

    def search(found, limit_s):  # the real search, at once
        given.append(limit_s)
        return improve_visit_days(found, 0.0)

    monkeypatch.setattr(horizon_supply, "time", SimpleNamespace(monotonic=lambda: 50.0))
    monkeypatch.setattr(horizon_supply, "improve_visit_days", search)
    travel = Travel.of(managed)
    decided = horizon_supply.decide_deliveries(managed, travel, search_s=30.0, budget_s=8.0)
    assert decided and given == [8.0]
    # with less than the shortest search left, the programme's answer is kept
    given.clear()
    short = horizon_supply.MIN_SEARCH_S / 2.0
    kept = horizon_supply.decide_deliveries(managed, travel, search_s=30.0, budget_s=short)
    assert given == []
    assert all(v.shape == (24,) and np.all(v >= 0.0) for v in kept.values())
