"""Progress without a terminal, and the warning for orders with no dates.

Cron, systemd and CI give the CLI no terminal: there the progress bar gives way to a
line every few seconds with the time elapsed, the best objective and the jobs placed.
A nightly job that plans ``--date tomorrow`` from an orders file whose windows are
``HH:MM`` only is warned that it re-uses the same orders every day.
"""

from __future__ import annotations

import io
import re
import shutil
import time
from pathlib import Path

from rich.console import Console

from logistics.cli.progress import progress_bar
from logistics.progress import ProgressEvent
from tests.cli.test_exit_codes import TINY, molten, no_traceback

LINE = re.compile(r"^progress\s+(\d+) s\s+(\d+)% (.*)$")


def test_lines_carry_the_latest_event_every_interval() -> None:
    sink = io.StringIO()
    console = Console(file=sink, force_terminal=False, width=200)
    with progress_bar(console, line_every_s=0.1) as update:
        update(ProgressEvent("jobs", 0.02, "building ladle jobs"))
        update(ProgressEvent("search", 0.5, "searching routes: objective 1,234 CNY"))
        time.sleep(0.35)
    lines = [LINE.match(line) for line in sink.getvalue().splitlines()]
    assert len(lines) >= 2 and all(lines), sink.getvalue()
    assert {m.group(3) for m in lines if m} == {"searching routes: objective 1,234 CNY"}
    assert lines[0] and lines[0].group(2) == "50"


def test_quiet_and_no_event_write_nothing() -> None:
    sink = io.StringIO()
    with progress_bar(Console(file=sink, force_terminal=False), line_every_s=0.05):
        time.sleep(0.2)
    with progress_bar(Console(file=sink), quiet=True, line_every_s=0.05) as update:
        update(ProgressEvent("search", 0.5, "searching"))
        time.sleep(0.2)
    assert sink.getvalue() == ""


def test_the_installed_script_logs_a_live_solve(tmp_path: Path) -> None:
    done = molten(
        "plan", str(TINY), "--time-limit", "12", "--workers", "1", "--out", str(tmp_path / "p")
    )
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    lines = [m for m in map(LINE.match, done.stderr.splitlines()) if m]
    assert len(lines) >= 2, done.stderr
    elapsed = [int(m.group(1)) for m in lines]
    assert elapsed == sorted(elapsed) and elapsed[-1] >= 10
    searching = [m.group(3) for m in lines if m.group(3).startswith("searching routes:")]
    assert searching, done.stderr
    placed = re.search(r"objective ([\d,]+) CNY, (\d+) of (\d+) jobs placed", searching[-1])
    assert placed, searching[-1]
    assert 0 < int(placed.group(2)) <= int(placed.group(3))


def _undated_copy(tmp_path: Path) -> Path:
    network = tmp_path / "tiny"
    shutil.copytree(TINY, network)
    return network


def test_tomorrow_from_orders_without_dates_warns(tmp_path: Path) -> None:
    network = _undated_copy(tmp_path)
    db = f"sqlite:///{tmp_path / 'h.db'}"
    done = molten("dispatch", str(network), "--date", "tomorrow", "--db", db, "--solver", "greedy")
    assert done.returncode == 0, done.stderr
    warning = [line for line in done.stderr.splitlines() if "no dates" in line]
    assert len(warning) == 1 and warning[0].startswith("warning: orders.csv"), done.stderr
    assert "re-uses the same orders" in warning[0]


def test_orders_with_dates_or_the_files_own_day_do_not_warn(tmp_path: Path) -> None:
    network = _undated_copy(tmp_path)
    db = f"sqlite:///{tmp_path / 'h.db'}"
    own_day = molten(
        "dispatch", str(network), "--date", "2026-11-23", "--db", db, "--solver", "greedy"
    )
    assert own_day.returncode == 0, own_day.stderr
    assert "no dates" not in own_day.stderr
    orders = network / "orders.csv"
    text = orders.read_text()
    dated = re.sub(r",(\d\d:\d\d),(\d\d:\d\d),", r",2026-11-24T\1,2026-11-24T\2,", text)
    assert dated != text
    orders.write_text(dated)
    other_day = molten(
        "dispatch", str(network), "--date", "2026-11-24", "--db", db, "--solver", "greedy"
    )
    assert other_day.returncode == 0, other_day.stderr
    assert "no dates" not in other_day.stderr
