"""The routing core's PyVRP engine and the cutting of foreign routes into trips."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from logistics.planning.routing import (
    PICKUP,
    Node,
    Pair,
    RoutingProblem,
    RoutingResult,
    solve_routing,
)
from logistics.planning.routing.pyvrp_engine import relaxed_rules
from logistics.planning.trips import cut_routes
from tests.planning.routing_problems import line_problem, route_problems

pytest.importorskip("pyvrp")


def test_pyvrp_engine_serves_every_pair_within_the_rules() -> None:
    problem = line_problem()
    assert relaxed_rules(problem) == []
    result = solve_routing(problem, time_limit_s=5, engine="pyvrp", solution_limit=200)
    assert result.objective is not None
    assert result.dropped == []
    assert route_problems(problem, result) == []


def test_pyvrp_engine_is_reproducible_with_an_iteration_limit() -> None:
    problem = line_problem(pairs=5)
    first = solve_routing(problem, time_limit_s=10, engine="pyvrp", solution_limit=300, seed=3)
    second = solve_routing(problem, time_limit_s=10, engine="pyvrp", solution_limit=300, seed=3)
    assert first.routes == second.routes


def test_pyvrp_then_ortools_keeps_every_rule() -> None:
    problem = line_problem(pairs=4, penalty=10_000)
    result = solve_routing(problem, time_limit_s=5, engine="pyvrp+ortools", solution_limit=50)
    assert result.objective is not None
    assert route_problems(problem, result) == []


def test_relaxed_rules_name_what_pyvrp_cannot_express() -> None:
    problem = line_problem()
    ride = RoutingProblem(
        nodes=problem.nodes,
        vehicles=problem.vehicles,
        time=problem.time,
        distance=problem.distance,
        pairs=tuple(Pair(p.pickup, p.delivery, max_ride=30) for p in problem.pairs),
        pickup_groups=True,
    )
    assert relaxed_rules(ride) == ["max_ride", "pickup_groups"]


def fake_assignments(problem: RoutingProblem, smelter_of_group: dict[int, str]) -> list:
    """Stand-ins with the two fields :func:`cut_routes` reads (job, source.smelter_id)."""
    out = []
    for k, pair in enumerate(problem.pairs):
        smelter = smelter_of_group[problem.nodes[pair.pickup].group]
        out.append(
            SimpleNamespace(
                job=SimpleNamespace(job_id=f"J{k}"), source=SimpleNamespace(smelter_id=smelter)
            )
        )
    return out


def test_cut_routes_starts_a_trip_at_another_smelter_or_with_full_ladles() -> None:
    base = line_problem(pairs=4, capacity=2)
    nodes = list(base.nodes)
    nodes[6] = Node(1, 5, 0, 500, 1, kind=PICKUP, group=1)  # pair 3 fills elsewhere
    problem = RoutingProblem(
        nodes=tuple(nodes),
        vehicles=base.vehicles,
        time=base.time,
        distance=base.distance,
        pairs=base.pairs,
    )
    # One vehicle: three fills in a row at one smelter (the third past the two ladles),
    # then a fill at the other smelter, then the four pours.
    route = [(0, 0), (2, 5), (4, 10), (6, 15), (1, 20), (3, 30), (5, 40), (7, 60)]
    result = RoutingResult(routes=[route, []], dropped=[], status="test", objective=0, wall_s=0)
    cut = cut_routes(problem, result, ["T1", "T2"], fake_assignments(problem, {0: "S1", 1: "S2"}))
    assert len(cut) == 1
    trips = [(smelter, [j.job_id for j in jobs]) for smelter, jobs, _ in cut[0].trips]
    assert trips == [("S1", ["J0", "J1"]), ("S1", ["J2"]), ("S2", ["J3"])]
