"""A delivery the decision asks for that never fits under the furnace's capacity that
day is not cut (a smaller load is, or none), rather than given a pour window at the
deadline where every pour overflows the furnace.

Found by ``python -m benchmarks fuzz --managed --seeds 520``: a 10-t furnace at 8.8 t
late in the day, the decision's 9 t due by 23:00, cut as one 9-t delivery with a
zero-length window at 22:59, three ladles poured into it at once (17.7 t, the checker's
``furnace_overflow``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from logistics import load_network
from logistics.planning.managed import managed_deliveries
from tests.conftest import tiny_with_managed_c1

CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    "C1,ADC12,managed,10,1.5,9.5,0.0,24.0,0.05,\n"
)
KEY = ("C1", "ADC12")


def test_a_load_that_never_fits_is_not_cut(tmp_path: Path) -> None:
    network = load_network(tiny_with_managed_c1(tmp_path / "net", CONSUMPTION))
    furnace = next(f for f in network.furnaces if (f.caster_id, f.alloy) == KEY)
    required = np.zeros(1440)
    required[23 * 60 :] = 9.0  # the decision wants 9 t poured by 23:00
    cut = [o for o in managed_deliveries(network, required={KEY: required}) if o.caster_id == "C1"]
    # the level without deliveries, then every delivery poured at its window's start in
    # order: never above the capacity (the draw is 0.05 t/h, so at most 1.2 t of room)
    level = furnace.start_level_t
    for order in sorted(cut, key=lambda o: o.window_start):
        at = network.minutes(order.window_start)
        assert level - 0.05 * at / 60.0 + order.tonnes <= furnace.capacity_t + 1e-6, order
        level += order.tonnes
