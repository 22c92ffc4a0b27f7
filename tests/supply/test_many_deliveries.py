"""A furnace that needs more than 200 ladles a day gets every one of them cut.

The delivery cut had a fixed guard of 200 deliveries a furnace and day; a furnace
drawing the format's largest 50 t/h, served by 3-t ladles, needs about 400 (the managed
fuzzer's seed 1501: the deliveries covered 588 of the 615 t it fell short, and the
checker refused the plan). The guard now grows with the furnace's draw.
"""

from __future__ import annotations

from pathlib import Path

from logistics.network.furnaces import DRAW_TPH_MAX
from logistics.network.loader import load_network
from logistics.planning.managed import managed_deliveries
from tests.conftest import tiny_with_managed_c1

CAPACITY_T, MIN_T, START_T = 60.0, 9.0, 54.0
CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    f"C1,ADC12,managed,{CAPACITY_T},{MIN_T},{START_T},0.0,24.0,{DRAW_TPH_MAX},\n"
)


def test_every_tonne_a_heavy_furnace_needs_is_cut_into_deliveries(tmp_path: Path) -> None:
    network = load_network(tiny_with_managed_c1(tmp_path / "net", CONSUMPTION))
    deliveries = managed_deliveries(network)
    ladle_t = max(t.ladle_t for t in network.fleet)
    assert len(deliveries) > 200  # more than the old guard allowed
    short = 24 * DRAW_TPH_MAX - (START_T - MIN_T)  # what the day's draw takes below the minimum
    assert sum(o.tonnes for o in deliveries) >= short - ladle_t
