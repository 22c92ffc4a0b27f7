"""A plan made with a ladle pool and drivers' rules, or with managed supply, is stored
whole and loads back equal.

The network is ``tiny`` with the test pool ``tiny_ladles/ladles.csv`` and ``[drivers]``
(every rule at its default): its plan's runs carry ladles, cold ladles are preheated and
the drivers rest. Runs on SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from logistics.check import check
from logistics.dispatch import DispatchRequest, load_plan, make_engine, run_dispatch
from logistics.dispatch.migrate import head_revision, upgrade
from logistics.dispatch.models import metadata
from logistics.network.loader import load_network
from logistics.plan.files import read_plan
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from tests.dispatch.test_migrations import downgrade_to
from tests.dispatch.tools import DAY, TESTS, TINY, run_molten, snapshot, sqlite_only

GREEDY = PlanOptions(solver="greedy", time_limit_s=5, workers=1)
PLAN_DAY = date.fromisoformat(DAY)


@pytest.fixture
def pool_net(tmp_path: Path) -> Path:
    """A writable copy of tiny with a ladle pool and drivers' rules."""
    net = Path(shutil.copytree(TINY, tmp_path / "tiny"))
    shutil.copy(TESTS / "data" / "tiny_ladles" / "ladles.csv", net / "ladles.csv")
    with (net / "network.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[drivers]\n")
    return net


def _query(db_url: str, sql: str) -> list[Any]:
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)).all())
    finally:
        engine.dispose()


def _aware(value: Any) -> datetime:
    """A stored time as an aware datetime (SQLite gives back the UTC wall time)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_a_plan_with_ladles_and_breaks_loads_back_equal(
    pool_net: Path, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "plans" / "tiny"
    result = run_dispatch(DispatchRequest(pool_net, PLAN_DAY, db_url, out_dir=out, options=GREEDY))
    assert (result.status, result.exit_code) == ("stored", 0)
    assert result.outcome is not None
    planned = result.outcome.plan
    assert planned.has_ladles and planned.preheats and planned.breaks  # what is under test
    assert any(r.ladle_drop_c for r in planned.runs)

    loaded = load_plan(db_url, PLAN_DAY)
    for name in Plan.model_fields:
        assert getattr(loaded, name) == getattr(planned, name), name
    assert loaded.model_dump(mode="json") == planned.model_dump(mode="json")
    assert loaded == read_plan(out)  # the folder holds the same plan
    assert check(load_network(pool_net, PLAN_DAY), loaded).ok


@pytest.mark.usefixtures("quick_visit_search")
def test_a_managed_supply_plan_loads_back_equal(db_url: str, tmp_path: Path) -> None:
    from benchmarks.supply_network import write_managed_copy

    net = write_managed_copy(TINY, tmp_path / "managed" / "tiny")
    result = run_dispatch(DispatchRequest(net, PLAN_DAY, db_url, options=GREEDY))
    assert result.status == "stored" and result.outcome is not None
    planned = result.outcome.plan
    assert planned.supply is not None and planned.supply.furnaces
    loaded = load_plan(db_url, PLAN_DAY)
    assert loaded.supply == planned.supply
    assert loaded == planned
    assert loaded.model_dump(mode="json") == planned.model_dump(mode="json")


@sqlite_only
def test_molten_dispatch_stores_the_ladles_preheats_and_breaks(
    pool_net: Path, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "plans" / "tiny"
    args = (
        "dispatch", pool_net, "--date", DAY, "--db", db_url, "--out", out,
        "--solver", "greedy", "--workers", "1", "--time-limit", "5",
    )  # fmt: skip
    done = run_molten(*args)
    assert done.returncode == 0, done.stderr
    assert (out / "preheats.csv").exists() and (out / "breaks.csv").exists()
    again = run_molten(*args, "--force")  # the folder with preheats.csv is a plan's
    assert again.returncode == 0, again.stderr
    same = run_molten(*args)  # the stored plan is the folder's: nothing to bring up to date
    assert same.returncode == 0, same.stderr
    assert "already planned" in same.stdout
    assert "brought up to date" not in same.stdout + same.stderr

    runs = _csv(out / "runs.csv")
    stored_runs = _query(
        db_url,
        "SELECT run_id, ladle_id, ladle_drop_c FROM plan_runs WHERE plan_version_id = "
        "(SELECT plan_version_id FROM current_plans)",
    )
    assert sorted((r, lid, pytest.approx(d)) for r, lid, d in stored_runs) == sorted(
        (r["run_id"], r["ladle_id"], float(r["ladle_drop_c"])) for r in runs
    )
    assert all(lid for _, lid, _ in stored_runs)

    preheats = _query(
        db_url,
        'SELECT ladle_id, smelter_id, stand, start, "end" FROM plan_preheats '
        "WHERE plan_version_id = (SELECT plan_version_id FROM current_plans) ORDER BY position",
    )
    assert [(lid, s, n, _aware(a), _aware(b)) for lid, s, n, a, b in preheats] == [
        (
            p["ladle_id"],
            p["smelter_id"],
            int(p["stand"]),
            datetime.fromisoformat(p["start"]),
            datetime.fromisoformat(p["end"]),
        )
        for p in _csv(out / "preheats.csv")
    ]
    breaks = _query(
        db_url,
        'SELECT truck_id, driver, kind, start, "end", "where" FROM plan_breaks '
        "WHERE plan_version_id = (SELECT plan_version_id FROM current_plans) ORDER BY position",
    )
    assert [(t, d, k, _aware(a), _aware(b), w) for t, d, k, a, b, w in breaks] == [
        (
            b["truck_id"],
            int(b["driver"]),
            b["kind"],
            datetime.fromisoformat(b["start"]),
            datetime.fromisoformat(b["end"]),
            b["where"],
        )
        for b in _csv(out / "breaks.csv")
    ]
    assert preheats and breaks

    shown = tmp_path / "shown"  # molten history writes the stored plan's folder back
    written = run_molten("history", "--db", db_url, "--date", DAY, "--out", shown)
    assert written.returncode == 0, written.stderr
    for name in ("runs.csv", "preheats.csv", "breaks.csv", "unserved.csv"):
        assert (shown / name).read_bytes() == (out / name).read_bytes(), name


def test_upgrading_a_database_of_0006_keeps_its_plans(pool_net: Path, db_url: str) -> None:
    """``molten db upgrade``'s migration from 0006: every row kept, the new columns and
    tables empty; the plan then stored again (``--force``) keeps its ladles, preheats and
    breaks."""
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        run_dispatch(DispatchRequest(pool_net, PLAN_DAY, db_url, options=GREEDY))
        assert downgrade_to(engine, "0006") == "0006"  # a database as release 0006 left it
    finally:
        engine.dispose()
    before = snapshot(db_url)
    assert "plan_preheats" not in before and "plan_breaks" not in before
    assert before["plan_runs"]

    engine = make_engine(db_url)  # what `molten db upgrade` runs (its command: test_migrations)
    try:
        assert upgrade(engine) == ("0006", head_revision())
    finally:
        engine.dispose()
    after = snapshot(db_url)
    assert after.pop("plan_preheats") == [] and after.pop("plan_breaks") == []
    runs = after.pop("plan_runs")
    assert [row[:-2] for row in runs] == before.pop("plan_runs")
    assert {tuple(row[-2:]) for row in runs} == {(None, None)}
    versions = after.pop("plan_versions")  # 0007 appends the supply, empty for old plans
    assert [row[:-1] for row in versions] == before.pop("plan_versions")
    assert {row[-1] for row in versions} == {None}
    after.pop("alembic_version"), before.pop("alembic_version")
    assert after == before
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
    old = load_plan(db_url, PLAN_DAY)  # stored without its ladles: they load back empty
    assert old.runs and not old.has_ladles and old.preheats == () and old.breaks == ()

    again = run_dispatch(DispatchRequest(pool_net, PLAN_DAY, db_url, options=GREEDY, force=True))
    assert again.status == "stored" and again.outcome is not None
    assert load_plan(db_url, PLAN_DAY) == again.outcome.plan
