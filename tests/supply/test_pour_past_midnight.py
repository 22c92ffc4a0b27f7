"""A pour that would start before 24:00 and end after it: into a managed furnace it is
not planned (its metal would be missing from the day's levels and from the next day's
start), while an ordinary order at a caster open past midnight still pours across it.

The network: tiny with C1, C2 and the smelters open until 26:00 and the trucks' shifts
until 26:00;
C1's ADC12 furnace on managed supply, full at the start, drawing only from 23:00 (3.2
t/h) and, on Tuesdays, from 00:00 to 06:00 (1.5 t/h): its one ladle of 3 t fits under
the capacity only from 23:57, so a pour of 15 min in the delivery's window would run
until 00:12. C2 has an order whose window (23:50–23:59) lets its pour run past midnight.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.network.model import Network
from logistics.plan.options import PlanOptions
from logistics.planning.managed import MANAGED_PREFIX
from logistics.planning.windows import order_window
from tests.conftest import copy_tiny

CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    "C1,ADC12,managed,10,1.5,10,23.0,24.0,3.2,\n"
    "C1,ADC12,,,,,0.0,6.0,1.5,Tue\n"
)
LATE_ORDER = ("O9", "C2", "ADC12", "3", "23:50", "23:59", "2026-11-23T08:00:00+08:00")


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows = [r for r in map(change, rows) if r is not None]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder = copy_tiny(tmp_path_factory.mktemp("late") / "net")
    _edit(
        folder / "casters.csv",
        lambda r: {**r, "close": "26:00"} if r["caster_id"] in ("C1", "C2") else r,
    )
    _edit(folder / "smelters.csv", lambda r: {**r, "close": "26:00"})
    _edit(folder / "fleet.csv", lambda r: {**r, "shift_end": "26:00"})
    _edit(folder / "orders.csv", lambda r: None if r["caster_id"] == "C1" else r)
    with (folder / "orders.csv").open("a", encoding="utf-8") as fh:
        fh.write(",".join(LATE_ORDER) + "\n")
    (folder / "consumption.csv").write_text(CONSUMPTION, encoding="utf-8")
    return load_network(folder)


@pytest.fixture(scope="module")
def outcome(late: Network) -> PlanOutcome:
    return plan_day(late, PlanOptions(solver="greedy", time_limit_s=5))


def test_no_pour_into_a_managed_furnace_runs_past_midnight(
    late: Network, outcome: PlanOutcome
) -> None:
    plan = outcome.plan
    assert check(late, plan).ok and outcome.report.ok
    assert plan.supply is not None
    (delivery,) = plan.supply.deliveries
    assert delivery.order_id.startswith(MANAGED_PREFIX)
    assert late.minutes(delivery.window_end) > 1440 - 15  # its window allows a late pour
    into_c1 = [r for r in plan.runs if (r.caster_id, r.alloy) == ("C1", "ADC12")]
    assert all(late.minutes(r.pour_end) <= 1440 for r in into_c1)
    # the delivery cannot pour in the day: left unserved, its reason the window
    assert [(u.order_id, u.reason) for u in plan.unserved if u.caster_id == "C1"] == [
        (delivery.order_id, "window")
    ]
    # the level at 24:00 counts every tonne poured (none lost after midnight)
    (furnace,) = plan.supply.furnaces
    poured = sum(r.tonnes for r in into_c1)
    assert furnace.levels_t[-1] == pytest.approx(10 - 3.2 + poured, abs=1e-6)


def test_an_ordered_pour_may_still_run_past_midnight(late: Network, outcome: PlanOutcome) -> None:
    order = late.order_by_id["O9"]
    window = order_window(late, order).pour
    assert (window.earliest, window.latest) == (1430, 1439)
    (run,) = [r for r in outcome.plan.runs if r.order_id == "O9"]
    assert late.minutes(run.pour_start) < 1440 < late.minutes(run.pour_end)
    assert check(late, outcome.plan).ok


def test_the_checker_flags_a_managed_pour_past_midnight(
    late: Network, outcome: PlanOutcome
) -> None:
    plan = outcome.plan
    (run,) = [r for r in plan.runs if r.order_id == "O9"]  # a pour across midnight, at C2
    # the same pour into C1's managed furnace: past the day its levels are simulated over
    moved = run.model_copy(
        update={"order_id": plan.supply.deliveries[0].order_id, "caster_id": "C1", "alloy": "ADC12"}
    )
    runs = tuple(moved if r is run else r for r in plan.runs)
    rules = {v.rule for v in check(late, plan.model_copy(update={"runs": runs})).violations}
    assert "furnace_past_day" in rules
