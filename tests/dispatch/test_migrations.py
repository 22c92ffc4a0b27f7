"""The schema is made by the shipped migrations only, and the next migration applies."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import logistics.dispatch.migrate as migrate
from logistics.dispatch import (
    DispatchRequest,
    SchemaMismatchError,
    list_runs,
    load_plan,
    make_engine,
    run_dispatch,
)
from logistics.dispatch.migrate import (
    MIGRATIONS_DIR,
    check_schema,
    ensure_schema,
    head_revision,
    schema_state,
    upgrade,
)
from logistics.dispatch.models import metadata
from logistics.plan.options import PlanOptions
from tests.dispatch.tools import run_molten, snapshot

NEXT_REVISION = '''"""A later release: a note on each plan version."""

import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_versions") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch.alter_column("travel_model", existing_type=sa.String(64), type_=sa.String(128))


def downgrade() -> None:
    with op.batch_alter_table("plan_versions") as batch:
        batch.drop_column("note")
'''


def test_migrations_build_exactly_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert schema_state(engine).empty
        assert upgrade(engine) == (None, head_revision())
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
            assert set(inspect(conn).get_table_names()) >= set(metadata.tables)
        assert upgrade(engine) == (head_revision(), head_revision())  # nothing left to do
        assert check_schema(engine).up_to_date
    finally:
        engine.dispose()


def test_a_database_of_this_version_opens_with_the_next(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = Path(__file__).resolve().parents[1] / "data" / "tiny"
    day = date(2026, 11, 23)
    result = run_dispatch(
        DispatchRequest(tiny, day, db_url, options=PlanOptions(solver="greedy", time_limit_s=5))
    )
    assert result.outcome is not None
    rows_before = snapshot(db_url)

    this_release = head_revision()
    next_release = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, next_release, ignore=shutil.ignore_patterns("__pycache__"))
    (next_release / "versions" / "9999_note.py").write_text(
        NEXT_REVISION.format(head=head_revision())
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", next_release)
    engine = make_engine(db_url)
    try:
        with pytest.raises(SchemaMismatchError, match="molten db upgrade"):
            ensure_schema(engine)  # an older schema is never changed behind the operator's back
        assert upgrade(engine) == (this_release, "9999")
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("plan_versions")}
        assert "note" in columns
    finally:
        engine.dispose()
    after = snapshot(db_url)
    assert after.pop("alembic_version") == [("9999",)]
    rows_before.pop("alembic_version")
    assert after.pop("plan_versions") == [(*row, None) for row in rows_before.pop("plan_versions")]
    assert after == rows_before  # every other row kept as it was
    assert load_plan(db_url, day) == result.outcome.plan


def test_a_newer_or_foreign_schema_is_refused(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffff'"))
        with pytest.raises(SchemaMismatchError, match="newer than this version"):
            ensure_schema(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE alembic_version"))
        with pytest.raises(SchemaMismatchError, match="not made by molten"):
            ensure_schema(engine)
    finally:
        engine.dispose()


def test_db_commands_in_a_subprocess(db_url: str, tmp_path: Path) -> None:
    empty = run_molten("db", "current", "--db", db_url)
    if db_url.startswith("sqlite"):
        assert empty.returncode == 6 and "no database" in empty.stderr
    else:
        assert empty.returncode == 6 and "no schema" in empty.stdout
    created = run_molten("db", "upgrade", "--db", db_url)
    assert created.returncode == 0, created.stderr
    assert f"migrated from empty to {head_revision()}" in created.stdout
    again = run_molten("db", "upgrade", MOLTEN_DB=db_url)  # the URL from $MOLTEN_DB
    assert again.returncode == 0, again.stderr
    assert "already at revision" in again.stdout
    assert "molten-test-pw" not in empty.stdout + empty.stderr + created.stdout + again.stdout
    engine = make_engine(db_url)
    try:
        assert schema_state(engine).up_to_date
    finally:
        engine.dispose()


def _runs_of_release_0001(engine) -> None:  # type: ignore[no-untyped-def]
    """Three ``dispatch_runs`` rows as release 0001 wrote them: a fallback, a plain
    optimiser's plan, a run without a plan."""
    import sqlalchemy as sa

    from logistics.dispatch.models import UTCDateTime

    runs = sa.table(
        "dispatch_runs",
        *(sa.column(name) for name in ("network", "status", "message", "software_version")),
        *(sa.column(name) for name in ("solver", "host", "network_folder")),
        sa.column("plan_date", sa.Date()),
        sa.column("started_at", UTCDateTime()),
        sa.column("finished_at", UTCDateTime()),
        sa.column("exit_code", sa.Integer()),
        sa.column("time_limit_s", sa.Double()),
        sa.column("forced", sa.Boolean()),
        sa.column("pid", sa.Integer()),
        sa.column("solver_stats", sa.JSON()),
    )
    moment = datetime(2026, 12, 1, 1, 15, tzinfo=UTC)
    common = {
        "network": "tiny",
        "plan_date": date(2026, 11, 23),
        "started_at": moment,
        "finished_at": moment,
        "exit_code": 0,
        "message": "",
        "software_version": "0.1.0",
        "solver": "ortools",
        "time_limit_s": 60.0,
        "forced": False,
        "host": "night",
        "pid": 1,
        "network_folder": "/srv/molten/tiny",
    }
    with engine.begin() as conn:
        conn.execute(
            runs.insert(),
            [
                {
                    **common,
                    "status": "stored",
                    "solver_stats": {
                        "status": "fallback_dispatcher",
                        "fallback_reason": "KeyError: 'J7'",
                    },
                },
                {**common, "status": "stored", "solver_stats": {"status": "success"}},
                {**common, "status": "no_plan", "exit_code": 3, "solver_stats": None},
            ],
        )


def test_a_database_of_release_0001_gets_the_fallback_flag_by_molten_db_upgrade(
    db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    try:
        assert upgrade(engine, "0001") == (None, "0001")
        _runs_of_release_0001(engine)
        with pytest.raises(SchemaMismatchError, match="molten db upgrade"):
            ensure_schema(engine)  # the job never migrates behind the operator's back
    finally:
        engine.dispose()
    tiny = Path(__file__).resolve().parents[1] / "data" / "tiny"
    refused = run_molten(
        "dispatch", tiny, "--date", "2026-11-23", "--db", db_url, "--solver", "greedy"
    )
    assert refused.returncode == 6, refused.stderr
    assert "molten db upgrade" in refused.stderr

    upgraded = run_molten("db", "upgrade", "--db", db_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"migrated from 0001 to {head_revision()}" in upgraded.stdout
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT status, fallback, fallback_reason FROM dispatch_runs ORDER BY id")
            ).all()
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
    assert [(s, bool(f), r) for s, f, r in rows] == [
        ("stored", True, "KeyError: 'J7'"),  # flagged from its solver statistics
        ("stored", False, None),
        ("no_plan", False, None),
    ]
    assert [r.fallback for r in list_runs(db_url)] == [False, False, True]  # newest first
    result = run_dispatch(
        DispatchRequest(
            tiny, date(2026, 11, 23), db_url, options=PlanOptions(solver="greedy", time_limit_s=5)
        )
    )
    assert result.status == "stored"
    assert list_runs(db_url)[0].fallback is False


def test_revision_0003_keeps_old_runs_and_lets_a_run_start_without_an_end(db_url: str) -> None:
    from logistics.dispatch.store import RunRecord, start_run

    engine = make_engine(db_url)
    try:
        assert upgrade(engine, "0002") == (None, "0002")
        _runs_of_release_0001(engine)  # rows 0002 kept: each with an end and an exit code
        before = snapshot(db_url)["dispatch_runs"]
        assert upgrade(engine) == ("0002", head_revision())
        assert snapshot(db_url)["dispatch_runs"] == before
        record = RunRecord(
            network="tiny",
            plan_date=date(2026, 11, 23),
            started_at=datetime(2026, 12, 2, 1, 15, tzinfo=UTC),
            solver="greedy",
            time_limit_s=5.0,
            forced=False,
            network_folder="/srv/molten/tiny",
        )
        run_id, died = start_run(engine, record)  # impossible before 0003: NOT NULL
        assert died == []
        with engine.connect() as conn:
            started = conn.execute(
                text("SELECT status, finished_at, exit_code FROM dispatch_runs WHERE id = :i"),
                {"i": run_id},
            ).one()
        assert tuple(started) == ("running", None, None)
        # and back: a run without an end gets its start as its end and exit code 1
        assert downgrade_to(engine, "0002") == "0002"
        with engine.connect() as conn:
            ended = conn.execute(
                text("SELECT finished_at IS NOT NULL, exit_code FROM dispatch_runs WHERE id = :i"),
                {"i": run_id},
            ).one()
        assert (bool(ended[0]), ended[1]) == (True, 1)
    finally:
        engine.dispose()


def downgrade_to(engine, revision: str) -> str:  # type: ignore[no-untyped-def]
    """Downgrade the schema to ``revision`` (Alembic, batch mode); the revision after."""
    from alembic import command

    from logistics.dispatch.migrate import alembic_config

    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        with conn.begin():
            command.downgrade(alembic_config(conn), revision)
    state = schema_state(engine)
    assert state.current is not None
    return state.current


@pytest.mark.usefixtures("quick_visit_search")
def test_upgrading_a_database_of_0004_keeps_its_plans(db_url: str, tmp_path: Path) -> None:
    """``molten db upgrade``'s migration from 0004: plans kept, none provisional, no furnace
    rows; the next horizon run starts at consumption.csv's levels and says why."""
    from benchmarks.supply_network import write_managed_copy
    from tests.dispatch.tools import TINY

    net = write_managed_copy(TINY, tmp_path / "managed" / "tiny")
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        options = PlanOptions(solver="greedy", time_limit_s=5, workers=1)
        run_dispatch(DispatchRequest(net, date(2026, 11, 23), db_url, options=options))
        assert downgrade_to(engine, "0004") == "0004"  # a database as release 0004 left it
    finally:
        engine.dispose()
    before = snapshot(db_url)
    assert "plan_furnace_levels" not in before and before["plan_versions"]
    tomorrow = ("dispatch", net, "--date", "2026-11-24", "--days", "2", "--db", db_url)
    refused = run_molten(*tomorrow, "--solver", "greedy")
    assert refused.returncode == 6 and "molten db upgrade" in refused.stderr

    engine = make_engine(db_url)  # what `molten db upgrade` runs (its command: above)
    try:
        assert upgrade(engine) == ("0004", head_revision())
    finally:
        engine.dispose()
    after = snapshot(db_url)
    assert after.pop("plan_furnace_levels") == []
    assert after.pop("plan_preheats") == [] and after.pop("plan_breaks") == []  # 0007
    versions = after.pop("plan_versions")  # 0006 appends the horizon, 0007 the supply
    assert [row[:-4] for row in versions] == before.pop("plan_versions")
    assert [tuple(row[-4:]) for row in versions] == [(False, None, None, None)]
    # 0005 appends the arrival band, 0007 the ladle and its drop: empty for old runs
    runs = after.pop("plan_runs")
    assert [row[:-4] for row in runs] == before.pop("plan_runs")
    assert {tuple(row[-4:]) for row in runs} == {(None, None, None, None)}
    after.pop("alembic_version"), before.pop("alembic_version")
    assert after == before
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()

    planned = run_molten(*tomorrow, "--solver", "greedy", "--workers", "1", "--time-limit", "5")
    assert planned.returncode == 0, planned.stderr
    assert (
        "warning: tiny 2026-11-23 was stored (version 1) without furnace levels: the furnaces "
        "start at consumption.csv's start levels" in " ".join(planned.stderr.split())
    )
