"""A delivery the decision wants before its load fits under the furnace's capacity gets
the level's own deadline, not an empty window at the minute it first fits.

The network: tiny with C1's ADC12 furnace on managed supply, 10 t capacity, minimum
1.5 t, starting at 9.5 t and drawing 0.5 t/h around the clock (at its minimum at 16:00).
The decision wants 6 t poured by 04:00; a 3-t ladle fits only from 05:00, a 6-t load
(two ladles) from 11:00. Before, the cut gave two 3-t deliveries with windows of one
minute each, 05:00–05:00 and 11:00–11:00 (the decision's deadline before the fit): a
truck had to pour at that very minute (the first one before any truck's shift starts)
or the delivery was left unserved — on the samples, evening deliveries (the decision's
tonnes all due by its last hour) were left so, their furnaces low the next morning.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from logistics import load_network
from logistics.planning.managed import managed_deliveries
from tests.conftest import tiny_with_managed_c1

CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    "C1,ADC12,managed,10,1.5,9.5,0.0,24.0,0.5,\n"
)
KEY = ("C1", "ADC12")


def test_a_decision_deadline_before_the_fit_gives_way_to_the_level(tmp_path: Path) -> None:
    network = load_network(tiny_with_managed_c1(tmp_path / "net", CONSUMPTION))
    required = np.zeros(1440)
    required[4 * 60 :] = 6.0  # the decision wants 6 t poured by 04:00
    cut = sorted(
        (o for o in managed_deliveries(network, required={KEY: required}) if o.caster_id == "C1"),
        key=lambda o: o.window_start,
    )
    first = cut[0]
    start, end = network.minutes(first.window_start), network.minutes(first.window_end)
    assert first.tonnes == 6.0 and start == 11 * 60  # it fits from 11:00
    assert end - start >= 60  # a window a truck can meet, not one minute
    # recomputed from the consumption alone: poured at any minute of its window, the
    # load fits under the capacity and the level has not fallen below the minimum
    for at in (start, end):
        level = 9.5 - 0.5 * at / 60.0
        assert level >= 1.5 - 1e-3
        assert level + first.tonnes <= 10.0 + 1e-3
