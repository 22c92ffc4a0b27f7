"""Re-plan page: a caster calls at 10:00 for metal at 15:00.

Choose ``now``, add or change orders, take trucks out; preview what a re-plan changes
(the runs already filled or on the road stay exactly as they are) and apply it only
when accepted.
"""

from __future__ import annotations

from datetime import datetime, time

import streamlit as st

from logistics.app import state, widgets
from logistics.app.labels import SOLVERS, solver_label
from logistics.app.orders import ORDER_COLUMNS, orders_frame, validate_orders
from logistics.app.replan_view import diff_frame, modes_frame, order_changes
from logistics.app.tables import unserved_frame, violations_frame
from logistics.charts import truck_gantt
from logistics.errors import InputError
from logistics.pipeline import TruckChanges, replan
from logistics.plan.options import DEFAULT_TIME_LIMIT_S, PlanOptions

st.title("Re-plan the rest of the day")
view = state.current_plan()
network = state.network_or_none()
if view is None or network is None:
    st.info("Plan the day first on the **Plan** page; then come back to re-plan it.")
    st.stop()
plan = view.outcome.plan
planned = view.network
if network.name != planned.name or network.plan_date != planned.plan_date:
    st.warning(f"The current plan is for {planned.name} on {planned.plan_date}; choose it again.")
    st.stop()
tz = planned.tz

c1, c2, c3, c4 = st.columns(4)
clock_now = datetime.now(tz)
default_now = (
    clock_now.time().replace(second=0, microsecond=0)
    if clock_now.date() == planned.plan_date
    else time(10, 0)
)
if view.now is not None:  # a re-planned day: not before its own re-plan
    default_now = max(default_now, view.now.astimezone(tz).time().replace(second=0, microsecond=0))
now_time = c1.time_input(
    "Now",
    value=state.kept("replan_now", default_now, scope=state.plan_serial()),
    key="replan_now",
    step=300,
)
now = datetime.combine(planned.plan_date, now_time, tzinfo=tz)
truck_ids = [t.truck_id for t in planned.fleet]
out = c2.multiselect(
    "Trucks out of service",
    truck_ids,
    default=state.kept(
        "replan_out", list(view.unavailable_trucks), scope=state.plan_serial(), options=truck_ids
    ),
    key="replan_out",
    help="Trucks taken out in the re-plan on screen stay out unless removed here.",
)
planners = list(SOLVERS)
solver = c3.selectbox(
    "Planner",
    planners,
    index=state.kept_index("replan_solver", planners),
    format_func=solver_label,
    key="replan_solver",
)
limit = c4.number_input(
    "Time limit, s",
    1,
    600,
    state.kept("replan_limit", int(DEFAULT_TIME_LIMIT_S)),
    5,
    key="replan_limit",
)

if view.now is not None and now < view.now:
    st.warning(
        f"The plan on screen was re-planned at {view.now.astimezone(tz):%H:%M}; a re-plan "
        "from an earlier moment may move runs that were already under way then."
    )

new_orders, changed_orders = order_changes(planned, network)
st.subheader("Orders since the plan")
if new_orders or changed_orders:
    frame = orders_frame(network, [*new_orders, *changed_orders])
    frame.insert(0, "change", ["new"] * len(new_orders) + ["changed"] * len(changed_orders))
    st.dataframe(frame, hide_index=True, key="replan_orders")
else:
    st.caption("No order added or changed yet: add an urgent one here or edit on **Orders**.")
row = widgets.urgent_order_form(network, "replan_urgent", "Add the urgent order")
if row is not None:
    book = state.order_book_network()  # the casters' orders, without a supply switch
    rows = [
        dict(zip(ORDER_COLUMNS, r, strict=True)) for r in orders_frame(book).itertuples(index=False)
    ]
    other_days = [o for o in book.orders if o not in book.day_orders]
    try:
        orders = validate_orders(book, [*rows, row], keep=other_days)
    except InputError as exc:
        widgets.show_problems(exc.problems, "The urgent order has problems")
    else:
        state.set_orders(orders)
        st.rerun()

MODES = {
    "insert": "insert: keep every booked run, fit the changes around them",
    "reoptimise": "re-optimise: search the rest of the day, each change priced",
}
if st.button("Preview the re-plan", type="primary", key="replan_button"):
    st.session_state.pop("replan_previews", None)
    for mode in MODES:
        task = state.workers().start(
            replan,
            f"re-plan at {now:%H:%M} ({mode})",
            network=planned,
            plan=plan,
            now=now,
            new_orders=new_orders,
            changed_orders=changed_orders,
            options=PlanOptions(solver=solver, time_limit_s=float(limit), replan_mode=mode),
            truck_changes=TruckChanges(remove=tuple(out)),
            travel=view.outcome.travel,
            # messages name the Orders page's table: its first row is row 2
            orders_file="orders.csv",
            order_rows={o.order_id: i + 2 for i, o in enumerate(network.day_orders)},
        )
        state.set_task(f"replan_{mode}", task)
    st.session_state["replan_now_used"] = now

for mode in MODES:
    result = widgets.run_pending(f"replan_{mode}", f"Re-planning ({mode})")
    if result is None or not result.ok:
        continue
    if result.value.outcome.ok:
        st.session_state.setdefault("replan_previews", {})[mode] = result.value
    else:
        st.error(
            f"The independent checker found {len(result.value.outcome.report.violations)} "
            f"violations in the re-plan ({mode}); it cannot be applied."
        )
        st.dataframe(violations_frame(result.value.outcome.report.violations), hide_index=True)

previews = st.session_state.get("replan_previews") or {}
if not previews:
    st.stop()
st.subheader("The two ways to re-plan")
st.dataframe(modes_frame(previews, plan), hide_index=True, key="replan_modes")
choices = [m for m in MODES if m in previews]
mode = st.radio(
    "Preview and accept",
    choices,
    index=state.kept_index("replan_mode_choice", choices, scope=state.plan_serial()),
    format_func=MODES.get,
    key="replan_mode_choice",
    horizontal=True,
)
preview = previews[mode]
diff = preview.diff
new_plan = preview.outcome.plan
used_now = preview.now or st.session_state.get("replan_now_used", now)
facts = {r.run_id for r in preview.facts}
st.subheader(f"Preview: re-plan at {used_now.astimezone(tz):%H:%M}")
widgets.fallback_banner(new_plan, preview.outcome.report)
# two rows of three cards: six in one row are cut at a laptop's width
cols = [*st.columns(3), *st.columns(3)]
cols[0].metric("Kept", f"{len(diff.kept)} runs", help=f"{len(facts)} of them under way")
cols[1].metric("Moved", f"{len(diff.moved)} runs")
cols[2].metric("New", f"{len(diff.new)} runs")
cols[3].metric("Dropped", f"{len(diff.dropped)} runs")
cols[4].metric("Δ delivered", f"{diff.tonnes_delivered_delta:+,.1f} t")
cols[5].metric("Δ route cost", f"{diff.route_cost_delta_cny:+,.0f} CNY", delta_color="inverse")
widgets.kpi_cards(new_plan, plan)
changes = {r.run_id: "new" for r in diff.new} | {b.run_id: "moved" for _, b in diff.moved}
st.plotly_chart(
    truck_gantt(
        preview.network or planned,
        preview.outcome.travel,
        new_plan.runs,
        truck_starts=new_plan.truck_starts,
        now=used_now,
        frozen=facts,
        changes=changes,
        ghosts=[a for a, _ in diff.moved] + list(diff.dropped),
        title="After the re-plan",
        breaks=new_plan.breaks,
    ),
    key="replan_gantt",
    width="stretch",
)
st.caption(
    "Orange: under way (kept as it is) · green outline: new run · pink outline: moved run · "
    "grey shadow: where a moved or dropped run was before."
)
st.dataframe(
    diff_frame(diff, preview.network or planned, facts, used_now), hide_index=True, key="diff_table"
)
if diff.newly_unserved:
    st.warning("Newly unserved:")
    st.dataframe(unserved_frame(diff.newly_unserved), hide_index=True, key="newly_unserved")

a, b = st.columns(2)
if a.button("Accept the re-plan", type="primary", key="replan_accept"):
    state.show_plan(
        state.PlanView(
            preview.outcome,
            preview.network or planned,
            f"re-plan at {used_now.astimezone(tz):%H:%M}",
            now=used_now,
            frozen=frozenset(facts),
            unavailable_trucks=preview.unavailable_trucks,
        )
    )
    st.session_state.pop("replan_previews", None)
    st.success("Applied: the Plan page shows the re-planned day.")
if b.button("Discard", key="replan_discard"):
    st.session_state.pop("replan_previews", None)
    st.rerun()
