"""Alembic environment of the plan-history schema (run by ``molten db upgrade``).

The migrations run on the connection that :mod:`logistics.dispatch.migrate` passes in
``config.attributes["connection"]`` (or on ``sqlalchemy.url`` when a developer runs
them another way), always in batch mode so the same scripts alter SQLite tables (by
copy and rename) and PostgreSQL tables (by ``ALTER TABLE``).
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine, pool

from logistics.dispatch.models import metadata

config = context.config


def _configure(**kwargs: Any) -> None:
    """Configure the migration context in batch mode; ``kwargs`` say where it runs."""
    context.configure(
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        **kwargs,
    )


def run_offline() -> None:
    """Write the SQL instead of running it (``--sql``)."""
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the connection given, or on one to ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(str(config.get_main_option("sqlalchemy.url")), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
