"""Re-insertion of what the timing left off the optimiser's routes (planning/reinsert.py).

On the tiny network, routes that carry every job but one ladle of order O5 (6 t for
Kaiping, C4, two 3-t ladles filled at S1) leave that ladle to the re-insertion. A trip
of its own for it drives S1 → C4 and back for 3 t: it costs more than the ingot
route's penalty of its 3 t, so the priced re-insertion leaves it off (where the old
rule gave it to the truck done first). Both ladles together on one trip cost less than
their 6 t's penalty: from no routes at all that trip is made, on the truck where it
adds least (the old rule, giving each order the truck done first, had no truck left
for it).
Where a group's trip does not pay, its first ladle is tried alone; a booked ladle of a
re-plan is priced with its surcharge by the re-insertion and the leftovers' tries alike,
and moving it off its booked truck costs the move's price.


for it). The search's earliest-finish start (``optimize.repaired_plan`` from no routes),
priced the same way (``optimize.PRICED_START``, off by default), carries O5 too.
Every plan is checked by the independent checker, and every figure compared is read
from the plan's rows.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

import logistics.planning.insert as insert_module
import logistics.planning.optimize as optimize
import logistics.planning.reinsert as reinsert_module
import logistics.planning.solve as solve
from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.model import Network, TruckStart
from logistics.network.prices import managed_drop_penalty_per_t, unserved_penalty_per_t
from logistics.network.synthetic import generate_network
from logistics.physics.travel import Travel
from logistics.pipeline import plan_day, replan
from logistics.pipeline.assemble import plan_of
from logistics.plan.model import Plan
from logistics.plan.options import DayState, PlanOptions
from logistics.plan.stats import SolverStats
from logistics.plan.timeline import MinuteRun, route_totals, trip_legs
from logistics.planning.fixed import apply_fixed
from logistics.planning.insert import MANAGED_GRACE_S, Inserted, insert_jobs, penalty_of
from logistics.planning.jobs import Job
from logistics.planning.ladle_model import build_problem
from logistics.planning.reasons import unserved_tonnes
from logistics.planning.reinsert import reinsert
from logistics.planning.routing import RoutingResult
from logistics.planning.schedule import ScheduleContext, TimedTrip
from logistics.planning.trips import TruckRoute
from logistics.progress import no_progress
from tests.conftest import TINY, copy_tiny, read_table, write_table
from tests.helpers import objective_from_rows, summary_from_rows


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(TINY)


def _plan(network: Network, routes: list[TruckRoute], priced: bool) -> Plan:
    """The routes timed and re-inserted (priced or not) as a plan, checked valid."""
    travel = Travel.of(network)
    day = solve._prepare_day(network, travel, DayState(), no_progress, ())
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(solve, "PRICED_REINSERT", priced, raising=False)
        trips, left = day.timed(routes)
    return _plan_of(network, day, trips, left)


def _plan_of(network: Network, day: solve._Day, trips: list[TimedTrip], left: list[Job]) -> Plan:
    """The day's trips as a plan (the jobs left unserved), checked valid."""
    travel = day.travel
    reasons = dict.fromkeys((j.job_id for j in left), "cost")
    left = left + list(day.assignment.short_of_metal)
    unserved = unserved_tonnes(network, day.book, left, day.assignment_of, reasons)
    stats = SolverStats(name="ortools", status="routes given", time_limit_s=1.0)
    schedule = solve.DaySchedule(tuple(trips), tuple(unserved), stats, travel, day.book)
    plan = plan_of(network, schedule, DayState())
    report = check(network, plan, travel)
    assert report.ok, [str(v) for v in report.violations]
    return plan


def _delivered(plan: Plan, order_id: str) -> float:
    return sum(r.tonnes for r in plan.runs if r.order_id == order_id)


def _trip_cost(network: Network, plan: Plan, trip: tuple[str, int]) -> float:
    """What one trip adds to the plan's route cost and superheat, CNY, from the rows."""
    without = plan.model_copy(
        update={"runs": tuple(r for r in plan.runs if (r.truck_id, r.trip) != trip)}
    )
    full, less = summary_from_rows(network, plan), summary_from_rows(network, without)
    return full.route_cost_cny + full.superheat_cny - less.route_cost_cny - less.superheat_cny


#: Routes that carry every job of the day but O5#1: ``truck -> [(smelter, jobs, planned
#: fill start, min)]`` (what the priced re-insertion makes of the day from no routes at all,
#: O5#1 taken off).
ALL_BUT_ONE = {
    "T1": [("S1", "O1#1 O1#2", 394)],
    "T2": [("S2", "O3#3 O3#4", 434), ("S2", "O2#1 O2#2", 592), ("S2", "O2#3", 714)],
    "T3": [("S2", "O3#1 O3#2", 376), ("S1", "O5#2", 601)],
}


def _managed_c4(tmp_path: Path) -> Network:
    """Tiny with C4's furnace on managed supply and O5 as its delivery ``M-O5``."""
    folder = copy_tiny(tmp_path / "net")
    rows = read_table(folder / "orders.csv")
    write_table(folder / "orders.csv", [r for r in rows if r[0] != "O5"])
    (folder / "consumption.csv").write_text(
        "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
        "C4,A380,managed,30,5,20,0.0,24.0,0.5,\n",
        encoding="utf-8",
    )
    network = load_network(folder)
    assert any(f.managed for f in network.furnaces)
    o5 = next(o for o in load_network(TINY).orders if o.order_id == "O5")
    delivery = o5.model_copy(update={"order_id": "M-O5"})
    return network.model_copy(update={"orders": (*network.orders, delivery)})


def _routes(
    network: Network, trips: dict[str, list[tuple[str, str, int]]], prefix: str = ""
) -> list[TruckRoute]:
    """Routes of the jobs named, as the optimiser hands them to the timing (the ids of
    O5's jobs with ``prefix``)."""
    day = solve._prepare_day(network, Travel.of(network), DayState(), no_progress, ())
    job = {job_id.removeprefix(prefix): a.job for job_id, a in day.assignment_of.items()}
    return [
        TruckRoute(truck, tuple((s, tuple(job[j] for j in ids.split()), at) for s, ids, at in mine))
        for truck, mine in trips.items()
    ]


def test_a_ladle_whose_trip_costs_more_than_its_penalty_is_left_off(network: Network) -> None:
    routes = _routes(network, ALL_BUT_ONE)
    unpriced = _plan(network, routes, priced=False)
    priced = _plan(network, routes, priced=True)
    assert _delivered(unpriced, "O5") == pytest.approx(6.0)  # the old rule: a trip for 3 t
    assert _delivered(priced, "O5") == pytest.approx(3.0)
    assert [(u.order_id, u.tonnes) for u in priced.unserved if u.order_id == "O5"] == [("O5", 3.0)]
    # Every other order is served as before: only the ladle that did not pay is left.
    others = {r.order_id for r in unpriced.runs} - {"O5"}
    for order_id in others:
        assert _delivered(priced, order_id) == pytest.approx(_delivered(unpriced, order_id))
    # The trip the old rule made for it adds more driving and superheat than its 3 t's
    # penalty, and the plan without it is cheaper.
    routed = {(r.truck_id, r.fill_start) for r in priced.runs if r.order_id == "O5"}
    (lone,) = {
        (r.truck_id, r.trip)
        for r in unpriced.runs
        if r.order_id == "O5" and (r.truck_id, r.fill_start) not in routed
    }
    assert _trip_cost(network, unpriced, lone) > 3.0 * unserved_penalty_per_t(network.params)
    assert objective_from_rows(network, priced) < objective_from_rows(network, unpriced) - 100.0


def test_a_trip_that_costs_less_than_its_penalty_is_still_made(network: Network) -> None:
    # No routes at all: every job is left to the re-insertion. Given to the truck done
    # first, the earlier orders take the trucks O5 would have needed and its 6 t are
    # left; priced, each trip goes where it adds least, and O5 gets a trip too.
    unpriced = _plan(network, [], priced=False)
    priced = _plan(network, [], priced=True)
    assert _delivered(unpriced, "O5") == pytest.approx(0.0)
    assert _delivered(priced, "O5") == pytest.approx(6.0)
    o5_trips = {(r.truck_id, r.trip) for r in priced.runs if r.order_id == "O5"}
    assert len(o5_trips) == 1  # both ladles on one trip
    (trip,) = o5_trips
    assert _trip_cost(network, priced, trip) < 6.0 * unserved_penalty_per_t(network.params)
    assert objective_from_rows(network, priced) < objective_from_rows(network, unpriced) - 100.0
    assert sum(r.tonnes for r in priced.runs) > sum(r.tonnes for r in unpriced.runs)


def test_a_managed_delivery_pays_the_trip_an_order_would_not(
    network: Network, tmp_path: Path
) -> None:
    managed = _managed_c4(tmp_path)
    plan = _plan(managed, _routes(managed, ALL_BUT_ONE, prefix="M-"), priced=True)
    assert _delivered(plan, "M-O5") == pytest.approx(6.0)  # the lone ladle's trip made
    runs = [r for r in plan.runs if r.order_id == "M-O5"]
    # T3's second trip is the routed one (its first fills O3 at S2); the other is new
    lone = {(r.truck_id, r.trip) for r in runs} - {("T3", 2)}
    assert len({(r.truck_id, r.trip) for r in runs}) == 2
    # The trip costs more than the ingot route's penalty of its 3 t ...
    (trip,) = lone
    cost = _trip_cost(managed, plan, trip)
    assert cost > 3.0 * unserved_penalty_per_t(network.params)
    # ... and less than a managed delivery's penalty of them.
    assert cost < 3.0 * managed_drop_penalty_per_t(network.params)


def _group_net(tmp_path: Path) -> Network:
    """Tiny with one order, O5 of 3.1 t (a 3-t and a 0.1-t ladle), on trucks that cost
    4 CNY/km and 60 CNY/h, 45-min fills and 45-min pours at Kaiping."""
    folder = copy_tiny(tmp_path / "net")
    rows = read_table(folder / "orders.csv")
    write_table(folder / "orders.csv", [rows[0], ["O5", "C4", "A380", "3.1", *rows[5][4:]]])
    fleet = read_table(folder / "fleet.csv")
    write_table(folder / "fleet.csv", [fleet[0], *([*r[:-2], "4", "60"] for r in fleet[1:])])
    smelters = read_table(folder / "smelters.csv")
    write_table(
        folder / "smelters.csv", [smelters[0], *([*r[:6], "45", r[7]] for r in smelters[1:])]
    )
    casters = read_table(folder / "casters.csv")
    for r in casters[1:]:
        if r[0] == "C4":
            r[7] = "45"
    write_table(folder / "casters.csv", casters)
    return load_network(folder)


def test_the_first_ladle_is_tried_alone_where_its_group_trip_does_not_pay(tmp_path: Path) -> None:
    # O5's two ladles time together only as a trip that keeps the 0.1-t ladle (the
    # 3-t ladle's fill does not fit with it), which does not pay for 0.1 t; the 3-t
    # ladle on a trip alone does. The old loop left it without trying it alone.
    network = _group_net(tmp_path)
    penalty = unserved_penalty_per_t(network.params)
    plan = _plan(network, [], priced=True)
    assert _delivered(plan, "O5") == pytest.approx(3.0)
    assert [(u.order_id, u.tonnes) for u in plan.unserved] == [("O5", pytest.approx(0.1))]
    (trip,) = {(r.truck_id, r.trip) for r in plan.runs}
    assert _trip_cost(network, plan, trip) < 3.0 * penalty


def _booked_day(tmp_path: Path) -> tuple[Network, solve._Day]:
    """Tiny with one order, 0.5 t of ADC12 for Beijiao (C1) poured 15:00-17:00, whose one
    ladle's trip costs more than the ingot route's penalty of 0.5 t."""
    folder = copy_tiny(tmp_path / "net")
    rows = read_table(folder / "orders.csv")
    write_table(
        folder / "orders.csv", [rows[0], ["O1", "C1", "ADC12", "0.5", "15:00", "17:00", rows[1][6]]]
    )
    network = load_network(folder)
    return network, solve._prepare_day(network, Travel.of(network), DayState(), no_progress, ())


def _reinserted(
    ctx: ScheduleContext, day: solve._Day, job: Job, penalty: float
) -> tuple[list[TimedTrip], list[Job]]:
    """``job`` alone re-inserted (priced at ``penalty`` CNY/t) into the day's fresh trucks."""
    states, bays = day.fresh_states()
    return reinsert(
        ctx, [job], day.assignment_of, states, bays, route_starts=day.starts, penalty_per_t=penalty
    )


def _inserted(ctx: ScheduleContext, day: solve._Day, job: Job, penalty: float) -> Inserted:
    """``job`` alone tried by the leftovers' insertion (priced at ``penalty`` CNY/t)."""
    starts, bays = day.fresh_states()
    return insert_jobs(
        ctx,
        [day.assignment_of[job.job_id]],
        starts,
        [],
        bays,
        not_before=0,
        route_starts=day.starts,
        penalty_per_t=penalty,
    )


def test_a_booked_ladle_is_worth_its_trip_to_the_leftovers_tries_as_to_the_re_insertion(
    tmp_path: Path,
) -> None:
    network, day = _booked_day(tmp_path)
    (job,) = [a.job for a in day.assignment.assigned]
    penalty = unserved_penalty_per_t(network.params)
    drop = network.params.replan.drop_booked_cny_per_t
    for homes, made in (({}, False), ({job.job_id: ("T1", job.earliest_pour)}, True)):
        ctx = replace(day.ctx, homes=homes)
        trips, _ = _reinserted(ctx, day, job, penalty)
        assert bool(trips) is made
        inserted = _inserted(ctx, day, job, penalty)
        # the leftovers' tries price the booked ladle as the re-insertion does
        assert bool(inserted.trips) is made
        assert inserted.reasons == ({} if made else {job.job_id: "cost"})
        plan = _plan_of(network, day, inserted.trips, [j for j in [job] if not made])
        assert _delivered(plan, "O1") == pytest.approx(0.5 if made else 0.0)
        # one pricing for every try (the top-up and fill elsewhere use it too)
        assert penalty_of(ctx, job, penalty) == penalty + (drop if homes else 0.0)
    (trip,) = {(r.truck_id, r.trip) for r in plan.runs}
    cost = _trip_cost(network, plan, trip)
    assert 0.5 * penalty < cost < 0.5 * (penalty + drop)


def test_a_booked_ladle_goes_back_on_its_own_truck_where_the_trips_cost_the_same(
    tmp_path: Path,
) -> None:
    # T1 and T2 start at S1: the lone trip costs the same on either, and the truck done
    # first (T1) took it. Booked on T2, moving it to T1 costs [replan] move_truck_cny.
    network, day = _booked_day(tmp_path)
    (job,) = [a.job for a in day.assignment.assigned]
    penalty = unserved_penalty_per_t(network.params)
    plans = {}
    for truck_id in ("T1", "T2"):
        ctx = replace(day.ctx, homes={job.job_id: (truck_id, job.earliest_pour)})
        trips, left = _reinserted(ctx, day, job, penalty)
        plans[truck_id] = _plan_of(network, day, trips, left)
        assert [r.truck_id for r in plans[truck_id].runs] == [truck_id]
        # the leftovers' tries rank the rooms with the price of the move too
        inserted = _inserted(ctx, day, job, penalty)
        tried = _plan_of(network, day, inserted.trips, [])
        assert [r.truck_id for r in tried.runs] == [truck_id]  # checked valid by _plan_of
    costs = {t: _trip_cost(network, p, (t, p.runs[0].trip)) for t, p in plans.items()}
    assert costs["T1"] == pytest.approx(costs["T2"])


def test_a_truck_with_a_run_under_way_is_priced_from_the_end_of_that_run(tmp_path: Path) -> None:
    # A re-plan keeps T1's run under way (S1 → Gaoming, poured by 08:15). Priced from its
    # start without it, T1 looked as cheap as T2 for a 3-t ladle poured at 15:00, and
    # the truck done first (T1) took it: its day then runs from 08:15 to the evening.
    folder = copy_tiny(tmp_path / "net")
    rows = read_table(folder / "orders.csv")
    write_table(
        folder / "orders.csv", [rows[0], ["O1", "C1", "ADC12", "3", "15:00", "17:00", rows[1][6]]]
    )
    network = load_network(folder)
    travel = Travel.of(network)
    day = solve._prepare_day(network, travel, DayState(), no_progress, ())
    kept = MinuteRun("T1", 1, "K", "S1", "C2", "ADC12", 3.0, 420, 435, 480, 495)
    states, bays = day.fresh_states()
    apply_fixed(network, travel, states, bays, [kept], ())
    penalty = unserved_penalty_per_t(network.params)
    trips, left = reinsert(
        day.ctx,
        [a.job for a in day.assignment.assigned],
        day.assignment_of,
        states,
        bays,
        fixed=[kept],
        route_starts=day.starts,
        penalty_per_t=penalty,
    )
    plan = _plan_of(network, day, trips, left)
    assert [(r.truck_id, r.order_id, r.tonnes) for r in plan.runs] == [("T2", "O1", 3.0)]
    # the day's route cost with the run under way, from the runs: T2's trip costs less
    # than the same trip after T1's run
    runs = [r for t in trips for r in t.runs]
    on_t1 = [replace(r, truck_id="T1", trip=2) for r in runs]
    cost = {
        truck: route_totals(trip_legs(network, travel, [kept, *mine], day.starts)).route_cost_cny
        for truck, mine in (("T1", on_t1), ("T2", runs))
    }
    assert cost["T2"] < cost["T1"] - 500.0


def _earliest_finish(network: Network, priced: bool) -> list[TruckRoute]:
    """The search's earliest-finish start of the day (:func:`optimize.repaired_plan` from
    no routes), its re-insertion priced or not, as routes."""
    day = solve._prepare_day(network, Travel.of(network), DayState(), no_progress, ())
    states, _ = day.fresh_states()
    problem, truck_ids, pairs = build_problem(day.ctx, day.assignment.assigned, states)
    empty = RoutingResult([[] for _ in truck_ids], [], "empty", None, 0.0)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(optimize, "PRICED_START", priced, raising=False)
        timed = optimize.repaired_plan(day.ctx, problem, empty, truck_ids, pairs, states)
    return optimize.truck_routes(timed)


def test_the_searchs_earliest_finish_start_priced_as_the_judge_prices(
    network: Network,
) -> None:
    # The unpriced start gives each order the truck done first and has no truck left for
    # O5; its routes, timed as the judge times them, leave O5's 6 t for the ingot route.
    # Priced, the start carries O5 on one trip, and its plan is cheaper.
    old = _plan(network, _earliest_finish(network, priced=False), priced=True)
    new = _plan(network, _earliest_finish(network, priced=True), priced=True)
    assert _delivered(old, "O5") == pytest.approx(0.0)
    assert _delivered(new, "O5") == pytest.approx(6.0)
    assert [u for u in new.unserved if u.order_id == "O5"] == []
    assert len({(r.truck_id, r.trip) for r in new.runs if r.order_id == "O5"}) == 1
    assert objective_from_rows(network, new) < objective_from_rows(network, old) - 100.0
    assert sum(r.tonnes for r in new.runs) > sum(r.tonnes for r in old.runs)


def _timed_by(
    network: Network, until: tuple[float | None, float | None]
) -> tuple[solve._Day, list[TimedTrip], list[Job]]:
    """No routes at all (every job left to the re-insertion), re-inserted until the
    :func:`time.monotonic` deadline and managed grace ``until``."""
    day = solve._prepare_day(network, Travel.of(network), DayState(), no_progress, ())
    day = replace(day, reinsert_until=until)
    trips, left = day.timed([])
    return day, trips, left


def _repaired_plan(
    network: Network, day: solve._Day, trips: list[TimedTrip], left: list[Job], deadline: float
) -> Plan:
    """The leftovers tried in the trucks' free time until ``deadline`` as the planner
    tries them after the search, the reasons they give in the plan, checked valid."""
    stats = SolverStats(name="ortools", status="routes given", time_limit_s=1.0)
    until = solve._Until(DayState(), deadline, None)
    trips, left, stats, reasons = solve._repaired(day, DayState(), trips, left, stats, until)
    left = left + list(day.assignment.short_of_metal)
    unserved = unserved_tonnes(network, day.book, left, day.assignment_of, reasons)
    schedule = solve.DaySchedule(tuple(trips), tuple(unserved), stats, day.travel, day.book)
    plan = plan_of(network, schedule, DayState())
    report = check(network, plan, day.travel)
    assert report.ok, [str(v) for v in report.violations]
    return plan


def test_the_re_insertion_leaves_what_it_has_no_time_for_not_planned_in_time(
    network: Network,
) -> None:
    # Without a limit, the re-insertion makes trips from no routes at all ...
    day, trips, _ = _timed_by(network, (None, None))
    assert trips
    assert day.cut == {}
    # ... with its deadline already past it tries no group, and the tries after it
    # (past the same deadline) leave every job ``not_planned_in_time``.
    past = 0.0  # time.monotonic() is later
    day, trips, left = _timed_by(network, (past, None))
    assert trips == []
    # ... and says so: a judge's value of these routes is not comparable to a finished one
    assert list(day.cut.values()) == [[]]
    assert {j.job_id for j in left} == set(day.assignment_of)
    plan = _repaired_plan(network, day, trips, left, past)
    assert plan.runs == ()
    assigned_t = sum(a.job.tonnes for a in day.assignment.assigned)
    untried = [u for u in plan.unserved if u.reason == "not_planned_in_time"]
    assert sum(u.tonnes for u in untried) == pytest.approx(assigned_t)


def test_a_managed_delivery_is_re_inserted_within_its_grace(tmp_path: Path) -> None:
    # The deadline past but the managed grace not: only the managed delivery's group
    # is tried, and it gets its trip; every order's jobs are left untried.
    managed = _managed_c4(tmp_path)
    day, trips, left = _timed_by(managed, (0.0, float("inf")))
    plan = _repaired_plan(managed, day, trips, left, 0.0)
    assert _delivered(plan, "M-O5") == pytest.approx(6.0)
    assert {r.order_id for r in plan.runs} == {"M-O5"}
    untried = [u for u in plan.unserved if u.reason == "not_planned_in_time"]
    orders_t = sum(a.job.tonnes for a in day.assignment.assigned if a.job.order_id != "M-O5")
    assert sum(u.tonnes for u in untried) == pytest.approx(orders_t)


class _Clock:
    """A :func:`time.monotonic` that moves only when the test moves it, s."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _until_after_search(
    network: Network, monkeypatch: pytest.MonkeyPatch, timed_at: float, ends_at: float
) -> tuple[solve._Day, solve._Until]:
    """The day planned on a clock the test moves (from 100 s, limit 10 s: deadline
    110 s) by a search that times no routes at all (every job left to the re-insertion)
    ``timed_at`` s past the deadline and ends ``ends_at`` s past it; the day and what the
    leftovers' tries after it are given."""
    clock = _Clock(100.0)
    for module in (solve, insert_module):
        monkeypatch.setattr(module, "time", SimpleNamespace(monotonic=clock))
    seen: dict[str, object] = {}
    limit_s = 10.0

    def search(day, state, options, progress, started, executor):  # type: ignore[no-untyped-def]
        clock.now = started + options.time_limit_s + timed_at
        trips, left = day.timed([])
        clock.now = started + options.time_limit_s + ends_at
        seen["day"] = day
        stats = SolverStats(name="ortools", status="timed", time_limit_s=limit_s)
        return trips, left, stats

    real_repaired = solve._repaired

    def repaired(day, state, trips, left, stats, until):  # type: ignore[no-untyped-def]
        seen["until"] = until
        return real_repaired(day, state, trips, left, stats, until)

    monkeypatch.setattr(solve, "_searched", search)
    monkeypatch.setattr(solve, "_repaired", repaired)
    solve.plan_schedule(network, Travel.of(network), PlanOptions(time_limit_s=limit_s), DayState())
    day, until = seen["day"], seen["until"]
    assert isinstance(day, solve._Day) and isinstance(until, solve._Until)
    assert until.deadline == 110.0
    return day, until


def test_a_search_that_overran_gives_the_repair_no_second_managed_grace(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The final routes' re-insertion started 1 s past the deadline: the pass's grace was
    # taken then (until 1 s + the grace past it). The search ends 2.5 s past the
    # deadline; the leftovers' tries after it stop managed ladles at that same moment,
    # not a fresh grace from the search's end (4.5 s past the deadline).
    day, until = _until_after_search(network, monkeypatch, timed_at=1.0, ends_at=2.5)
    assert day.grace == [110.0 + 1.0 + MANAGED_GRACE_S]
    assert until.managed_until == 110.0 + 1.0 + MANAGED_GRACE_S


def test_a_search_timed_within_its_limit_leaves_the_grace_to_the_leftovers_tries(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The routes re-inserted 5 s before the deadline; the search then overran by 3 s:
    # the pass's grace is taken when its leftovers are first tried.
    day, until = _until_after_search(network, monkeypatch, timed_at=-5.0, ends_at=3.0)
    assert day.grace == []
    assert until.managed_until == 110.0 + 3.0 + MANAGED_GRACE_S


class _NoFloors:
    """Floors that pass no truck over: every truck is timed for every trip."""

    def __init__(self, *_: object) -> None:
        pass

    def floor(self, *_: object) -> float:
        return float("-inf")


def _reinserted_on_a_clock(
    network: Network, budget: float | None, every_truck: bool
) -> tuple[Plan, solve._Day, int]:
    """No routes (every job left to the re-insertion), on a clock that moves 1 s per trip
    timed, with a deadline ``budget`` s from the start (``None``: no limit); with
    ``every_truck`` every truck is timed for every trip (no floor passes one over). The
    plan (checked valid), the day and how many trips were timed."""
    clock = _Clock(0.0)
    real_time_trip = reinsert_module.time_trip

    def time_trip(*args, **kwargs):  # type: ignore[no-untyped-def]
        clock.now += 1.0
        return real_time_trip(*args, **kwargs)

    day = solve._prepare_day(network, Travel.of(network), DayState(), no_progress, ())
    day = replace(day, reinsert_until=(budget, budget))
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(reinsert_module, "time", SimpleNamespace(monotonic=clock))
        patched.setattr(reinsert_module, "time_trip", time_trip)
        if every_truck:
            patched.setattr(reinsert_module, "_Floors", _NoFloors)
        trips, left = day.timed([])
    return _plan_of(network, day, trips, left), day, int(clock.now)


def _rows(plan: Plan) -> list[tuple[str, int, str, object, object]]:
    return sorted((r.truck_id, r.trip, r.order_id, r.fill_start, r.pour_start) for r in plan.runs)


def test_the_re_insertion_passes_over_trucks_that_cannot_beat_the_best_and_ends_in_time(
    tmp_path: Path,
) -> None:
    # A generated day of 4 smelters, 30 casters and its fleet: every job is left to the
    # re-insertion. Timing every truck for every trip (the re-insertion before its
    # floors) takes ``every`` timings; given half of that on a clock that moves a
    # second per timing, it was cut short with ladles untried. A truck whose floor (the
    # least, over the ladles it could carry in order, of their km and the drive home
    # less their penalty, plus its drive and wait at the least) cannot beat the best
    # trip found, or pay, is now passed over untimed: every ladle is tried
    # within that half, and the plan is the one timing every truck makes, row for row.
    network = load_network(generate_network(tmp_path / "net", seed=3))
    everyone, _, every = _reinserted_on_a_clock(network, None, every_truck=True)
    pruned, day, timed = _reinserted_on_a_clock(network, every / 2, every_truck=False)
    assert day.cut == {}  # every group tried by the deadline
    assert timed < every / 2
    assert _rows(pruned) == _rows(everyone)
    assert sum(r.tonnes for r in pruned.runs) == pytest.approx(sum(r.tonnes for r in everyone.runs))
    assert not [u for u in pruned.unserved if u.reason == "not_planned_in_time"]
    assert objective_from_rows(network, pruned) == pytest.approx(
        objective_from_rows(network, everyone), abs=0.01
    )


def _mixed_rules_day(tmp_path: Path) -> Network:
    """A small generated day with drivers' rules (breaks, handovers at the smelter), rush
    hours and a mixed fleet: ladle sizes and slots, a cost per km or per hour of 0,
    payload limits and at most a few trips, the fleet's figures drawn with a fixed seed."""
    folder = generate_network(tmp_path / "net", smelters=3, casters=12, tonnes=300.0, seed=3)
    toml = (folder / "network.toml").read_text(encoding="utf-8")
    rush = "rush_speed_factor = 0.4\nam_rush_from_h = 7.0\nam_rush_to_h = 9.5\n"
    toml = toml.replace("[roads]\n", "[roads]\n" + rush + "pm_rush_from_h = 16.5\n")
    toml += "\n[drivers]\nmax_continuous_driving_h = 1\nmin_break_min = 20\n"
    toml += "max_daily_driving_h = 6\nhandover_at_smelter = true\n"
    (folder / "network.toml").write_text(toml, encoding="utf-8")
    rows = read_table(folder / "fleet.csv")
    head = [*rows[0], "payload_t", "max_trips"]
    col = {name: k for k, name in enumerate(head)}
    rng = random.Random(3)
    fleet = [head]
    for row in rows[1:]:
        row = [*row, "", ""]
        row[col["ladle_t"]] = str(rng.choice([2, 3, 4, 5]))
        row[col["ladles"]] = str(rng.choice([1, 2, 3]))
        row[col["cost_per_km"]] = str(rng.choice([0, 0, 4, 8, 12]))
        row[col["cost_per_h"]] = str(rng.choice([0, 0, 80, 150, 300]))
        row[col["payload_t"]] = str(rng.choice(["", "", float(row[col["ladle_t"]]) * 1.5]))
        row[col["max_trips"]] = str(rng.choice(["", "", 1, 2, 3]))
        fleet.append(row)
    write_table(folder / "fleet.csv", fleet)
    return load_network(folder)


def _floors_checked(pairs: list[tuple[float, float]]):  # type: ignore[no-untyped-def]
    """:func:`reinsert._cheapest_trip` that first times every truck it is offered and
    records its floor and its priced net in ``pairs`` (floor, net), CNY; then chooses."""
    real = reinsert_module._cheapest_trip

    def cheapest(ctx, states, smelter_id, pending, bays, priced):  # type: ignore[no-untyped-def]
        floors = reinsert_module._Floors(ctx, priced, smelter_id)
        chunks: dict[tuple[float, int, float], tuple[Job, ...]] = {}
        for truck_id, state in states.items():
            chunk = reinsert_module._chunk(chunks, state.truck, pending)
            if not chunk:
                continue
            floor = floors.floor(state, chunk)
            trip, _ = reinsert_module.time_trip(ctx, state, smelter_id, chunk, bays)
            if trip is not None and not math.isnan(floor):
                pairs.append((floor, priced.net(truck_id, trip)))
        return real(ctx, states, smelter_id, pending, bays, priced)

    return cheapest


def test_no_trucks_floor_is_above_the_net_cost_of_the_trip_it_is_timed_onto(
    tmp_path: Path,
) -> None:
    # On a day of drivers' breaks and handovers, rush hours and a mixed fleet, every job
    # left to the re-insertion, and then in a re-plan at 09:00 with a truck started at a
    # caster: every truck offered a trip is timed, and its floor (the bound by which a
    # truck is passed over untimed) is never above what the trip it is timed onto costs
    # net of its penalty. A floor 30 CNY too high fails this.
    network = _mixed_rules_day(tmp_path)
    pairs: list[tuple[float, float]] = []
    options = PlanOptions(time_limit_s=30, solution_limit=2)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(reinsert_module, "_cheapest_trip", _floors_checked(pairs))
        day = solve._prepare_day(network, Travel.of(network), DayState(), no_progress, ())
        day.timed([])  # (its trips still to be cut to max_trips and drivers' rules)
        now = network.at(9 * 60)
        start = TruckStart(
            truck_id=network.fleet[0].truck_id,
            site_kind="caster",
            site_id=network.casters[0].caster_id,
            at=now + timedelta(minutes=30),
        )
        plan = plan_day(network, options).plan
        replanned = replan(network, plan, now, options, truck_starts=[start])
    assert not check(replanned.network, replanned.outcome.plan).violations
    assert len(pairs) > 100
    assert [(f, n) for f, n in pairs if f > n + 1e-6] == []


def test_a_trip_whose_net_cost_is_not_a_number_does_not_pay(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No routes: every job is left to the re-insertion. Where T1's trips are priced NaN
    # (no figure), T1 is given none, as a truck whose trip does not pay; the others are.
    real_net = reinsert_module._Priced.net

    def net(self, truck_id, trip):  # type: ignore[no-untyped-def]
        return math.nan if truck_id == "T1" else real_net(self, truck_id, trip)

    monkeypatch.setattr(reinsert_module._Priced, "net", net)
    plan = _plan(network, [], priced=True)
    assert {r.truck_id for r in plan.runs} == {"T2", "T3"}
