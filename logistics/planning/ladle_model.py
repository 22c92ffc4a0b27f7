"""Ladle jobs as a pickup-and-delivery problem for :mod:`logistics.planning.routing`.

Each assigned job becomes a *fill* node at its smelter (service ``fill_min``, window its
fill window :attr:`~logistics.planning.assign.Assignment.fill`) and a *pour* node at its
caster (service ``unload_min``, window ``[earliest_pour, latest_pour]``), paired on one
truck with the hold limit as ride limit. Every window is read from
:mod:`logistics.planning.windows`, never derived here. Trucks start where their day
starts and end at their home smelter within their shift (a truck whose shift is over
before it is free is left out), carry ``ladles`` ladles and fill at one smelter per trip
(``pickup_groups``). A job whose hold limit only the better-insulated trucks
meet is restricted to those trucks (mixed fleets).

"Return empty before refilling" is enforced when routes are cut into trips
(:mod:`logistics.planning.trips`): posting it in the model (``empty_before_pickup``)
made the first solution 28× slower on the Pearl River Delta day (23.9 s against 0.84 s
for 780 nodes, ortools 9.15, 2 cores).

Ladle jobs of one order filled at one smelter for the same trucks are alike: they are
searched two at a time (:func:`symmetric_groups`, :mod:`logistics.planning.routing.bundle`).

The objective, in fen (0.01 CNY): truck-km × ``cost_per_km`` + truck-minutes ×
``cost_per_h``/60 + the penalty of every job left out
(:func:`logistics.network.prices.unserved_penalty_per_t` × tonnes).
"""

from __future__ import annotations

import numpy as np

from logistics.network.model import Network
from logistics.network.prices import unserved_penalty_per_t
from logistics.planning.assign import Assignment
from logistics.planning.routing import DELIVERY, PICKUP, Node, Pair, RoutingProblem, Vehicle
from logistics.planning.schedule import ScheduleContext, TruckState
from logistics.planning.windows import (
    Interval,
    ceil_minutes,
    fill_minutes,
    hold_limit_minutes,
    inward,
    pour_minutes,
)

#: Ladle jobs per bundle (:func:`symmetric_groups`). Bundles of three fit only the
#: 3-ladle trucks and left 3-4 times as many jobs to re-insertion on the sample days.
BUNDLE_LADLES = 2

#: Objective unit: fen per 0.1 road km and fen per minute.
KM_UNIT = 0.1
FEN = 100


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
    horizon = int(network.minutes(network.horizon_end)) + 24 * 60
    penalty_t = unserved_penalty_per_t(params) * FEN
    ambient = params.thermal.ambient_c

    vehicle_of = {
        t: k for k, t in enumerate(t for t in truck_ids if _available(network, states[t]))
    }
    replan = params.replan
    move_cost = round(replan.move_truck_cny * FEN)
    tolerance = round(replan.time_tolerance_min)
    late_cost = round(replan.move_time_cny * FEN / max(replan.time_tolerance_min, 15.0))
    drop_t = replan.drop_booked_cny_per_t * FEN
    vehicles = []
    for truck_id in list(truck_ids):
        state = states[truck_id]
        truck = state.truck
        available = _availability(network, state)
        if available.empty:
            truck_ids.remove(truck_id)  # its shift is over before it is free: no new runs
            continue
        vehicles.append(
            Vehicle(
                start_location=state.location,
                end_location=travel.smelter(truck.home_smelter),
                capacity=truck.ladles,
                earliest_start=available.earliest,
                latest_end=available.latest,
                cost_per_distance=round(network.truck_cost_per_km(truck) * KM_UNIT * FEN),
                cost_per_time=round(network.truck_cost_per_h(truck) / 60.0 * FEN),
                label=f"truck {truck_id}",
            )
        )
    trucks = [states[t].truck for t in truck_ids]
    group_of = {s.smelter_id: i for i, s in enumerate(network.smelters)}
    nodes: list[Node] = []
    pairs: list[Pair] = []
    pair_assignments: list[Assignment] = []
    for a in assignments:
        job = a.job
        smelter = network.smelter_by_id[a.source.smelter_id]
        caster = network.caster_by_id[job.caster_id]
        prod = network.production_by_key[(a.source.smelter_id, job.alloy)]
        fill_min = fill_minutes(smelter)
        fill = a.fill.from_(0)
        pour = Interval(job.earliest_pour, job.latest_pour).from_(0)
        if fill.empty or pour.empty:
            continue  # left to re-insertion, which gives it its reason
        limits = {
            k: hold_limit_minutes(prod.tap_max_c, job.required_c, t.tau_h, ambient)
            for k, t in enumerate(trucks)
        }
        # A truck may carry it when its ladle holds the metal over the drive, and from
        # the latest fill to the first pour the window allows (a later window than the
        # smelter's hours would otherwise make an impossible pair).
        wait = pour.earliest - fill.latest - fill_min
        allowed = tuple(
            k
            for k, lim in limits.items()
            if lim >= max(a.source.travel_min, wait) and job.fits(trucks[k].ladle_t)
        )
        if not allowed:
            continue
        ride = min(limits[k] for k in allowed) + fill_min
        fill = fill.from_(pour.earliest - ride)  # filled earlier, it would arrive too cold
        label = f"job {job.job_id} of order {job.order_id}"
        home = ctx.homes.get(job.job_id)
        soft = (
            None if home is None else (max(0, home[1] - tolerance), home[1] + tolerance, late_cost)
        )
        p = len(nodes)
        nodes.append(
            Node(
                location=travel.smelter(a.source.smelter_id),
                service=fill_min,
                earliest=fill.earliest,
                latest=fill.latest,
                demand=1,
                kind=PICKUP,
                group=group_of[a.source.smelter_id],
                label=f"fill of {label} at {a.source.smelter_id}",
            )
        )
        nodes.append(
            Node(
                location=travel.caster(job.caster_id),
                service=pour_minutes(caster),
                earliest=pour.earliest,
                latest=pour.latest,
                demand=-1,
                kind=DELIVERY,
                label=f"pour of {label} at {job.caster_id}",
                soft=soft,
            )
        )
        pairs.append(
            Pair(
                pickup=p,
                delivery=p + 1,
                max_ride=min(ride, horizon),
                penalty=int((penalty_t + (0 if home is None else drop_t)) * job.tonnes),
                vehicles=None if len(allowed) == len(trucks) else allowed,
                home_vehicle=None if home is None else vehicle_of.get(home[0]),
                move_cost=0 if home is None else move_cost,
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


def _availability(network: Network, state: TruckState) -> Interval:
    """When a truck may work: from when it is free to the end of its shift (minutes)."""
    return inward([0, state.ready], [network.minutes(state.truck.shift_end)])


def _available(network: Network, state: TruckState) -> bool:
    """Whether the truck has any time left for new runs."""
    return not _availability(network, state).empty


def symmetric_groups(
    problem: RoutingProblem, pair_assignments: list[Assignment], size: int = BUNDLE_LADLES
) -> list[list[int]]:
    """Pairs of :func:`build_problem` in groups of up to ``size`` interchangeable jobs.

    Jobs are interchangeable when they belong to one order, are filled at one smelter
    and may go on the same trucks; they are grouped in order of their earliest fill
    (production release). A group is only made where one of its trucks holds it all.

    Parameters
    ----------
    problem : RoutingProblem
        The problem of :func:`build_problem`.
    pair_assignments : list of Assignment
        The job of each pair.
    size : int
        Most jobs per group (ladles).

    Returns
    -------
    list of list of int
        A partition of the pair indices.
    """
    alike: dict[tuple[str, str, tuple[int, ...] | None], list[int]] = {}
    for k, (pair, a) in enumerate(zip(problem.pairs, pair_assignments, strict=True)):
        alike.setdefault((a.job.order_id, a.source.smelter_id, pair.vehicles), []).append(k)
    groups: list[list[int]] = []
    for (_, _, vehicles), members in alike.items():
        allowed = range(len(problem.vehicles)) if vehicles is None else vehicles
        most = max(problem.vehicles[v].capacity for v in allowed)
        step = max(1, min(size, most))
        members.sort(key=lambda k: (problem.nodes[problem.pairs[k].pickup].earliest, k))
        groups += [members[i : i + step] for i in range(0, len(members), step)]
    return groups
