"""The first possible pour where the trucks actually start, and the bound's other limits.

The network: tiny with C1's ADC12 furnace on managed supply (C1 open around the clock),
10 t capacity, minimum 1.5 t, 4 t at midnight, drawing 1 t/h all day (at its minimum at
02:30, before any truck could pour). Two cases:

* **Where the trucks start.** Every truck's home is S2, which makes no ADC12: the first
  ladle of ADC12 reaches C1 only after the drive S2 → S1, a fill at S1 and the drive
  S1 → C1 (08:25), not at 06:00 + a fill + the drive from S1 (07:11), the bound that
  ignored where the trucks start. Before, the morning delivery was due at 07:11, which
  no truck could meet: it was left unserved (``fleet``) and the furnace stayed low.
* **A truck that starts where the alloy is made.** The same network re-planned with
  T1 made available at S1 at 06:00 (``truck_starts``): it can pour at C1 at 07:11,
  so the checker's bound moves there, the plan reports only the dip until then as
  unavoidable, and a plan claiming the dip until 08:25 is flagged (before, both
  bounds ignored the start and allowed the larger shortfall).
* **A caster closing before the first possible pour.** C1 closes at 06:30, before any
  ladle could come: no pour is possible on the day, so its whole shortfall is the
  unavoidable one (before, only the 4.7 t it had fallen by 07:11).
"""

from __future__ import annotations

import math

import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.check.context import CheckClock, CheckContext
from logistics.check.furnaces import first_pour_s
from logistics.network.model import Network, TruckStart
from logistics.physics.travel import Travel
from logistics.plan.model import Plan
from logistics.plan.options import DayState, PlanOptions
from logistics.planning.managed import MANAGED_PREFIX, first_pour_min
from tests.conftest import read_table, set_cell, tiny_with_managed_c1, write_table

START_T, MIN_T, DRAW_T_PER_H = 4.0, 1.5, 1.0
CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    f"C1,ADC12,managed,10,{MIN_T},{START_T},0.0,24.0,{DRAW_T_PER_H},\n"
)
KEY = ("C1", "ADC12")


def _level_at(minute: float) -> float:
    """C1/ADC12's level without deliveries, t."""
    return START_T - DRAW_T_PER_H / 60.0 * minute


def _checker_first(network: Network, starts: tuple[TruckStart, ...] = ()) -> float | None:
    """The checker's own first possible pour at C1 (with a plan's truck ``starts``), min."""
    clock = CheckClock(network.plan_date, network.timezone)
    ctx = CheckContext(network, Travel.of(network), clock)
    for s in starts:
        ctx.truck_starts[s.truck_id] = (s.site_kind, s.site_id, clock.seconds(s.at))
    found = first_pour_s(ctx, *KEY)
    return None if found is None else found / 60.0


@pytest.fixture(scope="module")
def away(tmp_path_factory: pytest.TempPathFactory) -> Network:
    """Every truck at home at S2, and S2 makes no ADC12."""
    folder = tiny_with_managed_c1(tmp_path_factory.mktemp("away") / "net", CONSUMPTION)
    for row in (2, 3, 4):
        set_cell(folder, "fleet.csv", row, "home_smelter", "S2")
    rows = read_table(folder / "production.csv")
    write_table(folder / "production.csv", [r for r in rows if r[:2] != ["S2", "ADC12"]])
    return load_network(folder)


@pytest.fixture(scope="module")
def away_outcome(away: Network) -> PlanOutcome:
    return plan_day(away, PlanOptions(solver="greedy", time_limit_s=5))


def test_the_first_pour_counts_the_drive_from_where_the_trucks_start(away: Network) -> None:
    travel = Travel.of(away)
    s1, s2, c1 = travel.smelter("S1"), travel.smelter("S2"), travel.caster("C1")
    # from the files: 06:00 at S2, the drive to S1, S1's 15-minute fill, the drive to C1
    reachable = 6 * 60 + math.ceil(travel.minutes[s2, s1]) + 15 + math.ceil(travel.minutes[s1, c1])
    assert reachable > 6 * 60 + 15 + math.ceil(travel.minutes[s1, c1])  # later than before
    furnace = next(f for f in away.furnaces if f.managed)
    assert first_pour_min(away, travel, furnace) == reachable
    assert _checker_first(away) == reachable  # the checker's own bound, the same


def test_the_morning_delivery_is_due_when_a_truck_can_pour_and_is_served(
    away: Network, away_outcome: PlanOutcome
) -> None:
    plan = away_outcome.plan
    assert away_outcome.report.ok and check(away, plan).ok
    first = _checker_first(away)
    assert first is not None
    assert plan.supply is not None
    early = [d for d in plan.supply.deliveries if away.minutes(d.window_end) <= first]
    assert early  # the morning delivery, due at the first possible pour
    # ... and served: no morning delivery is left unserved (before: `fleet`)
    assert not [u for u in plan.unserved if u.order_id in {d.order_id for d in early}]
    into_c1 = [r for r in plan.runs if (r.caster_id, r.alloy) == KEY]
    assert min(away.minutes(r.pour_start) for r in into_c1) == pytest.approx(first)
    # the shortfall is the unavoidable one, the level at the first possible pour
    (furnace,) = [f for f in plan.supply.furnaces if (f.caster_id, f.alloy) == KEY]
    unavoidable = MIN_T - _level_at(first)
    assert furnace.unavoidable_t == pytest.approx(unavoidable, abs=1e-3)
    assert furnace.emergency_ingot_t == pytest.approx(unavoidable, abs=1e-3)


def _t1_at_s1(network: Network, hour: int) -> TruckStart:
    """T1 made available at S1 (which makes ADC12) at ``hour``:00."""
    return TruckStart(truck_id="T1", site_kind="smelter", site_id="S1", at=network.at(hour * 60))


def test_a_truck_start_where_the_alloy_is_made_moves_the_first_pour_earlier(
    away: Network,
) -> None:
    travel = Travel.of(away)
    s1, c1 = travel.smelter("S1"), travel.caster("C1")
    furnace = next(f for f in away.furnaces if f.managed)
    home = first_pour_min(away, travel, furnace)
    assert home is not None
    # from the start: 06:00 at S1, S1's 15-minute fill, the drive to C1
    from_start = 6 * 60 + 15 + math.ceil(travel.minutes[s1, c1])
    assert from_start < home
    start = _t1_at_s1(away, 6)
    assert first_pour_min(away, travel, furnace, (start,)) == from_start
    assert _checker_first(away, (start,)) == from_start  # the checker's, to the minute
    # a start later than the home-based pour: the truck may still fill from home first
    late = _t1_at_s1(away, 12)
    assert first_pour_min(away, travel, furnace, (late,)) == home
    assert _checker_first(away, (late,)) == home


def test_a_replan_reports_the_unavoidable_dip_until_a_started_truck_can_pour(
    away: Network,
) -> None:
    start = _t1_at_s1(away, 6)
    outcome = plan_day(
        away, PlanOptions(solver="greedy", time_limit_s=5), DayState(truck_starts=(start,))
    )
    plan = outcome.plan
    assert plan.truck_starts == (start,)
    assert outcome.report.ok and check(away, plan).ok
    first, home = _checker_first(away, (start,)), _checker_first(away)
    assert first is not None and home is not None and first < home
    assert plan.supply is not None
    (furnace,) = [f for f in plan.supply.furnaces if (f.caster_id, f.alloy) == KEY]
    assert furnace.unavoidable_t == pytest.approx(MIN_T - _level_at(first), abs=1e-3)
    # a plan claiming the dip until the home-based bound as unavoidable is flagged
    claimed = furnace.model_copy(update={"unavoidable_t": round(MIN_T - _level_at(home), 4)})
    lenient = plan.model_copy(
        update={
            "supply": plan.supply.model_copy(
                update={
                    "furnaces": tuple(claimed if f is furnace else f for f in plan.supply.furnaces)
                }
            )
        }
    )
    report = check(away, lenient)
    assert "furnace_low" in {v.rule for v in report.violations}


@pytest.fixture(scope="module")
def closing(tmp_path_factory: pytest.TempPathFactory) -> Network:
    """C1 closes at 06:30, before any ladle could reach it."""
    folder = tiny_with_managed_c1(tmp_path_factory.mktemp("closing") / "net", CONSUMPTION)
    set_cell(folder, "casters.csv", 2, "close", "06:30")
    return load_network(folder)


def _without_managed(plan: Plan) -> Plan:
    """The plan with no managed delivery at all (none cut, none unserved)."""
    assert plan.supply is not None
    return plan.model_copy(
        update={
            "supply": plan.supply.model_copy(update={"deliveries": ()}),
            "unserved": tuple(
                u for u in plan.unserved if not u.order_id.startswith(MANAGED_PREFIX)
            ),
            "runs": tuple(r for r in plan.runs if not r.order_id.startswith(MANAGED_PREFIX)),
        }
    )


def test_a_caster_closed_before_the_first_pour_makes_the_whole_day_unavoidable(
    closing: Network,
) -> None:
    travel = Travel.of(closing)
    furnace = next(f for f in closing.furnaces if f.managed)
    assert first_pour_min(closing, travel, furnace) == 1440  # no pour within the day
    assert _checker_first(closing) == 1440
    outcome = plan_day(closing, PlanOptions(solver="greedy", time_limit_s=5))
    plan = outcome.plan
    assert check(closing, plan).ok
    assert plan.supply is not None
    (levels,) = [f for f in plan.supply.furnaces if (f.caster_id, f.alloy) == KEY]
    whole_day = MIN_T - _level_at(1440)
    assert levels.emergency_ingot_t == pytest.approx(whole_day, abs=1e-3)
    assert levels.unavoidable_t == pytest.approx(whole_day, abs=1e-3)
    assert plan.supply.stockout_unavoidable == 1
    # the checker accepts the day's shortfall without any delivery to show for it: no
    # plan could pour into C1 on this day
    assert check(closing, _without_managed(plan)).ok


def test_a_truck_given_two_starts_leaves_from_the_last_as_the_checker_reads_it(
    away: Network,
) -> None:
    """A truck re-planned twice carries two starts (a re-plan adds its own to the
    plan's); the plan's readers and the checker keep the last, and so does the bound."""
    travel = Travel.of(away)
    furnace = next(f for f in away.furnaces if f.managed)
    starts = (_t1_at_s1(away, 6), _t1_at_s1(away, 12))
    assert first_pour_min(away, travel, furnace, starts) == _checker_first(away, starts)
    assert first_pour_min(away, travel, furnace, starts) == first_pour_min(away, travel, furnace)
