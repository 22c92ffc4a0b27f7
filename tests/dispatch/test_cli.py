"""The installed ``molten dispatch`` / ``molten history`` in subprocesses: every exit code."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from logistics.check import check, check_folder
from logistics.dispatch import list_runs, list_versions, load_plan
from logistics.network.loader import load_network
from logistics.plan.files import read_plan
from tests.conftest import set_cell
from tests.dispatch.tools import (
    DAY,
    SHIM,
    folder_snapshot,
    run_molten,
    snapshot,
    sqlite_only,
    stored_in_process,
)

GREEDY = ("--solver", "greedy", "--workers", "1", "--time-limit", "5")


def dispatch(net: Path, db_url: str, *extra: str | Path, **env: str | None):  # type: ignore[no-untyped-def]
    return run_molten("dispatch", net, "--date", DAY, "--db", db_url, *GREEDY, *extra, **env)


def with_fault(fault: str) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(SHIM), os.environ.get("PYTHONPATH")]))
    return {"PYTHONPATH": path, "MOLTEN_TEST_FAULT": fault}


@sqlite_only
def test_stored_then_already_planned(net: Path, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "plans" / "tiny"
    first = dispatch(net, db_url, "--out", out)
    assert first.returncode == 0, first.stderr
    assert "stored tiny 2026-11-23 as version 1" in first.stdout
    assert "independent check" in first.stdout  # the summary table
    assert "INFO logistics.dispatch" in first.stderr  # timestamped job log on stderr
    plan = read_plan(out)
    assert plan == load_plan(db_url, DAY)
    assert check(load_network(net, date.fromisoformat(DAY)), plan).ok

    again = dispatch(net, db_url, "--out", out)
    assert again.returncode == 0, again.stderr
    assert "already planned with these inputs (version 1)" in again.stdout
    assert [v.version for v in list_versions(db_url)] == [1]

    quiet = dispatch(net, db_url, "--out", out, "--force", "--quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == "" and quiet.stderr == ""
    assert [(v.version, v.current) for v in list_versions(db_url)] == [(2, True), (1, False)]
    assert read_plan(out) == load_plan(db_url, DAY, version=2)


@sqlite_only
def test_plan_folder_is_brought_up_to_date_when_already_planned(
    net: Path, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    stored_in_process(net, db_url, out)
    (out / "runs.csv").write_text("damaged\n")  # say a person edited it
    again = dispatch(net, db_url, "--out", out)
    assert again.returncode == 0, again.stderr
    assert "brought up to date" in again.stdout
    assert read_plan(out) == load_plan(db_url, DAY)


@sqlite_only
def test_bad_input_exits_2_naming_file_row_column(net: Path, db_url: str, tmp_path: Path) -> None:
    set_cell(net, "casters.csv", 3, "min_pour_c", "hot")
    out = tmp_path / "plan"
    bad = dispatch(net, db_url, "--out", out)
    assert bad.returncode == 2, bad.stderr
    assert "casters.csv, row 3, column 'min_pour_c'" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert not out.exists()
    runs = list_runs(db_url)
    assert [(r.status, r.exit_code) for r in runs] == [("input_error", 2)]
    assert list_versions(db_url) == []


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (("--solver", "simplex"), "--solver"),
        (("--date", "23/11/2026"), "--date"),
    ],
    ids=["solver", "date"],
)
def test_bad_options_exit_2_and_write_nothing(
    net: Path, tmp_path: Path, args: tuple[str, ...], where: str
) -> None:
    (tmp_path / "history").mkdir()
    url = f"sqlite:///{tmp_path / 'history' / 'molten.db'}"
    bad = run_molten("dispatch", net, "--date", DAY, "--db", url, *args)
    assert bad.returncode == 2, bad.stderr
    assert where in bad.stderr and "Traceback" not in bad.stderr
    assert list((tmp_path / "history").iterdir()) == []


def test_bad_database_url_and_foreign_out_folder_exit_2(net: Path, tmp_path: Path) -> None:
    odd = run_molten("dispatch", net, "--date", DAY, "--db", "mysql://u:p@localhost/x")
    assert odd.returncode == 2 and "--db" in odd.stderr
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine")
    (tmp_path / "history").mkdir()
    url = f"sqlite:///{tmp_path / 'history' / 'molten.db'}"
    refused = run_molten("dispatch", net, "--date", DAY, "--db", url, "--out", occupied)
    assert refused.returncode == 2 and "notes.txt" in refused.stderr
    assert folder_snapshot(occupied) == {"notes.txt": b"mine"}
    assert list((tmp_path / "history").iterdir()) == []


@sqlite_only
def test_a_day_without_orders_exits_3(net: Path, db_url: str, tmp_path: Path) -> None:
    orders = tmp_path / "last-week.csv"  # every window dated on another day
    orders.write_text(
        "order_id,caster_id,alloy,tonnes,window_start,window_end,placed_at\n"
        "O1,C1,ADC12,6,2026-11-16T08:00+08:00,2026-11-16T10:00+08:00,2026-11-15T16:00+08:00\n"
    )
    failed = dispatch(net, db_url, "--orders", orders)
    assert failed.returncode == 3, failed.stderr
    assert "no plan could be made" in failed.stderr and "nothing to plan" in failed.stderr
    assert [(r.status, r.exit_code) for r in list_runs(db_url)] == [("no_plan", 3)]
    assert list_versions(db_url) == []


@sqlite_only
def test_violations_exit_4_and_keep_the_current_plan(
    net: Path, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    stored_in_process(net, db_url, out)
    before, folder_before = snapshot(db_url), folder_snapshot(out)
    refused = dispatch(net, db_url, "--out", out, "--force", **with_fault("violations"))
    assert refused.returncode == 4, refused.stderr
    assert "violation: run R0001" in refused.stderr and "tap_range" in refused.stderr
    assert "not stored" in refused.stderr
    after = snapshot(db_url)
    assert len(after.pop("dispatch_runs")) == len(before.pop("dispatch_runs")) + 1
    assert after == before  # no version, no rows; version 1 stays current
    assert folder_snapshot(out) == folder_before
    failed = list_runs(db_url)[0]
    assert (failed.status, failed.exit_code, failed.violations) == ("violations", 4, 2)
    shown = run_molten("history", "--db", db_url, "--run", str(failed.id))
    assert shown.returncode == 0, shown.stderr
    assert "violation tap_range" in shown.stdout


@sqlite_only
def test_internal_error_exits_1_in_one_line(net: Path, db_url: str) -> None:
    failed = dispatch(net, db_url, "--quiet", **with_fault("internal"))
    assert failed.returncode == 1, failed.stderr
    assert "internal error: RuntimeError: injected for a test" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert [(r.status, r.exit_code) for r in list_runs(db_url)] == [("internal_error", 1)]


def test_history_lists_exports_and_speaks_json(net: Path, db_url: str, tmp_path: Path) -> None:
    stored_in_process(net, db_url)
    stored_in_process(net, db_url, force=True)
    listed = run_molten("history", "--db", db_url, "--network", "tiny")
    assert listed.returncode == 0, listed.stderr
    assert "Plan versions" in listed.stdout and "Runs of molten dispatch" in listed.stdout
    assert "molten-test-pw" not in listed.stdout

    as_json = run_molten("history", "--db", db_url, "--date", DAY, "--json")
    document = json.loads(as_json.stdout)
    assert [(v["version"], v["current"]) for v in document["versions"]] == [(2, True), (1, False)]
    assert [r["status"] for r in document["runs"]] == ["stored", "stored"]

    exported = tmp_path / "v1"
    written = run_molten(
        "history", "--db", db_url, "--date", DAY, "--version", "1", "--out", exported
    )
    assert written.returncode == 0, written.stderr
    assert read_plan(exported) == load_plan(db_url, DAY, version=1)
    assert check_folder(load_network(net, date.fromisoformat(DAY)), exported).ok

    missing = run_molten("history", "--db", db_url, "--date", "2030-01-01", "--out", tmp_path / "x")
    assert missing.returncode == 2 and "no plan stored for 2030-01-01" in missing.stderr


@sqlite_only
def test_orders_file_and_overrides_change_the_fingerprint(
    net: Path, db_url: str, tmp_path: Path
) -> None:
    stored_in_process(net, db_url)
    overridden = dispatch(net, db_url, "--quiet", "--set", "thermal.margin_c=6")
    assert overridden.returncode == 0, overridden.stderr
    orders = tmp_path / "tomorrow-orders.csv"
    orders.write_bytes((net / "orders.csv").read_bytes())
    set_cell(orders.parent, orders.name, 2, "tonnes", "3")
    other_orders = dispatch(net, db_url, "--orders", orders)
    assert other_orders.returncode == 0, other_orders.stderr
    versions = list_versions(db_url)
    assert [v.version for v in versions] == [3, 2, 1]
    assert len({v.input_hash for v in versions}) == 3
    assert load_plan(db_url, DAY).parameters.thermal.margin_c == 5
    assert load_plan(db_url, DAY, version=2).parameters.thermal.margin_c == 6


def test_date_tomorrow_is_the_networks_tomorrow(net: Path, tmp_path: Path) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    (tmp_path / "history").mkdir()
    url = f"sqlite:///{tmp_path / 'history' / 'molten.db'}"
    before = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    result = run_molten("dispatch", net, "--date", "tomorrow", "--db", url, *GREEDY, "--quiet")
    after = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert result.returncode == 0, result.stderr
    [stored] = list_versions(url)
    assert stored.plan_date in {before + timedelta(days=1), after + timedelta(days=1)}
