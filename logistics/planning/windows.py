"""When a ladle job may be filled and poured: the one place every window is computed.

Every later step of planning reads the intervals computed here and never derives a
window of its own: classifying what cannot be served (:mod:`.jobs`), the smelter
assignment with its production release times (:mod:`.assign`), the routing model
(:mod:`.ladle_model`), the timing of trips for the optimiser and the dispatcher's plan
(:mod:`.schedule`), re-insertion and re-planning. (The independent checker derives its
own from the inputs, on purpose.)

The rule, the same everywhere
-----------------------------
* Times are **integer minutes** of real elapsed time from the plan date's local midnight
  (:meth:`logistics.network.model.Network.minutes`).
* **Durations round up**: a fill takes ``ceil(fill_min)`` minutes, a pour
  ``ceil(unload_min)``, a drive ``ceil(travel minutes)`` (:func:`ceil_minutes`), so a plan
  built on them is never tighter than the inputs.
* **Intervals are closed** (both ends inclusive) and **round inwards**: an activity may
  start at minute ``m`` exactly when ``earliest <= m <= latest``, where ``earliest`` is
  the first whole minute at or after every lower bound and ``latest`` the last whole
  minute at or before every upper bound (:func:`inward`). The latest start of an
  activity that must *end* by a moment is that moment minus its rounded duration.
* An interval with ``earliest > latest`` is **empty**, and the job leaves planning as
  unserved with the reason of the bound that emptied it — never as a model error.

The windows of an order's pour (:func:`order_window`), applied in this order:

1. ``window``: the order window ``[window_start, window_end]`` for the pour *start*,
   inside the caster's hours (the whole pour ``[start, start + unload]`` in
   ``[open, close]``); a pour into a furnace on managed supply also ends by the end of
   the day its level is simulated over (:data:`logistics.physics.furnace.DAY_MIN`,
   24:00), or its metal would be missing from the day's levels and the next day's
   start;
2. ``lead_time``: no pour starts before ``placed_at + lead_time_h``.

The fill window of a job at one smelter (:func:`fill_window`): a fill starts no earlier
than the smelter opens and the first truck's shift starts, ends by the smelter's close,
and leaves the drive to pour by the pour window's end; the truck must then still get
home by the last shift end. Production moves the start later (:meth:`Interval.from_`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from logistics.network.model import Caster, Network, Order, Smelter, Truck
from logistics.physics.cooling import max_hold_h
from logistics.physics.furnace import DAY_MIN

#: Tolerance for rounding a float that is a whole minute up to float error, minutes.
_EPS = 1e-6
#: Stand-in for "never" in whole minutes (unreachable sites, unlimited holds).
NEVER = 10**9


def ceil_minutes(minutes: float) -> int:
    """A duration in whole minutes, rounded up (never plan tighter than the model).

    Parameters
    ----------
    minutes : float
        Minutes; ``inf`` or ``nan`` (no road) give :data:`NEVER`.

    Returns
    -------
    int
        ``ceil(minutes)``, with float error below 1e-6 min ignored.
    """
    if not math.isfinite(minutes):
        return NEVER
    return math.ceil(minutes - _EPS)


@dataclass(frozen=True)
class Interval:
    """A closed interval of whole minutes: a start at ``earliest … latest`` (inclusive).

    Attributes
    ----------
    earliest, latest : int
        First and last allowed start, minutes from the plan origin.
    """

    earliest: int
    latest: int

    @property
    def empty(self) -> bool:
        """True when no whole minute is in the interval."""
        return self.earliest > self.latest

    def __contains__(self, minute: object) -> bool:
        return isinstance(minute, int | float) and self.earliest <= minute <= self.latest

    def from_(self, minute: float) -> Interval:
        """The interval from ``minute`` on (rounded up), e.g. after a production release.

        ``inf`` (never) gives an empty interval.
        """
        return inward([self.earliest, minute], [self.latest])

    def until(self, minute: float) -> Interval:
        """The interval up to ``minute`` (rounded down); ``-inf`` gives an empty one."""
        return inward([self.earliest], [self.latest, minute])


def inward(lows: Sequence[float], highs: Sequence[float]) -> Interval:
    """The closed interval of whole minutes at or after every low and at or before every high.

    Parameters
    ----------
    lows, highs : sequence of float
        Lower and upper bounds, minutes (fractions allowed).

    Returns
    -------
    Interval
        ``[ceil(max(lows)), floor(min(highs))]``; empty when they cross.

    Examples
    --------
    >>> inward([989.5], [989.7]).empty
    True
    >>> inward([990.0], [990.0])
    Interval(earliest=990, latest=990)
    """
    lo = max(lows)
    hi = min(highs)
    earliest = math.ceil(lo - _EPS) if math.isfinite(lo) else (NEVER if lo > 0 else -NEVER)
    latest = math.floor(hi + _EPS) if math.isfinite(hi) else (NEVER if hi > 0 else -NEVER)
    return Interval(earliest, latest)


def pour_minutes(caster: Caster) -> int:
    """Whole minutes one ladle pours at a caster."""
    return ceil_minutes(caster.unload_min)


def fill_minutes(smelter: Smelter) -> int:
    """Whole minutes one ladle fills at a smelter."""
    return ceil_minutes(smelter.fill_min)


@dataclass(frozen=True)
class OrderWindow:
    """When the pours of an order's ladles may start, and what emptied it if nothing is left.

    Attributes
    ----------
    pour : Interval
        Allowed pour starts after every rule (empty when ``reason`` is set).
    hours : Interval
        Pour starts the order window and the caster's hours allow, before the lead time.
    reason : str or None
        ``window`` (the window misses the caster's hours) or ``lead_time`` (it is over
        before ``placed_at + lead_time_h``) when ``pour`` is empty, else ``None``.
    """

    pour: Interval
    hours: Interval
    reason: str | None


def order_window(network: Network, order: Order) -> OrderWindow:
    """The pour window of an order: order window ∩ caster hours, after the lead time.

    A pour into a furnace on managed supply ends by 24:00 of the plan day as well.

    Parameters
    ----------
    network : Network
        The caster's hours and the lead time (``[planning] lead_time_h``).
    order : Order
        The order.

    Returns
    -------
    OrderWindow
        Its pour-start interval, and the reason if it is empty.
    """
    minutes = network.minutes
    caster = network.caster_by_id[order.caster_id]
    pour_end = minutes(caster.close)
    if any(
        f.managed and (f.caster_id, f.alloy) == (order.caster_id, order.alloy)
        for f in network.furnaces
    ):
        pour_end = min(pour_end, DAY_MIN)  # the furnace's day: its levels end at 24:00
    hours = inward(
        [minutes(order.window_start), minutes(caster.open)],
        [minutes(order.window_end), pour_end - pour_minutes(caster)],
    )
    if hours.empty:
        return OrderWindow(hours, hours, "window")
    lead = minutes(order.placed_at) + network.params.planning.lead_time_h * 60.0
    pour = hours.from_(lead)
    if pour.empty:
        return OrderWindow(pour, hours, "lead_time")
    return OrderWindow(pour, hours, None)


def hold_limit_minutes(tap_max_c: float, required_c: float, tau_h: float, ambient_c: float) -> int:
    """Longest hold (end of fill → start of pour) in whole minutes, rounded down.

    Metal tapped at ``tap_max_c`` in a ladle of time constant ``tau_h`` still arrives at
    ``required_c``; capped at :data:`NEVER` when it would never cool that far.
    """
    hours = max_hold_h(tap_max_c, required_c, tau_h, ambient_c)
    if not math.isfinite(hours):
        return NEVER
    return min(NEVER, math.floor(hours * 60.0 + _EPS))


@dataclass(frozen=True)
class FleetHours:
    """What the whole fleet allows a fill at a smelter: first shift start, last shift end.

    Attributes
    ----------
    first_start, last_end : float
        Earliest shift start and latest shift end of any truck, minutes.
    """

    first_start: float
    last_end: float

    @classmethod
    def of(cls, network: Network, trucks: Sequence[Truck] | None = None) -> FleetHours:
        """The hours of ``trucks`` (default the whole fleet)."""
        fleet = network.fleet if trucks is None else trucks
        return cls(
            min(network.minutes(t.shift_start) for t in fleet),
            max(network.minutes(t.shift_end) for t in fleet),
        )


def fill_window(
    network: Network,
    pour: Interval,
    smelter: Smelter,
    caster: Caster,
    drive_min: int,
    home_min: int,
    fleet: FleetHours,
) -> Interval:
    """When a job of an order poured in ``pour`` may start filling at ``smelter``.

    A fill may start at minute ``f`` when some pour start ``p`` in ``pour`` follows it
    straight after the fill and the drive (``p >= f + fill + drive``) and a truck still
    gets home by the last shift end after the pour (``p + pour + home <= last_end``);
    the fill itself lies in the smelter's hours, after the first shift starts.

    Parameters
    ----------
    network : Network
        The smelter's hours.
    pour : Interval
        The order's pour window (:func:`order_window`).
    smelter, caster : Smelter, Caster
        Where the ladle fills and pours.
    drive_min : int
        Whole driving minutes smelter → caster.
    home_min : int
        Fewest whole driving minutes from the caster back to any truck's home.
    fleet : FleetHours
        First shift start and last shift end of the fleet.

    Returns
    -------
    Interval
        Allowed fill starts before production releases (which only move the start
        later: :meth:`Interval.from_`); empty when no ladle from this smelter can pour in
        the window and get its truck home in time.
    """
    minutes = network.minutes
    fill = fill_minutes(smelter)
    pour_d = pour_minutes(caster)
    last_pour = min(float(pour.latest), fleet.last_end - pour_d - home_min)
    if pour.empty or pour.earliest > last_pour + _EPS:
        return Interval(pour.earliest, pour.earliest - 1)
    return inward(
        [minutes(smelter.open), fleet.first_start],
        [minutes(smelter.close) - fill, last_pour - drive_min - fill],
    )
