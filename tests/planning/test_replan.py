"""Intraday re-planning: facts stay as they are, the rest of the day is planned again.

Every re-planned day is judged by the independent checker as a whole (facts + new
runs), and its figures are recomputed from its rows.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from logistics.check import check
from logistics.errors import InputError
from logistics.network.loader import load_network
from logistics.network.model import Order, Truck, TruckStart
from logistics.physics.travel import Travel
from logistics.pipeline import TruckChanges, facts_at, plan_day, replan
from logistics.plan.diff import plan_diff
from logistics.plan.files import read_plan
from logistics.plan.model import Run
from logistics.plan.options import PlanOptions
from logistics.plan.summary import hand_made_plan
from tests.helpers import delivered_from_rows, summary_from_rows

DATA = Path(__file__).resolve().parents[1] / "data"
MOLTEN = Path(sys.executable).parent / "molten"


@pytest.fixture(scope="module")
def tiny():
    return load_network(DATA / "tiny")


@pytest.fixture(scope="module")
def morning_plan(tiny):
    return plan_day(tiny, PlanOptions(solver="greedy")).plan


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
        tiny,
        morning_plan,
        now,
        PlanOptions(solver=solver, time_limit_s=3),
        new_orders=[urgent(tiny)],
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
    result = replan(tiny, morning_plan, now, PlanOptions(solver="greedy"))
    plan = result.outcome.plan
    facts = set(result.facts)
    new_only = hand_made_plan(
        result.network, Travel.of(result.network), [r for r in plan.runs if r not in facts], []
    )
    assert plan.summary.route_cost_cny > summary_from_rows(tiny, new_only).route_cost_cny
    assert plan.summary.route_cost_cny == pytest.approx(
        summary_from_rows(result.network, plan).route_cost_cny, abs=0.01
    )


def test_an_order_partly_delivered_gets_exactly_its_remainder(tiny) -> None:
    # 2.5 t of O2's 9 t were filled at 08:00 (a part-filled ladle); 6.5 t are left.
    travel = Travel.of(tiny)
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
    base = hand_made_plan(tiny, Travel.of(tiny), [fact], [])
    result = replan(tiny, base, at(tiny, "08:30"), PlanOptions(solver="greedy"))
    plan = result.outcome.plan
    assert_whole_day_sound(tiny, plan)
    o2 = sum(r.tonnes for r in plan.runs if r.order_id == "O2")
    assert o2 <= 9.0 + 1e-9
    # The fact is kept as it happened; only the risk estimate is made for it anew.
    risk = dict.fromkeys(("cold_probability", "late_probability"), None)
    risk |= dict.fromkeys(("arrival_p05_c", "arrival_p95_c"), None)
    assert fact in [r.model_copy(update=risk) for r in plan.runs]


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
        PlanOptions(solver="greedy"),
        new_orders=[urgent(tiny)],
        truck_starts=[start],
        truck_changes=only,
    )
    plan = result.outcome.plan
    assert_whole_day_sound(result.network, plan)
    travel = Travel.of(tiny)
    later = [r for r in plan.runs if r.truck_id == "T3" and r.fill_start >= now]
    assert later, "T3 should carry something after its repair"
    first = min(later, key=lambda r: r.fill_start)
    drive = travel.minutes[travel.caster("C1"), travel.smelter(first.smelter_id)]
    assert tiny.minutes(first.fill_start) >= 12 * 60 + drive - 1e-6


def test_a_truck_start_before_its_runs_under_way_end_is_bad_input(tiny, morning_plan) -> None:
    # T3 is on its morning trip at 10:00 (a fact) until its last pour ends: a start at
    # C1 five minutes before that contradicts the trip under way (the plan would have
    # it drive from C1 to its next trip while it still pours elsewhere) and is refused,
    # naming the truck; a start at that end is planned, and the checker accepts it.
    now = at(tiny, "10:00")
    ends = max(r.pour_end for r in facts_at(morning_plan, now) if r.truck_id == "T3")
    assert ends > now
    early = TruckStart(
        truck_id="T3", site_kind="caster", site_id="C1", at=ends - timedelta(minutes=5)
    )
    with pytest.raises(InputError) as caught:
        replan(tiny, morning_plan, now, PlanOptions(solver="greedy"), truck_starts=[early])
    (problem,) = caught.value.problems
    assert problem.column == "at"
    assert "truck T3" in problem.message and "C1" in problem.message
    on_time = early.model_copy(update={"at": ends})
    result = replan(tiny, morning_plan, now, PlanOptions(solver="greedy"), truck_starts=[on_time])
    assert_whole_day_sound(result.network, result.outcome.plan)


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_a_truck_start_before_its_booked_trip_replans_that_trip(tiny, morning_plan, solver) -> None:
    # At 07:00 T2 is on the road to S2 for its first trip (booked, filling at 07:14); it
    # is then made available at C3 at 07:05 (a breakdown, towed there). The booked trip
    # would now be driven from C3, and the plan's drive to S2 no longer says where T2
    # is: the trip is planned again from C3, and the checker accepts the whole day (it
    # found T2 filling at 07:14 with the 43.5-min drive from C3 not yet made).
    now = at(tiny, "07:00")
    first = min(r.fill_start for r in morning_plan.runs if r.truck_id == "T2")
    assert first > now
    start = TruckStart(truck_id="T2", site_kind="caster", site_id="C3", at=at(tiny, "07:05"))
    options = PlanOptions(solver=solver, time_limit_s=5, solution_limit=2)
    result = replan(tiny, morning_plan, now, options, truck_starts=[start])
    plan = result.outcome.plan
    assert_whole_day_sound(result.network, plan)
    assert not plan.solver.fell_back
    travel = Travel.of(tiny)
    later = [r for r in plan.runs if r.truck_id == "T2"]
    for r in later:
        drive = travel.minutes[travel.caster("C3"), travel.smelter(r.smelter_id)]
        assert tiny.minutes(r.fill_start) >= 7 * 60 + 5 + drive - 1e-6


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
        tiny,
        morning_plan,
        now,
        PlanOptions(solver="greedy"),
        new_orders=[urgent(tiny)],
        truck_changes=changes,
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
        PlanOptions(solver="greedy"),
        new_orders=[urgent(tiny)],
        truck_changes=TruckChanges(remove=("T2",)),
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
    same = plan_diff(tiny, Travel.of(tiny), morning_plan, morning_plan)
    assert not same.changed and len(same.kept) == len(morning_plan.runs)


def test_changes_that_do_not_fit_are_refused(tiny, morning_plan) -> None:
    now = at(tiny, "10:00")
    facts = facts_at(morning_plan, now)
    order_id = facts[0].order_id
    order = tiny.order_by_id[order_id]
    cut = order.model_copy(update={"tonnes": 0.5})
    with pytest.raises(InputError, match="cannot be cut"):
        replan(tiny, morning_plan, now, PlanOptions(solver="greedy"), changed_orders=[cut])
    with pytest.raises(InputError, match="exists"):
        replan(tiny, morning_plan, now, PlanOptions(solver="greedy"), new_orders=[order])
    with pytest.raises(InputError, match="unknown truck"):
        replan(tiny, morning_plan, now, truck_changes=TruckChanges(remove=("T77",)))


def test_a_region_replanned_at_noon_passes_the_checker() -> None:
    network = load_network(DATA / "pearl_river_delta")
    day = plan_day(network, PlanOptions(solver="greedy")).plan
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
    result = replan(
        network, day, now, PlanOptions(solver="ortools", time_limit_s=10), new_orders=[late]
    )
    plan = result.outcome.plan
    assert_whole_day_sound(result.network, plan)
    assert set(result.facts) <= set(plan.runs)
    assert all(r.fill_start >= now for r in plan.runs if r not in set(result.facts))


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_a_new_order_pours_after_its_lead_time_not_at_its_window_start(
    tiny, morning_plan, solver
) -> None:
    # placed at 10:00 for 12:00–16:00: the window opens at 12:00, the lead time at 14:00
    now = at(tiny, "10:00")
    order = urgent(tiny, window=("12:00", "16:00"))
    earliest = order.placed_at + timedelta(hours=tiny.params.planning.lead_time_h)
    assert earliest == at(tiny, "14:00") and order.window_start < earliest
    result = replan(
        tiny, morning_plan, now, PlanOptions(solver=solver, time_limit_s=3), new_orders=[order]
    )
    plan = result.outcome.plan
    assert_whole_day_sound(result.network, plan)  # the checker's verdict on every row
    runs = [r for r in plan.runs if r.order_id == "U1"]
    unserved = [u for u in plan.unserved if u.order_id == "U1"]
    assert sum(r.tonnes for r in runs) + sum(u.tonnes for u in unserved) == pytest.approx(3.0)
    assert all(r.pour_start >= earliest for r in runs), [(r.run_id, r.pour_start) for r in runs]
    assert all(u.reason == "lead_time" for u in unserved), unserved
    # the checker does catch a pour inside the window but before the lead time
    if runs:
        shift = runs[0].pour_start - order.window_start
        early = runs[0].model_copy(
            update={
                name: getattr(runs[0], name) - shift
                for name in ("fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end")
            }
        )
        broken = plan.model_copy(
            update={"runs": tuple(early if r is runs[0] else r for r in plan.runs)}
        )
        rules = {
            v.rule for v in check(result.network, broken).violations if v.run_id == early.run_id
        }
        assert "lead_time" in rules and "window" not in rules


def _changed(order, network, change: str, facts):
    """``order`` changed so that its runs under way (``facts``) no longer fit it."""
    if change == "placed_at":  # 3 t more, placed at 10:00: the poured runs come too early
        return order.model_copy(
            update={"tonnes": order.tonnes + 3, "placed_at": at(network, "10:00")}
        )
    if change == "window_start":  # the window now opens after the last pour under way
        start = max(r.pour_start for r in facts) + timedelta(minutes=1)
        assert start < order.window_end
        return order.model_copy(update={"window_start": start})
    if change == "window_end":  # the window now closes before the last pour under way
        end = max(r.pour_start for r in facts) - timedelta(minutes=1)
        assert end > order.window_start
        return order.model_copy(update={"window_end": end})
    if change == "caster_id":
        other = next(c.caster_id for c in network.casters if c.caster_id != order.caster_id)
        return order.model_copy(update={"caster_id": other})
    if change == "alloy":
        other = next(p.alloy for p in network.production if p.alloy != order.alloy)
        return order.model_copy(update={"alloy": other})
    assert change == "tonnes"
    return order.model_copy(update={"tonnes": sum(r.tonnes for r in facts) - 1})


@pytest.mark.parametrize(
    "change", ["placed_at", "window_start", "window_end", "caster_id", "alloy", "tonnes"]
)
def test_a_changed_order_that_contradicts_runs_under_way_is_bad_input(
    tiny, morning_plan, change
) -> None:
    now = at(tiny, "10:00")
    facts = facts_at(morning_plan, now)
    # the order with the most runs under way (several pours, so a window can cut one off)
    order_id = max(
        sorted({r.order_id for r in facts}), key=lambda o: sum(r.order_id == o for r in facts)
    )
    mine = [r for r in facts if r.order_id == order_id]
    changed = _changed(tiny.order_by_id[order_id], tiny, change, mine)
    with pytest.raises(InputError) as caught:
        replan(
            tiny,
            morning_plan,
            now,
            PlanOptions(solver="greedy"),
            changed_orders=[changed],
            orders_file="orders-1000.csv",
            order_rows={order_id: 7},
        )
    problems = [p for p in caught.value.problems if p.column == change]
    assert len(problems) == 1, caught.value.problems
    problem = problems[0]
    assert (problem.file, problem.row) == ("orders-1000.csv", 7)
    assert f"order {order_id}" in problem.message and "under way" in problem.message
    assert any(r.run_id in problem.message for r in mine), problem.message
    # the same change through a network whose order book already has it
    book = tuple(changed if o.order_id == order_id else o for o in tiny.orders)
    with pytest.raises(InputError, match=change):
        replan(
            tiny.model_copy(update={"orders": book}),
            morning_plan,
            now,
            PlanOptions(solver="greedy"),
        )


def test_an_order_removed_while_runs_are_under_way_is_bad_input(tiny, morning_plan) -> None:
    now = at(tiny, "10:00")
    gone = facts_at(morning_plan, now)[0].order_id
    book = tuple(o for o in tiny.orders if o.order_id != gone)
    with pytest.raises(InputError) as caught:
        replan(
            tiny.model_copy(update={"orders": book}),
            morning_plan,
            now,
            PlanOptions(solver="greedy"),
        )
    (problem,) = caught.value.problems
    assert problem.column == "order_id" and problem.row is None
    assert f"order {gone}" in problem.message and "keep the order" in problem.message


def test_a_change_that_still_fits_the_runs_under_way_is_planned(tiny, morning_plan) -> None:
    # 3 t more of an order under way, placed_at kept: the facts fit, the rest is planned
    now = at(tiny, "10:00")
    order_id = facts_at(morning_plan, now)[0].order_id
    order = tiny.order_by_id[order_id]
    more = order.model_copy(update={"tonnes": order.tonnes + 3})
    result = replan(tiny, morning_plan, now, PlanOptions(solver="greedy"), changed_orders=[more])
    assert_whole_day_sound(result.network, result.outcome.plan)
    assert set(result.facts) <= set(result.outcome.plan.runs)


def _molten(*args: str):
    assert MOLTEN.is_file(), f"the console script is not installed at {MOLTEN}"
    return subprocess.run(
        [str(MOLTEN), *args], capture_output=True, text=True, timeout=120, env={**os.environ}
    )


@pytest.fixture(scope="module")
def written_plan(tmp_path_factory) -> Path:
    """The tiny day planned by the installed script (greedy), as a plan folder."""
    folder = tmp_path_factory.mktemp("replan_cli") / "plan"
    done = _molten("plan", str(DATA / "tiny"), "--solver", "greedy", "--out", str(folder))
    assert done.returncode == 0, done.stderr
    return folder


@pytest.mark.parametrize(("change", "row"), [("placed_at", 2), ("window_end", 4), ("caster_id", 2)])
def test_the_cli_refuses_a_changed_order_that_contradicts_runs_under_way(
    tmp_path, written_plan, change, row
) -> None:
    # exit 2 naming the orders file, the order's row and the column; never "internal error"
    first = written_plan
    network = load_network(DATA / "tiny")
    facts = facts_at(read_plan(first, network), at(network, "10:00"))
    text = (DATA / "tiny" / "orders.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    order_id = rows[row - 2]["order_id"]
    mine = [r for r in facts if r.order_id == order_id]
    assert mine, f"order {order_id} has runs under way at 10:00"
    changed = _changed(network.order_by_id[order_id], network, change, mine)
    cell = {
        "placed_at": changed.placed_at.isoformat(),
        "window_end": f"{changed.window_end.astimezone(network.tz):%H:%M}",
        "caster_id": changed.caster_id,
    }[change]
    rows[row - 2] = {**rows[row - 2], change: cell}
    if change == "placed_at":
        rows[row - 2]["tonnes"] = f"{changed.tonnes:g}"
    orders = tmp_path / "orders-1000.csv"
    with orders.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "replanned"
    result = _molten(
        "plan",
        str(DATA / "tiny"),
        "--solver",
        "greedy",
        "--replan",
        str(first),
        "--now",
        "10:00",
        "--orders",
        str(orders),
        "--out",
        str(out),
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    said = " ".join(result.stderr.split())  # rich wraps long lines
    assert "Traceback" not in said and "internal error" not in said
    assert f"orders-1000.csv, row {row}, column '{change}'" in said
    assert any(r.run_id in said for r in mine), said
    assert not out.exists()


def test_the_cli_replan_honours_seed_workers_and_solution_limit(tmp_path, written_plan) -> None:
    """A re-plan in the deterministic mode is reproducible, and its options are checked.

    ``--replan`` used to ignore ``--seed``, ``--workers`` and ``--solution-limit``: two
    re-plans of one day then searched by the clock and could differ.
    """
    urgent_orders = tmp_path / "orders.csv"
    text = (DATA / "tiny" / "orders.csv").read_text(encoding="utf-8").rstrip("\n")
    urgent_orders.write_text(
        text + "\nU1,C1,ADC12,6,15:00,17:00,2026-11-23T10:00:00+08:00\n", encoding="utf-8"
    )
    common = [
        "plan", str(DATA / "tiny"), "--replan", str(written_plan), "--now", "10:00",
        "--orders", str(urgent_orders), "--time-limit", "120", "--solution-limit", "15",
        "--workers", "1", "--seed", "5",
    ]  # fmt: skip
    runs = []
    for k in range(2):
        out = tmp_path / f"again{k}"
        done = _molten(*common, "--out", str(out))
        assert done.returncode == 0, done.stderr
        plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
        assert plan["solver"]["solution_limit"] == 15 and plan["solver"]["workers"] == 1
        runs.append((out / "runs.csv").read_text(encoding="utf-8"))
    assert runs[0] == runs[1]
    network = load_network(DATA / "tiny", orders_file=urgent_orders)
    assert check(network, read_plan(tmp_path / "again0", network)).ok
    refused = _molten(*common[:-2], "--workers", "0", "--out", str(tmp_path / "never"))
    assert refused.returncode == 2 and "option --workers: must be at least 1" in refused.stderr
    assert not (tmp_path / "never").exists()


def test_the_cli_replans_in_either_mode_and_refuses_another(tmp_path, written_plan) -> None:
    # Nothing changed in the orders: the search has nothing better to find and runs to
    # its time limit in both modes, so the limit is short (the plans are the same at 60 s).
    common = [
        "plan", str(DATA / "tiny"), "--replan", str(written_plan), "--now", "10:00",
        "--time-limit", "5", "--solution-limit", "5", "--workers", "1",
    ]  # fmt: skip
    network = load_network(DATA / "tiny")
    before = read_plan(written_plan, network)
    for mode in ("insert", "reoptimise"):
        out = tmp_path / mode
        done = _molten(*common, "--mode", mode, "--out", str(out))
        assert done.returncode == 0, done.stderr
        after = read_plan(out, network)
        assert check(network, after).ok
        kept = {(r.truck_id, r.order_id, r.fill_start, r.pour_start) for r in after.runs}
        if mode == "insert":  # nothing changed in the orders: every run kept as it was
            assert {(r.truck_id, r.order_id, r.fill_start, r.pour_start) for r in before.runs} <= (
                kept
            )
    refused = _molten(*common, "--mode", "sideways", "--out", str(tmp_path / "never"))
    assert refused.returncode == 2 and "option --mode: use insert or reoptimise" in refused.stderr
    assert not (tmp_path / "never").exists()
    alone = _molten("plan", str(DATA / "tiny"), "--mode", "insert", "--out", str(tmp_path / "x"))
    assert alone.returncode == 2 and "need --replan" in alone.stderr
