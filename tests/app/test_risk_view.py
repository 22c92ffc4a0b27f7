"""The Plan page shows the risk of cold metal: the runs table flags and shades the ladles
whose estimated cold probability is above target, the map rings their casters, and the
temperature chart draws the 5–95 % band of the arrival temperature against the
caster's minimum. Driven through Streamlit's AppTest on tiny with uncertain travel and
taps on the fixed margin, so that some ladles are above the 1 % target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from logistics import check
from logistics.plan.risk_flags import riskiest_runs
from tests.app.conftest import APP
from tests.app.test_pages import open_tab, plan_tiny, table_with
from tests.conftest import TEST_DATA, copy_tiny

RISK = "\n[risk]\ntravel_cv = 0.4\nplan_for_risk = false\n"


@pytest.fixture
def risky_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    folder = copy_tiny(tmp_path / "tiny")
    with (folder / "network.toml").open("a", encoding="utf-8") as fh:
        fh.write(RISK)
    monkeypatch.setenv("MOLTEN_APP_NETWORK", str(folder))
    monkeypatch.setenv("MOLTEN_SAMPLES", str(TEST_DATA))
    monkeypatch.setenv("MOLTEN_APP_WORKERS", "1")
    monkeypatch.delenv("MOLTEN_DB", raising=False)
    at = plan_tiny(AppTest.from_file(str(APP), default_timeout=120).run())
    assert not at.exception, at.exception
    return at


def test_the_runs_table_flags_the_ladles_above_the_target(risky_app: AppTest) -> None:
    view = risky_app.session_state["current_plan"]
    network, plan = view.network, view.outcome.plan
    assert check(network, plan).ok
    target = network.params.risk.max_cold_probability
    above = {r.run_id for r in plan.runs if r.cold_probability and r.cold_probability > target}
    assert above and len(above) < len(plan.runs)  # some, not all
    at = open_tab(risky_app, "Runs")
    table = table_with(at, "cold risk")
    flagged = set(table.loc[table["cold risk"] == "above target", "run"])
    assert flagged == above
    by_id = {r.run_id: r for r in plan.runs}
    for _, row in table.iterrows():
        run = by_id[row["run"]]
        assert row["cold %"] == pytest.approx(100 * run.cold_probability)
        assert row["arrival 5 % °C"] == pytest.approx(run.arrival_p05_c)
    assert any(f"{len(above):,} ladle(s) shaded" in c.value for c in at.caption)


def test_the_map_rings_the_casters_of_the_riskiest_ladles(risky_app: AppTest) -> None:
    view = risky_app.session_state["current_plan"]
    network, plan = view.network, view.outcome.plan
    risky = riskiest_runs(plan.runs, network.params.risk.max_cold_probability)
    at = open_tab(risky_app, "Map")
    (deck,) = at.get("deck_gl_json_chart")
    layers = {layer["id"]: layer for layer in json.loads(deck.proto.json)["layers"]}
    rings = layers["risky"]["data"]
    assert {row["name"].split()[0] for row in rings} == {r.caster_id for r in risky}
    listed = " ".join(row["info"] for row in rings)
    assert all(r.run_id in listed for r in risky)


def test_the_temperature_chart_draws_the_band_and_the_minimum(risky_app: AppTest) -> None:
    view = risky_app.session_state["current_plan"]
    network, plan = view.network, view.outcome.plan
    worst = riskiest_runs(plan.runs, network.params.risk.max_cold_probability)[0]
    at = open_tab(risky_app, "Temperature")
    at = at.selectbox(key="ladle_choice").set_value(worst.run_id).run()
    (chart,) = at.get("plotly_chart")
    traces = {t["name"]: t for t in json.loads(chart.proto.spec)["data"]}
    band = traces["arrival 5–95 %"]
    ends = traces["arrival 5 % / 95 %"]["y"]
    assert ends == [worst.arrival_p05_c, worst.arrival_p95_c]
    # the band closes at the pour on both percentiles, and starts at the tap
    assert min(band["y"]) == pytest.approx(worst.arrival_p05_c)
    assert max(band["y"]) == pytest.approx(worst.tap_c)
    minimum = network.caster_by_id[worst.caster_id].min_pour_c
    assert traces["caster minimum"]["y"] == [minimum, minimum]
    # above the 1 % target: more than one ladle in a hundred below the minimum, so the
    # 5 % end of the band is at most a few degrees above it
    assert worst.arrival_p05_c <= worst.arrival_c
    assert f"cold {100 * worst.cold_probability:.1f} %" in json.dumps(
        json.loads(chart.proto.spec)["layout"]["title"]
    )
