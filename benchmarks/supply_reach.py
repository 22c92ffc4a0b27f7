"""Which managed furnace-days no plan can keep above the minimum: a physical bound.

A furnace-day is *unreachable* when the furnace falls below its minimum before the
first moment any liquid metal could start pouring into it, even at the most generous
level the day can start with:

* **earliest pour** ``e``: over the smelters that make the furnace's alloy, the earliest
  fill (the fleet's first shift start, not before the smelter opens) plus one ladle's
  fill and the drive to the caster, not before the caster opens — a bound that ignores
  the truck's drive from its home, ladle preheating, fill bays and every other job;
* **most generous start level**: the furnace's given start level on the horizon's first
  day; its capacity on any later day (the day before can at best pour it full by 24:00);
* the day is unreachable when that level less the cells' draw from 00:00 to ``e`` is
  below the minimum (1 kg tolerance).

Nothing a planner does can avoid such a stock-out, so the supply benchmark counts it
apart; every other furnace-day below the minimum whose alloy some smelter makes counts
against the planner. A furnace no smelter supplies at all, or that no road joins to any
smelter making its alloy, is counted as ``no liquid supply`` by the plan itself.
"""

from __future__ import annotations

import math

from logistics.network.furnaces import Furnace
from logistics.network.model import Network
from logistics.physics.furnace import LEVEL_TOL_T, draw_per_minute, furnace_bands
from logistics.physics.travel import Travel
from logistics.planning.windows import fill_minutes


def earliest_pour_min(network: Network, travel: Travel, furnace: Furnace) -> float | None:
    """The earliest minute of a day liquid metal could start pouring into ``furnace``.

    Minutes from the day's 00:00; ``None`` when no smelter makes its alloy, no road
    joins any that does to the caster, or there is no fleet (no liquid supply at all).
    """
    if not network.fleet:
        return None
    first_shift = min(network.minutes(t.shift_start) for t in network.fleet)
    caster = network.caster_by_id[furnace.caster_id]
    col = travel.caster(caster.caster_id)
    found: list[float] = []
    for p in network.production:
        if p.alloy != furnace.alloy:
            continue
        smelter = network.smelter_by_id[p.smelter_id]
        fill = max(first_shift, network.minutes(smelter.open)) + fill_minutes(smelter)
        arrive = fill + float(travel.minutes[travel.smelter(smelter.smelter_id), col])
        if math.isfinite(arrive):
            found.append(arrive)
    if not found:
        return None
    return max(min(found), network.minutes(caster.open))


def unreachable(network: Network, travel: Travel, furnace: Furnace, first_day: bool) -> bool:
    """Whether no plan can keep ``furnace`` at its minimum on ``network``'s day.

    Parameters
    ----------
    network : Network
        The day's network (its date gives the weekday's consumption).
    travel : Travel
        Its travel model (drive minutes).
    furnace : Furnace
        A managed furnace of the network.
    first_day : bool
        The horizon's first day (its start level is given); later days may start full.

    Returns
    -------
    bool
        ``True`` when the level falls below the minimum before the earliest pour.
    """
    earliest = earliest_pour_min(network, travel, furnace)
    if earliest is None:
        return False  # no liquid supply at all: counted apart by the plan
    start = furnace.start_level_t if first_day else furnace.capacity_t
    draw = draw_per_minute(furnace_bands(furnace, network.consumption), network.plan_date.weekday())
    drawn = float(draw[: max(0, int(earliest))].sum())
    return start - drawn < furnace.min_level_t - LEVEL_TOL_T
