"""The ride simulation against closed forms, and its reproducibility with a seed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from logistics.network.params import RiskParams
from logistics.physics.cooling import max_hold_h
from logistics.physics.travel_risk import (
    Ride,
    Stop,
    draws_for,
    lognormal_sigma_mu,
    one_leg_cold_probability,
    ride_risk,
    simulate_pour_starts,
    standard_error,
    travel_factors,
)

DRAWS = 40_000


def one_leg(leg_min: float, cv: float, tap_c: float, wait_min: float = 0.0) -> Ride:
    """Filled 0–15, leaves at 15, one leg to a caster at 680 °C minimum (tau 30 h, 25 °C)."""
    hold_min = max_hold_h(tap_c, 680.0, 30.0, 25.0) * 60.0
    stop = Stop(
        fill_end_min=0.0,
        pour_start_min=15.0 + leg_min + wait_min,
        pour_min=15.0,
        window_end_min=15.0 + leg_min + 30.0,
        leg_min=leg_min,
        leg_cv=cv,
        max_hold_min=hold_min,
    )
    return Ride(depart_min=15.0, stops=(stop,))


def test_factors_have_mean_one_and_the_cv_asked_for() -> None:
    rng = np.random.default_rng(1)
    factors = travel_factors(np.array([0.15, 0.4, 0.0]), 200_000, rng)
    assert factors.mean(axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=0.005)
    assert factors.std(axis=1) == pytest.approx([0.15, 0.4, 0.0], abs=0.005)
    sigma, mu = lognormal_sigma_mu(0.15)
    assert mu == pytest.approx(-(sigma**2) / 2) and sigma == pytest.approx(0.1492, abs=1e-4)


@pytest.mark.parametrize(("leg_min", "cv", "tap_c"), [(60, 0.15, 718.0), (90, 0.3, 730.0)])
def test_one_leg_cold_probability_matches_the_lognormal_cdf(leg_min, cv, tap_c) -> None:
    ride = one_leg(leg_min, cv, tap_c)
    slack = ride.stops[0].max_hold_min - 15.0  # drive the metal can afford after waiting
    exact = one_leg_cold_probability(leg_min, cv, slack)
    sigma, mu = lognormal_sigma_mu(cv)
    by_hand = 0.5 * math.erfc((math.log(slack / leg_min) - mu) / (sigma * math.sqrt(2)))
    assert exact == pytest.approx(by_hand, rel=1e-9)
    assert 0.005 < exact < 0.5
    (estimate,) = ride_risk(ride, DRAWS, np.random.default_rng(7))
    assert abs(estimate.cold_probability - exact) <= 4 * standard_error(exact, DRAWS)


def test_waiting_at_the_caster_absorbs_early_arrival() -> None:
    # planned 60 min of driving, pour planned 30 min after the planned arrival
    ride = one_leg(60.0, 0.15, 730.0, wait_min=30.0)
    starts = simulate_pour_starts(
        ride, travel_factors(np.array([0.15]), DRAWS, np.random.default_rng(3))
    )
    assert starts.min() == pytest.approx(105.0)  # never before the planned pour
    # the window ends at the planned pour (105): late when the leg takes over 90 min
    (estimate,) = ride_risk(ride, DRAWS, np.random.default_rng(3))
    exact = one_leg_cold_probability(60, 0.15, 90.0)  # P(F > 1.5)
    assert abs(estimate.late_probability - exact) <= 4 * standard_error(exact, DRAWS)


def test_a_late_first_stop_delays_the_second() -> None:
    first = one_leg(60.0, 0.15, 760.0).stops[0]
    second = Stop(
        fill_end_min=0.0,
        pour_start_min=first.pour_start_min + first.pour_min,  # same caster, right after
        pour_min=15.0,
        window_end_min=first.pour_start_min + first.pour_min,
        leg_min=0.0,
        leg_cv=0.15,
        max_hold_min=first.max_hold_min,
    )
    ride = Ride(15.0, (first, second))
    factors = travel_factors(np.array([0.15, 0.15]), DRAWS, np.random.default_rng(5))
    starts = simulate_pour_starts(ride, factors)
    assert np.all(starts[1] >= starts[0] + 15.0 - 1e-9)
    _, late = ride_risk(ride, DRAWS, np.random.default_rng(5))
    # the second pours late exactly when the first leg is late at all: P(F > 1)
    assert late.late_probability == pytest.approx(
        one_leg_cold_probability(60, 0.15, 60.0), abs=0.01
    )


def test_the_same_seed_gives_the_same_estimates() -> None:
    ride = one_leg(60.0, 0.15, 718.0)
    a = ride_risk(ride, 10_000, np.random.default_rng(11))
    b = ride_risk(ride, 10_000, np.random.default_rng(11))
    c = ride_risk(ride, 10_000, np.random.default_rng(12))
    assert a == b
    assert a != c


def test_draws_for_the_documented_precision() -> None:
    # +-0.2 % (absolute) at 1 % with 95 % confidence; the default of [risk] covers it
    assert draws_for(0.01, 0.002) == 9508
    assert RiskParams().draws >= draws_for(0.01, 0.002)
    assert draws_for(0.01, 0.002, confidence=0.6827) == pytest.approx(2475, abs=2)


def test_leg_cv_by_road_class_and_peak_hour() -> None:
    risk = RiskParams(travel_cv=0.1, urban_cv=0.2, urban_km=20, peak_factor=1.5)
    assert risk.leg_cv(50.0, 12) == pytest.approx(0.1)
    assert risk.leg_cv(10.0, 12) == pytest.approx(0.2)
    assert risk.leg_cv(50.0, 7) == pytest.approx(0.15)
    assert risk.leg_cv(10.0, 17) == pytest.approx(0.3)
    assert risk.leg_cv(50.0, 10) == pytest.approx(0.1)  # [6, 10): 10:00 is off-peak
    assert RiskParams().leg_cv(5.0, 8) == pytest.approx(0.15)  # the defaults: one CV
