"""The day's orders as an editable table, validated by the network loader itself.

The table holds the ``orders.csv`` columns as text (times ``HH:MM`` on the plan date or
``YYYY-MM-DD HH:MM`` on another day). :func:`validate_orders` writes it as an
``orders.csv`` and loads the network with it (:func:`logistics.load_network`), so the
rules and messages are exactly the loader's: every problem names ``orders.csv``, the
spreadsheet row (the table's first row is row 2) and the column.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from logistics.errors import InputError, InputProblem
from logistics.network.loader import ORDERS, load_network
from logistics.network.model import Network, Order

#: Columns of the orders table, in ``orders.csv`` order.
ORDER_COLUMNS: tuple[str, ...] = ORDERS.required


def time_text(moment: datetime, network: Network) -> str:
    """``HH:MM`` on the plan date, ``YYYY-MM-DD HH:MM`` on another day (network time)."""
    local = moment.astimezone(network.tz)
    if local.date() == network.plan_date:
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def order_row(order: Order, network: Network) -> dict[str, str]:
    """An order as a row of text cells."""
    return {
        "order_id": order.order_id,
        "caster_id": order.caster_id,
        "alloy": order.alloy,
        "tonnes": f"{order.tonnes:g}",
        "window_start": time_text(order.window_start, network),
        "window_end": time_text(order.window_end, network),
        "placed_at": time_text(order.placed_at, network),
    }


def orders_frame(network: Network, orders: Iterable[Order] | None = None) -> pd.DataFrame:
    """The orders (default: the day's) as a text table with :data:`ORDER_COLUMNS`."""
    chosen = network.day_orders if orders is None else orders
    rows = [order_row(o, network) for o in chosen]
    return pd.DataFrame(rows, columns=list(ORDER_COLUMNS)).astype("string")


def _cell(value: object) -> str:
    if value is None:
        return ""
    try:
        # pandas-stubs type isna's argument as scalars, arrays and frames; at run time it
        # takes any object (a cell may hold anything an upload gives)
        if pd.isna(value):  # type: ignore[call-overload]
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def frame_rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The table's rows as text cells (missing columns as empty cells)."""
    rows = []
    for record in frame.to_dict(orient="records"):
        rows.append({c: _cell(record.get(c)) for c in ORDER_COLUMNS})
    return rows


def orders_csv_text(rows: Sequence[Mapping[str, str]]) -> str:
    """Rows as ``orders.csv`` text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(ORDER_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in ORDER_COLUMNS})
    return buffer.getvalue()


def validate_orders(
    network: Network,
    rows: Sequence[Mapping[str, str]],
    keep: Iterable[Order] = (),
) -> tuple[Order, ...]:
    """The orders of ``rows`` (then ``keep``), validated by the loader.

    Parameters
    ----------
    network : Network
        Loaded from a folder (its ``folder`` is read again with the new orders).
    rows : sequence of mapping
        The table's rows, text cells; the first is spreadsheet row 2.
    keep : iterable of Order
        Orders to keep as they are after the rows (those of other days).

    Returns
    -------
    tuple of Order
        Every order, as the loader reads them.

    Raises
    ------
    InputError
        The loader's problems, naming ``orders.csv``, row and column.
    """
    if network.folder is None:
        raise InputError(InputProblem("orders.csv", None, None, "the network has no folder"))
    all_rows = [dict(r) for r in rows] + [order_row(o, network) for o in keep]
    with tempfile.TemporaryDirectory(prefix="molten-orders-") as tmp:
        path = Path(tmp) / ORDERS.file
        path.write_text(orders_csv_text(all_rows), encoding="utf-8")
        loaded = load_network(network.folder, network.plan_date, orders_file=path)
    return loaded.orders


def orders_from_file(network: Network, path: Path) -> tuple[Order, ...]:
    """Orders of an uploaded orders file, validated by the loader (messages name it)."""
    if network.folder is None:
        raise InputError(InputProblem(path.name, None, None, "the network has no folder"))
    return load_network(network.folder, network.plan_date, orders_file=path).orders


def with_orders(network: Network, orders: Sequence[Order]) -> Network:
    """The network with another order book."""
    return network.model_copy(update={"orders": tuple(orders)})


def next_order_id(network: Network, prefix: str = "U") -> str:
    """An order id not yet taken: ``U1``, ``U2`` …."""
    taken = {o.order_id for o in network.orders}
    k = 1
    while f"{prefix}{k}" in taken:
        k += 1
    return f"{prefix}{k}"
