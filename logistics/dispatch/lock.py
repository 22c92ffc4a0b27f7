"""One run per network and plan date at a time, across processes and hosts.

PostgreSQL
    A session-level advisory lock (``pg_try_advisory_lock``) on a 64-bit key derived
    from the network name and the date, held on a dedicated connection for the whole
    run. The connection's ``application_name`` carries the holder's pid and host, so a
    refused run can name it from ``pg_locks`` and ``pg_stat_activity``. The server
    drops the lock when the connection closes, so a killed run releases it.
SQLite
    ``fcntl.flock`` on a lock file per network and date in ``<database>.locks/`` beside
    the database file; the file holds the holder's pid, host and start time. The kernel
    drops the lock when the process dies. (Within one process a second attempt on the
    same date is refused too.)

Either way the lock is never waited for: a second run for a locked date fails at once
with :class:`~logistics.dispatch.errors.DateLockedError` naming the holder; different
dates lock different keys and run side by side. Processes forked while a lock is held
(the planner's worker pool) close their copy of the lock's file descriptor, so the lock
goes with the process that took it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from logistics.dispatch.database import connect_args, sqlite_path, unavailable
from logistics.dispatch.errors import DatabaseUnavailableError, DateLockedError, LockHolder

log = logging.getLogger(__name__)

#: Prefix of the ``application_name`` of a lock-holding PostgreSQL session.
APPLICATION_PREFIX = "molten dispatch"

_held_in_process: set[str] = set()
_held_guard = threading.Lock()
_fds_to_close_in_child: set[int] = set()


def _close_inherited_fds() -> None:
    for fd in list(_fds_to_close_in_child):
        with contextlib.suppress(OSError):
            os.close(fd)
    _fds_to_close_in_child.clear()
    _held_in_process.clear()


os.register_at_fork(after_in_child=_close_inherited_fds)


def lock_name(network: str, plan_date: date) -> str:
    """The text a date's lock is derived from."""
    return f"molten-dispatch:{network}:{plan_date.isoformat()}"


def lock_key(network: str, plan_date: date) -> int:
    """The signed 64-bit advisory-lock key of a network's date."""
    digest = hashlib.sha256(lock_name(network, plan_date).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def host_name() -> str:
    """This host's name."""
    return socket.gethostname()


class HeldLock:
    """A date lock this process holds.

    Attributes
    ----------
    network : str
        Network name.
    plan_date : date
        The locked date.
    holder : LockHolder
        This process.
    """

    def __init__(
        self,
        network: str,
        plan_date: date,
        holder: LockHolder,
        still_held: Callable[[], bool] = lambda: True,
    ):
        self.network = network
        self.plan_date = plan_date
        self.holder = holder
        self._still_held = still_held

    def verify(self) -> None:
        """Make sure the lock is still held (a PostgreSQL session can be cut).

        Raises
        ------
        DatabaseUnavailableError
            The lock's session is gone: another run may have taken the date.
        """
        if not self._still_held():
            raise DatabaseUnavailableError(
                f"the lock of {self.network} {self.plan_date.isoformat()} was lost (its "
                "database session was closed); nothing stored"
            )


@contextmanager
def date_lock(engine: Engine, network: str, plan_date: date) -> Iterator[HeldLock]:
    """Hold the lock of ``network``'s ``plan_date`` for the ``with`` block.

    Yields
    ------
    HeldLock
        The lock, with :meth:`HeldLock.verify` to call before committing.

    Raises
    ------
    DateLockedError
        Another run holds the lock (it names the holder).
    DatabaseUnavailableError
        The PostgreSQL server cannot be reached for the lock.
    """
    name = lock_name(network, plan_date)
    with _held_guard:
        if name in _held_in_process:
            raise DateLockedError(
                network, plan_date, LockHolder(os.getpid(), host_name(), None, "this process")
            )
        _held_in_process.add(name)
    try:
        if engine.dialect.name == "postgresql":
            lock = _postgres_lock(engine, network, plan_date)
        else:
            lock = _file_lock(engine, network, plan_date)
        with lock as held:
            log.info("holding the lock of %s %s", network, plan_date.isoformat())
            yield held
    finally:
        with _held_guard:
            _held_in_process.discard(name)


# --------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------
def _application_name(pid: int, host: str) -> str:
    return f"{APPLICATION_PREFIX} pid={pid} host={host}"[:63]  # NAMEDATALEN - 1


_APPLICATION = re.compile(rf"^{APPLICATION_PREFIX} pid=(\d+) host=(\S*)")

_HOLDER_SQL = text(
    """
    SELECT a.pid, a.application_name, a.backend_start, a.client_addr::text
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.classid::bigint = :hi AND l.objid::bigint = :lo
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    """
)


def _postgres_holder(conn: Connection, key: int) -> LockHolder:
    try:
        row = conn.execute(_HOLDER_SQL, _key_parts(key)).first()
    except (DBAPIError, SQLAlchemyError):
        row = None
    if row is None:
        return LockHolder(detail="a PostgreSQL session this role cannot see")
    return _holder_of_row(row)


def postgres_holder(conn: Connection, network: str, plan_date: date) -> LockHolder | None:
    """PostgreSQL: who holds a date's lock right now, without taking it (``None``: nobody).

    For telling a run that is running from one that died: a run holds its date's lock
    from before it writes its row until after it writes its end.
    """
    row = conn.execute(_HOLDER_SQL, _key_parts(lock_key(network, plan_date))).first()
    return None if row is None else _holder_of_row(row)


def _holder_of_row(row: Any) -> LockHolder:
    backend_pid, application, since, client = row
    found = _APPLICATION.match(application or "")
    session = f"server session {backend_pid}" + (f" from {client}" if client else "")
    if found:
        return LockHolder(int(found.group(1)), found.group(2), since, session)
    return LockHolder(None, None, since, f"{session}, application '{application}'")


@contextmanager
def _postgres_lock(engine: Engine, network: str, plan_date: date) -> Iterator[HeldLock]:
    key = lock_key(network, plan_date)
    me = LockHolder(os.getpid(), host_name(), datetime.now(UTC))
    lock_engine = create_engine(
        engine.url,
        poolclass=NullPool,
        connect_args=connect_args(engine.url, _application_name(os.getpid(), host_name())),
    )
    conn = None
    try:
        try:
            conn = lock_engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            got = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
            holder = None if got else _postgres_holder(conn, key)
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise unavailable(engine, exc, "taking the date lock") from None
        if holder is not None:
            raise DateLockedError(network, plan_date, holder)
        session = conn

        def still_held() -> bool:
            try:
                return bool(
                    session.execute(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                            "AND pid = pg_backend_pid() AND granted AND objsubid = 1 "
                            "AND classid::bigint = :hi AND objid::bigint = :lo"
                        ),
                        _key_parts(key),
                    ).scalar()
                )
            except (DBAPIError, SQLAlchemyError, OSError):
                return False

        fd = _socket_fd(conn)
        if fd is not None:
            _fds_to_close_in_child.add(fd)
        try:
            yield HeldLock(network, plan_date, me, still_held)
        finally:
            if fd is not None:
                _fds_to_close_in_child.discard(fd)
            with contextlib.suppress(DBAPIError, SQLAlchemyError, OSError):
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
    finally:
        if conn is not None:
            with contextlib.suppress(DBAPIError, SQLAlchemyError, OSError):
                conn.close()
        lock_engine.dispose()


def _key_parts(key: int) -> dict[str, int]:
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    return {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF}


def _socket_fd(conn: object) -> int | None:
    try:
        return int(conn.connection.dbapi_connection.fileno())  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError, OSError):
        return None


# --------------------------------------------------------------------------------------
# SQLite (and any database without server-side locks): a lock file per date
# --------------------------------------------------------------------------------------
def lock_folder(engine: Engine) -> Path | None:
    """``<database>.locks`` beside a SQLite file; ``None`` for an in-memory database."""
    path = sqlite_path(engine.url)
    return None if path is None else path.with_name(path.name + ".locks")


def _safe(text_: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text_)[:100]


def _read_holder(path: Path) -> LockHolder:
    for _ in range(20):  # the holder writes its details right after taking the lock
        try:
            data = json.loads(path.read_text(encoding="utf-8") or "null")
        except (OSError, json.JSONDecodeError):
            data = None
        if isinstance(data, dict):
            since = data.get("since")
            return LockHolder(
                data.get("pid"),
                data.get("host"),
                datetime.fromisoformat(since) if isinstance(since, str) else None,
                f"lock file {path}",
            )
        time.sleep(0.05)
    return LockHolder(detail=f"lock file {path} holds no details")


@contextmanager
def _file_lock(engine: Engine, network: str, plan_date: date) -> Iterator[HeldLock]:
    me = LockHolder(os.getpid(), host_name(), datetime.now(UTC))
    folder = lock_folder(engine)
    if folder is None:  # in-memory: only this process can see the database
        yield HeldLock(network, plan_date, me)
        return
    folder.mkdir(exist_ok=True)
    path = folder / f"{_safe(network)}_{plan_date.isoformat()}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DateLockedError(network, plan_date, _read_holder(path)) from None
        _fds_to_close_in_child.add(fd)
        try:
            details = {
                "pid": me.pid,
                "host": me.host,
                "since": me.since.isoformat() if me.since else None,
                "network": network,
                "plan_date": plan_date.isoformat(),
            }
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(details).encode(), 0)
            yield HeldLock(network, plan_date, me)
        finally:
            _fds_to_close_in_child.discard(fd)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
