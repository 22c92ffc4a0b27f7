"""Solves run in spawn worker processes; progress comes back; a crash breaks no one else."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from logistics import InputError, InputProblem, PlanOptions, check, plan_day
from logistics.network.model import Network
from logistics.pipeline.workers import Workers
from tests.helpers import delivered_from_rows


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
