"""Colours and time formatting shared by the figures."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

#: One colour per truck, cycled, as RGB: strong colours only, each readable as a thin
#: line on a light map (no pale tints).
TRUCK_RGB: tuple[tuple[int, int, int], ...] = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (23, 190, 207),
    (188, 189, 34),
    (90, 90, 90),
    (0, 104, 55),
    (170, 40, 120),
    (60, 60, 200),
    (200, 120, 0),
)

SMELTER_RGB = (178, 34, 34)
CASTER_RGB = (30, 90, 160)
CANDIDATE_RGB = (120, 120, 120)


def truck_rgb(index: int) -> tuple[int, int, int]:
    """The colour of the ``index``-th truck (0-based), cycling through the palette."""
    return TRUCK_RGB[index % len(TRUCK_RGB)]


def km_text(km: float) -> str:
    """A road or map distance as shown everywhere: whole km, halves rounded up (``"112 km"``).

    One rounding rule for every screen and chart, so that one distance never reads
    111 km in one place and 112 km in another.
    """
    return f"{math.floor(km + 0.5):,} km"


def css(rgb: tuple[int, int, int], alpha: float = 1.0) -> str:
    """``rgba(r,g,b,a)`` for plotly."""
    return f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha:g})"


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    """The moment as a naive wall-clock datetime in ``tz`` (what plotly's axes show)."""
    return moment.astimezone(tz).replace(tzinfo=None)


def hhmm(moment: datetime, tz: ZoneInfo) -> str:
    """``HH:MM`` in ``tz``."""
    return moment.astimezone(tz).strftime("%H:%M")
