"""CO2 per tonne and dross avoided."""

from __future__ import annotations

import math

import pytest

from logistics.economics.cost_report import cost_report
from logistics.economics.emissions import co2_per_t_ingot, co2_per_t_liquid, dross_avoided
from logistics.network.params import Params


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
