"""The what-if switch of casters between orders and managed supply: the switched network is
the one the loader reads from a folder edited that way, and its plan delivers accordingly
(checked by the independent checker)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from logistics import check, load_network, plan_day
from logistics.network.model import Network
from logistics.pipeline.supply_switch import (
    managed_casters,
    supplied_casters,
    switch_supply,
    switched_furnaces,
)
from logistics.plan.options import PlanOptions
from logistics.planning.managed import MANAGED_PREFIX
from tests.conftest import TINY

GREEDY = PlanOptions(solver="greedy", time_limit_s=5)


def _edited(managed_dir: Path, dest: Path, supply: dict[str, str], orders_of: set[str]) -> Path:
    """``managed_dir`` with ``supply`` per caster in consumption.csv and tiny's orders of
    the casters ``orders_of`` put back into orders.csv (as a dispatcher would edit it)."""
    shutil.copytree(managed_dir, dest)
    path = dest / "consumption.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["supply"] and row["caster_id"] in supply:
            row["supply"] = supply[row["caster_id"]]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with (TINY / "orders.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        back = [r for r in reader if r["caster_id"] in orders_of]
    with (dest / "orders.csv").open("a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fieldnames=list(reader.fieldnames or [])).writerows(back)
    return dest


def _same_inputs(a: Network, b: Network) -> None:
    assert a.furnaces == b.furnaces
    assert sorted(a.orders, key=lambda o: o.order_id) == sorted(b.orders, key=lambda o: o.order_id)
    assert a.consumption == b.consumption


def test_the_folders_own_supply_leaves_the_network_as_it_is(managed: Network) -> None:
    assert supplied_casters(managed) == managed_casters(managed) == ("C1", "C3", "C5")
    assert switch_supply(managed, ["C5", "C3", "C1"]) is managed


def test_switched_to_orders_is_the_folder_with_its_supply_column_edited(
    managed: Network, managed_dir: Path, tmp_path: Path
) -> None:
    folder = _edited(managed_dir, tmp_path / "net", {"C3": "orders"}, set())
    switched = switch_supply(managed, ["C1", "C5"], own_rule=False)
    _same_inputs(switched, load_network(folder))
    assert [(f.caster_id, f.supply) for f in switched_furnaces(managed, switched)] == [
        ("C3", "orders")
    ]


def test_switched_to_managed_drops_the_casters_orders_as_the_loader_requires(
    managed: Network, managed_dir: Path, tmp_path: Path
) -> None:
    ordering = load_network(_edited(managed_dir, tmp_path / "net", {"C3": "orders"}, {"C3"}))
    assert {o.order_id for o in ordering.day_orders if o.caster_id == "C3"} == {"O3", "O4"}
    _same_inputs(switch_supply(ordering, ["C1", "C3", "C5"]), managed)
    # a caster on orders with orders of its own keeps them (the rule orders nothing more)
    assert switch_supply(ordering, ["C1", "C5"]) is ordering


def test_switched_to_orders_the_caster_orders_by_its_own_rule_and_back(managed: Network) -> None:
    switched = switch_supply(managed, ["C1", "C5"])
    ruled = [o for o in switched.day_orders if o.caster_id == "C3"]
    assert ruled and all(o.order_id.startswith("R-C3-ZL114A-") for o in ruled)
    lead_min = managed.params.planning.lead_time_h * 60
    for o in ruled:
        assert switched.minutes(o.window_start) - switched.minutes(o.placed_at) >= lead_min - 1e-6
    _same_inputs(switch_supply(switched, ["C1", "C3", "C5"]), managed)


def test_a_caster_without_a_furnace_cannot_be_managed(managed: Network) -> None:
    with pytest.raises(ValueError, match="C2"):
        switch_supply(managed, ["C1", "C2"])


def test_the_plan_of_the_switched_day_delivers_the_casters_orders_not_managed_deliveries(
    managed: Network,
) -> None:
    switched = switch_supply(managed, ["C1", "C5"])
    outcome = plan_day(switched, GREEDY)
    plan = outcome.plan
    assert check(switched, plan).ok
    to_c3 = [r for r in plan.runs if r.caster_id == "C3"]
    assert to_c3 and all(r.order_id.startswith("R-C3-") for r in to_c3)
    assert plan.supply is not None
    assert not [o for o in plan.supply.deliveries if o.caster_id == "C3"]
    assert {o.caster_id for o in plan.supply.deliveries} <= {"C1", "C5"}
    assert all(o.order_id.startswith(MANAGED_PREFIX) for o in plan.supply.deliveries)
    c3 = next(f for f in plan.supply.furnaces if f.caster_id == "C3")
    assert c3.supply == "orders"
