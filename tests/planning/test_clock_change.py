"""A day on which the clocks go back: holds, taps and checks use real elapsed time.

Europe/Berlin leaves summer time at 03:00 CEST on 2026-10-25 (clocks go back to 02:00
CET). A ladle filled before the change and poured after it is held an hour longer than
the wall clocks say; at τ = 30 h that hour costs it about 25 °C.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from logistics.check import check, check_rows
from logistics.network.loader import load_network
from logistics.physics.cooling import temperature_after
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from logistics.planning.jobs import _class_shares, shift_hours
from tests.plan.night import BERLIN, berlin_night


@pytest.fixture(scope="module")
def night_network(tmp_path_factory):
    """tiny moved to Berlin on the night of the change, with one order at 04:00 CET."""
    return load_network(berlin_night(tmp_path_factory.mktemp("berlin") / "tiny"))


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_a_ladle_across_the_change_is_planned_and_checked_in_elapsed_time(
    night_network, solver
) -> None:
    plan = plan_day(night_network, PlanOptions(solver=solver, time_limit_s=3)).plan
    report = check(night_network, plan)
    assert report.ok, [str(v) for v in report.violations]
    (run,) = plan.runs
    fill_end, pour = run.fill_end.astimezone(BERLIN), run.pour_start.astimezone(BERLIN)
    assert fill_end.utcoffset() == timedelta(hours=2)  # filled in summer time
    assert pour.utcoffset() == timedelta(hours=1)  # poured in winter time
    held_h = (run.pour_start.astimezone(UTC) - run.fill_end.astimezone(UTC)).total_seconds() / 3600
    assert (
        held_h > (pour.replace(tzinfo=None) - fill_end.replace(tzinfo=None)).total_seconds() / 3600
    )
    tau = night_network.truck_by_id[run.truck_id].tau_h
    assert run.arrival_c == pytest.approx(temperature_after(run.tap_c, held_h, tau, 25), abs=0.1)


def test_the_checker_catches_a_hold_counted_on_the_wall_clock(night_network) -> None:
    # Filled 02:15–02:30 CEST, poured 02:45 CET: 75 min later, not 30.
    fill_start = datetime(2026, 10, 25, 2, 15, tzinfo=BERLIN)
    fill_end = fill_start + timedelta(minutes=15)
    pour_start = datetime(2026, 10, 25, 2, 45, fold=1, tzinfo=BERLIN)
    assert (pour_start - fill_end) == timedelta(minutes=15)  # Python's wall-clock answer
    wall_clock_arrival = temperature_after(760.0, 0.25, 30, 25)
    runs = [
        {
            "run_id": "R1",
            "truck_id": "T1",
            "trip": "1",
            "order_id": "N1",
            "smelter_id": "S1",
            "caster_id": "C1",
            "alloy": "ADC12",
            "tonnes": "3",
            "fill_start": fill_start.isoformat(),
            "fill_end": fill_end.isoformat(),
            "depart": fill_end.isoformat(),
            "arrive": pour_start.isoformat(),
            "pour_start": pour_start.isoformat(),
            "pour_end": (pour_start + timedelta(minutes=15)).isoformat(),
            "tap_c": "760",
            "arrival_c": f"{wall_clock_arrival:.1f}",
            "road_km": "37.1",
        }
    ]
    report = check_rows(night_network, runs, [])
    reported = [v for v in report.violations if v.rule == "arrival_reported"]
    assert reported, [str(v) for v in report.violations]
    assert "1.25 h" in reported[0].message  # the real hold, 02:30 CEST to 02:45 CET


def test_a_shift_across_the_change_is_counted_in_real_hours(night_network) -> None:
    # 00:00 CEST to 20:00 CET: 21 hours, though the clock moves on by 20.
    for truck in night_network.fleet:
        assert (truck.shift_start.hour, truck.shift_end.hour) == (0, 20)
        seconds = (truck.shift_end.astimezone(UTC) - truck.shift_start.astimezone(UTC)).seconds
        assert seconds == 21 * 3600
        assert shift_hours(night_network, truck) == pytest.approx(21.0)


def test_ladle_size_shares_weigh_the_longer_shift(night_network) -> None:
    # T1 (3 t ladles) works 00:00-04:00 across the change (5 h), T2 and T3 (4 t) 06:00-10:00
    # CET (4 h): capacities 2 x 3 x 5 = 30 and 2 x (2 x 4 x 4) x 1/2 = 32 (two trucks).
    hour = night_network.at

    def shift(truck, start_h: float, end_h: float, ladle_t: float):
        return truck.model_copy(
            update={
                "shift_start": hour(start_h * 60),
                "shift_end": hour(end_h * 60),
                "ladle_t": ladle_t,
            }
        )

    t1, t2, t3 = night_network.fleet
    trucks = [shift(t1, 0, 5, 3.0), shift(t2, 7, 11, 4.0), shift(t3, 7, 11, 4.0)]
    assert trucks[0].shift_end.astimezone(BERLIN).hour == 4
    shares = _class_shares(night_network, trucks)
    assert shares[3.0] == pytest.approx(30 / 62)
    assert shares[4.0] == pytest.approx(32 / 62)
