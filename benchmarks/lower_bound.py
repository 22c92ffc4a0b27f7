"""``python -m benchmarks lower-bound``: how far the planner's plan of a day is from optimal.

For each network folder: the lower bound of :mod:`benchmarks.bound_lp` over the trips of
:mod:`benchmarks.bound_trips` (a relaxation: every plan the checker accepts maps to a
feasible point of the programme that costs no more than the plan's objective), and the
objective of the planner's plans at 15 and 60 s (``plan.solver.objective_cny``, as the
domain benchmark reads it, and recomputed from the plan's rows), with the gap
``(plan − bound) / bound``. Results: ``lower-bound-<date>.csv`` and
``latest-lower-bound.md``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.bound_lp import BoundResult, solve_bound
from benchmarks.bound_trips import enumerate_trips, order_slots, truck_classes

REPO = Path(__file__).resolve().parents[1]
#: The sample days.
DAYS = ("sample_networks/pearl_river_delta", "sample_networks/yangtze_river_delta")


def load_day(folder: Path, sets: list[str] | None = None) -> Any:
    """A network folder with ``table.key=value`` overrides applied (as ``molten --set``)."""
    from logistics.network.loader import load_network
    from logistics.network.overrides import apply_overrides, parse_assignments

    network = load_network(folder)
    if sets:
        params = apply_overrides(network.params, parse_assignments(sets))
        network = network.model_copy(update={"params": params})
    return network


def day_bound(
    folder: Path,
    circulate: bool = True,
    sets: list[str] | None = None,
    timed: bool = False,
    timed_step_min: float = 10.0,
    pool: bool = True,
    by_tau: bool = False,
) -> dict[str, Any]:
    """The lower bound of one network folder's day, with its size and solve time.

    Parameters
    ----------
    folder : Path
        A network folder.
    circulate : bool
        Track where trucks go after each trip (:func:`benchmarks.bound_lp.solve_bound`).
    sets : list of str, optional
        ``table.key=value`` overrides of the network's parameters.
    timed : bool
        Also solve the programme with the trucks' days in time
        (:func:`benchmarks.bound_flow.solve_timed_bound`, started from the trips the
        untimed solution drives): ``bound_timed_cny``.
    timed_step_min : float
        Steps of the timed programme's grid of the day, minutes.
    pool : bool
        Count the smelters' ladle pools in the timed programme when the folder has
        ``ladles.csv`` (:mod:`benchmarks.bound_pool`): ``timed_pool``.
    by_tau : bool
        Split the truck classes by the trucks' time constant too
        (:func:`benchmarks.bound_trips.truck_classes`): ``classes_by_tau``.

    Returns
    -------
    dict
        ``bound_cny``, ``bound_without_circulation_cny`` (each trip charged the cheapest
        drive on instead), ``trips`` (columns), ``columns_used``, ``rounds``, ``enumerate_s``,
        ``solve_s``, the parts of the bound's solution, servable tonnes.
    """
    from logistics.physics.travel import Travel

    network = load_day(folder, sets)
    travel = Travel.of(network)
    started = time.perf_counter()
    slots = order_slots(network, travel)
    classes = truck_classes(network, travel, by_tau)
    trips, tried = enumerate_trips(network, travel, slots, classes)
    enumerated = time.perf_counter() - started
    result: BoundResult = solve_bound(network, travel, slots, classes, trips, circulate=circulate)
    simple = solve_bound(network, travel, slots, classes, trips, circulate=False)
    extra: dict[str, Any] = {}
    if timed:
        from benchmarks.bound_flow import solve_timed_bound

        flow = solve_timed_bound(
            network,
            travel,
            slots,
            classes,
            trips,
            step_min=timed_step_min,
            seed=np.array(result.driven, dtype=int),
            pool=pool,
        )
        extra = {
            "bound_timed_cny": round(flow.bound_cny, 2),
            "timed_status": flow.status,
            "timed_step_min": timed_step_min,
            "timed_rounds": flow.rounds,
            "timed_columns": flow.columns_used,
            "timed_solve_s": round(flow.solve_s, 1),
            "timed_pool": bool(pool and network.ladles),
            "timed_route_cny": round(flow.route_cny, 2),
            "timed_superheat_cny": round(flow.superheat_cny, 2),
            "timed_unserved_t": round(flow.unserved_t, 2),
        }
    return {
        "bound_cny": round(result.bound_cny, 2),
        "bound_without_circulation_cny": round(simple.bound_cny, 2),
        "trips": len(trips),
        "sequences_tried": tried,
        "columns_used": result.columns_used,
        "rounds": result.rounds,
        "enumerate_s": round(enumerated, 1),
        "solve_s": round(result.solve_s, 1),
        "bound_route_cny": round(result.route_cny, 2),
        "bound_superheat_cny": round(result.superheat_cny, 2),
        "bound_unserved_t": round(result.unserved_t, 2),
        "servable_t": round(sum(s.servable_t for s in slots), 2),
        "circulate": circulate,
        "classes": len(classes),
        "classes_by_tau": by_tau,
        **extra,
    }


def plan_objective(network: Any, plan: Any, travel: Any) -> float:
    """A plan's objective recomputed from its rows, CNY.

    Route cost (:func:`logistics.plan.timeline.trip_legs`) + superheat ``(tap − tap_min)
    × tonnes × rate`` + the unserved penalty × (servable tonnes − tonnes delivered of
    them), servable tonnes being those of the planner's ladle jobs.
    """
    from logistics.network.prices import superheat_cost_per_c_t, unserved_penalty_per_t
    from logistics.plan.timeline import minute_run_of, route_totals, trip_legs
    from logistics.planning.jobs import build_jobs

    runs = [minute_run_of(network, r) for r in plan.runs]
    route = route_totals(trip_legs(network, travel, runs)).route_cost_cny
    rate = superheat_cost_per_c_t(network.params)
    heat = sum(
        (r.tap_c - network.production_by_key[(r.smelter_id, r.alloy)].tap_min_c) * r.tonnes * rate
        for r in plan.runs
    )
    servable: dict[str, float] = {}
    for job in build_jobs(network, travel).jobs:
        servable[job.order_id] = servable.get(job.order_id, 0.0) + job.tonnes
    delivered: dict[str, float] = {}
    for r in plan.runs:
        delivered[r.order_id] = delivered.get(r.order_id, 0.0) + r.tonnes
    unserved = sum(max(0.0, t - delivered.get(o, 0.0)) for o, t in servable.items())
    return route + heat + unserved_penalty_per_t(network.params) * unserved


def plan_row(
    folder: Path, time_limit_s: float, workers: int = 2, sets: list[str] | None = None
) -> dict[str, Any]:
    """Plan a day with the planner (seed 0) and return its objective two ways and checks."""
    from logistics.pipeline import plan_day
    from logistics.plan.options import PlanOptions

    network = load_day(folder, sets)
    load = os.getloadavg()[0]
    options = PlanOptions(time_limit_s=time_limit_s, workers=workers, seed=0)
    outcome = plan_day(network, options)
    plan = outcome.plan
    return {
        "objective_cny": plan.solver.objective_cny,
        "objective_rows_cny": round(plan_objective(network, plan, outcome.travel), 2),
        "route_cost_cny": plan.summary.route_cost_cny,
        "tonnes_delivered": plan.summary.tonnes_delivered,
        "violations": len(outcome.report.violations),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def gap_pct(plan_cny: float | None, bound_cny: float) -> float | None:
    """``(plan − bound) / bound`` in %."""
    if plan_cny is None or bound_cny <= 0:
        return None
    return round(100.0 * (plan_cny - bound_cny) / bound_cny, 2)


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _earlier_plans(path: str | None) -> dict[tuple[str, str], dict[str, Any]]:
    """Plan figures of an earlier run's CSV, by (day, limit tag), to measure the bound again
    without planning again."""
    if not path:
        return {}
    out: dict[tuple[str, str], dict[str, Any]] = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            for key, value in row.items():
                if key.startswith(PLAN_FIELDS) and key.endswith("s") and value != "":
                    field, tag = key.rsplit("_", 1)
                    out.setdefault((row["day"], tag), {})[field] = float(value)
    return out


#: The plan figures of a row (each followed by ``_<limit>s``).
PLAN_FIELDS = (
    "objective_cny",
    "objective_rows_cny",
    "route_cost_cny",
    "tonnes_delivered",
    "violations",
    "load_before",
    "load_after",
)


def run(
    days: list[str],
    limits: list[float],
    workers: int,
    plans_from: str | None = None,
    sets: list[str] | None = None,
    timed: bool = False,
    timed_step_min: float = 10.0,
    pool: bool = True,
    by_tau: bool = False,
) -> list[dict[str, Any]]:
    """The bound and the plans of every day: one row per day.

    With ``timed``, the gap is to the higher of the two bounds (both are bounds).

    ``plans_from``: an earlier CSV of this command whose plan figures are taken instead
    of planning again (the 60-s plans are long on a shared machine).
    """
    earlier = _earlier_plans(plans_from)
    rows = []
    for day in days:
        folder = Path(day) if Path(day).is_absolute() else REPO / day
        bound_row = day_bound(
            folder,
            sets=sets,
            timed=timed,
            timed_step_min=timed_step_min,
            pool=pool,
            by_tau=by_tau,
        )
        row: dict[str, Any] = {"day": folder.name, **bound_row}
        bound = max(row["bound_cny"], row.get("bound_timed_cny", row["bound_cny"]))
        for limit in limits:
            known = earlier.get((folder.name, f"{limit:g}s"))
            plan = known if known is not None else plan_row(folder, limit, workers, sets)
            tag = f"{limit:g}s"
            for key, value in plan.items():
                row[f"{key}_{tag}"] = value
            row[f"gap_pct_{tag}"] = gap_pct(plan["objective_cny"], bound)
            row[f"gap_rows_pct_{tag}"] = gap_pct(plan["objective_rows_cny"], bound)
        rows.append(row)
    return rows


def markdown(
    rows: list[dict[str, Any]], limits: list[float], command: str, plans_from: str | None = None
) -> str:
    """The results as a markdown page."""
    source = (
        f"The plans' figures are those of `{plans_from}` (planned by an earlier run)."
        if plans_from
        else "Plans: `plan_day` with `PlanOptions(time_limit_s=…, workers=2, seed=0)`."
    )
    lines = [
        "# A lower bound for a real day",
        "",
        f"`{command}`, {date.today().isoformat()}, commit `{_commit()}`, "
        f"{platform.machine()}, {os.cpu_count()} CPUs. {source} Gap = (plan objective − "
        "bound) / bound; load = the one-minute load average before the plan.",
        "",
        "| day | bound (CNY) | trips | solve s | "
        + " | ".join(f"plan {lim:g} s | gap {lim:g} s | load {lim:g} s" for lim in limits)
        + " |",
        "| --- " * (4 + 3 * len(limits)) + "|",
    ]
    for r in rows:
        bound = f"{r['bound_cny']:,.0f}"
        if "bound_timed_cny" in r:
            pools = ", ladle pools" if r.get("timed_pool") else ""
            bound += f" (timed{pools} {r['bound_timed_cny']:,.0f}, {r['timed_status']})"
        cells = [r["day"], bound, f"{r['trips']:,}", str(r["solve_s"])]
        for lim in limits:
            tag = f"{lim:g}s"
            cells += [
                f"{r[f'objective_cny_{tag}']:,.0f}",
                f"{r[f'gap_pct_{tag}']} %",
                str(r[f"load_before_{tag}"]),
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def add_parser(sub: Any, results_default: str) -> None:
    """Add the ``lower-bound`` subcommand to the benchmark command line."""
    p = sub.add_parser("lower-bound", help="a lower bound of a day's objective, and the gap")
    p.add_argument("--network", action="append", help="network folder (repeatable)")
    p.add_argument("--limits", default="15,60", help="planner seconds, comma-separated")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument(
        "--plans-from",
        metavar="CSV",
        help="take the plans' figures from an earlier lower-bound CSV instead of planning",
    )
    p.add_argument(
        "--set",
        action="append",
        metavar="TABLE.KEY=VALUE",
        help="override a parameter of every network, as molten's --set (repeatable)",
    )
    p.add_argument(
        "--timed",
        action="store_true",
        help="also the bound with the trucks' days in time (slower); gaps to the higher",
    )
    p.add_argument(
        "--timed-step",
        type=float,
        default=10.0,
        metavar="MIN",
        help="steps of the timed bound's grid of the day, minutes (a coarser grid: weaker)",
    )
    p.add_argument(
        "--timed-without-pool",
        action="store_true",
        help="leave the smelters' ladle pools (ladles.csv) out of the timed bound",
    )
    p.add_argument(
        "--classes-by-tau",
        action="store_true",
        help="split the truck classes by the trucks' tau_h too (tighter with ladle pools, slower)",
    )
    p.add_argument(
        "--name",
        metavar="TAG",
        help="write lower-bound-TAG-<date>.csv (and .md) instead of lower-bound-<date>.csv",
    )
    p.add_argument("--results-dir", default=results_default)
    p.add_argument("--dry", action="store_true")


def command(args: argparse.Namespace, command_line: str) -> int:
    """Run ``python -m benchmarks lower-bound``; 0 when every plan is at or above its bound."""
    limits = [float(x) for x in args.limits.split(",") if x]
    from logistics.errors import InputError

    try:
        rows = run(
            args.network or list(DAYS),
            limits,
            args.workers,
            args.plans_from,
            args.set,
            args.timed,
            args.timed_step,
            not args.timed_without_pool,
            args.classes_by_tau,
        )
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = markdown(rows, limits, command_line, args.plans_from)
    print(text)
    if not args.dry:
        out = Path(args.results_dir)
        out.mkdir(parents=True, exist_ok=True)
        stem = "-".join(
            ["lower-bound", *([args.name] if args.name else []), date.today().isoformat()]
        )
        with (out / f"{stem}.csv").open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        if args.name:
            (out / f"{stem}.md").write_text(text, encoding="utf-8")
        (out / "latest-lower-bound.md").write_text(text, encoding="utf-8")
    below = [r for r in rows for lim in limits if (r.get(f"gap_pct_{lim:g}s") or 0) < -0.01]
    return 1 if below else 0
