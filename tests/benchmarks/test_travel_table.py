"""``python -m benchmarks travel`` on a small road graph, and the synthetic road grid it
lays under a sample's sites."""

from __future__ import annotations

import subprocess
import sys

from benchmarks.road_grid import road_grid
from tests.conftest import REPO


def test_the_road_grid_has_its_classes_and_sizes() -> None:
    graph = road_grid((22.9, 113.0, 23.1, 113.2), 400, seed=1)
    assert graph.number_of_nodes() == 400
    classes = {d["highway"] for _, _, d in graph.edges(data=True)}
    assert classes == {"motorway", "primary", "secondary", "residential"}
    assert all(d["length"] > 0 for _, _, d in graph.edges(data=True))
    again = road_grid((22.9, 113.0, 23.1, 113.2), 400, seed=1)
    assert list(again.edges(data=True)) == list(graph.edges(data=True))  # reproducible


def test_the_command_measures_a_small_graph() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "travel",
            "--nodes",
            "900",
            "--risk-runs",
            "0",
            "--dry",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    rows = dict(
        line.strip("| ").split(" | ", 1)
        for line in done.stdout.splitlines()
        if line.count("|") == 3
    )
    assert rows["nodes"] == "900" and rows["sites"] == "68" and rows["unreachable_legs"] == "0"
    assert float(rows["travel_s"]) > 0 and int(rows["legs_with_class_stretches"]) > 0
