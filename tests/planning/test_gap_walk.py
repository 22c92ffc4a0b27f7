"""The repair's one walk of a truck-day answers as the whole-day walk does.

On the tiny network planned with tight driver rules, every truck-day is walked once
(:func:`logistics.planning.gap_walk.walk_once`) and compared, at every point between two
trips, with :func:`logistics.planning.drivers.walk_runs` of the runs before it (the
driver's counters), and, for every trip taken out and inserted again, with the whole
day's walk (whether it drops a trip), under daily limits from generous to too short so
that both answers occur. The free-flow test never refuses a trip the rules allow.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import pytest

from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.timeline import MinuteRun, minute_run_of
from logistics.planning.drivers import Rules, walk_runs
from logistics.planning.gap_walk import cannot_fit_day, gap_clock, stays_legal, walk_once
from tests.planning.test_drivers import ruled, ruled_plan  # noqa: F401  (fixtures)

#: Daily limits tried, as shares of a truck's driving in the plan.
SHARES = (0.5, 0.8, 1.0, 2.0)


@pytest.fixture(scope="module")
def days(ruled: Network, ruled_plan) -> dict[str, list[MinuteRun]]:  # noqa: F811
    by_truck: dict[str, list[MinuteRun]] = defaultdict(list)
    for run in ruled_plan.runs:
        by_truck[run.truck_id].append(minute_run_of(ruled, run))
    return dict(by_truck)


def _start(network: Network, travel: Travel, truck_id: str) -> tuple[int, str, float]:
    truck = network.truck_by_id[truck_id]
    home = travel.smelter(truck.home_smelter)
    return home, truck.home_smelter, float(network.minutes(truck.shift_start))


def _rules(network: Network, share: float) -> Rules:
    rules = Rules.of(network.params.drivers)
    assert rules is not None
    return replace(rules, daily_min=max(30.0, rules.daily_min * share))


@pytest.mark.parametrize("share", SHARES)
def test_the_counters_at_each_gap_are_the_whole_walks(ruled, days, share) -> None:  # noqa: F811
    travel, rules = Travel.of(ruled), _rules(ruled, share)
    checked = 0
    for truck_id, runs in days.items():
        truck, start = ruled.truck_by_id[truck_id], _start(ruled, travel, truck_id)
        walked = walk_once(rules, ruled, travel, truck, start, runs)
        for minute in [start[2], *sorted({r.pour_end for r in runs})]:
            before = [r for r in runs if r.pour_end <= minute + 1e-6]
            whole = walk_runs(rules, ruled, travel, truck, start, before, fixed=True)
            assert gap_clock(walked, minute) == whole.clock
            checked += 1
    assert checked > len(days)


@pytest.mark.parametrize("share", SHARES)
def test_a_trip_inserted_again_is_legal_as_the_whole_walk_says(ruled, days, share) -> None:  # noqa: F811
    travel, rules = Travel.of(ruled), _rules(ruled, share)
    verdicts: set[bool] = set()
    for truck_id, runs in days.items():
        truck, start = ruled.truck_by_id[truck_id], _start(ruled, travel, truck_id)
        for number in sorted({r.trip for r in runs}):
            new = [r for r in runs if r.trip == number]
            rest = [r for r in runs if r.trip != number]
            walked = walk_once(rules, ruled, travel, truck, start, rest)
            whole = walk_runs(rules, ruled, travel, truck, start, [*rest, *new])
            assert stays_legal(walked, new) == (not whole.dropped)
            verdicts.add(not whole.dropped)
    if share >= 1.0:
        assert True in verdicts
    if share == SHARES[0]:
        assert False in verdicts


@pytest.mark.parametrize("share", SHARES)
def test_the_free_flow_test_refuses_no_legal_trip(ruled, days, share) -> None:  # noqa: F811
    travel, rules = Travel.of(ruled), _rules(ruled, share)
    for truck_id, runs in days.items():
        truck, start = ruled.truck_by_id[truck_id], _start(ruled, travel, truck_id)
        home = travel.smelter(truck.home_smelter)
        for number in sorted({r.trip for r in runs}):
            new = sorted((r for r in runs if r.trip == number), key=lambda r: r.pour_start)
            before = [r for r in runs if r.pour_end <= new[0].fill_start]
            clock = walk_runs(rules, ruled, travel, truck, start, before, fixed=True).clock
            here = (
                travel.caster(max(before, key=lambda r: r.pour_end).caster_id) if before else home
            )
            casters = [travel.caster(r.caster_id) for r in new]
            rows = (here, travel.smelter(new[0].smelter_id), home)
            whole = walk_runs(rules, ruled, travel, truck, start, [*before, *new])
            if not whole.dropped:
                assert not cannot_fit_day(rules, travel, clock, rows, casters)
