"""The casters' own ordering rule: the honest baseline managed supply is compared with.

A caster that orders for itself watches its furnace's *position* (the level it expects
plus what it has on order) and, the moment the position would fall below
``[supply] order_below_share`` of the capacity, orders one full ladle (the fleet's most
common ladle size; smaller when that would not fit) with the usual notice: the window
opens ``[planning] lead_time_h`` later and lasts ``[supply] order_window_h``. The
orders are ordinary orders; the day planner serves them like any other.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from logistics.network.furnaces import Furnace
from logistics.network.model import Network, Order
from logistics.physics.furnace import DAY_MIN, draw_per_minute, furnace_bands

#: Most orders one furnace places in one day by the rule.
MAX_RULE_ORDERS = 200


def full_ladle_t(network: Network) -> float:
    """The fleet's most common ladle size, t (the larger of equally common ones)."""
    counts = Counter(t.ladle_t for t in network.fleet)
    return max(counts, key=lambda size: (counts[size], size))


def _rule_orders(network: Network, furnace: Furnace, ladle_t: float) -> list[Order]:
    """One furnace's orders by the rule over the plan day."""
    supply, lead_min = network.params.supply, network.params.planning.lead_time_h * 60.0
    draw = draw_per_minute(furnace_bands(furnace, network.consumption), network.plan_date.weekday())
    base = furnace.start_level_t - np.concatenate(([0.0], np.cumsum(draw)))
    trigger = supply.order_below_share * furnace.capacity_t
    tonnes = min(ladle_t, furnace.capacity_t - trigger)
    on_order, orders = 0.0, []
    for k in range(1, MAX_RULE_ORDERS + 1):
        hits = np.flatnonzero(base + on_order < trigger)
        if not hits.size or hits[0] + lead_min >= DAY_MIN:
            break
        placed = int(hits[0])
        orders.append(
            Order(
                order_id=f"R-{furnace.caster_id}-{furnace.alloy}-{k:02d}",
                caster_id=furnace.caster_id,
                alloy=furnace.alloy,
                tonnes=tonnes,
                window_start=network.at(placed + lead_min),
                window_end=network.at(placed + lead_min + supply.order_window_h * 60.0),
                placed_at=network.at(placed),
            )
        )
        on_order += tonnes
    return orders


def own_rule_network(network: Network, casters: set[tuple[str, str]] | None = None) -> Network:
    """The network with the given furnaces (default: the managed ones) on the casters' rule.

    Parameters
    ----------
    network : Network
        A network with ``consumption.csv``.
    casters : set of (caster_id, alloy), optional
        The furnaces to switch to ordering by the rule; default every managed one.

    Returns
    -------
    Network
        Those furnaces on ``orders`` supply, their rule's orders added to the orders.
    """
    keys = casters or {(f.caster_id, f.alloy) for f in network.furnaces if f.managed}
    ladle_t = full_ladle_t(network)
    furnaces, orders = [], list(network.orders)
    for f in network.furnaces:
        if (f.caster_id, f.alloy) in keys:
            f = f.model_copy(update={"supply": "orders"})
            orders += _rule_orders(network, f, ladle_t)
        furnaces.append(f)
    return network.model_copy(update={"furnaces": tuple(furnaces), "orders": tuple(orders)})
