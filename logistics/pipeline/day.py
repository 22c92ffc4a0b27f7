"""The one pipeline every surface calls: plan → check → economics.

``plan_day`` is what the CLI, the nightly job, the planning app and the siting studies
run. It plans the day (:func:`solve`), checks the plan independently
(:func:`logistics.check.check`) and prices it against ingots
(:func:`logistics.economics.plan_economics`), reporting progress through one callback.
Intraday re-planning (:func:`logistics.replan.replan`) runs it too, with the runs under
way as ``fixed_runs``, ``not_before=now`` and the trucks taken out as
``unavailable_trucks``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime

from logistics.check import CheckReport, check
from logistics.economics.plan_economics import plan_economics
from logistics.network.model import Network, TruckStart
from logistics.plan.build import solve_plan
from logistics.plan.economics_model import PlanEconomics
from logistics.plan.model import Plan, Run
from logistics.planning.decompose import TARGET_JOBS
from logistics.planning.progress import ProgressCallback, ProgressEvent, no_progress
from logistics.planning.stats import FALLBACK_STATUS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanOutcome:
    """A planned day: the plan (with its economics), the checker's report, the economics.

    Attributes
    ----------
    plan : Plan
        The plan, ``plan.economics`` filled in.
    report : CheckReport
        The independent checker's verdict on it.
    economics : PlanEconomics
        Cost, saving and CO2 against ingots (the same as ``plan.economics``).
    """

    plan: Plan
    report: CheckReport
    economics: PlanEconomics

    @property
    def ok(self) -> bool:
        """True when the checker found no violation."""
        return self.report.ok


def with_economics(network: Network, plan: Plan) -> Plan:
    """The plan with its economics filled in."""
    return plan.model_copy(update={"economics": plan_economics(network, plan)})


def solve(
    network: Network,
    *,
    solver: str = "ortools",
    time_limit_s: float = 60.0,
    fixed_runs: Sequence[Run] = (),
    truck_starts: Sequence[TruckStart] = (),
    progress: ProgressCallback | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    part_jobs: int = TARGET_JOBS,
    solution_limit: int | None = None,
    seed: int = 0,
    portfolio: Sequence[str] | None = None,
    not_before: datetime | None = None,
    unavailable_trucks: Sequence[str] = (),
) -> Plan:
    """Plan one day of a network, with its economics (not checked; see :func:`plan_day`).

    Parameters are those of :func:`plan_day`.

    Returns
    -------
    Plan
        Runs, unserved tonnes with reasons, solver statistics, KPIs and economics.
    """
    plan = solve_plan(
        network,
        solver=solver,
        time_limit_s=time_limit_s,
        fixed_runs=fixed_runs,
        truck_starts=truck_starts,
        progress=progress,
        workers=workers,
        executor=executor,
        part_jobs=part_jobs,
        solution_limit=solution_limit,
        seed=seed,
        portfolio=portfolio,
        not_before=not_before,
        unavailable_trucks=unavailable_trucks,
    )
    return with_economics(network, plan)


def _dispatcher_if_sound(
    network: Network, plan: Plan, report: CheckReport, settings: dict[str, object]
) -> tuple[Plan, CheckReport]:
    """The safety net for an optimiser's plan the checker rejects.

    The dispatcher's plan of the same day, marked as a fallback, when the checker finds
    it sound; otherwise the optimiser's plan and report as they are (the caller refuses
    a plan with violations).
    """
    first = "; ".join(str(v) for v in report.violations[:3])
    reason = (
        f"the checker found {len(report.violations)} violations in the optimiser's plan: {first}"
    )
    log.warning("%s; the dispatcher's plan is used instead", reason)
    dispatcher = solve_plan(network, solver="greedy", **settings)  # type: ignore[arg-type]
    dispatcher_report = check(network, dispatcher)
    if not dispatcher_report.ok:
        return plan, report
    stats = dispatcher.solver.model_copy(
        update={"name": plan.solver.name, "status": FALLBACK_STATUS, "fallback_reason": reason}
    )
    return dispatcher.model_copy(update={"solver": stats}), dispatcher_report


def plan_day(
    network: Network,
    *,
    solver: str = "ortools",
    time_limit_s: float = 60.0,
    fixed_runs: Sequence[Run] = (),
    truck_starts: Sequence[TruckStart] = (),
    executor: Executor | None = None,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    part_jobs: int = TARGET_JOBS,
    solution_limit: int | None = None,
    seed: int = 0,
    portfolio: Sequence[str] | None = None,
    not_before: datetime | None = None,
    unavailable_trucks: Sequence[str] = (),
) -> PlanOutcome:
    """Plan a day, check the plan independently and price it against ingots.

    Parameters
    ----------
    network : Network
        The validated network; its ``day_orders`` are planned.
    solver : {"ortools", "greedy"}
        The optimiser, or the dispatcher's baseline (first truck free).
    time_limit_s : float
        Wall-clock limit for planning, seconds; the best plan found by then is kept.
    fixed_runs : sequence of Run
        Runs kept exactly as they are (metal already filled or on the road).
    truck_starts : sequence of TruckStart
        Trucks available at another place or time than their home at shift start.
    executor : concurrent.futures.Executor, optional
        Where the parts of a day split into smelter clusters, or the portfolio's other
        searches of a day routed in one model, run (a process pool, a Dask client's
        ``get_executor()``); default a process pool of ``workers``.
    workers : int
        Processes: the parts of a split day, or the searches of the portfolio (one
        per worker) on a day routed in one model.
    progress : callable, optional
        Receives a :class:`~logistics.planning.progress.ProgressEvent` per step.
    part_jobs : int
        Most jobs routed in one model; larger days are split into smelter clusters.
    solution_limit : int, optional
        Deterministic mode: stop the search after this many solutions.
    seed : int
        Seed of the search engines that use one.
    portfolio : sequence of str, optional
        Search configurations for a day routed in one model, one per worker
        (:mod:`logistics.planning.portfolio`).
    not_before : datetime, optional
        Timezone-aware moment before which no new fill starts (re-planning at ``now``;
        ``fixed_runs`` are kept as they are whenever they started).
    unavailable_trucks : sequence of str
        Truck ids that get no new runs (broken down, taken out of service); their
        ``fixed_runs`` stay.

    Returns
    -------
    PlanOutcome
        The plan (with economics), the checker's report and the economics. A plan with
        violations is returned too: the caller decides (the CLI refuses to write it).

    Notes
    -----
    The safety net: when the optimiser fails (raises, or its plan breaks a rule of the
    checker) on a day the dispatcher's plan can plan, the checked dispatcher's plan is
    returned with ``plan.solver.status == "fallback_dispatcher"`` and
    ``plan.solver.fallback_reason`` saying why, and a warning is logged. Every fallback
    is a bug to report; ``--strict`` makes the command line fail on one.
    """
    notify = progress or no_progress
    settings = {
        "time_limit_s": time_limit_s,
        "fixed_runs": fixed_runs,
        "truck_starts": truck_starts,
        "workers": workers,
        "executor": executor,
        "part_jobs": part_jobs,
        "solution_limit": solution_limit,
        "seed": seed,
        "portfolio": portfolio,
        "not_before": not_before,
        "unavailable_trucks": unavailable_trucks,
    }
    plan = solve_plan(network, solver=solver, progress=notify, **settings)  # type: ignore[arg-type]
    notify(ProgressEvent("check", 0.94, "checking the plan independently"))
    report = check(network, plan)
    if not report.ok and solver != "greedy":
        plan, report = _dispatcher_if_sound(network, plan, report, settings)
    if not report.ok:
        log.error("the checker found %d violations in the plan", len(report.violations))
    notify(ProgressEvent("economics", 0.97, "pricing the plan against ingots"))
    economics = plan_economics(network, plan)
    plan = plan.model_copy(update={"economics": economics})
    notify(ProgressEvent("done", 1.0, "done"))
    return PlanOutcome(plan, report, economics)
