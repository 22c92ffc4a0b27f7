"""``molten check``: the independent checker on a plan folder (ours or hand-made)."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from logistics.check import check_folder
from logistics.check.horizon import is_horizon
from logistics.cli.app import app, load, out, parse_date
from logistics.cli.horizon import check_days
from logistics.runtime.exit_codes import ExitCode


@app.command()
def check(
    network_dir: Annotated[Path, typer.Argument(help="Network folder the plan is for.")],
    plan_dir: Annotated[Path, typer.Argument(help="Folder with runs.csv and unserved.csv.")],
    orders: Annotated[
        Path | None, typer.Option(help="Orders CSV the plan was made for, if not orders.csv.")
    ] = None,
    date_: Annotated[
        str | None,
        typer.Option("--date", help="Plan date (default: plan.json's, else network.toml's)."),
    ] = None,
    verify_risk: Annotated[
        bool | None,
        typer.Option(
            "--verify-risk/--no-verify-risk",
            help=(
                "A run too likely to arrive cold is a violation (--verify-risk) or is not "
                "estimated at all (--no-verify-risk). Default: a violation when the plan "
                "claims the risk target (planned with risk.plan_for_risk), else a warning."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a plan (ours or hand-made) against the inputs alone; exit 4 on violations."""
    if is_horizon(plan_dir):  # a horizon's folder: every day, levels carried (cli/horizon.py)
        check_days(network_dir, plan_dir, orders, verify_risk)
        return
    day = parse_date(date_)
    if day is None and (plan_dir / "plan.json").is_file():
        try:
            day = date.fromisoformat(json.loads((plan_dir / "plan.json").read_text())["plan_date"])
        except (KeyError, ValueError, TypeError, json.JSONDecodeError):
            day = None
    network = load(network_dir, day, orders, None)
    started = time.perf_counter()
    report = check_folder(network, plan_dir, verify_risk=verify_risk)
    for v in report.violations:
        out.print("✗ " + str(v), markup=False, highlight=False)
    for w in report.warnings:
        out.print("! " + str(w), markup=False, highlight=False)
    if report.ok:
        out.print(
            f"[green]✓ plan is valid[/green]: {report.runs_checked} runs, "
            f"{report.orders_checked} orders checked in {time.perf_counter() - started:.2f} s"
            + (f", {len(report.warnings)} warnings" if report.warnings else "")
        )
        return
    counts = report.summary()
    out.print(
        f"[red]{len(report.violations)} violations[/red] in {report.runs_checked} runs: "
        + ", ".join(f"{rule} {n}" for rule, n in counts.items())
    )
    raise typer.Exit(ExitCode.VIOLATIONS)
