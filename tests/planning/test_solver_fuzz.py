"""Solver fuzzing in CI: random networks through both solvers and the independent checker.

Every example is a network folder drawn from a seed (``benchmarks/fuzz.py``: mixed fleets,
tight and late orders, windows across midnight, orders of other days, cold ambient,
short shifts, smelters short of metal, fill bays, road graphs that are sometimes cut in
two), loaded with the loader and planned by ``plan_day`` with the greedy and the OR-Tools
solver. A plan must pass the checker and account for every tonne of every order of the
day; nothing may raise. The longer run is ``python -m benchmarks fuzz``.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.fuzz import fuzz_example, problems_of, write_random_network
from logistics.network.loader import load_network
from logistics.pipeline import plan_day

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # CI runs the same examples every time
    suppress_health_check=[HealthCheck.too_slow],
)


@FUZZ
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_random_networks_plan_soundly_with_both_solvers(seed: int) -> None:
    failures = fuzz_example(seed, time_limit_s=1.0)
    assert not failures, [(f.solver, f.stage, f.message) for f in failures]


def test_the_same_seed_writes_the_same_network(tmp_path: Path) -> None:
    assert write_random_network(tmp_path / "a", 11) == write_random_network(tmp_path / "b", 11)
    assert write_random_network(tmp_path / "c", 12) != write_random_network(tmp_path / "a", 11)


def test_the_fuzz_check_catches_a_lost_tonne(tmp_path: Path) -> None:
    # The examples' verdict is only worth something if a broken plan fails it.
    for seed in range(50):
        folder = tmp_path / str(seed)
        write_random_network(folder, seed)
        network = load_network(folder)
        if not network.day_orders:
            continue
        outcome = plan_day(network, solver="greedy", time_limit_s=1.0)
        if outcome.plan.runs:
            break
    else:
        pytest.fail("no example of the first 50 seeds delivers anything")
    assert problems_of(network, outcome) == []
    broken = SimpleNamespace(
        plan=outcome.plan.model_copy(update={"runs": outcome.plan.runs[1:]}), report=outcome.report
    )
    assert any(stage == "balance" for stage, _ in problems_of(network, broken))
