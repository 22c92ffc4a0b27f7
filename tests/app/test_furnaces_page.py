"""The Furnaces page through Streamlit's AppTest, on tiny with half its casters managed.

What the page shows (the lowest-margin table, the level chart) is compared with levels
recomputed from the plan's rows; the what-if switch is checked on the re-planned rows
and the independent checker's verdict.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.supply_network import write_managed_copy
from logistics import check, load_network
from logistics.plan.exports import clock
from logistics.planning.managed import MANAGED_PREFIX
from tests.app.conftest import APP
from tests.app.test_pages import PAGES, TIMEOUT, plan_tiny, table_with
from tests.conftest import TEST_DATA, TINY, tiny_with_managed_c1
from tests.helpers import levels_from_rows

FURNACES = f"{PAGES}/furnaces.py"


@pytest.fixture(scope="module")
def managed_net(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny with C1, C3 and C5 on managed supply (consumption.csv)."""
    return write_managed_copy(TINY, tmp_path_factory.mktemp("furnaces") / "net")


@pytest.fixture
def managed_env(monkeypatch: pytest.MonkeyPatch, managed_net: Path) -> None:
    monkeypatch.setenv("MOLTEN_APP_NETWORK", str(managed_net))
    monkeypatch.setenv("MOLTEN_SAMPLES", str(TEST_DATA))
    monkeypatch.setenv("MOLTEN_APP_WORKERS", "1")
    monkeypatch.delenv("MOLTEN_DB", raising=False)


def _planned_furnaces_page() -> AppTest:
    """Plan the day with the dispatcher's rule on the Plan page, then open Furnaces."""
    at = plan_tiny(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    assert not at.exception, at.exception
    at.switch_page(FURNACES).run()
    assert not at.exception, at.exception
    return at


def _chart_level(at: AppTest) -> list[float]:
    (chart,) = at.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    return next(t["y"] for t in spec["data"] if t["name"] == "level")


def _assert_shown_levels_are_the_rows(at: AppTest) -> None:
    """Table and chart against levels recomputed from the plan's rows."""
    view = at.session_state["current_plan"]
    network, plan = view.network, view.outcome.plan
    levels = levels_from_rows(network, plan)
    table = table_with(at, "margin t")
    margins = [min(levels[(c, a)]) - f for c, a, f in zip(*_cols(table), strict=True)]
    assert list(table["margin t"]) == pytest.approx(margins, abs=0.006)
    assert margins == sorted(margins)  # closest to running low first
    assert len(table) == len(network.furnaces)
    for (_, row), margin in zip(table.iterrows(), margins, strict=True):
        curve = levels[(row["caster"], row["alloy"])]
        at_lowest = [m for m, x in enumerate(curve) if x <= min(curve) + 1e-3]
        assert row["lowest at"] in {clock(network.at(m), network) for m in at_lowest}
        below = sum(1 for x in curve if x < row["minimum t"] - 1e-3)
        assert row["status"] == ("stock-out" if margin < -1e-3 else "ok")
        assert abs(row["minutes below minimum"] - below) <= 2
    first = levels[(table["caster"][0], table["alloy"][0])]
    assert _chart_level(at) == pytest.approx(first, abs=1e-3)


def _cols(table) -> tuple:
    return table["caster"], table["alloy"], table["minimum t"]


def test_without_consumption_the_page_says_how_to_enable_managed_supply(app_env: None) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(FURNACES).run()
    assert not at.exception, at.exception
    assert "consumption.csv" in at.info[0].value and "managed" in at.info[0].value
    assert not at.get("plotly_chart") and not at.dataframe


def test_the_page_shows_the_levels_of_the_plan_lowest_margin_first(managed_env: None) -> None:
    at = _planned_furnaces_page()
    view = at.session_state["current_plan"]
    assert check(view.network, view.outcome.plan).ok
    assert at.multiselect(key="furnace_managed").value == ["C1", "C3", "C5"]
    _assert_shown_levels_are_the_rows(at)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Stock-outs"] == "0" and shown["Furnaces"] == "3"
    assert not at.error


def test_switching_a_caster_to_orders_changes_what_the_plan_delivers(managed_env: None) -> None:
    at = _planned_furnaces_page()
    before = at.session_state["current_plan"].outcome.plan
    assert {r.order_id for r in before.runs if r.caster_id == "C3"} >= {"M-C3-ZL114A-01"}
    at.multiselect(key="furnace_managed").set_value(["C1", "C5"])
    at = at.button(key="furnace_replan").click().run()
    assert not at.exception, at.exception
    view = at.session_state["current_plan"]
    network, plan = view.network, view.outcome.plan
    assert "supply switched" in view.source
    assert check(network, plan).ok and view.outcome.report.ok
    to_c3 = [r for r in plan.runs if r.caster_id == "C3"]
    assert to_c3 and all(r.order_id.startswith("R-C3-ZL114A-") for r in to_c3)
    assert plan.supply is not None
    assert {o.caster_id for o in plan.supply.deliveries} <= {"C1", "C5"}
    assert [f.supply for f in network.furnaces if f.caster_id == "C3"] == ["orders"]
    assert at.multiselect(key="furnace_managed").value == ["C1", "C5"]
    assert "C3 · ZL114A to orders" in " ".join(c.value for c in at.caption)
    _assert_shown_levels_are_the_rows(at)
    c3 = next(f for f in plan.supply.furnaces if f.caster_id == "C3")
    if c3.minutes_below_min:  # the rule's ladles come too late: flagged in red
        assert "C3 · ZL114A (stock-out" in at.error[0].value
    # the order book keeps the casters' own orders: the rule's are not in it
    at.switch_page(f"{PAGES}/orders.py").run()
    assert not at.exception, at.exception
    assert not at.error and "valid" in at.success[0].value
    # back to the folder's supply: the plan delivers to C3 as managed again
    at.switch_page(FURNACES).run()
    at = at.button(key="furnace_reset").click().run()
    at = at.button(key="furnace_replan").click().run()
    again = at.session_state["current_plan"]
    assert check(again.network, again.outcome.plan).ok
    assert any(r.order_id.startswith(f"{MANAGED_PREFIX}C3-") for r in again.outcome.plan.runs)


SMALL_C1 = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    "C1,ADC12,orders,0.5,0,0.5,0,24,0.1,\n"
)


def test_the_switch_says_why_it_leaves_out_a_furnace_no_whole_ladle_fits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """C1's 0.5-t furnace takes no whole ladle of the fleet: the switch leaves it out
    and the page names it, its room and the smallest ladle, and what to do."""
    folder = tiny_with_managed_c1(tmp_path / "net", SMALL_C1)
    monkeypatch.setenv("MOLTEN_APP_NETWORK", str(folder))
    monkeypatch.setenv("MOLTEN_SAMPLES", str(TEST_DATA))
    monkeypatch.setenv("MOLTEN_APP_WORKERS", "1")
    monkeypatch.delenv("MOLTEN_DB", raising=False)
    network = load_network(folder)
    smallest = min(t.ladle_t for t in network.fleet)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(FURNACES).run()
    assert not at.exception, at.exception
    assert "C1" not in at.multiselect(key="furnace_managed").options
    (note,) = [c.value for c in at.caption if c.value.startswith("Not offered")]
    assert "C1 (ADC12 furnace: room of 0.5 t between its minimum and capacity)" in note
    assert f"smallest ladle ({smallest:g} t)" in note
    assert "whole_ladles = false" in note and "keep it on orders" in note


def test_no_note_when_every_caster_with_a_furnace_is_offered(managed_env: None) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(FURNACES).run()
    assert not at.exception, at.exception
    assert at.multiselect(key="furnace_managed").options == ["C1", "C3", "C5"]
    assert not [c for c in at.caption if c.value.startswith("Not offered")]
