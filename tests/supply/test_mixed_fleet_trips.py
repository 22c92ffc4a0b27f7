"""One day's trip capacity for the programme's tonnes and the visit search's routes.

A mixed fleet (the managed tiny network, T1 four 3 t ladles, four trips a day: 12 t a
trip; T2 and T3 one 3 t ladle, one trip: 3 t) has six trips of 12, 12, 12, 12, 3 and
3 t (54 t). The casters' orders fill the trips largest first; the programme may put
the tonnes left on the day, the visit search as many routes as trips are left, and
those trips carry exactly those tonnes. With 24 t of orders: 30 t in four trips (12,
12, 3, 3). Counting whole trips of the fleet's mean trip (6 t a truck) left two trips,
24 t at the largest trip, less than the 30 t the programme allowed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from ortools.linear_solver import pywraplp

from logistics import load_network
from logistics.network.model import Network
from logistics.planning.visit_search import add_trip_limits, day_capacity, trips_left
from tests.conftest import read_table, write_table

#: truck → (ladles, max_trips); every ladle 3 t.
FLEET = {"T1": ("4", "4"), "T2": ("1", "1"), "T3": ("1", "1")}
TRIPS_T = [12.0, 12.0, 12.0, 12.0, 3.0, 3.0]


@pytest.fixture(scope="module")
def mixed(managed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Network:
    net = tmp_path_factory.mktemp("mixed_trips") / "net"
    shutil.copytree(managed_dir, net)
    table = read_table(net / "fleet.csv")
    head = [*table[0], "max_trips"]
    ladles, size = head.index("ladles"), head.index("ladle_t")
    rows = [head]
    for row in table[1:]:
        count, trips = FLEET[row[0]]
        row = [*row, trips]
        row[ladles], row[size] = count, "3"
        rows.append(row)
    write_table(net / "fleet.csv", rows)
    return load_network(net)


def _programme_room(network: Network, taken_t: float) -> float:
    """The most tonnes the programme's trip limit lets one day take, t."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = solver.NumVar(0.0, 1000.0, "x")
    add_trip_limits(solver, {(0, 0): x}, network, 24, ordered_t=taken_t)
    solver.Maximize(x)
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    return float(x.solution_value())


@pytest.mark.parametrize(
    ("ordered_t", "room_t", "trips"),
    [(0.0, 54.0, 6), (15.0, 39.0, 5), (24.0, 30.0, 4), (45.0, 9.0, 3), (50.0, 4.0, 2)],
)
def test_the_programme_and_the_search_count_the_same_trips(
    mixed: Network, ordered_t: float, room_t: float, trips: int
) -> None:
    assert sorted(
        (t.trip_t for t in mixed.fleet for _ in range(t.max_trips or 0)), reverse=True
    ) == (TRIPS_T)
    capacity = day_capacity(mixed, ordered_t)
    assert capacity is not None
    assert capacity.tonnes == pytest.approx(room_t)
    assert _programme_room(mixed, ordered_t) == pytest.approx(room_t, abs=1e-6)
    assert trips_left(mixed, ordered_t) == capacity.trips == trips
    # the routes the search may make carry every tonne the programme may decide
    assert trips * max(TRIPS_T) >= room_t


def test_the_missed_tonnes_ride_the_same_trips(mixed: Network) -> None:
    assert trips_left(mixed, 15.0, missed_t=9.0) == trips_left(mixed, 24.0) == 4
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = solver.NumVar(0.0, 1000.0, "x")
    add_trip_limits(solver, {(0, 0): x}, mixed, 24, missed_t=9.0, ordered_t=15.0)
    solver.Maximize(x)
    solver.Solve()
    assert x.solution_value() == pytest.approx(30.0)


def test_the_quick_price_sees_the_tonnes_a_mixed_fleets_trips_carry(mixed: Network) -> None:
    """With 24 t of orders the day's four trips carry 30 t, not 4 × 12 t: loads of 35 t
    fill them, so the quick price of the visit search counts no routes (the whole
    programme pours less, on routes of its own choosing); it charged 35 t of routes,
    more than the programme could pay, and pruned moves the programme prices lower."""
    from logistics.physics.travel import Travel
    from logistics.planning.horizon_supply import DayResources, _day_routing

    travel = Travel.of(mixed)
    caster, alloy = "C1", "ADC12"
    furnace = SimpleNamespace(supplier=travel.smelter("S1"), key=(caster, alloy))
    day = DayResources(fleet=tuple(mixed.fleet), production=tuple(mixed.production))
    routing = _day_routing(mixed, travel, [furnace], [day], [24.0])  # type: ignore[list-item]
    assert routing.limit(0) == 4
    assert routing.tonnes_left[0] == pytest.approx(30.0)
    assert routing.bound_cost({0: 35.0}) == 0.0
    assert routing.bound_cost({0: 20.0}) > 0.0  # room left: its routes are priced
