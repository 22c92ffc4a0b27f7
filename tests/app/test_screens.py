"""What the dispatcher reads (issue #22): the Check page on the current plan, the urgent
order's alloys, one name per solver, plain words, numbers with separators and units,
and a basemap that says when it is unavailable."""

from __future__ import annotations

import json
import re
import socket

import pytest
from streamlit.testing.v1 import AppTest

from logistics import load_network
from logistics.app import basemap
from logistics.app.labels import REASON_LABELS, SOLVER_LABELS, solver_summary
from logistics.plan.exports import runs_csv
from logistics.plan.stats import SolverStats
from tests.app.test_pages import APP, PAGES, TIMEOUT, errors, open_tab, plan_tiny, start
from tests.conftest import TEST_DATA

ALL_PAGES = ("plan", "orders", "replan", "check", "economics", "history", "siting")
#: Widgets still allowed to show raw names (none left).
NOT_YET: frozenset[str] = frozenset()


def visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"{PAGES}/{page}.py").run()
    assert not at.exception, (page, at.exception)
    return at


def texts(at: AppTest) -> list[str]:
    """Every text a page shows: markdown, captions, messages, labels and options."""
    found = []
    for kind in ("markdown", "caption", "info", "success", "warning", "error", "title"):
        found += [e.value for e in getattr(at, kind)]
    found += [m.label for m in at.metric] + [m.value for m in at.metric]
    for kind in ("selectbox", "radio", "multiselect"):
        for widget in getattr(at, kind):
            if widget.key in NOT_YET:
                continue
            found.append(widget.label)
            found += [str(o) for o in widget.options]
    return found


def test_the_check_page_checks_the_current_plan_with_its_unserved_rows(app_env: None) -> None:
    at = visit(plan_tiny(start()), "check")
    plan = at.session_state["current_plan"].outcome.plan
    assert plan.unserved  # tiny leaves some tonnes unserved: they must not be violations
    assert at.radio(key="check_source").value == "current"
    assert at.success and at.success[0].value.startswith(f"0 violations in {len(plan.runs):,} runs")
    assert "order_accounting" not in errors(at)
    assert {d.label for d in at.get("download_button")} == {
        "Current plan's runs.csv",
        "Current plan's unserved.csv",
    }
    # the plan's runs.csv uploaded alone: checked with the plan's own unserved rows
    at.radio(key="check_source").set_value("upload")
    at = at.run()
    at.file_uploader(key="check_runs").upload("runs.csv", runs_csv(plan).encode(), "text/csv")
    at = at.run()
    assert at.checkbox(key="check_plan_unserved").value is True
    assert at.success and "0 violations" in at.success[0].value
    # without them, every tonne not delivered is a violation, and the page says why
    at.checkbox(key="check_plan_unserved").uncheck()
    at = at.run()
    assert "order_accounting" in errors(at)
    assert any("nothing is declared unserved" in c.value for c in at.caption)


def test_the_urgent_order_offers_the_alloys_the_caster_takes(app_env, monkeypatch) -> None:
    monkeypatch.setenv("MOLTEN_APP_NETWORK", str(TEST_DATA / "pearl_river_delta"))
    at = visit(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run(), "orders")
    network = load_network(TEST_DATA / "pearl_river_delta")
    for caster_id in ("PRD-C01", "PRD-C16"):
        at.selectbox(key="urgent_caster").set_value(caster_id)
        at = at.run()
        alloy = at.selectbox(key="urgent_alloy")
        takes = list(network.caster_by_id[caster_id].alloys)
        assert [o.split(" (")[0] for o in alloy.options] == takes
        assert alloy.value in takes
    assert network.caster_by_id["PRD-C01"].alloys == ("ADC12",)  # A356 was offered (#22)


def test_one_name_per_solver_and_plain_words_on_every_page(app_env: None) -> None:
    at = plan_tiny(start())
    seen = []
    for page in ALL_PAGES:
        at = visit(at, page)
        seen += texts(at)
    at = visit(at, "plan")
    for tab in ("Trucks", "Temperature", "Fleet", "Runs", "Unserved", "Downloads"):
        seen += texts(open_tab(at, tab))
    shown = "\n".join(seen)
    assert "optimiser" in shown and "dispatcher's rule" in shown
    for raw in ("ortools", "OR-Tools", "greedy", "gls", "searches", "tap_min_c", "seed's"):
        # raw names only where the reasons are explained (``thermal_reach``: …)
        hits = [t for t in seen if raw in t and "`" not in t and "**" not in t]
        assert not hits, (raw, hits[:3])


def test_every_number_in_a_table_has_separators_and_fixed_decimals(app_env: None) -> None:
    at = plan_tiny(start())
    frames = []
    for tab in ("Runs", "Unserved"):
        frames += list(open_tab(at, tab).dataframe)
    for page in ("check", "economics"):
        frames += list(visit(at, page).dataframe)
    assert len(frames) >= 6
    for frame in frames:
        config = json.loads(frame.proto.columns or "{}")
        for column in frame.value.columns:
            values = frame.value[column]
            if values.dtype.kind in "iuf":
                fmt = config.get(str(column), {}).get("type_config", {}).get("format", "")
                assert re.fullmatch(r"%,(d|\.\d f?|\.\df)", fmt.replace(" ", "")), (column, fmt)


def test_kpi_labels_fit_their_cards() -> None:
    # a card is ~200 px wide at a 1280 px window: about 24 characters of its label
    assert all(len(label) <= 20 for label in REASON_LABELS.values())
    assert set(SOLVER_LABELS.values()) == {"optimiser", "dispatcher's rule"}


def test_the_solver_in_plain_words() -> None:
    stats = SolverStats(
        name="ortools",
        status="partial_success_time_limit [gls-parallel@12; 1 searches, 1 back]",
        time_limit_s=60,
        wall_s=61.2,
    )
    words = solver_summary(stats)
    assert words == (
        "Planned by the optimiser in 61.2 s: it used its time limit (60 s) and kept its best plan."
    )
    greedy = SolverStats(name="greedy", status="greedy", time_limit_s=60, wall_s=0.4)
    assert solver_summary(greedy) == "Planned by the dispatcher's rule in 0.4 s."


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_basemap_is_said_so_and_not_drawn(app_env, monkeypatch) -> None:
    monkeypatch.setenv("MOLTEN_BASEMAP", f"http://127.0.0.1:{_closed_port()}/style.json")
    basemap.reachable.clear()
    at = open_tab(plan_tiny(start()), "Map")
    (deck,) = at.get("deck_gl_json_chart")
    assert "cartocdn" not in deck.proto.json and "http" not in deck.proto.json
    at.toggle(key="basemap").set_value(True)
    at = at.run()
    (deck,) = at.get("deck_gl_json_chart")
    assert "cartocdn" not in deck.proto.json and '"grid"' in deck.proto.json
    (note,) = [c.value for c in at.caption if "basemap is unavailable" in c.value]
    assert "127.0.0.1 cannot be reached" in note


def test_a_reachable_basemap_is_drawn(app_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(basemap, "reachable", lambda url, timeout_s=3.0: (True, "HTTP 200"))
    at = open_tab(plan_tiny(start()), "Map")
    at.toggle(key="basemap").set_value(True)
    at = at.run()
    (deck,) = at.get("deck_gl_json_chart")
    assert "cartocdn" in deck.proto.json
    assert not [c for c in at.caption if "unavailable" in c.value]


def test_basemap_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOLTEN_BASEMAP", "off")
    drawn, note = basemap.basemap_note(True)
    assert drawn is False and "switched off" in note
    assert basemap.basemap_note(False) == (False, None)
