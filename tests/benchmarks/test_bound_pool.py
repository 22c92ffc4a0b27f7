"""The timed lower bound with the smelters' ladle pools: it rises where the pool binds,
by what a hand calculation says, and stays below every plan the checker accepts."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from benchmarks.bound_flow import _problem, solve_timed_bound
from benchmarks.bound_trips import enumerate_trips, order_slots, truck_classes
from benchmarks.lower_bound import plan_objective
from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.prices import unserved_penalty_per_t
from logistics.physics.travel import Travel
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "sample_networks" / "tiny"
LADLES = (
    "ladle_id,home_smelter,capacity_t,tau_h,hot_since,fills_since_cleaning,"
    "fills_left_before_relining\n"
)


def _parts(folder: Path, by_tau: bool = False) -> tuple:
    network = load_network(folder)
    travel = Travel.of(network)
    slots = order_slots(network, travel)
    classes = truck_classes(network, travel, by_tau)
    trips, _ = enumerate_trips(network, travel, slots, classes)
    return network, travel, slots, classes, trips


def _bounds(folder: Path, by_tau: bool = False) -> tuple[float, float]:
    """The timed bound without and with the pool, both solved to optimality."""
    parts = _parts(folder, by_tau)
    without = solve_timed_bound(*parts, pool=False)
    with_pool = solve_timed_bound(*parts)
    assert without.status == with_pool.status == "optimal"
    return without.bound_cny, with_pool.bound_cny


def _checked_objective(folder: Path) -> float:
    network = load_network(folder)
    outcome = plan_day(network, PlanOptions(time_limit_s=2.0, workers=1, seed=0))
    travel = Travel.of(network)
    assert check(network, outcome.plan, travel).ok
    return plan_objective(network, outcome.plan, travel)


def _one_ladle(tmp_path: Path, ladles: str) -> Path:
    """Two one-ladle trucks at S1 and two 3-t orders at C1 in the same quarter hour."""
    folder = tmp_path / "pool"
    shutil.copytree(TINY, folder)
    (folder / "fleet.csv").write_text(
        "truck_id,home_smelter,ladles,ladle_t,tau_h,shift_start,shift_end,cost_per_km,cost_per_h\n"
        "T1,S1,1,3,30,06:00,20:00,8,150\n"
        "T2,S1,1,3,30,06:00,20:00,8,150\n"
    )
    (folder / "orders.csv").write_text(
        "order_id,caster_id,alloy,tonnes,window_start,window_end,placed_at\n"
        "A,C1,ADC12,3,10:00,10:15,2026-11-22T16:00:00+08:00\n"
        "B,C1,ADC12,3,10:00,10:15,2026-11-22T16:00:00+08:00\n"
    )
    (folder / "ladles.csv").write_text(LADLES + ladles)
    return folder


def test_one_ladle_for_two_trucks_at_once_costs_one_order(tmp_path: Path) -> None:
    """Both trips must fill before 10:15 and cannot have their ladle back before 10:15:
    with one ladle at S1 one order is left, so the bound is one trip (half of the bound
    without the pool, which drives two alike) plus 3 t at the unserved price."""
    folder = _one_ladle(tmp_path, "L1,S1,3,30,04:00,0,100\n")
    without, with_pool = _bounds(folder)
    penalty = unserved_penalty_per_t(load_network(folder).params)
    assert with_pool == pytest.approx(without / 2 + 3 * penalty, rel=1e-6)
    assert with_pool <= _checked_objective(folder) + 1e-6


def test_two_ladles_do_not_bind(tmp_path: Path) -> None:
    folder = _one_ladle(tmp_path, "L1,S1,3,30,04:00,0,100\nL2,S1,3,30,04:00,0,100\n")
    without, with_pool = _bounds(folder)
    assert with_pool == pytest.approx(without, rel=1e-9)


def test_a_ladle_out_of_service_or_badly_insulated_is_no_ladle(tmp_path: Path) -> None:
    """A ladle with no fills left, and one insulated worse than the trucks (tau_h 20
    below their 30), leave the one good ladle: the same bound as with one ladle."""
    folder = _one_ladle(
        tmp_path, "L1,S1,3,30,04:00,0,100\nL2,S1,3,30,04:00,0,0\nL3,S1,3,20,04:00,0,100\n"
    )
    one = _one_ladle(tmp_path / "one", "L1,S1,3,30,04:00,0,100\n")
    assert _bounds(folder)[1] == pytest.approx(_bounds(one)[1], rel=1e-9)


def test_a_small_ladle_carries_less(tmp_path: Path) -> None:
    """Ladles of 2 t for 3-t orders: each run carries at most 2 t (and the orders' last
    tonne is left), where the bound without the pool serves all 6 t."""
    folder = _one_ladle(tmp_path, "L1,S1,2,30,04:00,0,100\nL2,S1,2,30,04:00,0,100\n")
    network, travel, slots, classes, trips = _parts(folder)
    pb = _problem(network, travel, slots, classes, trips, 10.0)
    assert pb.arr.y_cap.max() == pytest.approx(2.0)
    result = solve_timed_bound(network, travel, slots, classes, trips)
    assert result.unserved_t == pytest.approx(2.0, abs=1e-4)


def test_cold_ladles_wait_for_the_stands(tmp_path: Path) -> None:
    """Cold ladles only after a preheat: with no stand, no ladle is ever ready."""
    folder = _one_ladle(tmp_path, "L1,S1,3,30,cold,0,100\nL2,S1,3,30,cold,0,100\n")
    toml = folder / "network.toml"
    toml.write_text(toml.read_text() + "\n[ladles]\npreheat_stands = 0\n")
    network, travel, slots, classes, trips = _parts(folder)
    pb = _problem(network, travel, slots, classes, trips, 10.0)
    assert pb.pool is not None and np.all(pb.pool.caps == 0)
    result = solve_timed_bound(network, travel, slots, classes, trips)
    assert result.unserved_t == pytest.approx(6.0, abs=1e-4)


def test_tiny_with_a_pool_stays_below_the_checked_plan(tmp_path: Path) -> None:
    folder = tmp_path / "tiny_pool"
    shutil.copytree(TINY, folder)
    (folder / "ladles.csv").write_text(
        LADLES
        + "L1,S1,3,30,05:00,0,100\nL2,S1,3,30,cold,0,100\nL3,S2,3,30,05:00,0,100\n"
        + "L4,S2,3,30,cold,0,100\n"
    )
    without, with_pool = _bounds(folder)
    assert with_pool >= without - 1e-6 * without
    assert with_pool <= _checked_objective(folder) + 1e-6


def test_classes_by_tau_keep_a_well_insulated_truck_off_worse_ladles(tmp_path: Path) -> None:
    """T2 (tau_h 60) may fill neither of S1's two ladles (tau_h 30). In one class with T1
    the class may (its shortest tau_h is 30); split by tau_h only T1 drives, once in the
    quarter hour: one trip and one order's 3 t at the unserved price."""
    folder = _one_ladle(tmp_path, "L1,S1,3,30,04:00,0,100\nL2,S1,3,30,04:00,0,100\n")
    (folder / "fleet.csv").write_text(
        "truck_id,home_smelter,ladles,ladle_t,tau_h,shift_start,shift_end,cost_per_km,cost_per_h\n"
        "T1,S1,1,3,30,06:00,20:00,8,150\n"
        "T2,S1,1,3,60,06:00,20:00,8,150\n"
    )
    without, merged = _bounds(folder)
    assert merged == pytest.approx(without, rel=1e-9)
    _, split = _bounds(folder, by_tau=True)
    penalty = unserved_penalty_per_t(load_network(folder).params)
    assert split == pytest.approx(without / 2 + 3 * penalty, rel=1e-6)
    assert split <= _checked_objective(folder) + 1e-6
