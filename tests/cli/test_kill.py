"""``molten plan`` killed with SIGKILL while its worker pool starts or searches leaves no
process behind: neither the pool's workers nor multiprocessing's resource tracker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.dispatch.tools import TESTS, env_with, molten
from tests.runtime.helpers import descendants, describe, wait_gone

PRD = TESTS / "data" / "pearl_river_delta"


def workers_of(pid: int) -> list[int]:
    """The pids of the pool workers below ``pid``."""
    found = []
    for child in descendants(pid):
        try:
            if any("spawn_main" in part for part in child.cmdline()):
                found.append(child.pid)
        except Exception:  # gone meanwhile
            continue
    return found


@pytest.mark.parametrize("moment", ["startup", "search"])
def test_a_killed_plan_leaves_no_process(tmp_path: Path, moment: str) -> None:
    victim = subprocess.Popen(
        [molten(), "plan", PRD, "--workers", "2", "--time-limit", "30", "--out", tmp_path / "p"],
        env=env_with(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not workers_of(victim.pid) and time.monotonic() < deadline:
            assert victim.poll() is None, "the run ended before its pool started"
            time.sleep(0.01)
        assert workers_of(victim.pid), "no worker process started"
        if moment == "search":  # the workers are past their start-up and searching
            busy = time.monotonic() + 60
            while time.monotonic() < busy and not _searching(victim.pid):
                time.sleep(0.1)
            assert _searching(victim.pid), describe(descendants(victim.pid))
        below = descendants(victim.pid)
        os.kill(victim.pid, signal.SIGKILL)
        assert victim.wait(timeout=60) == -signal.SIGKILL
        left = wait_gone(below)
        assert not left, f"outlived the killed run: {left}"
    finally:
        victim.kill()
        victim.wait()
    assert not (tmp_path / "p").exists()


def _searching(pid: int) -> bool:
    """Whether a worker below ``pid`` has used a second of CPU (imported, searching)."""
    for child in descendants(pid):
        try:
            if child.pid in workers_of(pid) and sum(child.cpu_times()[:2]) > 1.0:
                return True
        except Exception:
            continue
    return False
