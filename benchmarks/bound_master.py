"""The timed programme of :mod:`benchmarks.bound_flow` held in one HiGHS model.

The rows and the arcs that do not change (orders, ladle cuts, truck hours, metal
released, the flow's nodes, waiting, empty drives, the trucks' days) are built once
from arrays; each round of column generation adds its trip columns ``(trip, start step,
next smelter)`` with their ``y`` and link rows, and HiGHS re-solves from its last basis
(dual simplex). Its row duals are those of ``c − Aᵀπ``, the convention of
:func:`benchmarks.bound_lp.reduced_costs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from benchmarks.bound_flow import _Problem

INF = highspy.kHighsInf


@dataclass
class Master:
    """The programme over the active columns: its value, duals and solution."""

    value: float
    order_dual: np.ndarray
    cut_dual: np.ndarray
    class_dual: np.ndarray
    release_dual: list[np.ndarray]
    phi: np.ndarray  # class × smelter × step
    pool_dual: np.ndarray  # ladle-pool group × step (no rows: 0 × step)
    y_tonnes: float  # tonnes delivered
    route_cny: float  # trips with their drives on, and empty drives
    superheat_cny: float
    trip_x: np.ndarray  # per active trip column


class _Rows:
    """Row numbers of the fixed rows."""

    def __init__(self, pb: _Problem) -> None:
        arr, grid = pb.arr, pb.grid
        orders, classes = len(pb.slots), len(arr.class_caps)
        self.orders = np.arange(orders)
        self.cuts = orders + np.arange(orders)
        self.hours = 2 * orders + np.arange(classes)
        n = 2 * orders + classes
        self.buckets: list[np.ndarray] = []
        self.cumulative: list[np.ndarray] = []
        for caps in arr.group_caps:
            self.buckets.append(n + np.arange(len(caps)))
            self.cumulative.append(n + len(caps) + np.arange(len(caps)))
            n += 2 * len(caps)
        smelters = grid.s2s_min.shape[0]
        self.node0 = n
        self.shape = (classes, smelters, grid.steps)
        self.pool0 = n + classes * smelters * grid.steps
        groups = 0 if pb.pool is None else len(pb.pool.group_smelter)
        self.pool_shape = (groups, grid.steps)
        self.count = self.pool0 + groups * grid.steps

    def node(self, k: Any, s: Any, h: Any) -> Any:
        """The row of node ``(k, s, h)`` (arrays broadcast)."""
        _, smelters, steps = self.shape
        return self.node0 + (np.asarray(k) * smelters + np.asarray(s)) * steps + np.asarray(h)

    def bounds(self, pb: _Problem) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of every fixed row."""
        lower, upper = np.full(self.count, -INF), np.zeros(self.count)
        upper[self.orders] = [s.servable_t for s in pb.slots]
        upper[self.cuts] = pb.arr.cut_rhs + 1e-6
        upper[self.hours] = pb.arr.class_caps
        for g, caps in enumerate(pb.arr.group_caps):
            lower[self.buckets[g]] = 0.0
            upper[self.cumulative[g]] = caps
        lower[self.node0 : self.pool0] = 0.0
        upper[self.node0 : self.pool0] = 0.0
        if pb.pool is not None:
            upper[self.pool0 :] = pb.pool.caps.reshape(-1) + 1e-6
        return lower, upper


def _fixed_columns(pb: _Problem, rows: _Rows) -> tuple[list[Any], list[float], list[float]]:
    """The release, waiting, empty-drive and trucks' day columns: COO entries, costs, bounds."""
    grid = pb.grid
    entries: list[tuple[int, int, float]] = []  # (row, col, value)
    cost: list[float] = []
    upper: list[float] = []

    def column(pairs: list[tuple[int, float]], c: float, ub: float = INF) -> None:
        col = len(cost)
        entries.extend((r, col, v) for r, v in pairs)
        cost.append(c)
        upper.append(ub)

    for g, caps in enumerate(pb.arr.group_caps):
        for k in range(len(caps)):
            later = [(int(r), 1.0) for r in rows.cumulative[g][k:]]
            column([(int(rows.buckets[g][k]), -1.0), *later], 0.0)
    classes, smelters, steps = rows.shape
    for k in range(classes):
        for s in range(smelters):
            for h in range(steps - 1):
                column([(int(rows.node(k, s, h)), -1.0), (int(rows.node(k, s, h + 1)), 1.0)], 0.0)
            for j in range(smelters):
                if j == s:
                    continue
                lag = math.floor(grid.s2s_min[s, j] / grid.step + 1e-9)
                hours = (int(rows.hours[k]), float(grid.s2s_min[s, j]))
                for h in range(steps - lag):
                    out, into = int(rows.node(k, s, h)), int(rows.node(k, j, h + lag))
                    column([(out, -1.0), (into, 1.0), hours], float(grid.s2s_cny[k, s, j]))
    for k, home, start, end, trucks in grid.groups:
        back = int(rows.node(k, home, min(end, steps - 1)))
        column([(back, -1.0), (int(rows.node(k, home, start)), 1.0)], 0.0, float(trucks))
    return entries, cost, upper


def _add_columns(h: highspy.Highs, n_rows: int, coo: tuple, cost: np.ndarray, upper: Any) -> None:
    """Add columns given as COO ``(rows, cols, values)`` over ``n_rows`` rows."""
    r, c, v = coo
    csc = sparse.csc_matrix((v, (r, c)), shape=(n_rows, len(cost)))
    csc.sum_duplicates()
    h.addCols(
        len(cost),
        np.asarray(cost, dtype=float),
        np.zeros(len(cost)),
        np.broadcast_to(np.asarray(upper, dtype=float), (len(cost),)).copy(),
        csc.nnz,
        csc.indptr[:-1].astype(np.int32),
        csc.indices.astype(np.int32),
        csc.data.astype(float),
    )


class HighsModel:
    """The timed programme in HiGHS; columns are added and it is solved again warm."""

    def __init__(self, pb: _Problem) -> None:
        self.pb, self.rows = pb, _Rows(pb)
        self.h = h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        lower, upper = self.rows.bounds(pb)
        empty = np.zeros(0, dtype=np.int32)
        h.addRows(
            self.rows.count,
            lower,
            upper,
            0,
            np.zeros(self.rows.count, np.int32),
            empty,
            np.zeros(0),
        )
        entries, cost, ub = _fixed_columns(pb, self.rows)
        r, c, v = (np.array(a) for a in zip(*entries, strict=True))
        _add_columns(h, self.rows.count, (r, c, v), np.array(cost), np.array(ub))
        h.changeObjectiveOffset(pb.offset)
        self.fixed_cols = len(cost)
        self.n_rows = self.rows.count
        self.first_y = np.searchsorted(pb.arr.y_trip, np.arange(len(pb.arr.cost) + 1))
        self.trip_cols: list[int] = []  # column of each active trip column
        self.trip_cost: list[float] = []
        self.y_cols: list[int] = []
        self.y_heat: list[float] = []  # superheat of each y, CNY/t
        self.n_cols = self.fixed_cols

    def add(self, t: np.ndarray, i: np.ndarray, j: np.ndarray, e: np.ndarray) -> None:
        """Add trip columns: trip ``t`` starting in step ``i``, on to ``j``, there in ``e``."""
        arr, grid, rows = self.pb.arr, self.pb.grid, self.rows
        k = arr.klass[t]
        cost = arr.cost[t] - arr.onward_cost[t] + grid.c2s_cny[k, arr.end[t], j]
        busy = arr.busy[t] - arr.onward_min[t] + grid.c2s_min[arr.end[t], j]
        n = len(t)
        counts = self.first_y[t + 1] - self.first_y[t]
        ys = np.concatenate([np.arange(self.first_y[a], self.first_y[a + 1]) for a in t])
        owner = np.repeat(np.arange(n), counts)  # per y, its column among the new
        x_col, y_col = np.arange(n), n + np.arange(len(ys))
        o = arr.y_order[ys]
        slope = arr.cut_slope[o]
        cut = slope > 0
        bucket = np.array(
            [rows.buckets[g][s] for g, s in zip(arr.y_group[ys], arr.y_step[ys], strict=True)]
        )
        r = np.concatenate(
            [
                rows.hours[k],
                rows.node(k, arr.start[t], i),
                rows.node(k, j, e),
                rows.cuts[o[cut]],
                rows.orders[o],
                rows.cuts[o[cut]],
                bucket,
            ]
        )
        c = np.concatenate([x_col, x_col, x_col, owner[cut], y_col, y_col[cut], y_col])
        v = np.concatenate(
            [
                busy,
                -np.ones(n),
                np.ones(n),
                -(slope * arr.y_ladles[ys])[cut],
                np.ones(len(ys)),
                np.ones(int(cut.sum())),
                np.ones(len(ys)),
            ]
        )
        if self.pb.pool is not None:
            from benchmarks.bound_pool import entries

            pr, pc, pv = entries(self.pb.pool, grid, self.pb.tm, arr, t, i)
            r, c, v = (
                np.concatenate([r, rows.pool0 + pr]),
                np.concatenate([c, pc]),
                np.concatenate([v, pv]),
            )
        penalty = self.pb.penalty
        _add_columns(self.h, self.n_rows, (r, c, v), np.concatenate([cost, arr.y_cost[ys]]), INF)
        base = self.n_cols
        links = np.arange(len(ys))
        link = sparse.csr_matrix(
            (
                np.concatenate([np.ones(len(ys)), -arr.y_cap[ys]]),
                (np.concatenate([links, links]), np.concatenate([base + y_col, base + owner])),
            ),
            shape=(len(ys), base + n + len(ys)),
        )
        self.h.addRows(
            len(ys),
            np.full(len(ys), -INF),
            np.zeros(len(ys)),
            link.nnz,
            link.indptr[:-1].astype(np.int32),
            link.indices.astype(np.int32),
            link.data,
        )
        self.n_rows += len(ys)
        self.n_cols += n + len(ys)
        self.trip_cols += list(base + x_col)
        self.trip_cost += list(cost)
        self.y_cols += list(base + y_col)
        self.y_heat += list(arr.y_cost[ys] + penalty)

    def solve(self) -> Master:
        """Solve; the value, duals and the parts of the solution."""
        self.h.run()
        # From scratch the dual simplex is faster; after columns come, the primal.
        self.h.setOptionValue("simplex_strategy", 4)
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError("the lower bound's timed programme was not solved to optimality")
        sol, rows, pb = self.h.getSolution(), self.rows, self.pb
        dual, col = np.array(sol.row_dual), np.array(sol.col_value)
        value = self.h.getInfo().objective_function_value
        y = col[np.array(self.y_cols, dtype=int)]
        heat = float(y @ np.array(self.y_heat))
        return Master(
            value=value,
            order_dual=dual[rows.orders],
            cut_dual=dual[rows.cuts],
            class_dual=dual[rows.hours],
            release_dual=[dual[b] for b in rows.buckets],
            phi=dual[rows.node0 : rows.pool0].reshape(rows.shape),
            pool_dual=dual[rows.pool0 : rows.count].reshape(rows.pool_shape),
            y_tonnes=float(y.sum()),
            route_cny=value - pb.offset - (heat - pb.penalty * float(y.sum())),
            superheat_cny=heat,
            trip_x=col[np.array(self.trip_cols, dtype=int)],
        )
