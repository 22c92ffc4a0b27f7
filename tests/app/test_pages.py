"""Every page of the app driven through Streamlit's AppTest, on tests/data/tiny.

Assertions are on what the page shows (metrics, table rows, messages) against figures
recomputed from the plan's rows and the independent checker's verdict.
"""

from __future__ import annotations

import io
import zipfile
from datetime import time

import pytest
from streamlit.testing.v1 import AppTest

from logistics import check, load_network
from logistics.app.labels import reason_label
from logistics.charts.style import km_text
from logistics.economics import cost_report, typical_truck
from tests.app.conftest import APP
from tests.conftest import TEST_DATA
from tests.helpers import delivered_from_rows, summary_from_rows

TIMEOUT = 120
PAGES = "logistics/app/pages"


def start() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()


def plan_tiny(at: AppTest) -> AppTest:
    at.selectbox(key="plan_solver").set_value("greedy")
    at.number_input(key="plan_limit").set_value(2)
    return at.button(key="plan_button").click().run()


def add_urgent_order(at: AppTest) -> AppTest:
    """On the Re-plan page: 6 t for C1 at 15:00–16:00, phoned in at 10:00."""
    at.text_input(key="replan_urgent_id").set_value("URG1")
    at.selectbox(key="replan_urgent_caster").set_value("C1")
    at.selectbox(key="replan_urgent_alloy").set_value("ADC12")
    at.time_input(key="replan_urgent_from").set_value(time(15, 0))
    at.time_input(key="replan_urgent_to").set_value(time(16, 0))
    at.time_input(key="replan_urgent_placed").set_value(time(10, 0))
    return at.button(key="FormSubmitter:replan_urgent_order-Add the urgent order").click().run()


def open_tab(at: AppTest, name: str) -> AppTest:
    """On the Plan page: open a tab (only the open one is drawn)."""
    at.session_state["plan_tab"] = name
    return at.run()


def table_with(at: AppTest, column: str):
    """The first table on the page with that column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def test_the_app_opens_on_the_chosen_network(app_env: None) -> None:
    at = start()
    assert not at.exception
    assert at.sidebar.selectbox(key="network_choice").value == "tiny"
    assert "8 orders" in at.sidebar.caption[0].value
    assert at.button(key="plan_button").label == "Plan the day"


def test_plan_page_plans_tiny_and_shows_the_plan(app_env: None) -> None:
    at = plan_tiny(start())
    assert not at.exception, at.exception
    view = at.session_state["current_plan"]
    network, plan = view.network, view.outcome.plan
    assert check(network, plan).ok
    recomputed = summary_from_rows(network, plan)
    shown = metrics(at)
    assert shown["Ordered"] == f"{sum(o.tonnes for o in network.day_orders):,.1f} t"
    assert shown["Delivered liquid"] == f"{delivered_from_rows(plan):,.1f} t"
    assert shown["Truck-km"] == f"{recomputed.truck_km:,.0f} km"
    assert shown["Route cost"] == f"{recomputed.route_cost_cny:,.0f} CNY"
    assert shown["Trucks used"] == str(len({r.truck_id for r in plan.runs}))
    for u in plan.unserved:
        assert shown[reason_label(u.reason).capitalize()] == (
            f"{sum(x.tonnes for x in plan.unserved if x.reason == u.reason):,.1f} t"
        )
    assert "Planned by the dispatcher's rule" in at.caption[0].value
    runs_table = table_with(open_tab(at, "Runs"), "arrive")
    assert list(runs_table["run"]) == [r.run_id for r in plan.runs]
    unserved_table = table_with(open_tab(at, "Unserved"), "reason")
    assert sorted(unserved_table["order"]) == sorted(u.order_id for u in plan.unserved)
    at = open_tab(at, "Downloads")
    assert {d.label for d in at.get("download_button")} == {
        "Plan folder (zip)",
        "runs.csv",
        "unserved.csv",
        "Excel workbook",
    }
    # planning again shows the change from the previous plan
    at.selectbox(key="plan_solver").set_value("ortools")
    at = at.button(key="plan_button").click().run()
    second = at.session_state["current_plan"].outcome.plan
    assert check(network, second).ok
    delivered = next(m for m in at.metric if m.label == "Delivered liquid")
    change = delivered_from_rows(second) - delivered_from_rows(plan)
    assert delivered.delta == (f"{change:+,.1f} t" if abs(change) >= 0.05 else "±0 t")


def _zip_of(folder, replace: dict[str, bytes] | None = None, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for p in sorted(folder.iterdir()):
            archive.writestr(f"mine/{p.name}", (replace or {}).get(p.name, p.read_bytes()))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_uploaded_network_with_a_bad_file_shows_file_row_and_column(app_env: None) -> None:
    orders = (TEST_DATA / "tiny" / "orders.csv").read_text().splitlines()
    orders[2] = orders[2].replace(",9,", ",nine,")
    bad = _zip_of(TEST_DATA / "tiny", {"orders.csv": ("\n".join(orders) + "\n").encode()})
    at = start()
    at.sidebar.file_uploader(key="network_zip").upload("mine.zip", bad, "application/zip")
    at = at.run()
    assert not at.exception
    assert "orders.csv, row 3, column 'tonnes'" in errors(at)
    assert "Traceback" not in errors(at)


def test_a_zip_slip_upload_is_refused(app_env: None) -> None:
    evil = _zip_of(TEST_DATA / "tiny", extra={"../../evil.txt": b"x"})
    at = start()
    at.sidebar.file_uploader(key="network_zip").upload("evil.zip", evil, "application/zip")
    at = at.run()
    assert "Upload refused" in errors(at) and "evil.zip" in errors(at)
    assert at.sidebar.selectbox(key="network_choice").value == "tiny"


def test_orders_page_validates_edits_with_the_loaders_messages(app_env: None) -> None:
    at = start()
    at.switch_page(f"{PAGES}/orders.py").run()
    assert "8 orders of the day" in at.success[0].value
    at.session_state["orders_editor"] = {
        "edited_rows": {1: {"tonnes": "-3"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = at.run()
    assert "orders.csv, row 3, column 'tonnes'" in errors(at)
    assert at.button(key="orders_use").disabled


def test_replan_with_an_urgent_order_keeps_the_runs_under_way(app_env: None) -> None:
    at = plan_tiny(start())
    before = at.session_state["current_plan"].outcome.plan
    at.switch_page(f"{PAGES}/replan.py").run()
    assert not at.exception, at.exception
    at.time_input(key="replan_now").set_value(time(10, 0))
    at = add_urgent_order(at)
    assert list(at.dataframe[0].value["order_id"]) == ["URG1"]
    at.selectbox(key="replan_solver").set_value("greedy")
    at.number_input(key="replan_limit").set_value(2)
    at = at.button(key="replan_button").click().run()
    assert not at.exception, at.exception
    preview = at.session_state["replan_previews"]["insert"]
    new_plan, network = preview.outcome.plan, preview.network
    assert check(network, new_plan).ok
    urgent = [r for r in new_plan.runs if r.order_id == "URG1"]
    assert sum(r.tonnes for r in urgent) == 6.0
    now = network.at(10 * 60)
    under_way = {r for r in before.runs if r.fill_start <= now}
    assert under_way <= set(new_plan.runs)  # facts kept exactly
    shown = metrics(at)
    assert shown["New"] == f"{len(preview.diff.new)} runs" and len(preview.diff.new) >= 2
    diff_table = next(
        d.value for d in at.dataframe if "change" in d.value.columns and "before" in d.value.columns
    )
    assert set(diff_table[diff_table["change"] == "new"]["order"]) == {"URG1"}
    # nothing applied until accepted
    assert at.session_state["current_plan"].outcome.plan == before
    at = at.button(key="replan_accept").click().run()
    assert at.session_state["current_plan"].outcome.plan == new_plan
    assert "Applied" in at.success[-1].value


def test_check_page_lists_the_violations_of_a_broken_plan(app_env: None) -> None:
    runs = (TEST_DATA / "tiny_plan" / "runs.csv").read_bytes()
    unserved = (TEST_DATA / "tiny_plan" / "unserved.csv").read_bytes()
    at = start()
    at.switch_page(f"{PAGES}/check.py").run()
    at.file_uploader(key="check_runs").upload("runs.csv", runs, "text/csv")
    at.file_uploader(key="check_unserved").upload("unserved.csv", unserved, "text/csv")
    at = at.run()
    assert at.success and "0 violations" in at.success[0].value
    broken = runs.replace(b"730.0,701.2", b"700.0,701.2", 1)
    at.file_uploader(key="check_runs").set_value(("runs.csv", broken, "text/csv"))
    at = at.run()
    assert "violations" in errors(at)
    table = at.dataframe[0].value
    assert "tap_range" in set(table["rule"]) and set(table["run"]) == {"R01"}
    assert any("700" in m for m in table["what is wrong"])
    unreadable = runs.replace(b",3,2026-11-23T07:00", b",x,2026-11-23T07:00", 1)
    at.file_uploader(key="check_runs").set_value(("runs.csv", unreadable, "text/csv"))
    at = at.run()
    assert "runs.csv, row 2, column 'tonnes'" in errors(at)


def test_economics_page_shows_the_routes_and_the_saving(app_env: None) -> None:
    at = start()
    at.switch_page(f"{PAGES}/economics.py").run()
    assert not at.exception
    tiny = load_network(TEST_DATA / "tiny")
    report = cost_report(tiny.params, 30.0, typical_truck(tiny))
    shown = metrics(at)
    assert shown["Saving"] == f"{report['saving_cny_t']:,.0f} CNY/t"
    assert shown["Ingot route"] == f"{report['ingot']['total_cny_t']:,.0f} CNY/t"
    by_dross = report["by_dross"]  # break-even with and without dross disposal
    cases = [by_dross["with_dross"], by_dross["without_dross"]]
    dross = table_with(at, "break-even")
    assert list(dross["break-even"]) == [km_text(c["break_even_km"]) for c in cases]
    assert list(dross["practical radius"]) == [km_text(c["radius_km"]) for c in cases]
    assert cases[0]["break_even_km"] > cases[1]["break_even_km"]
    at.slider(key="eco_km").set_value(100)
    at = at.run()
    far = cost_report(tiny.params, 100.0, typical_truck(tiny))
    assert metrics(at)["Saving"] == f"{far['saving_cny_t']:,.0f} CNY/t"


@pytest.mark.parametrize("page", ["history.py", "siting.py", "replan.py"])
def test_the_other_pages_open(app_env: None, page: str) -> None:
    at = start()
    at.switch_page(f"{PAGES}/{page}").run()
    assert not at.exception, at.exception


def test_siting_page_runs_a_grid_study_in_a_worker(app_env: None) -> None:
    at = start()
    at.switch_page(f"{PAGES}/siting.py").run()
    at.number_input(key="siting_days").set_value(1)
    at.number_input(key="siting_simulate").set_value(1)
    at = at.button(key="siting_run").click().run()
    assert not at.exception, at.exception
    result = at.session_state["siting_result"]
    ranking = at.dataframe[0].value
    assert list(ranking["option"]) == [row["option"] for row in result.ranking()]
    top = result.top()
    assert top is not None and top.option_id in at.info[0].value
    switches = at.dataframe[1].value
    assert sorted(switches["caster"]) == sorted(s.caster_id for s in result.switching())
