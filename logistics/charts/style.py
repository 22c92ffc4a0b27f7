"""Colours and time formatting shared by the figures."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

#: One colour per truck, cycled (a 20-colour qualitative palette), as RGB.
TRUCK_RGB: tuple[tuple[int, int, int], ...] = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
    (174, 199, 232),
    (255, 187, 120),
    (152, 223, 138),
    (255, 152, 150),
    (197, 176, 213),
    (196, 156, 148),
    (247, 182, 210),
    (199, 199, 199),
    (219, 219, 141),
    (158, 218, 229),
)

SMELTER_RGB = (178, 34, 34)
CASTER_RGB = (30, 90, 160)
CANDIDATE_RGB = (120, 120, 120)


def truck_rgb(index: int) -> tuple[int, int, int]:
    """The colour of the ``index``-th truck (0-based), cycling through the palette."""
    return TRUCK_RGB[index % len(TRUCK_RGB)]


def css(rgb: tuple[int, int, int], alpha: float = 1.0) -> str:
    """``rgba(r,g,b,a)`` for plotly."""
    return f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha:g})"


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    """The moment as a naive wall-clock datetime in ``tz`` (what plotly's axes show)."""
    return moment.astimezone(tz).replace(tzinfo=None)


def hhmm(moment: datetime, tz: ZoneInfo) -> str:
    """``HH:MM`` in ``tz``."""
    return moment.astimezone(tz).strftime("%H:%M")
