"""Solves in worker processes, with their progress relayed to the page.

OR-Tools routing models can crash the process when two run in one process at once, and
Streamlit serves every session in a thread of one process, so the app never solves in
its own process: :class:`Workers` keeps a ``spawn`` process pool (one per app, cached by
the page with ``st.cache_resource``); each task runs alone in a worker process, gets
plain picklable data (a :class:`~logistics.network.model.Network`, plans, settings) and
reports :class:`~logistics.progress.ProgressEvent` objects through a manager's queue
(``Manager().Queue()``), which the page polls. A worker that dies takes only the pool
down: the pool is replaced and the tasks that were running in it are submitted once
more. The pool and the manager come from :mod:`logistics.runtime.pools`, so their
processes die with the app's process, even when it is killed.
"""

from __future__ import annotations

import contextlib
import logging
import queue as queue_module
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from logistics.errors import InputError, InputProblem, PlanningError
from logistics.progress import ProgressEvent
from logistics.runtime.pools import process_pool, spawn_context

log = logging.getLogger(__name__)

#: Resubmissions of a task whose worker pool broke under it.
RETRIES = 1


@dataclass(frozen=True)
class TaskResult:
    """What a task gave back: a value, input problems, or an error message.

    Attributes
    ----------
    value : Any
        The target's return value (``None`` on failure).
    problems : tuple of InputProblem
        Bad input (file, row, column), when the target raised :class:`InputError`.
    error : str or None
        One line for the user when the target failed otherwise.
    """

    value: Any = None
    problems: tuple[InputProblem, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the target returned."""
        return not self.problems and self.error is None


def run_task(target: Callable[..., Any], kwargs: dict[str, Any], events: Any) -> TaskResult:
    """Run ``target(**kwargs, progress=...)`` in a worker, relaying progress to ``events``.

    Parameters
    ----------
    target : callable
        A module-level function taking a ``progress`` callback
        (:func:`logistics.plan_day`, :func:`logistics.replan.replan`, ...).
    kwargs : dict
        Its other arguments (picklable).
    events : queue
        A manager queue; receives ``(stage, fraction, message)`` tuples.

    Returns
    -------
    TaskResult
        Exceptions are turned into problems or a message (an :class:`InputError` does
        not survive pickling with its problems).
    """

    def progress(event: ProgressEvent) -> None:
        # a full or closed queue must never stop a solve
        with contextlib.suppress(Exception):
            events.put_nowait((event.stage, float(event.fraction), event.message))

    try:
        return TaskResult(value=target(**kwargs, progress=progress))
    except InputError as exc:
        return TaskResult(problems=tuple(exc.problems))
    except PlanningError as exc:
        return TaskResult(error=f"no plan could be made: {exc}")
    except Exception as exc:
        traceback.print_exc()
        return TaskResult(error=f"internal error: {type(exc).__name__}: {exc}")


@dataclass
class Task:
    """A submitted task: its future, its progress queue and the latest event.

    Attributes
    ----------
    label : str
        What it does, for the user.
    started : float
        ``time.monotonic()`` at submission, s.
    last : ProgressEvent
        The latest progress event received.
    """

    workers: Workers
    target: Callable[..., Any]
    kwargs: dict[str, Any]
    label: str
    future: Future = field(init=False)
    events: Any = field(init=False)
    started: float = field(default_factory=time.monotonic)
    last: ProgressEvent = field(default=ProgressEvent("queued", 0.0, "waiting for a worker"))
    retries: int = RETRIES

    def __post_init__(self) -> None:
        self._submit()

    def _submit(self) -> None:
        self.events = self.workers.queue()
        self.future = self.workers.submit(run_task, self.target, self.kwargs, self.events)

    def poll(self) -> list[ProgressEvent]:
        """Progress events received since the last poll (the latest kept in ``last``)."""
        received = []
        while True:
            try:
                stage, fraction, message = self.events.get_nowait()
            except (queue_module.Empty, EOFError, OSError, BrokenPipeError):
                break
            received.append(ProgressEvent(stage, fraction, message))
        if received:
            self.last = received[-1]
        return received

    def elapsed_s(self) -> float:
        """Seconds since submission."""
        return time.monotonic() - self.started

    def done(self) -> bool:
        """Whether the result is there (a broken pool resubmits and says not yet)."""
        if not self.future.done():
            return False
        if self._broken() and self.retries > 0:
            self.retries -= 1
            log.warning("worker pool broke under %s; submitting it once more", self.label)
            self.workers.replace_pool()
            self._submit()
            self.last = ProgressEvent("queued", 0.0, "a worker stopped; starting again")
            return False
        return True

    def _broken(self) -> bool:
        return isinstance(self.future.exception(), BrokenProcessPool)

    def result(self) -> TaskResult:
        """The task's result (call when :meth:`done`); a broken pool becomes an error."""
        exc = self.future.exception()
        if exc is None:
            return self.future.result()
        if isinstance(exc, BrokenProcessPool):
            self.workers.replace_pool()
            return TaskResult(
                error="the planning process stopped unexpectedly (twice); try again or "
                "with a shorter time limit"
            )
        return TaskResult(error=f"internal error: {type(exc).__name__}: {exc}")

    def wait(
        self, on_event: Callable[[ProgressEvent], None] | None = None, poll_s: float = 0.2
    ) -> TaskResult:
        """Block until done, passing every event to ``on_event``; the result."""
        while not self.done():
            for event in self.poll():
                if on_event:
                    on_event(event)
            time.sleep(poll_s)
        for event in self.poll():
            if on_event:
                on_event(event)
        return self.result()


class Workers:
    """A lazily started ``spawn`` process pool and a manager for progress queues.

    Parameters
    ----------
    max_workers : int
        Processes in the pool (solves that run at once).
    """

    def __init__(self, max_workers: int = 2) -> None:
        self.max_workers = max_workers
        self._context = spawn_context()
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._manager: Any = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = process_pool(self.max_workers)
        return self._pool

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Submit ``fn(*args)`` to the pool (replaced first if it broke)."""
        with self._lock:
            try:
                return self._get_pool().submit(fn, *args)
            except BrokenProcessPool:
                self._drop_pool()
                return self._get_pool().submit(fn, *args)

    def queue(self) -> Any:
        """A new progress queue that worker processes can write to."""
        with self._lock:
            if self._manager is None:
                self._manager = self._context.Manager()
            return self._manager.Queue()

    def _drop_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def replace_pool(self) -> None:
        """Drop a broken pool; the next submission starts a new one."""
        with self._lock:
            if self._pool is not None and getattr(self._pool, "_broken", False):
                self._drop_pool()

    def start(self, target: Callable[..., Any], label: str, **kwargs: Any) -> Task:
        """Submit ``target(**kwargs, progress=...)``; the task to poll."""
        return Task(self, target, kwargs, label)

    def shutdown(self) -> None:
        """Stop the pool and the manager."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
            if self._manager is not None:
                self._manager.shutdown()
                self._manager = None
