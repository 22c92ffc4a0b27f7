"""``roads.graphml`` from an OpenStreetMap extract, on a tiny map written with osmium.

The map (a square of four roads near 23° N, 113° E, a motorway beside it, roads a truck
may not use, and an island of road of its own):

    4 ---tertiary, oneway 3->4, CN:urban--- 3 --------+
    |                                       |          6
 secondary, oneway=-1 (4->1), 40         primary,      |  motorway 2->5->6->3
    |                                    50 mph        5  (oneway implied), 120
    1 ---------residential (no limit)------ 2 ---------+
    |
  footway 1-7, service 4-11, private 3-8; island 9-10 (residential)
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import osmium
import pytest
from osmium.osm import mutable

from logistics.errors import InputError
from logistics.network.geo import haversine_km
from logistics.network.loader import load_network
from logistics.network.osm_import import import_roads
from logistics.network.roads import load_road_graph
from logistics.physics.travel import Travel, network_sites, snap_to_nodes

HELSINKI = Path(__file__).resolve().parents[1] / "data" / "helsinki"

NODES = {
    1: (23.000, 113.000),
    2: (23.000, 113.010),
    3: (23.010, 113.010),
    4: (23.010, 113.000),
    5: (23.003, 113.020),
    6: (23.007, 113.020),
    7: (22.995, 113.000),
    8: (23.015, 113.010),
    9: (23.020, 113.030),
    10: (23.021, 113.030),
    11: (23.010, 112.995),
}
WAYS = [
    (100, [1, 2], {"highway": "residential"}),
    (101, [2, 3], {"highway": "primary", "maxspeed": "50 mph"}),
    (102, [3, 4], {"highway": "tertiary", "oneway": "yes", "maxspeed": "CN:urban"}),
    (103, [1, 4], {"highway": "secondary", "oneway": "-1", "maxspeed": "40"}),
    (104, [2, 5, 6, 3], {"highway": "motorway", "maxspeed": "120"}),
    (105, [1, 7], {"highway": "footway"}),
    (106, [3, 8], {"highway": "residential", "access": "private"}),
    (107, [9, 10], {"highway": "residential"}),
    (108, [4, 11], {"highway": "service"}),
]


def write_map(path: Path) -> Path:
    """The map above as an ``.osm.pbf`` (osmium's writer)."""
    with osmium.SimpleWriter(str(path)) as writer:
        for node_id, (lat, lon) in NODES.items():
            writer.add_node(mutable.Node(id=node_id, location=(lon, lat), version=1))
        for way_id, refs, tags in WAYS:
            writer.add_way(mutable.Way(id=way_id, nodes=refs, tags=tags, version=1))
    return path


def write_network(folder: Path, casters: list[tuple[str, float, float]], toml: str = "") -> Path:
    """A network folder of a smelter at node 1 and the given casters (id, lat, lon)."""
    folder.mkdir()
    (folder / "network.toml").write_text(
        f'name = "map"\ntimezone = "Asia/Shanghai"\nplan_date = "2026-11-23"\n{toml}',
        encoding="utf-8",
    )
    (folder / "smelters.csv").write_text(
        "smelter_id,name,lat,lon,open,close,fill_min,fill_bays\n"
        "S1,Smelter,23.0001,113.0001,05:00,22:00,15,1\n",
        encoding="utf-8",
    )
    rows = "".join(f"{c},Caster {c},{lat},{lon},06:00,22:00,680,15,,\n" for c, lat, lon in casters)
    (folder / "casters.csv").write_text(
        "caster_id,name,lat,lon,open,close,min_pour_c,unload_min,daily_t,alloys\n" + rows,
        encoding="utf-8",
    )
    return folder


def edge_data(graph: nx.DiGraph, u: str, v: str) -> dict:
    """The one edge u -> v (GraphML ids are strings; networkx reads a file without
    parallel edges as a DiGraph)."""
    edges = graph.get_edge_data(u, v)
    assert edges is not None, (u, v)
    if graph.is_multigraph():
        assert len(edges) == 1, (u, v, edges)
        return next(iter(edges.values()))
    return edges


@pytest.fixture
def imported(tmp_path: Path) -> tuple[nx.MultiDiGraph, object]:
    extract = write_map(tmp_path / "map.osm.pbf")
    net = write_network(tmp_path / "net", [("C1", 23.0031, 113.0201), ("C2", 23.0101, 113.0101)])
    result = import_roads(extract, net)
    return load_road_graph(net / "roads.graphml"), result


def test_drivable_roads_only_and_the_largest_strongly_connected_part(imported) -> None:
    graph, result = imported
    assert set(graph.nodes) == {"1", "2", "3", "4", "5"}  # 5: C1 snapped inside the motorway
    assert {d["highway"] for _, _, d in graph.edges(data=True)} == {
        "residential", "primary", "tertiary", "secondary", "motorway",
    }  # fmt: skip
    assert nx.is_strongly_connected(graph)
    assert result.nodes_dropped == 2  # the island 9-10
    assert result.ways_closed == 1  # the private road (footway, service never reach Python)


def test_oneway_ways_give_one_direction(imported) -> None:
    graph, _ = imported
    assert graph.has_edge("3", "4") and not graph.has_edge("4", "3")  # oneway=yes
    assert graph.has_edge("4", "1") and not graph.has_edge("1", "4")  # oneway=-1
    assert graph.has_edge("2", "5") and not graph.has_edge("5", "2")  # motorway: implied
    assert graph.has_edge("1", "2") and graph.has_edge("2", "1")
    assert edge_data(graph, "3", "4")["oneway"] is True
    assert edge_data(graph, "1", "2")["oneway"] is False


def test_speeds_from_maxspeed_or_class_capped_for_hot_metal(imported) -> None:
    graph, _ = imported
    assert edge_data(graph, "1", "2")["speed_kph"] == 30.0  # residential default
    assert edge_data(graph, "2", "3")["speed_kph"] == 60.0  # 50 mph = 80.5, capped at 60
    assert edge_data(graph, "2", "3")["speed_source"] == "cap"
    assert edge_data(graph, "3", "4")["speed_kph"] == 50.0  # CN:urban
    assert edge_data(graph, "4", "1")["speed_kph"] == 40.0
    assert edge_data(graph, "2", "5")["speed_kph"] == 80.0  # motorway 120, capped at 80


def test_caps_come_from_network_toml(tmp_path: Path) -> None:
    extract = write_map(tmp_path / "map.osm.pbf")
    toml = "[roads]\nmax_kph_expressway = 70\nmax_kph_other = 35\n"
    net = write_network(tmp_path / "net", [("C1", 23.0101, 113.0101)], toml)
    import_roads(extract, net)
    graph = load_road_graph(net / "roads.graphml")
    motorway = [d["speed_kph"] for _, _, d in graph.edges(data=True) if d["highway"] == "motorway"]
    assert motorway == [70.0]
    assert edge_data(graph, "3", "4")["speed_kph"] == 35.0
    assert graph.graph["max_kph_other"] == 35.0


def test_lengths_are_metres_along_the_way_and_a_split_keeps_them(imported) -> None:
    graph, _ = imported

    def metres(a: int, b: int) -> float:
        return float(haversine_km(*NODES[a], *NODES[b])) * 1000.0

    assert edge_data(graph, "1", "2")["length"] == pytest.approx(metres(1, 2), abs=0.01)
    # C1 snapped to node 5 inside the motorway 2-5-6-3: split into 2->5 and 5->3 (via 6)
    assert edge_data(graph, "2", "5")["length"] == pytest.approx(metres(2, 5), abs=0.01)
    assert edge_data(graph, "5", "3")["length"] == pytest.approx(
        metres(5, 6) + metres(6, 3), abs=0.01
    )


def test_sites_snap_to_the_nodes_the_travel_model_uses(imported, tmp_path: Path) -> None:
    graph, result = imported
    assert [(s.site.site_id, s.node) for s in result.snaps] == [("S1", 1), ("C1", 5), ("C2", 3)]
    assert graph.nodes["5"]["sites"].startswith("caster:C1=")
    for snap in result.snaps:
        assert 0 < snap.distance_m < 20
    # the travel model snaps each site to the same node, at the same distance
    for folder_file in ("fleet.csv", "production.csv", "orders.csv"):
        (tmp_path / "net" / folder_file).write_bytes((HELSINKI / folder_file).read_bytes())
    (tmp_path / "net" / "orders.csv").write_text(
        "order_id,caster_id,alloy,tonnes,window_start,window_end,placed_at\n", encoding="utf-8"
    )
    (tmp_path / "net" / "production.csv").write_text(
        "smelter_id,alloy,rate_tph,stock_t,tap_min_c,tap_max_c\nS1,ADC12,6,12,730,780\n",
        encoding="utf-8",
    )
    network = load_network(tmp_path / "net")
    snapped = snap_to_nodes(network_sites(network), network.road_graph)
    assert [node for node, _ in snapped] == ["1", "5", "3"]
    for (_, km), snap in zip(snapped, result.snaps, strict=True):
        assert km * 1000 == pytest.approx(snap.distance_m, abs=0.01)
    travel = Travel.of(network)
    s1, c2 = travel.smelter("S1"), travel.caster("C2")
    road_m = nx.shortest_path_length(network.road_graph, "1", "3", weight="length")
    access_m = (result.snaps[0].distance_m + result.snaps[2].distance_m) * 1.3
    assert travel.km[s1, c2] == pytest.approx((road_m + access_m) / 1000, abs=1e-6)


def test_a_site_far_from_every_road_is_bad_input_and_nothing_is_written(tmp_path: Path) -> None:
    extract = write_map(tmp_path / "map.osm.pbf")
    # C2 sits on the island 9-10, which is not part of the graph: 1.5 km to node 6
    net = write_network(tmp_path / "net", [("C1", 23.0101, 113.0101), ("C2", 23.0201, 113.0301)])
    with pytest.raises(InputError) as caught:
        import_roads(extract, net, max_snap_km=1.0)
    [problem] = caught.value.problems
    assert (problem.file, problem.row) == ("casters.csv", 3)
    assert "caster C2" in problem.message and "1 km" in problem.message
    assert not (net / "roads.graphml").exists()
    # within 5 km it snaps to the graph, not to the island
    result = import_roads(extract, net)
    assert result.snaps[2].node == 6
    expected = float(haversine_km(23.0201, 113.0301, *NODES[6])) * 1000
    assert result.snaps[2].distance_m == pytest.approx(expected, rel=0.01)


def test_not_an_extract_and_no_roads_are_bad_input(tmp_path: Path) -> None:
    net = write_network(tmp_path / "net", [("C1", 23.0101, 113.0101)])
    garbage = tmp_path / "region.osm.pbf"
    garbage.write_bytes(b"this is not a PBF file at all")
    with pytest.raises(InputError, match="not a readable OSM extract"):
        import_roads(garbage, net)
    with pytest.raises(InputError, match="not found"):
        import_roads(tmp_path / "missing.osm.pbf", net)
    far = write_network(tmp_path / "far", [("C1", 30.0, 120.0)])
    (far / "smelters.csv").write_text(
        "smelter_id,name,lat,lon,open,close,fill_min,fill_bays\n"
        "S1,Smelter,30.01,120.01,05:00,22:00,15,1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="no drivable road"):
        import_roads(write_map(tmp_path / "map.osm.pbf"), far, margin_km=5)
    assert not any(p.name.endswith((".graphml", ".tmp")) for p in (tmp_path / "net").iterdir())
    assert not any(p.name.endswith((".graphml", ".tmp")) for p in far.iterdir())


def test_min_class_keeps_the_classes_above_it(tmp_path: Path) -> None:
    extract = write_map(tmp_path / "map.osm.pbf")
    net = write_network(tmp_path / "net", [("C1", 23.0101, 113.0101)])
    result = import_roads(extract, net, min_class="primary")
    graph = load_road_graph(net / "roads.graphml")
    assert {d["highway"] for _, _, d in graph.edges(data=True)} == {"primary", "motorway"}
    assert result.snaps[0].node == 2  # the smelter at node 1: its residential road is gone
    assert graph.graph["min_class"] == "primary"
    with pytest.raises(ValueError, match="footway"):
        import_roads(extract, net, min_class="footway")
