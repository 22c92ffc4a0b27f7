"""The smelters' ladle pools in the timed lower bound (:mod:`benchmarks.bound_flow`).

With ``ladles.csv`` every fill takes one ladle of its smelter's pool, and a ladle is
busy from the start of its fill until it is back: the trip's last pour, then the drive
from that caster to the ladle's smelter. A ladle is never in two runs at once, so at
any moment the runs in that state at a smelter are at most its ladles. Three rules of
the pool, each a relaxation (docs/benchmarks.md, "The ladle pool in the bound"):

* **insulation**: a truck fills only ladles with a ``tau_h`` at least its own. Per
  smelter and per threshold ``θ`` (the shortest ``tau_h`` of a truck class), a *group*
  holds the ladles in service with ``tau_h ≥ θ``; the classes whose trucks all have
  ``tau_h ≥ θ`` fill only those. Per group and step of the day's grid, the runs of its
  classes in use at the step's first moment ≤ its ladles;
* **ready ladles**: a ladle is filled cold only after a preheat that ends at most ``U``
  before the fill (``U`` the lining's cooling from ``ready_c`` to ``cold_below_c``),
  unless it is hot from before the day and still warm at the smelter's opening. The
  distinct ladles in use by a moment ``M`` are thus at most those hot ones plus the
  preheats the stands can finish by ``M``, each ending after ``open − U``;
* **capacity**: a run holds at most the largest ladle its truck may take there; a
  class with fewer such ladles than a trip's ladles cannot drive the trip.

A column ``(trip, start step i)`` counts, at step ``h``, its first ladle from ``i + 1``
on (its fill started in step ``i``), and all of them from the step after the trip's
latest possible fill, until its ladles can be back at the earliest: the trip's shortest
duration from the start of step ``i`` (or its earliest end, if later) and the drive back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.bound_trips import TOL_MIN, Trip, TruckClass, class_of
from logistics.network.model import Network

if TYPE_CHECKING:
    from benchmarks.bound_flow import _Grid, _Timing
    from benchmarks.bound_lp import _Arrays

#: Slack on the minutes a preheated ladle stays warm enough (the checker's tolerances).
WARM_SLACK_MIN = 1.0
#: The checker's tolerance on a run's tonnes against its ladle's capacity, t.
TONNES_TOL = 1e-6


@dataclass(frozen=True)
class Pool:
    """The pools' rows and what each trip takes of them.

    Attributes
    ----------
    group_smelter : ndarray
        Per group, its smelter's index.
    member : ndarray
        Class × group: the class's trucks fill only ladles of the group.
    caps : ndarray
        Group × step: ladles the group can have in use at the step's first moment.
    largest_t : ndarray
        Class × smelter: the largest ladle the class may fill there, t (0: none).
    eligible : ndarray
        Class × smelter: how many ladles the class may fill there.
    ladles : ndarray
        Per trip: its ladles.
    last_fill : ndarray
        Per trip: the latest moment any of its fills can start, minutes.
    back_min : ndarray
        Per trip: the drive from its last caster to its smelter, minutes (short).
    """

    group_smelter: np.ndarray
    member: np.ndarray
    caps: np.ndarray
    largest_t: np.ndarray
    eligible: np.ndarray
    ladles: np.ndarray
    last_fill: np.ndarray
    back_min: np.ndarray


def warm_minutes(network: Network) -> float:
    """Minutes an empty ladle's lining stays at or above ``cold_below_c`` once ready."""
    p, ambient = network.params.ladles, network.params.thermal.ambient_c
    if p.cold_below_c <= ambient:
        return math.inf
    if p.cold_below_c >= p.ready_c:
        return 0.0
    ratio = (p.ready_c - ambient) / (p.cold_below_c - ambient)
    return 60.0 * p.empty_tau_h * math.log(ratio) + WARM_SLACK_MIN


def class_min_tau(network: Network, classes: dict[str, TruckClass]) -> np.ndarray:
    """Per class (in order), the shortest ``tau_h`` of its trucks, h."""
    low: dict[str, float] = {}
    owner = class_of(classes)
    for truck in network.fleet:
        key = owner[truck.truck_id]
        low[key] = min(low.get(key, math.inf), truck.tau_h)
    return np.array([low[k] for k in classes])


def _ready_caps(network: Network, grid: _Grid, smelter_id: str, ladles: list) -> np.ndarray:
    """Per step: ladles of ``ladles`` that can be in use at the step's first moment."""
    p = network.params.ladles
    opens = network.minutes(network.smelter_by_id[smelter_id].open) - TOL_MIN
    warm = warm_minutes(network)
    moments = grid.origin + grid.step * np.arange(grid.steps)
    if not math.isfinite(warm):
        return np.full(grid.steps, float(len(ladles)))
    hot = sum(
        1
        for lad in ladles
        if lad.hot_since is not None and network.minutes(lad.hot_since) >= opens - warm
    )
    span = max(p.preheat_min - 2 * TOL_MIN, 1e-6)
    first_end = opens - warm  # a preheat's end, at the earliest
    heats = np.where(moments >= first_end, np.floor((moments - first_end) / span + 1e-9) + 1, 0.0)
    return np.minimum(float(len(ladles)), hot + p.preheat_stands * heats)


def ladle_pool(
    network: Network,
    classes: dict[str, TruckClass],
    trips: list[Trip],
    grid: _Grid,
    end_caster: np.ndarray,
    start_smelter: np.ndarray,
) -> Pool | None:
    """The pools' rows for the timed programme; ``None`` without ``ladles.csv``."""
    if not network.ladles:
        return None
    taus = class_min_tau(network, classes)
    smelters = [s.smelter_id for s in network.smelters]
    largest = np.zeros((len(classes), len(smelters)))
    eligible = np.zeros((len(classes), len(smelters)), dtype=int)
    group_smelter, member, caps = [], [], []
    for s, smelter_id in enumerate(smelters):
        pool = [
            lad
            for lad in network.ladles
            if lad.home_smelter == smelter_id and lad.fills_left_before_relining > 0
        ]
        for theta in sorted(set(taus.tolist())):
            mine = [lad for lad in pool if lad.tau_h >= theta - 1e-9]
            group_smelter.append(s)
            member.append(taus >= theta)
            caps.append(_ready_caps(network, grid, smelter_id, mine))
        for k, tau in enumerate(taus):
            fits = [lad.capacity_t for lad in pool if lad.tau_h >= tau - 1e-9]
            largest[k, s] = max(fits, default=-TONNES_TOL) + TONNES_TOL
            eligible[k, s] = len(fits)
    return Pool(
        group_smelter=np.array(group_smelter, dtype=int),
        member=np.array(member, dtype=bool).T.reshape(len(classes), -1),
        caps=np.array(caps).reshape(len(group_smelter), grid.steps),
        largest_t=largest,
        eligible=eligible,
        ladles=np.array([sum(n for _, n in t.ladles) for t in trips], dtype=int),
        last_fill=np.array([t.last_fill_start for t in trips]),
        back_min=grid.c2s_min[end_caster, start_smelter],
    )


def usable(pool: Pool, klass: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per trip: whether its class may fill enough ladles at its smelter."""
    return pool.eligible[klass, start] >= pool.ladles


def coverage(
    pool: Pool, grid: _Grid, tm: _Timing, t: np.ndarray, i: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Steps in which the columns ``(t, i)`` surely have ladles in use.

    Returns
    -------
    tuple of ndarray
        Per column: the first step with one ladle in use (``i + 1``), the first with
        all of them (after the latest fill), and the step after the last (exclusive).
    """
    started = grid.origin + grid.step * i
    back = np.maximum(started + tm.duration[t], tm.end_min[t]) + pool.back_min[t]
    end = np.ceil((back - grid.origin) / grid.step - 1e-6).astype(int)
    end = np.minimum(end, grid.steps)
    first = i + 1
    every = np.ceil((pool.last_fill[t] - grid.origin) / grid.step + 1e-6)
    every = np.maximum(first, np.nan_to_num(every, posinf=grid.steps, neginf=0).astype(int))
    return first, every, np.maximum(first, end)


def entries(
    pool: Pool, grid: _Grid, tm: _Timing, arr: _Arrays, t: np.ndarray, i: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pool rows' coefficients of the columns ``(t, i)``: ``(row, column, ladles)``,
    rows numbered ``group × steps + step``, columns ``0 … len(t) − 1``."""
    first, every, end = coverage(pool, grid, tm, t, i)
    k, s = arr.klass[t], arr.start[t]
    rows, cols, vals = [], [], []
    for g, smelter in enumerate(pool.group_smelter):
        mine = np.flatnonzero((s == smelter) & pool.member[k, g])
        length = end[mine] - first[mine]
        mine, length = mine[length > 0], length[length > 0]
        if mine.size == 0:
            continue
        col = np.repeat(mine, length)
        offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
        h = first[col] + offset
        rows.append(g * grid.steps + h)
        cols.append(col)
        vals.append(np.where(h >= every[col], pool.ladles[t[col]], 1).astype(float))
    if not rows:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros(0)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def pool_prefix(pool: Pool, grid: _Grid, dual: np.ndarray) -> np.ndarray:
    """Class × smelter × (step + 1): cumulative sums over the steps of the duals of the
    pool rows a class's columns at a smelter enter (``dual``: group × step)."""
    classes = pool.member.shape[0]
    smelters = int(pool.group_smelter.max(initial=-1)) + 1
    mu = np.zeros((classes, max(smelters, 1), grid.steps))
    for g, s in enumerate(pool.group_smelter):
        mu[pool.member[:, g], s] += dual[g]
    return np.concatenate([np.zeros((*mu.shape[:2], 1)), np.cumsum(mu, axis=2)], axis=2)


def pool_costs(
    pool: Pool,
    grid: _Grid,
    tm: _Timing,
    arr: _Arrays,
    prefix: np.ndarray,
    t: np.ndarray,
    i: np.ndarray,
) -> np.ndarray:
    """Per column ``(t, i)``: what the pool rows add to its reduced cost, CNY: ``−Σ a π``,
    ``≥ 0`` as the duals of the ``≤`` rows are ``≤ 0`` (``prefix``: :func:`pool_prefix`)."""
    first, every, end = coverage(pool, grid, tm, t, i)
    k, s = arr.klass[t], arr.start[t]
    one = prefix[k, s, end] - prefix[k, s, np.minimum(first, end)]
    rest = prefix[k, s, end] - prefix[k, s, np.minimum(every, end)]
    return -(one + (pool.ladles[t] - 1) * rest)
