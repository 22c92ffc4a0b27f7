"""``molten db``: the history database's schema (``upgrade``, ``current``)."""

from __future__ import annotations

from typing import Annotated

import typer

from logistics.cli.app import app, err, out
from logistics.dispatch.config import DB_ENV, resolve_url
from logistics.dispatch.errors import DatabaseUnavailableError
from logistics.runtime.exit_codes import ExitCode

db_app = typer.Typer(
    no_args_is_help=True,
    help="The plan-history database: create or migrate its schema, show its revision.",
)
app.add_typer(db_app, name="db")

DbOption = Annotated[
    str | None,
    typer.Option(
        help=f"History database URL (default ${DB_ENV}, else sqlite:///molten.db).",
    ),
]


@db_app.command("upgrade")
def upgrade_command(db: DbOption = None) -> None:
    """Create the schema, or migrate it to this version's revision (one transaction)."""
    from logistics.dispatch.database import describe, make_engine
    from logistics.dispatch.migrate import upgrade

    url = resolve_url(db)
    try:
        engine = make_engine(url)
        try:
            before, after = upgrade(engine)
        finally:
            engine.dispose()
    except DatabaseUnavailableError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(ExitCode.DATABASE) from None
    where = describe(url)
    if before == after:
        out.print(f"{where}: schema already at revision {after}", markup=False, highlight=False)
    else:
        out.print(
            f"{where}: schema migrated from {before or 'empty'} to {after}",
            markup=False,
            highlight=False,
        )


@db_app.command("current")
def current_command(db: DbOption = None) -> None:
    """Show the database's schema revision and the one this version needs."""
    from logistics.dispatch.database import describe, make_engine
    from logistics.dispatch.migrate import schema_state

    url = resolve_url(db)
    try:
        engine = make_engine(url, must_exist=True)
        try:
            state = schema_state(engine)
        finally:
            engine.dispose()
    except DatabaseUnavailableError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(ExitCode.DATABASE) from None
    if state.up_to_date:
        verdict = "up to date"
    elif state.current is None:
        verdict = "no schema (run 'molten db upgrade')"
    elif state.known:
        verdict = "older (run 'molten db upgrade')"
    else:
        verdict = "newer than this version of molten"
    out.print(
        f"{describe(url)}: revision {state.current or '-'}, this version needs {state.head}: "
        f"{verdict}",
        markup=False,
        highlight=False,
    )
    if not state.up_to_date:
        raise typer.Exit(ExitCode.DATABASE)
