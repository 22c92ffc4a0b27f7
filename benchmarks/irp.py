"""Inventory-routing instances (Archetti et al. 2007, multi-vehicle, DIMACS naming).

:func:`read_irp` reads an instance (format in ``benchmarks/data/irp/README.md``),
:func:`read_bounds` the best known upper bounds of ``bounds.txt``. :func:`evaluate`
judges a solution given as, per period, the routes (customers in visiting order, each
route from and back to the depot) and the quantity delivered to each customer, on the
instance's own rules, independently of any planner:

* routing cost: the sum of the routes' DIMACS distances (Euclidean, rounded to the
  nearest integer);
* inventories: ``I[i, t] = I[i, t − 1] + q[i, t] − d[i]`` for each customer and
  ``B[t] = B[t − 1] + r − Σ q[·, t]`` at the depot; a violation is a level below ``L``
  after consumption, above ``U`` after the delivery (maximum-level policy), a negative
  depot stock, or a route over the vehicle capacity;
* holding cost: ``Σ_v h_v Σ_{t=1..H} I[v, t]`` over the depot and the customers, the
  levels after each period; the start levels are not counted (the convention of the
  published bounds: the best published solution of S_abs5n10_3_H3, by Coelho et al.,
  costs 2,152 routing + 2,255.1 holding after each period = 4,407.1, the bound of
  ``bounds.txt``; counting the start levels would add 817.35).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Tolerance on levels and capacities, instance units (the plan's tonnes are floats).
UNIT_TOL = 1e-3


@dataclass(frozen=True)
class IrpInstance:
    """An IRP instance; index 0 is the depot, ``1 … n`` the customers."""

    name: str
    periods: int
    capacity: float
    vehicles: int
    x: np.ndarray
    y: np.ndarray
    start: np.ndarray  # I0 (depot too)
    upper: np.ndarray  # U (depot: inf)
    lower: np.ndarray  # L (depot: 0)
    demand: np.ndarray  # d per period (depot: production r)
    holding: np.ndarray  # h per unit and period

    @property
    def customers(self) -> int:
        """Customers ``n``."""
        return int(self.x.size - 1)

    def dist(self) -> np.ndarray:
        """DIMACS distances: Euclidean, rounded to the nearest integer."""
        dx = self.x[:, None] - self.x[None, :]
        dy = self.y[:, None] - self.y[None, :]
        return np.floor(np.hypot(dx, dy) + 0.5)


def read_irp(path: Path) -> IrpInstance:
    """Read one ``.dat`` instance."""
    tokens = path.read_text(encoding="utf-8").split()
    vertices, periods, capacity, vehicles = (int(float(t)) for t in tokens[:4])
    depot = [float(t) for t in tokens[4:10]]
    rows = [[float(t) for t in tokens[10 + 8 * k : 18 + 8 * k]] for k in range(vertices - 1)]
    col = lambda j, d: np.array([d, *(r[j] for r in rows)])  # noqa: E731
    return IrpInstance(
        name=path.stem,
        periods=periods,
        capacity=float(capacity),
        vehicles=vehicles,
        x=col(1, depot[1]),
        y=col(2, depot[2]),
        start=col(3, depot[3]),
        upper=col(4, math.inf),
        lower=col(5, 0.0),
        demand=col(6, depot[4]),
        holding=col(7, depot[5]),
    )


def read_bounds(folder: Path) -> dict[str, float]:
    """``bounds.txt``: instance name → best known upper bound."""
    bounds: dict[str, float] = {}
    path = folder / "bounds.txt"
    if not path.is_file():
        return bounds
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3:
            bounds[parts[0]] = float(parts[2])
    return bounds


#: Per period: the routes (customer indices in visiting order).
Routes = list[list[list[int]]]


@dataclass(frozen=True)
class Evaluation:
    """A solution judged on the instance's rules (costs in instance units)."""

    routing: float
    holding: float
    violations: tuple[str, ...]

    @property
    def total(self) -> float:
        """Routing plus holding cost."""
        return self.routing + self.holding


def _levels(inst: IrpInstance, q: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Levels after each period (``periods + 1`` rows, row 0 the start) and violations."""
    levels = np.zeros((inst.periods + 1, inst.x.size))
    levels[0] = inst.start
    problems = []
    for t in range(1, inst.periods + 1):
        before = levels[t - 1].copy()
        before[1:] += q[t - 1, 1:]
        levels[t, 1:] = before[1:] - inst.demand[1:]
        levels[t, 0] = levels[t - 1, 0] + inst.demand[0] - q[t - 1, 1:].sum()
        over = np.flatnonzero(before[1:] > inst.upper[1:] + UNIT_TOL) + 1
        low = np.flatnonzero(levels[t, 1:] < inst.lower[1:] - UNIT_TOL) + 1
        problems += [f"period {t}: customer {i} above U" for i in over]
        problems += [f"period {t}: customer {i} below L" for i in low]
        if levels[t, 0] < -UNIT_TOL:
            problems.append(f"period {t}: depot stock negative")
    return levels, problems


def evaluate(inst: IrpInstance, routes: Routes, q: np.ndarray) -> Evaluation:
    """Judge a solution: ``routes[t]`` the period's routes, ``q[t, i]`` units to ``i``."""
    dist = inst.dist()
    routing = 0.0
    problems: list[str] = []
    for t, period in enumerate(routes, start=1):
        for route in period:
            stops = [0, *route, 0]
            routing += float(sum(dist[a, b] for a, b in itertools.pairwise(stops)))
            if q[t - 1, route].sum() > inst.capacity + UNIT_TOL:
                problems.append(f"period {t}: a route carries more than the capacity")
        if len(period) > inst.vehicles:
            problems.append(f"period {t}: {len(period)} routes for {inst.vehicles} vehicles")
    levels, more = _levels(inst, q)
    holding = float((inst.holding * levels[1:]).sum())
    return Evaluation(routing, holding, tuple(problems + more))
