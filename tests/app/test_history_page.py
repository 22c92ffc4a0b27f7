"""The History page: no database, an unreachable one, and the nightly job's stored plans."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from logistics import check
from logistics.dispatch import DispatchRequest, list_versions, run_dispatch
from logistics.plan.options import PlanOptions
from tests.app.conftest import APP
from tests.conftest import TEST_DATA
from tests.helpers import delivered_from_rows

PAGE = "logistics/app/pages/history.py"


def open_history() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    return at.switch_page(PAGE).run()


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_env: None) -> str:
    """A history database with two versions of tiny's day (greedy, then forced again)."""
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
    return url


def test_without_a_database_the_page_says_so(app_env: None) -> None:
    at = open_history()
    assert not at.exception
    assert "No database is configured" in at.info[0].value


def test_an_unreachable_database_is_named(app_env: None, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MOLTEN_DB", f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    at = open_history()
    assert not at.exception
    shown = "\n".join(e.value for e in at.error) + "\n".join(i.value for i in at.info)
    assert "cannot be" in shown or "No plan is stored" in shown


def test_stored_versions_open_in_the_plan_page(stored: str) -> None:
    versions = list_versions(stored)
    at = open_history()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert sorted(table["version"]) == sorted(v.version for v in versions) == [1, 2]
    assert list(table["delivered t"]) == [v.tonnes_delivered for v in versions]
    at.selectbox(key="history_version").set_value(1)
    at = at.button(key="history_open").click().run()
    assert not at.exception, at.exception
    view = at.session_state["current_plan"]
    assert view.source == "stored version 1"
    assert check(view.network, view.outcome.plan).ok
    delivered = next(m for m in at.metric if m.label == "Delivered liquid")
    assert delivered.value == f"{delivered_from_rows(view.outcome.plan):,.1f} t"


def test_a_run_that_died_is_shown_with_its_start(stored: str) -> None:
    import subprocess
    import sys
    from datetime import UTC, datetime

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from logistics.dispatch import list_runs
    from logistics.dispatch.lock import host_name
    from logistics.dispatch.models import DispatchRun

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    started = datetime(2026, 11, 22, 17, 15, tzinfo=UTC)
    engine = create_engine(stored)
    with Session(engine) as session, session.begin():  # a run killed while it planned
        session.add(
            DispatchRun(
                network="tiny",
                plan_date=date(2026, 11, 23),
                started_at=started,
                status="running",
                message="",
                software_version="test",
                solver="greedy",
                time_limit_s=5.0,
                forced=False,
                host=host_name(),
                pid=int(gone.stdout),
                network_folder="/nowhere",
            )
        )
    engine.dispose()
    (died,) = [r for r in list_runs(stored) if r.pid == int(gone.stdout)]
    assert died.status == "died"
    at = open_history()
    assert not at.exception, at.exception
    (warning,) = at.warning
    assert f"Run {died.id} of tiny 2026-11-23, started 2026-11-22 17:15 UTC" in warning.value
    (runs,) = [d.value for d in at.dataframe if "status" in d.value.columns]
    assert sorted(runs["status"]) == ["stored", "stored", "⚠ died"]
