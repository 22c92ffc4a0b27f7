"""A day on which the clocks go back: holds, taps and checks use real elapsed time.

Europe/Berlin leaves summer time at 03:00 CEST on 2026-10-25 (clocks go back to 02:00
CET). A ladle filled before the change and poured after it is held an hour longer than
the wall clocks say; at τ = 30 h that hour costs it about 25 °C.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from logistics.check import check, check_rows
from logistics.network.loader import load_network
from logistics.physics.cooling import temperature_after
from logistics.pipeline import solve

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def night_network(tmp_path_factory):
    """tiny moved to Berlin on the night of the change, with one order at 04:00 CET."""
    folder = tmp_path_factory.mktemp("berlin") / "tiny"
    shutil.copytree(TINY, folder)
    toml = (folder / "network.toml").read_text()
    toml = toml.replace('timezone = "Asia/Shanghai"', 'timezone = "Europe/Berlin"')
    toml = toml.replace('plan_date = "2026-11-23"', 'plan_date = "2026-10-25"')
    (folder / "network.toml").write_text(toml)
    smelters = (folder / "smelters.csv").read_text().replace(",05:00,22:00,", ",00:00,22:00,")
    (folder / "smelters.csv").write_text(smelters)
    fleet = (folder / "fleet.csv").read_text().replace(",06:00,20:00,", ",00:00,20:00,")
    (folder / "fleet.csv").write_text(fleet)
    (folder / "orders.csv").write_text(
        "order_id,caster_id,alloy,tonnes,window_start,window_end,placed_at\n"
        # C1 (open around the clock) far enough that the drive crosses the change
        "N1,C1,ADC12,3,2026-10-25T02:30:00+01:00,2026-10-25T03:00:00+01:00,"
        "2026-10-24T12:00:00+02:00\n"
    )
    return load_network(folder)


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_a_ladle_across_the_change_is_planned_and_checked_in_elapsed_time(
    night_network, solver
) -> None:
    plan = solve(night_network, solver=solver, time_limit_s=3)
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
