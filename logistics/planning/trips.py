"""Between the router and the scheduler: routes as trips, and trips as starting routes.

The routing model does not forbid a truck from refilling while a ladle is still aboard
(the exact constraint made first solutions ~28× slower, see
:mod:`logistics.planning.ladle_model`); :func:`cut_routes` makes each block of fills its
own trip whose ladles are poured in route order before the next block, which is what
"a trip returns empty before the next fill" requires. The scheduler re-times every trip.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from logistics.planning.assign import Assignment
from logistics.planning.jobs import Job
from logistics.planning.routing import DELIVERY, PICKUP, Pair, RoutingProblem, RoutingResult
from logistics.planning.schedule import TimedTrip


@dataclass(frozen=True)
class TruckRoute:
    """A truck's trips as the optimiser ordered them: ``(smelter_id, jobs, planned_fill)``."""

    truck_id: str
    trips: tuple[tuple[str, tuple[Job, ...], int], ...]


def _overweight(problem: RoutingProblem, v: int, block: list[tuple[int, int]]) -> bool:
    """Whether the fills of ``block`` weigh more than vehicle ``v``'s ``weight_capacity``."""
    most = problem.vehicles[v].weight_capacity
    return most is not None and sum(problem.nodes[n].weight for n, _ in block) > most


def cut_routes(
    problem: RoutingProblem,
    result: RoutingResult,
    truck_ids: list[str],
    pair_assignments: list[Assignment],
) -> list[TruckRoute]:
    """Cut each vehicle's sequence into trips: a block of fills and the pours of *those* fills.

    The routing model does not forbid a truck from refilling while a ladle is still
    aboard (the exact constraint made first solutions ~28× slower, see module notes);
    here each fill block becomes its own trip whose ladles are poured in route order
    before the next block: a trip returns empty before its truck fills again. A block
    also ends where the next fill is at another smelter or the ladles are all full or
    their metal would pass the truck's payload (routes from an engine without pickup
    groups, or overloaded). The scheduler re-times it.
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
                # A new trip after a pour, or where the next fill is at another smelter
                # (routes of an engine that does not know pickup groups).
                group = problem.nodes[node].group
                if (
                    after_pour
                    or problem.nodes[blocks[-1][0][0]].group != group
                    or len(blocks[-1]) >= problem.vehicles[v].capacity
                    or _overweight(problem, v, [*blocks[-1], (node, start)])
                ):
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


def initial_routes(
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


def trips_by_truck(trips: Sequence[TimedTrip]) -> dict[str, list[list[str]]]:
    """``truck_id -> [[job_id, ...] per trip]`` in pour order: a plan as search start."""
    by_truck: dict[str, list[list[str]]] = defaultdict(list)
    for trip in sorted(trips, key=lambda t: t.runs[0].fill_start):
        by_truck[trip.runs[0].truck_id].append([r.job.job_id for r in trip.runs])
    return dict(by_truck)
