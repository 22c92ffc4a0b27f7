"""Siting plans its simulated days with the same travel model as the command line: the
scenario's rush hours and road classes travel to the worker with the matrix rows."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pytest

from logistics import check, load_network
from logistics.physics.travel import Travel, network_sites, with_roads
from logistics.siting import Scenario, run_study
from logistics.siting.geometry import task_travel
from tests.siting.conftest import SITING, siting_study

#: The whole day at 40 % of free-flow speed: every drive at least 2.5 × its free minutes.
SLOW_ALL_DAY = {
    "roads.rush_speed_factor": 0.4,
    "roads.am_rush_from_h": 0.0,
    "roads.am_rush_to_h": 12.0,
    "roads.pm_rush_from_h": 12.0,
    "roads.pm_rush_to_h": 24.0,
}


@pytest.fixture(scope="module")
def rush_study():
    study = siting_study(
        scenarios=[Scenario(name="rush", overrides=SLOW_ALL_DAY)], days=1, simulate=1
    )
    return run_study(study, workers=1)


def test_a_siting_day_is_timed_with_the_scenario_s_rush_hours(rush_study) -> None:
    keys = [k for k in rush_study.results if rush_study.results[k]["plan"] is not None]
    assert {k.split("/")[1] for k in keys} >= {"base"} and len(keys) >= 2
    for key in keys:
        network, plan = rush_study.network_for(key), rush_study.plan(key)
        assert network.params.roads.rush_speed_factor == 0.4
        travel = Travel.of(network)  # the command line's travel model of this day
        assert travel.profile is not None
        # the checker, with the profile, recomputes every drive from its departure
        assert check(network, plan, travel).ok, key
        assert plan.runs
        for run in plan.runs:
            first = min(
                r.arrive for r in plan.runs if (r.truck_id, r.trip) == (run.truck_id, run.trip)
            )
            if run.arrive != first:
                continue
            free = travel.minutes[travel.smelter(run.smelter_id), travel.caster(run.caster_id)]
            drive = (run.arrive - run.depart).total_seconds() / 60
            assert drive >= free / 0.4 - 1e-6  # not the free-flow minutes


def test_a_cut_of_the_travel_model_keeps_its_road_class_stretches() -> None:
    network = load_network(SITING)
    sites = network_sites(network)
    graph = nx.MultiDiGraph()
    for s in sites:
        graph.add_node(s.site_id, x=s.lon, y=s.lat)
    for a, b in itertools.pairwise(sites):  # a chain of motorways and others
        road = "motorway" if a.kind == "smelter" else "primary"
        for u, v in ((a, b), (b, a)):
            graph.add_edge(u.site_id, v.site_id, length=30_000.0, speed_kph=60.0, highway=road)
    hours = tuple(0.5 if 6 <= h < 20 else 1.0 for h in range(24))
    roads = network.params.roads.model_copy(
        update={"hourly_speed_factor_by_class": {"motorway": hours}}
    )
    with_graph = network.model_copy(
        update={
            "road_graph": graph,
            "params": network.params.model_copy(update={"roads": roads}),
        }
    )
    master = Travel.of(with_graph)
    assert master.class_legs
    day = with_graph.model_copy(update={"candidates": ()})
    cut = task_travel(day, master)
    # what the worker rebuilds from the rows it is sent, with the day's [roads]
    sent = with_roads(
        tuple(master.sites[master.index(k, i)] for k, i, _, _ in cut.sites),
        cut.km,
        cut.minutes,
        master.source,
        day.params.roads,
        cut.class_legs,
    )
    own = Travel.of(day)  # the command line's model of the same day
    np.testing.assert_array_equal(sent.minutes, own.minutes)
    assert sent.class_legs == own.class_legs and sent.class_profiles == own.class_profiles
    for i in range(len(own.sites)):
        for j in range(len(own.sites)):
            for depart in (5 * 60.0, 8 * 60.0, 19.5 * 60):
                assert math.isclose(
                    sent.leg_minutes(i, j, depart), own.leg_minutes(i, j, depart), abs_tol=1e-9
                )
