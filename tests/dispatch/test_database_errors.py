"""A database that cannot be reached, refuses the credentials or is not one: exit 6, one
line, the password never shown, and nothing written anywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics.dispatch import list_runs
from tests.dispatch.postgres import Server, free_port, fresh_database
from tests.dispatch.tools import (
    DAY,
    finish,
    folder_snapshot,
    one_line,
    paused_at,
    run_molten,
    snapshot,
    start_molten,
    wait_for_marker,
)

GREEDY = ("--solver", "greedy", "--workers", "1", "--time-limit", "5")


def assert_refused(result, secret: str | None = None) -> str:  # type: ignore[no-untyped-def]
    assert result.returncode == 6, result.stderr
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith("error: ")
    assert "Traceback" not in result.stderr
    if secret:
        assert secret not in result.stderr
    return line


def test_unreachable_server(net: Path, tmp_path: Path) -> None:
    url = f"postgresql+psycopg://molten:secret-pw@127.0.0.1:{free_port()}/history"
    workdir, out = tmp_path / "work", tmp_path / "plans" / "tiny"
    workdir.mkdir()
    result = run_molten("dispatch", net, "--date", DAY, "--db", url, "--out", out, cwd=workdir)
    line = assert_refused(result, "secret-pw")
    assert "127.0.0.1" in line and "connect" in line.lower()
    assert not out.parent.exists() and list(workdir.iterdir()) == []
    assert_refused(run_molten("history", "--db", url), "secret-pw")
    assert_refused(run_molten("db", "upgrade", "--db", url), "secret-pw")


def test_wrong_credentials(postgres_server: Server, net: Path, tmp_path: Path) -> None:
    with fresh_database(postgres_server) as url:
        wrong = url.set(password="not-the-password").render_as_string(hide_password=False)
        out = tmp_path / "plan"
        result = run_molten("dispatch", net, "--date", DAY, "--db", wrong, "--out", out)
        line = assert_refused(result, "not-the-password")
        assert "password authentication failed" in line
        assert not out.exists()
        assert snapshot(url.render_as_string(hide_password=False)) == {}  # not even the schema


@pytest.mark.parametrize("kind", ["missing folder", "not a database"])
def test_sqlite_that_cannot_be_opened(net: Path, tmp_path: Path, kind: str) -> None:
    if kind == "missing folder":
        path = tmp_path / "no-such-folder" / "molten.db"
    else:
        path = tmp_path / "molten.db"
        path.write_bytes(b"these are meeting notes, not a database\n" * 100)
    before = folder_snapshot(tmp_path)
    out = tmp_path / "plan"
    result = run_molten("dispatch", net, "--date", DAY, "--db", f"sqlite:///{path}", "--out", out)
    assert_refused(result)
    assert folder_snapshot(tmp_path) == before


def test_database_gone_during_the_solve_writes_no_files(
    postgres_server: Server, net: Path, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine, text

    out, marker = tmp_path / "plan", tmp_path / "paused.json"
    with fresh_database(postgres_server) as url:
        db = url.render_as_string(hide_password=False)
        run = start_molten(
            "dispatch",
            net,
            "--date",
            DAY,
            "--db",
            db,
            *GREEDY,
            "--out",
            out,
            **paused_at("solve", marker),
        )
        wait_for_marker(run, marker)
        admin = create_engine(postgres_server.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        admin.dispose()
        marker.unlink()
        code, _, stderr = finish(run)
    assert code == 6, stderr
    assert "does not exist" in stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny"]


def test_a_lost_lock_session_stores_nothing(
    postgres_server: Server, net: Path, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine, text

    out, marker = tmp_path / "plan", tmp_path / "paused.json"
    with fresh_database(postgres_server) as url:
        db = url.render_as_string(hide_password=False)
        run = start_molten(
            "dispatch",
            net,
            "--date",
            DAY,
            "--db",
            db,
            *GREEDY,
            "--out",
            out,
            **paused_at("solve", marker),
        )
        paused = wait_for_marker(run, marker)
        admin = create_engine(postgres_server.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            cut = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name LIKE :name"
                ),
                {"name": f"molten dispatch pid={paused['pid']} %"},
            ).scalar()
        admin.dispose()
        assert cut == 1
        before = snapshot(db)
        marker.unlink()
        code, _, stderr = finish(run)
        assert code == 6, stderr
        last = stderr.strip().splitlines()[-1]
        assert last.startswith("error: the lock of tiny 2026-11-23 was lost"), stderr
        after = snapshot(db)
        assert after.pop("dispatch_runs") != before.pop("dispatch_runs")
        assert after == before  # no plan stored
        # the run's own row, written when it started, ends as a database error
        assert [(r.status, r.exit_code) for r in list_runs(db)] == [("database_error", 6)]
    assert not out.exists()
