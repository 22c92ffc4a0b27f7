"""The 5–95 % band of a ladle's hold and arrival temperature against the lognormal's
exact quantiles (one leg: the hold is 15 min of waiting plus the drive, never less
than planned because an early truck waits for the planned pour)."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from logistics.physics.cooling import temperature_after
from logistics.physics.travel_risk import lognormal_sigma_mu, ride_risk
from tests.physics.test_travel_risk import one_leg


@pytest.mark.parametrize(("leg_min", "cv"), [(60.0, 0.15), (90.0, 0.3)])
def test_the_hold_percentiles_are_the_lognormal_s(leg_min: float, cv: float) -> None:
    (stop,) = ride_risk(one_leg(leg_min, cv, 730.0), 40_000, np.random.default_rng(3))
    sigma, mu = lognormal_sigma_mu(cv)
    z95 = NormalDist().inv_cdf(0.95)
    p95 = 15.0 + leg_min * math.exp(mu + sigma * z95)
    # planned hold = 15 + leg; a faster drive waits for the planned pour
    assert stop.hold_p05_min == pytest.approx(15.0 + leg_min, abs=1e-9)
    assert stop.hold_p95_min == pytest.approx(p95, rel=0.01)
    # the arrival band: coldest 5 % after the 95th percentile of the hold
    p05_c = temperature_after(730.0, stop.hold_p95_min / 60.0, 30.0, 25.0)
    planned_c = temperature_after(730.0, (15.0 + leg_min) / 60.0, 30.0, 25.0)
    exact_c = temperature_after(730.0, p95 / 60.0, 30.0, 25.0)
    assert p05_c < planned_c and p05_c == pytest.approx(exact_c, abs=0.2)
