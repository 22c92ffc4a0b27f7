"""``python -m benchmarks fuzz`` writes its results: examples per kind, failures, wall time."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _fuzz(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", "fuzz", *args],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_fuzz_command_writes_json_and_markdown(tmp_path: Path) -> None:
    done = _fuzz(
        "--examples", "2", "--seed", "3", "--kind", "small", "--workers", "2",
        "--results-dir", str(tmp_path),
    )  # fmt: skip
    result = json.loads((tmp_path / f"fuzz-{date.today().isoformat()}.json").read_text())
    # the exit code says whether an example failed, and the files say which
    assert done.returncode == (1 if result["failures"] else 0), done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert result["examples"] == 2 and result["first_seed"] == 3 and result["last_seed"] == 6
    assert [r["seed"] for r in result["examples_run"]] == [3, 6]  # small seeds: seed % 3 == 0
    assert result["kinds"]["small"]["examples"] == 2
    assert result["kinds"]["large"]["examples"] == result["kinds"]["edge"]["examples"] == 0
    assert result["workers"] == 2 and result["wall_time_s"] > 0
    assert result["failed_examples"] == len({f["seed"] for f in result["failures"]})
    assert set(result["networks"]) == {str(f["seed"]) for f in result["failures"]}
    assert "--kind small --workers 2" in result["command"]
    text = (tmp_path / "latest-fuzz.md").read_text()
    assert "seeds 3–6" in text and f"failed examples: {result['failed_examples']}" in text
    assert "| small | 2 |" in text and "| large | 0 |" in text


def test_fuzz_command_replays_given_seeds_of_every_kind(tmp_path: Path) -> None:
    done = _fuzz("--seeds", "0,2", "--results-dir", str(tmp_path))
    result = json.loads((tmp_path / f"fuzz-{date.today().isoformat()}.json").read_text())
    assert done.returncode == (1 if result["failures"] else 0), done.stdout + done.stderr
    assert result["seeds"] == [0, 2] and result["command"].startswith(
        "python -m benchmarks fuzz --seeds 0,2"
    )
    assert [(r["seed"], r["kind"]) for r in result["examples_run"]] == [(0, "small"), (2, "edge")]
    assert result["examples_run"][1]["drawn"]  # an edge example names its edge draws
    for failure in result["failures"]:
        assert failure["stage"] in {
            "generate", "load", "plan", "fallback", "checker", "balance", "crash",
        }  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [("--examples", "0"), ("--workers", "0"), ("--seeds", "1,x"), ("--time-limit", "0")],
    ids=["examples", "workers", "seeds", "time-limit"],
)
def test_fuzz_command_refuses_bad_arguments(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = _fuzz(*args, "--results-dir", str(tmp_path), timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert not any(tmp_path.iterdir())
