"""Leftover ladles put in a free slot of a trip already planned (planning/topup.py).

A small fuzzed day with a ladle pool (benchmarks/fuzz.py, seed 255): one truck of three
ladles, two orders at one caster. The dispatcher's first trip carries the two ladles of
one order; the 30 t of the other take more trips than the day has room for, so ladles
of it are left over, and a trip of their own fits nowhere. The third slot of the first
trip is free: with the top-up a ladle of the second order rides there, the plan keeps
every rule of the independent checker, carries 5 t more on as many trips, and saves
more against ingots. Every figure is read from the plan's rows. The ladle pass resumed
with trips replaced (how each slot is tested) gives what the whole pass gives. The
topped-up plan re-planned at each trip's boundaries keeps every rule of the checker.
Managed deliveries are tried for a free slot before the casters' leftovers, as in the
retry with the pool, whatever their reason and deadline.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

import logistics.planning.solve as solve
import logistics.planning.topup as topup
from benchmarks.fuzz import write_random_network
from logistics.check import check
from logistics.network.furnaces import Furnace
from logistics.network.loader import load_network
from logistics.network.model import Network, Order
from logistics.pipeline import plan_day, replan
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.planning.jobs import Job
from logistics.planning.ladle_delay import DayParts
from logistics.planning.ladle_retry import Pooled
from logistics.planning.ladles import LadleReplay, assign_ladles
from logistics.planning.topup import top_up

SEED = 255  # a small day: one 3-ladle truck, a pool of 6 ladles at one smelter


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder: Path = tmp_path_factory.mktemp("small-255")
    write_random_network(folder, SEED)
    loaded = load_network(folder)
    assert loaded.ladles and len(loaded.fleet) == 1
    return loaded


def _plan(network: Network) -> Plan:
    # a limit the dispatcher never reaches: the plan does not depend on the machine's speed
    plan = plan_day(network, PlanOptions(solver="greedy", time_limit_s=900)).plan
    report = check(network, plan)
    assert report.ok, [str(v) for v in report.violations]
    return plan


def _trips(plan: Plan) -> set[tuple[str, int]]:
    return {(r.truck_id, r.trip) for r in plan.runs}


def _saving(plan: Plan) -> float:
    assert plan.economics is not None
    return plan.economics.plan.saving_cny  # the day against all-ingot, priced from the rows


def test_a_leftover_ladle_rides_in_a_free_slot(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(solve, "TOP_UP", False, raising=False)
        before = _plan(network)
    after = _plan(network)
    delivered = sum(r.tonnes for r in after.runs)
    assert delivered == pytest.approx(sum(r.tonnes for r in before.runs) + 5.0)
    assert len(_trips(after)) == len(_trips(before))  # no trip added: a free slot taken
    truck = network.fleet[0]
    assert (
        max(sum(1 for r in after.runs if (r.truck_id, r.trip) == trip) for trip in _trips(after))
        == truck.ladles
    )
    # the unserved rows and the delivered rows account for the same order book
    unserved = sum(u.tonnes for u in after.unserved)
    assert unserved == pytest.approx(sum(u.tonnes for u in before.unserved) - 5.0)
    assert _saving(after) > _saving(before)
    home = {ladle.ladle_id: ladle.home_smelter for ladle in network.ladles}
    assert all(r.ladle_id is not None and home[r.ladle_id] == r.smelter_id for r in after.runs)


def test_the_free_slots_are_taken_before_the_leftovers_get_trips_of_their_own(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a leftover that a free slot of a trip can carry rides there, not on a trip of its
    # own paid for by its ladle alone: when the pool's second try starts, no free slot
    # is left that a leftover fits (the slots tried on what it is given place nothing)
    given: list[tuple[DayParts, Pooled]] = []
    retry = solve.retry_with_pool

    def capture(parts: DayParts, pooled: Pooled, *args: object, **kwargs: object) -> Pooled:
        given.append((parts, pooled))
        return retry(parts, pooled, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solve, "retry_with_pool", capture)
    plan = _plan(network)
    ((parts, pooled),) = given
    assert pooled.left  # leftovers reach the second try
    again = top_up(parts, pooled, not_before=0, penalty_per_t=None, deadline=None)
    assert {j.job_id for j in again.left} == {j.job_id for j in pooled.left}
    # and the ladle of the second order rides in the first trip's free slot
    truck = network.fleet[0]
    assert max(sum(1 for r in plan.runs if (r.truck_id, r.trip) == t) for t in _trips(plan)) == (
        truck.ladles
    )


def test_the_replay_passes_a_plan_with_trips_replaced_as_the_whole_pass_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # the free slots resume the ladle pass from before the first trip they change
    write_random_network(tmp_path, 327)  # a small day: 12 ladles, 21 orders
    network = load_network(tmp_path)
    seen: list[tuple[DayParts, Pooled]] = []

    def capture(parts: DayParts, pooled: Pooled, *args: object, **kwargs: object) -> Pooled:
        seen.append((parts, pooled))
        return pooled

    monkeypatch.setattr(solve, "retry_with_pool", capture)
    _plan(network)
    ((parts, pooled),) = seen
    trips, travel = list(pooled.trips), parts.ctx.travel
    assert len(trips) >= 3
    replay = LadleReplay(network, travel, trips, parts.kept)
    for k, trip in enumerate(trips):
        others = [*trips[:k], *trips[k + 1 :]]
        assert replay.with_trips([], [trip]) == assign_ladles(network, travel, others, parts.kept)
        back = replay.with_trips([trip], [trip])
        assert back == assign_ladles(network, travel, [*others, trip], parts.kept)


def _new_order(network: Network, plan: Plan, now: datetime) -> Order:
    """An order like the plan's last one, placed at ``now`` for two to five hours on."""
    last = next(o for o in network.orders if o.order_id == plan.runs[-1].order_id)
    return Order(
        order_id="NEW1",
        caster_id=last.caster_id,
        alloy=last.alloy,
        tonnes=last.tonnes,
        window_start=max(last.window_start, now + timedelta(hours=2)),
        window_end=max(last.window_end, now + timedelta(hours=5)),
        placed_at=now,
    )


def test_a_topped_up_plan_re_plans_valid_at_each_trip_boundary(network: Network) -> None:
    # the runs under way keep their preheats as planned (the morning plan packs three
    # back-to-back preheats on two stands, which planning them again could not rebuild)
    plan = _plan(network)
    assert plan.preheats
    bounds: set[datetime] = set()
    for trip in _trips(plan):
        runs = [r for r in plan.runs if (r.truck_id, r.trip) == trip]
        bounds.add(min(r.fill_start for r in runs))
        bounds.add(max(r.fill_start for r in runs))
        bounds.add(max(r.pour_end for r in runs))
    options = PlanOptions(solver="greedy", time_limit_s=900, replan_mode="insert")
    for now in sorted(bounds):
        now = now.replace(second=0, microsecond=0)
        res = replan(network, plan, now, options, new_orders=[_new_order(network, plan, now)])
        report = check(res.network, res.outcome.plan)
        assert report.ok, (now, [str(v) for v in report.violations])
        kept = {r.ladle_id for r in res.facts}
        # the preheats of the runs under way are the morning plan's rows
        for p in plan.preheats:
            if p.ladle_id in kept and p.end <= now:
                assert p in res.outcome.plan.preheats, (now, p)


def test_managed_deliveries_are_tried_for_a_free_slot_first(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = network.orders[0]
    managed = network.model_copy(
        update={
            "furnaces": (
                Furnace(
                    caster_id=order.caster_id,
                    alloy=order.alloy,
                    capacity_t=50,
                    min_level_t=1,
                    start_level_t=10,
                ),
            )
        }
    )

    def job(job_id: str, order_id: str, latest: int) -> Job:
        return Job(job_id, order_id, order.caster_id, order.alloy, 5.0, 0, latest, 700.0, ())

    casters = job("a", order.order_id, 300)  # tried first by reason and deadline alone
    delivery = job("b", "M-" + order.caster_id + "-" + order.alloy + "-01", 900)
    tried: list[str] = []

    def no_slot(parts: object, trips: object, ladles: object, j: Job, *rest: object) -> None:
        tried.append(j.job_id)

    monkeypatch.setattr(topup, "_first_slot", no_slot)
    monkeypatch.setattr(topup, "LadleReplay", lambda *args: None)
    parts = SimpleNamespace(ctx=SimpleNamespace(network=managed, travel=None), kept=())
    pooled = Pooled([], [casters, delivery], {"a": "ladles", "b": "fleet"}, (), None)  # type: ignore[arg-type]
    top_up(parts, pooled, not_before=0, penalty_per_t=None, deadline=None)  # type: ignore[arg-type]
    assert tried == ["b", "a"]  # the managed delivery first (before: "a", then "b")
