"""The routing core's OR-Tools search: limits and the status it reports."""

from __future__ import annotations

from logistics.planning.routing import solve_routing
from tests.planning.routing_problems import line_problem, route_problems


def test_a_stop_at_the_solution_limit_is_reported_as_such() -> None:
    problem = line_problem(pairs=20, capacity=3, penalty=10_000)
    result = solve_routing(problem, time_limit_s=30, solution_limit=3)
    assert result.status == "partial_success_solution_limit"
    assert result.solutions == 3
    assert route_problems(problem, result) == []


def test_a_stop_at_the_clock_never_claims_the_solution_limit() -> None:
    problem = line_problem(pairs=20, capacity=3, penalty=10_000)
    result = solve_routing(problem, time_limit_s=1, solution_limit=1_000_000)
    assert result.status != "partial_success_solution_limit"
    assert result.objective is not None
    assert route_problems(problem, result) == []
