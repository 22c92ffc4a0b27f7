"""A day with managed supply can be re-planned while runs for managed deliveries are
under way.

The network: tiny without its casters' orders, C1's and C2's ADC12 furnaces on managed
supply (the network of ``test_managed_late.py``), T1 on shift 06:00–20:00 and T2 only
10:00–16:00. The day's plan (greedy, 5 s) pours C1's first delivery from 07:11 and, late,
C1's second delivery's ladle its window missed (``M-C1-ADC12-02-late``) from 14:32.
Before, a re-plan while such a run was under way was bad input ("a run already under way
delivers it ... keep the order"): the network the re-plan was given (the folder's, or
the plan's own) had no managed delivery among its orders, since the supplier decides
them; given the plan's deliveries as orders, the re-plan decided them again and had each
twice (the checker's ``order_accounting``). Now the re-plan checks the runs under way
against the current plan's deliveries and decides the day's deliveries again (the same
ids), a late delivery under way kept as an order of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from logistics import PlanOutcome, check, load_network, plan_day, replan
from logistics.check.furnaces import with_deliveries
from logistics.network.model import Network
from logistics.plan.options import PlanOptions
from tests.conftest import read_table, set_cell, tiny_with_managed_c1, write_table
from tests.helpers import levels_from_rows
from tests.supply.recompute import draw_by_minute, inflow_by_minute, rows

CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    "C1,ADC12,managed,10,2.0,9.0,0.0,24.0,1.0,\n"
    "C2,ADC12,managed,10,2.0,10,6.0,22.0,1.0,\n"
)
OPTIONS = PlanOptions(solver="greedy", time_limit_s=5)
#: The repository root: the subprocess imports this tree's code.
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tiny_with_managed_c1(tmp_path_factory.mktemp("replan_managed") / "net", CONSUMPTION)
    orders = read_table(folder / "orders.csv")
    write_table(folder / "orders.csv", orders[:1])  # the managed deliveries only
    fleet = read_table(folder / "fleet.csv")
    write_table(folder / "fleet.csv", fleet[:3])  # T1 and T2
    set_cell(folder, "fleet.csv", 3, "shift_start", "10:00")
    set_cell(folder, "fleet.csv", 3, "shift_end", "16:00")
    return folder


@pytest.fixture(scope="module")
def network(folder: Path) -> Network:
    return load_network(folder)


@pytest.fixture(scope="module")
def first(network: Network) -> PlanOutcome:
    return plan_day(network, OPTIONS)


def _nows(first: PlanOutcome) -> dict[str, object]:
    runs = sorted(first.plan.runs, key=lambda r: r.fill_start)
    late = [r for r in runs if r.order_id.endswith("-late")]
    assert late, "the day's plan pours a late delivery (the case this test is about)"
    return {
        "first delivery under way": runs[0].fill_start + timedelta(minutes=1),
        "late delivery under way": late[0].fill_start + timedelta(minutes=1),
    }


@pytest.mark.parametrize("case", ["first delivery under way", "late delivery under way"])
@pytest.mark.parametrize("given", ["folder's network", "plan's network"])
def test_a_managed_day_replans_with_deliveries_under_way(
    network: Network, first: PlanOutcome, case: str, given: str
) -> None:
    now = _nows(first)[case]
    start = network if given == "folder's network" else with_deliveries(network, first.plan)
    result = replan(start, first.plan, now, OPTIONS)  # type: ignore[arg-type]
    plan = result.outcome.plan
    assert result.facts and any(r.order_id.startswith("M-") for r in result.facts)
    assert result.outcome.report.ok, result.outcome.report.violations[:3]
    assert plan.supply is not None
    ids = [d.order_id for d in plan.supply.deliveries]
    assert not [k for k, n in Counter(ids).items() if n > 1], ids
    for fact in result.facts:  # kept as they were, each for a delivery of the new plan
        assert fact in plan.runs
        assert fact.order_id in ids
    verdict = check(with_deliveries(network, plan), plan, travel=result.outcome.travel)
    assert verdict.ok, verdict.violations[:3]
    recomputed = levels_from_rows(network, plan)
    for furnace in plan.supply.furnaces:
        levels = recomputed[(furnace.caster_id, furnace.alloy)]
        assert furnace.levels_t == pytest.approx(levels, abs=1e-3)
        assert furnace.end_level_t == pytest.approx(levels[-1], abs=1e-3)


def _molten(*args: str) -> subprocess.CompletedProcess[str]:
    path = os.environ.get("PYTHONPATH", "")
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "logistics", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=ROOT,
    )


def test_molten_plan_replan_of_a_managed_day(folder: Path, tmp_path: Path) -> None:
    day, again = tmp_path / "day", tmp_path / "again"
    done = _molten(
        "plan", str(folder), "--solver", "greedy", "--time-limit", "5", "--out", str(day)
    )
    assert done.returncode == 0, done.stderr
    args = ["--replan", str(day), "--now", "13:00", "--solver", "greedy", "--time-limit", "5"]
    done = _molten("plan", str(folder), *args, "--out", str(again))
    assert done.returncode == 0, done.stdout + done.stderr
    checked = _molten("check", str(folder), str(again))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    poured_by_13 = [r for r in rows(again / "runs.csv") if r["pour_start"][11:16] < "13:00"]
    assert any(r["order_id"].startswith("M-") for r in poured_by_13)
    draw, furnaces = draw_by_minute(folder)
    inflow = inflow_by_minute(again)
    for key, row in furnaces.items():  # levels.csv's curve, recomputed from runs.csv
        level, at = float(row["start_level_t"]), {0: float(row["start_level_t"])}
        for m in range(1440):
            level += inflow[key][m] - draw[key][m]
            at[m + 1] = level
        written = [r for r in rows(again / "levels.csv") if (r["caster_id"], r["alloy"]) == key]
        assert written
        for r in written:
            assert float(r["level_t"]) == pytest.approx(at[int(r["minute"])], abs=1e-2), r
