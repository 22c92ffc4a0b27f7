"""The lower bound of a day is below every plan the checker accepts, and tight when obvious."""

from __future__ import annotations

import csv
import functools
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.lower_bound import day_bound, plan_objective
from logistics.check import check
from logistics.network.loader import load_network
from logistics.physics.travel import Travel
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "sample_networks" / "tiny"


@functools.cache
def _checked_objective(folder: Path, solver: str, limit: float) -> float:
    """The objective of a plan the checker accepts (one plan per folder, solver, limit)."""
    network = load_network(folder)
    outcome = plan_day(network, PlanOptions(solver=solver, time_limit_s=limit, workers=1, seed=0))
    travel = Travel.of(network)
    assert check(network, outcome.plan, travel).ok
    return plan_objective(network, outcome.plan, travel)


@pytest.mark.parametrize(("solver", "limit"), [("greedy", 1.0), ("ortools", 2.0)])
def test_bound_is_below_checked_plans_of_tiny(solver: str, limit: float) -> None:
    bound = day_bound(TINY)["bound_cny"]
    objective = _checked_objective(TINY, solver, limit)
    assert 0 < bound <= objective + 1e-6


def _two_orders(tmp_path: Path) -> Path:
    """Tiny with one truck and two one-ladle orders at C1 with wide windows."""
    folder = tmp_path / "two"
    shutil.copytree(TINY, folder)
    (folder / "fleet.csv").write_text(
        "truck_id,home_smelter,ladles,ladle_t,tau_h,shift_start,shift_end,cost_per_km,cost_per_h\n"
        "T1,S1,2,3,30,06:00,20:00,8,150\n"
    )
    (folder / "orders.csv").write_text(
        "order_id,caster_id,alloy,tonnes,window_start,window_end,placed_at\n"
        "A,C1,ADC12,3,08:00,16:00,2026-11-22T16:00:00+08:00\n"
        "B,C1,ADC12,3,08:00,16:00,2026-11-22T16:00:00+08:00\n"
    )
    return folder


def test_bound_is_the_obvious_optimum_of_two_orders(tmp_path: Path) -> None:
    folder = _two_orders(tmp_path)
    network = load_network(folder)
    travel = Travel.of(network)
    s, c = travel.smelter("S1"), travel.caster("C1")
    km = float(travel.km[s, c] + travel.km[c, s])
    hours = (2 * 15 + float(travel.minutes[s, c]) + 2 * 15 + float(travel.minutes[c, s])) / 60
    optimum = 8 * km + 150 * hours  # one trip: fill both, drive, pour both, drive home
    bound = day_bound(folder)["bound_cny"]
    assert bound == pytest.approx(optimum, rel=2e-3)
    assert bound <= _checked_objective(folder, "ortools", 2.0) + 1e-6


def test_command_writes_the_bound_and_the_gap(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "lower-bound",
            "--network",
            str(TINY),
            "--limits",
            "2",
            "--workers",
            "1",
            "--timed",
            "--timed-step",
            "30",
            "--results-dir",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(next(tmp_path.glob("lower-bound-*.csv")).open()))
    assert [r["day"] for r in rows] == ["tiny"]
    row = rows[0]
    assert row["violations_2s"] == "0"
    assert float(row["bound_cny"]) <= float(row["objective_rows_cny_2s"])
    assert row["timed_status"] == "optimal"
    assert float(row["bound_timed_cny"]) <= float(row["objective_rows_cny_2s"])
    assert float(row["gap_pct_2s"]) >= 0
    assert "| tiny |" in (tmp_path / "latest-lower-bound.md").read_text()


def _timed(folder: Path) -> tuple[float, float]:
    """The bound without and with the trucks' days in time."""
    row = day_bound(folder, timed=True)
    return row["bound_cny"], row["bound_timed_cny"]


def test_timed_bound_is_below_checked_plans_of_tiny_and_above_the_untimed() -> None:
    untimed, timed = _timed(TINY)
    assert untimed - 1e-6 * untimed <= timed
    for solver, limit in (("greedy", 1.0), ("ortools", 2.0)):
        assert timed <= _checked_objective(TINY, solver, limit) + 1e-6


def test_timed_bound_is_the_obvious_optimum_of_two_orders(tmp_path: Path) -> None:
    folder = _two_orders(tmp_path)
    _, timed = _timed(folder)
    assert timed <= _checked_objective(folder, "ortools", 2.0) + 1e-6
    assert timed == pytest.approx(day_bound(folder)["bound_cny"], rel=2e-3)


def test_timed_bound_sees_that_one_truck_cannot_be_in_two_places(tmp_path: Path) -> None:
    """One one-ladle truck, two orders at far-apart casters in the same narrow window:
    it can serve one of them; the circulation without a clock serves both."""
    folder = tmp_path / "clash"
    shutil.copytree(TINY, folder)
    (folder / "fleet.csv").write_text(
        "truck_id,home_smelter,ladles,ladle_t,tau_h,shift_start,shift_end,cost_per_km,cost_per_h\n"
        "T1,S1,1,3,30,06:00,20:00,8,150\n"
    )
    (folder / "orders.csv").write_text(
        "order_id,caster_id,alloy,tonnes,window_start,window_end,placed_at\n"
        "A,C1,ADC12,3,10:00,10:15,2026-11-22T16:00:00+08:00\n"
        "B,C2,ADC12,3,10:00,10:15,2026-11-22T16:00:00+08:00\n"
    )
    untimed, timed = _timed(folder)
    assert timed > untimed + 0.5 * 3 * 400  # most of one order's penalty (3 t)
    assert timed <= _checked_objective(folder, "ortools", 2.0) + 1e-6


def _timed_parts(folder: Path) -> tuple:
    from benchmarks.bound_trips import enumerate_trips, order_slots, truck_classes

    network = load_network(folder)
    travel = Travel.of(network)
    slots = order_slots(network, travel)
    classes = truck_classes(network, travel)
    trips, _ = enumerate_trips(network, travel, slots, classes)
    return network, travel, slots, classes, trips


def test_timed_bound_stopped_early_is_below_the_optimum_and_seeds_do_not_change_it() -> None:
    """A round's Lagrangian bound is below the programme's optimum, which is the same
    whether column generation starts from nothing or from the untimed solution's trips."""
    from benchmarks.bound_flow import solve_timed_bound
    from benchmarks.bound_lp import solve_bound

    parts = _timed_parts(TINY)
    optimum = solve_timed_bound(*parts)
    assert optimum.status == "optimal"
    seed = np.array(solve_bound(*parts).driven, dtype=int)
    assert seed.size > 0
    seeded = solve_timed_bound(*parts, seed=seed)
    assert seeded.status == "optimal"
    assert seeded.bound_cny == pytest.approx(optimum.bound_cny, rel=1e-6)
    early = solve_timed_bound(*parts, max_rounds=1)
    assert early.status == "lagrangian"
    assert early.bound_cny <= optimum.bound_cny + 1e-6


def test_timed_bound_on_a_coarser_grid_is_still_below_the_plans() -> None:
    from benchmarks.bound_flow import solve_timed_bound

    parts = _timed_parts(TINY)
    coarse = solve_timed_bound(*parts, step_min=30.0)
    assert coarse.status == "optimal"
    assert coarse.bound_cny <= _checked_objective(TINY, "greedy", 1.0) + 1e-6
