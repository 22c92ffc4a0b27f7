"""``molten plan --days N`` and ``molten check`` on a horizon's folder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from logistics.check import check_folder
from logistics.check.horizon import check_horizon
from logistics.cli.app import err, load, option_problem, out
from logistics.cli.fallback import one_warning, warning_line
from logistics.cli.progress import progress_bar
from logistics.cli.render import summary_table
from logistics.errors import InputError
from logistics.plan.files import write_plan
from logistics.plan.horizon import HORIZON_FILE, MAX_DAYS, day_folder
from logistics.plan.options import PlanOptions
from logistics.runtime.exit_codes import ExitCode

if TYPE_CHECKING:
    from logistics.pipeline.horizon import HorizonOutcome


def _refuse(outcome: HorizonOutcome, strict: bool) -> None:
    """Exit 1 when a day breaks a rule of the checker (or fell back, under ``strict``)."""
    for k, day in enumerate(outcome.outcomes, 1):
        if not day.ok:
            for v in day.report.violations[:50]:
                err.print(f"violation (day {k}): {v}", markup=False, highlight=False)
            err.print(f"[red]internal error:[/red] day {k} breaks the checker; nothing written.")
            raise typer.Exit(ExitCode.INTERNAL)
        line = warning_line(day.plan, day.report)
        if line is not None:
            err.print(f"day {k}: {line}", markup=False, highlight=False)
            if strict:
                raise typer.Exit(ExitCode.INTERNAL)


def plan_days(
    network_dir: Path,
    first: date | None,
    orders: Path | None,
    sets: list[str] | None,
    options: PlanOptions,
    out_dir: Path | None,
    days: int,
    strict: bool,
) -> None:
    """Plan ``days`` days in sequence and write the horizon's folder (docs/plan-outputs.md)."""
    from logistics.pipeline.horizon import horizon_summary, plan_horizon  # loads the planner

    network = load(network_dir, first, orders, sets)
    start = network.plan_date
    with one_warning(), progress_bar(err) as progress:
        outcome = plan_horizon(
            lambda d: network if d == start else load(network_dir, d, orders, sets),
            start,
            days,
            options,
            progress=progress,
        )
    _refuse(outcome, strict)
    target = out_dir or Path("plans") / f"{network.name}-{start.isoformat()}-{days}d"
    target.mkdir(parents=True, exist_ok=True)
    for k, day in enumerate(outcome.outcomes, 1):
        write_plan(day.plan, target / day_folder(k))
        out.print(f"[bold]day {k}[/bold] ({day.plan.plan_date.isoformat()})")
        out.print(summary_table(day.plan, day.report))
    summary = horizon_summary(outcome)
    (target / HORIZON_FILE).write_text(
        json.dumps(summary.model_dump(mode="json"), indent=2), encoding="utf-8"
    )
    out.print(
        f"{days} days: {summary.tonnes_delivered:g} t liquid, route cost "
        f"{summary.route_cost_cny:,.0f} CNY, saving {summary.saving_cny:,.0f} CNY, "
        f"{summary.stockout_furnace_days} furnace-days below minimum "
        f"({summary.stockout_no_supply_days} without any liquid supply)"
    )
    out.print(f"horizon written to [bold]{target}[/bold]")


def check_days(
    network_dir: Path, plan_dir: Path, orders: Path | None, verify_risk: bool | None
) -> None:
    """``molten check`` on a horizon's folder: every day, levels carried by the checker."""
    reports = check_horizon(
        lambda d: load(network_dir, d, orders, None),
        plan_dir,
        lambda n, folder, travel: check_folder(n, folder, travel, verify_risk=verify_risk),
    )
    bad = 0
    for day, report in reports:
        for v in report.violations:
            out.print(f"✗ {day.isoformat()}: {v}", markup=False, highlight=False)
        bad += len(report.violations)
        status = "valid" if report.ok else f"{len(report.violations)} violations"
        out.print(f"{day.isoformat()}: {report.runs_checked} runs, {status}")
    if bad:
        out.print(f"[red]{bad} violations[/red] over {len(reports)} days")
        raise typer.Exit(ExitCode.VIOLATIONS)
    out.print(f"[green]✓ horizon is valid[/green]: {len(reports)} days, 0 violations")


def days_problem(days: int) -> InputError | None:
    """The error of a ``--days`` outside 1–5, else None."""
    if 1 <= days <= MAX_DAYS:
        return None
    return InputError(option_problem("--days", f"must be 1–{MAX_DAYS}, got {days}"))
