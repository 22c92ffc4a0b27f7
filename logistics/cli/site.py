"""``molten site``: where should the next smelter go? Screen, simulate, rank."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from logistics.cli.app import app, cpus, err, option_problem, out
from logistics.errors import InputError
from logistics.network.loader import load_network
from logistics.siting.candidates import load_candidates, network_candidates
from logistics.siting.heatmap import kaleido_problem
from logistics.siting.settings import SiteCandidate, StudySettings

if TYPE_CHECKING:
    from logistics.siting import SitingProgress, Study, StudyResult

#: The study's defaults, stated once in :class:`StudySettings`; the help quotes them.
_DEFAULT = StudySettings()
#: Local processes for the simulated days when ``--workers`` is not given.
MAX_DEFAULT_WORKERS = 4


def default_workers() -> int:
    """``--workers`` when not given: the CPUs this process may use, at most 4."""
    return min(MAX_DEFAULT_WORKERS, cpus())


def _settings(values: dict[str, Any]) -> StudySettings:
    try:
        return StudySettings.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else "option"
        raise InputError(
            option_problem(
                f"--{key.replace('_', '-')}", f"{first['msg']} (got {first.get('input')!r})"
            )
        ) from None


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value / 1e6:,.1f}"


def ranking_table(rows: list[dict[str, Any]], scenario: str, top: int) -> Table:
    """The ranking of one scenario as a terminal table (M CNY, t, years)."""
    table = Table(
        title=f"Siting ranking, scenario '{scenario}' (M = million CNY)",
        caption="saving: simulated (range over the days) or screened; in reach / switch: "
        "casters newly within reach / whose supply changes",
    )
    for name in ("#", "option", "capex M", "saving M/yr", "NPV M", "payback", "kt/yr", "util"):
        table.add_column(name, justify="left" if name == "option" else "right")
    table.add_column("reach/switch", justify="right")
    for row in [r for r in rows if r["scenario"] == scenario][:top]:
        low, high = row["saving_cny_year_low"], row["saving_cny_year_high"]
        saving = _money(row["saving_cny_year"])
        saving += f" ({_money(low)}…{_money(high)})" if low is not None else " screen"
        switch = "—" if row["casters_switching"] is None else str(row["casters_switching"])
        table.add_row(
            str(row["rank"]),
            row["option"],
            _money(row["capex_cny"]),
            saving,
            _money(row["npv_cny"]),
            "never" if row["payback_years"] is None else f"{row['payback_years']:.1f} yr",
            "—" if row["new_liquid_t_year"] is None else f"{row['new_liquid_t_year'] / 1e3:,.1f}",
            "—" if row["utilisation"] is None else f"{row['utilisation']:.0%}",
            f"{row['casters_newly_in_reach']}/{switch}",
        )
    return table


@app.command()
def site(
    network_dir: Annotated[
        Path | None,
        typer.Argument(
            metavar="NETWORK", help="Network folder (default: the study file's network)."
        ),
    ] = None,
    candidates: Annotated[
        Path | None,
        typer.Option(help="Candidate sites CSV instead of the network's candidates.csv."),
    ] = None,
    k: Annotated[
        int | None,
        typer.Option("--k", help=f"Build up to k sites together (default {_DEFAULT.k})."),
    ] = None,
    days: Annotated[
        int | None, typer.Option(help=f"Representative days to simulate (default {_DEFAULT.days}).")
    ] = None,
    demand: Annotated[
        str | None,
        typer.Option(
            help="Days from 'orders' (the orders file), 'generated', or 'auto' (both) "
            f"(default '{_DEFAULT.demand}')."
        ),
    ] = None,
    simulate: Annotated[
        int | None,
        typer.Option(help=f"Simulate the screen's best N options (default {_DEFAULT.simulate})."),
    ] = None,
    grid_km: Annotated[
        float | None, typer.Option(help="Also screen a grid of sites this many km apart.")
    ] = None,
    grid_simulate: Annotated[
        int | None,
        typer.Option(
            help=f"Grid mode: simulate the best N grid points (default {_DEFAULT.grid_simulate})."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Local processes for the simulated days "
            f"(default: CPUs, at most {MAX_DEFAULT_WORKERS})."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address (tcp://host:8786): run the days on that cluster."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Study folder to write (default studies/<network>-site)."),
    ] = None,
    study: Annotated[
        Path | None,
        typer.Option(help="Study file (TOML): network, candidates, settings, scenarios."),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            help="Planning time limit per simulated day, s (ortools; "
            f"default {_DEFAULT.time_limit_s:g})."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help=f"Seed of the generated days (default {_DEFAULT.seed}).")
    ] = None,
    solver: Annotated[
        str | None,
        typer.Option(
            help=f"Planner of the days: 'ortools' or 'greedy' (default '{_DEFAULT.solver}')."
        ),
    ] = None,
    solution_limit: Annotated[
        int | None,
        typer.Option(
            help="ortools: stop after N solutions (machine-independent; "
            f"default {_DEFAULT.solution_limit})."
        ),
    ] = None,
    discount_rate: Annotated[
        float | None,
        typer.Option(help=f"NPV discount rate a year (default {_DEFAULT.discount_rate:g})."),
    ] = None,
    horizon_years: Annotated[
        int | None, typer.Option(help=f"NPV horizon in years (default {_DEFAULT.horizon_years}).")
    ] = None,
    site_trucks: Annotated[
        str | None,
        typer.Option(
            help="New plants' trucks 'moved' from the smelters they relieve, or 'added' "
            f"(default '{_DEFAULT.site_trucks}')."
        ),
    ] = None,
    plans: Annotated[bool, typer.Option(help="Write every simulated day's plan.")] = True,
    png_engine: Annotated[
        str,
        typer.Option(
            help="Heat-map PNG: 'auto' (kaleido with a browser, else matplotlib), 'kaleido' "
            "or 'matplotlib'."
        ),
    ] = "auto",
    top: Annotated[int, typer.Option(help="Rows of the ranking printed per scenario.")] = 10,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Rank candidate sites for a new smelter: screen every combination, simulate the best."""
    # The study (OR-Tools, the planner) is loaded by this command, not by every ``molten``.
    from logistics.siting import check_out_dir, write_study

    if workers is not None and workers < 1:
        raise InputError(option_problem("--workers", "must be at least 1"))
    if png_engine not in ("auto", "kaleido", "matplotlib"):
        raise InputError(option_problem("--png-engine", "use auto, kaleido or matplotlib"))
    if top < 1:
        raise InputError(option_problem("--top", "must be at least 1"))
    values = {
        "k": k,
        "days": days,
        "demand": demand,
        "seed": seed,
        "simulate": simulate,
        "solver": solver,
        "time_limit_s": time_limit,
        "solution_limit": solution_limit,
        "discount_rate": discount_rate,
        "horizon_years": horizon_years,
        "grid_km": grid_km,
        "grid_simulate": grid_simulate,
        "site_trucks": site_trucks,
    }
    the_study = _study_of(network_dir, study, candidates, values)
    if png_engine == "kaleido" and the_study.settings.grid_km is not None:
        problem = kaleido_problem()  # before the study, not after hours of it
        if problem is not None:
            raise InputError(option_problem("--png-engine", f"{problem}; use auto or matplotlib"))
    target = out_dir or Path("studies") / f"{the_study.network.name}-site"
    check_out_dir(target)
    result = _run_with_progress(the_study, workers or default_workers(), scheduler, quiet)
    figure = _heatmap_of(result, the_study)
    summary = write_study(result, target, heatmap_figure=figure, plans=plans, png_engine=png_engine)
    _print_results(result, summary, the_study, top)
    out.print(f"study written to [bold]{target}[/bold] ({result.wall_s['total_s']:.0f} s)")


def _study_of(
    network_dir: Path | None,
    study: Path | None,
    candidates: Path | None,
    values: dict[str, Any],
) -> Study:
    """The study asked for: a study file with the options over it, or a network's."""
    from logistics.siting import load_study, make_study

    if study is not None:
        _settings(values)  # command-line values are checked as options first
        the_study = load_study(study, network_dir=network_dir, **values)
        if candidates is not None:
            the_study = make_study(
                the_study.network,
                load_candidates(candidates, the_study.network),
                the_study.settings,
                the_study.scenarios,
                label=the_study.label,
            )
        return the_study
    if network_dir is None:
        raise InputError(option_problem("NETWORK", "give a network folder or --study FILE"))
    settings = _settings(values)
    network = load_network(network_dir)
    sites: tuple[SiteCandidate, ...] = ()
    if candidates is not None:
        sites = load_candidates(candidates, network)
    elif settings.grid_km is None or (
        network.folder is not None and (network.folder / "candidates.csv").is_file()
    ):
        sites = network_candidates(network)
    return make_study(network, sites, settings)


def _run_with_progress(
    the_study: Study, workers: int, scheduler: str | None, quiet: bool
) -> StudyResult:
    """Run the study with a progress bar on stderr (none with ``quiet``)."""
    from logistics.siting import run_study

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    ) as bar:
        task = bar.add_task("siting", total=1.0)

        def update(event: SitingProgress) -> None:
            bar.update(task, completed=event.fraction, description=event.message[:60])

        return run_study(the_study, workers=workers, scheduler=scheduler, progress=update)


def _heatmap_of(result: StudyResult, the_study: Study) -> Any:
    """Grid mode: the heat-map figure with the best simulated grid points; else None."""
    if not result.grid_rows():
        return None
    # Plotly, pydeck and pandas are loaded for the heat-map only, not for every ``molten``.
    from logistics.charts.siting import siting_heatmap

    best = [r["option"] for r in result.ranking() if r["simulated"] and r["option"].startswith("G")]
    return siting_heatmap(
        result.grid_rows(),
        network=the_study.network,
        candidates=[c.model_dump() for c in the_study.candidates],
        best=best,
    )


def _print_results(
    result: StudyResult, summary: dict[str, Any], the_study: Study, top: int
) -> None:
    """The ranking of each scenario, what was screened and simulated, how well the screen
    matched, the explanation; the heat-map's files."""
    rows = result.ranking()
    for name in result.scenario_names:
        counts = result.counts(name)
        out.print(ranking_table(rows, name, top))
        method = "each valued" if counts["method"] == "enumerated" else "ranked by the MIP"
        out.print(
            f"screened {counts['screened']} of {counts['combinations']} combinations of up to "
            f"{the_study.settings.k} site(s) ({method}); simulated the best "
            f"{counts['simulated']} and the network as it is on {len(result.days)} day(s) "
            f"({the_study.settings.solver} planner)"
        )
        accuracy = summary["scenarios"][name]["screen_vs_simulation"]
        if accuracy.get("options"):
            share = accuracy.get("mean_abs_error_share")
            out.print(
                f"screen vs simulation: mean absolute error "
                f"{accuracy['mean_abs_error_cny_year'] / 1e6:,.2f} M CNY/yr"
                + (f" ({share:.0%} of the simulated saving)" if share is not None else "")
                + (
                    f", rank correlation {accuracy['rank_correlation']:.2f}"
                    if accuracy.get("rank_correlation") is not None
                    else ""
                )
            )
        out.print(result.explain(name), markup=False, highlight=False)
        out.print()
    if summary.get("heatmap_png_engine"):
        out.print(f"heat-map: heatmap.html and heatmap.png ({summary['heatmap_png_engine']})")
