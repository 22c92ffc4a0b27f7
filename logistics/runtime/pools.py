"""Process pools whose worker processes never outlive the process that started them.

Every pool molten starts (the portfolio's searches, the parts of a split day, the
app's solves, siting's local pool) comes from :func:`process_pool`, and every other
worker process (the app's progress manager) from :func:`spawn_context`:

* the ``spawn`` start method (OR-Tools is not fork-safe);
* on Linux each worker asks the kernel for SIGKILL when its parent dies
  (``prctl(PR_SET_PDEATHSIG)`` through ``ctypes``), first thing when it starts, and
  exits at once if the parent is already gone by then;
* the kernel sends that signal when the *thread* that started the worker ends, not the
  process, so workers are only ever started from threads that live as long as the
  process: the main thread, or else one long-lived starter thread per process (a pool
  used from a Streamlit session thread, which ends after each run of the page);
* each worker also watches its parent from a daemon thread (``os.getppid()`` every
  :data:`WATCH_INTERVAL_S`), which covers systems without ``prctl``.

multiprocessing's resource tracker (a separate process started with the first pool)
exits by itself when the last process holding its pipe ends: the parent and its
workers. So a parent killed with SIGKILL leaves no process behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import multiprocessing.util
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any, NoReturn

log = logging.getLogger(__name__)

#: ``PR_SET_PDEATHSIG`` of ``<linux/prctl.h>``.
PR_SET_PDEATHSIG = 1
#: Seconds between a worker's checks that its parent is still there.
WATCH_INTERVAL_S = 0.5
#: Exit status of a worker that finds its parent gone (nobody waits for it).
ORPHAN_EXIT = 70


def set_parent_death_signal(signum: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send ``signum`` to this process when its parent thread ends.

    Returns
    -------
    bool
        True when armed (Linux); False where ``prctl`` is missing.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return False
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0


def _watch_parent(parent_pid: int, interval_s: float) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(ORPHAN_EXIT)
        threading.Event().wait(interval_s)


def tie_to_parent(parent_pid: int, interval_s: float = WATCH_INTERVAL_S) -> bool:
    """Make this (worker) process die with ``parent_pid``; call first thing in the worker.

    Parameters
    ----------
    parent_pid : int
        The process that started this one.
    interval_s : float
        Seconds between the watcher thread's checks of ``os.getppid()``.

    Returns
    -------
    bool
        Whether the kernel's parent-death signal is armed (False off Linux; the watcher
        thread runs either way).
    """
    armed = set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(ORPHAN_EXIT)
    watcher = threading.Thread(
        target=_watch_parent, args=(parent_pid, interval_s), name="molten-parent-watch", daemon=True
    )
    watcher.start()
    return armed


class _Starter:
    """One long-lived daemon thread per process that starts worker processes.

    The parent-death signal fires when the thread that started a worker ends; starting
    workers here (when not on the main thread) ties them to the process instead.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._jobs: queue.SimpleQueue[tuple[Callable[[], None], dict[str, Any], threading.Event]]
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def _serve(self) -> None:
        while True:
            job, box, done = self._jobs.get()
            try:
                job()
            except BaseException as exc:
                box["error"] = exc
            finally:
                done.set()

    def run(self, job: Callable[[], None]) -> None:
        """Run ``job`` on the starter thread and wait for it (exceptions re-raised)."""
        with self._guard:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._jobs = queue.SimpleQueue()
                self._thread = threading.Thread(
                    target=self._serve, name="molten-process-starter", daemon=True
                )
                self._pid = os.getpid()
                self._thread.start()
            if threading.current_thread() is self._thread:
                job()
                return
            jobs = self._jobs
        box: dict[str, Any] = {}
        done = threading.Event()
        jobs.put((job, box, done))
        done.wait()
        if "error" in box:
            raise box["error"]


_STARTER = _Starter()


class TiedProcess(SpawnProcess):
    """A spawned process that dies with the process that started it."""

    def start(self) -> None:
        """Start the process from a thread that lives as long as this process."""
        self._molten_parent_pid = os.getpid()
        start = super().start
        if threading.current_thread() is threading.main_thread():
            start()
        else:
            _STARTER.run(start)

    def run(self) -> None:
        """In the new process: tie it to its parent, then run the target."""
        parent = getattr(self, "_molten_parent_pid", None)
        if parent is not None:
            tie_to_parent(parent)
        super().run()


class TiedSpawnContext(SpawnContext):
    """The ``spawn`` context whose processes (pool workers, managers) are tied."""

    Process = TiedProcess


_CONTEXT = TiedSpawnContext()


def spawn_context() -> TiedSpawnContext:
    """The multiprocessing context of every worker process molten starts.

    Use it for anything multiprocessing starts (``context.Manager()``,
    ``context.Process``); pools come from :func:`process_pool`.
    """
    return _CONTEXT


def process_pool(
    max_workers: int,
    *,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A pool of ``max_workers`` spawned processes that die with this one.

    Parameters
    ----------
    max_workers : int
        Processes (at least 1).
    initializer, initargs : optional
        Run in each worker when it starts (after it is tied to this process).

    Notes
    -----
    ``spawn`` needs the ``if __name__ == "__main__":`` guard in a calling script. The
    caller shuts the pool down; a worker left running when this process dies is killed
    by the kernel (Linux) or exits within :data:`WATCH_INTERVAL_S` seconds.
    """
    return ProcessPoolExecutor(
        max_workers=max(1, max_workers),
        mp_context=_CONTEXT,
        initializer=initializer,
        initargs=initargs,
    )


def stop_now(code: int) -> NoReturn:
    """End this process at once with ``code``: kill its worker processes, flush, exit.

    For a hard stop from any thread (the wall-time limit): no ``finally`` blocks or
    ``atexit`` handlers run; the kernel releases locks held on files, and database
    servers drop the sessions (and their advisory locks) of the closed connections.
    """
    for child in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            child.kill()
    for child in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            child.join(timeout=5)
    # Release the pools' named semaphores as a normal exit would, so that the resource
    # tracker finds nothing to clean up (and warns about nothing) when it ends.
    with contextlib.suppress(Exception):
        multiprocessing.util._run_finalizers(0)  # type: ignore[attr-defined]
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(int(code))


__all__ = [
    "TiedProcess",
    "TiedSpawnContext",
    "process_pool",
    "set_parent_death_signal",
    "spawn_context",
    "stop_now",
    "tie_to_parent",
]
