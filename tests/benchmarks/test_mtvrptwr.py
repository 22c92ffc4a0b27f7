"""The MTVRPTWR set through the engine that plans ladle days: reader, adapter, judging.

No quality assertions: the point is that the instance becomes a ladle day the planner
serves in full, that the plan passes the project's checker and the instance's own
rules in time, and that the harness reports the distance the plan's rows drive.
"""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # `benchmarks/` is a top-level folder, not an installed package
    sys.path.insert(0, str(REPO))

from benchmarks.ladle_adapter import (  # noqa: E402
    minutes_per_unit,
    routes_of_plan,
    to_ladle_day,
    travel_is_dimacs,
)
from benchmarks.mtvrptwr import (  # noqa: E402
    MtInstance,
    check_routes,
    read_mt_solution,
    read_mtvrptwr,
    routes_tenths,
    solve_pyvrp_mt,
)
from benchmarks.mtvrptwr_run import solve_ladle  # noqa: E402
from benchmarks.readers import instance_paths  # noqa: E402
from logistics.pipeline import plan_day  # noqa: E402
from logistics.plan.options import PlanOptions  # noqa: E402
from logistics.planning.assign import release_minute  # noqa: E402


def _path(name: str) -> Path:
    return instance_paths("mtvrptwr")[name.lower()]


def _dimacs(instance: MtInstance, a: int, b: int) -> float:
    """One arc in DIMACS rounding, computed here from the coordinates."""
    euclid = math.hypot(instance.x[a] - instance.x[b], instance.y[a] - instance.y[b])
    return int(10 * euclid) / 10


def test_reader_and_published_routes() -> None:
    assert len(instance_paths("mtvrptwr")) == 81
    inst = read_mtvrptwr(_path("C201R0.25"))
    assert (inst.n_clients, inst.vehicles, inst.capacity) == (100, 8, 100)
    assert inst.service[0] == 0 and set(inst.service[1:]) == {90}
    bks = read_mt_solution(_path("C201R0.25").with_suffix(".sol"))
    assert (bks.distance, bks.optimal) == (1500.6, True)
    assert check_routes(inst, bks.routes) == []
    assert routes_tenths(inst, bks.routes) == 15006


def test_checker_flags_capacity_split_and_windows() -> None:
    inst = read_mtvrptwr(_path("R201R0.25"))
    everyone = list(range(1, inst.n_clients + 1))
    problems = check_routes(inst, [[everyone], [[1]]])
    assert any(": load " in m for m in problems)
    assert any("client 1 visited 2 times" in m for m in problems)
    assert any(" starts at " in m for m in problems)


def test_adapter_keeps_distances_release_and_scale() -> None:
    inst = read_mtvrptwr(_path("C201R0.25"))
    assert minutes_per_unit(inst) == 0.4
    # R201R0.25: the latest window opens at 849, so 1.5 minutes a unit is the largest
    # scale of the list whose windows all open on the plan day (2.0 would reach 1,698).
    assert minutes_per_unit(read_mtvrptwr(_path("R201R0.25"))) == 1.5
    adapted = to_ladle_day(inst)
    assert travel_is_dimacs(adapted, inst)
    network = adapted.network
    for k in (1, 9):  # released at 0 and at 1352
        order = network.order_by_id[f"O{k:03d}"]
        released = release_minute(network, "D", order.alloy, order.tonnes)
        assert released == pytest.approx(inst.release[k] * 0.4)
        assert network.minutes(order.window_start) == pytest.approx(inst.early[k] * 0.4)


def test_ladle_engine_serves_every_client_and_reports_the_rows_distance() -> None:
    path = _path("R201R0.25")
    row, outcome = solve_ladle(path, time_limit_s=2.0)
    plan = outcome.plan
    inst = read_mtvrptwr(path)
    assert outcome.report.ok, outcome.report.violations[:3]
    assert plan.unserved == ()
    assert row["served"] == inst.n_clients
    assert row["time_violations"] == 0 and row["missing_clients"] == 0
    assert row["trips_over_q"] == 0 and row["split_clients"] == 0
    # The distance the plan's rows drive, recomputed here: per truck and trip, from the
    # depot to the casters in pour order and back.
    trips: dict[tuple[str, int], list] = defaultdict(list)
    for run in plan.runs:
        trips[(run.truck_id, run.trip)].append(run)
    total = 0.0
    for runs in trips.values():
        stops = [0] + [int(r.caster_id[1:]) for r in sorted(runs, key=lambda r: r.pour_start)]
        # The trucks' payload is the instance's capacity: no trip carries more.
        assert sum(inst.demand[k] for k in stops[1:]) <= inst.capacity
        path_ = [*stops, 0]
        total += sum(_dimacs(inst, a, b) for a, b in pairwise(path_))
    assert row["distance"] == pytest.approx(total, abs=1e-6)
    assert row["gap_pct"] == pytest.approx(100 * (total - 1435.6) / 1435.6, abs=1e-3)


def test_slotted_peer_keeps_the_instance_and_at_most_six_clients_a_trip() -> None:
    path = _path("C201R0.5")
    inst = read_mtvrptwr(path)
    routes, status, _ = solve_pyvrp_mt(path, 2.0, slots=6)
    assert status == "feasible"
    assert check_routes(inst, routes) == []
    assert max(len(trip) for vehicle in routes for trip in vehicle) <= 6
    assert sorted(c for vehicle in routes for trip in vehicle for c in trip) == list(
        range(1, inst.n_clients + 1)
    )


def _first_clients(instance: MtInstance, n: int, vehicles: int) -> MtInstance:
    """The instance cut to its depot and first ``n`` clients, with ``vehicles`` vehicles."""
    keep = slice(0, n + 1)
    return replace(
        instance,
        name=f"{instance.name}-first{n}",
        vehicles=vehicles,
        x=instance.x[keep],
        y=instance.y[keep],
        demand=instance.demand[keep],
        early=instance.early[keep],
        late=instance.late[keep],
        service=instance.service[keep],
        release=instance.release[keep],
    )


def test_pyvrp_trips_member_plans_a_solution_of_a_tiny_instance() -> None:
    inst = _first_clients(read_mtvrptwr(_path("C201R0.5")), 15, 3)
    adapted = to_ladle_day(inst)
    options = PlanOptions(
        time_limit_s=300.0, workers=1, solution_limit=10, portfolio=("pyvrp-trips",)
    )
    outcome = plan_day(adapted.network, options, travel=adapted.travel)
    assert outcome.report.ok, outcome.report.violations[:3]
    assert "pyvrp_trips" in outcome.plan.solver.status
    # Recomputed from the plan's rows: every client exactly once, no trip above Q, every
    # pour starting inside the client's window (minutes = units × the adapter's scale).
    runs = outcome.plan.runs
    clients = sorted(adapted.client_of[r.caster_id] for r in runs)
    assert clients == list(range(1, inst.n_clients + 1))
    load: dict[tuple[str, int], int] = defaultdict(int)
    for run in runs:
        k = adapted.client_of[run.caster_id]
        load[(run.truck_id, run.trip)] += inst.demand[k]
        pour = adapted.network.minutes(run.pour_start)
        scale = adapted.minutes_per_unit
        assert inst.early[k] * scale - 1e-6 <= pour <= inst.late[k] * scale + 1e-6
    assert max(load.values()) <= inst.capacity
    # And by the instance's own rules (release dates, return before the depot closes).
    assert check_routes(inst, routes_of_plan(outcome.plan, adapted)) == []
