"""The one pipeline every surface calls: plan → check → risk → economics.

:func:`plan_day` is what the CLI, the nightly job, the planning app, re-planning and
the siting studies run. It plans the day (:func:`logistics.planning.solve.plan_schedule`),
checks the plan independently (:func:`logistics.check.check`), estimates every run's
risk of cold and late metal under uncertain travel times
(:func:`logistics.pipeline.risk.with_risk`) and prices it against
ingots (:func:`logistics.economics.plan_economics`), reporting progress through one
callback. How to plan is one :class:`~logistics.plan.options.PlanOptions`; what of the
day is already fixed (re-planning at ``now``) one
:class:`~logistics.plan.options.DayState`; the travel model one
:class:`~logistics.physics.travel.Travel`, built here or passed in.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from dataclasses import dataclass

from logistics.check import CheckReport, check
from logistics.economics.plan_economics import plan_economics
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.pipeline.assemble import plan_of
from logistics.pipeline.risk import with_risk
from logistics.pipeline.supply import has_managed, plan_supplied, with_supply
from logistics.plan.economics_model import PlanEconomics
from logistics.plan.model import Plan
from logistics.plan.options import DayState, PlanOptions
from logistics.plan.stats import FALLBACK_STATUS
from logistics.planning.solve import plan_schedule
from logistics.progress import ProgressCallback, ProgressEvent, no_progress

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
    travel : Travel
        The travel model the day was planned, checked and priced with.
    """

    plan: Plan
    report: CheckReport
    economics: PlanEconomics
    travel: Travel

    @property
    def ok(self) -> bool:
        """True when the checker found no violation."""
        return self.report.ok


def plan_day(
    network: Network,
    options: PlanOptions | None = None,
    state: DayState | None = None,
    *,
    travel: Travel | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
) -> PlanOutcome:
    """Plan a day, check the plan independently and price it against ingots.

    Parameters
    ----------
    network : Network
        The validated network; its ``day_orders`` are planned.
    options : PlanOptions, optional
        How to plan: solver, time limit, seed, workers, solution limit …
        (default ``PlanOptions()``: the optimiser, 60 s, one worker).
    state : DayState, optional
        What is already fixed (re-planning): runs under way, ``now``, truck starts,
        trucks taken out. Default: nothing, the whole day is planned.
    travel : Travel, optional
        The network's travel model (built from the network when not given). Pass one
        to plan many days of one network without building it each time.
    progress : callable, optional
        Receives a :class:`~logistics.progress.ProgressEvent` per step.
    executor : concurrent.futures.Executor, optional
        Where the searches (or the parts of a split day) run besides this process (a
        process pool, a Dask client's ``get_executor()``); default a process pool of
        ``options.workers``.

    Returns
    -------
    PlanOutcome
        The plan (with economics), the checker's report and the economics. A plan with
        violations is returned too: the caller decides (the CLI refuses to write it).

    Raises
    ------
    PlanningError
        If no plan can be made at all (no trucks, no sites, no orders on the day).
    ValueError
        If ``travel`` is not the network's (other sites).

    Notes
    -----
    The safety net: when the optimiser fails (raises, or its plan breaks a rule of the
    checker) on a day the dispatcher's plan can plan, the checked dispatcher's plan is
    returned with ``plan.solver.status == "fallback_dispatcher"`` and
    ``plan.solver.fallback_reason`` saying why, and a warning is logged. Every fallback
    is a bug to report; ``--strict`` makes the command line fail on one.
    """
    options = options or PlanOptions()
    state = state or DayState()
    notify = progress or no_progress
    if travel is None:
        travel = Travel.of(network)
    elif not travel.fits(network):
        raise ValueError("the travel model given is not the network's (other sites)")
    if has_managed(network):  # managed furnaces' deliveries, as orders, re-cut if low
        network, plan = _supplied(network, travel, options, state, notify, executor)
    else:
        plan = _planned(network, travel, options, state, notify, executor)
    notify(ProgressEvent("check", 0.94, "checking the plan independently"))
    report = check(network, plan, travel=travel)
    if not report.ok and options.solver != "greedy":
        plan, report = _dispatcher_if_sound(network, travel, plan, report, options, state)
    if not report.ok:
        log.error("the checker found %d violations in the plan", len(report.violations))
    notify(ProgressEvent("risk", 0.955, "estimating the risk of cold and late metal"))
    plan = with_risk(network, plan, travel)
    notify(ProgressEvent("economics", 0.97, "pricing the plan against ingots"))
    economics = plan_economics(network, plan, travel=travel)
    plan = plan.model_copy(update={"economics": economics})
    notify(ProgressEvent("done", 1.0, "done"))
    return PlanOutcome(plan, report, economics, travel)


def _supplied(
    network: Network,
    travel: Travel,
    options: PlanOptions,
    state: DayState,
    progress: ProgressCallback,
    executor: Executor | None,
) -> tuple[Network, Plan]:
    """A day with managed furnaces: their deliveries as orders, re-cut while low
    (:func:`~logistics.pipeline.supply.plan_supplied`); the trucks ``state`` takes out
    are out of the delivery decision, on the plan day and the look-ahead's later days,
    and what their kept runs carry is not charged to the running trucks; the cuts'
    first possible pours count the trucks' starts. On a fresh day (nothing under way
    or booked) the deliveries left unserved are tried late, inserted around the kept
    pass's runs."""
    fresh = not (state.fixed_runs or state.booked_runs or state.now)

    def inserted(n: Network, o: PlanOptions, plan: Plan) -> Plan:
        booked = state.model_copy(update={"booked_runs": plan.runs, "kept_preheats": plan.preheats})
        insert = o.model_copy(update={"replan_mode": "insert"})
        return _planned(n, travel, insert, booked, progress, executor)

    return plan_supplied(
        network,
        lambda n, o: _planned(n, travel, o, state, progress, executor),
        options,
        travel,
        trucks_out=state.unavailable_trucks,
        kept_runs=state.fixed_runs,
        truck_starts=state.truck_starts,
        inserted=inserted if fresh else None,
    )


def _planned(
    network: Network,
    travel: Travel,
    options: PlanOptions,
    state: DayState,
    progress: ProgressCallback,
    executor: Executor | None,
) -> Plan:
    """The planner's day as a plan (without economics)."""
    schedule = plan_schedule(network, travel, options, state, progress=progress, executor=executor)
    return with_supply(network, plan_of(network, schedule, state), travel)


def _dispatcher_if_sound(
    network: Network,
    travel: Travel,
    plan: Plan,
    report: CheckReport,
    options: PlanOptions,
    state: DayState,
) -> tuple[Plan, CheckReport]:
    """The safety net for an optimiser's plan the checker rejects.

    The dispatcher's plan of the same day, marked as a fallback, when the checker finds
    it sound; otherwise the optimiser's plan and report as they are (the caller refuses
    a plan with violations).
    """
    first = "; ".join(str(v) for v in report.violations[:3])
    count = len(report.violations)
    reason = f"the checker found {count} violations in the optimiser's plan: {first}"
    log.warning("%s; the dispatcher's plan is used instead", reason)
    greedy = options.model_copy(update={"solver": "greedy"})
    plain = state.model_copy(update={"booked_runs": ()})  # the dispatcher's rule, no insertion
    dispatcher = _planned(network, travel, greedy, plain, no_progress, None)
    dispatcher_report = check(network, dispatcher, travel=travel)
    if not dispatcher_report.ok:
        return plan, report
    stats = dispatcher.solver.model_copy(
        update={"name": plan.solver.name, "status": FALLBACK_STATUS, "fallback_reason": reason}
    )
    return dispatcher.model_copy(update={"solver": stats}), dispatcher_report
