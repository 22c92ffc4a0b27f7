"""History page: the plans the nightly job stored, their KPIs; open one, compare two; the
job's runs, a run that died shown with its start."""

from __future__ import annotations

import streamlit as st

from logistics.app import state, widgets
from logistics.app.config import database_url
from logistics.app.history_view import (
    died_notes,
    network_for,
    runs_frame,
    stored_outcome,
    versions_frame,
)
from logistics.app.replan_view import diff_frame
from logistics.app.tables import violations_frame
from logistics.dispatch import DatabaseUnavailableError, list_runs, list_versions
from logistics.dispatch.database import describe
from logistics.errors import InputError
from logistics.plan.diff import plan_diff

st.title("Plan history")
url = database_url()
if url is None:
    st.info(
        "No database is configured. Start the app with `MOLTEN_DB` set to the nightly job's "
        "database (`sqlite:///molten.db` or `postgresql://user@host/molten`) to see the plans "
        "`molten dispatch` stored."
    )
    st.stop()
try:
    where = describe(url)
except Exception:
    where = "the configured database"
try:
    versions = list_versions(url)
    runs = list_runs(url, limit=200)
except DatabaseUnavailableError as exc:
    st.error(f"The database ({where}) cannot be reached: {exc}")
    st.stop()
except InputError as exc:
    widgets.show_problems(exc.problems, "MOLTEN_DB is not a database URL")
    st.stop()
except Exception as exc:  # a driver error must not become a stack trace on screen
    st.error(f"The database ({where}) cannot be read: {type(exc).__name__}: {exc}")
    st.stop()
if not versions:
    st.info(f"No plan is stored in {where} yet: `molten dispatch` stores one each night.")
    for note in died_notes(runs):
        st.warning(note)
    if runs:
        st.subheader("Runs of the nightly job")
        st.dataframe(runs_frame(runs), hide_index=True, key="runs_table")
    st.stop()

st.caption(f"{len(versions)} stored versions in {where}.")
networks = sorted({v.network for v in versions})
c1, c2 = st.columns(2)
name = c1.selectbox(
    "Network",
    networks,
    index=state.kept_index("history_network", networks),
    key="history_network",
)
dates = sorted({v.plan_date for v in versions if v.network == name}, reverse=True)
day = c2.selectbox(
    "Date",
    dates,
    index=state.kept_index("history_date", dates, scope=name),
    key="history_date",
    format_func=lambda d: d.isoformat(),
)
rows = [v for v in versions if v.network == name and v.plan_date == day]
st.dataframe(versions_frame(rows), hide_index=True, key="versions_table")
try:
    day_runs = list_runs(url, network=name, date=day, limit=None)
except DatabaseUnavailableError as exc:
    st.error(f"The database ({where}) cannot be reached: {exc}")
    st.stop()
notes = died_notes(day_runs)
for note in notes:
    st.warning(note)
title = f"Runs of the nightly job for {name} {day.isoformat()} ({len(day_runs)})"
with st.expander(title, expanded=bool(notes)):
    st.dataframe(runs_frame(day_runs), hide_index=True, key="runs_table")

try:
    network = network_for(name, day, state.network_or_none())
except InputError as exc:
    widgets.show_problems(exc.problems, f"The network {name} has problems")
    st.stop()
if network is None:
    st.warning(
        f"The network {name} is neither the chosen one nor bundled: choose or upload it to "
        "open its plans."
    )
    st.stop()

labels = {
    v.version: f"v{v.version}{' (current)' if v.current else ''} · {v.solver}"
    + (" · fallback (the optimiser failed)" if v.fallback else "")
    for v in rows
}
version_ids = list(labels)
chosen = st.selectbox(
    "Version",
    version_ids,
    index=state.kept_index("history_version", version_ids, scope=(name, day)),
    format_func=labels.__getitem__,
    key="history_version",
)
if st.button("Open in the Plan page", type="primary", key="history_open"):
    row = next(v for v in rows if v.version == chosen)
    try:
        outcome = stored_outcome(url, row, network)
    except DatabaseUnavailableError as exc:
        st.error(f"The database ({where}) cannot be reached: {exc}")
        st.stop()
    if outcome.ok:
        if network.folder is not None:
            state.choose_network(network.folder, day)
        state.show_plan(state.PlanView(outcome, network, f"stored version {row.version}"))
        st.switch_page("logistics/app/pages/plan.py")
    else:
        st.error(
            f"Version {row.version} breaks {len(outcome.report.violations)} rules against the "
            "network as it is now (the inputs changed since); it is not opened as a plan."
        )
        st.dataframe(violations_frame(outcome.report.violations), hide_index=True)

if len(rows) >= 2:
    st.subheader("Compare two versions")
    c1, c2 = st.columns(2)
    versions_ids = list(labels)
    first = state.kept("history_from", versions_ids[1], scope=(name, day), options=versions_ids)
    last = state.kept("history_to", versions_ids[0], scope=(name, day), options=versions_ids)
    a = c1.selectbox(
        "From",
        versions_ids,
        index=versions_ids.index(first),
        format_func=labels.__getitem__,
        key="history_from",
    )
    b = c2.selectbox(
        "To",
        versions_ids,
        index=versions_ids.index(last),
        format_func=labels.__getitem__,
        key="history_to",
    )
    old = stored_outcome(url, next(v for v in rows if v.version == a), network).plan
    newer = stored_outcome(url, next(v for v in rows if v.version == b), network)
    new = newer.plan
    diff = plan_diff(network, newer.travel, old, new)
    widgets.kpi_cards(new, old)
    st.dataframe(diff_frame(diff, network, set()), hide_index=True, key="history_diff")
