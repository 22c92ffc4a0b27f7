"""From a planned day in minutes to a :class:`~logistics.plan.model.Plan`.

:func:`solve_plan` runs the planning door (:func:`logistics.planning.solve.plan_schedule`),
dates its runs in the network's timezone, numbers them (fixed runs keep their ids),
and sums the KPIs of the whole day — fixed runs included — with the trip-leg model
(:mod:`logistics.planning.legs`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import datetime

from logistics.network.model import Network, TruckStart
from logistics.network.prices import superheat_cost_per_c_t
from logistics.physics.travel import TravelMatrix, travel_matrix
from logistics.plan.model import Plan, Run, Summary, Unserved
from logistics.planning.decompose import TARGET_JOBS
from logistics.planning.fixed import FixedRun, start_rows
from logistics.planning.legs import MinuteRun, route_totals, trip_legs
from logistics.planning.progress import ProgressCallback
from logistics.planning.reasons import EXCLUDED_REASONS, UNSERVED_REASONS, UnservedTonnes
from logistics.planning.schedule import TimedTrip
from logistics.planning.solve import plan_schedule
from logistics.planning.stats import SolverStats

log = logging.getLogger(__name__)


def fixed_run_of(network: Network, run: Run) -> FixedRun:
    """A plan's run as the planner keeps it fixed (minutes from the plan origin)."""
    minutes = network.minutes
    return FixedRun(
        truck_id=run.truck_id,
        trip=run.trip,
        order_id=run.order_id,
        smelter_id=run.smelter_id,
        caster_id=run.caster_id,
        alloy=run.alloy,
        tonnes=run.tonnes,
        fill_start=minutes(run.fill_start),
        fill_end=minutes(run.fill_end),
        pour_start=minutes(run.pour_start),
        pour_end=minutes(run.pour_end),
    )


def minute_run_of(network: Network, run: Run) -> MinuteRun:
    """A plan's run as the trip-leg model reads it."""
    minutes = network.minutes
    return MinuteRun(
        truck_id=run.truck_id,
        trip=run.trip,
        smelter_id=run.smelter_id,
        caster_id=run.caster_id,
        fill_start=minutes(run.fill_start),
        pour_start=minutes(run.pour_start),
        pour_end=minutes(run.pour_end),
    )


def dated_runs(network: Network, trips: Sequence[TimedTrip], fixed: Sequence[Run]) -> list[Run]:
    """Fixed runs as they are, then the new trips' runs dated and numbered ``R0001`` …."""
    at = network.at
    new = sorted(
        (r for t in trips for r in t.runs), key=lambda r: (r.truck_id, r.trip, r.pour_start)
    )
    taken = {r.run_id for r in fixed}
    width = max(4, len(str(len(fixed) + len(new))))
    counter = 0
    runs = list(fixed)
    for r in new:
        counter += 1
        while f"R{counter:0{width}d}" in taken:
            counter += 1
        runs.append(
            Run(
                run_id=f"R{counter:0{width}d}",
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
    runs.sort(key=lambda r: (r.truck_id, r.trip, r.pour_start, r.run_id))
    return runs


def unserved_of(items: Sequence[UnservedTonnes]) -> list[Unserved]:
    """Planning's unserved tonnes as plan rows."""
    return [
        Unserved(
            order_id=u.order_id,
            caster_id=u.caster_id,
            alloy=u.alloy,
            tonnes=u.tonnes,
            reason=u.reason,  # type: ignore[arg-type]
        )
        for u in items
    ]


def summarise(
    network: Network,
    travel: TravelMatrix,
    runs: Sequence[Run],
    unserved: Sequence[Unserved],
    truck_starts: Sequence[TruckStart] = (),
    runs_fixed: int = 0,
) -> Summary:
    """The KPIs of a plan, recomputed from its rows (see :class:`Summary`)."""
    params = network.params
    superheat_rate = superheat_cost_per_c_t(params)
    ordered = sum(o.tonnes for o in network.day_orders)
    delivered = sum(r.tonnes for r in runs)
    by_reason = dict.fromkeys(UNSERVED_REASONS, 0.0)
    for u in unserved:
        by_reason[u.reason] += u.tonnes
    excluded = sum(by_reason[r] for r in EXCLUDED_REASONS)
    margins = []
    superheat = 0.0
    known = []  # a hand-made plan may name sites or trucks the network lacks
    for r in runs:
        caster = network.caster_by_id.get(r.caster_id)
        if caster is None or r.smelter_id not in network.smelter_by_id:
            continue
        if r.truck_id in network.truck_by_id:
            known.append(minute_run_of(network, r))
        margins.append(r.arrival_c - caster.min_pour_c - params.thermal.margin_c)
        prod = network.production_by_key.get((r.smelter_id, r.alloy))
        if prod is not None:
            superheat += max(0.0, r.tap_c - prod.tap_min_c) * r.tonnes * superheat_rate
    legs = trip_legs(network, travel, known, start_rows(network, travel, truck_starts))
    totals = route_totals(legs)
    servable = ordered - excluded
    outside = network.orders_outside_day
    return Summary(
        tonnes_ordered=round(ordered, 3),
        tonnes_delivered=round(delivered, 3),
        tonnes_unserved={k: round(v, 3) for k, v in by_reason.items()},  # type: ignore[misc]
        tonnes_excluded_outright=round(excluded, 3),
        delivered_share_of_servable=round(delivered / servable, 4) if servable > 0 else None,
        ladle_runs=len(runs),
        runs_fixed=runs_fixed,
        trucks_used=totals.trucks_used,
        truck_km=round(totals.truck_km, 1),
        truck_hours=round(totals.truck_hours, 2),
        route_cost_cny=round(totals.route_cost_cny, 2),
        superheat_cny=round(superheat, 2),
        min_arrival_margin_c=round(min(margins), 2) if margins else None,
        orders_outside_day=len(outside),
        tonnes_outside_day=round(sum(o.tonnes for o in outside), 3),
    )


def hand_made_plan(network: Network, runs: Sequence[Run], unserved: Sequence[Unserved]) -> Plan:
    """A plan of given rows (a dispatcher's, or a test's), its KPIs computed from them."""
    travel = travel_matrix(network)
    return Plan(
        network=network.name,
        plan_date=network.plan_date,
        timezone=network.timezone,
        runs=tuple(runs),
        unserved=tuple(unserved),
        solver=SolverStats(name="hand-made", status="hand-made", time_limit_s=0),
        summary=summarise(network, travel, runs, unserved),
        parameters=network.params,
        travel_model=travel.source,
    )


def solve_plan(
    network: Network,
    *,
    solver: str = "ortools",
    time_limit_s: float = 60.0,
    fixed_runs: Sequence[Run] = (),
    truck_starts: Sequence[TruckStart] = (),
    progress: ProgressCallback | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    part_jobs: int = TARGET_JOBS,
    solution_limit: int | None = None,
    not_before: datetime | None = None,
    unavailable_trucks: Sequence[str] = (),
    seed: int = 0,
    portfolio: Sequence[str] | None = None,
) -> Plan:
    """Plan one day of a network (without its economics; see :func:`logistics.solve`).

    Parameters
    ----------
    network : Network
        The validated network (its ``day_orders`` are planned).
    solver : {"ortools", "greedy"}
        The optimiser, or the dispatcher's baseline.
    time_limit_s : float
        Wall-clock limit for the whole call, seconds; the best plan found by then is
        returned with the solver status.
    fixed_runs : sequence of Run
        Runs kept exactly as they are (intraday re-planning).
    truck_starts : sequence of TruckStart
        Trucks that become available at another place or time than shift start at home.
    progress : callable, optional
        Receives a :class:`~logistics.planning.progress.ProgressEvent` per step.
    workers : int
        Processes for a large day split into smelter clusters when no ``executor`` is
        given (started with ``spawn``: a script calling this with ``workers > 1`` needs
        the ``if __name__ == "__main__":`` guard).
    executor : concurrent.futures.Executor, optional
        Where the parts of a split day are routed (a process pool, a Dask client's
        ``get_executor()``).
    part_jobs : int
        Most jobs routed in one model; a larger day is split into smelter clusters.
    solution_limit : int, optional
        Deterministic mode: the search stops after this many solutions, so the same
        inputs give the same plan (set ``time_limit_s`` generously).
    not_before : datetime, optional
        No new fill starts before this moment (re-planning at ``now``).
    unavailable_trucks : sequence of str
        Trucks that get no new runs (broken down, taken out of service).
    seed : int
        Seed of the search engines that use one (same inputs and seed, same plan in
        the deterministic mode).
    portfolio : sequence of str, optional
        Search configurations for a day routed in one model, one per worker (see
        :mod:`logistics.planning.portfolio`; default ``gls``, ``gls-scratch``).

    Returns
    -------
    Plan
        Runs, unserved tonnes with reasons, solver statistics and summary KPIs.
    """
    schedule = plan_schedule(
        network,
        solver=solver,
        time_limit_s=time_limit_s,
        fixed_runs=[fixed_run_of(network, r) for r in fixed_runs],
        truck_starts=truck_starts,
        progress=progress,
        workers=workers,
        executor=executor,
        part_jobs=part_jobs,
        solution_limit=solution_limit,
        not_before=network.minutes(not_before) if not_before is not None else None,
        unavailable_trucks=unavailable_trucks,
        seed=seed,
        portfolio=portfolio,
    )
    runs = dated_runs(network, schedule.trips, fixed_runs)
    unserved = unserved_of(schedule.unserved)
    summary = summarise(
        network, schedule.travel, runs, unserved, truck_starts, runs_fixed=len(fixed_runs)
    )
    return Plan(
        network=network.name,
        plan_date=network.plan_date,
        timezone=network.timezone,
        runs=tuple(runs),
        unserved=tuple(unserved),
        solver=schedule.stats,
        summary=summary,
        parameters=network.params,
        travel_model=schedule.travel.source,
        truck_starts=tuple(truck_starts),
    )
