"""The lower bound's linear programme over the trips of :mod:`benchmarks.bound_trips`.

Variables, per truck class ``k``: ``x_t`` how often trip ``t`` is driven; ``y_t,o``
tonnes it delivers of order ``o`` (at most its ladles of ``o`` × the class's ladle size
× ``x_t``); ``r_a`` how often the empty drive ``a`` (a caster or smelter to a smelter) is
driven. Minimise

    penalty × Σ servable_o + Σ cost_t x_t + Σ cost_a r_a + Σ (superheat_t,o − penalty) y_t,o

(trip costs, empty drives, superheat, and the unserved penalty of every servable tonne
not delivered) subject to

* **orders**: ``Σ_t y_t,o ≤ servable_o``, and ``Σ_t y_t,o ≤ (L − r) F + r × Σ_t
  ladles_t,o x_t`` (whole ladles of at most ``L`` t: :func:`_ladle_cuts`);
* **where trucks go** (per class): trucks into each smelter and caster = trucks out
  — a trip leaves its smelter and ends at its last caster, an empty drive takes the
  truck on to a smelter, where the next trip (or home) starts;
* **truck hours**: per class, the minutes of its trips and empty drives ≤ the sum of
  its trucks' shifts;
* **metal released**: per smelter and alloy, for every moment ``T`` of a 15-minute grid,
  the tonnes of the trips whose fills can only start by ``T`` ≤ ``stock_t + rate_tph ×
  (T − open)`` (the checker's production rule, at the trips' latest fills).

Without the trucks' circulation (``circulate=False``) each trip is charged the cheapest
drive on to any smelter instead: a weaker bound, reported beside the other.

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
from logistics.physics.travel import Travel

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
    driven: tuple[int, ...] = ()  # trips (indices) the solution drives


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
    y_ladles: np.ndarray  # per y: the trip's ladles of its order
    cut_slope: np.ndarray  # per order: r of its ladle cut (0: no cut)
    cut_rhs: np.ndarray  # per order: (L − r) × F of its ladle cut, t
    group_caps: list[list[float]]  # per group, per step: tonnes released by then
    class_caps: list[float]  # per class: minutes of shifts
    onward_cost: np.ndarray  # per trip: the cheapest drive on included in ``cost``, CNY
    onward_min: np.ndarray  # per trip: the shortest drive on included in ``busy``, min
    start: np.ndarray  # per trip: its smelter's index
    end: np.ndarray  # per trip: its last caster's index


def _ladle_cuts(slots: list[OrderSlot], ladle_t: float) -> tuple[np.ndarray, np.ndarray]:
    """Per order, the cut ``delivered ≤ (L − r) F + r × ladles`` (``r``, ``(L − r) F``).

    ``L`` is the largest ladle (t), ``F = ⌊T / L⌋`` and ``r = T − L F`` for the order's
    servable tonnes ``T``. With a whole number ``N`` of ladles of at most ``L`` t each
    an order gets at most ``min(T, L N)`` t, and that is never more than the cut allows
    (``N ≤ F − 1``: ``L N ≤ (L − r) F + r N`` as ``r ≤ L``; ``N = F``: equal;
    ``N ≥ F + 1``: the cut allows at least ``T``). The programme's ladles are fractions;
    the cut makes it pay for the partial ladle an order needs.
    """
    tonnes = np.array([s.servable_t for s in slots])
    full = np.floor(tonnes / ladle_t + 1e-9)
    rest = tonnes - full * ladle_t
    slope = np.where(rest > 1e-6, rest, 0.0)
    return slope, (ladle_t - slope) * full


def _arrays(
    network: Network, slots: list[OrderSlot], classes: dict[str, TruckClass], trips: list[Trip]
) -> _Arrays:
    """Flatten the trips into arrays (see :class:`_Arrays`)."""
    penalty = unserved_penalty_per_t(network.params)
    order_ix = {s.order_id: i for i, s in enumerate(slots)}
    smelter_ix = {s.smelter_id: i for i, s in enumerate(network.smelters)}
    caster_ix = {c.caster_id: i for i, c in enumerate(network.casters)}
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
            rows.append((t, order_ix[order_id], cap, heat - penalty, group, step, n))
    group_caps = []
    for (smelter_id, alloy), g in group_ix.items():
        prod = network.production_by_key[(smelter_id, alloy)]
        group_caps.append(
            [
                prod.stock_t + prod.rate_tph * (k * RELEASE_STEP_MIN + TOL_MIN) / 60.0 + 1e-6
                for k in range(steps[g] + 1)
            ]
        )
    cols = np.array(rows, dtype=float).reshape(-1, 7)
    slope, rhs = _ladle_cuts(slots, max(c.ladle_t for c in classes.values()))
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
        y_ladles=cols[:, 6],
        cut_slope=slope,
        cut_rhs=rhs,
        group_caps=group_caps,
        class_caps=[c.shift_min for c in classes.values()],
        onward_cost=np.array([t.onward_cny for t in trips]),
        onward_min=np.array([t.onward_min for t in trips]),
        start=np.array([smelter_ix[t.smelter_id] for t in trips], dtype=int),
        end=np.array([caster_ix[t.end_caster] for t in trips], dtype=int),
    )


@dataclass(frozen=True)
class _Roads:
    """The empty drives of each class: caster → smelter and smelter → smelter.

    ``None`` (no circulation): each trip carries the cheapest drive on to any smelter
    instead, and trucks need not be where the next trip starts (a weaker bound).
    """

    network: Network
    travel: Travel
    classes: dict[str, TruckClass]

    def drives(self) -> list[tuple[int, str, int, str, int, float, float]]:
        """``(class, from kind, from index, to kind, to index, CNY, minutes)`` of every arc."""
        out = []
        smelters = [s.smelter_id for s in self.network.smelters]
        casters = [c.caster_id for c in self.network.casters]
        for k, cls in enumerate(self.classes.values()):
            for kind, ids in (("caster", casters), ("smelter", smelters)):
                for i, a in enumerate(ids):
                    row = self.travel.index(kind, a)
                    for j, b in enumerate(smelters):
                        if kind == "smelter" and a == b:
                            continue
                        col = self.travel.smelter(b)
                        minutes = max(0.0, float(self.travel.minutes[row, col]) - TOL_MIN)
                        cny = float(self.travel.km[row, col]) * cls.per_km
                        cny += minutes / 60.0 * cls.per_h
                        out.append((k, kind, i, "smelter", j, cny, minutes))
        return out


@dataclass
class _Master:
    """The programme over a subset of trips, solved once; its duals and values."""

    value: float
    order_dual: np.ndarray
    cut_dual: np.ndarray
    class_dual: np.ndarray
    release_dual: list[np.ndarray]  # per group, per step
    smelter_dual: np.ndarray  # per class, per smelter (zeros without circulation)
    caster_dual: np.ndarray  # per class, per caster (zeros without circulation)
    x: np.ndarray  # per active trip
    y: np.ndarray  # per y of the active trips, in trip order


def _release_rows(solver: pywraplp.Solver, arr: _Arrays) -> list[list[pywraplp.Constraint]]:
    """Per smelter and alloy: tonnes per grid step (``z``), cumulatively within release."""
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


def _node_rows(
    solver: pywraplp.Solver, roads: _Roads | None, hours: list[pywraplp.Constraint]
) -> dict[str, list[list[pywraplp.Constraint]]]:
    """Per class, trucks into each smelter and caster = trucks out; the empty drives."""
    if roads is None:
        return {}
    net = roads.network
    nodes = {
        kind: [[solver.Constraint(0.0, 0.0) for _ in sites] for _ in roads.classes]
        for kind, sites in (("smelter", net.smelters), ("caster", net.casters))
    }
    for k, kind, i, to_kind, j, cny, minutes in roads.drives():
        arc = solver.NumVar(0.0, solver.infinity(), "")
        solver.Objective().SetCoefficient(arc, cny)
        hours[k].SetCoefficient(arc, minutes)
        nodes[kind][k][i].SetCoefficient(arc, -1.0)
        nodes[to_kind][k][j].SetCoefficient(arc, 1.0)
    return nodes


def _duals(nodes: dict[str, list[list[pywraplp.Constraint]]], kind: str) -> np.ndarray:
    rows = nodes.get(kind)
    if not rows:
        return np.zeros((1, 1))
    return np.array([[c.dual_value() for c in per_class] for per_class in rows])


def _trip_cost(arr: _Arrays, roads: _Roads | None) -> tuple[np.ndarray, np.ndarray]:
    """Per trip, its cost (CNY) and busy minutes: without the drive on when circulating."""
    if roads is None:
        return arr.cost, arr.busy
    return arr.cost - arr.onward_cost, arr.busy - arr.onward_min


def _solve_master(
    arr: _Arrays, slots: list[OrderSlot], active: np.ndarray, roads: _Roads | None, offset: float
) -> _Master:
    """Solve the programme over the trips ``active`` (indices) with GLOP."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    inf = solver.infinity()
    orders = [solver.Constraint(-inf, s.servable_t) for s in slots]
    cuts = [solver.Constraint(-inf, float(rhs) + 1e-6) for rhs in arr.cut_rhs]
    hours = [solver.Constraint(-inf, cap) for cap in arr.class_caps]
    buckets = _release_rows(solver, arr)
    nodes = _node_rows(solver, roads, hours)
    cost, busy = _trip_cost(arr, roads)
    objective = solver.Objective()
    xs, ys = [], []
    first_y = np.searchsorted(arr.y_trip, np.arange(len(arr.cost) + 1))
    for t in active:
        x = solver.NumVar(0.0, inf, "")
        objective.SetCoefficient(x, float(cost[t]))
        hours[arr.klass[t]].SetCoefficient(x, float(busy[t]))
        if nodes:
            nodes["smelter"][arr.klass[t]][arr.start[t]].SetCoefficient(x, -1.0)
            nodes["caster"][arr.klass[t]][arr.end[t]].SetCoefficient(x, 1.0)
        xs.append(x)
        for i in range(first_y[t], first_y[t + 1]):
            y = solver.NumVar(0.0, inf, "")
            objective.SetCoefficient(y, float(arr.y_cost[i]))
            orders[arr.y_order[i]].SetCoefficient(y, 1.0)
            slope = float(arr.cut_slope[arr.y_order[i]])
            if slope > 0:
                cuts[arr.y_order[i]].SetCoefficient(y, 1.0)
                cuts[arr.y_order[i]].SetCoefficient(x, -slope * float(arr.y_ladles[i]))
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
        cut_dual=np.array([c.dual_value() for c in cuts]),
        class_dual=np.array([c.dual_value() for c in hours]),
        release_dual=[np.array([c.dual_value() for c in rows]) for rows in buckets],
        smelter_dual=_duals(nodes, "smelter"),
        caster_dual=_duals(nodes, "caster"),
        x=np.array([x.solution_value() for x in xs]),
        y=np.array([y.solution_value() for y in ys]),
    )


def reduced_costs(arr: _Arrays, master: _Master, roads: _Roads | None) -> np.ndarray:
    """Every trip's reduced cost, its ``y`` at their best (at their cap where negative), CNY."""
    release = np.zeros(len(arr.y_group))
    for g, duals in enumerate(master.release_dual):
        mask = arr.y_group == g
        release[mask] = duals[arr.y_step[mask]]
    has_cut = arr.cut_slope[arr.y_order] > 0
    cut = np.where(has_cut, master.cut_dual[arr.y_order], 0.0)
    rc_y = arr.y_cost - master.order_dual[arr.y_order] - release - cut
    n = len(arr.cost)
    gain = np.bincount(arr.y_trip, weights=arr.y_cap * np.minimum(0.0, rc_y), minlength=n)
    ladle_part = arr.cut_slope[arr.y_order] * arr.y_ladles * cut
    gain += np.bincount(arr.y_trip, weights=ladle_part, minlength=n)
    cost, busy = _trip_cost(arr, roads)
    rc = cost - master.class_dual[arr.klass] * busy + gain
    if roads is not None:
        rc += master.smelter_dual[arr.klass, arr.start] - master.caster_dual[arr.klass, arr.end]
    return rc


def solve_bound(
    network: Network,
    travel: Travel,
    slots: list[OrderSlot],
    classes: dict[str, TruckClass],
    trips: list[Trip],
    *,
    circulate: bool = True,
    max_rounds: int = 200,
) -> BoundResult:
    """Solve the programme (module docstring) by column generation; return its bound.

    Parameters
    ----------
    network, travel : Network, Travel
        Prices, production, and the empty drives.
    slots, classes, trips : list, dict, list
        The orders, truck classes and trips (:mod:`benchmarks.bound_trips`).
    circulate : bool
        Track where trucks go after each trip (a tighter bound); without it each trip
        carries the cheapest drive on to any smelter.
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
    roads = _Roads(network, travel, classes) if circulate else None
    offset = unserved_penalty_per_t(network.params) * sum(s.servable_t for s in slots)
    active = np.flatnonzero(np.bincount(arr.y_trip, minlength=len(arr.cost)) == 1)
    for rounds in range(1, max_rounds + 1):  # noqa: B007 - reported after the loop
        master = _solve_master(arr, slots, active, roads, offset)
        rc = reduced_costs(arr, master, roads)
        rc[active] = 0.0
        negative = np.flatnonzero(rc < -RC_TOL)
        if negative.size == 0:
            break
        active = np.union1d(active, negative[np.argsort(rc[negative])[:ADD_PER_ROUND]])
    else:
        raise RuntimeError(f"column generation did not converge in {max_rounds} rounds")
    first_y = np.searchsorted(arr.y_trip, np.arange(len(arr.cost) + 1))
    y_ix = np.concatenate([np.arange(first_y[t], first_y[t + 1]) for t in active])
    penalty = unserved_penalty_per_t(network.params)
    cost, _ = _trip_cost(arr, roads)
    return BoundResult(
        bound_cny=master.value,
        status="optimal",
        solve_s=time.perf_counter() - started,
        rounds=rounds,
        columns_used=int(active.size),
        route_cny=float(cost[active] @ master.x),
        superheat_cny=float((arr.y_cost[y_ix] + penalty) @ master.y),
        unserved_t=sum(s.servable_t for s in slots) - float(master.y.sum()),
        driven=tuple(int(t) for t in active[master.x > 1e-9]),
    )
