"""Every job of a planned day is carried by one run or left once (planning/solve.py).

After each step of the finished day (the trip limits, the drivers' walk and the ladle
pass, the pool's second try and the free slots) the planner counts the day's jobs: one
that a step lost (neither carried nor left, as the pool's second try once did with a
ladle tried again under the number of the trip it had lost its ladle on) or counted
twice is logged as an error naming that step. The checker's order accounting would
reject the plan all the same; the log says which step to look at.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

import logistics.planning.solve as solve


def _job(job_id: str) -> SimpleNamespace:
    return SimpleNamespace(job_id=job_id)


def _day(*job_ids: str) -> SimpleNamespace:
    assigned = [SimpleNamespace(job=_job(j)) for j in job_ids]
    return SimpleNamespace(assignment=SimpleNamespace(assigned=assigned))


def _trip(*job_ids: str) -> SimpleNamespace:
    return SimpleNamespace(runs=[SimpleNamespace(job=_job(j)) for j in job_ids])


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_day_whose_jobs_are_all_carried_or_left_is_accounted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    day = _day("O1#1", "O1#2", "O2#1")
    with caplog.at_level(logging.ERROR, logger=solve.__name__):
        ok = solve._accounted(day, [_trip("O1#1", "O2#1")], [_job("O1#2")], "the trip limits")
    assert ok
    assert _errors(caplog) == []


def test_a_lost_job_is_logged_with_the_step_that_lost_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    day = _day("M-C003-ADC12-03#1", "M-C003-ADC12-03#2")
    step = "the ladle pool's second try"
    with caplog.at_level(logging.ERROR, logger=solve.__name__):
        ok = solve._accounted(day, [], [_job("M-C003-ADC12-03#2")], step)
    assert not ok
    (message,) = _errors(caplog)
    assert step in message and "M-C003-ADC12-03#1" in message


def test_a_job_both_carried_and_left_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    day = _day("O1#1")
    with caplog.at_level(logging.ERROR, logger=solve.__name__):
        ok = solve._accounted(day, [_trip("O1#1")], [_job("O1#1")], "the trip limits")
    assert not ok
    (message,) = _errors(caplog)
    assert "counted twice ['O1#1']" in message
