"""The optimiser: route the assigned jobs with OR-Tools and cut the routes into trips.

A day routed in one model is searched by a portfolio of differently configured searches,
one per worker (:mod:`logistics.planning.portfolio`), and the routes that come out best
once re-timed (the caller's ``judge``) are kept. A day of more than ``target_jobs`` jobs
is split into smelter clusters
(:mod:`logistics.planning.decompose`), each routed as its own model. The parts run on a
:class:`concurrent.futures.Executor` — a process pool on one machine, or a Dask
client's executor — so any executor that can pickle plain data will do. The routes
found are re-timed by :mod:`logistics.planning.schedule` (fill bays, late fills, tap
temperatures): the optimiser decides *who carries what in which order*.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace

from logistics.network.prices import unserved_penalty_per_t
from logistics.plan.options import PART_JOBS
from logistics.planning.assign import Assignment
from logistics.planning.decompose import Part, bins_for_workers, partition_day
from logistics.planning.ladle_model import build_problem, symmetric_groups
from logistics.planning.portfolio import (
    JOB_BY_JOB,
    SNAPSHOTS,
    SearchMember,
    members_for,
    run_portfolio,
    start_pool,
)
from logistics.planning.reinsert import reinsert
from logistics.planning.routing import (
    Bundling,
    RoutingProblem,
    RoutingResult,
    SolutionCallback,
    bundle_pairs,
    solve_routing,
)
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TimedTrip,
    TruckState,
    schedule_routes,
)
from logistics.planning.trips import TruckRoute, cut_routes, initial_routes, trips_by_truck
from logistics.runtime.pools import process_pool

log = logging.getLogger(__name__)

#: Where each part of a split day starts its search: ``eft`` (its earliest-finish plan),
#: ``dispatcher`` (the dispatcher's trips of its trucks) or ``none`` (from scratch, by
#: :data:`PART_FIRST_SOLUTION`). Measured with bundles on the generated 700-run day cut
#: into 2 parts: from scratch 0.815 / 0.772 of the dispatcher's route cost at 15 / 60 s,
#: from the earliest-finish plans 0.834 / 0.795.
PART_START = "none"
#: OR-Tools' first-solution strategy for a part searched from scratch.
PART_FIRST_SOLUTION = "PARALLEL_CHEAPEST_INSERTION"

#: Search interchangeable ladle jobs of one order two at a time
#: (:func:`logistics.planning.ladle_model.symmetric_groups`); ``False`` searches every
#: job on its own (for comparisons).
BUNDLE_JOBS = True

#: Price the re-insertion of the search's starting plans (:func:`repaired_plan`) as the
#: judge's timing prices it (:mod:`logistics.planning.reinsert`); ``False`` gives each
#: order the truck done first whatever it costs. Tried, not kept (docs/solver.md): at
#: 15 s the generated 180-run day ended 8.7 % lower, but the reference test day searched
#: by ``gls-eft-jobs`` alone to 20 solutions 10.5 % higher (34.0 k -> 37.6 k CNY).
PRICED_START = False


@dataclass(frozen=True)
class BuiltPart:
    """One part of the day as a routing model, ready to search.

    Attributes
    ----------
    problem : RoutingProblem
        The part job by job.
    truck_ids : list of str
        Its trucks, in the model's vehicle order.
    pair_assignments : list of Assignment
        Its jobs, in the model's pair order.
    initial : list of list of int or None
        The dispatcher's routes of its trucks (node lists per vehicle, job by job).
    bundling : Bundling
        Its alike jobs searched two at a time, and the way back to jobs.
    """

    problem: RoutingProblem
    truck_ids: list[str]
    pair_assignments: list[Assignment]
    initial: list[list[int]] | None
    bundling: Bundling


#: A task of one worker: ``(problem, initial routes, jobs)`` per part, routed in turn.
BinTask = list[tuple[RoutingProblem, list[list[int]] | None, int]]


def solve_bin(
    tasks: BinTask, deadline: float, first_solution: str = "LOCAL_CHEAPEST_INSERTION"
) -> list[RoutingResult]:
    """Solve parts one after another until ``deadline`` (``time.time()``; in a worker).

    Each part gets the share of the time still left that its jobs (the ``int`` of its
    task) are of the jobs still to route, so time a part does not need (its search
    ended early) goes to the parts after it.
    """
    results = []
    for k, (problem, initial, jobs) in enumerate(tasks):
        left = deadline - time.time()
        share = jobs / sum(t[2] for t in tasks[k:])
        results.append(
            solve_routing(
                problem,
                time_limit_s=max(1.0, left * share),
                initial_routes=initial,
                first_solution=first_solution,
            )
        )
    return results


def repaired_plan(
    ctx: ScheduleContext,
    problem: RoutingProblem,
    result: RoutingResult,
    truck_ids: list[str],
    pair_assignments: list[Assignment],
    states: dict[str, TruckState],
) -> list[TimedTrip]:
    """Routes that may break ladle rules, made into a timed plan that keeps them.

    The routes are cut into trips (a new trip at each refill, change of smelter or full
    ladles), timed by the scheduler — which leaves off what breaks the hold limit, fill
    bays, production or a window — and what was left off, or was not routed at all, is
    re-inserted in trips of its own (:mod:`logistics.planning.reinsert`) on the truck
    that finishes it first; with :data:`PRICED_START`, priced as the judge's timing
    prices it (on the truck where the trip adds least net of the ingot route's penalty
    of its tonnes, and only where it costs no more than that penalty). From empty
    routes this is the earliest-finish plan.
    """
    assignment_of = {a.job.job_id: a for a in pair_assignments}
    routes = cut_routes(problem, result, truck_ids, pair_assignments)
    trial = {t: replace(states[t]) for t in truck_ids}
    bays = BayBook({s.smelter_id: s.fill_bays for s in ctx.network.smelters})
    timed, _ = schedule_routes(ctx, {r.truck_id: list(r.trips) for r in routes}, trial, bays)
    done = {r.job.job_id for t in timed for r in t.runs}
    todo = [a.job for a in pair_assignments if a.job.job_id not in done]
    penalty = unserved_penalty_per_t(ctx.network.params) if PRICED_START else None
    extra, _ = reinsert(ctx, todo, assignment_of, trial, bays, timed=timed, penalty_per_t=penalty)
    return timed + extra


def truck_routes(trips: list[TimedTrip]) -> list[TruckRoute]:
    """A timed plan as trips per truck in fill order (what the scheduler takes)."""
    by_truck: dict[str, list[TimedTrip]] = {}
    for trip in sorted(trips, key=lambda t: t.runs[0].fill_start):
        by_truck.setdefault(trip.runs[0].truck_id, []).append(trip)
    return [
        TruckRoute(
            truck_id,
            tuple(
                (t.runs[0].smelter_id, tuple(r.job for r in t.runs), t.runs[0].fill_start)
                for t in mine
            ),
        )
        for truck_id, mine in by_truck.items()
    ]


def start_repairer(
    ctx: ScheduleContext,
    problem: RoutingProblem,
    truck_ids: list[str],
    pair_assignments: list[Assignment],
    states: dict[str, TruckState],
) -> Callable[[RoutingResult], list[list[int]] | None]:
    """Routes that break ladle rules → starting routes that keep them (:func:`repaired_plan`)."""

    def repair(result: RoutingResult) -> list[list[int]] | None:
        timed = repaired_plan(ctx, problem, result, truck_ids, pair_assignments, states)
        if not timed:
            return None
        return initial_routes(problem.pairs, pair_assignments, truck_ids, trips_by_truck(timed))

    return repair


def _as_result(result: RoutingResult, k: int, nodes: int) -> RoutingResult:
    """The ``k``-th earlier solution of a search as a result of its own (routes, what they
    drop, the model's objective of them)."""
    routes = result.snapshots[k]
    visited = {node for route in routes for node, _ in route}
    dropped = [n for n in range(nodes) if n not in visited]
    values = result.snapshot_objectives
    objective = values[k] if len(values) == len(result.snapshots) else None
    return replace(result, routes=routes, dropped=dropped, objective=objective)


def empty_objective(problem: RoutingProblem) -> int:
    """The model's objective of routes that serve nothing: every pair's penalty (fen)."""
    return sum(p.penalty or 0 for p in problem.pairs)


#: Most of the time limit kept for judging the searches' results and earlier solutions.
JUDGE_SHARE = 0.12
#: Expected time to judge one candidate (re-time it, re-insert what it leaves off), s
#: per job of the day: measured 0.024 s on the generated 300-run day, 0.03 s on the
#: 356-job Pearl River Delta day, 0.06 s on the generated 700-run day.
JUDGE_S_PER_JOB = 0.0001


def judging_reserve_s(time_limit_s: float, jobs: int, must: int, candidates: int) -> float:
    """Seconds kept from the search for judging its candidates.

    The time ``candidates`` are expected to take (:data:`JUDGE_S_PER_JOB`), at most
    :data:`JUDGE_SHARE` of the limit, but never less than the ``must`` candidates that
    are judged whatever the time (each member's final routes) are expected to take.
    """
    each = 0.01 + JUDGE_S_PER_JOB * jobs
    return max(each * must, min(each * candidates, JUDGE_SHARE * time_limit_s))


def judge_in_time(
    judge: Callable[[list[TruckRoute]], float],
    candidates: Sequence[list[TruckRoute]],
    *,
    deadline: float | None,
    must: int,
    finished: Callable[[list[TruckRoute]], bool] | None = None,
) -> list[float]:
    """The judge's value of each candidate, in order, while time is left.

    Parameters
    ----------
    judge : callable
        Value of a candidate's routes once re-timed (CNY, lower is better).
    candidates : sequence
        Routes per truck, most important first.
    deadline : float or None
        ``time.perf_counter()`` by which judging ends; ``None`` judges every candidate
        (deterministic mode: the choice must not depend on the machine's speed).
    must : int
        The first ``must`` candidates are judged whatever the time.
    finished : callable, optional
        Whether the judge's re-insertion tried every ladle of a candidate it has judged
        (its deadline not reached). Once one is cut short no further candidate beyond
        the first ``must`` is judged: judged later, with less or no re-insertion, their
        leftovers would count as penalties and the earlier candidates win unfairly.

    Returns
    -------
    list of float
        One value per candidate; ``inf`` for those left unjudged.
    """
    values: list[float] = []
    started = time.perf_counter()
    for k, candidate in enumerate(candidates):
        if deadline is not None and k >= must and values:
            each = (time.perf_counter() - started) / len(values)
            if time.perf_counter() + each > deadline:
                break
        values.append(judge(candidate))
        if finished is not None and len(values) >= must and not finished(candidate):
            break  # the re-insertion was cut short: later candidates would get less
    return values + [float("inf")] * (len(candidates) - len(values))


#: Candidates, best by the judge first, that a ``refine`` judge chooses among.
REFINE_TOP = 3
#: Expected time to refine one candidate, s per job of the day: the judge's work and
#: the ladle pass with its moves (0.2-0.6 s measured on the 356-job Pearl River Delta
#: day).
REFINE_S_PER_JOB = 0.002


def refined_best(
    refine: Callable[[list[TruckRoute]], float],
    candidates: Sequence[list[TruckRoute]],
    values: Sequence[float],
    names: Sequence[str],
    close: CloseRivals | None = None,
) -> int:
    """Index of the candidate with the lowest ``refine`` value among the
    :data:`REFINE_TOP` best by ``values`` (distinct values only: equal ones are most
    often the same routes), or with ``close`` given among the :func:`close_rivals`
    (:meth:`CloseRivals.of`); ties keep the judge's order.
    """
    order = sorted(
        (k for k, v in enumerate(values) if v != float("inf")), key=lambda k: (values[k], k)
    )
    top: list[int] = []
    if close is not None:
        top = close.of(candidates, values, names)
    else:
        for k in order:
            if all(abs(values[k] - values[j]) > 0.005 for j in top):
                top.append(k)
            if len(top) == REFINE_TOP:
                break
    if len(top) < 2:
        return order[0] if order else 0
    refined = {k: refine(candidates[k]) for k in top}
    log.info(
        "portfolio refined: %s",
        ", ".join(f"{names[k]} {values[k]:,.0f} -> {refined[k]:,.0f}" for k in top),
    )
    return min(top, key=lambda k: (refined[k], top.index(k)))


#: At short limits (``refine_close`` of :func:`optimize`), the share of the best
#: candidate's judged value within which the best of another search member is refined
#: beside it. On the Pearl River Delta sample at 15 s the ladle pass added 9.6-13.4 k CNY
#: to ``gls-parallel``'s routes and 32.1-36.1 k to ``gls-cost``'s (55-64.5 t against
#: 98.5-104.5 t without a ladle): a ``gls-cost`` judged best by less than about 8 % came
#: out worst (docs/benchmarks.md).
REFINE_CLOSE = 0.1


#: The time to refine one candidate, as a multiple of its quick ladle pass
#: (:attr:`CloseRivals.loss`): the pass alone was about a tenth of a refine on the
#: Pearl River Delta and Yangtze samples.
REFINE_PER_LOSS = 10.0


@dataclass(frozen=True)
class CloseRivals:
    """How a short limit refines: only the best candidate and its close rival.

    Attributes
    ----------
    share : float
        The rival's judged value at most this share above the best's
        (:func:`close_rivals`).
    loss : callable, optional
        A quick estimate of what the ladle pass takes off a candidate's timed routes,
        CNY: both are refined only where the rival, its judged value plus its loss,
        would come out ahead of the best.
    deadline : float, optional
        When refining must be done, s on :func:`time.monotonic` (``None``: no time
        kept, for deterministic plans): the two quick passes are timed and the refines
        skipped (the judge's best kept) where two of them, each estimated at
        :data:`REFINE_PER_LOSS` times a quick pass, would end after it.
    """

    share: float = REFINE_CLOSE
    loss: Callable[[list[TruckRoute]], float] | None = None
    deadline: float | None = None

    def of(
        self, candidates: Sequence[list[TruckRoute]], values: Sequence[float], names: Sequence[str]
    ) -> list[int]:
        """The candidates to refine (both or only the best, by index)."""
        top = close_rivals(values, names, self.share)
        if len(top) < 2:
            return top
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return top[:1]
        if self.loss is None:
            return top
        started = time.monotonic()
        best, rival = ((values[k] + self.loss(candidates[k])) for k in top)
        if best <= rival:
            return top[:1]
        if self.deadline is not None:
            refine_s = REFINE_PER_LOSS * (time.monotonic() - started) / 2
            if time.monotonic() + 2 * refine_s > self.deadline:
                log.info("close rivals not refined: %.1f s each would pass the deadline", refine_s)
                return top[:1]
        return top


def _member(name: str) -> str:
    """The search member a candidate's name comes from (``gls-cost@8``: ``gls-cost``)."""
    return name.split("@", 1)[0]


def close_rivals(values: Sequence[float], names: Sequence[str], close: float) -> list[int]:
    """The best candidate by ``values`` (``inf``: not judged), and the best of another
    search member (:func:`_member` of ``names``) where its value is at most ``close``
    (a share) above the best's: the candidates a short limit refines.

    Two members' routes can lose very differently in the ladle pass (tonnes no ladle is
    ready for), which the judge does not see; the earlier solutions of one member are
    most often its final routes' near twins and lose alike.
    """
    order = sorted(
        (k for k, v in enumerate(values) if v != float("inf")), key=lambda k: (values[k], k)
    )
    if not order:
        return []
    best = order[0]
    rival = next((k for k in order if _member(names[k]) != _member(names[best])), None)
    if rival is None or values[rival] > values[best] + close * abs(values[best]):
        return [best]
    return [best, rival]


def _merge_results(results: list[RoutingResult], wall_s: float) -> RoutingResult:
    """One result for the day from its parts (routes are not merged: vehicles differ)."""
    if not results:
        return RoutingResult(routes=[], dropped=[], status="no_jobs", objective=0, wall_s=wall_s)
    if len(results) == 1:
        return results[0]
    statuses = sorted({r.status for r in results})
    firsts = [r.first_solution_s for r in results if r.first_solution_s is not None]
    empties = [r.empty_objective for r in results]
    accepted = [r.initial_accepted for r in results if r.initial_accepted is not None]
    return RoutingResult(
        routes=[],
        dropped=[n for r in results for n in r.dropped],
        status="+".join(statuses),
        objective=None
        if any(r.objective is None for r in results)
        else sum(r.objective or 0 for r in results),
        wall_s=wall_s,
        first_solution_s=max(firsts) if firsts else None,
        solutions=sum(r.solutions for r in results),
        initial_accepted=all(accepted) if accepted else None,
        empty_objective=None if None in empties else sum(e or 0 for e in empties),
    )


def _run_bins(
    bins: list[BinTask],
    deadline: float,
    executor: Executor | None,
    workers: int,
    first_solution: str,
) -> list[list[RoutingResult]]:
    """Route the bins on the executor (or a process pool of ``workers``), else here."""
    if len(bins) > 1:
        try:
            if executor is not None:
                futures = [executor.submit(solve_bin, b, deadline, first_solution) for b in bins]
                return [f.result() for f in futures]
            with process_pool(min(workers, len(bins))) as pool:
                return list(
                    pool.map(solve_bin, bins, [deadline] * len(bins), [first_solution] * len(bins))
                )
        except BrokenProcessPool:
            # A worker died (out of memory, or a calling script without the
            # ``if __name__ == "__main__":`` guard that ``spawn`` needs): route the
            # parts here, one after another, in the time that is left.
            log.warning("worker processes failed; routing the parts in this process")
    flat = [t for b in bins for t in b]
    results = solve_bin(flat, max(deadline, time.time() + len(flat)), first_solution)
    out, k = [], 0
    for b in bins:
        out.append(results[k : k + len(b)])
        k += len(b)
    return out


def optimize(
    ctx: ScheduleContext,
    assignments: tuple[Assignment, ...],
    states: dict[str, TruckState],
    *,
    time_limit_s: float,
    on_solution: SolutionCallback | None = None,
    initial_trips: dict[str, list[list[str]]] | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    target_jobs: int = PART_JOBS,
    solution_limit: int | None = None,
    judge: Callable[[list[TruckRoute]], float] | None = None,
    portfolio: Sequence[str] | None = None,
    seed: int = 0,
    refine: Callable[[list[TruckRoute]], float] | None = None,
    refine_close: CloseRivals | None = None,
    judged_fully: Callable[[list[TruckRoute]], bool] | None = None,
) -> tuple[list[TruckRoute], RoutingResult, int]:
    """Route the assigned jobs with OR-Tools and cut the routes into trips.

    Parameters
    ----------
    ctx : ScheduleContext
        Network, travel, release times.
    assignments : tuple of Assignment
        Jobs with their smelters.
    states : dict
        Truck states the routes start from.
    time_limit_s : float
        Search limit, seconds (wall clock, for the whole day).
    on_solution : callable, optional
        Progress callback (:data:`~.routing.SolutionCallback`), a day routed in one model.
    initial_trips : dict, optional
        ``truck_id -> [[job_id, ...] per trip]`` (pour order) to start the search from.
    workers, executor : int, concurrent.futures.Executor, optional
        Processes for the parts of a split day, or where they run (a process pool, a
        Dask client's executor).
    target_jobs : int
        Most jobs routed in one model; a larger day is split.
    solution_limit : int, optional
        Deterministic search: stop after this many solutions (a day routed in one model).
    judge, judged_fully : callable, optional
        Value of routes once re-timed, lower is better (else the routing objective
        decides); whether it re-inserted all they left off (:func:`judge_in_time`).
    portfolio : sequence of str, optional
        Search members for a day routed in one model, at most ``workers`` (default
        :func:`logistics.planning.portfolio.default_portfolio` of the limit).
    seed : int
        Engine seed (of members whose engine takes one).
    refine, refine_close : callable, CloseRivals, optional
        Value of routes as the plan comes out (after the ladle pass), slower than ``judge``:
        the :data:`REFINE_TOP` best by the judge are chosen among by it (:func:`refined_best`),
        or at short limits only ``refine_close``'s close rivals (:func:`close_rivals`).

    Returns
    -------
    (list of TruckRoute, RoutingResult, int)
        Trips per truck in route order; the routing result (summed over parts); parts.
    """
    started = time.perf_counter()
    parts = partition_day(ctx.travel, assignments, states, initial_trips, target_jobs=target_jobs)
    parts = [p for p in parts if p.truck_ids]
    members = members_for(portfolio, workers, time_limit_s, jobs=len(assignments))
    with _search_executor(len(parts), members, executor) as where:
        search = _Search(
            started=started,
            time_limit_s=time_limit_s,
            on_solution=on_solution,
            workers=workers,
            executor=where,
            solution_limit=solution_limit,
            judge=judge,
            members=members,
            seed=seed,
            refine=refine if judge is not None else None,
            refine_close=refine_close,
            judged_fully=judged_fully,
        )
        return _optimize_parts(ctx, parts, states, initial_trips, search)


@contextmanager
def _search_executor(
    parts: int, members: list[SearchMember], executor: Executor | None
) -> Iterator[Executor | None]:
    """Where the searches run: ``executor``, or for a day of one part searched by several
    members without one, the portfolio's own process pool (shut down on leaving).

    The pool's worker processes start now, so that their start (imports) overlaps with
    building the model and the starting plans here.
    """
    if parts != 1 or len(members) <= 1 or executor is not None:
        yield executor
        return
    pool = start_pool(len(members) - 1)
    try:
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class _Search:
    """How the day's parts are searched (the arguments of :func:`optimize`).

    ``started`` is ``time.perf_counter()`` when :func:`optimize` began and
    ``time_limit_s`` the limit from then, s; ``executor`` is where the searches run.
    """

    started: float
    time_limit_s: float
    on_solution: SolutionCallback | None
    workers: int
    executor: Executor | None
    solution_limit: int | None
    judge: Callable[[list[TruckRoute]], float] | None
    members: list[SearchMember]
    seed: int
    refine: Callable[[list[TruckRoute]], float] | None = None
    refine_close: CloseRivals | None = None
    judged_fully: Callable[[list[TruckRoute]], bool] | None = None

    @property
    def refine_s_per_job(self) -> float:
        """Seconds kept from the search per job for refining (none when only close
        rivals are refined: they take from the time after the search, within
        :attr:`CloseRivals.deadline`). A close rival is not rare: on the Yangtze River
        Delta sample at 15 s ``gls-cost`` and ``gls-parallel`` were within 2 % in every
        run; the quick ladle pass decides whether both are refined."""
        return REFINE_TOP * REFINE_S_PER_JOB if self.refine_close is None else 0.0

    def left_s(self, reserve_s: float = 0.0) -> float:
        """Seconds of the limit left, less ``reserve_s``; at least 1."""
        return max(1.0, self.time_limit_s - (time.perf_counter() - self.started) - reserve_s)


def _optimize_parts(
    ctx: ScheduleContext,
    parts: list[Part],
    states: dict[str, TruckState],
    initial_trips: dict[str, list[list[str]]] | None,
    search: _Search,
) -> tuple[list[TruckRoute], RoutingResult, int]:
    """:func:`optimize` once the day is cut into parts (one part: the portfolio)."""
    built = _built_parts(ctx, parts, states, initial_trips)
    remaining = search.left_s()
    if len(built) == 1:
        return _route_one_part(ctx, built[0], states, search)
    results = _route_parts(ctx, built, states, remaining, search) if built else []
    routes: list[TruckRoute] = []
    for b, result in zip(built, results, strict=True):
        routes += cut_routes(b.problem, result, b.truck_ids, b.pair_assignments)
    merged = _merge_results(results, time.perf_counter() - search.started)
    return routes, merged, len(built)


def _built_parts(
    ctx: ScheduleContext,
    parts: list[Part],
    states: dict[str, TruckState],
    initial_trips: dict[str, list[list[str]]] | None,
) -> list[BuiltPart]:
    """Each part as a routing model with its bundles and the dispatcher's routes.

    A part with nothing routable is left out: its jobs are re-inserted after timing.
    """
    built: list[BuiltPart] = []
    for part in parts:
        problem, truck_ids, pair_assignments = build_problem(
            ctx, part.assignments, {t: states[t] for t in part.truck_ids}
        )
        if not pair_assignments:
            continue
        groups = (
            symmetric_groups(problem, pair_assignments)
            if BUNDLE_JOBS
            else [[k] for k in range(len(problem.pairs))]
        )
        bundling = bundle_pairs(problem, groups)
        initial = initial_routes(problem.pairs, pair_assignments, truck_ids, initial_trips)
        built.append(BuiltPart(problem, truck_ids, pair_assignments, initial, bundling))
    return built


class _PartStarts:
    """Where the members searching a day routed in one model start, and the repair of
    their routes into starting routes that keep the ladle rules.

    Both the dispatcher's start and the earliest-finish start leave out the jobs whose
    place in the given routes breaks a window, a ride limit or the vehicle's end (routes
    of an earlier plan, a re-plan's).
    """

    def __init__(
        self, ctx: ScheduleContext, part: BuiltPart, states: dict[str, TruckState]
    ) -> None:
        self.ctx, self.part, self.states = ctx, part, states
        self._repair_routes = start_repairer(
            ctx, part.problem, part.truck_ids, part.pair_assignments, states
        )
        #: The earliest-finish plan's routes, once :meth:`earliest_finish` has run.
        self.eft_routes: list[TruckRoute] = []

    def dispatcher(self) -> dict[str, list[list[int]] | None]:
        """The dispatcher's routes, bundled and job by job."""
        part = self.part
        singles = bundle_pairs(part.problem, [[k] for k in range(len(part.problem.pairs))])
        return {
            "dispatcher": part.bundling.routes_in(part.initial),
            "dispatcher" + JOB_BY_JOB: singles.routes_in(part.initial),
        }

    def repair(self, result: RoutingResult) -> list[list[int]] | None:
        """A bundled search's routes as bundled routes that keep the ladle rules."""
        bundling = self.part.bundling
        return bundling.routes_in(self._repair_routes(bundling.expand(result)))

    def earliest_finish(self) -> dict[str, list[list[int]] | None]:
        """The earliest-finish plan's routes, bundled and job by job (kept in
        :attr:`eft_routes`)."""
        part = self.part
        problem, truck_ids, pair_assignments = part.problem, part.truck_ids, part.pair_assignments
        empty = RoutingResult([[] for _ in truck_ids], [], "empty", None, 0.0)
        eft = repaired_plan(self.ctx, problem, empty, truck_ids, pair_assignments, self.states)
        self.eft_routes.extend(truck_routes(eft))
        start = initial_routes(problem.pairs, pair_assignments, truck_ids, trips_by_truck(eft))
        return {"eft": part.bundling.routes_in(start), "eft" + JOB_BY_JOB: start}


def _route_one_part(
    ctx: ScheduleContext, part: BuiltPart, states: dict[str, TruckState], search: _Search
) -> tuple[list[TruckRoute], RoutingResult, int]:
    """A day routed in one model: the portfolio's members search it (time is kept for
    judging their results), and the best of what comes back is kept."""
    starts = _PartStarts(ctx, part, states)
    given = starts.dispatcher()
    members = search.members
    needs_eft = any(m.start == "eft" for m in members)
    must = len(members) + (1 if needs_eft else 0)
    judging = (
        judging_reserve_s(
            search.time_limit_s, len(part.pair_assignments), must, must + len(members) * SNAPSHOTS
        )
        if search.judge is not None
        else 0.0
    )
    if search.refine is not None:
        judging += search.refine_s_per_job * len(part.pair_assignments)
    found = run_portfolio(
        part.bundling.problem,
        given,
        members,
        time_limit_s=search.left_s(judging),
        executor=search.executor,
        solution_limit=search.solution_limit,
        seed=search.seed,
        on_solution=search.on_solution,
        repair=starts.repair,
        late_starts=starts.earliest_finish if needs_eft else None,
        job_problem=part.problem,
    )
    return _best_found(part, found, starts.eft_routes, search)


def _best_found(
    part: BuiltPart,
    found: list[RoutingResult | None],
    eft_routes: list[TruckRoute],
    search: _Search,
) -> tuple[list[TruckRoute], RoutingResult, int]:
    """The best of the portfolio's results (by the judge, else by the model's objective):
    its routes, its result (status naming it) and 1 part."""
    problem, truck_ids, pair_assignments = part.problem, part.truck_ids, part.pair_assignments
    finals = [
        (m.name, part.bundling.expand(r) if m.bundled else r)
        for m, r in zip(search.members, found, strict=True)
        if r is not None
    ]
    back = _competitors(finals, eft_routes, len(problem.nodes), search.judge is not None)
    candidates = [
        eft_routes if name == "eft-start" else cut_routes(problem, r, truck_ids, pair_assignments)
        for name, r in back
    ]
    refine_s = search.refine_s_per_job * len(pair_assignments) if search.refine is not None else 0.0
    values = _values(back, candidates, len(finals) + (1 if eft_routes else 0), search, refine_s)
    best = min(range(len(back)), key=lambda k: (values[k], k))
    if search.refine is not None:
        names = [n for n, _ in back]
        best = refined_best(search.refine, candidates, values, names, search.refine_close)
    name, result = back[best]
    result = replace(result, empty_objective=empty_objective(problem))
    if len(candidates) > 1:
        result = replace(
            result,
            status=f"{result.status} [{name}; {len(found)} searches, "
            f"{sum(r is not None for r in found)} back]",
            solutions=sum(r.solutions for r in found if r is not None),
        )
    return candidates[best], result, 1


def _competitors(
    finals: list[tuple[str, RoutingResult]],
    eft_routes: list[TruckRoute],
    nodes: int,
    judged: bool,
) -> list[tuple[str, RoutingResult]]:
    """The results that compete, by name: each member's final routes; when ``judged``,
    also the earliest-finish plan (``eft-start``, if built) and earlier solutions."""
    back = list(finals)
    if judged and eft_routes:
        # The earliest-finish plan itself competes: a search from it can come out
        # worse once re-timed.
        back.append(("eft-start", replace(finals[0][1], objective=None)))
    if judged:
        # Earlier solutions of each member compete too, latest (lowest by the
        # model's objective) first and the members taken in turn, in case the time
        # runs out before every one is judged.
        back += [
            (f"{name}@{len(r.snapshots) - k}", _as_result(r, len(r.snapshots) - 1 - k, nodes))
            for k in range(max((len(r.snapshots) for _, r in finals), default=0))
            for name, r in finals
            if k < len(r.snapshots) and r.snapshots[-1 - k] != r.routes
        ]
    return back


def _values(
    back: list[tuple[str, RoutingResult]],
    candidates: list[list[TruckRoute]],
    must: int,
    search: _Search,
    refine_s: float = 0.0,
) -> list[float]:
    """Each competitor's value, lower is better (``inf``: not judged), logged: the
    judge's while the limit lasts, less ``refine_s`` (s, kept for refining the best
    few; the first ``must`` whatever the time), else the model's objective."""
    judging_started = time.perf_counter()
    if search.judge is not None and len(candidates) > 1:
        values = judge_in_time(
            search.judge,
            candidates,
            deadline=None
            if search.solution_limit is not None
            else search.started + search.time_limit_s - refine_s,
            must=must,
            finished=search.judged_fully,
        )
    else:
        values = [r.objective if r.objective is not None else float("inf") for _, r in back]
    judged = [v for v in values if v != float("inf")]
    log.info(
        "portfolio: %s (%d of %d candidates judged in %.1f s)",
        ", ".join(
            f"{name} {v:,.0f}"
            for (name, _), v in zip(back, values, strict=True)
            if v != float("inf")
        ),
        len(judged),
        len(values),
        time.perf_counter() - judging_started,
    )
    return values


def _route_parts(
    ctx: ScheduleContext,
    built: list[BuiltPart],
    states: dict[str, TruckState],
    remaining: float,
    search: _Search,
) -> list[RoutingResult]:
    """A split day: the parts routed in bins, one bin a worker, in ``remaining`` s; each
    part's result job by job, in the order of ``built``."""
    if PART_START == "eft":
        built = _started_from_eft(ctx, built, states)
        remaining = search.left_s()
    workers, executor = search.workers, search.executor
    sizes = [len(b.pair_assignments) for b in built]
    order = bins_for_workers(sizes, workers if executor is None else max(workers, 2))
    bins = [
        [
            (
                built[i].bundling.problem,
                None if PART_START == "none" else built[i].bundling.routes_in(built[i].initial),
                sizes[i],
            )
            for i in b
        ]
        for b in order
    ]
    first_solution = PART_FIRST_SOLUTION if PART_START == "none" else "LOCAL_CHEAPEST_INSERTION"
    outputs = _run_bins(bins, time.time() + remaining, executor, workers, first_solution)
    by_part: dict[int, RoutingResult] = {}
    for part_indices, out in zip(order, outputs, strict=True):
        by_part.update(zip(part_indices, out, strict=True))
    return [
        replace(
            built[i].bundling.expand(by_part[i]), empty_objective=empty_objective(built[i].problem)
        )
        for i in range(len(built))
    ]


def _started_from_eft(
    ctx: ScheduleContext, built: list[BuiltPart], states: dict[str, TruckState]
) -> list[BuiltPart]:
    """The parts, each starting from its own earliest-finish plan (built here, before
    the parts go to the workers) rather than from the dispatcher's."""
    started = list(built)
    for k, b in enumerate(built):
        empty = RoutingResult([[] for _ in b.truck_ids], [], "empty", None, 0.0)
        eft = repaired_plan(ctx, b.problem, empty, b.truck_ids, b.pair_assignments, states)
        if eft:
            start = initial_routes(
                b.problem.pairs, b.pair_assignments, b.truck_ids, trips_by_truck(eft)
            )
            started[k] = replace(b, initial=start)
    return started
