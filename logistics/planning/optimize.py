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
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

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
    re-inserted in trips of its own on the truck that finishes it first. From empty
    routes this is the earliest-finish plan.
    """
    assignment_of = {a.job.job_id: a for a in pair_assignments}
    routes = cut_routes(problem, result, truck_ids, pair_assignments)
    trial = {t: replace(states[t]) for t in truck_ids}
    bays = BayBook({s.smelter_id: s.fill_bays for s in ctx.network.smelters})
    timed, _ = schedule_routes(ctx, {r.truck_id: list(r.trips) for r in routes}, trial, bays)
    done = {r.job.job_id for t in timed for r in t.runs}
    todo = [a.job for a in pair_assignments if a.job.job_id not in done]
    return timed + reinsert(ctx, todo, assignment_of, trial, bays)[0]


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


def _as_result(
    result: RoutingResult, routes: list[list[tuple[int, int]]], nodes: int
) -> RoutingResult:
    """An earlier solution of a search as a result of its own (routes and what they drop)."""
    visited = {node for route in routes for node, _ in route}
    dropped = [n for n in range(nodes) if n not in visited]
    return replace(result, routes=routes, dropped=dropped, objective=None)


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
    return values + [float("inf")] * (len(candidates) - len(values))


def _merge_results(results: list[RoutingResult], wall_s: float) -> RoutingResult:
    """One result for the day from its parts (routes are not merged: vehicles differ)."""
    if not results:
        return RoutingResult(routes=[], dropped=[], status="no_jobs", objective=0, wall_s=wall_s)
    if len(results) == 1:
        return results[0]
    statuses = sorted({r.status for r in results})
    firsts = [r.first_solution_s for r in results if r.first_solution_s is not None]
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
        Progress callback (:data:`~.routing.SolutionCallback`) at improving solutions (a day
        routed in one model; the parts of a split day report nothing until they end).
    initial_trips : dict, optional
        ``truck_id -> [[job_id, ...] per trip]`` (pour order) to start the search from.
    workers : int
        Processes for the parts of a split day when no ``executor`` is given.
    executor : concurrent.futures.Executor, optional
        Where the parts of a split day run (a process pool, a Dask client's executor).
    target_jobs : int
        Most jobs routed in one model; a larger day is split.
    solution_limit : int, optional
        Deterministic search: stop after this many solutions (a day routed in one model).
    judge : callable, optional
        Value of a set of routes once re-timed (lower is better), to choose among the
        portfolio's results; without it the routing objective decides.
    portfolio : sequence of str, optional
        Search members for a day routed in one model (default
        :func:`logistics.planning.portfolio.default_portfolio` of the limit), at most
        ``workers``.
    seed : int
        Engine seed (members whose engine uses one).

    Returns
    -------
    (list of TruckRoute, RoutingResult, int)
        Trips per truck in route order; the routing result (status, objective,
        timings; summed over parts); the number of parts.
    """
    started = time.perf_counter()
    parts = partition_day(ctx.travel, assignments, states, initial_trips, target_jobs=target_jobs)
    parts = [p for p in parts if p.truck_ids]
    members = members_for(portfolio, workers, time_limit_s, jobs=len(assignments))
    # The portfolio's worker processes start now, so that their start (imports) overlaps
    # with building the model and the starting plans here.
    pool = (
        start_pool(len(members) - 1)
        if len(parts) == 1 and len(members) > 1 and executor is None
        else None
    )
    try:
        return _optimize_parts(
            ctx,
            parts,
            states,
            started=started,
            time_limit_s=time_limit_s,
            on_solution=on_solution,
            initial_trips=initial_trips,
            workers=workers,
            executor=executor if pool is None else pool,
            solution_limit=solution_limit,
            judge=judge,
            members=members,
            seed=seed,
        )
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _optimize_parts(
    ctx: ScheduleContext,
    parts: list[Part],
    states: dict[str, TruckState],
    *,
    started: float,
    time_limit_s: float,
    on_solution: SolutionCallback | None,
    initial_trips: dict[str, list[list[str]]] | None,
    workers: int,
    executor: Executor | None,
    solution_limit: int | None,
    judge: Callable[[list[TruckRoute]], float] | None,
    members: list[SearchMember],
    seed: int,
) -> tuple[list[TruckRoute], RoutingResult, int]:
    """:func:`optimize` once the day is cut into parts (one part: the portfolio)."""
    built: list[BuiltPart] = []
    for part in parts:
        problem, truck_ids, pair_assignments = build_problem(
            ctx, part.assignments, {t: states[t] for t in part.truck_ids}
        )
        if not pair_assignments:
            continue  # nothing routable here: its jobs are re-inserted after timing
        groups = (
            symmetric_groups(problem, pair_assignments)
            if BUNDLE_JOBS
            else [[k] for k in range(len(problem.pairs))]
        )
        bundling = bundle_pairs(problem, groups)
        initial = initial_routes(problem.pairs, pair_assignments, truck_ids, initial_trips)
        built.append(BuiltPart(problem, truck_ids, pair_assignments, initial, bundling))
    remaining = max(1.0, time_limit_s - (time.perf_counter() - started))
    results: list[RoutingResult] = []
    if len(built) == 1:
        only = built[0]
        problem, truck_ids, pair_assignments = only.problem, only.truck_ids, only.pair_assignments
        initial, bundling = only.initial, only.bundling
        repair_routes = start_repairer(ctx, problem, truck_ids, pair_assignments, states)

        def repair(result: RoutingResult) -> list[list[int]] | None:
            return bundling.routes_in(repair_routes(bundling.expand(result)))

        # Both starts leave out the jobs whose place in the given routes breaks a window,
        # a ride limit or the vehicle's end (routes of an earlier plan, a re-plan's).
        singles = bundle_pairs(problem, [[k] for k in range(len(problem.pairs))])
        starts: dict[str, list[list[int]] | None] = {
            "dispatcher": bundling.routes_in(initial),
            "dispatcher" + JOB_BY_JOB: singles.routes_in(initial),
        }
        eft_routes: list[TruckRoute] = []

        def earliest_finish() -> dict[str, list[list[int]] | None]:
            empty = RoutingResult([[] for _ in truck_ids], [], "empty", None, 0.0)
            eft = repaired_plan(ctx, problem, empty, truck_ids, pair_assignments, states)
            eft_routes.extend(truck_routes(eft))
            start = initial_routes(problem.pairs, pair_assignments, truck_ids, trips_by_truck(eft))
            return {"eft": bundling.routes_in(start), "eft" + JOB_BY_JOB: start}

        needs_eft = any(m.start == "eft" for m in members)
        must = len(members) + (1 if needs_eft else 0)
        judging = (
            judging_reserve_s(
                time_limit_s, len(pair_assignments), must, must + len(members) * SNAPSHOTS
            )
            if judge is not None
            else 0.0
        )
        remaining = max(1.0, time_limit_s - (time.perf_counter() - started) - judging)
        found = run_portfolio(
            bundling.problem,
            starts,
            members,
            time_limit_s=remaining,
            executor=executor,
            solution_limit=solution_limit,
            seed=seed,
            on_solution=on_solution,
            repair=repair,
            late_starts=earliest_finish if needs_eft else None,
            job_problem=problem,
        )
        finals = [
            (m.name, bundling.expand(r) if m.bundled else r)
            for m, r in zip(members, found, strict=True)
            if r is not None
        ]
        nodes = len(problem.nodes)
        back = list(finals)
        if judge is not None and eft_routes:
            # The earliest-finish plan itself competes: a search from it can come out
            # worse once re-timed.
            back.append(("eft-start", finals[0][1]))
        if judge is not None:
            # Earlier solutions of each member compete too, latest (lowest by the
            # model's objective) first and the members taken in turn, in case the time
            # runs out before every one is judged.
            back += [
                (f"{name}@{len(r.snapshots) - k}", _as_result(r, r.snapshots[-1 - k], nodes))
                for k in range(max((len(r.snapshots) for _, r in finals), default=0))
                for name, r in finals
                if k < len(r.snapshots) and r.snapshots[-1 - k] != r.routes
            ]
        candidates = [
            eft_routes
            if name == "eft-start"
            else cut_routes(problem, r, truck_ids, pair_assignments)
            for name, r in back
        ]
        judging_started = time.perf_counter()
        if judge is not None and len(candidates) > 1:
            values = judge_in_time(
                judge,
                candidates,
                deadline=None if solution_limit is not None else started + time_limit_s,
                must=len(finals) + (1 if eft_routes else 0),
            )
        else:
            values = [r.objective if r.objective is not None else float("inf") for _, r in back]
        best = min(range(len(back)), key=lambda k: (values[k], k))
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
        name, result = back[best]
        if len(candidates) > 1:
            result = replace(
                result,
                status=f"{result.status} [{name}; {len(found)} searches, "
                f"{sum(r is not None for r in found)} back]",
                solutions=sum(r.solutions for r in found if r is not None),
            )
        return candidates[best], result, 1
    if built:
        if PART_START == "eft":
            # Each part starts from its own earliest-finish plan (built here, before the
            # parts go to the workers) rather than from the dispatcher's.
            for k, b in enumerate(built):
                empty = RoutingResult([[] for _ in b.truck_ids], [], "empty", None, 0.0)
                eft = repaired_plan(ctx, b.problem, empty, b.truck_ids, b.pair_assignments, states)
                if eft:
                    start = initial_routes(
                        b.problem.pairs, b.pair_assignments, b.truck_ids, trips_by_truck(eft)
                    )
                    built[k] = replace(b, initial=start)
            remaining = max(1.0, time_limit_s - (time.perf_counter() - started))
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
        results = [built[i].bundling.expand(by_part[i]) for i in range(len(built))]
    routes: list[TruckRoute] = []
    for b, result in zip(built, results, strict=True):
        routes += cut_routes(b.problem, result, b.truck_ids, b.pair_assignments)
    merged = _merge_results(results, time.perf_counter() - started)
    return routes, merged, len(built)
