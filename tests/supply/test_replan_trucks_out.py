"""A re-plan's trucks taken out of service take no trip of the decision's plan day.

The managed tiny network, every truck (three, two 3 t ladles: 6 t a trip) two trips a
day, the day's orders 15 t: with every truck the plan day's trips carry 36 t, 21 t of
them for managed metal; with T1 out (kept in the fleet for its runs under way, as a
re-plan has it) the two running trucks carry 24 t, 9 t for managed metal, and two trips
are left for it (four less the two the 15 t of orders fill).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from logistics import load_network, plan_day
from logistics.network.model import Network
from logistics.pipeline import supply as supply_pipeline
from logistics.plan.options import DayState, PlanOptions
from logistics.planning import horizon_supply
from tests.conftest import read_table, write_table

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
    from logistics.physics.travel import Travel

    decided = horizon_supply.decide_deliveries(two_trips, Travel.of(two_trips), limit_s=5.0)
    total = float(sum(decided.values(), np.zeros(24)).sum())
    assert total > 9.0 + 1.0  # the limit above binds only because a truck is out
