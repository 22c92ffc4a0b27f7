"""The planning door: orders → jobs → smelters → routes → timed trips → what is left.

Pipeline: orders → jobs (:mod:`.jobs`) → smelter assignment with production release
times (:mod:`.assign`) → routes (the dispatcher's greedy plan, :mod:`.greedy`; the
OR-Tools optimiser, :mod:`.optimize`) → timed trips (:mod:`.schedule`), jobs left off
re-inserted (:mod:`.reinsert`) → unserved tonnes with their reasons (:mod:`.reasons`).

The OR-Tools search starts from the dispatcher's plan (measured on the Pearl River
Delta day at 60 s: route cost 202 k instead of 215 k CNY against 253 k for the
dispatcher), and the optimiser's plan is never worse than the dispatcher's by the
objective (:mod:`.objective`): both are built and the cheaper one is kept.

Everything here works in minutes from the plan origin; :mod:`logistics.plan` turns the
result into dated runs, numbers them and sums the KPIs.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace

from logistics.errors import PlanningError
from logistics.network.model import Network, Order, TruckStart
from logistics.physics.travel import TravelMatrix, travel_matrix
from logistics.planning.assign import assign_smelters
from logistics.planning.decompose import TARGET_JOBS
from logistics.planning.fixed import (
    FixedRun,
    apply_fixed,
    exclusions_after_fixed,
    jobs_after_fixed,
    start_rows,
)
from logistics.planning.greedy import greedy_plan
from logistics.planning.jobs import JobBook, build_jobs
from logistics.planning.objective import plan_value
from logistics.planning.optimize import optimize
from logistics.planning.progress import ProgressCallback, ProgressEvent, no_progress
from logistics.planning.reasons import UnservedTonnes, unserved_tonnes
from logistics.planning.reinsert import reinsert
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TimedTrip,
    TruckState,
    initial_states,
    schedule_routes,
)
from logistics.planning.stats import SolverStats
from logistics.planning.trips import TruckRoute, trips_by_truck

log = logging.getLogger(__name__)

SOLVERS = ("ortools", "greedy")
#: Share of the search's progress bar: it runs from here to :data:`_SEARCH_END`.
_SEARCH_START, _SEARCH_END = 0.08, 0.88


#: Order ids of other days named in the log; the rest are counted.
LOGGED_ORDER_IDS = 10


def _log_orders_of_other_days(plan_date: str, orders: Sequence[Order]) -> None:
    """Warn that orders of the file are not planned because they belong to other days."""
    ids = [o.order_id for o in orders[:LOGGED_ORDER_IDS]]
    more = f" and {len(orders) - len(ids)} more" if len(orders) > len(ids) else ""
    count = len(orders)
    log.warning(
        "%d order%s (%.1f t) in the orders file %s to other days than %s and %s not planned: %s%s",
        count,
        "" if count == 1 else "s",
        sum(o.tonnes for o in orders),
        "belongs" if count == 1 else "belong",
        plan_date,
        "is" if count == 1 else "are",
        ", ".join(ids),
        more,
    )


@dataclass(frozen=True)
class DaySchedule:
    """A planned day in minutes: new trips, what is left unserved and why, statistics.

    Attributes
    ----------
    trips : tuple of TimedTrip
        Trips planned (fixed runs are not among them).
    unserved : tuple of UnservedTonnes
        Tonnes not delivered, per order and reason.
    stats : SolverStats
        What the solver reports.
    travel : TravelMatrix
        The travel matrix the plan was made on.
    book : JobBook
        The day's jobs and the orders excluded outright.
    """

    trips: tuple[TimedTrip, ...]
    unserved: tuple[UnservedTonnes, ...]
    stats: SolverStats
    travel: TravelMatrix
    book: JobBook


def plan_schedule(
    network: Network,
    *,
    solver: str = "ortools",
    time_limit_s: float = 60.0,
    fixed_runs: Sequence[FixedRun] = (),
    truck_starts: Sequence[TruckStart] = (),
    progress: ProgressCallback | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    part_jobs: int = TARGET_JOBS,
    solution_limit: int | None = None,
    not_before: float | None = None,
    unavailable_trucks: Sequence[str] = (),
    seed: int = 0,
    portfolio: Sequence[str] | None = None,
) -> DaySchedule:
    """Plan one day of a network in minutes (see :func:`logistics.plan.build.solve_plan`).

    ``not_before`` (minutes) keeps every new fill at or after that moment (re-planning
    at ``now``); ``unavailable_trucks`` get no new runs (broken down, taken out).

    Raises
    ------
    PlanningError
        If no plan can be made at all (no trucks, no sites).
    ValueError
        For an unknown solver name.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; use one of {SOLVERS}")
    started = time.perf_counter()
    if not network.fleet or not network.smelters:
        raise PlanningError("the network has no trucks or no smelters")
    outside = network.orders_outside_day
    if not network.day_orders:
        others = len(outside)
        raise PlanningError(
            f"no order's window starts on {network.plan_date.isoformat()}, so there is "
            f"nothing to plan ({others} order{'s' if others != 1 else ''} in the orders "
            f"file {'belongs' if others == 1 else 'belong'} to other days; check --date)"
        )
    if outside:
        _log_orders_of_other_days(network.plan_date.isoformat(), outside)
    notify = progress or no_progress
    travel = travel_matrix(network)
    notify(ProgressEvent("jobs", 0.02, "building ladle jobs"))
    delivered_fixed: dict[str, float] = defaultdict(float)
    used_t: dict[tuple[str, str], float] = defaultdict(float)
    for r in fixed_runs:
        delivered_fixed[r.order_id] += r.tonnes
        used_t[(r.smelter_id, r.alloy)] += r.tonnes
    full_book = build_jobs(network, travel)
    book = replace(
        full_book,
        jobs=jobs_after_fixed(full_book, delivered_fixed),
        excluded=exclusions_after_fixed(full_book.excluded, delivered_fixed),
    )
    jobs = book.jobs

    notify(ProgressEvent("assign", 0.04, "assigning smelters"))
    assignment = assign_smelters(network, jobs, used_t)
    assignment_of = {a.job.job_id: a for a in assignment.assigned}
    ctx = ScheduleContext(network, travel, {a.job.job_id: a.release for a in assignment.assigned})
    starts = start_rows(network, travel, truck_starts)

    def fresh_states() -> tuple[dict[str, TruckState], BayBook]:
        states = initial_states(network, travel)
        bays = BayBook({s.smelter_id: s.fill_bays for s in network.smelters})
        apply_fixed(network, travel, states, bays, fixed_runs, truck_starts)
        for truck_id in unavailable_trucks:
            states.pop(truck_id, None)
        if not_before is not None:
            for state in states.values():
                state.ready = max(state.ready, math.ceil(not_before - 1e-9))
        return states, bays

    notify(ProgressEvent("dispatch", 0.06, "building the dispatcher's plan"))
    greedy_started = time.perf_counter()
    states, bays = fresh_states()
    greedy_trips, greedy_left = greedy_plan(ctx, assignment.assigned, states, bays)
    greedy_s = time.perf_counter() - greedy_started
    greedy_runs = [r for t in greedy_trips for r in t.runs]
    chosen_trips, left = greedy_trips, greedy_left
    if solver == "greedy":
        stats = SolverStats(name=solver, status="greedy", time_limit_s=time_limit_s)
    else:
        states, bays = fresh_states()
        # Re-timing the routes and re-inserting what they leave off costs about what
        # the dispatcher's plan took to build; keep that much of the limit for it.
        reserve = min(0.2 * time_limit_s, 2.0 * greedy_s + 0.5)
        budget = max(1.0, time_limit_s - (time.perf_counter() - started) - reserve)

        def on_solution(seconds: float, objective: int) -> None:
            share = min(1.0, seconds / budget)
            fraction = _SEARCH_START + (_SEARCH_END - _SEARCH_START) * share
            notify(
                ProgressEvent(
                    "search",
                    fraction,
                    f"searching routes: {seconds:.0f} of {budget:.0f} s, "
                    f"objective {objective / 100:,.0f} CNY",
                )
            )

        def judge(candidate: list[TruckRoute]) -> float:
            """Plan value of routes once timed and repaired (to choose among searches)."""
            trial_states, trial_bays = fresh_states()
            trial_trips = {r.truck_id: list(r.trips) for r in candidate}
            timed, _ = schedule_routes(ctx, trial_trips, trial_states, trial_bays)
            done = {r.job.job_id for t in timed for r in t.runs}
            todo = [a.job for a in assignment.assigned if a.job.job_id not in done]
            timed += reinsert(ctx, todo, assignment_of, trial_states, trial_bays)[0]
            return plan_value(network, travel, [r for t in timed for r in t.runs], book, starts)

        notify(ProgressEvent("search", _SEARCH_START, f"searching routes (limit {budget:.0f} s)"))
        routes, result, parts = optimize(
            ctx,
            assignment.assigned,
            states,
            time_limit_s=budget,
            on_solution=on_solution,
            initial_trips=trips_by_truck(greedy_trips),
            workers=workers,
            executor=executor,
            target_jobs=part_jobs,
            solution_limit=solution_limit,
            judge=judge,
            portfolio=portfolio,
            seed=seed,
        )
        notify(ProgressEvent("schedule", _SEARCH_END, "timing the trips"))
        truck_trips = {r.truck_id: list(r.trips) for r in routes}
        opt_trips, dropped = schedule_routes(ctx, truck_trips, states, bays)
        served = {r.job.job_id for t in opt_trips for r in t.runs}
        missing = [a.job for a in assignment.assigned if a.job.job_id not in served]
        extra, left_opt = reinsert(ctx, missing, assignment_of, states, bays)
        opt_trips += extra
        opt_runs = [r for t in opt_trips for r in t.runs]
        opt_value = plan_value(network, travel, opt_runs, book, starts)
        greedy_value = plan_value(network, travel, greedy_runs, book, starts)
        status = result.status
        if opt_value <= greedy_value:
            chosen_trips, left = opt_trips, left_opt
        else:
            status = f"{result.status}; greedy plan kept (cheaper)"
        stats = SolverStats(
            name=solver,
            status=status,
            time_limit_s=time_limit_s,
            objective_cny=round(opt_value, 2),
            greedy_objective_cny=round(greedy_value, 2),
            search_wall_s=round(result.wall_s, 2),
            first_solution_s=(
                round(result.first_solution_s, 2) if result.first_solution_s is not None else None
            ),
            improving_solutions=result.solutions,
            started_from_greedy=bool(result.initial_accepted),
            parts=parts,
            workers=workers,
            dropped_by_router=len(result.dropped) // 2,
            left_off_by_scheduler=len(dropped),
            solution_limit=solution_limit,
        )
    left = left + list(assignment.short_of_metal)
    unserved = unserved_tonnes(network, book, left, assignment_of)
    stats = stats.model_copy(update={"wall_s": round(time.perf_counter() - started, 2)})
    return DaySchedule(tuple(chosen_trips), tuple(unserved), stats, travel, book)
