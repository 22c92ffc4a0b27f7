"""The rolling horizon of the nightly job (``molten dispatch --days N``), in a subprocess,
on SQLite and PostgreSQL: the first night stores day 1 as current and days 2–3 as
provisional; the next night starts every furnace from the levels the stored day-1 plan
ends at (recomputed here from its stored runs and consumption.csv), even after
consumption.csv changed, re-plans, and the history tells provisional from current.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from benchmarks.supply_network import write_managed_copy
from logistics.dispatch import DispatchRequest, check_date, list_versions, run_dispatch
from logistics.plan.options import PlanOptions
from tests.dispatch.tools import DAY, TINY, run_molten, sqlite_only

GREEDY = ("--solver", "greedy", "--workers", "1", "--time-limit", "5")
D1 = date.fromisoformat(DAY)
D2 = D1 + timedelta(days=1)
TZ = ZoneInfo("Asia/Shanghai")  # tiny's


@pytest.fixture
def managed_net(tmp_path: Path) -> Path:
    """tiny with half its casters on managed supply (consumption.csv), writable."""
    return write_managed_copy(TINY, tmp_path / "managed" / "tiny")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _query(db_url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())
    finally:
        engine.dispose()


def _versions(db_url: str) -> dict[tuple[date, int], tuple[int, bool, int | None]]:
    """(date, version) → (id, provisional, horizon_day), from the stored rows."""
    rows = _query(
        db_url, "SELECT id, plan_date, version, provisional, horizon_day FROM plan_versions"
    )
    return {(date.fromisoformat(str(d)[:10]), v): (i, bool(p), h) for i, d, v, p, h in rows}


def _levels(db_url: str, version_id: int) -> dict[tuple[str, str], dict[str, float]]:
    rows = _query(
        db_url,
        "SELECT caster_id, alloy, min_level_t, capacity_t, start_level_t, next_start_level_t "
        "FROM plan_furnace_levels WHERE plan_version_id = :v",
        v=version_id,
    )
    return {(c, a): {"min": m, "cap": cap, "start": s, "next": n} for c, a, m, cap, s, n in rows}


def _draw(net: Path) -> dict[tuple[str, str], list[float]]:
    """Each furnace's draw per minute of the day, t, from consumption.csv (every day)."""
    draw: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * 1440)
    for row in _rows(net / "consumption.csv"):
        assert not row["weekdays"]  # the same every day
        key = (row["caster_id"], row["alloy"])
        lo, hi, rate = float(row["from_h"]) * 60, float(row["to_h"]) * 60, float(row["t_per_h"])
        for m in range(1440):
            draw[key][m] += max(0.0, min(m + 1, hi) - max(m, lo)) * rate / 60
    return draw


def _next_start(
    db_url: str, version_id: int, day: date, key: tuple[str, str], draw: list[float], f: dict
) -> float:
    """Where a furnace starts the next day, re-simulated from the stored runs, t."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=TZ)
    inflow = [0.0] * 1440
    for start, end, tonnes in _query(
        db_url,
        "SELECT pour_start, pour_end, tonnes FROM plan_runs "
        "WHERE plan_version_id = :v AND caster_id = :c AND alloy = :a",
        v=version_id,
        c=key[0],
        a=key[1],
    ):
        s, e = ((_aware(t) - midnight).total_seconds() / 60 for t in (start, end))
        for m in range(max(0, int(s)), min(1440, int(e) + 1)):
            inflow[m] += tonnes * max(0.0, min(m + 1, e) - max(m, s)) / max(e - s, 1e-9)
    level = lowest = f["start"]
    for m in range(1440):
        level += inflow[m] - draw[m]
        lowest = min(lowest, level)
    return min(f["cap"], max(0.0, level + max(0.0, f["min"] - lowest)))


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _set_start_levels(net: Path, level: float) -> None:
    """Change consumption.csv's start levels (an input that changed between nights)."""
    rows = _rows(net / "consumption.csv")
    for row in rows:
        if row["start_level_t"]:
            row["start_level_t"] = f"{level:g}"
    with (net / "consumption.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_two_nights_of_a_three_day_horizon(managed_net: Path, db_url: str) -> None:
    first = run_molten(
        "dispatch", managed_net, "--date", DAY, "--days", "3", "--db", db_url, *GREEDY
    )
    assert first.returncode == 0, first.stderr
    before = (D1 - timedelta(days=1)).isoformat()
    assert f"warning: tiny {before} has no stored plan: the furnaces start at consumption.csv" in (
        first.stderr
    )
    assert "provisional version 1" in first.stdout
    stored = _versions(db_url)
    assert {k: v[1:] for k, v in stored.items()} == {
        (D1, 1): (False, 1),
        (D2, 1): (True, 2),
        (D2 + timedelta(days=1), 1): (True, 3),
    }
    day1 = stored[(D1, 1)][0]
    draw = _draw(managed_net)
    levels1 = _levels(db_url, day1)
    assert levels1  # every furnace of consumption.csv, with where the next day starts
    for key, f in levels1.items():
        assert f["start"] == pytest.approx(float(_start_of(managed_net, key)))
        assert f["next"] == pytest.approx(
            _next_start(db_url, day1, D1, key, draw[key], f), abs=2e-3
        )

    _set_start_levels(managed_net, 2.0)  # the chain holds although the inputs changed
    second = run_molten(
        "dispatch", managed_net, "--date", D2.isoformat(), "--days", "3", "--db", db_url, *GREEDY
    )
    assert second.returncode == 0, second.stderr
    assert "consumption.csv's start levels" not in second.stderr
    stored = _versions(db_url)
    d3, d4 = D2 + timedelta(days=1), D2 + timedelta(days=2)
    assert {k: v[1:] for k, v in stored.items()} == {
        (D1, 1): (False, 1),
        (D2, 1): (True, 2),  # kept: the history keeps every version
        (D2, 2): (False, 1),  # the night of D2 fixed it
        (d3, 1): (True, 3),
        (d3, 2): (True, 2),
        (d4, 1): (True, 3),
    }
    levels2 = _levels(db_url, stored[(D2, 2)][0])
    assert levels2.keys() == levels1.keys()
    for key, f in levels2.items():
        assert f["start"] == pytest.approx(levels1[key]["next"], abs=1e-9), key
        assert f["start"] != 2.0 or levels1[key]["next"] == pytest.approx(2.0)
    _history_tells_them_apart(db_url, managed_net, d3)


def _start_of(net: Path, key: tuple[str, str]) -> str:
    return next(
        r["start_level_t"]
        for r in _rows(net / "consumption.csv")
        if (r["caster_id"], r["alloy"]) == key and r["start_level_t"]
    )


def _history_tells_them_apart(db_url: str, net: Path, d3: date) -> None:
    rows = {(v.plan_date, v.version): v for v in list_versions(db_url)}
    assert (rows[(D2, 2)].current, rows[(D2, 2)].provisional) == (True, False)
    assert (rows[(D2, 1)].current, rows[(D2, 1)].provisional) == (False, True)
    assert rows[(D2, 1)].superseded and rows[(d3, 1)].superseded
    assert not rows[(d3, 2)].superseded and rows[(d3, 2)].dispatch_run_id == 2
    shown = run_molten("history", "--db", db_url, "--date", d3.isoformat())
    assert shown.returncode == 0, shown.stderr
    assert "2 provisional" in shown.stdout and "1 provisional, superseded" in shown.stdout
    ok = run_molten("history", "--check", D2.isoformat(), "--db", db_url)
    assert ok.returncode == 0 and ok.stdout.startswith(f"ok: tiny {D2.isoformat()}: version 2")
    only = run_molten("history", "--check", d3.isoformat(), "--db", db_url)
    assert only.returncode == 3
    assert "no plan stored (only provisional version 2" in only.stderr
    assert [h.problem for h in check_date(db_url, D1)] == [None]
    detail = run_molten("history", "--run", "2", "--db", db_url)
    assert "3 days; the furnaces start at the end levels of" in detail.stdout


@sqlite_only
@pytest.mark.usefixtures("quick_visit_search")
def test_the_horizon_checker_refuses_levels_the_planner_carried_wrong(
    managed_net: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mutation: the pipeline carries every furnace full into the next day; each day's own
    check agrees with it, the horizon checker (carrying its own levels) does not."""
    import logistics.pipeline.horizon as pipeline_horizon

    def full(network, plan):  # type: ignore[no-untyped-def]
        return {(f.caster_id, f.alloy): f.capacity_t for f in network.furnaces}

    monkeypatch.setattr(pipeline_horizon, "next_start_levels", full)
    result = run_dispatch(
        DispatchRequest(
            managed_net,
            D1,
            db_url,
            options=PlanOptions(solver="greedy", time_limit_s=5, workers=1),
            days=3,
        )
    )
    assert result.status == "violations" and result.exit_code == 4
    assert result.horizon is not None and result.horizon.outcome.ok  # the days' own checks
    assert "furnace_low" in result.message
    assert _versions(db_url) == {}  # nothing stored


@sqlite_only
def test_days_out_of_range_is_bad_input(managed_net: Path, db_url: str) -> None:
    done = run_molten("dispatch", managed_net, "--date", DAY, "--days", "6", "--db", db_url)
    assert done.returncode == 2 and "--days" in done.stderr


def test_one_day_stores_its_furnace_levels_and_the_next_horizon_starts_there(
    managed_net: Path, db_url: str
) -> None:
    one = run_molten("dispatch", managed_net, "--date", DAY, "--db", db_url, *GREEDY)
    assert one.returncode == 0, one.stderr
    ((day1, provisional, horizon_day),) = _versions(db_url).values()
    assert (provisional, horizon_day) == (False, None)
    two = run_molten(
        "dispatch", managed_net, "--date", D2.isoformat(), "--days", "2", "--db", db_url, *GREEDY
    )
    assert two.returncode == 0, two.stderr
    assert "consumption.csv's start levels" not in two.stderr
    fixed = _versions(db_url)[(D2, 1)][0]
    carried = {k: f["next"] for k, f in _levels(db_url, day1).items()}
    assert {k: f["start"] for k, f in _levels(db_url, fixed).items()} == carried
