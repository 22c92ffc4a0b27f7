"""The search portfolio and the deterministic mode, judged by the checker and the rows.

``tests/data/reference_day`` is a small generated day (``molten generate --smelters 2
--casters 6 --tonnes 120 --seed 3``, copied so later generator changes do not move it).
``reference_day.json`` holds what the planner reached on it in the deterministic mode
(objective recomputed from the rows, tonnes delivered). The test fails when a change
makes that plan worse; when the planner improves, regenerate the figure consciously:

    .venv/bin/python -m tests.planning.test_portfolio --regenerate
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from logistics import check, load_network, plan_day
from logistics.plan.options import PlanOptions
from logistics.planning.portfolio import (
    DEFAULT_PORTFOLIO,
    MEMBERS,
    SHORT_LIMIT_S,
    SHORT_PORTFOLIO,
    members_for,
    solve_member,
)
from logistics.planning.routing import DELIVERY, PICKUP
from logistics.planning.routing.search import search_parameters
from tests.conftest import TEST_DATA, TINY
from tests.helpers import delivered_from_rows, objective_from_rows
from tests.planning.test_ladle_bundles import day_problem

REFERENCE_DAY = TEST_DATA / "reference_day"
REFERENCE_FILE = Path(__file__).with_name("reference_day.json")
#: Solutions per search in the deterministic mode of these tests.
SOLUTIONS = 20
#: Generous: the solution limit, not the clock, ends every search here.
LIMIT_S = 300.0
MOLTEN = Path(sys.executable).parent / "molten"


def deterministic_plan(folder: Path, workers: int = 1, portfolio: list[str] | None = None):
    network = load_network(folder)
    outcome = plan_day(
        network,
        PlanOptions(
            time_limit_s=LIMIT_S, workers=workers, solution_limit=SOLUTIONS, portfolio=portfolio
        ),
    )
    return network, outcome.plan


def test_unknown_member_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown search members"):
        members_for(["gls", "no-such-search"], 2)


def test_default_members_exist_and_follow_workers() -> None:
    assert all(name in MEMBERS for name in DEFAULT_PORTFOLIO + SHORT_PORTFOLIO)
    assert [m.name for m in members_for(None, 1)] == [DEFAULT_PORTFOLIO[0]]
    assert len(members_for(None, 2)) == 2


def test_the_default_members_follow_the_time_limit() -> None:
    short = [m.name for m in members_for(None, 2, SHORT_LIMIT_S)]
    long = [m.name for m in members_for(None, 2, SHORT_LIMIT_S + 1)]
    assert short == list(SHORT_PORTFOLIO[:2])
    assert long == list(DEFAULT_PORTFOLIO[:2])
    assert short != long
    assert [m.name for m in members_for(["gls"], 2, 5.0)] == ["gls"]


def test_the_short_limit_pairs_the_two_insertion_searches() -> None:
    # At 15 s with two workers the search from cheapest-cost insertion (the one whose
    # plan is kept at 60 s on the Yangtze sample) runs beside parallel insertion.
    assert [m.name for m in members_for(None, 2, 15.0, jobs=350)] == ["gls-parallel", "gls-cost"]
    assert [m.name for m in members_for(None, 1, 15.0, jobs=350)] == ["gls-parallel"]
    assert members_for(None, 2, 60.0, jobs=350)[0].name == "gls-cost"


def test_deterministic_mode_gives_the_same_plan_twice() -> None:
    _, first = deterministic_plan(TINY)
    _, second = deterministic_plan(TINY)
    assert [r.model_dump() for r in first.runs] == [r.model_dump() for r in second.runs]
    assert [u.model_dump() for u in first.unserved] == [u.model_dump() for u in second.unserved]


def test_portfolio_is_not_worse_than_its_members() -> None:
    members = ["gls-eft", "gls"]
    network, both = deterministic_plan(REFERENCE_DAY, workers=2, portfolio=members)
    assert check(network, both).ok
    alone = []
    for name in members:
        _, plan = deterministic_plan(REFERENCE_DAY, workers=1, portfolio=[name])
        assert check(network, plan).ok
        alone.append(objective_from_rows(network, plan))
    assert objective_from_rows(network, both) <= min(alone) + 0.01


def test_reference_day_is_not_made_worse() -> None:
    reference = json.loads(REFERENCE_FILE.read_text())
    network, plan = deterministic_plan(REFERENCE_DAY)
    report = check(network, plan)
    assert report.ok, report.violations[:3]
    assert objective_from_rows(network, plan) <= reference["objective_cny"] * 1.005
    assert delivered_from_rows(plan) >= reference["tonnes_delivered"] - 1e-6
    greedy = plan_day(network, PlanOptions(solver="greedy")).plan
    assert objective_from_rows(network, plan) < objective_from_rows(network, greedy)


def test_cli_seed_and_solution_limit_reproduce_the_plan(tmp_path: Path) -> None:
    outputs = []
    for k in range(2):
        out = tmp_path / f"plan{k}"
        done = subprocess.run(
            [
                str(MOLTEN),
                "plan",
                str(TINY),
                "--time-limit",
                str(LIMIT_S),
                "--solution-limit",
                str(SOLUTIONS),
                "--seed",
                "7",
                "--workers",
                "1",
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        outputs.append((out / "runs.csv").read_text())
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) > 1


def test_cli_refuses_a_solution_limit_below_one(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(MOLTEN), "plan", str(TINY), "--solution-limit", "0", "--out", str(tmp_path / "p")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "--solution-limit" in done.stderr
    assert not (tmp_path / "p").exists()


def _regenerate() -> None:
    network, plan = deterministic_plan(REFERENCE_DAY)
    assert check(network, plan).ok
    figures = {
        "objective_cny": round(objective_from_rows(network, plan), 2),
        "tonnes_delivered": round(delivered_from_rows(plan), 3),
        "solution_limit": SOLUTIONS,
    }
    REFERENCE_FILE.write_text(json.dumps(figures, indent=2) + "\n")
    print(figures)


if __name__ == "__main__":
    if "--regenerate" in sys.argv:
        _regenerate()


def _refills_with_ladles_aboard(problem, result) -> int:
    """Times a route picks up again after a delivery while a ladle is still aboard,
    recomputed from the nodes' demands."""
    refills = 0
    for route in result.routes:
        load, previous = 0, None
        for node, _ in route:
            spec = problem.nodes[node]
            if spec.kind == PICKUP and previous == DELIVERY and load > 0:
                refills += 1
            load += spec.demand
            previous = spec.kind
    return refills


def test_trip_members_search_trips_that_return_empty_before_refilling() -> None:
    """A member with ``empty_before_refill`` never refills with ladles aboard, its plan
    passes the checker, and the same member without the rule is a different search."""
    network = load_network(REFERENCE_DAY)
    problem, _, _ = day_problem(REFERENCE_DAY)
    trips = MEMBERS["gls-trips-jobs"]
    assert trips.empty_before_refill and not MEMBERS["gls-jobs"].empty_before_refill
    result = solve_member(problem, {}, trips, time.time() + LIMIT_S, solution_limit=SOLUTIONS)
    assert result is not None and result.routes
    assert sum(len(r) for r in result.routes) > 0
    assert _refills_with_ladles_aboard(problem, result) == 0
    _, plan = deterministic_plan(REFERENCE_DAY, workers=1, portfolio=["gls-eft-trips-jobs"])
    assert check(network, plan).ok


def _most_fills_at_once(problem, result) -> dict[int, int]:
    """Per location, the most pickups in service at the same minute, from the routes."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for route in result.routes:
        for node, start in route:
            spec = problem.nodes[node]
            if spec.kind == PICKUP and spec.service > 0:
                spans.setdefault(spec.location, []).append((start, start + spec.service))
    most = {}
    for location, busy in spans.items():
        edges = sorted([(a, 1) for a, _ in busy] + [(b, -1) for _, b in busy])
        level = peak = 0
        for _, step in edges:
            level += step
            peak = max(peak, level)
        most[location] = peak
    return most


def test_bays_member_never_fills_more_ladles_at_once_than_bays() -> None:
    """With one fill bay at every smelter, the ``fill_bays`` member's routes never fill
    two ladles at one smelter at the same minute, while the same search without the
    rule does (so the rule, not the day, keeps them apart)."""
    problem, _, _ = day_problem(REFERENCE_DAY)
    one_bay = replace(
        problem, pickup_capacity=tuple((loc, 1) for loc, _ in problem.pickup_capacity)
    )
    assert one_bay.pickup_capacity
    bays, plain = MEMBERS["gls-parallel-bays"], MEMBERS["gls-parallel"]
    assert bays.fill_bays and not plain.fill_bays
    deadline = time.time() + LIMIT_S
    with_bays = solve_member(one_bay, {}, bays, deadline, solution_limit=SOLUTIONS)
    without = solve_member(one_bay, {}, plain, deadline, solution_limit=SOLUTIONS)
    assert with_bays is not None and without is not None
    assert sum(len(r) for r in with_bays.routes) > 0
    assert max(_most_fills_at_once(one_bay, with_bays).values()) == 1
    assert max(_most_fills_at_once(one_bay, without).values()) > 1


def test_ils_member_searches_with_iterated_local_search_and_its_plan_passes() -> None:
    """``ils`` sets OR-Tools' iterated local search with a ruin strategy (OR-Tools
    refuses the parameters without one), and its plan passes the checker."""
    params = search_parameters(
        time_limit_s=1.0,
        solution_limit=None,
        first_solution="PARALLEL_CHEAPEST_INSERTION",
        metaheuristic=MEMBERS["ils"].metaheuristic,
        operator_bandit=False,
    )
    assert params.use_iterated_local_search
    assert params.iterated_local_search_parameters.ruin_recreate_parameters.ruin_strategies
    network = load_network(REFERENCE_DAY)
    _, plan = deterministic_plan(REFERENCE_DAY, workers=1, portfolio=["ils"])
    assert "ils" in plan.solver.status
    assert check(network, plan).ok
