"""The examples in docs/ run as written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_library_example_plans_writes_reads_back_and_checks(tmp_path) -> None:
    script = ROOT / "docs" / "examples" / "library_use.py"
    out = tmp_path / "plan"
    result = subprocess.run(
        [sys.executable, str(script), str(ROOT / "tests" / "data" / "tiny"), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "0 violations" in result.stdout
    assert "delivered" in result.stdout and "saving against ingots" in result.stdout
    assert (out / "plan.json").is_file()
