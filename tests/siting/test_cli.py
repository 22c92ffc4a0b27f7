"""``molten site`` as a user runs it: the installed console script in a subprocess."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.siting.conftest import SITING

MOLTEN = shutil.which("molten") or str(Path(sys.executable).parent / "molten")
FAST = ["--solution-limit", "10", "--time-limit", "120", "--quiet"]


def molten(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}  # rich wraps at 80 columns without a terminal
    return subprocess.run(
        [MOLTEN, "site", *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=env
    )


def test_site_ranks_the_candidates_and_writes_the_study(tmp_path):
    out = tmp_path / "study"
    done = molten(
        str(SITING), "--days", "2", "--simulate", "2", "--workers", "2", "--out", str(out), *FAST
    )
    assert done.returncode == 0, done.stderr
    assert "screened 3 of 3 combinations" in done.stdout
    assert "simulated the best 2" in done.stdout
    rows = list(csv.DictReader((out / "ranking.csv").open(encoding="utf-8")))
    assert [r["simulated"] for r in rows] == ["True", "True", "False"]
    summary = json.loads((out / "study.json").read_text(encoding="utf-8"))
    assert summary["scenarios"]["as_is"]["screened"] == 3
    assert (out / "plans" / "as_is" / "base" / "day1" / "plan.json").is_file()
    assert rows[0]["option"] in done.stdout


def test_site_grid_mode_writes_a_heatmap(tmp_path):
    out = tmp_path / "grid"
    done = molten(
        str(SITING),
        "--days",
        "1",
        "--simulate",
        "1",
        "--grid-km",
        "25",
        "--grid-simulate",
        "1",
        "--png-engine",
        "matplotlib",
        "--no-plans",
        "--out",
        str(out),
        *FAST,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plotly" in (out / "heatmap.html").read_text(encoding="utf-8")[:200_000].lower()
    grid = list(csv.DictReader((out / "grid.csv").open(encoding="utf-8")))
    assert len(grid) > 20
    assert not (out / "plans").exists()


def test_site_runs_a_study_file(tmp_path):
    out = tmp_path / "s"
    done = molten(
        "--study",
        str(SITING / "study.toml"),
        "--days",
        "1",
        "--simulate",
        "1",
        "--out",
        str(out),
        *FAST,
    )
    assert done.returncode == 0, done.stderr
    assert "scenario 'dear_gas'" in done.stdout


def test_a_bad_candidates_file_exits_2_naming_file_row_and_column(tmp_path):
    bad = tmp_path / "sites.csv"
    bad.write_text(
        "site_id,name,lat,lon,capex_cny,rate_tph,alloys\n"
        "A,ok,23.0,113.0,1e8,5,ADC12\n"
        "B,bad,north,113.0,1e8,5,ADC12\n",
        encoding="utf-8",
    )
    clash = tmp_path / "clash.csv"
    clash.write_text(
        "site_id,name,lat,lon,capex_cny,rate_tph,alloys\nS1,clash,23.0,113.0,1e8,5,ADC12\n",
        encoding="utf-8",
    )
    out = tmp_path / "never"
    done = molten(str(SITING), "--candidates", str(bad), "--out", str(out), *FAST)
    assert done.returncode == 2
    assert "sites.csv, row 3, column 'lat'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    done = molten(str(SITING), "--candidates", str(clash), "--out", str(out), *FAST)
    assert done.returncode == 2
    assert "clash.csv, row 2, column 'site_id'" in done.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('network = "NET"\n[study]\nk = 1\ndayz = 3\n', "line 4, key 'study.dayz'"),
        (
            'network = "NET"\n\n[scenarios.dear]\nset = { "economics.gas_price" = 5.0 }\n',
            "line 4, key 'scenarios.dear.set.economics.gas_price'",
        ),
        (
            'network = "NET"\n[scenarios.cheap.set]\n"economics.truck_cost_per_km" = -1\n',
            "line 3, key 'scenarios.cheap.set.economics.truck_cost_per_km'",
        ),
        ('network = "NET"\n[study\nk = 1\n', "line 2"),
        (
            'network = "NET"\n[scenarios.g]\ndemand_growth = "lots"\n',
            "line 3, key 'scenarios.g.demand_growth'",
        ),
    ],
)
def test_a_bad_study_file_exits_2_naming_file_line_and_key(tmp_path, text, where):
    study = tmp_path / "study.toml"
    study.write_text(text.replace("NET", SITING.as_posix()), encoding="utf-8")
    out = tmp_path / "never"
    done = molten("--study", str(study), "--out", str(out), *FAST)
    assert done.returncode == 2, done.stderr
    assert f"study.toml, {where}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_site_refuses_an_out_folder_that_is_not_a_study(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    done = molten(str(SITING), "--out", str(tmp_path), *FAST)
    assert done.returncode == 2
    assert "--out" in done.stderr
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_bad_options_exit_2(tmp_path):
    assert molten(str(SITING), "--k", "0", "--out", str(tmp_path / "a"), *FAST).returncode == 2
    assert (
        molten(str(SITING), "--workers", "0", "--out", str(tmp_path / "b"), *FAST).returncode == 2
    )
    done = molten(
        str(SITING), "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "c"), *FAST
    )
    assert done.returncode == 2 and "--scheduler" in done.stderr
