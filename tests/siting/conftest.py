"""Fixtures of the siting tests: the small siting network and one study run on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics import load_network
from logistics.siting import (
    Scenario,
    StudySettings,
    make_study,
    network_candidates,
    run_study,
)

SITING = Path(__file__).resolve().parents[1] / "data" / "siting"

#: A quick, deterministic planner setting for tests (about 0.2 s a day on this network).
FAST = {"solver": "ortools", "solution_limit": 10, "time_limit_s": 120.0}


def siting_study(scenarios=(), **settings):
    """The siting test network with its candidates and the given settings."""
    network = load_network(SITING)
    values = {"k": 1, "days": 2, "simulate": 3, "seed": 3, **FAST, **settings}
    return make_study(network, network_candidates(network), StudySettings(**values), scenarios)


@pytest.fixture(scope="session")
def study_result():
    """One study of the siting network, run in this process (two scenarios)."""
    study = siting_study(
        scenarios=[
            Scenario(name="as_is"),
            Scenario(
                name="dear_gas",
                overrides={"economics.gas_price_cny_m3": 5.0},
                demand_growth=0.1,
            ),
        ]
    )
    return run_study(study, workers=1)
