"""Fixtures of managed supply: the tiny network with half its casters managed, planned."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from benchmarks.supply_network import write_managed_copy
from logistics import PlanOutcome, load_network, plan_day
from logistics.network.model import Network
from logistics.pipeline import supply as supply_pipeline
from logistics.plan.options import PlanOptions
from tests.conftest import TINY, read_table, write_table
from tests.network.test_dated_rows import with_rows


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


@pytest.fixture(scope="module")
def usual_dir(managed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The managed tiny network, C1's ADC12 furnace holding 11 t (9 t fit by evening)."""
    net = tmp_path_factory.mktemp("usual") / "net"
    shutil.copytree(managed_dir, net)
    table = read_table(net / "consumption.csv")
    for row in table[1:]:
        if row[:2] == ["C1", "ADC12"] and row[3]:
            row[3] = "11"
    write_table(net / "consumption.csv", table)
    return net


def with_dated_orders(
    net: Path, orders: Sequence[tuple[str, str, str, float, int, int]], day: date, placed: date
) -> None:
    """Add ``orders`` (order, caster, alloy, t, from hour, to hour) to ``net``'s
    ``orders.csv``, their windows dated ``day`` and placed at noon of ``placed``."""
    rows = [
        {
            "order_id": oid,
            "caster_id": caster,
            "alloy": alloy,
            "tonnes": str(tonnes),
            "window_start": f"{day}T{lo:02d}:00:00+08:00",
            "window_end": f"{day}T{hi:02d}:00:00+08:00",
            "placed_at": f"{placed}T12:00:00+08:00",
        }
        for oid, caster, alloy, tonnes, lo, hi in orders
    ]
    with_rows(net, "orders.csv", [], rows)


def spied_decisions(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Every delivery decision the supply loop makes from now on."""
    decisions: list[dict] = []
    decide = supply_pipeline.decide_deliveries

    def spy(*args: object, **kwargs: object) -> dict:
        found = decide(*args, **kwargs)  # type: ignore[arg-type]
        decisions.append(found)
        return found

    monkeypatch.setattr(supply_pipeline, "decide_deliveries", spy)
    return decisions
