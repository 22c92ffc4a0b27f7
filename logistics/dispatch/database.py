"""Connecting to the plan-history database: SQLite or PostgreSQL through one code path.

The URL is ``--db``, else ``$MOLTEN_DB``, else ``sqlite:///molten.db`` (in the working
folder). ``postgresql://user:pw@host/db`` is read as ``postgresql+psycopg://…``
(psycopg 3). SQLite connections run in WAL mode with a 30 s busy timeout and real
transactions (SQLAlchemy's recipe for pysqlite: the driver's own implicit ``BEGIN`` is
switched off and every transaction starts with an explicit ``BEGIN``; writers take
``BEGIN IMMEDIATE`` so two writers queue instead of failing).

Every failure to connect becomes :class:`~logistics.dispatch.errors.DatabaseUnavailableError`
with a one-line message that names the database without its password.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from logistics.dispatch.config import DB_ENV, DEFAULT_URL, resolve_url
from logistics.dispatch.errors import DatabaseUnavailableError
from logistics.errors import InputError, InputProblem

#: Seconds to wait for a PostgreSQL server to answer a connection attempt.
CONNECT_TIMEOUT_S = 10
#: Seconds a SQLite writer waits for another writer to finish.
SQLITE_BUSY_TIMEOUT_S = 30

__all__ = ["DB_ENV", "DEFAULT_URL", "make_engine", "ping", "resolve_url"]

_WRITE_OPTION = "molten_write"
#: Execution options of a connection that writes (``BEGIN IMMEDIATE`` on SQLite).
WRITE_OPTIONS = {_WRITE_OPTION: True}


def parse_url(url: str | URL, option: str = "--db") -> URL:
    """A SQLAlchemy URL for SQLite or PostgreSQL (psycopg 3 driver).

    Raises
    ------
    InputError
        The URL is malformed or names another kind of database.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(
            InputProblem(
                "command line",
                None,
                option,
                "not a database URL; use sqlite:///path/to/molten.db or "
                "postgresql+psycopg://user:password@host/database",
            )
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise InputError(
            InputProblem(
                "command line",
                None,
                option,
                f"'{backend}' databases are not supported; use sqlite or postgresql",
            )
        )
    return parsed


def describe(url: str | URL) -> str:
    """The URL as text without its password."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL, or ``None`` for an in-memory database or another kind."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def is_postgresql(engine: Engine) -> bool:
    """True for a PostgreSQL engine."""
    return engine.dialect.name == "postgresql"


def connect_args(url: URL, application_name: str = "molten") -> dict[str, Any]:
    """Driver arguments for a connection: timeouts, and the name the server shows."""
    if url.get_backend_name() == "sqlite":
        return {"timeout": SQLITE_BUSY_TIMEOUT_S}
    args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        args["connect_timeout"] = CONNECT_TIMEOUT_S
    if "application_name" not in url.query:
        args["application_name"] = application_name
    return args


def _install_sqlite_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str | URL, *, must_exist: bool = False) -> Engine:
    """An engine for the history database (no connection is made yet).

    Parameters
    ----------
    url : str or URL
        SQLite or PostgreSQL URL.
    must_exist : bool
        For readers: refuse a SQLite file that does not exist instead of creating it.

    Raises
    ------
    InputError
        A malformed URL or an unsupported kind of database.
    DatabaseUnavailableError
        A SQLite file in a folder that does not exist (or missing with ``must_exist``).
    """
    parsed = parse_url(url)
    path = sqlite_path(parsed)
    if path is not None:
        if not path.parent.is_dir():
            raise DatabaseUnavailableError(
                f"cannot open the database {path}: folder {path.parent} does not exist"
            )
        if must_exist and not path.is_file():
            raise DatabaseUnavailableError(f"no database at {path} (run 'molten dispatch' first)")
    try:
        engine = create_engine(parsed, connect_args=connect_args(parsed), pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnavailableError(f"no driver for {describe(parsed)}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        _install_sqlite_transactions(engine)
    return engine


def as_engine(engine_or_url: Engine | str | URL, *, must_exist: bool = False) -> Engine:
    """``engine_or_url`` as an engine (a URL is turned into one with :func:`make_engine`)."""
    if isinstance(engine_or_url, Engine):
        return engine_or_url
    return make_engine(engine_or_url, must_exist=must_exist)


def one_line(exc: BaseException) -> str:
    """The driver's message of a database error on one line, without SQL or a password."""
    original = getattr(exc, "orig", None) or exc
    message = str(original)
    lines = [re.sub(r"\s+", " ", line).strip() for line in message.splitlines()]
    lines = [line for line in lines if line and not line.startswith("(Background on")]
    return "; ".join(dict.fromkeys(lines)) or type(original).__name__


def unavailable(engine: Engine, exc: BaseException, doing: str) -> DatabaseUnavailableError:
    """A :class:`DatabaseUnavailableError` naming the database and what was being done."""
    return DatabaseUnavailableError(
        f"database {describe(engine.url)}: {doing} failed: {one_line(exc)}"
    )


def ping(engine: Engine) -> None:
    """Connect once and run ``SELECT 1``.

    Raises
    ------
    DatabaseUnavailableError
        The server cannot be reached, refuses the credentials, or the file cannot be
        opened.
    """
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        raise unavailable(engine, exc, "connecting") from None


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in one write transaction (``BEGIN IMMEDIATE`` on SQLite)."""
    with engine.execution_options(**{_WRITE_OPTION: True}).begin() as conn:
        yield conn


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one write transaction: committed on success, rolled back otherwise.

    On SQLite the transaction starts with ``BEGIN IMMEDIATE``, so concurrent writers
    queue on the busy timeout instead of failing half-way.
    """
    bind = engine.execution_options(**{_WRITE_OPTION: True})
    with Session(bind, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading (one transaction, so one consistent snapshot)."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
