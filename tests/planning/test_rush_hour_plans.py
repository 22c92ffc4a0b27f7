"""Plans through rush hours: timed with the time-dependent drive, checked exactly.

Figures are recomputed from the plan's rows with the speed profile of the inputs; the
checker's verdict decides.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics import check, load_network, plan_day
from logistics.physics.travel import Travel
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from tests.cli.test_exit_codes import molten, no_traceback
from tests.conftest import copy_tiny

#: A long morning peak at half speed over the tiny day's first orders.
RUSH = "rush_speed_factor = 0.5\nam_rush_from_h = 6\nam_rush_to_h = 11\n"


def with_rush(folder: Path, lines: str = RUSH) -> Path:
    """``folder``'s network.toml with ``lines`` added to its ``[roads]`` table."""
    toml = folder / "network.toml"
    toml.write_text(toml.read_text().replace("[roads]\n", "[roads]\n" + lines, 1))
    return folder


def first_legs(plan: Plan, travel: Travel, network) -> list[tuple[float, float, float, float]]:
    """Per trip, ``(depart, driven, rush-hour drive, free-flow drive)`` minutes of its
    first leg, from the rows: the smelter to the first caster."""
    legs = []
    trips: dict[tuple[str, int], list] = {}
    for run in plan.runs:
        trips.setdefault((run.truck_id, run.trip), []).append(run)
    for runs in trips.values():
        first = min(runs, key=lambda r: r.pour_start)
        depart = network.minutes(first.depart)
        i, j = travel.smelter(first.smelter_id), travel.caster(first.caster_id)
        driven = network.minutes(first.arrive) - depart
        legs.append((depart, driven, travel.leg_minutes(i, j, depart), float(travel.minutes[i, j])))
    return legs


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_plans_drive_through_the_peak_at_its_speed(tmp_path: Path, solver: str) -> None:
    network = load_network(with_rush(copy_tiny(tmp_path / "net")))
    travel = Travel.of(network)
    assert travel.profile is not None
    outcome = plan_day(network, PlanOptions(solver=solver, time_limit_s=5, workers=1))
    assert check(network, outcome.plan).ok
    legs = first_legs(outcome.plan, travel, network)
    assert legs
    for _, driven, needed, _ in legs:
        assert driven >= needed - 1e-6
    in_peak = [leg for leg in legs if leg[0] >= 6 * 60 and leg[0] + 2 * leg[3] <= 11 * 60]
    assert in_peak  # legs wholly in the peak take twice their free-flow time
    for _, driven, needed, free in in_peak:
        assert needed == pytest.approx(2 * free)
        assert driven >= 2 * free - 1e-6


def test_a_free_flow_plan_is_refused_where_the_peak_slows_it(tmp_path: Path) -> None:
    free = load_network(copy_tiny(tmp_path / "free"))
    plan = plan_day(free, PlanOptions(solver="greedy")).plan
    assert check(free, plan).ok
    slowed = load_network(with_rush(copy_tiny(tmp_path / "rush")))
    rules = {v.rule for v in check(slowed, plan).violations}
    assert "travel_time" in rules


def test_a_bad_profile_is_refused_naming_the_key(tmp_path: Path) -> None:
    folder = with_rush(copy_tiny(tmp_path / "net"), "rush_speed_factor = 0.1\n")
    result = molten("plan", str(folder), "--out", str(tmp_path / "plan"))
    assert result.returncode == 2
    no_traceback(result)
    assert "network.toml" in result.stderr and "rush_speed_factor" in result.stderr
    assert not (tmp_path / "plan").exists()


def test_the_risk_of_cold_metal_is_simulated_around_the_rush_hour_drive(tmp_path: Path) -> None:
    """Each leg's drive varies around its planned, rush-hour time: the ride the risk
    estimate simulates starts from it, and the plan made for the risk target passes
    the checker's own estimate (strict for such a plan)."""
    from logistics.pipeline.risk import trip_ride

    network = load_network(with_rush(copy_tiny(tmp_path / "net")))
    travel = Travel.of(network)
    outcome = plan_day(network, PlanOptions(solver="greedy"))
    plan = outcome.plan
    assert plan.summary.cold_probability_target is not None
    assert check(network, plan).ok
    trips: dict[tuple[str, int], list] = {}
    for run in plan.runs:
        trips.setdefault((run.truck_id, run.trip), []).append(run)
    stretched = 0
    for runs in trips.values():
        trip = sorted(runs, key=lambda r: (r.pour_start, r.arrive, r.run_id))
        first = trip[0]
        i, j = travel.smelter(first.smelter_id), travel.caster(first.caster_id)
        needed = travel.leg_minutes(i, j, network.minutes(first.depart))
        ride = trip_ride(network, travel, trip, first.depart)
        assert ride.stops[0].leg_min == pytest.approx(needed)
        stretched += needed > float(travel.minutes[i, j]) + 1e-6
    assert stretched


def test_the_checker_looks_for_room_at_the_slowest_hour(tmp_path: Path) -> None:
    """A ``fleet`` row's room is sought with the peak's drive, so the room the checker
    reports exists whenever the truck leaves."""
    from logistics.check.context import CheckClock, CheckContext

    free = load_network(copy_tiny(tmp_path / "free"))
    slowed = load_network(with_rush(copy_tiny(tmp_path / "rush")))
    legs = (("smelter", "S1", "caster", "C2"), ("caster", "C3", "smelter", "S2"))
    for network, share in ((free, 1.0), (slowed, 0.5)):
        clock = CheckClock(network.plan_date, network.timezone)
        ctx = CheckContext(network, Travel.of(network), clock)
        for leg in legs:
            assert ctx.slowest_travel_s(*leg) == pytest.approx(ctx.travel_s(*leg) / share)
