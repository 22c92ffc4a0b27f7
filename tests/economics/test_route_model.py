"""The ingot and liquid routes per tonne: the seed table, prices and the route model."""

from __future__ import annotations

import math

import pytest

from logistics.economics.route_model import (
    ingot_route,
    liquid_route,
    saving_per_t,
    truck_cost_per_t,
)
from logistics.network.params import Params
from logistics.network.prices import (
    ingot_cost_per_t,
    ingot_energy_per_t,
    liquid_cost_per_t_excl_transport,
    superheat_cost_per_c_t,
    transport_calibration_per_t,
)
from tests.economics.seed import SEED_INGOT, SEED_LIQUID, with_eco


# ---------------------------------------------------------------------------- seed table
def test_seed_table_item_by_item() -> None:
    p = with_eco(Params(), count_dross=False)  # the seed table leaves the dross out
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
    # by default the dross disposal of remelting comes on top: 0.04 t × 2,000 CNY/t
    counted = ingot_route(Params())
    assert [k for k, _ in counted.items] == [*SEED_INGOT, "dross_disposal"]
    assert counted.item("dross_disposal") == pytest.approx(80)
    assert saving_per_t(Params(), 30.0) == pytest.approx(330 + 80, abs=1e-9)


def test_solver_interface_figures() -> None:
    p = Params()
    assert ingot_cost_per_t(p) == pytest.approx(930 + 80)
    assert ingot_cost_per_t(with_eco(p, count_dross=False)) == pytest.approx(930)
    assert liquid_cost_per_t_excl_transport(p) == pytest.approx(430)
    assert transport_calibration_per_t(p) == pytest.approx(27.5)


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
    assert saving_per_t(p, 30.0) == pytest.approx(330 + 80 + (0.02 - 0.009) * 5000)
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
