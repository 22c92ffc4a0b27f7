"""``molten plan`` reports every run's risk of cold and late metal (runs.csv, plan.json,
the summary), and the checker's independent estimate agrees within the sampling
tolerance."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from logistics import load_network
from logistics.check import check_context
from logistics.check.risk import cold_probabilities, risk_tolerance
from logistics.plan.files import read_plan
from tests.conftest import copy_tiny

MOLTEN = Path(sys.executable).parent / "molten"


def test_molten_plan_writes_the_risk_columns_and_the_checker_agrees(tmp_path: Path) -> None:
    net_dir = copy_tiny(tmp_path / "net")
    toml = net_dir / "network.toml"
    # no margin and uncertain roads, so that some runs carry a real risk
    text = toml.read_text(encoding="utf-8").replace("margin_c = 5", "margin_c = 0")
    toml.write_text(text + "\n[risk]\ntravel_cv = 0.5\ndraws = 20000\nseed = 3\n", "utf-8")
    out = tmp_path / "plan"
    assert MOLTEN.is_file()
    args = [str(MOLTEN), "plan", str(net_dir), "--solver", "greedy", "--out", str(out)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "expected cold ladles" in done.stdout
    with (out / "runs.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {"cold_probability", "late_probability"} <= set(rows[0])
    cold = [float(r["cold_probability"]) for r in rows]
    assert all(0.0 <= p <= 1.0 for p in cold) and max(cold) > 0.005
    assert all(0.0 <= float(r["late_probability"]) <= 1.0 for r in rows)
    summary = json.loads((out / "plan.json").read_text(encoding="utf-8"))["summary"]
    assert abs(summary["expected_cold_ladles"] - sum(cold)) < 1e-3
    assert summary["worst_cold_probability"] == max(cold)
    # the checker's own simulation, its own stream
    network = load_network(net_dir)
    ctx, runs, _ = check_context(network, read_plan(out, network))
    theirs = cold_probabilities(ctx, runs)
    draws = network.params.risk.draws
    for row, ours in zip(runs, cold, strict=True):
        p = max(ours, theirs[row.row], 0.01)
        assert abs(ours - theirs[row.row]) <= risk_tolerance(p, draws) * 2**0.5, row.run_id
