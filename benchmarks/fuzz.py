"""Solver fuzzing: random network folders planned by both solvers, every plan checked.

Each example is a network folder drawn from one integer seed (:func:`write_random_network`);
the seed also chooses its kind (:func:`kind_of_seed`, ``seed % 3``):

* **small** (:func:`small_files`): from 1 smelter, 1 caster and 1 truck up to 30 orders;
  mixed fleets (1–3 ladles of 2–5 t, τ 8–90 h); tight and late orders, windows across
  midnight and orders of the days before and after; cold ambient (down to −25 °C), short
  shifts, smelters short of metal, fill bays, closed hours; a ``roads.graphml`` road graph
  on some days (sometimes in two parts, so some sites cannot reach others); a
  daylight-saving day in Europe/Berlin now and then.
* **large** (:func:`benchmarks.fuzz_draws.large_files`): realistic days of 50–400 orders,
  10–60 trucks, 2–8 smelters, built on ``generate_network`` and perturbed towards hilly
  roads, cold winters, small fast-cooling ladles and orders placed exactly the lead time
  before their window.
* **edge** (:func:`benchmarks.fuzz_draws.edge_files`): small networks whose values sit on
  boundaries: lead time, one-pour and zero-length windows, caster closing, one fill bay,
  production equal to demand, holds equal to drive times, shifts ending at a pour's end
  or at home, fractional minutes, plausibility limits at their bounds.

The folder is loaded with the project's loader and planned with ``plan_day`` (one
process, ``workers=1``) by each solver. An example fails when

* loading or planning raises (any exception; a day without orders must raise
  ``PlanningError``, "nothing to plan"), or
* the optimiser fell back to the dispatcher's plan (``plan.solver.status ==
  "fallback_dispatcher"``; its ``fallback_reason`` is the message), or
* the independent checker finds a violation in the plan, or
* an order of the plan day is not exactly delivered + unserved (recomputed from the
  plan's rows), or a row names an order that is not of the plan day.

``python -m benchmarks fuzz`` (:func:`command`) runs the examples in ``--workers``
processes (a fresh spawned process per example) and writes
``benchmarks/results/fuzz-<date>.json`` and ``latest-fuzz.md``: the examples per kind,
the failures (seed, kind, solver, stage, message) by stage, the network folder of every
failed example (so that it can be replayed without this module) and the wall time.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import io
import itertools
import json
import logging
import math
import multiprocessing
import random
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SOLVERS = ("greedy", "ortools")
KINDS = ("small", "large", "edge")
ALLOYS = ("ADC12", "A380", "ZL114A")
UNMADE_ALLOY = "AlSi7Mg"  # ordered now and then, made nowhere
EARTH_KM = 6371.0088
#: Default examples of ``python -m benchmarks fuzz`` (a third of each kind).
DEFAULT_EXAMPLES = 2001
#: Seconds per solver run of a small or edge example, and at least this for a large one.
DEFAULT_TIME_LIMIT_S = 1.0
DEFAULT_LARGE_TIME_LIMIT_S = 5.0
#: The dispatcher's plan returned by the safety net when the optimiser failed.
FALLBACK_STATUS = "fallback_dispatcher"


def kind_of_seed(seed: int) -> str:
    """The kind of network a seed draws: ``small``, ``large`` or ``edge`` (``seed % 3``)."""
    return KINDS[seed % len(KINDS)]


def seeds_of(first: int, count: int, kind: str = "all") -> list[int]:
    """``count`` seeds from ``first`` on, only those of ``kind`` unless it is ``all``."""
    if kind == "all":
        return list(range(first, first + count))
    return list(
        itertools.islice((s for s in itertools.count(first) if kind_of_seed(s) == kind), count)
    )


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


def small_files(seed: int) -> dict[str, str]:
    """The files of one small random network drawn from ``seed``.

    From 1 smelter, 1 caster and 1 truck up to 30 orders: mixed fleets (1–3 ladles of
    2–5 t, τ 8–90 h), tight and late orders, windows across midnight, orders of the days
    before and after, cold ambient, short shifts, smelters short of metal, fill bays,
    closed hours, a ``roads.graphml`` on some days (sometimes cut in two), a
    daylight-saving day in Europe/Berlin now and then.

    Parameters
    ----------
    seed : int
        The example's seed.

    Returns
    -------
    dict of str to str
        File name → text.
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
    files["network.toml"] += _driver_rules(seed, n_casters)
    return files


def _driver_rules(seed: int, n_casters: int) -> str:
    """A ``[drivers]`` table for about a third of the small days (its own draws, so the
    other files of a seed stay as they were): tight and loose hours, handovers, an
    entry ban on a caster now and then."""
    rng = random.Random(seed * 7919 + 25)
    if rng.random() >= 0.35:
        return ""
    text = (
        "\n[drivers]\n"
        f"max_continuous_driving_h = {rng.choice([0.5, 1, 2, 4, 4])}\n"
        f"min_break_min = {rng.choice([5, 20, 20, 45])}\n"
        f"max_daily_driving_h = {rng.choice([1, 3, 6, 8, 8, 24])}\n"
        f"handover_at_smelter = {'true' if rng.random() < 0.4 else 'false'}\n"
    )
    if rng.random() < 0.4:
        lo = rng.randint(0, 23)
        hi = (lo + rng.choice([1, 2, 3, 12])) % 24
        text += (
            f'\n[[drivers.entry_bans]]\ncasters = ["C{rng.randint(1, n_casters)}"]\n'
            f"from_h = {lo}\nto_h = {hi}\n"
        )
    return text


def network_files(seed: int) -> tuple[str, dict[str, str], list[str]]:
    """The kind, the files and the edge draws of the network of ``seed``.

    Parameters
    ----------
    seed : int
        The example's seed (≥ 0); it chooses the kind (:func:`kind_of_seed`).

    Returns
    -------
    tuple
        ``(kind, files, drawn)``: file name → text, and for an edge network the edge
        draws it holds (empty for the other kinds).
    """
    from benchmarks.fuzz_draws import edge_files, large_files
    from benchmarks.fuzz_ladles import with_ladle_pool

    kind = kind_of_seed(seed)
    if kind == "small":
        files, drawn = small_files(seed), []
    elif kind == "large":
        files, drawn = large_files(seed), []
    else:
        files, drawn = edge_files(seed)
    files, pool = with_ladle_pool(seed, files)
    return kind, files, drawn + pool


def write_random_network(folder: Path, seed: int) -> dict[str, str]:
    """Write one random network folder drawn from ``seed``; return its files' text.

    Parameters
    ----------
    folder : Path
        Folder to write (created; existing files of the same names are replaced).
    seed : int
        The example's seed: the same seed always writes the same files; ``seed % 3``
        chooses the kind (0 small, 1 large, 2 edge).

    Returns
    -------
    dict of str to str
        File name → text, as written.
    """
    _, files, _ = network_files(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return files


# ----------------------------------------------------------------------------- checking
@dataclass
class Failure:
    """One failed example: what failed, for which seed and solver.

    ``stage`` is ``generate``, ``load``, ``plan``, ``fallback``, ``checker``,
    ``balance`` or ``crash`` (the example's process died); under ``--managed`` also
    ``managed-copy`` (writing the managed copy failed) and ``horizon`` (the horizon
    checker's violations).
    """

    seed: int
    solver: str
    stage: str
    message: str
    files: dict[str, str] = field(default_factory=dict, repr=False)
    kind: str = ""


@dataclass
class ExampleResult:
    """What one example did: its kind and size, wall time, failures and edge draws."""

    seed: int
    kind: str
    orders: int = 0
    wall_s: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    drawn: list[str] = field(default_factory=list)
    #: ``fleet`` rows written, and how many of them the checker found room for (its
    #: ``fleet_room`` warnings), over both solvers.
    fleet_rows: int = 0
    fleet_room: int = 0
    #: Managed furnaces planned, summed over the days (``--managed`` only).
    furnaces: int = 0
    #: The network folder's files (``--managed`` only: those of the managed copy).
    files: dict[str, str] = field(default_factory=dict, repr=False)


def problems_of(network: Any, outcome: Any) -> list[tuple[str, str]]:
    """What is wrong with one planned day: ``(stage, message)`` pairs, empty when sound.

    A plan the optimiser's safety net made (``solver.status`` is
    ``"fallback_dispatcher"``) is a ``fallback`` with its ``fallback_reason``; then the
    checker's violations and the balance of every order of the day (the managed
    furnaces' deliveries the plan decided included).
    """
    found: list[tuple[str, str]] = []
    plan = outcome.plan
    solver = getattr(plan, "solver", None)
    if solver is not None and getattr(solver, "status", None) == FALLBACK_STATUS:
        reason = getattr(solver, "fallback_reason", None)
        found.append(("fallback", str(reason) if reason else FALLBACK_STATUS))
    if not outcome.report.ok:
        found += [("checker", str(v)) for v in outcome.report.violations[:5]]
    supply = getattr(plan, "supply", None)
    deliveries = supply.deliveries if supply is not None else ()  # the planner's own orders
    day = {o.order_id: o.tonnes for o in (*network.day_orders, *deliveries)}
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


def time_limit_for(kind: str, time_limit_s: float, large_time_limit_s: float) -> float:
    """Seconds per solver run: ``time_limit_s``, at least ``large_time_limit_s`` if large."""
    return max(time_limit_s, large_time_limit_s) if kind == "large" else time_limit_s


def run_example(
    seed: int,
    solvers: Sequence[str] = SOLVERS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    large_time_limit_s: float = DEFAULT_LARGE_TIME_LIMIT_S,
    portfolio: tuple[str, ...] | None = None,
) -> ExampleResult:
    """Write, load and plan one random network with each solver, in this process.

    Parameters
    ----------
    seed : int
        The example's seed (it chooses the kind).
    solvers : sequence of str
        Solvers to plan with (``greedy``, ``ortools``).
    time_limit_s : float
        Seconds per solver run of a small or edge example.
    large_time_limit_s : float
        Seconds per solver run of a large example (at least ``time_limit_s``).
    portfolio : tuple of str, optional
        Search members of the optimiser (``PlanOptions.portfolio``; default the
        planner's own): ``--portfolio gls-trips`` fuzzes one member alone.

    Returns
    -------
    ExampleResult
        Kind, day orders, wall time, failures (each with the folder's files) and draws.
    """
    from logistics.network.loader import load_network
    from logistics.plan.options import PlanOptions

    started = time.perf_counter()
    kind = kind_of_seed(seed)
    result = ExampleResult(seed, kind)

    def fail(solver: str, stage: str, message: str, files: dict[str, str]) -> None:
        result.failures.append(Failure(seed, solver, stage, message, files, kind))

    try:
        kind, files, result.drawn = network_files(seed)
    except Exception as exc:  # the generator itself broke: a bug of this module
        fail("-", "generate", _describe(exc), {})
        result.wall_s = round(time.perf_counter() - started, 2)
        return result
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        for name, text in files.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        try:
            network = load_network(Path(tmp))
        except Exception as exc:  # the generator writes valid folders: any error is a bug
            fail("-", "load", _describe(exc), files)
            result.wall_s = round(time.perf_counter() - started, 2)
            return result
    result.orders = len(network.day_orders)
    limit = time_limit_for(kind, time_limit_s, large_time_limit_s)
    for solver in solvers:
        options = PlanOptions(solver=solver, time_limit_s=limit, workers=1, portfolio=portfolio)
        _plan_one_day(result, network, options, files)
    result.wall_s = round(time.perf_counter() - started, 2)
    return result


def _plan_one_day(result: ExampleResult, network: Any, options: Any, files: dict[str, str]) -> None:
    """Plan ``network``'s day with ``options`` and add what went wrong to ``result``."""
    from logistics.errors import PlanningError
    from logistics.pipeline import plan_day

    solver = options.solver

    def fail(stage: str, message: str) -> None:
        result.failures.append(Failure(result.seed, solver, stage, message, files, result.kind))

    try:
        outcome = plan_day(network, options)
    except PlanningError as exc:
        if network.day_orders:  # "nothing to plan" is the answer for an empty day only
            fail("plan", _describe(exc))
        return
    except Exception as exc:
        fail("plan", _describe(exc))
        return
    for stage, message in problems_of(network, outcome):
        fail(stage, message)
    result.fleet_rows += sum(1 for u in outcome.plan.unserved if u.reason == "fleet")
    result.fleet_room += sum(1 for w in outcome.report.warnings if w.rule == "fleet_room")


#: Days a managed example plans (as ``molten plan NETWORK --days 2``).
MANAGED_DAYS = 2


def run_managed_example(
    seed: int,
    solvers: Sequence[str] = SOLVERS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    large_time_limit_s: float = DEFAULT_LARGE_TIME_LIMIT_S,
    portfolio: tuple[str, ...] | None = None,
) -> ExampleResult:
    """Plan the network of ``seed`` with every other caster on managed supply, over 2 days.

    The random folder is turned into a managed copy
    (:func:`benchmarks.supply_network.write_managed_copy`, ``every=2``) and planned by the
    optimiser over :data:`MANAGED_DAYS` days (``plan_horizon``, as ``molten plan NETWORK
    --days 2``); a network whose chosen casters order nothing on the plan day is planned
    as one day, as :func:`run_example` does. It fails as :func:`run_example` does, per day
    (stage names prefixed ``day K:`` in the message), and when the horizon checker
    (``check_plans``, the furnace levels carried by the checker) finds a violation
    (stage ``horizon``).

    Parameters
    ----------
    seed : int
        The example's seed (it chooses the kind).
    solvers : sequence of str
        Ignored but for its order: only the optimiser (``ortools``) plans.
    time_limit_s, large_time_limit_s, portfolio
        As :func:`run_example` (seconds per day's plan).

    Returns
    -------
    ExampleResult
        As :func:`run_example`; ``furnaces`` counts the managed furnaces planned.
    """
    from logistics.plan.options import PlanOptions

    started = time.perf_counter()
    result = ExampleResult(seed, kind_of_seed(seed))
    limit = time_limit_for(result.kind, time_limit_s, large_time_limit_s)
    options = PlanOptions(solver="ortools", time_limit_s=limit, workers=1, portfolio=portfolio)
    with tempfile.TemporaryDirectory(prefix="fuzz-managed-") as tmp:
        network = _managed_network(result, Path(tmp))
        if network is not None and any(f.managed for f in network.furnaces):
            _plan_managed(result, network, Path(tmp) / "managed", options)
        elif network is not None:
            _plan_one_day(result, network, options, result.files)
    result.wall_s = round(time.perf_counter() - started, 2)
    return result


def _managed_network(result: ExampleResult, tmp: Path) -> Any:
    """The managed copy's network of ``result.seed`` (written to ``tmp / "managed"``), the
    plain network when no caster of the copy orders on the plan day, ``None`` on failure."""
    from benchmarks.supply_network import write_managed_copy
    from logistics.network.loader import load_network

    def fail(stage: str, exc: Exception) -> None:
        result.failures.append(
            Failure(result.seed, "-", stage, _describe(exc), result.files, result.kind)
        )

    try:
        _, result.files, result.drawn = network_files(result.seed)
    except Exception as exc:
        fail("generate", exc)
        return None
    for name, text in result.files.items():
        (tmp / name).write_text(text, encoding="utf-8")
    try:
        plain = load_network(tmp)
    except Exception as exc:
        fail("load", exc)
        return None
    chosen = {c.caster_id for c in plain.casters[::2]}
    result.orders = len(plain.day_orders)
    if not any(o.caster_id in chosen for o in plain.day_orders):
        return plain  # nothing to manage: planned as a plain day
    try:
        write_managed_copy(tmp, tmp / "managed", every=2)
        result.files = {p.name: p.read_text(encoding="utf-8") for p in (tmp / "managed").iterdir()}
        return load_network(tmp / "managed")
    except Exception as exc:
        fail("managed-copy", exc)
        return None


def _plan_managed(result: ExampleResult, network: Any, folder: Path, options: Any) -> None:
    """Plan ``network`` over :data:`MANAGED_DAYS` days; add what went wrong to ``result``."""
    from logistics.check import check
    from logistics.check.horizon import check_plans
    from logistics.errors import PlanningError
    from logistics.network.loader import load_network
    from logistics.pipeline.horizon import plan_horizon

    def fail(stage: str, message: str) -> None:
        result.failures.append(
            Failure(result.seed, "ortools", stage, message, result.files, result.kind)
        )

    start = network.plan_date

    def load_day(day: date) -> Any:
        return network if day == start else load_network(folder, day)

    try:
        outcome = plan_horizon(load_day, start, MANAGED_DAYS, options)
    except PlanningError as exc:
        if "nothing to plan" not in str(exc):
            fail("plan", _describe(exc))
        return
    except Exception as exc:
        fail("plan", _describe(exc))
        return
    plans = [o.plan for o in outcome.outcomes]
    for k, (day, planned) in enumerate(zip(outcome.networks, outcome.outcomes, strict=True), 1):
        for stage, message in problems_of(day, planned):
            fail(stage, f"day {k}: {message}")
        supply = planned.plan.supply
        result.furnaces += len(supply.furnaces) if supply is not None else 0
        result.fleet_rows += sum(1 for u in planned.plan.unserved if u.reason == "fleet")
        result.fleet_room += sum(1 for w in planned.report.warnings if w.rule == "fleet_room")
    try:
        reports = check_plans(network, plans, load_day, lambda n, p, t: check(n, p, t))
    except Exception as exc:
        fail("horizon", _describe(exc))
        return
    for k, (_, report) in enumerate(reports, 1):
        for v in report.violations[:5]:
            fail("horizon", f"day {k}: {v}")


def fuzz_example(
    seed: int,
    solvers: Sequence[str] = SOLVERS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    large_time_limit_s: float = DEFAULT_LARGE_TIME_LIMIT_S,
) -> list[Failure]:
    """Write, load and plan one random network with each solver; its failures.

    See :func:`run_example` (this process, no pool).
    """
    return run_example(seed, solvers, time_limit_s, large_time_limit_s).failures


def _describe(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"


# ---------------------------------------------------------------------------- processes
def _quiet() -> None:
    """Worker start-up: only errors from the library's loggers (not a warning per order)."""
    logging.basicConfig(level=logging.ERROR)


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    """A pool of spawned processes, each running one example and then exiting."""
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        max_tasks_per_child=1,
        initializer=_quiet,
    )


def _crashed(seed: int, exc: BaseException) -> ExampleResult:
    kind = kind_of_seed(seed)
    try:
        files = network_files(seed)[1]
    except Exception:
        files = {}
    message = f"the example's process died ({type(exc).__name__}: {exc})"
    return ExampleResult(seed, kind, failures=[Failure(seed, "-", "crash", message, files, kind)])


def _example(seed: int, managed: bool, *args: Any) -> ExampleResult:
    """Run one example (:func:`run_managed_example` under ``managed``) in this process."""
    return (run_managed_example if managed else run_example)(seed, *args)


def _alone(seed: int, args: tuple[Any, ...]) -> ExampleResult:
    """Run one example in a pool of its own: a crash there is this example's."""
    with _pool(1) as pool:
        try:
            return pool.submit(_example, seed, *args).result()
        except BrokenProcessPool as exc:
            return _crashed(seed, exc)


def run_examples(
    seeds: Sequence[int],
    workers: int = 1,
    solvers: Sequence[str] = SOLVERS,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    large_time_limit_s: float = DEFAULT_LARGE_TIME_LIMIT_S,
    progress: Any = None,
    portfolio: tuple[str, ...] | None = None,
    managed: bool = False,
) -> list[ExampleResult]:
    """Run examples in ``workers`` spawned processes, one fresh process per example.

    At most ``workers`` examples run at once. When a process dies (the pool breaks), the
    examples that were running are each run again alone, and the one whose process
    dies again fails with stage ``crash``.

    Parameters
    ----------
    seeds : sequence of int
        The examples.
    workers : int
        Processes at once.
    solvers, time_limit_s, large_time_limit_s, portfolio
        As :func:`run_example`.
    progress : callable, optional
        Called with each :class:`ExampleResult` as it completes.
    managed : bool
        Run :func:`run_managed_example` instead of :func:`run_example`.

    Returns
    -------
    list of ExampleResult
        In the order of ``seeds``.
    """
    args = (managed, tuple(solvers), time_limit_s, large_time_limit_s, portfolio)
    done: dict[int, ExampleResult] = {}
    waiting = list(seeds)[::-1]
    pool = _pool(workers)
    running: dict[cf.Future, int] = {}

    def finish(result: ExampleResult) -> None:
        done[result.seed] = result
        if progress is not None:
            progress(result)

    try:
        while waiting or running:
            while waiting and len(running) < workers:
                seed = waiting.pop()
                running[pool.submit(_example, seed, *args)] = seed
            finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            broken = False
            for future in finished:
                seed = running.pop(future)
                try:
                    finish(future.result())
                except BrokenProcessPool:
                    broken = True
                    running[future] = seed  # a suspect: run again alone below
            if broken:
                suspects = list(running.values())
                running.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                for seed in suspects:
                    finish(_alone(seed, args))
                pool = _pool(workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [done[s] for s in seeds]


# ------------------------------------------------------------------------------ command
def run_fuzz(
    examples: int,
    seed: int,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    results_dir: Path | None = None,
    *,
    kind: str = "all",
    workers: int = 1,
    large_time_limit_s: float = DEFAULT_LARGE_TIME_LIMIT_S,
    seeds: Sequence[int] | None = None,
    command: str | None = None,
    echo: bool = False,
    portfolio: tuple[str, ...] | None = None,
    managed: bool = False,
) -> dict[str, Any]:
    """Fuzz ``examples`` seeds of ``kind`` from ``seed`` (or the given ``seeds``).

    Parameters
    ----------
    examples : int
        Examples to run (ignored when ``seeds`` is given).
    seed : int
        First seed.
    time_limit_s : float
        Seconds per solver run (small and edge examples).
    results_dir : Path, optional
        Where ``fuzz-<date>.json`` and ``latest-fuzz.md`` go; ``None`` writes nothing.
    kind : {"all", "small", "large", "edge"}
        Only examples of this kind (their seeds are those with ``seed % 3`` of it).
    workers : int
        Processes at once (one fresh process per example).
    large_time_limit_s : float
        Seconds per solver run of a large example (at least ``time_limit_s``).
    seeds : sequence of int, optional
        Exactly these seeds (replaying failures).
    command : str, optional
        The command line recorded in the results.
    echo : bool
        Print a line per failed example and a count every 50 examples on stderr.
    portfolio : tuple of str, optional
        Search members of the optimiser (see :func:`run_example`).
    managed : bool
        Every other caster on managed supply, planned by the optimiser over 2 days
        (:func:`run_managed_example`); the files are ``fuzz-managed-<date>.json`` and
        ``latest-fuzz-managed.md``.

    Returns
    -------
    dict
        The results, as written to the JSON file.
    """
    chosen = list(seeds) if seeds is not None else seeds_of(seed, examples, kind)
    started = time.perf_counter()
    count = 0

    def progress(result: ExampleResult) -> None:
        nonlocal count
        count += 1
        if not echo:
            return
        if result.failures:
            stages = ", ".join(sorted({f.stage for f in result.failures}))
            print(f"seed {result.seed} ({result.kind}): failed ({stages})", file=sys.stderr)
        if count % 50 == 0 or count == len(chosen):
            print(f"{count}/{len(chosen)} examples, {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)  # fmt: skip

    solvers = ("ortools",) if managed else SOLVERS
    results = run_examples(
        chosen, workers, solvers, time_limit_s, large_time_limit_s, progress, portfolio, managed
    )
    wall = time.perf_counter() - started
    failures = [f for r in results for f in r.failures]
    by_kind: dict[str, dict[str, Any]] = {}
    for k in KINDS:
        mine = [r for r in results if r.kind == k]
        by_kind[k] = {
            "examples": len(mine),
            "failed_examples": sum(1 for r in mine if r.failures),
            "time_limit_s": time_limit_for(k, time_limit_s, large_time_limit_s),
            "day_orders": [min((r.orders for r in mine), default=0),
                           max((r.orders for r in mine), default=0)],
            "example_wall_s": round(sum(r.wall_s for r in mine), 1),
        }  # fmt: skip
    stages: dict[str, dict[str, int]] = {}
    for stage in sorted({f.stage for f in failures}):
        mine = [f for f in failures if f.stage == stage]
        stages[stage] = {
            "failures": len(mine),
            "examples": len({f.seed for f in mine}),
            **{f"examples_{k}": len({f.seed for f in mine if f.kind == k}) for k in KINDS},
        }
    networks = {str(f.seed): f.files for f in failures}
    result = {
        "command": command
        or f"python -m benchmarks fuzz --examples {examples} --seed {seed} --kind {kind}"
        + (" --managed" if managed else ""),
        "date": date.today().isoformat(),
        "examples": len(chosen),
        "first_seed": chosen[0] if chosen else seed,
        "last_seed": chosen[-1] if chosen else seed,
        "seeds": chosen if seeds is not None else None,
        "kind": kind,
        "solvers": list(solvers),
        "managed": managed,
        "managed_furnaces": sum(r.furnaces for r in results),
        "time_limit_s": time_limit_s,
        "large_time_limit_s": max(time_limit_s, large_time_limit_s),
        "workers": workers,
        "portfolio": list(portfolio) if portfolio else None,
        "failed_examples": len({f.seed for f in failures}),
        "fleet_rows": sum(r.fleet_rows for r in results),
        "fleet_room": sum(r.fleet_room for r in results),
        "fleet_room_examples": sorted(r.seed for r in results if r.fleet_room),
        "kinds": by_kind,
        "stages": stages,
        "failures": [{k: v for k, v in asdict(f).items() if k != "files"} for f in failures],
        "examples_run": [
            {
                "seed": r.seed,
                "kind": r.kind,
                "orders": r.orders,
                "wall_s": r.wall_s,
                "failed": sorted({f.stage for f in r.failures}),
                **({"fleet_rows": r.fleet_rows} if r.fleet_rows else {}),
                **({"fleet_room": r.fleet_room} if r.fleet_room else {}),
                **({"drawn": r.drawn} if r.drawn else {}),
                **({"furnaces": r.furnaces} if managed else {}),
            }
            for r in results
        ],
        "networks": networks,
        "wall_time_s": round(wall, 1),
    }
    if results_dir is not None:
        name = "fuzz-managed" if managed else "fuzz"
        results_dir.mkdir(parents=True, exist_ok=True)
        (results_dir / f"{name}-{result['date']}.json").write_text(
            json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (results_dir / f"latest-{name}.md").write_text(markdown(result), encoding="utf-8")
    return result


def markdown(result: dict[str, Any]) -> str:
    """The results as the ``latest-fuzz.md`` report."""
    managed = result.get("managed", False)
    title = "Solver fuzzing, managed supply over 2 days" if managed else "Solver fuzzing"
    lines = [
        f"# {title}, {result['date']}",
        "",
        f"`{result['command']}` (solvers {', '.join(result['solvers'])}; "
        f"{result['time_limit_s']:g} s per solver run, large examples "
        f"{result['large_time_limit_s']:g} s; {result['workers']} worker processes)",
        "",
        f"- examples: {result['examples']} (seeds {result['first_seed']}–{result['last_seed']})",
        f"- failed examples: {result['failed_examples']}",
        *(
            [f"- managed furnaces planned (furnace-days): {result['managed_furnaces']}"]
            if managed
            else []
        ),
        f"- `fleet` rows written: {result.get('fleet_rows', 0):,}, of which the checker found "
        f"room for {result.get('fleet_room', 0):,} (`fleet_room` warnings, in "
        f"{len(result.get('fleet_room_examples', []))} examples: a planner weakness, not a "
        "failure; the plan keeps every rule)",
        f"- wall time: {result['wall_time_s']:.1f} s",
        "",
        "| kind | examples | failed | day orders | s per solver run | example time, s |",
        "| --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for kind, row in result["kinds"].items():
        lo, hi = row["day_orders"]
        lines.append(
            f"| {kind} | {row['examples']} | {row['failed_examples']} | {lo}–{hi} | "
            f"{row['time_limit_s']:g} | {row['example_wall_s']:.1f} |"
        )
    if result["stages"]:
        lines += [
            "",
            "Failures by stage (an example may fail at several stages and with both solvers):",
            "",
            "| stage | failures | examples | small | large | edge |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for stage, row in result["stages"].items():
            lines.append(
                f"| {stage} | {row['failures']} | {row['examples']} | {row['examples_small']} "
                f"| {row['examples_large']} | {row['examples_edge']} |"
            )
    if result["failures"]:
        shown = result["failures"][:200]
        lines += [
            "",
            "| seed | kind | solver | stage | message |",
            "| ---: | --- | --- | --- | --- |",
        ]
        for f in shown:
            message = f["message"].replace("|", "\\|").replace("\n", " ")[:200]
            lines.append(
                f"| {f['seed']} | {f['kind']} | {f['solver']} | {f['stage']} | {message} |"
            )
        if len(result["failures"]) > len(shown):
            lines.append(f"| … | | | | {len(result['failures']) - len(shown)} more in the JSON |")
        lines += [
            "",
            "Each failed example's network folder is in the JSON file (`networks`, by seed);",
            f"`python -m benchmarks fuzz --seeds SEED{' --managed' if managed else ''}` "
            "runs it again.",
        ]
    return "\n".join(lines) + "\n"


def add_parser(sub: Any, results_default: str) -> None:
    """Add the ``fuzz`` subcommand to the benchmark command line."""
    p = sub.add_parser("fuzz", help="random networks through both solvers and the checker")
    p.add_argument(
        "--examples", type=int, default=DEFAULT_EXAMPLES,
        help=f"random networks (default {DEFAULT_EXAMPLES}: a third of each kind)",
    )  # fmt: skip
    p.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    p.add_argument("--seeds", default=None, help="exactly these seeds, comma-separated (replay)")
    p.add_argument(
        "--kind",
        dest="example_kind",
        choices=["all", *KINDS],
        default="all",
        help="only examples of this kind (seed %% 3: 0 small, 1 large, 2 edge)",
    )  # fmt: skip  (dest: ``kind`` is the benchmark command's subcommand)
    p.add_argument("--workers", type=int, default=1, help="examples at once (processes)")
    p.add_argument(
        "--time-limit", type=float, default=DEFAULT_TIME_LIMIT_S,
        help="seconds per solver run (default 1)",
    )  # fmt: skip
    p.add_argument(
        "--large-time-limit", type=float, default=DEFAULT_LARGE_TIME_LIMIT_S,
        help="seconds per solver run of a large example (default 5; at least --time-limit)",
    )  # fmt: skip
    p.add_argument(
        "--portfolio", default=None,
        help="optimiser search members, comma-separated (default the planner's own)",
    )  # fmt: skip
    p.add_argument(
        "--managed", action="store_true",
        help="every other caster on managed supply, planned by the optimiser over 2 days "
        "(writes fuzz-managed-<date>.json)",
    )  # fmt: skip
    p.add_argument("--results-dir", default=results_default, help="where results go")
    p.add_argument("--dry", action="store_true", help="print only, write no files")


def _parse_seeds(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise SystemExit(
            f"fuzz: --seeds takes whole numbers separated by commas (got {text!r})"
        ) from None
    if not seeds or min(seeds) < 0:
        raise SystemExit("fuzz: --seeds needs at least one seed, none below 0")
    return seeds


def command(args: argparse.Namespace) -> int:
    """Run ``python -m benchmarks fuzz``; 0 when every example passed, 1 otherwise."""
    seeds = _parse_seeds(args.seeds)
    if (
        args.examples < 1
        or args.seed < 0
        or args.time_limit <= 0
        or args.large_time_limit <= 0
        or args.workers < 1
    ):
        raise SystemExit("fuzz: --examples ≥ 1, --seed ≥ 0, --workers ≥ 1 and time limits > 0")
    line = f"python -m benchmarks fuzz --examples {args.examples} --seed {args.seed}"
    if seeds is not None:
        line = f"python -m benchmarks fuzz --seeds {','.join(map(str, seeds))}"
    elif args.example_kind != "all":
        line += f" --kind {args.example_kind}"
    line += f" --workers {args.workers}"
    if args.time_limit != DEFAULT_TIME_LIMIT_S:
        line += f" --time-limit {args.time_limit:g}"
    if args.large_time_limit != DEFAULT_LARGE_TIME_LIMIT_S:
        line += f" --large-time-limit {args.large_time_limit:g}"
    portfolio = tuple(args.portfolio.split(",")) if args.portfolio else None
    if portfolio:
        line += f" --portfolio {args.portfolio}"
    managed = getattr(args, "managed", False)
    if managed:
        line += " --managed"
    result = run_fuzz(
        args.examples,
        args.seed,
        args.time_limit,
        None if args.dry else Path(args.results_dir),
        kind=args.example_kind,
        workers=args.workers,
        large_time_limit_s=args.large_time_limit,
        seeds=seeds,
        command=line,
        echo=True,
        portfolio=portfolio,
        managed=managed,
    )
    print(markdown(result))
    return 1 if result["failures"] else 0
