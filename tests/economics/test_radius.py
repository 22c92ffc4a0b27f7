"""How far liquid metal pays and stays hot enough: break-even, thermal reach, radius."""

from __future__ import annotations

import math

import pytest

from logistics.economics.cost_report import cost_report
from logistics.economics.radius import break_even_km, practical_radius, thermal_reach_km
from logistics.economics.route_model import (
    TypicalTruck,
    saving_per_t,
)
from logistics.network.params import Params
from tests.economics.seed import with_eco


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
