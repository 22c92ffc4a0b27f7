"""MTVRPTWR instances: reader, best-known solutions, DIMACS distance, checker, PyVRP peer.

The multi-trip VRP with time windows and release dates (Yang 2023; release dates after
Cattaruzza, Absi & Feillet 2016), as VRPLIB text files (``benchmarks/data/mtvrptwr/``,
see its ``README.md``): ``K`` vehicles of capacity ``Q`` per *trip*; a vehicle returns to
the depot to reload as often as it likes; a trip may leave the depot only once the goods
of every client on it are released (``RELEASE_TIME_SECTION``); service at a client
starts inside its window; the vehicle is back at the depot before the depot closes.

Conventions, those of the best-known solutions (``.sol``): **DIMACS** rounding — every
distance and duration is the Euclidean distance truncated to one decimal (here: integer
*tenths*, ``trunc(10 · d)``, exactly as ``pyvrp.read(..., round_func="dimacs")``),
travel time = distance, and every other number of the file (windows, service, release
times) multiplied by 10. ``SERVICE_TIME`` in the header is the service time at *every
client* (the depot's is 0) — PyVRP reads it so, and the published BKS routes bear it
out: all 81 are feasible with it by :func:`check_routes`, while 61 of them would not be
with a reload time of ``SERVICE_TIME`` at each return to the depot. There is no
loading time at the depot.

A solution is a list of vehicles, each a list of trips, each a list of client nodes
(1…n; the depot is node 0 and left out). :func:`check_routes` re-simulates it in exact
integer tenths and lists every violated rule; :func:`routes_tenths` is its length.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

#: A solution: per vehicle, per trip, the client nodes in visiting order.
Routes = list[list[list[int]]]


@dataclass(frozen=True)
class MtInstance:
    """An MTVRPTWR instance as read from its VRPLIB file; node 0 is the depot.

    Attributes
    ----------
    name : str
        ``NAME`` of the file (``C201R0.25``).
    vehicles, capacity : int
        ``K`` vehicles, capacity ``Q`` per trip.
    x, y : tuple of float
        Coordinates per node.
    demand : tuple of int
        Per node (the depot's is 0).
    early, late : tuple of float
        Time window per node (the depot's is the planning horizon).
    service : tuple of float
        Service time per node (the depot's is 0: no loading time).
    release : tuple of float
        Release time per node: a trip leaves only after that of every client on it.
    """

    name: str
    vehicles: int
    capacity: int
    x: tuple[float, ...]
    y: tuple[float, ...]
    demand: tuple[int, ...]
    early: tuple[float, ...]
    late: tuple[float, ...]
    service: tuple[float, ...]
    release: tuple[float, ...]

    @property
    def n_clients(self) -> int:
        """Number of clients (nodes other than the depot)."""
        return len(self.x) - 1


@dataclass(frozen=True)
class MtBks:
    """A best-known solution from a ``.sol`` file.

    Attributes
    ----------
    distance : float
        ``Cost`` ÷ 10: the DIMACS distance (tenths truncated per arc).
    optimal : bool
        ``Optimal: True`` in the file (proven optimal).
    routes : Routes
        The published routes, reloads as trip boundaries.
    """

    distance: float
    optimal: bool
    routes: Routes


_SECTION = re.compile(r"^([A-Z_]+)_SECTION\s*$")
_HEADER = re.compile(r"^([A-Z_]+)\s*:\s*(.*)$")


def _sections(path: Path) -> tuple[dict[str, str], dict[str, list[list[float]]]]:
    """The header fields and the numeric rows of every section of a VRPLIB file."""
    header: dict[str, str] = {}
    sections: dict[str, list[list[float]]] = {}
    current: list[list[float]] | None = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        if match := _SECTION.match(line):
            current = sections.setdefault(match.group(1), [])
        elif match := _HEADER.match(line):
            header[match.group(1)] = match.group(2).strip()
            current = None
        elif current is not None:
            current.append([float(v) for v in line.split()])
    return header, sections


def _column(
    rows: list[list[float]], n: int, what: str, path: Path, default: Any = 0.0
) -> list[Any]:
    """Per-node values of a section (``node value...`` rows, nodes 1…n in the file)."""
    values = [default] * n
    for row in rows:
        node = int(row[0]) - 1
        if not 0 <= node < n:
            raise ValueError(f"{path}: {what} row for unknown node {int(row[0])}")
        values[node] = row[1] if len(row) == 2 else tuple(row[1:])
    return values


def read_mtvrptwr(path: Path | str) -> MtInstance:
    """Read an MTVRPTWR instance (VRPLIB text, one depot).

    Parameters
    ----------
    path : Path or str
        The ``.vrp`` file.

    Returns
    -------
    MtInstance
        Node 0 is the depot (node 1 of the file).

    Raises
    ------
    ValueError
        Without coordinates, with more than one depot or a depot other than node 1.
    """
    path = Path(path)
    header, sec = _sections(path)
    coords = sec.get("NODE_COORD", [])
    n = len(coords)
    depots = [int(r[0]) for r in sec.get("DEPOT", []) if r and r[0] > 0]
    if n < 2 or depots not in ([], [1]):
        raise ValueError(f"{path}: need coordinates and exactly one depot, node 1")
    xy = _column(coords, n, "NODE_COORD", path, (0.0, 0.0))
    windows = _column(sec.get("TIME_WINDOW", []), n, "TIME_WINDOW", path, (0.0, math.inf))
    scalar = float(header.get("SERVICE_TIME", 0) or 0)
    service = _column(sec.get("SERVICE_TIME", []), n, "SERVICE_TIME", path, scalar)
    service[0] = 0.0
    return MtInstance(
        name=header.get("NAME", path.stem),
        vehicles=int(header["VEHICLES"]),
        capacity=int(float(header["CAPACITY"])),
        x=tuple(float(p[0]) for p in xy),
        y=tuple(float(p[1]) for p in xy),
        demand=tuple(int(d) for d in _column(sec.get("DEMAND", []), n, "DEMAND", path)),
        early=tuple(float(w[0]) for w in windows),
        late=tuple(float(w[1]) for w in windows),
        service=tuple(float(s) for s in service),
        release=tuple(float(r) for r in _column(sec.get("RELEASE_TIME", []), n, "RELEASE", path)),
    )


def read_mt_solution(path: Path | str) -> MtBks:
    """Read a ``.sol`` file: ``Route #k: ...`` lines (``0`` = a reload), ``Cost``, ``Optimal``.

    Returns
    -------
    MtBks
        Distance ``Cost / 10`` (DIMACS), whether proven optimal, the routes.
    """
    routes: Routes = []
    cost = math.nan
    optimal = False
    for line in Path(path).read_text().splitlines():
        key, _, value = line.partition(":")
        if key.strip().startswith("Route"):
            trips: list[list[int]] = [[]]
            for node in (int(v) for v in value.split()):
                if node == 0:
                    trips.append([])
                else:
                    trips[-1].append(node)
            routes.append([t for t in trips if t])
        elif key.strip() == "Cost":
            cost = float(value) / 10.0
        elif key.strip() == "Optimal":
            optimal = value.strip().lower() == "true"
    return MtBks(cost, optimal, routes)


def dimacs_tenths(instance: MtInstance) -> np.ndarray:
    """Distances in integer tenths, truncated: ``trunc(10 · euclid)`` (PyVRP's ``dimacs``)."""
    xy = np.column_stack([instance.x, instance.y]).astype(np.float64)
    euclid = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    return (10 * euclid).astype(np.int64)


def routes_tenths(instance: MtInstance, routes: Routes, tenths: np.ndarray | None = None) -> int:
    """Length of a solution in DIMACS tenths: every trip from the depot and back."""
    d = dimacs_tenths(instance) if tenths is None else tenths
    total = 0
    for vehicle in routes:
        for trip in vehicle:
            path = [0, *trip, 0]
            total += int(sum(d[a, b] for a, b in pairwise(path)))
    return total


def _check_vehicle(
    instance: MtInstance, v: int, trips: list[list[int]], d: np.ndarray, problems: list[str]
) -> None:
    """Re-simulate one vehicle's trips at the earliest times, in tenths."""
    early = [round(10 * e) for e in instance.early]
    late = [round(10 * e) for e in instance.late]
    t = early[0]
    for k, trip in enumerate(trips):
        t = max([t, *(round(10 * instance.release[c]) for c in trip)])
        load = sum(instance.demand[c] for c in trip)
        if load > instance.capacity:
            problems.append(f"vehicle {v} trip {k + 1}: load {load} > {instance.capacity}")
        prev = 0
        for c in trip:
            t = max(t + int(d[prev, c]), early[c])
            if t > late[c]:
                problems.append(f"vehicle {v}: client {c} starts at {t / 10:g} > {late[c] / 10:g}")
            t += round(10 * instance.service[c])
            prev = c
        t += int(d[prev, 0])
    if t > late[0]:
        problems.append(f"vehicle {v}: back at the depot at {t / 10:g} > {late[0] / 10:g}")


def check_routes(instance: MtInstance, routes: Routes) -> list[str]:
    """Check a solution against the instance's rules, in DIMACS tenths; list every violation.

    Parameters
    ----------
    instance : MtInstance
        The instance.
    routes : Routes
        Per vehicle, per trip, client nodes in visiting order.

    Returns
    -------
    list of str
        Each client exactly once, at most ``K`` vehicles, each trip's load at most ``Q``,
        each trip leaving after the release time of all its clients, service starting in
        the window (waiting allowed), every vehicle back at the depot before it closes.
        Re-simulated at the earliest times the sequence allows. Empty when feasible.
    """
    d = dimacs_tenths(instance)
    problems: list[str] = []
    used = [[t for t in v if t] for v in routes]
    used = [v for v in used if v]
    if len(used) > instance.vehicles:
        problems.append(f"{len(used)} vehicles used, {instance.vehicles} available")
    seen: dict[int, int] = {}
    for vehicle in used:
        for trip in vehicle:
            for c in trip:
                seen[c] = seen.get(c, 0) + 1
    for c in range(1, instance.n_clients + 1):
        if seen.get(c, 0) != 1:
            problems.append(f"client {c} visited {seen.get(c, 0)} times")
    problems += [f"unknown node {c}" for c in seen if not 1 <= c <= instance.n_clients]
    if any(not 1 <= c <= instance.n_clients for c in seen):
        return problems
    for v, vehicle in enumerate(used):
        _check_vehicle(instance, v, vehicle, d, problems)
    return problems


def pyvrp_routes(result: Any) -> Routes:
    """The routes of a PyVRP result as trips of client nodes (reload depots split trips)."""
    routes: Routes = []
    for route in result.best.routes():
        trips: list[list[int]] = [[]]
        for activity in route.schedule():
            if activity.is_depot():
                trips.append([])
            else:
                trips[-1].append(activity.idx + 1)  # one depot: client k is node k + 1
        routes.append([t for t in trips if t])
    return routes


def with_slots(data: Any, slots: int) -> Any:
    """PyVRP data of an instance with a second load dimension: each client takes one of
    ``slots`` per trip (a truck of ``slots`` ladles, one client a ladle)."""
    import pyvrp

    clients = [
        pyvrp.Client(
            location=c.location,
            delivery=[c.delivery[0], 1],
            pickup=[c.pickup[0], 0],
            service_duration=c.service_duration,
            tw_early=c.tw_early,
            tw_late=c.tw_late,
            release_time=c.release_time,
            prize=c.prize,
            required=c.required,
            group=c.group,
            name=c.name,
        )
        for c in data.clients()
    ]
    types = [
        vt.replace(capacity=[vt.capacity[0], slots], initial_load=[vt.initial_load[0], 0])
        for vt in data.vehicle_types()
    ]
    return data.replace(clients=clients, vehicle_types=types)


def solve_pyvrp_mt(
    path: Path, time_limit_s: float, seed: int = 0, slots: int | None = None
) -> tuple[Routes, str, float]:
    """Solve the file natively with PyVRP (``pyvrp.read`` in DIMACS rounding), one thread.

    ``slots``: at most that many clients a trip besides the capacity (:func:`with_slots`),
    the instance as a ladle day of trucks with ``slots`` ladles can serve it.

    Returns
    -------
    tuple
        Routes, ``feasible``/``infeasible`` as PyVRP judges, wall seconds.
    """
    import pyvrp
    from pyvrp.stop import MaxRuntime

    started = time.perf_counter()
    data = pyvrp.read(path, round_func="dimacs")
    if slots is not None:
        data = with_slots(data, slots)
    result = pyvrp.solve(data, stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    status = "feasible" if result.is_feasible() else "infeasible"
    return pyvrp_routes(result), status, time.perf_counter() - started
