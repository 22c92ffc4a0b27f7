"""Command line of the benchmarks: ``python -m benchmarks literature|domain|all``.

Examples
--------
::

    python -m benchmarks literature --set li_lim --time-limit 30 --jobs 2
    python -m benchmarks literature --set solomon --instances c101,r101 --peers
    python -m benchmarks literature --set gh200 --first 5
    python -m benchmarks literature --set mtvrptwr --instances c201r0.25 --time-limit 30
    python -m benchmarks domain --sizes 100,300 --time-limit 60
    python -m benchmarks all
    python -m benchmarks loader-fuzz --mutations 1000 --seed 0
    python -m benchmarks literature --set solomon --data /path/to/instances

The instances are read from ``benchmarks/data/`` (``--data DIR`` or
``$MOLTEN_BENCHMARKS_DIR`` for another folder of the same layout).

Each run writes ``benchmarks/results/<kind>-<date>.csv`` and ``latest-<kind>.csv``
(``kind`` is ``literature-<set>`` or ``domain``), and ``latest-<kind>.md``: a markdown
table with the machine, date, command and settings. A rich table is printed.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.domain import TARGET_DAYS
from benchmarks.irp_run import run_set as run_irp
from benchmarks.literature import Config, Outcome, gap_pct, solve_instance
from benchmarks.mtvrptwr_run import add_mtvrptwr_arguments, run_set
from benchmarks.peers import available_peers, solve_peer
from benchmarks.readers import ENV_DIR, SETS, instance_paths, read_bks, set_dir, use_data_dir

RESULTS = Path(__file__).resolve().parent / "results"

#: Columns shown in the literature tables (CSV files hold every field).
LITERATURE_COLUMNS = (
    "instance",
    "solver",
    "engine",
    "vehicles",
    "bks_vehicles",
    "distance",
    "bks_distance",
    "gap_pct",
    "gap_distance_only_pct",
    "violations",
    "dropped",
    "wall_s",
    "cpu_s",
)

TARGET_COLUMNS = (
    "day",
    "solver",
    "role",
    "time_limit_s",
    "repeat",
    "runs",
    "route_cost_cny",
    "tonnes_delivered",
    "violations",
    "wall_s",
    "status",
    "load_before",
    "load_after",
)

TARGET_SUMMARY_COLUMNS = (
    "day",
    "time_limit_s",
    "repeats",
    "greedy_cost_cny",
    "greedy_tonnes",
    "cost_mean_cny",
    "cost_ratio_mean",
    "cost_ratio_max",
    "spread_pct",
    "tonnes_min",
    "tonnes_max",
    "wall_max_s",
    "violations",
    "reference_cost_cny",
    "reference_tonnes",
    "vs_reference_pct",
    "vs_reference_objective_pct",
    "load_max",
)

DOMAIN_COLUMNS = (
    "size_runs",
    "smelters",
    "casters",
    "trucks",
    "orders",
    "solver",
    "time_limit_s",
    "runs",
    "wall_s",
    "solve_s",
    "peak_rss_mb",
    "violations",
    "delivered_share",
    "route_cost_cny",
    "cost_ratio_to_greedy",
    "cost_per_t_cny",
    "status",
)


# ----------------------------------------------------------------------------- helpers


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; results are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv_text(rows: list[dict[str, Any]]) -> str:
    fields: list[str] = []
    for row in rows:
        fields += [k for k in row if k not in fields]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


#: Columns shown with four decimals (distances are compared with BKS to 1e-4).
FOUR_DECIMALS = frozenset({"distance", "bks_distance"})


def _fmt(value: Any, column: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if column in FOUR_DECIMALS:
            return f"{value:.4f}"
        if abs(value) < 10:
            text = f"{value:.4f}".rstrip("0").rstrip(".")
            return "0" if text == "-0" else text
        return f"{value:.2f}"
    return str(value)


def _markdown_table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(_fmt(row.get(c), c) for c in columns) + " |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """Describe the machine and the software versions for a results file."""
    try:
        from importlib.metadata import version

        ortools = version("ortools")
    except Exception:  # pragma: no cover - ortools is a dependency
        ortools = "?"
    return {
        "cpus": str(os.cpu_count()),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "ortools": ortools,
    }


def write_results(
    kind: str,
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    *,
    command: str,
    settings: dict[str, Any],
    summary: list[dict[str, Any]] | None = None,
    summary_columns: Sequence[str] = (),
    notes: Sequence[str] = (),
    results_dir: Path = RESULTS,
) -> tuple[Path, Path]:
    """Write ``<kind>-<date>.csv``, ``latest-<kind>.csv`` and ``latest-<kind>.md``.

    Returns
    -------
    tuple[Path, Path]
        The dated CSV and the markdown file.
    """
    stamp = datetime.now().astimezone()
    text = _csv_text(rows)
    dated = results_dir / f"{kind}-{stamp:%Y-%m-%d}.csv"
    _atomic_write(dated, text)
    _atomic_write(results_dir / f"latest-{kind}.csv", text)
    info = machine()
    md = [
        f"# Benchmark results: {kind}",
        "",
        f"- date: {stamp:%Y-%m-%d %H:%M %Z}",
        f"- command: `{command}`",
        f"- machine: {info['cpus']} CPUs, {info['platform']} ({info['processor']})",
        f"- software: Python {info['python']}, OR-Tools {info['ortools']}",
    ]
    md += [f"- {k}: {v}" for k, v in settings.items()]
    if summary:
        md += ["", "## Summary", "", _markdown_table(summary, summary_columns)]
    if notes:
        md += ["", *notes]
    md += ["", "## Results", "", _markdown_table(rows, columns), ""]
    markdown = results_dir / f"latest-{kind}.md"
    _atomic_write(markdown, "\n".join(md))
    return dated, markdown


def print_table(title: str, rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    """Print rows as a rich table (plain text when rich is missing)."""
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich is a dependency
        print(title)
        print(_markdown_table(rows, columns))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if column in {"instance", "solver"} else "right")
    for row in rows:
        table.add_row(*(_fmt(row.get(c), c) for c in columns))
    # Not a terminal (piped, logged): do not squeeze the columns to 80 characters.
    Console(width=None if sys.stdout.isatty() else 220).print(table)


# ------------------------------------------------------------------------- literature


def _literature_task(
    solver: str, set_name: str, name: str, time_limit_s: float, config: Config
) -> dict[str, Any]:
    outcome: Outcome
    cpu_started = time.process_time()
    if solver == "routing_core":
        outcome = solve_instance(set_name, name, time_limit_s=time_limit_s, config=config)
    else:
        outcome = solve_peer(solver, set_name, name, time_limit_s=time_limit_s, config=config)
    row = outcome.row()
    row["engine"] = config.engine if solver == "routing_core" else solver
    # CPU seconds this process got: below wall time when other work shares the cores.
    row["cpu_s"] = round(time.process_time() - cpu_started, 2)
    row["first_violation"] = outcome.messages[0] if outcome.messages else ""
    return row


def select_instances(
    set_name: str, instances: str | None = None, first: int | None = None, *, strict: bool = True
) -> list[str]:
    """Instance names of a set: the listed ones, the first ``first``, or all.

    With ``strict`` an unknown listed name is an error; otherwise it is left out (several
    sets with one ``--instances`` list).
    """
    names = list(instance_paths(set_name))
    if instances:
        wanted = [n.strip().lower() for n in instances.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in names]
        if unknown and strict:
            raise SystemExit(f"unknown instances in {set_name}: {', '.join(unknown)}")
        return [n for n in wanted if n in names]
    if first is not None:
        return names[:first]
    return names


def add_distance_only_gaps(set_name: str, rows: list[dict[str, Any]]) -> None:
    """Add the gap to a distance-only BKS table, where the set has one (Solomon).

    Sets ``bks_distance_only`` and ``gap_distance_only_pct`` on each row in place. These
    references minimise distance alone (more vehicles allowed), so they judge a
    distance-only search fairly; they are literature values, not verified routes.
    """
    path = set_dir(set_name) / "bks_distance_only.csv"
    if not path.is_file():
        return
    table = read_bks(path)
    for row in rows:
        ref = table.get(str(row["instance"]).lower())
        gap = gap_pct(row["distance"], ref)
        row["bks_distance_only"] = ref.distance if ref else None
        row["gap_distance_only_pct"] = None if gap is None else round(gap, 3)


def instance_part(names: Sequence[str], name: str) -> str:
    """``tuning`` or ``held_out``: every other instance of a set in name order.

    Settings (engine, its options) are chosen on the ``tuning`` part only; the
    ``held_out`` part reports how they generalise.
    """
    ordered = sorted(n.lower() for n in names)
    return "tuning" if ordered.index(name.lower()) % 2 == 0 else "held_out"


def summarise(rows: list[dict[str, Any]], names: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Per solver and part: mean / median / max gap, within 1 %, vehicles vs BKS.

    ``names`` are all instances of the set (for :func:`instance_part`); without them
    only the ``all`` rows are made.
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["solver"], "all"), []).append(r)
    if names:
        for r in rows:
            part = instance_part(names, str(r["instance"]))
            groups.setdefault((r["solver"], part), []).append(r)
    out = []
    for (solver, part), mine in groups.items():
        gaps = [r["gap_pct"] for r in mine if r["gap_pct"] is not None]
        same = [
            r["gap_pct"]
            for r in mine
            if r["gap_pct"] is not None and r["vehicles"] == r["bks_vehicles"]
        ]
        only = [
            r["gap_distance_only_pct"] for r in mine if r.get("gap_distance_only_pct") is not None
        ]
        out.append(
            {
                "solver": solver,
                "engine": mine[0].get("engine", solver),
                "part": part,
                "instances": len(mine),
                "mean_gap_pct": round(statistics.fmean(gaps), 3) if gaps else None,
                # Negative gaps (more vehicles, shorter routes) counted as 0: no credit for
                # beating a hierarchical BKS on distance alone.
                "mean_gap_clipped_pct": (
                    round(statistics.fmean(max(g, 0.0) for g in gaps), 3) if gaps else None
                ),
                "median_gap_pct": round(statistics.median(gaps), 3) if gaps else None,
                "max_gap_pct": round(max(gaps), 3) if gaps else None,
                "within_1pct": sum(g <= 1.0 for g in gaps),
                "at_bks_vehicles": len(same),
                "mean_gap_at_bks_vehicles": round(statistics.fmean(same), 3) if same else None,
                "more_vehicles": sum(
                    1 for r in mine if r["bks_vehicles"] and r["vehicles"] > r["bks_vehicles"]
                ),
                "mean_gap_distance_only_pct": round(statistics.fmean(only), 3) if only else None,
                "violations": sum(r["violations"] for r in mine),
                "dropped": sum(r["dropped"] for r in mine),
            }
        )
    return out


SUMMARY_COLUMNS = (
    "solver",
    "engine",
    "part",
    "instances",
    "mean_gap_pct",
    "mean_gap_clipped_pct",
    "median_gap_pct",
    "max_gap_pct",
    "within_1pct",
    "at_bks_vehicles",
    "mean_gap_at_bks_vehicles",
    "more_vehicles",
    "mean_gap_distance_only_pct",
    "violations",
    "dropped",
)


def run_literature(
    set_name: str,
    names: list[str],
    *,
    time_limit_s: float,
    config: Config,
    peers: Sequence[str] = (),
    jobs: int = 1,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Solve instances with the routing core (and peers), each in a fresh process.

    Parameters
    ----------
    set_name : str
        ``solomon``, ``li_lim`` or ``gh200``.
    names : list of str
        Instances to run.
    time_limit_s : float
        Wall-clock limit per instance and solver, seconds.
    config : Config
        Scaling, vehicle cost and search strategies of the core.
    peers : sequence of str
        Peer solvers to run too, under the same limit.
    jobs : int
        Processes in parallel (each solve is single-threaded; use at most the cores).

    Returns
    -------
    list of dict
        One row per (instance, solver), in instance order, core first.
    """
    solvers = ["routing_core", *peers]
    tasks = [(s, set_name, n, time_limit_s, config) for n in names for s in solvers]
    with ProcessPoolExecutor(max_workers=max(1, jobs), max_tasks_per_child=1) as pool:
        futures: list[Future[dict[str, Any]]] = [pool.submit(_literature_task, *t) for t in tasks]
        rows = []
        for future in futures:
            row = future.result()
            rows.append(row)
            if on_row is not None:
                on_row(row)
    return rows


def _literature_progress(row: dict[str, Any]) -> None:
    """One line per solved instance on stderr."""
    print(
        f"{row['instance']:>8} {row['solver']:>12}  vehicles {row['vehicles']:>3}"
        f" ({row['bks_vehicles']})  distance {row['distance']:10.4f}"
        f"  gap {_fmt(row['gap_pct']):>7} %  violations {row['violations']}",
        file=sys.stderr,
        flush=True,
    )


def _literature(args: argparse.Namespace, command: str) -> int:
    vehicle_cost: str | int = args.vehicle_cost
    if isinstance(vehicle_cost, str) and vehicle_cost.isdigit():
        vehicle_cost = int(vehicle_cost)
    config = Config(
        scale=args.scale,
        vehicle_cost=vehicle_cost,
        first_solution=args.first_solution,
        metaheuristic=args.metaheuristic,
        operator_bandit=not args.no_bandit,
        engine=args.engine,
        seed=args.seed,
    )
    peers: list[str] = []
    if args.peers:
        peers = available_peers()
        missing = sorted({"pyvrp", "vroom"} - set(peers))
        if missing:
            print(f"peers not installed, skipped: {', '.join(missing)}", file=sys.stderr)
    status = 0
    selected = {
        s: select_instances(s, args.instances, args.first, strict=len(args.set) == 1)
        for s in args.set
    }
    if not any(selected.values()):
        raise SystemExit(f"no instance {args.instances!r} in {', '.join(args.set)}")
    for set_name, names in selected.items():
        if not names:
            continue
        if set_name == "irp":  # managed-supply horizons through their adapter
            status = max(status, run_irp(args, command, names))
            continue
        if set_name == "mtvrptwr":  # the ladle engine through its adapter, PyVRP as peer
            status = max(status, run_set(args, command, names))
            continue

        rows = run_literature(
            set_name,
            names,
            time_limit_s=args.time_limit,
            config=config,
            peers=peers,
            jobs=args.jobs,
            on_row=_literature_progress,
        )
        add_distance_only_gaps(set_name, rows)
        summary = summarise(rows, list(instance_paths(set_name)))
        kind = f"literature-{set_name}"
        notes = [
            "Gap = (distance − BKS distance) / BKS distance; distance recomputed from the "
            "routes in double precision (unscaled Euclidean). BKS are hierarchical (fewest "
            "vehicles, then distance): a solution with more vehicles than the BKS can be "
            "shorter (negative gap); mean_gap_clipped_pct counts those as 0.",
        ]
        if not args.dry:
            dated, md = write_results(
                kind,
                rows,
                LITERATURE_COLUMNS,
                command=command,
                settings={
                    "set": set_name,
                    "time limit per instance": f"{args.time_limit:g} s",
                    "parallel processes": args.jobs,
                    "routing core": config.label(),
                    "peers": ", ".join(peers) or "none",
                },
                summary=summary,
                summary_columns=SUMMARY_COLUMNS,
                notes=notes,
                results_dir=Path(args.results_dir),
            )
            print(f"wrote {dated} and {md}", file=sys.stderr)
        print_table(f"{set_name} ({args.time_limit:g} s)", rows, LITERATURE_COLUMNS)
        print_table(f"{set_name}: summary", summary, SUMMARY_COLUMNS)
        if any(r["violations"] or r["dropped"] for r in rows if r["solver"] == "routing_core"):
            status = 1
    return status


# ----------------------------------------------------------------------------- domain


def _domain_targets(args: argparse.Namespace, command: str) -> int:
    from benchmarks.domain import run_targets, summarise_targets

    def progress(row: dict[str, Any]) -> None:
        print(
            f"{row['day']:>24} {row['solver']:>8} {row['role']:>9} "
            f"{_fmt(row.get('time_limit_s')):>6} s #{row['repeat']}: cost "
            f"{row.get('route_cost_cny')} t {row.get('tonnes_delivered')} violations "
            f"{row.get('violations')} wall {row.get('wall_s')} s load "
            f"{row['load_before']}->{row['load_after']} {row.get('error', '')}",
            file=sys.stderr,
            flush=True,
        )

    days = tuple(d.strip() for d in args.days.split(",") if d.strip())
    limits = tuple(float(x) for x in args.limits.split(",") if x.strip())
    rows = run_targets(
        days,
        limits=limits,
        repeats=args.repeats,
        reference_limit_s=args.reference_limit or None,
        seed=args.seed,
        workers=args.workers,
        on_row=progress,
    )
    summary = summarise_targets(rows)
    if not args.dry:
        dated, md = write_results(
            "domain-targets",
            rows,
            TARGET_COLUMNS,
            command=command,
            settings={
                "days": ", ".join(days),
                "time limits": ", ".join(f"{x:g} s" for x in limits),
                "repeats": args.repeats,
                "reference": f"{args.reference_limit:g} s" if args.reference_limit else "none",
                "generator and planner seed": args.seed,
                "optimiser workers": args.workers,
            },
            summary=summary,
            summary_columns=TARGET_SUMMARY_COLUMNS,
            notes=[
                "Targets: route cost at most 0.85 x the dispatcher's (greedy) at 15 s and "
                "0.78 x at 60 s for at least its tonnes; repeats within 3 %; the 60-s plan "
                "within 3 % of the reference run. Every plan is checked (violations). "
                "load = the machine's one-minute load average around each case (2 cores: "
                "above 2 the planner did not have both cores to itself).",
            ],
            results_dir=Path(args.results_dir),
        )
        print(f"wrote {dated} and {md}", file=sys.stderr)
    print_table("domain targets", summary, TARGET_SUMMARY_COLUMNS)
    return 1 if any(r.get("error") or r.get("violations") for r in rows) else 0


def _domain(args: argparse.Namespace, command: str) -> int:
    from benchmarks.domain import run_ladder

    if args.targets:
        return _domain_targets(args, command)
    sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())

    def progress(row: dict[str, Any]) -> None:
        print(
            f"{row['size_runs']:>5} runs {row['solver']:>8}: wall {row.get('wall_s')} s,"
            f" peak {row.get('peak_rss_mb')} MiB, violations {row.get('violations')},"
            f" delivered {row.get('delivered_share')}, cost {row.get('route_cost_cny')}"
            f" {row.get('error', '')}",
            file=sys.stderr,
            flush=True,
        )

    rows = run_ladder(
        sizes,
        time_limit_s=args.time_limit,
        seed=args.seed,
        on_row=progress,
        workers=args.workers,
    )
    if not args.dry:
        dated, md = write_results(
            "domain",
            rows,
            DOMAIN_COLUMNS,
            command=command,
            settings={
                "sizes (ladle runs)": ", ".join(map(str, sizes)),
                "time limit": f"{args.time_limit:g} s"
                if args.time_limit
                else "per size (30/60/110/285 s)",
                "generator seed": args.seed,
                "optimiser workers": args.workers,
            },
            notes=[
                "Wall = load + solve + check to a checked plan; peak = the case's own "
                "process peak resident set (VmHWM), OR-Tools C++ memory included, plus "
                "workers × the largest worker process's peak when the day is split into "
                "parts (an upper bound: the workers run at the same time). "
                "cost_ratio_to_greedy compares route cost only; the two solvers rarely "
                "deliver the same tonnes, so read it with delivered_share and the cost per "
                "delivered tonne.",
            ],
            results_dir=Path(args.results_dir),
        )
        print(f"wrote {dated} and {md}", file=sys.stderr)
    print_table("domain ladder", rows, DOMAIN_COLUMNS)
    return 1 if any(r.get("error") or r.get("violations") for r in rows) else 0


# -------------------------------------------------------------------------------- CLI


def _literature_parser(sub: Any) -> argparse.ArgumentParser:
    """The ``literature`` sub-command's parser (its ``--data`` and common options aside)."""
    lit = sub.add_parser(
        "literature", help="Solomon / Li & Lim / Gehring & Homberger / MTVRPTWR (ladle engine)"
    )
    lit.add_argument(
        "--set",
        action="append",
        choices=sorted(SETS),
        help="benchmark set (repeatable; default li_lim)",
    )
    pick = lit.add_mutually_exclusive_group()
    pick.add_argument("--instances", help="comma-separated names, e.g. lc101,lr101")
    pick.add_argument("--first", type=int, help="only the first N instances (sorted)")
    lit.add_argument("--time-limit", type=float, default=30.0, help="seconds per instance")
    lit.add_argument("--peers", action="store_true", help="also run PyVRP and VROOM")
    lit.add_argument("--jobs", type=int, default=1, help="parallel processes (default 1)")
    lit.add_argument("--scale", type=int, default=Config.scale)
    lit.add_argument(
        "--vehicle-cost",
        default=Config.vehicle_cost,
        help="none | hierarchical | route | integer (core units)",
    )
    lit.add_argument(
        "--engine",
        default=Config.engine,
        choices=("ortools", "pyvrp", "pyvrp+ortools"),
        help="the routing core's engine",
    )
    lit.add_argument("--seed", type=int, default=Config.seed, help="engine seed (PyVRP)")
    add_mtvrptwr_arguments(lit)
    lit.add_argument("--first-solution", default=Config.first_solution)
    lit.add_argument("--metaheuristic", default=Config.metaheuristic)
    lit.add_argument(
        "--no-bandit",
        action="store_true",
        help="search without the bandit operator choice (the ladle planner's setting)",
    )
    return lit


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m benchmarks`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of the routing core (literature) and the planner (domain).",
    )
    sub = parser.add_subparsers(dest="kind", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--results-dir", default=str(RESULTS), help="where results go")
        p.add_argument("--dry", action="store_true", help="print only, write no files")

    def data(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data",
            metavar="DIR",
            help=f"benchmark instances folder (default: ${ENV_DIR}, else benchmarks/data)",
        )

    lit = _literature_parser(sub)
    data(lit)
    common(lit)

    dom = sub.add_parser("domain", help="synthetic ladle days of growing size")
    dom.add_argument("--sizes", default="100,300,1000,2000", help="ladle runs per day")
    dom.add_argument("--time-limit", type=float, default=None, help="optimiser seconds")
    dom.add_argument("--seed", type=int, default=0)
    dom.add_argument(
        "--targets",
        action="store_true",
        help="the target table (--days x --limits x --repeats) instead of the size ladder",
    )
    dom.add_argument("--days", default=",".join(TARGET_DAYS), help="folders or generated:<runs>")
    dom.add_argument("--limits", default="15,60", help="optimiser seconds (targets)")
    dom.add_argument("--repeats", type=int, default=3, help="runs per limit (targets)")
    dom.add_argument(
        "--reference-limit", type=float, default=0.0, help="a longer reference run, s (targets)"
    )
    dom.add_argument(
        "--workers",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="optimiser processes for days split into parts (default: CPUs, at most 4)",
    )
    common(dom)

    from benchmarks import fuzz

    fuzz.add_parser(sub, str(RESULTS))

    from benchmarks import loader_fuzz

    loader_fuzz.add_parser(sub, str(RESULTS))

    from benchmarks import replan

    replan.add_parser(sub, str(RESULTS))

    from benchmarks import lower_bound

    lower_bound.add_parser(sub, str(RESULTS))

    from benchmarks import travel_table

    travel_table.add_parser(sub, str(RESULTS))

    every = sub.add_parser("all", help="every literature set, then the domain ladder")
    every.add_argument("--time-limit", type=float, default=30.0, help="literature seconds")
    every.add_argument("--jobs", type=int, default=1)
    every.add_argument("--peers", action="store_true")
    data(every)
    common(every)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark command line; return the exit code.

    Exit codes: 0 all solutions feasible and complete; 1 a violation, a dropped node or a
    failed case; 2 usage error (argparse).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING)
    command = "python -m benchmarks " + shlex.join(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "data", None):
        try:
            use_data_dir(args.data)  # also for the worker processes and `all`'s sets
        except NotADirectoryError as exc:
            parser.error(str(exc))
    if args.kind == "literature":
        args.set = args.set or ["li_lim"]
        return _literature(args, command)
    if args.kind == "domain":
        return _domain(args, command)
    if args.kind == "fuzz":
        from benchmarks import fuzz

        return fuzz.command(args)
    if args.kind == "loader-fuzz":
        from benchmarks import loader_fuzz

        return loader_fuzz.command(args)
    if args.kind == "replan":
        from benchmarks import replan

        return replan.command(args, command)
    if args.kind == "lower-bound":
        from benchmarks import lower_bound

        return lower_bound.command(args, command)
    if args.kind == "travel":
        from benchmarks import travel_table

        return travel_table.command(args, command)
    lit = build_parser().parse_args(
        [
            "literature",
            *[arg for s in ("li_lim", "solomon", "gh200") for arg in ("--set", s)],
            "--time-limit",
            str(args.time_limit),
            "--jobs",
            str(args.jobs),
            "--results-dir",
            args.results_dir,
            *(["--peers"] if args.peers else []),
            *(["--dry"] if args.dry else []),
        ]
    )
    dom = build_parser().parse_args(
        [
            "domain",
            "--results-dir",
            args.results_dir,
            *(["--dry"] if args.dry else []),
        ]
    )
    status = _literature(lit, command)
    return max(status, _domain(dom, command))
