"""``molten dispatch``: the nightly job — plan a date, check it, store it in the history.

Exit codes: 0 stored (or already planned with the same inputs); 2 bad input; 3 no
plan; 4 the checker found violations (not stored); 5 another run holds the date's
lock; 6 the database cannot be reached, refuses the credentials or is at another
schema revision; 1 internal error, and under ``--strict`` a plan that fell back to the
dispatcher's because the optimiser failed (not stored, the run recorded).

A plan that fell back is stored (exit 0) with one warning line on stderr, printed even
with ``--quiet``, and the run's history row flagged ``fallback``.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from logistics.cli.app import (
    EXIT_DATABASE,
    EXIT_INTERNAL,
    EXIT_LOCKED,
    EXIT_VIOLATIONS,
    app,
    err,
    out,
    parse_date,
    plan_options,
)
from logistics.cli.fallback import one_warning, refused_line, warning_line
from logistics.cli.progress import progress_bar
from logistics.cli.render import summary_table
from logistics.dispatch.config import DB_ENV, resolve_url
from logistics.dispatch.errors import DatabaseUnavailableError, DateLockedError
from logistics.network.settings import load_settings
from logistics.plan.options import DEFAULT_TIME_LIMIT_S


def configure_logging(quiet: bool) -> None:
    """``--quiet``: errors only; otherwise the job's own steps at INFO (timestamped).

    ``MOLTEN_LOG`` still sets the level of everything else; Alembic's chatter is kept
    below WARNING unless ``MOLTEN_LOG=DEBUG``.
    """
    if quiet:
        logging.getLogger().setLevel(logging.ERROR)
        return
    if os.environ.get("MOLTEN_LOG", "").upper() != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
    dispatch_log = logging.getLogger("logistics.dispatch")
    if not os.environ.get("MOLTEN_LOG"):
        dispatch_log.setLevel(logging.INFO)


def resolve_plan_date(text: str, network_dir: Path) -> date:
    """``YYYY-MM-DD``, or ``today`` / ``tomorrow`` in the network's timezone."""
    word = text.strip().lower()
    if word in ("today", "tomorrow"):
        tz = ZoneInfo(load_settings(network_dir).timezone) if network_dir.is_dir() else None
        today = datetime.now(tz).date()
        return today + timedelta(days=1) if word == "tomorrow" else today
    day = parse_date(text)
    assert day is not None
    return day


@app.command()
def dispatch(
    network_dir: Annotated[
        Path, typer.Argument(help="Network folder (network.toml, smelters.csv, ...).")
    ],
    date_: Annotated[
        str,
        typer.Option(
            "--date",
            help="Plan date YYYY-MM-DD, or 'today' / 'tomorrow' in the network's timezone.",
        ),
    ],
    db: Annotated[
        str | None,
        typer.Option(
            help=f"History database URL (default ${DB_ENV}, else sqlite:///molten.db), e.g. "
            "postgresql+psycopg://user:password@host/database."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the plan folder here (replaced atomically)."),
    ] = None,
    orders: Annotated[
        Path | None, typer.Option(help="Orders CSV to plan instead of the folder's orders.csv.")
    ] = None,
    time_limit: Annotated[
        float, typer.Option(help="Time limit for planning in seconds; the best plan is kept.")
    ] = DEFAULT_TIME_LIMIT_S,
    solver: Annotated[
        str, typer.Option(help="'ortools' (optimiser) or 'greedy' (dispatcher baseline).")
    ] = "ortools",
    workers: Annotated[
        int | None,
        typer.Option(help="Processes for planning (default: CPUs, at most 4)."),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed of the search engines that use one (reproducible plans).")
    ] = 0,
    solution_limit: Annotated[
        int | None,
        typer.Option(
            help="Deterministic mode: each search stops after this many solutions instead of "
            "at the time limit (give a generous --time-limit)."
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter: table.key=value (repeatable)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Plan and store a new version even if unchanged.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            help="Print only errors (and the warning of a plan that fell back to the "
            "dispatcher's).",
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="If the optimiser fails and the dispatcher's plan is used instead (the "
            "safety net), store nothing and exit 1 (the run is recorded).",
        ),
    ] = False,
) -> None:
    """Plan a date unattended, check it and store it as the date's current plan."""
    from logistics.dispatch.job import DispatchRequest, run_dispatch

    configure_logging(quiet)
    options = plan_options(
        solver=solver,
        time_limit_s=time_limit,
        solution_limit=solution_limit,
        seed=seed,
        workers=workers,
    )
    request = DispatchRequest(
        network_dir=network_dir,
        plan_date=resolve_plan_date(date_, network_dir),
        db_url=resolve_url(db),
        out_dir=out_dir,
        orders_file=orders,
        options=options,
        overrides=tuple(set_ or ()),
        force=force,
        strict=strict,
    )
    try:
        with one_warning(), progress_bar(err, quiet=quiet or not sys.stderr.isatty()) as progress:
            result = run_dispatch(request, progress=progress)
    except DatabaseUnavailableError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_DATABASE) from None
    except DateLockedError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_LOCKED) from None
    if result.status == "violations":
        assert result.report is not None
        for v in result.report.violations[:50]:
            err.print("violation: " + str(v), markup=False, highlight=False, soft_wrap=True)
        err.print(
            f"{result.network} {result.plan_date}: {result.message} (run {result.run_id})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_VIOLATIONS)
    if result.status == "fallback_refused":
        assert result.outcome is not None
        refused = refused_line(result.outcome.plan, f"nothing stored (run {result.run_id})")
        err.print(refused, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_INTERNAL)
    warning = warning_line(result.outcome.plan, result.outcome.report) if result.outcome else None
    if warning is not None:  # printed even with --quiet: the operator must see it
        err.print(warning, markup=False, highlight=False, soft_wrap=True)
    if quiet:
        return
    if result.outcome is not None:
        out.print(summary_table(result.outcome.plan, result.outcome.report))
    out.print(f"{result.message} (run {result.run_id})", markup=False, highlight=False)
