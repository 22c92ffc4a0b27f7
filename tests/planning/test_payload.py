"""A truck's payload (``payload_t`` in fleet.csv): planned within, checked, refused when
it cannot hold one full ladle.

Every figure is recomputed from the plan's rows; the checker's verdict decides.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from logistics import check, load_network, plan_day
from logistics.errors import InputError
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from tests.cli.test_exit_codes import molten, no_traceback
from tests.conftest import copy_tiny, read_table, write_table
from tests.planning.test_ladle_bundles import day_problem


def with_payload(folder: Path, payload: str) -> Path:
    """The fleet of ``folder`` given ``payload_t`` = ``payload`` on every truck."""
    rows = read_table(folder / "fleet.csv")
    if "payload_t" not in rows[0]:
        rows = [row + (["payload_t"] if k == 0 else [payload]) for k, row in enumerate(rows)]
    else:
        column = rows[0].index("payload_t")
        for row in rows[1:]:
            row[column] = payload
    write_table(folder / "fleet.csv", rows)
    return folder


def trip_tonnes(plan: Plan) -> dict[tuple[str, int], float]:
    """Metal per trip, t, from the plan's rows."""
    tonnes: dict[tuple[str, int], float] = defaultdict(float)
    for run in plan.runs:
        tonnes[(run.truck_id, run.trip)] += run.tonnes
    return dict(tonnes)


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_trips_stay_within_the_payload_and_the_plan_checks(tmp_path: Path, solver: str) -> None:
    free = load_network(copy_tiny(tmp_path / "free"))
    unbounded = plan_day(free, PlanOptions(solver=solver, time_limit_s=5, workers=1)).plan
    ladle = max(t.ladle_t for t in free.fleet)
    assert max(trip_tonnes(unbounded).values()) > ladle  # without it, trips carry more

    network = load_network(with_payload(copy_tiny(tmp_path / "held"), f"{ladle:g}"))
    outcome = plan_day(network, PlanOptions(solver=solver, time_limit_s=5, workers=1))
    assert check(network, outcome.plan).ok
    assert outcome.plan.runs
    assert max(trip_tonnes(outcome.plan).values()) <= ladle + 1e-6


def test_the_checker_flags_a_trip_above_the_payload(tmp_path: Path) -> None:
    free = load_network(copy_tiny(tmp_path / "free"))
    plan = plan_day(free, PlanOptions(solver="greedy")).plan
    ladle = max(t.ladle_t for t in free.fleet)
    heavy = {trip for trip, t in trip_tonnes(plan).items() if t > ladle + 1e-6}
    assert heavy
    held = load_network(with_payload(copy_tiny(tmp_path / "held"), f"{ladle:g}"))
    report = check(held, plan)
    flagged = [v for v in report.violations if v.rule == "trip_payload"]
    assert flagged and len(flagged) == len(heavy)
    assert check(free, plan).ok


def test_the_routing_model_carries_the_payload_in_kilograms(tmp_path: Path) -> None:
    folder = with_payload(copy_tiny(tmp_path / "net"), "4.5")
    problem, _, pair_assignments = day_problem(folder)
    assert {v.weight_capacity for v in problem.vehicles} == {4500}
    for pair, assignment in zip(problem.pairs, pair_assignments, strict=True):
        kg = problem.nodes[pair.pickup].weight
        assert kg == -problem.nodes[pair.delivery].weight
        assert kg / 1000 >= assignment.job.tonnes - 1e-9
    free_problem, _, _ = day_problem(copy_tiny(tmp_path / "free"))
    assert {v.weight_capacity for v in free_problem.vehicles} == {None}


def test_a_payload_below_one_ladle_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    folder = with_payload(copy_tiny(tmp_path / "net"), "1")
    with pytest.raises(InputError) as exc:
        load_network(folder)
    problems = exc.value.problems
    assert {(p.file, p.column) for p in problems} == {("fleet.csv", "payload_t")}
    assert "below one full ladle" in problems[0].message
    out = tmp_path / "plan"
    result = molten("plan", str(folder), "--out", str(out))
    assert result.returncode == 2
    no_traceback(result)
    assert "fleet.csv, row 2, column 'payload_t'" in result.stderr
    assert not out.exists()


def test_a_payload_outside_the_plausible_range_is_refused(tmp_path: Path) -> None:
    folder = with_payload(copy_tiny(tmp_path / "net"), "61")
    with pytest.raises(InputError) as exc:
        load_network(folder)
    problem = exc.value.problems[0]
    assert (problem.file, problem.column) == ("fleet.csv", "payload_t")
    assert "0.5–60" in problem.message
