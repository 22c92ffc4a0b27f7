"""The lower bound's programme with the trucks' days in time: a flow of each class's
trucks from their homes, through the smelters on a grid of the day, back home.

:mod:`benchmarks.bound_lp` lets a class's trucks circulate between the sites without
a clock: two trips can be driven by one truck at the same moment, and no truck ever
needs to be at home. Here every trip is also placed in time. Per truck class ``k`` and
smelter ``s`` there is a node ``(k, s, h)`` for each step ``h`` of a grid of
:data:`FLOW_STEP_MIN` minutes over the day; at every node trucks in = trucks out. The
arcs:

* **trips**: a trip whose first fill starts in step ``i``, with its last caster's drive
  on to smelter ``s'`` (the next trip's, or home), leaves ``(k, s, i)`` and arrives at
  ``(k, s', e)``, ``e`` the earliest step it can be there from step ``i``: its shortest
  duration and the drive, or the earliest end its windows allow, and the drive,
  whichever is later (both rounded down: a truck that is there at a moment is there
  at its step);
* **waiting** at a smelter from one step to the next (free);
* **empty drives** from a smelter to another (the drive from home to the first trip's
  smelter, or between trips);
* **the trucks' days**: per class, home and shift, at most that many trucks leave home
  at the shift's start and are back by its end: one arc from ``(k, home, end)`` back to
  ``(k, home, start)`` with that capacity.

Every other row of :mod:`benchmarks.bound_lp` stays (orders, whole ladles, truck hours,
metal released); the flow replaces its circulation without a clock. Column generation
as there: a trip's best start step and next smelter are found for all trips at once
(numpy), and the programme is solved until none has a negative reduced cost.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from benchmarks.bound_lp import (
    ADD_PER_ROUND,
    RC_TOL,
    BoundResult,
    _Arrays,
    _arrays,
    _release_rows,
)
from benchmarks.bound_trips import TOL_MIN, OrderSlot, Trip, TruckClass
from logistics.network.model import Network
from logistics.network.prices import unserved_penalty_per_t
from logistics.physics.travel import Travel

#: Steps of the day's grid, minutes.
FLOW_STEP_MIN = 10.0
#: The LP solver (OR-Tools' name): COIN-OR CLP, re-solved from its last basis as columns come.
LP_SOLVER = "CLP"


@dataclass(frozen=True)
class _Grid:
    """The day's grid and the drives, per class: what the flow's arcs are made of."""

    origin: float  # minutes of step 0
    step: float  # minutes
    steps: int  # nodes per smelter
    c2s_min: np.ndarray  # caster × smelter, minutes (one tolerance short)
    c2s_cny: np.ndarray  # class × caster × smelter, CNY
    s2s_min: np.ndarray  # smelter × smelter
    s2s_cny: np.ndarray  # class × smelter × smelter
    groups: list[tuple[int, int, int, int, int]]  # class, home, start step, end step, trucks

    def at(self, minutes: np.ndarray | float) -> np.ndarray:
        """The step of a moment (rounded down)."""
        return np.floor((np.asarray(minutes) - self.origin) / self.step + 1e-9).astype(int)


def _grid(network: Network, travel: Travel, classes: dict[str, TruckClass], step: float) -> _Grid:
    """The grid over every truck's shift, the drives and the trucks' groups."""
    from benchmarks.bound_trips import class_key

    starts = [network.minutes(t.shift_start) for t in network.fleet]
    ends = [network.minutes(t.shift_end) for t in network.fleet]
    origin = math.floor(min(starts) / step) * step
    steps = math.floor((max(ends) - origin) / step + 1e-9) + 1
    smelters = [travel.smelter(s.smelter_id) for s in network.smelters]
    casters = [travel.caster(c.caster_id) for c in network.casters]
    minutes = np.maximum(0.0, travel.minutes - TOL_MIN)
    c2s_min = minutes[np.ix_(casters, smelters)]
    s2s_min = minutes[np.ix_(smelters, smelters)]
    per_km = np.array([c.per_km for c in classes.values()])[:, None, None]
    per_h = np.array([c.per_h for c in classes.values()])[:, None, None]
    c2s_cny = travel.km[np.ix_(casters, smelters)][None] * per_km + c2s_min[None] / 60 * per_h
    s2s_cny = travel.km[np.ix_(smelters, smelters)][None] * per_km + s2s_min[None] / 60 * per_h
    class_ix = {k: i for i, k in enumerate(classes)}
    smelter_ix = {s.smelter_id: i for i, s in enumerate(network.smelters)}
    counts: dict[tuple[int, int, int, int], int] = {}
    for truck, start, end in zip(network.fleet, starts, ends, strict=True):
        key = (
            class_ix[class_key(network, truck)],
            smelter_ix[truck.home_smelter],
            math.floor((start - origin) / step + 1e-9),
            math.floor((end - origin) / step + 1e-9),
        )
        counts[key] = counts.get(key, 0) + 1
    groups = [(*key, n) for key, n in sorted(counts.items())]
    return _Grid(origin, step, steps, c2s_min, c2s_cny, s2s_min, s2s_cny, groups)


@dataclass(frozen=True)
class _Timing:
    """Per trip: the steps its first fill can start in, and what fixes its arrival."""

    first: np.ndarray  # earliest start step
    last: np.ndarray  # latest start step
    duration: np.ndarray  # shortest minutes from first fill start to last pour end
    end_min: np.ndarray  # earliest moment its last pour can end, minutes


def _timing(trips: list[Trip], arr: _Arrays, grid: _Grid) -> _Timing:
    ff_min = np.array([t.first_fill_min for t in trips])
    ff_max = np.array([t.first_fill_max for t in trips])
    return _Timing(
        first=np.maximum(0, grid.at(ff_min)),
        last=np.minimum(grid.steps - 1, grid.at(ff_max)),
        duration=arr.busy - arr.onward_min,
        end_min=np.array([t.end_min for t in trips]),
    )


def arrival_step(
    grid: _Grid, tm: _Timing, arr: _Arrays, t: np.ndarray, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """The step trip ``t`` started in step ``i`` is at smelter ``j`` at the earliest.

    A first fill at ``τ ≥ origin + i·step`` ends the trip no earlier than ``τ + d`` and
    no earlier than its earliest end ``E``; the drive ``m`` follows. The arrival's step
    is at least ``i + ⌊(d + m) / step⌋`` and at least the step of ``E + m``.
    """
    m = grid.c2s_min[arr.end[t], j]
    by_duration = i + np.floor((tm.duration[t] + m) / grid.step + 1e-9).astype(int)
    return np.maximum(by_duration, grid.at(tm.end_min[t] + m))


def price(
    grid: _Grid, tm: _Timing, arr: _Arrays, base: np.ndarray, phi: np.ndarray, lam: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every trip's lowest reduced cost over its start steps and next smelters.

    Parameters
    ----------
    base : ndarray
        Per trip, its reduced cost without the drive on and the flow's duals, CNY.
    phi : ndarray
        Duals of the flow's nodes, class × smelter × step.
    lam : ndarray
        Duals of the classes' truck hours, CNY/min.

    Returns
    -------
    tuple of ndarray
        Per trip: the lowest reduced cost (CNY; ``inf`` if no step fits), its start step
        and its next smelter.
    """
    n, smelters = len(base), grid.c2s_min.shape[1]
    best = np.full(n, np.inf)
    best_i = np.zeros(n, dtype=int)
    best_j = np.zeros(n, dtype=int)
    span = tm.last - tm.first
    order = np.argsort(-span, kind="stable")
    k_all, s_all = arr.klass, arr.start
    for j in range(smelters):
        extra = grid.c2s_cny[k_all, arr.end, j] - lam[k_all] * grid.c2s_min[arr.end, j]
        for r in range(int(span.max(initial=-1)) + 1):
            t = order[: int(np.searchsorted(-span[order], -r, side="right"))]
            if t.size == 0:
                break
            i = tm.first[t] + r
            e = arrival_step(grid, tm, arr, t, i, np.full(t.size, j))
            ok = e < grid.steps
            t, i, e = t[ok], i[ok], e[ok]
            value = base[t] + extra[t] + phi[k_all[t], s_all[t], i] - phi[k_all[t], j, e]
            better = value < best[t]
            t, i, value = t[better], i[better], value[better]
            best[t], best_i[t], best_j[t] = value, i, j
    return best, best_i, best_j


@dataclass
class _Master:
    """The programme over the active columns: its value, duals and solution."""

    value: float
    order_dual: np.ndarray
    cut_dual: np.ndarray
    class_dual: np.ndarray
    release_dual: list[np.ndarray]
    phi: np.ndarray  # class × smelter × step
    x: np.ndarray  # per active column
    y_tonnes: float  # tonnes delivered
    route_cny: float  # trips with their drives on, and empty drives
    superheat_cny: float


def _flow_rows(
    solver: pywraplp.Solver, grid: _Grid, hours: list[pywraplp.Constraint]
) -> list[list[list[pywraplp.Constraint]]]:
    """The nodes (trucks in = out), the waiting, empty drives and trucks' days."""
    classes, smelters = grid.s2s_cny.shape[0], grid.s2s_cny.shape[1]
    nodes = [
        [[solver.Constraint(0.0, 0.0) for _ in range(grid.steps)] for _ in range(smelters)]
        for _ in range(classes)
    ]
    inf = solver.infinity()
    for k in range(classes):
        for s in range(smelters):
            for h in range(grid.steps - 1):
                wait = solver.NumVar(0.0, inf, "")
                nodes[k][s][h].SetCoefficient(wait, -1.0)
                nodes[k][s][h + 1].SetCoefficient(wait, 1.0)
            for j in range(smelters):
                if j == s:
                    continue
                lag = math.floor(grid.s2s_min[s, j] / grid.step + 1e-9)
                for h in range(grid.steps - lag):
                    drive = solver.NumVar(0.0, inf, "")
                    solver.Objective().SetCoefficient(drive, float(grid.s2s_cny[k, s, j]))
                    hours[k].SetCoefficient(drive, float(grid.s2s_min[s, j]))
                    nodes[k][s][h].SetCoefficient(drive, -1.0)
                    nodes[k][j][h + lag].SetCoefficient(drive, 1.0)
    for k, home, start, end, trucks in grid.groups:
        day = solver.NumVar(0.0, float(trucks), "")
        nodes[k][home][min(end, grid.steps - 1)].SetCoefficient(day, -1.0)
        nodes[k][home][start].SetCoefficient(day, 1.0)
    return nodes


@dataclass(frozen=True)
class _Problem:
    """Everything the master is built from."""

    arr: _Arrays
    grid: _Grid
    tm: _Timing
    slots: list[OrderSlot]
    offset: float  # the penalty of every servable tonne, CNY
    penalty: float  # CNY/t


class _Model:
    """The programme, built once; columns ``(trip, step, smelter)`` are added to it and it
    is solved again (GLOP starts from its last basis)."""

    def __init__(self, pb: _Problem) -> None:
        self.pb = pb
        self.solver = solver = pywraplp.Solver.CreateSolver(LP_SOLVER)
        inf = solver.infinity()
        self.orders = [solver.Constraint(-inf, s.servable_t) for s in pb.slots]
        self.cuts = [solver.Constraint(-inf, float(rhs) + 1e-6) for rhs in pb.arr.cut_rhs]
        self.hours = [solver.Constraint(-inf, cap) for cap in pb.arr.class_caps]
        self.buckets = _release_rows(solver, pb.arr)
        self.nodes = _flow_rows(solver, pb.grid, self.hours)
        self.first_y = np.searchsorted(pb.arr.y_trip, np.arange(len(pb.arr.cost) + 1))
        self.xs: list[pywraplp.Variable] = []
        self.ys: list[tuple[pywraplp.Variable, float]] = []  # with its superheat, CNY/t
        solver.Objective().SetOffset(pb.offset)
        solver.Objective().SetMinimization()

    def add(self, active: np.ndarray) -> None:
        """Add columns (rows of ``(trip, start step, next smelter)``)."""
        arr, grid, solver = self.pb.arr, self.pb.grid, self.solver
        inf, objective = solver.infinity(), solver.Objective()
        t_all, i_all, j_all = active[:, 0], active[:, 1], active[:, 2]
        e_all = arrival_step(grid, self.pb.tm, arr, t_all, i_all, j_all)
        k_all = arr.klass[t_all]
        cost = arr.cost[t_all] - arr.onward_cost[t_all] + grid.c2s_cny[k_all, arr.end[t_all], j_all]
        busy = arr.busy[t_all] - arr.onward_min[t_all] + grid.c2s_min[arr.end[t_all], j_all]
        for n, t in enumerate(t_all):
            x = solver.NumVar(0.0, inf, "")
            objective.SetCoefficient(x, float(cost[n]))
            self.hours[k_all[n]].SetCoefficient(x, float(busy[n]))
            self.nodes[k_all[n]][arr.start[t]][i_all[n]].SetCoefficient(x, -1.0)
            self.nodes[k_all[n]][j_all[n]][e_all[n]].SetCoefficient(x, 1.0)
            self.xs.append(x)
            for i in range(self.first_y[t], self.first_y[t + 1]):
                self._add_y(x, i)

    def _add_y(self, x: pywraplp.Variable, i: int) -> None:
        """The tonnes a trip's column delivers of one order (``i`` its index in ``arr``)."""
        arr, solver = self.pb.arr, self.solver
        o = arr.y_order[i]
        y = solver.NumVar(0.0, solver.infinity(), "")
        solver.Objective().SetCoefficient(y, float(arr.y_cost[i]))
        self.orders[o].SetCoefficient(y, 1.0)
        slope = float(arr.cut_slope[o])
        if slope > 0:
            self.cuts[o].SetCoefficient(y, 1.0)
            self.cuts[o].SetCoefficient(x, -slope * float(arr.y_ladles[i]))
        self.buckets[arr.y_group[i]][arr.y_step[i]].SetCoefficient(y, 1.0)
        link = solver.Constraint(-solver.infinity(), 0.0)
        link.SetCoefficient(y, 1.0)
        link.SetCoefficient(x, -float(arr.y_cap[i]))
        self.ys.append((y, float(arr.y_cost[i]) + self.pb.penalty))

    def solve(self) -> _Master:
        """Solve; the value, duals and the parts of the solution."""
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            raise RuntimeError("the lower bound's timed programme was not solved to optimality")
        pb, value = self.pb, self.solver.Objective().Value()
        tonnes = sum(y.solution_value() for y, _ in self.ys)
        heat = sum(y.solution_value() * h for y, h in self.ys)
        return _Master(
            value=value,
            order_dual=np.array([c.dual_value() for c in self.orders]),
            cut_dual=np.array([c.dual_value() for c in self.cuts]),
            class_dual=np.array([c.dual_value() for c in self.hours]),
            release_dual=[np.array([c.dual_value() for c in rows]) for rows in self.buckets],
            phi=np.array([[[c.dual_value() for c in s] for s in k] for k in self.nodes]),
            x=np.array([x.solution_value() for x in self.xs]),
            y_tonnes=tonnes,
            route_cny=value - pb.offset - (heat - pb.penalty * tonnes),
            superheat_cny=heat,
        )


def _base_costs(arr: _Arrays, m: _Master) -> np.ndarray:
    """Per trip, its reduced cost without the drive on and without the flow's duals."""
    from benchmarks.bound_lp import reduced_costs

    rc = reduced_costs(arr, m, None)  # type: ignore[arg-type]  # same dual fields
    return rc - arr.onward_cost + m.class_dual[arr.klass] * arr.onward_min


def solve_timed_bound(
    network: Network,
    travel: Travel,
    slots: list[OrderSlot],
    classes: dict[str, TruckClass],
    trips: list[Trip],
    *,
    step_min: float = FLOW_STEP_MIN,
    max_rounds: int = 200,
) -> BoundResult:
    """Solve the timed programme (module docstring) by column generation.

    Parameters
    ----------
    network, travel : Network, Travel
        Prices, production, the fleet's homes and shifts, and the drives.
    slots, classes, trips : list, dict, list
        The orders, truck classes and trips (:mod:`benchmarks.bound_trips`).
    step_min : float
        Steps of the day's grid, minutes.
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
    grid = _grid(network, travel, classes, step_min)
    penalty = unserved_penalty_per_t(network.params)
    pb = _Problem(
        arr,
        grid,
        _timing(trips, arr, grid),
        slots,
        penalty * sum(s.servable_t for s in slots),
        penalty,
    )
    model = _Model(pb)
    active = np.zeros((0, 3), dtype=int)
    for rounds in range(1, max_rounds + 1):  # noqa: B007 - reported after the loop
        master = model.solve()
        rc, best_i, best_j = price(
            grid, pb.tm, arr, _base_costs(arr, master), master.phi, master.class_dual
        )
        negative = np.flatnonzero(rc < -RC_TOL)
        if negative.size == 0:
            break
        pick = negative[np.argsort(rc[negative])[:ADD_PER_ROUND]]
        new = np.stack([pick, best_i[pick], best_j[pick]], axis=1)
        model.add(new)
        active = np.concatenate([active, new])
    else:
        raise RuntimeError(f"column generation did not converge in {max_rounds} rounds")
    return BoundResult(
        bound_cny=master.value,
        status="optimal",
        solve_s=time.perf_counter() - started,
        rounds=rounds,
        columns_used=int(active.shape[0]),
        route_cny=master.route_cny,
        superheat_cny=master.superheat_cny,
        unserved_t=sum(s.servable_t for s in slots) - master.y_tonnes,
    )
