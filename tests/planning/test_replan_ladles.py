"""Intraday re-planning on a network with a ladle pool and drivers' rules.

The runs under way keep their ladles (and their ladles' drop), and the whole re-planned
day (facts + new runs) is judged by the independent checker, whose ladle rules see
each ladle's use across the facts and the new runs.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.model import Network, Order
from logistics.pipeline import facts_at, plan_day, replan
from logistics.plan.options import PlanOptions

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def pool_network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    """tiny with the test ladle pool and drivers' rules at their defaults."""
    net = Path(shutil.copytree(DATA / "tiny", tmp_path_factory.mktemp("pool") / "tiny"))
    shutil.copy(DATA / "tiny_ladles" / "ladles.csv", net / "ladles.csv")
    with (net / "network.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[drivers]\n")
    return load_network(net)


def at(network: Network, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return network.at(h * 60 + m)


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_a_replan_keeps_the_ladles_under_way_and_checks(pool_network: Network, solver: str) -> None:
    morning = plan_day(pool_network, PlanOptions(solver="greedy", workers=1)).plan
    assert morning.has_ladles and check(pool_network, morning).ok
    now = at(pool_network, "10:00")
    facts = facts_at(morning, now)
    assert facts and all(r.ladle_id for r in facts), "trips under way at 10:00, with ladles"
    urgent = Order(
        order_id="U1",
        caster_id="C1",
        alloy="ADC12",
        tonnes=3.0,
        window_start=at(pool_network, "14:00"),
        window_end=at(pool_network, "15:00"),
        placed_at=now,
    )

    result = replan(
        pool_network,
        morning,
        now,
        PlanOptions(solver=solver, time_limit_s=3, workers=1),
        new_orders=[urgent],
    )
    plan = result.outcome.plan
    report = check(result.network, plan)
    assert report.ok, [str(v) for v in report.violations]
    by_id = {r.run_id: r for r in plan.runs}
    for fact in facts:  # kept exactly, ladle and drop included
        assert by_id[fact.run_id] == fact
        assert (by_id[fact.run_id].ladle_id, by_id[fact.run_id].ladle_drop_c) == (
            fact.ladle_id,
            fact.ladle_drop_c,
        )
    new = [r for r in plan.runs if r not in facts]
    assert new and all(r.ladle_id for r in new)  # the new runs take ladles of the pool too
    assert all(r.fill_start >= now for r in new)

    # mutation: a new run given the ladle a run under way last used at its smelter; the
    # checker follows that ladle from the facts into the new runs and flags it
    run = new[0]
    fact = next(f for f in facts if f.smelter_id == run.smelter_id and f.ladle_id != run.ladle_id)
    broken = tuple(r.model_copy(update={"ladle_id": fact.ladle_id}) if r is run else r
                   for r in plan.runs)  # fmt: skip
    mutated = check(result.network, plan.model_copy(update={"runs": broken}))
    assert not mutated.ok
    assert any(v.rule.startswith("ladle") and v.run_id == run.run_id for v in mutated.violations)
