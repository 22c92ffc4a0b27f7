"""Re-plans a dispatcher accepts: booked deliveries kept, few runs moved, every change priced.

A caster calls at 10:00 for 6 t at 15:00–17:00. The current plan is the Pearl River
Delta day (tests/data) planned by the optimiser in the deterministic mode (the same plan
on any machine). Every assertion is
on the rows of the plans and the checker's verdict, never on what the planner says.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from datetime import datetime

import pytest

from logistics import PlanOptions, check, load_network, plan_day
from logistics.network.model import Network, Order
from logistics.network.params import ReplanParams
from logistics.physics.travel import Travel
from logistics.pipeline import TruckChanges, facts_at, replan
from logistics.pipeline.facts import transit_starts
from logistics.plan.diff import change_cost, plan_change_cost
from logistics.plan.model import Plan, Run
from tests.conftest import TEST_DATA
from tests.helpers import objective_from_rows


@pytest.fixture(scope="module")
def prd() -> Network:
    return load_network(TEST_DATA / "pearl_river_delta")


@pytest.fixture(scope="module")
def day_plan(prd: Network) -> Plan:
    outcome = plan_day(prd, PlanOptions(time_limit_s=300, solution_limit=5, workers=1))
    assert outcome.ok
    return outcome.plan


def at(network: Network, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return network.at(h * 60 + m)


def urgent(network: Network, placed: str = "10:00") -> Order:
    caster = network.casters[0]
    return Order(
        order_id="URGENT",
        caster_id=caster.caster_id,
        alloy=caster.alloys[0],
        tonnes=6.0,
        window_start=at(network, "15:00"),
        window_end=at(network, "17:00"),
        placed_at=at(network, placed),
    )


def booked_of(plan: Plan, now: datetime) -> list[Run]:
    facts = set(facts_at(plan, now))
    return [r for r in plan.runs if r not in facts]


def key(run: Run) -> tuple:
    return (run.truck_id, run.order_id, run.fill_start, run.pour_start, run.tonnes, run.tap_c)


def delivered(plan: Plan) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for r in plan.runs:
        out[r.order_id] += r.tonnes
    return out


def test_insert_keeps_every_booked_run_and_serves_the_urgent_order(
    prd: Network, day_plan: Plan
) -> None:
    now = at(prd, "10:00")
    result = replan(prd, day_plan, now, PlanOptions(), new_orders=[urgent(prd)])
    new = result.outcome.plan
    assert check(result.network, new).ok
    # every run of the current plan is in the new one, exactly (truck, times, tap)
    assert {key(r) for r in day_plan.runs} <= {key(r) for r in new.runs}
    # every order delivers at least what it did, and the urgent order is served
    before, after = delivered(day_plan), delivered(new)
    assert all(after[o] >= t - 1e-9 for o, t in before.items())
    assert after["URGENT"] == pytest.approx(6.0)
    # what changed: the urgent ladles only, on the trucks that carry them
    added = [r for r in new.runs if key(r) not in {key(x) for x in day_plan.runs}]
    assert {r.order_id for r in added} == {"URGENT"}
    assert set(result.diff.trucks_affected) == {r.truck_id for r in added}
    assert not result.diff.moved and not result.diff.dropped


def test_insert_fits_new_trips_between_booked_trips(prd: Network, day_plan: Plan) -> None:
    # Three urgent orders at three casters: at least one goes into a gap between two
    # booked trips of a truck (a truck used before and after it), not only at the end.
    now = at(prd, "10:00")
    orders = [
        urgent(prd).model_copy(update={"order_id": f"U{k}", "caster_id": c.caster_id,
                                       "alloy": c.alloys[0]})
        for k, c in enumerate(prd.casters[:3])
    ]  # fmt: skip
    result = replan(prd, day_plan, now, PlanOptions(), new_orders=orders)
    new = result.outcome.plan
    assert check(result.network, new).ok
    kept = {key(r) for r in day_plan.runs}
    between = 0
    for run in (r for r in new.runs if key(r) not in kept):
        mine = [r for r in new.runs if r.truck_id == run.truck_id and key(r) in kept]
        if any(r.pour_end <= run.fill_start for r in mine) and any(
            r.fill_start >= run.pour_end for r in mine
        ):
            between += 1
    assert between >= 1


def test_a_truck_taken_out_loses_its_booked_runs_to_the_others(
    prd: Network, day_plan: Plan
) -> None:
    now = at(prd, "10:00")
    busy = max(
        prd.fleet,
        key=lambda t: sum(1 for r in booked_of(day_plan, now) if r.truck_id == t.truck_id),
    ).truck_id
    result = replan(prd, day_plan, now, PlanOptions(), truck_changes=TruckChanges(remove=(busy,)))
    new = result.outcome.plan
    assert check(result.network, new).ok
    facts = set(facts_at(day_plan, now))
    assert all(r in facts for r in new.runs if r.truck_id == busy)  # nothing new on it
    moved_off = [r for r in booked_of(day_plan, now) if r.truck_id == busy]
    assert moved_off
    # the other trucks' booked runs stay exactly as they were
    others = {key(r) for r in booked_of(day_plan, now) if r.truck_id != busy}
    assert others <= {key(r) for r in new.runs}


def test_reoptimise_is_never_worse_than_insert_by_the_objective(
    prd: Network, day_plan: Plan
) -> None:
    now = at(prd, "10:00")
    # The re-optimised re-plan starts from the insert plan and keeps it unless it finds a
    # better one, so the bound holds however long it searched. Its search on this day
    # reached no solution limit and ran to the time limit (300 s, on a quiet machine too):
    # 15 s keep the verdict and leave the rest of the suite its time.
    options = PlanOptions(time_limit_s=15, solution_limit=10, workers=1)
    inserted = replan(prd, day_plan, now, options, new_orders=[urgent(prd)])
    searched = replan(
        prd,
        day_plan,
        now,
        options.model_copy(update={"replan_mode": "reoptimise"}),
        new_orders=[urgent(prd)],
    )
    assert check(searched.network, searched.outcome.plan).ok
    booked = booked_of(day_plan, now)

    def objective(result) -> float:
        network = result.network
        runs = result.outcome.plan.runs
        minutes = [_in_minutes(network, r) for r in booked]
        planned = [_in_minutes(network, r) for r in runs]
        price = change_cost(minutes, planned, network.params.replan).cost_cny
        return objective_from_rows(network, result.outcome.plan) + price

    assert objective(searched) <= objective(inserted) + 0.01


class _Minutes:
    def __init__(self, network: Network, run: Run) -> None:
        self.order_id, self.truck_id, self.tonnes = run.order_id, run.truck_id, run.tonnes
        self.pour_start = network.minutes(run.pour_start)


def _in_minutes(network: Network, run: Run) -> _Minutes:
    return _Minutes(network, run)


def test_change_cost_matches_kept_moved_and_dropped() -> None:
    params = ReplanParams(move_truck_cny=300, time_tolerance_min=15, move_time_cny=100)

    class R:
        def __init__(self, order: str, truck: str, pour: float, tonnes: float = 3.0) -> None:
            self.order_id, self.truck_id, self.pour_start, self.tonnes = order, truck, pour, tonnes

    booked = [R("A", "T1", 600), R("A", "T1", 615), R("B", "T2", 700), R("C", "T3", 800)]
    planned = [R("A", "T1", 610), R("A", "T2", 640), R("B", "T2", 760)]
    cost = change_cost(booked, planned, params)
    assert (cost.kept, cost.moved_time, cost.moved_truck) == (1, 1, 1)
    assert cost.dropped_t == pytest.approx(3.0)
    assert cost.cost_cny == pytest.approx(300 + 100 + 3.0 * params.drop_booked_cny_per_t)


def test_trucks_on_the_road_at_now_are_where_they_are_heading(prd: Network, day_plan: Plan) -> None:
    now = at(prd, "10:00")
    travel = Travel.of(prd)
    starts = transit_starts(prd, travel, day_plan, now)
    assert starts
    for start in starts:
        mine = sorted(
            (r for r in day_plan.runs if r.truck_id == start.truck_id), key=lambda r: r.fill_start
        )
        nxt = next(r for r in mine if r.fill_start > now)
        assert start.site_id == nxt.smelter_id and start.at <= nxt.fill_start
        assert start.at >= now


def test_reoptimise_stopped_at_its_start_keeps_every_booked_run(
    prd: Network, day_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The search starts from the insert plan; stopped at its first solution (that start's
    # own routes), the plan that comes out of routes → trips → timing must be the start
    # again: every booked run kept on its truck at its time, none dropped, and no more
    # left unserved than the insert plan leaves. It used to come back with booked runs
    # timed from their earliest (poured earlier than booked: moved).
    replan_module = importlib.import_module("logistics.pipeline.replan")
    made: list[Plan] = []
    real = replan_module.plan_day

    def recording(*args, **kwargs):
        outcome = real(*args, **kwargs)
        made.append(outcome.plan)
        return outcome

    monkeypatch.setattr(replan_module, "plan_day", recording)
    now = at(prd, "10:00")
    options = PlanOptions(time_limit_s=60, solution_limit=1, workers=1, replan_mode="reoptimise")
    result = replan(prd, day_plan, now, options, new_orders=[urgent(prd)])
    inserted, searched = made
    network = result.network
    booked = booked_of(day_plan, now)
    assert check(network, searched).ok
    change = plan_change_cost(network, booked, searched.runs)
    assert (change.moved, change.dropped_t) == (0, 0.0)
    assert change.kept == len(booked)
    left = sum(u.tonnes for u in searched.unserved)
    assert left <= sum(u.tonnes for u in inserted.unserved) + 1e-6
