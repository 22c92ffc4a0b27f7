"""Rush hours: a leg's minutes from its departure, against closed forms, FIFO, and the
checker's own reckoning."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from logistics.check.context import rush_hour_seconds
from logistics.network.params import RoadParams
from logistics.physics.rush_hours import SpeedProfile

PEAKS = RoadParams(rush_speed_factor=0.6)
PROFILE = SpeedProfile.of(PEAKS.speed_profile())


def test_free_flow_all_day_is_no_profile() -> None:
    assert SpeedProfile.of(RoadParams().speed_profile()) is None
    assert RoadParams().speed_profile() == ((0.0, 1.0),)


def test_the_peaks_are_the_documented_windows() -> None:
    assert PEAKS.speed_profile() == (
        (0.0, 1.0),
        (420.0, 0.6),
        (540.0, 1.0),
        (1020.0, 0.6),
        (1140.0, 1.0),
    )


@pytest.mark.parametrize(
    ("depart", "free", "expected"),
    [
        (600.0, 30.0, 30.0),  # 10:00, off-peak all the way
        (450.0, 30.0, 50.0),  # 07:30, inside the morning peak: 30 / 0.6
        (1010.0, 20.0, 10.0 + 10.0 / 0.6),  # 16:50: 10 free minutes, then the peak
        (530.0, 30.0, 10.0 + 24.0),  # 08:50: 10 min cover 6, the other 24 after 09:00
        (1440.0 + 450.0, 30.0, 50.0),  # the next day's morning peak
        (-30.0, 10.0, 10.0),  # before the plan day's midnight: off-peak
    ],
)
def test_leg_minutes_against_hand_sums(depart: float, free: float, expected: float) -> None:
    assert PROFILE is not None
    assert PROFILE.leg_minutes(depart, free) == pytest.approx(expected)


def test_a_leg_longer_than_the_peak_crosses_it_whole() -> None:
    assert PROFILE is not None
    # 06:00 + 240 free minutes: 60 to 07:00, 120 min of peak cover 72, 108 after 09:00.
    assert PROFILE.leg_minutes(360.0, 240.0) == pytest.approx(60 + 120 + 108)


@settings(max_examples=300, deadline=None)
@given(
    depart=st.floats(-600, 3000),
    later=st.floats(0, 600),
    free=st.floats(0, 600),
    factor=st.floats(0.2, 1.0),
)
def test_leaving_later_never_arrives_earlier(
    depart: float, later: float, free: float, factor: float
) -> None:
    profile = SpeedProfile.of(RoadParams(rush_speed_factor=factor).speed_profile())
    if profile is None:
        return
    first = depart + profile.leg_minutes(depart, free)
    second = depart + later + profile.leg_minutes(depart + later, free)
    assert second >= first - 1e-9
    assert profile.leg_minutes(depart, free) >= free - 1e-9


@settings(max_examples=300, deadline=None)
@example(depart=-5e-324, free=1.0, factor=0.5, hours=[0.0, 0.0, 0.0, 1.0])  # a hair before 0
@given(
    depart=st.floats(-600, 3000),
    free=st.floats(0, 900),
    factor=st.floats(0.2, 1.0),
    hours=st.lists(st.floats(0, 24), min_size=4, max_size=4),
)
def test_the_checker_reckons_like_the_planner(
    depart: float, free: float, factor: float, hours: list[float]
) -> None:
    """Two implementations (physics in minutes, the checker's in seconds) agree."""
    am_from, am_to, pm_from, pm_to = hours
    pieces = RoadParams(
        rush_speed_factor=factor,
        am_rush_from_h=am_from,
        am_rush_to_h=am_to,
        pm_rush_from_h=pm_from,
        pm_rush_to_h=pm_to,
    ).speed_profile()
    profile = SpeedProfile.of(pieces)
    planner = free if profile is None else profile.leg_minutes(depart, free)
    assert rush_hour_seconds(pieces, depart * 60, free * 60) == pytest.approx(
        planner * 60, rel=1e-9, abs=1e-6
    )


def test_overlapping_and_empty_windows() -> None:
    """Windows that overlap make one slow stretch; an empty one is no window."""
    overlapping = RoadParams(
        rush_speed_factor=0.5, am_rush_from_h=7, am_rush_to_h=12, pm_rush_from_h=10,
        pm_rush_to_h=14,
    )  # fmt: skip
    assert overlapping.speed_profile() == ((0.0, 1.0), (420.0, 0.5), (840.0, 1.0))
    empty = RoadParams(rush_speed_factor=0.5, am_rush_from_h=9, am_rush_to_h=9)
    assert empty.speed_profile() == ((0.0, 1.0), (1020.0, 0.5), (1140.0, 1.0))
