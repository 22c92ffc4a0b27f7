"""Each day of the look-ahead plans with its own orders, not the plan day's again.

The managed tiny network (C1's ADC12 furnace holding 11 t) over Monday and Tuesday,
its Monday orders dated (ISO 8601), and the same where ``orders.csv`` also holds
Tuesday's orders, dated (Monday's rows left ``HH:MM``: the first day's only): C2
orders 3 × 18 t of ADC12 on Tuesday morning and C4 4 t of A380 (Monday: C2 9 t ADC12
and 3 t AlSi7Mg, C4 6 t A380). Monday's delivery decision sees Tuesday's orders take
trucks and metal and brings C1 more on Monday evening; without them Tuesday has no
orders. Tuesday's routed plan serves Tuesday's orders, none of Monday's, by the checker
and by its own rows. A file without dates (``HH:MM`` only) is the same orders on any
date: the look-ahead and the horizon repeat it.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from logistics import load_network
from logistics.check import check
from logistics.check.horizon import check_plans
from logistics.check.report import CheckReport
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.pipeline.horizon import HorizonOutcome, plan_horizon
from logistics.pipeline.supply import lookahead_days
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.planning.horizon_supply import decide_deliveries, lookahead_orders
from logistics.planning.managed import MANAGED_PREFIX
from tests.conftest import read_table, write_table
from tests.supply.conftest import with_dated_orders

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)
KEY = ("C1", "ADC12")
#: Tuesday's orders: (id, caster, alloy, tonnes, window start h, window end h).
TUESDAY = [
    ("TU0", "C2", "ADC12", 18.0, 6, 8),
    ("TU1", "C2", "ADC12", 18.0, 8, 10),
    ("TU2", "C2", "ADC12", 18.0, 10, 12),
    ("TU3", "C4", "A380", 4.0, 11, 14),
]


@pytest.fixture(scope="module")
def dated_monday(usual_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with Monday's order windows written as ISO 8601 date-times."""
    net = tmp_path_factory.mktemp("dated") / "net"
    shutil.copytree(usual_dir, net)
    table = read_table(net / "orders.csv")
    header = table[0]
    for row in table[1:]:
        for column in ("window_start", "window_end"):
            i = header.index(column)
            row[i] = f"{MON}T{row[i]}:00+08:00"
    write_table(net / "orders.csv", table)
    return net


@pytest.fixture(scope="module")
def busy_tuesday(usual_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The managed tiny network with Tuesday's own orders added to ``orders.csv``, dated;
    Monday's rows stay ``HH:MM`` (a file with dates: they are the plan date's only)."""
    net = tmp_path_factory.mktemp("busy") / "net"
    shutil.copytree(usual_dir, net)
    with_dated_orders(net, TUESDAY, TUE, MON)
    return net


def _decided(folder: Path) -> float:
    """Tonnes Monday's decision gives C1's ADC12 furnace on Monday, t."""
    network = load_network(folder, MON)
    hourly = decide_deliveries(network, Travel.of(network), ahead=lookahead_days(network))
    return float(hourly[KEY].sum())


def test_each_lookahead_day_has_its_own_orders(
    usual_dir: Path, dated_monday: Path, busy_tuesday: Path
) -> None:
    dated = load_network(dated_monday, MON)
    assert not dated.undated_orders
    monday, tuesday = lookahead_orders(dated, 2)
    assert {o.order_id for o in monday} == {o.order_id for o in dated.day_orders}
    assert tuesday == ()  # no orders on Tuesday: none, not Monday's again
    busy = load_network(busy_tuesday, MON)
    assert busy.day_orders == dated.day_orders  # Monday alike
    monday, tuesday = lookahead_orders(busy, 2)
    assert {o.order_id for o in monday} == {o.order_id for o in dated.day_orders}
    assert [o.order_id for o in tuesday] == [t[0] for t in TUESDAY]
    # the supplier's own deliveries are not the casters' orders
    delivery = tuesday[0].model_copy(update={"order_id": f"{MANAGED_PREFIX}C1-ADC12-9"})
    extra = busy.model_copy(update={"orders": (*busy.orders, delivery)})
    assert [o.order_id for o in lookahead_orders(extra, 2)[1]] == [t[0] for t in TUESDAY]
    # a file without dates is the same orders on any date: Tuesday has Monday's again
    undated = load_network(usual_dir, MON)
    assert undated.undated_orders and undated.day_orders == dated.day_orders
    monday, tuesday = lookahead_orders(undated, 2)
    on_tuesday = load_network(usual_dir, TUE).day_orders
    assert sorted(tuesday, key=lambda o: o.order_id) == sorted(on_tuesday, key=lambda o: o.order_id)


def test_tuesdays_orders_make_monday_bring_more(dated_monday: Path, busy_tuesday: Path) -> None:
    # Tuesday's orders take Tuesday's trucks and ADC12: C1 is filled more on Monday
    # (the plan day's orders taken again for Tuesday gave the same decision both times)
    assert _decided(busy_tuesday) > _decided(dated_monday) + 1.0


def _horizon(folder: Path) -> HorizonOutcome:
    def load_day(d: date) -> Network:
        return load_network(folder, d)

    return plan_horizon(load_day, MON, 2, PlanOptions(solver="greedy", time_limit_s=5))


def _ordered_served(outcome: HorizonOutcome, day: int) -> dict[str, float]:
    """Tonnes each casters' order gets from the day's runs, from the plan's rows, t."""
    served: dict[str, float] = defaultdict(float)
    for r in outcome.outcomes[day].plan.runs:
        if not r.order_id.startswith(MANAGED_PREFIX):
            served[r.order_id] += r.tonnes
    return dict(served)


def test_tuesdays_routed_plan_serves_tuesdays_orders(busy_tuesday: Path) -> None:
    outcome = _horizon(busy_tuesday)
    assert [o.report.ok for o in outcome.outcomes] == [True, True]
    monday_ids = {o.order_id for o in outcome.networks[0].day_orders}
    tuesday = outcome.outcomes[1].plan
    assert tuesday.plan_date == TUE
    assert {o.order_id for o in outcome.networks[1].day_orders} == {t[0] for t in TUESDAY}
    served = _ordered_served(outcome, 1)
    assert served and set(served) <= {t[0] for t in TUESDAY}
    assert not set(served) & monday_ids  # no copy of Monday's orders
    wanted = {t[0]: t[3] for t in TUESDAY}
    by_order = {o: wanted[o] for o in served}
    assert all(served[o] <= by_order[o] + 1e-6 for o in served)
    # every Tuesday order is served or reported unserved, tonne for tonne
    unserved: dict[str, float] = defaultdict(float)
    for u in tuesday.unserved:
        unserved[u.order_id] += u.tonnes
    for oid, tonnes in wanted.items():
        assert served.get(oid, 0.0) + unserved.get(oid, 0.0) == pytest.approx(tonnes, abs=1e-3)
    # C4's A380 on Tuesday is Tuesday's 4 t, served or not, not Monday's 6 t again
    c4 = sum(r.tonnes for r in tuesday.runs if (r.caster_id, r.alloy) == ("C4", "A380"))
    c4 += sum(u.tonnes for u in tuesday.unserved if (u.caster_id, u.alloy) == ("C4", "A380"))
    assert c4 == pytest.approx(4.0)
    # and Monday's plan serves none of Tuesday's orders
    assert not set(_ordered_served(outcome, 0)) & set(wanted)


def test_the_checker_flags_a_copy_of_mondays_order_on_tuesday(busy_tuesday: Path) -> None:
    outcome = _horizon(busy_tuesday)
    plans = [o.plan for o in outcome.outcomes]

    def load_day(d: date) -> Network:
        return load_network(busy_tuesday, d)

    def checked(plans: list[Plan]) -> list[CheckReport]:
        reports = check_plans(outcome.networks[0], plans, load_day, lambda n, p, t: check(n, p, t))
        return [r for _, r in reports]

    assert [r.ok for r in checked(plans)] == [True, True]
    # a Tuesday run re-labelled as Monday's O2 (C2, ADC12): O2 is not Tuesday's order
    tuesday = plans[1]
    k = next(i for i, r in enumerate(tuesday.runs) if r.order_id in {"TU0", "TU1", "TU2"})
    runs = list(tuesday.runs)
    runs[k] = runs[k].model_copy(update={"order_id": "O2"})
    broken = tuesday.model_copy(update={"runs": tuple(runs)})
    monday, tue = checked([plans[0], broken])
    assert monday.ok
    assert any(v.rule == "unknown_id" and v.order_id == "O2" for v in tue.violations)


def test_a_file_without_dates_is_planned_on_every_day(usual_dir: Path) -> None:
    outcome = _horizon(usual_dir)
    assert [o.report.ok for o in outcome.outcomes] == [True, True]
    ids = [{o.order_id for o in n.day_orders} for n in outcome.networks]
    assert ids[0] == ids[1] and ids[0]
