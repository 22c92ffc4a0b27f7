"""A run killed with SIGKILL anywhere leaves the database and the plan folder exactly as
they were, row by row and byte by byte, and its lock goes with it.
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
    wait_for_marker,
)

GREEDY = ("--solver", "greedy", "--workers", "1", "--time-limit", "5")


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


@pytest.mark.parametrize("point", PAUSE_POINTS)
def test_sigkill_changes_nothing(net: Path, db_url: str, tmp_path: Path, point: str) -> None:
    out = tmp_path / "plans" / "tiny"
    first = run_dispatch(
        DispatchRequest(
            net,
            date.fromisoformat(DAY),
            db_url,
            out_dir=out,
            options=PlanOptions(solver="greedy", time_limit_s=5),
        )
    )
    assert first.outcome is not None
    before, folder_before = snapshot(db_url), folder_snapshot(out)
    assert before["plan_runs"] and folder_before

    marker = tmp_path / "paused.json"
    victim = start_molten(
        "dispatch",
        net,
        "--date",
        DAY,
        "--db",
        db_url,
        *GREEDY,
        "--force",
        "--out",
        out,
        **paused_at(point, marker),
    )
    paused = wait_for_marker(victim, marker)
    assert paused == {"point": point, "pid": victim.pid}
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=60)
    assert victim.returncode == -signal.SIGKILL

    assert snapshot(db_url) == before
    assert folder_snapshot(out) == folder_before
    assert load_plan(db_url, DAY) == first.outcome.plan

    wait_until_session_gone(db_url, victim.pid)
    after = run_molten(
        "dispatch", net, "--date", DAY, "--db", db_url, *GREEDY, "--force", "--out", out
    )
    assert after.returncode == 0, after.stderr  # the lock went with the killed run
    assert [(v.version, v.current) for v in list_versions(db_url)] == [(2, True), (1, False)]
    assert read_plan(out) == load_plan(db_url, DAY)
    assert sorted(p.name for p in out.parent.iterdir()) == ["tiny"]  # staged leftovers removed
