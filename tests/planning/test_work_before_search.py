"""The work before the search does the same with fewer computations: the dispatcher's
plan times only the trucks that can still win a trip, and the routing model computes
each hold limit once per distinct tap, caster, ladle and leg."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import logistics.planning.greedy as greedy_module
import logistics.planning.ladle_model as ladle_model
from logistics import check, load_network, plan_day
from logistics.physics.travel import Travel
from logistics.plan.options import PlanOptions
from logistics.planning.assign import Assignment, assign_smelters
from logistics.planning.jobs import Job, build_jobs, first_trip
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TimedTrip,
    TruckState,
    commit_trip,
    initial_states,
    time_trip,
)
from tests.conftest import TEST_DATA

DAYS = [TEST_DATA / "reference_day", TEST_DATA / "tiny_mixed", TEST_DATA / "pearl_river_delta"]


def _day(folder: Path) -> tuple[ScheduleContext, tuple[Assignment, ...]]:
    network = load_network(folder)
    travel = Travel.of(network)
    book = build_jobs(network, travel)
    assignment = assign_smelters(network, book.jobs, {})
    return ScheduleContext.of(network, travel, assignment.assigned), assignment.assigned


def _fresh(ctx: ScheduleContext) -> tuple[dict[str, TruckState], BayBook]:
    network = ctx.network
    states = initial_states(network, ctx.travel)
    return states, BayBook({s.smelter_id: s.fill_bays for s in network.smelters})


def _every_truck_timed(
    ctx: ScheduleContext, assignments: tuple[Assignment, ...]
) -> tuple[list[TimedTrip], list[Job], int]:
    """The dispatcher's rule with every truck timed for every trip (as before): the
    trips, the jobs left and how many trips were timed."""
    states, bays = _fresh(ctx)
    by_order: dict[str, list[Assignment]] = {}
    for a in assignments:
        by_order.setdefault(a.job.order_id, []).append(a)
    orders = sorted(by_order.values(), key=lambda g: (g[0].job.latest_pour, g[0].job.order_id))
    trips: list[TimedTrip] = []
    left: list[Job] = []
    timed = 0
    for group in orders:
        pending = sorted(group, key=lambda a: a.job.job_id)
        while pending:
            smelter_id = pending[0].source.smelter_id
            same = [a.job for a in pending if a.source.smelter_id == smelter_id]
            best = None
            for truck_id, state in states.items():
                if not same[0].fits(state.truck.ladle_t):
                    continue
                if state.truck.max_trips is not None and state.trips >= state.truck.max_trips:
                    continue
                chunk = first_trip(state.truck, same)
                if not chunk:
                    continue
                trip, _ = time_trip(ctx, state, smelter_id, chunk, bays)
                timed += 1
                if trip is None or trip.runs[0].job is not chunk[0]:
                    continue
                key = (-len(trip.runs), state.ready, trip.end_time, truck_id)
                if best is None or key < best[0]:
                    best = (key, truck_id, trip)
            if best is None:
                left.append(pending.pop(0).job)
                continue
            _, truck_id, trip = best
            commit_trip(states[truck_id], trip, bays)
            trips.append(trip)
            served = {r.job.job_id for r in trip.runs}
            pending = [a for a in pending if a.job.job_id not in served]
    return trips, left, timed


def _runs(trips: list[TimedTrip]) -> list[tuple]:
    return [
        (r.truck_id, r.trip, r.job.job_id, r.smelter_id, r.fill_start, r.pour_start, r.tap_c)
        for t in trips
        for r in t.runs
    ]


@pytest.mark.parametrize("folder", DAYS, ids=lambda p: p.name)
def test_the_dispatchers_plan_is_the_same_with_fewer_trips_timed(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, assignments = _day(folder)
    expected, expected_left, every = _every_truck_timed(ctx, assignments)
    calls = 0

    def counted(*args: object, **kwargs: object):
        nonlocal calls
        calls += 1
        return time_trip(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(greedy_module, "time_trip", counted)
    work = greedy_module.DispatchWork()
    trips, left = greedy_module.greedy_plan(ctx, assignments, *_fresh(ctx), work)
    assert _runs(trips) == _runs(expected)
    assert [j.job_id for j in left] == [j.job_id for j in expected_left]
    assert calls < every
    # the counts the search's reserve is scaled by: what was timed, and what timing
    # every truck would have timed
    assert (work.timed, work.considered) == (calls, every)
    assert work.every_truck_s(1.0) == pytest.approx(every / calls)
    if folder.name == "pearl_river_delta":  # 42 trucks: most need no timing
        assert calls < 0.6 * every


def test_the_dispatchers_plan_passes_the_checker() -> None:
    network = load_network(TEST_DATA / "reference_day")
    outcome = plan_day(network, PlanOptions(solver="greedy"))
    assert check(network, outcome.plan).ok


class _Forgetful(dict):
    """A cache that keeps nothing: every hold limit computed afresh."""

    def __setitem__(self, key: object, value: object) -> None:
        pass


def test_the_model_computes_each_hold_limit_once(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, assignments = _day(TEST_DATA / "pearl_river_delta")
    calls = 0
    real = ladle_model.ride_hold_limit_minutes

    def counted(*args: object) -> int:
        nonlocal calls
        calls += 1
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(ladle_model, "ride_hold_limit_minutes", counted)
    states = initial_states(ctx.network, ctx.travel)
    problem, truck_ids, pairs = ladle_model.build_problem(ctx, assignments, states)
    trucks = [states[t].truck for t in truck_ids]
    distinct_tau = len({t.tau_h for t in trucks})
    assert distinct_tau < len(trucks)
    assert calls <= len(assignments) * distinct_tau < len(assignments) * len(trucks)

    real_rules = ladle_model._pair_rules
    monkeypatch.setattr(
        ladle_model,
        "_pair_rules",
        lambda *args: replace(real_rules(*args), hold_limits=_Forgetful()),
    )
    afresh, afresh_ids, afresh_pairs = ladle_model.build_problem(ctx, assignments, states)
    assert calls >= len(assignments) * len(trucks)  # the cache was really off
    assert afresh.pairs == problem.pairs
    assert afresh.nodes == problem.nodes
    assert (afresh_ids, afresh_pairs) == (truck_ids, pairs)
