"""Siting page: candidates picked on the map become the study's."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from logistics.app.widgets import candidates_picked_on_map
from tests.app.test_pages import APP, PAGES, TIMEOUT
from tests.conftest import TEST_DATA


def map_event(*labels: str) -> dict:
    """The selection state a pydeck chart keeps after clicks on candidates."""
    objects = [{"label": label, "name": label} for label in labels]
    return {"selection": {"indices": {"candidates": []}, "objects": {"candidates": objects}}}


def test_candidates_picked_on_the_map_are_read_in_network_order() -> None:
    ids = ["K1", "K2", "K3"]
    assert candidates_picked_on_map(map_event("K3", "K1"), ids) == ["K1", "K3"]
    assert candidates_picked_on_map(map_event("K9"), ids) == []
    assert candidates_picked_on_map(None, ids) == []
    assert candidates_picked_on_map({"selection": {"objects": {}}}, ids) == []


@pytest.fixture
def siting_app(app_env: None, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MOLTEN_APP_NETWORK", str(TEST_DATA / "siting"))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(f"{PAGES}/siting.py").run()
    assert not at.exception, at.exception
    return at


def test_every_candidate_is_in_the_study_until_one_is_picked(siting_app: AppTest) -> None:
    chosen = siting_app.multiselect(key="siting_candidates").value
    assert len(chosen) == 3


def test_a_click_on_the_map_picks_the_candidates(siting_app: AppTest) -> None:
    ids = siting_app.multiselect(key="siting_candidates").value
    siting_app.session_state["siting_map"] = map_event(ids[1])
    at = siting_app.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="siting_candidates").value == [ids[1]]
