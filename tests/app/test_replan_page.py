"""An accepted re-plan on the Plan page, and what the next re-plan remembers.

Driven through Streamlit's AppTest on tests/data/tiny; the statuses and counts on the
charts are compared with what the plan's rows and ``now`` say.
"""

from __future__ import annotations

import json
from datetime import datetime, time

from streamlit.testing.v1 import AppTest

from logistics import check
from logistics.app.replan_view import diff_frame
from logistics.charts.fleet import hourly_fleet
from logistics.physics.travel import Travel
from logistics.pipeline import facts_at, replan
from logistics.plan.options import PlanOptions
from tests.app.test_pages import PAGES, add_urgent_order, open_tab, plan_tiny, start


def preview(at: AppTest, hhmm: time, out: list[str] | None = None) -> AppTest:
    """On the Re-plan page: re-plan from ``hhmm`` with the dispatcher's rule."""
    at.time_input(key="replan_now").set_value(hhmm)
    if out is not None:
        at.multiselect(key="replan_out").set_value(out)
    at.selectbox(key="replan_solver").set_value("greedy")
    at.number_input(key="replan_limit").set_value(2)
    return at.button(key="replan_button").click().run()


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def gantt_statuses(figure: dict) -> dict[str, set[str]]:
    """Run id → the statuses its fill and pour bars are drawn with."""
    found: dict[str, set[str]] = {}
    for trace in figure["data"]:
        for run_id, kind, status in trace.get("customdata") or []:
            if run_id and kind in ("fill", "pour") and status != "ghost":
                found.setdefault(run_id, set()).add(status)
    return found


def fleet_available(figures_: list[dict]) -> list[int]:
    for figure in figures_:
        for trace in figure["data"]:
            if trace.get("name") == "available":
                return list(trace["y"])
    raise AssertionError("no fleet chart on the page")


def test_an_accepted_replan_shows_done_and_under_way_and_keeps_trucks_out(app_env: None) -> None:
    at = plan_tiny(start())
    assert not at.exception, at.exception
    before = at.session_state["current_plan"]
    at.switch_page(f"{PAGES}/replan.py").run()
    add_urgent_order(at)
    at = preview(at, time(10, 0), ["T2"])
    assert not at.exception, at.exception
    shown = at.session_state["replan_previews"]["insert"]
    network, new_plan = shown.network, shown.outcome.plan
    now = network.at(10 * 60)
    assert check(network, new_plan).ok
    facts = {r.run_id for r in facts_at(before.outcome.plan, now)}
    assert {r.run_id for r in shown.facts} == facts
    # the diff table tells poured runs from those still on the road
    table = next(
        d.value for d in at.dataframe if {"change", "run", "before"} <= set(d.value.columns)
    )
    change = dict(zip(table["run"], table["change"], strict=True))
    runs = {r.run_id: r for r in new_plan.runs}
    for run_id in facts:
        expected = "kept (poured)" if runs[run_id].pour_end <= now else "kept (under way)"
        assert change[run_id] == expected, run_id
    assert {"kept (poured)", "kept (under way)"} <= set(change.values())
    at = at.button(key="replan_accept").click().run()
    view = at.session_state["current_plan"]
    assert view.outcome.plan == new_plan
    assert view.now == now and view.frozen == facts and view.unavailable_trucks == ("T2",)
    assert "T2" in view.network.truck_by_id  # its runs under way still need it

    # the Plan page: done / under way / planned as the rows say, T2 not counted on shift
    at.switch_page(f"{PAGES}/plan.py").run()
    assert not at.exception, at.exception
    charts = figures(open_tab(at, "Trucks")) + figures(open_tab(at, "Fleet"))
    gantt = next(f for f in charts if gantt_statuses(f))
    statuses = gantt_statuses(gantt)
    for run in new_plan.runs:
        if run.pour_end <= now:
            expected = "done"
        elif run.run_id in facts:
            expected = "frozen"
        else:
            expected = "planned"
        assert statuses[run.run_id] == {expected}, (run.run_id, statuses[run.run_id])
    assert {"done", "frozen", "planned"} <= set().union(*statuses.values())
    available = fleet_available(charts)
    others = [t for t in network.fleet if t.truck_id != "T2"]
    assert max(available) == len(others) < len(network.fleet)
    with_t2 = [
        r["available"]
        for r in hourly_fleet(network, Travel.of(network), new_plan.runs, new_plan.truck_starts)
    ]
    assert available != with_t2
    assert any("out of service, not counted: T2" in c.value for c in at.caption)
    at = open_tab(at, "Trucks")
    assert any("re-planned at 10:00" in c.value.lower() for c in at.caption)

    # the next re-plan keeps T2 out without choosing it again
    at.switch_page(f"{PAGES}/replan.py").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="replan_out").value == ["T2"]
    at = preview(at, time(11, 0))
    assert not at.exception, at.exception
    again = at.session_state["replan_previews"]["insert"]
    later = datetime.combine(network.plan_date, time(11, 0), tzinfo=network.tz)
    assert check(again.network, again.outcome.plan).ok
    t2_runs = {r.run_id for r in again.outcome.plan.runs if r.truck_id == "T2"}
    assert t2_runs == {i for i in facts if runs[i].truck_id == "T2"}  # no new runs for T2
    assert again.unavailable_trucks == ("T2",) and again.now == later


def test_a_plan_not_replanned_shows_no_clock(app_env: None) -> None:
    at = plan_tiny(start())
    assert not at.exception, at.exception
    view = at.session_state["current_plan"]
    assert view.now is None and not view.frozen and not view.unavailable_trucks
    statuses = gantt_statuses(next(f for f in figures(open_tab(at, "Trucks")) if gantt_statuses(f)))
    assert set().union(*statuses.values()) == {"planned"}
    assert max(fleet_available(figures(open_tab(at, "Fleet")))) == len(view.network.fleet)


def test_the_diff_table_tells_poured_runs_from_runs_under_way(tiny, tiny_outcome) -> None:
    plan = tiny_outcome.plan
    now = tiny.at(10 * 60)
    result = replan(tiny, plan, now, PlanOptions(solver="greedy"))
    facts = {r.run_id for r in result.facts}
    frame = diff_frame(result.diff, result.network, facts, now)
    change = dict(zip(frame["run"], frame["change"], strict=True))
    for run in result.diff.kept:
        if run.run_id not in facts:
            expected = "kept"
        elif run.pour_end <= now:
            expected = "kept (poured)"
        else:
            expected = "kept (under way)"
        assert change[run.run_id] == expected, run.run_id
    assert {"kept (poured)", "kept (under way)"} <= set(change.values())
    # without ``now`` a fact cannot be known poured: every one reads under way
    frame = diff_frame(result.diff, result.network, facts)
    assert set(frame[frame["run"].isin(facts)]["change"]) == {"kept (under way)"}


def test_an_order_changed_against_the_runs_under_way_is_refused_by_row(app_env: None) -> None:
    # O1 (table row 2) is poured by 10:00; placed again at 10:00 it would come too early
    at = plan_tiny(start())
    at.switch_page(f"{PAGES}/orders.py").run()
    at.session_state["orders_editor"] = {
        "edited_rows": {0: {"tonnes": "9", "placed_at": "10:00"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = at.run()
    at = at.button(key="orders_use").click().run()
    assert not at.exception, at.exception
    at.switch_page(f"{PAGES}/replan.py").run()
    at = preview(at, time(10, 0))
    assert not at.exception, at.exception
    shown = "\n".join(e.value for e in at.error)
    assert "orders.csv, row 2, column 'placed_at': order O1" in shown, shown
    assert "under way" in shown and "Traceback" not in shown
    assert "replan_previews" not in at.session_state
