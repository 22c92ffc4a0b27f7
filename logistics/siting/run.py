"""Run a siting study: days → screen → simulate the promising options → rank.

:func:`run_study` is the door for the command line (``molten site``) and the app. It
runs the stages in order, each handing the next a typed record:

1. the study's basis (:func:`logistics.siting.study.study_basis`): the representative
   days (:mod:`logistics.siting.days`), the same for every option, the region's
   typical plant and, in grid mode, the grid;
2. per scenario, the screen (:mod:`logistics.siting.screening` →
   :class:`~logistics.siting.screening.ScreenedScenario`): the parameters with its
   overrides, every combination of up to ``k`` sites valued by the facility-location
   screen (:mod:`logistics.siting.screen`);
3. per scenario, the simulations (:mod:`logistics.siting.simulations` →
   :class:`~logistics.siting.simulations.ScenarioSimulations`): the network as it is
   and the screen's best ``simulate`` options (and, in grid mode, the best
   ``grid_simulate`` grid points) with their plants, one task per day;
4. the tasks run (:func:`logistics.siting.runner.run_tasks`: here, in a process pool or
   on a Dask cluster), each day planned with :func:`logistics.pipeline.plan_day` and
   checked independently;
5. each option against the network as it is, day for day, and the ranking
   (:mod:`logistics.siting.comparison`): yearly saving, tonnes newly liquid, CO2 and
   dross avoided, truck-km, utilisation, payback and NPV
   (:mod:`logistics.siting.finance`), with the spread over the days.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from logistics.siting.comparison import TaskResults, compare_scenario
from logistics.siting.results import StudyResult
from logistics.siting.runner import run_tasks
from logistics.siting.screening import ScreenedScenario, screen_scenario
from logistics.siting.simulations import (
    ScenarioSimulations,
    scenario_simulations,
    simulated_sites,
)
from logistics.siting.study import Study, StudyBasis, study_basis
from logistics.siting.tasks import SimulationTask, base_payload

#: Share of the study's progress bar reached when the screen ends.
SCREEN_END = 0.1
#: Share of the progress bar the simulated days take, after the screen.
SIMULATE_SHARE = 0.88


@dataclass(frozen=True)
class SitingProgress:
    """One step of a study, for a progress bar.

    Attributes
    ----------
    stage : str
        ``days``, ``travel``, ``screen``, ``simulate`` or ``done``.
    fraction : float
        Share of the study done, 0–1 (simulation takes 10–100 %).
    message : str
        What is happening.
    done, total : int
        Tasks (or combinations) done and in all, in this stage.
    """

    stage: str
    fraction: float
    message: str
    done: int = 0
    total: int = 0


SitingCallback = Callable[[SitingProgress], None]


def _noop(event: SitingProgress) -> None:
    """A progress callback that does nothing."""


def _screen_scenarios(
    study: Study, basis: StudyBasis, notify: SitingCallback
) -> list[ScreenedScenario]:
    """Stage 2: every scenario's screen, in the study's order."""
    screened = []
    for n, scenario in enumerate(study.scenarios):
        fraction = 0.02 + 0.08 * n / len(study.scenarios)
        notify(SitingProgress("screen", fraction, f"screening '{scenario.name}'"))
        screened.append(screen_scenario(study, scenario, basis))
    return screened


def _prepare_simulations(
    study: Study, basis: StudyBasis, screened: list[ScreenedScenario], base: dict[str, Any]
) -> list[ScenarioSimulations]:
    """Stage 3: every scenario's options and day tasks, on one set of simulated sites."""
    sim_sites = simulated_sites(study, basis, screened)
    return [scenario_simulations(study, basis, s, sim_sites, base) for s in screened]


def _simulate(
    tasks: list[SimulationTask],
    base: dict[str, Any],
    notify: SitingCallback,
    *,
    workers: int,
    scheduler: Any,
    retries: int,
) -> TaskResults:
    """Stage 4: run every day's task where asked, reporting each finished day."""
    total_tasks = len(tasks)
    notify(SitingProgress("simulate", SCREEN_END, f"planning {total_tasks} days", 0, total_tasks))

    def on_task(done: int, total: int, key: str) -> None:
        fraction = SCREEN_END + SIMULATE_SHARE * done / max(1, total)
        notify(SitingProgress("simulate", fraction, f"planned {key}", done, total))

    return run_tasks(
        tasks, base, workers=workers, scheduler=scheduler, progress=on_task, retries=retries
    )


def run_study(
    study: Study,
    *,
    workers: int = 1,
    scheduler: Any = None,
    progress: SitingCallback | None = None,
    retries: int = 2,
) -> StudyResult:
    """Run a siting study (see the module docstring).

    Parameters
    ----------
    study : Study
        Network, candidates, settings and scenarios (:func:`make_study`, ``load_study``).
    workers : int
        Local processes for the simulated days (1: in this process).
    scheduler : str or dask.distributed.Client, optional
        A Dask scheduler address or client: the days run on that cluster instead.
    progress : callable, optional
        Receives a :class:`SitingProgress` per step and per finished day.
    retries : int
        Re-runs of a day whose worker was lost.

    Returns
    -------
    StudyResult
        Its ``wall_s`` holds the seconds of each stage (``days_s``, ``screen_s``,
        ``prepare_s``, ``simulate_s``) and of the whole study (``total_s``).
    """
    notify = progress or _noop
    started = time.perf_counter()
    notify(SitingProgress("days", 0.0, "building the representative days"))
    basis = study_basis(study)
    timings: dict[str, float] = {"days_s": time.perf_counter() - started}

    t0 = time.perf_counter()
    screened = _screen_scenarios(study, basis, notify)
    timings["screen_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    notify(SitingProgress("travel", SCREEN_END, "preparing the simulated days"))
    base = base_payload(study.network)
    simulations = _prepare_simulations(study, basis, screened, base)
    tasks = [task for scenario in simulations for task in scenario.tasks]
    timings["prepare_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    results = _simulate(tasks, base, notify, workers=workers, scheduler=scheduler, retries=retries)
    timings["simulate_s"] = time.perf_counter() - t0

    outcomes = {s.outcome.scenario.name: s.outcome for s in simulations}
    caster_names = {c.caster_id: c.name for c in study.network.casters}
    for outcome in outcomes.values():
        compare_scenario(outcome, basis.days, results, caster_names)
    timings["total_s"] = time.perf_counter() - started
    notify(SitingProgress("done", 1.0, "done", len(tasks), len(tasks)))
    return StudyResult(
        study=study,
        days=basis.days,
        scenarios=outcomes,
        tasks={t.key: t for t in tasks},
        results=results,
        base=base,
        wall_s={k: round(v, 2) for k, v in timings.items()},
    )
