"""The routing core's OR-Tools search: limits and the status it reports."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from ortools.constraint_solver import pywrapcp

import logistics.planning.routing.search as search_module
from logistics.planning.routing import RoutingProblem, solve_routing
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


def test_earlier_solutions_are_kept_by_the_search_path_not_the_clock() -> None:
    problem = line_problem(pairs=20, capacity=3, penalty=10_000)
    first = solve_routing(problem, time_limit_s=30, solution_limit=60, snapshots=6)
    again = solve_routing(problem, time_limit_s=30, solution_limit=60, snapshots=6)
    improving = len(first.log)
    assert improving > 6, "the test needs more improving solutions than snapshots"
    # Every ``step``-th improving solution, ``step`` the least power of two that keeps
    # at most 6: between half and all of the 6.
    step = 1
    while improving // step > 6:
        step *= 2
    assert len(first.snapshots) == improving // step
    assert 3 <= len(first.snapshots) <= 6
    assert first.snapshots == again.snapshots
    for snapshot in first.snapshots:
        assert route_problems(problem, replace(first, routes=snapshot)) == []
    # The best (last) solution is the search's result, never older than the snapshots.
    assert first.snapshots[-1] != first.snapshots[0]


def _line_cost(problem: RoutingProblem, routes: list[list[tuple[int, int]]]) -> int:
    """The line problem's objective recomputed from routes: distance driven (depot at
    location 0, cost 1 per unit) plus the penalty of every pair left out."""
    driven = 0
    for route in routes:
        stops = [0, *(problem.nodes[n].location for n, _ in route), 0] if route else []
        driven += sum(int(problem.distance[a, b]) for a, b in itertools.pairwise(stops))
    visited = {n for route in routes for n, _ in route}
    return driven + sum(p.penalty or 0 for p in problem.pairs if p.pickup not in visited)


def test_earlier_solutions_carry_their_objectives() -> None:
    problem = line_problem(pairs=20, capacity=3, penalty=10_000)
    result = solve_routing(problem, time_limit_s=30, solution_limit=60, snapshots=6)
    assert len(result.snapshot_objectives) == len(result.snapshots)
    for snapshot, objective in zip(result.snapshots, result.snapshot_objectives, strict=True):
        assert objective == _line_cost(problem, snapshot)
    assert result.snapshot_objectives == sorted(result.snapshot_objectives, reverse=True)
    assert result.objective == _line_cost(problem, result.routes)


def test_no_snapshots_unless_asked() -> None:
    problem = line_problem(pairs=8, capacity=3, penalty=10_000)
    result = solve_routing(problem, time_limit_s=30, solution_limit=20)
    assert result.snapshots == []


def test_the_search_gets_only_the_time_left_after_its_start_routes_are_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A re-plan starts the search from the insert plan's routes; setting them once took
    18–21 s of a 30-s limit, and the search then ran its whole 30 s on top. The search's
    limit is what is left of the deadline once the routes are set (a controlled clock:
    setting the routes "takes" 25 s)."""
    clock = SimpleNamespace(now=1_000.0)
    monkeypatch.setattr(search_module, "time", SimpleNamespace(perf_counter=lambda: clock.now))
    limits: list[float] = []

    def slow(original: Callable[..., Any]) -> Callable[..., Any]:
        def load(self: pywrapcp.RoutingModel, *args: Any) -> Any:
            clock.now += 25.0
            return original(self, *args)

        return load

    def solve_from(self: pywrapcp.RoutingModel, assignment: Any, params: Any) -> Any:
        limits.append(params.time_limit.seconds + params.time_limit.nanos / 1e9)
        return solve_original(self, assignment, params)

    solve_original = pywrapcp.RoutingModel.SolveFromAssignmentWithParameters
    for name in ("RoutesToAssignment", "ReadAssignmentFromRoutes"):
        monkeypatch.setattr(pywrapcp.RoutingModel, name, slow(getattr(pywrapcp.RoutingModel, name)))
    monkeypatch.setattr(pywrapcp.RoutingModel, "SolveFromAssignmentWithParameters", solve_from)
    problem = line_problem(pairs=6, capacity=2, penalty=10_000)
    result = solve_routing(problem, time_limit_s=26, initial_routes=[[0, 1, 2, 3], [4, 5]])
    assert result.initial_accepted is True
    # the start restored within a share of what is left, then the search: what is left
    assert limits and limits[-1] == pytest.approx(1.0, abs=0.01)
    assert all(limit <= 1.0 + 0.01 for limit in limits)
    assert route_problems(problem, result) == []


@pytest.mark.parametrize("pairs", [6, 8, 20])
def test_a_start_that_breaks_a_rule_is_rejected_and_searched_from_scratch(pairs: int) -> None:
    """Three pickups on a vehicle that carries two: the model cannot take these routes.
    Setting them as the first solution checks only their structure, and a search from
    them ran to its deadline and came back with other routes called accepted, or none
    at all (8 pairs: every job dropped). The start is restored by a short search and
    rejected when the routes it gives back are not the ones given."""
    problem = line_problem(pairs=pairs, capacity=2, penalty=10_000)
    start = [[0, 2, 4, 1, 3, 5], list(range(6, len(problem.nodes)))]
    result = solve_routing(problem, time_limit_s=2, initial_routes=start)
    assert result.initial_accepted is False
    assert result.objective is not None and len(result.dropped) < len(problem.nodes)
    assert route_problems(problem, result) == []
    assert result.objective == _line_cost(problem, result.routes)
