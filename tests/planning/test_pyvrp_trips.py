"""The PyVRP multi-trip member (``pyvrp-trips``): its routes keep the rules it models,
and its plan, timed and repaired like every member's, passes the checker."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from logistics import check, load_network, plan_day
from logistics.plan.options import PlanOptions
from logistics.planning.portfolio import MEMBERS, SMALL_DAY_PORTFOLIO
from logistics.planning.routing import DELIVERY, PICKUP, RoutingProblem, RoutingResult
from logistics.planning.routing.pyvrp_trips import (
    solve_pyvrp_trips,
    trips_expressible,
    trips_relaxed,
)
from tests.conftest import TEST_DATA
from tests.helpers import objective_from_rows
from tests.planning.test_ladle_bundles import day_problem

REFERENCE_DAY = TEST_DATA / "reference_day"


def _trips(problem: RoutingProblem, route: list[tuple[int, int]]) -> list[list[int]]:
    """A route as trips: each a block of pickups, then deliveries (pair indices)."""
    pair_of = {p.pickup: k for k, p in enumerate(problem.pairs)}
    pair_of.update({p.delivery: k for k, p in enumerate(problem.pairs)})
    trips: list[list[int]] = []
    delivering = True
    for node, _ in route:
        kind = problem.nodes[node].kind
        if kind == PICKUP and delivering:
            trips.append([])
        delivering = kind == DELIVERY
        trips[-1].append(node)
    for trip in trips:
        pickups = [pair_of[n] for n in trip if problem.nodes[n].kind == PICKUP]
        deliveries = [pair_of[n] for n in trip if problem.nodes[n].kind == DELIVERY]
        # The trip pours exactly what it filled, in the order it filled.
        assert pickups == deliveries
    return [[pair_of[n] for n in t if problem.nodes[n].kind == PICKUP] for t in trips]


def _assert_trips_keep_the_modelled_rules(problem: RoutingProblem, result: RoutingResult) -> None:
    served = Counter(node for route in result.routes for node, _ in route)
    assert all(count == 1 for count in served.values())
    for v, route in enumerate(result.routes):
        vehicle = problem.vehicles[v]
        for trip in _trips(problem, route):
            pickups = [problem.nodes[problem.pairs[k].pickup] for k in trip]
            assert len({(n.location, n.group) for n in pickups}) == 1  # one smelter a trip
            assert sum(n.demand for n in pickups) <= vehicle.capacity
            if vehicle.weight_capacity is not None:
                assert sum(n.weight for n in pickups) <= vehicle.weight_capacity
            for k in trip:
                allowed = problem.pairs[k].vehicles
                assert allowed is None or v in allowed
        for node, start in route:
            if problem.nodes[node].kind == DELIVERY:
                assert problem.nodes[node].earliest <= start <= problem.nodes[node].latest


def test_trips_fill_at_one_smelter_on_allowed_trucks_within_their_ladles() -> None:
    # Two smelters and a job only one truck of the mixed fleet may carry.
    problem, _, _ = day_problem(TEST_DATA / "tiny_mixed")
    assert any(p.vehicles is not None for p in problem.pairs)
    assert len({problem.nodes[p.pickup].group for p in problem.pairs}) == 2
    result = solve_pyvrp_trips(problem, time_limit_s=60.0, max_iterations=2000)
    assert result.status == "pyvrp_trips_feasible"
    _assert_trips_keep_the_modelled_rules(problem, result)
    assert sum(len(r) for r in result.routes) >= len(problem.nodes) // 2
    assert trips_relaxed(problem) == ["max_ride", "pickup_latest"]


def test_the_member_plan_passes_the_checker() -> None:
    network = load_network(REFERENCE_DAY)
    options = PlanOptions(
        time_limit_s=300.0, workers=1, solution_limit=10, portfolio=("pyvrp-trips",)
    )
    plan = plan_day(network, options).plan
    assert "pyvrp_trips" in plan.solver.status
    report = check(network, plan)
    assert report.ok, report.violations[:3]
    assert len(report.violations) == 0 and plan.runs
    greedy = plan_day(network, PlanOptions(solver="greedy")).plan
    assert objective_from_rows(network, plan) < objective_from_rows(network, greedy)


def test_the_member_is_second_on_small_days() -> None:
    assert SMALL_DAY_PORTFOLIO[:2] == ("gls-eft-jobs", "pyvrp-trips")
    member = MEMBERS["pyvrp-trips"]
    assert (member.engine, member.start, member.bundled) == ("pyvrp-trips", "none", False)


def test_a_problem_without_pairs_is_refused() -> None:
    problem, _, _ = day_problem(TEST_DATA / "tiny")
    empty = replace(problem, nodes=(), pairs=())
    assert not trips_expressible(empty)
    with pytest.raises(ValueError, match="pairs only"):
        solve_pyvrp_trips(empty, time_limit_s=1.0)
