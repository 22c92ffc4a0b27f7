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
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace

from logistics.errors import PlanningError
from logistics.network.model import Network, Order, TruckStart
from logistics.physics.travel import TravelMatrix, travel_matrix
from logistics.planning.assign import Assignment, AssignmentResult, assign_smelters
from logistics.planning.decompose import TARGET_JOBS
from logistics.planning.fixed import (
    FixedRun,
    apply_fixed,
    exclusions_after_fixed,
    jobs_after_fixed,
    start_rows,
)
from logistics.planning.greedy import greedy_plan
from logistics.planning.jobs import Job, JobBook, build_jobs
from logistics.planning.objective import plan_value
from logistics.planning.optimize import optimize
from logistics.planning.progress import ProgressCallback, ProgressEvent, no_progress
from logistics.planning.reasons import UnservedTonnes, unserved_tonnes
from logistics.planning.reinsert import reinsert
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TimedRun,
    TimedTrip,
    TruckState,
    initial_states,
    schedule_routes,
)
from logistics.planning.stats import FALLBACK_STATUS, SolverStats
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
    ctx = ScheduleContext.of(network, travel, assignment.assigned)
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
        day = _Day(network, travel, ctx, book, assignment, starts, fresh_states)
        try:
            chosen_trips, left, stats = _optimised(
                day,
                greedy_trips,
                greedy_left,
                notify,
                solver=solver,
                time_limit_s=time_limit_s,
                budget=_search_budget(time_limit_s, started, greedy_s),
                workers=workers,
                executor=executor,
                part_jobs=part_jobs,
                solution_limit=solution_limit,
                portfolio=portfolio,
                seed=seed,
            )
        except Exception as exc:  # the safety net: a failing optimiser is a bug, not a lost day
            reason = f"{type(exc).__name__}: {exc}".strip()
            log.warning("the optimiser failed (%s); the dispatcher's plan is used instead", reason)
            log.debug("the optimiser's failure", exc_info=True)
            greedy_value = plan_value(network, travel, greedy_runs, book, starts)
            stats = SolverStats(
                name=solver,
                status=FALLBACK_STATUS,
                fallback_reason=reason,
                time_limit_s=time_limit_s,
                greedy_objective_cny=round(greedy_value, 2),
                workers=workers,
                solution_limit=solution_limit,
            )
    left = left + list(assignment.short_of_metal)
    unserved = unserved_tonnes(network, book, left, assignment_of)
    stats = stats.model_copy(update={"wall_s": round(time.perf_counter() - started, 2)})
    return DaySchedule(tuple(chosen_trips), tuple(unserved), stats, travel, book)


@dataclass(frozen=True)
class _Day:
    """What the optimiser of one day works from (built once by :func:`plan_schedule`)."""

    network: Network
    travel: TravelMatrix
    ctx: ScheduleContext
    book: JobBook
    assignment: AssignmentResult
    starts: dict[str, tuple[int, float]]
    fresh_states: Callable[[], tuple[dict[str, TruckState], BayBook]]

    @property
    def assignment_of(self) -> dict[str, Assignment]:
        """Each assigned job's assignment, by job id."""
        return {a.job.job_id: a for a in self.assignment.assigned}

    def value(self, runs: Sequence[TimedRun]) -> float:
        """The objective of a set of runs, CNY (:func:`plan_value`)."""
        return plan_value(self.network, self.travel, runs, self.book, self.starts)

    def judge(self, candidate: list[TruckRoute]) -> float:
        """Plan value of routes once timed and repaired (to choose among searches)."""
        states, bays = self.fresh_states()
        trips = {r.truck_id: list(r.trips) for r in candidate}
        timed, _ = schedule_routes(self.ctx, trips, states, bays)
        done = {r.job.job_id for t in timed for r in t.runs}
        todo = [a.job for a in self.assignment.assigned if a.job.job_id not in done]
        timed += reinsert(self.ctx, todo, self.assignment_of, states, bays)[0]
        return self.value([r for t in timed for r in t.runs])


def _search_budget(time_limit_s: float, started: float, greedy_s: float) -> float:
    """Seconds for the search: the limit less what is spent and a reserve for timing.

    Re-timing the routes and re-inserting what they leave off costs about what the
    dispatcher's plan took to build; that much of the limit is kept for it.
    """
    reserve = min(0.2 * time_limit_s, 2.0 * greedy_s + 0.5)
    return max(1.0, time_limit_s - (time.perf_counter() - started) - reserve)


def _optimised(
    day: _Day,
    greedy_trips: list[TimedTrip],
    greedy_left: list[Job],
    notify: ProgressCallback,
    *,
    solver: str,
    time_limit_s: float,
    budget: float,
    workers: int,
    executor: Executor | None,
    part_jobs: int,
    solution_limit: int | None,
    portfolio: Sequence[str] | None,
    seed: int,
) -> tuple[list[TimedTrip], list[Job], SolverStats]:
    """The optimiser's plan of the day, or the dispatcher's where that is cheaper.

    Returns the trips, the jobs left over and the solver statistics.
    """

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

    states, bays = day.fresh_states()
    notify(ProgressEvent("search", _SEARCH_START, f"searching routes (limit {budget:.0f} s)"))
    routes, result, parts = optimize(
        day.ctx,
        day.assignment.assigned,
        states,
        time_limit_s=budget,
        on_solution=on_solution,
        initial_trips=trips_by_truck(greedy_trips),
        workers=workers,
        executor=executor,
        target_jobs=part_jobs,
        solution_limit=solution_limit,
        judge=day.judge,
        portfolio=portfolio,
        seed=seed,
    )
    notify(ProgressEvent("schedule", _SEARCH_END, "timing the trips"))
    truck_trips = {r.truck_id: list(r.trips) for r in routes}
    opt_trips, dropped = schedule_routes(day.ctx, truck_trips, states, bays)
    served = {r.job.job_id for t in opt_trips for r in t.runs}
    missing = [a.job for a in day.assignment.assigned if a.job.job_id not in served]
    extra, left_opt = reinsert(day.ctx, missing, day.assignment_of, states, bays)
    opt_trips += extra
    opt_value = day.value([r for t in opt_trips for r in t.runs])
    greedy_value = day.value([r for t in greedy_trips for r in t.runs])
    status = result.status
    chosen_trips, left = opt_trips, left_opt
    if opt_value > greedy_value:
        chosen_trips, left = greedy_trips, greedy_left
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
    return chosen_trips, left, stats
