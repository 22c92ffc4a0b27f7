"""Travel model (docs/models.md#travel): geodesic × circuity, or shortest paths on roads.

Reference distances are computed here independently of geopy (which uses Karney's
algorithm): Vincenty's inverse formula on the WGS-84 ellipsoid, written out below, and
for one pair a hand calculation with the ellipsoid's local radii of curvature. Vincenty
and Karney agree to well under a millimetre at these distances (Karney 2013, Table 2:
Vincenty's error is below 0.1 mm for non-antipodal points), so 1 mm is a safe tolerance.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from logistics.errors import InputError
from logistics.network.loader import load_network
from logistics.network.model import Candidate, Network
from logistics.network.params import RoadParams
from logistics.network.roads import load_road_graph
from logistics.physics import travel as geo
from tests.conftest import copy_tiny

FOSHAN = (23.0215, 113.1214)
ZHAOQING = (23.0472, 112.4651)
MM = 1e-6  # km


def vincenty_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Vincenty (1975) inverse formula on WGS-84, km."""
    major, flat = 6378137.0, 1 / 298.257223563
    minor = major * (1 - flat)
    big_l = math.radians(b[1] - a[1])
    u1 = math.atan((1 - flat) * math.tan(math.radians(a[0])))
    u2 = math.atan((1 - flat) * math.tan(math.radians(b[0])))
    su1, cu1, su2, cu2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    lam = big_l
    for _ in range(200):
        sl, cl = math.sin(lam), math.cos(lam)
        s_sig = math.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
        if s_sig == 0:
            return 0.0
        c_sig = su1 * su2 + cu1 * cu2 * cl
        sig = math.atan2(s_sig, c_sig)
        s_alpha = cu1 * cu2 * sl / s_sig
        c2_alpha = 1 - s_alpha**2
        c2_sm = c_sig - 2 * su1 * su2 / c2_alpha
        c = flat / 16 * c2_alpha * (4 + flat * (4 - 3 * c2_alpha))
        previous = lam
        lam = big_l + (1 - c) * flat * s_alpha * (
            sig + c * s_sig * (c2_sm + c * c_sig * (-1 + 2 * c2_sm**2))
        )
        if abs(lam - previous) < 1e-13:
            break
    u_sq = c2_alpha * (major**2 - minor**2) / minor**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    d_sig = (
        big_b
        * s_sig
        * (
            c2_sm
            + big_b
            / 4
            * (
                c_sig * (-1 + 2 * c2_sm**2)
                - big_b / 6 * c2_sm * (-3 + 4 * s_sig**2) * (-3 + 4 * c2_sm**2)
            )
        )
    )
    return minor * big_a * (sig - d_sig) / 1000.0


def with_roads(net: Network, **roads: float) -> Network:
    """The network with other ``[roads]`` parameters (other tables unchanged)."""
    params = net.params.model_copy(update={"roads": RoadParams(**roads)})
    return net.model_copy(update={"params": params})


@pytest.fixture(scope="module")
def tiny(tiny_dir: Path) -> Network:
    return load_network(tiny_dir)


# --------------------------------------------------------------------------------------
# geodesic
# --------------------------------------------------------------------------------------
def test_foshan_to_zhaoqing_geodesic() -> None:
    km = geo.geodesic_km(FOSHAN, ZHAOQING)
    assert km == pytest.approx(vincenty_km(FOSHAN, ZHAOQING), abs=MM)
    # By hand: at the mean latitude φ = 23.03435° the WGS-84 meridian radius is
    # M = a(1−e²)/(1−e² sin²φ)^1.5 = 6345.19 km and the prime-vertical radius
    # N = a/√(1−e² sin²φ) = 6381.41 km; Δφ = 0.0257°, Δλ = −0.6563°:
    # √((M·Δφ)² + (N·cosφ·Δλ)²) = √(2.8463² + 67.2685²) = 67.3287 km.
    assert km == pytest.approx(67.3287, abs=0.0005)
    # The sphere of mean radius 6371.0088 km (haversine) says 67.22 km: 0.16 % short,
    # because the ellipsoid is wider than the mean sphere at 23° N; geopy is ellipsoidal.
    assert km - 67.2196 == pytest.approx(0.109, abs=0.001)


def test_geodesic_is_symmetric_and_zero_at_one_point() -> None:
    assert geo.geodesic_km(FOSHAN, ZHAOQING) == pytest.approx(
        geo.geodesic_km(ZHAOQING, FOSHAN), abs=MM
    )
    assert geo.geodesic_km(FOSHAN, FOSHAN) == 0.0


def test_one_degree_of_latitude_at_the_equator() -> None:
    # WGS-84 meridian arc from 0° to 1°: 110.574 km (a textbook value)
    assert geo.geodesic_km((0.0, 100.0), (1.0, 100.0)) == pytest.approx(110.574, abs=0.001)


def test_tiny_matrix_is_geodesic_times_circuity(tiny: Network) -> None:
    m = geo.Travel.of(tiny)
    assert m.source == "geodesic"
    ids = [(s.kind, s.site_id) for s in m.sites]
    assert ids == [("smelter", "S1"), ("smelter", "S2")] + [
        ("caster", f"C{i}") for i in range(1, 6)
    ]
    assert m.km.shape == m.minutes.shape == (7, 7)
    coords = [(s.lat, s.lon) for s in m.sites]
    for i, a in enumerate(coords):
        for j, b in enumerate(coords):
            road_km = vincenty_km(a, b) * 1.3
            assert m.km[i, j] == pytest.approx(road_km, abs=MM)
            assert m.minutes[i, j] == pytest.approx(road_km / 40 * 60, abs=1e-5)
    # one pair by name: S1 (Nanhai) to C1 (Shunde)
    s1, c1 = m.smelter("S1"), m.caster("C1")
    assert m.index("caster", "C1") == c1 == 2
    assert m.km[s1, c1] == pytest.approx(1.3 * vincenty_km((23.103, 113.006), (22.924, 113.206)))
    assert m.km[s1, c1] == pytest.approx(37.07, abs=0.005)
    assert m.minutes[s1, c1] == pytest.approx(55.6, abs=0.05)


def test_matrix_is_symmetric_with_zero_diagonal(tiny: Network) -> None:
    m = geo.Travel.of(tiny)
    assert np.array_equal(m.km, m.km.T)
    assert np.array_equal(m.minutes, m.minutes.T)
    assert np.all(np.diag(m.km) == 0) and np.all(np.diag(m.minutes) == 0)
    off = ~np.eye(7, dtype=bool)
    assert np.all(m.km[off] > 0) and np.all(np.isfinite(m.km))


def test_circuity_and_speed_parameters(tiny: Network) -> None:
    base = geo.Travel.of(tiny)
    other = geo.Travel.of(with_roads(tiny, circuity=1.5, speed_kmh=50))
    np.testing.assert_allclose(other.km, base.km / 1.3 * 1.5, rtol=1e-12)
    np.testing.assert_allclose(other.minutes, other.km / 50 * 60, rtol=1e-12)


def test_candidates_come_last(tiny: Network) -> None:
    site = Candidate(site_id="K1", name="Sanshui", lat=23.16, lon=112.90, capex_cny=1, rate_tph=1)
    m = geo.Travel.of(tiny.model_copy(update={"candidates": (site,)}))
    k = m.candidate("K1")
    assert k == 7
    assert m.km[k, m.smelter("S1")] == pytest.approx(
        1.3 * vincenty_km((23.16, 112.90), (23.103, 113.006)), abs=MM
    )


# --------------------------------------------------------------------------------------
# an argument, not a cache
# --------------------------------------------------------------------------------------
def test_travel_is_built_anew_each_time_and_fits_only_its_network(
    tiny: Network, tiny_dir: Path
) -> None:
    first = geo.Travel.of(tiny)
    again = geo.Travel.of(load_network(tiny_dir))
    assert again is not first  # no hidden cache: the caller keeps and passes one
    np.testing.assert_array_equal(again.km, first.km)
    assert first.fits(tiny)
    faster = geo.Travel.of(with_roads(tiny, circuity=1.3, speed_kmh=60))
    np.testing.assert_allclose(faster.minutes, first.minutes * 40 / 60, rtol=1e-12)
    site = Candidate(site_id="K1", name="Sanshui", lat=23.16, lon=112.90, capex_cny=1, rate_tph=1)
    assert not first.fits(tiny.model_copy(update={"candidates": (site,)}))


def test_plan_day_refuses_a_travel_model_of_other_sites(tiny: Network) -> None:
    from logistics import PlanOptions, plan_day

    site = Candidate(site_id="K1", name="Sanshui", lat=23.16, lon=112.90, capex_cny=1, rate_tph=1)
    other = geo.Travel.of(tiny.model_copy(update={"candidates": (site,)}))
    with pytest.raises(ValueError, match="not the network's"):
        plan_day(tiny, PlanOptions(solver="greedy"), travel=other)


def test_plan_day_plans_on_the_travel_model_it_is_given(tiny: Network) -> None:
    from logistics import PlanOptions, plan_day

    base = geo.Travel.of(tiny)
    slower = geo.Travel(base.sites, base.km, base.minutes * 1.5, "test: 1.5 × the minutes")
    outcome = plan_day(tiny, PlanOptions(solver="greedy"), travel=slower)
    assert outcome.travel is slower and outcome.plan.travel_model == slower.source
    assert outcome.ok  # checked on the same, slower travel model
    # the first ladle of every trip drives smelter → caster in the slower model's minutes
    first: dict[tuple[str, int], object] = {}
    for run in sorted(outcome.plan.runs, key=lambda r: r.arrive):
        first.setdefault((run.truck_id, run.trip), run)
    for run in first.values():
        drive = (run.arrive - run.depart).total_seconds() / 60
        minutes = slower.minutes[slower.smelter(run.smelter_id), slower.caster(run.caster_id)]
        assert drive >= minutes - 1e-6
        assert drive < minutes + 1.0  # rounded up to the minute, no more


# --------------------------------------------------------------------------------------
# road graph
# --------------------------------------------------------------------------------------
S1 = (23.103, 113.006)
C1 = (22.924, 113.206)
C5 = (23.911, 112.184)


def hand_graph(c1_node: tuple[float, float] = C1) -> nx.MultiDiGraph:
    """s (at S1) — j — c (at C1), a direct s–c road, and an unconnected node at C5.

    edge     km   speed  minutes
    s→j      20   60     20
    s→j      24   96     15    (a parallel, longer but faster road)
    j→c      15   90     10
    s→c      40   80     30
    c→j      15   90     10
    j→s      20   60     20
    c→s      36   —      36/speed_kmh·60 (speed_kmh = 80: 27)
    """
    g = nx.MultiDiGraph()
    g.add_node("s", x=S1[1], y=S1[0])
    g.add_node("j", x=113.1, y=23.0)
    g.add_node("c", x=c1_node[1], y=c1_node[0])
    g.add_node("far", x=C5[1], y=C5[0])
    for u, v, metres, kph in [
        ("s", "j", 20000, 60),
        ("s", "j", 24000, 96),
        ("j", "c", 15000, 90),
        ("s", "c", 40000, 80),
        ("c", "j", 15000, 90),
        ("j", "s", 20000, 60),
        ("c", "s", 36000, None),
    ]:
        attrs = {"length": float(metres)}
        if kph is not None:
            attrs["speed_kph"] = float(kph)
        g.add_edge(u, v, **attrs)
    return g


@pytest.fixture
def small(tiny: Network) -> Network:
    """Only S1, C1 and C5 of tiny, with [roads] speed_kmh = 80."""
    net = tiny.model_copy(
        update={
            "smelters": tiny.smelters[:1],
            "casters": (tiny.caster_by_id["C1"], tiny.caster_by_id["C5"]),
        }
    )
    return with_roads(net, circuity=1.3, speed_kmh=80)


def graph_via_file(tmp_path: Path, graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    path = tmp_path / "roads.graphml"
    nx.write_graphml(graph, path)
    return load_road_graph(path)


def test_shortest_km_and_fastest_minutes_on_a_hand_graph(tmp_path: Path, small: Network) -> None:
    graph = graph_via_file(tmp_path, hand_graph())
    m = geo.Travel.of(small.model_copy(update={"road_graph": graph}))
    assert m.source == "roads.graphml"
    s, c, far = m.smelter("S1"), m.caster("C1"), m.caster("C5")
    # s→c: shortest s→j (20) + j→c (15) = 35 km; fastest s→j by the parallel road (15 min)
    # + j→c (10 min) = 25 min, faster than the direct 30 min.
    assert m.km[s, c] == pytest.approx(35.0, abs=MM)
    assert m.minutes[s, c] == pytest.approx(25.0, abs=1e-9)
    # c→s: shortest c→j→s = 35 km (< 36 direct); fastest is the direct road without a
    # speed, at speed_kmh: 36 / 80 · 60 = 27 min (< 10 + 20 via j).
    assert m.km[c, s] == pytest.approx(35.0, abs=MM)
    assert m.minutes[c, s] == pytest.approx(27.0, abs=1e-9)
    # C5 snaps to a node without roads: unreachable both ways
    for i in (s, c):
        assert m.km[i, far] == math.inf and m.km[far, i] == math.inf
        assert m.minutes[i, far] == math.inf and m.minutes[far, i] == math.inf
    assert np.all(np.diag(m.km) == 0) and np.all(np.diag(m.minutes) == 0)


def test_default_speed_applies_to_edges_without_speed(tmp_path: Path, small: Network) -> None:
    graph = graph_via_file(tmp_path, hand_graph())
    slow = with_roads(small, circuity=1.3, speed_kmh=40)
    m = geo.Travel.of(slow.model_copy(update={"road_graph": graph}))
    # c→s direct now takes 36 / 40 · 60 = 54 min; via j 10 + 20 = 30 min wins
    assert m.minutes[m.caster("C1"), m.smelter("S1")] == pytest.approx(30.0, abs=1e-9)


def test_snapping_adds_the_access_distance(tmp_path: Path, small: Network) -> None:
    node_c = (C1[0] + 0.01, C1[1])  # the road ends ~1.1 km north of caster C1
    graph = graph_via_file(tmp_path, hand_graph(node_c))
    m = geo.Travel.of(small.model_copy(update={"road_graph": graph}))
    access_km = vincenty_km(C1, node_c) * 1.3
    assert access_km == pytest.approx(1.439, abs=0.001)
    s, c = m.smelter("S1"), m.caster("C1")
    assert m.km[s, c] == pytest.approx(35.0 + access_km, abs=MM)
    assert m.minutes[s, c] == pytest.approx(25.0 + access_km / 80 * 60, abs=1e-6)
    assert m.km[c, s] == pytest.approx(35.0 + access_km, abs=MM)


def test_snap_to_nodes_picks_the_nearest_node() -> None:
    graph = hand_graph()
    sites = (geo.Site("caster", "X", 23.01, 113.09), geo.Site("caster", "Y", 23.9, 112.2))
    (node_x, km_x), (node_y, km_y) = geo.snap_to_nodes(sites, graph)
    assert (node_x, node_y) == ("j", "far")
    assert km_x == pytest.approx(vincenty_km((23.01, 113.09), (23.0, 113.1)), abs=MM)
    assert km_y == pytest.approx(vincenty_km((23.9, 112.2), C5), abs=MM)


def test_network_folder_with_roads_graphml(tmp_path: Path) -> None:
    folder = copy_tiny(tmp_path / "net")
    net = load_network(folder)
    g = nx.MultiDiGraph()
    for site in geo.network_sites(net):  # one node exactly at each site
        g.add_node(site.site_id, x=site.lon, y=site.lat)
    for u, v, metres, kph in [("S1", "C1", 50000, 50), ("S1", "S2", 40000, None)]:
        extra = {"speed_kph": float(kph)} if kph else {}
        g.add_edge(u, v, length=float(metres), **extra)
        g.add_edge(v, u, length=float(metres), **extra)
    nx.write_graphml(g, folder / "roads.graphml")

    net = load_network(folder)
    assert net.road_graph is not None
    m = geo.Travel.of(net)
    assert m.source == "roads.graphml"
    s1, s2, c1, c2 = m.smelter("S1"), m.smelter("S2"), m.caster("C1"), m.caster("C2")
    assert (m.km[s1, c1], m.minutes[s1, c1]) == pytest.approx((50.0, 60.0), abs=MM)
    # S2 → S1 → C1: 40 km at speed_kmh 40 (60 min) + 50 km at 50 km/h (60 min)
    assert (m.km[s2, c1], m.minutes[s2, c1]) == pytest.approx((90.0, 120.0), abs=MM)
    assert m.km[s1, c2] == math.inf


@pytest.mark.parametrize(
    ("content", "column", "message"),
    [
        (b"this is not xml", None, "not a readable GraphML file"),
        (b"<graphml><graph", None, "not a readable GraphML file"),
        (None, None, "the road graph has no nodes"),
    ],
)
def test_unreadable_graphml(
    tmp_path: Path, content: bytes | None, column: str | None, message: str
) -> None:
    path = tmp_path / "roads.graphml"
    if content is None:
        nx.write_graphml(nx.MultiDiGraph(), path)
    else:
        path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        load_road_graph(path)
    [problem] = exc.value.problems
    assert (problem.file, problem.row, problem.column) == ("roads.graphml", None, column)
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("break_it", "column"),
    [
        (lambda g: g.nodes["j"].pop("y"), "node j"),
        (lambda g: g.nodes["s"].update(x=200.0), "node s"),
        (lambda g: g.nodes["s"].update(x="east"), "node s"),
        (lambda g: g.edges["j", "c", 0].update(length=-5.0), "edge j->c"),
        (lambda g: g.edges["j", "c", 0].pop("length"), "edge j->c"),
        (lambda g: g.edges["s", "c", 0].update(speed_kph=0.0), "edge s->c"),
        (lambda g: g.edges["s", "c", 0].update(speed_kph=float("nan")), "edge s->c"),
    ],
)
def test_bad_graph_attributes(tmp_path: Path, break_it, column: str) -> None:
    graph = hand_graph()
    break_it(graph)
    path = tmp_path / "roads.graphml"
    nx.write_graphml(graph, path)
    with pytest.raises(InputError) as exc:
        load_road_graph(path)
    assert [(p.file, p.column) for p in exc.value.problems] == [("roads.graphml", column)]


def test_bad_graphml_in_a_network_folder_is_an_input_error(tmp_path: Path) -> None:
    folder = copy_tiny(tmp_path / "net")
    (folder / "roads.graphml").write_text("<graphml>", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_network(folder)
    assert [p.file for p in exc.value.problems] == ["roads.graphml"]


def test_the_matrix_is_geopys_geodesic_to_the_last_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    # the matrix calls geographiclib with one geodesic for all pairs (geopy built one
    # and parsed both points for every pair: 49 s of a 570-site day): the figures must
    # not move at all
    corners = [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0), (0.0, 180.0), (0.0, -179.999)]
    rng = np.random.default_rng(7)
    points = corners + [(float(a), float(b)) for a, b in rng.uniform(-1, 1, (40, 2)) * (89, 179)]
    points += [(22.5 + float(a), 113.0 + float(b)) for a, b in rng.random((20, 2))]
    sites = tuple(geo.Site("caster", f"C{k}", lat, lon) for k, (lat, lon) in enumerate(points))
    want = [[0.0 if a == b else geo.geodesic_km(a, b) for b in points] for a in points]

    def per_pair(*_args, **_kwargs):
        raise AssertionError("a geopy geodesic built for a pair")

    monkeypatch.setattr(geo, "geodesic", per_pair)
    assert geo.geodesic_matrix(sites).tolist() == want
