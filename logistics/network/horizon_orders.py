"""Each order planned on one day of a horizon: later days do not plan it again.

``orders.csv`` may hold several days: an order belongs to the date its window starts
on. A row written with ``HH:MM`` times has no date of its own: it falls on whatever date
the folder is loaded for, so loading the folder for each day of a horizon would put the
same order (the same ``order_id``) on every day, the first day's orders copied. In a
file that dates its orders (some ``window_start`` an ISO 8601 date-time), an order is
planned on the first day of the horizon that has it; later days plan only the orders
dated on them. A file with no date at all (every window ``HH:MM``,
``Network.undated_orders``) is the same orders on any date, as for a single day planned
on another date than ``network.toml``'s: every day of a horizon plans them.
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
        network when there are none, or when its orders file has no dates).
    """
    if network.undated_orders:
        return network
    again = {o.order_id for o in network.day_orders if o.order_id in earlier}
    if not again:
        return network
    return network.model_copy(
        update={"orders": tuple(o for o in network.orders if o.order_id not in again)}
    )
