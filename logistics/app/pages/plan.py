"""Plan page: plan the day in a worker process and see it on one screen."""

from __future__ import annotations

import streamlit as st

from logistics.app import state, widgets
from logistics.app.tables import REASONS, runs_frame, unserved_frame, violations_frame
from logistics.charts import ladle_temperature, network_map, truck_gantt, trucks_per_hour
from logistics.pipeline import plan_day
from logistics.plan.exports import plan_workbook, plan_zip, runs_csv, unserved_csv
from logistics.plan.options import DEFAULT_TIME_LIMIT_S, PlanOptions

SOLVER_LABELS = {"ortools": "optimiser (OR-Tools)", "greedy": "dispatcher's rule (greedy)"}

st.title("Plan the day")
network = state.network_or_none()
if network is None:
    st.warning("The chosen network has problems (see the left side); fix them to plan.")
    st.stop()

left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
solver = left.selectbox(
    "Solver", list(SOLVER_LABELS), format_func=SOLVER_LABELS.get, key="plan_solver"
)
limit = middle.number_input(
    "Time limit, s",
    min_value=1,
    max_value=600,
    value=int(DEFAULT_TIME_LIMIT_S),
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
    st.session_state["plan_task_info"] = (network, f"{SOLVER_LABELS[solver]}, {limit:g} s")
    state.set_task("plan", task)

result = widgets.run_pending("plan", f"Planning {network.name} {network.plan_date}")
if result is not None and result.ok:
    planned_network, source = st.session_state.pop("plan_task_info")
    outcome = result.value
    if outcome.ok:
        state.show_plan(state.PlanView(outcome, planned_network, source))
    else:
        st.error(
            f"The independent checker found {len(outcome.report.violations)} violations in "
            "the solver's plan; it is not shown as a plan. Please report this."
        )
        st.dataframe(violations_frame(outcome.report.violations), hide_index=True)

view = state.current_plan()
if view is None:
    st.info(
        f"{len(network.day_orders)} orders ({sum(o.tonnes for o in network.day_orders):,.0f} t) "
        f"on {network.plan_date}. Press **Plan the day**."
    )
    st.pydeck_chart(network_map(network), key="map_sites_only")
    st.stop()

plan = view.outcome.plan
net = view.network
previous = state.previous_plan()
report = view.outcome.report
st.caption(
    f"{plan.network} · {plan.plan_date} · {view.source} · solver status {plan.solver.status} · "
    f"independent check: **{len(report.violations)} violations**, {len(report.warnings)} "
    f"warnings, {report.runs_checked} runs checked"
)
widgets.fallback_banner(plan, report)
if net.name != network.name or net.plan_date != network.plan_date:
    st.warning(f"This plan is for {net.name} on {net.plan_date}, not the network chosen now.")
widgets.kpi_cards(plan, previous.outcome.plan if previous else None)

tabs = st.tabs(["Map", "Trucks", "Temperature", "Fleet", "Runs", "Unserved", "Downloads"])
with tabs[0]:
    a, b = st.columns([1, 3])
    basemap = a.toggle(
        "Basemap",
        value=False,
        key="basemap",
        help="Map tiles from the internet; off, the map works offline on a plain background.",
    )
    trucks = sorted({r.truck_id for r in plan.runs})
    chosen = b.multiselect("Highlight trucks", trucks, key="map_trucks")
    st.pydeck_chart(
        network_map(net, plan.runs, basemap=basemap, highlight_trucks=chosen), key="plan_map"
    )
    st.caption(
        "Red: smelters · blue: casters · lines: trips (smelter → casters), one colour per truck."
    )
with tabs[1]:
    st.plotly_chart(
        truck_gantt(
            net,
            view.outcome.travel,
            plan.runs,
            truck_starts=plan.truck_starts,
            now=view.now,
            frozen=view.frozen,
        ),
        key="plan_gantt",
        width="stretch",
    )
    st.caption(
        "Dark: fill and pour per ladle · light: driving loaded · palest: driving empty. "
        "Red cross: pour after the order window; blue triangle: arrives below the minimum."
        + (
            f" Re-planned at {view.now.astimezone(net.tz):%H:%M} (dashed line): grey runs "
            "were poured by then, orange ones filled or on the road (kept as they were), "
            "blue ones planned after."
            if view.now is not None
            else ""
        )
    )
with tabs[2]:
    if plan.runs:
        labels = {
            r.run_id: f"{r.run_id} · {r.truck_id} trip {r.trip} · {r.order_id} · "
            f"{r.smelter_id} → {r.caster_id} · {r.arrival_c:.1f} °C"
            for r in plan.runs
        }
        coldest = min(
            plan.runs, key=lambda r: r.arrival_c - net.caster_by_id[r.caster_id].min_pour_c
        )
        ids = list(labels)
        run_id = st.selectbox(
            "Ladle (default: the least margin)",
            ids,
            index=ids.index(coldest.run_id),
            format_func=labels.get,
            key="ladle_choice",
        )
        run = next(r for r in plan.runs if r.run_id == run_id)
        st.plotly_chart(ladle_temperature(net, run), key="ladle_chart", width="stretch")
    else:
        st.info("No ladle runs in this plan.")
with tabs[3]:
    out = view.unavailable_trucks
    st.plotly_chart(
        trucks_per_hour(net, view.outcome.travel, plan.runs, plan.truck_starts, out),
        key="fleet_chart",
        width="stretch",
    )
    st.caption(
        "Bars: trucks on a trip in the hour · line: trucks on shift "
        f"({len(net.fleet) - len(out)} of {len(net.fleet)} in the fleet"
        + (f"; out of service, not counted: {', '.join(out)}" if out else "")
        + ")."
    )
with tabs[4]:
    st.dataframe(runs_frame(net, plan.runs), hide_index=True, key="runs_table")
with tabs[5]:
    frame = unserved_frame(plan.unserved)
    if frame.empty:
        st.success("Every tonne ordered is delivered liquid.")
    else:
        st.dataframe(frame, hide_index=True, key="unserved_table")
    with st.expander("What the reasons mean"):
        st.markdown("\n".join(f"- **{k}**: {v}" for k, v in REASONS.items()))
with tabs[6]:
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
    c[0].download_button("Plan folder (zip)", zipped, f"{stem}.zip", "application/zip")
    c[1].download_button("runs.csv", runs_text, "runs.csv", "text/csv")
    c[2].download_button("unserved.csv", unserved_text, "unserved.csv", "text/csv")
    c[3].download_button(
        "Excel workbook",
        workbook,
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.caption(
        "The workbook has a route sheet per truck for the driver: stops, times, tonnes, "
        "temperatures."
    )
