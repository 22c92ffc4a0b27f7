"""Solves run in spawn worker processes; progress comes back; a crash breaks no one else."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from logistics import InputError, InputProblem, PlanOptions, check, plan_day
from logistics.network.model import Network
from logistics.pipeline.workers import Workers
from tests.helpers import delivered_from_rows
from tests.runtime.helpers import wait_for_descendants, wait_gone


def bad_input(progress) -> None:
    raise InputError(InputProblem("orders.csv", 4, "tonnes", "not a number"))


def crash(progress) -> None:
    os._exit(3)  # what a segfaulting solver does to its process


@pytest.fixture(scope="module")
def workers() -> Iterator[Workers]:
    pool = Workers(max_workers=2)
    yield pool
    pool.shutdown()


def test_plan_day_in_a_worker_relays_progress(workers: Workers, tiny: Network) -> None:
    task = workers.start(
        plan_day, "tiny", network=tiny, options=PlanOptions(solver="greedy", time_limit_s=5)
    )
    seen = []
    result = task.wait(seen.append)
    assert result.ok
    outcome = result.value
    assert check(tiny, outcome.plan).ok
    assert delivered_from_rows(outcome.plan) > 0
    assert seen and seen[-1].stage == "done" and seen[-1].fraction == 1.0
    stages = [e.stage for e in seen]
    assert stages.index("check") < stages.index("done")


def test_input_errors_come_back_with_their_location(workers: Workers) -> None:
    result = workers.start(bad_input, "bad").wait()
    assert not result.ok
    assert result.problems == (InputProblem("orders.csv", 4, "tonnes", "not a number"),)


def test_a_crashing_task_does_not_take_another_session_down(
    workers: Workers, tiny: Network
) -> None:
    crashing = workers.start(crash, "crash")
    other = workers.start(
        plan_day, "tiny", network=tiny, options=PlanOptions(solver="greedy", time_limit_s=5)
    )
    crashed = crashing.wait()
    planned = other.wait()
    assert crashed.error is not None and "stopped unexpectedly" in crashed.error
    assert planned.ok and check(tiny, planned.value.plan).ok
    # and the pool works afterwards
    again = workers.start(
        plan_day, "tiny", network=tiny, options=PlanOptions(solver="greedy", time_limit_s=5)
    )
    assert again.wait().ok


#: An app-like parent: its pool and progress manager are started from a session thread
#: (as Streamlit runs a page), which has ended by the time the parent is killed.
APP = """
import threading, time
from logistics.pipeline.workers import Workers

def busy(seconds, progress):
    time.sleep(seconds)

if __name__ == "__main__":
    workers = Workers(max_workers=2)
    box = {}

    def page():
        box["task"] = workers.start(busy, "busy", seconds=600)

    session = threading.Thread(target=page)
    session.start()
    session.join()
    print("ready", flush=True)
    time.sleep(600)
"""


def test_the_app_s_workers_die_with_the_app(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    script = tmp_path / "app_like.py"
    script.write_text(APP)
    app = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert app.stdout is not None and app.stdout.readline().strip() == "ready"
        below = wait_for_descendants(app.pid, 3)  # a worker, the manager, the tracker
        os.kill(app.pid, signal.SIGKILL)
        app.wait(timeout=60)
        left = wait_gone(below)
        assert not left, f"outlived the app: {left}"
    finally:
        app.kill()
        app.communicate()
