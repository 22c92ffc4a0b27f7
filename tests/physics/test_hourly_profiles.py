"""Rush hours by the hour and by road class: hand-computed legs, FIFO over random
profiles, the checker's own reckoning, a leg's road-class stretches on a road graph, and
bad profiles in ``network.toml``."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.check.context import (
    CheckClock,
    CheckContext,
    hourly_seconds_pieces,
    rush_hour_seconds,
)
from logistics.errors import InputError
from logistics.network.loader import load_network
from logistics.network.params import RoadParams
from logistics.physics.rush_hours import SpeedProfile
from logistics.physics.travel import Site, Travel, network_sites
from tests.conftest import copy_tiny, only_problem

#: Hour 7 at half speed, hour 8 at 0.8, hour 23 at 0.5 and hour 0 at 0.25; else free flow.
HOURS = [1.0] * 24
HOURS[7], HOURS[8], HOURS[23], HOURS[0] = 0.5, 0.8, 0.5, 0.25
ROADS = RoadParams(hourly_speed_factor=tuple(HOURS))

factors = st.lists(st.floats(0.2, 1.0), min_size=24, max_size=24)


def profile_of(hours: list[float]) -> SpeedProfile | None:
    return SpeedProfile.of(RoadParams(hourly_speed_factor=tuple(hours)).speed_profile())


@pytest.mark.parametrize(
    ("depart", "free", "expected"),
    [
        (390.0, 60.0, 90.0),  # 06:30: 30 free-flow min to 07:00, 30 more at 0.5 take 60
        (450.0, 60.0, 30.0 + 45.0 / 0.8),  # 07:30: 15 covered by 08:00, 45 at 0.8
        (600.0, 45.0, 45.0),  # 10:00: free flow
        (1410.0, 30.0, 30.0 + 15.0 / 0.25),  # 23:30: 15 by midnight, then 0.25 past it
        (1440.0 + 420.0, 10.0, 20.0),  # the next day's 07:00 at half speed
        (-30.0, 10.0, 20.0),  # 23:30 of the day before, at 0.5
    ],
)
def test_a_leg_against_hand_sums(depart: float, free: float, expected: float) -> None:
    profile = SpeedProfile.of(ROADS.speed_profile())
    assert profile is not None
    assert profile.leg_minutes(depart, free) == pytest.approx(expected)
    pieces = hourly_seconds_pieces(ROADS.hourly_speed_factor or ())
    assert rush_hour_seconds(pieces, depart * 60, free * 60) == pytest.approx(expected * 60)


def test_equal_hours_make_one_piece_and_free_flow_is_no_profile() -> None:
    assert ROADS.speed_profile()[:4] == ((0.0, 0.25), (60.0, 1.0), (420.0, 0.5), (480.0, 0.8))
    assert profile_of([1.0] * 24) is None
    assert RoadParams(hourly_speed_factor=(1.0,) * 24).speed_profile() == ((0.0, 1.0),)


def test_the_two_windows_still_make_their_profile() -> None:
    windows = RoadParams(rush_speed_factor=0.6).speed_profile()
    hourly = [1.0] * 24
    hourly[7] = hourly[8] = hourly[17] = hourly[18] = 0.6
    assert RoadParams(hourly_speed_factor=tuple(hourly)).speed_profile() == windows


@settings(max_examples=300, deadline=None)
@given(hours=factors, depart=st.floats(-600, 3000), later=st.floats(0, 600), free=st.floats(0, 900))
def test_leaving_later_never_arrives_earlier(
    hours: list[float], depart: float, later: float, free: float
) -> None:
    """FIFO, for the planner's profile and the checker's reckoning; the two agree."""
    profile = profile_of(hours)
    pieces = hourly_seconds_pieces(tuple(hours))
    for leg in (
        (lambda d: free if profile is None else profile.leg_minutes(d, free)),
        (lambda d: rush_hour_seconds(pieces, d * 60, free * 60) / 60),
    ):
        assert depart + later + leg(depart + later) >= depart + leg(depart) - 1e-9
        assert leg(depart) >= free - 1e-9
        assert leg(depart) <= free / min(hours) + 1e-6
    planner = free if profile is None else profile.leg_minutes(depart, free)
    checker = rush_hour_seconds(pieces, depart * 60, free * 60)
    assert checker == pytest.approx(planner * 60, rel=1e-9, abs=1e-6)


# -- a leg of road-class stretches ------------------------------------------------------
SITES = (Site("smelter", "S", 23.0, 113.0), Site("caster", "C", 23.1, 113.1))


def stretched_travel(by_class: dict[str, list[float]], legs: dict) -> Travel:
    """Two sites, 50 free-flow minutes apart, with road-class stretches ``legs``."""
    minutes = np.array([[0.0, 50.0], [50.0, 0.0]])
    roads = RoadParams(
        hourly_speed_factor=tuple(HOURS),
        hourly_speed_factor_by_class={c: tuple(f) for c, f in by_class.items()},
    )
    profiles = {c: SpeedProfile.of(p) for c, p in roads.class_speed_profiles().items()}
    profile = SpeedProfile.of(roads.speed_profile())
    return Travel(SITES, minutes, minutes, "test", profile, profiles, legs)


def test_stretches_are_driven_in_order_each_at_its_class() -> None:
    motorway = [1.0] * 24
    motorway[7] = 0.8
    pieces = (("", 10.0), ("motorway", 30.0), ("", 10.0))
    travel = stretched_travel({"motorway": motorway}, {(0, 1): pieces})
    # 06:50: 10 min access at free flow (to 07:00); 30 motorway minutes at 0.8 take 37.5
    # (to 07:37:30); 10 access minutes at the global 0.5 take 20 (to 07:57:30).
    assert travel.leg_minutes(0, 1, 410.0) == pytest.approx(10.0 + 37.5 + 20.0)
    # back, no stretches: the global profile, 10 to 07:00, 30 in the hour at 0.5, 10 at 0.8
    assert travel.leg_minutes(1, 0, 410.0) == pytest.approx(10.0 + 60.0 + 12.5)
    # the router's matrix: each stretch over its class's mean share of 05:00–22:00
    mean_g = SpeedProfile.of(ROADS.speed_profile()).mean_factor(300, 1320)  # type: ignore[union-attr]
    routing = travel.routing_minutes()
    assert routing[0, 1] == pytest.approx(20.0 / mean_g + 30.0 / (1 - 0.2 / 17))
    assert routing[1, 0] == pytest.approx(50.0 / mean_g)


@settings(max_examples=200, deadline=None)
@given(
    global_hours=factors,
    class_hours=factors,
    split=st.lists(st.floats(0, 60), min_size=3, max_size=3),
    depart=st.floats(-600, 3000),
    later=st.floats(0, 600),
)
def test_a_leg_of_stretches_is_fifo(
    global_hours: list[float], class_hours: list[float], split: list[float], depart: float,
    later: float,
) -> None:  # fmt: skip
    pieces = (("", split[0]), ("primary", split[1]), ("", split[2]))
    minutes = np.array([[0.0, sum(split)], [sum(split), 0.0]])
    profiles = {"primary": profile_of(class_hours)}
    travel = Travel(
        SITES, minutes, minutes, "t", profile_of(global_hours), profiles, {(0, 1): pieces}
    )
    first = depart + travel.leg_minutes(0, 1, depart)
    assert depart + later + travel.leg_minutes(0, 1, depart + later) >= first - 1e-9


# -- stretches from a road graph ---------------------------------------------------------
def test_the_road_graph_gives_each_leg_its_class_stretches(tmp_path: Path) -> None:
    """S1 → mid by motorway (30 km at 60 km/h: 30 min), mid → C1 by residential (10 km at
    30 km/h: 20 min); a site sits on its node (no access leg)."""
    folder = copy_tiny(tmp_path / "net")
    net = load_network(folder)
    at = {s.site_id: s for s in network_sites(net)}
    graph = nx.MultiDiGraph()
    graph.add_node("S1", x=at["S1"].lon, y=at["S1"].lat)
    graph.add_node("C1", x=at["C1"].lon, y=at["C1"].lat)
    graph.add_node("mid", x=113.1, y=23.0)
    for u, v, metres, kph, road in [
        ("S1", "mid", 30000, 60, "motorway"),
        ("mid", "S1", 30000, 60, "motorway"),
        ("mid", "C1", 10000, 30, "residential"),
        ("C1", "mid", 10000, 30, "residential"),
    ]:
        graph.add_edge(u, v, length=float(metres), speed_kph=float(kph), highway=road)
    nx.write_graphml(graph, folder / "roads.graphml")
    motorway = " ".join(["0.5,"] * 24)
    toml = folder / "network.toml"
    toml.write_text(
        toml.read_text() + f"\n[roads.hourly_speed_factor_by_class]\nmotorway = [{motorway}]\n"
    )
    travel = Travel.of(load_network(folder))
    s1, c1 = travel.smelter("S1"), travel.caster("C1")
    assert travel.minutes[s1, c1] == pytest.approx(50.0)
    there = travel.class_legs[(s1, c1)]
    assert [c for c, _ in there] == ["motorway", ""]
    assert [m for _, m in there] == pytest.approx([30.0, 20.0])
    assert [c for c, _ in travel.class_legs[(c1, s1)]] == ["", "motorway"]
    # motorway at half speed all day, residential at the global profile (free flow)
    assert travel.leg_minutes(s1, c1, 600.0) == pytest.approx(60.0 + 20.0)
    assert travel.leg_minutes(c1, s1, 600.0) == pytest.approx(20.0 + 60.0)
    ctx = CheckContext(load_network(folder), travel, CheckClock(net.plan_date, net.timezone))
    assert ctx.travel_s("smelter", "S1", "caster", "C1", 36_000.0) == pytest.approx(80 * 60)
    assert ctx.slowest_travel_s("smelter", "S1", "caster", "C1") == pytest.approx(100 * 60)


# -- bad profiles ------------------------------------------------------------------------
def roads_toml(folder: Path, lines: str) -> Path:
    toml = folder / "network.toml"
    toml.write_text(toml.read_text().replace("[roads]\n", "[roads]\n" + lines, 1))
    return folder


@pytest.mark.parametrize(
    ("lines", "column", "says"),
    [
        (
            "hourly_speed_factor = [1.0, 0.5]\n",
            "[roads] hourly_speed_factor",
            "2 values where 24 are needed (one per hour, the first for 00:00–01:00), each "
            "0.2–1 × free-flow speed",
        ),
        (
            "hourly_speed_factor = [" + "1.0, " * 7 + "0.1, " + "1.0, " * 16 + "]\n",
            "[roads] hourly_speed_factor",
            "hour 7 (07:00–08:00): 0.1 is outside the plausible range 0.2–1 × free-flow speed",
        ),
        (
            "hourly_speed_factor = [" + "1.0, " * 23 + "'slow']\n",
            "[roads] hourly_speed_factor",
            "hour 23 (23:00–24:00): 'slow' is not a number; the plausible range is 0.2–1 × "
            "free-flow speed",
        ),
        (
            "rush_speed_factor = 0.6\nhourly_speed_factor = [" + "1.0, " * 24 + "]\n",
            "[roads] hourly_speed_factor",
            "give either hourly_speed_factor or rush_speed_factor (with its windows), not both",
        ),
        (
            "hourly_speed_factor_by_class = { primary = [" + "1.2, " * 24 + "] }\n",
            "[roads.hourly_speed_factor_by_class] primary",
            "hour 0 (00:00–01:00): 1.2 is outside the plausible range 0.2–1 × free-flow speed",
        ),
    ],
)
def test_a_bad_profile_names_file_key_and_hour(
    tmp_path: Path, lines: str, column: str, says: str
) -> None:
    folder = roads_toml(copy_tiny(tmp_path / "net"), lines)
    with pytest.raises(InputError) as exc:
        load_network(folder)
    problem = exc.value.problems[0]
    assert (problem.file, problem.column) == ("network.toml", column)
    assert problem.message == says


def test_an_unknown_road_class_is_named(tmp_path: Path) -> None:
    lines = "hourly_speed_factor_by_class = { motorwya = [" + "1.0, " * 24 + "] }\n"
    folder = roads_toml(copy_tiny(tmp_path / "net"), lines)
    with pytest.raises(InputError) as exc:
        load_network(folder)
    problem = only_problem(exc)
    assert problem.column == "[roads] hourly_speed_factor_by_class"
    assert problem.message.startswith("unknown road class 'motorwya' (one of motorway, ")


def test_the_documented_example_loads(tmp_path: Path) -> None:
    """The profiles of docs/network-format.md are valid input, as written."""
    from tests.conftest import REPO

    text = (REPO / "docs" / "network-format.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```toml\n")[1:]]
    example = next(b for b in blocks if "hourly_speed_factor =" in b)
    folder = copy_tiny(tmp_path / "net")
    (folder / "network.toml").write_text(
        'name = "t"\ntimezone = "Asia/Shanghai"\nplan_date = "2026-11-23"\n' + example
    )
    roads = load_network(folder).params.roads
    assert roads.hourly_speed_factor is not None and roads.hourly_speed_factor[7] == 0.6
    assert roads.hourly_speed_factor_by_class["motorway"][7] == 0.8
