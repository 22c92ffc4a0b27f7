"""Tests of the synthetic network generator (``molten generate``)."""

from __future__ import annotations

import csv
import itertools
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from geopy.distance import geodesic

from logistics.network.synthetic import (
    BASE_PAYLOAD_T,
    MIXED_FLEET,
    draw_truck,
    generate_network,
    truck_costs,
)

FILES = (
    "network.toml",
    "smelters.csv",
    "production.csv",
    "casters.csv",
    "fleet.csv",
    "orders.csv",
    "candidates.csv",
)


def read_rows(folder: Path, name: str) -> list[dict[str, str]]:
    """The data rows of one CSV file of a network folder."""
    with open(folder / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, by name."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def default_network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A network generated with the default arguments."""
    return generate_network(tmp_path_factory.mktemp("gen") / "net")


# ----------------------------------------------------------------------------------------
# reproducibility
# ----------------------------------------------------------------------------------------
def test_same_seed_writes_identical_files(tmp_path: Path) -> None:
    a = generate_network(tmp_path / "a", smelters=5, casters=40, tonnes=1200, seed=7)
    b = generate_network(tmp_path / "b", smelters=5, casters=40, tonnes=1200, seed=7)
    assert sorted(p.name for p in a.iterdir()) == sorted(FILES)
    assert folder_bytes(a) == folder_bytes(b)


def test_different_seed_writes_different_files(tmp_path: Path) -> None:
    a = generate_network(tmp_path / "a", seed=1)
    b = generate_network(tmp_path / "b", seed=2)
    assert (a / "orders.csv").read_bytes() != (b / "orders.csv").read_bytes()
    assert (a / "casters.csv").read_bytes() != (b / "casters.csv").read_bytes()


def test_overwrite_with_same_seed_is_byte_identical(tmp_path: Path) -> None:
    out = generate_network(tmp_path / "net", seed=3)
    before = folder_bytes(out)
    generate_network(out, seed=3, overwrite=True)
    assert folder_bytes(out) == before


# ----------------------------------------------------------------------------------------
# sizes
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("smelters", "casters", "trucks", "tonnes"),
    [(1, 1, 1, 10.0), (4, 30, 25, 1000.0), (7, 120, 60, 2500.0), (3, 10, None, 333.3)],
)
def test_sizes_are_honoured(
    tmp_path: Path, smelters: int, casters: int, trucks: int | None, tonnes: float
) -> None:
    out = generate_network(
        tmp_path / "net", smelters=smelters, casters=casters, trucks=trucks, tonnes=tonnes
    )
    assert len(read_rows(out, "smelters.csv")) == smelters
    assert len(read_rows(out, "casters.csv")) == casters
    fleet = read_rows(out, "fleet.csv")
    if trucks is None:
        assert len(fleet) >= 1
    else:
        assert len(fleet) == trucks
    ordered = sum(float(r["tonnes"]) for r in read_rows(out, "orders.csv"))
    assert ordered == pytest.approx(tonnes, rel=0.01)
    assert len(read_rows(out, "candidates.csv")) >= 8


def test_fleet_is_sized_from_tonnes_when_trucks_is_none(tmp_path: Path) -> None:
    small = generate_network(tmp_path / "small", tonnes=500, seed=4)
    large = generate_network(tmp_path / "large", tonnes=2000, seed=4)
    n_small = len(read_rows(small, "fleet.csv"))
    n_large = len(read_rows(large, "fleet.csv"))
    assert n_large > 2 * n_small


def test_fleet_shift_hours_cover_the_day(default_network: Path) -> None:
    """With ~1 truck-hour per 3 t ladle (fill, pour, a short round trip), the work
    takes at most ~65 % of the hours in all shifts."""
    shift_h = 0.0
    for truck in read_rows(default_network, "fleet.csv"):
        start, end = (_minutes(truck[k]) for k in ("shift_start", "shift_end"))
        shift_h += (end - start) / 60
    ordered = sum(float(r["tonnes"]) for r in read_rows(default_network, "orders.csv"))
    assert ordered / 3.0 <= 0.65 * shift_h


def test_production_is_about_1_3_times_demand(default_network: Path) -> None:
    smelters = {r["smelter_id"]: r for r in read_rows(default_network, "smelters.csv")}
    made = 0.0
    for row in read_rows(default_network, "production.csv"):
        smelter = smelters[row["smelter_id"]]
        hours = (min(_minutes(smelter["close"]), 22 * 60) - _minutes(smelter["open"])) / 60
        made += float(row["stock_t"]) + float(row["rate_tph"]) * hours
    ordered = sum(float(r["tonnes"]) for r in read_rows(default_network, "orders.csv"))
    assert 1.2 * ordered <= made <= 1.8 * ordered


# ----------------------------------------------------------------------------------------
# the output is a valid, mostly servable network
# ----------------------------------------------------------------------------------------
def test_output_loads_with_the_project_loader(tmp_path: Path) -> None:
    from logistics.network.loader import load_network

    out = generate_network(tmp_path / "net", smelters=5, casters=50, tonnes=1500, seed=11)
    network = load_network(out)
    assert network.plan_date == date(2026, 11, 23)
    assert len(network.smelters) == 5
    assert len(network.casters) == 50
    assert sum(o.tonnes for o in network.orders) == pytest.approx(1500, rel=0.01)
    assert len(network.candidates) >= 8


def test_plan_date_is_used(tmp_path: Path) -> None:
    from logistics.network.loader import load_network

    day = date(2027, 3, 1)
    out = generate_network(tmp_path / "net", plan_date=day, seed=5)
    network = load_network(out)
    assert network.plan_date == day
    for order in network.orders:
        assert order.window_start.date() == day
        assert order.placed_at.date() in (day, day - timedelta(days=1))


def test_orders_are_servable_in_principle(tmp_path: Path) -> None:
    """Every order has a source for its alloy within thermal reach (in the best-insulated
    ladle of the fleet), inside caster hours, placed at least the lead time before its
    window opens."""
    from logistics.network.loader import load_network

    network = load_network(generate_network(tmp_path / "net", casters=60, seed=8))
    params = network.params
    ambient = params.thermal.ambient_c
    tau = max(t.tau_h for t in network.fleet)
    for order in network.orders:
        caster = network.caster_by_id[order.caster_id]
        assert order.window_end > order.window_start
        assert caster.open <= order.window_start and order.window_end <= caster.close
        lead = timedelta(hours=params.planning.lead_time_h)
        assert order.placed_at + lead <= order.window_start
        assert order.alloy in caster.alloys
        makers = [p for p in network.production if p.alloy == order.alloy]
        assert makers, f"nobody makes {order.alloy}"
        required = caster.min_pour_c + params.thermal.margin_c
        reachable = False
        for prod in makers:
            smelter = network.smelter_by_id[prod.smelter_id]
            km = geodesic((smelter.lat, smelter.lon), (caster.lat, caster.lon)).km
            drive_h = km * params.roads.circuity / params.roads.speed_kmh
            hold_h = tau * math.log((prod.tap_max_c - ambient) / (required - ambient))
            reachable = reachable or drive_h <= hold_h
        assert reachable, order.order_id


def test_smelters_lie_in_a_regional_box(default_network: Path) -> None:
    rows = read_rows(default_network, "smelters.csv")
    points = [(float(r["lat"]), float(r["lon"])) for r in rows]
    for a in points:
        for b in points:
            assert geodesic(a, b).km <= 150 * math.sqrt(2) + 5


def test_ids_are_unique_and_references_resolve(default_network: Path) -> None:
    smelters = {r["smelter_id"] for r in read_rows(default_network, "smelters.csv")}
    casters = {r["caster_id"] for r in read_rows(default_network, "casters.csv")}
    orders = read_rows(default_network, "orders.csv")
    fleet = read_rows(default_network, "fleet.csv")
    assert len({o["order_id"] for o in orders}) == len(orders)
    assert len({t["truck_id"] for t in fleet}) == len(fleet)
    assert all(o["caster_id"] in casters for o in orders)
    assert all(t["home_smelter"] in smelters for t in fleet)
    for row in read_rows(default_network, "production.csv"):
        assert row["smelter_id"] in smelters
        assert float(row["tap_min_c"]) < float(row["tap_max_c"])


# ----------------------------------------------------------------------------------------
# the mixed fleet
# ----------------------------------------------------------------------------------------
def test_default_fleet_mixes_ladles_insulation_shifts_and_costs(default_network: Path) -> None:
    fleet = read_rows(default_network, "fleet.csv")
    assert {r["ladles"] for r in fleet} == {"2", "3"}
    assert {float(r["ladle_t"]) for r in fleet} == {3.0, 4.0}
    taus = [float(r["tau_h"]) for r in fleet]
    assert any(25 <= t <= 30 for t in taus) and any(45 <= t <= 70 for t in taus)
    assert all(25 <= t <= 30 or 45 <= t <= 70 for t in taus)
    assert len({(r["shift_start"], r["shift_end"]) for r in fleet}) >= 4
    # a bigger payload costs more per km and per hour, never less
    by_payload = sorted(
        (int(r["ladles"]) * float(r["ladle_t"]), float(r["cost_per_km"]), float(r["cost_per_h"]))
        for r in fleet
    )
    for (t1, km1, h1), (t2, km2, h2) in itertools.pairwise(by_payload):
        assert t1 == t2 or (km1 < km2 and h1 < h2)


def test_older_ladles_cool_at_about_25_c_per_hour_lidded_at_10_to_17() -> None:
    # cooling rate at a 780 °C tap with 25 °C ambient: (780 - 25) / tau
    for kind in MIXED_FLEET:
        rates = [(780 - 25) / tau for tau in kind.tau_h]
        if "older" in kind.name:
            assert all(24 <= r <= 31 for r in rates), kind
        else:
            assert all(10 <= r <= 17 for r in rates), kind
    assert sum(k.share for k in MIXED_FLEET) == pytest.approx(1.0)


def test_truck_costs_follow_the_payload() -> None:
    assert truck_costs(2, 3.0, 8.0, 150.0) == (8.0, 150.0)  # the network's 6 t truck
    per_km, per_h = truck_costs(3, 4.0, 8.0, 150.0)  # 12 t: 6 t more
    assert per_km == pytest.approx(8.0 * 1.36, abs=0.05)
    assert per_h == pytest.approx(150.0 * 1.24, abs=0.5)
    assert per_km / 12.0 < 8.0 / BASE_PAYLOAD_T  # per tonne carried the big truck is cheaper


def test_draw_truck_follows_the_shares() -> None:
    rng = np.random.default_rng(3)
    drawn = [draw_truck(rng, 8.0, 150.0) for _ in range(4000)]
    for kind in MIXED_FLEET:
        share = sum(1 for t in drawn if t.kind == kind.name) / len(drawn)
        assert share == pytest.approx(kind.share, abs=0.03)
        assert {t.tau_h for t in drawn if t.kind == kind.name} == set(kind.tau_h)


# ----------------------------------------------------------------------------------------
# output folder handling
# ----------------------------------------------------------------------------------------
def test_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "net"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate_network(out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_overwrite_replaces_a_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "net"
    out.mkdir()
    (out / "keep.txt").write_text("old")
    generate_network(out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)


def test_accepts_an_empty_existing_folder(tmp_path: Path) -> None:
    out = tmp_path / "net"
    out.mkdir()
    assert generate_network(out) == out
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)


def test_refuses_a_file_in_the_way(tmp_path: Path) -> None:
    out = tmp_path / "net"
    out.write_text("not a folder")
    with pytest.raises(FileExistsError):
        generate_network(out, overwrite=True)


def test_leaves_no_temporary_files(tmp_path: Path) -> None:
    generate_network(tmp_path / "a", seed=1)
    generate_network(tmp_path / "a", seed=2, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["a"]


def test_creates_missing_parent_folders(tmp_path: Path) -> None:
    out = generate_network(tmp_path / "x" / "y" / "net")
    assert (out / "orders.csv").is_file()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"smelters": 0},
        {"casters": 0},
        {"trucks": 0},
        {"tonnes": 0.0},
        {"tonnes": -5.0},
        {"tonnes": float("nan")},
        {"seed": -1},
    ],
)
def test_bad_arguments_raise_value_error(tmp_path: Path, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        generate_network(tmp_path / "net", **kwargs)
    assert not (tmp_path / "net").exists()


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)
