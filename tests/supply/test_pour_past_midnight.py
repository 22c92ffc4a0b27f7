"""A pour that would start before 24:00 and end after it: into a managed furnace it is
not planned (its metal would be missing from the day's levels and from the next day's
start), while an ordinary order at a caster open past midnight still pours across it.

The network: tiny with C1, C2 and the smelters open until 26:00 and the trucks' shifts
until 26:00; C1's ADC12 furnace on managed supply, full at the start (10 t, minimum
1.5 t), drawing 3.2 t/h from ``FROM_H`` to 24:00 and, on Tuesdays, from 00:00 to 06:00
(1.5 t/h), so the evening fill must cover the next morning. A ladle pours 15 min, so a
pour into the furnace starts by 23:45.

* ``late`` (draw from 23:00): its one ladle of 3 t fits under the capacity only from
  23:57, too late to pour within the day: no delivery is cut (it is the next day's,
  from the level carried over), none is left unserved for its window.
* ``roomy`` (draw from 22:00): a ladle fits from 22:57; its window ends at 23:45, not
  24:00, and it is poured within the day.

C2 has an order whose window (23:50–23:59) lets its pour run past midnight.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.network.model import Network
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.planning.managed import MANAGED_PREFIX, managed_deliveries
from logistics.planning.windows import order_window
from tests.conftest import copy_tiny

CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    "C1,ADC12,managed,10,1.5,10,{from_h},24.0,3.2,\n"
    "C1,ADC12,,,,,0.0,6.0,1.5,Tue\n"
)
LATE_ORDER = ("O9", "C2", "ADC12", "3", "23:50", "23:59", "2026-11-23T08:00:00+08:00")
#: The last minute a 15-minute pour into C1's managed furnace may start (23:45).
LAST_START = 1440 - 15


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows = [r for r in map(change, rows) if r is not None]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _network(folder: Path, from_h: float) -> Network:
    copy_tiny(folder)
    _edit(
        folder / "casters.csv",
        lambda r: {**r, "close": "26:00"} if r["caster_id"] in ("C1", "C2") else r,
    )
    _edit(folder / "smelters.csv", lambda r: {**r, "close": "26:00"})
    _edit(folder / "fleet.csv", lambda r: {**r, "shift_end": "26:00"})
    _edit(folder / "orders.csv", lambda r: None if r["caster_id"] == "C1" else r)
    with (folder / "orders.csv").open("a", encoding="utf-8") as fh:
        fh.write(",".join(LATE_ORDER) + "\n")
    (folder / "consumption.csv").write_text(CONSUMPTION.format(from_h=from_h), encoding="utf-8")
    return load_network(folder)


def _levels(network: Network, plan: Plan, from_h: float) -> list[float]:
    """C1/ADC12's level at every whole minute of the day (t), from the plan's runs alone:
    10 t, less 3.2 t/h from ``from_h``, plus each pour's tonnes spread over its minutes."""
    pours = [
        (network.minutes(r.pour_start), network.minutes(r.pour_end), r.tonnes)
        for r in plan.runs
        if (r.caster_id, r.alloy) == ("C1", "ADC12")
    ]
    return [
        10.0
        - 3.2 / 60 * max(0.0, m - from_h * 60)
        + sum(t * min(1.0, max(0.0, (m - s) / (e - s))) for s, e, t in pours)
        for m in range(1441)
    ]


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> Network:
    return _network(tmp_path_factory.mktemp("late") / "net", 23.0)


@pytest.fixture(scope="module")
def roomy(tmp_path_factory: pytest.TempPathFactory) -> Network:
    return _network(tmp_path_factory.mktemp("roomy") / "net", 22.0)


@pytest.fixture(scope="module")
def outcome(late: Network) -> PlanOutcome:
    return plan_day(late, PlanOptions(solver="greedy", time_limit_s=5))


@pytest.fixture(scope="module")
def roomy_outcome(roomy: Network) -> PlanOutcome:
    return plan_day(roomy, PlanOptions(solver="greedy", time_limit_s=5))


def test_a_load_that_fits_only_after_the_last_start_is_the_next_days(
    late: Network, outcome: PlanOutcome
) -> None:
    # the 3 t ladle fits under the capacity from 23:57, after 23:45: no delivery is cut
    assert managed_deliveries(late) == ()
    plan = outcome.plan
    assert check(late, plan).ok and outcome.report.ok
    assert plan.supply is not None and plan.supply.deliveries == ()
    assert not [u for u in plan.unserved if u.order_id.startswith(MANAGED_PREFIX)]
    # the level, recomputed from the plan's rows, keeps its minimum all day
    levels = _levels(late, plan, 23.0)
    assert min(levels) >= 1.5 - 1e-3
    assert levels[-1] == pytest.approx(10 - 3.2)  # carried to the next day
    (furnace,) = plan.supply.furnaces
    assert furnace.levels_t[-1] == pytest.approx(levels[-1], abs=1e-6)


def test_a_delivery_window_ends_one_pour_before_midnight(
    roomy: Network, roomy_outcome: PlanOutcome
) -> None:
    # a 3 t ladle fits from 22:57; the morning needs it, so it is the evening's delivery
    (delivery,) = managed_deliveries(roomy)
    assert delivery.tonnes == pytest.approx(3.0)
    window = (roomy.minutes(delivery.window_start), roomy.minutes(delivery.window_end))
    assert window == (22 * 60 + 57, LAST_START)
    plan = roomy_outcome.plan
    assert check(roomy, plan).ok and roomy_outcome.report.ok
    assert not [u for u in plan.unserved if u.order_id.startswith(MANAGED_PREFIX)]
    into_c1 = [r for r in plan.runs if (r.caster_id, r.alloy) == ("C1", "ADC12")]
    assert sum(r.tonnes for r in into_c1) == pytest.approx(3.0)
    assert all(roomy.minutes(r.pour_end) <= 1440 for r in into_c1)
    levels = _levels(roomy, plan, 22.0)
    assert min(levels) >= 1.5 - 1e-3 and max(levels) <= 10 + 1e-3
    assert levels[-1] == pytest.approx(10 - 6.4 + 3.0)  # every tonne poured counts
    assert plan.supply is not None
    (furnace,) = plan.supply.furnaces
    assert furnace.levels_t[-1] == pytest.approx(levels[-1], abs=1e-6)


def test_an_ordered_pour_may_still_run_past_midnight(late: Network, outcome: PlanOutcome) -> None:
    order = late.order_by_id["O9"]
    window = order_window(late, order).pour
    assert (window.earliest, window.latest) == (1430, 1439)
    (run,) = [r for r in outcome.plan.runs if r.order_id == "O9"]
    assert late.minutes(run.pour_start) < 1440 < late.minutes(run.pour_end)
    assert check(late, outcome.plan).ok


def test_the_checker_flags_a_managed_pour_past_midnight(
    roomy: Network, roomy_outcome: PlanOutcome
) -> None:
    plan = roomy_outcome.plan
    (run,) = [r for r in plan.runs if r.order_id == "O9"]  # a pour across midnight, at C2
    assert plan.supply is not None
    # the same pour into C1's managed furnace: past the day its levels are simulated over
    moved = run.model_copy(
        update={"order_id": plan.supply.deliveries[0].order_id, "caster_id": "C1", "alloy": "ADC12"}
    )
    runs = tuple(moved if r is run else r for r in plan.runs)
    rules = {v.rule for v in check(roomy, plan.model_copy(update={"runs": runs})).violations}
    assert "furnace_past_day" in rules
