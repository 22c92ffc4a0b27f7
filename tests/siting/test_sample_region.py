"""Siting on the bundled Pearl River Delta sample with its candidates (the acceptance case).

Shortened to stay quick in CI (2 days, the best 2 options, OR-Tools with a solution
limit); the full ``--k 1 --days 3 --workers 2`` run is measured in docs/siting.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from statistics import mean

import pytest

from logistics import check, load_network, plan_economics
from logistics.siting import StudySettings, make_study, network_candidates, run_study

PRD = Path(__file__).resolve().parents[2] / "sample_networks" / "pearl_river_delta"
MOLTEN = Path(sys.executable).parent / "molten"
FAST = {"solver": "ortools", "solution_limit": 10, "time_limit_s": 120.0}


@pytest.fixture(scope="module")
def prd_study():
    network = load_network(PRD)
    settings = StudySettings(k=1, days=2, simulate=2, seed=1, **FAST)
    return run_study(make_study(network, network_candidates(network), settings), workers=2)


def test_the_top_site_s_yearly_saving_is_its_days_against_the_base_scaled(prd_study):
    top = prd_study.top()
    assert top is not None and top.simulated
    diffs = []
    for day in prd_study.days:
        savings = []
        for option in (top.option_id, "base"):
            key = f"{top.scenario}/{option}/day{day.number}"
            network, plan = prd_study.network_for(key), prd_study.plan(key)
            assert check(network, plan).ok, key
            savings.append(plan_economics(network, plan).summary.saving_cny)
        diffs.append(savings[0] - savings[1])
    days_a_year = network.params.economics.operating_days_per_year
    assert top.saving_cny_year == pytest.approx(mean(diffs) * days_a_year, rel=1e-9, abs=1.0)
    assert prd_study.counts()["screened"] == len(network_candidates(load_network(PRD)))
    assert prd_study.counts()["simulated"] == 2


def test_k2_on_the_sample_screens_every_pair_and_says_so(tmp_path):
    done = subprocess.run(
        [
            str(MOLTEN),
            "site",
            str(PRD),
            "--k",
            "2",
            "--days",
            "1",
            "--simulate",
            "1",
            "--solution-limit",
            "10",
            "--workers",
            "2",
            "--quiet",
            "--no-plans",
            "--out",
            str(tmp_path / "k2"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    candidates = len(network_candidates(load_network(PRD)))
    pairs = candidates * (candidates - 1) // 2 + candidates
    assert f"screened {pairs} of {pairs} combinations" in text
    assert "simulated the best 1" in text
