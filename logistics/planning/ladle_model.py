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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from logistics.network.model import Network, Production, Truck
from logistics.network.prices import unserved_penalty_per_t
from logistics.physics.travel import Travel
from logistics.planning.assign import Assignment
from logistics.planning.drop_penalty import drop_penalty_per_t
from logistics.planning.jobs import Job
from logistics.planning.ladle_fit import PoolFit
from logistics.planning.managed import MANAGED_PREFIX
from logistics.planning.routing import DELIVERY, PICKUP, Node, Pair, RoutingProblem, Vehicle
from logistics.planning.schedule import ScheduleContext, TruckState
from logistics.planning.taps import ride_hold_limit_minutes
from logistics.planning.windows import (
    Interval,
    ceil_minutes,
    fill_minutes,
    inward,
    pour_minutes,
)

#: Ladle jobs per bundle (:func:`symmetric_groups`). Bundles of three fit only the
#: 3-ladle trucks and left 3-4 times as many jobs to re-insertion on the sample days.
BUNDLE_LADLES = 2

#: Objective unit: fen per 0.1 road km and fen per minute.
KM_UNIT = 0.1
FEN = 100


@dataclass(frozen=True)
class _PairRules:
    """What turning a job into a fill/pour pair needs, the same for every job of a day.

    Money in fen; times in minutes from the plan origin.
    """

    network: Network
    travel: Travel
    trucks: list[Truck]  # per vehicle
    group_of: dict[str, int]  # smelter id -> pickup group
    ambient_c: float
    horizon: int
    penalty_t: float  # fen per tonne left out
    homes: dict[str, tuple[str, int]]  # re-planning: job id -> booked truck and pour start
    vehicle_of: dict[str, int]  # truck id -> vehicle
    move_cost: int  # fen, a booked job on another truck
    tolerance: int  # min, a booked pour moved within it costs nothing
    late_cost: int  # fen per minute beyond the tolerance
    drop_t: float  # fen per tonne, a booked job left out
    pool: PoolFit  # which trucks each smelter's ladle pool serves
    #: Hold limits already computed, by (tap_max_c, min_pour_c, tau_h, leg): a day has
    #: few distinct ones (the jobs of an order share a leg, the trucks a few ``tau_h``).
    hold_limits: dict[tuple[float, float, float, tuple[float, float]], int] = field(
        default_factory=dict
    )

    def hold_limit(
        self, tap_max_c: float, min_pour_c: float, tau_h: float, leg: tuple[float, float]
    ) -> int:
        """The router's hold limit of a ladle, whole minutes
        (:func:`~logistics.planning.taps.ride_hold_limit_minutes`), computed once per
        distinct tap, caster minimum, time constant and leg of the day."""
        key = (tap_max_c, min_pour_c, tau_h, leg)
        limit = self.hold_limits.get(key)
        if limit is None:
            limit = ride_hold_limit_minutes(self.network, tap_max_c, min_pour_c, tau_h, leg)
            self.hold_limits[key] = limit
        return limit


def _matrices(travel: Travel) -> tuple[np.ndarray, np.ndarray]:
    """Whole driving minutes (rounded up, 0 on the diagonal) and road km in 0.1 km units."""
    time_m = np.vectorize(ceil_minutes, otypes=[np.int64])(travel.routing_minutes())
    np.fill_diagonal(time_m, 0)
    dist_m = np.rint(np.nan_to_num(travel.km, posinf=1e6) / KM_UNIT).astype(np.int64)
    return time_m, dist_m


def _vehicles(
    network: Network, travel: Travel, states: dict[str, TruckState]
) -> tuple[list[Vehicle], list[str]]:
    """A vehicle per truck with time left, and their truck ids (in the states' order)."""
    vehicles = []
    truck_ids = []
    for truck_id, state in states.items():
        truck = state.truck
        available = _availability(network, state)
        if available.empty:
            continue  # its shift is over before it is free: no new runs
        truck_ids.append(truck_id)
        vehicles.append(
            Vehicle(
                start_location=state.location,
                end_location=travel.smelter(truck.home_smelter),
                capacity=truck.ladles,
                weight_capacity=(
                    None if truck.payload_t is None else kilograms(truck.trip_t, up=False)
                ),
                earliest_start=available.earliest,
                latest_end=available.latest,
                cost_per_distance=round(network.truck_cost_per_km(truck) * KM_UNIT * FEN),
                cost_per_time=round(network.truck_cost_per_h(truck) / 60.0 * FEN),
                label=f"truck {truck_id}",
                max_trips=(
                    None if truck.max_trips is None else max(0, truck.max_trips - state.trips)
                ),
            )
        )
    return vehicles, truck_ids


def _pair_rules(
    ctx: ScheduleContext, trucks: list[Truck], truck_ids: list[str], horizon: int
) -> _PairRules:
    """The day's pair rules: penalties, the re-plan's prices of change, the booked jobs."""
    network = ctx.network
    params = network.params
    replan = params.replan
    return _PairRules(
        network=network,
        travel=ctx.travel,
        trucks=trucks,
        group_of={s.smelter_id: i for i, s in enumerate(network.smelters)},
        ambient_c=params.thermal.ambient_c,
        horizon=horizon,
        penalty_t=unserved_penalty_per_t(params) * FEN,
        homes=ctx.homes,
        vehicle_of={t: k for k, t in enumerate(truck_ids)},
        move_cost=round(replan.move_truck_cny * FEN),
        tolerance=round(replan.time_tolerance_min),
        late_cost=round(replan.move_time_cny * FEN / max(replan.time_tolerance_min, 15.0)),
        drop_t=replan.drop_booked_cny_per_t * FEN,
        pool=ctx.pool_fit,
    )


def _penalty_t(rules: _PairRules, job: Job) -> float:
    """Fen per tonne of ``job`` left out: more for a managed delivery
    (:mod:`~logistics.planning.drop_penalty`)."""
    if job.order_id.startswith(MANAGED_PREFIX):
        return drop_penalty_per_t(rules.network, job.order_id, job.caster_id, job.alloy) * FEN
    return rules.penalty_t


def _allowed_trucks(
    a: Assignment,
    rules: _PairRules,
    prod: Production,
    windows: tuple[Interval, Interval],
    fill_min: int,
) -> tuple[tuple[int, ...], dict[int, int]]:
    """The vehicles that may carry a job, and every vehicle's hold limit, minutes.

    A truck may carry it when its ladle holds the metal over the drive, and from the
    latest fill to the first pour the window allows (a later window than the smelter's
    hours would otherwise make an impossible pair).
    """
    job = a.job
    fill, pour = windows
    min_pour_c = rules.network.caster_by_id[job.caster_id].min_pour_c
    leg = (a.source.travel_min, a.source.road_km)
    limits = {
        k: rules.hold_limit(prod.tap_max_c, min_pour_c, t.tau_h, leg)
        for k, t in enumerate(rules.trucks)
    }
    wait = pour.earliest - fill.latest - fill_min
    allowed = tuple(
        k
        for k, lim in limits.items()
        if lim >= max(a.source.travel_min, wait)
        and job.fits(rules.trucks[k].ladle_t)
        and rules.pool.holds(a.source.smelter_id, job.tonnes, rules.trucks[k].tau_h)
    )
    return allowed, limits


def _job_pair(a: Assignment, rules: _PairRules, p: int) -> tuple[Node, Node, Pair] | None:
    """A job's fill node (index ``p``), pour node (``p + 1``) and their pair.

    ``None`` when its windows are empty or no truck can carry it: left to re-insertion,
    which gives it its reason. A booked job (re-planning) keeps its pour time softly and
    costs more to move to another truck or to leave out.
    """
    network, travel, job = rules.network, rules.travel, a.job
    smelter = network.smelter_by_id[a.source.smelter_id]
    caster = network.caster_by_id[job.caster_id]
    prod = network.production_by_key[(a.source.smelter_id, job.alloy)]
    fill_min = fill_minutes(smelter)
    fill = a.fill.from_(0)
    pour = Interval(job.earliest_pour, job.latest_pour).from_(0)
    if fill.empty or pour.empty:
        return None
    allowed, limits = _allowed_trucks(a, rules, prod, (fill, pour), fill_min)
    if not allowed:
        return None
    ride = min(limits[k] for k in allowed) + fill_min
    fill = fill.from_(pour.earliest - ride)  # filled earlier, it would arrive too cold
    label = f"job {job.job_id} of order {job.order_id}"
    home = rules.homes.get(job.job_id)
    soft = (
        None
        if home is None
        else (max(0, home[1] - rules.tolerance), home[1] + rules.tolerance, rules.late_cost)
    )
    fill_node = Node(
        location=travel.smelter(a.source.smelter_id),
        service=fill_min,
        earliest=fill.earliest,
        latest=fill.latest,
        demand=1,
        weight=kilograms(job.tonnes),
        kind=PICKUP,
        group=rules.group_of[a.source.smelter_id],
        label=f"fill of {label} at {a.source.smelter_id}",
    )
    pour_node = Node(
        location=travel.caster(job.caster_id),
        service=pour_minutes(caster),
        earliest=pour.earliest,
        latest=pour.latest,
        demand=-1,
        weight=-kilograms(job.tonnes),
        kind=DELIVERY,
        label=f"pour of {label} at {job.caster_id}",
        soft=soft,
    )
    pair = Pair(
        pickup=p,
        delivery=p + 1,
        max_ride=min(ride, rules.horizon),
        penalty=int((_penalty_t(rules, job) + (0 if home is None else rules.drop_t)) * job.tonnes),
        vehicles=None if len(allowed) == len(rules.trucks) else allowed,
        home_vehicle=None if home is None else rules.vehicle_of.get(home[0]),
        move_cost=0 if home is None else rules.move_cost,
    )
    return fill_node, pour_node, pair


def build_problem(
    ctx: ScheduleContext,
    assignments: tuple[Assignment, ...],
    states: dict[str, TruckState],
) -> tuple[RoutingProblem, list[str], list[Assignment]]:
    """The routing problem of a day, the truck id of each vehicle, the job of each pair.

    Parameters
    ----------
    ctx : ScheduleContext
        The network, its travel model and, re-planning, the booked jobs.
    assignments : tuple of Assignment
        The jobs with their smelters and fill windows.
    states : dict
        ``truck_id ->`` where and when each truck is free.

    Returns
    -------
    tuple
        The problem (objective in fen), the truck id of each vehicle (trucks with no
        time left are left out) and the assignment of each pair (jobs no truck can
        carry are left out).
    """
    network: Network = ctx.network
    time_m, dist_m = _matrices(ctx.travel)
    horizon = int(network.minutes(network.horizon_end)) + 24 * 60
    vehicles, truck_ids = _vehicles(network, ctx.travel, states)
    rules = _pair_rules(ctx, [states[t].truck for t in truck_ids], truck_ids, horizon)
    nodes: list[Node] = []
    pairs: list[Pair] = []
    pair_assignments: list[Assignment] = []
    for a in assignments:
        made = _job_pair(a, rules, len(nodes))
        if made is None:
            continue
        nodes += made[:2]
        pairs.append(made[2])
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
        pickup_capacity=tuple(
            (ctx.travel.smelter(s.smelter_id), s.fill_bays)
            for s in network.smelters
            if s.fill_bays is not None
        ),
    )
    return problem, truck_ids, pair_assignments


def kilograms(tonnes: float, *, up: bool = True) -> int:
    """``tonnes`` as whole kilograms, the routing model's unit of metal on board: a
    ladle's rounded up and a payload's down (``up=False``), so that ladles within a
    payload in kilograms are within it in tonnes."""
    kg = tonnes * 1000
    return math.ceil(kg - 1e-6) if up else math.floor(kg + 1e-6)


def _availability(network: Network, state: TruckState) -> Interval:
    """When a truck may work: from when it is free to the end of its shift (minutes)."""
    return inward([0, state.ready], [network.minutes(state.truck.shift_end)])


def symmetric_groups(
    problem: RoutingProblem, pair_assignments: list[Assignment], size: int = BUNDLE_LADLES
) -> list[list[int]]:
    """Pairs of :func:`build_problem` in groups of up to ``size`` interchangeable jobs.

    Jobs are interchangeable when they belong to one order, are filled at one smelter
    and may go on the same trucks; they are grouped in order of their earliest fill
    (production release). A group is only made where one of its trucks holds it all:
    its ladles and, with a payload, their weight (else its jobs go one by one).

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
        chunks = [members[i : i + step] for i in range(0, len(members), step)]
        groups += [g for chunk in chunks for g in _within_payload(problem, chunk, allowed)]
    return groups


def _within_payload(
    problem: RoutingProblem, chunk: list[int], allowed: Sequence[int]
) -> list[list[int]]:
    """``[chunk]``, or its pairs one by one when no allowed truck holds it all: its
    ladles and, with a payload, their weight, on the same truck."""
    pickups = [problem.nodes[problem.pairs[k].pickup] for k in chunk]
    demand, weight = sum(n.demand for n in pickups), sum(n.weight for n in pickups)

    def holds(v: int) -> bool:
        most = problem.vehicles[v].weight_capacity
        return problem.vehicles[v].capacity >= demand and (most is None or most >= weight)

    if len(chunk) == 1 or any(holds(v) for v in allowed):
        return [chunk]
    return [[k] for k in chunk]
