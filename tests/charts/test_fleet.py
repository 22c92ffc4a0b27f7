"""Trucks needed against available per hour."""

from __future__ import annotations

from logistics import PlanOutcome
from logistics.charts import trucks_per_hour
from logistics.charts.fleet import hourly_fleet
from logistics.charts.style import local
from logistics.network.model import Network
from logistics.physics.travel import Travel


def test_a_checked_plan_never_needs_more_trucks_than_are_on_shift(
    tiny: Network, tiny_outcome: PlanOutcome
) -> None:
    rows = hourly_fleet(tiny, Travel.of(tiny), tiny_outcome.plan.runs)
    assert rows
    assert all(r["needed"] <= r["available"] for r in rows)
    assert max(r["available"] for r in rows) == len(tiny.fleet)


def test_every_pour_counts_its_truck_in_its_hour(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    runs = tiny_outcome.plan.runs
    rows = {r["hour"]: r for r in hourly_fleet(tiny, Travel.of(tiny), runs)}
    for run in runs:
        hour = local(run.pour_start, tiny.tz).replace(minute=0, second=0)
        busy = {r.truck_id for r in runs if r.fill_start <= run.pour_start <= r.pour_end}
        assert rows[hour]["needed"] >= len(busy) >= 1


def test_one_trip_needs_one_truck_only_while_it_runs(
    tiny: Network, tiny_outcome: PlanOutcome
) -> None:
    first = tiny_outcome.plan.runs[0]
    trip = [r for r in tiny_outcome.plan.runs if (r.truck_id, r.trip) == (first.truck_id, 1)]
    rows = hourly_fleet(tiny, Travel.of(tiny), trip)
    busy = [r for r in rows if r["needed"]]
    assert {r["needed"] for r in busy} == {1}
    start = local(min(r.fill_start for r in trip), tiny.tz).replace(minute=0)
    assert busy[0]["hour"] <= start


def test_unavailable_trucks_are_not_available(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    out = tiny.fleet[0].truck_id
    fig = trucks_per_hour(tiny, Travel.of(tiny), tiny_outcome.plan.runs, unavailable=[out])
    available = next(t for t in fig.data if t.name == "available")
    assert max(available.y) == len(tiny.fleet) - 1
