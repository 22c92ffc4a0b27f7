"""Interchangeable ladle jobs are searched two at a time, and the plans stay valid."""

from __future__ import annotations

from pathlib import Path

import pytest

import logistics.planning.optimize as optimize_module
from logistics import check, load_network, plan_day
from logistics.physics.travel import Travel
from logistics.plan.options import PlanOptions
from logistics.planning.assign import assign_smelters
from logistics.planning.jobs import build_jobs
from logistics.planning.ladle_model import build_problem, symmetric_groups
from logistics.planning.routing import bundle_pairs
from logistics.planning.schedule import ScheduleContext, initial_states
from tests.conftest import TEST_DATA
from tests.helpers import objective_from_rows

DAYS = [TEST_DATA / "reference_day", TEST_DATA / "tiny_mixed", TEST_DATA / "pearl_river_delta"]


def day_problem(folder: Path):
    network = load_network(folder)
    travel = Travel.of(network)
    book = build_jobs(network, travel)
    assignment = assign_smelters(network, book.jobs, {})
    ctx = ScheduleContext.of(network, travel, assignment.assigned)
    return build_problem(ctx, assignment.assigned, initial_states(network, travel))


@pytest.mark.parametrize("folder", DAYS, ids=lambda p: p.name)
def test_groups_are_alike_jobs_that_one_truck_can_carry(folder: Path) -> None:
    problem, _, pair_assignments = day_problem(folder)
    groups = symmetric_groups(problem, pair_assignments)
    assert sorted(k for g in groups for k in g) == list(range(len(problem.pairs)))
    assert all(1 <= len(g) <= 2 for g in groups)
    for group in groups:
        jobs = [pair_assignments[k] for k in group]
        assert len({(a.job.order_id, a.source.smelter_id) for a in jobs}) == 1
        assert len({problem.pairs[k].vehicles for k in group}) == 1
    # Bundling builds a problem: every bundle has a vehicle that holds it.
    bundled = bundle_pairs(problem, groups).problem
    assert len(bundled.pairs) == len(groups)


def test_the_sample_day_is_searched_in_far_fewer_pairs() -> None:
    problem, _, pair_assignments = day_problem(TEST_DATA / "pearl_river_delta")
    groups = symmetric_groups(problem, pair_assignments)
    assert len(groups) < 0.7 * len(problem.pairs)


@pytest.mark.parametrize("bundled", [True, False], ids=["bundled", "job-by-job"])
def test_plans_with_and_without_bundles_pass_the_checker(
    bundled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(optimize_module, "BUNDLE_JOBS", bundled)
    network = load_network(TEST_DATA / "tiny_mixed")
    outcome = plan_day(network, PlanOptions(time_limit_s=60, solution_limit=20))
    report = check(network, outcome.plan)
    assert report.ok, report.violations[:3]
    greedy = plan_day(network, PlanOptions(solver="greedy")).plan
    assert objective_from_rows(network, outcome.plan) <= objective_from_rows(network, greedy)
