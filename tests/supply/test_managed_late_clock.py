"""The late deliveries' try keeps to the day's time limit, and a deterministic run's
(``solution_limit``) never depends on the clock.

:func:`logistics.pipeline.supply._with_late` runs on a controlled clock
(``time.monotonic`` patched) with a stand-in insertion that records its calls.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from logistics.pipeline import supply
from logistics.plan.options import PlanOptions

KEY = ("C1", "ADC12")
LATE = (
    SimpleNamespace(order_id="M-C1-ADC12-02-late", caster_id="C1", alloy="ADC12"),
    SimpleNamespace(order_id="M-C1-ADC12-03-late", caster_id="C1", alloy="ADC12"),
)


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class _Network:
    orders: tuple[Any, ...] = ()

    def model_copy(self, update: dict[str, Any]) -> _Network:
        return self


_PLAN = SimpleNamespace(runs=[])


class _StopError(Exception):
    pass


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    c = _Clock(100.0)
    monkeypatch.setattr(supply.time, "monotonic", c)
    monkeypatch.setattr(supply, "late_deliveries", lambda plan, network: LATE)
    monkeypatch.setattr(supply, "low_furnaces", lambda plan: {KEY})
    monkeypatch.setattr(supply, "_merged", lambda network, plan, ids, tried, travel: tried)
    return c


def _serving_first(clock: _Clock, took_s: float, calls: list[float]) -> Any:
    """An insertion that takes ``took_s`` and serves only the first late delivery, then
    stops the try on its second call."""

    def inserted(network: Any, options: PlanOptions, plan: Any) -> Any:
        calls.append(options.time_limit_s)
        if len(calls) > 1:
            raise _StopError
        clock.now += took_s
        return SimpleNamespace(runs=[SimpleNamespace(order_id=LATE[0].order_id)])

    return inserted


def test_no_late_try_with_less_than_a_pass_left(clock: _Clock) -> None:
    calls: list[float] = []
    net, plan = _Network(), _PLAN
    ends = clock.now + 0.5 * supply.MIN_PASS_S
    options = PlanOptions(solver="greedy", time_limit_s=4)
    got = supply._with_late(net, plan, _serving_first(clock, 0.1, calls), options, ends)  # type: ignore[arg-type]
    assert calls == [] and got == (net, plan)


def test_no_second_insertion_past_the_limit(clock: _Clock) -> None:
    calls: list[float] = []
    net, plan = _Network(), _PLAN
    ends = clock.now + 2.0
    options = PlanOptions(solver="greedy", time_limit_s=4)
    got = supply._with_late(net, plan, _serving_first(clock, 1.5, calls), options, ends)  # type: ignore[arg-type]
    assert calls == [2.0] and got == (net, plan)


@pytest.mark.parametrize("took_s", [0.0, 50.0])
def test_a_deterministic_run_makes_the_second_insertion_whatever_the_clock(
    clock: _Clock, took_s: float
) -> None:
    calls: list[float] = []
    ends = clock.now + 0.5 * supply.MIN_PASS_S  # too little left, were the clock asked
    options = PlanOptions(solver="greedy", time_limit_s=4, solution_limit=10)
    with pytest.raises(_StopError):
        supply._with_late(_Network(), _PLAN, _serving_first(clock, took_s, calls), options, ends)  # type: ignore[arg-type]
    assert calls == [4, 4]  # the options as given: no time limit from the clock either
