"""The delivery decision leaves each day's trips to that day's orders first.

When every truck has a ``max_trips``, the casters' orders of a day ride the same trips
as the managed deliveries: the decision may put on a day only the tonnes the day's
trips carry less the day's ordered tonnes, on the plan day and on each day it looks
ahead to. The managed tiny network (C1's ADC12 furnace holding 11 t; three trucks of
two 3 t ladles, 6 t a trip):

* every truck one trip a day (18 t), the day's orders 15 t (the file without dates:
  every day the same): at most 3 t of managed metal a day;
* every truck two trips a day (36 t), Tuesday's own orders 30 t (dated; Monday's the
  usual 15 t): at most 6 t of managed metal on Tuesday.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from logistics import load_network
from logistics.network.model import Network
from logistics.physics.furnace import DAY_MIN
from logistics.physics.travel import Travel
from logistics.pipeline.supply import lookahead_days
from logistics.planning.horizon_supply import (
    BUCKET_MIN,
    decide_deliveries,
    decide_horizon,
    lookahead_orders,
)
from tests.conftest import read_table, write_table
from tests.supply.conftest import with_dated_orders

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)
PER_DAY = DAY_MIN // BUCKET_MIN
#: Tuesday's orders: (id, caster, alloy, tonnes, window start h, window end h).
TUESDAY = [
    ("TU0", "C2", "ADC12", 9.0, 6, 9),
    ("TU1", "C2", "ADC12", 9.0, 9, 12),
    ("TU2", "C4", "A380", 6.0, 10, 13),
    ("TU3", "C2", "ADC12", 6.0, 13, 16),
]


def _with_max_trips(folder: Path, trips: int) -> None:
    table = read_table(folder / "fleet.csv")
    rows = [[*table[0], "max_trips"]] + [[*r, str(trips)] for r in table[1:]]
    write_table(folder / "fleet.csv", rows)


@pytest.fixture(scope="module")
def one_trip(usual_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The managed tiny network, every truck one trip a day."""
    net = tmp_path_factory.mktemp("one_trip") / "net"
    shutil.copytree(usual_dir, net)
    _with_max_trips(net, 1)
    return net


@pytest.fixture(scope="module")
def busy_tuesday(usual_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The managed tiny network, every truck two trips a day, Tuesday's own 30 t of
    orders dated in ``orders.csv`` (Monday's rows ``HH:MM``: the plan date's only)."""
    net = tmp_path_factory.mktemp("busy_trips") / "net"
    shutil.copytree(usual_dir, net)
    _with_max_trips(net, 2)
    with_dated_orders(net, TUESDAY, TUE, MON)
    return net


def _trip_tonnes(network: Network) -> float:
    return sum(t.trip_t * (t.max_trips or 0) for t in network.fleet)


def _served_orders_t(network: Network, day: int) -> float:
    """Tonnes of the day's orders some smelter makes, t (AlSi7Mg: none)."""
    made = {p.alloy for p in network.production}
    return sum(o.tonnes for o in lookahead_orders(network, 2)[day] if o.alloy in made)


def _per_day(decided: dict[tuple[str, str], np.ndarray]) -> list[float]:
    """Managed tonnes the decision puts on each day, t."""
    total = sum(decided.values(), np.zeros(2 * PER_DAY))
    return [float(total[d * PER_DAY : (d + 1) * PER_DAY].sum()) for d in range(2)]


def test_the_days_orders_take_their_trips_first(one_trip: Path) -> None:
    network = load_network(one_trip, MON)
    assert network.undated_orders  # the same 15 t of orders every day
    travel = Travel.of(network)
    room = _trip_tonnes(network) - _served_orders_t(network, 0)
    assert room == pytest.approx(3.0)
    assert _served_orders_t(network, 1) == pytest.approx(15.0)
    decided = decide_horizon(network, travel, ahead=lookahead_days(network))
    monday, tuesday = _per_day(decided)
    assert monday <= room + 1e-3
    assert tuesday <= room + 1e-3
    # the plan day's hours are what the day plans
    plan_day = decide_deliveries(network, travel, ahead=lookahead_days(network))
    assert sum(float(v.sum()) for v in plan_day.values()) == pytest.approx(monday, abs=1e-3)


def test_a_lookahead_days_orders_take_its_trips(busy_tuesday: Path) -> None:
    network = load_network(busy_tuesday, MON)
    assert _served_orders_t(network, 1) == pytest.approx(30.0)
    room = _trip_tonnes(network) - 30.0
    decided = decide_horizon(network, Travel.of(network), ahead=lookahead_days(network))
    monday, tuesday = _per_day(decided)
    assert tuesday <= room + 1e-3, (monday, tuesday)
    assert monday <= _trip_tonnes(network) - _served_orders_t(network, 0) + 1e-3


def test_routes_beyond_the_trips_a_days_orders_leave_cost_their_metal_as_ingots(
    one_trip: Path,
) -> None:
    from logistics.planning.visit_search import DayRouting, trips_left

    network = load_network(one_trip, MON)
    assert trips_left(network, 0.0) == 3
    assert trips_left(network, 15.0) == 1  # 15 t fill two 6 t trips; the third has room
    assert trips_left(network, 18.0) == 0
    km = np.array([[0.0, 10.0, 10.0], [10.0, 0.0, 15.0], [10.0, 15.0, 0.0]])
    routing = DayRouting(
        km=km,
        minutes=km * 1.5,
        depot_of={0: 0, 1: 0},
        row_of={0: 1, 1: 2},
        capacity_t=6.0,
        per_km=5.0,
        per_h=100.0,
        routes_per_day=3,
        excess_route_cny=1000.0,
        routes_left={1: 1, 2: 0},
    )
    loads = {0: 5.0, 1: 5.0}  # two routes (a trip carries 6 t)
    free, one_left, none_left = (routing.cost(loads, d) for d in range(3))
    assert one_left == pytest.approx(free + 1000.0)
    assert none_left == pytest.approx(free + 2000.0)
