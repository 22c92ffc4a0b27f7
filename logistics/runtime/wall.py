"""A wall-time limit for a whole run: a watchdog thread and a point of no return.

The planner keeps its own time limit; this bounds everything else too (start-up, a
slow database, a hung worker). :class:`Watchdog` calls its ``on_expiry`` once, from a
daemon thread, when the limit is reached — unless the run has passed its point of no
return first (:meth:`Watchdog.finishing`: storing the plan, or writing how it ended),
so a run either ends by itself or is stopped by the watchdog, never both. A command
line ends the process from ``on_expiry`` (:func:`logistics.runtime.pools.stop_now`);
in a library call the run goes on until its point of no return and raises
:class:`WallTimeExceededError` there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class WallTimeExceededError(Exception):
    """The run reached its wall-time limit and was stopped before finishing."""


class Watchdog:
    """Call ``on_expiry`` once after ``limit_s`` seconds unless finished first.

    Parameters
    ----------
    limit_s : float or None
        Wall-time limit, seconds from :meth:`start` (``None``: no limit).
    on_expiry : callable
        Called once, on the watchdog's thread, when the limit is reached first.
    """

    def __init__(self, limit_s: float | None, on_expiry: Callable[[], None]) -> None:
        self.limit_s = limit_s
        self._on_expiry = on_expiry
        self._guard = threading.Lock()
        self._state = "armed"  # armed -> expired | finishing | stopped
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.started = time.monotonic()

    @property
    def expired(self) -> bool:
        """True once the limit was reached before the run's point of no return."""
        return self._state == "expired"

    def elapsed_s(self) -> float:
        """Seconds since :meth:`start`."""
        return time.monotonic() - self.started

    def start(self) -> Watchdog:
        """Start counting (no thread without a limit)."""
        self.started = time.monotonic()
        if self.limit_s is not None:
            self._thread = threading.Thread(target=self._watch, name="molten-wall", daemon=True)
            self._thread.start()
        return self

    def _watch(self) -> None:
        assert self.limit_s is not None
        if self._stopped.wait(max(0.0, self.limit_s)):
            return
        with self._guard:
            if self._state != "armed":
                return
            self._state = "expired"
        self._on_expiry()

    def finishing(self) -> None:
        """Pass the point of no return: from here the watchdog never fires.

        Raises
        ------
        WallTimeExceededError
            The limit was reached first (``on_expiry`` has run or is running).
        """
        with self._guard:
            if self._state == "expired":
                raise WallTimeExceededError(
                    f"the wall-time limit of {self.limit_s:g} s was reached"
                )
            self._state = "finishing"

    def stop(self) -> None:
        """Stop watching (the run is over)."""
        with self._guard:
            if self._state == "armed":
                self._state = "stopped"
        self._stopped.set()


__all__ = ["WallTimeExceededError", "Watchdog"]
