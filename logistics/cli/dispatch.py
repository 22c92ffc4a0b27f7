"""``molten dispatch``: the nightly job — plan a date, check it, store it in the history.

Exit codes (:class:`~logistics.runtime.exit_codes.ExitCode`): 0 stored (or already
planned with the same inputs); 2 bad input; 3 no plan; 4 the checker found violations
(not stored); 5 another run holds the date's lock; 6 the database cannot be reached,
refuses the credentials or is at another schema revision; 7 the run reached its
wall-time limit (``--max-wall``; not stored, recorded as ``timed_out``); 1 internal
error, and under ``--strict`` a plan that fell back to the dispatcher's because the
optimiser failed (not stored, the run recorded).

A plan that fell back is stored (exit 0) with one warning line on stderr, printed even
with ``--quiet``, and the run's history row flagged ``fallback``; so is the warning
about an earlier run of the date that died. ``--log-json`` ends every run with one
JSON line on stderr (:class:`~logistics.dispatch.job.RunEnd`) for log collectors.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import socket
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from logistics.cli.app import app, err, option_problem, out, parse_date, plan_options
from logistics.cli.fallback import one_warning, refused_line, warning_line
from logistics.cli.horizon import days_problem
from logistics.cli.progress import progress_bar
from logistics.cli.render import summary_table
from logistics.dispatch.config import DB_ENV, resolve_url
from logistics.dispatch.errors import DatabaseUnavailableError, DateLockedError
from logistics.errors import InputError, PlanningError
from logistics.network.loader import orders_without_dates
from logistics.network.settings import load_settings
from logistics.plan.options import DEFAULT_TIME_LIMIT_S
from logistics.runtime.exit_codes import ExitCode
from logistics.runtime.pools import stop_now
from logistics.runtime.wall import WallTimeExceededError

if TYPE_CHECKING:
    from logistics.dispatch.job import RunEnd
    from logistics.dispatch.store import DiedRun


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
    max_wall: Annotated[
        float | None,
        typer.Option(
            "--max-wall",
            help="Wall-time limit of the whole run in seconds: stop it there, store "
            "nothing, record it as timed_out and exit 7 (default: the time limit + 60 s "
            "+ a quarter of the time limit).",
        ),
    ] = None,
    log_json: Annotated[
        bool,
        typer.Option(
            "--log-json",
            help="End the run with one JSON line on stderr (status, exit code, run, "
            "network, date, version, times) for a log collector.",
        ),
    ] = False,
    days: Annotated[
        int,
        typer.Option(
            "--days",
            help="Plan this many days (1-5) from the date, furnace levels carried from the "
            "stored plan of the day before: the date is stored as its current plan, the "
            "later days as provisional plans, re-planned the next night.",
        ),
    ] = 1,
) -> None:
    """Plan a date unattended, check it and store it as the date's current plan."""
    from logistics.dispatch.job import (
        DispatchHooks,
        DispatchRequest,
        default_max_wall,
        run_dispatch,
    )

    started = datetime.now(UTC)
    configure_logging(quiet)
    options = plan_options(
        solver=solver,
        time_limit_s=time_limit,
        solution_limit=solution_limit,
        seed=seed,
        workers=workers,
    )
    if max_wall is not None and not max_wall > 0:
        raise InputError(option_problem("--max-wall", "must be positive"))
    if (bad_days := days_problem(days)) is not None:
        raise bad_days
    plan_date = resolve_plan_date(date_, network_dir)
    _warn_undated_orders(network_dir, orders, plan_date)
    request = DispatchRequest(
        network_dir=network_dir,
        plan_date=plan_date,
        db_url=resolve_url(db),
        out_dir=out_dir,
        orders_file=orders,
        options=options,
        overrides=tuple(set_ or ()),
        force=force,
        strict=strict,
        max_wall_s=max_wall if max_wall is not None else default_max_wall(time_limit * days),
        days=days,
    )
    ends: list[RunEnd] = []

    def timed_out(end: RunEnd) -> None:  # on the watchdog's thread: end the process here
        _say(f"error: {end.network} {end.plan_date.isoformat()}: {end.message}{_run_of(end)}")
        if log_json:
            _json_line(end.as_json())
        stop_now(ExitCode.TIMED_OUT)

    hooks = DispatchHooks(
        died=_warn_died,
        ended=ends.append,
        timed_out=timed_out,
        warned=lambda line: _say(f"warning: {line}"),
    )
    code: int | None = None
    try:
        with one_warning(), progress_bar(err, quiet=quiet) as progress:
            result = run_dispatch(request, progress=progress, hooks=hooks)
    except BaseException as exc:
        code = _exit_code_of(exc)
        if log_json:  # the last line, after the command's own message about the failure
            fields = ends[-1].as_json() if ends else _unrecorded(exc, request, started, code)
            if code is not None:
                fields["exit_code"] = int(code)
            atexit.register(_json_line, fields)
        if isinstance(exc, DatabaseUnavailableError | DateLockedError | WallTimeExceededError):
            assert code is not None  # every Exception has its exit code
            _say(f"error: {exc}")
            raise typer.Exit(code) from None
        raise
    try:
        _report(result, quiet)
    finally:
        if log_json and ends:
            _json_line(ends[-1].as_json())


def _warn_undated_orders(network_dir: Path, orders: Path | None, plan_date: date) -> None:
    """Orders with ``HH:MM`` windows only, for another day than network.toml's: say so.

    Such a file is planned on any date, so a timer that plans ``tomorrow`` from it
    re-plans the same orders every night.
    """
    path = orders or network_dir / "orders.csv"
    if not network_dir.is_dir() or not orders_without_dates(path):
        return
    try:
        own_date = load_settings(network_dir).plan_date
    except InputError:
        return  # the loader reports the problem
    if own_date == plan_date:
        return
    _say(
        f"warning: {path.name} gives its windows as HH:MM, with no dates: planning "
        f"{plan_date.isoformat()} re-uses the same orders as any other day. Put that "
        "day's orders in the file (or give --orders FILE), with ISO 8601 dates."
    )


def _say(line: str) -> None:
    err.print(line, markup=False, highlight=False, soft_wrap=True)


def _run_of(end: RunEnd) -> str:
    return f" (run {end.run_id})" if end.run_id is not None else ""


def _warn_died(runs: Sequence[DiedRun]) -> None:
    """An earlier run of the date never ended: say so, even with ``--quiet``."""
    for run in runs:
        _say(
            f"warning: {run.describe()} died without finishing (killed, or its machine "
            "stopped); recorded as died. Nothing it did was stored."
        )


def _json_line(fields: dict[str, Any]) -> None:
    """One JSON object on one line of stderr (never wrapped, never coloured)."""
    sys.stderr.write(json.dumps(fields, ensure_ascii=False, sort_keys=False) + "\n")
    sys.stderr.flush()


def _exit_code_of(exc: BaseException) -> int | None:
    """The exit code a failure of the job ends the command with (``None``: not ours)."""
    codes: tuple[tuple[type[BaseException], ExitCode], ...] = (
        (DatabaseUnavailableError, ExitCode.DATABASE),
        (DateLockedError, ExitCode.LOCKED),
        (WallTimeExceededError, ExitCode.TIMED_OUT),
        (InputError, ExitCode.INPUT),
        (PlanningError, ExitCode.NO_PLAN),
        (KeyboardInterrupt, ExitCode.INTERRUPTED),
        (Exception, ExitCode.INTERNAL),
    )
    for kind, code in codes:
        if isinstance(exc, kind):
            return code
    return None


_STATUS_OF_CODE = {
    ExitCode.DATABASE: "database_error",
    ExitCode.LOCKED: "locked",
    ExitCode.TIMED_OUT: "timed_out",
    ExitCode.INPUT: "input_error",
    ExitCode.NO_PLAN: "no_plan",
    ExitCode.INTERRUPTED: "interrupted",
    ExitCode.INTERNAL: "internal_error",
}


def _unrecorded(
    exc: BaseException, request: Any, started: datetime, code: int | None
) -> dict[str, Any]:
    """The JSON line of a run that ended before its end could be recorded."""
    return {
        "event": "molten.dispatch.end",
        "status": _STATUS_OF_CODE.get(ExitCode(code), "internal_error")
        if code is not None
        else "internal_error",
        "exit_code": code,
        "network": request.network_dir.resolve().name,
        "plan_date": request.plan_date.isoformat(),
        "run_id": None,
        "version": None,
        "message": " ".join(str(exc).split()) or type(exc).__name__,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "fallback": False,
        "died": [],
        "wall_s": round((datetime.now(UTC) - started).total_seconds(), 3),
    }


def _report(result: Any, quiet: bool) -> None:
    """Print how a run that returned ended; exit with its code when it is not 0."""
    if result.status == "violations":
        assert result.report is not None
        for v in result.report.violations[:50]:
            _say("violation: " + str(v))
        _say(f"{result.network} {result.plan_date}: {result.message} (run {result.run_id})")
        raise typer.Exit(ExitCode.VIOLATIONS)
    if result.status == "fallback_refused":
        assert result.outcome is not None
        _say(refused_line(result.outcome.plan, f"nothing stored (run {result.run_id})"))
        raise typer.Exit(ExitCode.INTERNAL)
    warning = warning_line(result.outcome.plan, result.outcome.report) if result.outcome else None
    if warning is not None:  # printed even with --quiet: the operator must see it
        _say(warning)
    if quiet:
        return
    if result.outcome is not None:
        out.print(summary_table(result.outcome.plan, result.outcome.report))
    _report_later_days(result)
    out.print(f"{result.message} (run {result.run_id})", markup=False, highlight=False)


def _report_later_days(result: Any) -> None:
    """One line per provisional day of a horizon (its warning line too, if it fell back)."""
    if result.horizon is None:
        return
    versions = dict(result.provisional)
    for k, day in enumerate(result.horizon.outcome.outcomes[1:], 2):
        plan, s = day.plan, day.plan.summary
        line = warning_line(plan, day.report)
        if line is not None:
            _say(f"day {k}: {line}")
        supply = plan.supply
        low = f", {supply.stockout_furnaces} furnaces below minimum" if supply else ""
        out.print(
            f"day {k} ({plan.plan_date.isoformat()}): provisional version "
            f"{versions.get(plan.plan_date, '—')}: {s.tonnes_delivered:,.1f} of "
            f"{s.tonnes_ordered:,.1f} t delivered in {s.ladle_runs} runs{low}",
            markup=False,
            highlight=False,
        )
