"""The least CV of a leg at any hour, found from the peak windows once, against the
least of the 24 hours' CVs."""

from __future__ import annotations

import random

import pytest

from logistics.network.params import Params
from logistics.network.travel_cv import least_cv


@pytest.mark.parametrize("seed", range(30))
def test_least_cv_is_the_least_of_the_hours(seed: int) -> None:
    rng = random.Random(seed)
    am = sorted(rng.randint(0, 24) for _ in range(2))
    pm = sorted(rng.randint(0, 24) for _ in range(2))
    if seed % 5 == 0:  # a peak all day long: no hour off peak
        am, pm = [0, 24], [0, 0]
    risk = {
        "travel_cv": rng.uniform(0.0, 1.0),
        "urban_cv": rng.choice([None, rng.uniform(0.0, 1.0)]),
        "urban_km": rng.uniform(0.0, 100.0),
        "peak_factor": rng.choice([0.5, 1.0, 1.4, 3.0]),
        "am_peak_from_h": am[0],
        "am_peak_to_h": am[1],
        "pm_peak_from_h": pm[0],
        "pm_peak_to_h": pm[1],
    }
    params = Params.model_validate({"risk": risk})
    for road_km in (0.0, 5.0, 24.9, 25.0, 60.0, 400.0):
        hours = min(params.risk.leg_cv(road_km, hour) for hour in range(24))
        assert least_cv(params, road_km) == hours
