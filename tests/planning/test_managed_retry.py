"""Managed deliveries first, and past the time limit, in the ladle pool's second try.

The large fuzzed day ``large-7`` (a ladle pool of cold ladles, benchmarks/fuzz.py) with
every fourth caster on managed supply (benchmarks/supply_network.py; every fourth, not
every other one, for a day quicker to plan that shows the same), planned by the
dispatcher. The pool's second try of the leftovers (planning/ladle_retry.py) is run as
if the time limit had passed before it started: the casters' orders are not tried (a
``fleet`` one is ``not_planned_in_time``), the managed deliveries still are, and the ones
it places are in the plan with a ladle of their smelter's pool; the checker finds
every rule held. Without the managed deliveries' grace in that try, it places none.
The visit search of the managed deliveries' days, which only improves them and is
bounded by time (30 s a decision at this time limit), is given :data:`SEARCH_S`.
"""

from __future__ import annotations

import pytest

import logistics.pipeline.supply as supply
import logistics.planning.solve as solve
from benchmarks.fuzz import write_random_network
from benchmarks.supply_network import write_managed_copy
from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.pipeline import plan_day
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.planning.ladle_delay import DayParts
from logistics.planning.ladle_retry import Pooled, retry_with_pool
from logistics.planning.managed import MANAGED_PREFIX

SEED = 7
#: Every this many casters on managed supply.
EVERY = 4
#: Time for the visit search of each supply decision, s.
SEARCH_S = 2.0


Tried = list[tuple[Pooled, Pooled]]


def _managed(order_id: str) -> bool:
    return order_id.startswith(MANAGED_PREFIX)


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> tuple[Network, Plan, Tried]:
    """The managed day planned with the pool's second try started past the limit: the
    plan, and each pass's leftovers before and after that try."""
    folder = tmp_path_factory.mktemp("large-7")
    write_random_network(folder / "day", SEED)
    network = load_network(write_managed_copy(folder / "day", folder / "managed", every=EVERY))
    assert network.ladles and any(f.managed for f in network.furnaces)
    tried: Tried = []

    def out_of_time(parts: DayParts, pooled: Pooled, day_start, **kwargs) -> Pooled:  # type: ignore[no-untyped-def]
        done = retry_with_pool(parts, pooled, day_start, **{**kwargs, "deadline": 0.0})
        tried.append((pooled, done))
        return done

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(solve, "retry_with_pool", out_of_time)
        patched.setattr(supply, "search_limit_s", lambda day_limit_s: SEARCH_S)
        plan = plan_day(network, PlanOptions(solver="greedy", time_limit_s=900)).plan
    return network, plan, tried


def _placed(before: Pooled, after: Pooled) -> list[str]:
    """Order ids of the jobs the try placed (left before it, not after)."""
    still = {j.job_id for j in after.left}
    return [j.order_id for j in before.left if j.job_id not in still]


def test_managed_leftovers_are_tried_past_the_limit(
    late: tuple[Network, Plan, Tried],
) -> None:
    network, plan, tried = late
    placed = [o for before, after in tried for o in _placed(before, after)]
    assert any(_managed(o) for o in placed)  # placed after the limit
    assert not any(not _managed(o) for o in placed)  # the casters' orders: no grace
    report = check(network, plan)
    assert report.ok, [str(v) for v in report.violations]
    home = {ladle.ladle_id: ladle.home_smelter for ladle in network.ladles}
    assert all(r.ladle_id is not None and home[r.ladle_id] == r.smelter_id for r in plan.runs)


def test_the_casters_orders_are_not_tried_past_the_limit(
    late: tuple[Network, Plan, Tried],
) -> None:
    _, plan, _ = late
    ordered = [u for u in plan.unserved if not _managed(u.order_id)]
    assert not any(u.reason == "fleet" for u in ordered)
    assert any(u.reason == "not_planned_in_time" for u in ordered)
