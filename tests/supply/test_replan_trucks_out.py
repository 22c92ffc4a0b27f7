"""A re-plan's trucks taken out of service take no trip of the decision's plan day.

The managed tiny network, every truck (three, two 3 t ladles: 6 t a trip) two trips a
day, the day's orders 15 t: with every truck the plan day's trips carry 36 t, 21 t of
them for managed metal; with T1 out (kept in the fleet for its runs under way, as a
re-plan has it) the two running trucks carry 24 t, 9 t for managed metal, and two trips
are left for it (four less the two the 15 t of orders fill).

In a real re-plan the truck taken out has made trips already: at 08:00 T3's run of
3 t for O2 is under way. Its tonnes take none of the running trucks' trips: T1 and T2
have 24 t of trips and 12 t of orders left to carry, so 12 t of room for managed metal
(9 t before, when the decision charged them every order of the day). With every truck
out the decision has nothing to decide and computes nothing (no mean of no truck).
"""

from __future__ import annotations

import shutil
import warnings
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from logistics import load_network, plan_day, replan
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.pipeline import TruckChanges
from logistics.pipeline import supply as supply_pipeline
from logistics.plan.options import DayState, PlanOptions
from logistics.planning import horizon_supply
from tests.conftest import read_table, write_table
from tests.supply.conftest import spied_decisions

MON = date(2026, 11, 23)
OUT = "T1"


@pytest.fixture(scope="module")
def two_trips(managed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Network:
    """The managed tiny network, every truck two trips a day."""
    net = tmp_path_factory.mktemp("trucks_out") / "net"
    shutil.copytree(managed_dir, net)
    table = read_table(net / "fleet.csv")
    write_table(net / "fleet.csv", [[*table[0], "max_trips"]] + [[*r, "2"] for r in table[1:]])
    return load_network(net, MON)


def _ordered_t(network: Network) -> float:
    made = {p.alloy for p in network.production}
    return sum(o.tonnes for o in network.day_orders if o.alloy in made)


def test_a_replans_trucks_out_leave_the_plan_days_trips(
    two_trips: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = [t for t in two_trips.fleet if t.truck_id != OUT]
    room = sum(t.trip_t * (t.max_trips or 0) for t in running) - _ordered_t(two_trips)
    assert room == pytest.approx(9.0)
    decisions: list[dict] = []
    left: list[tuple[tuple[str, ...], int | None]] = []
    decide, trips = supply_pipeline.decide_deliveries, horizon_supply.trips_left

    def spy_decide(*args: object, **kwargs: object) -> dict:
        found = decide(*args, **kwargs)  # type: ignore[arg-type]
        decisions.append(found)
        return found

    def spy_trips(network: Network, ordered_t: float, missed_t: float = 0.0) -> int | None:
        found = trips(network, ordered_t, missed_t)
        if missed_t == 0.0:  # a re-plan's decision also leaves the trips a pass missed
            left.append((tuple(t.truck_id for t in network.fleet), found))
        return found

    monkeypatch.setattr(supply_pipeline, "decide_deliveries", spy_decide)
    monkeypatch.setattr(horizon_supply, "trips_left", spy_trips)
    state = DayState(unavailable_trucks=(OUT,))
    outcome = plan_day(two_trips, PlanOptions(solver="greedy", time_limit_s=5), state)
    assert outcome.report.ok, outcome.report.violations[:3]
    assert decisions and left
    for found in decisions:  # the plan day's managed tonnes within the running trips
        assert found
        assert sum(float(v.sum()) for v in found.values()) <= room + 1e-3
    for fleet, count in left:  # every day of the look-ahead: only the running trucks
        assert OUT not in fleet
        assert count == 2
    # the day's plan gives the truck out no new run
    assert all(r.truck_id != OUT for r in outcome.plan.runs)


def test_without_trucks_out_the_decision_uses_every_trip(two_trips: Network) -> None:
    decided = horizon_supply.decide_deliveries(two_trips, Travel.of(two_trips), limit_s=5.0)
    total = float(sum(decided.values(), np.zeros(24)).sum())
    assert total > 9.0 + 1.0  # the limit above binds only because a truck is out


REPLAN_OUT = "T3"


def test_a_replans_truck_out_keeps_what_it_already_carries(
    two_trips: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = PlanOptions(solver="greedy", time_limit_s=5)
    first = plan_day(two_trips, options)
    assert first.report.ok, first.report.violations[:3]
    now = datetime(2026, 11, 23, 8, 0, tzinfo=two_trips.tz)
    decisions = spied_decisions(monkeypatch)
    out = replan(
        two_trips, first.plan, now, options, truck_changes=TruckChanges(remove=(REPLAN_OUT,))
    )
    assert out.outcome.report.ok, out.outcome.report.violations[:3]
    # what the truck out carries is the run it already made: under way at 08:00
    carried = [(r.order_id, r.tonnes) for r in out.facts if r.truck_id == REPLAN_OUT]
    assert carried == [("O2", 3.0)]
    running = [t for t in two_trips.fleet if t.truck_id != REPLAN_OUT]
    trips_t = sum(t.trip_t * (t.max_trips or 0) for t in running)
    left_t = _ordered_t(two_trips) - sum(t for _, t in carried)
    room = trips_t - left_t  # 24 t of trips less the 12 t of orders left
    assert room == pytest.approx(12.0)
    assert decisions
    totals = [sum(float(v.sum()) for v in found.values()) for found in decisions]
    assert all(total <= room + 1e-3 for total in totals), totals
    # the furnaces want more than the room (the decision is capped by it): before, the
    # truck out's 3 t of O2 were charged to the running trucks' trips too (9 t)
    assert max(totals) > room - 3.0 + 1.0, totals


def test_carried_by_counts_only_the_trucks_out(two_trips: Network) -> None:
    plan = plan_day(two_trips, PlanOptions(solver="greedy", time_limit_s=5)).plan
    carried = supply_pipeline.carried_by(plan.runs, (REPLAN_OUT,))
    mine = [r for r in plan.runs if r.truck_id == REPLAN_OUT]
    assert mine
    assert carried == tuple((r.order_id, r.tonnes) for r in mine)
    assert supply_pipeline.carried_by(plan.runs, ()) == ()


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_every_truck_out_decides_nothing_without_warnings(
    two_trips: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    everyone = tuple(t.truck_id for t in two_trips.fleet)
    idle = supply_pipeline.running_fleet(two_trips, everyone)
    assert not idle.fleet
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert horizon_supply.decide_deliveries(idle, Travel.of(idle), limit_s=5.0) == {}
        decisions = spied_decisions(monkeypatch)
        state = DayState(unavailable_trucks=everyone)
        outcome = plan_day(two_trips, PlanOptions(solver="greedy", time_limit_s=5), state)
    assert outcome.report.ok, outcome.report.violations[:3]
    assert not outcome.plan.runs
    assert decisions and all(found == {} for found in decisions)
    supply = outcome.plan.supply
    assert supply is not None
    assert all(np.isfinite(f.emergency_ingot_t) for f in supply.furnaces)
