"""What an OpenStreetMap way's tags say to a ladle truck (logistics.network.osm_tags)."""

from __future__ import annotations

import pytest

from logistics.network.osm_tags import (
    DEFAULT_SPEED_KPH,
    DRIVABLE,
    closed_to_trucks,
    direction,
    parse_maxspeed,
    road_speed_kph,
)


@pytest.mark.parametrize(
    ("text", "kph"),
    [
        ("60", 60.0),
        ("60 km/h", 60.0),
        ("60kmh", 60.0),
        (" 80 kph ", 80.0),
        ("50 mph", 50 * 1.609344),
        ("10 knots", 18.52),
        ("CN:urban", 50.0),
        ("CN:rural", 70.0),
        ("CN:motorway", 120.0),
        ("RU:living_street", 20.0),
        ("DE:zone30", 30.0),
        ("DE:zone:20", 20.0),
        ("walk", 6.0),
        ("60;80", 60.0),
        ("signals;50", 50.0),
    ],
)
def test_maxspeed_values_are_read_in_kph(text: str, kph: float) -> None:
    assert parse_maxspeed(text) == pytest.approx(kph)


@pytest.mark.parametrize(
    "text", [None, "", "none", "signals", "variable", "CN:unknown_zone", "fast", "0", "0.5"]
)
def test_maxspeed_without_a_number_is_none(text: str | None) -> None:
    assert parse_maxspeed(text) is None


def test_every_drivable_class_has_a_default_and_no_path_class_is_drivable() -> None:
    assert set(DEFAULT_SPEED_KPH) == set(DRIVABLE)
    for excluded in ("footway", "cycleway", "path", "service", "track", "living_street"):
        assert excluded not in DRIVABLE


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"oneway": "yes"}, 1),
        ({"oneway": "true"}, 1),
        ({"oneway": "1"}, 1),
        ({"oneway": "-1"}, -1),
        ({"oneway": "reverse"}, -1),
        ({}, 0),
        ({"oneway": "no"}, 0),
        ({"oneway": "reversible"}, 0),
        ({"highway": "motorway"}, 1),
        ({"highway": "motorway", "oneway": "no"}, 0),
        ({"highway": "primary", "junction": "roundabout"}, 1),
        ({"highway": "trunk"}, 0),
    ],
)
def test_direction_follows_oneway_and_what_it_implies(tags: dict, expected: int) -> None:
    assert direction(tags) == expected


@pytest.mark.parametrize(
    ("tags", "closed"),
    [
        ({}, False),
        ({"access": "private"}, True),
        ({"access": "no", "hgv": "yes"}, False),  # the most specific tag decides
        ({"access": "yes", "hgv": "no"}, True),
        ({"motor_vehicle": "agricultural"}, True),
        ({"access": "destination"}, False),
        ({"hazmat": "no"}, True),
        ({"area": "yes"}, True),
    ],
)
def test_access_tags_that_close_a_way_to_a_ladle_truck(tags: dict, closed: bool) -> None:
    assert closed_to_trucks(tags) is closed


def test_speed_is_the_tag_or_the_class_default_capped_for_hot_metal() -> None:
    caps = (80.0, 60.0)
    assert road_speed_kph({"highway": "residential"}, *caps) == (30.0, "default")
    assert road_speed_kph({"highway": "tertiary", "maxspeed": "40"}, *caps) == (40.0, "maxspeed")
    assert road_speed_kph({"highway": "primary", "maxspeed": "80"}, *caps) == (60.0, "cap")
    assert road_speed_kph({"highway": "motorway", "maxspeed": "120"}, *caps) == (80.0, "cap")
    assert road_speed_kph({"highway": "motorway_link"}, *caps) == (60.0, "default")
    assert road_speed_kph({"highway": "trunk"}, *caps) == (60.0, "cap")  # not an expressway
    # a heavy-vehicle limit wins over the general one; directional limits: the lower
    hgv = {"highway": "motorway", "maxspeed": "120", "maxspeed:hgv": "70"}
    assert road_speed_kph(hgv, *caps) == (70.0, "maxspeed")
    sides = {"highway": "secondary", "maxspeed:forward": "50", "maxspeed:backward": "40"}
    assert road_speed_kph(sides, *caps) == (40.0, "maxspeed")
    assert road_speed_kph({"highway": "motorway"}, 100.0, 30.0) == (100.0, "cap")
