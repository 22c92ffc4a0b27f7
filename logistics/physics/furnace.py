"""The level of a caster's holding furnace, minute by minute.

The cells draw metal at the rate of the consumption band they are in (tonnes per hour,
constant within a band); a ladle's metal enters evenly over its pour
``[pour_start, pour_end]``. Levels are given at every whole minute ``0 … minutes`` of
the day (minute 0 = local midnight of the plan date): ``level[m]`` is the metal in the
furnace at minute ``m``, t. Between two whole minutes the level is linear, so a level
below the minimum or above the capacity shows at a whole minute (or at a pour's end,
which the planner always puts on one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from logistics.network.furnaces import ConsumptionBand, Furnace

#: Minutes of one plan day simulated.
DAY_MIN = 1440


@dataclass(frozen=True)
class Pour:
    """Metal poured into a furnace: ``tonnes`` evenly over ``[start_min, end_min]``."""

    start_min: float
    end_min: float
    tonnes: float


def draw_per_minute(
    bands: Iterable[ConsumptionBand], weekday: int, minutes: int = DAY_MIN
) -> np.ndarray:
    """Tonnes a furnace's cells draw in each minute ``[m, m + 1)`` of the day.

    Parameters
    ----------
    bands : iterable of ConsumptionBand
        The furnace's bands (``from_h``/``to_h`` in hours of the day's clock).
    weekday : int
        The plan day's weekday, 0 = Monday: bands limited to other days are skipped.
    minutes : int
        Length of the day, min.

    Returns
    -------
    numpy.ndarray
        ``minutes`` values, t.
    """
    draw = np.zeros(minutes)
    edges = np.arange(minutes + 1, dtype=float)
    for band in bands:
        if not band.applies_on(weekday):
            continue
        lo, hi = band.from_h * 60.0, band.to_h * 60.0
        overlap = np.clip(np.minimum(edges[1:], hi) - np.maximum(edges[:-1], lo), 0.0, 1.0)
        draw += overlap * band.t_per_h / 60.0
    return draw


def inflow_per_minute(pours: Iterable[Pour], minutes: int = DAY_MIN) -> np.ndarray:
    """Tonnes poured into the furnace in each minute ``[m, m + 1)``, t."""
    inflow = np.zeros(minutes)
    edges = np.arange(minutes + 1, dtype=float)
    for p in pours:
        span = max(p.end_min - p.start_min, 1e-9)
        overlap = np.clip(
            np.minimum(edges[1:], p.end_min) - np.maximum(edges[:-1], p.start_min), 0.0, None
        )
        inflow += overlap * p.tonnes / span
    return inflow


def level_curve(start_t: float, draw: np.ndarray, inflow: np.ndarray) -> np.ndarray:
    """The level at every whole minute ``0 … len(draw)``, t (may go below zero: a deficit)."""
    return start_t + np.concatenate(([0.0], np.cumsum(inflow - draw)))


def furnace_bands(furnace: Furnace, bands: Sequence[ConsumptionBand]) -> list[ConsumptionBand]:
    """The bands of one furnace among a network's."""
    return [b for b in bands if (b.caster_id, b.alloy) == (furnace.caster_id, furnace.alloy)]


@dataclass(frozen=True)
class LevelStats:
    """What a level curve says about running low and overflowing.

    Attributes
    ----------
    minutes_below_min : int
        Whole minutes at which the level is below the minimum.
    deficit_t : float
        Largest shortfall below the minimum, t: the ingots the caster must melt to
        stay at its minimum (0 when it never runs low).
    overflow_t : float
        Largest excess above the capacity, t.
    lowest_t, end_t : float
        Lowest level and the level at the end of the day, t.
    """

    minutes_below_min: int
    deficit_t: float
    overflow_t: float
    lowest_t: float
    end_t: float


#: Tolerance of "below the minimum" and "above the capacity", t.
LEVEL_TOL_T = 1e-6


def level_stats(furnace: Furnace, levels: np.ndarray) -> LevelStats:
    """Stock-out minutes, deficit and overflow of a furnace's level curve."""
    below = levels < furnace.min_level_t - LEVEL_TOL_T
    return LevelStats(
        minutes_below_min=int(below.sum()),
        deficit_t=float(max(0.0, furnace.min_level_t - levels.min())),
        overflow_t=float(max(0.0, levels.max() - furnace.capacity_t)),
        lowest_t=float(levels.min()),
        end_t=float(levels[-1]),
    )
