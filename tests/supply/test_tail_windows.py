"""The last deliveries of a furnace's day are cut so that none is left the day's last
minute: the loads that meet the rest of the need are chosen for the widest narrowest
window, not a wide one followed by a ladle that fits under the capacity only at 23:47.

Found on the Pearl River Delta sample (``python -m benchmarks.supply --days 3 --modes
managed``): PRD-C05's A380 furnace (13.2 t, minimum 1.98 t, 33 t a day drawn around the
clock, 12-minute pours) needed 4.53 t more for the evening and the next morning; the
cut took one 4-t ladle (a two-hour window) and then a 3-t ladle for the last 0.53 t,
which fitted under the capacity only at 23:47 — a window 23:47–23:48 the router
dropped. Two 3-t ladles (23:04–23:48) meet the need in one delivery.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from logistics import load_network
from logistics.network.model import Network
from logistics.planning.managed import managed_deliveries
from tests.conftest import read_table, tiny_with_managed_c1, write_table

RATE_T_PER_H = 1.375
CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    f"C1,ADC12,managed,13.2,1.98,11.88,0.0,24.0,{RATE_T_PER_H},\n"
)
KEY = ("C1", "ADC12")


def _network(tmp_path: Path) -> Network:
    """tiny with C1's furnace as PRD-C05's A380 one: 12-minute pours, trucks of three
    3-t and two 4-t ladles, every shift from 04:00 (the evening covers until 06:00)."""
    net = tiny_with_managed_c1(tmp_path / "net", CONSUMPTION)
    casters = read_table(net / "casters.csv")
    casters[1][casters[0].index("unload_min")] = "12"
    write_table(net / "casters.csv", casters)
    fleet = read_table(net / "fleet.csv")
    head = fleet[0]
    fleet[1][head.index("ladles")], fleet[1][head.index("ladle_t")] = "3", "3"
    fleet[2][head.index("ladles")], fleet[2][head.index("ladle_t")] = "2", "4"
    for row in fleet[1:]:
        row[head.index("shift_start")] = "04:00"
    write_table(net / "fleet.csv", fleet)
    return load_network(net)


def _levels(network: Network, poured_at: list[tuple[float, float]], until: int) -> np.ndarray:
    """The furnace's level at every whole minute up to ``until`` with each ``(minute,
    tonnes)`` poured at once at its minute (the draw is constant), t."""
    minute = np.arange(until + 1, dtype=float)
    level = 11.88 - RATE_T_PER_H * minute / 60.0
    for at, tonnes in poured_at:
        level += np.where(minute >= at, tonnes, 0.0)
    return level


def test_no_delivery_is_left_the_days_last_minutes(tmp_path: Path) -> None:
    network = _network(tmp_path)
    cut = [o for o in managed_deliveries(network) if (o.caster_id, o.alloy) == KEY]
    windows = [(network.minutes(o.window_start), network.minutes(o.window_end)) for o in cut]
    # every window at least [supply] min_window_h (1 h) wide; before, the last was
    # 23:47–23:48 after a 4-t ladle 21:36–23:48
    assert min(end - start for start, end in windows) >= 60.0, windows
    # the need is met all the same: every delivery poured at the start or at the end of
    # its window keeps the level under the capacity through the day and at or above
    # the minimum until 06:00 the next morning (the draw goes on after midnight)
    for pick in (0, 1):
        poured = [(w[pick], o.tonnes) for w, o in zip(windows, cut, strict=True)]
        level = _levels(network, poured, 30 * 60)
        assert level[: 24 * 60 + 1].max() <= 13.2 + 1e-6, pick
        assert level.min() >= 1.98 - 1e-6, pick
