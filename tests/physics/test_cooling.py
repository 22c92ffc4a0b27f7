"""Ladle cooling (docs/models.md): T(t) = T_amb + (T_tap − T_amb)·exp(−t/τ), and the tap."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.network.loader import load_network
from logistics.physics.cooling import (
    TAP_STEP_C,
    choose_tap_c,
    max_hold_h,
    min_tap_c,
    temperature_after,
)

TAU = 30.0  # the reference τ of docs/models.md#ladle-cooling
AMBIENT = 25.0  # [thermal] ambient_c default, docs/network-format.md


# --------------------------------------------------------------------------------------
# the numbers
# --------------------------------------------------------------------------------------
def test_780_to_690_gives_about_3_8_hours_and_150_road_km() -> None:
    hours = max_hold_h(780, 690, TAU, AMBIENT)
    # by hand: 30 · ln((780 − 25) / (690 − 25)) = 30 · ln(1.135338) = 30 · 0.126931
    assert hours == pytest.approx(3.8079, abs=1e-4)
    assert round(hours, 1) == 3.8
    road_km = hours * 40  # [roads] speed_kmh default, docs/network-format.md
    assert road_km == pytest.approx(152.3, abs=0.05)
    assert 120 <= road_km <= 160  # the limit reported in China (docs/models.md)
    assert temperature_after(780, hours, TAU, AMBIENT) == pytest.approx(690, abs=1e-9)


def test_tiny_trucks_use_the_default_tau(tiny_dir: Path) -> None:
    assert {t.tau_h for t in load_network(tiny_dir).fleet} == {TAU}


def test_cooling_rates_quoted_in_the_spec() -> None:
    # "about 25 °C/h when full at 780 °C" with tau_h = 30: the initial slope
    initial_rate = (780 - AMBIENT) / TAU
    assert initial_rate == pytest.approx(25.2, abs=0.05)
    assert 780 - temperature_after(780, 1, TAU, AMBIENT) == pytest.approx(24.8, abs=0.05)
    # lidded European crucibles, tau_h 50–100: 7–15 °C/h
    assert 780 - temperature_after(780, 1, 50, AMBIENT) == pytest.approx(14.95, abs=0.01)
    assert 780 - temperature_after(780, 1, 100, AMBIENT) == pytest.approx(7.52, abs=0.01)


def test_temperature_after_by_hand() -> None:
    # 25 + 755 · e^(−2/30) = 25 + 755 · 0.9355070 = 731.3078
    assert temperature_after(780, 2, TAU, AMBIENT) == pytest.approx(731.3078, abs=1e-4)
    # one time constant: 1/e of the excess is left
    assert temperature_after(780, TAU, TAU, AMBIENT) == pytest.approx(25 + 755 / math.e)
    assert temperature_after(780, 0, TAU, AMBIENT) == 780
    assert temperature_after(780, -2, TAU, AMBIENT) == 780  # negative hold is no hold
    assert temperature_after(780, 1e9, TAU, AMBIENT) == AMBIENT


def test_min_tap_by_hand() -> None:
    # 3 h hold to arrive at 690 + 5: 25 + 670 · e^0.1 = 25 + 670 · 1.1051709 = 765.4645
    assert min_tap_c(3, 695, TAU, AMBIENT) == pytest.approx(765.4645, abs=1e-4)
    assert min_tap_c(0, 695, TAU, AMBIENT) == 695
    assert min_tap_c(-1, 695, TAU, AMBIENT) == 695


# --------------------------------------------------------------------------------------
# edge cases
# --------------------------------------------------------------------------------------
def test_tap_below_requirement_holds_zero_hours() -> None:
    assert max_hold_h(680, 690, TAU, AMBIENT) == 0.0
    assert max_hold_h(690, 690, TAU, AMBIENT) == 0.0


@pytest.mark.parametrize("requirement", [25.0, 20.0, -10.0])
def test_requirement_at_or_below_ambient_never_gets_too_cold(requirement: float) -> None:
    assert max_hold_h(780, requirement, TAU, AMBIENT) == math.inf
    assert max_hold_h(10, requirement, TAU, AMBIENT) == math.inf
    assert min_tap_c(100, requirement, TAU, AMBIENT) == requirement


def test_min_tap_for_an_impossible_hold_is_infinite_not_an_overflow() -> None:
    # Regression: exp(8 / 0.01) overflowed (OverflowError) instead of saying "no tap".
    assert min_tap_c(8, 695, 0.01, AMBIENT) == math.inf
    assert choose_tap_c(8, 695, 730, 780, 0.01, AMBIENT) is None


# --------------------------------------------------------------------------------------
# choose_tap_c
# --------------------------------------------------------------------------------------
def test_choose_rounds_up_to_a_tenth() -> None:
    # needs 765.4645 °C: tap 765.5
    assert choose_tap_c(3, 695, 730, 780, TAU, AMBIENT) == 765.5
    assert choose_tap_c(3, 695, 730, 765.5, TAU, AMBIENT) == 765.5
    assert choose_tap_c(3, 695, 730, 765.4, TAU, AMBIENT) is None  # tap_max not enough


def test_choose_never_goes_below_tap_min() -> None:
    # half an hour needs 25 + 670 · e^(1/60) = 706.26 °C; the smelter taps at least 730
    assert choose_tap_c(0.5, 695, 730, 780, TAU, AMBIENT) == 730
    # Regression: tap_min off the 0.1 grid was rounded *down* (730.04 → 730.0).
    assert choose_tap_c(0.5, 695, 730.04, 780, TAU, AMBIENT) == 730.04
    assert choose_tap_c(0.5, 695, 730.06, 780, TAU, AMBIENT) == 730.06


def test_choose_keeps_an_off_grid_tap_max_that_is_hot_enough() -> None:
    # needs 765.4645; 765.5 is above tap_max 765.47, but 765.47 itself arrives warm enough
    tap = choose_tap_c(3, 695, 730, 765.47, TAU, AMBIENT)
    assert tap == 765.47
    assert temperature_after(tap, 3, TAU, AMBIENT) >= 695


def test_choose_does_not_step_up_an_exact_tenth() -> None:
    # 730 / 0.1 = 7300.000000000001 in floating point: still 730.0, not 730.1
    assert choose_tap_c(0, 730, 700, 780, TAU, AMBIENT) == 730.0
    assert choose_tap_c(0, 765.3, 700, 780, TAU, AMBIENT) == 765.3


def test_choose_when_requirement_is_below_ambient() -> None:
    assert choose_tap_c(5, 20, 730, 780, TAU, AMBIENT) == 730


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------
AMBIENTS = st.floats(-40, 60)
TAUS = st.floats(0.5, 200)
HOLDS = st.floats(0, 48)
EXCESS = st.floats(1, 900)  # requirement above ambient, °C
PROPS = settings(max_examples=300, deadline=None)


@PROPS
@given(hold=HOLDS, excess=EXCESS, tau=TAUS, ambient=AMBIENTS)
def test_round_trips(hold: float, excess: float, tau: float, ambient: float) -> None:
    requirement = ambient + excess
    tap = min_tap_c(hold, requirement, tau, ambient)
    assert temperature_after(tap, hold, tau, ambient) == pytest.approx(requirement, rel=1e-12)
    assert max_hold_h(tap, requirement, tau, ambient) == pytest.approx(hold, abs=1e-9 * tau)


@PROPS
@given(
    tap_excess=st.floats(1, 1500),
    share=st.floats(0.001, 1),
    tau=TAUS,
    ambient=AMBIENTS,
)
def test_max_hold_round_trip(tap_excess: float, share: float, tau: float, ambient: float) -> None:
    tap, requirement = ambient + tap_excess, ambient + tap_excess * share
    hours = max_hold_h(tap, requirement, tau, ambient)
    assert hours >= 0
    assert temperature_after(tap, hours, tau, ambient) == pytest.approx(requirement, rel=1e-12)
    assert min_tap_c(hours, requirement, tau, ambient) == pytest.approx(tap, rel=1e-12)


@PROPS
@given(
    tap=st.floats(0, 1200),
    hours=st.lists(HOLDS, min_size=2, max_size=2).map(sorted),
    tau=TAUS,
    ambient=AMBIENTS,
)
def test_monotonic(tap: float, hours: list[float], tau: float, ambient: float) -> None:
    early, late = hours
    t_early = temperature_after(tap, early, tau, ambient)
    t_late = temperature_after(tap, late, tau, ambient)
    eps = 1e-9  # °C: T_amb + (T_tap − T_amb)·1 is not always exactly T_tap in floats
    # always moving towards ambient, never past it
    if tap >= ambient:
        assert tap + eps >= t_early >= t_late >= ambient - eps
    else:
        assert tap - eps <= t_early <= t_late <= ambient + eps
    # hotter tap, hotter arrival (until the excess decays below float resolution);
    # longer hold, hotter tap needed; bigger tau, longer reach
    assert temperature_after(tap + 10, late, tau, ambient) >= t_late
    if late < 20 * tau:
        assert temperature_after(tap + 10, late, tau, ambient) > t_late
    requirement = ambient + 50
    assert min_tap_c(late, requirement, tau, ambient) >= min_tap_c(early, requirement, tau, ambient)
    assert max_hold_h(tap + 10, requirement, tau, ambient) >= max_hold_h(
        tap, requirement, tau, ambient
    )
    assert max_hold_h(tap, requirement, tau * 2, ambient) >= max_hold_h(
        tap, requirement, tau, ambient
    )


@settings(max_examples=1000, deadline=None)
@given(
    hold=HOLDS,
    requirement=st.floats(600, 760),
    taps=st.lists(st.floats(600, 900), min_size=2, max_size=2).map(sorted),
    tau=TAUS,
    ambient=AMBIENTS,
    on_grid=st.booleans(),
)
def test_choose_is_the_lowest_tap_in_range_that_arrives_warm_enough(
    hold: float,
    requirement: float,
    taps: list[float],
    tau: float,
    ambient: float,
    on_grid: bool,
) -> None:
    tap_min, tap_max = taps
    if on_grid:  # the usual case: whole-degree or tenth-degree bounds
        tap_min, tap_max = round(tap_min, 1), round(tap_max, 1)
    tap = choose_tap_c(hold, requirement, tap_min, tap_max, tau, ambient)
    needed = min_tap_c(hold, requirement, tau, ambient)
    # Tolerance: the rounding step divides by 0.1 and rounds to 6 decimals before the
    # ceiling (so that 730.0 stays 730.0), which can leave a tap up to 1e-7 °C under the
    # exact need; 1e-6 °C is far below any thermometer.
    if tap is None:
        assert needed > tap_max
        assert temperature_after(tap_max, hold, tau, ambient) < requirement + 1e-6
        return
    assert tap_min <= tap <= tap_max
    assert tap >= needed - 1e-6
    assert temperature_after(tap, hold, tau, ambient) >= requirement - 1e-6
    if tap_min < tap < tap_max:
        tenths = tap / TAP_STEP_C
        assert abs(tenths - round(tenths)) < 1e-6  # on the 0.1 °C grid
        assert tap - TAP_STEP_C < needed + 1e-6  # one step lower would be too cold
    if tap == tap_min:
        assert needed <= tap_min + 1e-6 or tap_min == tap_max
