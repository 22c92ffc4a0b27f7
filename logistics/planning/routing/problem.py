"""Plain data of a pickup-and-delivery routing problem and its result.

Everything here can be pickled, so a problem built in one process is solved in another
(an OR-Tools model itself cannot be pickled).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

PICKUP, DELIVERY, SINGLE = "pickup", "delivery", "single"


@dataclass(frozen=True)
class Node:
    """A stop to visit.

    Attributes
    ----------
    location : int
        Row of the travel matrices.
    service : int
        Service duration (time units).
    earliest, latest : int
        Window for the *start* of service.
    demand : int
        Load change: positive at pickups, negative at deliveries.
    kind : str
        ``pickup``, ``delivery`` or ``single``.
    group : int
        Pickup group (the smelter); pickups of different groups may not follow each
        other when ``pickup_groups`` is set.
    label : str
        What the node is, for people (error messages): e.g. the job and order.
    soft : tuple of int or None
        ``(lo, hi, cost)``: a start before ``lo`` or after ``hi`` costs ``cost`` per
        time unit outside (a booked time to keep where possible).
    weight : int
        Second load change, like ``demand`` (the ladle model: kg of metal), bounded by
        the vehicles' ``weight_capacity``.
    """

    location: int
    service: int
    earliest: int
    latest: int
    demand: int
    kind: str = SINGLE
    group: int = -1
    label: str = ""
    soft: tuple[int, int, int] | None = None
    weight: int = 0


@dataclass(frozen=True)
class Vehicle:
    """A vehicle: where and when it may start and end, what it carries and costs.

    ``label`` says which vehicle it is, for people (error messages);
    ``weight_capacity`` bounds the nodes' ``weight`` on board (``None``: no bound);
    ``max_trips`` the trips it makes, a trip starting at each pickup reached from the
    start or from a delivery (``None``: no bound).
    """

    start_location: int
    end_location: int
    capacity: int
    earliest_start: int
    latest_end: int
    cost_per_distance: int = 1
    cost_per_time: int = 0
    fixed_cost: int = 0
    label: str = ""
    weight_capacity: int | None = None
    max_trips: int | None = None


@dataclass(frozen=True)
class Pair:
    """A pickup and its delivery (node indices), served by one vehicle or not at all.

    Attributes
    ----------
    max_ride : int or None
        Longest time from the start of the pickup to the start of the delivery.
    penalty : int or None
        Cost of leaving the pair unserved; ``None`` makes it mandatory.
    vehicles : tuple[int, ...] or None
        Vehicles allowed to serve it (``None``: all).
    home_vehicle : int or None
        The vehicle the pair is booked on: serving it on another costs ``move_cost``.
    move_cost : int
        Cost of serving the pair on another vehicle than ``home_vehicle``.
    """

    pickup: int
    delivery: int
    max_ride: int | None = None
    penalty: int | None = None
    vehicles: tuple[int, ...] | None = None
    home_vehicle: int | None = None
    move_cost: int = 0


@dataclass(frozen=True)
class RoutingProblem:
    """Everything the core needs; plain data, so it can be pickled to another process.

    ``time`` and ``distance`` are integer matrices between locations; ``single_penalty``
    makes single (unpaired) nodes optional at that cost. ``pickup_capacity`` holds
    ``(location, capacity)``: at most ``capacity`` pickups at that location in service
    at the same moment (a smelter's fill bays), posted as a cumulative constraint when
    ``post_pickup_capacity`` is set (otherwise only the caller's re-timing sees it).
    """

    nodes: tuple[Node, ...]
    vehicles: tuple[Vehicle, ...]
    time: np.ndarray
    distance: np.ndarray
    pairs: tuple[Pair, ...] = ()
    single_penalty: int | None = None
    pickup_groups: bool = False
    empty_before_pickup: bool = False
    horizon: int = 10**7
    pickup_capacity: tuple[tuple[int, int], ...] = ()
    post_pickup_capacity: bool = False


@dataclass
class RoutingResult:
    """Routes found, what was dropped, and how the search went.

    ``routes[v]`` lists ``(node, start_of_service)`` in visiting order, depots excluded.
    ``snapshots`` holds earlier solutions' routes, oldest first, when the search was
    asked to keep them, and ``snapshot_objectives`` their objectives (same order).
    ``empty_objective`` is the objective of routes that serve nothing (every optional
    pair's penalty), where the caller set it: ``objective - empty_objective`` is what the
    routes cost net of the penalties they avoid.
    """

    routes: list[list[tuple[int, int]]]
    dropped: list[int]
    status: str
    objective: int | None
    wall_s: float
    first_solution_s: float | None = None
    solutions: int = 0
    initial_accepted: bool | None = None
    log: list[tuple[float, int]] = field(default_factory=list)
    snapshots: list[list[list[tuple[int, int]]]] = field(default_factory=list)
    snapshot_objectives: list[int] = field(default_factory=list)
    empty_objective: int | None = None
