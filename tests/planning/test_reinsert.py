"""Re-insertion of what the timing left off the optimiser's routes (planning/reinsert.py).

On the tiny network, routes that carry every job but one ladle of order O5 (6 t for
Kaiping, C4, two 3-t ladles filled at S1) leave that ladle to the re-insertion. A trip
of its own for it drives S1 → C4 and back for 3 t: it costs more than the ingot
route's penalty of its 3 t, so the priced re-insertion leaves it off (where the old
rule gave it to the truck done first). Both ladles together on one trip cost less than
their 6 t's penalty: from no routes at all that trip is made, on the truck where it
adds least (the old rule, giving each order the truck done first, had no truck left
for it). The search's earliest-finish start (``optimize.repaired_plan`` from no routes),
priced the same way (``optimize.PRICED_START``, off by default), carries O5 too.
Every plan is checked by the independent checker, and every figure compared is read
from the plan's rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import logistics.planning.optimize as optimize
import logistics.planning.solve as solve
from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.network.prices import managed_drop_penalty_per_t, unserved_penalty_per_t
from logistics.physics.travel import Travel
from logistics.pipeline.assemble import plan_of
from logistics.plan.model import Plan
from logistics.plan.options import DayState
from logistics.plan.stats import SolverStats
from logistics.planning.ladle_model import build_problem
from logistics.planning.reasons import unserved_tonnes
from logistics.planning.routing import RoutingResult
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
