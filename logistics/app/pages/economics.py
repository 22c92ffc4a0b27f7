"""Economics page: ingot remelting against liquid supply, item by item, and what moves it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from logistics.app import state, widgets
from logistics.app.labels import COST_PART_LABELS
from logistics.app.tables import economics_by_caster
from logistics.charts import route_cost_bars, saving_vs_distance, sensitivity_lines
from logistics.charts.economics import PARAMETER_LABELS
from logistics.charts.style import km_text
from logistics.economics import cost_report, sensitivity, typical_truck
from logistics.economics.radius import PracticalRadius, practical_radius
from logistics.economics.route_model import TypicalTruck
from logistics.network.params import Params

#: Road km of the sensitivity table's rows.
DISTANCES_KM = range(0, 201, 10)


def radius_words(radius: PracticalRadius, truck: TypicalTruck) -> str:
    """What sets the practical radius, in words, every distance by :func:`km_text`."""
    if radius.radius_km <= 0:
        return "With these figures liquid supply is never cheaper than remelting ingots."
    if radius.binding == "cost":
        return (
            f"Beyond {km_text(radius.break_even_km)} of road remelting ingots is cheaper, "
            f"although metal tapped at {truck.tap_max_c:,.0f} °C would still arrive at "
            f"{truck.min_arrival_c:,.0f} °C up to {km_text(radius.thermal_reach_km)}: "
            "cost sets the radius."
        )
    return (
        f"Beyond {km_text(radius.thermal_reach_km)} of road metal tapped at "
        f"{truck.tap_max_c:,.0f} °C arrives below {truck.min_arrival_c:,.0f} °C, although "
        f"liquid would stay cheaper up to {km_text(radius.break_even_km)}: cooling sets "
        "the radius."
    )


def cost_table(report: dict, route: str) -> pd.DataFrame:
    """A route's cost items (CNY/t), the liquid route's transport item in its parts."""
    rows = [{"item": i["label"], "CNY/t": i["cny_t"]} for i in report[route]["items"]]
    rows += [
        {"item": f"  of which {COST_PART_LABELS.get(p['part'], p['label'])}", "CNY/t": p["cny_t"]}
        for p in report[route].get("burn_and_transport_parts", [])
    ]
    rows.append({"item": "total", "CNY/t": report[route]["total_cny_t"]})
    return pd.DataFrame(rows)


def dross_table(report: dict) -> pd.DataFrame:
    """Break-even and practical radius with and without dross disposal (road km)."""
    by_dross = report["by_dross"]

    def km(value: float | None) -> str:
        return "no limit" if value is None else km_text(value)

    return pd.DataFrame(
        [
            {
                "ingot route": label,
                "break-even": km(by_dross[key]["break_even_km"]),
                "practical radius": km(by_dross[key]["radius_km"]),
                "set by": by_dross[key]["binding"],
            }
            for key, label in (
                ("with_dross", f"with dross disposal ({by_dross['disposal_cny_t']:,.0f} CNY/t)"),
                ("without_dross", "without dross disposal"),
            )
        ]
    )


st.title("Economics: liquid metal against ingots")
network = state.network_or_none()
if network is None:
    params, truck = Params(), TypicalTruck()
    st.info("The chosen network has problems; showing the default figures.")
else:
    params, truck = network.params, typical_truck(network)

distance = st.slider(
    "Road km smelter → caster", 0, 200, state.kept("eco_km", 30), step=5, key="eco_km"
)
report = cost_report(params, distance_km=float(distance), truck=truck)
radius = practical_radius(params, truck)
cols = st.columns(4)
cols[0].metric("Ingot route", f"{report['ingot']['total_cny_t']:,.0f} CNY/t")
cols[1].metric("Liquid route", f"{report['liquid']['total_cny_t']:,.0f} CNY/t")
cols[2].metric("Saving", f"{report['saving_cny_t']:,.0f} CNY/t")
cols[3].metric(
    "Practical radius",
    km_text(radius.radius_km) if radius.radius_km > 0 else "—",
    help="How far liquid supply makes sense: the smaller of the break-even distance and "
    "the thermal reach.",
)
st.caption(radius_words(radius, truck))

left, right = st.columns(2)
with left:
    st.subheader("Ingot route, CNY/t")
    widgets.table(cost_table(report, "ingot"), key="ingot_table")
with right:
    st.subheader(f"Liquid route at {km_text(distance)}, CNY/t")
    widgets.table(cost_table(report, "liquid"), key="liquid_table")
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
    f"Break-even {km_text(radius.break_even_km)}, thermal reach "
    f"{km_text(radius.thermal_reach_km)} for the typical delivery ({truck.ladles:,} × "
    f"{truck.ladle_t:,.1f} t, metal cooling by half its excess heat in "
    f"{truck.tau_h * 0.693:,.1f} h, tapped at up to {truck.tap_max_c:,.0f} °C, needed at "
    f"{truck.min_arrival_c:,.0f} °C)." + (" Ticks: the current plan's runs." if plan_km else "")
)
widgets.table(dross_table(report), key="dross_radius_table")
lo_km, hi_km = report["by_dross"]["practised_km"]
st.caption(
    "The dross a remelt makes is a hazardous waste; the ingot route "
    + ("includes" if report["by_dross"]["counted"] else "leaves out")
    + " its disposal here (`[economics] count_dross`). The longest deliveries practised "
    f"in China are {lo_km:,.0f}–{km_text(hi_km)}."
)

st.subheader("Sensitivity")
eco = params.economics
VARIED = ["alloy_price_t", "gas_price_cny_m3", "truck_cost_per_km"]
choice = st.radio(
    "Vary",
    VARIED,
    index=state.kept_index("eco_vary", VARIED),
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
spread = st.slider(
    "Range around today's figure, ±%",
    10,
    60,
    state.kept("eco_spread", 30),
    step=10,
    key="eco_spread",
)
values = [round(base_value * (1 + k * spread / 200.0), 2) for k in (-2, -1, 0, 1, 2)]
frame = sensitivity(
    params,
    distances_km=DISTANCES_KM,
    truck=truck,
    **{
        {"alloy_price_t": "alloy_prices", "gas_price_cny_m3": "gas_prices"}.get(
            choice, "truck_costs_per_km"
        ): values
    },
)
st.plotly_chart(sensitivity_lines(frame, choice), key="sensitivity_chart", width="stretch")
nearest = min(DISTANCES_KM, key=lambda d: abs(d - distance))
at_distance = frame[frame["distance_km"] == nearest]
st.caption(f"At {km_text(nearest)}:")
widgets.table(
    at_distance[[choice, "ingot_cny_t", "liquid_cny_t", "saving_cny_t"]].rename(
        columns={
            choice: PARAMETER_LABELS[choice],
            "ingot_cny_t": "ingot CNY/t",
            "liquid_cny_t": "liquid CNY/t",
            "saving_cny_t": "saving CNY/t",
        }
    ),
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
    widgets.table(economics_by_caster(view.outcome.plan), key="caster_economics")
