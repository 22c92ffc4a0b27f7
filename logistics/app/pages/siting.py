"""Siting page: where should the next smelter go? A study run in a worker process.

The candidates chosen and the study's settings are kept while the dispatcher visits
other pages (:func:`logistics.app.state.keep_widget_values`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from logistics.app import state, widgets
from logistics.app.labels import SOLVERS, solver_label
from logistics.charts import network_map
from logistics.charts.siting import siting_heatmap
from logistics.errors import InputError
from logistics.siting import StudySettings, make_study, network_candidates, run_study

#: Ranking columns shown, and their names on screen (units last).
RANKING_COLUMNS = {
    "rank": "rank",
    "option": "option",
    "sites": "sites",
    "simulated": "simulated",
    "capex_cny": "capex CNY",
    "saving_cny_year": "saving CNY/yr",
    "npv_cny": "NPV CNY",
    "payback_years": "payback",
    "new_liquid_t_year": "new liquid t/yr",
    "co2_avoided_t_year": "CO2 avoided t/yr",
    "casters_switching": "casters switching",
}


def ranking_frame(ranking: pd.DataFrame) -> pd.DataFrame:
    """The study's ranking as shown: chosen columns, units in the names, payback in words."""
    shown = ranking[[c for c in RANKING_COLUMNS if c in ranking.columns]].rename(
        columns=RANKING_COLUMNS
    )
    if "payback" in shown.columns:
        shown["payback"] = ["never" if pd.isna(v) else f"{v:,.1f} years" for v in shown["payback"]]
    if "simulated" in shown.columns:
        shown["simulated"] = ["yes" if v else "no" for v in shown["simulated"]]
    return shown


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
    on_map = widgets.candidates_picked_on_map(st.session_state.get("siting_map"), ids)
    if not on_map:  # nothing picked on the map (or the map drawn afresh)
        st.session_state.pop("siting_map_seen", None)
    elif on_map != st.session_state.get("siting_map_seen"):
        # Candidates clicked on the map (shift-click for several) become the study's.
        st.session_state["siting_map_seen"] = on_map
        st.session_state["siting_candidates"] = on_map
    chosen = st.multiselect(
        "Candidate sites in the study (or click them on the map; shift-click for several)",
        ids,
        # every candidate is in the study until the user picks (kept per network)
        default=state.kept("siting_candidates", ids, scope=tuple(ids), options=ids),
        key="siting_candidates",
        format_func=lambda i: f"{i} {next(c.name for c in candidates if c.site_id == i)}",
    )
else:
    chosen = []
    st.caption("This network has no candidates.csv: the study screens a grid of sites.")
widgets.show_map(
    network_map(
        network,
        candidates=network.candidates,
        chosen_candidates=chosen,
        width_px=widgets.MAP_WIDTH_PX,
    ),
    key="siting_map",
    on_select="rerun" if candidates else "ignore",
    selection_mode="multi-object",
)
st.caption(
    "Grey rings: candidate sites · green: in the study · red: smelters · blue: casters. "
    "Sites without a label are named on hover; an arrow at the edge points to sites "
    "outside the view."
)

kept = state.kept
c1, c2, c3, c4 = st.columns(4)
use_grid = c1.toggle(
    "Also screen a grid",
    value=kept("siting_grid", not candidates, scope=tuple(ids)),
    key="siting_grid",
)
grid_km = c1.number_input(
    "Grid spacing, km",
    5,
    200,
    kept("siting_grid_km", 25),
    step=5,
    key="siting_grid_km",
    disabled=not use_grid,
)
k = c2.number_input("Sites built together", 1, 3, kept("siting_k", 1), key="siting_k")
days = c2.number_input("Representative days", 1, 10, kept("siting_days", 2), key="siting_days")
simulate = c3.number_input(
    "Options simulated", 0, 20, kept("siting_simulate", 3), key="siting_simulate"
)
planners = SOLVERS[::-1]  # the dispatcher's rule first: fast enough for many days
solver = c3.selectbox(
    "Planner of the days",
    planners,
    index=state.kept_index("siting_solver", planners),
    format_func=solver_label,
    key="siting_solver",
)
limit = c4.number_input(
    "Time limit per day, s", 1, 300, kept("siting_limit", 10), key="siting_limit"
)

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
    f"{counts['combinations']:,} combinations, {counts['screened']:,} screened "
    f"({counts['method']}), {counts['simulated']:,} simulated on "
    f"{len(study_result.days):,} days."
)
ranking = pd.DataFrame(study_result.ranking())
if not ranking.empty:
    widgets.table(ranking_frame(ranking), key="siting_ranking")
st.info(study_result.explain())
switches = study_result.switching()
if switches:
    st.subheader("Casters that switch (best option)")
    widgets.table(
        pd.DataFrame(
            [
                {
                    "caster": s.caster_id,
                    "name": s.name,
                    "liquid before t/day": s.liquid_t_day_before,
                    "liquid after t/day": s.liquid_t_day_after,
                    "from ingots t/day": s.from_ingot_t_day,
                    "from the new site t/day": s.to_new_site_t_day,
                    "saving CNY/day": s.saving_cny_day,
                }
                for s in switches
            ]
        ),
        key="siting_switches",
    )
grid = study_result.grid_rows()
if grid:
    st.subheader("Heat-map of the grid")
    shown_values = ["saving_cny_year", "npv_cny", "new_liquid_t_year"]
    value = st.radio(
        "Show",
        shown_values,
        index=state.kept_index("siting_value", shown_values),
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
