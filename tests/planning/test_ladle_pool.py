"""A network with a ladle pool, planned and checked through the installed ``molten``.

The plan's rows are read back and the pool's rules recomputed here from them: every run
has a ladle of its smelter, a ladle's runs never overlap, a ladle that starts the day
cold is preheated (``preheats.csv``) before its first fill, the stands are never over
their capacity. The pass itself (planning/ladles.py) is tried on a pool too small for
the day: what no ladle can serve is unserved for ``ladles``, never planned.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest

from benchmarks.ladle_pool import pool_csv
from logistics.check import check
from logistics.network.loader import load_network
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from tests.conftest import REPO, TEST_DATA

#: The installed console script, beside this interpreter.
MOLTEN = str(Path(sys.executable).parent / "molten")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _pool_folder(dest: Path) -> Path:
    shutil.copytree(TEST_DATA / "tiny", dest)
    shutil.copy(TEST_DATA / "tiny_ladles" / "ladles.csv", dest / "ladles.csv")
    return dest


@pytest.fixture(scope="module")
def planned(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """``molten plan`` then ``molten check`` on tiny with its pool."""
    root = tmp_path_factory.mktemp("pool")
    folder, out = _pool_folder(root / "net"), root / "plan"
    done = subprocess.run(
        [MOLTEN, "plan", str(folder), "--time-limit", "5", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    checked = subprocess.run(
        [MOLTEN, "check", str(folder), str(out)], capture_output=True, text=True, check=False
    )
    return folder, out, checked


def test_the_plan_checks_clean(planned) -> None:
    _, _, checked = planned
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "plan is valid" in checked.stdout


def test_the_checker_reads_preheats_csv(planned, tmp_path: Path) -> None:
    """Without its preheats the same plan fills cold ladles: ``molten check`` says so."""
    folder, out, _ = planned
    broken = tmp_path / "plan"
    shutil.copytree(out, broken)
    (broken / "preheats.csv").write_text("ladle_id,smelter_id,stand,start,end\n", encoding="utf-8")
    checked = subprocess.run(
        [MOLTEN, "check", str(folder), str(broken)], capture_output=True, text=True, check=False
    )
    assert checked.returncode != 0
    assert "ladle_cold" in checked.stdout + checked.stderr


def test_every_run_has_a_ladle_of_its_smelter(planned) -> None:
    folder, out, _ = planned
    home = {r["ladle_id"]: r["home_smelter"] for r in _rows(folder / "ladles.csv")}
    runs = _rows(out / "runs.csv")
    assert runs
    for run in runs:
        assert home[run["ladle_id"]] == run["smelter_id"]
        assert float(run["ladle_drop_c"]) >= 0.0


def test_no_ladle_is_in_two_runs_at_once(planned) -> None:
    _, out, _ = planned
    spans: dict[str, list[tuple[datetime, datetime]]] = {}
    for run in _rows(out / "runs.csv"):
        spans.setdefault(run["ladle_id"], []).append(
            (datetime.fromisoformat(run["fill_start"]), datetime.fromisoformat(run["pour_end"]))
        )
    for used in spans.values():
        used.sort()
        for (_, end), (start, _) in pairwise(used):
            assert start >= end


def test_cold_ladles_are_preheated_before_their_first_fill(planned) -> None:
    folder, out, _ = planned
    cold = {r["ladle_id"] for r in _rows(folder / "ladles.csv") if r["hot_since"] == "cold"}
    preheats = _rows(out / "preheats.csv")
    first_fill: dict[str, datetime] = {}
    for run in _rows(out / "runs.csv"):
        start = datetime.fromisoformat(run["fill_start"])
        first_fill[run["ladle_id"]] = min(start, first_fill.get(run["ladle_id"], start))
    used_cold = cold & set(first_fill)
    assert used_cold
    for ladle_id in used_cold:
        ends = [datetime.fromisoformat(p["end"]) for p in preheats if p["ladle_id"] == ladle_id]
        assert any(end <= first_fill[ladle_id] for end in ends), ladle_id


def test_the_stands_are_never_over_capacity(planned) -> None:
    _, out, _ = planned
    preheats = _rows(out / "preheats.csv")
    stands = 2  # the [ladles] default
    moments = [datetime.fromisoformat(p["start"]) for p in preheats]
    for smelter in {p["smelter_id"] for p in preheats}:
        mine = [p for p in preheats if p["smelter_id"] == smelter]
        for moment in moments:
            busy = [
                p
                for p in mine
                if datetime.fromisoformat(p["start"]) <= moment < datetime.fromisoformat(p["end"])
            ]
            assert len(busy) <= stands


def test_without_ladles_csv_the_plan_has_no_ladle_columns(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    done = subprocess.run(
        [
            MOLTEN,
            "plan",
            str(TEST_DATA / "tiny"),
            "--time-limit",
            "3",
            "--solver",
            "greedy",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    header = (out / "runs.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "ladle_id" not in header
    assert not (out / "preheats.csv").exists()


def test_a_pool_without_stands_serves_only_hot_ladles(tmp_path: Path) -> None:
    folder = _pool_folder(tmp_path / "net")
    with (folder / "network.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[ladles]\npreheat_stands = 0\n")
    network = load_network(folder)
    plan = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5)).plan
    assert check(network, plan).ok
    assert not plan.preheats
    hot = {lad.ladle_id for lad in network.ladles if lad.hot_since is not None}
    assert {r.ladle_id for r in plan.runs} <= hot
    assert plan.summary.tonnes_unserved["ladles"] > 0


def test_a_busy_stand_never_preheats_a_ladle_so_early_it_is_cold_again(tmp_path: Path) -> None:
    """The Pearl River Delta day with a pool of 1.5 ladles per truck slot, half of them
    cold: where the stands are free only hours before a fill, a preheat then would leave
    the ladle cold again by the fill; the pass must not plan it (67 ``ladle_cold``
    violations before the fix)."""
    folder = tmp_path / "prd"
    shutil.copytree(REPO / "sample_networks" / "pearl_river_delta", folder)
    with (folder / "network.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[ladles]\nempty_tau_h = 4\n")  # ladles cold 2 h after a preheat
    plain = load_network(folder)
    (folder / "ladles.csv").write_text(pool_csv(plain, 1.5, 0.5), encoding="utf-8")
    network = load_network(folder)
    plan = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5)).plan
    report = check(network, plan)
    assert report.ok, "\n".join(map(str, report.violations[:5]))
    assert plan.preheats and plan.summary.tonnes_unserved["ladles"] > 0
