"""A plan that claims the risk target is held to it; hand-made and edited plans are not.

``tests/data/tiny_plan`` is hand-made and protects its metal with the fixed margin: its
run R04 is too likely to arrive cold (a ``cold_risk`` warning by default). The same rows
claiming the target (``summary.cold_probability_target``, what the planner writes with
``[risk] plan_for_risk``) make it a violation; a re-plan's claim does not; written to a
folder and edited, the claim is gone.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from logistics import load_network
from logistics.check import check, check_folder
from logistics.check.risk import COLD_RISK, risk_verified
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.files import plan_from_rows, read_plan, write_plan
from logistics.plan.model import Plan
from tests.conftest import TEST_DATA, read_rows

PLAN = TEST_DATA / "tiny_plan"


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(TEST_DATA / "tiny")


@pytest.fixture(scope="module")
def hand_made(network: Network) -> Plan:
    travel = Travel.of(network)
    return plan_from_rows(
        network, read_rows(PLAN / "runs.csv"), read_rows(PLAN / "unserved.csv"), travel
    )


def claiming(plan: Plan, target: float | None = 0.01) -> Plan:
    summary = plan.summary.model_copy(update={"cold_probability_target": target})
    return plan.model_copy(update={"summary": summary})


def cold(report) -> tuple[list[str | None], list[str | None]]:  # type: ignore[no-untyped-def]
    return (
        [v.run_id for v in report.violations if v.rule == COLD_RISK],
        [w.run_id for w in report.warnings if w.rule == COLD_RISK],
    )


def test_a_hand_made_plan_claims_nothing_and_gets_a_warning(
    network: Network, hand_made: Plan
) -> None:
    assert hand_made.summary.cold_probability_target is None
    assert not risk_verified(hand_made)
    assert cold(check(network, hand_made)) == ([], ["R04"])


def test_the_claim_makes_cold_risk_a_violation_by_default(
    network: Network, hand_made: Plan
) -> None:
    claimed = claiming(hand_made)
    assert risk_verified(claimed)
    report = check(network, claimed)
    assert cold(report) == (["R04"], [])
    assert not report.ok
    # asked for explicitly, the verdict does not depend on the claim
    assert cold(check(network, claimed, verify_risk=False)) == ([], [])
    assert cold(check(network, hand_made, verify_risk=True)) == (["R04"], [])


def test_a_re_plans_claim_is_not_held_strictly(network: Network, hand_made: Plan) -> None:
    replan = claiming(hand_made).model_copy(
        update={"solver": hand_made.solver.model_copy(update={"status": "insert"})}
    )
    assert not risk_verified(replan)
    assert cold(check(network, replan)) == ([], ["R04"])


def test_rows_edited_after_planning_drop_the_claim(
    network: Network, hand_made: Plan, tmp_path: Path
) -> None:
    folder = tmp_path / "plan"
    write_plan(claiming(hand_made), folder)
    assert read_plan(folder, network).summary.cold_probability_target == 0.01
    assert cold(check_folder(network, folder)) == (["R04"], [])
    rows = read_rows(folder / "runs.csv")
    rows[0]["tap_c"] = f"{float(rows[0]['tap_c']) + 1.0:.1f}"  # a dispatcher's edit
    with (folder / "runs.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    edited = read_plan(folder, network)
    assert edited.summary.cold_probability_target is None
    assert cold(check_folder(network, folder)) == ([], ["R04"])
    shutil.rmtree(folder)
