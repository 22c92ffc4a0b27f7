"""The ``molten`` command line (spec §5): a thin shell over library functions.

Exit codes: 0 success; 1 internal error; 2 bad input (nothing written); 3 no plan could be
made; 4 the checker found violations.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from logistics.errors import InputError, PlanningError
from logistics.model import Network
from logistics.params import Params

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Plan road delivery of liquid recycled aluminium from smelters to die-casters.",
)
out = Console()
err = Console(stderr=True)

EXIT_INTERNAL, EXIT_INPUT, EXIT_NO_PLAN, EXIT_VIOLATIONS = 1, 2, 3, 4


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def apply_overrides(network: Network, assignments: list[str]) -> Network:
    """Return the network with ``table.key=value`` parameter overrides applied.

    Raises
    ------
    InputError
        If an assignment is malformed, names an unknown parameter or an invalid value.
    """
    from pydantic import ValidationError

    from logistics.errors import InputProblem

    if not assignments:
        return network
    data = network.params.model_dump()
    for item in assignments:
        key, sep, value = item.partition("=")
        parts = key.strip().split(".")
        if not sep or len(parts) < 2:
            raise InputError(
                InputProblem("--set", None, key, "use table.key=value, e.g. roads.speed_kmh=45")
            )
        target = data
        for part in parts[:-1]:
            if not isinstance(target.get(part), dict):
                raise InputError(InputProblem("--set", None, key, f"unknown table '{part}'"))
            target = target[part]
        target[parts[-1]] = _parse_value(value.strip())
    try:
        params = Params.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(
            InputProblem("--set", None, ".".join(str(p) for p in first["loc"]), first["msg"])
        ) from None
    return network.model_copy(update={"params": params})


def _load(network_dir: Path, plan_date: date | None, orders: Path | None, sets: list[str]):
    from logistics.loader import load_network

    network = load_network(network_dir, plan_date, orders_file=orders)
    return apply_overrides(network, sets)


def _rows_as_text(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{k: "" if v is None else str(v) for k, v in row.items()} for row in rows]


def _summary_table(plan: Any, check: Any) -> Table:
    s = plan.summary
    table = Table(title=f"Plan {plan.network} {plan.plan_date}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    table.add_row("solver / status", f"{plan.solver.get('name')} / {plan.solver.get('status')}")
    table.add_row("tonnes ordered", f"{s['tonnes_ordered']:,.1f} t")
    table.add_row("delivered liquid", f"{s['tonnes_delivered']:,.1f} t in {s['ladle_runs']} runs")
    share = s.get("delivered_share_of_servable")
    if share is not None:
        table.add_row("delivered / not excluded outright", f"{share:.1%}")
    for reason, tonnes in s["tonnes_unserved"].items():
        if tonnes > 0:
            table.add_row(f"unserved: {reason}", f"{tonnes:,.1f} t")
    table.add_row("trucks used", str(s["trucks_used"]))
    table.add_row("truck-km / truck-hours", f"{s['truck_km']:,.0f} km / {s['truck_hours']:,.1f} h")
    table.add_row("route cost", f"{s['route_cost_cny']:,.0f} CNY")
    table.add_row("superheat", f"{s['superheat_cny']:,.0f} CNY")
    if s.get("min_arrival_margin_c") is not None:
        table.add_row("min arrival margin", f"{s['min_arrival_margin_c']:.1f} °C")
    econ = plan.extra.get("economics", {}).get("summary")
    if econ:
        table.add_row(
            "cost per tonne (liquid + ingot for unserved)", f"{econ['cost_cny_t']:,.0f} CNY/t"
        )
        table.add_row("saving vs all-ingot day", f"{econ['saving_cny']:,.0f} CNY")
        table.add_row("CO2 avoided", f"{econ['co2_avoided_kg'] / 1000:,.1f} t")
        table.add_row("dross avoided", f"{econ['dross_avoided_t']:,.1f} t")
    table.add_row(
        "independent check",
        "[green]0 violations[/green]"
        if check.ok
        else f"[red]{len(check.violations)} violations[/red]",
    )
    table.add_row("wall time", f"{plan.solver.get('wall_s', 0):.1f} s")
    return table


@app.command()
def plan(
    network_dir: Annotated[Path, typer.Argument(help="Network folder (spec §1).")],
    orders: Annotated[
        Path | None, typer.Option(help="Orders CSV to plan instead of the folder's orders.csv.")
    ] = None,
    date_: Annotated[
        str | None,
        typer.Option("--date", help="Plan date YYYY-MM-DD (default: network.toml plan_date)."),
    ] = None,
    time_limit: Annotated[
        float, typer.Option(help="Search time limit in seconds; the best plan found is kept.")
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
    from logistics.check import check_plan
    from logistics.plan import run_rows, unserved_rows, write_plan
    from logistics.solve import SOLVERS, solve

    if solver not in SOLVERS:
        raise InputError(_option_problem("--solver", f"use one of {', '.join(SOLVERS)}"))
    if time_limit <= 0:
        raise InputError(_option_problem("--time-limit", "must be positive"))
    if workers is not None and workers < 1:
        raise InputError(_option_problem("--workers", "must be at least 1"))
    workers = workers or min(4, _cpus())
    network = _load(network_dir, _parse_date(date_), orders, set_ or [])
    target = out_dir or Path("plans") / f"{network.name}-{network.plan_date.isoformat()}"
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("loading", total=None)
        stages = {
            "jobs": "building ladle jobs",
            "assign": "assigning smelters",
            "search": "searching routes",
            "done": "done",
        }

        def progress(stage: str, value: float) -> None:
            label = stages.get(stage, stage)
            if stage == "search":
                label = f"searching routes (limit {time_limit:.0f} s)"
            bar.update(task, description=label)

        result = solve(
            network, solver=solver, time_limit_s=time_limit, progress=progress, workers=workers
        )
        bar.update(task, description="checking the plan independently")
        report = check_plan(
            network, _rows_as_text(run_rows(result)), _rows_as_text(unserved_rows(result))
        )
    result = _with_economics(network, result)
    if not report.ok:
        for v in report.violations[:50]:
            err.print("violation: " + str(v), markup=False, highlight=False)
        err.print(
            f"[red]internal error:[/red] the checker found {len(report.violations)} "
            "violations in the solver's plan; nothing written."
        )
        raise typer.Exit(EXIT_INTERNAL)
    write_plan(result, target)
    out.print(_summary_table(result, report))
    out.print(f"plan written to [bold]{target}[/bold]")


def _cpus() -> int:
    """CPUs this process may run on (affinity and container limits where the OS says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _with_economics(network: Network, result: Any) -> Any:
    """Add the plan's economics (cost, saving, CO2) to plan.json."""
    from dataclasses import replace

    from logistics.cost import plan_economics

    econ = plan_economics(network, result.runs, result.unserved)
    return replace(result, extra={**result.extra, "economics": econ})


def _option_problem(option: str, message: str):
    from logistics.errors import InputProblem

    return InputProblem("command line", None, option, message)


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(_option_problem("--date", f"'{text}' is not YYYY-MM-DD")) from None


@app.command()
def check(
    network_dir: Annotated[Path, typer.Argument(help="Network folder the plan is for.")],
    plan_dir: Annotated[Path, typer.Argument(help="Folder with runs.csv and unserved.csv.")],
    date_: Annotated[
        str | None,
        typer.Option("--date", help="Plan date (default: plan.json's, else network.toml's)."),
    ] = None,
) -> None:
    """Check a plan (ours or hand-made) against the inputs alone; exit 4 on violations."""
    from logistics.check import check_plan_folder

    day = _parse_date(date_)
    if day is None and (plan_dir / "plan.json").is_file():
        try:
            day = date.fromisoformat(json.loads((plan_dir / "plan.json").read_text())["plan_date"])
        except (KeyError, ValueError, json.JSONDecodeError):
            day = None
    network = _load(network_dir, day, None, [])
    started = time.perf_counter()
    report = check_plan_folder(network, plan_dir)
    for v in report.violations:
        out.print("✗ " + str(v), markup=False, highlight=False)
    counts = report.summary()
    if report.ok:
        out.print(
            f"[green]✓ plan is valid[/green]: {report.runs_checked} runs, "
            f"{report.orders_checked} orders checked in {time.perf_counter() - started:.2f} s"
        )
        return
    out.print(
        f"[red]{len(report.violations)} violations[/red] in {report.runs_checked} runs: "
        + ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items()))
    )
    raise typer.Exit(EXIT_VIOLATIONS)


@app.command()
def cost(
    distance_km: Annotated[
        float, typer.Option(help="Road km from smelter to caster.", min=0.0)
    ] = 30.0,
    network_dir: Annotated[
        Path | None,
        typer.Option("--network", help="Take the [economics]/[emissions] figures from here."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a figure: table.key=value (repeatable)."),
    ] = None,
) -> None:
    """Ingot remelting vs liquid supply per tonne, CO2, break-even distance."""
    from logistics.cost import cost_report, render_cost_report
    from logistics.loader import load_settings

    params = load_settings(network_dir).params if network_dir else Params()
    if set_:
        dummy = Network.model_construct(params=params)
        params = apply_overrides(dummy, set_).params
    report = cost_report(params, distance_km=distance_km)
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
    else:
        out.print(render_cost_report(report))


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the network into.")],
    smelters: Annotated[int, typer.Option(min=1, help="Number of smelters.")] = 4,
    casters: Annotated[int, typer.Option(min=1, help="Number of die-casters.")] = 30,
    trucks: Annotated[
        int | None, typer.Option(min=1, help="Number of trucks (default: sized to tonnes).")
    ] = None,
    tonnes: Annotated[float, typer.Option(min=1.0, help="Tonnes ordered in the day.")] = 1000.0,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 0,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing network folder.")] = False,
) -> None:
    """Write a synthetic network of the given size (reproducible from --seed)."""
    from logistics.generate import generate_network

    try:
        path = generate_network(
            out_dir,
            smelters=smelters,
            casters=casters,
            trucks=trucks,
            tonnes=tonnes,
            seed=seed,
            overwrite=overwrite,
        )
    except FileExistsError as exc:
        raise InputError(_option_problem("DIR", str(exc))) from None
    out.print(f"network written to [bold]{path}[/bold]")


def main() -> None:
    """Entry point: run the app and map errors to exit codes (no tracebacks for users)."""
    logging.basicConfig(
        level=os.environ.get("MOLTEN_LOG", "WARNING"),
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except InputError as exc:
        err.print("[red]bad input:[/red]")
        for problem in exc.problems[:50]:
            err.print(f"  {problem}", markup=False, highlight=False)
        sys.exit(EXIT_INPUT)
    except PlanningError as exc:
        err.print(f"[red]no plan could be made:[/red] {exc}")
        sys.exit(EXIT_NO_PLAN)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: exit 1, no traceback
        # Usage errors (bad option value, unknown command, missing argument) come from
        # the command-line parser bundled with typer; they know how to show themselves.
        code = getattr(exc, "exit_code", None)
        if callable(getattr(exc, "show", None)) and isinstance(code, int):
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("MOLTEN_DEBUG"):
            raise
        err.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}")
        err.print("set MOLTEN_DEBUG=1 to see the traceback")
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
