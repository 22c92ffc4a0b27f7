"""A managed caster no road joins to any smelter: left out of the delivery decision.

Its travel is infinite both ways (as where the road graph has no path); the decision
still decides for every other managed furnace, and the plan reports the cut-off
furnace's stock-out as one no liquid metal can reach.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from logistics import load_network, plan_day
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.options import PlanOptions
from logistics.planning.horizon_supply import MIN_SEARCH_S, decide_deliveries
from tests.conftest import read_table, write_table
from tests.supply.conftest import spied_decisions

CUT_OFF = "C5"


def cut_off(travel: Travel, caster_id: str) -> Travel:
    """``travel`` with no road to or from ``caster_id`` (inf km and minutes)."""
    c = travel.caster(caster_id)
    km, minutes = travel.km.copy(), travel.minutes.copy()
    for m in (km, minutes):
        m[c, :] = np.inf
        m[:, c] = np.inf
        m[c, c] = 0.0
    return dataclasses.replace(travel, km=km, minutes=minutes)


@pytest.fixture(scope="module")
def low_c5(managed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Network:
    """The managed tiny network, C5's furnace starting at 3 t (below its 1.5 t minimum
    by mid-morning without metal)."""
    net = tmp_path_factory.mktemp("cutoff") / "net"
    shutil.copytree(managed_dir, net)
    table = read_table(net / "consumption.csv")
    for row in table[1:]:
        if row[0] == CUT_OFF and row[3]:
            row[5] = "3"
    write_table(net / "consumption.csv", table)
    return load_network(net)


def _without(network: Network, caster_id: str) -> Network:
    furnaces = tuple(f for f in network.furnaces if f.caster_id != caster_id)
    return network.model_copy(update={"furnaces": furnaces})


def test_the_other_furnaces_keep_their_decision(low_c5: Network) -> None:
    # the visit search off (less than MIN_SEARCH_S for it): a time-limited search may
    # stop at another pattern in each call; the mixed-integer programme alone is the
    # same programme both times (the cut-off furnace left out), solved to its optimum
    assert MIN_SEARCH_S > 0.0
    travel = cut_off(Travel.of(low_c5), CUT_OFF)
    found = decide_deliveries(low_c5, travel, limit_s=5.0, search_s=0.0)
    alone = decide_deliveries(_without(low_c5, CUT_OFF), travel, limit_s=5.0, search_s=0.0)
    others = {(f.caster_id, f.alloy) for f in low_c5.furnaces if f.caster_id != CUT_OFF}
    assert set(found) == set(alone) == others
    for key in others:
        assert np.all(np.isfinite(found[key]))
        assert found[key].sum() > 1.0  # both need metal on the plan day
        np.testing.assert_allclose(found[key], alone[key], atol=1e-6)


def test_the_plan_is_valid_and_the_cut_off_furnace_has_no_supply(
    low_c5: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    decisions = spied_decisions(monkeypatch)
    travel = cut_off(Travel.of(low_c5), CUT_OFF)
    outcome = plan_day(low_c5, PlanOptions(solver="greedy", time_limit_s=5), travel=travel)
    assert outcome.report.ok, outcome.report.violations[:3]
    others = {(f.caster_id, f.alloy) for f in low_c5.furnaces if f.caster_id != CUT_OFF}
    assert decisions
    for found in decisions:  # every decision of the loop decides for the others
        assert set(found) == others
        assert all(found[k].sum() > 1.0 for k in others)
    supply = outcome.plan.supply
    assert supply is not None
    levels = {f.caster_id: f for f in supply.furnaces}
    assert levels[CUT_OFF].minutes_below_min > 0
    assert levels[CUT_OFF].no_supply == "thermal_reach"
    assert supply.stockout_no_supply == 1
    mine = {d.order_id for d in supply.deliveries if d.caster_id == CUT_OFF}
    assert mine
    assert {u.reason for u in outcome.plan.unserved if u.order_id in mine} == {"thermal_reach"}
    assert all(r.caster_id != CUT_OFF for r in outcome.plan.runs)
