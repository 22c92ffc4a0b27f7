"""A finished study as files: ranking, switching casters, days, plans, explanation, heat-map.

``write_study`` writes into a new folder beside the target and renames it into place
when everything is written (:func:`logistics.runtime.atomic.write_folder`), so a study
folder is always complete, readable by others (it gets the user's umask) and, when the
writing fails, the previous study folder is left as it was. It refuses to
replace a folder that is not a study folder (no ``study.json`` in it), so a mistyped
``--out`` cannot delete anything else.

Files (one row per scenario and option where it applies):

* ``ranking.csv`` / ``ranking.json`` — the ranking (best first per scenario);
* ``study.json`` — settings, scenarios, days, counts (combinations, screened,
  simulated), how well the screen matched the simulation, every simulated option's
  per-day figures, plants (alloy rates, trucks) and switching casters, wall times;
* ``switching.csv`` — casters whose supply each simulated option changes;
* ``days.csv`` — every simulated day of every option and of the network as it is;
* ``explanation.txt`` — the top option of each scenario in words;
* ``plans/<scenario>/<option>/day<n>/`` — each simulated day's checked plan
  (``runs.csv``, ``unserved.csv``, ``plan.json``), readable with ``read_plan``;
* grid mode: ``grid.csv``, ``heatmap.html``, ``heatmap.png``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from logistics.errors import InputError, InputProblem
from logistics.plan.files import write_plan
from logistics.runtime.atomic import write_folder
from logistics.siting.heatmap import write_heatmap
from logistics.siting.study import StudyResult


def _csv(path: Path, rows: list[dict[str, Any]]) -> None:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or ["empty"])
        writer.writeheader()
        writer.writerows(rows)


def switching_rows(result: StudyResult) -> list[dict[str, Any]]:
    """One row per (scenario, simulated option, switching caster)."""
    rows = []
    for name, outcome in result.scenarios.items():
        for option in outcome.options:
            for s in option.switches:
                rows.append(
                    {
                        "scenario": name,
                        "option": option.option_id,
                        "caster_id": s.caster_id,
                        "caster": s.name,
                        "switch": s.kind,
                        "liquid_t_day_before": round(s.liquid_t_day_before, 2),
                        "liquid_t_day_after": round(s.liquid_t_day_after, 2),
                        "from_ingot_t_day": round(s.from_ingot_t_day, 2),
                        "from_new_site_t_day": round(s.to_new_site_t_day, 2),
                        "suppliers_before": "; ".join(
                            f"{k} {v:.1f}" for k, v in s.suppliers_before.items()
                        ),
                        "suppliers_after": "; ".join(
                            f"{k} {v:.1f}" for k, v in s.suppliers_after.items()
                        ),
                        "unserved_before": "; ".join(
                            f"{k} {v:.1f}" for k, v in s.unserved_before.items()
                        ),
                        "saving_cny_day": round(s.saving_cny_day, 2),
                    }
                )
    return rows


def day_rows(result: StudyResult) -> list[dict[str, Any]]:
    """One row per simulated day of every option and of the network as it is."""
    rows = []
    labels = {d.number: d for d in result.days}
    for name, outcome in result.scenarios.items():
        series = [("base", outcome.base_days)] + [
            (o.option_id, o.days) for o in outcome.options if o.simulated and o.valid
        ]
        for option_id, days in series:
            for day, figures in zip(result.days, days, strict=True):
                base = outcome.base_days[day.number - 1]
                rows.append(
                    {
                        "scenario": name,
                        "option": option_id,
                        "day": day.number,
                        "day_source": labels[day.number].label,
                        "ordered_t": round(day.tonnes, 3),
                        "liquid_t": round(figures.liquid_t, 3),
                        "saving_cny": round(figures.saving_cny, 2),
                        "co2_avoided_kg": round(figures.co2_avoided_kg, 2),
                        "dross_avoided_t": round(figures.dross_avoided_t, 3),
                        "truck_km": round(figures.truck_km, 3),
                        "saving_vs_base_cny": round(figures.saving_cny - base.saving_cny, 2),
                        "liquid_vs_base_t": round(figures.liquid_t - base.liquid_t, 3),
                    }
                )
    return rows


def study_json(result: StudyResult, heatmap_engine: str | None = None) -> dict[str, Any]:
    """Everything of the study that is not a plan, JSON-ready."""
    study = result.study
    scenarios = {}
    for name, outcome in result.scenarios.items():
        options = []
        for n, option in enumerate(outcome.options, start=1):
            entry: dict[str, Any] = {"rank": n, **option.row()}
            entry["screen"] = {
                "saving_cny_year": round(option.screen.saving_cny_year),
                "npv_cny": round(option.screen.npv_cny),
                "new_liquid_t_day": round(option.screen.new_liquid_t_day, 2),
                "site_t_day": {k: round(v, 2) for k, v in option.screen.site_t_day.items()},
                "utilisation": {k: round(v, 3) for k, v in option.screen.utilisation.items()},
                "casters_newly_in_reach": list(option.casters_newly_in_reach),
            }
            if option.simulated:
                entry["plants"] = {
                    s: {
                        "alloy_rates_tph": option.alloy_rates.get(s, {}),
                        "capacity_t_day": round(option.capacity_t_day.get(s, 0.0), 1),
                        "trucks": option.trucks.get(s, 0),
                        "trucks_moved": option.moved_trucks.get(s, []),
                        "simulated_t_day": round(option.site_t_day.get(s, 0.0), 2),
                    }
                    for s in option.site_ids
                }
                entry["plans"] = option.keys
                if option.saving_cny_day is not None:
                    entry["saving_cny_day"] = option.saving_cny_day.as_dict()
                entry["switching"] = [
                    r
                    for r in switching_rows(result)
                    if r["scenario"] == name and r["option"] == option.option_id
                ]
            options.append(entry)
        scenarios[name] = {
            "description": outcome.scenario.description,
            "overrides": outcome.scenario.overrides,
            "demand_growth": outcome.scenario.demand_growth,
            "capex_factor": outcome.scenario.capex_factor,
            **result.counts(name),
            "screen_vs_simulation": outcome.accuracy(),
            "explanation": result.explain(name),
            "options": options,
        }
    return {
        "network": study.network.name,
        "plan_date": study.network.plan_date.isoformat(),
        "study": study.label,
        "settings": study.settings.model_dump(mode="json"),
        "candidates": [c.model_dump(mode="json") for c in study.candidates],
        "days": [
            {"day": d.number, "source": d.source, "label": d.label, "ordered_t": round(d.tonnes, 3)}
            for d in result.days
        ],
        "scenarios": scenarios,
        "heatmap_png_engine": heatmap_engine,
        "wall_s": result.wall_s,
    }


def check_out_dir(target: Path) -> None:
    """Refuse an ``--out`` that exists and is not a study folder (before a study runs)."""
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / "study.json").is_file())
    ):
        raise InputError(
            InputProblem(
                "command line",
                None,
                "--out",
                f"{target} exists and is not a study folder (no study.json); choose another",
            )
        )


def write_study(
    result: StudyResult,
    out_dir: Path | str,
    *,
    heatmap_figure: Any = None,
    plans: bool = True,
    png_engine: str = "auto",
) -> dict[str, Any]:
    """Write a finished study into ``out_dir`` (atomically; see the module docstring).

    Parameters
    ----------
    result : StudyResult
        The study.
    out_dir : Path or str
        The study folder (replaced if it is one already).
    heatmap_figure : plotly Figure, optional
        Grid mode: the heat-map to write as HTML and PNG.
    plans : bool
        Write every simulated day's plan.
    png_engine : {"auto", "kaleido", "matplotlib"}
        How the heat-map PNG is made (:mod:`logistics.siting.heatmap`).

    Returns
    -------
    dict
        What ``study.json`` holds.
    """
    target = Path(out_dir)
    check_out_dir(target)
    summary: dict[str, Any] = {}

    def fill(temp: Path) -> None:
        engine = None
        grid = result.grid_rows()
        if grid:
            _csv(temp / "grid.csv", grid)
            if heatmap_figure is not None:
                network = result.study.network
                best = {r["option"] for r in result.ranking() if r["option"].startswith("G")}
                markers = {
                    "die-casters": [(c.lat, c.lon) for c in network.casters],
                    "smelters": [(s.lat, s.lon) for s in network.smelters],
                    "candidates": [(c.lat, c.lon) for c in result.study.candidates],
                    "best grid points": [
                        (r["lat"], r["lon"]) for r in grid if r["site_id"] in best
                    ],
                }
                engine = write_heatmap(
                    heatmap_figure, grid, temp, engine=png_engine, markers=markers
                )
        _csv(temp / "ranking.csv", result.ranking())
        (temp / "ranking.json").write_text(json.dumps(result.ranking(), indent=2), encoding="utf-8")
        _csv(temp / "switching.csv", switching_rows(result))
        _csv(temp / "days.csv", day_rows(result))
        summary.update(study_json(result, engine))
        (temp / "explanation.txt").write_text(
            "\n\n".join(s["explanation"] for s in summary["scenarios"].values()) + "\n",
            encoding="utf-8",
        )
        if plans:
            for key in result.tasks:
                if result.results[key]["ok"]:
                    write_plan(result.plan(key), temp / "plans" / key)
        (temp / "study.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")

    write_folder(target, fill)
    return summary
