"""The plan page shows the ladles' Gantt chart when the plan's runs carry pool ladles.

The app opens on a copy of tests/data/tiny with the pool of tests/data/tiny_ladles; the
chart's bars are compared with the plan's rows (one fill bar per run, one preheat bar
per row of the plan's preheats); on tiny without a pool the chart is not there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from logistics import check
from tests.app.conftest import APP
from tests.conftest import TEST_DATA

TIMEOUT = 120


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _plan_and_open_trucks(at: AppTest) -> AppTest:
    at.selectbox(key="plan_solver").set_value("greedy")
    at.number_input(key="plan_limit").set_value(2)
    at = at.button(key="plan_button").click().run()
    at.session_state["plan_tab"] = "Trucks"
    return at.run()


def _traces(spec: dict) -> dict[str, dict]:
    return {t.get("name"): t for t in spec["data"]}


def test_the_ladle_gantt_shows_every_run_and_preheat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "tiny_pool"
    shutil.copytree(TEST_DATA / "tiny", folder)
    shutil.copy(TEST_DATA / "tiny_ladles" / "ladles.csv", folder / "ladles.csv")
    monkeypatch.setenv("MOLTEN_APP_NETWORK", str(folder))
    monkeypatch.setenv("MOLTEN_SAMPLES", str(tmp_path))
    monkeypatch.setenv("MOLTEN_APP_WORKERS", "1")
    monkeypatch.delenv("MOLTEN_DB", raising=False)
    at = _plan_and_open_trucks(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    assert not at.exception, at.exception
    view = at.session_state["current_plan"]
    plan = view.outcome.plan
    assert check(view.network, plan).ok
    ladle_charts = [
        s for s in _charts(at) if "fill" in _traces(s) and "preheat on a stand" in _traces(s)
    ]
    assert len(ladle_charts) == 1
    traces = _traces(ladle_charts[0])
    assert sorted(traces["fill"]["y"]) == sorted(str(r.ladle_id) for r in plan.runs)
    assert sorted(traces["preheat on a stand"]["y"]) == sorted(p.ladle_id for p in plan.preheats)
    assert any(s.value == "Ladles" for s in at.subheader)


def test_no_ladle_gantt_without_a_pool(app_env: None) -> None:
    at = _plan_and_open_trucks(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    assert not at.exception, at.exception
    assert not any(s.value == "Ladles" for s in at.subheader)
    assert len(_charts(at)) == 1
