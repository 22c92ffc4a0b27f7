"""Each order planned on one day of a horizon: later days do not plan it again.

``orders.csv`` may hold several days: an order belongs to the date its window starts
on. A row written with ``HH:MM`` times has no date of its own: it falls on whatever date
the folder is loaded for, so loading the folder for each day of a horizon would put the
same order (the same ``order_id``) on every day, the first day's orders copied. In a
horizon an order is planned on the first of its days that has it; later days plan only
the orders that are their own (rows dated on them, ISO 8601).
"""

from __future__ import annotations

from collections.abc import Collection

from logistics.network.model import Network


def without_earlier_orders(network: Network, earlier: Collection[str]) -> Network:
    """A later day of a horizon without the orders an earlier day of it planned.

    Parameters
    ----------
    network : Network
        The network loaded for the later date.
    earlier : collection of str
        Ids of the orders the earlier days planned (their ``day_orders``).

    Returns
    -------
    Network
        ``network`` without the plan day's orders whose id is in ``earlier`` (the same
        network when there are none).
    """
    again = {o.order_id for o in network.day_orders if o.order_id in earlier}
    if not again:
        return network
    return network.model_copy(
        update={"orders": tuple(o for o in network.orders if o.order_id not in again)}
    )
