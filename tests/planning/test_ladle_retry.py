"""The ``fleet`` leftovers tried again with the ladle pool (planning/ladle_retry.py).

A large fuzzed day with a ladle pool of cold ladles (benchmarks/fuzz.py, ``large-7``):
the ladle pass takes off runs no ladle can be ready for, which leaves trucks free for
ladles the first try of the leftovers wrote off as ``fleet``. Without the retry the
checker finds a truck and a ladle (hot, or preheated on a free stand) for many of those
rows (``fleet_room`` warnings); with it, none, every rule of the checker holds, and the
plan carries more tonnes. The pass's shortcut (of ladles no fill can tell apart it tries
only the one it would take) plans the day exactly as trying every ladle does, and the
burner stand's next free moment is where a later fill is tried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import pytest

import logistics.planning.ladles as ladles
import logistics.planning.solve as solve
from benchmarks.fuzz import write_random_network
from logistics.check import check
from logistics.network.ladles import LadleParams
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.pipeline import plan_day
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.planning.ladle_delay import DayParts
from logistics.planning.ladle_retry import Pooled, later_fill, retry_with_pool
from logistics.planning.ladles import LadlePlan, LadleReplay, PlannedPreheat
from logistics.planning.schedule import TimedRun, TimedTrip

SEED = 7  # a large day: 121 ladles, every one cold at the start of the day
V = TypeVar("V")
# one worker plans the day for all of them (``make test`` runs ``--dist loadgroup``)
pytestmark = pytest.mark.xdist_group("ladle-retry-large-7")


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder = tmp_path_factory.mktemp("large-7")
    write_random_network(folder, SEED)
    loaded = load_network(folder)
    assert loaded.ladles and all(ladle.hot_since is None for ladle in loaded.ladles)
    return loaded


def _plan(network: Network) -> Plan:
    # a limit the dispatcher never reaches: the plan does not depend on the machine's speed
    return plan_day(network, PlanOptions(solver="greedy", time_limit_s=900)).plan


@dataclass(frozen=True)
class Retried:
    """The day planned as it is, with what the retry was given and what it gave back."""

    plan: Plan
    parts: DayParts
    given: Pooled
    done: Pooled


@pytest.fixture(scope="module")
def unpooled(network: Network) -> Plan:
    """The plan as it was before the retry (planned once for the module's tests)."""
    with pytest.MonkeyPatch.context() as patched:
        _unpooled(patched)
        return _plan(network)


@pytest.fixture(scope="module")
def retried(network: Network) -> Retried:
    """The day planned as it is (once for the module's tests), the retry's call seen."""
    seen: list[tuple[DayParts, Pooled, Pooled]] = []

    def capture(parts: DayParts, pooled: Pooled, *args: object, **kwargs: object) -> Pooled:
        done = retry_with_pool(parts, pooled, *args, **kwargs)  # type: ignore[arg-type]
        seen.append((parts, pooled, done))
        return done

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(solve, "retry_with_pool", capture)
        # the retry given what the ladle pass left (the free slots tried after it only, no
        # trip moved to make room before it)
        patched.setattr(solve, "TOP_UP_FIRST", False)
        patched.setattr(solve, "MAKE_ROOM", False)
        plan = _plan(network)
    ((parts, given, done),) = seen
    return Retried(plan, parts, given, done)


def _unpooled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan as it was before the retry: the ``fleet`` rows left as they are."""
    monkeypatch.setattr(solve, "retry_with_pool", lambda parts, pooled, *a, **k: pooled)


def _fleet_room(network: Network, plan: Plan) -> int:
    report = check(network, plan)
    assert report.ok, [str(v) for v in report.violations]
    return sum(w.rule == "fleet_room" for w in report.warnings)


def test_the_retry_leaves_no_fleet_row_the_checker_fits(
    network: Network, unpooled: Plan, retried: Retried
) -> None:
    before, after = unpooled, retried.plan
    assert _fleet_room(network, before) > 20
    assert _fleet_room(network, after) == 0
    assert any(u.reason == "fleet" for u in after.unserved)  # honest rows stay
    tonnes: Callable[[Plan], float] = lambda p: sum(r.tonnes for r in p.runs)  # noqa: E731
    assert tonnes(after) > tonnes(before) + 10.0
    # every run has a ladle of its smelter's pool, the new ones included
    home = {ladle.ladle_id: ladle.home_smelter for ladle in network.ladles}
    assert all(r.ladle_id is not None and home[r.ladle_id] == r.smelter_id for r in after.runs)


def test_the_pass_plans_as_if_it_tried_every_ladle(
    network: Network, unpooled: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unpooled(monkeypatch)
    short = unpooled
    monkeypatch.setattr(ladles, "_distinct", lambda pool, clean_every: list(pool))
    every = _plan(network)
    assert [r.model_dump() for r in short.runs] == [r.model_dump() for r in every.runs]
    assert short.preheats == every.preheats
    assert short.unserved == every.unserved


def test_the_replay_passes_a_trip_more_as_the_whole_pass_does(
    network: Network, retried: Retried
) -> None:
    parts, pooled = retried.parts, retried.given
    trips, travel = list(pooled.ladles.passed), parts.ctx.travel
    assert len(trips) > 20
    for k in range(0, len(trips), 5):  # each left out, then passed again as the trip more
        others = [*trips[:k], *trips[k + 1 :]]
        replayed = LadleReplay(network, travel, others, parts.kept).with_trip(trips[k])
        whole = ladles.assign_ladles(network, travel, [*others, trips[k]], parts.kept)
        assert replayed == whole


def test_a_fleet_ladle_not_tried_by_the_time_limit_is_not_planned_in_time(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``fleet`` claims that no truck of the final plan has room: untried, it is not made
    seen: list[Pooled] = []

    def out_of_time(parts: DayParts, pooled: Pooled, day_start, **kwargs) -> Pooled:
        done = retry_with_pool(parts, pooled, day_start, **{**kwargs, "deadline": 0.0})
        seen.append(pooled)
        return done

    monkeypatch.setattr(solve, "retry_with_pool", out_of_time)
    plan = _plan(network)
    (pooled,) = seen
    assert sum(pooled.reasons.get(j.job_id) == "fleet" for j in pooled.left) > 20
    assert not any(u.reason == "fleet" for u in plan.unserved)
    assert any(u.reason == "not_planned_in_time" for u in plan.unserved)
    assert _fleet_room(network, plan) == 0


def _heat(stand: int, start: int, end: int, smelter: str = "S1") -> PlannedPreheat:
    return PlannedPreheat("L", smelter, stand, start, end)


def test_a_later_fill_waits_for_the_first_stand_free_long_enough() -> None:
    params = LadleParams(preheat_min=60.0, preheat_stands=2)
    plan = LadlePlan(
        uses={},
        preheats=(
            _heat(1, 500, 560),
            _heat(1, 570, 630),  # stand 1: free 560–570 only, then from 630
            _heat(2, 520, 580),
            _heat(2, 600, 660),  # stand 2: 580–600 too short, free from 660
            _heat(1, 0, 1000, smelter="S2"),  # another smelter's stand
        ),
        trips=(),
        dropped=(),
    )
    # a fill at 590 found no ladle: the next preheat can run 630–690 on stand 1
    assert later_fill(plan, "S1", 590.0, 2, params) == 690
    # before the stands' preheats: the minute after the fill, a stand is free
    assert later_fill(plan, "S1", 300.0, 2, params) == 301
    assert later_fill(plan, "S2", 590.0, 1, params) == 1060
    assert later_fill(plan, "S1", 590.0, 0, params) is None  # no stand: no later fill


def test_the_retry_keeps_each_trucks_max_trips(network: Network, unpooled: Plan) -> None:
    # every truck may make only the trips it made before the retry: a room the retry
    # finds is then a trip too many, and the checker's trip_count would flag it
    before = unpooled
    made = {
        t.truck_id: len({r.trip for r in before.runs if r.truck_id == t.truck_id})
        for t in network.fleet
    }
    capped = network.model_copy(
        update={
            "fleet": tuple(
                t.model_copy(update={"max_trips": max(1, made[t.truck_id])}) for t in network.fleet
            )
        }
    )
    after = _plan(capped)
    report = check(capped, after)
    assert report.ok, [str(v) for v in report.violations]
    for truck in capped.fleet:
        trips = {r.trip for r in after.runs if r.truck_id == truck.truck_id}
        assert len(trips) <= (truck.max_trips or 0)


def _key(run: TimedRun) -> tuple[str, int, str]:
    return run.truck_id, run.trip, run.job.job_id


def _renumbered(pooled: Pooled, truck_id: str, old: int, new: int) -> Pooled:
    """``pooled`` with the trip ``old`` of ``truck_id`` numbered ``new`` (in its trips,
    the ladle pass's trips, dropped runs, uses and waits)."""

    def run(r: TimedRun) -> TimedRun:
        return replace(r, trip=new) if (r.truck_id, r.trip) == (truck_id, old) else r

    def trips(given: Sequence[TimedTrip]) -> tuple[TimedTrip, ...]:
        return tuple(replace(t, runs=tuple(run(r) for r in t.runs)) for t in given)

    def keyed(d: dict[tuple[str, int, str], V]) -> dict[tuple[str, int, str], V]:
        return {((k[0], new, k[2]) if k[:2] == (truck_id, old) else k): v for k, v in d.items()}

    plan = pooled.ladles
    ladles = replace(
        plan,
        uses=keyed(plan.uses),
        trips=trips(plan.trips),
        dropped=tuple(run(r) for r in plan.dropped),
        waits=keyed(plan.waits),
        passed=trips(plan.passed),
    )
    return Pooled(list(trips(pooled.trips)), pooled.left, pooled.reasons, pooled.stops, ladles)


def test_a_ladle_tried_again_under_the_number_of_the_trip_it_lost_its_ladle_on_stays_counted(
    network: Network,
    retried: Retried,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # fuzz --managed seed 517: a managed ladle whose run the pass took off (an inserted
    # trip, numbered 1001 and up) was tried again on the same truck, and the new trip got
    # the number of the old one; the pass, which knows a run by truck, trip and job, took
    # the new run off with the old one, and the ladle was neither delivered nor unserved
    pooled, done = retried.given, retried.done
    alone = {(t.runs[0].truck_id, t.runs[0].trip) for t in pooled.ladles.passed if len(t.runs) == 1}
    was = {_key(r) for t in pooled.trips for r in t.runs}
    new = {_key(r) for t in done.trips for r in t.runs} - was
    # a ladle the pass took off (alone on its trip) that the retry puts on the same truck
    truck_id, old, job_id, number = next(
        (s[0], s[1], s[2], n[1])
        for s in sorted(_key(r) for r in pooled.ladles.dropped)
        for n in sorted(new)
        if (s[0], s[2]) == (n[0], n[2]) and s[:2] in alone
    )

    def colliding(parts: DayParts, pooled: Pooled, *args: object, **kwargs: object) -> Pooled:
        # its trip numbered as the retry numbers the trip that carries it again
        moved = _renumbered(pooled, truck_id, old, number)
        return retry_with_pool(parts, moved, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solve, "retry_with_pool", colliding)
    monkeypatch.setattr(solve, "TOP_UP_FIRST", False)
    with caplog.at_level(logging.ERROR, logger=solve.__name__):
        plan = _plan(network)
    report = check(network, plan)
    assert report.ok, [str(v) for v in report.violations]
    assert not [r for r in caplog.records if "job accounting" in r.getMessage()]
    order_id = job_id.split("#")[0]
    delivered = sum(r.tonnes for r in plan.runs if r.order_id == order_id)
    unserved = sum(u.tonnes for u in plan.unserved if u.order_id == order_id)
    assert delivered + unserved == pytest.approx(network.order_by_id[order_id].tonnes)
    assert any(r.order_id == order_id and r.truck_id == truck_id for r in plan.runs)
