"""Fixtures of the app tests: the app pointed at tiny (tiny and its plan: tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_DATA

APP = TEST_DATA.parent.parent / "app.py"


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app opens on tests/data/tiny, offers tests/data's networks, uses no database."""
    monkeypatch.setenv("MOLTEN_APP_NETWORK", str(TEST_DATA / "tiny"))
    monkeypatch.setenv("MOLTEN_SAMPLES", str(TEST_DATA))
    monkeypatch.setenv("MOLTEN_APP_WORKERS", "1")
    monkeypatch.delenv("MOLTEN_DB", raising=False)
