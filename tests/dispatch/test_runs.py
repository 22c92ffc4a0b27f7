"""Every run leaves a trace (its start, then its end), a wall-time limit stops a run
cleanly, ``molten history --check`` says whether a date's plan is in order, and
``--log-json`` ends a run with one JSON line: on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from logistics.dispatch import (
    DispatchHooks,
    DispatchRequest,
    RunEnd,
    check_date,
    default_max_wall,
    list_runs,
    list_versions,
    run_detail,
    run_dispatch,
)
from logistics.dispatch.lock import host_name
from logistics.dispatch.migrate import upgrade
from logistics.dispatch.models import DispatchRun
from logistics.plan.options import PlanOptions
from logistics.progress import ProgressEvent
from logistics.runtime.wall import WallTimeExceededError
from tests.dispatch.tools import DAY, one_line, run_molten, snapshot, sqlite_only, start_molten
from tests.runtime.helpers import descendants, wait_gone

GREEDY = ("--solver", "greedy", "--workers", "1", "--time-limit", "5")
THE_DAY = date.fromisoformat(DAY)


def greedy(net: Path, db_url: str, **changes: object) -> DispatchRequest:
    return DispatchRequest(
        net, THE_DAY, db_url, options=PlanOptions(solver="greedy", time_limit_s=5), **changes
    )


def dead_pid() -> int:
    """The pid of a process that has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def add_run(db_url: str, **fields: object) -> int:
    """A ``dispatch_runs`` row written by hand (a run of tiny on the day by default)."""
    engine = create_engine(db_url, poolclass=NullPool)
    values: dict[str, object] = {
        "network": "tiny",
        "plan_date": THE_DAY,
        "started_at": datetime.now(UTC),
        "finished_at": None,
        "status": "running",
        "exit_code": None,
        "message": "",
        "software_version": "test",
        "solver": "greedy",
        "time_limit_s": 5.0,
        "forced": False,
        "host": host_name(),
        "pid": dead_pid(),
        "network_folder": "/nowhere",
        **fields,
    }
    try:
        with Session(engine) as session, session.begin():
            row = DispatchRun(**values)
            session.add(row)
            session.flush()
            return row.id
    finally:
        engine.dispose()


def test_a_run_records_its_start_in_its_own_transaction_then_its_end(
    net: Path, db_url: str
) -> None:
    seen: list[tuple[str, int | None, bool, dict | None]] = []
    ends: list[RunEnd] = []

    def look(event: ProgressEvent) -> None:
        if event.stage == "check":  # planning: the start is committed, the end is not
            (run,) = list_runs(db_url)
            detail = run_detail(db_url, run.id)
            seen.append((run.status, run.exit_code, run.finished_at is None, detail.parameters))

    result = run_dispatch(
        greedy(net, db_url), progress=look, hooks=DispatchHooks(ended=ends.append)
    )
    assert len(seen) == 1
    status, code, unfinished, parameters = seen[0]
    assert (status, code, unfinished) == ("running", None, True)
    assert parameters is not None and parameters["options"]["solver"] == "greedy"
    (run,) = list_runs(db_url)
    assert (run.id, run.status, run.exit_code, run.version) == (result.run_id, "stored", 0, 1)
    assert run.finished_at is not None and run.wall_s is not None
    assert run_detail(db_url, run.id).parameters["files"]  # the fingerprint, added later
    (end,) = ends
    assert (end.status, end.exit_code, end.run_id, end.version) == ("stored", 0, run.id, 1)
    assert end.as_json()["event"] == "molten.dispatch.end"


def test_a_running_row_reads_died_once_its_process_is_gone_and_the_next_run_marks_it(
    net: Path, db_url: str
) -> None:
    upgrade_engine = create_engine(db_url, poolclass=NullPool)
    upgrade(upgrade_engine)
    upgrade_engine.dispose()
    dead = add_run(db_url)
    other_day = add_run(db_url, plan_date=date(2026, 11, 24))
    assert [(r.id, r.status) for r in list_runs(db_url)] == [(other_day, "died"), (dead, "died")]
    warned = []
    result = run_dispatch(greedy(net, db_url), hooks=DispatchHooks(died=warned.extend))
    assert [d.id for d in result.died] == [dead] == [d.id for d in warned]
    assert "found by run" in run_detail(db_url, dead).run.message
    by_id = {r.id: r.status for r in list_runs(db_url)}
    assert by_id == {result.run_id: "stored", dead: "died", other_day: "died"}


def test_a_live_run_reads_running(db_url: str) -> None:
    import os

    upgrade_engine = create_engine(db_url, poolclass=NullPool)
    upgrade(upgrade_engine)
    upgrade_engine.dispose()
    if db_url.startswith("postgresql"):  # running: its date's lock is held by its session
        from logistics.dispatch.database import make_engine
        from logistics.dispatch.lock import date_lock

        engine = make_engine(db_url)
        try:
            with date_lock(engine, "tiny", THE_DAY):
                add_run(db_url, pid=os.getpid())
                assert [r.status for r in list_runs(db_url)] == ["running"]
            assert [r.status for r in list_runs(db_url)] == ["died"]  # lock gone
        finally:
            engine.dispose()
    else:  # running: its process runs on this host
        add_run(db_url, pid=os.getpid())
        assert [r.status for r in list_runs(db_url)] == ["running"]


def test_the_wall_time_limit_stops_a_library_run_without_storing(net: Path, db_url: str) -> None:
    first = run_dispatch(greedy(net, db_url))
    before = snapshot(db_url)
    stopped: list[RunEnd] = []
    request = DispatchRequest(
        net,
        THE_DAY,
        db_url,
        options=PlanOptions(solver="ortools", time_limit_s=4, workers=1),
        force=True,
        max_wall_s=1.0,
    )
    with pytest.raises(WallTimeExceededError):
        run_dispatch(request, hooks=DispatchHooks(timed_out=stopped.append))
    (end,) = stopped
    assert (end.status, end.exit_code) == ("timed_out", 7)
    assert "wall-time limit of 1 s (--max-wall)" in end.message
    latest = list_runs(db_url)[0]
    assert (latest.id, latest.status, latest.exit_code) == (end.run_id, "timed_out", 7)
    after = snapshot(db_url)
    assert len(after.pop("dispatch_runs")) == len(before.pop("dispatch_runs")) + 1
    assert after == before  # nothing stored
    assert [h.problem for h in check_date(db_url, DAY)] == ["timed_out"]
    again = run_dispatch(greedy(net, db_url, force=True))  # the lock was released
    assert (again.status, again.version) == ("stored", 2)
    assert first.version == 1


def test_the_default_wall_time_limit() -> None:
    assert default_max_wall(60) == 135 and default_max_wall(300) == 435


@sqlite_only
def test_the_wall_time_limit_stops_the_command_with_exit_7(
    net: Path, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    victim = start_molten(
        *("dispatch", net, "--date", DAY, "--db", db_url, "--out", out),
        *("--solver", "ortools", "--workers", "2", "--time-limit", "60", "--max-wall", "3"),
        "--log-json",
    )
    below: list = []
    while victim.poll() is None:  # collect its processes while it runs
        below += [p for p in descendants(victim.pid) if p.pid not in {q.pid for q in below}]
        time.sleep(0.05)
    stdout, stderr = victim.communicate(timeout=120)
    assert victim.returncode == 7, stderr
    assert len(below) >= 2  # it had a worker process and the resource tracker
    assert wait_gone(below) == []
    assert stdout == ""
    lines = [line for line in stderr.splitlines() if line.strip()]
    (run,) = list_runs(db_url)
    assert [line for line in lines if line.startswith("error:")] == [
        f"error: tiny {DAY}: stopped at the wall-time limit of 3 s (--max-wall) while "
        f"{run.message.split(' while ', 1)[1]} (run {run.id})"
    ]
    record = json.loads(lines[-1])
    assert (record["status"], record["exit_code"], record["run_id"]) == ("timed_out", 7, run.id)
    assert (run.status, run.exit_code) == ("timed_out", 7)
    assert list_versions(db_url) == [] and not out.exists()
    check = run_molten("history", "--db", db_url, "--check", DAY)
    assert check.returncode == 3  # no plan: that comes first
    assert one_line(check.stderr).endswith(f"pid {run.pid}), ended timed_out")


def test_the_health_check(net: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    none = run_molten("history", "--db", db_url, "--check", DAY)
    assert none.returncode == 6  # no database yet
    upgrade_engine = create_engine(db_url, poolclass=NullPool)
    upgrade(upgrade_engine)
    upgrade_engine.dispose()

    missing = run_molten("history", "--db", db_url, "--check", DAY)
    assert missing.returncode == 3 and missing.stdout == ""
    assert one_line(missing.stderr) == f"error: {DAY}: no plan stored"

    stored = run_dispatch(greedy(net, db_url))
    fine = run_molten("history", "--db", db_url, "--check", DAY)
    assert fine.returncode == 0, fine.stderr
    assert one_line(fine.stdout).startswith(f"ok: tiny {DAY}: version 1 (greedy, ")
    assert f"by run {stored.run_id}" in fine.stdout

    bad = run_dispatch  # a later run that fails on bad input leaves an older plan current
    with pytest.raises(Exception, match="margin_c"):
        bad(greedy(net, db_url, overrides=("thermal.margin_c=-5",), force=True))
    (failed,) = check_date(db_url, DAY)
    assert (failed.problem, failed.exit_code) == ("failed", 2)
    assert "ended input_error (exit 2)" in failed.message

    died = add_run(db_url)
    (dead,) = check_date(db_url, DAY)
    assert (dead.problem, dead.exit_code, dead.last_run.id) == ("died", 1, died)
    cli = run_molten("history", "--db", db_url, "--check", DAY, "--network", "tiny")
    assert cli.returncode == 1
    assert one_line(cli.stderr).startswith(f"error: tiny {DAY}: the last run, run {died} (")

    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("in-process failure")

    monkeypatch.setattr("logistics.planning.solve.optimize", failing)
    run_dispatch(
        DispatchRequest(
            net, THE_DAY, db_url, options=PlanOptions(solver="ortools", time_limit_s=5), force=True
        )
    )
    (fell_back,) = check_date(db_url, DAY)
    assert (fell_back.problem, fell_back.exit_code) == ("fallback", 1)
    assert "in-process failure" in fell_back.message
    assert check_date(db_url, DAY, network="other")[0].problem == "no_plan"


@sqlite_only
def test_log_json_ends_every_run_with_one_json_line(net: Path, db_url: str) -> None:
    done = run_molten("dispatch", net, "--date", DAY, "--db", db_url, *GREEDY, "--log-json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stderr.strip().splitlines()[-1])
    (run,) = list_runs(db_url)
    assert record["event"] == "molten.dispatch.end"
    assert (record["status"], record["exit_code"], record["run_id"], record["version"]) == (
        "stored",
        0,
        run.id,
        1,
    )
    assert (record["network"], record["plan_date"], record["pid"]) == ("tiny", DAY, run.pid)
    assert record["wall_s"] >= 0 and record["died"] == []

    quiet = run_molten(
        "dispatch", net, "--date", DAY, "--db", db_url, *GREEDY, "--log-json", "--quiet"
    )
    assert quiet.returncode == 0
    assert json.loads(one_line(quiet.stderr))["status"] == "already_planned"

    bad = run_molten(
        *("dispatch", net, "--date", DAY, "--db", db_url, *GREEDY, "--log-json", "--force"),
        *("--set", "thermal.margin_c=-5"),
    )
    assert bad.returncode == 2
    record = json.loads(bad.stderr.strip().splitlines()[-1])
    assert (record["status"], record["exit_code"]) == ("input_error", 2)
    assert record["run_id"] == list_runs(db_url)[0].id


def test_log_json_without_a_database(net: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'folder' / 'molten.db'}"
    done = run_molten("dispatch", net, "--date", DAY, "--db", url, *GREEDY, "--log-json")
    assert done.returncode == 6
    assert done.stderr.splitlines()[0].startswith("error: ")
    record = json.loads(done.stderr.strip().splitlines()[-1])
    assert (record["status"], record["exit_code"], record["run_id"]) == ("database_error", 6, None)
