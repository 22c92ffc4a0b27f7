"""A managed furnace that reaches its minimum before any truck could pour into it.

The network: tiny with C1's ADC12 furnace on managed supply (C1 is open around the
clock), 10 t capacity, minimum 1.5 t, starting the day at 4 t and drawing 1 t/h all day;
the other casters' orders as in tiny. The trucks start at 06:00, S1 opens at 05:00 and
S2 at 06:00: no pour can start before 06:00 + a 15-minute fill + the drive, while the
furnace reaches its minimum at 02:30. The dip until the first possible pour is
unavoidable; everything after it is the planner's.

Before, the delivery due at 02:30 was left unserved (``window``) and the deliveries after
it were cut as if it had been poured, so the furnace fell further below its minimum
later in the day (the unserved delivery covering it for the checker). Now that delivery
is a single ladle due at the first possible pour, the next one when the level would
fall below what it was then, the plan reports the unavoidable shortfall, and the
checker accepts the dip up to its own bound only.
"""

from __future__ import annotations

import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.planning.managed import MANAGED_PREFIX
from tests.conftest import copy_tiny

START_T, MIN_T, DRAW_T_PER_H = 4.0, 1.5, 1.0
CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    f"C1,ADC12,managed,10,{MIN_T},{START_T},0.0,24.0,{DRAW_T_PER_H},\n"
)


def _first_pour(network: Network) -> int:
    """The earliest pour start at C1 (min), from the files: the first shift or the
    smelter's opening, a fill and the drive (whole minutes)."""
    travel = Travel.of(network)
    shift = min(network.minutes(t.shift_start) for t in network.fleet)
    return min(
        int(max(shift, network.minutes(s.open)))
        + int(-(-s.fill_min // 1))
        + int(-(-float(travel.minutes[travel.smelter(s.smelter_id), travel.caster("C1")]) // 1))
        for s in network.smelters
        if any(p.smelter_id == s.smelter_id and p.alloy == "ADC12" for p in network.production)
    )


def _levels(network: Network, plan: Plan) -> list[float]:
    """C1/ADC12's level at every whole minute (t), from the plan's runs alone."""
    pours = [
        (network.minutes(r.pour_start), network.minutes(r.pour_end), r.tonnes)
        for r in plan.runs
        if (r.caster_id, r.alloy) == ("C1", "ADC12")
    ]
    return [
        START_T
        - DRAW_T_PER_H / 60 * m
        + sum(t * min(1.0, max(0.0, (m - s) / (e - s))) for s, e, t in pours)
        for m in range(1441)
    ]


@pytest.fixture(scope="module")
def dip(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder = copy_tiny(tmp_path_factory.mktemp("dip") / "net")
    orders = (folder / "orders.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in orders if ",C1,ADC12," not in line]
    (folder / "orders.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    (folder / "consumption.csv").write_text(CONSUMPTION, encoding="utf-8")
    return load_network(folder)


@pytest.fixture(scope="module")
def outcome(dip: Network) -> PlanOutcome:
    return plan_day(dip, PlanOptions(solver="greedy", time_limit_s=5))


def test_the_dip_before_the_first_pour_is_reported_and_ended_by_the_first_trip(
    dip: Network, outcome: PlanOutcome
) -> None:
    plan = outcome.plan
    assert outcome.report.ok and check(dip, plan).ok
    first = _first_pour(dip)
    assert first > 150  # the furnace reaches its minimum at 02:30, before any pour
    levels = _levels(dip, plan)
    unavoidable = MIN_T - (START_T - DRAW_T_PER_H / 60 * first)
    # no pour before the first possible one; the dip until then is what the plan reports
    assert min(levels[: first + 1]) == pytest.approx(START_T - DRAW_T_PER_H / 60 * first)
    assert plan.supply is not None
    # the day's first possible trip brings the first ladle, at the first possible pour
    into_c1 = [r for r in plan.runs if (r.caster_id, r.alloy) == ("C1", "ADC12")]
    assert min(dip.minutes(r.pour_start) for r in into_c1) == pytest.approx(first)
    # the furnace never falls further than it had by then: the whole shortfall (the
    # caster's ingots) is the unavoidable one, no delivery left unserved covers any
    assert min(levels) >= MIN_T - unavoidable - 1e-3
    early = {d.order_id for d in plan.supply.deliveries if dip.minutes(d.window_end) <= first}
    assert early and not [u for u in plan.unserved if u.order_id in early]
    # the plan reports that shortfall as unavoidable
    (furnace,) = [f for f in plan.supply.furnaces if f.caster_id == "C1"]
    assert furnace.unavoidable_t == pytest.approx(unavoidable, abs=1e-3)
    assert furnace.emergency_ingot_t == pytest.approx(unavoidable, abs=1e-3)
    assert plan.supply.stockout_unavoidable == 1


def test_the_checker_accepts_only_the_dip_before_the_first_pour(
    dip: Network, outcome: PlanOutcome
) -> None:
    plan = outcome.plan
    assert plan.supply is not None
    # without the deliveries' runs, the furnace keeps falling after the first pour:
    # that shortfall is the planner's, not excused by the unavoidable one
    dry = plan.model_copy(
        update={"runs": tuple(r for r in plan.runs if not r.order_id.startswith(MANAGED_PREFIX))}
    )
    assert "furnace_low" in {v.rule for v in check(dip, dry).violations}
    # a plan that claims more unavoidable shortfall than the checker's bound
    furnaces = tuple(
        f.model_copy(update={"unavoidable_t": f.unavoidable_t + 0.5}) if f.caster_id == "C1" else f
        for f in plan.supply.furnaces
    )
    claims = plan.model_copy(
        update={"supply": plan.supply.model_copy(update={"furnaces": furnaces})}
    )
    rules = [v.rule for v in check(dip, claims).violations]
    assert rules == ["furnace_low"]
