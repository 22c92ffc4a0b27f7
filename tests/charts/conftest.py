"""A planned tiny day shared by the chart tests (the dispatcher's plan: fast, repeatable)."""

from __future__ import annotations

import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.network.model import Network
from tests.conftest import TEST_DATA


@pytest.fixture(scope="session")
def tiny() -> Network:
    """tests/data/tiny, loaded."""
    return load_network(TEST_DATA / "tiny")


@pytest.fixture(scope="session")
def tiny_outcome(tiny: Network) -> PlanOutcome:
    """The greedy plan of the tiny day, checked."""
    outcome = plan_day(tiny, solver="greedy", time_limit_s=5)
    assert check(tiny, outcome.plan).ok
    return outcome
