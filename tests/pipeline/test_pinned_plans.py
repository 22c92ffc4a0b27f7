"""Plans pinned in the deterministic mode: a refactoring must not move a single run.

``pinned_plans.json`` holds, for a few days of ``tests/data`` planned in the
deterministic mode (a solution limit, one worker, a fixed seed), every run (truck,
trip, order, smelter, caster, tonnes, fill and pour start, tap temperature) and every
unserved row. A change that is meant to leave the planner's behaviour alone (moving
code, renaming, new seams) must give the same rows. A change that is meant to change
plans regenerates the file consciously, and says so in its commit:

    .venv/bin/python -m tests.pipeline.test_pinned_plans --regenerate
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from logistics import check, load_network, plan_day
from logistics.plan.options import PlanOptions
from tests.conftest import TEST_DATA

PINNED_FILE = Path(__file__).with_name("pinned_plans.json")
#: ``name -> (folder under tests/data, solver, seed, solution limit)``.
CASES: dict[str, tuple[str, str, int, int]] = {
    "tiny-ortools": ("tiny", "ortools", 0, 20),
    "tiny-ortools-seed7": ("tiny", "ortools", 7, 20),
    "tiny-greedy": ("tiny", "greedy", 0, 20),
    "tiny_mixed-ortools": ("tiny_mixed", "ortools", 0, 20),
    "reference_day-ortools": ("reference_day", "ortools", 0, 20),
}
#: Generous: the solution limit, not the clock, ends every search.
LIMIT_S = 300.0


def plan_rows(case: str) -> dict[str, Any]:
    """The rows of a case's plan, as JSON-ready lists, and the checker's verdict."""
    folder, solver, seed, solutions = CASES[case]
    network = load_network(TEST_DATA / folder)
    outcome = plan_day(
        network,
        PlanOptions(
            solver=solver, time_limit_s=LIMIT_S, workers=1, seed=seed, solution_limit=solutions
        ),
    )
    runs = [
        [
            r.truck_id,
            r.trip,
            r.order_id,
            r.smelter_id,
            r.caster_id,
            r.tonnes,
            r.fill_start.isoformat(),
            r.pour_start.isoformat(),
            r.tap_c,
        ]
        for r in outcome.plan.runs
    ]
    unserved = [[u.order_id, u.tonnes, u.reason] for u in outcome.plan.unserved]
    return {
        "runs": runs,
        "unserved": unserved,
        "violations": len(check(network, outcome.plan).violations),
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_deterministic_plan_is_the_pinned_one(case: str) -> None:
    pinned = json.loads(PINNED_FILE.read_text(encoding="utf-8"))[case]
    got = plan_rows(case)
    assert got["violations"] == 0
    assert got["unserved"] == pinned["unserved"]
    assert got["runs"] == pinned["runs"]


def regenerate() -> None:
    """Write ``pinned_plans.json`` from the planner as it is now."""
    pinned = {case: plan_rows(case) for case in sorted(CASES)}
    PINNED_FILE.write_text(json.dumps(pinned, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {PINNED_FILE}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        raise SystemExit("usage: python -m tests.pipeline.test_pinned_plans --regenerate")
    regenerate()
