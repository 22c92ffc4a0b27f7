"""A network on the night the clocks go back, shared by the daylight-saving tests.

Europe/Berlin leaves summer time at 03:00 CEST on 2026-10-25 (clocks go back to 02:00
CET, so 02:00–03:00 happens twice). :func:`berlin_night` copies ``tests/data/tiny``
there: smelter S1 and the trucks start at 00:00, and one order N1 (3 t ADC12 at C1,
02:30–03:00 CET) makes the greedy plan fill a ladle in summer time and pour it in
winter time.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.conftest import TINY

BERLIN = ZoneInfo("Europe/Berlin")


def berlin_night(dest: Path) -> Path:
    """Write the tiny network moved to Berlin on 2026-10-25 into ``dest``; return it."""
    shutil.copytree(TINY, dest)
    toml = (dest / "network.toml").read_text()
    toml = toml.replace('timezone = "Asia/Shanghai"', 'timezone = "Europe/Berlin"')
    toml = toml.replace('plan_date = "2026-11-23"', 'plan_date = "2026-10-25"')
    (dest / "network.toml").write_text(toml)
    smelters = (dest / "smelters.csv").read_text().replace(",05:00,22:00,", ",00:00,22:00,")
    (dest / "smelters.csv").write_text(smelters)
    fleet = (dest / "fleet.csv").read_text().replace(",06:00,20:00,", ",00:00,20:00,")
    (dest / "fleet.csv").write_text(fleet)
    (dest / "orders.csv").write_text(
        "order_id,caster_id,alloy,tonnes,window_start,window_end,placed_at\n"
        # C1 (open around the clock) far enough that the drive crosses the change
        "N1,C1,ADC12,3,2026-10-25T02:30:00+01:00,2026-10-25T03:00:00+01:00,"
        "2026-10-24T12:00:00+02:00\n"
    )
    return dest
