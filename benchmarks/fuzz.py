"""Solver fuzzing: random network folders planned by both solvers, every plan checked.

Each example is a network folder drawn from one integer seed (:func:`write_random_network`):
from 1 smelter, 1 caster and 1 truck up to a few dozen orders; mixed fleets (1–3 ladles of
2–5 t, τ 8–90 h); tight and late orders (placed less than the lead time before their
window), windows across midnight and orders of the days before and after; cold ambient
(down to −25 °C), short shifts, smelters short of metal, fill bays, closed hours; a
``roads.graphml`` road graph on some days (sometimes in two parts, so some sites cannot
reach others); a daylight-saving day in Europe/Berlin now and then. The folder is loaded
with the project's loader and planned with ``plan_day`` by each solver. An example fails
when

* loading or planning raises (any exception; a day without orders must raise
  ``PlanningError``, "nothing to plan"), or
* the independent checker finds a violation in the plan, or
* an order of the plan day is not exactly delivered + unserved (recomputed from the
  plan's rows), or a row names an order that is not of the plan day.

``python -m benchmarks fuzz --examples N --seed S`` runs seeds ``S … S+N−1`` and writes
``benchmarks/results/fuzz-<date>.json`` and ``latest-fuzz.md``: the examples, the
failures (seed, solver, what failed, and the network folder's files so that a failure
can be replayed without this module) and the wall time.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import math
import random
import tempfile
import time
import traceback
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SOLVERS = ("greedy", "ortools")
ALLOYS = ("ADC12", "A380", "ZL114A")
UNMADE_ALLOY = "AlSi7Mg"  # ordered now and then, made nowhere
EARTH_KM = 6371.0088


# ------------------------------------------------------------------------ random network
def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def _point(
    rng: random.Random, centre: tuple[float, float], spread_km: float
) -> tuple[float, float]:
    north, east = rng.uniform(-spread_km, spread_km), rng.uniform(-spread_km, spread_km)
    lat = centre[0] + north / 111.0
    lon = centre[1] + east / (111.0 * math.cos(math.radians(centre[0])))
    return round(lat, 4), round(lon, 4)


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    out.write(",".join(header) + "\n")
    for row in rows:
        out.write(",".join("" if v is None else str(v) for v in row) + "\n")
    return out.getvalue()


def _road_graph(rng: random.Random, sites: list[tuple[float, float]], split: bool) -> str:
    """GraphML text: a node near every site plus junctions, linked by two-way roads."""
    import networkx as nx

    g = nx.MultiDiGraph()
    points = [
        (lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.01, 0.01)) for lat, lon in sites
    ]
    points += [(rng.uniform(*_span(sites, 0)), rng.uniform(*_span(sites, 1))) for _ in range(4)]
    for i, (lat, lon) in enumerate(points):
        g.add_node(str(i), x=round(lon, 5), y=round(lat, 5))
    half = len(points) // 2
    order = list(range(len(points)))
    rng.shuffle(order)
    for a, b in itertools.pairwise(order):  # a path through every node...
        if split and (a < half) != (b < half):
            continue  # ...unless the graph is cut in two
        _two_way(rng, g, points, a, b)
    for _ in range(len(points)):  # ...and a few short cuts
        a, b = rng.sample(range(len(points)), 2)
        if not (split and (a < half) != (b < half)):
            _two_way(rng, g, points, a, b)
    buffer = io.BytesIO()
    nx.write_graphml(g, buffer)
    return buffer.getvalue().decode("utf-8")


def _span(sites: list[tuple[float, float]], k: int) -> tuple[float, float]:
    values = [s[k] for s in sites]
    return min(values), max(values) + 1e-6


def _two_way(rng: random.Random, g: Any, points: list, a: int, b: int) -> None:
    metres = _km_between(points[a], points[b]) * 1000 * rng.uniform(1.0, 1.5)
    speed = rng.choice([None, 30.0, 50.0, 70.0, 90.0])
    for u, v in ((a, b), (b, a)):
        attrs: dict[str, float] = {"length": round(metres, 1)}
        if speed is not None:
            attrs["speed_kph"] = speed
        g.add_edge(str(u), str(v), **attrs)


def write_random_network(folder: Path, seed: int) -> dict[str, str]:
    """Write one random network folder drawn from ``seed``; return its files' text.

    Parameters
    ----------
    folder : Path
        Folder to write (created; existing files of the same names are replaced).
    seed : int
        The example's seed: the same seed always writes the same files.

    Returns
    -------
    dict of str to str
        File name → text, as written.
    """
    rng = random.Random(seed)
    berlin = rng.random() < 0.1
    zone = "Europe/Berlin" if berlin else "Asia/Shanghai"
    plan_date = date(2026, 3, 29) if berlin else date(2026, 11, 23)
    tz = ZoneInfo(zone)
    midnight = datetime(plan_date.year, plan_date.month, plan_date.day, tzinfo=tz)

    def at(minutes: float) -> str:  # real elapsed minutes from local midnight → ISO time
        moment = (midnight.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(tz)
        return moment.isoformat(timespec="minutes")

    size = rng.choice(["one", "small", "small", "medium"])
    n_smelters = 1 if size == "one" else rng.randint(1, 4)
    n_casters = 1 if size == "one" else rng.randint(1, 6)
    n_trucks = 1 if size == "one" else rng.randint(1, 5)
    n_orders = {
        "one": rng.randint(0, 3),
        "small": rng.randint(1, 10),
        "medium": rng.randint(8, 30),
    }[size]
    centre = (23.0 + rng.uniform(-1, 1), 113.0 + rng.uniform(-1, 1))
    spread = rng.choice([10.0, 30.0, 30.0, 60.0, 120.0])
    cold = rng.random() < 0.2
    ambient = rng.randint(-25, 5) if cold else rng.choice([15, 25, 35])
    margin = rng.choice([0, 5, 5, 10])
    lead_h = rng.choice([0, 2, 4, 4, 6])

    files: dict[str, str] = {}
    files["network.toml"] = (
        f'name = "fuzz-{seed}"\ntimezone = "{zone}"\nplan_date = "{plan_date.isoformat()}"\n\n'
        f"[thermal]\nambient_c = {ambient}\nmargin_c = {margin}\n\n"
        f"[planning]\nlead_time_h = {lead_h}\n"
    )

    smelter_rows, production_rows, sites = [], [], []
    made: set[str] = set()
    for i in range(1, n_smelters + 1):
        lat, lon = _point(rng, centre, spread)
        sites.append((lat, lon))
        opens = rng.choice([0, 240, 300, 360, 480])
        closes = rng.choice([14 * 60, 20 * 60, 22 * 60, 24 * 60, 26 * 60])
        bays = rng.choice(["", 1, 1, 2, 3])
        smelter_rows.append([f"S{i}", f"Smelter {i}", lat, lon, _hhmm(opens), _hhmm(closes),
                             rng.choice([5, 10, 15, 20, 40]), bays])  # fmt: skip
        for alloy in rng.sample(ALLOYS, rng.randint(1, len(ALLOYS))):
            made.add(alloy)
            short = rng.random() < 0.3  # a smelter short of metal
            rate = 0 if short and rng.random() < 0.5 else rng.choice([1, 2, 4, 8])
            stock = rng.choice([0, 3, 6]) if short else rng.choice([12, 30, 60])
            tap_min = rng.choice([700, 720, 730, 740, 760])
            tap_max = tap_min + rng.choice([0, 20, 50, 80])
            production_rows.append([f"S{i}", alloy, rate, stock, tap_min, tap_max])

    caster_rows = []
    for i in range(1, n_casters + 1):
        lat, lon = _point(rng, centre, spread)
        sites.append((lat, lon))
        opens = rng.choice([0, 0, 0, 360, 420, 600])
        closes = rng.choice([14 * 60, 20 * 60, 22 * 60, 24 * 60, 24 * 60])
        pool = sorted(made) if rng.random() < 0.85 else [*ALLOYS, UNMADE_ALLOY]
        alloys = rng.sample(pool, rng.randint(1, min(3, len(pool))))
        caster_rows.append([f"C{i}", f"Caster {i}", lat, lon, _hhmm(opens), _hhmm(closes),
                            rng.choice([640, 660, 680, 700, 720]), rng.choice([5, 10, 15, 30]),
                            "", ";".join(alloys)])  # fmt: skip

    fleet_rows = []
    for i in range(1, n_trucks + 1):
        ladles = rng.choice([1, 2, 2, 3])
        ladle_t = rng.choice([2.0, 3.0, 3.0, 4.0, 5.0])
        tau = rng.choice([8.0, 25.0, 30.0, 30.0, 45.0, 60.0, 60.0, 90.0])
        start = rng.choice([0, 240, 300, 360, 480, 600])
        length = rng.choice([120, 240, 720, 960, 960, 1320])  # short shifts too
        cost = rng.random() < 0.5
        fleet_rows.append([f"T{i}", f"S{rng.randint(1, n_smelters)}", ladles, ladle_t, tau,
                           _hhmm(start), _hhmm(start + length),
                           round(rng.uniform(5, 12), 1) if cost else "",
                           round(rng.uniform(100, 200)) if cost else ""])  # fmt: skip

    order_rows = []
    for i in range(1, n_orders + 1):
        caster = rng.choice(caster_rows)
        alloys = caster[-1].split(";")
        alloy = rng.choice(alloys) if rng.random() < 0.95 else UNMADE_ALLOY
        kind = rng.random()
        if kind < 0.08:
            start = rng.randint(-600, -30)  # an order of the day before
        elif kind < 0.14:
            start = rng.randint(24 * 60 + 30, 30 * 60)  # of the next day
        elif kind < 0.25:
            start = rng.randint(21 * 60, 24 * 60 - 1)  # late, often across midnight
        else:  # mostly inside the caster's hours
            c_open, c_close = (int(t[:2]) * 60 + int(t[3:]) for t in (caster[4], caster[5]))
            start = rng.randint(
                max(5 * 60, c_open), max(5 * 60, c_open, min(20 * 60, c_close - 60))
            )
        length = rng.choice([0, 15, 30, 60, 120, 240, 360])
        tight = rng.random() < 0.15
        placed = start - (rng.randint(0, 5 * 60) if tight else rng.randint(5 * 60, 20 * 60))
        tonnes = rng.choice([0.5, 1.0, 2.5, 3.0, 4.0, 6.0, 9.0, 12.0, 20.0, 30.0])
        order_rows.append([f"O{i}", caster[0], alloy, tonnes, at(start), at(start + length),
                           at(placed)])  # fmt: skip

    files["smelters.csv"] = _csv(
        ["smelter_id", "name", "lat", "lon", "open", "close", "fill_min", "fill_bays"],
        smelter_rows,
    )
    files["production.csv"] = _csv(
        ["smelter_id", "alloy", "rate_tph", "stock_t", "tap_min_c", "tap_max_c"], production_rows
    )
    files["casters.csv"] = _csv(
        ["caster_id", "name", "lat", "lon", "open", "close", "min_pour_c", "unload_min",
         "daily_t", "alloys"],
        caster_rows,
    )  # fmt: skip
    files["fleet.csv"] = _csv(
        ["truck_id", "home_smelter", "ladles", "ladle_t", "tau_h", "shift_start", "shift_end",
         "cost_per_km", "cost_per_h"],
        fleet_rows,
    )  # fmt: skip
    files["orders.csv"] = _csv(
        ["order_id", "caster_id", "alloy", "tonnes", "window_start", "window_end", "placed_at"],
        order_rows,
    )
    if rng.random() < 0.3:
        files["roads.graphml"] = _road_graph(rng, sites, split=rng.random() < 0.4)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return files


# ----------------------------------------------------------------------------- checking
@dataclass
class Failure:
    """One failed example: what failed, for which seed and solver."""

    seed: int
    solver: str
    stage: str  # load | plan | checker | balance
    message: str
    files: dict[str, str] = field(default_factory=dict)


def problems_of(network: Any, outcome: Any) -> list[tuple[str, str]]:
    """What is wrong with one planned day: ``(stage, message)`` pairs, empty when sound."""
    found: list[tuple[str, str]] = []
    if not outcome.report.ok:
        found += [("checker", str(v)) for v in outcome.report.violations[:5]]
    plan = outcome.plan
    day = {o.order_id: o.tonnes for o in network.day_orders}
    done: dict[str, float] = defaultdict(float)
    for row in (*plan.runs, *plan.unserved):
        if row.order_id not in day:
            found.append(("balance", f"{row.order_id} is not an order of the plan day"))
        done[row.order_id] += row.tonnes
    for order_id, tonnes in day.items():
        if abs(done[order_id] - tonnes) > 1e-6:
            found.append(
                (
                    "balance",
                    f"{order_id}: {done[order_id]:.6g} t delivered + unserved of {tonnes} t",
                )
            )
    return found


def fuzz_example(
    seed: int, solvers: Sequence[str] = SOLVERS, time_limit_s: float = 1.0
) -> list[Failure]:
    """Write, load and plan one random network with each solver; its failures."""
    from logistics.errors import PlanningError
    from logistics.network.loader import load_network
    from logistics.pipeline import plan_day

    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        files = write_random_network(Path(tmp), seed)
        try:
            network = load_network(Path(tmp))
        except Exception as exc:  # the generator writes valid folders: any error is a bug
            return [Failure(seed, "-", "load", _describe(exc), files)]
    failures: list[Failure] = []
    for solver in solvers:
        try:
            outcome = plan_day(network, solver=solver, time_limit_s=time_limit_s)
        except PlanningError as exc:
            if network.day_orders:  # "nothing to plan" is the answer for an empty day only
                failures.append(Failure(seed, solver, "plan", _describe(exc), files))
            continue
        except Exception as exc:
            failures.append(Failure(seed, solver, "plan", _describe(exc), files))
            continue
        failures += [Failure(seed, solver, s, m, files) for s, m in problems_of(network, outcome)]
    return failures


def _describe(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"


# ------------------------------------------------------------------------------ command
def run_fuzz(
    examples: int, seed: int, time_limit_s: float = 1.0, results_dir: Path | None = None
) -> dict[str, Any]:
    """Fuzz ``examples`` seeds from ``seed``; write the results unless ``results_dir`` is None."""
    started = time.perf_counter()
    failures: list[Failure] = []
    for s in range(seed, seed + examples):
        failures += fuzz_example(s, time_limit_s=time_limit_s)
    wall = time.perf_counter() - started
    result = {
        "command": f"python -m benchmarks fuzz --examples {examples} --seed {seed}",
        "date": date.today().isoformat(),
        "examples": examples,
        "first_seed": seed,
        "solvers": list(SOLVERS),
        "time_limit_s": time_limit_s,
        "failed_examples": len({f.seed for f in failures}),
        "failures": [asdict(f) for f in failures],
        "wall_time_s": round(wall, 1),
    }
    if results_dir is not None:
        results_dir.mkdir(parents=True, exist_ok=True)
        (results_dir / f"fuzz-{result['date']}.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (results_dir / "latest-fuzz.md").write_text(_markdown(result), encoding="utf-8")
    return result


def _markdown(result: dict[str, Any]) -> str:
    lines = [
        f"# Solver fuzzing, {result['date']}",
        "",
        f"`{result['command']}` (solvers {', '.join(result['solvers'])}, "
        f"{result['time_limit_s']:g} s each)",
        "",
        f"- examples: {result['examples']} (seeds {result['first_seed']}–"
        f"{result['first_seed'] + result['examples'] - 1})",
        f"- failed examples: {result['failed_examples']}",
        f"- wall time: {result['wall_time_s']:.1f} s",
        "",
    ]
    if result["failures"]:
        lines += ["| seed | solver | stage | message |", "| ---: | --- | --- | --- |"]
        for f in result["failures"]:
            message = f["message"].replace("|", "\\|").replace("\n", " ")[:200]
            lines.append(f"| {f['seed']} | {f['solver']} | {f['stage']} | {message} |")
        lines += ["", "Each failure's network folder is in the JSON file (`files`)."]
    return "\n".join(lines) + "\n"


def add_parser(sub: Any, results_default: str) -> None:
    """Add the ``fuzz`` subcommand to the benchmark command line."""
    p = sub.add_parser("fuzz", help="random networks through both solvers and the checker")
    p.add_argument("--examples", type=int, default=200, help="random networks (default 200)")
    p.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    p.add_argument("--time-limit", type=float, default=1.0, help="seconds per solver run")
    p.add_argument("--results-dir", default=results_default, help="where results go")
    p.add_argument("--dry", action="store_true", help="print only, write no files")


def command(args: argparse.Namespace) -> int:
    """Run ``python -m benchmarks fuzz``; 0 when every example passed, 1 otherwise."""
    if args.examples < 1 or args.seed < 0 or args.time_limit <= 0:
        raise SystemExit("fuzz: --examples ≥ 1, --seed ≥ 0 and --time-limit > 0")
    result = run_fuzz(
        args.examples, args.seed, args.time_limit, None if args.dry else Path(args.results_dir)
    )
    print(_markdown(result))
    return 1 if result["failures"] else 0
