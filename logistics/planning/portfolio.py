"""A portfolio of differently configured searches of one routing model, one per core.

OR-Tools' routing search runs on one core. On a day routed in one model the other
cores would idle, so the same model is searched by several *members* at once — each
its own process with its own search configuration — and the best result is kept (the
caller judges the routes after re-timing them, see :func:`logistics.planning.optimize`).
The first member runs in the calling process (it reports progress); the others go to a
:class:`concurrent.futures.Executor` (a spawned process pool by default, or a Dask
client's executor). Members differ only in their search parameters, so with a
``solution_limit`` each member, and hence the portfolio, is deterministic.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

from logistics.planning.routing import (
    RoutingProblem,
    RoutingResult,
    SolutionCallback,
    solve_routing,
)
from logistics.runtime.pools import process_pool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchMember:
    """One search configuration of the portfolio.

    Attributes
    ----------
    name : str
        Short name (reported in the solver status).
    first_solution, metaheuristic : str
        OR-Tools strategy names (``ITERATED_LOCAL_SEARCH``: its iterated local search,
        see :data:`logistics.planning.routing.search.ITERATED_LOCAL_SEARCH`).
    operator_bandit : bool
        OR-Tools' multi-armed-bandit choice of local-search operators.
    start : str
        Where the search starts: ``dispatcher`` (the dispatcher's plan), ``eft`` (every
        job given, order by order, to the truck that finishes it first: see
        :func:`logistics.planning.optimize.start_repairer`) or ``none`` (OR-Tools'
        first-solution strategy from scratch).
    engine : str
        Routing-core engine (see :func:`logistics.planning.routing.solve_routing`).
    bundled : bool
        Search the day's alike jobs two at a time (the bundled problem) or job by job
        (:mod:`logistics.planning.routing.bundle`).
    repair_share : float
        When above 0: PyVRP first searches the rules it can express for this share of
        the limit, the caller's ``repair`` turns its routes into a plan that keeps
        every rule (re-timing, re-insertion) and OR-Tools searches the full model from
        there for the rest. Only the first member (run in the calling process) can
        repair; elsewhere such a member searches like ``gls``.
    empty_before_refill : bool
        Search the model with "a truck returns empty before it fills again" posted
        (``RoutingProblem.empty_before_pickup``), so the routes the search compares are
        the trips the plan will drive; without it the rule is only applied when the
        routes are cut into trips.
    """

    name: str
    first_solution: str = "LOCAL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    operator_bandit: bool = False
    start: str = "dispatcher"
    engine: str = "ortools"
    repair_share: float = 0.0
    bundled: bool = True
    empty_before_refill: bool = False
    fill_bays: bool = False

    @property
    def start_key(self) -> str:
        """Key of this member's start in the ``starts`` of :func:`run_portfolio`."""
        return self.start if self.bundled else self.start + JOB_BY_JOB


#: Suffix of a start's key for members that search job by job.
JOB_BY_JOB = ":jobs"
#: Least time a member is given to search, seconds; a member that starts later (a slow
#: process start) is left out.
MIN_MEMBER_S = 1.0
#: How long after the deadline a member's result is waited for, seconds.
GRACE_S = 1.5

#: Members the planner knows, by name.
MEMBERS: dict[str, SearchMember] = {
    m.name: m
    for m in (
        SearchMember("gls"),
        SearchMember("gls-jobs", bundled=False),
        SearchMember("gls-eft", start="eft"),
        SearchMember("gls-eft-jobs", start="eft", bundled=False),
        SearchMember("gls-scratch-jobs", start="none", bundled=False),
        SearchMember("gls-scratch", start="none"),
        SearchMember("gls-parallel", first_solution="PARALLEL_CHEAPEST_INSERTION", start="none"),
        SearchMember("gls-cost", first_solution="LOCAL_CHEAPEST_COST_INSERTION", start="none"),
        SearchMember("sa-scratch", metaheuristic="SIMULATED_ANNEALING", start="none"),
        SearchMember("tabu-scratch", metaheuristic="TABU_SEARCH", start="none"),
        SearchMember("sa-eft", metaheuristic="SIMULATED_ANNEALING", start="eft"),
        SearchMember("gls-bandit", operator_bandit=True),
        SearchMember("sa", metaheuristic="SIMULATED_ANNEALING"),
        SearchMember("tabu", metaheuristic="TABU_SEARCH"),
        SearchMember("pyvrp-repair", repair_share=0.4),
        SearchMember("pyvrp-repair-short", repair_share=0.2),
        SearchMember("gls-eft-trips", start="eft", empty_before_refill=True),
        SearchMember("gls-eft-trips-jobs", start="eft", bundled=False, empty_before_refill=True),
        SearchMember("gls-trips", empty_before_refill=True),
        SearchMember("gls-trips-jobs", bundled=False, empty_before_refill=True),
        SearchMember(
            "gls-parallel-bays",
            first_solution="PARALLEL_CHEAPEST_INSERTION",
            start="none",
            fill_bays=True,
        ),
        SearchMember("gls-eft-bays", start="eft", fill_bays=True),
        SearchMember("pyvrp-trips", start="none", engine="pyvrp-trips", bundled=False),
        SearchMember("pyvrp-trips-gls", start="none", engine="pyvrp-trips+ortools", bundled=False),
        SearchMember(
            "ils",
            first_solution="PARALLEL_CHEAPEST_INSERTION",
            metaheuristic="ITERATED_LOCAL_SEARCH",
            start="none",
        ),
        SearchMember(
            "ils-eft-jobs", metaheuristic="ITERATED_LOCAL_SEARCH", start="eft", bundled=False
        ),
    )
}

#: Members used, in order, when a day is routed in one model: as many as there are
#: workers (the first alone with one worker). Chosen by running each member alone on
#: both sample days and the generated 300-run day (``docs/solver.md``): at 60 s the
#: search from OR-Tools' cheapest-cost insertion ended lowest on all three.
DEFAULT_PORTFOLIO: tuple[str, ...] = ("gls-cost", "gls-parallel", "gls", "gls-scratch")
#: Longest time limit, seconds, for which :data:`SHORT_PORTFOLIO` is the default.
SHORT_LIMIT_S = 30.0
#: The default for short limits (a dispatcher waiting in the app): within 15 s the
#: search from parallel cheapest insertion ended lowest on both sample days alone;
#: searches from a plan (the dispatcher's, the earliest-finish one) ended 10-25 %
#: higher. Second the search from cheapest *cost* insertion (the member whose plan is
#: kept at 60 s): paired with the first at 15 s, 2 workers, its plan was kept on the
#: Yangtze River Delta (mean of three 335.7 k against 351.3 k with ``gls-scratch``
#: second) and the Pearl River Delta stayed level; the generated 300-run day, where
#: ``gls-scratch`` had won, got 2-3 % worse (docs/solver.md).
SHORT_PORTFOLIO: tuple[str, ...] = ("gls-parallel", "gls-cost", "gls-scratch", "sa-scratch")
#: Both defaults were measured against PyVRP's multi-trip member (``pyvrp-trips``,
#: ``pyvrp-trips-gls``) and OR-Tools' iterated local search (``ils``) second in place of
#: the second member, on both sample days (docs/solver.md): none gave the plan kept on
#: either sample at either limit, so both stay as they are.
#: Earlier solutions each member keeps for the caller to judge besides its best: the
#: model's objective does not see fill bays, so its best is not always the best plan
#: once re-timed. Kept by their number among the improving solutions, so runs of the
#: same command judge the same ones (the generated 300-run day at 15 s: four taken by
#: the clock gave plans 4.2 % apart in three runs, 30 by number the same plan).
SNAPSHOTS = 30


#: Most jobs of a day for which :data:`SMALL_DAY_PORTFOLIO` is the default.
SMALL_DAY_JOBS = 200
#: The default on small days, at any limit: there a search job by job converges, and on
#: the generated 100-run day it ended lower than with bundles (15 s, 2 workers: 90.1 k
#: against 95.7 k objective), while on the 40-job test day bundles ended lower (33.8 k
#: against 34.4 k). The second member is PyVRP's multi-trip search
#: (:mod:`logistics.planning.routing.pyvrp_trips`): on the generated 100-run day at 15 s,
#: 2 workers, the pair ended at 91.0 k against 97.4 k with ``gls-eft-trips-jobs``
#: second (the member that held the place before: it searches trips as driven), the
#: tiny sample day unchanged (10.9 k); on the MTVRPTWR subset the engine's mean gap
#: fell from 29.4 % to 5.5-7.2 % at 30 s (docs/benchmarks.md). ``gls-eft-trips-jobs``
#: follows for a third worker.
SMALL_DAY_PORTFOLIO: tuple[str, ...] = (
    "gls-eft-jobs",
    "pyvrp-trips",
    "gls-eft-trips-jobs",
    "gls-parallel",
)


def default_portfolio(time_limit_s: float | None, jobs: int | None = None) -> tuple[str, ...]:
    """The default members for ``time_limit_s`` seconds (``None``: no limit) and ``jobs``."""
    if jobs is not None and jobs <= SMALL_DAY_JOBS:
        return SMALL_DAY_PORTFOLIO
    if time_limit_s is not None and time_limit_s <= SHORT_LIMIT_S:
        return SHORT_PORTFOLIO
    return DEFAULT_PORTFOLIO


def members_for(
    names: Sequence[str] | None,
    workers: int,
    time_limit_s: float | None = None,
    jobs: int | None = None,
) -> list[SearchMember]:
    """The members to run: ``names`` (default :func:`default_portfolio`), at most ``workers``.

    Raises
    ------
    ValueError
        For an unknown member name.
    """
    wanted = list(names) if names else list(default_portfolio(time_limit_s, jobs))
    unknown = [n for n in wanted if n not in MEMBERS]
    if unknown:
        raise ValueError(f"unknown search members {unknown}; known: {sorted(MEMBERS)}")
    return [MEMBERS[n] for n in wanted[: max(1, workers)]]


def _warm_up() -> None:
    """Import the routing core in a worker process (its first task)."""
    import logistics.planning.routing  # noqa: F401


def start_pool(processes: int) -> ProcessPoolExecutor:
    """A spawned process pool whose workers are already starting (importing OR-Tools).

    The pool comes from :func:`logistics.runtime.pools.process_pool`: its workers die
    with this process. The caller shuts it down. ``spawn`` needs the
    ``if __name__ == "__main__":`` guard in a calling script.
    """
    pool = process_pool(max(1, processes))
    for _ in range(max(1, processes)):
        pool.submit(_warm_up)
    return pool


def with_member_rules(problem: RoutingProblem, member: SearchMember) -> RoutingProblem:
    """``problem`` with the rules ``member`` adds to the search (``empty_before_refill``,
    ``fill_bays``)."""
    if member.empty_before_refill and not problem.empty_before_pickup:
        problem = replace(problem, empty_before_pickup=True)
    if member.fill_bays and not problem.post_pickup_capacity:
        problem = replace(problem, post_pickup_capacity=True)
    return problem


def solve_member(
    problem: RoutingProblem,
    starts: dict[str, list[list[int]] | None],
    member: SearchMember,
    deadline: float,
    solution_limit: int | None = None,
    seed: int = 0,
    on_solution: SolutionCallback | None = None,
) -> RoutingResult | None:
    """Search ``problem`` with one member's configuration until ``deadline`` (``time.time()``).

    A top-level function, so an executor can pickle it. ``None`` when the member
    started too late to search at all (a slow process start on a loaded machine).
    """
    left = deadline - time.time()
    if left < MIN_MEMBER_S and solution_limit is None:
        return None
    return solve_routing(
        with_member_rules(problem, member),
        time_limit_s=max(MIN_MEMBER_S, left),
        solution_limit=solution_limit,
        first_solution=member.first_solution,
        metaheuristic=member.metaheuristic,
        initial_routes=starts.get(member.start_key),
        on_solution=on_solution,
        operator_bandit=member.operator_bandit,
        engine=member.engine,
        seed=seed,
        snapshots=SNAPSHOTS,
    )


def run_portfolio(
    problem: RoutingProblem,
    starts: dict[str, list[list[int]] | None],
    members: Sequence[SearchMember],
    *,
    time_limit_s: float,
    executor: Executor | None = None,
    solution_limit: int | None = None,
    seed: int = 0,
    on_solution: SolutionCallback | None = None,
    repair: Callable[[RoutingResult], list[list[int]] | None] | None = None,
    late_starts: Callable[[], dict[str, list[list[int]] | None]] | None = None,
    job_problem: RoutingProblem | None = None,
) -> list[RoutingResult | None]:
    """Search one problem with every member at once; one result per member, in order.

    Parameters
    ----------
    problem : RoutingProblem
        The day's model (plain data, pickled to the other processes).
    starts : dict
        Starting routes (node lists per vehicle) by :attr:`SearchMember.start` name; a
        member whose start is missing or ``None`` searches from scratch.
    members : sequence of SearchMember
        The configurations; the first runs here, the others on ``executor``.
    time_limit_s : float
        Wall-clock limit for every member, seconds (they share one deadline).
    executor : concurrent.futures.Executor, optional
        Where the other members run; default a spawned process pool of their number.
    solution_limit : int, optional
        Deterministic search: each member stops after this many solutions, and every
        member's result is waited for.
    seed : int
        Engine seed for members whose engine uses one.
    on_solution : callable, optional
        Progress of the first member (:data:`~.routing.SolutionCallback`).
    repair : callable, optional
        For a first member with ``repair_share``: PyVRP's result → starting routes
        that keep every rule (``None`` if none could be made).
    late_starts : callable, optional
        Builds further starts (e.g. ``eft``) here, after the members whose start is
        already in ``starts`` have gone to their processes, so that those search
        while the starts are built.
    job_problem : RoutingProblem, optional
        The day job by job, for members with ``bundled=False`` (their starts are keyed
        :attr:`SearchMember.start_key`); ``problem`` is then the bundled one. Default
        ``problem`` for every member.

    Returns
    -------
    list of RoutingResult or None
        ``None`` for a member that had no time to search, whose process failed, or
        (without ``solution_limit``) that was not back :data:`GRACE_S` after the
        deadline; the first member always has a result.
    """
    deadline = time.time() + time_limit_s
    others = list(members[1:])
    pool = process_pool(len(others)) if others and executor is None else None
    search = _MemberSearch(problem, job_problem, deadline, solution_limit, seed)
    futures, starts = search.submit_others(
        executor if pool is None else pool, others, starts, late_starts
    )
    late: list[str] = []
    try:
        results: list[RoutingResult | None] = [
            search.first(members[0], starts, on_solution, repair)
        ]
        results += _collected(others, futures, deadline, solution_limit, late)
    finally:
        if pool is not None:
            pool.shutdown(wait=not late, cancel_futures=True)
    return results


@dataclass(frozen=True)
class _MemberSearch:
    """What every member of one portfolio searches: the model, its deadline
    (``time.time()``, s), solution limit and seed."""

    problem: RoutingProblem
    job_problem: RoutingProblem | None
    deadline: float
    solution_limit: int | None
    seed: int

    def problem_of(self, member: SearchMember) -> RoutingProblem:
        """The bundled model, or the job-by-job one for a member not ``bundled``, with
        the member's :attr:`SearchMember.empty_before_refill`."""
        problem = self.problem if member.bundled or self.job_problem is None else self.job_problem
        if member.empty_before_refill and not problem.empty_before_pickup:
            return replace(problem, empty_before_pickup=True)
        return problem

    def submit_others(
        self,
        target: Executor | None,
        others: list[SearchMember],
        starts: dict[str, list[list[int]] | None],
        late_starts: Callable[[], dict[str, list[list[int]] | None]] | None,
    ) -> tuple[dict[int, Future[RoutingResult | None]], dict[str, list[list[int]] | None]]:
        """The members after the first sent to ``target``; the starts, with the late ones.

        Members whose start is ready go first; then ``late_starts`` are built here while
        those search, and the members waiting for them follow. Returns the futures by
        position in ``others``.
        """
        ready = [m.start_key in starts or m.start == "none" or late_starts is None for m in others]
        futures: dict[int, Future[RoutingResult | None]] = {}
        for k, m in enumerate(others):
            if ready[k] and target is not None:
                futures[k] = self._submit(target, m, starts)
        if late_starts is not None:
            starts = {**starts, **late_starts()}
        for k, m in enumerate(others):
            if not ready[k] and target is not None:
                futures[k] = self._submit(target, m, starts)
        return futures, starts

    def _submit(
        self, target: Executor, member: SearchMember, starts: dict[str, list[list[int]] | None]
    ) -> Future[RoutingResult | None]:
        return target.submit(
            solve_member,
            self.problem_of(member),
            starts,
            member,
            self.deadline,
            self.solution_limit,
            self.seed,
        )

    def first(
        self,
        member: SearchMember,
        starts: dict[str, list[list[int]] | None],
        on_solution: SolutionCallback | None,
        repair: Callable[[RoutingResult], list[list[int]] | None] | None,
    ) -> RoutingResult:
        """The first member's search, here (it reports progress; only it can repair)."""
        if member.repair_share > 0 and repair is not None:
            return _repaired_search(
                self.problem_of(member),
                starts,
                member,
                self.deadline,
                self.solution_limit,
                self.seed,
                on_solution,
                repair,
            )
        return solve_routing(
            self.problem_of(member),
            time_limit_s=max(MIN_MEMBER_S, self.deadline - time.time()),
            solution_limit=self.solution_limit,
            first_solution=member.first_solution,
            metaheuristic=member.metaheuristic,
            initial_routes=starts.get(member.start_key),
            on_solution=on_solution,
            operator_bandit=member.operator_bandit,
            engine=member.engine,
            seed=self.seed,
            snapshots=SNAPSHOTS,
        )


def _collected(
    others: list[SearchMember],
    futures: dict[int, Future[RoutingResult | None]],
    deadline: float,
    solution_limit: int | None,
    late: list[str],
) -> list[RoutingResult | None]:
    """The other members' results, in order; ``None`` for one that failed or (without a
    ``solution_limit``) was not back :data:`GRACE_S` after ``deadline`` (``time.time()``,
    s), whose name is then added to ``late`` as soon as it is known."""
    results: list[RoutingResult | None] = []
    for member, future in zip(others, [futures[k] for k in range(len(others))], strict=True):
        wait = None if solution_limit is not None else max(0.0, deadline - time.time())
        try:
            results.append(future.result(timeout=None if wait is None else wait + GRACE_S))
        except TimeoutError:
            log.warning("search member %s was not back in time; left out", member.name)
            results.append(None)
            late.append(member.name)
        except (BrokenProcessPool, OSError) as exc:
            log.warning("search member %s failed (%s); left out", member.name, exc)
            results.append(None)
    return results


def _repaired_search(
    problem: RoutingProblem,
    starts: dict[str, list[list[int]] | None],
    member: SearchMember,
    deadline: float,
    solution_limit: int | None,
    seed: int,
    on_solution: SolutionCallback | None,
    repair: Callable[[RoutingResult], list[list[int]] | None],
) -> RoutingResult:
    """PyVRP on what it expresses, repaired by the caller, then OR-Tools on the full model.

    The OR-Tools search starts from the repaired routes; if there are none, or the
    model rejects them, from the member's ``start``.
    """
    left = deadline - time.time()
    relaxed = solve_routing(
        problem,
        time_limit_s=max(0.5, member.repair_share * left),
        engine="pyvrp",
        seed=seed,
        solution_limit=None if solution_limit is None else 10 * solution_limit,
    )
    start = repair(relaxed) if relaxed.objective is not None else None
    result = solve_routing(
        problem,
        time_limit_s=max(1.0, deadline - time.time()),
        solution_limit=solution_limit,
        first_solution=member.first_solution,
        metaheuristic=member.metaheuristic,
        initial_routes=start if start is not None else starts.get(member.start_key),
        on_solution=on_solution,
        operator_bandit=member.operator_bandit,
    )
    if start is not None and not result.initial_accepted:
        log.warning("repaired PyVRP routes rejected by the model; searched from scratch")
    return result
