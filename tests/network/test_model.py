"""The network objects: copies never keep look-ups of the original; time is elapsed time."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from logistics.network.loader import load_network

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def test_a_copy_answers_for_its_own_fleet_and_orders() -> None:
    network = load_network(TINY)
    assert len(network.truck_by_id) == 3 and len(network.day_orders) == 8  # cache them
    one = network.model_copy(update={"fleet": network.fleet[:1], "orders": network.orders[:2]})
    assert list(one.truck_by_id) == ["T1"]
    assert [o.order_id for o in one.day_orders] == ["O1", "O2"]
    assert len(network.truck_by_id) == 3  # the original is untouched


def test_minutes_are_real_elapsed_time_across_a_clock_change() -> None:
    # Europe/Berlin leaves summer time at 03:00 on 2026-10-25: that day has 25 hours.
    network = load_network(TINY).model_copy(
        update={"timezone": "Europe/Berlin", "plan_date": date(2026, 10, 25)}
    )
    berlin = ZoneInfo("Europe/Berlin")
    before = datetime(2026, 10, 25, 1, 30, tzinfo=berlin)  # CEST, UTC+2
    after = datetime(2026, 10, 25, 4, 30, tzinfo=berlin)  # CET, UTC+1
    assert network.minutes(before) == 90
    assert network.minutes(after) - network.minutes(before) == 4 * 60  # not 3 h
    assert network.at(network.minutes(after)) == after
    assert network.at(24 * 60).hour == 23  # 24 h after midnight is 23:00 local
