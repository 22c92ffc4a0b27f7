"""Time-dependent travel: a leg's minutes from its free-flow minutes and its departure.

A speed profile gives the share of free-flow speed in each piece of the day
(``[roads] rush_speed_factor`` and the rush-hour windows, or 24 hourly factors:
:meth:`logistics.network.params.RoadParams.speed_profile`). A truck on a leg covers
free-flow minutes at that share per minute, piece by piece, until the leg's free-flow
minutes are covered (Ichoua, Gendreau and Potvin 2003): a leg that starts just before
the evening peak takes its free-flow time until 17:00 and longer after it. Because
every factor is positive, leaving later never means arriving earlier (the FIFO
property), so waiting and then driving is never faster than driving at once.

Minutes are counted on the plan's clock from the plan day's midnight; the profile
repeats every 24 hours of that clock.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

#: Minutes of a day: the profile's period.
DAY_MIN = 24 * 60


@dataclass(frozen=True)
class SpeedProfile:
    """Share of free-flow speed by time of day.

    Attributes
    ----------
    starts : tuple of float
        Minute of the day each piece starts, ascending, the first 0.
    factors : tuple of float
        Share of free-flow speed in each piece (> 0).
    """

    starts: tuple[float, ...]
    factors: tuple[float, ...]

    @classmethod
    def of(cls, pieces: tuple[tuple[float, float], ...]) -> SpeedProfile | None:
        """The profile of ``(from_min, factor)`` pieces; ``None`` when it is free flow all
        day (every factor 1), so that plans without rush hours stay exactly as they were."""
        if all(f == 1.0 for _, f in pieces):
            return None
        return cls(tuple(m for m, _ in pieces), tuple(f for _, f in pieces))

    def _piece(self, minute: float) -> tuple[float, float]:
        """The factor at ``minute`` (plan clock) and the minute its piece ends."""
        day = math.floor(minute / DAY_MIN)
        of_day = minute - day * DAY_MIN
        if of_day >= DAY_MIN:  # a hair before midnight, rounded up to it
            day, of_day = day + 1, 0.0
        k = bisect.bisect_right(self.starts, of_day) - 1
        end = self.starts[k + 1] if k + 1 < len(self.starts) else DAY_MIN
        return self.factors[k], day * DAY_MIN + end

    def leg_minutes(self, depart: float, free_minutes: float) -> float:
        """Minutes a leg of ``free_minutes`` at free flow takes when it starts at ``depart``.

        Parameters
        ----------
        depart : float
            Departure, minutes on the plan's clock (from the plan day's midnight).
        free_minutes : float
            The leg's driving time at free-flow speed, minutes (``inf``: no road).

        Returns
        -------
        float
            Driving minutes, at least ``free_minutes`` where every factor is at most 1.
        """
        if free_minutes <= 0 or math.isinf(free_minutes):
            return free_minutes
        t, left = float(depart), float(free_minutes)
        while True:
            factor, end = self._piece(t)
            end = max(end, math.nextafter(t, math.inf))  # always some progress
            if left <= (end - t) * factor:
                return t + left / factor - depart
            left -= (end - t) * factor
            t = end

    def mean_factor(self, from_min: float, to_min: float) -> float:
        """Time-weighted mean factor over ``[from_min, to_min)`` of the plan clock."""
        t, covered = float(from_min), 0.0
        while t < to_min:
            factor, end = self._piece(t)
            end = max(end, math.nextafter(t, math.inf))
            step = min(end, to_min) - t
            covered += step * factor
            t += step
        return covered / (to_min - from_min) if to_min > from_min else 1.0
