"""A managed furnace that reaches its minimum before any truck can pour gets metal as
early as a truck can bring it, not by a deadline no truck can keep.

The network: tiny with C1's ADC12 furnace on managed supply (20 t, minimum 1.5 t),
starting the day at 8 t and drawing 1 t/h from 00:00 to 08:00 and 2 t/h from 16:00
(its level reaches the minimum at 06:30). The trucks' shifts start at 06:00 and C1 is
about an hour from the smelters: no pour can start before about 07:10. A delivery due
by 06:30 could not be served (left for its ``window``) and the next one came at 12:25,
the furnace six hours below its minimum; due when a truck can first pour, the morning's
first trip brings it.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.options import PlanOptions
from logistics.planning.horizon_supply import first_pour_minutes
from logistics.planning.managed import MANAGED_PREFIX
from tests.conftest import copy_tiny

CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    "C1,ADC12,managed,20,1.5,8,0.0,8.0,1.0,\n"
    "C1,ADC12,,,,,16.0,24.0,2.0,\n"
)
KEY = ("C1", "ADC12")


def _network(folder: Path) -> Network:
    copy_tiny(folder)
    with (folder / "orders.csv").open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["caster_id"] != "C1"]
    with (folder / "orders.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (folder / "consumption.csv").write_text(CONSUMPTION, encoding="utf-8")
    return load_network(folder)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    return _network(tmp_path_factory.mktemp("morning") / "net")


@pytest.fixture(scope="module")
def outcome(network: Network) -> PlanOutcome:
    return plan_day(network, PlanOptions(solver="greedy", time_limit_s=5))


def _levels(network: Network, outcome: PlanOutcome) -> list[float]:
    """C1/ADC12's level at every whole minute of the day (t), from the plan's runs: 8 t,
    less the draw, plus each pour's tonnes spread over its minutes."""
    pours = [
        (network.minutes(r.pour_start), network.minutes(r.pour_end), r.tonnes)
        for r in outcome.plan.runs
        if (r.caster_id, r.alloy) == KEY
    ]

    def drawn(m: int) -> float:
        return min(m, 480) / 60.0 + 2.0 * max(0, m - 960) / 60.0

    return [
        8.0 - drawn(m) + sum(t * min(1.0, max(0.0, (m - s) / (e - s))) for s, e, t in pours)
        for m in range(1441)
    ]


def test_the_first_pour_is_when_a_truck_can_first_come(network: Network) -> None:
    first = first_pour_minutes(network, Travel.of(network))[KEY]
    assert 6 * 60 + 15 < first < 8 * 60  # a fill at 06:00, then the drive


def test_a_furnace_low_before_the_first_truck_gets_the_first_trip(
    network: Network, outcome: PlanOutcome
) -> None:
    assert outcome.report.ok and check(network, outcome.plan).ok
    first = first_pour_minutes(network, Travel.of(network))[KEY]
    into_c1 = sorted(
        network.minutes(r.pour_start) for r in outcome.plan.runs if (r.caster_id, r.alloy) == KEY
    )
    assert into_c1 and into_c1[0] <= first + 30.0  # the morning's first trip
    levels = _levels(network, outcome)
    below = [m for m, level in enumerate(levels) if level < 1.5 - 1e-3]
    assert below and below[0] == pytest.approx(391, abs=1)  # 06:30: no truck can help
    assert len(below) <= first + 60 - 390  # below only until the first trip has poured
    # no morning delivery is left for its window (the evening's top-up after the
    # trucks' last return is another matter)
    assert outcome.plan.supply is not None
    ends = {d.order_id: network.minutes(d.window_end) for d in outcome.plan.supply.deliveries}
    left = [u.order_id for u in outcome.plan.unserved if u.order_id.startswith(MANAGED_PREFIX)]
    assert all(ends[o] > 12 * 60 for o in left), [(o, ends[o]) for o in left]


def test_the_first_pour_waits_for_the_smelters_to_open(tmp_path: Path) -> None:
    """Smelters opening at 08:00, after the trucks' 06:00 shifts: no ladle fills before
    08:00, so the first pour is after 08:00 plus a fill and the drive (not 07:10), and the
    morning's delivery is due then and served, not left for its window."""
    folder = tmp_path / "net"
    _network(folder)
    text = (folder / "smelters.csv").read_text(encoding="utf-8")
    (folder / "smelters.csv").write_text(
        text.replace(",05:00,", ",08:00,").replace(",06:00,", ",08:00,"), encoding="utf-8"
    )
    network = load_network(folder)
    travel = Travel.of(network)
    first = first_pour_minutes(network, travel)[KEY]
    assert 8 * 60 + 15 < first < 10 * 60
    outcome = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5))
    assert outcome.report.ok and check(network, outcome.plan).ok
    into_c1 = sorted(
        network.minutes(r.pour_start) for r in outcome.plan.runs if (r.caster_id, r.alloy) == KEY
    )
    assert into_c1 and into_c1[0] <= first + 30.0
    assert outcome.plan.supply is not None
    ends = {d.order_id: network.minutes(d.window_end) for d in outcome.plan.supply.deliveries}
    left = [u.order_id for u in outcome.plan.unserved if u.order_id.startswith(MANAGED_PREFIX)]
    assert all(ends[o] > 12 * 60 for o in left), [(o, ends[o]) for o in left]


def test_a_caster_no_road_reaches_is_left_out_not_a_crash(network: Network) -> None:
    """A managed caster with no road path from any smelter (``inf`` minutes): no first
    pour, and the day still plans, its deliveries unserved."""
    travel = Travel.of(network)
    c = travel.caster("C1")
    minutes = travel.minutes.copy()
    minutes[:, c] = np.inf
    minutes[c, :] = np.inf
    minutes[c, c] = 0.0
    cut = dataclasses.replace(travel, minutes=minutes)
    assert KEY not in first_pour_minutes(network, cut)
    outcome = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5), travel=cut)
    assert outcome.plan.supply is not None
    assert not [r for r in outcome.plan.runs if r.caster_id == "C1"]
