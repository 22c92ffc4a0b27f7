"""The installed ``molten`` script, run as a user runs it: every documented exit code.

0 done; 1 internal error; 2 bad input or usage; 3 no plan could be made; 4 the checker
found violations. Each failure is a short message, never a traceback (unless
``MOLTEN_DEBUG=1``), and writes nothing. The script runs without a terminal here, where
rich would wrap at 80 columns: a usage error, a bad option and "no plan" must still be
exactly one line.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = DATA / "tiny"
MOLTEN = Path(sys.executable).parent / "molten"


def molten(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run the installed console script; the completed process."""
    assert MOLTEN.is_file(), f"the console script is not installed at {MOLTEN}"
    return subprocess.run(
        [str(MOLTEN), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


def one_line(text: str) -> str:
    """The text's only line (fails if it has none or more than one)."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_plan_and_check_exit_0(tmp_path) -> None:
    out = tmp_path / "plan"
    done = molten("plan", str(TINY), "--solver", "greedy", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "runs.csv").is_file() and (out / "plan.json").is_file()
    checked = molten("check", str(TINY), str(out))
    assert checked.returncode == 0, checked.stdout
    assert "plan is valid" in checked.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["plan", str(TINY), "--time-limit", "not-a-number"], "--time-limit"),
        (["plan", str(TINY), "--time-limit", "0"], "option --time-limit: must be positive"),
        (["plan", str(TINY), "--solver", "magic"], "option --solver: use one of"),
        (["plan", str(TINY), "--date", "23/11/2026"], "option --date:"),
        (["plan", str(TINY), "--now", "10:00"], "--replan"),
        (["bogus"], "No such command"),
        (["plan"], "Missing argument"),
        (["plan", "/nonexistent/network"], "network folder not found"),
        (["cost", "--distance-km", "-5"], "--distance-km"),
    ],
)
def test_usage_and_option_errors_exit_2_in_one_message(tmp_path, args, says) -> None:
    result = (
        molten(*args, "--out", str(tmp_path / "p"))
        if args[0] == "plan" and len(args) > 1
        else molten(*args)
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    no_traceback(result)
    assert says in one_line(result.stderr)
    assert "command line" not in result.stderr
    assert not (tmp_path / "p").exists()


def test_bad_input_file_exits_2_naming_file_row_and_column(tmp_path) -> None:
    folder = tmp_path / "net"
    shutil.copytree(TINY, folder)
    text = (folder / "orders.csv").read_text().replace("O2,C2,ADC12,9,", "O2,C2,ADC12,-9,")
    (folder / "orders.csv").write_text(text)
    out = tmp_path / "plan"
    result = molten("plan", str(folder), "--out", str(out))
    assert result.returncode == 2
    no_traceback(result)
    assert "orders.csv, row 3, column 'tonnes'" in result.stderr
    assert not out.exists()


def test_a_date_without_orders_exits_3(tmp_path) -> None:
    # Yesterday's order book (dated times) planned for the 24th: nothing to plan.
    orders = tmp_path / "orders_23rd.csv"
    orders.write_text(
        "order_id,caster_id,alloy,tonnes,window_start,window_end,placed_at\n"
        "O1,C1,ADC12,6,2026-11-23T08:00+08:00,2026-11-23T10:00+08:00,2026-11-22T16:00+08:00\n"
    )
    out = tmp_path / "plan"
    result = molten(
        "plan", str(TINY), "--orders", str(orders), "--date", "2026-11-24", "--out", str(out)
    )
    assert result.returncode == 3, result.stderr
    no_traceback(result)
    message = one_line(result.stderr)
    assert "no order" in message and "2026-11-24" in message
    assert "1 order in the orders file belongs to other days" in message
    assert not out.exists()


def test_a_plan_with_violations_exits_4_naming_run_and_rule(tmp_path) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(DATA / "tiny_plan", plan)
    with (plan / "runs.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["tonnes"] = "4"  # more than the 3 t ladle of the truck
    with (plan / "runs.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = molten("check", str(TINY), str(plan))
    assert result.returncode == 4
    no_traceback(result)
    assert f"run {rows[0]['run_id']}" in result.stdout and "ladle_size" in result.stdout


def test_an_unreadable_plan_file_exits_2(tmp_path) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(DATA / "tiny_plan", plan)
    text = (plan / "runs.csv").read_text().splitlines()
    text[1] = text[1].replace(",3,2026", ",three,2026", 1)
    (plan / "runs.csv").write_text("\n".join(text) + "\n")
    result = molten("check", str(TINY), str(plan))
    assert result.returncode == 2
    no_traceback(result)
    assert "runs.csv, row 2, column 'tonnes'" in result.stderr


def _inject_internal_error(tmp_path: Path) -> dict[str, str]:
    """A ``sitecustomize`` that makes planning raise, as an unforeseen bug would."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import logistics.pipeline as p\n"
        "def broken(*a, **k):\n"
        "    raise RuntimeError('simulated bug deep inside planning')\n"
        "p.plan_day = broken\n"
        "import logistics.cli.plan as c\n"
        "c.plan_day = broken\n"
    )
    path = os.environ.get("PYTHONPATH", "")
    return {"PYTHONPATH": f"{hook}{os.pathsep}{path}" if path else str(hook)}


def test_an_internal_error_exits_1_in_one_line_without_a_traceback(tmp_path) -> None:
    out = tmp_path / "plan"
    env = _inject_internal_error(tmp_path)
    result = molten("plan", str(TINY), "--out", str(out), env=env)
    assert result.returncode == 1, result.stderr
    no_traceback(result)
    assert "internal error: RuntimeError: simulated bug deep inside planning" in result.stderr
    assert "MOLTEN_DEBUG=1" in result.stderr
    assert not out.exists()
    debug = molten("plan", str(TINY), "--out", str(out), env={**env, "MOLTEN_DEBUG": "1"})
    assert debug.returncode == 1 and "Traceback" in debug.stderr


@pytest.mark.parametrize("args", [[], ["db"]], ids=["molten", "molten db"])
def test_a_group_without_a_command_prints_just_its_help_and_exits_0(args) -> None:
    result = molten(*args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    assert "Usage: molten" in result.stdout and "Commands" in result.stdout
    no_traceback(result)


def test_python_dash_m_logistics_is_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "logistics", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    for command in ("plan", "check", "cost", "generate"):
        assert command in result.stdout


def test_replan_from_the_command_line(tmp_path) -> None:
    base = tmp_path / "base"
    assert molten("plan", str(TINY), "--solver", "greedy", "--out", str(base)).returncode == 0
    again = tmp_path / "again"
    result = molten(
        "plan", str(TINY), "--replan", str(base), "--now", "10:00", "--remove-truck", "T2",
        "--time-limit", "3", "--out", str(again),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Changes against the previous plan" in result.stdout
    assert molten("check", str(TINY), str(again)).returncode == 0
    bad = molten("plan", str(TINY), "--replan", str(base), "--now", "25:99")
    assert bad.returncode == 2 and "--now" in bad.stderr
    no_traceback(bad)
