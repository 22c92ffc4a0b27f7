"""Days that used to fail, the model builder's own checks, and the safety net.

* A day whose order window is shorter than the pours of two of its ladles used to fail
  while the routing model was built ("CP Solver fail", exit 1): alike ladles were
  searched as one bundle whose pour window was empty.
* The model builder refuses an empty range itself, naming the node and both bounds.
* When the optimiser fails anyway (raises, or its plan breaks a checker rule),
  ``plan_day`` returns the checked dispatcher's plan, marked ``fallback_dispatcher``.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import logistics.pipeline.day as day_module
import logistics.planning.solve as solve_module
from logistics.network.loader import load_network
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from logistics.plan.stats import FALLBACK_STATUS
from logistics.planning.routing import Node, Vehicle
from logistics.planning.routing.model import ModelInputError, build_model
from tests.conftest import TINY
from tests.helpers import delivered_from_rows
from tests.planning.routing_problems import line_problem


def tonnes_accounted(network, plan) -> dict[str, float]:
    """Delivered + unserved tonnes per order of the day, from the plan's rows."""
    done = {o.order_id: 0.0 for o in network.day_orders}
    for row in (*plan.runs, *plan.unserved):
        done[row.order_id] += row.tonnes
    return done


@pytest.fixture
def short_window_day(tmp_path: Path):
    """tiny with a 6 t order (two ladles) at C1 for 15:30–15:40: one pour takes 15 min."""
    folder = tmp_path / "net"
    shutil.copytree(TINY, folder)
    with (folder / "orders.csv").open("a", encoding="utf-8") as f:
        f.write("O9,C1,ADC12,6,15:30,15:40,2026-11-22T16:00:00+08:00\n")
    return load_network(folder)


def test_two_ladles_in_a_window_shorter_than_two_pours_plan_with_the_optimiser(
    short_window_day,
) -> None:
    network = short_window_day
    # "gls" searches alike ladles two at a time: the bundle that failed.
    outcome = plan_day(network, PlanOptions(time_limit_s=10, portfolio=["gls"], solution_limit=30))
    assert outcome.plan.solver.status != FALLBACK_STATUS
    assert outcome.report.ok, outcome.report.violations
    orders = {o.order_id: o.tonnes for o in network.day_orders}
    assert tonnes_accounted(network, outcome.plan) == pytest.approx(orders)
    # Both ladles can start pouring at 15:30 exactly (two trucks, or one after the other
    # is too late): at least one is delivered.
    o9 = [r for r in outcome.plan.runs if r.order_id == "O9"]
    assert o9 and all(r.pour_start.strftime("%H:%M") <= "15:40" for r in o9)


def test_the_model_builder_names_the_node_and_both_bounds() -> None:
    problem = line_problem(pairs=1)
    bad = replace(problem.nodes[1], earliest=990, latest=970, label="pour of job O9#1 of O9")
    problem = replace(problem, nodes=(problem.nodes[0], bad))
    with pytest.raises(ModelInputError, match=r"pour of job O9#1 of O9.*990.*970"):
        build_model(problem)


def test_the_model_builder_names_a_vehicle_free_after_its_end() -> None:
    problem = line_problem(pairs=1)
    late = Vehicle(0, 0, 2, earliest_start=1300, latest_end=1200, label="truck T7")
    problem = replace(problem, vehicles=(late,))
    with pytest.raises(ModelInputError, match=r"truck T7.*1300.*1200"):
        build_model(problem)


def test_the_model_builder_refuses_a_pair_whose_ride_cannot_be_kept() -> None:
    problem = line_problem(pairs=1)
    pickup = replace(problem.nodes[0], earliest=0, latest=10, label="fill of job O1#1")
    delivery = replace(problem.nodes[1], earliest=200, latest=300)
    pair = replace(problem.pairs[0], max_ride=60)
    problem = replace(problem, nodes=(pickup, delivery), pairs=(pair,))
    with pytest.raises(ModelInputError, match=r"fill of job O1#1.*ride limit 60"):
        build_model(problem)


def test_a_sound_problem_builds() -> None:
    problem = line_problem(pairs=3)
    built = build_model(problem)
    assert built.n_nodes == len(problem.nodes)
    assert isinstance(problem.nodes[0], Node)


def test_an_optimiser_that_raises_falls_back_to_the_checked_dispatchers_plan(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    network = load_network(TINY)

    def broken(*_args, **_kwargs):
        raise RuntimeError("CP Solver fail")

    monkeypatch.setattr(solve_module, "optimize", broken)
    with caplog.at_level(logging.WARNING):
        outcome = plan_day(network, PlanOptions(time_limit_s=5))
    solver = outcome.plan.solver
    assert solver.status == FALLBACK_STATUS and solver.fell_back
    assert solver.fallback_reason == "RuntimeError: CP Solver fail"
    assert outcome.report.ok
    greedy = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5))
    assert delivered_from_rows(outcome.plan) == pytest.approx(delivered_from_rows(greedy.plan))
    assert [r.model_dump(exclude={"run_id"}) for r in outcome.plan.runs] == [
        r.model_dump(exclude={"run_id"}) for r in greedy.plan.runs
    ]
    assert any("optimiser failed" in r.getMessage() for r in caplog.records)


def test_an_optimisers_plan_the_checker_rejects_falls_back_to_the_dispatchers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    network = load_network(TINY)
    real = day_module._planned

    def too_cold(network, travel, options, state, progress, executor):
        plan = real(network, travel, options, state, progress, executor)
        if options.solver != "ortools":
            return plan
        run = plan.runs[0]
        return plan.model_copy(
            update={"runs": (run.model_copy(update={"arrival_c": 500.0}), *plan.runs[1:])}
        )

    monkeypatch.setattr(day_module, "_planned", too_cold)
    outcome = plan_day(network, PlanOptions(time_limit_s=5))
    assert outcome.plan.solver.status == FALLBACK_STATUS
    assert "checker found" in (outcome.plan.solver.fallback_reason or "")
    assert outcome.report.ok
    assert all(r.arrival_c > 600 for r in outcome.plan.runs)


def test_the_dispatchers_own_plan_is_never_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    network = load_network(TINY)
    monkeypatch.setattr(solve_module, "optimize", lambda *a, **k: 1 / 0)
    outcome = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5))
    assert outcome.plan.solver.status == "greedy"
    assert outcome.plan.solver.fallback_reason is None
