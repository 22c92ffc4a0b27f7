"""Plan page: plan the day in a worker process and see it on one screen."""

from __future__ import annotations

import streamlit as st

from logistics.app import state, widgets
from logistics.app.basemap import basemap_note
from logistics.app.labels import SOLVERS, solver_details, solver_label, solver_summary
from logistics.app.tables import REASONS, runs_table, unserved_frame, violations_frame
from logistics.charts import ladle_gantt, network_map, truck_gantt, trucks_per_hour
from logistics.pipeline import plan_day
from logistics.plan.exports import plan_workbook, plan_zip, runs_csv, unserved_csv
from logistics.plan.options import DEFAULT_TIME_LIMIT_S, PlanOptions
from logistics.plan.risk_flags import riskiest_runs

#: The tabs of a plan, in order.
TABS = ("Map", "Trucks", "Temperature", "Fleet", "Runs", "Unserved", "Downloads")

st.title("Plan the day")
network = state.network_or_none()
if network is None:
    st.warning("The chosen network has problems (see the left side); fix them to plan.")
    st.stop()

left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
solver = left.selectbox(
    "Solver",
    SOLVERS,
    index=state.kept_index("plan_solver", SOLVERS),
    format_func=solver_label,
    key="plan_solver",
)
limit = middle.number_input(
    "Time limit, s",
    min_value=1,
    max_value=600,
    value=state.kept("plan_limit", int(DEFAULT_TIME_LIMIT_S)),
    step=5,
    key="plan_limit",
)
if right.button("Plan the day", type="primary", key="plan_button", width="stretch"):
    task = state.workers().start(
        plan_day,
        f"{network.name} {network.plan_date}",
        network=network,
        options=PlanOptions(solver=solver, time_limit_s=float(limit)),
        travel=state.current_travel(),
    )
    st.session_state["plan_task_info"] = (network, f"{solver_label(solver)}, {limit:,} s")
    state.set_task("plan", task)

result = widgets.run_pending("plan", f"Planning {network.name} {network.plan_date}")
if result is not None and result.ok:
    planned_network, source = st.session_state.pop("plan_task_info")
    outcome = result.value
    if outcome.ok:
        state.show_plan(state.PlanView(outcome, planned_network, source))
    else:
        st.error(
            f"The independent checker found {len(outcome.report.violations):,} violations in "
            "the solver's plan; it is not shown as a plan. Please report this."
        )
        widgets.table(violations_frame(outcome.report.violations))

view = state.current_plan()
if view is None:
    st.info(
        f"{len(network.day_orders):,} orders ({sum(o.tonnes for o in network.day_orders):,.1f} t) "
        f"on {network.plan_date}. Press **Plan the day**."
    )
    widgets.show_map(network_map(network, width_px=widgets.MAP_WIDTH_PX), key="map_sites_only")
    st.stop()

plan = view.outcome.plan
net = view.network
previous = state.previous_plan()
report = view.outcome.report
st.caption(
    f"{plan.network} · {plan.plan_date} · {view.source} · {solver_summary(plan.solver)} "
    f"Independent check: **{len(report.violations):,} violations**, "
    f"{len(report.warnings):,} warnings, {report.runs_checked:,} runs checked."
)
with st.expander("Solver details"):
    widgets.table(widgets.frame(solver_details(plan.solver)), key="solver_details")
widgets.fallback_banner(plan, report)
if net.name != network.name or net.plan_date != network.plan_date:
    st.warning(f"This plan is for {net.name} on {net.plan_date}, not the network chosen now.")
widgets.kpi_cards(plan, previous.outcome.plan if previous else None)

# Only the open tab is drawn (a rerun when another is opened); it is kept across pages.
tab = state.kept("plan_tab", TABS[0], options=TABS)
tabs = dict(zip(TABS, st.tabs(TABS, default=tab, key="plan_tab", on_change="rerun"), strict=True))
with tabs["Map"]:
    if tabs["Map"].open:
        a, b = st.columns([1, 3])
        basemap = a.toggle(
            "Basemap",
            value=state.kept("basemap", False),
            key="basemap",
            help="Map tiles from the internet; off, the map works offline on a plain "
            "background with a grid (or the network's roads) and a scale bar.",
        )
        trucks = sorted({r.truck_id for r in plan.runs})
        chosen = b.multiselect(
            "Highlight trucks",
            trucks,
            default=state.kept("map_trucks", [], scope=state.plan_serial(), options=trucks),
            key="map_trucks",
        )
        tiles, note = basemap_note(basemap)
        if note:
            st.caption(note)
        widgets.show_map(
            network_map(
                net,
                plan.runs,
                basemap=tiles,
                highlight_trucks=chosen,
                width_px=widgets.MAP_WIDTH_PX,
                risky_runs=riskiest_runs(plan.runs, net.params.risk.max_cold_probability),
            ),
            key="plan_map",
        )
        st.caption(
            "Red: smelters · blue: casters · lines: trips (smelter → casters), one colour "
            "per truck. Sites without a label are named on hover; an arrow at the edge "
            "points to sites outside the view. Amber ring: a caster where a ladle's risk of "
            "arriving too cold is above target."
        )
with tabs["Trucks"]:
    if tabs["Trucks"].open:
        st.plotly_chart(
            truck_gantt(
                net,
                view.outcome.travel,
                plan.runs,
                truck_starts=plan.truck_starts,
                now=view.now,
                frozen=view.frozen,
                breaks=plan.breaks,
            ),
            key="plan_gantt",
            width="stretch",
        )
        st.caption(
            "Per ladle: fill (red), drive loaded (blue), pour (violet); drive empty (grey) "
            "to the smelter and home. Red cross: pour after the order window; blue "
            "triangle: arrives below the minimum. Thin green bars: the drivers' breaks "
            "(with drivers' rules)."
            + (
                f" Re-planned at {view.now.astimezone(net.tz):%H:%M} (dashed line): grey "
                "runs were poured by then, orange ones filled or on the road (kept as they "
                "were), the others planned after."
                if view.now is not None
                else ""
            )
        )
        if plan.has_ladles:
            st.subheader("Ladles")
            st.plotly_chart(
                ladle_gantt(net, view.outcome.travel, plan.runs, plan.preheats),
                key="plan_ladle_gantt",
                width="stretch",
            )
            st.caption(
                "Per ladle of the smelters' pools: preheat on a burner stand (amber), fill "
                "(red), on the road full (blue), pour (violet), back to its smelter empty "
                f"(grey). {len(plan.preheats):,} preheats."
            )
with tabs["Temperature"]:
    if tabs["Temperature"].open:
        widgets.ladle_chart(net, plan.runs)
with tabs["Fleet"]:
    if tabs["Fleet"].open:
        out = view.unavailable_trucks
        st.plotly_chart(
            trucks_per_hour(net, view.outcome.travel, plan.runs, plan.truck_starts, out),
            key="fleet_chart",
            width="stretch",
        )
        st.caption(
            "Bars: trucks on a trip in the hour · line: trucks on shift "
            f"({len(net.fleet) - len(out):,} of {len(net.fleet):,} in the fleet"
            + (f"; out of service, not counted: {', '.join(out)}" if out else "")
            + ")."
        )
with tabs["Runs"]:
    if tabs["Runs"].open:
        runs_table(net, plan.runs, key="runs_table")
with tabs["Unserved"]:
    if tabs["Unserved"].open:
        frame = unserved_frame(plan.unserved)
        if frame.empty:
            st.success("Every tonne ordered is delivered liquid.")
        else:
            widgets.table(frame, key="unserved_table")
        with st.expander("What the reasons mean"):
            st.markdown("\n".join(f"- **{k}**: {v}" for k, v in REASONS.items()))
with tabs["Downloads"]:
    if tabs["Downloads"].open:
        stem = f"{plan.network}-{plan.plan_date.isoformat()}"
        # built once per plan on screen, not on every rerun of the page
        cached = st.session_state.get("plan_exports")
        if cached is None or cached[0] is not plan:
            cached = (
                plan,
                plan_zip(plan),
                runs_csv(plan),
                unserved_csv(plan),
                plan_workbook(net, plan, view.outcome.travel),
            )
            st.session_state["plan_exports"] = cached
        _, zipped, runs_text, unserved_text, workbook = cached
        c = st.columns(4)
        with c[0]:
            widgets.download("Plan folder (zip)", zipped, f"{stem}.zip", "application/zip")
        with c[1]:
            widgets.download("runs.csv", runs_text, "runs.csv", "text/csv")
        with c[2]:
            widgets.download("unserved.csv", unserved_text, "unserved.csv", "text/csv")
        with c[3]:
            widgets.download(
                "Excel workbook",
                workbook,
                f"{stem}.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        st.caption(
            "The workbook has a route sheet per truck for the driver: stops, times, tonnes, "
            "temperatures."
        )
