"""Siting page: where should the next smelter go? A study run in a worker process."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from logistics.app import state, widgets
from logistics.charts import network_map
from logistics.charts.siting import siting_heatmap
from logistics.errors import InputError
from logistics.siting import StudySettings, make_study, network_candidates, run_study

st.title("Siting: where should the next smelter go?")
network = state.network_or_none()
if network is None:
    st.warning("The chosen network has problems (see the left side); fix them first.")
    st.stop()

try:
    candidates = network_candidates(network) if network.candidates else ()
except InputError as exc:
    widgets.show_problems(exc.problems, "candidates.csv has problems")
    candidates = ()
ids = [c.site_id for c in candidates]
if candidates:
    if st.session_state.get("siting_candidates_of") != ids:
        # A new network: every candidate is in the study until the user picks.
        st.session_state["siting_candidates_of"] = ids
        st.session_state["siting_candidates"] = ids
        st.session_state.pop("siting_map_seen", None)
    on_map = widgets.candidates_picked_on_map(st.session_state.get("siting_map"), ids)
    if on_map and on_map != st.session_state.get("siting_map_seen"):
        # Candidates clicked on the map (shift-click for several) become the study's.
        st.session_state["siting_map_seen"] = on_map
        st.session_state["siting_candidates"] = on_map
    chosen = st.multiselect(
        "Candidate sites in the study (or click them on the map; shift-click for several)",
        ids,
        key="siting_candidates",
        format_func=lambda i: f"{i} {next(c.name for c in candidates if c.site_id == i)}",
    )
else:
    chosen = []
    st.caption("This network has no candidates.csv: the study screens a grid of sites.")
st.pydeck_chart(
    network_map(network, candidates=network.candidates, chosen_candidates=chosen),
    key="siting_map",
    on_select="rerun" if candidates else "ignore",
    selection_mode="multi-object",
)
st.caption("Grey rings: candidate sites · green: in the study · red: smelters · blue: casters.")

c1, c2, c3, c4 = st.columns(4)
use_grid = c1.toggle("Also screen a grid", value=not candidates, key="siting_grid")
grid_km = c1.number_input(
    "Grid spacing, km", 5, 200, 25, 5, key="siting_grid_km", disabled=not use_grid
)
k = c2.number_input("Sites built together (k)", 1, 3, 1, key="siting_k")
days = c2.number_input("Representative days", 1, 10, 2, key="siting_days")
simulate = c3.number_input("Options simulated", 0, 20, 3, key="siting_simulate")
solver = c3.selectbox("Planner of the days", ["greedy", "ortools"], key="siting_solver")
limit = c4.number_input("Time limit per day, s", 1, 300, 10, key="siting_limit")

if st.button("Run the study", type="primary", key="siting_run"):
    picked = tuple(c for c in candidates if c.site_id in chosen)
    try:
        study = make_study(
            network,
            picked,
            StudySettings(
                k=int(k),
                days=int(days),
                simulate=int(simulate),
                solver=solver,
                time_limit_s=float(limit),
                grid_km=float(grid_km) if use_grid else None,
                grid_simulate=1 if use_grid else 0,
            ),
            label="siting page",
        )
    except InputError as exc:
        widgets.show_problems(exc.problems, "The study cannot run")
    else:
        state.set_task("siting", state.workers().start(run_study, "siting study", study=study))

result = widgets.run_pending("siting", "Running the siting study")
if result is not None and result.ok:
    st.session_state["siting_result"] = result.value
study_result = st.session_state.get("siting_result")
if study_result is None:
    st.stop()

counts = study_result.counts()
st.subheader("Ranking")
st.caption(
    f"{counts['combinations']} combinations, {counts['screened']} screened "
    f"({counts['method']}), {counts['simulated']} simulated on {len(study_result.days)} days."
)
ranking = pd.DataFrame(study_result.ranking())
if not ranking.empty:
    shown = ranking[
        [
            c
            for c in (
                "rank",
                "option",
                "sites",
                "simulated",
                "capex_cny",
                "saving_cny_year",
                "npv_cny",
                "payback_years",
                "new_liquid_t_year",
                "co2_avoided_t_year",
                "casters_switching",
            )
            if c in ranking.columns
        ]
    ].rename(
        columns={
            "capex_cny": "capex CNY",
            "saving_cny_year": "saving CNY/yr",
            "npv_cny": "NPV CNY",
            "payback_years": "payback yr",
            "new_liquid_t_year": "new liquid t/yr",
            "co2_avoided_t_year": "CO2 avoided t/yr",
            "casters_switching": "casters switching",
        }
    )
    st.dataframe(shown, hide_index=True, key="siting_ranking")
st.info(study_result.explain())
switches = study_result.switching()
if switches:
    st.subheader("Casters that switch (best option)")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "caster": s.caster_id,
                    "name": s.name,
                    "liquid t/day before": s.liquid_t_day_before,
                    "liquid t/day after": s.liquid_t_day_after,
                    "from ingots t/day": s.from_ingot_t_day,
                    "from the new site t/day": s.to_new_site_t_day,
                    "saving CNY/day": round(s.saving_cny_day),
                }
                for s in switches
            ]
        ),
        hide_index=True,
        key="siting_switches",
    )
grid = study_result.grid_rows()
if grid:
    st.subheader("Heat-map of the grid")
    value = st.radio(
        "Show",
        ["saving_cny_year", "npv_cny", "new_liquid_t_year"],
        horizontal=True,
        key="siting_value",
        format_func={
            "saving_cny_year": "saving a year",
            "npv_cny": "NPV",
            "new_liquid_t_year": "new liquid tonnes",
        }.get,
    )
    st.plotly_chart(
        siting_heatmap(
            grid,
            network=network,
            value=value,
            candidates=[
                {"site_id": c.site_id, "name": c.name, "lat": c.lat, "lon": c.lon}
                for c in network.candidates
            ],
        ),
        key="siting_heatmap",
        width="stretch",
    )
