"""Managed supply: the deliveries that keep each managed furnace between its limits.

For every furnace on managed supply (``consumption.csv``), the planner decides how much
to deliver and when, as orders of its own (``M-<caster>-<alloy>-<k>``) that go into
the day's jobs beside the casters' orders and are routed by the same day planner:

* **how much**: whole ladles of the fleet's sizes — the largest load (``n`` ladles of
  one size, ``n`` up to the slots of a truck with that size) whose pour window is at
  least ``[supply] min_window_h`` long, else the smallest ladle;
* **when**: the pour window of delivery ``k`` runs from the first minute its metal fits
  under the capacity (every earlier delivery poured) to the last minute at which its
  pours still end before the level, with every earlier delivery poured, would fall
  below the minimum (less one pour per ladle of the load on the smallest-ladled truck).

Because the level at any moment after all earlier deliveries are poured does not depend
on when they were poured, any plan that pours every delivery inside its window keeps
the furnace within ``[min_level_t, capacity_t]``. Deliveries are cut for the plan day
(00:00–24:00); a managed furnace's next need after midnight is the next day's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from logistics.network.furnaces import Furnace
from logistics.network.model import Network, Order
from logistics.physics.furnace import LEVEL_TOL_T, draw_per_minute, furnace_bands
from logistics.planning.windows import pour_minutes

#: Most deliveries cut for one furnace on one day (a guard against a zero-room furnace).
MAX_DELIVERIES = 200
#: Prefix of the order ids of managed deliveries.
MANAGED_PREFIX = "M-"


@dataclass(frozen=True)
class Load:
    """A candidate delivery size: ``ladles`` ladles of ``ladle_t`` tonnes."""

    ladles: int
    ladle_t: float

    @property
    def tonnes(self) -> float:
        """The load, t."""
        return self.ladles * self.ladle_t


def fleet_loads(network: Network) -> list[Load]:
    """Loads the fleet can carry in one trip, largest first (ties: fewer ladles first)."""
    loads = {
        Load(n, t.ladle_t)
        for t in network.fleet
        for n in range(1, t.ladles + 1)
        if n * t.ladle_t <= t.trip_t + 1e-9
    }
    return sorted(loads, key=lambda x: (-x.tonnes, x.ladles))


def _first(mask: np.ndarray) -> int | None:
    """The first index where ``mask`` holds, or None."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _window(
    base: np.ndarray, furnace: Furnace, delivered: float, load: Load, smallest_t: float, pour: int
) -> tuple[int, int] | None:
    """``(earliest, latest)`` pour start of ``load`` after ``delivered`` t; None: not needed."""
    low = _first(base + delivered < furnace.min_level_t - LEVEL_TOL_T)
    if low is None:
        return None
    latest_end = max(low - 1, 0)
    fits = _first(base + delivered + load.tonnes <= furnace.capacity_t + LEVEL_TOL_T)
    earliest = latest_end if fits is None else fits
    ladles = math.ceil(load.tonnes / smallest_t - 1e-9)
    return earliest, latest_end - ladles * pour


def _deliveries_of(
    network: Network, furnace: Furnace, loads: Sequence[Load], base: np.ndarray
) -> list[Order]:
    """The day's deliveries of one managed furnace (see the module's rule)."""
    caster = network.caster_by_id[furnace.caster_id]
    pour = pour_minutes(caster)
    smallest = min(x.ladle_t for x in loads)
    min_width = network.params.supply.min_window_h * 60.0
    placed = network.at(-network.params.planning.lead_time_h * 60.0)
    orders: list[Order] = []
    delivered = 0.0
    for k in range(1, MAX_DELIVERIES + 1):
        chosen: tuple[Load, int, int] | None = None
        for load in loads:  # largest first; the last, smallest, if none is wide enough
            window = _window(base, furnace, delivered, load, smallest, pour)
            if window is None:
                return orders
            chosen = (load, *window)
            if window[1] - window[0] >= min_width:
                break
        assert chosen is not None
        load, earliest, latest = chosen
        orders.append(
            Order(
                order_id=f"{MANAGED_PREFIX}{furnace.caster_id}-{furnace.alloy}-{k:02d}",
                caster_id=furnace.caster_id,
                alloy=furnace.alloy,
                tonnes=load.tonnes,
                window_start=network.at(earliest),
                window_end=network.at(max(earliest, latest)),
                placed_at=placed,
            )
        )
        delivered += load.tonnes
    return orders


def managed_deliveries(network: Network) -> tuple[Order, ...]:
    """The day's deliveries of every furnace on managed supply, as orders.

    Parameters
    ----------
    network : Network
        The network; its ``furnaces`` and ``consumption`` (from ``consumption.csv``).

    Returns
    -------
    tuple of Order
        Orders ``M-<caster>-<alloy>-<k>`` with tonnes (t) and pour windows; empty
        without a managed furnace or a fleet.
    """
    loads = fleet_loads(network)
    if not loads:
        return ()
    weekday = network.plan_date.weekday()
    orders: list[Order] = []
    for furnace in network.furnaces:
        if not furnace.managed:
            continue
        draw = draw_per_minute(furnace_bands(furnace, network.consumption), weekday)
        base = furnace.start_level_t - np.concatenate(([0.0], np.cumsum(draw)))
        orders += _deliveries_of(network, furnace, loads, base)
    return tuple(orders)


def with_managed_deliveries(network: Network) -> tuple[Network, tuple[Order, ...]]:
    """The network with its managed deliveries added to its orders, and the deliveries.

    Without a managed furnace the network is returned as it is.
    """
    deliveries = managed_deliveries(network)
    if not deliveries:
        return network, ()
    return network.model_copy(update={"orders": network.orders + deliveries}), deliveries
