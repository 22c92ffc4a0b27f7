"""The search's share of the time limit, and the reserve kept for the work after it.

With a ladle pool the leftovers are tried after the ladle pass, each room passed again
with the pool, then in free slots: on the Pearl River Delta sample that took 8-14 s
after the search, where the reserve of other days (five times the dispatcher's time
plus 1 s) left 6-10 s and 64-102 t untried (``not_planned_in_time``) at 60 s. A day
with a pool keeps more; the clock is a controlled one.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import logistics.planning.solve as solve


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """``solve``'s clock, standing at 103 s: the planning call started at 100 s."""
    fake = SimpleNamespace(now=103.0)
    monkeypatch.setattr(solve, "time", SimpleNamespace(monotonic=lambda: fake.now))
    return fake


def test_a_ladle_pool_keeps_more_for_its_leftovers(clock: SimpleNamespace) -> None:
    # the dispatcher took 1.5 s, 3 s of the 60 are spent
    plain = solve._search_budget(60.0, 100.0, 1.5)
    walked = solve._search_budget(60.0, 100.0, 1.5, walked=True)
    pooled = solve._search_budget(60.0, 100.0, 1.5, walked=True, pooled=True)
    assert plain == pytest.approx(60.0 - 3.0 - (2.0 * 1.5 + 0.5))
    assert walked == pytest.approx(60.0 - 3.0 - (5.0 * 1.5 + 1.0))
    assert pooled == pytest.approx(60.0 - 3.0 - (8.0 * 1.5 + 1.0))  # 13 s kept, not 8.5
    assert solve._search_budget(60.0, 100.0, 1.5, pooled=True) == pooled


def test_the_pool_reserve_is_at_most_three_tenths_of_the_limit(clock: SimpleNamespace) -> None:
    clock.now = 100.5
    assert solve._search_budget(15.0, 100.0, 1.5, pooled=True) == pytest.approx(
        15.0 - 0.5 - 0.3 * 15.0
    )
    # never below a second, however late the search starts
    clock.now = 114.0
    assert solve._search_budget(15.0, 100.0, 1.5, pooled=True) == 1.0
