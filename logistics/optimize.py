"""The optimiser: ladle jobs as a pickup-and-delivery problem for :mod:`routing_core`.

Each assigned job becomes a *fill* node at its smelter (service ``fill_min``, window from
its production release to its latest fill start) and a *pour* node at its caster
(service ``unload_min``, window ``[earliest_pour, latest_pour]``), paired on one truck
with the hold limit as ride limit. Trucks start and end at their home smelter within
their shift, carry ``ladles`` ladles and fill at one smelter per trip
(``pickup_groups``). "Return empty before refilling" is enforced when routes are cut
into trips (:func:`_cut_routes`): posting it in the model (``empty_before_pickup``)
made the first solution 28× slower on the Pearl River Delta day (23.9 s against 0.84 s
for 780 nodes, ortools 9.15, 2 cores). The objective, in fen (0.01 CNY):
truck-km × ``cost_per_km`` + truck-minutes × ``cost_per_h``/60 + the penalty of every
job left out (:func:`logistics.prices.unserved_penalty_per_t` × tonnes).

The routes found are re-timed by :mod:`logistics.schedule` (fill bays, late fills,
tap temperatures), so the optimiser decides *who carries what in which order*.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from logistics.assign import Assignment
from logistics.decompose import TARGET_JOBS, bins_for_workers, partition_day
from logistics.jobs import Job, ceil_minutes
from logistics.model import Network
from logistics.prices import unserved_penalty_per_t
from logistics.routing_core import (
    DELIVERY,
    PICKUP,
    Node,
    Pair,
    RoutingProblem,
    RoutingResult,
    Vehicle,
    solve_routing,
)
from logistics.schedule import ScheduleContext, TruckState
from logistics.thermal import max_hold_h

log = logging.getLogger(__name__)

#: Objective unit: fen per 0.1 road km and fen per minute.
KM_UNIT = 0.1
FEN = 100


@dataclass(frozen=True)
class TruckRoute:
    """A truck's trips as the optimiser ordered them: ``(smelter_id, jobs, planned_fill)``."""

    truck_id: str
    trips: tuple[tuple[str, tuple[Job, ...], int], ...]


def build_problem(
    ctx: ScheduleContext,
    assignments: tuple[Assignment, ...],
    states: dict[str, TruckState],
) -> tuple[RoutingProblem, list[str], list[Assignment]]:
    """The routing problem of a day, the truck id of each vehicle, the job of each pair."""
    network: Network = ctx.network
    travel = ctx.travel
    params = network.params
    time_m = np.vectorize(ceil_minutes, otypes=[np.int64])(travel.minutes)
    np.fill_diagonal(time_m, 0)
    dist_m = np.rint(np.nan_to_num(travel.km, posinf=1e6) / KM_UNIT).astype(np.int64)
    truck_ids = list(states)
    trucks = [states[t].truck for t in truck_ids]
    horizon = int(network.minutes(network.horizon_end)) + 24 * 60
    penalty_t = unserved_penalty_per_t(params) * FEN
    ambient = params.thermal.ambient_c

    vehicles = []
    for truck_id in truck_ids:
        state = states[truck_id]
        truck = state.truck
        vehicles.append(
            Vehicle(
                start_location=state.location,
                end_location=travel.smelter(truck.home_smelter),
                capacity=truck.ladles,
                earliest_start=max(0, state.ready),
                latest_end=int(network.minutes(truck.shift_end)),
                cost_per_distance=round(network.truck_cost_per_km(truck) * KM_UNIT * FEN),
                cost_per_time=round(network.truck_cost_per_h(truck) / 60.0 * FEN),
            )
        )
    group_of = {s.smelter_id: i for i, s in enumerate(network.smelters)}
    nodes: list[Node] = []
    pairs: list[Pair] = []
    pair_assignments: list[Assignment] = []
    for a in assignments:
        job = a.job
        smelter = network.smelter_by_id[a.source.smelter_id]
        caster = network.caster_by_id[job.caster_id]
        prod = network.production_by_key[(a.source.smelter_id, job.alloy)]
        fill_min = ceil_minutes(smelter.fill_min)
        fill_lo = max(0, a.release, int(np.ceil(network.minutes(smelter.open))))
        fill_hi = min(a.source.latest_fill_start, job.latest_pour - a.source.travel_min - fill_min)
        if fill_hi < fill_lo:
            continue
        limits = {
            k: int(max_hold_h(prod.tap_max_c, job.required_c, t.tau_h, ambient) * 60)
            for k, t in enumerate(trucks)
        }
        allowed = tuple(k for k, lim in limits.items() if lim >= a.source.travel_min)
        if not allowed:
            continue
        ride = min(limits[k] for k in allowed) + fill_min
        p = len(nodes)
        nodes.append(
            Node(
                location=travel.smelter(a.source.smelter_id),
                service=fill_min,
                earliest=fill_lo,
                latest=fill_hi,
                demand=1,
                kind=PICKUP,
                group=group_of[a.source.smelter_id],
            )
        )
        nodes.append(
            Node(
                location=travel.caster(job.caster_id),
                service=ceil_minutes(caster.unload_min),
                earliest=max(0, job.earliest_pour),
                latest=job.latest_pour,
                demand=-1,
                kind=DELIVERY,
            )
        )
        pairs.append(
            Pair(
                pickup=p,
                delivery=p + 1,
                max_ride=min(ride, horizon),
                penalty=int(penalty_t * job.tonnes),
                vehicles=None if len(allowed) == len(trucks) else allowed,
            )
        )
        pair_assignments.append(a)
    problem = RoutingProblem(
        nodes=tuple(nodes),
        vehicles=tuple(vehicles),
        time=time_m,
        distance=dist_m,
        pairs=tuple(pairs),
        pickup_groups=True,
        empty_before_pickup=False,
        horizon=horizon,
    )
    return problem, truck_ids, pair_assignments


def _cut_routes(
    problem: RoutingProblem,
    result: RoutingResult,
    truck_ids: list[str],
    pair_assignments: list[Assignment],
) -> list[TruckRoute]:
    """Cut each vehicle's sequence into trips: a block of fills and the pours of *those* fills.

    The routing model does not forbid a truck from refilling while a ladle is still
    aboard (the exact constraint made first solutions ~28× slower, see module notes);
    here each fill block becomes its own trip whose ladles are poured in route order
    before the next block, which is what spec §3.2 requires. The scheduler re-times it.
    """
    delivery_of = {p.pickup: p.delivery for p in problem.pairs}
    assignment_of = {p.pickup: a for p, a in zip(problem.pairs, pair_assignments, strict=True)}
    routes: list[TruckRoute] = []
    for v, route in enumerate(result.routes):
        position = {node: k for k, (node, _) in enumerate(route)}
        blocks: list[list[tuple[int, int]]] = []
        after_pour = True
        for node, start in route:
            kind = problem.nodes[node].kind
            if kind == PICKUP:
                if after_pour:
                    blocks.append([])
                blocks[-1].append((node, start))
                after_pour = False
            elif kind == DELIVERY:
                after_pour = True
        trips = []
        for block in blocks:
            pickups = sorted((p for p, _ in block), key=lambda p: position[delivery_of[p]])
            jobs = tuple(assignment_of[p].job for p in pickups)
            trips.append((assignment_of[block[0][0]].source.smelter_id, jobs, block[0][1]))
        if trips:
            routes.append(TruckRoute(truck_ids[v], tuple(trips)))
    return routes


def _solve_bin(
    tasks: list[tuple[RoutingProblem, list[list[int]] | None, int]], deadline: float
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
            solve_routing(problem, time_limit_s=max(1.0, left * share), initial_routes=initial)
        )
    return results


def _initial_routes(
    problem_pairs: tuple[Pair, ...],
    pair_assignments: list[Assignment],
    truck_ids: list[str],
    initial_trips: dict[str, list[list[str]]] | None,
) -> list[list[int]] | None:
    if initial_trips is None:
        return None
    pair_of_job = {a.job.job_id: p for p, a in zip(problem_pairs, pair_assignments, strict=True)}
    routes = []
    for truck_id in truck_ids:
        route: list[int] = []
        for trip in initial_trips.get(truck_id, []):
            pairs = [pair_of_job[j] for j in trip if j in pair_of_job]
            route += [p.pickup for p in pairs] + [p.delivery for p in pairs]
        routes.append(route)
    return routes


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
        else sum(r.objective for r in results),
        wall_s=wall_s,
        first_solution_s=max(firsts) if firsts else None,
        solutions=sum(r.solutions for r in results),
        initial_accepted=all(accepted) if accepted else None,
    )


def optimize(
    ctx: ScheduleContext,
    assignments: tuple[Assignment, ...],
    states: dict[str, TruckState],
    *,
    time_limit_s: float,
    on_solution: Callable[[float, int], None] | None = None,
    initial_trips: dict[str, list[list[str]]] | None = None,
    workers: int = 1,
    target_jobs: int = TARGET_JOBS,
) -> tuple[list[TruckRoute], RoutingResult, int]:
    """Route the assigned jobs with OR-Tools and cut the routes into trips.

    A day of more than ``target_jobs`` jobs is split into smelter clusters
    (:func:`logistics.decompose.partition_day`), each routed as its own model; with
    ``workers > 1`` the parts run in that many processes, each sharing the time limit
    among its parts in proportion to their jobs.

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
        Progress callback ``(seconds, objective)`` at each improving solution (a day
        routed in one model; the parts of a split day report nothing until they end).
    initial_trips : dict, optional
        ``truck_id -> [[job_id, ...] per trip]`` (pour order) to start the search from.
    workers : int
        Processes for the parts of a split day.
    target_jobs : int
        Most jobs routed in one model; a larger day is split.

    Returns
    -------
    (list of TruckRoute, RoutingResult, int)
        Trips per truck in route order; the routing result (status, objective,
        timings; summed over parts); the number of parts.
    """
    started = time.perf_counter()
    parts = partition_day(ctx.travel, assignments, states, initial_trips, target_jobs=target_jobs)
    parts = [p for p in parts if p.truck_ids]
    built = []
    for part in parts:
        problem, truck_ids, pair_assignments = build_problem(
            ctx, part.assignments, {t: states[t] for t in part.truck_ids}
        )
        if not pair_assignments:
            continue  # nothing routable here: its jobs are re-inserted after timing
        initial = _initial_routes(problem.pairs, pair_assignments, truck_ids, initial_trips)
        built.append((problem, truck_ids, pair_assignments, initial))
    remaining = max(1.0, time_limit_s - (time.perf_counter() - started))
    results: list[RoutingResult | None] = [None] * len(built)
    if len(built) == 1:
        problem, _, _, initial = built[0]
        results[0] = solve_routing(
            problem, time_limit_s=remaining, on_solution=on_solution, initial_routes=initial
        )
    elif built:
        sizes = [len(b[2]) for b in built]
        bins = bins_for_workers(sizes, workers)
        tasks = [[(built[i][0], built[i][3], sizes[i]) for i in b] for b in bins]
        deadline = time.time() + remaining
        outputs = None
        if len(bins) > 1:
            context = multiprocessing.get_context("spawn")
            try:
                with ProcessPoolExecutor(max_workers=len(bins), mp_context=context) as pool:
                    outputs = list(pool.map(_solve_bin, tasks, [deadline] * len(tasks)))
            except BrokenProcessPool:
                # A worker died (out of memory, or a calling script without the
                # ``if __name__ == "__main__":`` guard that ``spawn`` needs): route the
                # parts here, one after another, in the time that is left.
                log.warning("worker processes failed; routing the parts in this process")
                deadline = max(deadline, time.time() + len(built))
        if outputs is None:
            outputs = [_solve_bin([t for task in tasks for t in task], deadline)]
            bins = [[i for b in bins for i in b]]
        for b, out in zip(bins, outputs, strict=True):
            for i, result in zip(b, out, strict=True):
                results[i] = result
    routes: list[TruckRoute] = []
    for (problem, truck_ids, pair_assignments, _), result in zip(built, results, strict=True):
        assert result is not None
        routes += _cut_routes(problem, result, truck_ids, pair_assignments)
    merged = _merge_results([r for r in results if r is not None], time.perf_counter() - started)
    return routes, merged, len(built)
