"""The router's hold limit follows from the risk target's quantile; without it, the margin's.

A ladle that is its trip's first stop, tapped at ``tap_max_c`` and held exactly the
limit ``ride_hold_limit_minutes`` gives (no wait at the caster), arrives below the
caster's minimum with the target probability — by the exact lognormal tail of
:func:`logistics.physics.travel_risk.one_leg_cold_probability`, not by the planner's
own formula.
"""

from __future__ import annotations

import pytest

from logistics import load_network
from logistics.network.model import Network
from logistics.physics.cooling import max_hold_h
from logistics.physics.travel_risk import one_leg_cold_probability
from logistics.planning.taps import ride_hold_limit_minutes
from logistics.planning.windows import hold_limit_minutes
from tests.conftest import TEST_DATA


def _with_risk(network: Network, **risk: object) -> Network:
    params = network.params.model_copy(update={"risk": network.params.risk.model_copy(update=risk)})
    return network.model_copy(update={"params": params})


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(TEST_DATA / "tiny")


@pytest.mark.parametrize(("leg_min", "cv", "target"), [(60, 0.15, 0.01), (150, 0.3, 0.05)])
def test_a_first_stop_held_the_limit_arrives_cold_with_the_target_probability(
    network: Network, leg_min: float, cv: float, target: float
) -> None:
    risky = _with_risk(network, travel_cv=cv, max_cold_probability=target)
    ambient = network.params.thermal.ambient_c
    limit = ride_hold_limit_minutes(risky, 780.0, 690.0, 30.0, (leg_min, 80.0))
    fixed = hold_limit_minutes(780.0, 695.0, 30.0, ambient)
    assert limit < fixed  # the quantile, not the margin, binds at these legs
    hold_min = max_hold_h(780.0, 690.0, 30.0, ambient) * 60.0
    # filled (limit − leg) minutes before departure; the metal affords the rest
    slack = hold_min - (limit - leg_min)
    p = one_leg_cold_probability(leg_min, cv, slack)
    # the limit is rounded down to a whole minute: at most the target, and a minute
    # longer a hold would exceed it
    assert p <= target < one_leg_cold_probability(leg_min, cv, slack - 1.0)


def test_without_the_target_the_fixed_margins_limit_returns(network: Network) -> None:
    fixed = _with_risk(network, plan_for_risk=False, travel_cv=0.5)
    ambient = network.params.thermal.ambient_c
    assert ride_hold_limit_minutes(fixed, 780.0, 690.0, 30.0, (60.0, 80.0)) == (
        hold_limit_minutes(780.0, 695.0, 30.0, ambient)
    )
    exact = _with_risk(network, travel_cv=0.0)  # no uncertainty: only the margin binds
    assert ride_hold_limit_minutes(exact, 780.0, 690.0, 30.0, (60.0, 80.0)) == (
        hold_limit_minutes(780.0, 695.0, 30.0, ambient)
    )
