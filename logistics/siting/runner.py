"""Where simulation tasks run: here, in a local process pool, or on a Dask cluster.

Every task is independent and runs alone in its worker process (two OR-Tools routing
models in one process at once can crash it):

* ``workers=1``: one after another in this process;
* ``workers=N``: a :class:`~concurrent.futures.ProcessPoolExecutor` of N spawned
  processes that die with this one (:func:`logistics.runtime.pools.process_pool`; each
  runs one task at a time); if a worker process dies, a new pool
  runs the tasks that were lost, giving up after ``retries`` rounds in a row in which
  no task finished;
* ``scheduler="tcp://host:port"`` (or a ``dask.distributed.Client``): the same tasks as
  Dask futures on an existing cluster whose workers run one thread each
  (``dask worker … --nthreads 1``); a task lost with its worker is run again by the
  scheduler, a task that raised is retried ``retries`` times; a cluster left without
  any worker for :data:`NO_WORKER_S` seconds is given up with an error (its tasks
  would wait for ever).

Results do not depend on where a task ran: each is a pure function of its plain-data
inputs when the planner is deterministic (the greedy dispatcher, or OR-Tools with a
solution limit that stops it before the time limit).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from logistics.errors import InputError, InputProblem
from logistics.runtime.pools import process_pool
from logistics.siting.tasks import SimulationTask, run_task

log = logging.getLogger(__name__)

#: Seconds between looks at the tasks' futures while they run.
TICK_S = 0.1
#: Seconds between looks at a Dask cluster's workers while its tasks run.
POLL_S = 5.0
#: Seconds a Dask cluster may have no worker before its tasks are given up.
NO_WORKER_S = 120.0

#: ``done, total, key`` after each finished task.
TaskProgress = Callable[[int, int, str], None]
#: What runs one task: ``(task, base) -> result`` with the task's ``key`` in the result
#: (:func:`logistics.siting.tasks.run_task`; tests give one that fails on purpose).
TaskFunction = Callable[[SimulationTask, dict[str, Any]], dict[str, Any]]


def _ignore(done: int, total: int, key: str) -> None:
    """A progress callback that does nothing."""


def run_here(
    tasks: Sequence[SimulationTask],
    base: dict[str, Any],
    progress: TaskProgress,
    work: TaskFunction = run_task,
) -> dict[str, dict[str, Any]]:
    """Run the tasks one after another in this process."""
    results = {}
    for n, task in enumerate(tasks, start=1):
        results[task.key] = work(task, base)
        progress(n, len(tasks), task.key)
    return results


def run_in_processes(
    tasks: Sequence[SimulationTask],
    base: dict[str, Any],
    workers: int,
    progress: TaskProgress,
    retries: int = 2,
    work: TaskFunction = run_task,
) -> dict[str, dict[str, Any]]:
    """Run the tasks in a pool of ``workers`` spawned processes, one task per process."""
    results: dict[str, dict[str, Any]] = {}
    pending = list(tasks)
    stalled = 0
    while pending:
        with process_pool(workers) as pool:
            futures = {pool.submit(work, task, base): task for task in pending}
            broken = False
            waiting = set(futures)
            while waiting:
                done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                for future in done:
                    task = futures[future]
                    try:
                        results[task.key] = future.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    progress(len(results), len(tasks), task.key)
        finished_before = len(tasks) - len(pending)
        pending = [t for t in tasks if t.key not in results]
        if pending:
            # A dead worker breaks the whole pool and takes every unfinished task with
            # it, so count only rounds in which no task finished at all.
            stalled = 0 if len(results) > finished_before else stalled + 1
            if not broken or stalled > retries:
                raise RuntimeError(f"{len(pending)} simulation tasks failed in worker processes")
            log.warning("a worker process died; running %d lost tasks again", len(pending))
    return results


def _identity(value: Any) -> Any:
    """The value itself (a task whose result is plain data the workers share)."""
    return value


def _connect(scheduler: Any) -> tuple[Any, bool]:
    """A Dask client for an address (ours to close) or the client given (the caller's)."""
    from dask.distributed import Client

    if isinstance(scheduler, Client):
        return scheduler, False
    try:
        return Client(str(scheduler), timeout="20s", set_as_default=False), True
    except (OSError, TimeoutError) as exc:
        raise InputError(
            InputProblem(
                "command line",
                None,
                "--scheduler",
                f"cannot reach a Dask scheduler at {scheduler}: {exc}",
            )
        ) from None


def check_one_thread_per_worker(client: Any) -> None:
    """Refuse a cluster whose workers run several tasks at once in one process.

    Raises
    ------
    InputError
        A worker with more than one thread, or no worker at all.
    """
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    if not workers:
        client.wait_for_workers(1, timeout=60)
        workers = client.scheduler_info(n_workers=-1).get("workers", {})
    threaded = sorted(addr for addr, w in workers.items() if int(w.get("nthreads", 1)) > 1)
    if threaded:
        raise InputError(
            InputProblem(
                "command line",
                None,
                "--scheduler",
                f"{len(threaded)} Dask worker(s) run several threads (e.g. {threaded[0]}); "
                "start them with 'dask worker ADDRESS --nthreads 1 --nworkers N' so that "
                "each process plans one day at a time",
            )
        )


def run_on_dask(
    tasks: Sequence[SimulationTask],
    base: dict[str, Any],
    scheduler: Any,
    progress: TaskProgress,
    retries: int = 2,
    work: TaskFunction = run_task,
) -> dict[str, dict[str, Any]]:
    """Run the tasks as futures on a Dask cluster (one task per worker process)."""
    client, owned = _connect(scheduler)
    try:
        check_one_thread_per_worker(client)
        # The network as a task result rather than scattered data: if the workers
        # holding it die, the scheduler computes it again from the task (scattered
        # data would be lost, and every task needing it cancelled).
        base_future = client.submit(_identity, base, key=f"molten-site-base-{uuid.uuid4().hex[:8]}")
        futures = [
            client.submit(
                work,
                task,
                base_future,
                key=f"molten-site-{task.key}-{uuid.uuid4().hex[:8]}",
                retries=retries,
                pure=False,
            )
            for task in tasks
        ]
        return _collect(client, futures, len(tasks), progress)
    finally:
        if owned:
            client.close()


def _collect(
    client: Any, futures: list[Any], total: int, progress: TaskProgress
) -> dict[str, dict[str, Any]]:
    """Each future's result as it finishes; a cluster left without a worker for
    :data:`NO_WORKER_S` seconds is given up (its tasks would wait for ever) with an
    :class:`~logistics.errors.InputError` on ``--scheduler``, as one without workers
    at the start is."""
    results: dict[str, dict[str, Any]] = {}
    pending = list(futures)
    alone_since: float | None = None
    looked = time.monotonic()
    while pending:
        finished = [f for f in pending if f.done()]
        for future in finished:
            pending.remove(future)
            result = future.result()
            results[result["key"]] = result
            progress(len(results), total, result["key"])
        if finished or not pending:
            continue
        time.sleep(TICK_S)
        if time.monotonic() - looked < POLL_S:
            continue
        looked = time.monotonic()
        if client.nthreads():
            alone_since = None
        elif alone_since is None:
            alone_since = looked
        elif looked - alone_since > NO_WORKER_S:
            raise InputError(
                InputProblem(
                    "command line",
                    None,
                    "--scheduler",
                    f"the Dask cluster has had no worker for {NO_WORKER_S:.0f} s; "
                    f"{len(pending)} simulation tasks not run (start workers with "
                    "'dask worker ADDRESS --nthreads 1')",
                )
            )
    return results


def run_tasks(
    tasks: Sequence[SimulationTask],
    base: dict[str, Any],
    *,
    workers: int = 1,
    scheduler: Any = None,
    progress: TaskProgress | None = None,
    retries: int = 2,
    work: TaskFunction = run_task,
) -> dict[str, dict[str, Any]]:
    """Run simulation tasks where asked; results keyed by task key.

    Parameters
    ----------
    tasks : sequence of SimulationTask
        Independent tasks.
    base : dict
        The network as it is (:func:`logistics.siting.tasks.base_payload`).
    workers : int
        Local processes (1: in this process).
    scheduler : str or dask.distributed.Client, optional
        A Dask scheduler address (``tcp://host:8786``) or a connected client; takes
        precedence over ``workers``.
    progress : callable, optional
        ``(done, total, key)`` after each task.
    retries : int
        Local pool: rounds in a row without a finished task before giving up; Dask:
        re-runs of a task that raised (a task lost with its worker is run again anyway).
    work : callable
        What runs one task (default :func:`logistics.siting.tasks.run_task`); a
        top-level function, so that it can be pickled to the workers.
    """
    notify = progress or _ignore
    if not tasks:
        return {}
    if scheduler is not None:
        return run_on_dask(tasks, base, scheduler, notify, retries, work)
    if workers > 1:
        return run_in_processes(tasks, base, workers, notify, retries, work)
    return run_here(tasks, base, notify, work)
