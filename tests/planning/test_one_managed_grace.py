"""One managed grace per routed pass, shared by the insertion and the pool's retry.

Managed deliveries are still tried a short grace past a pass's deadline
(planning/insert.py ``MANAGED_GRACE_S``). The grace is taken once, when the pass's
leftovers are first tried, and the ladle pool's second try (planning/ladle_retry.py)
gets the same moment, not a fresh grace of its own: a pass runs at most one grace (and
one try under way) past its deadline.

The large fuzzed day ``large-7`` (a ladle pool of cold ladles) with every other caster
on managed supply, planned by the dispatcher as if its search had placed nothing and
run far past the deadline, on a clock the test moves (the planner's modules read it in
place of :func:`time.monotonic`): the insertion of the leftovers uses up the whole
grace, so the pool's retry must try no ladle at all; its managed ``fleet`` leftovers,
untried, are ``not_planned_in_time``. The plan is checked independently. The visit
search of the managed deliveries' days, which only improves them and is bounded by
time (30 s a decision at this time limit), is given :data:`SEARCH_S`.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import logistics.pipeline.supply as supply
import logistics.planning.insert as insert
import logistics.planning.ladle_retry as ladle_retry
import logistics.planning.solve as solve
import logistics.planning.topup as topup
from benchmarks.fuzz import write_random_network
from benchmarks.supply_network import write_managed_copy
from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.pipeline import plan_day
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.planning.insert import MANAGED_GRACE_S
from logistics.planning.managed import MANAGED_PREFIX

SEED = 7
#: Where the clock stands when the search ends, s: far past any real deadline.
OVERRUN_AT = 1e9
#: Time for the visit search of each supply decision, s.
SEARCH_S = 2.0


class _Clock:
    """A monotonic clock that moves only when the test moves it, s."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class _Seen:
    """What the planner did: the pool's retry's input and output, the jobs it tried."""

    def __init__(self) -> None:
        self.retries: list[tuple[ladle_retry.Pooled, ladle_retry.Pooled]] = []
        self.tried: list[str] = []


def _managed(order_id: str) -> bool:
    return order_id.startswith(MANAGED_PREFIX)


def _patch(patched: pytest.MonkeyPatch, clock: _Clock, seen: _Seen) -> None:
    """The search places nothing and ends at :data:`OVERRUN_AT`; the insertion of the
    leftovers takes a little more than the grace; the retry's tries are recorded."""

    def nothing(ctx, assigned, states, bays, work=None):  # type: ignore[no-untyped-def]
        clock.now = OVERRUN_AT
        return [], [a.job for a in assigned]

    real_insert, real_retry = solve.insert_jobs, solve.retry_with_pool
    real_room = ladle_retry._Tries.room

    def slow_insert(*args, **kwargs):  # type: ignore[no-untyped-def]
        done = real_insert(*args, **kwargs)
        clock.now += MANAGED_GRACE_S + 0.5  # the insertion used up the pass's grace
        return done

    def recorded_retry(parts, pooled, day_start, **kwargs):  # type: ignore[no-untyped-def]
        done = real_retry(parts, pooled, day_start, **kwargs)
        seen.retries.append((pooled, done))
        return done

    def recorded_room(self, job, reason):  # type: ignore[no-untyped-def]
        seen.tried.append(job.job_id)
        return real_room(self, job, reason)

    for module in (insert, ladle_retry, topup):
        patched.setattr(module, "time", SimpleNamespace(monotonic=clock))
    patched.setattr(solve, "greedy_plan", nothing)
    patched.setattr(solve, "insert_jobs", slow_insert)
    patched.setattr(solve, "retry_with_pool", recorded_retry)
    patched.setattr(ladle_retry._Tries, "room", recorded_room)
    patched.setattr(supply, "search_limit_s", lambda day_limit_s: SEARCH_S)
    # the late deliveries after the loop are a step of their own, on the real clock with
    # the day's time left (tests/supply/test_managed_late_clock.py): not this pass's tries
    patched.setattr(supply, "_with_late", lambda network, plan, *args, **kwargs: (network, plan))


@pytest.fixture(scope="module")
def overrun(tmp_path_factory: pytest.TempPathFactory) -> tuple[Network, Plan, _Seen]:
    folder = tmp_path_factory.mktemp("large-7")
    write_random_network(folder / "day", SEED)
    network = load_network(write_managed_copy(folder / "day", folder / "managed"))
    assert network.ladles and any(f.managed for f in network.furnaces)
    clock, seen = _Clock(), _Seen()
    with pytest.MonkeyPatch.context() as patched:
        _patch(patched, clock, seen)
        plan = plan_day(network, PlanOptions(solver="greedy", time_limit_s=900)).plan
    return network, plan, seen


def test_the_insertion_uses_the_grace(overrun: tuple[Network, Plan, _Seen]) -> None:
    network, plan, _ = overrun
    report = check(network, plan)
    assert report.ok, [str(v) for v in report.violations]
    assert any(_managed(r.order_id) for r in plan.runs)  # inserted past the deadline
    assert not any(not _managed(r.order_id) for r in plan.runs)  # the casters': no grace


def test_the_pool_retry_gets_no_second_grace(overrun: tuple[Network, Plan, _Seen]) -> None:
    _, plan, seen = overrun
    assert seen.retries  # the pool's retry ran
    retried = ("fleet", "cost", "ladles")
    waiting = [
        j
        for before, _ in seen.retries
        for j in before.left
        if _managed(j.order_id) and before.reasons.get(j.job_id) in retried
    ]
    assert waiting  # managed leftovers a fresh grace would have tried
    assert seen.tried == []  # past the pass's one grace: not one of them tried
    for before, after in seen.retries:
        assert {j.job_id for j in after.left} == {j.job_id for j in before.left}
        for job in before.left:
            if before.reasons.get(job.job_id) == "fleet":
                assert after.reasons[job.job_id] == "not_planned_in_time"
    reasons = {u.reason for u in plan.unserved if _managed(u.order_id)}
    assert "not_planned_in_time" in reasons
