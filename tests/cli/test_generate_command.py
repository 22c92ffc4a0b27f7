"""``molten generate`` as users run it: the installed console script in a subprocess."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

MOLTEN = str(Path(sys.executable).parent / "molten")


def test_generate_writes_a_mixed_fleet_that_plans_and_checks(tmp_path: Path) -> None:
    net = tmp_path / "net"
    done = subprocess.run(
        [MOLTEN, "generate", str(net), "--smelters", "2", "--casters", "6", "--tonnes", "120",
         "--seed", "5"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (net / "fleet.csv").open(encoding="utf-8", newline="") as fh:
        fleet = list(csv.DictReader(fh))
    assert len({(r["ladles"], r["ladle_t"], r["tau_h"]) for r in fleet}) >= 2
    plan = tmp_path / "plan"
    done = subprocess.run(
        [MOLTEN, "plan", str(net), "--solver", "greedy", "--time-limit", "2", "--out", str(plan)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [MOLTEN, "check", str(net), str(plan)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_generate_refuses_a_non_empty_folder_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    done = subprocess.run(
        [MOLTEN, "generate", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
