"""Search a built routing model within a deadline and read the best routes found.

Local cheapest insertion, then guided local search (measured best on ladle days); a
search may start from given routes (the dispatcher's plan). The status is read, never
the truthiness of the assignment: when the limit hits before a first solution OR-Tools
still returns an assignment with every job dropped. The whole call — model build, a
start from given routes and, if those are rejected, a search from scratch — shares one
time limit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from logistics.planning.routing.model import BuiltModel, build_model
from logistics.planning.routing.problem import RoutingProblem, RoutingResult
from logistics.planning.routing.pyvrp_engine import solve_pyvrp
from logistics.planning.routing.pyvrp_trips import solve_pyvrp_trips

log = logging.getLogger(__name__)

_STATUS = {
    0: "not_solved",
    1: "success",
    2: "partial_success_time_limit",
    3: "fail",
    4: "fail_timeout",
    5: "invalid",
    6: "infeasible",
    7: "optimal",
}
#: Statuses that come with a usable assignment.
_SOLVED = (1, 2, 7)
#: Engines :func:`solve_routing` can use.
ENGINES = ("ortools", "pyvrp", "pyvrp+ortools", "pyvrp-trips", "pyvrp-trips+ortools")
#: PyVRP iterations of the ``pyvrp-trips`` engine per solution of a ``solution_limit``
#: (deterministic mode): OR-Tools counts improving solutions, PyVRP iterations, of which
#: it makes thousands a second on a small day.
TRIPS_ITERATIONS_PER_SOLUTION = 200
#: Pseudo metaheuristic name: OR-Tools' iterated local search (``use_iterated_local_search``
#: with a ruin-and-recreate perturbation by string removals (SISR: strings of up to 10
#: visits, 10 removed on average) and simulated-annealing acceptance),
#: greedy descent between perturbations.
ITERATED_LOCAL_SEARCH = "ITERATED_LOCAL_SEARCH"
#: Least time given to a search, seconds (OR-Tools needs some to find anything).
MIN_SEARCH_S = 0.5


def search_parameters(
    *,
    time_limit_s: float,
    solution_limit: int | None,
    first_solution: str,
    metaheuristic: str,
    operator_bandit: bool,
) -> pywrapcp.DefaultRoutingSearchParameters:
    """OR-Tools search parameters for one search."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, first_solution
    )
    if metaheuristic == ITERATED_LOCAL_SEARCH:
        params.use_iterated_local_search = True  # ruin and recreate, then descend
        ruin = params.iterated_local_search_parameters.ruin_recreate_parameters
        sisr = ruin.ruin_strategies.add().sisr  # slack induction by string removals
        sisr.max_removed_sequence_size, sisr.avg_num_removed_visits = 10, 10
        sisr.bypass_factor = 0.01
        metaheuristic = "GREEDY_DESCENT"
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, metaheuristic
    )
    params.use_multi_armed_bandit_concatenate_operators = operator_bandit
    params.time_limit.FromMilliseconds(int(max(MIN_SEARCH_S, time_limit_s) * 1000))
    if solution_limit is not None:
        params.solution_limit = int(solution_limit)
    return params


def extract_routes(
    built: BuiltModel, solution: pywrapcp.Assignment | None
) -> tuple[list[list[tuple[int, int]]], list[int], int | None]:
    """Routes ``[(node, start_of_service), ...]`` per vehicle, dropped nodes, objective."""
    routing, manager = built.routing, built.manager
    n_veh = routing.vehicles()
    routes: list[list[tuple[int, int]]] = [[] for _ in range(n_veh)]
    if solution is None or routing.status() not in _SOLVED:
        return routes, list(range(built.n_nodes)), None
    visited = set()
    for v in range(n_veh):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            visited.add(node)
            routes[v].append((node, solution.Min(built.time_dim.CumulVar(index))))
            index = solution.Value(routing.NextVar(index))
    dropped = [n for n in range(built.n_nodes) if n not in visited]
    return routes, dropped, solution.ObjectiveValue()


def current_routes(built: BuiltModel) -> list[list[tuple[int, int]]]:
    """Routes of the solution the search is at (inside an at-solution callback)."""
    routing, manager = built.routing, built.manager
    routes: list[list[tuple[int, int]]] = []
    for v in range(routing.vehicles()):
        route = []
        index = routing.NextVar(routing.Start(v)).Value()
        while not routing.IsEnd(index):
            route.append((manager.IndexToNode(index), built.time_dim.CumulVar(index).Min()))
            index = routing.NextVar(index).Value()
        routes.append(route)
    return routes


#: Called at improving solutions with ``(seconds, objective, jobs_placed, jobs)``: the
#: search's elapsed time (s), objective (the model's units: fen) and how many of its
#: jobs (pickup-and-delivery pairs) the solution performs, of how many.
SolutionCallback = Callable[[float, int, int, int], None]

#: Jobs placed are counted at most this often (s): counting reads every delivery node.
_COUNT_EVERY_S = 1.0


class _SolutionRecorder:
    """At each improving solution: its time and objective, and some earlier routes.

    Earlier solutions are kept by their number among the improving ones: every
    ``step``-th is kept, and ``step`` doubles whenever more than ``snapshots`` are kept,
    so the kept ones depend only on the search's path, not on the machine's speed.
    """

    def __init__(
        self,
        built: BuiltModel,
        started: float,
        on_solution: SolutionCallback | None,
        snapshots: int,
        deliveries: Sequence[int] = (),
    ) -> None:
        self.built = built
        self.deliveries = [built.manager.NodeToIndex(d) for d in deliveries]
        self.placed = 0
        self.counted_at = -_COUNT_EVERY_S
        self.started = started
        self.on_solution = on_solution
        self.snapshots = snapshots
        self.progress: list[tuple[float, int]] = []
        self.kept: dict[int, list[list[tuple[int, int]]]] = {}
        self.kept_values: dict[int, int] = {}
        self.step = 1

    def __call__(self) -> None:
        """Record the solution the search is at, if it improves on the last one."""
        value = self.built.routing.CostVar().Max()
        elapsed = time.perf_counter() - self.started
        if self.progress and value >= self.progress[-1][1]:
            return
        self.progress.append((elapsed, value))
        if self.on_solution is not None:
            if elapsed - self.counted_at >= _COUNT_EVERY_S:
                self.counted_at = elapsed
                self.placed = self._placed()
            self.on_solution(elapsed, value, self.placed, len(self.deliveries))
        number = len(self.progress)
        if self.snapshots <= 0 or number % self.step:
            return
        self.kept[number] = current_routes(self.built)
        self.kept_values[number] = value
        if len(self.kept) > self.snapshots:
            self.step *= 2
            for old in [n for n in self.kept if n % self.step]:
                del self.kept[old]
                del self.kept_values[old]

    def _placed(self) -> int:
        """How many jobs the solution the search is at performs."""
        routing = self.built.routing
        return sum(1 for i in self.deliveries if routing.NextVar(i).Value() != i)

    def kept_routes(self) -> list[list[list[tuple[int, int]]]]:
        """The earlier solutions kept, oldest first."""
        return [self.kept[n] for n in sorted(self.kept)]

    def kept_objectives(self) -> list[int]:
        """The objectives of :meth:`kept_routes`, in the same order (the model's units)."""
        return [self.kept_values[n] for n in sorted(self.kept)]


def _search(
    built: BuiltModel,
    params_until_deadline: Callable[[], pywrapcp.DefaultRoutingSearchParameters],
    initial_routes: Sequence[Sequence[int]] | None,
    deadline: float,
) -> tuple[pywrapcp.Assignment | None, bool | None]:
    """Close the model and search: from the initial routes if the model accepts them, else
    from scratch (when there is time left). Returns the solution and whether the initial
    routes were accepted (``None``: none given).

    The initial routes are restored by a search stopped at its first solution
    (:func:`_restored`), not read through ``ReadAssignmentFromRoutes``: that one fixes
    every cumul and slack by a search of its own, which took 18–21 s of a 30-s re-plan
    on a sample day before the search began (the restoring search: a tenth of a
    second). The search's time limit is taken once they are restored, so the deadline
    holds.
    """
    routing, manager = built.routing, built.manager
    solution = None
    initial_accepted = None
    routing.CloseModelWithParameters(params_until_deadline())
    if initial_routes is not None:
        indices = [[manager.NodeToIndex(n) for n in r] for r in initial_routes]
        initial = _restored(routing, indices, params_until_deadline)
        initial_accepted = initial is not None
        if initial is not None:
            solution = routing.SolveFromAssignmentWithParameters(initial, params_until_deadline())
        else:
            log.warning("initial routes rejected by the model; searching from scratch")
    time_left = deadline - time.perf_counter() >= MIN_SEARCH_S
    if solution is None and (initial_routes is None or time_left):
        # (a rejected start's restoring search may have ended in success: other routes)
        solution = routing.SolveWithParameters(params_until_deadline())
    return solution, initial_accepted


#: Share of the time left the restoring of the initial routes may take (at least
#: :data:`MIN_SEARCH_S`): a start the model rejects is then searched from scratch.
RESTORE_SHARE = 0.1


def _restored(
    routing: pywrapcp.RoutingModel,
    indices: Sequence[Sequence[int]],
    params_until_deadline: Callable[[], pywrapcp.DefaultRoutingSearchParameters],
) -> pywrapcp.Assignment | None:
    """The initial routes (routing indices per vehicle) as a solution of the model, or
    None where it rejects them.

    ``RoutesToAssignment`` sets each vehicle's next stops and checks only their
    structure; a search stopped at its first solution then restores them with every
    rule of the model. Where they break a rule (a load, a window, a ride limit) that
    search finds other routes, or none within its short limit: either way the start is
    rejected, as ``ReadAssignmentFromRoutes`` rejects it, so that the search proper
    starts from scratch with the time left instead of spending it on a broken start.
    """
    assignment = routing.solver().Assignment()
    if not routing.RoutesToAssignment(indices, True, True, assignment):
        return None
    params = params_until_deadline()
    left_s = params.time_limit.seconds + params.time_limit.nanos / 1e9
    params.time_limit.FromMilliseconds(int(max(MIN_SEARCH_S, RESTORE_SHARE * left_s) * 1000))
    params.solution_limit = 1
    restored = routing.SolveFromAssignmentWithParameters(assignment, params)
    if restored is None or _routes_of(routing, restored) != _active(routing, indices):
        return None
    return restored


def _routes_of(routing: pywrapcp.RoutingModel, solution: pywrapcp.Assignment) -> list[list[int]]:
    """Each vehicle's route in a solution, routing indices without start and end."""
    routes = []
    for v in range(routing.vehicles()):
        route, index = [], solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            route.append(index)
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    return routes


def _active(routing: pywrapcp.RoutingModel, indices: Sequence[Sequence[int]]) -> list[list[int]]:
    """The given routes as the model may keep them: per vehicle, the indices it may
    visit (``RoutesToAssignment`` skips those it has deactivated), empty for vehicles
    without a route."""
    given = [[i for i in route if routing.ActiveVar(i).Max() == 1] for route in indices]
    return [*given, *([] for _ in range(routing.vehicles() - len(given)))]


def _status(routing: pywrapcp.RoutingModel, solution_limit: int | None, deadline: float) -> str:
    """The search's status by name; a stop at the solution limit is told apart."""
    status = _STATUS.get(routing.status(), str(routing.status()))
    if (
        status == "partial_success_time_limit"
        and solution_limit is not None
        and time.perf_counter() < deadline - 0.05
    ):
        # OR-Tools reports a stop at the solution limit with the time limit's status.
        status = "partial_success_solution_limit"
    return status


@dataclass(frozen=True)
class _OrToolsSearch:
    """How OR-Tools searches: until ``deadline`` (``time.perf_counter()``), its strategies."""

    deadline: float
    solution_limit: int | None
    first_solution: str
    metaheuristic: str
    operator_bandit: bool

    def parameters(self) -> pywrapcp.DefaultRoutingSearchParameters:
        """Search parameters for the time left until the deadline."""
        return search_parameters(
            time_limit_s=self.deadline - time.perf_counter(),
            solution_limit=self.solution_limit,
            first_solution=self.first_solution,
            metaheuristic=self.metaheuristic,
            operator_bandit=self.operator_bandit,
        )


def _check_engine(engine: str) -> None:
    """Refuse an engine :data:`ENGINES` does not name."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {ENGINES}")


def _solve_pyvrp_first(
    problem: RoutingProblem,
    engine: str,
    time_limit_s: float,
    engine_share: float,
    seed: int,
    solution_limit: int | None,
) -> RoutingResult:
    """PyVRP's routes (``pyvrp-trips``: as a multi-trip VRP): the whole limit (and the
    solution limit as iterations) alone, else ``engine_share`` of the limit before
    OR-Tools."""
    alone = engine in ("pyvrp", "pyvrp-trips")
    trips = engine.startswith("pyvrp-trips")
    per_solution = TRIPS_ITERATIONS_PER_SOLUTION if trips else 1
    return (solve_pyvrp_trips if trips else solve_pyvrp)(
        problem,
        time_limit_s=time_limit_s if alone else engine_share * time_limit_s,
        seed=seed,
        max_iterations=None
        if solution_limit is None or not alone
        else per_solution * solution_limit,
    )


def _start_routes(
    first: RoutingResult, initial_routes: Sequence[Sequence[int]] | None
) -> Sequence[Sequence[int]] | None:
    """OR-Tools starts from PyVRP's routes when it found any, else from the given ones."""
    if first.objective is not None:
        return [[n for n, _ in r] for r in first.routes]
    return initial_routes


def _solve_ortools(
    problem: RoutingProblem,
    search: _OrToolsSearch,
    initial_routes: Sequence[Sequence[int]] | None,
    started: float,
    on_solution: SolutionCallback | None,
    snapshots: int,
) -> RoutingResult:
    """Build the model, search until the deadline, read the routes (:func:`solve_routing`)."""
    built = build_model(problem)
    deliveries = [pair.delivery for pair in problem.pairs]
    recorder = _SolutionRecorder(built, started, on_solution, snapshots, deliveries)
    built.routing.AddAtSolutionCallback(recorder)
    solution, initial_accepted = _search(built, search.parameters, initial_routes, search.deadline)
    status = _status(built.routing, search.solution_limit, search.deadline)
    routes, dropped, objective = extract_routes(built, solution)
    wall = time.perf_counter() - started
    log.info(
        "routing: %d nodes, %d vehicles, status %s, objective %s, %d dropped, %.1f s",
        built.n_nodes,
        built.routing.vehicles(),
        status,
        objective,
        len(dropped),
        wall,
    )
    progress = recorder.progress
    return RoutingResult(
        routes=routes,
        dropped=dropped,
        status=status,
        objective=objective,
        wall_s=wall,
        first_solution_s=progress[0][0] if progress else None,
        solutions=len(progress),
        initial_accepted=initial_accepted,
        log=progress,
        snapshots=recorder.kept_routes(),
        snapshot_objectives=recorder.kept_objectives(),
    )


def solve_routing(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 30.0,
    solution_limit: int | None = None,
    first_solution: str = "LOCAL_CHEAPEST_INSERTION",
    metaheuristic: str = "GUIDED_LOCAL_SEARCH",
    initial_routes: Sequence[Sequence[int]] | None = None,
    on_solution: SolutionCallback | None = None,
    operator_bandit: bool = False,
    engine: str = "ortools",
    seed: int = 0,
    engine_share: float = 0.5,
    snapshots: int = 0,
) -> RoutingResult:
    """Solve a routing problem within a time limit and return the best routes found.

    Parameters
    ----------
    problem : RoutingProblem
        Nodes, vehicles, pairs and matrices.
    time_limit_s : float
        Wall-clock limit for the whole call (build and search), seconds.
    solution_limit : int, optional
        Stop after this many solutions: with a generous time limit the search is then
        deterministic (same problem, same routes), for tests and comparisons.
    first_solution, metaheuristic : str
        OR-Tools strategy names.
    initial_routes : sequence of sequences of int, optional
        Node lists per vehicle to start the search from (e.g. the greedy plan).
    on_solution : callable, optional
        Called with ``(seconds, objective, jobs_placed, jobs)`` at improving solutions
        (progress): :data:`SolutionCallback`.
    operator_bandit : bool
        OR-Tools' ``use_multi_armed_bandit_concatenate_operators``; off by default: Li &
        Lim at 30 s got better (mean gap 4.20 % → 0.78 %, 20 of 29 within 1 %), ladle days
        worse (``benchmarks/results/experiments-2026-11-21.md``).
    engine : str
        ``ortools`` (the full model); ``pyvrp`` (PyVRP alone: exact only where
        :func:`~.pyvrp_engine.relaxed_rules` is empty, e.g. VRPTW and PDPTW without
        ride limits); ``pyvrp+ortools`` (PyVRP for ``engine_share`` of the limit, then
        OR-Tools from its routes on the full model, from scratch if they are rejected);
        ``pyvrp-trips`` and ``pyvrp-trips+ortools`` the same with PyVRP's multi-trip
        model (:mod:`~.pyvrp_trips`: pickups as loads at depots, a route as trips).
    seed : int
        PyVRP's random seed (OR-Tools' search is deterministic for given parameters).
    engine_share : float
        Share of the limit PyVRP gets in ``pyvrp+ortools``.
    snapshots : int
        Earlier improving solutions kept besides the best (OR-Tools), at most this many:
        every ``step``-th, ``step`` doubling when more would be kept, so which are kept
        depends on the search's path, not the machine's speed; oldest first in
        :attr:`RoutingResult.snapshots`, for a caller whose real objective differs.

    Returns
    -------
    RoutingResult
        Routes with service start times, dropped nodes, status and statistics.
    """
    _check_engine(engine)
    started = time.perf_counter()
    if engine != "ortools":
        first = _solve_pyvrp_first(
            problem, engine, time_limit_s, engine_share, seed, solution_limit
        )
        if engine in ("pyvrp", "pyvrp-trips"):
            return first
        initial_routes = _start_routes(first, initial_routes)
    search = _OrToolsSearch(
        started + time_limit_s, solution_limit, first_solution, metaheuristic, operator_bandit
    )
    return _solve_ortools(problem, search, initial_routes, started, on_solution, snapshots)
