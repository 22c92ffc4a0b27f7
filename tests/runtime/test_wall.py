"""The wall-time watchdog fires once, or never once the run passes its point of no return."""

from __future__ import annotations

import threading

import pytest

from logistics.runtime.exit_codes import ExitCode
from logistics.runtime.wall import WallTimeExceededError, Watchdog


def test_it_fires_once_when_the_limit_is_reached_first() -> None:
    fired = threading.Event()
    calls = []

    def on_expiry() -> None:
        calls.append(1)
        fired.set()

    dog = Watchdog(0.05, on_expiry).start()
    assert fired.wait(30)
    assert dog.expired and calls == [1]
    with pytest.raises(WallTimeExceededError, match=r"0\.05 s"):
        dog.finishing()
    dog.stop()
    assert calls == [1]


def test_it_never_fires_after_the_point_of_no_return() -> None:
    calls = []
    dog = Watchdog(0.05, lambda: calls.append(1)).start()
    dog.finishing()
    assert dog._thread is not None
    dog._thread.join(30)
    assert not dog.expired and calls == []


def test_stopped_or_unlimited_it_never_fires() -> None:
    calls = []
    dog = Watchdog(0.05, lambda: calls.append(1)).start()
    dog.stop()
    assert dog._thread is not None
    dog._thread.join(30)
    unlimited = Watchdog(None, lambda: calls.append(2)).start()
    assert unlimited._thread is None
    unlimited.finishing()
    assert calls == []


def test_the_exit_codes() -> None:
    assert [(c.name, int(c)) for c in ExitCode] == [
        ("OK", 0),
        ("INTERNAL", 1),
        ("INPUT", 2),
        ("NO_PLAN", 3),
        ("VIOLATIONS", 4),
        ("LOCKED", 5),
        ("DATABASE", 6),
        ("TIMED_OUT", 7),
        ("INTERRUPTED", 130),
    ]
