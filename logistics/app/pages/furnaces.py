"""Furnaces page: every holding furnace's level over the planned day, the casters closest
to running low first, and a what-if switch of casters between orders and managed supply."""

from __future__ import annotations

import streamlit as st

from logistics.app import state, widgets
from logistics.app.furnaces import (
    STOCK_OUT,
    alarm_rows,
    by_margin,
    deliveries_frame,
    label,
    margins_frame,
    not_offered_note,
    status,
)
from logistics.app.labels import SOLVERS, solver_label
from logistics.app.tables import column_config, violations_frame
from logistics.charts.furnace_levels import furnace_chart
from logistics.pipeline import plan_day
from logistics.pipeline.supply_switch import managed_casters, supplied_casters, switched_furnaces
from logistics.plan.options import DEFAULT_TIME_LIMIT_S, PlanOptions

NO_CONSUMPTION = (
    "This network has no `consumption.csv`: every caster orders its metal and no furnace "
    "level is planned. To let the supplier keep casters' holding furnaces between their "
    "minimum and capacity (**managed supply**), add a `consumption.csv` to the network "
    "folder: per caster and alloy the furnace's `capacity_t`, `min_level_t` and "
    "`start_level_t`, what its cells draw (`t_per_h` between `from_h` and `to_h`), and "
    "`supply`: `managed` (the planner decides the deliveries; the caster's orders for the "
    "alloy are removed) or `orders` (the caster orders as today; its level is still "
    "shown). The format is in docs/network-format.md, *consumption.csv*."
)

st.title("Furnace levels")
network = state.network_or_none()
if network is None:
    st.warning("The chosen network has problems (see the left side); fix them first.")
    st.stop()
if not network.furnaces:
    st.info(NO_CONSUMPTION)
    st.stop()

# -- what-if: which casters the supplier manages ---------------------------------------
rule_share = network.params.supply.order_below_share
st.subheader("Who decides the deliveries")
# The choice starts from the supply planned with; another network or supply resets it.
applied = (str(state.network_folder()), network.plan_date, state.supply_override())
if st.session_state.get("furnace_applied") != applied:
    st.session_state["furnace_applied"] = applied
    st.session_state.pop("furnace_managed", None)
    st.session_state.pop("furnace_own_rule", None)
left, right = st.columns([3, 2], vertical_alignment="bottom")
chosen = left.multiselect(
    "Casters on managed supply",
    supplied_casters(network),
    default=list(managed_casters(network)),
    key="furnace_managed",
    help="The supplier decides when to deliver how much to these casters' furnaces; the "
    "others order their metal. Casters without a furnace in consumption.csv always order.",
)
override = state.supply_override()
own_rule = right.toggle(
    "Casters on orders order by their own rule",
    value=override[1] if override else True,
    key="furnace_own_rule",
    help=f"A caster moved from managed supply to orders orders a full ladle whenever its "
    f"furnace would fall below {rule_share:.0%} of its capacity, with the usual notice. "
    "Off: it gets only the orders in the order book.",
)
not_offered = not_offered_note(network)
if not_offered:
    st.caption(not_offered)
solver = state.kept("plan_solver", SOLVERS[0], options=SOLVERS)
limit = int(state.kept("plan_limit", int(DEFAULT_TIME_LIMIT_S)))
a, b = st.columns(2)
if a.button("Re-plan with this supply", type="primary", key="furnace_replan", width="stretch"):
    state.set_supply(tuple(chosen), own_rule)
    network = state.current_network()
    task = state.workers().start(
        plan_day,
        f"{network.name} {network.plan_date}",
        network=network,
        options=PlanOptions(solver=solver, time_limit_s=float(limit)),
        travel=state.current_travel(),
    )
    st.session_state["furnace_task_info"] = (
        network,
        f"{solver_label(solver)}, {limit:,} s, supply switched on the Furnaces page",
    )
    state.set_task("furnaces", task)
if b.button("Back to the folder's supply", disabled=override is None, key="furnace_reset"):
    state.set_supply(None)
    st.rerun()
switched = switched_furnaces(state.order_book_network(), network)
st.caption(
    f"Re-plans the day with the Plan page's planner ({solver_label(solver)}, {limit:,} s). "
    + (
        "Switched from the folder's consumption.csv: "
        + ", ".join(f"{f.caster_id} · {f.alloy} to {f.supply}" for f in switched)
        + "."
        if switched
        else "The supply is the folder's consumption.csv."
    )
)

result = widgets.run_pending("furnaces", f"Planning {network.name} {network.plan_date}")
if result is not None and result.ok:
    planned_network, source = st.session_state.pop("furnace_task_info")
    if result.value.ok:
        state.show_plan(state.PlanView(result.value, planned_network, source))
    else:
        st.error(
            f"The independent checker found {len(result.value.report.violations):,} violations "
            "in the solver's plan; it is not shown as a plan. Please report this."
        )
        widgets.table(violations_frame(result.value.report.violations))

# -- the plan on screen ----------------------------------------------------------------
view = state.current_plan()
if view is None:
    st.info("No plan yet: press **Re-plan with this supply**, or plan on the **Plan** page.")
    st.stop()
plan, net = view.outcome.plan, view.network
if plan.supply is None or not plan.supply.furnaces:
    st.info("The plan on screen was made without furnaces: plan the day again to see them.")
    st.stop()
if net.name != network.name or net.plan_date != network.plan_date:
    st.warning(f"This plan is for {net.name} on {net.plan_date}, not the network chosen now.")
elif switched_furnaces(net, network):
    st.info("The plan on screen was made with another supply: press **Re-plan with this supply**.")
report = view.outcome.report
st.caption(
    f"{plan.network} · {plan.plan_date} · {view.source}. Independent check: "
    f"**{len(report.violations):,} violations**."
)
supply = plan.supply
served = {r.order_id for r in plan.runs}
cards = st.columns(5)
cards[0].metric("Furnaces", f"{len(supply.furnaces):,}")
cards[1].metric("Managed", f"{sum(1 for f in supply.furnaces if f.supply == 'managed'):,}")
cards[2].metric("Stock-outs", f"{supply.stockout_furnaces:,}")
cards[3].metric("Overflows", f"{supply.overflow_furnaces:,}")
cards[4].metric("Ingots to melt", f"{supply.emergency_ingot_t:,.1f} t")
low = [f for f in supply.furnaces if status(f) != "ok"]
if low:
    st.error(
        "Below the minimum or over the capacity: "
        + "; ".join(
            f"{label(f)} ({status(f)}: lowest {f.lowest_t:,.2f} t against {f.min_level_t:,.2f} t"
            f", {f.minutes_below_min:,} min below)"
            if status(f) == STOCK_OUT
            else f"{label(f)} (overflow {f.overflow_t:,.2f} t)"
            for f in low
        )
    )

st.subheader("Closest to running low")
frame = margins_frame(net, supply)
st.dataframe(
    alarm_rows(frame),
    hide_index=True,
    key="furnace_margins",
    column_config=column_config(frame),
)
ordered = by_margin(supply)
names = [label(f) for f in ordered]
name = st.selectbox("Furnace (first shown: the least margin)", names, key="furnace_choice")
furnace = ordered[names.index(name)]
st.plotly_chart(furnace_chart(net, furnace, plan.runs), key="furnace_chart", width="stretch")
st.caption(
    "Blue: the level at every minute · dashed red: the minimum (below it the cells stop) · "
    "dashed grey: the capacity · triangles: pours (hover for the ladle) · red dots: below "
    "the minimum or above the capacity."
)
with st.expander(f"Managed deliveries decided by the planner ({len(supply.deliveries):,})"):
    if supply.deliveries:
        widgets.table(deliveries_frame(net, supply, sorted(served)), key="furnace_deliveries")
    else:
        st.caption("No furnace is on managed supply in this plan.")
