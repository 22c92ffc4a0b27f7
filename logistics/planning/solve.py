"""The planning door: orders → jobs → smelters → routes → timed trips → what is left.

Pipeline: orders → jobs (:mod:`.jobs`) → smelter assignment with production release
times (:mod:`.assign`) → routes (the dispatcher's greedy plan, :mod:`.greedy`; the
OR-Tools optimiser, :mod:`.optimize`) → timed trips (:mod:`.schedule`), jobs left off
re-inserted (:mod:`.reinsert`) → unserved tonnes with their reasons (:mod:`.reasons`).

The OR-Tools search starts from the dispatcher's plan (measured on the Pearl River
Delta day at 60 s: route cost 202 k instead of 215 k CNY against 253 k for the
dispatcher), and the optimiser's plan is never worse than the dispatcher's by the
objective (:mod:`.objective`): both are built and the cheaper one is kept.

Everything here works in minutes from the plan origin; :mod:`logistics.pipeline` turns the
result into dated runs, numbers them and sums the KPIs.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from logistics.errors import PlanningError
from logistics.network.model import Network, Order
from logistics.network.prices import superheat_cost_per_c_t, unserved_penalty_per_t
from logistics.physics.travel import Travel
from logistics.plan.diff import change_cost
from logistics.plan.model import Run
from logistics.plan.options import DayState, PlanOptions
from logistics.plan.stats import FALLBACK_STATUS, SolverStats
from logistics.plan.timeline import MinuteRun, minute_run_of, start_rows
from logistics.planning.assign import (
    Assignment,
    AssignmentResult,
    assign_smelters,
    earliest_arrivals,
)
from logistics.planning.bookings import jobs_of_runs
from logistics.planning.drivers import DriverStop
from logistics.planning.drop_penalty import is_managed_delivery
from logistics.planning.fixed import apply_fixed, exclusions_after_fixed, jobs_after_fixed
from logistics.planning.greedy import DispatchWork, greedy_plan
from logistics.planning.insert import (
    INSERTED_TRIPS,
    MANAGED_GRACE_S,
    Inserted,
    insert_jobs,
    late_deadline,
)
from logistics.planning.jobs import Job, JobBook, build_jobs
from logistics.planning.ladle_delay import DayParts, assign_with_delays
from logistics.planning.ladle_model import FEN
from logistics.planning.ladle_retry import Pooled, retry_with_pool
from logistics.planning.ladle_source import fill_elsewhere
from logistics.planning.ladles import KeptRuns, LadlePlan, assign_ladles
from logistics.planning.leftovers import retry_elsewhere
from logistics.planning.legal import fixed_clocks, legal_day
from logistics.planning.make_room import make_room
from logistics.planning.objective import plan_value
from logistics.planning.optimize import CloseRivals, optimize
from logistics.planning.reasons import UnservedTonnes, unserved_tonnes
from logistics.planning.reinsert import reinsert
from logistics.planning.routing import RoutingResult
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TimedRun,
    TimedTrip,
    TruckState,
    initial_states,
    schedule_routes,
)
from logistics.planning.topup import metal_holds, top_up
from logistics.planning.trip_limit import within_trip_limits
from logistics.planning.trips import TruckRoute, trips_by_truck
from logistics.progress import ProgressCallback, ProgressEvent, no_progress

log = logging.getLogger(__name__)

#: The search members of a re-optimising re-plan when none are given: job by job (booked
#: jobs keep their own truck and time), the first from the insert plan.
REPLAN_PORTFOLIO = ("gls-jobs", "gls-scratch-jobs", "gls-eft-jobs", "gls-parallel")
#: Share of the search's progress bar: it runs from here to :data:`_SEARCH_END`.
_SEARCH_START, _SEARCH_END = 0.08, 0.88


#: With a ladle pool, the portfolio's best candidates are chosen among by the plan that
#: comes out of the ladle pass (:meth:`_Day.refine`), not by their timed routes alone.
REFINE_WITH_LADLES = True
#: Shortest time limit, s, at which candidates are refined: at 15 s the refining's
#: 1-2 s were missed by the leftovers' second try (``not_planned_in_time``), at 60 s the
#: refined plans ended lower on both samples (docs/solver.md).
REFINE_MIN_LIMIT_S = 30.0
#: Below :data:`REFINE_MIN_LIMIT_S`, the best candidate and the best of another search
#: member are refined where their judged values are close (:func:`.optimize.close_rivals`):
#: at 15 s the Pearl River Delta sample kept ``gls-cost``'s routes, judged best, whose
#: ladle pass then left ~50 t more unserved than ``gls-parallel``'s; ``False``: the
#: judge's best is kept at short limits (for comparisons).
REFINE_CLOSE_SHORT = True
#: With a ladle pool, leftover jobs are put in free slots of the plan's trips
#: (:mod:`.topup`) as well as on trips of their own; ``False`` skips that (for
#: comparisons).
TOP_UP = True
#: The free slots are tried before the trips of their own as well as after them (after
#: only where the retry added trips); ``False``: after only (for comparisons).
TOP_UP_FIRST = True
#: With a ladle pool, a trip the ladle pass leaves short of ladles is tried at another
#: smelter of its jobs (:mod:`.ladle_source`); ``False`` skips that (for comparisons).
FILL_ELSEWHERE = True

#: The jobs the timing leaves off the optimiser's routes get a trip of their own only
#: where it costs less than the ingot route (:mod:`.reinsert`); ``False``: on the truck
#: done first, whatever it costs (for comparisons).
PRICED_REINSERT = True
#: With a ladle pool, whether the leftovers are tried on a truck freed by moving a trip
#: in their way (:mod:`.make_room`), after the ladle pass and before the pool's second
#: try; ``False`` skips that (for comparisons).
MAKE_ROOM = True
#: The share of the time left to the pass's deadline the moves may take.
MAKE_ROOM_SHARE = 0.3
#: The share of the time left to the pass's managed grace the moves for managed
#: deliveries (tried first) may take.
MAKE_ROOM_MANAGED_SHARE = 0.5

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
    travel : Travel
        The travel matrix the plan was made on.
    book : JobBook
        The day's jobs and the orders excluded outright.
    kept : tuple of Run
        The runs kept exactly as they were (under way, and in ``insert`` mode the
        booked ones): the plan is these plus :attr:`trips`.
    ladles : LadlePlan or None
        Each run's ladle of the smelters' pools and the preheats (a network with
        ``ladles.csv``; :mod:`.ladles`).
    breaks : tuple of DriverStop
        With driver rules: the drivers' rests and handovers (:mod:`.legal`).
    """

    trips: tuple[TimedTrip, ...]
    unserved: tuple[UnservedTonnes, ...]
    stats: SolverStats
    travel: Travel
    book: JobBook
    kept: tuple[Run, ...] = ()
    ladles: LadlePlan | None = None
    breaks: tuple[DriverStop, ...] = ()


def plan_schedule(
    network: Network,
    travel: Travel,
    options: PlanOptions,
    state: DayState,
    *,
    progress: ProgressCallback = no_progress,
    executor: Executor | None = None,
) -> DaySchedule:
    """Plan one day of a network in minutes (see :func:`logistics.pipeline.plan_day`).

    Parameters
    ----------
    network : Network
        The validated network; its ``day_orders`` are planned.
    travel : Travel
        Its travel model.
    options : PlanOptions
        How to plan (solver, time limit, seed, workers, …).
    state : DayState
        What is already fixed: runs under way are kept, no new fill starts before
        ``now``, unavailable trucks get no new runs.
    progress : callable
        Receives a :class:`~logistics.progress.ProgressEvent` per step.
    executor : concurrent.futures.Executor, optional
        Where the searches run besides this process (default a process pool of
        ``options.workers``).

    Returns
    -------
    DaySchedule
        The new trips, what is left unserved and why, statistics.

    Raises
    ------
    PlanningError
        If no plan can be made at all (no trucks, no sites, no orders of the day).
    """
    started = time.monotonic()
    _check_day_orders(network)
    if state.booked_runs and options.replan_mode == "insert":
        return _insert_schedule(network, travel, options, state, progress, started)
    # Re-optimising (booked runs): they are jobs again, each move priced; routes that keep
    # the start's trips are timed as it times them.
    day = _prepare_day(network, travel, state, progress, state.fixed_runs, state.booked_runs)
    day = replace(day, reinsert_until=_reinsert_until(options, started))
    chosen_trips, left, stats = _searched(day, state, options, progress, started, executor)
    progress(ProgressEvent("repair", _SEARCH_END, "trying what is left in the trucks' free time"))
    until = _until(state, started + options.time_limit_s, day.grace[0] if day.grace else None)
    chosen_trips, left, stats, reasons = _repaired(
        day, state, list(chosen_trips), left, stats, until
    )
    return _finished(day, chosen_trips, left, stats, started, reasons, until)


def _reinsert_until(options: PlanOptions, started: float) -> tuple[float | None, float | None]:
    """The re-insertion's :func:`time.monotonic` deadline and managed grace, s: the
    pass's time limit from ``started`` and :data:`~.insert.MANAGED_GRACE_S` past it (its
    groups not tried by then are the leftovers' tries', which start past the same
    deadline: ``not_planned_in_time``); none at a ``solution_limit`` (deterministic)."""
    if options.solution_limit is not None:
        return None, None
    deadline = started + options.time_limit_s
    return deadline, deadline + MANAGED_GRACE_S


def _check_day_orders(network: Network) -> None:
    """Raise :class:`PlanningError` when there is nothing to plan with or for (a day of
    managed furnaces that need nothing is an empty plan); warn of the orders of other
    days."""
    if not network.fleet or not network.smelters:
        raise PlanningError("the network has no trucks or no smelters")
    outside = network.orders_outside_day
    if not network.day_orders and not any(f.managed for f in network.furnaces):
        others = len(outside)
        raise PlanningError(
            f"no order's window starts on {network.plan_date.isoformat()}, so there is "
            f"nothing to plan ({others} order{'s' if others != 1 else ''} in the orders "
            f"file {'belongs' if others == 1 else 'belong'} to other days; check --date)"
        )
    if outside:
        _log_orders_of_other_days(network.plan_date.isoformat(), outside)


def _insert_schedule(
    network: Network,
    travel: Travel,
    options: PlanOptions,
    state: DayState,
    progress: ProgressCallback,
    started: float,
) -> DaySchedule:
    """Re-plan ``insert``: the runs under way and booked are kept as they are; the jobs
    left are fitted into the trucks' free time (``started``: :func:`time.monotonic`, s)."""
    kept = (*state.fixed_runs, *state.booked_runs)
    day = _prepare_day(network, travel, state, progress, kept)
    progress(ProgressEvent("insert", 0.5, "fitting the changes into the trucks' free time"))
    trips, left, stats, reasons = _inserted(day, state, options)
    return _finished(
        day, trips, left, stats, started, reasons, _until(state, started + options.time_limit_s)
    )


class _Until(NamedTuple):
    """When a routed pass stops trying its leftovers.

    Attributes
    ----------
    state : DayState
        The day's state.
    deadline : float
        :func:`time.monotonic` of the pass's time limit, s.
    managed_until : float or None
        :func:`time.monotonic` until which its managed deliveries are still tried, s:
        the pass's one grace (:data:`~.insert.MANAGED_GRACE_S` past the deadline,
        or past the moment the pass first tries leftovers past it: the re-insertion of
        the search's timings, else the insertion of its leftovers), shared by the
        re-insertion, the insertion of the leftovers and the ladle pool's retry.
    """

    state: DayState
    deadline: float
    managed_until: float | None


def _until(state: DayState, deadline: float, managed_until: float | None = None) -> _Until:
    """The pass's deadline and its one managed grace: ``managed_until``
    (:func:`time.monotonic`, s) where given, the end of the grace a re-insertion of the
    search's timings ran into already (:attr:`_Day.grace`: the leftovers' tries get no
    second one), else taken now (when its leftovers are first tried).
    """
    if managed_until is not None:
        return _Until(state, deadline, managed_until)
    return _Until(state, deadline, late_deadline(deadline, MANAGED_GRACE_S))


def _searched(
    day: _Day,
    state: DayState,
    options: PlanOptions,
    progress: ProgressCallback,
    started: float,
    executor: Executor | None,
) -> tuple[list[TimedTrip], list[Job], SolverStats]:
    """The dispatcher's plan, then (unless the solver is ``greedy``) the optimiser's from
    it within the time left since ``started`` (:func:`time.monotonic`, s).

    A failing optimiser is the safety net's case: the dispatcher's plan is kept, with
    statistics saying why.
    """
    initial_trips = _start_trips(day) if state.booked_runs else None
    progress(ProgressEvent("dispatch", 0.06, "building the dispatcher's plan"))
    greedy_started = time.monotonic()
    states, bays = day.fresh_states()
    work = DispatchWork()
    greedy_trips, greedy_left = greedy_plan(
        day.ctx, day.assignment.assigned, states, bays, work=work
    )
    # the reserve's factors were measured when the plan timed every truck for every trip
    greedy_s = work.every_truck_s(time.monotonic() - greedy_started)
    if options.solver == "greedy":
        stats = SolverStats(name="greedy", status="greedy", time_limit_s=options.time_limit_s)
        return greedy_trips, greedy_left, stats
    try:
        return _optimised(
            day,
            greedy_trips,
            greedy_left,
            progress,
            options=options,
            budget_s=_search_budget(
                options.time_limit_s,
                started,
                greedy_s,
                walked=day.ctx.rules is not None,
                pooled=bool(day.network.ladles),
            ),
            executor=executor,
            initial_trips=initial_trips,
            started=started,
        )
    except Exception as exc:  # the safety net: a failing optimiser is a bug, not a lost day
        return greedy_trips, greedy_left, _fallback_stats(day, greedy_trips, options, exc)
    finally:
        day.timings.clear()  # the judged candidates' timings are not needed after it
        day.refined.clear()
        day.cut.clear()


def _finished(
    day: _Day,
    trips: list[TimedTrip],
    left: list[Job],
    stats: SolverStats,
    started: float,
    reasons: dict[str, str],
    until: _Until,
) -> DaySchedule:
    """The day's schedule: its trips, what is left unserved and why, its statistics; with
    drivers' rules, their rests and handovers; with a ladle pool, each run's ladle (a
    trip is filled later where a ladle is ready a little later, else a run no ladle can
    be ready for is left unserved), and the ``fleet`` leftovers tried once more where a
    ladle is there for them (:mod:`.ladle_retry`; ``until``: the day's state, the
    :func:`time.monotonic` deadline of that try and the pass's managed grace)."""
    searched = _run_keys(trips)
    _accounted(day, trips, left, "the search and its repair")
    trips, left, reasons = within_trip_limits(day.network, trips, left, reasons, day.kept)
    _accounted(day, trips, left, "the trip limits")
    day, trips, left, reasons, breaks, ladles = _legal_with_ladles(day, trips, left, reasons)
    _accounted(day, trips, left, "the drivers' walk and the ladle pass")
    if ladles is not None:
        pooled = Pooled(trips, left, reasons, breaks, ladles)
        if MAKE_ROOM:
            day, pooled = _roomed(day, pooled, until)
            _accounted(day, pooled.trips, pooled.left, "the trips moved to make room")
        before = len(pooled.trips)  # the trips the pool's second try adds
        pooled = _pooled_again(day, pooled, until)
        trips, left, reasons, breaks, ladles = (
            pooled.trips,
            pooled.left,
            pooled.reasons,
            pooled.stops,
            pooled.ladles,
        )
        stats = _with_pooled(day, stats, trips, len(trips) - before)
    if stats.objective_cny is not None and (ladles is not None or _run_keys(trips) != searched):
        # the objective of the plan that comes out, not of the one the search found
        value = day.value([r for t in trips for r in t.runs]) + _lining_cny(day, trips, ladles)
        stats = stats.model_copy(update={"objective_cny": round(value, 2)})
    left = left + list(day.assignment.short_of_metal)
    unserved = unserved_tonnes(
        day.network, day.book, left, day.assignment_of, reasons, day.assignment.late
    )
    stats = stats.model_copy(update={"wall_s": round(time.monotonic() - started, 2)})
    return DaySchedule(
        tuple(trips),
        tuple(unserved),
        stats,
        day.travel,
        day.book,
        day.kept,
        ladles=ladles,
        breaks=breaks,
    )


def _accounted(day: _Day, trips: Sequence[TimedTrip], left: Sequence[Job], step: str) -> bool:
    """Whether every job of the day's assignment is carried by one run of ``trips`` or
    left once in ``left``; a job lost or counted twice is logged as an error naming the
    ``step`` that did it. Nothing here repairs it: the checker's order accounting then
    rejects the plan. For an optimiser's plan, :func:`~logistics.pipeline.day.plan_day`
    then tries the dispatcher's plan of the day and uses it if the checker finds it
    sound; with ``solver == "greedy"`` (the dispatcher's plan itself, the fallback's
    own included) there is no fallback: the plan comes back with the checker's
    violations (the command line refuses to write it)."""
    counted = Counter(r.job.job_id for t in trips for r in t.runs)
    counted.update(j.job_id for j in left)
    lost = sorted({a.job.job_id for a in day.assignment.assigned} - set(counted))
    twice = sorted(job_id for job_id, n in counted.items() if n > 1)
    if lost or twice:
        log.error(
            "job accounting after %s: jobs neither carried nor left %s, counted twice %s",
            step,
            lost,
            twice,
        )
    return not lost and not twice


def _pooled_again(day: _Day, pooled: Pooled, until: _Until) -> Pooled:
    """With a ladle pool, the leftovers tried again after the ladle pass: in free slots of
    the plan's trips (:mod:`.topup`), then on trips of their own (:mod:`.ladle_retry`),
    then in free slots again where that added trips, until the deadline ``until[1]``.

    A free slot adds a ladle's detour to a trip already driven, a trip of its own the
    whole drive: the slots are taken first, so the retry's trips do not take the
    trucks' time and the smelters' metal and ladles before them (:data:`TOP_UP_FIRST`).
    No free slots in a re-plan with runs kept, under way or booked (they time trips from
    the start of each truck's day)."""
    parts = DayParts(day.ctx, day.kept, day.fixed, day.starts, day.fresh_states)
    not_before = day.not_before_min if day.not_before_min is not None else 0
    penalty = unserved_penalty_per_t(day.network.params)
    slots = TOP_UP and not day.kept and not day.booked
    if slots and TOP_UP_FIRST:
        pooled = top_up(
            parts, pooled, not_before=not_before, penalty_per_t=penalty, deadline=until[1]
        )
        _accounted(day, pooled.trips, pooled.left, "the free slots of the plan's trips")
    retried = retry_with_pool(
        parts,
        pooled,
        _day_starts(day, until[0]),
        not_before=not_before,
        penalty_per_t=penalty,
        deadline=until[1],
        managed_until=until.managed_until,
    )
    _accounted(day, retried.trips, retried.left, "the ladle pool's second try")
    if slots and (retried.trips is not pooled.trips or not TOP_UP_FIRST):
        retried = top_up(
            parts, retried, not_before=not_before, penalty_per_t=penalty, deadline=until[1]
        )
        _accounted(day, retried.trips, retried.left, "the free slots of the plan's trips")
    return retried


def _lining_cny(day: _Day, trips: Sequence[TimedTrip], ladles: LadlePlan | None) -> float:
    """Gas for the heat the ladles' linings take from the metal (each run's
    ``ladle_drop_c`` tapped hotter, at the superheat price), CNY; 0 without a pool."""
    if ladles is None:
        return 0.0
    rate = superheat_cost_per_c_t(day.network.params)
    return sum(
        ladles.uses[key][1] * r.tonnes * rate
        for t in trips
        for r in t.runs
        if (key := (r.truck_id, r.trip, r.job.job_id)) in ladles.uses
    )


def _run_keys(trips: Sequence[TimedTrip]) -> set[tuple[str, int, str, int]]:
    """Each run of ``trips`` by truck, trip, job and fill start (to tell a changed plan)."""
    return {(r.truck_id, r.trip, r.job.job_id, r.fill_start) for t in trips for r in t.runs}


def _with_pooled(
    day: _Day, stats: SolverStats, trips: Sequence[TimedTrip], added: int
) -> SolverStats:
    """``stats`` with ``added`` trips inserted with the ladle pool (and the objective of
    ``trips`` when it has one)."""
    if not added:
        return stats
    update: dict[str, object] = {
        "inserted_after_search": (stats.inserted_after_search or 0) + added
    }
    if stats.objective_cny is not None:
        update["objective_cny"] = round(day.value([r for t in trips for r in t.runs]), 2)
    return stats.model_copy(update=update)


def _legal_with_ladles(
    day: _Day, trips: list[TimedTrip], left: list[Job], reasons: dict[str, str]
) -> tuple[
    _Day, list[TimedTrip], list[Job], dict[str, str], tuple[DriverStop, ...], LadlePlan | None
]:
    """The day (its fill windows those of the trips moved to another smelter), the trips
    that stay under the drivers' rules and get a ladle, the jobs left, why, the drivers'
    stops and the ladle plan.

    The day is walked with the rules (:func:`legal_day`), then given ladles
    (:func:`~.ladle_delay.assign_with_delays`: a fill is tried later where a ladle is
    ready a little later; :func:`~.ladle_source.fill_elsewhere`: a trip still short is
    tried at another smelter, not in a re-plan with runs kept, under way or booked, whose
    trucks' states start after those runs); a run left without a ladle changes its
    truck's driving, so the day is walked again, and given ladles again when that walk
    drops a trip, until neither drops anything (each round drops runs, so this ends).
    """
    breaks: tuple[DriverStop, ...] = ()
    ladles: LadlePlan | None = None
    while True:
        if day.ctx.rules is not None:
            legal = legal_day(day.ctx, trips, day.fixed, day.starts)
            trips, breaks = legal.trips, legal.stops
            left = left + legal.dropped
            reasons = {**reasons, **{job.job_id: "driver_hours" for job in legal.dropped}}
            if ladles is not None and not legal.dropped:
                break  # the ladle plan holds for the same trips
        if not day.network.ladles:
            break
        parts = DayParts(day.ctx, day.kept, day.fixed, day.starts, day.fresh_states)
        delayed = assign_with_delays(parts, trips, breaks)
        if FILL_ELSEWHERE and not day.kept and not day.booked:
            delayed = fill_elsewhere(
                parts,
                delayed,
                not_before=day.not_before_min or 0,
                penalty_per_t=unserved_penalty_per_t(day.network.params),
            )
            if delayed.fills is not None:
                day = replace(day, ctx=replace(day.ctx, fills=dict(delayed.fills)))
        ladles, breaks = delayed.ladles, delayed.stops
        trips = list(ladles.trips)
        left = left + [r.job for r in ladles.dropped]
        reasons = {**reasons, **{r.job.job_id: "ladles" for r in ladles.dropped}}
        if day.ctx.rules is None or not ladles.dropped:
            break
    return day, trips, left, reasons, breaks, ladles


def _arrivals(
    network: Network, travel: Travel, state: DayState, kept: Sequence[Run], booked: Sequence[Run]
) -> dict[str, int] | None:
    """The earliest minute any truck can be at each smelter
    (:func:`~logistics.planning.assign.earliest_arrivals`) on a fresh day, every truck
    starting at home at its shift start; ``None`` (the fill windows as they are) on a
    re-plan, whose trucks may start elsewhere."""
    fresh = not (kept or booked or state.truck_starts or state.en_route or state.now)
    return earliest_arrivals(network, travel) if fresh else None


def _prepare_day(
    network: Network,
    travel: Travel,
    state: DayState,
    progress: ProgressCallback,
    kept: Sequence[Run],
    booked: Sequence[Run] = (),
) -> _Day:
    """Jobs, smelter assignment and the truck states the day starts from.

    ``kept`` are the runs that stay as they are (under way; in ``insert`` mode the
    booked runs too): their tonnes come off their orders and their smelters' metal.
    ``booked`` (re-optimising) are runs to keep where it pays. The runs the search
    starts from (``state.proposal``, the insert plan, else the booked runs; those not
    under way) are each matched to a job of its order (:func:`_start_of`): the job
    tries the start's smelter first, queues for metal by its fill there (the others by
    latest pour, merged), is timed no earlier than the start times it on the start's
    truck (:attr:`ScheduleContext.held`), and where the run is booked gets the booked
    truck and pour as its home (:attr:`ScheduleContext.homes`).
    """
    progress(ProgressEvent("jobs", 0.02, "building ladle jobs"))
    fixed = [minute_run_of(network, r) for r in kept]
    delivered_fixed: dict[str, float] = defaultdict(float)
    used_t: dict[tuple[str, str], float] = defaultdict(float)
    for r in fixed:
        delivered_fixed[r.order_id] += r.tonnes
        used_t[(r.smelter_id, r.alloy)] += r.tonnes
    full_book = build_jobs(network, travel)
    book = replace(
        full_book,
        jobs=jobs_after_fixed(full_book, delivered_fixed),
        excluded=exclusions_after_fixed(full_book.excluded, delivered_fixed),
    )
    booked_min = tuple(minute_run_of(network, r) for r in booked)
    start = _start_of(network, book.jobs, booked_min, state.proposal, fixed) if booked else None
    progress(ProgressEvent("assign", 0.04, "assigning smelters"))
    preferred, queue = (start.preferred, start.queue) if start else (None, None)
    arrival = _arrivals(network, travel, state, kept, booked)
    assignment = assign_smelters(network, book.jobs, used_t, preferred, queue, arrival)
    ctx = ScheduleContext.of(network, travel, assignment.assigned)
    if start is not None:
        ctx = replace(ctx, homes=start.homes, held=start.held)
    not_before_min = network.minutes(state.now) if state.now is not None else None

    def fresh_states() -> tuple[dict[str, TruckState], BayBook]:
        states = initial_states(network, travel)
        bays = BayBook({s.smelter_id: s.fill_bays for s in network.smelters})
        apply_fixed(network, travel, states, bays, fixed, (*state.truck_starts, *state.en_route))
        fixed_clocks(ctx, states, fixed)
        for truck_id in state.unavailable_trucks:
            states.pop(truck_id, None)
        if not_before_min is not None:
            for truck_state in states.values():
                truck_state.ready = max(truck_state.ready, math.ceil(not_before_min - 1e-9))
        return states, bays

    starts = start_rows(network, travel, state.truck_starts)
    return _Day(
        network,
        travel,
        ctx,
        book,
        assignment,
        starts,
        fresh_states,
        fixed=tuple(fixed),
        kept=KeptRuns(
            kept,
            state.kept_preheats,
            -math.inf if not_before_min is None else math.ceil(not_before_min - 1e-9),
        ),
        not_before_min=None if not_before_min is None else math.ceil(not_before_min - 1e-9),
        booked=booked_min,
        start=start.runs if start else (),
        start_jobs=start.jobs if start else (),
    )


def _day_starts(day: _Day, state: DayState) -> tuple[dict[str, TruckState], BayBook]:
    """Each available truck at the start of its day, and the bays the kept runs fill in."""
    network, travel = day.network, day.travel
    starts = initial_states(network, travel)
    for start in (*state.truck_starts, *state.en_route):
        truck_state = starts.get(start.truck_id)
        if truck_state is not None:
            truck_state.location = travel.index(start.site_kind, start.site_id)
            truck_state.ready = math.ceil(network.minutes(start.at) - 1e-9)
    for truck_id in state.unavailable_trucks:
        starts.pop(truck_id, None)
    bays = BayBook({s.smelter_id: s.fill_bays for s in network.smelters})
    for run in day.fixed:
        bays.book(run.smelter_id, math.floor(run.fill_start), math.ceil(run.fill_end))
    return starts, bays


def _insert_into(
    day: _Day,
    state: DayState,
    trips: Sequence[TimedTrip],
    jobs: Sequence[Job],
    until: _Until | None,
    first_trip: int = INSERTED_TRIPS,
    truck_id: str | None = None,
) -> Inserted:
    """``jobs`` fitted into the free time around the kept runs and ``trips`` until the
    pass's deadline and managed grace ``until`` (``None``: no time limit), the trips made
    numbered above ``first_trip``, on the truck ``truck_id`` only where given."""
    starts, bays = _day_starts(day, state)
    placed = [r for t in trips for r in t.runs]
    for run in placed:
        bays.book(run.smelter_id, run.fill_start, run.fill_end)
    if truck_id is not None:  # its own runs are all insertion needs of the others
        starts = {k: v for k, v in starts.items() if k == truck_id}
        placed = [r for r in placed if r.truck_id == truck_id]
    todo = [day.assignment_of[j.job_id] for j in jobs if j.job_id in day.assignment_of]
    return insert_jobs(
        day.ctx,
        todo,
        starts,
        [*day.fixed, *placed],
        bays,
        not_before=day.not_before_min if day.not_before_min is not None else 0,
        route_starts=day.starts,
        penalty_per_t=unserved_penalty_per_t(day.network.params),
        deadline=None if until is None else until.deadline,
        managed_until=None if until is None else until.managed_until,
        first_trip=first_trip,
    )


def _inserted(
    day: _Day, state: DayState, options: PlanOptions
) -> tuple[list[TimedTrip], list[Job], SolverStats, dict[str, str]]:
    """``insert`` mode: the day's jobs fitted into the free time around the kept runs."""
    started = time.monotonic()
    done = _insert_into(day, state, [], [a.job for a in day.assignment.assigned], None)
    stats = SolverStats(
        name=options.solver,
        status="insert",
        time_limit_s=options.time_limit_s,
        objective_cny=round(day.value([r for t in done.trips for r in t.runs]), 2),
        search_wall_s=round(time.monotonic() - started, 2),
        workers=options.workers,
    )
    return done.trips, done.left, stats, done.reasons


def _repaired(
    day: _Day,
    state: DayState,
    trips: list[TimedTrip],
    left: list[Job],
    stats: SolverStats,
    until: _Until,
) -> tuple[list[TimedTrip], list[Job], SolverStats, dict[str, str]]:
    """The plan with every job left over tried in the trucks' free time.

    A job the search or the dispatcher's rule left out goes into a gap of a truck's day
    where it fits in time and costs less than the ingot route; the rest is left as
    ``fleet`` (no room anywhere), ``cost`` (room only at a higher cost) or
    ``not_planned_in_time`` (the time ran out before it was tried). So ``fleet`` is a
    claim about the final plan that the checker can verify.
    """
    if not left:
        return trips, left, stats, {}
    done = _insert_into(day, state, trips, left, until)
    if done.left and not day.network.ladles:  # with a ladle pool: after the ladle pass
        done = _retried_elsewhere(day, state, [*trips, *done.trips], done, until.deadline)
    if done.trips:
        trips = [*trips, *done.trips]
        update: dict[str, object] = {"inserted_after_search": len(done.trips)}
        if stats.objective_cny is not None:
            update["objective_cny"] = round(day.value([r for t in trips for r in t.runs]), 2)
        stats = stats.model_copy(update=update)
    return trips, done.left, stats, done.reasons


def _limits_hold(day: _Day, trips: Sequence[TimedTrip]) -> bool:
    """Whether ``trips`` keep every truck's ``max_trips`` and every smelter's metal of
    each alloy, the kept runs counted (what inserting into a plan does not check)."""
    within, _, _ = within_trip_limits(day.network, trips, [], {}, day.kept)
    if len(within) != len(trips):
        return False
    parts = DayParts(day.ctx, day.kept, day.fixed, day.starts, day.fresh_states)
    alloys = {r.alloy for t in trips for r in t.runs}
    return all(metal_holds(day.network, trips, parts, alloy) for alloy in alloys)


def _roomed(day: _Day, pooled: Pooled, until: _Until) -> tuple[_Day, Pooled]:
    """The day and its plan after trips in the way of the leftovers were moved
    (:mod:`.make_room`, within :data:`MAKE_ROOM_SHARE` of the time left to the pass's
    deadline; the managed deliveries first, within :data:`MAKE_ROOM_MANAGED_SHARE` of
    the time left to its managed grace), the moved plan walked and given ladles again
    (:func:`_legal_with_ladles`); ``pooled`` as it is unless that lowers the objective."""
    if not pooled.left or day.kept or day.booked:
        return day, pooled
    now = time.monotonic()
    share = MAKE_ROOM_SHARE * max(0.0, until.deadline - now)
    grace = None if until.managed_until is None else until.managed_until - now
    assigned = day.assignment_of  # a trip filled elsewhere is not moved (its windows)
    roomed = make_room(
        day.ctx,
        _day_starts(day, until[0])[0],
        list(pooled.trips),
        list(pooled.left),
        pooled.reasons,
        insert=lambda kept, jobs, first, truck: _insert_into(
            day, until[0], kept, jobs, None, first, truck
        ),
        value=lambda kept: _pooled_value(day, kept),
        below=lambda kept: day.value([r for t in kept for r in t.runs]),
        movable=lambda trip: all(
            r.job.job_id in assigned and r.smelter_id == assigned[r.job.job_id].source.smelter_id
            for r in trip.runs
        ),
        holds=lambda kept: _limits_hold(day, kept),
        deadline=now + share,
        managed=lambda job: is_managed_delivery(
            day.network, job.order_id, job.caster_id, job.alloy
        ),
        managed_deadline=None if grace is None else now + MAKE_ROOM_MANAGED_SHARE * max(0.0, grace),
    )
    if not roomed.moves:
        return day, pooled
    moved, trips, left, reasons, stops, ladles = _legal_with_ladles(
        day, roomed.trips, roomed.left, roomed.reasons
    )
    before = day.value([r for t in pooled.trips for r in t.runs])
    before += _lining_cny(day, pooled.trips, pooled.ladles)
    after = day.value([r for t in trips for r in t.runs]) + _lining_cny(day, trips, ladles)
    if ladles is None or after >= before - 1e-6:
        return day, pooled
    return moved, Pooled(trips, left, reasons, stops, ladles)


def _pooled_value(day: _Day, trips: list[TimedTrip]) -> float:
    """The objective of ``trips`` (CNY) once the ladle pass (without its moves later) has
    taken off the runs no ladle of the pool is ready for, the linings' heat counted."""
    ladles = assign_ladles(day.network, day.travel, trips, day.kept)
    given = list(ladles.trips)
    return day.value([r for t in given for r in t.runs]) + _lining_cny(day, given, ladles)


def _retried_elsewhere(
    day: _Day, state: DayState, trips: Sequence[TimedTrip], done: Inserted, deadline: float
) -> Inserted:
    """``done`` with its leftovers tried again at every source (:mod:`.leftovers`)."""
    starts, bays = _day_starts(day, state)
    runs = [r for t in trips for r in t.runs]
    for run in runs:
        bays.book(run.smelter_id, run.fill_start, run.fill_end)
    more = retry_elsewhere(
        day.ctx,
        done.left,
        done.reasons,
        starts,
        [*day.fixed, *runs],
        bays,
        not_before=day.not_before_min if day.not_before_min is not None else 0,
        route_starts=day.starts,
        penalty_per_t=unserved_penalty_per_t(day.network.params),
        deadline=deadline,
    )
    return Inserted([*done.trips, *more.trips], more.left, more.reasons)


def _reinsert_penalty(network: Network) -> float | None:
    """The penalty per tonne the re-insertion weighs its trips against, CNY/t (``None``:
    unpriced, :data:`PRICED_REINSERT`)."""
    return unserved_penalty_per_t(network.params) if PRICED_REINSERT else None


class _Start(NamedTuple):
    """The plan a re-optimising search starts from, matched to the day's jobs.

    Attributes
    ----------
    runs : tuple of MinuteRun
        Its runs not under way.
    jobs : tuple of str or None
        The job each run delivers (:func:`jobs_of_runs`; ``None``: none left).
    preferred : dict of str to str
        ``job_id ->`` the smelter the start fills it at.
    queue : dict of str to float
        ``job_id ->`` the start's fill start, minutes (the order the jobs queue for metal).
    homes : dict of str to (str, int)
        ``job_id ->`` truck and pour start (minutes) of the booked runs among them.
    held : dict of str to (str, int, int)
        ``job_id ->`` truck, fill start and pour start (minutes) of every run.
    """

    runs: tuple[MinuteRun, ...]
    jobs: tuple[str | None, ...]
    preferred: dict[str, str]
    queue: dict[str, float]
    homes: dict[str, tuple[str, int]]
    held: dict[str, tuple[str, int, int]]


def _start_of(
    network: Network,
    jobs: Sequence[Job],
    booked: Sequence[MinuteRun],
    proposal: Sequence[Run],
    fixed: Sequence[MinuteRun],
) -> _Start:
    """Where a re-optimising search starts: the proposal (the insert plan) or, without
    one, the booked runs; its runs not under way (``fixed``) matched to ``jobs``.

    One matching serves the smelter assignment, the start's routes, the prices of moving
    booked runs and the timing, so that the search's first solution times as the start
    does. Each matched job queues for metal by its fill in the start, merged with the
    other jobs queued by their latest pour (:func:`~logistics.planning.assign.assign_smelters`):
    the start's fills are within the metal made by then, so each of its jobs has its
    metal by its fill, and a job the start leaves out that is due before the start's
    fills is not made short by them.
    """
    under_way = {(r.truck_id, r.fill_start) for r in fixed}
    given = [minute_run_of(network, r) for r in proposal] if proposal else booked
    runs = tuple(run for run in given if (run.truck_id, run.fill_start) not in under_way)
    matched = tuple(jobs_of_runs(jobs, runs))
    pairs = [(run, job_id) for run, job_id in zip(runs, matched, strict=True) if job_id]
    booked_keys = {(r.truck_id, r.order_id, r.fill_start, r.pour_start) for r in booked}
    return _Start(
        runs,
        matched,
        preferred={job_id: run.smelter_id for run, job_id in pairs},
        queue={job_id: run.fill_start for run, job_id in pairs},
        homes={
            job_id: (run.truck_id, round(run.pour_start))
            for run, job_id in pairs
            if (run.truck_id, run.order_id, run.fill_start, run.pour_start) in booked_keys
        },
        held={
            job_id: (
                run.truck_id,
                math.floor(run.fill_start + 1e-9),
                math.ceil(run.pour_start - 1e-9),
            )
            for run, job_id in pairs
        },
    )


def _or_start(
    day: _Day, routes: list[TruckRoute], timed: tuple[list[TimedTrip], list[Job], int]
) -> tuple[list[TimedTrip], list[Job], int, str]:
    """The searched ``routes`` as ``timed`` (trips, jobs left, how many the timing left
    off), or in a re-optimising re-plan the start's own routes timed
    (:func:`_start_routes`) where those are cheaper as the plan comes out
    (:meth:`_Day.refine` on a day with a ladle pool, else :meth:`_Day.judge`; the price
    of change included): the search's model prices change, time and ladles only roughly,
    so its best routes can come out dearer than the plan it started from. Returns the
    trips, the jobs left, how many the timing left off and a status note (empty where
    the searched trips stand)."""
    trips, left, dropped = timed
    if not day.start:
        return trips, left, dropped, ""
    start = _start_routes(day)
    measure = day.refine if day.network.ladles else day.judge
    if measure(start) < measure(routes) - 1e-6:
        start_trips, start_left, start_dropped = day.timed_once(start)
        return start_trips, start_left, start_dropped, "; start routes kept (cheaper)"
    return trips, left, dropped, ""


def _start_routes(day: _Day) -> list[TruckRoute]:
    """A re-optimising day's start plan as routes: its trips per truck in fill order,
    each ``(smelter_id, jobs in pour order, first fill)`` (runs without a job left out).
    The one grouping of the start's runs into trips: the search starts from it
    (:func:`_start_trips`) and :func:`_or_start` weighs it against the searched routes."""
    job_of = {a.job.job_id: a.job for a in day.assignment.assigned}
    trips: dict[tuple[str, int], list[tuple[MinuteRun, Job]]] = defaultdict(list)
    for run, job_id in zip(day.start, day.start_jobs, strict=True):
        if job_id is not None and job_id in job_of:
            trips[(run.truck_id, run.trip)].append((run, job_of[job_id]))
    by_truck: dict[str, list[tuple[str, tuple[Job, ...], int]]] = defaultdict(list)
    for (truck_id, _), members in sorted(
        trips.items(), key=lambda kv: min(r.fill_start for r, _ in kv[1])
    ):
        members.sort(key=lambda m: m[0].pour_start)
        first = math.floor(min(r.fill_start for r, _ in members) + 1e-9)
        by_truck[truck_id].append((members[0][0].smelter_id, tuple(j for _, j in members), first))
    return [TruckRoute(truck_id, tuple(mine)) for truck_id, mine in by_truck.items()]


def _start_trips(day: _Day) -> dict[str, list[list[str]]]:
    """The start's routes (:func:`_start_routes`) as the search's starting trips:
    ``truck_id -> [[job_id, ...] per trip]``, trips in fill order, ladles in pour order
    (what :func:`~logistics.planning.optimize.optimize` starts from)."""
    return {
        r.truck_id: [[job.job_id for job in jobs] for _, jobs, _ in r.trips]
        for r in _start_routes(day)
    }


def _fallback_stats(
    day: _Day, greedy_trips: list[TimedTrip], options: PlanOptions, exc: Exception
) -> SolverStats:
    """Statistics of the dispatcher's plan returned because the optimiser raised ``exc``."""
    reason = f"{type(exc).__name__}: {exc}".strip()
    log.warning("the optimiser failed (%s); the dispatcher's plan is used instead", reason)
    log.debug("the optimiser's failure", exc_info=True)
    return SolverStats(
        name=options.solver,
        status=FALLBACK_STATUS,
        fallback_reason=reason,
        time_limit_s=options.time_limit_s,
        greedy_objective_cny=round(day.value([r for t in greedy_trips for r in t.runs]), 2),
        workers=options.workers,
        solution_limit=options.solution_limit,
    )


@dataclass(frozen=True)
class _Day:
    """What the optimiser of one day works from (built once by :func:`plan_schedule`)."""

    network: Network
    travel: Travel
    ctx: ScheduleContext
    book: JobBook
    assignment: AssignmentResult
    starts: dict[str, tuple[int, float]]
    fresh_states: Callable[[], tuple[dict[str, TruckState], BayBook]]
    fixed: tuple[MinuteRun, ...] = ()
    kept: tuple[Run, ...] = ()
    not_before_min: int | None = None
    booked: tuple[MinuteRun, ...] = ()
    start: tuple[MinuteRun, ...] = ()
    start_jobs: tuple[str | None, ...] = ()
    #: :func:`time.monotonic` deadline of the re-insertion in :meth:`retimed` and its
    #: managed grace, s (:func:`~.reinsert.reinsert`); ``(None, None)``: no limit.
    reinsert_until: tuple[float | None, float | None] = (None, None)
    #: Each candidate timed from the day's fresh states, by ``id`` (the candidate kept
    #: beside its timing, so that its id is not reused): the routes the search keeps
    #: were judged already and are not timed twice (:meth:`timed_once`). A copy made
    #: with :func:`dataclasses.replace` (another context) starts empty.
    timings: dict[int, tuple[list[TruckRoute], list[TimedTrip], list[Job], int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: Each candidate's :meth:`refine` value, by ``id`` as :attr:`timings` (cleared with
    #: it): a re-plan weighs the kept routes again against its start (:func:`_or_start`).
    refined: dict[int, tuple[list[TruckRoute], float]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: The candidates whose re-insertion in :meth:`retimed` was cut short by
    #: :attr:`reinsert_until` (some ladles untried), by ``id`` as :attr:`timings`.
    cut: dict[int, list[TruckRoute]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: The end of the pass's one managed grace (:func:`time.monotonic`, s), once a
    #: re-insertion in :meth:`retimed` ran past :attr:`reinsert_until`'s deadline: every
    #: later one, and the leftovers' tries after the search, stop managed ladles then.
    grace: list[float] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def assignment_of(self) -> dict[str, Assignment]:
        """Each assigned job's assignment, by job id."""
        return {a.job.job_id: a for a in self.assignment.assigned}

    def value(self, runs: Sequence[TimedRun]) -> float:
        """The objective of a set of runs, CNY (:func:`plan_value`).

        In a re-plan with booked runs, plus the price of what the runs change of them
        (:func:`logistics.plan.diff.change_cost`).
        """
        value = plan_value(self.network, self.travel, runs, self.book, self.starts, self.fixed)
        if self.booked:
            value += change_cost(self.booked, runs, self.network.params.replan).cost_cny
        return value

    def timed(self, candidate: list[TruckRoute]) -> tuple[list[TimedTrip], list[Job]]:
        """Routes timed with the fill bays, what they leave off re-inserted; the jobs
        still left."""
        trips, left, _ = self.timed_once(candidate)
        return trips, left

    def timed_once(self, candidate: list[TruckRoute]) -> tuple[list[TimedTrip], list[Job], int]:
        """:meth:`retimed` from the day's fresh states, done once per candidate (the
        same list object): the trips, the jobs still left, how many the timing left off.

        The search's kept routes were timed by the judge; timing them again took about
        1 s of a 15-s limit on the Pearl River Delta sample, time the leftovers' tries
        after the ladle pass then missed.
        """
        kept = self.timings.get(id(candidate))
        if kept is not None and kept[0] is candidate:
            return list(kept[1]), list(kept[2]), kept[3]
        trips, left, dropped = self.retimed(candidate, *self.fresh_states())
        self.timings[id(candidate)] = (candidate, trips, left, dropped)
        return list(trips), list(left), dropped

    def retimed(
        self, candidate: list[TruckRoute], states: dict[str, TruckState], bays: BayBook
    ) -> tuple[list[TimedTrip], list[Job], int]:
        """Routes timed from ``states`` and ``bays`` (both modified), what they leave off
        re-inserted (:mod:`.reinsert`); the trips, the jobs still left and how many jobs
        the timing left off."""
        trips = {r.truck_id: list(r.trips) for r in candidate}
        timed, dropped = schedule_routes(self.ctx, trips, states, bays)
        done = {r.job.job_id for t in timed for r in t.runs}
        todo = [a.job for a in self.assignment.assigned if a.job.job_id not in done]
        untried: list[Job] = []
        deadline, managed_until = self.reinsert_until[0], self._managed_until()
        extra, left = reinsert(
            self.ctx,
            todo,
            self.assignment_of,
            states,
            bays,
            timed=timed,
            fixed=self.fixed,
            route_starts=self.starts,
            penalty_per_t=_reinsert_penalty(self.network),
            deadline=deadline,
            managed_until=managed_until,
            untried=untried,
        )
        if untried:
            self.cut[id(candidate)] = candidate
        past = deadline is not None and time.monotonic() > deadline
        if past and managed_until is not None and not self.grace:
            self.grace.append(managed_until)  # the pass's grace, used from now on
        return timed + extra, left, len(dropped)

    def _managed_until(self) -> float | None:
        """Until when a re-insertion tries managed ladles (:func:`time.monotonic`, s):
        the pass's grace (:attr:`grace`) once taken, else :attr:`reinsert_until`'s or
        :data:`~.insert.MANAGED_GRACE_S` from now where later (:func:`~.insert.late_deadline`:
        the grace is taken when a re-insertion first starts past the deadline)."""
        deadline, managed = self.reinsert_until
        if managed is None or deadline is None:
            return managed
        if self.grace:
            return self.grace[0]
        return max(managed, late_deadline(deadline, MANAGED_GRACE_S) or managed)

    def reinserted_fully(self, candidate: list[TruckRoute]) -> bool:
        """Whether the re-insertion of the timed ``candidate`` tried every ladle it left
        off (not cut short by :attr:`reinsert_until`)."""
        cut = self.cut.get(id(candidate))
        return cut is None or cut is not candidate

    def judge(self, candidate: list[TruckRoute]) -> float:
        """Plan value of routes once timed and repaired (to choose among searches)."""
        timed, _ = self.timed(candidate)
        return self.value([r for t in timed for r in t.runs])

    def ladle_loss(self, candidate: list[TruckRoute]) -> float:
        """What the ladle pass alone (:func:`assign_ladles`: no later fills, no other
        smelter, no drivers' walk) takes off the routes timed and repaired, CNY: the
        runs no ladle is ready for (their penalty for their route cost) and the
        linings' heat. About a tenth of :meth:`refine`'s time."""
        timed, _ = self.timed(candidate)
        plan = assign_ladles(self.network, self.travel, timed, self.kept)
        after = self.value([r for t in plan.trips for r in t.runs])
        before = self.value([r for t in timed for r in t.runs])
        return after + _lining_cny(self, plan.trips, plan) - before

    def refine(self, candidate: list[TruckRoute]) -> float:
        """Plan value of routes as the plan comes out: timed and repaired, within the
        trucks' trip limits, walked with the drivers' rules and given ladles of the
        pool (:func:`_legal_with_ladles`; the pool's second try of the leftovers aside),
        the linings' heat counted as in the plan's objective; once per candidate (the
        same list object)."""
        kept = self.refined.get(id(candidate))
        if kept is not None and kept[0] is candidate:
            return kept[1]
        timed, left = self.timed(candidate)
        trips, left, reasons = within_trip_limits(self.network, timed, left, {}, self.kept)
        _, trips, *_, ladles = _legal_with_ladles(self, trips, left, reasons)
        value = self.value([r for t in trips for r in t.runs]) + _lining_cny(self, trips, ladles)
        self.refined[id(candidate)] = (candidate, value)
        return value


#: The reserve kept after the search on a day with a ladle pool: at most this share of
#: the limit, else this many times the dispatcher's time plus these seconds (see
#: :func:`_search_budget`).
POOL_RESERVE = (0.3, 8.0, 1.0)


def _search_budget(
    time_limit_s: float,
    started: float,
    greedy_s: float,
    walked: bool = False,
    pooled: bool = False,
) -> float:
    """Seconds for the search: the limit less what is spent and a reserve for timing.

    ``started`` is the call's start on :func:`time.monotonic`.

    Re-timing the routes and re-inserting what they leave off costs about what the
    dispatcher's plan took to build; that much of the limit is kept for it. With
    drivers' rules (``walked``) every trip tried is walked with them, and trying the
    leftovers at every source took 2–5 times the dispatcher's time (Pearl River Delta
    day at 15 s: 2.0–2.8 s against 0.4–1.2 s, the search ending 0.2–0.4 s after its
    budget), so up to a quarter of the limit is kept; less, and the leftovers not tried
    by the limit are reported ``not_planned_in_time``. A ladle pool (``pooled``) keeps
    more (:data:`POOL_RESERVE`): its leftovers are tried after the ladle pass, each room
    passed again with the pool (:mod:`.ladle_retry`), then in free slots (:mod:`.topup`),
    which took 8–14 s after the search on the Pearl River Delta day at a load of 4–7
    (the dispatcher's plan 1.1–1.8 s) where five times that plus 1 s was kept, and
    64–102 t were left untried at 60 s, 80 t at 300 s.

    These factors were measured with the dispatcher's plan timing every truck for every
    trip; it now times only those that can still win it (the same plan, sample days in
    about a third of the time, generated days 1–1.5 times faster), so ``greedy_s`` is
    its time scaled to every truck timed (:meth:`DispatchWork.every_truck_s`), and the
    reserve follows the work after the search, not how well the dispatcher's plan prunes.
    The trucks it passes over untimed (they cannot serve the trip's first job) are
    scaled as timed ones, at the cost of a timing: the reserve is not cut by the
    dispatcher's plan skipping them (a reserve of about 4 s where 9–17 s had been kept
    overran a 60-s limit by 2 s on the Pearl River Delta, docs/solver.md).
    """
    if pooled:
        share, factor, fixed = POOL_RESERVE
    else:
        share, factor, fixed = (0.25, 5.0, 1.0) if walked else (0.2, 2.0, 0.5)
    reserve = min(share * time_limit_s, factor * greedy_s + fixed)
    return max(1.0, time_limit_s - (time.monotonic() - started) - reserve)


#: The share of the reserve after the search (:func:`_search_budget`) that refining close
#: rivals may take at short limits (:attr:`.optimize.CloseRivals.deadline`): the rest is
#: for the ladle pass and the leftovers' tries. Unbounded, the two quick ladle passes and
#: two refines ran 2-3 s past a 9-10 s limit on the Yangtze River Delta sample and left
#: more tonnes ``not_planned_in_time``.
REFINE_RESERVE_SHARE = 0.3


def _refines(
    day: _Day, options: PlanOptions, budget_s: float, started: float | None = None
) -> tuple[bool, CloseRivals | None]:
    """Whether the portfolio's best candidates are chosen among by :meth:`_Day.refine`,
    and below :data:`REFINE_MIN_LIMIT_S` which: the best and a close rival of another
    member where the rival would come out ahead after a quick ladle pass
    (:meth:`_Day.ladle_loss`), by :data:`REFINE_RESERVE_SHARE` of the reserve after the
    search of ``budget_s`` s from now (``started``: the day's start on
    :func:`time.monotonic`; no deadline with a ``solution_limit``); ``None``: the three
    best, with time kept for it."""
    long = options.time_limit_s >= REFINE_MIN_LIMIT_S
    pooled = bool(day.network.ladles) and REFINE_WITH_LADLES
    if long:
        return pooled, None
    deadline = None
    if options.solution_limit is None:
        now = time.monotonic()
        end = (started if started is not None else now) + options.time_limit_s
        search_end = now + budget_s
        deadline = search_end + REFINE_RESERVE_SHARE * max(0.0, end - search_end)
    close = CloseRivals(loss=day.ladle_loss, deadline=deadline)
    return pooled and REFINE_CLOSE_SHORT, close


def _routed_value(day: _Day, result: RoutingResult) -> float | None:
    """The kept routes' value as the routing model saw them, CNY: the model's objective
    net of the penalties of all its jobs, plus the plan's objective of serving nothing
    (the penalty of every servable job, inside the model or not)."""
    if result.objective is None or result.empty_objective is None:
        return None
    return round((result.objective - result.empty_objective) / FEN + day.value([]), 2)


def _routed_nothing(routes: list[TruckRoute], result: RoutingResult) -> bool:
    """Whether the search dropped every job it had (no first solution in its time).

    Timing such routes would re-insert the whole day job by job: on a day ten times the
    samples' at a 30-s limit (the search left its last second) 280 s in all. The
    dispatcher's plan is kept as it is instead.
    """
    return bool(result.dropped) and not any(jobs for r in routes for _, jobs, _ in r.trips)


def _left_by_router(day: _Day, routes: list[TruckRoute]) -> int:
    """Jobs given to the search that the routes it came back with leave out: those its
    model dropped and those left out of the model (no truck carries them within their
    windows). Counted by job from the routes kept, whichever candidate they are (a
    member's, an earlier solution, the earliest-finish plan)."""
    routed = {job.job_id for r in routes for _, jobs, _ in r.trips for job in jobs}
    return sum(1 for a in day.assignment.assigned if a.job.job_id not in routed)


def _timed_routes(
    day: _Day,
    routes: list[TruckRoute],
    result: RoutingResult,
    greedy_trips: list[TimedTrip],
    greedy_left: list[Job],
) -> tuple[list[TimedTrip], list[Job], int, str]:
    """The search's routes timed (once: the judge's timing is reused), or in a
    re-optimising re-plan its start's where cheaper (:func:`_or_start`); the dispatcher's
    plan as it is where the search routed nothing (:func:`_routed_nothing`). Returns the
    trips, the jobs left, how many the timing left off and the status."""
    if _routed_nothing(routes, result):
        return greedy_trips, greedy_left, 0, f"{result.status}; greedy plan kept (no job routed)"
    timed = day.timed_once(routes)
    trips, left, dropped, start_kept = _or_start(day, routes, timed)
    return trips, left, dropped, result.status + start_kept


def _optimised(
    day: _Day,
    greedy_trips: list[TimedTrip],
    greedy_left: list[Job],
    notify: ProgressCallback,
    *,
    options: PlanOptions,
    budget_s: float,
    executor: Executor | None,
    initial_trips: dict[str, list[list[str]]] | None = None,
    started: float | None = None,
) -> tuple[list[TimedTrip], list[Job], SolverStats]:
    """The optimiser's plan of the day, or the dispatcher's where that is cheaper: the
    trips, the jobs left over and the solver statistics (``started``: the day's start on
    :func:`time.monotonic`, ``None``: now)."""

    def on_solution(seconds: float, objective: int, placed: int, jobs: int) -> None:
        share = min(1.0, seconds / budget_s)
        fraction = _SEARCH_START + (_SEARCH_END - _SEARCH_START) * share
        notify(
            ProgressEvent(
                "search",
                fraction,
                f"searching routes: {seconds:.0f} of {budget_s:.0f} s, "
                f"objective {objective / 100:,.0f} CNY, {placed:,} of {jobs:,} jobs placed",
            )
        )

    states, _ = day.fresh_states()
    refines, close = _refines(day, options, budget_s, started)
    notify(ProgressEvent("search", _SEARCH_START, f"searching routes (limit {budget_s:.0f} s)"))
    routes, result, parts = optimize(
        day.ctx,
        day.assignment.assigned,
        states,
        time_limit_s=budget_s,
        on_solution=on_solution,
        initial_trips=initial_trips if initial_trips is not None else trips_by_truck(greedy_trips),
        workers=options.workers,
        executor=executor,
        target_jobs=options.part_jobs,
        solution_limit=options.solution_limit,
        judge=day.judge,
        portfolio=options.portfolio or (REPLAN_PORTFOLIO if day.booked else None),
        seed=options.seed,
        refine=day.refine if refines else None,
        refine_close=close,
        judged_fully=day.reinserted_fully,
    )
    notify(ProgressEvent("schedule", _SEARCH_END, "timing the trips"))
    chosen_trips, left, dropped, status = _timed_routes(
        day, routes, result, greedy_trips, greedy_left
    )
    opt_value = day.value([r for t in chosen_trips for r in t.runs])
    greedy_value = day.value([r for t in greedy_trips for r in t.runs])
    if opt_value > greedy_value:
        chosen_trips, left = greedy_trips, greedy_left
        status = f"{result.status}; greedy plan kept (cheaper)"
    stats = SolverStats(
        name=options.solver,
        status=status,
        time_limit_s=options.time_limit_s,
        objective_cny=round(opt_value, 2),
        greedy_objective_cny=round(greedy_value, 2),
        routed_objective_cny=_routed_value(day, result),
        timed_objective_cny=round(opt_value, 2),
        search_wall_s=round(result.wall_s, 2),
        first_solution_s=(
            round(result.first_solution_s, 2) if result.first_solution_s is not None else None
        ),
        improving_solutions=result.solutions,
        started_from_greedy=bool(result.initial_accepted),
        parts=parts,
        workers=options.workers,
        dropped_by_router=_left_by_router(day, routes),
        left_off_by_scheduler=dropped,
        solution_limit=options.solution_limit,
    )
    return chosen_trips, left, stats
