"""The cost report (``molten cost`` figures) as JSON."""

from __future__ import annotations

import json

import pytest

from logistics.economics.cost_report import cost_report
from logistics.network.params import Params
from tests.economics.seed import SEED_INGOT, SEED_LIQUID, with_eco


def test_cost_report_json_matches_the_seed() -> None:
    report = cost_report(with_eco(Params(), count_dross=False), 30.0)  # the seed table
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
