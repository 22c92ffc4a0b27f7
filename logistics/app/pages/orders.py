"""Orders page: the day's orders in an editable table, an orders file, an urgent order.

Every edit is validated by the network loader itself (:mod:`logistics.app.orders`), with
its file/row/column messages; the edited order book is used for planning only when the
dispatcher says so. Edits not yet used and an uploaded file are kept while the
dispatcher visits other pages.
"""

from __future__ import annotations

import streamlit as st

from logistics.app import state, widgets
from logistics.app.orders import (
    ORDER_COLUMNS,
    frame_rows,
    orders_frame,
    orders_from_file,
    validate_orders,
)
from logistics.app.uploads import save_upload
from logistics.errors import InputError

HELP = {
    "order_id": "Unique id",
    "caster_id": "Caster (casters.csv)",
    "alloy": "Alloy, e.g. ADC12",
    "tonnes": "Tonnes, t",
    "window_start": "Earliest pour start: HH:MM on the plan date, or YYYY-MM-DD HH:MM",
    "window_end": "Latest pour start: HH:MM (up to 48:00) or YYYY-MM-DD HH:MM",
    "placed_at": "When the caster ordered: HH:MM or YYYY-MM-DD HH:MM",
}

st.title("Orders of the day")
network = state.network_or_none()
if network is None:
    st.warning("The chosen network has problems (see the left side); fix them first.")
    st.stop()
network = state.order_book_network()  # the casters' orders, without a supply switch
base = state.base_network()
other_days = [o for o in network.orders if o not in network.day_orders]

# The table the editor starts from: the session's order book, until it is replaced.
identity = (str(state.network_folder()), network.plan_date, state.orders_edited())
if st.session_state.get("orders_identity") != identity or "orders_base" not in st.session_state:
    st.session_state["orders_identity"] = identity
    st.session_state["orders_base"] = orders_frame(network)
    st.session_state.pop("orders_editor", None)
    st.session_state.pop("orders_draft", None)
elif "orders_editor" not in st.session_state and "orders_draft" in st.session_state:
    # back from another page: the editor forgot its edits, the draft kept them
    st.session_state["orders_base"] = st.session_state.pop("orders_draft")

st.caption(
    f"{network.name} · {network.plan_date} · times {network.timezone}. Edit cells, add rows at "
    "the bottom, delete rows with the checkbox; the loader's rules check every change."
    + (f" {len(other_days)} orders of other days are kept as they are." if other_days else "")
)
edited = st.data_editor(
    st.session_state["orders_base"],
    num_rows="dynamic",
    key="orders_editor",
    hide_index=True,
    width="stretch",
    column_config={c: st.column_config.TextColumn(c, help=HELP[c]) for c in ORDER_COLUMNS},
)
editor = st.session_state.get("orders_editor") or {}
if any(editor.get(k) for k in ("edited_rows", "added_rows", "deleted_rows")):
    st.session_state["orders_draft"] = edited.reset_index(drop=True)
else:
    st.session_state.pop("orders_draft", None)
rows = frame_rows(edited)
problems = []
orders = None
try:
    orders = validate_orders(network, rows, keep=other_days)
except InputError as exc:
    problems = exc.problems
if problems:
    widgets.show_problems(problems, "These orders have problems")
else:
    st.success(
        f"{len(rows):,} orders of the day, {sum(float(r['tonnes']) for r in rows):,.1f} t: valid."
    )

left, right = st.columns(2)
if left.button("Plan with these orders", type="primary", disabled=orders is None, key="orders_use"):
    state.set_orders(orders)
    st.session_state["orders_identity"] = (str(state.network_folder()), network.plan_date, True)
    st.session_state["orders_base"] = edited.reset_index(drop=True)
    st.session_state.pop("orders_editor", None)
    st.session_state.pop("orders_draft", None)
    st.toast("The Plan and Re-plan pages now use these orders.")
    st.rerun()
if right.button(
    "Back to the folder's orders", disabled=not state.orders_edited(), key="orders_reset"
):
    state.set_orders(None)
    st.rerun()

st.subheader("Urgent order")
new_row = widgets.urgent_order_form(network, "urgent", "Add the order to the table")
if new_row is not None:
    frame = edited.reset_index(drop=True)
    frame.loc[len(frame)] = [new_row[c] for c in ORDER_COLUMNS]
    st.session_state["orders_base"] = frame
    st.session_state.pop("orders_editor", None)
    st.session_state.pop("orders_draft", None)
    st.rerun()
st.caption(
    "An order must be placed the lead time before its pour "
    f"({network.params.planning.lead_time_h:,.1f} h here); otherwise it is left unserved "
    "as 'ordered too late'."
)

st.subheader("Orders file")
st.file_uploader(
    "Replace the orders with a CSV file (orders.csv columns)",
    type=["csv"],
    key="orders_upload",
    on_change=state.keep_upload("orders_upload"),
)
upload = state.kept_file("orders_upload")
if upload is not None:
    folders = state.session_folders()
    path = folders.add(save_upload(upload.data, upload.name))
    try:
        loaded = orders_from_file(network, path)
    except InputError as exc:
        widgets.show_problems(exc.problems, f"{upload.name} has problems")
    else:
        day = [
            o for o in loaded if o.window_start.astimezone(network.tz).date() == network.plan_date
        ]
        st.success(f"{upload.name}: {len(loaded):,} orders, {len(day):,} on {network.plan_date}.")
        if st.button("Plan with the file's orders", key="orders_file_use"):
            state.set_orders(loaded)
            st.rerun()
    finally:
        folders.remove(path)
    if not st.session_state.get("orders_upload") and st.button(
        "Forget the uploaded file", key="orders_forget"
    ):
        state.forget_file("orders_upload")
        st.rerun()
