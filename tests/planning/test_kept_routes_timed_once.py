"""The routes the search keeps are timed once: the plan takes the judge's timing of
them instead of timing them again after the search (the time then goes to the
leftovers' tries), and the plan is the same as with them timed again."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import logistics.planning.solve as solve
from logistics import check, load_network, plan_day
from logistics.plan.options import PlanOptions
from tests.conftest import TEST_DATA

OPTIONS = PlanOptions(time_limit_s=60, workers=1, seed=0, solution_limit=20)


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny day with its ladle pool."""
    folder = tmp_path_factory.mktemp("pool") / "net"
    shutil.copytree(TEST_DATA / "tiny", folder)
    shutil.copy(TEST_DATA / "tiny_ladles" / "ladles.csv", folder / "ladles.csv")
    return folder


def _rows(plan: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (r.truck_id, r.trip, r.order_id, r.smelter_id, r.fill_start, r.tonnes, r.tap_c)
        for r in plan.runs
    )


def test_each_candidate_is_timed_once(day: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    timed: list[Any] = []  # the candidates themselves: their ids stay unique
    retimed = solve._Day.retimed

    def counted(self: Any, candidate: Any, states: Any, bays: Any) -> Any:
        timed.append(candidate)
        return retimed(self, candidate, states, bays)

    monkeypatch.setattr(solve._Day, "retimed", counted)
    network = load_network(day)
    outcome = plan_day(network, OPTIONS)
    assert check(network, outcome.plan).ok
    assert outcome.plan.solver.status != "greedy"
    assert len(timed) >= 2, "the judge chose among candidates"
    ids = [id(c) for c in timed]
    assert len(ids) == len(set(ids)), "a candidate was timed twice"


def test_the_plan_is_the_one_timed_again(day: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    network = load_network(day)
    once = plan_day(network, OPTIONS).plan

    def again(self: Any, candidate: Any) -> Any:
        return self.retimed(candidate, *self.fresh_states())

    monkeypatch.setattr(solve._Day, "timed_once", again)
    twice = plan_day(network, OPTIONS).plan
    assert check(network, once).ok
    assert _rows(once) == _rows(twice)
    assert once.solver.objective_cny == twice.solver.objective_cny
