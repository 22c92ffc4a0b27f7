"""Ingot vs liquid economics and CO2 (logistics.cost): seed table, route model, plan."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console

from logistics.cli.render import render_cost_report
from logistics.economics.cost_report import cost_report
from logistics.economics.emissions import co2_per_t_ingot, co2_per_t_liquid, dross_avoided
from logistics.economics.plan_economics import plan_economics
from logistics.economics.radius import break_even_km, practical_radius, thermal_reach_km
from logistics.economics.route_model import (
    TypicalTruck,
    ingot_route,
    liquid_route,
    saving_per_t,
    truck_cost_per_t,
    typical_truck,
)
from logistics.economics.sensitivity import sensitivity
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.network.params import Params
from logistics.network.prices import (
    ingot_cost_per_t,
    ingot_energy_per_t,
    liquid_cost_per_t_excl_transport,
    superheat_cost_per_c_t,
    transport_calibration_per_t,
)
from logistics.physics.travel import travel_matrix
from logistics.plan.build import hand_made_plan
from logistics.plan.model import Run, Unserved

TINY = Path(__file__).resolve().parents[1] / "sample_networks" / "tiny"

SEED_INGOT = {
    "energy": 400,
    "furnace_depreciation": 50,
    "burn_loss": 400,
    "labour": 50,
    "sundries": 30,
}
SEED_LIQUID = {
    "holding": 70,
    "equipment_depreciation": 50,
    "burn_and_transport": 350,
    "special_vehicle": 100,
    "sundries": 30,
}


def with_eco(params: Params, **updates: object) -> Params:
    """Params with some ``[economics]`` figures changed (validated, as network.toml would)."""
    data = params.model_dump()
    for key, value in updates.items():
        if isinstance(value, dict):
            data["economics"][key].update(value)
        else:
            data["economics"][key] = value
    return Params.model_validate(data)


# ---------------------------------------------------------------------------- seed table
def test_seed_table_item_by_item() -> None:
    p = Params()
    ingot = ingot_route(p)
    liquid = liquid_route(p, 30.0)
    assert [k for k, _ in ingot.items] == list(SEED_INGOT)
    assert [k for k, _ in liquid.items] == list(SEED_LIQUID)
    for key, value in SEED_INGOT.items():
        assert ingot.item(key) == pytest.approx(value, abs=1e-9)
    for key, value in SEED_LIQUID.items():
        assert liquid.item(key) == pytest.approx(value, abs=1e-9)
    assert ingot.total == pytest.approx(930, abs=1e-9)
    assert liquid.total == pytest.approx(600, abs=1e-9)
    assert saving_per_t(p, 30.0) == pytest.approx(330, abs=1e-9)


def test_solver_interface_figures() -> None:
    p = Params()
    assert ingot_cost_per_t(p) == pytest.approx(930)
    assert liquid_cost_per_t_excl_transport(p) == pytest.approx(430)
    assert transport_calibration_per_t(p) == pytest.approx(27.5)


def test_cost_report_json_matches_the_seed() -> None:
    report = cost_report(Params(), 30.0)
    json.dumps(report)  # JSON-ready, no inf/nan objects
    assert {i["item"]: i["cny_t"] for i in report["ingot"]["items"]} == SEED_INGOT
    assert {i["item"]: i["cny_t"] for i in report["liquid"]["items"]} == SEED_LIQUID
    assert report["ingot"]["total_cny_t"] == 930
    assert report["liquid"]["total_cny_t"] == 600
    assert report["saving_cny_t"] == 330
    parts = {p["part"]: p["cny_t"] for p in report["liquid"]["burn_and_transport_parts"]}
    assert parts == {"burn_loss": 180, "truck": 142.5, "superheat": 0, "calibration": 27.5}
    assert report["practical_radius"]["binding"] == "cost"
    # superheat follows the gas price: 0.094 m³ × 4.05 CNY/m³ ≈ 0.38 CNY/(°C·t)
    assert report["prices"]["superheat_cost_per_c_t"] == pytest.approx(0.3807, abs=1e-4)
    assert report["break_even_km"] == pytest.approx(111.3, abs=0.2)


def test_render_cost_report_shows_the_seed_items() -> None:
    table = render_cost_report(cost_report(Params()))
    console = Console(record=True, width=140)
    console.print(table)
    text = console.export_text()
    for label, value in [
        ("energy for remelting", "400"),
        ("burn loss and transport, 30 km", "350"),
        ("total", "930"),
        ("total", "600"),
        ("saving against ingots", "330"),
        ("break-even distance", "111 km"),
        ("practical radius", "111 km"),
    ]:
        line = next((ln for ln in text.splitlines() if label in ln and value in ln), None)
        assert line is not None, (label, value, text)


# ------------------------------------------------------------------------ route model
def test_transport_part_near_the_seed_150_at_30_km() -> None:
    p = Params()
    truck = truck_cost_per_t(p, 30.0)
    # (2·30 km × 8 + (60/40 h + 2 × (15 + 15)/60 h) × 150) / 6 t
    assert truck == pytest.approx((60 * 8 + 2.5 * 150) / 6)
    assert abs(truck - 150) / 150 <= 0.15


def test_burn_items_follow_alloy_price() -> None:
    p = with_eco(Params(), alloy_price_t=25000.0)
    assert ingot_route(p).item("burn_loss") == pytest.approx(0.02 * 25000)
    liquid = liquid_route(p, 30.0)
    assert dict(liquid.parts)["burn_loss"] == pytest.approx(0.009 * 25000)
    assert liquid.item("burn_and_transport") == pytest.approx(350 + 0.009 * 5000)
    assert saving_per_t(p, 30.0) == pytest.approx(330 + (0.02 - 0.009) * 5000)
    assert liquid_cost_per_t_excl_transport(p) == pytest.approx(430 + 45)


def test_written_burn_loss_wins_over_alloy_price() -> None:
    p = with_eco(Params(), alloy_price_t=25000.0, ingot={"burn_loss": 450.0})
    assert ingot_route(p).item("burn_loss") == pytest.approx(450)
    # a figure written is used as written, even the cost table's own 400 ...
    p = with_eco(Params(), alloy_price_t=25000.0, ingot={"burn_loss": 400.0})
    assert ingot_route(p).item("burn_loss") == pytest.approx(400)
    # ... and left out it follows the alloy price: 2 % of 25,000
    p = with_eco(Params(), alloy_price_t=25000.0)
    assert ingot_route(p).item("burn_loss") == pytest.approx(500)


def test_energy_and_superheat_follow_gas_price() -> None:
    p = with_eco(Params(), gas_price_cny_m3=5.05)
    assert ingot_energy_per_t(p) == pytest.approx(80 * 5.05 + 95 * 0.80)
    assert superheat_cost_per_c_t(p) == pytest.approx(0.094 * 5.05)
    p = with_eco(Params(), electricity_cny_kwh=1.0)
    assert ingot_energy_per_t(p) == pytest.approx(400 + 95 * 0.2)
    p = with_eco(Params(), gas_price_cny_m3=5.05, ingot={"energy": 500.0})
    assert ingot_energy_per_t(p) == 500
    p = with_eco(Params(), gas_price_cny_m3=5.05, ingot={"energy": 400.0})
    assert ingot_energy_per_t(p) == 400  # written: not repriced from the gas price
    p = with_eco(Params(), gas_price_cny_m3=5.05, superheat_cost_per_c_t=0.5)
    assert superheat_cost_per_c_t(p) == 0.5


def test_written_seed_30km_figure_holds_at_30_km() -> None:
    p = with_eco(Params(), liquid={"burn_and_transport_30km": 380.0})
    assert liquid_route(p, 30.0).item("burn_and_transport") == pytest.approx(380)
    assert transport_calibration_per_t(p) == pytest.approx(57.5)


def test_truck_cost_moves_the_30_km_item() -> None:
    p = with_eco(Params(), truck_cost_per_km=10.0)
    assert liquid_route(p, 30.0).item("burn_and_transport") == pytest.approx(350 + 60 * 2 / 6)


def test_liquid_cost_rises_with_distance_and_superheat_beyond_the_tap_floor() -> None:
    p = Params()
    totals = [liquid_route(p, d).total for d in range(0, 200, 10)]
    assert totals == sorted(totals)
    assert dict(liquid_route(p, 50).parts)["superheat"] == 0
    far = liquid_route(p, 100)
    hold = 100 / 40 + 0.25
    tap = 25 + (690 - 25) * math.exp(hold / 30)
    assert far.tap_c == pytest.approx(tap)
    assert dict(far.parts)["superheat"] == pytest.approx((tap - 730) * 0.094 * 4.05)
    assert far.feasible
    beyond = liquid_route(p, 200)
    assert not beyond.feasible
    assert beyond.tap_c == 780


def test_bad_distance_is_refused() -> None:
    with pytest.raises(ValueError):
        liquid_route(Params(), -1.0)
    with pytest.raises(ValueError):
        liquid_route(Params(), math.nan)


# ------------------------------------------------------------------------- how far
def test_break_even_plausible_and_saving_zero_there() -> None:
    p = Params()
    km = break_even_km(p)
    # the seed: best 30–50 km, at most 120–160 km practised
    assert 80 < km < 160
    assert saving_per_t(p, km) == pytest.approx(0, abs=0.05)
    assert saving_per_t(p, km - 1) > 0 > saving_per_t(p, km + 1)


def test_break_even_monotone() -> None:
    p = Params()
    base = break_even_km(p)
    assert break_even_km(with_eco(p, truck_cost_per_km=12.0)) < base
    assert break_even_km(with_eco(p, truck_cost_per_h=250.0)) < base
    assert break_even_km(with_eco(p, alloy_price_t=25000.0)) > base
    assert break_even_km(with_eco(p, gas_price_cny_m3=5.0)) > base
    assert break_even_km(p, TypicalTruck(ladles=3, ladle_t=4.0)) > base


def test_break_even_edges() -> None:
    never = with_eco(Params(), ingot={"energy": 1.0, "burn_loss": 1.0})
    assert break_even_km(never) == 0
    assert practical_radius(never).radius_km == 0
    free = with_eco(Params(), truck_cost_per_km=0.0, truck_cost_per_h=0.0)
    assert break_even_km(free) == math.inf
    assert cost_report(free)["break_even_km"] is None


def test_thermal_reach_is_about_150_road_km() -> None:
    p = Params()
    reach = thermal_reach_km(p, tau_h=30, tap_max_c=780, min_arrival_c=690)
    assert reach == pytest.approx(30 * math.log(755 / 665) * 40)
    assert reach == pytest.approx(150, rel=0.05)
    waited = thermal_reach_km(p, 30, 780, 690, wait_h=0.25)
    assert waited == pytest.approx(reach - 10)


def test_practical_radius_names_what_binds() -> None:
    p = Params()
    radius = practical_radius(p)
    assert radius.binding == "cost"
    assert radius.radius_km == radius.break_even_km < radius.thermal_reach_km
    assert "cost" in radius.reason
    cold = practical_radius(p, TypicalTruck(tau_h=10.0))
    assert cold.binding == "thermal"
    assert cold.radius_km == cold.thermal_reach_km < cold.break_even_km
    assert "cooling" in cold.reason


# ----------------------------------------------------------------------------- CO2
def test_co2_per_tonne_hand_computed() -> None:
    p = Params()
    assert co2_per_t_ingot(p) == pytest.approx(80 * 2.16 + 95 * 0.5366)
    assert co2_per_t_liquid(p, 30.0) == pytest.approx(60 / 6 * 0.9)
    tap = 25 + 665 * math.exp((100 / 40 + 0.25) / 30)
    assert co2_per_t_liquid(p, 100.0) == pytest.approx(200 / 6 * 0.9 + (tap - 730) * 0.094 * 2.16)
    report = cost_report(p)
    assert report["co2_kg_t"]["ingot"] == pytest.approx(223.78)
    assert report["co2_kg_t"]["liquid"] == pytest.approx(9.0)
    assert report["co2_kg_t"]["avoided"] == pytest.approx(214.78)


def test_dross_avoided() -> None:
    assert dross_avoided(Params()) == pytest.approx({"t": 0.04, "cny": 80.0})
    assert dross_avoided(Params(), 10) == pytest.approx({"t": 0.4, "cny": 800.0})


# ---------------------------------------------------------------------- sensitivity
def test_sensitivity_grid_shape_and_directions() -> None:
    p = Params()
    distances = [10, 30, 60, 90]
    alloys = [15000, 20000, 25000]
    gases = [3.0, 4.05]
    per_km = [6.0, 8.0, 10.0]
    frame = sensitivity(p, distances, alloys, gases, per_km)
    assert len(frame) == 4 * 3 * 2 * 3
    assert {"distance_km", "alloy_price_t", "gas_price_cny_m3", "truck_cost_per_km"} <= set(
        frame.columns
    )
    seed = frame[
        (frame.distance_km == 30)
        & (frame.alloy_price_t == 20000)
        & (frame.gas_price_cny_m3 == 4.05)
        & (frame.truck_cost_per_km == 8.0)
    ]
    assert seed.saving_cny_t.item() == pytest.approx(330)

    def direction(axis: str) -> set[int]:
        others = [
            c
            for c in ("distance_km", "alloy_price_t", "gas_price_cny_m3", "truck_cost_per_km")
            if c != axis
        ]
        signs = set()
        for _, group in frame.groupby(others):
            diffs = group.sort_values(axis).saving_cny_t.diff().dropna()
            signs |= {int(math.copysign(1, d)) for d in diffs if abs(d) > 1e-9}
        return signs

    assert direction("distance_km") == {-1}
    assert direction("truck_cost_per_km") == {-1}
    assert direction("alloy_price_t") == {1}
    assert direction("gas_price_cny_m3") == {1}


def test_sensitivity_defaults_to_params_values() -> None:
    frame = sensitivity(Params(), [30.0])
    assert len(frame) == 1
    assert frame.saving_cny_t.item() == pytest.approx(330)


# -------------------------------------------------------------------------- a plan
@pytest.fixture(scope="module")
def tiny() -> Network:
    return load_network(TINY)


def make_run(
    net: Network,
    run_id: str,
    truck: str,
    trip: int,
    order: str,
    smelter: str,
    caster: str,
    alloy: str,
    fill_start: str,
    pour_start: str,
    tap_c: float,
    tonnes: float = 3.0,
) -> Run:
    tm = travel_matrix(net)
    h, m = map(int, fill_start.split(":"))
    fs = net.at(h * 60 + m)
    h, m = map(int, pour_start.split(":"))
    ps = net.at(h * 60 + m)
    km = float(tm.km[tm.smelter(smelter), tm.caster(caster)])
    return Run(
        run_id=run_id,
        truck_id=truck,
        trip=trip,
        order_id=order,
        smelter_id=smelter,
        caster_id=caster,
        alloy=alloy,
        tonnes=tonnes,
        fill_start=fs,
        fill_end=fs + timedelta(minutes=15),
        depart=fs + timedelta(minutes=15),
        arrive=ps,
        pour_start=ps,
        pour_end=ps + timedelta(minutes=15),
        tap_c=tap_c,
        arrival_c=700.0,
        road_km=km,
    )


def econ_of(net: Network, runs: list[Run], unserved: list[Unserved]) -> dict:
    """The economics of a hand-made plan, as plan.json holds them."""
    return plan_economics(net, hand_made_plan(net, runs, unserved)).model_dump()


@pytest.fixture(scope="module")
def hand_plan(tiny: Network) -> tuple[list[Run], list[Unserved]]:
    n = tiny
    runs = [
        # T1 trip 1: two ladles S1 → C1 for O1
        make_run(n, "R1", "T1", 1, "O1", "S1", "C1", "ADC12", "07:00", "08:30", 735.0),
        make_run(n, "R2", "T1", 1, "O1", "S1", "C1", "ADC12", "07:15", "08:45", 730.0),
        # T1 trip 2: S1 → C1 (O6) then C2 (O2)
        make_run(n, "R3", "T1", 2, "O6", "S1", "C1", "ADC12", "10:00", "11:30", 730.0),
        make_run(n, "R4", "T1", 2, "O2", "S1", "C2", "ADC12", "10:15", "12:45", 730.0),
        # T3 trip 1: two ladles S2 → C3 for O3, 5 °C above tap_min_c 740
        make_run(n, "R5", "T3", 1, "O3", "S2", "C3", "ZL114A", "07:00", "08:00", 745.0),
        make_run(n, "R6", "T3", 1, "O3", "S2", "C3", "ZL114A", "07:15", "08:20", 745.0),
    ]
    unserved = [
        Unserved(order_id="O3", caster_id="C3", alloy="ZL114A", tonnes=6.0, reason="fleet"),
        Unserved(order_id="O2", caster_id="C2", alloy="ADC12", tonnes=6.0, reason="production"),
        Unserved(order_id="O5", caster_id="C4", alloy="A380", tonnes=6.0, reason="fleet"),
        Unserved(order_id="O7", caster_id="C5", alloy="ADC12", tonnes=6.0, reason="thermal_reach"),
        Unserved(order_id="O8", caster_id="C2", alloy="AlSi7Mg", tonnes=3.0, reason="no_source"),
    ]
    return runs, unserved


@pytest.fixture(scope="module")
def econ(tiny: Network, hand_plan: tuple[list[Run], list[Unserved]]) -> dict:
    return econ_of(tiny, *hand_plan)


def km(net: Network, a: tuple[str, str], b: tuple[str, str]) -> float:
    tm = travel_matrix(net)
    return float(tm.km[tm.index(*a), tm.index(*b)])


def test_plan_economics_is_json_ready(econ: dict) -> None:
    text = json.dumps(econ)
    assert "NaN" not in text and "Infinity" not in text
    assert set(econ) >= {"runs", "trips", "orders", "casters", "plan", "emissions", "summary"}


def test_trip_costs_by_hand(tiny: Network, econ: dict) -> None:
    trips = {(t["truck_id"], t["trip"]): t for t in econ["trips"]}
    s1, c1, c2 = ("smelter", "S1"), ("caster", "C1"), ("caster", "C2")
    s2, c3 = ("smelter", "S2"), ("caster", "C3")
    # Each trip carries the drive to its own smelter (legs model). Trip 1: home S1 → C1;
    # from the first fill 07:00 (home is S1, no drive) to its last pour end 09:00.
    t1 = trips[("T1", 1)]
    assert t1["km"] == pytest.approx(km(tiny, s1, c1), abs=1e-3)
    assert t1["hours"] == pytest.approx(2.0)
    assert t1["cost_cny"] == pytest.approx(km(tiny, s1, c1) * 8 + 2 * 150, abs=0.01)
    # trip 2 (last): C1 → S1 → C1 → C2 → home S1; from 09:00 to 13:00 + the drive home
    t2 = trips[("T1", 2)]
    k2 = km(tiny, c1, s1) + km(tiny, s1, c1) + km(tiny, c1, c2) + km(tiny, c2, s1)
    h2 = 4.0 + km(tiny, c2, s1) / 40
    assert t2["km"] == pytest.approx(k2, abs=1e-3)
    assert t2["hours"] == pytest.approx(h2, abs=1e-3)
    assert t2["cost_cny"] == pytest.approx(k2 * 8 + h2 * 150, abs=0.01)
    t3 = trips[("T3", 1)]  # 07:00 first fill to 08:35 last pour end, then home
    assert t3["km"] == pytest.approx(2 * km(tiny, s2, c3), abs=1e-3)
    assert t3["hours"] == pytest.approx(1.0 + 35 / 60 + km(tiny, c3, s2) / 40, abs=1e-3)


def test_run_allocation_sums_to_trip_cost_by_tonne_km(tiny: Network, econ: dict) -> None:
    runs = {r["run_id"]: r for r in econ["runs"]}
    for trip in econ["trips"]:
        shares = [runs[i]["truck_cny"] for i in trip["runs"]]
        assert sum(shares) == pytest.approx(trip["cost_cny"], abs=0.02)
        assert sum(runs[i]["truck_km"] for i in trip["runs"]) == pytest.approx(trip["km"], abs=0.01)
    # R3 (3 t to C1) and R4 (3 t to C2) share trip 2 in proportion to their road km
    r3, r4 = runs["R3"], runs["R4"]
    assert r3["truck_cny"] / r4["truck_cny"] == pytest.approx(
        r3["road_km"] / r4["road_km"], rel=1e-3
    )


def test_run_cost_is_truck_share_items_and_superheat(econ: dict) -> None:
    per_t = 430 + 27.5
    for r in econ["runs"]:
        expected = r["truck_cny"] + per_t * r["tonnes"] + r["superheat_cny"]
        assert r["cost_cny"] == pytest.approx(expected, abs=0.02)
        assert r["saving_cny"] == pytest.approx(930 * r["tonnes"] - r["cost_cny"], abs=0.02)
    runs = {r["run_id"]: r for r in econ["runs"]}
    price = 0.094 * 4.05  # CNY per °C·t, from the gas price
    assert runs["R1"]["superheat_c"] == 5
    assert runs["R1"]["superheat_cny"] == pytest.approx(5 * price * 3, abs=0.01)
    assert runs["R2"]["superheat_cny"] == 0
    assert runs["R5"]["superheat_cny"] == pytest.approx(5 * price * 3, abs=0.01)


def test_orders_casters_and_plan_are_consistent(econ: dict) -> None:
    runs, plan = econ["runs"], econ["plan"]
    liquid_cny = sum(r["cost_cny"] for r in runs)
    unserved_t = 6 + 6 + 6 + 6 + 3
    assert plan["liquid_t"] == pytest.approx(18)
    assert plan["unserved_t"] == pytest.approx(unserved_t)
    assert plan["unserved_cny"] == pytest.approx(unserved_t * 930)
    assert plan["liquid_cny"] == pytest.approx(liquid_cny, abs=0.05)
    assert plan["total_cny"] == pytest.approx(liquid_cny + unserved_t * 930, abs=0.05)
    assert plan["all_ingot_cny"] == pytest.approx((18 + unserved_t) * 930)
    assert plan["saving_cny"] == pytest.approx(18 * 930 - liquid_cny, abs=0.05)
    assert plan["truck_cny"] == pytest.approx(sum(t["cost_cny"] for t in econ["trips"]), abs=0.02)
    for level in ("orders", "casters"):
        rows = econ[level]
        assert sum(r["total_cny"] for r in rows) == pytest.approx(plan["total_cny"], abs=0.1)
        assert sum(r["saving_cny"] for r in rows) == pytest.approx(plan["saving_cny"], abs=0.1)
        assert sum(r["total_t"] for r in rows) == pytest.approx(18 + unserved_t)
    orders = {o["order_id"]: o for o in econ["orders"]}
    o3 = orders["O3"]  # 6 t liquid, 6 t unserved
    liquid_o3 = sum(r["cost_cny"] for r in runs if r["order_id"] == "O3")
    assert o3["liquid_t"] == 6 and o3["unserved_t"] == 6
    assert o3["total_cny"] == pytest.approx(liquid_o3 + 6 * 930, abs=0.02)
    assert o3["cny_t"] == pytest.approx((liquid_o3 + 6 * 930) / 12, abs=0.01)
    assert orders["O8"]["liquid_t"] == 0 and orders["O8"]["cny_t"] == 930
    assert orders["O8"]["saving_cny"] == 0
    casters = {c["caster_id"]: c for c in econ["casters"]}
    c2 = casters["C2"]  # R4 (O2) liquid, O2 6 t + O8 3 t unserved
    assert c2["unserved_t"] == 9 and c2["liquid_t"] == 3
    assert plan["unserved_by_reason"]["fleet"] == {"t": 12, "cny": 12 * 930}


def test_plan_co2_dross_and_year(econ: dict) -> None:
    plan, em = econ["plan"], econ["emissions"]
    truck_km = sum(t["km"] for t in econ["trips"])
    superheat_kg = (5 * 3 + 5 * 3 + 5 * 3) * 0.094 * 2.16  # R1, R5, R6
    assert em["liquid_kg"] == pytest.approx(truck_km * 0.9 + superheat_kg, abs=0.05)
    ingot_kg = 80 * 2.16 + 95 * 0.5366
    assert em["unserved_kg"] == pytest.approx(27 * ingot_kg, abs=0.01)
    assert em["all_ingot_kg"] == pytest.approx(45 * ingot_kg, abs=0.01)
    assert em["avoided_kg"] == pytest.approx(18 * ingot_kg - em["liquid_kg"], abs=0.05)
    assert em["per_year_t"]["avoided"] == pytest.approx(em["avoided_kg"] * 360 / 1000, abs=0.01)
    assert econ["dross_avoided"]["t"] == pytest.approx(18 * 0.04)
    assert econ["dross_avoided"]["cny"] == pytest.approx(18 * 0.04 * 2000)
    assert plan["per_year"]["saving_cny"] == pytest.approx(plan["saving_cny"] * 360, abs=1)
    summary = econ["summary"]
    assert summary["saving_cny"] == plan["saving_cny"]
    assert summary["co2_avoided_kg"] == em["avoided_kg"]


def test_first_trip_from_another_smelter_drives_there_first(tiny: Network) -> None:
    # T2 lives at S1 but fills at S2: the drive S1 → S2 belongs to its first trip
    run = make_run(tiny, "X1", "T2", 1, "O3", "S2", "C3", "ZL114A", "08:00", "09:00", 740.0)
    econ = econ_of(tiny, [run], [])
    trip = econ["trips"][0]
    s1, s2, c3 = ("smelter", "S1"), ("smelter", "S2"), ("caster", "C3")
    expected_km = km(tiny, s1, s2) + km(tiny, s2, c3) + km(tiny, c3, s1)
    assert trip["km"] == pytest.approx(expected_km, abs=1e-3)
    hours = km(tiny, s1, s2) / 40 + 1.25 + km(tiny, c3, s1) / 40
    assert trip["hours"] == pytest.approx(hours, abs=1e-3)
    assert econ["runs"][0]["truck_cny"] == pytest.approx(trip["cost_cny"], abs=0.01)


def test_empty_plan_is_all_ingot(tiny: Network) -> None:
    econ = econ_of(
        tiny,
        [],
        [Unserved(order_id="O1", caster_id="C1", alloy="ADC12", tonnes=6.0, reason="cost")],
    )
    assert econ["plan"]["total_cny"] == pytest.approx(6 * 930)
    assert econ["plan"]["saving_cny"] == 0
    assert econ["trips"] == [] and econ["runs"] == []


def test_unknown_truck_is_refused(tiny: Network) -> None:
    run = make_run(tiny, "X1", "T9", 1, "O1", "S1", "C1", "ADC12", "07:00", "08:30", 730.0)
    with pytest.raises(ValueError, match="T9"):
        econ_of(tiny, [run], [])


def test_typical_truck_of_a_network(tiny: Network) -> None:
    truck = typical_truck(tiny)
    assert (truck.ladles, truck.ladle_t, truck.tau_h) == (2, 3.0, 30.0)
    assert truck.min_arrival_c == 680 + 5
    assert truck.cost_per_km == 8.0
    assert cost_report(tiny.params, 30.0, truck)["liquid"]["total_cny_t"] == pytest.approx(
        600, abs=1
    )


def test_the_solver_prices_an_unserved_tonne_as_the_economics_does(tiny: Network) -> None:
    # Serving one tonne instead of leaving it: the economics charges the per-tonne items
    # and the calibration instead of the ingot route; what is left is what a truck may cost.
    from logistics.network.prices import SEED_MODEL_BURN_AND_TRANSPORT_30KM, unserved_penalty_per_t

    for p in (Params(), with_eco(Params(), alloy_price_t=25000.0, gas_price_cny_m3=3.0)):
        econ = econ_of(
            tiny,
            [],
            [Unserved(order_id="O1", caster_id="C1", alloy="ADC12", tonnes=1.0, reason="cost")],
        )
        assert econ["basis"]["unserved_penalty_cny_t"] == pytest.approx(472.5)
        items = liquid_cost_per_t_excl_transport(p) + transport_calibration_per_t(p)
        assert unserved_penalty_per_t(p) == pytest.approx(ingot_cost_per_t(p) - items)
    seed = Params()
    model_30km = liquid_route(seed, 30.0).item("burn_and_transport") - transport_calibration_per_t(
        seed
    )
    assert model_30km == pytest.approx(SEED_MODEL_BURN_AND_TRANSPORT_30KM)
