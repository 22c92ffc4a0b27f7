"""A worker process that dies mid-task: its tasks run again, locally and on Dask."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from logistics.errors import InputError
from logistics.siting.runner import run_tasks


def die_on_first_attempt(task: Any, base: dict[str, Any]) -> dict[str, Any]:
    """Kill this worker process the first time a task runs; succeed the next time."""
    marker = Path(base["markers"]) / task.key
    if not marker.exists():
        marker.touch()
        os._exit(13)
    return {"key": task.key, "value": base["factor"] * task.n}


def tasks(n: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(key=f"task-{k}", n=k) for k in range(n)]


def test_local_pool_runs_the_tasks_of_a_dead_worker_again(tmp_path: Path) -> None:
    base = {"markers": str(tmp_path), "factor": 3}
    seen: list[str] = []
    results = run_tasks(
        tasks(3),
        base,
        workers=2,
        work=die_on_first_attempt,
        progress=lambda done, total, key: seen.append(key),
    )
    assert {k: r["value"] for k, r in results.items()} == {
        "task-0": 0,
        "task-1": 3,
        "task-2": 6,
    }
    assert sorted(seen) == ["task-0", "task-1", "task-2"]


def test_local_pool_gives_up_after_its_retries(tmp_path: Path) -> None:
    base = {"markers": str(tmp_path), "factor": 3}
    with pytest.raises(RuntimeError, match="failed in worker processes"):
        run_tasks(tasks(2), base, workers=2, work=die_on_first_attempt, retries=0)


def test_dask_runs_the_task_of_a_lost_worker_again(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    base = {"markers": str(tmp_path), "factor": 5}
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        results = run_tasks(tasks(3), base, scheduler=client, work=die_on_first_attempt)
    assert {k: r["value"] for k, r in results.items()} == {
        "task-0": 0,
        "task-1": 5,
        "task-2": 10,
    }
    # Every task's first attempt did kill its worker.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["task-0", "task-1", "task-2"]


def test_dask_gives_up_a_cluster_left_without_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")
    import logistics.siting.runner as runner

    monkeypatch.setattr(runner, "POLL_S", 0.2)
    monkeypatch.setattr(runner, "NO_WORKER_S", 1.0)
    # the workers are gone once the tasks are out (here: none ever came)
    monkeypatch.setattr(runner, "check_one_thread_per_worker", lambda client: None)
    base = {"markers": str(tmp_path), "factor": 5}
    with (
        distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
        pytest.raises(InputError, match="no worker for 1 s; 2 simulation tasks not run"),
    ):
        run_tasks(tasks(2), base, scheduler=client, work=die_on_first_attempt)
