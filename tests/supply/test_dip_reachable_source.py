"""The first ladle of a morning dip filled where a truck can be in time.

The network: tiny with C1's ADC12 furnace on managed supply (open around the clock;
10 t capacity, minimum 1.5 t, 4 t at midnight, drawing 1 t/h: at its minimum at 02:30,
before any truck could pour) and every truck at home at S2 from 06:00. Both smelters
make ADC12; S1 is the nearer to C1 by road (37 km against 40), but no truck is there
before 06:00 + the drive from S2 (74 min). The first possible pour is 06:00 + S2's
15-minute fill + the drive S2 → C1 (07:15), and the first ladle is due then.

Before, the ladle was assigned the nearest smelter whose fill window was not empty in
the smelter's hours and after the fleet's first shift start: S1, whose fill had to
start by 06:04, when no truck can be there. It was left unserved (``fleet``) and the
furnace stayed below its minimum until a later ladle (greedy, 5 s: 6.17 t of ingots
and 778 minutes below it, against 4.75 t — the unavoidable dip — and 495 now). Now no
source is chosen whose fill window ends before any truck can be at the smelter
(:func:`~logistics.planning.assign.earliest_arrivals`): the ladle fills at S2 and pours
at the first possible pour.
"""

from __future__ import annotations

import math

import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.options import PlanOptions
from tests.conftest import set_cell, tiny_with_managed_c1

START_T, MIN_T, DRAW_T_PER_H = 4.0, 1.5, 1.0
CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    f"C1,ADC12,managed,10,{MIN_T},{START_T},0.0,24.0,{DRAW_T_PER_H},\n"
)
KEY = ("C1", "ADC12")


@pytest.fixture(scope="module")
def at_s2(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder = tiny_with_managed_c1(tmp_path_factory.mktemp("at_s2") / "net", CONSUMPTION)
    for row in (2, 3, 4):
        set_cell(folder, "fleet.csv", row, "home_smelter", "S2")
    return load_network(folder)


@pytest.fixture(scope="module")
def outcome(at_s2: Network) -> PlanOutcome:
    return plan_day(at_s2, PlanOptions(solver="greedy", time_limit_s=5))


def test_the_first_ladle_fills_where_a_truck_can_be_and_pours_at_the_first_pour(
    at_s2: Network, outcome: PlanOutcome
) -> None:
    plan = outcome.plan
    assert outcome.report.ok and check(at_s2, plan).ok
    travel = Travel.of(at_s2)
    s1, s2, c1 = travel.smelter("S1"), travel.smelter("S2"), travel.caster("C1")
    assert travel.km[s1, c1] < travel.km[s2, c1]  # S1 is the nearer source
    first = 6 * 60 + 15 + math.ceil(travel.minutes[s2, c1])
    via_s1 = 6 * 60 + math.ceil(travel.minutes[s2, s1]) + 15 + math.ceil(travel.minutes[s1, c1])
    assert first < via_s1  # only a ladle of S2 can pour at the first possible pour
    assert plan.supply is not None
    early = {d.order_id for d in plan.supply.deliveries if at_s2.minutes(d.window_end) <= first}
    assert early and not [u for u in plan.unserved if u.order_id in early]
    into_c1 = sorted(
        (r for r in plan.runs if (r.caster_id, r.alloy) == KEY),
        key=lambda r: r.pour_start,
    )
    assert at_s2.minutes(into_c1[0].pour_start) == pytest.approx(first)
    assert into_c1[0].smelter_id == "S2"
    # the furnace's whole shortfall is the dip until the first possible pour
    (furnace,) = [f for f in plan.supply.furnaces if (f.caster_id, f.alloy) == KEY]
    unavoidable = MIN_T - (START_T - DRAW_T_PER_H / 60.0 * first)
    assert furnace.emergency_ingot_t == pytest.approx(unavoidable, abs=1e-3)
    assert furnace.unavoidable_t == pytest.approx(unavoidable, abs=1e-3)
