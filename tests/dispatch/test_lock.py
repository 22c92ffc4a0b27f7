"""One run per date at a time: a second run for a locked date exits 5 naming the holder;
other dates run alongside; two runs on an empty database both create-or-find the schema.
"""

from __future__ import annotations

import time
from pathlib import Path

from logistics.dispatch import DateLockedError, list_runs, list_versions
from tests.dispatch.tools import (
    DAY,
    finish,
    one_line,
    paused_at,
    run_molten,
    start_molten,
    wait_for_marker,
)

GREEDY = ("--solver", "greedy", "--workers", "1", "--time-limit", "5")
NEXT_DAY = "2026-11-24"


def test_a_locked_date_exits_5_at_once_and_other_dates_go_on(
    net: Path, db_url: str, tmp_path: Path
) -> None:
    marker = tmp_path / "paused.json"
    holder = start_molten(
        "dispatch", net, "--date", DAY, "--db", db_url, *GREEDY, **paused_at("solve", marker)
    )
    try:
        paused = wait_for_marker(holder, marker)
        second = run_molten("dispatch", net, "--date", DAY, "--db", db_url, *GREEDY)
        assert second.returncode == 5, second.stderr
        line = one_line(second.stderr)
        assert f"tiny {DAY} is being planned by pid {paused['pid']} on host " in line
        assert " since " in line and "not started" in line
        assert second.stdout == ""

        other = run_molten("dispatch", net, "--date", NEXT_DAY, "--db", db_url, *GREEDY, "--quiet")
        assert other.returncode == 0, other.stderr
    finally:
        marker.unlink(missing_ok=True)  # let the holder go on
    code, _, err = finish(holder)
    assert code == 0, err
    assert [(r.status, r.exit_code) for r in list_runs(db_url, date=DAY)] == [
        ("locked", 5),  # started last, refused at once
        ("stored", 0),
    ]
    assert {(v.plan_date.isoformat(), v.version) for v in list_versions(db_url)} == {
        (DAY, 1),
        (NEXT_DAY, 1),
    }


def test_two_dates_at_once_on_an_empty_database(net: Path, db_url: str) -> None:
    runs = [
        start_molten("dispatch", net, "--date", day, "--db", db_url, *GREEDY, "--quiet")
        for day in (DAY, NEXT_DAY)
    ]
    for process in runs:
        code, _, err = finish(process)
        assert code == 0, err
    assert sorted(v.plan_date.isoformat() for v in list_versions(db_url)) == [DAY, NEXT_DAY]
    assert all(v.current and v.version == 1 for v in list_versions(db_url))


HOLD_AND_FORK = """
import os, signal, sys, time
from datetime import date
from logistics.dispatch.database import make_engine
from logistics.dispatch.lock import date_lock

with date_lock(make_engine(sys.argv[1]), "tiny", date(2026, 11, 23)):
    child = os.fork()
    if child == 0:  # a worker forked while the lock is held outlives its parent
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        time.sleep(120)
        os._exit(0)
    print(child, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_lock_goes_with_the_process_not_its_forked_workers(db_url: str) -> None:
    import os
    import signal
    import subprocess
    import sys
    from datetime import date

    from logistics.dispatch.database import make_engine
    from logistics.dispatch.lock import date_lock

    holder = subprocess.run(
        [sys.executable, "-c", HOLD_AND_FORK, db_url], capture_output=True, text=True, timeout=120
    )
    assert holder.returncode == -signal.SIGKILL, holder.stderr
    worker = int(holder.stdout.split()[0])
    try:
        os.kill(worker, 0)  # still running
        engine = make_engine(db_url)
        try:
            deadline = time.monotonic() + 30
            while True:  # PostgreSQL closes the killed session within moments
                try:
                    with date_lock(engine, "tiny", date(2026, 11, 23)) as lock:
                        assert lock.holder.pid == os.getpid()
                    break
                except DateLockedError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        finally:
            engine.dispose()
    finally:
        os.kill(worker, signal.SIGKILL)
