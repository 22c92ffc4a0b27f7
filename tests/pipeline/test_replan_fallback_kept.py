"""A re-optimising re-plan that keeps an insert plan which fell back stays marked.

In ``reoptimise`` mode the insert plan is kept when the search finds nothing cheaper,
and its status then says so. When that insert plan is itself the dispatcher's fallback
(the optimiser's plan broke a checker rule), the fallback must stay visible: the CLI
warns of it, ``--strict`` fails on it and the plan history counts it.
"""

from __future__ import annotations

import pytest

import logistics.pipeline.day as day_module
from logistics.network.loader import load_network
from logistics.pipeline import replan
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.plan.stats import FALLBACK_STATUS
from tests.conftest import TINY


def test_a_kept_insert_plan_that_fell_back_is_still_marked_a_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    network = load_network(TINY)
    morning = day_module.plan_day(network, PlanOptions(solver="greedy", time_limit_s=5)).plan
    real = day_module._planned

    def too_cold(network, travel, options, state, progress, executor) -> Plan:  # type: ignore[no-untyped-def]
        plan = real(network, travel, options, state, progress, executor)
        if options.solver != "ortools" or not plan.runs:
            return plan
        run = plan.runs[0]
        return plan.model_copy(
            update={"runs": (run.model_copy(update={"arrival_c": 500.0}), *plan.runs[1:])}
        )

    monkeypatch.setattr(day_module, "_planned", too_cold)
    options = PlanOptions(time_limit_s=3, replan_mode="reoptimise")
    result = replan(network, morning, network.at(7 * 60), options)
    solver = result.outcome.plan.solver
    assert result.outcome.report.ok
    assert solver.fell_back and solver.status == FALLBACK_STATUS
    assert "checker found" in (solver.fallback_reason or "")
    assert all(r.arrival_c > 600 for r in result.outcome.plan.runs)
