"""A run killed with SIGKILL anywhere leaves the plans and the plan folder exactly as they
were, row by row and byte by byte; its lock goes with it, so do its worker processes and
multiprocessing's resource tracker; its own row in the history reads ``died``, and the
next run of the date says so and marks it.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from logistics.dispatch import (
    DispatchRequest,
    check_date,
    list_runs,
    list_versions,
    load_plan,
    run_dispatch,
)
from logistics.dispatch.faults import PAUSE_POINTS
from logistics.plan.files import read_plan
from logistics.plan.options import PlanOptions
from tests.dispatch.tools import (
    DAY,
    folder_snapshot,
    paused_at,
    run_molten,
    snapshot,
    start_molten,
    stored_in_process,
    wait_for_marker,
)
from tests.runtime.helpers import descendants, describe, wait_gone

#: The optimiser with a worker process beside this one (the portfolio's pool), briefly.
POOLED = ("--solver", "ortools", "--workers", "2", "--time-limit", "2")
#: The dispatcher's plan, in this process only: the quickest run.
GREEDY = ("--solver", "greedy", "--workers", "1", "--time-limit", "5")
#: Where a run is killed: at the start of its worker pool (as soon as a worker process
#: exists), then at each fault-injection point.
POINTS = ("startup", *PAUSE_POINTS)
#: Points at which the run has a worker process searching (or just done searching).
WITH_WORKERS = ("startup", "search", "check")
#: The point after whose kill the next run is the installed command (everything written,
#: the plan folder staged, just before the commit); after the others it is in-process.
AGAIN_BY_COMMAND = "commit"


def wait_until_session_gone(db_url: str, pid: int, timeout: float = 30) -> None:
    """PostgreSQL: wait until the server has closed the killed run's lock session."""
    if not db_url.startswith("postgresql"):
        return
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                left = conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE :name"),
                    {"name": f"molten dispatch pid={pid} %"},
                ).scalar()
            if not left:
                return
            time.sleep(0.1)
        raise AssertionError(f"the session of killed pid {pid} is still open")
    finally:
        engine.dispose()


def stored_status(db_url: str, run_id: int) -> str:
    """The status column of a run's row as stored (not as read by ``list_runs``)."""
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return str(
                conn.execute(
                    text("SELECT status FROM dispatch_runs WHERE id = :id"), {"id": run_id}
                ).scalar()
            )
    finally:
        engine.dispose()


def wait_for_a_worker(pid: int, timeout: float = 120) -> None:
    """Wait until ``pid`` has started a worker process of a pool."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in descendants(pid):
            try:
                if any("spawn_main" in part for part in child.cmdline()):
                    return
            except Exception:  # gone meanwhile
                continue
        time.sleep(0.01)
    raise AssertionError(f"no worker process below {pid} after {timeout} s")


def plan_again(net: Path, db_url: str, out: Path, point: str, dead: int, pid: int) -> None:
    """Plan the date again (``--force``) after the kill: it runs (the lock went with the
    killed run) and finds the killed run ``dead`` of process ``pid`` died.

    After a kill at :data:`AGAIN_BY_COMMAND` it is the installed command, whose warning on
    stderr is read; after the others it is the same job in-process, whose died runs are
    read from its result (a subprocess each time re-tested only the command's start-up
    and its printing of them).
    """
    if point == AGAIN_BY_COMMAND:
        again = run_molten(
            "dispatch", net, "--date", DAY, "--db", db_url, *GREEDY, "--force", "--out", out
        )
        assert again.returncode == 0, again.stderr
        assert f"warning: run {dead} (tiny {DAY}, started " in again.stderr
        assert f"pid {pid}) died without finishing" in again.stderr
        return
    result = stored_in_process(net, db_url, out, force=True)
    assert [(d.id, d.pid) for d in result.died] == [(dead, pid)]


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_changes_nothing_and_leaves_no_process(
    net: Path, db_url: str, tmp_path: Path, point: str
) -> None:
    out = tmp_path / "plans" / "tiny"
    first = stored_in_process(net, db_url, out)
    assert first.outcome is not None
    before, folder_before = snapshot(db_url), folder_snapshot(out)
    assert before["plan_runs"] and folder_before

    marker = tmp_path / "paused.json"
    pause = {} if point == "startup" else paused_at(point, marker)
    victim = start_molten(
        "dispatch", net, "--date", DAY, "--db", db_url, *POOLED, "--force", "--out", out, **pause
    )
    if point == "startup":
        wait_for_a_worker(victim.pid)
    else:
        assert wait_for_marker(victim, marker) == {"point": point, "pid": victim.pid}
    below = descendants(victim.pid)
    if point in WITH_WORKERS:  # a worker and multiprocessing's resource tracker at least
        assert len(below) >= 2, describe(below)
    os.kill(victim.pid, signal.SIGKILL)
    assert victim.wait(timeout=60) == -signal.SIGKILL
    left = wait_gone(below)  # (survivors are killed, so the pipes below close)
    victim.communicate(timeout=60)
    assert not left, f"outlived the killed run: {left}"

    after = snapshot(db_url)
    runs_before, runs_after = before.pop("dispatch_runs"), after.pop("dispatch_runs")
    assert after == before  # every plan row as it was
    assert len(runs_after) == len(runs_before) + 1
    assert all(row in runs_after for row in runs_before)
    assert folder_snapshot(out) == folder_before
    assert load_plan(db_url, DAY) == first.outcome.plan

    wait_until_session_gone(db_url, victim.pid)
    dead = list_runs(db_url)[0]  # newest first
    assert (dead.status, dead.pid, dead.exit_code, dead.finished_at) == (
        "died",
        victim.pid,
        None,
        None,
    )
    assert [h.problem for h in check_date(db_url, DAY)] == ["died"]

    plan_again(net, db_url, out, point, dead.id, victim.pid)
    assert stored_status(db_url, dead.id) == "died"  # marked in the database, not only read so
    assert stored_status(db_url, first.run_id) == "stored"
    assert [(v.version, v.current) for v in list_versions(db_url)] == [(2, True), (1, False)]
    assert read_plan(out) == load_plan(db_url, DAY)
    assert sorted(p.name for p in out.parent.iterdir()) == ["tiny"]  # staged leftovers removed
    assert [h.problem for h in check_date(db_url, DAY)] == [None]


@pytest.mark.usefixtures("quick_visit_search")
def test_sigkill_while_a_horizon_is_stored_changes_nothing(db_url: str, tmp_path: Path) -> None:
    """Killed with day 1 and the first provisional day written, not committed: no day of
    the horizon is stored, the current plan and the provisional versions are as they were."""
    from benchmarks.supply_network import write_managed_copy
    from tests.dispatch.tools import TINY

    net = write_managed_copy(TINY, tmp_path / "managed" / "tiny")
    first = run_dispatch(
        DispatchRequest(
            net,
            date.fromisoformat(DAY),
            db_url,
            options=PlanOptions(solver="greedy", time_limit_s=5, workers=1),
            days=3,
        )
    )
    assert first.status == "stored" and len(first.provisional) == 2
    before = snapshot(db_url)
    assert before["plan_furnace_levels"]

    marker = tmp_path / "paused.json"
    victim = start_molten(
        "dispatch",
        net,
        "--date",
        DAY,
        "--days",
        "3",
        "--db",
        db_url,
        *GREEDY,
        "--force",
        **paused_at("provisional", marker),
    )
    assert wait_for_marker(victim, marker) == {"point": "provisional", "pid": victim.pid}
    os.kill(victim.pid, signal.SIGKILL)
    assert victim.wait(timeout=60) == -signal.SIGKILL
    victim.communicate(timeout=60)

    after = snapshot(db_url)
    runs_before, runs_after = before.pop("dispatch_runs"), after.pop("dispatch_runs")
    assert after == before  # no version, run, unserved or furnace row of the horizon
    assert len(runs_after) == len(runs_before) + 1
    wait_until_session_gone(db_url, victim.pid)
    assert list_runs(db_url)[0].status == "died"
    assert [(v.version, v.current, v.provisional) for v in list_versions(db_url)] == [
        (1, False, True),
        (1, False, True),
        (1, True, False),
    ]
