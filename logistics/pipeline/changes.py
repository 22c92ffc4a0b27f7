"""What changed since a day was planned: orders added or changed, trucks out or added."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from logistics.errors import InputError, InputProblem
from logistics.network.model import Network, Order, Truck

#: Source named in messages about re-planning input.
SOURCE = "re-plan"


@dataclass(frozen=True)
class TruckChanges:
    """Trucks taken out of service (by id) and trucks added to the fleet."""

    remove: tuple[str, ...] = ()
    add: tuple[Truck, ...] = ()


def changed_network(
    network: Network,
    new_orders: Sequence[Order] = (),
    changed_orders: Sequence[Order] = (),
    truck_changes: TruckChanges | None = None,
) -> Network:
    """The network with orders added or replaced and trucks added.

    Raises
    ------
    InputError
        A new order whose id exists, a changed order or removed truck that does not, an
        added truck whose id exists, or an unknown caster or home smelter.
    """
    truck_changes = truck_changes or TruckChanges()
    problems: list[InputProblem] = []
    orders = {o.order_id: o for o in network.orders}
    for order in changed_orders:
        if order.order_id not in orders:
            problems.append(
                InputProblem(SOURCE, None, "order_id", f"no order {order.order_id} to change")
            )
        orders[order.order_id] = order
    for order in new_orders:
        if order.order_id in orders:
            problems.append(
                InputProblem(
                    SOURCE, None, "order_id", f"order {order.order_id} exists; change it instead"
                )
            )
        orders[order.order_id] = order
    for order in (*changed_orders, *new_orders):
        if order.caster_id not in network.caster_by_id:
            problems.append(
                InputProblem(SOURCE, None, "caster_id", f"unknown caster '{order.caster_id}'")
            )
    fleet = list(network.fleet)
    for truck_id in truck_changes.remove:
        if truck_id not in network.truck_by_id:
            problems.append(InputProblem(SOURCE, None, "truck_id", f"unknown truck '{truck_id}'"))
    for truck in truck_changes.add:
        if truck.truck_id in network.truck_by_id:
            problems.append(
                InputProblem(SOURCE, None, "truck_id", f"truck {truck.truck_id} exists")
            )
        if truck.home_smelter not in network.smelter_by_id:
            problems.append(
                InputProblem(
                    SOURCE, None, "home_smelter", f"unknown smelter '{truck.home_smelter}'"
                )
            )
        fleet.append(truck)
    if problems:
        raise InputError(problems)
    return network.model_copy(update={"orders": tuple(orders.values()), "fleet": tuple(fleet)})
