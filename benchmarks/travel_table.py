"""The travel table on a province-sized road graph, and the risk estimate of a big day.

``python -m benchmarks travel`` measures, each in a fresh Python process so that its
peak memory is its own:

* **travel** — a sample network (the Pearl River Delta by default) with a synthetic road
  graph of ``--nodes`` junctions under its sites (:func:`benchmarks.road_grid.road_grid`:
  a perturbed grid with motorways, primary, secondary and residential roads), written as
  ``roads.graphml`` into a copy of the folder. The child loads the folder
  (``load_network``: GraphML read and checked) and builds the travel table
  (``Travel.of``) with a rush-hour profile of its own for motorways and primary roads,
  so that every leg's road-class stretches are traced too. Reported: nodes, edges,
  sites, load and build seconds (wall and CPU: the machine may be shared), the
  one-minute load average, the resident memory after loading and the peak of the
  whole process (``VmHWM``); with ``--plan S`` the day is also planned and checked with
  an ``S``-second limit on that graph.
* **risk** — with ``--risk-runs N`` (0: skip), a generated day of about ``N`` ladle
  runs (:func:`benchmarks.domain.network_shape`) planned by the dispatcher (greedy), then
  the time of the plan's risk estimate (``with_risk``: every trip simulated
  ``[risk] draws`` times) and of the checker's own estimate, against 10 % of the
  planning limit of a day that size (:func:`benchmarks.domain.default_time_limit`) and
  of the default 60 s.

Writes ``benchmarks/results/travel-<date>.csv`` and ``latest-travel.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.domain import REPO, _child_env, default_time_limit, network_shape, peak_rss_mb

#: The road classes given a rush-hour profile of their own: 60 % in the peaks.
PEAK_CLASSES = ("motorway", "primary")
PEAK_HOURS = tuple(0.6 if h in (7, 8, 17, 18) else 1.0 for h in range(24))


def _rss_mb() -> float:
    """Resident set size of this process now, MiB (``VmRSS``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def write_road_network(source: Path, folder: Path, nodes: int, seed: int) -> dict[str, Any]:
    """Copy a network folder and write a synthetic road graph under its sites."""
    import networkx as nx

    from benchmarks.road_grid import road_grid
    from logistics.network.loader import load_network
    from logistics.physics.travel import network_sites

    shutil.copytree(source, folder)
    sites = network_sites(load_network(folder))
    lats, lons = [s.lat for s in sites], [s.lon for s in sites]
    bbox = (min(lats) - 0.1, min(lons) - 0.1, max(lats) + 0.1, max(lons) + 0.1)
    graph = road_grid(bbox, nodes, seed)
    nx.write_graphml(graph, folder / "roads.graphml")
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}


def travel_case(folder: Path, plan_limit: float) -> dict[str, Any]:
    """Load a network with a road graph and build its travel table (in this process)."""
    from logistics.network.loader import load_network
    from logistics.physics.travel import Travel

    started = time.perf_counter()
    network = load_network(folder)
    loaded = time.perf_counter()
    rss_loaded = _rss_mb()
    roads = network.params.roads.model_copy(
        update={"hourly_speed_factor_by_class": dict.fromkeys(PEAK_CLASSES, PEAK_HOURS)}
    )
    network = network.model_copy(
        update={"params": network.params.model_copy(update={"roads": roads})}
    )
    built, cpu = time.perf_counter(), time.process_time()
    travel = Travel.of(network)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    row: dict[str, Any] = {
        "sites": len(travel.sites),
        "load_s": round(loaded - started, 2),
        "travel_s": round(done - built, 2),
        "travel_cpu_s": round(cpu, 2),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "legs_with_class_stretches": len(travel.class_legs),
        "unreachable_legs": int((travel.km == float("inf")).sum()),
        "rss_after_load_mb": round(rss_loaded, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    if plan_limit > 0:
        row.update(_plan(network, travel, plan_limit))
    return row


def _plan(network: Any, travel: Any, limit: float) -> dict[str, Any]:
    """Plan and check the day on the road graph's travel table."""
    from logistics.pipeline import plan_day
    from logistics.plan.options import PlanOptions

    started = time.perf_counter()
    outcome = plan_day(network, PlanOptions(time_limit_s=limit, workers=1, seed=0), travel=travel)
    return {
        "plan_limit_s": limit,
        "plan_wall_s": round(time.perf_counter() - started, 1),
        "runs": len(outcome.plan.runs),
        "violations": len(outcome.report.violations),
        "peak_rss_after_plan_mb": round(peak_rss_mb(), 1),
    }


def risk_case(runs: int, seed: int) -> dict[str, Any]:
    """Plan a generated day of about ``runs`` ladle runs greedily; time its risk estimates."""
    from logistics.check import check_context
    from logistics.check.risk import cold_probabilities
    from logistics.network.loader import load_network
    from logistics.network.synthetic import generate_network
    from logistics.pipeline import plan_day
    from logistics.pipeline.risk import with_risk
    from logistics.plan.options import PlanOptions

    shape = network_shape(runs)
    with tempfile.TemporaryDirectory(prefix="molten-risk-") as tmp:
        folder = Path(tmp) / "day"
        generate_network(folder, seed=seed, plan_date=date(2026, 11, 23), **shape)
        network = load_network(folder)
    outcome = plan_day(network, PlanOptions(solver="greedy", seed=0))
    started, cpu = time.perf_counter(), time.process_time()
    with_risk(network, outcome.plan, outcome.travel)
    estimated, cpu = time.perf_counter(), time.process_time() - cpu
    ctx, check_runs, _ = check_context(network, outcome.plan, outcome.travel)
    cold_probabilities(ctx, check_runs)
    checked = time.perf_counter()
    limit = default_time_limit(runs)
    risk_s = estimated - started
    return {
        "risk_runs": len(outcome.plan.runs),
        "trips": len({(r.truck_id, r.trip) for r in outcome.plan.runs}),
        "draws": network.params.risk.draws,
        "risk_s": round(risk_s, 2),
        "risk_cpu_s": round(cpu, 2),
        "checker_risk_s": round(checked - estimated, 2),
        "day_limit_s": limit,
        "risk_share_of_day_limit_pct": round(100 * risk_s / limit, 1),
        "risk_share_of_60s_pct": round(100 * risk_s / 60.0, 1),
        "risk_peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _child(args: list[str]) -> dict[str, Any]:
    """Run one case of this module in a fresh process; its JSON line, or an error."""
    cmd = [sys.executable, "-m", "benchmarks.travel_table", *args]
    done = subprocess.run(cmd, cwd=REPO, env=_child_env(), capture_output=True, text=True)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {done.returncode}: {' | '.join(tail)}"}
    return dict(json.loads(lines[-1]))


def run(network: Path, nodes: int, seed: int, plan_limit: float, risk_runs: int) -> dict[str, Any]:
    """Every case of ``python -m benchmarks travel``, one row of figures."""
    row: dict[str, Any] = {"network": network.name, "seed": seed}
    with tempfile.TemporaryDirectory(prefix="molten-roads-") as tmp:
        folder = Path(tmp) / network.name
        started = time.perf_counter()
        row.update(write_road_network(network, folder, nodes, seed))
        row["graph_write_s"] = round(time.perf_counter() - started, 1)
        row["graphml_mb"] = round((folder / "roads.graphml").stat().st_size / 2**20, 1)
        row.update(_child(["--travel-case", str(folder), str(plan_limit)]))
    if risk_runs > 0:
        row.update(_child(["--risk-case", str(risk_runs), str(seed)]))
    return row


def markdown(row: dict[str, Any], command_line: str) -> str:
    """The row as a markdown table, with the machine, date and command."""
    import platform

    head = [
        f"# Travel table on a {row.get('nodes', '?'):,}-node road graph",
        "",
        f"{date.today().isoformat()}, {platform.machine()}, Python {platform.python_version()}",
        f"Command: `{command_line}`",
        "",
        "| figure | value |",
        "| --- | --- |",
    ]
    return "\n".join(head + [f"| {k} | {v} |" for k, v in row.items()]) + "\n"


def add_parser(sub: Any, results_default: str) -> None:
    """Add the ``travel`` subcommand to the benchmark command line."""
    p = sub.add_parser("travel", help="travel table on a big road graph; risk of a big day")
    p.add_argument("--network", default=str(REPO / "sample_networks" / "pearl_river_delta"))
    p.add_argument("--nodes", type=int, default=100_000, help="road junctions (default 100,000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plan", type=float, default=0.0, help="also plan with this limit, s")
    p.add_argument("--risk-runs", type=int, default=2000, help="ladle runs of the risk day")
    p.add_argument("--results-dir", default=results_default)
    p.add_argument("--dry", action="store_true", help="print only, write no results")


def command(args: argparse.Namespace, command_line: str) -> int:
    """Run ``python -m benchmarks travel``; 1 when a case failed."""
    row = run(Path(args.network), args.nodes, args.seed, args.plan, args.risk_runs)
    text = markdown(row, command_line)
    print(text)
    if not args.dry:
        out = Path(args.results_dir)
        out.mkdir(parents=True, exist_ok=True)
        with (out / f"travel-{date.today().isoformat()}.csv").open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(row))
            writer.writeheader()
            writer.writerow(row)
        (out / "latest-travel.md").write_text(text, encoding="utf-8")
    return 1 if "error" in row or row.get("violations") else 0


if __name__ == "__main__":
    if sys.argv[1] == "--travel-case":
        print(json.dumps(travel_case(Path(sys.argv[2]), float(sys.argv[3]))))
    elif sys.argv[1] == "--risk-case":
        print(json.dumps(risk_case(int(sys.argv[2]), int(sys.argv[3]))))
