"""``python -m benchmarks fuzz`` writes its results: examples per kind, failures, wall time."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

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


def test_fuzz_command_managed_plans_furnaces_over_two_days(tmp_path: Path) -> None:
    done = _fuzz(
        "--managed", "--examples", "2", "--seed", "0", "--kind", "small", "--workers", "1",
        "--time-limit", "0.5", "--results-dir", str(tmp_path),
    )  # fmt: skip
    result = json.loads((tmp_path / f"fuzz-managed-{date.today().isoformat()}.json").read_text())
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["managed"] and result["solvers"] == ["ortools"]
    assert result["failures"] == [] and result["failed_examples"] == 0
    assert [r["seed"] for r in result["examples_run"]] == [0, 3]
    # both examples have casters to manage: their furnaces were planned on both days
    assert all(r["furnaces"] >= 2 for r in result["examples_run"])
    assert result["managed_furnaces"] == sum(r["furnaces"] for r in result["examples_run"])
    assert result["command"].endswith("--managed")
    text = (tmp_path / "latest-fuzz-managed.md").read_text()
    assert "managed supply over 2 days" in text and "failed examples: 0" in text
    assert not (tmp_path / f"fuzz-{date.today().isoformat()}.json").exists()


def test_managed_example_fails_a_delivery_out_of_balance(monkeypatch: pytest.MonkeyPatch) -> None:
    """The balance covers the managed furnaces' deliveries: a delivery the plan decided
    but neither runs nor leaves unserved is a failure."""
    from benchmarks import fuzz

    real = fuzz.problems_of

    def short_delivered(network: Any, outcome: Any) -> list[tuple[str, str]]:
        supply, runs = outcome.plan.supply, outcome.plan.runs
        delivered = {d.order_id for d in supply.deliveries} if supply else set()
        gone = next((r.order_id for r in runs if r.order_id in delivered), None)
        if gone is None:
            return real(network, outcome)
        kept = tuple(r for r in runs if r.order_id != gone)  # a delivery's runs dropped
        plan = outcome.plan.model_copy(update={"runs": kept})
        return real(network, dataclasses.replace(outcome, plan=plan))

    monkeypatch.setattr(fuzz, "problems_of", short_delivered)
    result = fuzz.run_managed_example(0, time_limit_s=0.5)
    assert result.furnaces > 0
    assert any(f.stage == "balance" and "delivered + unserved" in f.message
               for f in result.failures)  # fmt: skip
