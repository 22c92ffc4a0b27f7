"""``molten plan``: plan a day, check it, write the plan folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from logistics.cli.app import (
    app,
    err,
    load,
    option_problem,
    out,
    parse_date,
    plan_options,
)
from logistics.cli.fallback import one_warning, refused_line, warning_line
from logistics.cli.horizon import days_problem, plan_days
from logistics.cli.progress import progress_bar
from logistics.cli.render import diff_table, summary_table
from logistics.errors import InputError
from logistics.network.csv_tables import load_table
from logistics.network.loader import ORDERS
from logistics.network.model import Network
from logistics.network.times import parse_time
from logistics.physics.travel import Travel
from logistics.plan.files import ROUTE_SHEETS_FILE, read_plan, write_plan
from logistics.plan.options import DEFAULT_TIME_LIMIT_S, PlanOptions
from logistics.runtime.exit_codes import ExitCode

if TYPE_CHECKING:
    from logistics.pipeline import PlanOutcome


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
    ] = DEFAULT_TIME_LIMIT_S,
    solver: Annotated[
        str, typer.Option(help="'ortools' (optimiser) or 'greedy' (dispatcher baseline).")
    ] = "ortools",
    workers: Annotated[
        int | None,
        typer.Option(
            help="Processes: searches run side by side on a day routed in one model, or the "
            "smelter clusters of a large day (default: CPUs, at most 4)."
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed of the search engines that use one (reproducible plans).")
    ] = 0,
    solution_limit: Annotated[
        int | None,
        typer.Option(
            help="Deterministic mode: each search stops after this many solutions instead of "
            "at the time limit (give a generous --time-limit); same inputs, same plan."
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
    replan_dir: Annotated[
        Path | None,
        typer.Option(
            "--replan",
            help="Re-plan this plan folder from --now: trips already loading or on the road "
            "are kept as they are, the rest of the day (with --orders as the new order "
            "book) is planned again.",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(help="With --replan: the moment of re-planning, HH:MM on the plan date."),
    ] = None,
    remove_truck: Annotated[
        list[str] | None,
        typer.Option(
            "--remove-truck",
            help="With --replan: a truck out of service from --now (repeatable).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="If the optimiser fails and the dispatcher's plan is used instead (the "
            "safety net), exit 1 and write nothing instead of warning.",
        ),
    ] = False,
    route_sheets: Annotated[
        bool,
        typer.Option(
            "--route-sheets",
            help=f"Also write {ROUTE_SHEETS_FILE} into the plan folder: the plan as an Excel "
            "workbook with one route sheet per truck for its driver.",
        ),
    ] = False,
    days: Annotated[
        int,
        typer.Option(
            "--days",
            help="Plan a horizon of 1–5 days from the plan date, in sequence, the furnace "
            "levels of consumption.csv carried from each day's end into the next day's "
            "start; with N > 1 the --out folder holds day-1 … day-N and horizon.json.",
        ),
    ] = 1,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            help="With --replan: 'insert' (default: keep every booked run, fit the changes "
            "into the trucks' free time, move nothing) or 'reoptimise' (search the rest of "
            "the day with the price of each change in [replan]; never worse than insert).",
        ),
    ] = None,
) -> None:
    """Plan one day: runs.csv, unserved.csv and plan.json, checked before they are written.

    With --replan PLAN_DIR --now HH:MM, re-plan an existing day from that moment.
    """
    options = plan_options(
        solver=solver,
        time_limit_s=time_limit,
        workers=workers,
        seed=seed,
        solution_limit=solution_limit,
        replan_mode=mode or "insert",
    )
    if (now is not None or remove_truck or mode is not None) and replan_dir is None:
        raise InputError(option_problem("--now", "--now, --remove-truck and --mode need --replan"))
    if days != 1:  # a horizon of several days (cli/horizon.py)
        problem = days_problem(days)
        if problem is not None or replan_dir is not None:
            raise problem or InputError(
                option_problem("--days", "--days and --replan exclude each other")
            )
        plan_days(network_dir, parse_date(date_), orders, set_, options, out_dir, days, strict)
        return
    network = load(network_dir, parse_date(date_), orders, set_)
    travel = Travel.of(network)
    if replan_dir is not None:
        _replan(
            network,
            travel,
            replan_dir,
            now,
            remove_truck or [],
            options,
            out_dir,
            orders,
            strict=strict,
            route_sheets=route_sheets,
        )
        return
    from logistics.pipeline import plan_day  # the planner and OR-Tools: only when planning

    target = out_dir or Path("plans") / f"{network.name}-{network.plan_date.isoformat()}"
    with one_warning(), progress_bar(err) as progress:
        outcome = plan_day(network, options, travel=travel, progress=progress)
    _refuse_violations(outcome, "the solver's plan")
    _tell_fallback(outcome, strict)
    _write(network, outcome, target, route_sheets)
    out.print(summary_table(outcome.plan, outcome.report))
    out.print(f"plan written to [bold]{target}[/bold]")


def _refuse_violations(outcome: PlanOutcome, what: str) -> None:
    """Exit 1 with the violations when the checker rejects the plan (nothing written)."""
    if outcome.ok:
        return
    for v in outcome.report.violations[:50]:
        err.print("violation: " + str(v), markup=False, highlight=False)
    err.print(
        f"[red]internal error:[/red] the checker found {len(outcome.report.violations)} "
        f"violations in {what}; nothing written."
    )
    raise typer.Exit(ExitCode.INTERNAL)


def _write(network: Network, outcome: PlanOutcome, target: Path, route_sheets: bool) -> None:
    """Write the plan folder (with the drivers' route sheets if asked), atomically."""
    from logistics.plan.exports import plan_workbook  # openpyxl: only for the route sheets

    extra = (
        {ROUTE_SHEETS_FILE: plan_workbook(network, outcome.plan, outcome.travel)}
        if route_sheets
        else None
    )
    write_plan(outcome.plan, target, extra_files=extra)


def _replan(
    network: Network,
    travel: Travel,
    plan_dir: Path,
    now_text: str | None,
    removed: list[str],
    options: PlanOptions,
    out_dir: Path | None,
    orders: Path | None = None,
    *,
    strict: bool = False,
    route_sheets: bool = False,
) -> None:
    """``molten plan --replan``: re-plan a written day from a moment on.

    An order of the new order book (``orders``, else the folder's ``orders.csv``) that
    contradicts a run already filled or on the road is bad input naming that file, the
    order's row and the column (exit 2, nothing written). A re-plan that fell back to
    the dispatcher's plan warns, or with ``strict`` exits 1 with nothing written.
    """
    from logistics.pipeline import TruckChanges, replan  # the planner and OR-Tools

    if now_text is None:
        raise InputError(option_problem("--now", "--replan needs --now HH:MM"))
    if not plan_dir.is_dir():
        raise InputError(option_problem("--replan", f"no plan folder at {plan_dir}"))
    try:
        now = parse_time(now_text, network.plan_date, network.tz)
    except ValueError as exc:
        raise InputError(option_problem("--now", str(exc))) from None
    previous = read_plan(plan_dir, network, travel)
    orders_file, order_rows = _order_rows(network, orders)
    with one_warning(), progress_bar(err) as progress:
        result = replan(
            network,
            previous,
            now,
            options,
            truck_changes=TruckChanges(remove=tuple(removed)),
            travel=travel,
            progress=progress,
            orders_file=orders_file,
            order_rows=order_rows,
        )
    outcome = result.outcome
    _refuse_violations(outcome, "the re-planned day")
    _tell_fallback(outcome, strict)
    target = out_dir or plan_dir.with_name(f"{plan_dir.name}-replan-{now:%H%M}")
    _write(result.network or network, outcome, target, route_sheets)
    out.print(summary_table(outcome.plan, outcome.report))
    out.print(diff_table(result.diff, len(result.facts)))
    out.print(f"re-planned day written to [bold]{target}[/bold]")


def _tell_fallback(outcome: PlanOutcome, strict: bool) -> None:
    """Warn in one line when the plan is the dispatcher's because the optimiser failed.

    Raises
    ------
    typer.Exit
        With exit code 1 under ``--strict`` (nothing is written then).
    """
    line = warning_line(outcome.plan, outcome.report)
    if line is None:
        return
    if strict:
        err.print(refused_line(outcome.plan, "nothing written"), markup=False, highlight=False)
        raise typer.Exit(ExitCode.INTERNAL)
    err.print(line, markup=False, highlight=False)


def _order_rows(network: Network, orders: Path | None) -> tuple[str, dict[str, int]]:
    """The re-plan order book's name in messages and each order's spreadsheet row."""
    path = orders if orders is not None else (network.folder or Path()) / ORDERS.file
    label = path.name if orders is not None else ORDERS.file
    try:
        rows = load_table(path, ORDERS, network.plan_date, network.tz, file_label=label)
    except InputError:
        return label, {}  # loaded once already; without rows the messages still name it
    return label, {order.order_id: row for row, order in rows}
