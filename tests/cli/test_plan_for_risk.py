"""``molten plan`` on a sample-sized network plans every tap for the risk target.

The Pearl River Delta sample (336 ladles, the dispatcher's plan for speed) is planned
twice in a subprocess: with the default ``[risk]`` (``plan_for_risk = true``) and with
``plan_for_risk = false``. Every figure is recomputed from the written rows: each run's
cold probability, the pipeline's and the checker's own, against the target — the runs
after the first stop of a trip (a ride of several legs and waits) included; each tap
against the tap the fixed margin alone needs; the extra superheat against the summary
and the economics.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from logistics import load_network
from logistics.check import check, check_context
from logistics.check.risk import COLD_RISK, cold_probabilities, risk_tolerance
from logistics.network.model import Network
from logistics.network.prices import superheat_cost_per_c_t
from logistics.plan.files import read_plan
from logistics.plan.model import Plan
from logistics.plan.summary import margin_tap_c

MOLTEN = Path(sys.executable).parent / "molten"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_networks" / "pearl_river_delta"


def _molten(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MOLTEN), *args], capture_output=True, text=True, timeout=600, check=False
    )


def _planned(tmp: Path, extra_toml: str) -> tuple[Network, Plan, Path]:
    net_dir = tmp / "net"
    shutil.copytree(SAMPLE, net_dir)
    toml = net_dir / "network.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + extra_toml, encoding="utf-8")
    out = tmp / "plan"
    done = _molten("plan", str(net_dir), "--solver", "greedy", "--out", str(out))
    assert done.returncode == 0, done.stderr
    network = load_network(net_dir)
    return network, read_plan(out, network), out


@pytest.fixture(scope="module")
def for_risk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Network, Plan, Path]:
    return _planned(tmp_path_factory.mktemp("risk"), "")


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Network, Plan, Path]:
    return _planned(tmp_path_factory.mktemp("fixed"), "\n[risk]\nplan_for_risk = false\n")


def _later_stops(plan: Plan) -> set[str]:
    """Run ids that are not the first stop of their trip."""
    trips = defaultdict(list)
    for r in plan.runs:
        trips[(r.truck_id, r.trip)].append(r)
    return {
        r.run_id
        for runs in trips.values()
        for r in sorted(runs, key=lambda r: (r.pour_start, r.run_id))[1:]
    }


def test_every_run_is_at_or_below_the_target_in_both_estimates(
    for_risk: tuple[Network, Plan, Path],
) -> None:
    network, plan, out = for_risk
    target = network.params.risk.max_cold_probability
    draws = network.params.risk.draws
    limit = target + risk_tolerance(target, draws)
    assert json.loads((out / "plan.json").read_text())["summary"]["cold_probability_target"] == (
        target
    )
    later = _later_stops(plan)
    assert len(later) > 50  # multi-stop rides are tested, not only first stops
    ctx, runs, _ = check_context(network, plan)
    theirs = cold_probabilities(ctx, runs)
    for row, run in zip(runs, plan.runs, strict=True):
        assert run.cold_probability is not None and run.cold_probability <= limit, run.run_id
        assert theirs[row.row] <= limit, run.run_id
    # the day's expected cold ladles, recomputed from the rows, at most the target each
    with (out / "runs.csv").open(encoding="utf-8") as fh:
        cold = [float(r["cold_probability"]) for r in csv.DictReader(fh)]
    assert sum(cold) <= target * len(cold) + 3 * risk_tolerance(target, draws)


def test_the_checker_holds_the_plan_to_the_target_and_finds_nothing(
    for_risk: tuple[Network, Plan, Path],
) -> None:
    network, plan, out = for_risk
    report = check(network, plan)
    assert report.ok, [str(v) for v in report.violations]
    assert [w for w in report.warnings if w.rule in (COLD_RISK, "superheat")] == []
    done = _molten("check", str(out.parent / "net"), str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cold" not in done.stdout


def test_taps_are_the_fixed_margins_or_hotter_and_the_extra_is_priced(
    for_risk: tuple[Network, Plan, Path],
) -> None:
    network, plan, _ = for_risk
    rate = superheat_cost_per_c_t(network.params)
    extra = 0.0
    hotter = 0
    for run in plan.runs:
        fixed = margin_tap_c(network, run)
        assert fixed is not None and run.tap_c >= fixed - 1e-9, run.run_id
        extra += (run.tap_c - fixed) * run.tonnes * rate
        hotter += run.tap_c > fixed + 0.05
    assert hotter >= len(plan.runs) // 10  # the target costs gas (many taps sit at tap_min_c)
    assert plan.summary.risk_superheat_cny == pytest.approx(extra, abs=0.05)
    assert plan.economics is not None
    economics = plan.economics
    assert economics.plan.risk_superheat_cny == pytest.approx(extra, abs=0.05)
    assert sum(r.risk_superheat_cny for r in economics.runs) == pytest.approx(extra, abs=0.5)


def test_plan_for_risk_false_restores_the_fixed_margin(
    fixed: tuple[Network, Plan, Path], for_risk: tuple[Network, Plan, Path]
) -> None:
    network, plan, out = fixed
    assert plan.summary.cold_probability_target is None
    for run in plan.runs:
        assert run.tap_c == margin_tap_c(network, run), run.run_id
    assert plan.summary.risk_superheat_cny == 0.0
    # the old verdicts: too likely cold runs are warnings, a violation when asked
    report = check(network, plan)
    assert report.ok
    assert any(w.rule == COLD_RISK for w in report.warnings)
    strict = _molten("check", str(out.parent / "net"), str(out), "--verify-risk")
    assert strict.returncode == 4 and "cold_risk" in strict.stdout
    skipped = _molten("check", str(out.parent / "net"), str(out), "--no-verify-risk")
    assert skipped.returncode == 0 and "cold_risk" not in skipped.stdout
    # the risk target cuts the day's expected cold ladles
    cold_fixed = sum(r.cold_probability or 0.0 for r in plan.runs)
    cold_risk = sum(r.cold_probability or 0.0 for r in for_risk[1].runs)
    assert cold_risk < cold_fixed / 3
