"""A fill put off until its ladle is back, planned and checked through ``molten``.

``tests/data/late_ladle``: one smelter with one hot ladle, two trucks of one ladle each.
T1 takes O1 (pour 07:30–07:45, 10 min from the smelter, its shift ends at 08:00); T2
would fill O2 at 07:35 for its 08:00 pour, while the ladle is still out with T1 until
07:55. The pass alone leaves O2 unserved for ``ladles``; filled 20 minutes later O2
still pours inside its window, so the plan serves it with the same ladle.
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

import logistics.planning.ladle_delay as ladle_delay
from logistics.check import check
from logistics.network.loader import load_network
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions
from tests.conftest import TEST_DATA

MOLTEN = str(Path(sys.executable).parent / "molten")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def planned(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("late")
    folder, out = root / "net", root / "plan"
    shutil.copytree(TEST_DATA / "late_ladle", folder)
    done = subprocess.run(
        [MOLTEN, "plan", str(folder), "--solver", "greedy", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    checked = subprocess.run(
        [MOLTEN, "check", str(folder), str(out)], capture_output=True, text=True, check=False
    )
    return folder, out, checked


def test_without_the_delay_the_second_run_is_unserved(monkeypatch) -> None:
    monkeypatch.setattr(ladle_delay, "MAX_TRIES", 0)
    network = load_network(TEST_DATA / "late_ladle")
    plan = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5)).plan
    assert check(network, plan).ok
    assert plan.summary.tonnes_unserved.get("ladles") == pytest.approx(3.0)


def test_the_late_fill_is_served_with_the_ladle_back(planned) -> None:
    folder, out, checked = planned
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert _rows(out / "unserved.csv") == []
    runs = sorted(_rows(out / "runs.csv"), key=lambda r: r["fill_start"])
    assert [r["order_id"] for r in runs] == ["O1", "O2"]
    assert {r["ladle_id"] for r in runs} == {"L1"}
    first, second = runs
    speed_kmh = 40.0  # network.toml [roads]
    back = datetime.fromisoformat(first["pour_end"]).timestamp() / 60 + math.ceil(
        float(first["road_km"]) / speed_kmh * 60
    )
    fill = datetime.fromisoformat(second["fill_start"]).timestamp() / 60
    assert fill >= back - 1e-6
    # filled later than the 07:35 its 08:00 pour would ask, and poured inside its window
    assert second["fill_start"].startswith("2026-11-23T07:55")
    order = {o["order_id"]: o for o in _rows(folder / "orders.csv")}["O2"]
    assert second["pour_start"][11:16] >= "08:00"
    assert second["pour_end"][11:16] <= order["window_end"]
