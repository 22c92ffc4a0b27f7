"""A what-if of managed supply: which casters the supplier manages, switched.

``consumption.csv``'s ``supply`` column says, per caster and alloy, whether the
supplier manages the furnace or the caster orders. :func:`switch_supply` returns the
network as it would be loaded had that column said otherwise for some casters, so that
:func:`~logistics.pipeline.plan_day` plans the switched day exactly as ``molten plan``
would plan the folder edited that way:

* a furnace switched **to managed supply** loses the caster's orders for its alloy (the
  loader refuses them for a managed furnace: the supplier now decides the deliveries);
* a furnace switched **to orders** keeps the caster's orders for its alloy; with
  ``own_rule`` (the default), a furnace without orders of its own on the plan day
  orders by the casters' own rule (:mod:`logistics.planning.caster_rule`: a full ladle
  whenever its position would fall below ``[supply] order_below_share`` of the
  capacity, with the usual notice), so that the what-if compares managed supply with
  what the caster would really do rather than with no deliveries at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from logistics.network.furnaces import Furnace
from logistics.network.model import Network
from logistics.planning.caster_rule import own_rule_network


def supplied_casters(network: Network) -> tuple[str, ...]:
    """Casters with a furnace in ``consumption.csv`` (the ones a switch may move), in
    order; without those with a furnace no whole ladle fits into (:func:`too_small`)."""
    small = set(too_small(network))
    return tuple(dict.fromkeys(f.caster_id for f in network.furnaces if f.caster_id not in small))


def too_small(network: Network) -> tuple[str, ...]:
    """Casters with a furnace that even the fleet's smallest ladle overflows from its
    minimum level, where ladles are poured whole (``[supply] whole_ladles``): they
    cannot be on managed supply (:meth:`~logistics.network.furnaces.Furnace.takes_no_ladle`)."""
    if not network.params.supply.whole_ladles or not network.fleet:
        return ()
    smallest = min(t.ladle_t for t in network.fleet)
    return tuple(dict.fromkeys(f.caster_id for f in network.furnaces if f.takes_no_ladle(smallest)))


def managed_casters(network: Network) -> tuple[str, ...]:
    """Casters with at least one furnace on managed supply, in ``consumption.csv`` order."""
    return tuple(dict.fromkeys(f.caster_id for f in network.furnaces if f.managed))


def switch_supply(network: Network, managed: Iterable[str], *, own_rule: bool = True) -> Network:
    """The network with exactly the casters ``managed`` on managed supply.

    Parameters
    ----------
    network : Network
        A network as loaded (``furnaces`` from ``consumption.csv``); it may carry an
        edited order book.
    managed : iterable of str
        Caster ids whose furnaces (every alloy) the supplier manages; every other
        furnace is on orders. Each must have a furnace in ``consumption.csv``.
    own_rule : bool
        Whether a furnace switched from managed supply to orders, without orders of its
        own on the plan day, orders by the casters' own rule (else it gets nothing).

    Returns
    -------
    Network
        The furnaces' ``supply`` switched; the orders of furnaces now managed removed;
        the rule's orders (``R-<caster>-<alloy>-<k>``, t) added for furnaces now on
        orders. Furnaces whose supply does not change are left as they are, so the
        folder's own supply returns the network unchanged.

    Raises
    ------
    ValueError
        A caster in ``managed`` has no furnace in ``consumption.csv``, or one no whole
        ladle fits into (:func:`too_small`).
    """
    chosen = set(managed)
    small = sorted(chosen & set(too_small(network)))
    if small:
        raise ValueError(
            f"caster(s) {', '.join(small)} have a furnace smaller above its minimum than "
            "the fleet's smallest ladle: no whole ladle fits, so they cannot be on "
            "managed supply"
        )
    unknown = sorted(chosen - set(supplied_casters(network)))
    if unknown:
        raise ValueError(
            f"caster(s) {', '.join(unknown)} have no furnace in consumption.csv: "
            "they cannot be on managed supply"
        )
    to_managed = {
        (f.caster_id, f.alloy) for f in network.furnaces if f.caster_id in chosen and not f.managed
    }
    to_orders = {
        (f.caster_id, f.alloy) for f in network.furnaces if f.caster_id not in chosen and f.managed
    }
    if not to_managed and not to_orders:
        return network
    furnaces = tuple(
        f.model_copy(update={"supply": "managed" if f.caster_id in chosen else "orders"})
        if (f.caster_id, f.alloy) in to_managed | to_orders
        else f
        for f in network.furnaces
    )
    orders = tuple(o for o in network.orders if (o.caster_id, o.alloy) not in to_managed)
    switched = network.model_copy(update={"furnaces": furnaces, "orders": orders})
    ordering = {(o.caster_id, o.alloy) for o in switched.day_orders}
    by_rule = {key for key in to_orders if key not in ordering}
    if not own_rule or not by_rule:
        return switched
    return own_rule_network(switched, by_rule)


def switched_furnaces(before: Network, after: Network) -> tuple[Furnace, ...]:
    """The furnaces of ``after`` whose supply differs from the same furnace's in ``before``."""
    was = {(f.caster_id, f.alloy): f.supply for f in before.furnaces}
    return tuple(f for f in after.furnaces if was.get((f.caster_id, f.alloy), f.supply) != f.supply)
