"""Uncertain travel per road class and hour: ``[risk] cv_by_class`` and
``peak_follows_speed`` — the leg's CV by hand, the plan's estimate and taps, and the
checker's own simulation following them (a plan made for calmer roads is flagged)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from logistics import check, load_network
from logistics.errors import InputError
from logistics.network.params import Params, RiskParams, RoadParams
from logistics.network.travel_cv import least_cv, leg_cv, slow_hour
from logistics.physics.travel import Travel, network_sites
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from tests.conftest import copy_tiny

PEAKS = tuple(0.5 if h in (7, 8, 17, 18) else 1.0 for h in range(24))


def params(risk: dict, roads: dict | None = None) -> Params:
    return Params(risk=RiskParams(**risk), roads=RoadParams(**(roads or {})))


def test_without_the_new_keys_the_cv_is_as_before() -> None:
    p = params({"travel_cv": 0.2, "urban_cv": 0.3, "peak_factor": 1.5})
    for km in (10.0, 60.0):
        for hour in range(24):
            pieces = (("motorway", 20.0), ("", 5.0))
            assert leg_cv(p, km, hour, pieces) == p.risk.leg_cv(km, hour)
    assert least_cv(p, 60.0) == pytest.approx(0.2)


def test_the_stretches_cvs_weighted_by_their_minutes() -> None:
    p = params({"travel_cv": 0.1, "cv_by_class": {"motorway": 0.3}})
    # 30 min of motorway at 0.3, 10 of others at the leg's 0.1: (9 + 1) / 40
    assert leg_cv(p, 60.0, 12, (("motorway", 30.0), ("", 10.0))) == pytest.approx(0.25)
    assert leg_cv(p, 60.0, 12) == pytest.approx(0.1)  # no stretches: one of class ""
    # the peak windows (6-10, 16-20) multiply every stretch
    peak = params({"travel_cv": 0.1, "cv_by_class": {"motorway": 0.3}, "peak_factor": 2.0})
    assert leg_cv(peak, 60.0, 8, (("motorway", 30.0), ("", 10.0))) == pytest.approx(0.5)
    assert least_cv(peak, 60.0) == pytest.approx(0.1)


def test_the_peak_follows_the_speed_profile_of_each_class() -> None:
    roads = {"hourly_speed_factor_by_class": {"motorway": PEAKS}}
    p = params({"travel_cv": 0.1, "peak_factor": 2.0, "peak_follows_speed": True}, roads)
    pieces = (("motorway", 30.0), ("", 10.0))
    # 08:00: the motorway is slowed, the other roads (free flow all day) are not
    assert leg_cv(p, 60.0, 8, pieces) == pytest.approx((30 * 0.2 + 10 * 0.1) / 40)
    # 06:00 is a peak window hour, but no road is slowed: no peak
    assert leg_cv(p, 60.0, 6, pieces) == pytest.approx(0.1)
    windows = {"rush_speed_factor": 0.6, "am_rush_from_h": 7.5, "am_rush_to_h": 9.0}
    assert slow_hour(RoadParams(**windows), "", 7) and not slow_hour(RoadParams(**windows), "", 9)
    q = params({"travel_cv": 0.1, "peak_factor": 2.0, "peak_follows_speed": True}, windows)
    assert leg_cv(q, 60.0, 7) == pytest.approx(0.2) and leg_cv(q, 60.0, 12) == 0.1


def test_an_unknown_class_or_a_cv_out_of_range_is_bad_input(tmp_path: Path) -> None:
    for line, says in [
        ("cv_by_class = { motorwy = 0.2 }", "unknown road class 'motorwy'"),
        ("cv_by_class = { motorway = 1.5 }", "1.5 is outside the plausible range 0–1 share"),
    ]:
        folder = copy_tiny(tmp_path / line[-6:-2])
        with (folder / "network.toml").open("a") as fh:
            fh.write(f"\n[risk]\n{line}\n")
        with pytest.raises(InputError) as exc:
            load_network(folder)
        [problem] = exc.value.problems
        assert problem.file == "network.toml" and "cv_by_class" in str(problem.column)
        assert says in problem.message


def star_roads(folder: Path) -> None:
    """Every smelter to a hub by motorway (60 km/h), the hub to every caster by a
    residential road (40 km/h); each site on its own node."""
    net = load_network(folder)
    graph = nx.MultiDiGraph()
    graph.add_node("hub", x=113.05, y=23.0)
    for site in network_sites(net):
        graph.add_node(site.site_id, x=site.lon, y=site.lat)
        road, kph = ("motorway", 60.0) if site.kind == "smelter" else ("residential", 40.0)
        for u, v in ((site.site_id, "hub"), ("hub", site.site_id)):
            graph.add_edge(u, v, length=25_000.0, speed_kph=kph, highway=road)
    nx.write_graphml(graph, folder / "roads.graphml")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    calm = copy_tiny(tmp_path_factory.mktemp("calm") / "net")
    star_roads(calm)
    with (calm / "network.toml").open("a") as fh:
        fh.write("\n[risk]\ntravel_cv = 0.1\n")
    rough = copy_tiny(tmp_path_factory.mktemp("rough") / "net")
    star_roads(rough)
    with (rough / "network.toml").open("a") as fh:
        fh.write("\n[risk]\ntravel_cv = 0.1\ncv_by_class = { motorway = 0.6 }\n")
    return calm, rough


def test_a_plan_is_made_and_checked_with_the_class_cvs(folders: tuple[Path, Path]) -> None:
    calm, rough = (load_network(f) for f in folders)
    travel = Travel.of(rough)
    assert any(c == "motorway" for pieces in travel.class_legs.values() for c, _ in pieces)
    assert travel.class_profiles == {}  # the motorway has its own CV, not its own speed
    options = PlanOptions(solver="greedy")
    calm_plan = plan_day(calm, options).plan
    outcome = plan_day(rough, options, travel=travel)
    assert outcome.ok
    assert check(rough, outcome.plan, travel, verify_risk=True).ok
    # the rougher motorway: hotter taps for the same target
    calm_taps = {(r.truck_id, r.order_id): r.tap_c for r in calm_plan.runs}
    hotter = [
        r for r in outcome.plan.runs if r.tap_c > calm_taps.get((r.truck_id, r.order_id), 1e9)
    ]
    assert hotter
    # the checker's own simulation follows the class CVs: the calm plan does not hold
    verdict = check(rough, calm_plan, travel, verify_risk=True)
    assert any(v.rule == "cold_risk" for v in verdict.violations)
    assert check(calm, calm_plan, verify_risk=True).ok


def test_the_peak_following_the_speed_without_class_cvs(tmp_path: Path) -> None:
    # peak_follows_speed alone (no cv_by_class): the least CV is the leg's own, times
    # a peak factor below 1 where one is given; a day is planned and checked
    p = params({"travel_cv": 0.2, "peak_factor": 5.0, "peak_follows_speed": True})
    assert least_cv(p, 60.0) == pytest.approx(0.2)
    calm = params({"travel_cv": 0.2, "peak_factor": 0.5, "peak_follows_speed": True})
    assert least_cv(calm, 60.0) == pytest.approx(0.1)
    folder = copy_tiny(tmp_path / "net")
    toml = folder / "network.toml"
    text = toml.read_text().replace("speed_kmh = 40", "speed_kmh = 40\nrush_speed_factor = 0.6")
    toml.write_text(text + "\n[risk]\npeak_follows_speed = true\npeak_factor = 5\n")
    net = load_network(folder)
    outcome = plan_day(net, PlanOptions(solver="greedy"))
    assert outcome.ok and outcome.plan.runs
    assert check(net, outcome.plan, verify_risk=True).ok
