"""Intraday re-planning: facts stay as they are, the rest of the day is planned again.

Every re-planned day is judged by the independent checker as a whole (facts + new
runs), and its figures are recomputed from its rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from logistics.check import check
from logistics.errors import InputError
from logistics.network.loader import load_network
from logistics.network.model import Order, Truck, TruckStart
from logistics.physics.travel import travel_matrix
from logistics.pipeline import solve
from logistics.plan.build import hand_made_plan
from logistics.plan.model import Run
from logistics.replan import TruckChanges, facts_at, plan_diff, replan
from tests.helpers import delivered_from_rows, summary_from_rows

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def tiny():
    return load_network(DATA / "tiny")


@pytest.fixture(scope="module")
def morning_plan(tiny):
    return solve(tiny, solver="greedy")


def at(network, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return network.at(h * 60 + m)


def urgent(network, order_id="U1", caster="C1", tonnes=3.0, window=("14:00", "15:00")):
    """An order phoned in at 10:00 for metal in the afternoon."""
    return Order(
        order_id=order_id,
        caster_id=caster,
        alloy="ADC12",
        tonnes=tonnes,
        window_start=at(network, window[0]),
        window_end=at(network, window[1]),
        placed_at=at(network, "10:00"),
    )


def assert_whole_day_sound(network, plan):
    report = check(network, plan)
    assert report.ok, [str(v) for v in report.violations]
    assert not report.warnings, [str(w) for w in report.warnings]
    for order in network.day_orders:
        got = sum(r.tonnes for r in plan.runs if r.order_id == order.order_id)
        left = sum(u.tonnes for u in plan.unserved if u.order_id == order.order_id)
        assert got + left == pytest.approx(order.tonnes), order.order_id


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_an_urgent_order_at_ten_keeps_the_facts_and_plans_after_now(
    tiny, morning_plan, solver
) -> None:
    now = at(tiny, "10:00")
    facts = facts_at(morning_plan, now)
    assert facts, "the morning plan has trips under way at 10:00"
    result = replan(
        tiny, morning_plan, now, new_orders=[urgent(tiny)], solver=solver, time_limit_s=3
    )
    plan = result.outcome.plan
    assert_whole_day_sound(result.network, plan)
    assert set(facts) <= set(plan.runs)  # kept exactly: times, truck, tap temperature
    for run in plan.runs:
        if run not in facts:
            assert run.fill_start >= now, run
    assert sum(r.tonnes for r in plan.runs if r.order_id == "U1") == pytest.approx(3.0)
    # the summary counts the whole day, facts included
    recomputed = summary_from_rows(result.network, plan)
    assert plan.summary.ladle_runs == len(plan.runs) == recomputed.ladle_runs
    assert plan.summary.runs_fixed == len(facts)
    assert plan.summary.route_cost_cny == pytest.approx(recomputed.route_cost_cny, abs=0.01)
    assert plan.summary.tonnes_delivered == pytest.approx(delivered_from_rows(plan))


def test_route_cost_counts_the_facts_too(tiny, morning_plan) -> None:
    now = at(tiny, "10:00")
    result = replan(tiny, morning_plan, now, solver="greedy")
    plan = result.outcome.plan
    facts = set(result.facts)
    new_only = hand_made_plan(result.network, [r for r in plan.runs if r not in facts], [])
    assert plan.summary.route_cost_cny > summary_from_rows(tiny, new_only).route_cost_cny
    assert plan.summary.route_cost_cny == pytest.approx(
        summary_from_rows(result.network, plan).route_cost_cny, abs=0.01
    )


def test_an_order_partly_delivered_gets_exactly_its_remainder(tiny) -> None:
    # 2.5 t of O2's 9 t were filled at 08:00 (a part-filled ladle); 6.5 t are left.
    travel = travel_matrix(tiny)
    fill = at(tiny, "08:00")
    drive = timedelta(minutes=float(travel.minutes[travel.smelter("S1"), travel.caster("C2")]))
    pour = max(fill + timedelta(minutes=15) + drive, at(tiny, "10:00"))
    fact = Run(
        run_id="F1",
        truck_id="T1",
        trip=1,
        order_id="O2",
        smelter_id="S1",
        caster_id="C2",
        alloy="ADC12",
        tonnes=2.5,
        fill_start=fill,
        fill_end=fill + timedelta(minutes=15),
        depart=fill + timedelta(minutes=15),
        arrive=fill + timedelta(minutes=15) + drive,
        pour_start=pour,
        pour_end=pour + timedelta(minutes=15),
        tap_c=730.0,
        arrival_c=0.0,  # set below from the hold
        road_km=round(float(travel.km[travel.smelter("S1"), travel.caster("C2")]), 3),
    )
    fact = fact.model_copy(update={"arrival_c": _arrival(tiny, fact)})
    base = hand_made_plan(tiny, [fact], [])
    result = replan(tiny, base, at(tiny, "08:30"), solver="greedy")
    plan = result.outcome.plan
    assert_whole_day_sound(tiny, plan)
    o2 = sum(r.tonnes for r in plan.runs if r.order_id == "O2")
    assert o2 <= 9.0 + 1e-9
    assert fact in plan.runs


def _arrival(network, run: Run) -> float:
    from logistics.physics.cooling import temperature_after

    hold = (run.pour_start - run.fill_end).total_seconds() / 3600
    tau = network.truck_by_id[run.truck_id].tau_h
    return round(temperature_after(run.tap_c, hold, tau, network.params.thermal.ambient_c), 1)


def test_a_truck_start_after_its_facts_moves_the_truck(tiny, morning_plan) -> None:
    # T3's morning trip is a fact at 10:00; it is then repaired at C1 and free at 12:00.
    now = at(tiny, "10:00")
    t3_facts = [r for r in facts_at(morning_plan, now) if r.truck_id == "T3"]
    assert t3_facts and all(r.caster_id != "C1" for r in t3_facts)
    start = TruckStart(truck_id="T3", site_kind="caster", site_id="C1", at=at(tiny, "12:00"))
    only = TruckChanges(remove=("T1", "T2"))  # so that T3 has to take what is left
    result = replan(
        tiny,
        morning_plan,
        now,
        new_orders=[urgent(tiny)],
        truck_starts=[start],
        truck_changes=only,
        solver="greedy",
    )
    plan = result.outcome.plan
    assert_whole_day_sound(result.network, plan)
    travel = travel_matrix(tiny)
    later = [r for r in plan.runs if r.truck_id == "T3" and r.fill_start >= now]
    assert later, "T3 should carry something after its repair"
    first = min(later, key=lambda r: r.fill_start)
    drive = travel.minutes[travel.caster("C1"), travel.smelter(first.smelter_id)]
    assert tiny.minutes(first.fill_start) >= 12 * 60 + drive - 1e-6


def test_a_truck_taken_out_gets_no_new_runs_and_an_added_one_may(tiny, morning_plan) -> None:
    now = at(tiny, "10:00")
    spare = Truck(
        truck_id="T9",
        home_smelter="S2",
        ladles=2,
        ladle_t=3.0,
        tau_h=60.0,
        shift_start=at(tiny, "06:00"),
        shift_end=at(tiny, "20:00"),
    )
    changes = TruckChanges(remove=("T1",), add=(spare,))
    result = replan(
        tiny, morning_plan, now, new_orders=[urgent(tiny)], truck_changes=changes, solver="greedy"
    )
    plan = result.outcome.plan
    assert_whole_day_sound(result.network, plan)
    assert "T9" in result.network.truck_by_id and "T9" not in tiny.truck_by_id
    facts = set(result.facts)
    assert not [r for r in plan.runs if r.truck_id == "T1" and r not in facts]
    assert [r for r in plan.runs if r.truck_id == "T1"] == [
        r for r in morning_plan.runs if r.truck_id == "T1" and r in facts
    ]


def test_the_diff_accounts_for_every_run(tiny, morning_plan) -> None:
    now = at(tiny, "10:00")
    result = replan(
        tiny,
        morning_plan,
        now,
        new_orders=[urgent(tiny)],
        truck_changes=TruckChanges(remove=("T2",)),
        solver="greedy",
    )
    diff, new = result.diff, result.outcome.plan
    assert len(diff.kept) + len(diff.moved) + len(diff.new) == len(new.runs)
    assert len(diff.kept) + len(diff.moved) + len(diff.dropped) == len(morning_plan.runs)
    assert set(result.facts) <= set(diff.kept)
    assert any(r.order_id == "U1" for r in diff.new)
    before = summary_from_rows(tiny, morning_plan)
    after = summary_from_rows(result.network, new)
    assert diff.route_cost_delta_cny == pytest.approx(
        after.route_cost_cny - before.route_cost_cny, abs=0.01
    )
    assert diff.tonnes_delivered_delta == pytest.approx(
        delivered_from_rows(new) - delivered_from_rows(morning_plan)
    )
    same = plan_diff(tiny, morning_plan, morning_plan)
    assert not same.changed and len(same.kept) == len(morning_plan.runs)


def test_changes_that_do_not_fit_are_refused(tiny, morning_plan) -> None:
    now = at(tiny, "10:00")
    facts = facts_at(morning_plan, now)
    order_id = facts[0].order_id
    order = tiny.order_by_id[order_id]
    cut = order.model_copy(update={"tonnes": 0.5})
    with pytest.raises(InputError, match="cannot be cut"):
        replan(tiny, morning_plan, now, changed_orders=[cut], solver="greedy")
    with pytest.raises(InputError, match="exists"):
        replan(tiny, morning_plan, now, new_orders=[order], solver="greedy")
    with pytest.raises(InputError, match="unknown truck"):
        replan(tiny, morning_plan, now, truck_changes=TruckChanges(remove=("T77",)))


def test_a_region_replanned_at_noon_passes_the_checker() -> None:
    network = load_network(DATA / "pearl_river_delta")
    day = solve(network, solver="greedy")
    now = at(network, "12:00")
    caster = network.casters[0].caster_id
    alloy = next(iter(network.casters[0].alloys), None) or network.production[0].alloy
    late = Order(
        order_id="URGENT-1",
        caster_id=caster,
        alloy=alloy,
        tonnes=6.0,
        window_start=at(network, "17:00"),
        window_end=at(network, "19:00"),
        placed_at=at(network, "12:00"),
    )
    result = replan(network, day, now, new_orders=[late], solver="ortools", time_limit_s=10)
    plan = result.outcome.plan
    assert_whole_day_sound(result.network, plan)
    assert set(result.facts) <= set(plan.runs)
    assert all(r.fill_start >= now for r in plan.runs if r not in set(result.facts))
