"""The furnace level model: draw per band, pours spread over the pour, the level curve."""

from __future__ import annotations

import numpy as np
import pytest

from logistics.network.furnaces import ConsumptionBand, Furnace
from logistics.physics.furnace import (
    Pour,
    draw_per_minute,
    inflow_per_minute,
    level_curve,
    level_stats,
)


def _band(lo: float, hi: float, rate: float, days: tuple[str, ...] = ()) -> ConsumptionBand:
    return ConsumptionBand(
        caster_id="C", alloy="A", from_h=lo, to_h=hi, t_per_h=rate, weekdays=days
    )


def test_draw_sums_each_band_and_skips_other_weekdays() -> None:
    draw = draw_per_minute([_band(6, 14, 1.5), _band(14.5, 22, 1.0), _band(0, 6, 9, ("Sun",))], 0)
    assert draw.sum() == pytest.approx(8 * 1.5 + 7.5 * 1.0)
    assert draw[14 * 60 + 10] == 0.0  # the planned stop
    assert draw_per_minute([_band(0, 6, 9, ("Sun",))], 6).sum() == pytest.approx(54)


def test_a_pour_enters_evenly_and_the_level_follows() -> None:
    inflow = inflow_per_minute([Pour(600.0, 615.0, 3.0)])
    assert inflow.sum() == pytest.approx(3.0)
    assert inflow[600:615] == pytest.approx([0.2] * 15)
    draw = draw_per_minute([_band(0, 24, 0.6)], 0)
    levels = level_curve(5.0, draw, inflow)
    assert len(levels) == 1441
    assert levels[600] == pytest.approx(5.0 - 6.0)
    assert levels[-1] == pytest.approx(5.0 + 3.0 - 14.4)


def test_stats_give_the_shortfall_and_the_overflow() -> None:
    furnace = Furnace(caster_id="C", alloy="A", capacity_t=10, min_level_t=2, start_level_t=5)
    stats = level_stats(furnace, np.array([5.0, 11.0, 1.5, 0.5, 3.0]))
    assert (stats.minutes_below_min, stats.deficit_t, stats.overflow_t) == (2, 1.5, 1.0)
