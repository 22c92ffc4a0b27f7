"""Fixtures of managed supply: the tiny network with half its casters managed, planned."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.supply_network import write_managed_copy
from logistics import PlanOutcome, load_network, plan_day
from logistics.network.model import Network
from logistics.plan.options import PlanOptions
from tests.conftest import TINY


@pytest.fixture(scope="session")
def managed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny with C1, C3 and C5 on managed supply (read-only: copy before changing)."""
    return write_managed_copy(TINY, tmp_path_factory.mktemp("managed") / "net")


@pytest.fixture(scope="session")
def managed(managed_dir: Path) -> Network:
    """The managed tiny network, loaded."""
    return load_network(managed_dir)


@pytest.fixture(scope="session")
def managed_outcome(managed: Network) -> PlanOutcome:
    """The dispatcher's plan of the managed tiny day (fast, repeatable)."""
    return plan_day(managed, PlanOptions(solver="greedy", time_limit_s=5))
