"""The dispatcher's plan's shortcuts against the long way round: the fill bays found by
bisection against a scan of every booked fill, and the trucks passed over untimed (by
the dispatcher's plan, and by the re-insertion after the search) against their timed
trips."""

from __future__ import annotations

import random

import pytest

import logistics.planning.greedy as greedy_module
from logistics import load_network
from logistics.physics.travel import Travel
from logistics.planning.assign import assign_smelters
from logistics.planning.jobs import build_jobs
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TruckState,
    initial_states,
    misses_fill_window,
    time_trip,
)
from tests.conftest import TEST_DATA


def _scan_earliest(intervals: list[tuple[int, int]], limit: int, start: int, duration: int) -> int:
    """The earliest free bay by a scan of every booked fill (the rule, written plainly)."""
    t = start
    while True:
        overlapping = [(s, e) for s, e in intervals if s < t + duration and e > t]
        points = [t] + [s for s, _ in overlapping if s > t]
        if all(sum(1 for s, e in overlapping if s <= p < e) < limit for p in points):
            return t
        t = min(e for s, e in overlapping if e > t)


@pytest.mark.parametrize("seed", range(20))
def test_bays_by_bisection_match_a_scan_of_every_fill(seed: int) -> None:
    rng = random.Random(seed)
    limit = rng.randint(1, 3)
    bays = BayBook({"S": limit})
    booked: list[tuple[int, int]] = []
    for _ in range(rng.randint(1, 60)):
        start = rng.randint(0, 600)
        end = start + rng.choice([5, 20, 30, 45, 90])  # fills of several lengths
        bays.book("S", start, end)
        booked.append((start, end))
        if rng.random() < 0.2:  # a fill taken out again, as a top-up does
            gone = rng.choice(booked)
            booked.remove(gone)
            bays.booked["S"].remove(gone)
        for _ in range(5):
            start, duration = rng.randint(0, 700), rng.choice([10, 30, 60])
            got = bays.earliest_start("S", start, duration)
            assert got == _scan_earliest(booked, limit, start, duration)
            end = start + duration
            assert bays.overlapping("S", start, end) == sorted(
                (s, e) for s, e in booked if s < end and e > start
            )


def test_bays_given_at_construction_are_found_too() -> None:
    bays = BayBook({"S": 1}, {"S": [(0, 100), (150, 160)]})
    assert bays.earliest_start("S", 90, 20) == 100
    assert bays.earliest_start("S", 140, 20) == 160


@pytest.mark.parametrize("day", ["reference_day", "tiny_mixed", "pearl_river_delta"])
def test_a_truck_passed_over_untimed_cannot_fill_the_first_job(
    day: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = load_network(TEST_DATA / day)
    travel = Travel.of(network)
    assignment = assign_smelters(network, build_jobs(network, travel).jobs, {})
    ctx = ScheduleContext.of(network, travel, assignment.assigned)
    no_bays = BayBook({s.smelter_id: s.fill_bays for s in network.smelters})
    missed = greedy_module._FirstJob.missed
    ruled_out = 0

    def checked(first: greedy_module._FirstJob, state: TruckState, shift_end: float) -> bool:
        nonlocal ruled_out
        out = missed(first, state, shift_end)
        if out:  # even alone and with every bay free, the job is left off
            ruled_out += 1
            trip, _ = time_trip(ctx, state, first.smelter_id, (first.job,), no_bays)
            assert trip is None
        return out

    monkeypatch.setattr(greedy_module._FirstJob, "missed", checked)
    states = initial_states(network, travel)
    bays = BayBook({s.smelter_id: s.fill_bays for s in network.smelters})
    work = greedy_module.DispatchWork()
    greedy_module.greedy_plan(ctx, assignment.assigned, states, bays, work)
    assert work.ruled_out == ruled_out
    if day == "pearl_river_delta":
        assert ruled_out > 0


@pytest.mark.parametrize("day", ["tiny_mixed", "pearl_river_delta"])
def test_a_job_that_misses_its_fill_window_is_never_timed_onto_a_trip(day: str) -> None:
    network = load_network(TEST_DATA / day)
    travel = Travel.of(network)
    assignment = assign_smelters(network, build_jobs(network, travel).jobs, {})
    ctx = ScheduleContext.of(network, travel, assignment.assigned)
    bays = BayBook({s.smelter_id: s.fill_bays for s in network.smelters})
    rng = random.Random(0)
    missed = 0
    for state in initial_states(network, travel).values():
        for a in rng.sample(assignment.assigned, min(40, len(assignment.assigned))):
            state.ready = rng.randint(0, 24 * 60)  # the truck free at any time of the day
            smelter_id = a.source.smelter_id
            if misses_fill_window(ctx, state, smelter_id, a.job):
                missed += 1
                assert time_trip(ctx, state, smelter_id, (a.job,), bays)[0] is None
    assert missed > 0


def test_fills_given_out_of_order_are_still_found():
    """A book started from fills in no particular order bisects them all the same."""
    bays = BayBook({"S": 1}, {"S": [(150, 160), (0, 100), (40, 60)]})
    assert bays.overlapping("S", 45, 55) == [(0, 100), (40, 60)]
    assert bays.earliest_start("S", 0, 10) == 100
