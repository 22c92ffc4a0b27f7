"""Alike ladle jobs are bundled only where a truck's payload holds the whole bundle.

Fuzzed edge network 9005 gives every truck a payload of one ladle (``payload_t`` in
``fleet.csv``): two ladles of one order used to be bundled all the same, and building
the bundled problem failed ("no vehicle may carry the whole bundle"), so the day fell
back to the dispatcher's plan.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.fuzz import write_random_network
from logistics import load_network, plan_day
from logistics.plan.options import PlanOptions
from logistics.planning.ladle_model import symmetric_groups
from logistics.planning.routing import bundle_pairs
from tests.planning.test_ladle_bundles import day_problem


def test_a_bundle_heavier_than_every_payload_is_searched_job_by_job(tmp_path: Path) -> None:
    write_random_network(tmp_path, 9005)
    problem, _, pair_assignments = day_problem(tmp_path)
    groups = symmetric_groups(problem, pair_assignments)
    assert sorted(k for g in groups for k in g) == list(range(len(problem.pairs)))
    for group in groups:
        weight = sum(problem.nodes[problem.pairs[k].pickup].weight for k in group)
        vehicles = problem.pairs[group[0]].vehicles or range(len(problem.vehicles))
        capacities = [problem.vehicles[v].weight_capacity for v in vehicles]
        assert any(c is None or c >= weight for c in capacities), group
    assert len(bundle_pairs(problem, groups).problem.pairs) == len(groups)
    outcome = plan_day(
        load_network(tmp_path), PlanOptions(time_limit_s=60, workers=1, solution_limit=20)
    )
    assert not outcome.plan.solver.fell_back, outcome.plan.solver.fallback_reason
    assert outcome.report.ok


def test_a_bundle_needs_one_truck_with_both_the_slots_and_the_payload(tmp_path: Path) -> None:
    """Fuzzed edge networks 4022 and 4232: one truck has the ladle slots for a bundle but
    not the payload, another the payload but not the slots; no truck may carry it, so
    its jobs are searched one by one and the day is planned by the optimiser."""
    for seed in (4022, 4232):
        folder = tmp_path / str(seed)
        write_random_network(folder, seed)
        problem, _, pair_assignments = day_problem(folder)
        groups = symmetric_groups(problem, pair_assignments)
        for group in groups:
            pickups = [problem.nodes[problem.pairs[k].pickup] for k in group]
            vehicles = problem.pairs[group[0]].vehicles or range(len(problem.vehicles))
            assert len(group) == 1 or any(
                problem.vehicles[v].capacity >= sum(n.demand for n in pickups)
                and (problem.vehicles[v].weight_capacity or 10**9) >= sum(n.weight for n in pickups)
                for v in vehicles
            ), (seed, group)
        # Building the bundled problem no longer fails; a group it cannot serve in
        # one go is searched one by one.
        bundled = bundle_pairs(problem, groups).problem
        assert len(groups) <= len(bundled.pairs) <= len(problem.pairs)
        outcome = plan_day(
            load_network(folder), PlanOptions(time_limit_s=60, workers=1, solution_limit=20)
        )
        assert not outcome.plan.solver.fell_back, outcome.plan.solver.fallback_reason
        assert outcome.report.ok
