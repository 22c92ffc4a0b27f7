"""``python -m benchmarks fuzz`` writes its results: examples, failures and wall time."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_fuzz_command_writes_json_and_markdown(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "fuzz", "--examples", "2", "--seed", "3",
         "--results-dir", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((tmp_path / f"fuzz-{date.today().isoformat()}.json").read_text())
    assert result["examples"] == 2 and result["first_seed"] == 3
    assert result["failures"] == [] and result["failed_examples"] == 0
    assert result["wall_time_s"] > 0
    text = (tmp_path / "latest-fuzz.md").read_text()
    assert "seeds 3–4" in text and "failed examples: 0" in text


def test_fuzz_command_refuses_bad_arguments(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "fuzz", "--examples", "0",
         "--results-dir", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert not any(tmp_path.iterdir())
