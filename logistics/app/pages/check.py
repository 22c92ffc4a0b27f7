"""Check page: the independent checker on a hand-made ``runs.csv`` / ``unserved.csv``."""

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
left, right = st.columns(2)
runs_file = left.file_uploader("runs.csv", type=["csv"], key="check_runs")
unserved_file = right.file_uploader(
    "unserved.csv (optional: without it, nothing is declared unserved)",
    type=["csv"],
    key="check_unserved",
)
view = state.current_plan()
if view is not None:
    st.download_button(
        "Start from the current plan's runs.csv",
        runs_csv(view.outcome.plan),
        "runs.csv",
        "text/csv",
    )

if runs_file is None:
    st.info("Upload a runs.csv to check it.")
    st.stop()

with tempfile.TemporaryDirectory(prefix="molten-check-") as tmp:
    folder = Path(tmp)
    (folder / RUNS_FILE).write_bytes(runs_file.getvalue())
    if unserved_file is not None:
        (folder / UNSERVED_FILE).write_bytes(unserved_file.getvalue())
    else:
        header = unserved_csv(view.outcome.plan).splitlines()[0] if view else None
        (folder / UNSERVED_FILE).write_text(
            (header or "order_id,caster_id,alloy,tonnes,reason") + "\n", encoding="utf-8"
        )
    try:
        plan = read_plan(folder, network, travel)
    except InputError as exc:
        widgets.show_problems(exc.problems, "The plan cannot be read")
        st.stop()

report = check(network, plan, travel)
if report.ok:
    st.success(
        f"0 violations in {report.runs_checked} runs and {report.orders_checked} orders "
        f"(smallest arrival margin {report.min_arrival_margin_c:.1f} °C)."
        if report.min_arrival_margin_c is not None
        else f"0 violations in {report.runs_checked} runs and {report.orders_checked} orders."
    )
else:
    st.error(
        f"{len(report.violations)} violations in {report.runs_checked} runs "
        f"({', '.join(f'{k} {v}' for k, v in report.summary().items())})."
    )
    st.dataframe(violations_frame(report.violations), hide_index=True, key="violations_table")
    st.dataframe(rule_counts(report), hide_index=True, key="rules_table")
if report.warnings:
    st.warning(f"{len(report.warnings)} warnings (allowed in a hand-made plan).")
    st.dataframe(violations_frame(report.warnings), hide_index=True, key="warnings_table")

s = plan.summary
cols = st.columns(4)
cols[0].metric("Delivered liquid", f"{s.tonnes_delivered:,.1f} t")
cols[1].metric("Ladle runs", f"{s.ladle_runs}")
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
st.dataframe(runs_frame(network, plan.runs), hide_index=True, key="check_runs_table")
