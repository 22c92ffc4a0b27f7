"""Orders are cut at the ladle size of the trucks that will carry them (mixed fleets)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from logistics.check import check
from logistics.network.loader import load_network
from logistics.physics.travel import Travel
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from logistics.planning.jobs import build_jobs, ladle_sizes

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def big_ladles_at_s1(tmp_path):
    """tiny with two 2 × 4 t lidded trucks at S1 beside the 2 × 3 t truck at S2."""
    folder = tmp_path / "tiny4"
    shutil.copytree(DATA / "tiny", folder)
    fleet = (folder / "fleet.csv").read_text()
    fleet = fleet.replace("T1,S1,2,3,30,", "T1,S1,2,4,60,").replace(
        "T2,S1,2,3,30,", "T2,S1,2,4,60,"
    )
    (folder / "fleet.csv").write_text(fleet)
    return load_network(folder)


def test_a_uniform_fleet_cuts_every_order_at_its_ladle() -> None:
    tiny = load_network(DATA / "tiny")
    book = build_jobs(tiny, Travel.of(tiny))
    assert {j.cut_t for j in book.jobs} == {3.0}
    assert all(j.tonnes <= 3.0 for j in book.jobs)


def test_orders_of_a_smelter_with_big_ladles_are_cut_for_them(big_ladles_at_s1) -> None:
    network = big_ladles_at_s1
    book = build_jobs(network, Travel.of(network))
    cut = {j.order_id: j.cut_t for j in book.jobs}
    assert cut["O1"] == 4.0  # 6 t from S1, whose trucks carry 4 t ladles: 4 + 2
    assert sorted(j.tonnes for j in book.jobs if j.order_id == "O1") == [2.0, 4.0]
    assert cut["O3"] == 3.0  # ZL114A comes from S2, whose truck carries 3 t ladles


def test_a_lone_big_truck_gets_no_orders_cut_for_it_alone() -> None:
    network = load_network(DATA / "tiny_mixed")  # one 2 × 4 t truck (T2) among 3 t ones
    sizes = ladle_sizes(network, [(o, "S1") for o in network.day_orders])
    assert set(sizes.values()) == {3.0}


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_big_ladles_leave_full_and_only_on_trucks_that_hold_them(big_ladles_at_s1, solver):
    network = big_ladles_at_s1
    plan = plan_day(network, PlanOptions(solver=solver, time_limit_s=3)).plan
    report = check(network, plan)
    assert report.ok, [str(v) for v in report.violations]
    full = [r for r in plan.runs if r.tonnes > 3.0]
    assert full, "some 4 t ladles should travel full"
    for r in plan.runs:
        assert r.tonnes <= network.truck_by_id[r.truck_id].ladle_t + 1e-9
    for order in network.day_orders:
        got = sum(r.tonnes for r in plan.runs if r.order_id == order.order_id)
        left = sum(u.tonnes for u in plan.unserved if u.order_id == order.order_id)
        assert got + left == pytest.approx(order.tonnes)
