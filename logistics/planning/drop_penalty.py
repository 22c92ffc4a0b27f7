"""What leaving a job unserved costs the optimiser: more for a managed delivery.

A caster's order left out is covered by ingots (:func:`~logistics.network.prices.
unserved_penalty_per_t`); a managed delivery left out lets its furnace fall below the
minimum and stops the caster's cells, so it costs more
(:func:`~logistics.network.prices.managed_drop_penalty_per_t`) and the router drops an
ordinary order first. A network without managed furnaces prices every job as before.
"""

from __future__ import annotations

from logistics.network.model import Network
from logistics.network.prices import managed_drop_penalty_per_t, unserved_penalty_per_t
from logistics.planning.managed import MANAGED_PREFIX


def is_managed_delivery(network: Network, order_id: str, caster_id: str, alloy: str) -> bool:
    """Whether an order is one of the planner's managed deliveries (``M-…`` to a furnace
    on managed supply)."""
    if not order_id.startswith(MANAGED_PREFIX):
        return False
    return any(
        f.managed and f.caster_id == caster_id and f.alloy == alloy for f in network.furnaces
    )


def drop_penalty_per_t(network: Network, order_id: str, caster_id: str, alloy: str) -> float:
    """The optimiser's penalty per tonne of this order left unserved, CNY/t."""
    if is_managed_delivery(network, order_id, caster_id, alloy):
        return managed_drop_penalty_per_t(network.params)
    return unserved_penalty_per_t(network.params)
