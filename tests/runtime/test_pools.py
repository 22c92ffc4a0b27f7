"""Worker processes die with the process that started them, however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from logistics.runtime.pools import ORPHAN_EXIT, process_pool, spawn_context
from tests.runtime.helpers import alive, describe, wait_for_descendants, wait_gone

ROOT = Path(__file__).resolve().parents[2]

#: A parent that starts a pool of two busy workers (on its main thread or on a thread
#: that has ended by then) and a manager, says "ready", and waits to be killed.
PARENT = """
import sys, threading, time
from logistics.runtime.pools import process_pool, spawn_context

def busy(seconds):
    time.sleep(seconds)
    return seconds

def start(box):
    pool = process_pool(2)
    box["futures"] = [pool.submit(busy, 600) for _ in range(2)]
    box["manager"] = spawn_context().Manager()
    box["queue"] = box["manager"].Queue()
    box["pool"] = pool

if __name__ == "__main__":
    box = {}
    if sys.argv[1] == "thread":
        t = threading.Thread(target=start, args=(box,))
        t.start()
        t.join()
    else:
        start(box)
    while len(box["pool"]._processes) < 2:
        time.sleep(0.05)
    print("ready", flush=True)
    if sys.argv[2] == "stop_now":
        time.sleep(1.0)
        from logistics.runtime.pools import stop_now
        stop_now(7)
    time.sleep(600)
"""


def _parent(folder: Path, where: str, how: str) -> subprocess.Popen[str]:
    script = folder / "parent.py"  # a file: spawned workers import the parent's functions
    script.write_text(PARENT)
    return subprocess.Popen(
        [sys.executable, str(script), where, how],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("where", ["main", "thread"])
def test_workers_manager_and_resource_tracker_go_when_the_parent_is_killed(
    where: str, tmp_path: Path
) -> None:
    parent = _parent(tmp_path, where, "wait")
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
        # two workers, the manager, multiprocessing's resource tracker
        below = wait_for_descendants(parent.pid, 4)
        time.sleep(1.0)  # the workers are past their start-up, busy
        assert len(alive(below)) == 4, describe(below)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        left = wait_gone(below)
        assert not left, f"outlived their parent: {left}"
    finally:
        parent.kill()
        parent.communicate()


def test_stop_now_ends_the_process_and_its_workers_with_the_code(tmp_path: Path) -> None:
    parent = _parent(tmp_path, "main", "stop_now")
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
        below = wait_for_descendants(parent.pid, 4)
        assert parent.wait(timeout=60) == 7
        left = wait_gone(below)
        assert not left, f"outlived stop_now: {left}"
    finally:
        parent.kill()
        parent.communicate()


def _pid() -> int:
    return os.getpid()


def test_a_pool_made_on_a_thread_that_ends_keeps_its_workers() -> None:
    # The kernel's parent-death signal fires when the *thread* that started a worker
    # ends: a pool made in a Streamlit session thread must outlive that thread.
    box: dict[str, object] = {}

    def make() -> None:
        pool = process_pool(1)
        box["pool"] = pool
        box["pid"] = pool.submit(_pid).result(timeout=120)  # started, signal armed

    thread = threading.Thread(target=make)
    thread.start()
    thread.join()
    pool = box["pool"]
    try:
        time.sleep(0.5)
        assert pool.submit(_pid).result(timeout=60) == box["pid"]  # type: ignore[attr-defined]
    finally:
        pool.shutdown(cancel_futures=True)  # type: ignore[attr-defined]


def test_a_worker_whose_parent_is_already_gone_exits_at_once() -> None:
    code = "from logistics.runtime.pools import tie_to_parent; tie_to_parent(1); print('alive')"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == ORPHAN_EXIT and "alive" not in done.stdout


#: A middle process whose child watches it from a thread only (no kernel signal).
MIDDLE = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", '''
import os, time
import logistics.runtime.pools as pools
pools.set_parent_death_signal = lambda signum=None: False
pools.tie_to_parent(os.getppid(), interval_s=0.1)
print("tied", flush=True)
time.sleep(600)
'''], stdout=subprocess.PIPE, text=True)
assert child.stdout.readline().strip() == "tied"
print(child.pid, flush=True)
time.sleep(600)
"""


def test_the_watch_thread_ends_a_worker_where_the_kernel_would_not() -> None:
    middle = subprocess.Popen(
        [sys.executable, "-c", MIDDLE], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert middle.stdout is not None
        child = int(middle.stdout.readline())
        below = wait_for_descendants(middle.pid, 1)
        assert [p.pid for p in below] == [child]
        os.kill(middle.pid, signal.SIGKILL)
        middle.wait(timeout=30)
        left = wait_gone(below)
        assert not left, f"outlived its parent: {left}"
    finally:
        middle.kill()
        middle.communicate()


def test_the_context_is_spawn() -> None:
    assert spawn_context().get_start_method() == "spawn"
