"""Every page keeps its state across navigation (issue #22).

Streamlit forgets a widget's value when its page is not drawn. Here each page's
widgets are set, then every page is visited twice, in two different orders, and each
page must show what was chosen on it: the settings, the selections, the chosen ladle
and tab, the uploaded files and the order edits not yet used.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from logistics.dispatch import DispatchRequest, run_dispatch
from logistics.plan.options import PlanOptions
from tests.app.test_pages import APP, PAGES, TIMEOUT, open_tab, plan_tiny, start
from tests.conftest import TEST_DATA

#: One visit of each page, in two orders.
FIRST = ["plan", "orders", "replan", "check", "economics", "history", "siting"]
SECOND = ["siting", "economics", "plan", "history", "check", "replan", "orders"]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env: None) -> str:
    """A history database with two versions of tiny's day."""
    url = f"sqlite:///{tmp_path / 'history.db'}"
    for force in (False, True):
        run_dispatch(
            DispatchRequest(
                TEST_DATA / "tiny",
                date(2026, 11, 23),
                url,
                options=PlanOptions(solver="greedy", time_limit_s=5.0),
                force=force,
            )
        )
    monkeypatch.setenv("MOLTEN_DB", url)
    monkeypatch.setenv("MOLTEN_BASEMAP", "off")
    return url


def visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"{PAGES}/{page}.py").run()
    assert not at.exception, (page, at.exception)
    return at


def set_everything(at: AppTest) -> tuple[AppTest, dict]:
    """On every page, choose something other than its default; what was chosen."""
    chosen: dict = {}
    at = plan_tiny(at)
    runs = at.session_state["current_plan"].outcome.plan.runs
    at = open_tab(at, "Map")
    at.multiselect(key="map_trucks").set_value(["T1"])
    at = at.run()
    at = open_tab(at, "Temperature")
    ladle = runs[-1].run_id
    at.selectbox(key="ladle_choice").set_value(ladle)
    at.number_input(key="plan_limit").set_value(7)
    at = at.run()
    chosen["plan"] = {"plan_solver": "greedy", "plan_limit": 7, "ladle_choice": ladle}

    at = visit(at, "orders")
    at.selectbox(key="urgent_caster").set_value("C2")  # (inside the form: sent on submit only)
    at.session_state["orders_editor"] = {
        "edited_rows": {1: {"tonnes": "11"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = at.run()
    chosen["orders"] = {"urgent_caster": "C2"}

    at = visit(at, "replan")
    at.time_input(key="replan_now").set_value(time(11, 30))
    at.multiselect(key="replan_out").set_value(["T2"])
    at.selectbox(key="replan_solver").set_value("greedy")
    at.number_input(key="replan_limit").set_value(4)
    at = at.run()
    chosen["replan"] = {
        "replan_now": time(11, 30),
        "replan_out": ["T2"],
        "replan_solver": "greedy",
        "replan_limit": 4,
    }

    at = visit(at, "check")
    at.radio(key="check_source").set_value("upload")
    at = at.run()
    runs_csv = (TEST_DATA / "tiny_plan" / "runs.csv").read_bytes()
    unserved_csv = (TEST_DATA / "tiny_plan" / "unserved.csv").read_bytes()
    at.file_uploader(key="check_runs").upload("my-runs.csv", runs_csv, "text/csv")
    at.file_uploader(key="check_unserved").upload("my-unserved.csv", unserved_csv, "text/csv")
    at = at.run()
    chosen["check"] = {"check_source": "upload"}

    at = visit(at, "economics")
    at.slider(key="eco_km").set_value(70)
    at.radio(key="eco_vary").set_value("gas_price_cny_m3")
    at.slider(key="eco_spread").set_value(50)
    at = at.run()
    chosen["economics"] = {"eco_km": 70, "eco_vary": "gas_price_cny_m3", "eco_spread": 50}

    at = visit(at, "history")
    at.selectbox(key="history_version").set_value(1)
    at = at.run()
    chosen["history"] = {"history_version": 1}

    at = visit(at, "siting")
    at.number_input(key="siting_days").set_value(1)
    at.number_input(key="siting_k").set_value(2)
    at.selectbox(key="siting_solver").set_value("ortools")
    at = at.run()
    chosen["siting"] = {"siting_days": 1, "siting_k": 2, "siting_solver": "ortools"}
    return at, chosen


def widget_value(at: AppTest, key: str):
    for kind in ("selectbox", "number_input", "multiselect", "time_input", "slider", "radio"):
        for widget in getattr(at, kind):
            if widget.key == key:
                return widget.value
    raise AssertionError(f"no widget {key} on the page")


def assert_kept(at: AppTest, page: str, chosen: dict) -> None:
    for key, value in chosen[page].items():
        assert widget_value(at, key) == value, (page, key)
    if page == "plan":  # the tab and the trucks highlighted on the map
        assert at.session_state["plan_tab"] == "Temperature"
        at = open_tab(at, "Map")
        assert at.multiselect(key="map_trucks").value == ["T1"]
        at = open_tab(at, "Temperature")
    if page == "orders":  # the edit not yet used, and the form's caster
        table = at.dataframe[0].value
        assert list(table["tonnes"])[1] == "11"
        assert "row 3" not in "\n".join(e.value for e in at.error)
    if page == "check":  # the uploaded file, still checked
        assert any("my-runs.csv" in c.value and "my-unserved.csv" in c.value for c in at.caption)
        assert at.success and "0 violations" in at.success[0].value


def test_every_page_keeps_its_state_across_navigation(database: str) -> None:
    at, chosen = set_everything(start())
    for order in (FIRST, SECOND):
        for page in order:
            at = visit(at, page)
            assert_kept(at, page, chosen)


def test_the_siting_page_keeps_its_candidates(app_env: None, monkeypatch) -> None:
    monkeypatch.setenv("MOLTEN_APP_NETWORK", str(TEST_DATA / "pearl_river_delta"))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at = visit(at, "siting")
    every = at.multiselect(key="siting_candidates").value
    assert len(every) == 9
    for page in ("plan", "economics", "siting"):
        at = visit(at, page)
    assert at.multiselect(key="siting_candidates").value == every  # was [] (issue #22)
    at.multiselect(key="siting_candidates").set_value(every[2:5])
    at = at.run()
    for page in ("check", "orders", "siting"):
        at = visit(at, page)
    assert at.multiselect(key="siting_candidates").value == every[2:5]
    assert "nothing to site" not in "\n".join(e.value for e in at.error)


def test_a_new_plan_starts_its_own_selections_afresh(app_env: None) -> None:
    at = plan_tiny(start())
    at = open_tab(at, "Map")
    at.multiselect(key="map_trucks").set_value(["T1"])
    at = at.run()
    at = visit(at, "economics")
    at = visit(at, "plan")
    assert at.multiselect(key="map_trucks").value == ["T1"]
    at = at.button(key="plan_button").click().run()  # another plan on screen
    at = visit(at, "economics")
    at = visit(at, "plan")
    assert at.multiselect(key="map_trucks").value == []
