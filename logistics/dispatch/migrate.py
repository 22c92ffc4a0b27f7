"""Schema migrations of the plan-history database, run from Python (no ``alembic.ini``).

The Alembic scripts ship inside the package (``logistics/dispatch/migrations``) and run
in batch mode, so the same scripts migrate SQLite and PostgreSQL. :func:`upgrade` is
``molten db upgrade``; :func:`ensure_schema` is what ``molten dispatch`` does first:
create the schema in an empty database, go on when it is current, and refuse (with
what to run) a database at an older or a newer revision. Migrations are the only way
the schema changes, so a database made by one version opens with the next after
``molten db upgrade``.

Two processes that find the same empty database both try to create the schema; the
second waits for the first (PostgreSQL: a transaction-level advisory lock; SQLite:
``BEGIN IMMEDIATE``) and then finds nothing to do. On SQLite, where batch mode alters
a table by copying it, foreign keys are switched off for the migration (so no cascade
fires) and checked with ``PRAGMA foreign_key_check`` before the commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from logistics.dispatch.database import WRITE_OPTIONS, describe, is_postgresql, unavailable
from logistics.dispatch.errors import SchemaMismatchError
from logistics.dispatch.models import metadata

log = logging.getLogger(__name__)

#: Folder of the Alembic environment and its ``versions/``.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Advisory-lock key serialising schema changes on PostgreSQL ("molten" in ASCII).
SCHEMA_LOCK_KEY = 0x6D6F6C74656E


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema stands.

    Attributes
    ----------
    current : str or None
        The database's revision (``None``: never migrated).
    head : str
        The newest revision this version of molten ships.
    known : bool
        Whether ``current`` is one of the shipped revisions.
    has_tables : bool
        Whether any plan-history table exists.
    """

    current: str | None
    head: str
    known: bool
    has_tables: bool

    @property
    def up_to_date(self) -> bool:
        """True when the database is at the head revision."""
        return self.current == self.head

    @property
    def empty(self) -> bool:
        """True for a database without the schema (and without stray history tables)."""
        return self.current is None and not self.has_tables


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic configuration for the shipped migrations.

    Parameters
    ----------
    connection : Connection, optional
        Run the migrations on this connection (in its transaction).
    url : str, optional
        Or connect to this URL (for ``alembic`` commands a developer runs).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def scripts() -> ScriptDirectory:
    """The shipped migration scripts."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest shipped revision."""
    head = scripts().get_current_head()
    assert head is not None, "no migration scripts shipped"
    return head


def schema_state(engine: Engine) -> SchemaState:
    """Read the database's revision and whether it holds history tables.

    Raises
    ------
    DatabaseUnavailableError
        The database cannot be reached.
    """
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            tables = set(inspect(conn).get_table_names())
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        raise unavailable(engine, exc, "reading the schema revision") from None
    known = {s.revision for s in scripts().walk_revisions()}
    return SchemaState(
        current, head_revision(), current in known, bool(tables & metadata.tables.keys())
    )


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Apply the migrations up to ``revision`` in one transaction.

    Returns
    -------
    tuple
        The revision before and after.

    Raises
    ------
    DatabaseUnavailableError
        The database cannot be reached or a migration fails (nothing is changed).
    """
    before = schema_state(engine).current
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None  # None only once a connection is invalidated
            if sqlite:  # batch mode copies tables: no cascades while it does (outside BEGIN)
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.execution_options(**WRITE_OPTIONS).begin():
                    if is_postgresql(engine):
                        conn.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY}
                        )
                    command.upgrade(alembic_config(conn), revision)
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise SchemaMismatchError(
                                f"migrating {describe(engine.url)} would break "
                                f"{len(broken)} references (first: {tuple(broken[0])}); "
                                "nothing changed"
                            )
            finally:
                if sqlite:
                    raw.execute("PRAGMA foreign_keys=ON")
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        raise unavailable(engine, exc, "migrating the schema") from None
    after = schema_state(engine).current
    assert after is not None
    if before != after:
        log.info("database %s migrated from %s to %s", describe(engine.url), before, after)
    return before, after


def check_schema(engine: Engine) -> SchemaState:
    """The schema state, if it is the one this version works with.

    Raises
    ------
    SchemaMismatchError
        No schema, or another revision than the head (with what to do about it).
    """
    state = schema_state(engine)
    if state.up_to_date:
        return state
    where = describe(engine.url)
    if state.current is None:
        if state.has_tables:
            raise SchemaMismatchError(
                f"database {where} holds plan-history tables without a migration record; "
                "it was not made by molten and is left alone"
            )
        raise SchemaMismatchError(
            f"database {where} holds no plan history (run 'molten db upgrade' to create it)"
        )
    if not state.known:
        raise SchemaMismatchError(
            f"database {where} is at schema revision {state.current}, newer than this version "
            f"of molten knows (newest {state.head}); upgrade molten"
        )
    raise SchemaMismatchError(
        f"database {where} is at schema revision {state.current}, this version needs "
        f"{state.head}: run 'molten db upgrade --db URL' first"
    )


def ensure_schema(engine: Engine) -> SchemaState:
    """Create the schema in an empty database; otherwise require the head revision.

    Raises
    ------
    SchemaMismatchError
        The database is at another revision (run ``molten db upgrade``, or upgrade molten).
    DatabaseUnavailableError
        The database cannot be reached.
    """
    state = schema_state(engine)
    if state.empty:
        log.info("creating the plan-history schema in %s", describe(engine.url))
        upgrade(engine)
    return check_schema(engine)
