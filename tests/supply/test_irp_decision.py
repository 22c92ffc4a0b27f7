"""The managed-supply decision as an inventory-routing decision: holding costs at the
furnaces and the smelters, each truck's ``max_trips``, and the routes its visit search
prices."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from logistics import load_network, plan_day
from logistics.errors import InputError
from logistics.network.model import Network
from logistics.plan.options import PlanOptions
from logistics.planning.route_estimate import plan_routes, route_km, split_routes
from tests.conftest import TINY, read_table, write_table


def _stops_served(routes: tuple[tuple[int, ...], ...]) -> list[int]:
    return sorted(s for r in routes for s in r)


def test_estimated_routes_serve_every_stop_once_within_the_capacity() -> None:
    rng = np.random.default_rng(3)
    points = rng.uniform(0.0, 100.0, size=(13, 2))
    km = np.floor(np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1)) + 0.5)
    loads = {i: float(rng.uniform(5.0, 30.0)) for i in range(1, 13)}
    for found in (plan_routes(km, 0, loads, 60.0), split_routes(km, 0, loads, 60.0, 8)):
        assert found is not None
        assert _stops_served(found.routes) == list(range(1, 13))
        for route in found.routes:
            assert sum(loads[s] for s in route) <= 60.0 + 1e-6
        assert found.km == pytest.approx(sum(route_km(km, 0, r) for r in found.routes))
    # a cut into at most k routes keeps to k, or says there is none
    tight = split_routes(km, 0, loads, 60.0, 4)
    if tight is not None:
        assert len(tight.routes) <= 4
    assert split_routes(km, 0, loads, 60.0, 1) is None  # 13 stops of 5–30 t in one 60 t trip


def _one_trip_each(network: Network) -> Network:
    fleet = tuple(t.model_copy(update={"max_trips": 1}) for t in network.fleet)
    return network.model_copy(update={"fleet": fleet})


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_trucks_of_one_trip_a_day_make_one_and_the_checker_agrees(solver: str) -> None:
    network = _one_trip_each(load_network(TINY))
    outcome = plan_day(network, PlanOptions(solver=solver, time_limit_s=3))
    assert outcome.report.ok, outcome.report.violations
    trips: dict[str, set[int]] = defaultdict(set)
    for r in outcome.plan.runs:
        trips[r.truck_id].add(r.trip)
    assert trips, "no truck made a trip"
    assert all(len(t) == 1 for t in trips.values()), dict(trips)
    unrestricted = plan_day(load_network(TINY), PlanOptions(solver=solver, time_limit_s=3))
    assert any(r.trip > 1 for r in unrestricted.plan.runs)  # the limit changed the plan


def _delivered_t(network: Network, holding: tuple[float, float]) -> float:
    furnace_h, smelter_h = holding
    supply = network.params.supply.model_copy(
        update={
            "holding_cny_per_t_h": furnace_h,
            "smelter_holding_cny_per_t_h": smelter_h,
            "whole_ladles": False,  # the tonnes decided, not rounded to ladles
        }
    )
    priced = network.model_copy(
        update={"params": network.params.model_copy(update={"supply": supply})}
    )
    outcome = plan_day(priced, PlanOptions(solver="greedy", time_limit_s=5))
    assert outcome.report.ok, outcome.report.violations
    managed = {(f.caster_id, f.alloy) for f in network.furnaces if f.managed}
    return sum(r.tonnes for r in outcome.plan.runs if (r.caster_id, r.alloy) in managed)


def test_metal_moves_to_where_holding_it_is_cheaper(managed: Network) -> None:
    # furnaces cheaper to hold in than the smelter: they are filled on the plan day;
    # dearer: they get what they need and no more
    filled = _delivered_t(managed, (0.0, 20.0))
    lean = _delivered_t(managed, (20.0, 0.0))
    assert filled > lean + 1.0, (filled, lean)


def test_max_trips_and_holding_columns_load_and_are_checked(
    managed_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "net"
    shutil.copytree(managed_dir, folder)
    fleet = read_table(folder / "fleet.csv")
    write_table(folder / "fleet.csv", [[*fleet[0], "max_trips"]] + [[*r, "2"] for r in fleet[1:]])
    rows = read_table(folder / "consumption.csv")
    head = rows[0]
    first = {r[0] + r[1]: r for r in reversed(rows[1:])}  # each furnace's first row
    table = [[*head, "holding_cny_per_t_h"]]
    table += [[*r, "0.5" if first[r[0] + r[1]] is r else ""] for r in rows[1:]]
    write_table(folder / "consumption.csv", table)
    network = load_network(folder)
    assert {t.max_trips for t in network.fleet} == {2}
    assert {f.holding_cny_per_t_h for f in network.furnaces} == {0.5}
    write_table(folder / "fleet.csv", [[*fleet[0], "max_trips"]] + [[*r, "0"] for r in fleet[1:]])
    with pytest.raises(InputError) as raised:
        load_network(folder)
    assert "fleet.csv" in str(raised.value)
    assert "max_trips" in str(raised.value)


def test_estimated_routes_keep_to_a_truck_s_ladle_slots() -> None:
    km = np.ones((9, 9)) - np.eye(9)
    loads = {i: 1.0 for i in range(1, 9)}
    for found in (plan_routes(km, 0, loads, 100.0, 3), split_routes(km, 0, loads, 100.0, 3, 3)):
        assert found is not None
        assert _stops_served(found.routes) == list(range(1, 9))
        assert max(len(r) for r in found.routes) <= 3
    assert split_routes(km, 0, loads, 100.0, 2, 3) is None  # 8 stops need 3 routes of 3


def test_a_longer_day_buys_a_longer_visit_search() -> None:
    from logistics.dispatch.job import default_max_wall
    from logistics.planning.visit_search import SEARCH_LIMIT_S, search_limit_s

    assert search_limit_s(10.0) == SEARCH_LIMIT_S  # short days: as before
    assert search_limit_s(60.0) > search_limit_s(15.0) > SEARCH_LIMIT_S
    # the decisions take their time from the day's limit (the first its share of it,
    # the re-decisions from their passes'): the search never asks for more than the
    # nightly job's default wall time leaves over the limit
    for limit in (15.0, 60.0, 300.0, 1800.0):
        assert search_limit_s(limit) < default_max_wall(limit) - limit


def test_a_furnace_left_at_its_minimum_starts_the_next_day_at_it(managed: Network) -> None:
    # the level carried to the next day keeps more than the level model's tolerance:
    # a furnace left a tenth of a gram above its minimum must not start the next day
    # below it (rounding to 0.1 kg carried a furnace left at L = 0 to -0.00005 t)
    from logistics.pipeline.supply import with_start_levels

    furnace = next(f for f in managed.furnaces if f.managed)
    key = (furnace.caster_id, furnace.alloy)
    level = furnace.min_level_t + 4e-5
    carried = with_start_levels(managed, {key: level})
    start = next(f for f in carried.furnaces if (f.caster_id, f.alloy) == key).start_level_t
    assert abs(start - level) < 1e-6


def test_deliveries_a_day_of_limited_trips_missed_leave_room_in_its_trips(
    managed: Network,
) -> None:
    # a day decided to its trips' last tonne may not pack into the trucks: what the
    # routed day left unserved comes off the tonnes the decision may put on a day
    from logistics.physics.travel import Travel
    from logistics.planning.horizon_supply import Missed, decide_deliveries

    network = _one_trip_each(managed)
    travel = Travel.of(network)
    plain = decide_deliveries(network, travel)
    day_t = sum(float(v.sum()) for v in plain.values())
    assert day_t > 1.0
    trips_t = sum(t.trip_t for t in network.fleet)
    key = next(iter(plain))
    missed = [Missed(key, trips_t - 0.5 * day_t, 0.0, 1.0, "fleet")]
    tight = decide_deliveries(network, travel, missed)
    assert sum(float(v.sum()) for v in tight.values()) <= 0.5 * day_t + 1e-3
