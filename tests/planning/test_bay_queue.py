"""The expected queue at the fill bays as a wait before each fill of the routing model."""

from __future__ import annotations

from dataclasses import replace

from logistics.planning.routing import solve_routing
from logistics.planning.routing.bay_queue import expected_wait, pickup_waits, with_queue_waits
from tests.planning.routing_problems import line_problem, route_problems


def test_the_wait_grows_with_the_load_and_falls_with_more_bays() -> None:
    assert expected_wait(0.0, 2, 30.0) == 0.0
    waits = [expected_wait(u, 2, 30.0) for u in (0.2, 0.5, 0.8, 0.95, 1.5)]
    assert waits == sorted(waits) and waits[0] > 0
    assert waits[-1] == waits[-2]  # taken at the highest utilisation beyond it
    assert expected_wait(0.8, 3, 30.0) < expected_wait(0.8, 2, 30.0)


def test_a_busy_location_moves_its_pickups_earlier_by_their_wait() -> None:
    # 12 pickups of 5 min within 500 min at one place: 60 min of work an hour per
    # place would be 100 %; 12 × 5 spread over 8.3 h is about 12 % of one place.
    base = line_problem(pairs=12, capacity=2, penalty=10_000)
    tight = [replace(n, earliest=100, latest=130) if n.kind == "pickup" else n for n in base.nodes]
    pairs = tuple(replace(p, max_ride=400) for p in base.pairs)
    problem = replace(base, nodes=tuple(tight), pairs=pairs, pickup_capacity=((1, 1),))
    waits = pickup_waits(problem, per_trip=2)
    assert set(waits) == {p.pickup for p in problem.pairs}
    queued = with_queue_waits(problem, per_trip=2)
    for pair, before in zip(queued.pairs, problem.pairs, strict=True):
        wait = waits[pair.pickup]
        node, old = queued.nodes[pair.pickup], problem.nodes[pair.pickup]
        assert node.service == old.service + wait
        assert (node.earliest, node.latest) == (max(0, old.earliest - wait), old.latest - wait)
        assert pair.max_ride == before.max_ride + wait
        assert queued.nodes[pair.delivery] == problem.nodes[pair.delivery]
    result = solve_routing(queued, time_limit_s=30, solution_limit=20)
    assert route_problems(queued, result) == []


def test_more_places_wait_less_and_a_location_without_a_limit_not_at_all() -> None:
    base = line_problem(pairs=12, capacity=2, penalty=10_000)
    tight = [replace(n, earliest=100, latest=130) if n.kind == "pickup" else n for n in base.nodes]
    one = replace(base, nodes=tuple(tight), pickup_capacity=((1, 1),))
    three = replace(one, pickup_capacity=((1, 3),))
    assert sum(pickup_waits(three).values()) < sum(pickup_waits(one).values())
    unlimited = replace(one, pickup_capacity=())
    assert pickup_waits(unlimited) == {}
    assert with_queue_waits(unlimited) is unlimited
