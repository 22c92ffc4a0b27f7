"""Bundles of pairs searched as one: windows, vehicles, starts and the way back."""

from __future__ import annotations

from dataclasses import replace

import pytest

from logistics.planning.routing import Pair, Vehicle, bundle_pairs, solve_routing
from tests.planning.routing_problems import line_problem, route_problems


def test_bundle_merges_services_demands_and_keeps_each_members_window() -> None:
    problem = line_problem(pairs=2, capacity=2, penalty=1000)
    nodes = list(problem.nodes)
    nodes[0] = replace(nodes[0], earliest=10, latest=100)  # member filled first
    nodes[2] = replace(nodes[2], earliest=40, latest=60)  # released later
    problem = replace(problem, nodes=tuple(nodes))
    bundling = bundle_pairs(problem, [[0, 1]])
    pickup, delivery = bundling.problem.nodes
    assert (pickup.demand, delivery.demand) == (2, -2)
    assert pickup.service == 10 and delivery.service == 10
    # The later member starts 5 min after the first: the bundle may start at 35 at the
    # earliest (40 - 5) and at 55 at the latest (60 - 5).
    assert pickup.earliest == 35
    assert pickup.latest == 55
    assert bundling.problem.pairs[0].penalty == 2000


def test_bundle_goes_only_on_vehicles_that_hold_it() -> None:
    problem = line_problem(pairs=2, capacity=2)
    vehicles = (Vehicle(0, 0, 1, 0, 2000), Vehicle(0, 0, 2, 0, 2000))
    problem = replace(problem, vehicles=vehicles)
    bundling = bundle_pairs(problem, [[0, 1]])
    assert bundling.problem.pairs[0].vehicles == (1,)
    with pytest.raises(ValueError, match="no vehicle"):
        bundle_pairs(replace(problem, vehicles=vehicles[:1]), [[0, 1]])


def test_groups_must_partition_the_pairs() -> None:
    problem = line_problem(pairs=3)
    with pytest.raises(ValueError, match="every pair exactly once"):
        bundle_pairs(problem, [[0, 1]])
    with pytest.raises(ValueError, match="every pair exactly once"):
        bundle_pairs(problem, [[0, 1], [1, 2]])


def test_bundled_search_expands_to_valid_routes_of_the_original() -> None:
    problem = line_problem(pairs=6, capacity=2)
    bundling = bundle_pairs(problem, [[0, 1], [2, 3], [4], [5]])
    result = solve_routing(bundling.problem, time_limit_s=2, solution_limit=50)
    expanded = bundling.expand(result)
    assert route_problems(problem, expanded) == []
    served = {n for route in expanded.routes for n, _ in route}
    assert served == set(range(len(problem.nodes)))
    # Members of a bundle ride together: both pickups, then both deliveries, one vehicle.
    for route in expanded.routes:
        nodes = [n for n, _ in route]
        for a, b in ((0, 2), (4, 6)):
            if a in nodes:
                assert nodes.index(b) == nodes.index(a) + 1


def test_start_routes_drop_bundles_that_overload_or_come_too_late() -> None:
    problem = line_problem(pairs=3, capacity=2)
    pairs = list(problem.pairs)
    pairs[2] = replace(pairs[2], max_ride=1)  # cannot be ridden at all
    problem = replace(problem, pairs=tuple(pairs))
    bundling = bundle_pairs(problem, [[0, 1], [2]])
    # Pair 0 and pair 2 share a trip, pair 1 comes next: the bundle (0, 1) goes where
    # pair 0 was, and pair 2 no longer fits beside it.
    assert bundling.routes_in([[0, 4, 1, 5, 2, 3], []]) == [[0, 1], []]
    # Pair 2 alone first: it breaks its ride limit and is left out.
    assert bundling.routes_in([[4, 5, 0, 1, 2, 3], []]) == [[0, 1], []]
    # A vehicle of one ladle cannot take the bundle at all.
    small = replace(problem, vehicles=(Vehicle(0, 0, 1, 0, 2000), problem.vehicles[1]))
    small_bundling = bundle_pairs(replace(small, pairs=problem.pairs), [[0, 1], [2]])
    assert small_bundling.routes_in([[0, 1, 2, 3], []]) == [[], []]
    assert bundling.routes_in(None) is None


def test_bundled_problem_accepts_its_converted_start() -> None:
    problem = line_problem(pairs=4, capacity=2)
    bundling = bundle_pairs(problem, [[0, 1], [2, 3]])
    start = bundling.routes_in([[0, 2, 1, 3], [4, 6, 5, 7]])
    result = solve_routing(bundling.problem, time_limit_s=2, solution_limit=5, initial_routes=start)
    assert result.initial_accepted is True


def test_pair_fields_of_a_group_of_one_are_kept() -> None:
    problem = line_problem(pairs=2, penalty=700)
    pairs = (replace(problem.pairs[0], max_ride=90, vehicles=(1,)), problem.pairs[1])
    problem = replace(problem, pairs=pairs)
    bundling = bundle_pairs(problem, [[0], [1]])
    assert bundling.problem.pairs[0] == Pair(0, 1, max_ride=90, penalty=700, vehicles=(1,))
    assert bundling.problem.nodes == problem.nodes


def test_a_group_that_cannot_be_served_one_after_another_is_searched_one_by_one() -> None:
    """Two pours in a window shorter than one pour: no bundle, never an empty node."""
    problem = line_problem(pairs=2, capacity=2, penalty=1000)
    nodes = list(problem.nodes)
    for delivery in (1, 3):  # both pours must start in 40..43; a pour takes 5 min
        nodes[delivery] = replace(nodes[delivery], earliest=40, latest=43, location=2)
    problem = replace(problem, nodes=tuple(nodes))
    bundling = bundle_pairs(problem, [[0, 1]])
    assert bundling.groups == ((0,), (1,))
    assert len(bundling.problem.pairs) == 2
    assert all(n.earliest <= n.latest for n in bundling.problem.nodes)
    # The search runs on it (it failed with "CP Solver fail" when the bundle was made).
    result = solve_routing(bundling.problem, time_limit_s=2, solution_limit=20)
    assert route_problems(problem, bundling.expand(result)) == []


def test_a_group_whose_second_pour_breaks_the_ride_limit_is_not_bundled() -> None:
    problem = line_problem(pairs=2, capacity=2, penalty=1000)
    nodes = list(problem.nodes)
    nodes[3] = replace(nodes[3], location=2)  # both ladles pour at one caster
    problem = replace(problem, nodes=tuple(nodes))
    # The ladle filled first rides its fill, the drive and the other's pour (5 min): a
    # ride limit of exactly fill + drive leaves no room for that.
    shortest = problem.nodes[0].service + int(
        problem.time[problem.nodes[0].location][problem.nodes[1].location]
    )
    pairs = tuple(replace(p, max_ride=shortest) for p in problem.pairs)
    bundling = bundle_pairs(replace(problem, pairs=pairs), [[0, 1]])
    assert bundling.groups == ((0,), (1,))
