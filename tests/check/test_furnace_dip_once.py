"""The morning dip is not allowed twice, and the planner and the checker agree on the
first possible pour (logistics/check/furnaces.py, logistics/planning/managed.py).

A managed furnace may fall below its minimum by the deficit it starts with, by the
unserved deliveries and by the dip before any truck could pour. An unserved delivery due
before that first possible pour covers the same morning shortfall as the dip, so the two
are not added: the tiny network's C1/ADC12 (4 t at midnight, minimum 1.5 t, 1 t/h) with
a 6-t delivery due by 02:30 left unserved and the next ones (6 t every 6 h) poured from
08:00 falls 5.5 t below its minimum (allowed), from 13:00 10.5 t (not allowed: 6 t are
covered, and the 4.7 t it falls before the first possible pour, 07:11, are the same
shortfall).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics.check.context import CheckClock, CheckContext, CheckRun
from logistics.check.furnaces import _check_one, first_pour_s
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.model import Plan
from tests.conftest import tiny_with_managed_c1

CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    "C1,ADC12,managed,10,1.5,4.0,0.0,24.0,1.0,\n"
)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder = Path(tmp_path_factory.mktemp("dip")) / "tiny"
    return load_network(tiny_with_managed_c1(folder, CONSUMPTION))


def _pour(row: int, minute: int, tonnes: float = 6.0) -> CheckRun:
    s = minute * 60.0
    return CheckRun(
        row, f"R{row}", "T1", row, f"M-{row}", "S1", "C1", "ADC12", tonnes,
        s - 4500, s - 3600, s - 3600, s, s, s + 900, 720.0, 700.0, 50.0,
    )  # fmt: skip


def _low(network: Network, first_pour_min: int) -> list[str]:
    furnace = next(f for f in network.furnaces if f.supply == "managed")
    ctx = CheckContext(network, Travel.of(network), CheckClock(network.plan_date, network.timezone))
    template = network.orders[0]
    due = template.window_end.replace(hour=2, minute=30)
    early = template.model_copy(
        update={
            "order_id": "M-1",
            "caster_id": "C1",
            "alloy": "ADC12",
            "tonnes": 6.0,
            "window_start": due.replace(hour=0, minute=0),
            "window_end": due,
        }
    )
    runs = [_pour(k, first_pour_min + 360 * (k - 2)) for k in (2, 3, 4)]
    _check_one(ctx, furnace, runs, [early], Plan.model_construct(supply=None))
    assert first_pour_s(ctx, "C1", "ADC12") > due.time().hour * 3600 + 30 * 60  # due before it
    return [v.rule for v in ctx.violations]


def test_an_unserved_delivery_due_before_the_first_pour_covers_its_shortfall(
    network: Network,
) -> None:
    assert _low(network, 8 * 60) == []


def test_it_does_not_add_the_morning_dip_to_it(network: Network) -> None:
    assert "furnace_low" in _low(network, 13 * 60)


def test_the_planner_and_the_checker_round_the_first_pour_alike(network: Network) -> None:
    # a shift start 30 µs past a whole minute: both round it to that minute (to 1e-6 min)
    from datetime import timedelta

    from logistics.planning.managed import first_pour_min

    late = network.model_copy(
        update={
            "fleet": tuple(
                t.model_copy(update={"shift_start": t.shift_start + timedelta(microseconds=30)})
                for t in network.fleet
            )
        }
    )
    furnace = next(f for f in late.furnaces if f.supply == "managed")
    travel = Travel.of(late)
    ctx = CheckContext(late, travel, CheckClock(late.plan_date, late.timezone))
    planner = first_pour_min(late, travel, furnace)
    assert planner is not None
    assert planner * 60.0 == first_pour_s(ctx, "C1", "ADC12")
