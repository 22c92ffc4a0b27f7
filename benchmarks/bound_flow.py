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

import functools
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from benchmarks.bound_lp import (
    ADD_PER_ROUND,
    RC_TOL,
    BoundResult,
    _Arrays,
    _arrays,
)
from benchmarks.bound_master import HighsModel, Master
from benchmarks.bound_pool import Pool, ladle_pool, pool_costs, pool_prefix, usable
from benchmarks.bound_trips import TOL_MIN, OrderSlot, Trip, TruckClass
from logistics.network.model import Network
from logistics.network.prices import unserved_penalty_per_t
from logistics.physics.travel import Travel

LOG = logging.getLogger(__name__)

#: Steps of the day's grid, minutes.
FLOW_STEP_MIN = 10.0
#: Seed columns go on to this many of the cheapest smelters from a trip's last caster.
SEED_SMELTERS = 3


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
    from benchmarks.bound_trips import class_of

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
    owner = class_of(classes)
    smelter_ix = {s.smelter_id: i for i, s in enumerate(network.smelters)}
    counts: dict[tuple[int, int, int, int], int] = {}
    for truck, start, end in zip(network.fleet, starts, ends, strict=True):
        key = (
            class_ix[owner[truck.truck_id]],
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


def _lowest_possible(
    grid: _Grid, tm: _Timing, arr: _Arrays, base: np.ndarray, phi: np.ndarray, lam: np.ndarray
) -> np.ndarray:
    """Per trip, a floor under the reduced cost of every column of it, CNY: the cheapest
    drive on, the lowest dual of its smelter's nodes up to its latest start step, less
    the highest dual of any smelter's node from its earliest start step on (its arrival
    is never earlier). Trips whose floor is ≥ 0 need no pricing."""
    k, end = arr.klass, arr.end
    extra = grid.c2s_cny[k, end, :] - lam[k][:, None] * grid.c2s_min[end, :]
    upto = np.minimum.accumulate(phi, axis=2)  # class × smelter × step: min over ≤ step
    later = np.maximum.accumulate(phi[:, :, ::-1], axis=2)[:, :, ::-1].max(axis=1)
    last = np.clip(tm.last, 0, grid.steps - 1)
    first = np.clip(tm.first, 0, grid.steps - 1)
    return base + extra.min(axis=1) + upto[k, arr.start, last] - later[k, first]


def price(
    grid: _Grid,
    tm: _Timing,
    arr: _Arrays,
    base: np.ndarray,
    phi: np.ndarray,
    lam: np.ndarray,
    held: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every trip's lowest reduced cost over its start steps and next smelters.

    Parameters
    ----------
    base : ndarray
        Per trip, its reduced cost without the drive on and the flow's duals, CNY.
    phi : ndarray
        Duals of the flow's nodes, class × smelter × step.
    lam : ndarray
        Duals of the classes' truck hours, CNY/min.
    held : callable, optional
        ``(trips, start steps) ->`` what the ladle pools' rows add to those columns'
        reduced costs (CNY, ≥ 0; :func:`benchmarks.bound_pool.pool_costs`).

    Returns
    -------
    tuple of ndarray
        Per trip: the lowest reduced cost (CNY; ``inf`` if no step fits), its start step,
        its next smelter, and the lowest reduced cost per busy minute of any of its
        columns (CNY/min; for the Lagrangian bound).
    """
    n, smelters = len(base), grid.c2s_min.shape[1]
    best, ratio = np.full(n, np.inf), np.full(n, np.inf)
    best_i = np.zeros(n, dtype=int)
    best_j = np.zeros(n, dtype=int)
    span = tm.last - tm.first
    hopeful = np.flatnonzero(_lowest_possible(grid, tm, arr, base, phi, lam) < 0)
    order = hopeful[np.argsort(-span[hopeful], kind="stable")]
    k_all, s_all = arr.klass, arr.start
    pooled: dict[int, np.ndarray] = {}
    for j in range(smelters):
        extra = grid.c2s_cny[k_all, arr.end, j] - lam[k_all] * grid.c2s_min[arr.end, j]
        busy = arr.busy - arr.onward_min + grid.c2s_min[arr.end, j]
        for r in range(int(span.max(initial=-1)) + 1):
            t = order[: int(np.searchsorted(-span[order], -r, side="right"))]
            if t.size == 0:
                break
            i = tm.first[t] + r
            if held is not None and r not in pooled:
                pooled[r] = held(t, i)
            e = arrival_step(grid, tm, arr, t, i, np.full(t.size, j))
            ok = e < grid.steps
            t, i, e = t[ok], i[ok], e[ok]
            value = base[t] + extra[t] + phi[k_all[t], s_all[t], i] - phi[k_all[t], j, e]
            if held is not None:
                value = value + pooled[r][ok]
            ratio[t] = np.minimum(ratio[t], value / busy[t])
            better = value < best[t]
            t, i, value = t[better], i[better], value[better]
            best[t], best_i[t], best_j[t] = value, i, j
    return best, best_i, best_j, ratio


@dataclass(frozen=True)
class _Problem:
    """Everything the master is built from."""

    arr: _Arrays
    grid: _Grid
    tm: _Timing
    slots: list[OrderSlot]
    offset: float  # the penalty of every servable tonne, CNY
    penalty: float  # CNY/t
    pool: Pool | None = None  # the ladle pools (without ``ladles.csv``: none)


def _base_costs(arr: _Arrays, m: Master) -> np.ndarray:
    """Per trip, its reduced cost without the drive on and without the flow's duals."""
    from benchmarks.bound_lp import reduced_costs

    rc = reduced_costs(arr, m, None)  # type: ignore[arg-type]  # same dual fields
    return rc - arr.onward_cost + m.class_dual[arr.klass] * arr.onward_min


def lagrangian_bound(arr: _Arrays, m: Master, ratio: np.ndarray) -> float:
    """A bound from any round's duals: the programme's value plus, per class, its shift
    minutes × the lowest reduced cost per busy minute of any of its columns (if < 0).

    For duals ``π`` of the right signs and any point ``v`` of the full programme,
    ``c·v ≥ π·b + Σ d_j v_j`` (``d`` the reduced costs); the active columns add at least
    the programme's value less ``π·b``; a new column of class ``k`` adds ``d ≥ ρ_k ×
    busy``, ``ρ_k ≤ 0`` the lowest ratio, and the class's busy minutes are at most its
    shift minutes (its hours row), so they add at least ``ρ_k × shift minutes``.
    """
    total = m.value
    for k, cap in enumerate(arr.class_caps):
        mine = ratio[arr.klass == k]
        lowest = float(mine[np.isfinite(mine)].min(initial=0.0))
        total += cap * min(0.0, lowest)
    return total


def _columns(pb: _Problem, t: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Columns ``(trip, start step, next smelter, arrival step)`` that fit in the day."""
    e = arrival_step(pb.grid, pb.tm, pb.arr, t, i, j)
    ok = e < pb.grid.steps
    return np.stack([t[ok], i[ok], j[ok], e[ok]], axis=1)


def seed_columns(pb: _Problem, trips: np.ndarray, nearest: int = SEED_SMELTERS) -> np.ndarray:
    """Columns of ``trips`` (e.g. those the untimed programme drives): every start step,
    on to each of the ``nearest`` cheapest smelters from its last caster."""
    if trips.size == 0:
        return np.zeros((0, 4), dtype=int)
    tm, arr = pb.tm, pb.arr
    span = np.maximum(0, tm.last[trips] - tm.first[trips] + 1)
    t = np.repeat(trips, span)
    i = tm.first[t] + np.concatenate([np.arange(n) for n in span])
    near = np.argsort(pb.grid.c2s_cny[arr.klass[t], arr.end[t]], axis=1)[:, :nearest]
    t, i = np.repeat(t, near.shape[1]), np.repeat(i, near.shape[1])
    return _columns(pb, t, i, near.reshape(-1))


def _problem(
    network: Network,
    travel: Travel,
    slots: list[OrderSlot],
    classes: dict[str, TruckClass],
    trips: list[Trip],
    step_min: float,
    pool: bool = True,
) -> _Problem:
    arr = _arrays(network, slots, classes, trips)
    grid = _grid(network, travel, classes, step_min)
    penalty = unserved_penalty_per_t(network.params)
    offset = penalty * sum(s.servable_t for s in slots)
    tm = _timing(trips, arr, grid)
    ladles = ladle_pool(network, classes, trips, grid, arr.end, arr.start) if pool else None
    if ladles is not None:
        # A run holds at most the largest ladle its truck may fill there; a trip with
        # more ladles than its class may fill there is never driven.
        largest = ladles.largest_t[arr.klass[arr.y_trip], arr.start[arr.y_trip]]
        arr = replace(arr, y_cap=np.minimum(arr.y_cap, arr.y_ladles * largest))
        tm = replace(tm, last=np.where(usable(ladles, arr.klass, arr.start), tm.last, -1))
    return _Problem(arr, grid, tm, slots, offset, penalty, ladles)


def solve_timed_bound(
    network: Network,
    travel: Travel,
    slots: list[OrderSlot],
    classes: dict[str, TruckClass],
    trips: list[Trip],
    *,
    step_min: float = FLOW_STEP_MIN,
    max_rounds: int = 200,
    seed: np.ndarray | None = None,
    time_limit_s: float = math.inf,
    pool: bool = True,
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
    seed : ndarray, optional
        Trips (indices) to start from, e.g. those the untimed programme drives.
    time_limit_s : float
        Wall seconds after which no new round starts, s.
    pool : bool
        Count the smelters' ladle pools (:mod:`benchmarks.bound_pool`) when the network
        has ``ladles.csv``.

    Returns
    -------
    BoundResult
        ``status`` "optimal" when no column has a negative reduced cost (the bound is
        the programme's optimum), else "lagrangian": the best :func:`lagrangian_bound`
        of the rounds, a valid bound below the optimum.
    """
    started = time.perf_counter()
    pb = _problem(network, travel, slots, classes, trips, step_min, pool)
    model = HighsModel(pb)
    known: set[tuple[int, int, int]] = set()
    best, status = -math.inf, "lagrangian"
    new = seed_columns(pb, np.asarray(seed if seed is not None else [], dtype=int))
    for rounds in range(1, max_rounds + 1):
        if new.size:
            model.add(new[:, 0], new[:, 1], new[:, 2], new[:, 3])
            known.update(map(tuple, new[:, :3].tolist()))
        master = model.solve()
        base = _base_costs(pb.arr, master)
        held = None
        if pb.pool is not None:
            prefix = pool_prefix(pb.pool, pb.grid, master.pool_dual)
            held = functools.partial(pool_costs, pb.pool, pb.grid, pb.tm, pb.arr, prefix)
        rc, bi, bj, ratio = price(pb.grid, pb.tm, pb.arr, base, master.phi, master.class_dual, held)
        best = max(best, lagrangian_bound(pb.arr, master, ratio))
        LOG.info(
            "round %d: %d columns, LP %.0f, bound %.0f, lowest rc %.1f, %.0f s",
            rounds,
            len(known),
            master.value,
            best,
            rc.min(),
            time.perf_counter() - started,
        )
        negative = np.flatnonzero(rc < -RC_TOL)
        pick = negative[np.argsort(rc[negative])[:ADD_PER_ROUND]]
        fresh = [
            n
            for n, key in enumerate(zip(pick, bi[pick], bj[pick], strict=True))
            if tuple(map(int, key)) not in known
        ]
        if not fresh:
            best, status = master.value, "optimal"
            break
        if time.perf_counter() - started > time_limit_s:
            break
        pick = pick[fresh]
        new = _columns(pb, pick, bi[pick], bj[pick])
    return BoundResult(
        bound_cny=min(best, master.value),
        status=status,
        solve_s=time.perf_counter() - started,
        rounds=rounds,
        columns_used=len(known),
        route_cny=master.route_cny,
        superheat_cny=master.superheat_cny,
        unserved_t=sum(s.servable_t for s in slots) - master.y_tonnes,
    )
