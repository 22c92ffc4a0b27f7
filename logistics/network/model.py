"""Validated, immutable domain objects of one network folder.

All times are timezone-aware datetimes in the network's timezone. The planning code
works in minutes of real elapsed time from the plan date's local midnight
(:meth:`Network.minutes`): every difference of two moments is taken in UTC, so a hold
across a daylight-saving change is as long as the clock on the ladle says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from logistics.network.furnaces import ConsumptionBand, Furnace
from logistics.network.ladles import Ladle
from logistics.network.params import TRUCK_COST_PER_H_MAX, TRUCK_COST_PER_KM_MAX, Params
from logistics.network.ranges import plausible

# Plausible ranges of the CSV columns (docs/network-format.md gives the reasons; a value
# outside is bad input naming file, row, column and range).
#: Liquid metal leaves the smelter at 700–850 °C (seed reports "above 700 °C", 1982
#: practice 850 °C); below 600 °C casting alloys are at their liquidus (ADC12 582 °C,
#: AlSi10MnMg 602 °C), above 950 °C the melt takes up hydrogen and oxide fast and no
#: practice taps so hot.
TAP_C_MIN, TAP_C_MAX = 600.0, 950.0
#: A die-caster's lowest pouring temperature: above the liquidus of aluminium casting
#: alloys (about 570 °C for Al-Si eutectic alloys to 660 °C for pure aluminium, less a
#: 20 °C allowance), at most 900 °C (holding furnaces run at 650–700 °C).
MIN_POUR_C_MIN, MIN_POUR_C_MAX = 550.0, 900.0
#: Liquid metal one smelter releases per alloy, t/h: a multi-chamber melting furnace
#: makes up to about 10 t/h, the largest plants a few tens of t/h.
RATE_TPH_MAX = 200.0
#: Minutes to fill or to pour one ladle (a few minutes to two hours).
HANDLING_MIN = (1.0, 120.0)
#: Most ladles one smelter fills at the same moment (its tapping points).
FILL_BAYS_MAX = 50
#: Most ladle slots on one truck: two to four road crucibles are usual.
LADLE_SLOTS_MAX = 6
#: Most trips a truck's ``max_trips`` may allow in a day: a trip takes at least a fill,
#: a drive and a pour, so a 24-hour day holds no more than a few dozen.
MAX_TRIPS = 50
#: Most metal one truck may carry per trip, t: the legal payload of the heaviest road
#: combinations (49 t gross for a six-axle articulated truck in China) stays below it.
PAYLOAD_T_MAX = 60.0
#: Most liquid metal of one alloy a smelter holds ready at opening, t (furnace baths
#: hold 50–130 t each).
STOCK_T_MAX = 5000.0
#: Most tonnes of one order and of a caster's day, t (a leading supplier delivers about
#: 1,250 t a day in all).
TONNES_MAX = 5000.0


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, allow_inf_nan=False, extra="ignore")


class Smelter(_Frozen):
    """A recycling smelter that fills ladles.

    Attributes
    ----------
    fill_min : float
        Minutes to fill one ladle.
    fill_bays : int | None
        Ladles that can fill at the same moment; ``None`` means no limit.
    """

    smelter_id: str = Field(min_length=1)
    name: str
    lat: float = plausible(lo=-90.0, hi=90.0, unit="°")
    lon: float = plausible(lo=-180.0, hi=180.0, unit="°")
    open: datetime
    close: datetime
    fill_min: float = plausible(lo=HANDLING_MIN[0], hi=HANDLING_MIN[1], unit="min")
    fill_bays: int | None = plausible(None, lo=1, hi=FILL_BAYS_MAX, unit="bays")


class Production(_Frozen):
    """Liquid metal one smelter releases for delivery, per alloy.

    ``stock_t`` tonnes are ready at the smelter's ``open``; then ``rate_tph`` tonnes per
    hour accrue. Tap temperatures bound the fill temperature.
    """

    smelter_id: str = Field(min_length=1)
    alloy: str = Field(min_length=1)
    rate_tph: float = plausible(lo=0.0, hi=RATE_TPH_MAX, unit="t/h")
    stock_t: float = plausible(lo=0.0, hi=STOCK_T_MAX, unit="t")
    tap_min_c: float = plausible(lo=TAP_C_MIN, hi=TAP_C_MAX, unit="°C")
    tap_max_c: float = plausible(lo=TAP_C_MIN, hi=TAP_C_MAX, unit="°C")


class Caster(_Frozen):
    """A die-casting plant that pours liquid metal into its holding furnace.

    Attributes
    ----------
    min_pour_c : float
        Lowest metal temperature the caster accepts at pour start; the plan keeps
        ``margin_c`` above it.
    unload_min : float
        Minutes to pour one ladle.
    alloys : tuple[str, ...]
        Alloys the caster uses (informative).
    """

    caster_id: str = Field(min_length=1)
    name: str
    lat: float = plausible(lo=-90.0, hi=90.0, unit="°")
    lon: float = plausible(lo=-180.0, hi=180.0, unit="°")
    open: datetime
    close: datetime
    min_pour_c: float = plausible(lo=MIN_POUR_C_MIN, hi=MIN_POUR_C_MAX, unit="°C")
    unload_min: float = plausible(lo=HANDLING_MIN[0], hi=HANDLING_MIN[1], unit="min")
    daily_t: float | None = plausible(None, lo=0.0, hi=TONNES_MAX, unit="t")
    alloys: tuple[str, ...] = ()


class Truck(_Frozen):
    """A ladle truck.

    Attributes
    ----------
    ladles : int
        Ladle slots on the truck (ladles carried full per trip).
    ladle_t : float
        Tonnes of metal per ladle.
    tau_h : float
        Thermal time constant of its ladles, hours.
    cost_per_km, cost_per_h : float | None
        Running cost; ``None`` takes the network's ``[economics]`` figure.
    payload_t : float | None
        Most tonnes of metal per trip (its legal payload less ladles and cradles);
        ``None``: as many full ladles as it has slots.
    max_trips : int | None
        Most trips (fills at a smelter) the truck makes in the plan day; ``None``: as
        many as its shift allows.
    """

    truck_id: str = Field(min_length=1)
    home_smelter: str = Field(min_length=1)
    ladles: int = plausible(lo=1, hi=LADLE_SLOTS_MAX, unit="ladles")
    ladle_t: float = plausible(lo=0.5, hi=20.0, unit="t")
    tau_h: float = plausible(lo=2.0, hi=200.0, unit="h")
    shift_start: datetime
    shift_end: datetime
    cost_per_km: float | None = plausible(None, lo=0.0, hi=TRUCK_COST_PER_KM_MAX, unit="CNY/km")
    cost_per_h: float | None = plausible(None, lo=0.0, hi=TRUCK_COST_PER_H_MAX, unit="CNY/h")
    payload_t: float | None = plausible(None, lo=0.5, hi=PAYLOAD_T_MAX, unit="t")
    max_trips: int | None = plausible(None, lo=1, hi=MAX_TRIPS, unit="trips")

    @property
    def trip_t(self) -> float:
        """Most tonnes of metal per trip, t: ``payload_t`` or every slot's full ladle."""
        full = self.ladles * self.ladle_t
        return full if self.payload_t is None else min(full, self.payload_t)

    def within_payload(self, tonnes: Sequence[float]) -> int:
        """How many of ``tonnes`` (t each, in order) one trip takes first: the longest
        leading run within its slots and :attr:`trip_t`."""
        load = 0.0
        for k, t in enumerate(tonnes[: self.ladles]):
            load += t
            if load > self.trip_t + 1e-6:
                return k
        return min(len(tonnes), self.ladles)


class Order(_Frozen):
    """A caster's order for liquid metal, poured inside ``[window_start, window_end]``."""

    order_id: str = Field(min_length=1)
    caster_id: str = Field(min_length=1)
    alloy: str = Field(min_length=1)
    tonnes: float = plausible(lo=0.0, hi=TONNES_MAX, unit="t")
    window_start: datetime
    window_end: datetime
    placed_at: datetime


class TruckStart(_Frozen):
    """Where and when a truck becomes available, if not at home at its shift start.

    Intraday re-planning: a truck repaired at a caster at 12:00, or one that finished
    elsewhere. ``site_kind`` is ``smelter`` or ``caster``.
    """

    truck_id: str = Field(min_length=1)
    site_kind: Literal["smelter", "caster"]
    site_id: str = Field(min_length=1)
    at: datetime


class Candidate(_Frozen):
    """A candidate site for a new smelter (siting studies)."""

    site_id: str = Field(min_length=1)
    name: str
    lat: float = plausible(lo=-90.0, hi=90.0, unit="°")
    lon: float = plausible(lo=-180.0, hi=180.0, unit="°")
    capex_cny: float = plausible(lo=0.0, hi=1e11, unit="CNY")
    rate_tph: float = plausible(lo=0.0, hi=RATE_TPH_MAX, unit="t/h")
    alloys: tuple[str, ...] = ()


class Network(BaseModel):
    """One region: sites, fleet, orders and parameters, validated and frozen.

    Build it with :func:`logistics.network.loader.load_network` (or directly in tests).
    ``undated_orders``: the orders file gives every window as ``HH:MM``, on no date of
    its own, so its orders are the same on any date loaded (a horizon plans them on
    every day, :mod:`logistics.network.horizon_orders`).
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    timezone: str = "Asia/Shanghai"
    plan_date: date
    params: Params = Params()
    smelters: tuple[Smelter, ...]
    production: tuple[Production, ...]
    casters: tuple[Caster, ...]
    fleet: tuple[Truck, ...]
    orders: tuple[Order, ...]
    candidates: tuple[Candidate, ...] = ()
    furnaces: tuple[Furnace, ...] = ()
    consumption: tuple[ConsumptionBand, ...] = ()
    ladles: tuple[Ladle, ...] = ()
    trucks_out: tuple[str, ...] = ()
    undated_orders: bool = False
    road_graph: Any = Field(default=None, exclude=True, repr=False)
    folder: Path | None = None

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Network:
        """A copy with some fields replaced, and none of the look-ups cached on this one.

        The look-ups (``truck_by_id``, ``day_orders`` …) are cached properties; a plain
        copy would carry them over and answer for the old fleet or orders.
        """
        copied = super().model_copy(update=update, deep=deep)
        for name in _CACHED:
            copied.__dict__.pop(name, None)
        return copied

    # -- time -------------------------------------------------------------------------
    @cached_property
    def tz(self) -> ZoneInfo:
        """The network's timezone."""
        return ZoneInfo(self.timezone)

    @cached_property
    def origin(self) -> datetime:
        """Local midnight at the start of the plan date (minute 0 of the plan)."""
        return datetime.combine(self.plan_date, datetime.min.time(), tzinfo=self.tz)

    @cached_property
    def origin_utc(self) -> datetime:
        """:attr:`origin` in UTC, the reference every elapsed time is measured from."""
        return self.origin.astimezone(UTC)

    def minutes(self, moment: datetime) -> float:
        """Real minutes elapsed from :attr:`origin` to ``moment`` (negative before it).

        Both ends are converted to UTC first: Python subtracts two datetimes that share
        one ``ZoneInfo`` as wall-clock times, which is an hour off across a
        daylight-saving change.
        """
        return (moment.astimezone(UTC) - self.origin_utc).total_seconds() / 60.0

    def at(self, minutes: float) -> datetime:
        """The moment ``minutes`` of real time after :attr:`origin`, in the network's zone."""
        return (self.origin_utc + timedelta(minutes=minutes)).astimezone(self.tz)

    # -- look-ups ---------------------------------------------------------------------
    @cached_property
    def smelter_by_id(self) -> dict[str, Smelter]:
        """Smelters keyed by id."""
        return {s.smelter_id: s for s in self.smelters}

    @cached_property
    def caster_by_id(self) -> dict[str, Caster]:
        """Casters keyed by id."""
        return {c.caster_id: c for c in self.casters}

    @cached_property
    def truck_by_id(self) -> dict[str, Truck]:
        """Trucks keyed by id."""
        return {t.truck_id: t for t in self.fleet}

    @cached_property
    def order_by_id(self) -> dict[str, Order]:
        """Orders keyed by id."""
        return {o.order_id: o for o in self.orders}

    @cached_property
    def production_by_key(self) -> dict[tuple[str, str], Production]:
        """Production keyed by ``(smelter_id, alloy)``."""
        return {(p.smelter_id, p.alloy): p for p in self.production}

    @cached_property
    def alloys_made(self) -> frozenset[str]:
        """Alloys at least one smelter makes."""
        return frozenset(p.alloy for p in self.production)

    def truck_cost_per_km(self, truck: Truck) -> float:
        """The truck's running cost per km, or the network default, CNY/km."""
        if truck.cost_per_km is not None:
            return truck.cost_per_km
        return self.params.economics.truck_cost_per_km

    def truck_cost_per_h(self, truck: Truck) -> float:
        """The truck's running cost per hour, or the network default, CNY/h."""
        if truck.cost_per_h is not None:
            return truck.cost_per_h
        return self.params.economics.truck_cost_per_h

    # -- the plan day -----------------------------------------------------------------
    @cached_property
    def horizon_end(self) -> datetime:
        """End of the plan day: the latest shift end or site closing (may be past midnight)."""
        ends = [t.shift_end for t in self.fleet] + [s.close for s in self.smelters]
        ends += [c.close for c in self.casters]
        return max([*ends, self.origin + timedelta(days=1)])

    @cached_property
    def day_orders(self) -> tuple[Order, ...]:
        """Orders of the plan day: those whose window *starts* on the plan date (local).

        Every order belongs to exactly one plan day, so two nightly plans of
        consecutive days can never both deliver it, even when trucks run past midnight
        (an order for 23:30–00:30 belongs to the day it starts on). The plan and the
        checker both use this definition.
        """
        tz = self.tz
        return tuple(
            o for o in self.orders if o.window_start.astimezone(tz).date() == self.plan_date
        )

    @cached_property
    def orders_outside_day(self) -> tuple[Order, ...]:
        """Orders in the orders file whose window starts on another day (not planned)."""
        day = {o.order_id for o in self.day_orders}
        return tuple(o for o in self.orders if o.order_id not in day)


#: Names of the cached look-ups of :class:`Network` (dropped by ``model_copy``).
_CACHED = tuple(name for name, value in vars(Network).items() if isinstance(value, cached_property))
