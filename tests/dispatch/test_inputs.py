"""The fingerprint that decides "already planned": what changes it and what does not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from logistics.dispatch.inputs import fingerprint
from logistics.network.loader import load_network
from logistics.network.overrides import apply_overrides
from logistics.plan.options import PlanOptions
from tests.conftest import set_cell

DAY = date(2026, 11, 23)


def digest(net: Path, orders: Path | None = None, day: date = DAY, **settings: object) -> str:
    network = load_network(net, day, orders_file=orders)
    chosen = PlanOptions(**{"solver": "greedy", "time_limit_s": 5.0, **settings})  # type: ignore[arg-type]
    return fingerprint(
        net, orders, network=network.name, plan_date=day, params=network.params, options=chosen
    ).digest


def test_what_changes_the_fingerprint(net: Path, tmp_path: Path) -> None:
    base = digest(net)
    assert digest(net) == base
    assert digest(net, time_limit_s=5) == base  # 5 and 5.0 are the same setting
    assert digest(net, time_limit_s=6.0) != base
    assert digest(net, solver="ortools") != base
    assert digest(net, day=date(2026, 11, 24)) != base

    (net / "README.md").write_text("notes")  # not an input file
    (net / "molten.db").write_bytes(b"a database kept beside it")
    assert digest(net) == base

    set_cell(net, "fleet.csv", 2, "ladles", "1")
    changed = digest(net)
    assert changed != base

    orders = tmp_path / "other-orders.csv"
    orders.write_bytes((net / "orders.csv").read_bytes())
    with_file = digest(net, orders)
    assert with_file != changed  # labelled as --orders
    set_cell(net, "orders.csv", 2, "tonnes", "1")  # the folder's orders are not used then
    assert digest(net, orders) == with_file


def test_parameters_count_after_overrides(net: Path) -> None:
    network = load_network(net, DAY)
    settings = PlanOptions(solver="greedy", time_limit_s=5.0)
    plain = fingerprint(
        net, None, network="tiny", plan_date=DAY, params=network.params, options=settings
    )
    hotter = apply_overrides(network.params, {"thermal.margin_c": 9})
    changed = fingerprint(net, None, network="tiny", plan_date=DAY, params=hotter, options=settings)
    assert plain.digest != changed.digest
    assert plain.files == changed.files
    assert set(plain.files) == {
        "casters.csv",
        "fleet.csv",
        "network.toml",
        "orders.csv",
        "production.csv",
        "smelters.csv",
    }
