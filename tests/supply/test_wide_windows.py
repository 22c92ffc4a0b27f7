"""Managed deliveries handed to the router with wide windows.

* a delivery's window ends at the last minute its first pour may *start* (a ladle
  pours faster than the cells draw), and pouring every ladle from that minute on keeps
  the level at or above the minimum (recomputed here minute by minute);
* the decision's tonnes are all due by the end of its last hour with a delivery, the
  earlier ones as the level itself needs them.
"""

from __future__ import annotations

import numpy as np

from logistics.network.model import Network
from logistics.planning.horizon_supply import due_by_last_hour, required_by_minute
from logistics.planning.managed import managed_deliveries
from logistics.planning.windows import pour_minutes


def _drawn(network: Network, key: tuple[str, str], minutes: int) -> np.ndarray:
    """Tonnes the cells have drawn by every whole minute, from the bands, t."""
    minute = np.arange(minutes, dtype=float)
    drawn = np.zeros(minutes)
    for b in network.consumption:
        if (b.caster_id, b.alloy) == key and b.applies_on(network.plan_date.weekday()):
            drawn += np.clip(minute - b.from_h * 60.0, 0.0, (b.to_h - b.from_h) * 60.0) * (
                b.t_per_h / 60.0
            )
    return drawn


def test_a_window_ends_when_the_first_pour_must_start(managed: Network) -> None:
    deliveries = managed_deliveries(managed)
    ladle_t = min(t.ladle_t for t in managed.fleet)
    checked = 0
    for f in managed.furnaces:
        key = (f.caster_id, f.alloy)
        first = next((d for d in deliveries if (d.caster_id, d.alloy) == key), None)
        if first is None:
            continue
        level = f.start_level_t - _drawn(managed, key, 24 * 60 + 1)
        lows = np.flatnonzero(level < f.min_level_t - 1e-3)
        if not lows.size:
            continue  # needed only the next morning
        end = int(managed.minutes(first.window_end))
        pour = pour_minutes(managed.caster_by_id[f.caster_id])
        assert end >= int(lows[0]) - 2 > end - pour, key  # not a pour per ladle earlier
        minute = np.arange(level.size, dtype=float)
        poured = np.zeros(level.size)
        ladles = round(first.tonnes / ladle_t)
        for k in range(ladles):  # ladle k pours from the window's end + k pours
            poured += ladle_t * np.clip((minute - end - k * pour) / pour, 0.0, 1.0)
        until = end + ladles * pour + 1
        assert (level + poured)[:until].min() >= f.min_level_t - 1e-3, key
        checked += 1
    assert checked >= 2


def test_the_decisions_tonnes_are_due_by_its_last_hour() -> None:
    hourly = np.zeros(24)
    hourly[[2, 4]] = [2.0, 3.0]
    due = due_by_last_hour(hourly, 24 * 60)
    assert due[: 5 * 60].max() == 0.0
    assert due[5 * 60 :].min() == 5.0
    assert due_by_last_hour(np.zeros(24), 24 * 60).max() == 0.0


def test_tonnes_of_the_days_last_hour_are_due_by_its_last_minute() -> None:
    # a furnace whose last delivery is 23:00–24:00 keeps the day's tonnes due
    hourly = np.zeros(24)
    hourly[[8, 23]] = [10.0, 5.0]
    for due in (due_by_last_hour(hourly, 24 * 60), required_by_minute(hourly, 24 * 60)):
        assert due[-1] == 15.0
        assert due[: 23 * 60 + 59].max() <= 10.0
    assert required_by_minute(hourly, 24 * 60)[9 * 60] == 10.0
