"""Drivers' hours and entry bans of ``network.toml``'s optional ``[drivers]`` table.

A network without ``[drivers]`` has no driver rules (``Params.drivers`` is ``None``) and
is planned exactly as without this module. With the table, every key has a default: the
Chinese rules for a driver of a dangerous-goods vehicle (docs/sources.md, "Drivers'
hours"), a conservative daily limit where the law sets none, no entry bans.

The rules, as the planner and the checker apply them (docs/models.md, "Drivers' hours"):

* **continuous driving**: a driver drives at most ``max_continuous_driving_h`` between
  two rests of at least ``min_break_min`` (a shorter stop is no rest). Only driving
  counts; filling and pouring are work, neither driving nor rest. A rest is a break
  listed in the plan's ``breaks.csv``: an idle wait at a smelter or caster that is long
  enough, a break taken at a stop before driving on, or a break en route;
* **daily driving**: a driver drives at most ``max_daily_driving_h`` in the plan day;
* **handover**: with ``handover_at_smelter``, a relief driver takes the truck over at
  the smelter where a trip fills when the driver on board could not drive the trip
  and the drive home within the daily limit; the new driver starts rested (both
  counters at zero);
* **entry bans**: a truck carrying hazardous goods may not *arrive* at a caster under
  a ban inside the ban's window (hours of the plan day's local clock, ``[from_h,
  to_h)``, every day; ``from_h > to_h`` wraps midnight). A truck already there
  finishes and leaves.
"""

from __future__ import annotations

from pydantic import Field, model_validator
from shapely.geometry import Point, Polygon

from logistics.network.ranges import ParamTable, plausible

#: Minutes in a day (ban windows repeat every day).
DAY_MIN = 24 * 60


class _Table(ParamTable):
    """A table of ``[drivers]`` (:class:`~logistics.network.ranges.ParamTable`)."""


class EntryBan(_Table):
    """One ``[[drivers.entry_bans]]`` entry: where and when hazardous-goods trucks may
    not arrive.

    Attributes
    ----------
    name : str
        A label for messages (e.g. the city's notice).
    casters : tuple of str
        Caster ids under the ban.
    area : tuple of (lat, lon)
        A polygon (at least 3 corners, degrees): every caster inside it is under the ban.
    from_h, to_h : float
        The window ``[from_h, to_h)``, hours of the local clock; ``from_h > to_h`` wraps
        midnight. Range 0–24 h.
    """

    name: str = ""
    casters: tuple[str, ...] = ()
    area: tuple[tuple[float, float], ...] = ()
    from_h: float = plausible(lo=0.0, hi=24.0, unit="h")
    to_h: float = plausible(lo=0.0, hi=24.0, unit="h")

    @model_validator(mode="after")
    def _where_and_when(self) -> EntryBan:
        if not self.casters and not self.area:
            raise ValueError("an entry ban needs casters or an area")
        if self.area and len(self.area) < 3:
            raise ValueError("an entry ban's area needs at least 3 corners [lat, lon]")
        for lat, lon in self.area:
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                raise ValueError(
                    f"an entry ban's area corner [{lat:g}, {lon:g}] is not [lat, lon] in "
                    "−90 to 90° and −180 to 180°"
                )
        if self.from_h == self.to_h:
            raise ValueError("an entry ban's from_h equals its to_h (an empty window)")
        return self

    def covers(self, caster_id: str, lat: float, lon: float) -> bool:
        """Whether the caster (its id and position, degrees) is under this ban."""
        if caster_id in self.casters:
            return True
        if not self.area:
            return False
        return Polygon([(x, y) for y, x in self.area]).covers(Point(lon, lat))

    def bans_minute(self, minute: float) -> bool:
        """Whether a local clock time (minutes from a midnight, any day) is in the window."""
        clock = minute % DAY_MIN
        lo, hi = self.from_h * 60.0, self.to_h * 60.0
        return lo <= clock < hi if lo < hi else clock >= lo or clock < hi

    def window_end(self, minute: float) -> float:
        """The first minute ≥ ``minute`` outside the window (``minute`` if outside)."""
        if not self.bans_minute(minute):
            return minute
        day = (minute // DAY_MIN) * DAY_MIN
        end = day + self.to_h * 60.0
        return end if end > minute else end + DAY_MIN


class DriverParams(_Table):
    """Drivers' hours and entry bans (``[drivers]``); see the module docstring.

    Attributes
    ----------
    max_continuous_driving_h : float
        Longest driving between two rests, h: 4 (Implementing Regulations of the Road
        Traffic Safety Law, art. 62 (7); docs/sources.md). Range 0.5–12 h.
    min_break_min : float
        Shortest stop that counts as a rest, min: 20 (the same article). Range 5–240 min.
    max_daily_driving_h : float
        Most driving of one driver in the plan day, h: 8. No Chinese rule sets a daily
        limit for a dangerous-goods driver (a 2021 draft did, and was dropped); 8 h in
        24 h is the rule for coach drivers and the fatigue threshold the dynamic
        monitoring of dangerous-goods vehicles follows, so a conservative default
        (docs/sources.md). Range 1–24 h.
    handover_at_smelter : bool
        Whether a relief driver may take the truck over at a trip's smelter (default
        false: one driver per truck and day).
    entry_bans : tuple of EntryBan
        Windows in which hazardous-goods trucks may not arrive at some casters (none by
        default: the bans are each city's).
    """

    max_continuous_driving_h: float = plausible(4.0, lo=0.5, hi=12.0, unit="h")
    min_break_min: float = plausible(20.0, lo=5.0, hi=240.0, unit="min")
    max_daily_driving_h: float = plausible(8.0, lo=1.0, hi=24.0, unit="h")
    handover_at_smelter: bool = Field(False, strict=True)
    entry_bans: tuple[EntryBan, ...] = ()

    def ban_at(self, caster_id: str, lat: float, lon: float, minute: float) -> EntryBan | None:
        """The first ban that forbids arriving at the caster at a local clock minute."""
        for ban in self.entry_bans:
            if ban.bans_minute(minute) and ban.covers(caster_id, lat, lon):
                return ban
        return None
