"""Pieces every page uses: problem messages, task progress, KPI cards, the network picker,
the urgent-order form, tables, maps and downloads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from logistics.app import state
from logistics.app.config import bundled_networks
from logistics.app.labels import reason_label
from logistics.app.orders import next_order_id
from logistics.app.tables import REASONS, column_config
from logistics.app.uploads import extract_network_zip
from logistics.charts import ladle_temperature
from logistics.check import CheckReport
from logistics.errors import InputError, InputProblem
from logistics.network.model import Network
from logistics.pipeline.workers import TaskResult
from logistics.plan.economics_model import EconomicsSummary
from logistics.plan.model import Plan, Run, Summary
from logistics.progress import ProgressEvent

#: The maps' size on screen, pixels: the main column's width at a 1280 px window with
#: the sidebar open (the map stretches wider on larger screens; the view is fitted to
#: this size, so the sites fit on any screen at least that wide).
MAP_WIDTH_PX, MAP_HEIGHT_PX = 820, 520


def show_problems(problems: Iterable[InputProblem], title: str = "Bad input") -> None:
    """Every problem on screen with file, row and column (never a stack trace)."""
    problems = list(problems)
    lines = "\n".join(f"- {p}" for p in problems[:50])
    more = f"\n\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
    st.error(
        f"**{title}** ({len(problems)} problem{'s' if len(problems) != 1 else ''}):"
        f"\n\n{lines}{more}"
    )
    if len(problems) > 3:
        st.dataframe(
            pd.DataFrame(
                [
                    {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
                    for p in problems
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def run_pending(key: str, label: str) -> TaskResult | None:
    """Poll the session's task ``key`` with a progress bar until it ends; its result.

    The page keeps updating while the task runs in its worker process; a rerun (the
    user touches a widget) stops this loop, and the next run picks the task up again.
    """
    task = state.task(key)
    if task is None:
        return None
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0, text=task.last.message)

        def show(event: ProgressEvent) -> None:
            bar.progress(
                min(max(event.fraction, 0.0), 1.0),
                text=f"{event.message} · {task.elapsed_s():.0f} s",
            )

        result = task.wait(show)
        state.set_task(key, None)
        if result.ok:
            status.update(
                label=f"{label}: done in {task.elapsed_s():.1f} s", state="complete", expanded=False
            )
        else:
            status.update(label=f"{label}: failed", state="error", expanded=False)
    if result.problems:
        show_problems(result.problems)
    elif result.error:
        st.error(result.error)
    return result


def fallback_text(plan: Plan, report: CheckReport) -> str | None:
    """The banner's words for a plan that fell back to the dispatcher's; else ``None``.

    Parameters
    ----------
    plan : Plan
        A plan on screen (planned, re-planned or stored).
    report : CheckReport
        The independent checker's verdict on it.

    Returns
    -------
    str or None
        Markdown: what happened, why (the reason as recorded, in a code span so that
        no character of it is read as markup), that the plan is checked and usable,
        and a request to report it.
    """
    if not plan.solver.fell_back:
        return None
    reason = " ".join((plan.solver.fallback_reason or "no reason recorded").split())
    reason = reason.replace("`", "'")  # inside a code span
    return (
        "**The optimiser failed, so this is the dispatcher's plan.** "
        f"Why: `{reason}`. "
        "The day was planned by the dispatcher's rule instead (orders by deadline, nearest "
        "smelter with metal, first truck free). The independent checker found "
        f"{len(report.violations)} violations, so the plan can be used, but it usually costs "
        "more and may deliver less than the optimiser's would. Please report this to the "
        "planning software's maintainers, with the network, the date and the reason above."
    )


def fallback_banner(plan: Plan, report: CheckReport) -> None:
    """A warning banner (``st.warning``) when the plan fell back to the dispatcher's."""
    text = fallback_text(plan, report)
    if text is not None:
        st.warning(text, icon="⚠️")


def _delta(now: float, before: float | None, unit: str, digits: int = 0) -> str | None:
    if before is None:
        return None
    change = now - before
    if abs(change) < 0.5 * 10**-digits:
        return f"±0 {unit}".strip()
    return f"{change:+,.{digits}f} {unit}".strip()


def kpi_cards(plan: Plan, previous: Plan | None = None) -> None:
    """KPI cards (``st.metric``) with the change from the previous plan.

    Parameters
    ----------
    plan : Plan
        The plan shown.
    previous : Plan, optional
        The plan before it (none: no changes shown).
    """
    s = plan.summary
    p = previous.summary if previous else None
    e = plan.economics.summary if plan.economics else None
    pe = previous.economics.summary if previous and previous.economics else None
    _delivery_cards(s, p)
    _cost_cards(s, p, e, pe)
    _unserved_cards(s, p)


def _delivery_cards(s: Summary, p: Summary | None) -> None:
    """First row: tonnes ordered, delivered liquid and unserved (t), trucks used."""
    unserved = sum(s.tonnes_unserved.values())
    p_unserved = sum(p.tonnes_unserved.values()) if p else None
    cols = st.columns(4)
    cols[0].metric(
        "Ordered",
        f"{s.tonnes_ordered:,.1f} t",
        _delta(s.tonnes_ordered, p.tonnes_ordered if p else None, "t", 1),
    )
    share = (
        f" ({s.delivered_share_of_servable:.0%} of servable)"
        if s.delivered_share_of_servable is not None
        else ""
    )
    cols[1].metric(
        "Delivered liquid",
        f"{s.tonnes_delivered:,.1f} t",
        _delta(s.tonnes_delivered, p.tonnes_delivered if p else None, "t", 1),
        help=f"{s.ladle_runs} ladle runs{share}",
    )
    cols[2].metric(
        "Unserved",
        f"{unserved:,.1f} t",
        _delta(unserved, p_unserved, "t", 1),
        delta_color="inverse",
        help="Tonnes not delivered liquid; by reason below",
    )
    cols[3].metric(
        "Trucks used",
        f"{s.trucks_used}",
        _delta(s.trucks_used, p.trucks_used if p else None, ""),
        delta_color="off",
    )


def _cost_cards(
    s: Summary, p: Summary | None, e: EconomicsSummary | None, pe: EconomicsSummary | None
) -> None:
    """Second row: truck-km (km), route cost and saving vs ingots (CNY), CO2 avoided (t)."""
    cols = st.columns(4)
    cols[0].metric(
        "Truck-km",
        f"{s.truck_km:,.0f} km",
        _delta(s.truck_km, p.truck_km if p else None, "km"),
        delta_color="inverse",
    )
    cols[1].metric(
        "Route cost",
        f"{s.route_cost_cny:,.0f} CNY",
        _delta(s.route_cost_cny, p.route_cost_cny if p else None, "CNY"),
        delta_color="inverse",
        help=f"{s.truck_hours:,.1f} truck-hours; superheat {s.superheat_cny:,.0f} CNY",
    )
    cols[2].metric(
        "Saving vs ingots",
        f"{e.saving_cny:,.0f} CNY" if e else "—",
        _delta(e.saving_cny, pe.saving_cny if pe else None, "CNY") if e else None,
    )
    cols[3].metric(
        "CO2 avoided",
        f"{e.co2_avoided_kg / 1000:,.1f} t" if e else "—",
        _delta(e.co2_avoided_kg / 1000, pe.co2_avoided_kg / 1000 if pe else None, "t", 1)
        if e
        else None,
    )


def _unserved_cards(s: Summary, p: Summary | None) -> None:
    """Tonnes unserved by reason (t), four a row: the reasons either plan has."""
    reasons = [
        r
        for r, t in s.tonnes_unserved.items()
        if t > 0 or (p is not None and p.tonnes_unserved.get(r, 0) > 0)
    ]
    if reasons:
        st.caption("Unserved, by reason")
    for start in range(0, len(reasons), 4):
        cols = st.columns(4)
        for col, reason in zip(cols, reasons[start : start + 4], strict=False):
            col.metric(
                reason_label(reason).capitalize(),
                f"{s.tonnes_unserved[reason]:,.1f} t",
                _delta(
                    s.tonnes_unserved[reason], p.tonnes_unserved.get(reason) if p else None, "t", 1
                ),
                delta_color="inverse",
                help=f"`{reason}`: {REASONS.get(reason, '')}",
            )


def network_sidebar() -> None:
    """The sidebar: which network (bundled or uploaded zip) and which day."""
    bundled = bundled_networks()
    folder = state.network_folder()
    options: dict[str, Path] = {name: path for name, path in bundled.items()}
    uploaded = st.session_state.get("uploaded_network")
    if uploaded:
        options[f"uploaded: {Path(uploaded).name}"] = Path(uploaded)
    if folder not in options.values():
        options[f"{folder.name} ({folder.parent.name})"] = folder
    labels = list(options)
    current = next(label for label, path in options.items() if path == folder)
    # The picker follows the session's network (an upload switches to it).
    if st.session_state.get("network_choice") != current:
        st.session_state["network_choice"] = current

    def pick() -> None:
        state.choose_network(options[st.session_state["network_choice"]])

    with st.sidebar:
        st.subheader("Network")
        st.selectbox("Network", labels, key="network_choice", on_change=pick)
        zipped = st.file_uploader(
            "Upload a network folder (zip)",
            type=["zip"],
            key="network_zip",
            help="network.toml, smelters.csv, production.csv, casters.csv, fleet.csv, orders.csv",
        )
        if zipped is not None and st.session_state.get("network_zip_seen") != zipped.file_id:
            st.session_state["network_zip_seen"] = zipped.file_id
            try:
                network_dir = extract_network_zip(zipped.getvalue(), zipped.name)
            except InputError as exc:
                st.session_state["network_zip_problems"] = exc.problems
            else:
                st.session_state.pop("network_zip_problems", None)
                folders = state.session_folders()
                old = st.session_state.get("uploaded_network")
                if old:
                    folders.remove(Path(old))
                st.session_state["uploaded_network"] = str(folders.add(network_dir))
                state.choose_network(network_dir)
                st.rerun()
        if st.session_state.get("network_zip_problems"):
            show_problems(st.session_state["network_zip_problems"], "Upload refused")
        try:
            network = state.base_network()
        except InputError as exc:
            show_problems(exc.problems, f"The network in {folder.name} has problems")
            return
        if st.session_state.get("plan_date_input") != network.plan_date:
            st.session_state["plan_date_input"] = network.plan_date

        def pick_day() -> None:
            state.choose_network(folder, st.session_state["plan_date_input"])

        st.date_input("Plan date", key="plan_date_input", on_change=pick_day)
        current_net = state.network_or_none() or network
        st.caption(
            f"**{network.name}** · {len(network.smelters)} smelters · "
            f"{len(network.casters)} casters · "
            f"{len(network.fleet)} trucks · {len(current_net.day_orders)} orders "
            f"({sum(o.tonnes for o in current_net.day_orders):,.0f} t) on {network.plan_date} · "
            f"times {network.timezone}"
        )
        if state.orders_edited():
            st.info("Planning with the order book edited on the Orders page.")


def _alloys_for(network: Network, caster_id: str) -> list[str]:
    """The alloys to offer for a caster: those it takes (all when it lists none)."""
    caster = network.caster_by_id.get(caster_id)
    if caster is not None and caster.alloys:
        return list(caster.alloys)
    return sorted(network.alloys_made | {a for c in network.casters for a in c.alloys})


def _order_defaults(network: Network) -> tuple[time, time, time]:
    """Placed now (10:00 on another day); window 5 h later (lead time 4 h), 2 h long."""
    now = datetime.now(network.tz)
    placed = (
        now.time().replace(second=0, microsecond=0)
        if now.date() == network.plan_date
        else time(10, 0)
    )
    start = (datetime.combine(network.plan_date, placed) + timedelta(hours=5)).time()
    end = (datetime.combine(network.plan_date, start) + timedelta(hours=2)).time()
    return placed, start, end


def urgent_order_form(network: Network, key: str, submit_label: str) -> dict[str, str] | None:
    """A form for an urgent order; its ``orders.csv`` row (text cells) when submitted.

    The caster is chosen first (outside the form, so that the form follows it): the
    alloys offered are the ones the caster takes (``casters.csv``'s ``alloys``; every
    alloy when it lists none), and an alloy no smelter makes is marked so. The order
    id starts as the next free one (``U1``, ``U2`` …). The default window starts 5 h
    after the order is placed (the lead time is 4 h by default) and lasts 2 h; the
    order is placed now (network time) on the plan day, or at 10:00 on another day.
    """
    casters = [c.caster_id for c in network.casters]
    scope = (network.name, network.plan_date)
    free_id = next_order_id(network)
    if st.session_state.get(f"{key}_id") in {o.order_id for o in network.orders}:
        st.session_state[f"{key}_id"] = free_id  # the one shown is taken now: the next
    placed, start, end = _order_defaults(network)
    caster = state.kept(f"{key}_caster", casters[0], scope=scope, options=casters)
    caster_id = st.selectbox(
        "Caster",
        casters,
        index=casters.index(caster),
        key=f"{key}_caster",
        format_func=lambda c: f"{c} {network.caster_by_id[c].name}",
    )
    alloys = _alloys_for(network, caster_id)
    alloy = state.kept(f"{key}_alloy", alloys[0], scope=scope, options=alloys)
    if st.session_state.get(f"{key}_alloy", alloy) not in alloys:
        st.session_state[f"{key}_alloy"] = alloys[0]  # another caster: its first alloy
    made = network.alloys_made
    with st.form(f"{key}_order"):
        c1, c2 = st.columns(2)
        kept_id = state.kept(f"{key}_id", free_id, scope=scope)
        order_id = c1.text_input(
            "Order id",
            value=free_id if kept_id in network.order_by_id else kept_id,
            key=f"{key}_id",
        )
        alloy = c2.selectbox(
            f"Alloy (those {caster_id} takes)",
            alloys,
            index=alloys.index(alloy),
            key=f"{key}_alloy",
            format_func=lambda a: a if a in made else f"{a} (no smelter makes it)",
        )
        c4, c5, c6, c7 = st.columns(4)
        tonnes = c4.number_input(
            "Tonnes, t",
            min_value=0.5,
            max_value=500.0,
            value=state.kept(f"{key}_t", 6.0),
            step=0.5,
            key=f"{key}_t",
        )
        window_start = c5.time_input(
            "Window from", value=state.kept(f"{key}_from", start), key=f"{key}_from"
        )
        window_end = c6.time_input("Window to", value=state.kept(f"{key}_to", end), key=f"{key}_to")
        placed_at = c7.time_input(
            "Ordered at", value=state.kept(f"{key}_placed", placed), key=f"{key}_placed"
        )
        if not st.form_submit_button(submit_label):
            return None
    return {
        "order_id": order_id.strip(),
        "caster_id": caster_id,
        "alloy": alloy,
        "tonnes": f"{tonnes:g}",
        "window_start": window_start.strftime("%H:%M"),
        "window_end": window_end.strftime("%H:%M"),
        "placed_at": placed_at.strftime("%H:%M"),
    }


def table(frame: pd.DataFrame, key: str | None = None, **kwargs: Any) -> None:
    """A table on screen: numbers with thousands separators and fixed decimals.

    The units are in the column names (``t``, ``road km``, ``CNY`` …); see
    :func:`logistics.app.tables.column_config`.
    """
    st.dataframe(
        frame,
        hide_index=True,
        key=key,
        column_config={**column_config(frame), **kwargs.pop("column_config", {})},
        **kwargs,
    )


def frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Rows as a table (for :func:`table`)."""
    return pd.DataFrame(list(rows))


def show_map(deck: Any, key: str, **kwargs: Any) -> Any:
    """A map (``st.pydeck_chart``) at :data:`MAP_HEIGHT_PX`; its selection state if any."""
    return st.pydeck_chart(deck, height=MAP_HEIGHT_PX, key=key, **kwargs)


def ladle_chart(network: Network, runs: Sequence[Run]) -> None:
    """One ladle's cooling curve; the ladle chosen is kept (default: the least margin)."""
    if not runs:
        st.info("No ladle runs in this plan.")
        return
    labels = {
        r.run_id: f"{r.run_id} · {r.truck_id} trip {r.trip} · {r.order_id} · "
        f"{r.smelter_id} → {r.caster_id} · {r.arrival_c:,.1f} °C"
        for r in runs
    }
    coldest = min(runs, key=lambda r: r.arrival_c - network.caster_by_id[r.caster_id].min_pour_c)
    ids = list(labels)
    first = state.kept("ladle_choice", coldest.run_id, scope=state.plan_serial(), options=ids)
    run_id = st.selectbox(
        "Ladle (first shown: the least margin)",
        ids,
        index=ids.index(first),
        format_func=labels.__getitem__,
        key="ladle_choice",
    )
    run = next(r for r in runs if r.run_id == run_id)
    st.plotly_chart(ladle_temperature(network, run), key="ladle_chart", width="stretch")


def download(label: str, data: str | bytes, file_name: str, mime: str, **kwargs: Any) -> None:
    """A download button that does not rerun the page (the other buttons stay)."""
    st.download_button(label, data, file_name, mime, on_click="ignore", **kwargs)


def candidates_picked_on_map(event: Any, ids: Sequence[str]) -> list[str]:
    """Candidate site ids selected on a map's ``candidates`` layer, in ``ids`` order.

    Parameters
    ----------
    event : mapping or None
        The map's selection state (what ``st.pydeck_chart(..., on_select="rerun")``
        keeps under its key): ``{"selection": {"objects": {layer_id: [object, ...]}}}``;
        each candidate object carries its site id as ``label``.
    ids : sequence of str
        The candidate site ids of the network.

    Returns
    -------
    list of str
        The selected ids that are candidates of the network; empty without a selection.
    """
    selection = (event or {}).get("selection") or {}
    objects = (selection.get("objects") or {}).get("candidates") or []
    picked = {o.get("label") for o in objects if isinstance(o, dict)}
    return [i for i in ids if i in picked]
