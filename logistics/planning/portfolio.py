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
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from logistics.planning.routing import RoutingProblem, RoutingResult, solve_routing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchMember:
    """One search configuration of the portfolio.

    Attributes
    ----------
    name : str
        Short name (reported in the solver status).
    first_solution, metaheuristic : str
        OR-Tools strategy names.
    operator_bandit : bool
        OR-Tools' multi-armed-bandit choice of local-search operators.
    use_start : bool
        Start from the given routes (the dispatcher's plan) rather than from scratch.
    engine : str
        Routing-core engine (see :func:`logistics.planning.routing.solve_routing`).
    """

    name: str
    first_solution: str = "LOCAL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    operator_bandit: bool = False
    use_start: bool = True
    engine: str = "ortools"


#: Members the planner knows, by name.
MEMBERS: dict[str, SearchMember] = {
    m.name: m
    for m in (
        SearchMember("gls"),
        SearchMember("gls-scratch", use_start=False),
        SearchMember("gls-parallel", first_solution="PARALLEL_CHEAPEST_INSERTION", use_start=False),
        SearchMember("gls-bandit", operator_bandit=True),
        SearchMember("sa", metaheuristic="SIMULATED_ANNEALING"),
        SearchMember("tabu", metaheuristic="TABU_SEARCH"),
    )
}

#: Members used, in order, when a day is routed in one model: as many as there are
#: workers (the first alone with one worker).
DEFAULT_PORTFOLIO: tuple[str, ...] = ("gls", "gls-scratch")


def members_for(names: Sequence[str] | None, workers: int) -> list[SearchMember]:
    """The members to run: ``names`` (default :data:`DEFAULT_PORTFOLIO`), at most ``workers``.

    Raises
    ------
    ValueError
        For an unknown member name.
    """
    wanted = list(names) if names else list(DEFAULT_PORTFOLIO)
    unknown = [n for n in wanted if n not in MEMBERS]
    if unknown:
        raise ValueError(f"unknown search members {unknown}; known: {sorted(MEMBERS)}")
    return [MEMBERS[n] for n in wanted[: max(1, workers)]]


def solve_member(
    problem: RoutingProblem,
    initial: list[list[int]] | None,
    member: SearchMember,
    deadline: float,
    solution_limit: int | None = None,
    seed: int = 0,
    on_solution: Callable[[float, int], None] | None = None,
) -> RoutingResult:
    """Search ``problem`` with one member's configuration until ``deadline`` (``time.time()``).

    A top-level function, so an executor can pickle it.
    """
    return solve_routing(
        problem,
        time_limit_s=max(1.0, deadline - time.time()),
        solution_limit=solution_limit,
        first_solution=member.first_solution,
        metaheuristic=member.metaheuristic,
        initial_routes=initial if member.use_start else None,
        on_solution=on_solution,
        operator_bandit=member.operator_bandit,
        engine=member.engine,
        seed=seed,
    )


def run_portfolio(
    problem: RoutingProblem,
    initial: list[list[int]] | None,
    members: Sequence[SearchMember],
    *,
    time_limit_s: float,
    executor: Executor | None = None,
    solution_limit: int | None = None,
    seed: int = 0,
    on_solution: Callable[[float, int], None] | None = None,
) -> list[RoutingResult]:
    """Search one problem with every member at once; one result per member, in order.

    Parameters
    ----------
    problem : RoutingProblem
        The day's model (plain data, pickled to the other processes).
    initial : list of list of int, optional
        Starting routes (node lists per vehicle) for members that use a start.
    members : sequence of SearchMember
        The configurations; the first runs here, the others on ``executor``.
    time_limit_s : float
        Wall-clock limit for every member, seconds (they share one deadline).
    executor : concurrent.futures.Executor, optional
        Where the other members run; default a spawned process pool of their number.
    solution_limit : int, optional
        Deterministic search: each member stops after this many solutions.
    seed : int
        Engine seed for members whose engine uses one.
    on_solution : callable, optional
        Progress of the first member, ``(seconds, objective)``.

    Returns
    -------
    list of RoutingResult
        A member whose process failed is searched again here after the first one (in
        what is left of the limit, at least a second).
    """
    deadline = time.time() + time_limit_s
    others = list(members[1:])
    pool: ProcessPoolExecutor | None = None
    futures: list[Future[RoutingResult]] = []
    if others:
        target = executor
        if target is None:
            pool = ProcessPoolExecutor(
                max_workers=len(others), mp_context=multiprocessing.get_context("spawn")
            )
            target = pool
        futures = [
            target.submit(solve_member, problem, initial, m, deadline, solution_limit, seed)
            for m in others
        ]
    try:
        results = [
            solve_member(problem, initial, members[0], deadline, solution_limit, seed, on_solution)
        ]
        for member, future in zip(others, futures, strict=True):
            try:
                results.append(future.result())
            except (BrokenProcessPool, OSError) as exc:
                log.warning("search member %s failed (%s); searching it here", member.name, exc)
                results.append(
                    solve_member(problem, initial, member, time.time() + 1.0, solution_limit, seed)
                )
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return results
