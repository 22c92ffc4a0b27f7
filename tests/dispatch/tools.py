"""Helpers of the dispatch tests: the installed ``molten`` in a subprocess, snapshots of
a database (every row of every table) and of a plan folder (every byte of every file).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.pool import NullPool

from logistics.dispatch import DispatchRequest, DispatchResult, run_dispatch
from logistics.plan.options import PlanOptions

TESTS = Path(__file__).resolve().parents[1]
TINY = TESTS / "data" / "tiny"
#: ``tiny``'s own plan date; its orders' ``HH:MM`` windows fall on whatever date is planned.
DAY = "2026-11-23"
#: A folder with a ``sitecustomize`` that injects faults named by ``MOLTEN_TEST_FAULT``.
SHIM = Path(__file__).resolve().parent / "shim"
#: Runs a test that takes ``db_url`` on SQLite only (the embedded default): for tests of
#: the command line's arguments, exit codes and output, which reach the database through
#: the same calls on either backend. Whatever the database itself does (the schema and
#: its migrations, the storing transaction, the locks, the history's queries, a run
#: killed mid-write) is tested on PostgreSQL too. Overrides the ``backend`` fixture.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])


def molten() -> str:
    """The installed console script."""
    found = shutil.which("molten", path=str(Path(sys.executable).parent)) or shutil.which("molten")
    assert found, "the molten console script is not installed"
    return found


def env_with(**extra: str | None) -> dict[str, str]:
    """The environment for a subprocess: this one without molten's variables, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MOLTEN_DISPATCH_") and k not in ("MOLTEN_DB", "MOLTEN_TEST_FAULT")
    }
    env["COLUMNS"] = "200"
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_molten(
    *args: str | Path, cwd: Path | None = None, timeout: float = 180, **env: str | None
) -> subprocess.CompletedProcess[str]:
    """Run ``molten ARGS`` to completion; stdout and stderr captured as text."""
    return subprocess.run(
        [molten(), *map(str, args)],
        cwd=cwd,
        env=env_with(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def start_molten(
    *args: str | Path, cwd: Path | None = None, **env: str | None
) -> subprocess.Popen[str]:
    """Start ``molten ARGS`` in the background."""
    return subprocess.Popen(
        [molten(), *map(str, args)],
        cwd=cwd,
        env=env_with(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def stored_in_process(
    net: Path, db_url: str, out: Path | None = None, force: bool = False
) -> DispatchResult:
    """Store the dispatcher's plan of :data:`DAY` without a subprocess (set-up for the
    paths under test); the run's result, asserted stored with exit code 0."""
    result = run_dispatch(
        DispatchRequest(
            net,
            date.fromisoformat(DAY),
            db_url,
            out_dir=out,
            options=PlanOptions(solver="greedy", time_limit_s=5),
            force=force,
        )
    )
    assert (result.status, result.exit_code) == ("stored", 0)
    return result


def paused_at(point: str, marker: Path) -> dict[str, str]:
    """The environment that pauses a run at ``point`` and names its marker file."""
    return {"MOLTEN_DISPATCH_PAUSE_AT": point, "MOLTEN_DISPATCH_PAUSE_FILE": str(marker)}


def wait_for_marker(process: subprocess.Popen[str], marker: Path, timeout: float = 120) -> dict:
    """Wait until a paused run has written its marker; the marker's content."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.exists():
            return json.loads(marker.read_text())
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(
                f"the run ended ({process.returncode}) before pausing:\n{err}\n{out}"
            )
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"the run did not reach its pause point in {timeout} s")


def finish(process: subprocess.Popen[str], timeout: float = 180) -> tuple[int, str, str]:
    """Wait for a background run; its exit code, stdout and stderr."""
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the database, sorted, table by table."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {
                name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                for name, table in sorted(meta.tables.items())
            }
    finally:
        engine.dispose()


def folder_snapshot(folder: Path) -> dict[str, bytes | None] | None:
    """Every file under a folder with its bytes (sub-folders as ``None``), by relative path;
    ``None`` when the folder does not exist."""
    if not folder.exists():
        return None
    return {
        str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


def one_line(text: str) -> str:
    """The only non-empty line of ``text`` (fails when there are none or several)."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]
