"""The delay a tap is planned for, against the ride simulation of the risk estimate.

A tap that affords the planned hold plus the delay quantile must give, in
:func:`logistics.physics.travel_risk.ride_risk` (an independent simulation with its own
stream), the target exactly for a trip's first stop (closed form) and at most the
target for later stops (the conservative order statistic of fixed draws).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from logistics.physics.cooling import max_hold_h, min_tap_c
from logistics.physics.tap_risk import (
    Leg,
    RideDelays,
    allowed_exceedances,
    factor_quantile,
    one_leg_delay_quantile,
)
from logistics.physics.travel_risk import Ride, Stop, one_leg_cold_probability, ride_risk

DRAWS = 200_000
TAU_H, AMBIENT_C, MIN_POUR_C = 30.0, 25.0, 690.0


def tolerance(p: float, draws: int = DRAWS) -> float:
    """Four binomial standard errors at ``p``."""
    return 4.0 * math.sqrt(p * (1.0 - p) / draws)


def test_the_factor_quantile_is_the_lognormal_one() -> None:
    rng = np.random.default_rng(1)
    sigma = math.sqrt(math.log1p(0.3**2))
    sample = np.exp(sigma * rng.standard_normal(1_000_000) - sigma**2 / 2)
    assert np.mean(sample) == pytest.approx(1.0, abs=2e-3)
    assert np.quantile(sample, 0.99) == pytest.approx(factor_quantile(0.3, 0.01), rel=5e-3)
    assert factor_quantile(0.0, 0.01) == 1.0


@pytest.mark.parametrize(
    ("leg_min", "cv", "wait_min", "p"),
    [(60, 0.15, 0, 0.01), (90, 0.3, 10, 0.05), (45, 0.5, 3, 0.001)],
)
def test_a_first_stop_tapped_for_the_quantile_meets_the_target_exactly(
    leg_min: float, cv: float, wait_min: float, p: float
) -> None:
    leg = Leg(leg_min, cv, wait_min)
    delay = one_leg_delay_quantile(leg, p)
    hold_min = 20.0 + leg_min + wait_min  # filled 20 min before departure
    tap = min_tap_c((hold_min + delay) / 60.0, MIN_POUR_C, TAU_H, AMBIENT_C)
    limit_min = max_hold_h(tap, MIN_POUR_C, TAU_H, AMBIENT_C) * 60.0
    assert limit_min == pytest.approx(hold_min + delay, abs=1e-6)
    # the exact lognormal tail of the slack the tap leaves
    assert one_leg_cold_probability(leg_min, cv, limit_min - 20.0) == pytest.approx(p, rel=1e-6)
    stop = Stop(-20.0, leg_min + wait_min, 15.0, 1e9, leg_min, cv, limit_min)
    (simulated,) = ride_risk(Ride(0.0, (stop,)), DRAWS, np.random.default_rng(7))
    assert abs(simulated.cold_probability - p) <= tolerance(p)
    assert RideDelays(p, seed=3).add(leg) == delay  # the ride's first stop is the closed form


def _ride(legs: list[Leg], p: float, seed: int) -> tuple[Ride, list[float]]:
    """A ride whose every stop affords exactly its planned hold plus its delay quantile."""
    delays = RideDelays(p, seed=seed)
    t, stops, quantiles = 0.0, [], []
    for leg in legs:
        pour_start = t + leg.leg_min + leg.wait_min
        q = delays.add(leg)
        quantiles.append(q)
        stops.append(Stop(-15.0, pour_start, 20.0, 1e9, leg.leg_min, leg.cv, pour_start + 15.0 + q))
        t = pour_start + 20.0
    return Ride(0.0, tuple(stops)), quantiles


RIDES = [
    [Leg(60, 0.15, 0), Leg(30, 0.15, 0), Leg(0, 0.15, 0), Leg(45, 0.15, 0)],
    [Leg(90, 0.5, 5), Leg(10, 0.15, 0), Leg(30, 0.3, 0), Leg(30, 0.15, 0)],
    [Leg(90, 0.15, 20), Leg(60, 0.5, 5), Leg(30, 0.3, 20), Leg(90, 0.5, 0)],
    [Leg(20, 0.3, 0), Leg(15, 0.3, 30), Leg(25, 0.3, 0)],
]


@pytest.mark.parametrize("p", [0.01, 0.05])
@pytest.mark.parametrize("legs", RIDES)
def test_later_stops_are_at_or_below_the_target_in_an_independent_simulation(
    legs: list[Leg], p: float
) -> None:
    ride, quantiles = _ride(legs, p, seed=0)
    risks = ride_risk(ride, DRAWS, np.random.default_rng(11))
    for k, risk in enumerate(risks):
        assert risk.cold_probability <= p + tolerance(p), (k, risk, quantiles)
    # the first stop sits on the target; a later one below it (conservative) or at 0
    # when the waits absorb every delay the target allows
    assert abs(risks[0].cold_probability - p) <= tolerance(p) or quantiles[0] == 0


def test_the_planner_is_deterministic_and_a_later_stop_waits_longer() -> None:
    legs = RIDES[0]
    assert _ride(legs, 0.01, seed=5)[1] == _ride(legs, 0.01, seed=5)[1]
    quantiles = _ride(legs, 0.01, seed=5)[1]
    assert quantiles[1] > quantiles[0]  # two slow legs pile up
    assert quantiles[2] == pytest.approx(quantiles[1], rel=0.05)  # the same caster again


def test_allowed_exceedances_sit_two_standard_errors_below_the_mean() -> None:
    assert allowed_exceedances(0.01, 6400) == 48
    assert allowed_exceedances(0.0001, 6400) == 0
