"""The saving per tonne over a grid of distance and prices."""

from __future__ import annotations

import math

import pytest

from logistics.economics.sensitivity import sensitivity
from logistics.network.params import Params


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
    assert seed.saving_cny_t.item() == pytest.approx(330 + 80)  # the seed table + dross disposal

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
    assert frame.saving_cny_t.item() == pytest.approx(330 + 80)  # the seed table + dross disposal
