"""Check page: the independent checker on the current plan or a hand-made ``runs.csv``.

By default it checks the plan on screen as its two files say (``runs.csv`` with its
own ``unserved.csv``); uploaded files are kept while the dispatcher visits other pages.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from logistics.app import state, widgets
from logistics.app.tables import rule_counts, runs_frame, violations_frame
from logistics.charts import truck_gantt
from logistics.check import check
from logistics.errors import InputError
from logistics.plan.exports import runs_csv, unserved_csv
from logistics.plan.files import RUNS_FILE, UNSERVED_FILE, read_plan

#: What the page can check.
SOURCES = {
    "current": "the current plan (its runs.csv and unserved.csv)",
    "upload": "files I upload (a hand-made or edited runs.csv)",
}
UNSERVED_HEADER = "order_id,caster_id,alloy,tonnes,reason"

st.title("Check a plan")
network = state.network_or_none()
if network is None:
    st.warning("The chosen network has problems (see the left side); fix them first.")
    st.stop()
travel = state.current_travel()
st.caption(
    f"Against {network.name} on {network.plan_date} (times HH:MM on that day or ISO 8601). "
    "Every rule the planner keeps is re-checked from the inputs alone."
)
view = state.current_plan()
# the plan on screen, when it is for this network and day (else only uploads are checked)
current = (
    view
    if view is not None
    and (view.network.name, view.network.plan_date) == (network.name, network.plan_date)
    else None
)
sources = ["current", "upload"] if current is not None else ["upload"]
source = st.radio(
    "What to check",
    sources,
    index=state.kept_index("check_source", sources),
    format_func=SOURCES.get,
    key="check_source",
    horizontal=True,
)
if current is not None:
    plan_runs, plan_unserved = runs_csv(current.outcome.plan), unserved_csv(current.outcome.plan)
    c1, c2, _ = st.columns([1, 1, 2])
    with c1:
        widgets.download("Current plan's runs.csv", plan_runs, "runs.csv", "text/csv")
    with c2:
        widgets.download("Current plan's unserved.csv", plan_unserved, "unserved.csv", "text/csv")
    st.caption("Download both to start a hand-made plan from the current one.")

if source == "current" and current is not None:  # "current" is offered only then
    runs_data, unserved_data = plan_runs.encode(), plan_unserved.encode()
    st.caption(
        f"Checking the current plan ({current.source}): {len(current.outcome.plan.runs):,} "
        f"runs and {len(current.outcome.plan.unserved):,} unserved rows."
    )
else:
    left, right = st.columns(2)
    left.file_uploader(
        "runs.csv", type=["csv"], key="check_runs", on_change=state.keep_upload("check_runs")
    )
    right.file_uploader(
        "unserved.csv (optional)",
        type=["csv"],
        key="check_unserved",
        on_change=state.keep_upload("check_unserved"),
    )
    runs_file, unserved_file = state.kept_file("check_runs"), state.kept_file("check_unserved")
    kept = [f"{f.name} ({f.kilobytes:,.1f} kB)" for f in (runs_file, unserved_file) if f]
    if kept:
        st.caption(f"Checking the uploaded {' and '.join(kept)}.")
    shown = st.session_state.get("check_runs") or st.session_state.get("check_unserved")
    # kept from an earlier visit (the upload boxes are empty): offer to forget them
    if kept and not shown and st.button("Forget the uploaded files", key="check_forget"):
        state.forget_file("check_runs")
        state.forget_file("check_unserved")
        st.rerun()
    if runs_file is None:
        st.info("Upload a runs.csv to check it.")
        st.stop()
    runs_data = runs_file.data
    if unserved_file is not None:
        unserved_data = unserved_file.data
    else:
        with_plan = False
        if current is not None:
            with_plan = st.checkbox(
                "Use the current plan's unserved.csv with this runs.csv",
                value=state.kept("check_plan_unserved", True),
                key="check_plan_unserved",
            )
        if with_plan:
            unserved_data = plan_unserved.encode()
        else:
            unserved_data = (UNSERVED_HEADER + "\n").encode()
            st.caption(
                "Without an unserved.csv nothing is declared unserved: every tonne ordered "
                "and not delivered counts as a violation (order_accounting)."
            )

with tempfile.TemporaryDirectory(prefix="molten-check-") as tmp:
    folder = Path(tmp)
    (folder / RUNS_FILE).write_bytes(runs_data)
    (folder / UNSERVED_FILE).write_bytes(unserved_data)
    try:
        plan = read_plan(folder, network, travel)
    except InputError as exc:
        widgets.show_problems(exc.problems, "The plan cannot be read")
        st.stop()

report = check(network, plan, travel)
if report.ok:
    margin = (
        f" (smallest arrival margin {report.min_arrival_margin_c:,.1f} °C)"
        if report.min_arrival_margin_c is not None
        else ""
    )
    st.success(
        f"0 violations in {report.runs_checked:,} runs and {report.orders_checked:,} "
        f"orders{margin}."
    )
else:
    st.error(
        f"{len(report.violations):,} violations in {report.runs_checked:,} runs "
        f"({', '.join(f'{k} {v:,}' for k, v in report.summary().items())})."
    )
    widgets.table(violations_frame(report.violations), key="violations_table")
    widgets.table(rule_counts(report), key="rules_table")
if report.warnings:
    st.warning(f"{len(report.warnings):,} warnings (allowed in a hand-made plan).")
    widgets.table(violations_frame(report.warnings), key="warnings_table")

s = plan.summary
cols = st.columns(4)
cols[0].metric("Delivered liquid", f"{s.tonnes_delivered:,.1f} t")
cols[1].metric("Ladle runs", f"{s.ladle_runs:,}")
cols[2].metric("Truck-km", f"{s.truck_km:,.0f} km")
cols[3].metric("Route cost", f"{s.route_cost_cny:,.0f} CNY")
known = [r for r in plan.runs if r.truck_id in network.truck_by_id]
if known:
    flagged = {v.run_id for v in report.violations if v.run_id}
    st.plotly_chart(
        truck_gantt(network, travel, known, changes={r: "moved" for r in flagged}),
        key="check_gantt",
        width="stretch",
    )
    st.caption("Runs with a violation are outlined in pink.")
widgets.table(runs_frame(network, plan.runs), key="check_runs_table")
