"""A throwaway PostgreSQL server for the tests, or the one CI started.

``MOLTEN_TEST_POSTGRES_URL`` (set by ``.ci/run``) names a server the tests may create
and drop databases on (a superuser, password authentication on localhost). Without it,
:func:`start_server` runs ``initdb`` and ``pg_ctl`` from the installed PostgreSQL
binaries in a temporary folder (as the ``postgres`` user when the tests run as root,
which ``initdb`` refuses), listening on 127.0.0.1 only, with a password. A server
whose test session was killed before its teardown is stopped by the next session.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

URL_ENV = "MOLTEN_TEST_POSTGRES_URL"
PASSWORD = "molten-test-pw"


@dataclass(frozen=True)
class Server:
    """A PostgreSQL server the tests may create databases on."""

    url: URL  # of its maintenance database, as a superuser

    def database_url(self, name: str) -> URL:
        """The URL of database ``name`` on this server."""
        return self.url.set(database=name)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _binaries() -> Path | None:
    found = shutil.which("initdb") or shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def _as_owner(argv: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *argv] if owner else argv


def _owner_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_orphans(bindir: Path, owner: str | None) -> None:
    """Stop servers of earlier test sessions that were killed before their teardown."""
    for root in Path(tempfile.gettempdir()).glob("molten-pg-*"):
        try:
            pid = int((root / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if _owner_alive(pid):
            continue
        if (root / "data" / "postmaster.pid").exists():
            subprocess.run(
                _as_owner(
                    [str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "stop"],
                    owner,
                ),
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def start_server() -> Iterator[Server]:
    """Start a throwaway server; stop it and remove its files afterwards.

    Raises
    ------
    RuntimeError
        No PostgreSQL binaries, or the server would not start (with its log).
    """
    bindir = _binaries()
    if bindir is None:
        raise RuntimeError("no PostgreSQL binaries (initdb, pg_ctl) installed")
    owner = "postgres" if os.geteuid() == 0 else None
    stop_orphans(bindir, owner)
    root = Path(tempfile.mkdtemp(prefix="molten-pg-"))
    (root / "owner.pid").write_text(str(os.getpid()))
    data, log_file = root / "data", root / "server.log"
    pwfile = root / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if owner:
        shutil.chown(root, owner)
        shutil.chown(pwfile, owner)
    port = free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth-host=scram-sha-256",
                    "--auth-local=trust",
                    f"--pwfile={pwfile}",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ],
                owner,
            ),
            check=True,
            capture_output=True,
            env=env,
        )
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        )
        started = subprocess.run(
            _as_owner(
                [
                    str(bindir / "pg_ctl"),
                    *("-D", str(data), "-l", str(log_file), "-w", "-t", "60"),
                    *("-o", options, "start"),
                ],
                owner,
            ),
            capture_output=True,
            env=env,
        )
        if started.returncode != 0:
            log = log_file.read_text() if log_file.exists() else ""
            raise RuntimeError(
                f"pg_ctl start failed: {started.stderr.decode()} {started.stdout.decode()} {log}"
            )
        yield Server(
            URL.create(
                "postgresql+psycopg",
                username="postgres",
                password=PASSWORD,
                host="127.0.0.1",
                port=port,
                database="postgres",
            )
        )
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_owner(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner
                ),
                capture_output=True,
                env=env,
            )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def server_from_env() -> Iterator[Server | None]:
    """The server named by ``MOLTEN_TEST_POSTGRES_URL``, if set."""
    url = os.environ.get(URL_ENV)
    yield Server(make_url(url)) if url else None


@contextmanager
def fresh_database(server: Server) -> Iterator[URL]:
    """A new, empty database on ``server``; dropped afterwards."""
    name = f"molten_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.database_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
