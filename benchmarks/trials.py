"""Repeated planner runs on fixed days: route cost, tonnes and spread per setting.

Used to choose solver settings and to measure the domain targets: each case (network,
solver, time limit, planner options, repeat) runs in its own Python process through
:func:`benchmarks.domain.run_case` (load + plan + check), and one JSON line per case
is appended to the output file with the load average of the machine before and after,
so a run measured under load can be spotted and repeated.

    python -m benchmarks.trials --days sample_networks/pearl_river_delta \\
        --limits 15,60 --repeats 3 --out /tmp/trials.jsonl \\
        --options '{"workers": 2}'
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.domain import network_shape, run_case_subprocess

#: The generated mixed-fleet days of the domain targets (ladle runs), seed 0.
GENERATED_SIZES = (100, 300, 700)


def generated_day(folder: Path, runs: int, seed: int = 0) -> Path:
    """Write (once) the generated day of about ``runs`` ladle runs into ``folder``."""
    from logistics.network.synthetic import generate_network

    target = folder / f"generated-{runs}-seed{seed}"
    if not (target / "orders.csv").exists():
        shape = network_shape(runs)
        generate_network(
            target,
            smelters=shape["smelters"],
            casters=shape["casters"],
            tonnes=shape["tonnes"],
            seed=seed,
            plan_date=date(2026, 11, 23),
            overwrite=True,
        )
    return target


def run_trials(
    days: list[Path],
    limits: list[float],
    repeats: int,
    out: Path,
    options: dict[str, Any],
    solver: str = "ortools",
    label: str = "",
) -> None:
    """Run every (day, limit, repeat) and append one JSON line per case to ``out``."""
    for day in days:
        for limit in limits:
            for k in range(repeats):
                before = os.getloadavg()
                row = run_case_subprocess(day, solver, limit, options=options)
                row.update(
                    {
                        "day": day.name,
                        "solver": solver,
                        "limit_s": limit,
                        "repeat": k,
                        "options": options,
                        "label": label,
                        "load_before": round(before[0], 2),
                        "load_after": round(os.getloadavg()[0], 2),
                        "at": time.strftime("%Y-%m-%d %H:%M:%S"),
                    }
                )
                with out.open("a") as f:
                    f.write(json.dumps(row) + "\n")
                print(
                    f"{day.name} {solver} {limit:.0f}s #{k} {label}: "
                    f"cost {row.get('route_cost_cny')} t {row.get('tonnes_delivered')} "
                    f"viol {row.get('violations')} wall {row.get('wall_s')} "
                    f"load {row['load_before']}->{row['load_after']} {row.get('error', '')}",
                    flush=True,
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", default="", help="comma-separated network folders")
    parser.add_argument(
        "--generated", default="", help="comma-separated generated sizes, e.g. 100,300,700"
    )
    parser.add_argument("--generated-dir", default="/tmp/molten-days")
    parser.add_argument("--limits", default="15,60")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--solver", default="ortools")
    parser.add_argument(
        "--options", default="{}", help="JSON fields of PlanOptions (workers, portfolio, seed, …)"
    )
    parser.add_argument("--label", default="")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    days = [Path(d) for d in args.days.split(",") if d]
    for size in (int(s) for s in args.generated.split(",") if s):
        days.append(generated_day(Path(args.generated_dir), size))
    run_trials(
        days,
        [float(x) for x in args.limits.split(",")],
        args.repeats,
        Path(args.out),
        json.loads(args.options),
        solver=args.solver,
        label=args.label,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
