"""The economics of a plan: trips, runs, orders, casters and the plan total."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from logistics.economics.cost_report import cost_report
from logistics.economics.plan_economics import plan_economics
from logistics.economics.route_model import (
    liquid_route,
    typical_truck,
)
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.network.params import Params
from logistics.network.prices import (
    ingot_cost_per_t,
    liquid_cost_per_t_excl_transport,
    transport_calibration_per_t,
)
from logistics.physics.travel import Travel
from logistics.plan.model import Run, Unserved
from logistics.plan.summary import hand_made_plan
from tests.conftest import TINY
from tests.economics.seed import with_eco

#: The ingot route at the defaults, CNY/t: the seed table's 930 + 80 of dross disposal.
INGOT = 930 + 80


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
    tm = Travel.of(net)
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
    return plan_economics(net, hand_made_plan(net, Travel.of(net), runs, unserved)).model_dump()


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
    tm = Travel.of(net)
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
        assert r["saving_cny"] == pytest.approx(INGOT * r["tonnes"] - r["cost_cny"], abs=0.02)
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
    assert plan["unserved_cny"] == pytest.approx(unserved_t * INGOT)
    assert plan["liquid_cny"] == pytest.approx(liquid_cny, abs=0.05)
    assert plan["total_cny"] == pytest.approx(liquid_cny + unserved_t * INGOT, abs=0.05)
    assert plan["all_ingot_cny"] == pytest.approx((18 + unserved_t) * INGOT)
    assert plan["saving_cny"] == pytest.approx(18 * INGOT - liquid_cny, abs=0.05)
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
    assert o3["total_cny"] == pytest.approx(liquid_o3 + 6 * INGOT, abs=0.02)
    assert o3["cny_t"] == pytest.approx((liquid_o3 + 6 * INGOT) / 12, abs=0.01)
    assert orders["O8"]["liquid_t"] == 0 and orders["O8"]["cny_t"] == INGOT
    assert orders["O8"]["saving_cny"] == 0
    casters = {c["caster_id"]: c for c in econ["casters"]}
    c2 = casters["C2"]  # R4 (O2) liquid, O2 6 t + O8 3 t unserved
    assert c2["unserved_t"] == 9 and c2["liquid_t"] == 3
    assert plan["unserved_by_reason"]["fleet"] == {"t": 12, "cny": 12 * INGOT}


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
    assert econ["plan"]["total_cny"] == pytest.approx(6 * INGOT)
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
        assert econ["basis"]["unserved_penalty_cny_t"] == pytest.approx(472.5 + 80)
        items = liquid_cost_per_t_excl_transport(p) + transport_calibration_per_t(p)
        assert unserved_penalty_per_t(p) == pytest.approx(ingot_cost_per_t(p) - items)
    seed = Params()
    model_30km = liquid_route(seed, 30.0).item("burn_and_transport") - transport_calibration_per_t(
        seed
    )
    assert model_30km == pytest.approx(SEED_MODEL_BURN_AND_TRANSPORT_30KM)
