"""``molten history``: the runs of the nightly job and the stored plan versions.

``molten history --check DATE`` is the health check for monitoring: one line, exit 0
when the date's plan is in order, otherwise the exit code of the first problem
(:mod:`logistics.dispatch.health`: 3 no plan, 1 the last run died or the plan fell back
to the dispatcher's, 7 the last run timed out, a failed last run's own code; 6 the
database cannot be reached).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from logistics.cli.app import app, err, option_problem, out, parse_date
from logistics.dispatch.config import DB_ENV, resolve_url
from logistics.dispatch.errors import DatabaseUnavailableError, PlanNotFoundError
from logistics.errors import InputError
from logistics.plan.files import write_plan
from logistics.runtime.exit_codes import ExitCode

if TYPE_CHECKING:
    from logistics.dispatch.history import RunDetail, RunRow, VersionRow

_STATUS_STYLE = {
    "stored": "green",
    "already_planned": "cyan",
    "violations": "red",
    "fallback_refused": "red",
    "internal_error": "red",
    "no_plan": "yellow",
    "input_error": "yellow",
    "locked": "magenta",
    "running": "blue",
    "died": "bold red",
    "timed_out": "red",
    "interrupted": "yellow",
    "database_error": "red",
}


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%m-%d %H:%M")


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _table(title: str, columns: tuple[tuple[str, str], ...]) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
    for name, justify in columns:
        wide = name in ("message", "network")
        table.add_column(
            name,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=not wide,
            overflow="fold",
            min_width=12 if name == "message" else None,
        )
    return table


#: Marks a run or version whose plan is the dispatcher's because the optimiser failed.
FALLBACK_MARK = "[yellow]fallback[/yellow]"


def _version_cell(v: VersionRow) -> str:
    """``2 ●`` (current), ``3 provisional``, ``1 provisional, superseded``, or ``1``."""
    cell = f"{v.version}{' ●' if v.current else ''}"
    if v.provisional:
        cell += " [cyan]provisional[/cyan]" + (", superseded" if v.superseded else "")
    return cell


def versions_table(rows: list[VersionRow]) -> Table:
    """The stored versions with their KPIs (times in this machine's timezone).

    A version that is the dispatcher's plan because the optimiser failed reads
    ``ortools fallback`` in the solver column.
    """
    table = _table(
        "Plan versions (● current; provisional: a later day of a horizon, re-planned the "
        "next night; superseded: re-planned since; fallback: the optimiser failed, the "
        "dispatcher's plan)",
        (
            ("date", "left"),
            ("network", "left"),
            ("version", "right"),
            ("stored", "left"),
            ("solver", "left"),
            ("delivered t", "right"),
            ("runs", "right"),
            ("route CNY", "right"),
            ("saving CNY", "right"),
        ),
    )
    for v in rows:
        table.add_row(
            v.plan_date.isoformat(),
            v.network,
            _version_cell(v),
            _when(v.created_at),
            f"{escape(v.solver)} {FALLBACK_MARK}" if v.fallback else escape(v.solver),
            f"{v.tonnes_delivered:,.1f}/{v.tonnes_ordered:,.0f}",
            str(v.ladle_runs),
            _money(v.route_cost_cny),
            _money(v.saving_cny),
        )
    return table


def runs_table(rows: list[RunRow]) -> Table:
    """The runs of the job, newest first (``--run ID`` shows one in full).

    A run whose plan fell back to the dispatcher's reads ``fallback`` after its status.
    """
    table = _table(
        "Runs of molten dispatch (newest first)",
        (
            ("run", "right"),
            ("started", "left"),
            ("network", "left"),
            ("date", "left"),
            ("status", "left"),
            ("exit", "right"),
            ("ver", "right"),
            ("s", "right"),
            ("message", "left"),
        ),
    )
    for r in rows:
        style = _STATUS_STYLE.get(r.status, "")
        message = r.message.splitlines()[0] if r.message else ""
        status = f"[{style}]{r.status}[/{style}]" if style else r.status
        if r.fallback:
            status += f" {FALLBACK_MARK}"
        table.add_row(
            str(r.id),
            _when(r.started_at),
            r.network,
            r.plan_date.isoformat(),
            status,
            "—" if r.exit_code is None else str(r.exit_code),
            "" if r.version is None else str(r.version),
            "—" if r.wall_s is None else f"{r.wall_s:.0f}",
            escape(message[:160]),
        )
    return table


def _horizon_text(horizon: dict) -> str:
    """``3 days; furnaces start at version 1 of the day before (current)``."""
    source = horizon.get("carried_from")
    start = {
        "current": f"the end levels of version {horizon.get('carried_version')} of the day before",
        "provisional": f"the end levels of provisional version {horizon.get('carried_version')} "
        "of the day before",
    }.get(str(source), "consumption.csv's start levels")
    return f"{horizon.get('days')} days; the furnaces start at {start}"


def _print_detail(detail: RunDetail) -> None:
    r = detail.run
    table = Table(title=f"Run {r.id}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", overflow="fold")
    for what, value in (
        ("network / date", f"{r.network} {r.plan_date.isoformat()}"),
        ("status / exit code", f"{r.status} / {'—' if r.exit_code is None else r.exit_code}"),
        (
            "started / finished",
            f"{r.started_at.astimezone():%Y-%m-%d %H:%M:%S %z} / "
            + ("not finished" if r.wall_s is None else f"{r.wall_s:.1f} s later"),
        ),
        ("version", "—" if r.version is None else str(r.version)),
        ("solver / time limit", f"{r.solver} / {r.time_limit_s:g} s"),
        (
            "fallback",
            escape(f"yes: the optimiser failed ({r.fallback_reason}); the dispatcher's plan")
            if r.fallback
            else "no",
        ),
        ("forced", "yes" if r.forced else "no"),
        ("host / pid", f"{r.host} / {r.pid}"),
        ("molten", r.software_version),
        ("network folder", detail.network_folder),
        ("orders file", detail.orders_file or "—"),
        ("plan folder", detail.out_dir or "—"),
        ("input hash", r.input_hash or "—"),
    ):
        table.add_row(what, value)
    if detail.parameters and detail.parameters.get("files"):
        for label, digest in detail.parameters["files"].items():
            table.add_row(f"  {label}", digest[:16])
    horizon = (detail.parameters or {}).get("horizon")
    if horizon:
        table.add_row("horizon", escape(_horizon_text(horizon)))
    if detail.kpis:
        for key in ("tonnes_ordered", "tonnes_delivered", "ladle_runs", "route_cost_cny"):
            if key in detail.kpis:
                table.add_row(key, str(detail.kpis[key]))
    out.print(table)
    if r.message:
        out.print(r.message, markup=False, highlight=False)
    for v in detail.violations:
        who = " ".join(
            f"{k.split('_')[0]} {v[k]}" for k in ("run_id", "truck_id", "order_id") if v.get(k)
        )
        out.print(
            f"violation {v.get('rule')}: {who + ': ' if who else ''}{v.get('message')}",
            markup=False,
            highlight=False,
        )


@app.command()
def history(
    db: Annotated[
        str | None,
        typer.Option(help=f"History database URL (default ${DB_ENV}, else sqlite:///molten.db)."),
    ] = None,
    date_: Annotated[
        str | None, typer.Option("--date", help="Only this plan date (YYYY-MM-DD).")
    ] = None,
    network: Annotated[str | None, typer.Option(help="Only this network.")] = None,
    limit: Annotated[int, typer.Option(help="Most runs listed.")] = 50,
    run: Annotated[
        int | None, typer.Option("--run", help="Show everything recorded about one run.")
    ] = None,
    version: Annotated[
        int | None, typer.Option(help="With --out: this version (default the current one).")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write the stored plan of --date to this plan folder."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
    check: Annotated[
        str | None,
        typer.Option(
            "--check",
            metavar="DATE",
            help="Health check for monitoring (DATE: YYYY-MM-DD, or today / tomorrow on this "
            "machine's clock): exit 0 with one line when DATE's plan is in "
            "order; else one line saying what is wrong and exit 3 (no plan), 1 (the last "
            "run died, or the plan fell back to the dispatcher's), 7 (the last run timed "
            "out) or the failed last run's code. With --network: only that network.",
        ),
    ] = None,
) -> None:
    """List the runs of the nightly job and the stored plan versions with their KPIs."""
    from logistics.dispatch.history import list_runs, list_versions, load_plan, run_detail

    if check is not None:
        _check(resolve_url(db), _check_date(check), network, as_json)
        return
    day = parse_date(date_)
    if limit < 1:
        raise InputError(option_problem("--limit", "must be at least 1"))
    if out_dir is not None and day is None:
        raise InputError(option_problem("--out", "needs --date (and optionally --version)"))
    url = resolve_url(db)
    try:
        if run is not None:
            _print_detail(run_detail(url, run))
            return
        if out_dir is not None:
            assert day is not None
            plan = load_plan(url, day, version, network)
            write_plan(plan, out_dir)
            out.print(
                f"plan {plan.network} {plan.plan_date} written to {out_dir}",
                markup=False,
                highlight=False,
            )
            return
        versions = list_versions(url, network=network, date=day)
        runs = list_runs(url, network=network, date=day, limit=limit)
    except DatabaseUnavailableError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(ExitCode.DATABASE) from None
    except PlanNotFoundError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(ExitCode.INPUT) from None
    if as_json:
        document = {
            "versions": [_jsonable(v.__dict__) for v in versions],
            "runs": [_jsonable(r.__dict__) for r in runs],
        }
        out.print_json(json.dumps(document))
        return
    if not versions and not runs:
        out.print("no runs recorded" + (" for that selection" if day or network else ""))
        return
    console = out if out.is_terminal else Console(width=max(out.width, 140))  # a log, a pipe
    if versions:
        console.print(versions_table(versions))
    else:
        console.print("no stored plan versions" + (" for that selection" if day or network else ""))
    if runs:
        console.print(runs_table(runs))


def _jsonable(row: dict[str, object]) -> dict[str, object]:
    return {
        k: v.isoformat() if hasattr(v, "isoformat") else v  # dates and datetimes
        for k, v in row.items()
    }


def _check_date(text: str) -> date:
    """``YYYY-MM-DD``, or ``today`` / ``tomorrow`` on this machine's clock (for timers)."""
    word = text.strip().lower()
    if word in ("today", "tomorrow"):
        return datetime.now().date() + timedelta(days=1 if word == "tomorrow" else 0)
    day = parse_date(text, "--check")
    assert day is not None
    return day


def _check(url: str, day: date | None, network: str | None, as_json: bool) -> None:
    """``--check DATE``: a line per network; exit with the first problem's code."""
    from logistics.dispatch.health import check_date

    assert day is not None
    try:
        results = check_date(url, day, network)
    except DatabaseUnavailableError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(ExitCode.DATABASE) from None
    if as_json:
        out.print_json(
            json.dumps(
                [
                    {
                        "network": h.network,
                        "plan_date": h.plan_date.isoformat(),
                        "ok": h.ok,
                        "problem": h.problem,
                        "exit_code": h.exit_code,
                        "message": h.message,
                        "version": h.version.version if h.version else None,
                        "last_run": h.last_run.id if h.last_run else None,
                    }
                    for h in results
                ]
            )
        )
    for h in results:
        if h.ok and not as_json:
            out.print(h.message, markup=False, highlight=False, soft_wrap=True)
        elif not h.ok:
            err.print(f"error: {h.message}", markup=False, highlight=False, soft_wrap=True)
    failed = next((h for h in results if not h.ok), None)
    if failed is not None:
        raise typer.Exit(failed.exit_code)
