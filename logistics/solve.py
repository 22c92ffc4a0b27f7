"""The one public door of planning: ``solve(network, ...) -> Plan``.

Pipeline: orders → jobs (:mod:`jobs`) → smelter assignment with production release
times (:mod:`assign`) → routes (greedy dispatcher or OR-Tools, :mod:`greedy`,
:mod:`optimize`) → timed trips (:mod:`schedule`) → runs, unserved tonnes with their
reasons, and the summary KPIs. The OR-Tools search starts from the dispatcher's plan
(measured on the Pearl River Delta day at 60 s: route cost 202 k instead of 215 k CNY
against 253 k for the dispatcher; on the 1,000-run ladder day a search from scratch
ran out of time at 88 % of the tonnes, against 99.5 % now, split in two parts by
:mod:`logistics.decompose`), and the OR-Tools plan is never worse than the
dispatcher's by the objective: both are built and the cheaper one is kept (the status
says which).

Intraday re-planning uses the same door: ``fixed_runs`` are kept as they are (metal
already filled or on the road), their trucks continue from where those runs leave
them, and ``truck_starts`` moves a truck's start to a given place and time.
"""

from __future__ import annotations

import heapq
import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from logistics.assign import Assignment, assign_smelters
from logistics.decompose import TARGET_JOBS
from logistics.errors import PlanningError
from logistics.geo import TravelMatrix, travel_matrix
from logistics.greedy import greedy_plan
from logistics.jobs import (
    Job,
    JobBook,
    build_jobs,
    ceil_minutes,
)
from logistics.model import Network
from logistics.optimize import optimize
from logistics.plan import EXCLUDED_REASONS, UNSERVED_REASONS, Plan, Run, Unserved
from logistics.prices import superheat_cost_per_c_t, unserved_penalty_per_t
from logistics.schedule import (
    BayBook,
    ScheduleContext,
    TimedRun,
    TimedTrip,
    TruckState,
    commit_trip,
    initial_states,
    time_trip,
)

log = logging.getLogger(__name__)

SOLVERS = ("ortools", "greedy")


@dataclass(frozen=True)
class TruckStart:
    """Where and when a truck becomes available (intraday re-planning).

    ``site_kind`` is ``smelter`` or ``caster``; ``minute`` counts from the plan date's
    midnight.
    """

    truck_id: str
    site_kind: str
    site_id: str
    minute: int


ProgressCallback = Callable[[str, float], None]


def _route_cost_of(network: Network, travel: TravelMatrix, runs: Sequence[TimedRun]) -> dict:
    """Truck-km, truck-hours and their cost for timed runs (home → trips → home)."""
    by_truck: dict[str, list[TimedRun]] = defaultdict(list)
    for r in runs:
        by_truck[r.truck_id].append(r)
    km = hours = cost = 0.0
    for truck_id, truck_runs in by_truck.items():
        truck = network.truck_by_id[truck_id]
        home = travel.smelter(truck.home_smelter)
        truck_runs.sort(key=lambda r: (r.trip, r.pour_start))
        loc = home
        truck_km = 0.0
        start = None
        trip = None
        for r in truck_runs:
            s_idx = travel.smelter(r.smelter_id)
            c_idx = travel.caster(r.job.caster_id)
            if r.trip != trip:
                truck_km += float(travel.km[loc, s_idx])
                if start is None:
                    start = r.fill_start - ceil_minutes(float(travel.minutes[loc, s_idx]))
                loc, trip = s_idx, r.trip
            truck_km += float(travel.km[loc, c_idx])
            loc = c_idx
            end = r.pour_end
        truck_km += float(travel.km[loc, home])
        end += ceil_minutes(float(travel.minutes[loc, home]))
        truck_h = (end - start) / 60.0
        km += truck_km
        hours += truck_h
        cost += truck_km * network.truck_cost_per_km(truck) + truck_h * network.truck_cost_per_h(
            truck
        )
    return {
        "trucks_used": len(by_truck),
        "truck_km": round(km, 1),
        "truck_hours": round(hours, 2),
        "route_cost_cny": round(cost, 2),
    }


def _superheat_cny(network: Network, runs: Sequence[TimedRun]) -> float:
    rate = superheat_cost_per_c_t(network.params)
    total = 0.0
    for r in runs:
        prod = network.production_by_key[(r.smelter_id, r.job.alloy)]
        total += (r.tap_c - prod.tap_min_c) * r.job.tonnes * rate
    return total


def _schedule_routes(
    ctx: ScheduleContext,
    truck_trips: dict[str, list[tuple[str, tuple[Job, ...], int]]],
    states: dict[str, TruckState],
    bays: BayBook,
) -> tuple[list[TimedTrip], list[Job]]:
    """Time optimiser trips in order of planned start across trucks (fair bay booking)."""
    heap: list[tuple[int, str, int]] = []
    for truck_id, trips in truck_trips.items():
        if trips:
            heapq.heappush(heap, (trips[0][2], truck_id, 0))
    timed: list[TimedTrip] = []
    dropped: list[Job] = []
    while heap:
        _, truck_id, k = heapq.heappop(heap)
        smelter_id, jobs, _planned = truck_trips[truck_id][k]
        state = states[truck_id]
        trip, left = time_trip(ctx, state, smelter_id, jobs, bays, not_before=0)
        dropped.extend(left)
        if trip is not None:
            commit_trip(state, trip, bays)
            timed.append(trip)
        if k + 1 < len(truck_trips[truck_id]):
            heapq.heappush(heap, (truck_trips[truck_id][k + 1][2], truck_id, k + 1))
    return timed, dropped


def _reinsert(
    ctx: ScheduleContext,
    jobs: list[Job],
    assignment_of: dict[str, Assignment],
    states: dict[str, TruckState],
    bays: BayBook,
) -> tuple[list[TimedTrip], list[Job]]:
    """Give jobs the scheduler had to leave off a trip of their own on the truck done first.

    Ladles of one order from one smelter travel together (up to the truck's ladles);
    what does not fit that way is tried ladle by ladle.
    """
    trips: list[TimedTrip] = []
    left: list[Job] = []
    groups: dict[tuple[str, str], list[Job]] = defaultdict(list)
    for job in sorted(jobs, key=lambda j: (j.latest_pour, j.job_id)):
        groups[(job.order_id, assignment_of[job.job_id].source.smelter_id)].append(job)
    for (_, smelter_id), pending in groups.items():
        while pending:
            best = None
            for truck_id, state in states.items():
                chunk = tuple(pending[: state.truck.ladles])
                trip, _ = time_trip(ctx, state, smelter_id, chunk, bays)
                if trip is None:
                    continue
                key = (-len(trip.runs), trip.end_time)
                if best is None or key < best[0]:
                    best = (key, truck_id, trip)
            if best is None:
                left.append(pending.pop(0))
                continue
            _, truck_id, trip = best
            commit_trip(states[truck_id], trip, bays)
            trips.append(trip)
            placed = {r.job.job_id for r in trip.runs}
            pending = [j for j in pending if j.job_id not in placed]
    return trips, left


def _reason_for(
    job: Job,
    network: Network,
    assignment: Assignment | None,
    order_jobs: int,
) -> str:
    """Why a job that could in principle be served was not: production, cost or fleet."""
    if assignment is None:
        return "production"
    params = network.params
    truck = max(network.fleet, key=lambda t: t.ladles)
    source = assignment.source
    smelter = network.smelter_by_id[source.smelter_id]
    caster = network.caster_by_id[job.caster_id]
    shared = max(1, min(truck.ladles, order_jobs))
    trip_h = (2 * source.travel_min + shared * (smelter.fill_min + caster.unload_min)) / 60.0
    trip_cost = 2 * source.road_km * network.truck_cost_per_km(truck) + trip_h * (
        network.truck_cost_per_h(truck)
    )
    if trip_cost / shared > unserved_penalty_per_t(params) * job.tonnes:
        return "cost"
    return "fleet"


def _unserved_rows(
    network: Network,
    book: JobBook,
    not_served: list[Job],
    assignment_of: dict[str, Assignment],
) -> list[Unserved]:
    tonnes: dict[tuple[str, str], float] = defaultdict(float)
    jobs_per_order: dict[str, int] = defaultdict(int)
    for job in book.jobs:
        jobs_per_order[job.order_id] += 1
    for ex in book.excluded:
        tonnes[(ex.order_id, ex.reason)] += ex.tonnes
    for job in not_served:
        reason = _reason_for(
            job, network, assignment_of.get(job.job_id), jobs_per_order[job.order_id]
        )
        tonnes[(job.order_id, reason)] += job.tonnes
    rows = []
    for (order_id, reason), t in sorted(
        tonnes.items(), key=lambda kv: (kv[0][0], UNSERVED_REASONS.index(kv[0][1]))
    ):
        order = network.order_by_id[order_id]
        rows.append(Unserved(order_id, order.caster_id, order.alloy, round(t, 6), reason))
    return rows


def _to_runs(network: Network, trips: Sequence[TimedTrip], fixed: Sequence[Run]) -> list[Run]:
    timed = sorted(
        (r for t in trips for r in t.runs), key=lambda r: (r.truck_id, r.trip, r.pour_start)
    )
    runs = list(fixed)
    at = network.at
    for r in timed:
        runs.append(
            Run(
                run_id="",
                truck_id=r.truck_id,
                trip=r.trip,
                order_id=r.job.order_id,
                smelter_id=r.smelter_id,
                caster_id=r.job.caster_id,
                alloy=r.job.alloy,
                tonnes=r.job.tonnes,
                fill_start=at(r.fill_start),
                fill_end=at(r.fill_end),
                depart=at(r.depart),
                arrive=at(r.arrive),
                pour_start=at(r.pour_start),
                pour_end=at(r.pour_end),
                tap_c=r.tap_c,
                arrival_c=r.arrival_c,
                road_km=round(r.road_km, 3),
            )
        )
    runs.sort(key=lambda r: (r.truck_id, r.trip, r.pour_start))
    taken = {r.run_id for r in fixed}
    width = max(4, len(str(len(runs))))
    numbered: list[Run] = []
    counter = 0
    for r in runs:
        if not r.run_id:
            counter += 1
            while f"R{counter:0{width}d}" in taken:
                counter += 1
            r = _with_id(r, f"R{counter:0{width}d}")
        numbered.append(r)
    return numbered


def _with_id(run: Run, run_id: str) -> Run:
    return replace(run, run_id=run_id)


def solve(
    network: Network,
    *,
    solver: str = "ortools",
    time_limit_s: float = 60.0,
    fixed_runs: Sequence[Run] = (),
    truck_starts: Sequence[TruckStart] = (),
    progress: ProgressCallback | None = None,
    workers: int = 1,
    part_jobs: int = TARGET_JOBS,
) -> Plan:
    """Plan one day of a network.

    Parameters
    ----------
    network : Network
        The validated network (its ``day_orders`` are planned).
    solver : {"ortools", "greedy"}
        The optimiser, or the dispatcher's baseline.
    time_limit_s : float
        Wall-clock limit for the optimiser's search, seconds; the best plan found by
        then is returned with the solver status.
    fixed_runs : sequence of Run
        Runs kept exactly as they are (intraday re-planning).
    truck_starts : sequence of TruckStart
        Trucks that become available at another place or time than shift start at home.
    progress : callable, optional
        ``progress(stage, value)`` for the CLI/app: stages ``jobs``, ``assign``,
        ``search`` (value = seconds elapsed), ``done``.
    workers : int
        Processes for a large day split into smelter clusters
        (:mod:`logistics.decompose`); a day routed in one model uses one core. The
        processes are started with ``spawn``: a script calling this with
        ``workers > 1`` needs the ``if __name__ == "__main__":`` guard (without it the
        parts are routed in this process, one after another).
    part_jobs : int
        Most jobs routed in one model; a larger day is split into smelter clusters.

    Returns
    -------
    Plan
        Runs, unserved tonnes with reasons, solver statistics and summary KPIs.

    Raises
    ------
    PlanningError
        If no plan can be made at all (no trucks, no sites).
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; use one of {SOLVERS}")
    started = time.perf_counter()
    if not network.fleet or not network.smelters:
        raise PlanningError("the network has no trucks or no smelters")
    notify = progress or (lambda stage, value: None)
    travel = travel_matrix(network)
    notify("jobs", 0.0)
    book = build_jobs(network, travel)

    delivered_fixed: dict[str, float] = defaultdict(float)
    used_t: dict[tuple[str, str], float] = defaultdict(float)
    for r in fixed_runs:
        delivered_fixed[r.order_id] += r.tonnes
        used_t[(r.smelter_id, r.alloy)] += r.tonnes
    jobs = _jobs_after_fixed(book.jobs, delivered_fixed)

    notify("assign", time.perf_counter() - started)
    assignment = assign_smelters(network, jobs, used_t)
    assignment_of = {a.job.job_id: a for a in assignment.assigned}
    ctx = ScheduleContext(network, travel, {a.job.job_id: a.release for a in assignment.assigned})

    def fresh_states() -> tuple[dict[str, TruckState], BayBook]:
        states = initial_states(network, travel)
        bays = BayBook({s.smelter_id: s.fill_bays for s in network.smelters})
        _apply_fixed(network, travel, states, bays, fixed_runs, truck_starts)
        return states, bays

    states, bays = fresh_states()
    greedy_trips, greedy_left = greedy_plan(ctx, assignment.assigned, states, bays)
    greedy_runs = [r for t in greedy_trips for r in t.runs]
    stats: dict = {"name": solver, "time_limit_s": time_limit_s}
    chosen_trips, left = greedy_trips, greedy_left
    if solver == "greedy":
        stats["status"] = "greedy"
    else:
        states, bays = fresh_states()

        def on_solution(seconds: float, objective: int) -> None:
            notify("search", seconds)

        budget = max(1.0, time_limit_s - (time.perf_counter() - started))
        notify("search", time.perf_counter() - started)
        routes, result, parts = optimize(
            ctx,
            assignment.assigned,
            states,
            time_limit_s=budget,
            on_solution=on_solution,
            initial_trips=_trips_by_truck(greedy_trips),
            workers=workers,
            target_jobs=part_jobs,
        )
        truck_trips = {r.truck_id: list(r.trips) for r in routes}
        opt_trips, dropped = _schedule_routes(ctx, truck_trips, states, bays)
        served = {r.job.job_id for t in opt_trips for r in t.runs}
        missing = [a.job for a in assignment.assigned if a.job.job_id not in served]
        extra, left_opt = _reinsert(ctx, missing, assignment_of, states, bays)
        opt_trips += extra
        opt_runs = [r for t in opt_trips for r in t.runs]
        stats.update(
            status=result.status,
            objective_fen=result.objective,
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
        )
        opt_value = _plan_value(network, travel, opt_runs, book)
        greedy_value = _plan_value(network, travel, greedy_runs, book)
        stats["objective_cny"] = round(opt_value, 2)
        stats["greedy_objective_cny"] = round(greedy_value, 2)
        if opt_value <= greedy_value:
            chosen_trips, left = opt_trips, left_opt
        else:
            stats["status"] = f"{result.status}; greedy plan kept (cheaper)"
    left = left + list(assignment.short_of_metal)
    runs = _to_runs(network, chosen_trips, fixed_runs)
    unserved = _unserved_rows(network, book, left, assignment_of)
    timed_runs = [r for t in chosen_trips for r in t.runs]
    stats["wall_s"] = round(time.perf_counter() - started, 2)
    summary = _summary(network, travel, runs, timed_runs, unserved)
    notify("done", stats["wall_s"])
    return Plan(
        network=network.name,
        plan_date=network.plan_date.isoformat(),
        runs=tuple(runs),
        unserved=tuple(unserved),
        solver=stats,
        summary=summary,
        extra={
            "parameters": network.params.model_dump(),
            "travel_model": travel.source,
        },
    )


def _trips_by_truck(trips: Sequence[TimedTrip]) -> dict[str, list[list[str]]]:
    """``truck_id -> [[job_id, ...] per trip]`` in pour order: a plan as search start."""
    by_truck: dict[str, list[list[str]]] = defaultdict(list)
    for trip in sorted(trips, key=lambda t: t.runs[0].fill_start):
        by_truck[trip.runs[0].truck_id].append([r.job.job_id for r in trip.runs])
    return dict(by_truck)


def _plan_value(
    network: Network,
    travel: TravelMatrix,
    runs: Sequence[TimedRun],
    book: JobBook,
) -> float:
    """Objective in CNY: route cost + superheat + penalty of jobs left unserved."""
    penalty = unserved_penalty_per_t(network.params)
    served = {r.job.job_id for r in runs}
    unserved_t = sum(j.tonnes for j in book.jobs if j.job_id not in served)
    return (
        _route_cost_of(network, travel, runs)["route_cost_cny"]
        + _superheat_cny(network, runs)
        + penalty * unserved_t
    )


def _jobs_after_fixed(jobs: tuple[Job, ...], delivered: dict[str, float]) -> tuple[Job, ...]:
    """Drop ladles of orders already delivered by fixed runs (largest jobs first)."""
    if not delivered:
        return jobs
    kept = []
    remaining = dict(delivered)
    for job in jobs:
        if remaining.get(job.order_id, 0.0) >= job.tonnes - 1e-6:
            remaining[job.order_id] -= job.tonnes
            continue
        kept.append(job)
    return tuple(kept)


def _apply_fixed(
    network: Network,
    travel: TravelMatrix,
    states: dict[str, TruckState],
    bays: BayBook,
    fixed_runs: Sequence[Run],
    truck_starts: Sequence[TruckStart],
) -> None:
    for start in truck_starts:
        state = states[start.truck_id]
        state.location = travel.index(start.site_kind, start.site_id)
        state.ready = start.minute
    for r in sorted(fixed_runs, key=lambda r: r.pour_end):
        bays.book(
            r.smelter_id,
            math.floor(network.minutes(r.fill_start)),
            math.ceil(network.minutes(r.fill_end)),
        )
        state = states[r.truck_id]
        state.location = travel.caster(r.caster_id)
        state.ready = max(state.ready, math.ceil(network.minutes(r.pour_end)))
        state.trips = max(state.trips, r.trip)


def _summary(
    network: Network,
    travel: TravelMatrix,
    runs: Sequence[Run],
    timed_runs: Sequence[TimedRun],
    unserved: Sequence[Unserved],
) -> dict:
    ordered = sum(o.tonnes for o in network.day_orders)
    delivered = sum(r.tonnes for r in runs)
    by_reason = {reason: 0.0 for reason in UNSERVED_REASONS}
    for u in unserved:
        by_reason[u.reason] += u.tonnes
    excluded = sum(by_reason[r] for r in EXCLUDED_REASONS)
    margins = []
    for r in runs:
        caster = network.caster_by_id[r.caster_id]
        margins.append(r.arrival_c - caster.min_pour_c - network.params.thermal.margin_c)
    routes = _route_cost_of(network, travel, timed_runs)
    servable = ordered - excluded
    return {
        "tonnes_ordered": round(ordered, 3),
        "tonnes_delivered": round(delivered, 3),
        "tonnes_unserved": {k: round(v, 3) for k, v in by_reason.items()},
        "tonnes_excluded_outright": round(excluded, 3),
        "delivered_share_of_servable": round(delivered / servable, 4) if servable > 0 else None,
        "ladle_runs": len(runs),
        **routes,
        "superheat_cny": round(_superheat_cny(network, timed_runs), 2),
        "min_arrival_margin_c": round(min(margins), 2) if margins else None,
    }


__all__ = ["SOLVERS", "TruckStart", "solve"]
