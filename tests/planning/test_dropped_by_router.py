"""``SolverStats.dropped_by_router`` counts the jobs the routes the search came back
with leave out, job by job, whichever candidate those routes are: the earliest-finish
plan competes with the members' routes, and when it won the count was the first
member's (its routes were not the ones kept)."""

from __future__ import annotations

from typing import Any

import pytest

import logistics.planning.solve as solve
from logistics import check, load_network, plan_day
from logistics.plan.options import PlanOptions
from tests.conftest import TEST_DATA

#: The search from the earliest-finish plan stopped at its first solution: on the tiny
#: day its routes leave out 2 jobs that the earliest-finish plan itself carries.
OPTIONS = PlanOptions(
    time_limit_s=60, workers=1, seed=0, solution_limit=1, portfolio=("gls-eft-jobs",)
)


def _spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What the search returns: the jobs given it and those on the routes it kept."""
    seen: dict[str, Any] = {}
    optimize = solve.optimize

    def spy(ctx: Any, assigned: Any, *args: Any, **kwargs: Any) -> Any:
        routes, result, parts = optimize(ctx, assigned, *args, **kwargs)
        seen["given"] = {a.job.job_id for a in assigned}
        seen["routed"] = {j.job_id for r in routes for _, jobs, _ in r.trips for j in jobs}
        seen["status"] = result.status
        return routes, result, parts

    monkeypatch.setattr(solve, "optimize", spy)
    return seen


def test_the_count_is_the_jobs_the_kept_routes_leave_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = _spied(monkeypatch)
    network = load_network(TEST_DATA / "tiny")
    plan = plan_day(network, OPTIONS).plan
    assert check(network, plan).ok
    left = seen["given"] - seen["routed"]
    assert len(left) == 2, "the member's first solution leaves jobs out"
    assert plan.solver.dropped_by_router == len(left)


def test_the_earliest_finish_plan_kept_counts_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # A judge that ranks routes by the jobs they carry: on the mixed-fleet day the
    # earliest-finish plan carries 2 jobs more than the bundled member's first solution
    # (whose routes leave out 4) and wins.
    def by_jobs(self: Any, candidate: Any) -> float:
        return -float(sum(len(jobs) for r in candidate for _, jobs, _ in r.trips))

    monkeypatch.setattr(solve._Day, "judge", by_jobs)
    seen = _spied(monkeypatch)
    network = load_network(TEST_DATA / "tiny_mixed")
    options = OPTIONS.model_copy(update={"portfolio": ("gls-eft",)})
    plan = plan_day(network, options).plan
    assert check(network, plan).ok
    assert "eft-start" in seen["status"]
    left = seen["given"] - seen["routed"]
    assert plan.solver.dropped_by_router == len(left) == 2
