"""Peer solvers on the same instances, data and time limit, judged by the same checker.

Each peer gets exactly the integers the routing core gets (:func:`to_problem`: distances
×scale rounded, travel times ×scale rounded up, windows and service ×scale), one thread,
and the same wall-clock limit; its routes are then measured by
:func:`benchmarks.literature.evaluate` in double precision, like the core's.

What the peers can and cannot express, compared with the routing core
(:mod:`logistics.routing_core`):

* **PyVRP** (``pyvrp``, hybrid genetic search). VRPTW fully; since 0.14 also *shipments*
  (pickup and delivery on one vehicle), so the Li & Lim instances run too. It cannot
  express a maximum ride (hold) time between a pickup and its delivery, pickup groups
  (consecutive pickups at one smelter), or "empty before the next pickup".
* **VROOM** (``pyvroom``). Jobs with time windows and capacity, and *shipments*
  (pickup-delivery pairs on one vehicle). It has no per-shipment maximum ride time (only
  a per-vehicle ``max_travel_time``), no pickup groups, no empty-before-pickup rule, and
  it does not minimise the number of vehicles first (a fixed vehicle cost only). Its
  search stops by itself; ``timeout`` caps it at the limit.

Missing peers are skipped: :func:`available_peers` lists those that import.
"""

from __future__ import annotations

import importlib.util
import time
from datetime import timedelta

from benchmarks.literature import (
    Config,
    Outcome,
    _vehicle_fixed_cost,
    distance_matrix,
    evaluate,
    to_problem,
)
from benchmarks.readers import Instance, read_instance, read_set_bks

#: Peer name → importable module.
PEERS = {"pyvrp": "pyvrp", "vroom": "vroom"}


def available_peers() -> list[str]:
    """Return the peers whose Python package is installed."""
    return [name for name, module in PEERS.items() if importlib.util.find_spec(module)]


def solve_pyvrp(
    instance: Instance, time_limit_s: float, config: Config, seed: int = 0
) -> tuple[list[list[int]], str]:
    """Solve with PyVRP's hybrid genetic search for ``time_limit_s`` seconds.

    Returns
    -------
    tuple[list[list[int]], str]
        Routes (site indices, depot excluded) and a status text.
    """
    import pyvrp
    from pyvrp.stop import MaxRuntime

    problem = to_problem(instance, config)
    depot_site = instance.sites[0]
    s = config.scale
    model = pyvrp.Model()
    locations = [model.add_location(x=site.x, y=site.y) for site in instance.sites]
    depot = model.add_depot(
        locations[0], tw_early=round(depot_site.early * s), tw_late=round(depot_site.late * s)
    )
    model.add_vehicle_type(
        num_available=instance.vehicles,
        capacity=instance.capacity,
        start_depot=depot,
        end_depot=depot,
        fixed_cost=_vehicle_fixed_cost(instance, distance_matrix(instance), config),
        tw_early=round(depot_site.early * s),
        tw_late=round(depot_site.late * s),
    )
    # What each activity index means, to read the routes back as site indices.
    client_site: list[int] = []
    shipment_sites: list[tuple[int, int]] = []
    if instance.kind == "pdptw":
        for p, d in instance.pairs():
            sp, sd = instance.sites[p], instance.sites[d]
            model.add_shipment(
                locations[p],
                locations[d],
                pickup_tw_early=round(sp.early * s),
                pickup_tw_late=round(sp.late * s),
                pickup_service_duration=round(sp.service * s),
                delivery_tw_early=round(sd.early * s),
                delivery_tw_late=round(sd.late * s),
                delivery_service_duration=round(sd.service * s),
                amount=sp.demand,
            )
            shipment_sites.append((p, d))
    else:
        for site in instance.sites[1:]:
            model.add_client(
                locations[site.index],
                delivery=site.demand,
                service_duration=round(site.service * s),
                tw_early=round(site.early * s),
                tw_late=round(site.late * s),
            )
            client_site.append(site.index)
    n = len(locations)
    for i in range(n):
        for j in range(n):
            if i != j:
                model.add_edge(
                    locations[i],
                    locations[j],
                    distance=int(problem.distance[i, j]),
                    duration=int(problem.time[i, j]),
                )
    result = model.solve(stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    routes: list[list[int]] = []
    for route in result.best.routes():
        sites: list[int] = []
        for act in route.schedule():
            if act.is_depot():
                continue
            if act.is_pickup():
                sites.append(shipment_sites[act.idx][0])
            elif act.is_delivery():
                sites.append(shipment_sites[act.idx][1])
            else:
                sites.append(client_site[act.idx])
        routes.append(sites)
    status = "feasible" if result.is_feasible() else "infeasible"
    return routes, status


def solve_vroom(
    instance: Instance, time_limit_s: float, config: Config, exploration_level: int = 5
) -> tuple[list[list[int]], str]:
    """Solve with VROOM (one thread, capped at ``time_limit_s``).

    Returns
    -------
    tuple[list[list[int]], str]
        Routes (site indices, depot excluded) and a status text (``unassigned=N``).
    """
    import vroom

    problem = to_problem(instance, config)
    depot_site = instance.sites[0]
    s = config.scale
    inp = vroom.Input()
    inp.set_durations_matrix("car", problem.time.tolist())
    inp.set_costs_matrix("car", problem.distance.tolist())
    fixed = _vehicle_fixed_cost(instance, distance_matrix(instance), config)
    for k in range(instance.vehicles):
        inp.add_vehicle(
            vroom.Vehicle(
                id=k,
                start=0,
                end=0,
                capacity=[instance.capacity],
                time_window=vroom.TimeWindow(
                    round(depot_site.early * s), round(depot_site.late * s)
                ),
                costs=vroom.VehicleCosts(fixed=fixed),
            )
        )

    def window(site_index: int) -> list:
        site = instance.sites[site_index]
        return [vroom.TimeWindow(round(site.early * s), round(site.late * s))]

    if instance.kind == "pdptw":
        for p, d in instance.pairs():
            inp.add_shipment(
                pickup=vroom.ShipmentStep(
                    id=p,
                    location=p,
                    default_service=round(instance.sites[p].service * s),
                    time_windows=window(p),
                ),
                delivery=vroom.ShipmentStep(
                    id=d,
                    location=d,
                    default_service=round(instance.sites[d].service * s),
                    time_windows=window(d),
                ),
                amount=vroom.Amount([instance.sites[p].demand]),
            )
    else:
        for site in instance.sites[1:]:
            inp.add_job(
                vroom.Job(
                    id=site.index,
                    location=site.index,
                    default_service=round(site.service * s),
                    delivery=[site.demand],
                    time_windows=window(site.index),
                )
            )
    solution = inp.solve(
        exploration_level=exploration_level,
        nb_threads=1,
        timeout=timedelta(seconds=time_limit_s),
    )
    frame = solution.routes
    routes: list[list[int]] = []
    for _, steps in frame.groupby("vehicle_id", sort=True):
        tasks = steps[steps["type"].isin(["job", "pickup", "delivery"])]
        ids = [int(i) for i in tasks["id"]]
        if ids:
            routes.append(ids)
    unassigned = getattr(solution.summary, "unassigned", None)
    return routes, f"unassigned={unassigned}" if unassigned is not None else "solved"


def solve_peer(
    peer: str,
    set_name: str,
    name: str,
    *,
    time_limit_s: float = 30.0,
    config: Config | None = None,
) -> Outcome:
    """Run one peer on one instance and evaluate it like the routing core.

    Parameters
    ----------
    peer : str
        ``pyvrp`` or ``vroom``.
    set_name, name : str
        Benchmark set and instance.
    time_limit_s : float
        Wall-clock limit, seconds.
    config : Config, optional
        Scaling and vehicle cost (the search strategies are ignored).

    Returns
    -------
    Outcome
        As for the routing core; ``dropped`` counts customers missing from the routes.
    """
    config = config or Config()
    instance = read_instance(set_name, name)
    bks = read_set_bks(set_name).get(instance.name.lower())
    started = time.perf_counter()
    if peer == "pyvrp":
        routes, status = solve_pyvrp(instance, time_limit_s, config)
    elif peer == "vroom":
        routes, status = solve_vroom(instance, time_limit_s, config)
    else:
        raise ValueError(f"unknown peer {peer!r}; known: {sorted(PEERS)}")
    wall = time.perf_counter() - started
    visited = {i for r in routes for i in r}
    return evaluate(
        set_name,
        instance,
        routes,
        solver=peer,
        time_limit_s=time_limit_s,
        status=status,
        wall_s=wall,
        first_solution_s=None,
        config=f"scale={config.scale} vehicle_cost={config.vehicle_cost}",
        dropped=instance.n_customers - len(visited),
        bks=bks,
    )
