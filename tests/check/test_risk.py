"""The checker's own estimate of the risk of cold metal (``cold_risk``), by mutation.

``tests/data/tiny_plan`` protects its metal with the fixed 5 °C margin; its run R04 (the
second stop of a two-stop trip, 3.17 h of hold at C4) is the one a slow first leg
makes cold.
"""

from __future__ import annotations

import pytest

from logistics.check import check_context, check_rows
from logistics.check.risk import COLD_RISK, cold_probabilities, risk_tolerance
from logistics.network.model import Network
from logistics.network.params import RiskParams
from logistics.physics.travel import Travel
from logistics.pipeline.risk import with_risk
from logistics.plan.files import plan_from_rows
from tests.check.conftest import Rows
from tests.check.test_checker import rebuild, recompute_arrival, set_run
from tests.conftest import TEST_DATA


@pytest.fixture(scope="module")
def network() -> Network:
    from logistics import load_network

    return load_network(TEST_DATA / "tiny")


def cold_rules(report) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """Run ids with a cold_risk violation, and with a cold_risk warning."""
    return (
        [v.run_id for v in report.violations if v.rule == COLD_RISK],
        [w.run_id for w in report.warnings if w.rule == COLD_RISK],
    )


def test_the_fixed_margin_leaves_r04_too_likely_cold_a_warning_by_default(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    report = check_rows(network, runs, unserved)
    assert report.ok
    assert cold_rules(report) == ([], ["R04"])
    strict = check_rows(network, runs, unserved, verify_risk=True)
    assert cold_rules(strict) == (["R04"], [])
    assert "R04" in str(strict.violations[0]) and "simulated rides" in strict.violations[0].message
    assert cold_rules(check_rows(network, runs, unserved, verify_risk=False)) == ([], [])


def test_lowering_a_tap_until_the_risk_exceeds_the_target_is_flagged(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    # R04 tapped hot enough for the target passes; tapped ever colder it is flagged
    flagged_at = None
    for tap in (775.0, 770.0, 765.0, 762.0, 760.0, 758.5):
        set_run(runs, "R04", tap_c=f"{tap}")
        recompute_arrival(network, runs, "R04")
        violations, _ = cold_rules(check_rows(network, runs, unserved, verify_risk=True))
        if tap == 775.0:
            assert violations == [], "a 775 °C tap must meet the 1 % target"
        if violations:
            assert violations == ["R04"]
            flagged_at = tap
            break
    assert flagged_at is not None and flagged_at < 775.0


def test_a_tighter_target_or_more_uncertainty_flags_more(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    risk = RiskParams(travel_cv=0.6)
    uncertain = rebuild(network, params=network.params.model_copy(update={"risk": risk}))
    violations, _ = cold_rules(check_rows(uncertain, runs, unserved, verify_risk=True))
    assert "R04" in violations and len(violations) > 1
    exact = RiskParams(travel_cv=0.0)
    certain = rebuild(network, params=network.params.model_copy(update={"risk": exact}))
    assert cold_rules(check_rows(certain, runs, unserved, verify_risk=True)) == ([], [])


def test_the_checker_and_the_pipeline_agree_within_the_sampling_tolerance(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    travel = Travel.of(network)
    plan = plan_from_rows(network, runs, unserved, travel)
    estimated = with_risk(network, plan, travel)
    ctx, check_runs, _ = check_context(network, plan, travel)
    by_row = cold_probabilities(ctx, check_runs)
    draws = network.params.risk.draws
    for row, run in enumerate(estimated.runs, start=2):
        assert run.cold_probability is not None
        p = max(run.cold_probability, by_row[row], 0.01)
        tolerance = risk_tolerance(p, draws) * 2**0.5  # two independent estimates
        assert abs(run.cold_probability - by_row[row]) <= tolerance, run.run_id
    assert estimated.summary.worst_cold_run == "R04"
    assert estimated.summary.expected_cold_ladles == pytest.approx(
        sum(r.cold_probability or 0.0 for r in estimated.runs), abs=1e-3
    )


def test_the_checker_draws_its_own_stream(network: Network, runs: Rows, unserved: Rows) -> None:
    travel = Travel.of(network)
    plan = plan_from_rows(network, runs, unserved, travel)
    ctx, check_runs, _ = check_context(network, plan, travel)
    first = cold_probabilities(ctx, check_runs)
    assert cold_probabilities(ctx, check_runs) == first  # reproducible
    estimated = with_risk(network, plan, travel)
    assert first[5] != estimated.runs[3].cold_probability  # R04: not the pipeline's draws
