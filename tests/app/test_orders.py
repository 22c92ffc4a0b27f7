"""The orders table is validated by the loader itself, with its file/row/column messages."""

from __future__ import annotations

import pytest

from logistics import InputError
from logistics.app.orders import frame_rows, orders_frame, validate_orders
from logistics.network.model import Network


def test_the_days_orders_round_trip(tiny: Network) -> None:
    rows = frame_rows(orders_frame(tiny))
    assert [r["order_id"] for r in rows] == [o.order_id for o in tiny.day_orders]
    assert validate_orders(tiny, rows) == tiny.orders


def test_a_bad_cell_names_orders_csv_row_and_column(tiny: Network) -> None:
    rows = frame_rows(orders_frame(tiny))
    rows[1]["tonnes"] = "lots"
    rows[3]["window_start"] = "25:99"
    with pytest.raises(InputError) as exc:
        validate_orders(tiny, rows)
    found = {(p.file, p.row, p.column) for p in exc.value.problems}
    assert found == {("orders.csv", 3, "tonnes"), ("orders.csv", 5, "window_start")}


def test_cross_checks_apply_too(tiny: Network) -> None:
    rows = frame_rows(orders_frame(tiny))
    rows[0]["caster_id"] = "C99"
    rows.append(dict(rows[2]))  # a duplicate order id
    with pytest.raises(InputError) as exc:
        validate_orders(tiny, rows)
    messages = {(p.row, p.column): p.message for p in exc.value.problems}
    assert "duplicate" in messages[(len(rows) + 1, "order_id")]
    rows.pop()
    with pytest.raises(InputError) as exc:
        validate_orders(tiny, rows)
    assert [(p.row, p.column) for p in exc.value.problems] == [(2, "caster_id")]
    assert "unknown caster 'C99'" in exc.value.problems[0].message


def test_an_added_order_is_read_like_the_file(tiny: Network) -> None:
    rows = frame_rows(orders_frame(tiny))
    rows.append(
        {
            "order_id": "U1",
            "caster_id": "C1",
            "alloy": "ADC12",
            "tonnes": "6",
            "window_start": "15:00",
            "window_end": "16:00",
            "placed_at": "10:00",
        }
    )
    orders = validate_orders(tiny, rows)
    added = next(o for o in orders if o.order_id == "U1")
    assert added.window_start == tiny.at(15 * 60) and added.tonnes == 6.0
