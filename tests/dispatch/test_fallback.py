"""The safety net in the nightly job, on SQLite and PostgreSQL: a plan that fell back to
the dispatcher's is stored with its run flagged ``fallback`` (and a warning line, even
with ``--quiet``); under ``--strict`` nothing is stored, the run is recorded, exit 1.

The optimiser is made to fail in a subprocess running the real command line
(:mod:`tests.cli.failing_optimiser`), or in-process by monkeypatching.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from logistics.check import check_folder
from logistics.dispatch import (
    DispatchRequest,
    list_runs,
    list_versions,
    load_plan,
    run_dispatch,
)
from logistics.network.loader import load_network
from logistics.plan.files import read_plan
from logistics.plan.options import PlanOptions
from logistics.plan.stats import FALLBACK_STATUS
from tests.cli.failing_optimiser import INJECTED, molten_with_failing_optimiser, warning_lines
from tests.dispatch.tools import (
    DAY,
    env_with,
    folder_snapshot,
    one_line,
    run_molten,
    snapshot,
    sqlite_only,
)

OPTIMISER = ("--solver", "ortools", "--workers", "1", "--time-limit", "5")
WARNING = (
    f"warning: the optimiser failed ({INJECTED}); this is the dispatcher's plan, checked "
    "(0 violations). Please report it."
)


def failing_dispatch(net: Path, db_url: str, cwd: Path, *extra: str | Path):  # type: ignore[no-untyped-def]
    return molten_with_failing_optimiser(
        "dispatch", net, "--date", DAY, "--db", db_url, *OPTIMISER, *extra, env=env_with(), cwd=cwd
    )


def flags_in_the_table(db_url: str) -> list[tuple[int, bool, str | None]]:
    """``(id, fallback, fallback_reason)`` of every ``dispatch_runs`` row, read by SQL."""
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, fallback, fallback_reason FROM dispatch_runs ORDER BY id")
            )
            return [(i, bool(flag), reason) for i, flag, reason in rows]
    finally:
        engine.dispose()


def test_a_fallback_is_stored_flagged_and_warned_even_with_quiet(
    net: Path, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "plans" / "tiny"
    done = failing_dispatch(net, db_url, tmp_path, "--out", out, "--quiet")
    assert done.returncode == 0, done.stderr
    assert one_line(done.stderr) == WARNING  # --quiet: this line and nothing else
    assert done.stdout == ""

    (run,) = list_runs(db_url)
    assert (run.status, run.exit_code, run.version) == ("stored", 0, 1)
    assert (run.fallback, run.fallback_reason) == (True, INJECTED)
    assert "the dispatcher's plan (fallback: the optimiser failed)" in run.message
    assert flags_in_the_table(db_url) == [(run.id, True, INJECTED)]
    (version,) = list_versions(db_url)
    assert version.fallback and version.current

    stored = load_plan(db_url, DAY)
    assert (stored.solver.status, stored.solver.fallback_reason) == (FALLBACK_STATUS, INJECTED)
    assert read_plan(out) == stored
    assert check_folder(load_network(net, date.fromisoformat(DAY)), out).ok

    listed = run_molten("history", "--db", db_url)
    assert listed.returncode == 0, listed.stderr
    assert "stored fallback" in listed.stdout and "ortools fallback" in listed.stdout
    document = json.loads(run_molten("history", "--db", db_url, "--json").stdout)
    assert document["runs"][0]["fallback"] is True
    assert document["runs"][0]["fallback_reason"] == INJECTED
    assert document["versions"][0]["fallback"] is True
    detail = run_molten("history", "--db", db_url, "--run", str(run.id))
    assert f"yes: the optimiser failed ({INJECTED})" in detail.stdout


@sqlite_only
def test_without_quiet_the_warning_is_said_once_and_the_summary_shows_the_status(
    net: Path, db_url: str, tmp_path: Path
) -> None:
    done = failing_dispatch(net, db_url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert [line for line in warning_lines(done.stderr) if "WARNING" in line] == []
    assert warning_lines(done.stderr).count(WARNING) == 1
    assert "fallback_dispatcher" in done.stdout


@sqlite_only
def test_strict_stores_nothing_records_the_run_and_exits_1(
    net: Path, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    day = date.fromisoformat(DAY)
    first = run_dispatch(
        DispatchRequest(
            net, day, db_url, out_dir=out, options=PlanOptions(solver="greedy", time_limit_s=5)
        )
    )
    assert first.status == "stored"
    before, folder_before = snapshot(db_url), folder_snapshot(out)

    refused = failing_dispatch(net, db_url, tmp_path, "--out", out, "--strict", "--quiet")
    assert refused.returncode == 1, refused.stderr
    latest = list_runs(db_url)[0]
    assert one_line(refused.stderr) == (
        f"internal error: the optimiser failed ({INJECTED}); --strict refuses the "
        f"dispatcher's plan: nothing stored (run {latest.id}). Please report it."
    )
    after = snapshot(db_url)
    assert len(after.pop("dispatch_runs")) == len(before.pop("dispatch_runs")) + 1
    assert after == before  # no version, no rows; version 1 stays current
    assert folder_snapshot(out) == folder_before
    assert (latest.status, latest.exit_code, latest.version) == ("fallback_refused", 1, None)
    assert (latest.fallback, latest.fallback_reason) == (True, INJECTED)
    assert flags_in_the_table(db_url) == [(first.run_id, False, None), (latest.id, True, INJECTED)]
    assert [v.fallback for v in list_versions(db_url)] == [False]


def test_run_dispatch_refuses_a_fallback_under_strict_in_process(
    net: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("in-process failure")

    monkeypatch.setattr("logistics.planning.solve.optimize", failing)
    day = date.fromisoformat(DAY)
    request = DispatchRequest(
        net, day, db_url, options=PlanOptions(solver="ortools", time_limit_s=5), strict=True
    )
    refused = run_dispatch(request)
    assert (refused.status, refused.exit_code, refused.version) == ("fallback_refused", 1, None)
    assert refused.outcome is not None and refused.outcome.plan.solver.fell_back
    assert list_versions(db_url) == []
    stored = run_dispatch(
        DispatchRequest(net, day, db_url, options=PlanOptions(solver="ortools", time_limit_s=5))
    )
    assert (stored.status, stored.exit_code, stored.version) == ("stored", 0, 1)
    assert [(r.status, r.fallback) for r in list_runs(db_url)] == [
        ("stored", True),
        ("fallback_refused", True),
    ]
