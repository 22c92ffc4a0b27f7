"""The app's banner when the optimiser failed and the plan is the dispatcher's.

Shown on the Plan page (a plan just made, an accepted re-plan, a version opened from
the History page, which also marks it) and in the re-plan preview. The app solves in
worker processes; here they are replaced by an in-process executor
(:class:`InProcessWorkers`, the same :class:`~logistics.pipeline.workers.Task` and
:func:`~logistics.pipeline.workers.run_task` around it), so that the optimiser monkeypatched
to fail in this process is the one the page's solve calls.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from logistics import check
from logistics.app import state
from logistics.app.widgets import fallback_text
from logistics.dispatch import DispatchRequest, run_dispatch
from logistics.pipeline.workers import Workers
from logistics.plan.options import PlanOptions
from tests.app.conftest import APP
from tests.conftest import TEST_DATA

TIMEOUT = 120
PAGES = "logistics/app/pages"
REASON = "ValueError: injected optimiser failure"


class InProcessWorkers(Workers):
    """Runs each task at once in the calling thread, with a plain queue for progress."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # handed to the task, as a pool would
            future.set_exception(exc)
        return future

    def queue(self) -> Any:
        return queue.Queue()


@pytest.fixture
def in_process(app_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's solves run in this process."""
    workers = InProcessWorkers()
    monkeypatch.setattr(state, "workers", lambda: workers)


@pytest.fixture
def failing_optimiser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The optimiser raises; the planner falls back to the dispatcher's plan."""

    def failing(*args: object, **kwargs: object) -> None:
        raise ValueError("injected optimiser failure")

    monkeypatch.setattr("logistics.planning.solve.optimize", failing)


def plan(at: AppTest, solver: str) -> AppTest:
    at.selectbox(key="plan_solver").set_value(solver)
    at.number_input(key="plan_limit").set_value(3)
    return at.button(key="plan_button").click().run()


def banners(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "optimiser failed" in w.value]


def test_no_banner_on_a_plan_that_did_not_fall_back(in_process: None) -> None:
    at = plan(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run(), "greedy")
    assert not at.exception, at.exception
    assert at.session_state["current_plan"].outcome.plan.solver.status == "greedy"
    assert banners(at) == []


def test_the_plan_page_shows_a_banner_with_the_reason(
    in_process: None, failing_optimiser: None
) -> None:
    at = plan(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run(), "ortools")
    assert not at.exception, at.exception
    view = at.session_state["current_plan"]
    shown = view.outcome.plan
    assert shown.solver.fell_back and shown.solver.fallback_reason == REASON
    assert check(view.network, shown).ok
    (banner,) = banners(at)
    assert "this is the dispatcher's plan" in banner
    assert f"`{REASON}`" in banner
    assert "0 violations" in banner and "Please report" in banner
    assert any(m.label == "Delivered liquid" for m in at.metric)  # the plan is shown


def test_the_replan_preview_shows_the_banner_and_the_accepted_plan_keeps_it(
    in_process: None, failing_optimiser: None
) -> None:
    at = plan(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run(), "greedy")
    assert banners(at) == []
    at.switch_page(f"{PAGES}/replan.py").run()
    at.time_input(key="replan_now").set_value(time(10, 0))
    at.selectbox(key="replan_solver").set_value("ortools")
    at.number_input(key="replan_limit").set_value(3)
    at = at.button(key="replan_button").click().run()
    assert not at.exception, at.exception
    preview = at.session_state["replan_previews"]["insert"]
    assert preview.outcome.plan.solver.fell_back
    (banner,) = banners(at)
    assert f"`{REASON}`" in banner
    at = at.button(key="replan_accept").click().run()
    at.switch_page(f"{PAGES}/plan.py").run()
    assert not at.exception, at.exception
    assert len(banners(at)) == 1


def test_the_banner_text_keeps_the_reason_out_of_markdown(tiny_outcome) -> None:
    plan_ = tiny_outcome.plan
    assert fallback_text(plan_, tiny_outcome.report) is None
    odd = plan_.model_copy(
        update={
            "solver": plan_.solver.model_copy(
                update={
                    "status": "fallback_dispatcher",
                    "fallback_reason": "KeyError: `$x` *\nsecond line",
                }
            )
        }
    )
    text = fallback_text(odd, tiny_outcome.report)
    assert text is not None and "`KeyError: '$x' * second line`" in text


def test_a_stored_fallback_is_marked_in_the_history_and_opens_with_the_banner(
    app_env: None, failing_optimiser: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    result = run_dispatch(
        DispatchRequest(
            TEST_DATA / "tiny",
            date(2026, 11, 23),
            url,
            options=PlanOptions(solver="ortools", time_limit_s=5),
        )
    )
    assert result.status == "stored" and result.outcome is not None
    assert result.outcome.plan.solver.fell_back
    monkeypatch.setenv("MOLTEN_DB", url)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at = at.switch_page(f"{PAGES}/history.py").run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["fallback"]) == ["⚠ optimiser failed"]
    at = at.button(key="history_open").click().run()
    assert not at.exception, at.exception
    assert at.session_state["current_plan"].source == "stored version 1"
    (banner,) = banners(at)
    assert f"`{REASON}`" in banner
