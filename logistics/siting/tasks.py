"""One simulated day of one option of one scenario: a task built from plain data.

A task carries only plain data — dictionaries, lists, numbers and numpy arrays — so a
process pool or a Dask cluster can ship it anywhere; the worker builds the network, its
travel model (from the rows it is sent, with the scenario's rush hours:
:func:`logistics.physics.travel.with_roads`) and the OR-Tools model itself (a model cannot
be pickled), and hands the travel model to the planner explicitly. The network
as it is travels separately (:func:`run_task`'s ``base``), once per worker instead of
once per task.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from logistics.errors import PlanningError
from logistics.network.model import Network, Order
from logistics.physics.travel import Site, with_roads
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from logistics.siting.sites import network_with_sites


@dataclass(frozen=True)
class SimulationTask:
    """What a worker needs to plan one day of one option.

    Attributes
    ----------
    key : str
        ``<scenario>/<option>/day<n>``, unique in a study.
    scenario, option_id : str
        Which scenario and option (``base`` is the network as it is).
    day : int
        Day number.
    params : dict
        The scenario's parameters (``Params.model_dump``).
    orders : list of dict
        The day's orders (``Order.model_dump``), demand growth applied.
    sites : list of dict
        New plants (:func:`logistics.siting.sites.site_records`).
    travel_sites : list of tuple
        ``(kind, site_id, lat, lon)`` of the task network's sites, in its order.
    travel_km, travel_minutes : numpy.ndarray
        Their travel matrix (road km, minutes).
    travel_source : str
        ``geodesic`` or ``roads.graphml``.
    options : dict
        How to plan the day (``PlanOptions.model_dump()``; one worker).
    travel_legs : dict
        ``(from, to) -> ((road_class, free_minutes), …)``: the road-class stretches of
        the legs of the travel matrix (empty without classes of their own).
    """

    key: str
    scenario: str
    option_id: str
    day: int
    params: dict[str, Any]
    orders: list[dict[str, Any]]
    sites: list[dict[str, Any]]
    travel_sites: list[tuple[str, str, float, float]]
    travel_km: np.ndarray
    travel_minutes: np.ndarray
    travel_source: str
    options: dict[str, Any]
    travel_legs: dict[tuple[int, int], tuple[tuple[str, float], ...]] = field(default_factory=dict)


def task_key(scenario: str, option_id: str, day: int) -> str:
    """The key of one simulated day: ``<scenario>/<option>/day<n>``.

    Parameters
    ----------
    scenario, option_id : str
        Scenario name and option id (``base``: the network as it is).
    day : int
        Day number (from 1).

    Returns
    -------
    str
    """
    return f"{scenario}/{option_id}/day{day}"


def base_payload(network: Network) -> dict[str, Any]:
    """The network as it is, as plain data for workers (no road graph, no candidates)."""
    data = network.model_dump(exclude={"road_graph"})
    data["candidates"] = ()
    data["orders"] = ()
    return data


def task_network(task: SimulationTask, base: dict[str, Any]) -> Network:
    """The network a task plans: the base with the scenario's parameters, plants and day."""
    data = dict(base)
    data["params"] = task.params
    data["orders"] = tuple(Order.model_validate(o) for o in task.orders)
    network = Network.model_validate(data)
    if task.sites:
        network = network_with_sites(network, task.sites)
    return network


def run_task(task: SimulationTask, base: dict[str, Any]) -> dict[str, Any]:
    """Plan, check and price one day (the worker's entry point).

    Returns
    -------
    dict
        ``key``, ``ok`` (checker verdict), ``violations`` (up to 20, as text),
        ``violation_count``, ``plan`` (``Plan.model_dump(mode="json")``, ``None`` if no
        plan could be made), ``error`` and ``wall_s``.
    """
    started = time.perf_counter()
    network = task_network(task, base)
    sites = tuple(Site(*s) for s in task.travel_sites)
    travel = with_roads(  # the scenario's rush hours, as every travel model gets them
        sites,
        np.asarray(task.travel_km),
        np.asarray(task.travel_minutes),
        task.travel_source,
        network.params.roads,
        dict(task.travel_legs),
    )
    try:
        outcome = plan_day(network, PlanOptions.model_validate(task.options), travel=travel)
    except PlanningError as exc:
        return {
            "key": task.key,
            "ok": False,
            "violations": [],
            "violation_count": 0,
            "plan": None,
            "error": str(exc),
            "wall_s": time.perf_counter() - started,
        }
    return {
        "key": task.key,
        "ok": outcome.ok,
        "violations": [str(v) for v in outcome.report.violations[:20]],
        "violation_count": len(outcome.report.violations),
        "plan": outcome.plan.model_dump(mode="json"),
        "error": None,
        "wall_s": time.perf_counter() - started,
    }
