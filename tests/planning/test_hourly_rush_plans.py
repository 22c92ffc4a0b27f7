"""Plans through an hourly speed profile, for all roads and per road class: planned by
the CLI, checked by the CLI; a row whose drive ignores the profile is flagged.

Drives are recomputed from the plan's rows with the profile of the inputs; the
checker's verdict decides.
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import networkx as nx
import pytest

from logistics import check, load_network, plan_day
from logistics.network.geo import haversine_km
from logistics.physics.travel import Travel, network_sites
from logistics.plan.options import PlanOptions
from tests.cli.test_exit_codes import molten, no_traceback
from tests.conftest import copy_tiny

#: 24 shares of free-flow speed: a long, deep morning peak over the tiny day's first
#: orders, an evening peak, shoulders.
HOURLY = [1.0] * 6 + [0.7, 0.5, 0.5, 0.6, 0.8] + [0.9] * 6 + [0.6, 0.6, 0.8] + [1.0] * 4


def toml_list(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


def with_roads(folder: Path, lines: str) -> Path:
    """``folder``'s network.toml with ``lines`` added to its ``[roads]`` table."""
    toml = folder / "network.toml"
    toml.write_text(toml.read_text().replace("[roads]\n", "[roads]\n" + lines, 1))
    return folder


def hourly_network(folder: Path) -> Path:
    return with_roads(copy_tiny(folder), f"hourly_speed_factor = {toml_list(HOURLY)}\n")


def first_legs(plan, network) -> list:
    """Per trip, ``(run, depart, driven minutes)`` of its first leg: smelter to caster."""
    trips: dict[tuple[str, int], list] = {}
    for run in plan.runs:
        trips.setdefault((run.truck_id, run.trip), []).append(run)
    legs = []
    for runs in trips.values():
        first = min(runs, key=lambda r: r.arrive)
        depart = network.minutes(first.depart)
        legs.append((first, depart, network.minutes(first.arrive) - depart))
    return legs


def test_the_cli_plans_through_the_hourly_profile_and_the_checker_passes_it(
    tmp_path: Path,
) -> None:
    folder = hourly_network(tmp_path / "net")
    out = tmp_path / "plan"
    done = molten("plan", str(folder), "--solver", "greedy", "--out", str(out))
    assert done.returncode == 0, done.stderr
    checked = molten("check", str(folder), str(out))
    assert checked.returncode == 0, checked.stdout
    assert "plan is valid" in checked.stdout
    # a plan made at free flow drives too fast for this network
    free = tmp_path / "free_plan"
    assert molten("plan", str(copy_tiny(tmp_path / "free")), "--solver", "greedy", "--out",
                  str(free)).returncode == 0  # fmt: skip
    refused = molten("check", str(folder), str(free))
    assert refused.returncode == 4, refused.stdout
    assert "travel_time" in refused.stdout


def test_a_row_whose_drive_ignores_the_profile_is_flagged(tmp_path: Path) -> None:
    network = load_network(hourly_network(tmp_path / "net"))
    travel = Travel.of(network)
    plan = plan_day(network, PlanOptions(solver="greedy")).plan
    assert check(network, plan).ok
    slowed = []
    for first, depart, driven in first_legs(plan, network):
        i, j = travel.smelter(first.smelter_id), travel.caster(first.caster_id)
        assert driven >= travel.leg_minutes(i, j, depart) - 1e-6  # exact, rounded up
        free = float(travel.minutes[i, j])
        if driven - math.ceil(free) >= 2:
            slowed.append((first, free))
    assert slowed  # the peaks stretch some first legs by two minutes or more
    run, free = slowed[0]
    arrive = run.depart + timedelta(minutes=math.ceil(free))  # as at free flow
    broken = plan.model_copy(
        update={"runs": [r.model_copy(update={"arrive": arrive}) if r is run else r
                         for r in plan.runs]}
    )  # fmt: skip
    flagged = [v for v in check(network, broken).violations if v.rule == "travel_time"]
    assert [v.run_id for v in flagged] == [run.run_id]


def test_a_bad_hourly_profile_exits_2_naming_the_key(tmp_path: Path) -> None:
    folder = with_roads(
        copy_tiny(tmp_path / "net"), f"hourly_speed_factor = {toml_list(HOURLY[:23])}\n"
    )
    result = molten("plan", str(folder), "--out", str(tmp_path / "plan"))
    assert result.returncode == 2
    no_traceback(result)
    assert "network.toml" in result.stderr and "hourly_speed_factor" in result.stderr
    assert "24 are needed" in result.stderr
    assert not (tmp_path / "plan").exists()


# -- per road class, on a road graph -----------------------------------------------------
def hub_graph(folder: Path) -> None:
    """Every site of ``folder``'s network on a node, joined to a hub at their centre by a
    motorway stretch (four fifths of the way) and a residential one (the rest), both
    ways, ``circuity`` × the geodesic long, at 50 and 30 km/h."""
    sites = network_sites(load_network(folder))
    lat = sum(s.lat for s in sites) / len(sites)
    lon = sum(s.lon for s in sites) / len(sites)
    graph = nx.MultiDiGraph()
    graph.add_node("hub", x=lon, y=lat)
    for s in sites:
        node, mid = f"{s.kind}:{s.site_id}", f"mid:{s.site_id}"
        graph.add_node(node, x=s.lon, y=s.lat)
        graph.add_node(mid, x=(4 * s.lon + lon) / 5, y=(4 * s.lat + lat) / 5)
        metres = float(haversine_km(s.lat, s.lon, lat, lon)) * 1000 * 1.3
        for u, v, share, kph, road in [
            (node, mid, 0.8, 50.0, "motorway"),
            (mid, "hub", 0.2, 30.0, "residential"),
        ]:
            for a, b in ((u, v), (v, u)):
                graph.add_edge(a, b, length=metres * share, speed_kph=kph, highway=road)
    nx.write_graphml(graph, folder / "roads.graphml")


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_a_plan_on_road_classes_with_their_own_profiles_passes_the_checker(
    tmp_path: Path, solver: str
) -> None:
    folder = copy_tiny(tmp_path / "net")
    hub_graph(folder)
    motorway = [1.0] * 6 + [0.5] * 5 + [1.0] * 13
    toml = folder / "network.toml"
    toml.write_text(
        toml.read_text()
        + f"\n[roads.hourly_speed_factor_by_class]\nmotorway = {toml_list(motorway)}\n"
    )
    network = load_network(folder)
    travel = Travel.of(network)
    assert travel.class_legs and travel.profile is None
    outcome = plan_day(network, PlanOptions(solver=solver, time_limit_s=5, workers=1))
    assert check(network, outcome.plan).ok
    stretched = 0
    for run, depart, driven in first_legs(outcome.plan, network):
        i, j = travel.smelter(run.smelter_id), travel.caster(run.caster_id)
        needed = travel.leg_minutes(i, j, depart)
        assert driven >= needed - 1e-6
        stretched += needed > float(travel.minutes[i, j]) + 1.0
    assert stretched  # some first legs meet the motorway's peak
    # the same network with one profile for all roads plans differently timed legs:
    # a plan made without the class profile fails where the motorway is slowed
    plain = copy_tiny(tmp_path / "plain")
    hub_graph(plain)
    free_plan = plan_day(load_network(plain), PlanOptions(solver="greedy")).plan
    assert "travel_time" in {v.rule for v in check(network, free_plan).violations}
