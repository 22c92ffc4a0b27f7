"""``molten plan``: plan a day, check it, write the plan folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.app import (
    EXIT_INTERNAL,
    app,
    cpus,
    err,
    load,
    option_problem,
    out,
    parse_date,
)
from logistics.cli.progress import progress_bar
from logistics.cli.render import summary_table
from logistics.errors import InputError
from logistics.pipeline import plan_day
from logistics.plan.files import write_plan
from logistics.planning.solve import SOLVERS


@app.command()
def plan(
    network_dir: Annotated[
        Path, typer.Argument(help="Network folder (network.toml, smelters.csv, ...).")
    ],
    orders: Annotated[
        Path | None, typer.Option(help="Orders CSV to plan instead of the folder's orders.csv.")
    ] = None,
    date_: Annotated[
        str | None,
        typer.Option("--date", help="Plan date YYYY-MM-DD (default: network.toml plan_date)."),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(help="Time limit for planning in seconds; the best plan found is kept."),
    ] = 60.0,
    solver: Annotated[
        str, typer.Option(help="'ortools' (optimiser) or 'greedy' (dispatcher baseline).")
    ] = "ortools",
    workers: Annotated[
        int | None,
        typer.Option(
            help="Processes for a large day split into smelter clusters (default: CPUs, at most 4)."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Plan folder to write (default plans/<network>-<date>)."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter: table.key=value (repeatable)."),
    ] = None,
) -> None:
    """Plan one day: runs.csv, unserved.csv and plan.json, checked before they are written."""
    if solver not in SOLVERS:
        raise InputError(option_problem("--solver", f"use one of {', '.join(SOLVERS)}"))
    if time_limit <= 0:
        raise InputError(option_problem("--time-limit", "must be positive"))
    if workers is not None and workers < 1:
        raise InputError(option_problem("--workers", "must be at least 1"))
    network = load(network_dir, parse_date(date_), orders, set_)
    target = out_dir or Path("plans") / f"{network.name}-{network.plan_date.isoformat()}"
    with progress_bar(err) as progress:
        outcome = plan_day(
            network,
            solver=solver,
            time_limit_s=time_limit,
            workers=workers or min(4, cpus()),
            progress=progress,
        )
    if not outcome.ok:
        for v in outcome.report.violations[:50]:
            err.print("violation: " + str(v), markup=False, highlight=False)
        err.print(
            f"[red]internal error:[/red] the checker found {len(outcome.report.violations)} "
            "violations in the solver's plan; nothing written."
        )
        raise typer.Exit(EXIT_INTERNAL)
    write_plan(outcome.plan, target)
    out.print(summary_table(outcome.plan, outcome.report))
    out.print(f"plan written to [bold]{target}[/bold]")
