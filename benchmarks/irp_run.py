"""``python -m benchmarks literature --set irp``: managed-supply horizons against the IRP bounds.

Each instance of ``DIR/irp/`` listed in its ``bounds.txt`` is planned as a managed-supply
horizon by :func:`benchmarks.irp_adapter.plan_irp` (the code path of ``molten plan
--days N``), its rows read back into routes and quantities, and judged on the instance's
rules by :func:`benchmarks.irp.evaluate`: routing cost (DIMACS distances) plus holding
cost, and the gap to the best known upper bound, (ours − UB) / UB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.irp import evaluate, read_bounds, read_irp
from benchmarks.irp_adapter import plan_irp, solution_of
from benchmarks.readers import set_dir

COLUMNS = (
    "instance",
    "customers",
    "periods",
    "vehicles",
    "routing",
    "holding",
    "total",
    "upper_bound",
    "gap_pct",
    "routes_over_vehicles",
    "instance_violations",
    "checker_violations",
    "wall_s",
)
SUMMARY_COLUMNS = ("instances", "mean_gap_pct", "max_gap_pct", "feasible", "time_limit_s")


def solve_row(path: Path, upper: float, time_limit_s: float) -> dict[str, Any]:
    """Plan one instance and judge it; one results row."""
    inst = read_irp(path)
    started = time.perf_counter()
    adapted, outcome = plan_irp(inst, time_limit_s=time_limit_s)
    wall = time.perf_counter() - started
    routes, q = solution_of(adapted, outcome)
    judged = evaluate(inst, routes, q)
    over = [v for v in judged.violations if "vehicles" in v]
    return {
        "instance": inst.name,
        "customers": inst.customers,
        "periods": inst.periods,
        "vehicles": inst.vehicles,
        "routing": round(judged.routing, 2),
        "holding": round(judged.holding, 2),
        "total": round(judged.total, 2),
        "upper_bound": upper,
        "gap_pct": round(100.0 * (judged.total - upper) / upper, 2),
        "routes_over_vehicles": len(over),
        "instance_violations": len(judged.violations) - len(over),
        "checker_violations": sum(len(o.report.violations) for o in outcome.outcomes),
        "wall_s": round(wall, 1),
    }


def irp_names(root: Path | None = None) -> list[str]:
    """Instances of the folder that ``bounds.txt`` lists, sorted (lower-case names)."""
    folder = set_dir("irp", root)
    bounds = read_bounds(folder)
    return sorted(p.stem.lower() for p in folder.glob("*.dat") if p.stem in bounds)


def run_set(args: argparse.Namespace, command: str, names: Sequence[str]) -> int:
    """Run the set from the command line; write and print the results; the exit code
    (1 when a plan breaks a rule of the checker or of the instance)."""
    from benchmarks.run import print_table, write_results

    folder = set_dir("irp")
    bounds = read_bounds(folder)
    by_lower = {p.stem.lower(): p for p in folder.glob("*.dat") if p.stem in bounds}
    rows = []
    for name in names:
        if name not in by_lower:
            continue
        path = by_lower[name]
        rows.append(solve_row(path, bounds[path.stem], args.time_limit))
        print(rows[-1], file=sys.stderr, flush=True)
    if not rows:
        raise SystemExit("no IRP instance with a bound in bounds.txt was selected")
    gaps = [r["gap_pct"] for r in rows]
    summary = [
        {
            "instances": len(rows),
            "mean_gap_pct": round(statistics.fmean(gaps), 2),
            "max_gap_pct": max(gaps),
            "feasible": sum(1 for r in rows if not r["instance_violations"]),
            "time_limit_s": args.time_limit,
        }
    ]
    if not args.dry:
        dated, md = write_results(
            "literature-irp",
            rows,
            COLUMNS,
            command=command,
            settings={
                "set": "irp",
                "time limit": f"{args.time_limit:g} s per period (plan day)",
                "engine": "logistics.pipeline.horizon.plan_horizon (managed supply)",
            },
            summary=summary,
            summary_columns=SUMMARY_COLUMNS,
            notes=[
                "Total = routing (DIMACS distances of the plan's trips) + holding "
                "(depot and customers after each period, the start levels not counted, as the "
                "published bounds count it), recomputed from the plan's rows; "
                "gap = (total − UB) / UB. routes_over_vehicles: periods with more trips "
                "than vehicles (a truck may make several trips a day)."
            ],
            results_dir=Path(args.results_dir),
        )
        print(f"wrote {dated} and {md}", file=sys.stderr)
    print_table("irp", rows, COLUMNS)
    print_table("irp: summary", summary, SUMMARY_COLUMNS)
    return 1 if any(r["checker_violations"] or r["instance_violations"] for r in rows) else 0
