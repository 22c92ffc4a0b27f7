"""Economics page: ingot remelting against liquid supply, item by item, and what moves it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from logistics.app import state
from logistics.app.tables import economics_by_caster
from logistics.charts import route_cost_bars, saving_vs_distance, sensitivity_lines
from logistics.economics import cost_report, sensitivity, typical_truck
from logistics.economics.route_model import TypicalTruck
from logistics.network.params import Params

st.title("Economics: liquid metal against ingots")
network = state.network_or_none()
if network is None:
    params, truck = Params(), TypicalTruck()
    st.info("The chosen network has problems; showing the default figures.")
else:
    params, truck = network.params, typical_truck(network)

distance = st.slider("Road km smelter → caster", 0, 200, 30, 5, key="eco_km")
report = cost_report(params, distance_km=float(distance), truck=truck)
cols = st.columns(4)
cols[0].metric("Ingot route", f"{report['ingot']['total_cny_t']:,.0f} CNY/t")
cols[1].metric("Liquid route", f"{report['liquid']['total_cny_t']:,.0f} CNY/t")
cols[2].metric("Saving", f"{report['saving_cny_t']:,.0f} CNY/t")
radius = report["practical_radius"]
cols[3].metric(
    "Practical radius",
    f"{radius['km']:,.0f} km" if radius["km"] is not None else "—",
    help=radius["reason"],
)
st.caption(radius["reason"])

left, right = st.columns(2)
with left:
    st.subheader("Ingot route, CNY/t")
    st.dataframe(
        pd.DataFrame(
            [{"item": i["label"], "CNY/t": i["cny_t"]} for i in report["ingot"]["items"]]
            + [{"item": "total", "CNY/t": report["ingot"]["total_cny_t"]}]
        ),
        hide_index=True,
        key="ingot_table",
    )
with right:
    st.subheader(f"Liquid route at {distance} km, CNY/t")
    st.dataframe(
        pd.DataFrame(
            [{"item": i["label"], "CNY/t": i["cny_t"]} for i in report["liquid"]["items"]]
            + [
                {"item": f"  of which {p['label']}", "CNY/t": p["cny_t"]}
                for p in report["liquid"].get("burn_and_transport_parts", [])
            ]
            + [{"item": "total", "CNY/t": report["liquid"]["total_cny_t"]}]
        ),
        hide_index=True,
        key="liquid_table",
    )
st.plotly_chart(route_cost_bars(report), key="route_bars", width="stretch")

view = state.current_plan()
plan_km = [r.road_km for r in view.outcome.plan.runs] if view else []
st.subheader("Saving against distance")
st.plotly_chart(
    saving_vs_distance(params, truck, max_km=200.0, plan_km=plan_km),
    key="saving_chart",
    width="stretch",
)
st.caption(
    f"Break-even {report['break_even_km'] or 0:,.0f} km, thermal reach "
    f"{report['thermal_reach_km'] or 0:,.0f} km for the typical delivery "
    f"({truck.ladles} × {truck.ladle_t:g} t, τ {truck.tau_h:g} h, tap ≤ {truck.tap_max_c:g} °C, "
    f"needs {truck.min_arrival_c:g} °C)." + (" Ticks: the current plan's runs." if plan_km else "")
)

st.subheader("Sensitivity")
eco = params.economics
choice = st.radio(
    "Vary",
    ["alloy_price_t", "gas_price_cny_m3", "truck_cost_per_km"],
    format_func={
        "alloy_price_t": "alloy price",
        "gas_price_cny_m3": "gas price",
        "truck_cost_per_km": "truck cost",
    }.get,
    horizontal=True,
    key="eco_vary",
)
base_value = {
    "alloy_price_t": eco.alloy_price_t,
    "gas_price_cny_m3": eco.gas_price_cny_m3,
    "truck_cost_per_km": truck.cost_per_km or eco.truck_cost_per_km,
}[choice]
spread = st.slider("Range around today's figure, ±%", 10, 60, 30, 10, key="eco_spread")
values = [round(base_value * (1 + k * spread / 200.0), 2) for k in (-2, -1, 0, 1, 2)]
frame = sensitivity(
    params,
    distances_km=range(0, 201, 10),
    truck=truck,
    **{
        {"alloy_price_t": "alloy_prices", "gas_price_cny_m3": "gas_prices"}.get(
            choice, "truck_costs_per_km"
        ): values
    },
)
st.plotly_chart(sensitivity_lines(frame, choice), key="sensitivity_chart", width="stretch")
at_distance = frame[frame["distance_km"] == min(range(0, 201, 10), key=lambda d: abs(d - distance))]
st.dataframe(
    at_distance[[choice, "ingot_cny_t", "liquid_cny_t", "saving_cny_t"]].rename(
        columns={
            "ingot_cny_t": "ingot CNY/t",
            "liquid_cny_t": "liquid CNY/t",
            "saving_cny_t": "saving CNY/t",
        }
    ),
    hide_index=True,
    key="sensitivity_table",
)

st.subheader("CO2 and dross, per tonne")
co2 = report["co2_kg_t"]
dross = report["dross_avoided_per_t"]
cols = st.columns(4)
cols[0].metric("CO2 ingot route", f"{co2['ingot']:,.1f} kg/t")
cols[1].metric("CO2 liquid route", f"{co2['liquid']:,.1f} kg/t")
cols[2].metric("CO2 avoided", f"{co2['avoided']:,.1f} kg/t")
cols[3].metric(
    "Dross avoided", f"{dross['t'] * 1000:,.0f} kg/t", help=f"{dross['cny']:,.0f} CNY/t disposal"
)

if view is not None and view.outcome.plan.economics is not None:
    e = view.outcome.plan.economics.summary
    st.subheader("The current plan")
    cols = st.columns(4)
    cols[0].metric("Saving vs all-ingot day", f"{e.saving_cny:,.0f} CNY")
    cols[1].metric(
        "Per liquid tonne",
        f"{e.saving_cny_per_liquid_t:,.0f} CNY/t" if e.saving_cny_per_liquid_t is not None else "—",
    )
    cols[2].metric("CO2 avoided", f"{e.co2_avoided_kg / 1000:,.1f} t")
    cols[3].metric(
        "Dross avoided", f"{e.dross_avoided_t:,.2f} t", help=f"{e.dross_avoided_cny:,.0f} CNY"
    )
    st.dataframe(economics_by_caster(view.outcome.plan), hide_index=True, key="caster_economics")
