"""``python -m benchmarks literature --set mtvrptwr``: the ladle engine against the BKS.

Each instance is planned by the engine that plans ladle days (:func:`logistics.plan_day`
through the thin adapter :mod:`benchmarks.ladle_adapter`) and solved natively by PyVRP
(the peer, unless ``--no-peers``), each in a fresh process under the same wall-clock
limit. Both answers are judged the same way, outside the solvers: the routes (for the
ladle engine: read back from the plan's rows) are re-simulated on the instance's own
rules (:func:`benchmarks.mtvrptwr.check_routes`) and their DIMACS distance recomputed
(:func:`benchmarks.mtvrptwr.routes_tenths`); the ladle plan is also checked by the
project's independent checker (:func:`logistics.check`, run inside ``plan_day``).

Gap = (distance − BKS) / BKS in per cent, the BKS from the instance's ``.sol`` file
(DIMACS rounding; ``bks_optimal`` where the file says it is proven optimal).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.ladle_adapter import CUTS, DIFFERENCES, Cut, plan_ladle_day, routes_of_plan
from benchmarks.ladle_adapter import served_clients as served_by_plan
from benchmarks.mtvrptwr import (
    MtBks,
    MtInstance,
    Routes,
    check_routes,
    read_mt_solution,
    read_mtvrptwr,
    routes_tenths,
    solve_pyvrp_mt,
)
from benchmarks.readers import instance_paths

#: The solver name of the engine that plans ladle days in the tables.
LADLE = "ladle_engine"
#: The peer on the instance as the ladle day sees it: at most 6 clients a trip (a truck's
#: 6 ladles, one client a ladle) besides the capacity.
SLOTTED = "pyvrp_6_slots"
#: Ladle slots of the slotted peer: a truck's most ladles in the network format.
SLOTS = 6

#: Columns of the results table (the CSV holds every field).
COLUMNS = (
    "instance",
    "solver",
    "bks_optimal",
    "distance",
    "bks_distance",
    "gap_pct",
    "served",
    "trips",
    "max_per_trip",
    "checker_violations",
    "trips_over_q",
    "split_clients",
    "time_violations",
    "wall_s",
    "cpu_s",
)

SUMMARY_COLUMNS = (
    "solver",
    "instances",
    "proven_optimal",
    "mean_gap_pct",
    "mean_gap_clipped_pct",
    "median_gap_pct",
    "max_gap_pct",
    "within_1pct",
    "all_served",
    "instance_feasible",
    "mean_gap_clipped_feasible_pct",
    "checker_violations",
)


def classify(messages: Sequence[str]) -> dict[str, int]:
    """Count the instance checker's messages by rule.

    Returns
    -------
    dict
        ``trips_over_q`` (a trip's load above ``Q``), ``split_clients`` (a client
        visited more than once), ``missing_clients`` (never visited),
        ``time_violations`` (a window, a release date or the depot's closing missed) and
        ``fleet_violations`` (more than ``K`` vehicles).
    """
    counts = dict.fromkeys(
        ("trips_over_q", "split_clients", "missing_clients", "time_violations", "fleet"), 0
    )
    for m in messages:
        if ": load " in m:
            counts["trips_over_q"] += 1
        elif m.endswith(" visited 0 times"):
            counts["missing_clients"] += 1
        elif " visited " in m:
            counts["split_clients"] += 1
        elif "vehicles used" in m:
            counts["fleet"] += 1
        else:
            counts["time_violations"] += 1
    counts["fleet_violations"] = counts.pop("fleet")
    return counts


def name_parts(name: str) -> dict[str, str]:
    """The class and the release factor of an instance name: ``C201R0.25`` → ``C2``, ``0.25``."""
    match = re.match(r"^([A-Za-z]+\d)\d*R(\d*\.?\d+)$", name)
    return {
        "class": match.group(1) if match else "",
        "release_factor": match.group(2) if match else "",
    }


def judged(instance: MtInstance, bks: MtBks, routes: Routes) -> dict[str, Any]:
    """What any solver's routes are worth on the instance: distance, gap, rules broken."""
    messages = check_routes(instance, routes)
    distance = routes_tenths(instance, routes) / 10.0
    trips = [t for v in routes for t in v if t]
    return {
        "instance": instance.name,
        **name_parts(instance.name),
        "clients": instance.n_clients,
        "vehicles": sum(1 for v in routes if any(v)),
        "trips": len(trips),
        "max_per_trip": max((len(t) for t in trips), default=0),
        "distance": round(distance, 1),
        "bks_distance": bks.distance,
        "gap_pct": round(100.0 * (distance - bks.distance) / bks.distance, 3),
        "bks_optimal": bks.optimal,
        "instance_violations": len(messages),
        **classify(messages),
        "first_instance_violation": messages[0] if messages else "",
    }


def solve_ladle(
    path: Path,
    *,
    time_limit_s: float,
    cut: Cut = "client",
    workers: int = 1,
    seed: int = 0,
) -> tuple[dict[str, Any], Any]:
    """Plan one instance with the ladle engine and judge the plan.

    Returns
    -------
    tuple
        The result row, and the :class:`~logistics.pipeline.PlanOutcome` (plan with its
        rows, the checker's report).
    """
    cpu = time.process_time()
    instance, bks = read_mtvrptwr(path), read_mt_solution(path.with_suffix(".sol"))
    adapted, outcome, wall = plan_ladle_day(
        instance, time_limit_s=time_limit_s, cut=cut, workers=workers, seed=seed
    )
    plan = outcome.plan
    row = {
        **judged(instance, bks, routes_of_plan(plan, adapted)),
        "solver": LADLE,
        "served": served_by_plan(plan, adapted, instance),
        "checker_violations": len(outcome.report.violations),
        "first_checker_violation": str(outcome.report.violations[0])
        if outcome.report.violations
        else "",
        "unserved": "; ".join(f"{u.order_id} {u.tonnes:g} t {u.reason}" for u in plan.unserved),
        "planner_km": plan.summary.truck_km,
        "status": plan.solver.status,
        "cut": cut,
        "minutes_per_unit": adapted.minutes_per_unit,
        "workers": workers,
        "time_limit_s": time_limit_s,
        "wall_s": round(wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
    }
    return row, outcome


def solve_peer(
    path: Path, *, time_limit_s: float, seed: int = 0, slots: int | None = None
) -> dict[str, Any]:
    """Solve one instance natively with PyVRP and judge its routes like the ladle plan's.

    ``slots``: also at most that many clients a trip (the row's solver is then
    :data:`SLOTTED`)."""
    cpu = time.process_time()
    instance, bks = read_mtvrptwr(path), read_mt_solution(path.with_suffix(".sol"))
    routes, status, wall = solve_pyvrp_mt(path, time_limit_s, seed, slots)
    visited = {c for v in routes for t in v for c in t}
    return {
        **judged(instance, bks, routes),
        "solver": "pyvrp" if slots is None else SLOTTED,
        "served": len(visited),
        "checker_violations": None,
        "status": status,
        "time_limit_s": time_limit_s,
        "wall_s": round(wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
    }


def _task(solver: str, path: Path, time_limit_s: float, options: dict[str, Any]) -> dict[str, Any]:
    """One solve in its own process (top level, so a process pool can pickle it)."""
    if solver == LADLE:
        return solve_ladle(path, time_limit_s=time_limit_s, **options)[0]
    slots = SLOTS if solver == SLOTTED else None
    return solve_peer(path, time_limit_s=time_limit_s, seed=options.get("seed", 0), slots=slots)


def run_instances(
    paths: Sequence[Path],
    *,
    time_limit_s: float,
    options: dict[str, Any],
    peers: bool = True,
    jobs: int = 1,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Solve every instance with the ladle engine (and PyVRP), each in a fresh process.

    Parameters
    ----------
    paths : sequence of Path
        The ``.vrp`` files (each with its ``.sol`` beside it).
    time_limit_s : float
        Wall-clock limit per instance and solver, seconds.
    options : dict
        ``cut``, ``workers`` and ``seed`` of the ladle engine (``seed`` also PyVRP's).
    peers : bool
        Also run PyVRP, on the instance and with :data:`SLOTS` clients a trip at most.
    jobs : int
        Solves at once (each of the ladle engine's uses ``workers`` processes).
    on_row : callable, optional
        Called with each row as it comes in.

    Returns
    -------
    list of dict
        One row per instance and solver, in instance order, the ladle engine first.
    """
    solvers = [LADLE, *(["pyvrp", SLOTTED] if peers else [])]
    tasks = [(s, p, time_limit_s, options) for p in paths for s in solvers]
    rows: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=max(1, jobs), max_tasks_per_child=1) as pool:
        futures: list[Future[dict[str, Any]]] = [pool.submit(_task, *t) for t in tasks]
        for future in futures:
            rows.append(future.result())
            if on_row is not None:
                on_row(rows[-1])
    return rows


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def summarise(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per solver: gaps (negatives counted as 0 in the clipped mean), within 1 %, feasibility."""
    out = []
    for solver in dict.fromkeys(r["solver"] for r in rows):
        mine = [r for r in rows if r["solver"] == solver]
        gaps = [float(r["gap_pct"]) for r in mine]
        feasible = [r for r in mine if r["instance_violations"] == 0]
        checker = [r["checker_violations"] for r in mine if r["checker_violations"] is not None]
        out.append(
            {
                "solver": solver,
                "instances": len(mine),
                "proven_optimal": sum(1 for r in mine if r["bks_optimal"]),
                "mean_gap_pct": _mean(gaps),
                "mean_gap_clipped_pct": _mean([max(g, 0.0) for g in gaps]),
                "median_gap_pct": round(statistics.median(gaps), 3) if gaps else None,
                "max_gap_pct": round(max(gaps), 3) if gaps else None,
                "within_1pct": sum(g <= 1.0 for g in gaps),
                "all_served": sum(1 for r in mine if r["served"] == r["clients"]),
                "instance_feasible": len(feasible),
                "mean_gap_clipped_feasible_pct": _mean(
                    [max(float(r["gap_pct"]), 0.0) for r in feasible]
                ),
                "checker_violations": sum(checker) if checker else None,
            }
        )
    return out


def notes(cut: str) -> list[str]:
    """The results file's notes: how gaps are measured and what the ladle day cannot say."""
    return [
        "Gap = (distance − BKS) / BKS; distance recomputed from the routes (the ladle "
        "engine's read back from its plan's rows) in DIMACS rounding (each arc's "
        "Euclidean length truncated to 0.1), the convention of the BKS. "
        "mean_gap_clipped_pct counts negative gaps as 0. instance_feasible: routes that "
        "keep every rule of the instance (checked in DIMACS tenths); "
        "checker_violations: logistics.check on the ladle plan.",
        "",
        f"What the ladle day cannot express of the instance (cut `{cut}`; see "
        "docs/benchmarks.md, 'The ladle engine on MTVRPTWR'):",
        "",
        *[f"- {d}" for d in DIFFERENCES],
    ]


def _progress(row: dict[str, Any]) -> None:
    print(
        f"{row['instance']:>12} {row['solver']:>12}  distance {row['distance']:9.1f}"
        f" (BKS {row['bks_distance']:.1f})  gap {row['gap_pct']:8.3f} %  served"
        f" {row['served']}/{row['clients']}  trips {row['trips']}  instance violations"
        f" {row['instance_violations']}  checker {row['checker_violations']}",
        file=sys.stderr,
        flush=True,
    )


def add_mtvrptwr_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``literature`` options that only ``--set mtvrptwr`` reads."""
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="mtvrptwr: processes of the ladle engine (PlanOptions.workers, default 1)",
    )
    parser.add_argument(
        "--cut",
        default="client",
        choices=CUTS,
        help="mtvrptwr: one ladle per client (default) or ladles of Q/6",
    )
    parser.add_argument(
        "--no-peers",
        action="store_true",
        help="mtvrptwr: without the PyVRP peer (run by default)",
    )


def run_set(args: argparse.Namespace, command: str, names: Sequence[str]) -> int:
    """Run the set from the command line; write and print the results; the exit code.

    Exit code 1 when a ladle plan breaks a rule of the project's checker, leaves a
    client unserved, or misses a window, a release date or the depot's closing on the
    instance (an adapter bug: the model is never looser in time); trips over ``Q`` and
    split clients are the documented differences of the cut, reported, not failed.
    """
    from benchmarks.run import print_table, write_results

    paths = [instance_paths("mtvrptwr")[n] for n in names]
    options = {"cut": args.cut, "workers": args.workers, "seed": args.seed}
    rows = run_instances(
        paths,
        time_limit_s=args.time_limit,
        options=options,
        peers=not args.no_peers,
        jobs=args.jobs,
        on_row=_progress,
    )
    summary = summarise(rows)
    if not args.dry:
        dated, md = write_results(
            "literature-mtvrptwr",
            rows,
            COLUMNS,
            command=command,
            settings={
                "set": "mtvrptwr",
                "instances": f"{len(paths)} ({', '.join(names)})",
                "time limit per instance and solver": f"{args.time_limit:g} s",
                "ladle engine": f"logistics.plan_day, PlanOptions(workers={args.workers}, "
                f"seed={args.seed}), cut {args.cut}",
                "peer": "none" if args.no_peers else "PyVRP (pyvrp.read, DIMACS), one thread",
                "parallel solves": args.jobs,
            },
            summary=summary,
            summary_columns=SUMMARY_COLUMNS,
            notes=notes(args.cut),
            results_dir=Path(args.results_dir),
        )
        print(f"wrote {dated} and {md}", file=sys.stderr)
    print_table(f"mtvrptwr ({args.time_limit:g} s)", rows, COLUMNS)
    print_table("mtvrptwr: summary", summary, SUMMARY_COLUMNS)
    ladle = [r for r in rows if r["solver"] == LADLE]
    failed = any(
        r["checker_violations"] or r["served"] < r["clients"] or r["time_violations"] for r in ladle
    )
    return 1 if failed else 0
