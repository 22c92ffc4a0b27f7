"""The benchmark runner works end to end on one small instance of each format.

No timing or quality assertions beyond "not better than the best known": the point is
that readers, conversion, the shared routing core and the independent checker agree.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # `benchmarks/` is a top-level folder, not an installed package
    sys.path.insert(0, str(REPO))

from benchmarks.literature import (  # noqa: E402
    check_solution,
    route_distance,
    solve_instance,
    to_problem,
)
from benchmarks.readers import read_instance, read_set_bks  # noqa: E402


def test_li_lim_reader_counts_nodes_pairs_and_bks() -> None:
    inst = read_instance("li_lim", "lc101")
    assert inst.kind == "pdptw"
    assert (inst.vehicles, inst.capacity) == (25, 200)
    assert inst.n_customers == 106
    assert len(inst.pairs()) == 53
    for p, d in inst.pairs():
        assert inst.sites[p].demand == -inst.sites[d].demand > 0
    bks = read_set_bks("li_lim")
    assert len(bks) == 29
    assert (bks["lc101"].vehicles, bks["lc101"].distance) == (10, 828.9369)


def test_solomon_reader_counts_nodes_and_bks() -> None:
    inst = read_instance("solomon", "c101")
    assert inst.kind == "vrptw"
    assert (inst.vehicles, inst.capacity, inst.n_customers) == (25, 200, 100)
    assert inst.sites[0].late == 1236
    assert read_set_bks("solomon")["c101"].distance == pytest.approx(828.9369)


def test_conversion_keeps_every_node_mandatory() -> None:
    inst = read_instance("li_lim", "lc101")
    problem = to_problem(inst)
    assert len(problem.nodes) == 106
    assert len(problem.pairs) == 53
    assert all(p.max_ride is None and p.penalty is None for p in problem.pairs)
    assert problem.single_penalty is None
    assert len(problem.vehicles) == 25


@pytest.mark.parametrize(("set_name", "name"), [("li_lim", "lc101"), ("solomon", "c101")])
def test_runner_solves_small_instance_feasibly(set_name: str, name: str) -> None:
    outcome = solve_instance(set_name, name, time_limit_s=3.0)
    bks = read_set_bks(set_name)[name]
    assert outcome.dropped == 0
    assert outcome.violations == 0, outcome.messages[:5]
    assert outcome.distance >= bks.distance - 1e-6
    assert outcome.gap_pct is not None and outcome.gap_pct >= -1e-6


def test_checker_flags_a_broken_solution() -> None:
    inst = read_instance("li_lim", "lc101")
    p, d = inst.pairs()[0]
    others = [i for i in range(1, len(inst.sites)) if i not in (p, d)]
    routes = [[d, p], others]  # delivery first; everything else on one vehicle
    problems = check_solution(inst, routes)
    assert any("delivery before pickup" in m for m in problems)
    assert any("load" in m for m in problems)
    assert route_distance(inst, [[p, d]]) > 0
