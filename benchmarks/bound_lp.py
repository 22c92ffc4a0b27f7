"""The lower bound's linear programme over the trips of :mod:`benchmarks.bound_trips`.

Variables: ``x_t`` how often trip ``t`` is driven; ``y_t,o`` tonnes it delivers of order
``o`` (at most its ladles of ``o`` × the class's ladle size × ``x_t``); the servable tonnes
of each order left unserved are what the ``y`` leave. Minimise

    penalty × Σ servable_o + Σ cost_t x_t + Σ (superheat_t,o − penalty) y_t,o

(trip costs, superheat, and the unserved penalty of every servable tonne not delivered)
subject to

* **orders**: ``Σ_t y_t,o ≤ servable_o``;
* **truck hours**: per class, ``Σ busy_t x_t`` ≤ the sum of its trucks' shifts;
* **metal released**: per smelter and alloy, for every moment ``T`` of a 15-minute grid,
  the tonnes of the trips whose fills can only start by ``T`` ≤ ``stock_t + rate_tph ×
  (T − open)`` (the checker's production rule, at the trips' latest fills).

There are far too many trips to hand them all to the solver at once, so the programme
is solved by column generation: OR-Tools' GLOP solves it over a subset, every trip is
priced with the duals (numpy, all at once), the most negative are added, until no trip
has a negative reduced cost: the optimum over the subset is then the optimum over all.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from benchmarks.bound_trips import TOL_MIN, OrderSlot, Trip, TruckClass
from logistics.network.model import Network
from logistics.network.prices import unserved_penalty_per_t

#: Grid of the metal-released rows, minutes.
RELEASE_STEP_MIN = 15.0
#: Trips added per round of column generation (the most negative reduced costs).
ADD_PER_ROUND = 4000
#: Reduced cost below which a trip still improves the programme, CNY.
RC_TOL = 1e-6


@dataclass(frozen=True)
class BoundResult:
    """What solving the programme gave.

    Attributes
    ----------
    bound_cny : float
        The lower bound on the objective: the LP optimum over every trip, CNY.
    status : str
        The solver's status name.
    solve_s : float
        Wall time of the column generation, s.
    rounds, columns_used : int
        Rounds of column generation, and trips handed to the solver in the end.
    route_cny, superheat_cny, unserved_t : float
        The parts of the programme's solution: trip cost (CNY), superheat (CNY),
        servable tonnes left unserved (t).
    """

    bound_cny: float
    status: str
    solve_s: float
    rounds: int
    columns_used: int
    route_cny: float
    superheat_cny: float
    unserved_t: float


@dataclass(frozen=True)
class _Arrays:
    """The programme's data as arrays: one entry per trip, and one per (trip, order)."""

    cost: np.ndarray  # per trip, CNY
    busy: np.ndarray  # per trip, minutes
    klass: np.ndarray  # per trip, class index
    y_trip: np.ndarray  # per y: its trip
    y_order: np.ndarray  # per y: its order's index
    y_cap: np.ndarray  # per y: tonnes per x
    y_cost: np.ndarray  # per y: superheat − penalty, CNY/t
    y_group: np.ndarray  # per y: its (smelter, alloy) group
    y_step: np.ndarray  # per y: its release step
    group_caps: list[list[float]]  # per group, per step: tonnes released by then
    class_caps: list[float]  # per class: minutes of shifts
    km_cost: np.ndarray  # per trip: the part of its cost that is km, CNY
    per_h: np.ndarray  # per class, CNY/h
    trucks: np.ndarray  # per class
    ff_lo: np.ndarray  # per trip: earliest first fill, minutes
    ff_hi: np.ndarray  # per trip: latest first fill, minutes


def _arrays(
    network: Network, slots: list[OrderSlot], classes: dict[str, TruckClass], trips: list[Trip]
) -> _Arrays:
    """Flatten the trips into arrays (see :class:`_Arrays`)."""
    penalty = unserved_penalty_per_t(network.params)
    order_ix = {s.order_id: i for i, s in enumerate(slots)}
    class_ix = {k: i for i, k in enumerate(classes)}
    group_ix: dict[tuple[str, str], int] = {}
    rows: list[tuple[int, int, float, float, int, int]] = []
    steps: dict[int, int] = defaultdict(int)
    for t, trip in enumerate(trips):
        cls = classes[trip.class_key]
        opens = network.minutes(network.smelter_by_id[trip.smelter_id].open)
        step = max(0, math.ceil((trip.last_fill_start - opens) / RELEASE_STEP_MIN - 1e-9))
        for (order_id, n), heat in zip(trip.ladles, trip.superheat_per_t, strict=True):
            slot = slots[order_ix[order_id]]
            group = group_ix.setdefault((trip.smelter_id, slot.alloy), len(group_ix))
            steps[group] = max(steps[group], step)
            cap = min(n * cls.ladle_t, slot.servable_t)
            rows.append((t, order_ix[order_id], cap, heat - penalty, group, step))
    group_caps = []
    for (smelter_id, alloy), g in group_ix.items():
        prod = network.production_by_key[(smelter_id, alloy)]
        group_caps.append(
            [
                prod.stock_t + prod.rate_tph * (k * RELEASE_STEP_MIN + TOL_MIN) / 60.0 + 1e-6
                for k in range(steps[g] + 1)
            ]
        )
    cols = np.array(rows, dtype=float).reshape(-1, 6)
    return _Arrays(
        cost=np.array([t.cost_cny for t in trips]),
        busy=np.array([t.busy_min for t in trips]),
        klass=np.array([class_ix[t.class_key] for t in trips], dtype=int),
        y_trip=cols[:, 0].astype(int),
        y_order=cols[:, 1].astype(int),
        y_cap=cols[:, 2],
        y_cost=cols[:, 3],
        y_group=cols[:, 4].astype(int),
        y_step=cols[:, 5].astype(int),
        group_caps=group_caps,
        class_caps=[c.shift_min for c in classes.values()],
        km_cost=np.array([t.km_cny for t in trips]),
        per_h=np.array([c.per_h for c in classes.values()]),
        trucks=np.array([c.trucks for c in classes.values()]),
        ff_lo=np.array([t.first_fill_min for t in trips]),
        ff_hi=np.array([t.first_fill_max for t in trips]),
    )


@dataclass(frozen=True)
class _Flow:
    """The trucks' day on a grid of ``step`` minutes (``None``: no grid, no waiting)."""

    step: float | None
    buckets: int = 0

    def start(self, arr: _Arrays) -> tuple[np.ndarray, np.ndarray]:
        """Per trip, the first and last grid point its first fill can start in."""
        if self.step is None:
            zeros = np.zeros(len(arr.cost), dtype=int)
            return zeros, zeros
        return (
            np.floor(arr.ff_lo / self.step).astype(int),
            np.floor(arr.ff_hi / self.step).astype(int),
        )

    def length(self, arr: _Arrays) -> np.ndarray:
        """Per trip, whole grid steps of its shortest duration (drive on included)."""
        if self.step is None:
            return np.zeros(len(arr.cost), dtype=int)
        return np.floor(arr.busy / self.step + 1e-9).astype(int)

    def cost(self, arr: _Arrays) -> np.ndarray:
        """Per trip, its cost on the grid: km, and hours in whole steps (CNY)."""
        if self.step is None:
            return arr.cost
        hours = self.length(arr) * self.step / 60.0
        return arr.km_cost + hours * arr.per_h[arr.klass]


@dataclass
class _Master:
    """The programme over a subset of (trip, grid start) pairs, solved; duals and values."""

    value: float
    order_dual: np.ndarray
    class_dual: np.ndarray
    release_dual: list[np.ndarray]  # per group, per step
    node_dual: np.ndarray  # per class, per grid point (zeros without a grid)
    x: np.ndarray  # per active pair
    y: np.ndarray  # per y of the active pairs, in pair order


def _flow_rows(
    solver: pywraplp.Solver, arr: _Arrays, flow: _Flow
) -> list[list[pywraplp.Constraint]]:
    """Per class and grid point, trucks in = trucks out; waiting, arriving and leaving."""
    if flow.step is None:
        return []
    inf = solver.infinity()
    nodes = []
    for k, per_h in enumerate(arr.per_h):
        rows = [solver.Constraint(0.0, 0.0) for _ in range(flow.buckets + 1)]
        trucks = solver.Constraint(-inf, float(arr.trucks[k]))
        for b, row in enumerate(rows):
            enter, leave = solver.NumVar(0.0, inf, ""), solver.NumVar(0.0, inf, "")
            row.SetCoefficient(enter, 1.0)
            row.SetCoefficient(leave, -1.0)
            trucks.SetCoefficient(enter, 1.0)
            if b < flow.buckets:
                wait = solver.NumVar(0.0, inf, "")
                solver.Objective().SetCoefficient(wait, per_h * flow.step / 60.0)
                row.SetCoefficient(wait, -1.0)
                rows[b + 1].SetCoefficient(wait, 1.0)
        nodes.append(rows)
    return nodes


def _release_rows(solver: pywraplp.Solver, arr: _Arrays) -> list[list[pywraplp.Constraint]]:
    """Per smelter and alloy: tonnes per grid step (``z``), cumulative within what is released."""
    inf = solver.infinity()
    buckets = [[solver.Constraint(0.0, 0.0) for _ in caps] for caps in arr.group_caps]
    for g, caps in enumerate(arr.group_caps):
        zs = []
        for k, cap in enumerate(caps):
            z = solver.NumVar(0.0, inf, "")
            buckets[g][k].SetCoefficient(z, -1.0)
            zs.append(z)
            row = solver.Constraint(-inf, cap)
            for earlier in zs:
                row.SetCoefficient(earlier, 1.0)
    return buckets


def _solve_master(
    arr: _Arrays,
    slots: list[OrderSlot],
    pairs: tuple[np.ndarray, np.ndarray],
    flow: _Flow,
    offset: float,
) -> _Master:
    """Solve the programme over the (trip, grid start) ``pairs`` with GLOP."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    inf = solver.infinity()
    orders = [solver.Constraint(-inf, s.servable_t) for s in slots]
    hours = [solver.Constraint(-inf, cap) for cap in arr.class_caps]
    buckets = _release_rows(solver, arr)
    nodes = _flow_rows(solver, arr, flow)
    cost, length = flow.cost(arr), flow.length(arr)
    objective = solver.Objective()
    xs, ys = [], []
    first_y = np.searchsorted(arr.y_trip, np.arange(len(arr.cost) + 1))
    for t, b in zip(*pairs, strict=True):
        x = solver.NumVar(0.0, inf, "")
        objective.SetCoefficient(x, float(cost[t]))
        hours[arr.klass[t]].SetCoefficient(x, float(arr.busy[t]))
        if nodes:
            nodes[arr.klass[t]][b].SetCoefficient(x, -1.0)
            nodes[arr.klass[t]][b + length[t]].SetCoefficient(x, 1.0)
        xs.append(x)
        for i in range(first_y[t], first_y[t + 1]):
            y = solver.NumVar(0.0, inf, "")
            objective.SetCoefficient(y, float(arr.y_cost[i]))
            orders[arr.y_order[i]].SetCoefficient(y, 1.0)
            buckets[arr.y_group[i]][arr.y_step[i]].SetCoefficient(y, 1.0)
            link = solver.Constraint(-inf, 0.0)
            link.SetCoefficient(y, 1.0)
            link.SetCoefficient(x, -float(arr.y_cap[i]))
            ys.append(y)
    objective.SetOffset(offset)
    objective.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise RuntimeError(f"the lower bound's programme ended with status {status}")
    return _Master(
        value=objective.Value(),
        order_dual=np.array([c.dual_value() for c in orders]),
        class_dual=np.array([c.dual_value() for c in hours]),
        release_dual=[np.array([c.dual_value() for c in rows]) for rows in buckets],
        node_dual=np.array([[c.dual_value() for c in rows] for rows in nodes] or [[0.0]]),
        x=np.array([x.solution_value() for x in xs]),
        y=np.array([y.solution_value() for y in ys]),
    )


def reduced_costs(arr: _Arrays, master: _Master, flow: _Flow) -> tuple[np.ndarray, np.ndarray]:
    """Every trip's least reduced cost over its grid starts, and that start.

    Its ``y`` are taken at their best (each at its cap where its reduced cost is
    negative), CNY.
    """
    release = np.zeros(len(arr.y_group))
    for g, duals in enumerate(master.release_dual):
        mask = arr.y_group == g
        release[mask] = duals[arr.y_step[mask]]
    rc_y = arr.y_cost - master.order_dual[arr.y_order] - release
    n = len(arr.cost)
    gain = np.bincount(arr.y_trip, weights=arr.y_cap * np.minimum(0.0, rc_y), minlength=n)
    base = flow.cost(arr) - master.class_dual[arr.klass] * arr.busy + gain
    lo, hi = flow.start(arr)
    if flow.step is None:
        return base, lo
    length = flow.length(arr)
    phi = master.node_dual
    best, at = np.full(n, np.inf), lo.copy()
    for offset in range(int((hi - lo).max()) + 1):
        b = lo + offset
        ok = b <= hi
        value = np.where(ok, phi[arr.klass, np.minimum(b, flow.buckets)], np.inf)
        end = np.minimum(b + length, flow.buckets)
        value = value - np.where(ok, phi[arr.klass, end], 0.0)
        better = value < best
        best, at = np.where(better, value, best), np.where(better, b, at)
    return base + best, at


def solve_bound(
    network: Network,
    slots: list[OrderSlot],
    classes: dict[str, TruckClass],
    trips: list[Trip],
    *,
    step_min: float | None = None,
    max_rounds: int = 200,
) -> BoundResult:
    """Solve the programme (module docstring) by column generation; return its bound.

    Parameters
    ----------
    network : Network
        Prices and production.
    slots, classes, trips : list, dict, list
        The orders, truck classes and trips (:mod:`benchmarks.bound_trips`).
    step_min : float or None
        Grid of the trucks' day, minutes, to count the trucks' waiting between trips
        (experimental: slow to converge on the sample days); ``None`` (the default)
        leaves waiting out.
    max_rounds : int
        Rounds of column generation at most.

    Returns
    -------
    BoundResult

    Raises
    ------
    RuntimeError
        When the programme is not solved to optimality within ``max_rounds``.
    """
    started = time.perf_counter()
    arr = _arrays(network, slots, classes, trips)
    flow = _Flow(step_min)
    if step_min is not None:
        _, hi = flow.start(arr)
        flow = _Flow(step_min, int((hi + flow.length(arr)).max()) + 1)
    offset = unserved_penalty_per_t(network.params) * sum(s.servable_t for s in slots)
    if step_min is not None:  # each truck's day may be counted one grid step too long
        offset -= float(arr.trucks @ arr.per_h) * step_min / 60.0
    pairs = (np.zeros(0, dtype=int), np.zeros(0, dtype=int))
    seen: set[tuple[int, int]] = set()
    rounds = 0
    while rounds < max_rounds:
        rounds += 1
        master = _solve_master(arr, slots, pairs, flow, offset)
        rc, at = reduced_costs(arr, master, flow)
        negative = (
            [t for t in np.argsort(rc) if rc[t] < -RC_TOL and (int(t), int(at[t])) not in seen][
                :ADD_PER_ROUND
            ]
            if (rc < -RC_TOL).any()
            else []
        )
        if not negative:
            break
        new = np.array(negative, dtype=int)
        seen.update((int(t), int(at[t])) for t in new)
        pairs = (np.concatenate([pairs[0], new]), np.concatenate([pairs[1], at[new]]))
    if rounds >= max_rounds and negative:
        raise RuntimeError(f"column generation did not converge in {max_rounds} rounds")
    penalty = unserved_penalty_per_t(network.params)
    first_y = np.searchsorted(arr.y_trip, np.arange(len(arr.cost) + 1))
    y_ix = np.concatenate([np.arange(first_y[t], first_y[t + 1]) for t in pairs[0]] or [[]])
    served = float(master.y.sum())
    return BoundResult(
        bound_cny=master.value,
        status="optimal",
        solve_s=time.perf_counter() - started,
        rounds=rounds,
        columns_used=len(pairs[0]),
        route_cny=float(flow.cost(arr)[pairs[0]] @ master.x),
        superheat_cny=float((arr.y_cost[y_ix.astype(int)] + penalty) @ master.y),
        unserved_t=sum(s.servable_t for s in slots) - served,
    )
