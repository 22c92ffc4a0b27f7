"""Managed supply: the deliveries that keep each managed furnace between its limits.

For every furnace on managed supply (``consumption.csv``), the planner decides how much
to deliver and when, as orders of its own (``M-<caster>-<alloy>-<k>``) that go into
the day's jobs beside the casters' orders and are routed by the same day planner:

* **how much**: whole ladles of the fleet's sizes — the largest load (``n`` ladles of
  one size, ``n`` up to the slots of a truck with that size) whose pour window is at
  least ``[supply] min_window_h`` long, else the smallest ladle; when what the furnace
  still needs is less than that load, the smallest load that covers the need (and is
  as wide); a furnace re-cut after running low (``small``) takes one ladle at a time,
  smallest first, whose windows open earliest;
* **when**: the pour window of delivery ``k`` runs from the first minute its metal fits
  under the capacity (every earlier delivery poured) to the last minute at which its
  pours still end before the level, with every earlier delivery poured, would fall
  below the minimum (less one pour per ladle of the load on the smallest-ladled truck);
  when the smallest ladle pours faster than the cells ever draw, to the last minute its
  first pour may *start* (the level rises from then on); never later than one pour
  before 24:00 (the furnace's levels end there), and a load that fits under the
  capacity only after that is not cut (a smaller one that fits earlier is tried, else
  the need is the next day's, from the level carried over).

Because the level at any moment after all earlier deliveries are poured does not depend
on when they were poured, any plan that pours every delivery inside its window keeps
the furnace within ``[min_level_t, capacity_t]``. Deliveries are cut for the plan day
(00:00–24:00) and look ahead into the next morning: a delivery the furnace needs
before :data:`MORNING_MARGIN_MIN` after the fleet's first shift start of the next day
(when the next day's trucks could not be there in time) is made the evening before,
its pours ending with the plan day; later needs are the next day's. For a caster
that opens after the fleet's first shift, the margin counts from its opening, so the
evening fill covers the first hours of its next morning.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from logistics.network.furnaces import Furnace
from logistics.network.model import Caster, Network, Order, Smelter, Truck, TruckStart
from logistics.physics.furnace import DAY_MIN, LEVEL_TOL_T, draw_per_minute, furnace_bands
from logistics.physics.travel import Travel
from logistics.planning.windows import NEVER, ceil_minutes, fill_minutes, pour_minutes

#: Most deliveries cut for one furnace on one day beyond what its draw and capacity
#: could take in its smallest delivery (a guard against a zero-room furnace).
MAX_DELIVERIES = 200
#: Smallest measured delivery, t (1 kg, the checker's tolerance on levels): less is the
#: rounding of carried levels, not a need.
MIN_MEASURED_T = 0.001
#: Prefix of the order ids of managed deliveries.
MANAGED_PREFIX = "M-"
#: How long after the fleet's first shift start a next-morning need is left to the next
#: day's trucks, min (an earlier need is delivered the evening before).
MORNING_MARGIN_MIN = 120.0


@dataclass(frozen=True)
class Load:
    """A candidate delivery size: ``ladles`` ladles of ``ladle_t`` tonnes."""

    ladles: int
    ladle_t: float

    @property
    def tonnes(self) -> float:
        """The load, t."""
        return self.ladles * self.ladle_t


def fleet_loads(network: Network) -> list[Load]:
    """Loads the fleet can carry in one trip, largest first (ties: fewer ladles first)."""
    loads = {
        Load(n, t.ladle_t)
        for t in network.fleet
        for n in range(1, t.ladles + 1)
        if n * t.ladle_t <= t.trip_t + 1e-9
    }
    return sorted(loads, key=lambda x: (-x.tonnes, x.ladles))


def _first(mask: np.ndarray) -> int | None:
    """The first index where ``mask`` holds, or None."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


@dataclass(frozen=True)
class Span:
    """The minutes deliveries are cut over: the day, and the next morning's need.

    Attributes
    ----------
    day_end : int
        Pours end by this minute (the plan day's end), min.
    need_end : int
        A need before this minute (on the day or the next morning) is today's, min.
    first_pour : int or None
        The earliest minute any truck could start pouring into the furnace
        (:func:`first_pour_min`); ``None``: not known (no travel model).
    """

    day_end: int = DAY_MIN
    need_end: int = DAY_MIN
    first_pour: int | None = None


def first_pour_min(
    network: Network, travel: Travel, furnace: Furnace, starts: Sequence[TruckStart] = ()
) -> int | None:
    """The earliest whole minute of the day a truck of the fleet could start pouring into
    ``furnace`` (its *reachable* first pour).

    Over every truck and every smelter making the alloy (:func:`_reach_min`): the truck
    leaves its home smelter at its shift start, drives free-flow to the smelter (none at
    its own), fills one ladle once the smelter is open (the fill ending by its close) and
    drives free-flow to the caster, pouring once it is open; the pour starts by the
    truck's shift end and ends by the caster's close and by 24:00. A truck with a start
    in ``starts`` (a re-plan's) may also leave from its site at the later of its shift
    start and the start's moment; the earlier of the two counts (a plan may fill from
    home before that moment, or from the site after it). Each step is rounded up to
    whole minutes, as every plan times them. A bound: it ignores the ladles, the fill
    bays, the metal in stock, rush hours and drivers' breaks, so no plan pours earlier
    (the checker computes the same bound on its own from the inputs and the plan's
    truck starts).

    Parameters
    ----------
    network : Network
        The day's network (fleet home smelters and shifts, smelters' and caster's hours).
    travel : Travel
        Its travel model (free-flow drive minutes, the fastest any drive can be).
    starts : sequence of TruckStart
        The plan's truck starts (``DayState.truck_starts``); none for a fresh day.

    Returns
    -------
    int or None
        Minutes from the day's midnight; :data:`~logistics.physics.furnace.DAY_MIN` when
        no truck could pour into it within the day (the caster closes first, or every
        shift ends first); ``None`` without a fleet or a smelter making the alloy with a
        road to the caster.
    """
    if not network.fleet:
        return None
    caster = network.caster_by_id[furnace.caster_id]
    col = travel.caster(caster.caster_id)
    makers = []
    for p in network.production:
        drive = ceil_minutes(float(travel.minutes[travel.smelter(p.smelter_id), col]))
        if p.alloy == furnace.alloy and drive < NEVER:
            makers.append((network.smelter_by_id[p.smelter_id], drive))
    if not makers:
        return None
    found = [
        _reach_min(network, travel, truck, smelter, drive, caster, origin)
        for truck in network.fleet
        for origin in _origins(network, travel, truck, starts)
        for smelter, drive in makers
    ]
    return min((m for m in found if m is not None), default=DAY_MIN)


def _origins(
    network: Network, travel: Travel, truck: Truck, starts: Sequence[TruckStart]
) -> list[tuple[int, int]]:
    """Where and from which whole minute ``truck`` may leave for its first fill:
    ``(travel node, min)``, its home smelter at its shift start, and the site of its
    start in ``starts`` (if any) at the later of its shift start and the start's
    moment (rounded up). A truck given several starts (one per re-plan) has the last, as
    the plan's readers and the checker keep it."""
    shift = ceil_minutes(network.minutes(truck.shift_start))
    found = [(travel.smelter(truck.home_smelter), shift)]
    last = {s.truck_id: s for s in starts}.get(truck.truck_id)
    if last is not None:
        at = max(shift, ceil_minutes(network.minutes(last.at)))
        found.append((travel.index(last.site_kind, last.site_id), at))
    return found


def _reach_min(
    network: Network,
    travel: Travel,
    truck: Truck,
    smelter: Smelter,
    drive: int,
    caster: Caster,
    origin: tuple[int, int],
) -> int | None:
    """The earliest whole minute ``truck``, leaving ``origin`` (``(travel node, min)``,
    :func:`_origins`), could start pouring at ``caster`` with a ladle filled at
    ``smelter`` (``drive`` whole minutes from it to the caster), see
    :func:`first_pour_min`; ``None`` when it could not within the day."""
    node, start = origin
    target = travel.smelter(smelter.smelter_id)
    if node != target:
        start += ceil_minutes(float(travel.minutes[node, target]))
    fill_end = max(start, ceil_minutes(network.minutes(smelter.open))) + fill_minutes(smelter)
    if start >= NEVER or fill_end > network.minutes(smelter.close) + 1e-6:
        return None  # no road to the smelter, or it closes before the fill ends
    pour = max(fill_end + drive, ceil_minutes(network.minutes(caster.open)))
    last = min(float(DAY_MIN), network.minutes(caster.close)) - pour_minutes(caster)
    if pour > network.minutes(truck.shift_end) + 1e-6 or pour > last + 1e-6:
        return None  # its shift ends, or the caster closes, before it could pour
    return pour


def _window(
    base: np.ndarray,
    need: np.ndarray,
    furnace: Furnace,
    delivered: float,
    load: Load,
    smallest_t: float,
    pour: int,
    span: Span,
    dip: bool = False,
) -> tuple[int, int] | None:
    """``(earliest, latest)`` pour start of ``load`` after ``delivered`` t, min; None: not
    needed today.

    The deadline comes from ``need`` (the level curve, or lower where the delivery
    decision wants metal earlier), the earliest start from ``base`` (the real level).
    Every pour ends by ``span.day_end`` (the furnace's levels end there), so the latest
    start is at most ``span.day_end - pour``; a load that fits under the capacity only
    later is not cut (None): it is the next day's, poured from the level carried over.

    With ``dip``, a deadline before ``span.first_pour`` (the furnace reaches its minimum
    before any truck could pour) moves to :func:`_dip_end` when a pour outruns the
    draw: the dip before the first pour is unavoidable (the plan reports it, the
    checker verifies it) and the day's first trips end it, rather than the delivery
    being left unserved. A deadline of the decision's (``need`` below ``base``) before
    the load fits under the capacity gives way to the level's own (or, when the level
    does not need the metal today, to the day's end), rather than an empty window."""
    low = _first(need[: span.need_end + 1] + delivered < furnace.min_level_t - LEVEL_TOL_T)
    if low is None:
        return None
    last_start = span.day_end - pour  # the last pour start that ends within the day
    latest_end = min(max(low - 1, 0), span.day_end)
    outruns = min(load.tonnes, smallest_t) / max(pour, 1) >= float(
        np.max(base[:-1] - base[1:], initial=0.0)
    )  # a (part-filled) ladle pours faster than the cells ever draw
    first = span.first_pour
    if dip and first is not None and outruns and latest_end < first <= last_start:
        ladles = math.ceil(load.tonnes / smallest_t - 1e-9)
        dip_end = _dip_end(base, furnace, delivered, ladles * pour - pour, span)
        if dip_end is None:
            return None  # its ladles cannot all start in time: a smaller load
        latest_end = dip_end  # an unavoidable dip: the first trips end it
    fits = _first(base + delivered + load.tonnes <= furnace.capacity_t + LEVEL_TOL_T)
    if fits is None:
        return None  # it never fits under the capacity today: a smaller load, or none
    earliest = fits
    if earliest > last_start:
        return None  # it fits too late to pour within the day: the next day's delivery
    if outruns:
        latest = latest_end  # a pour outruns the draw: it need only start in time
    else:
        latest = latest_end - math.ceil(load.tonnes / smallest_t - 1e-9) * pour
    if latest < earliest and need is not base:
        # the decision wants the metal before the load fits: the level's own deadline
        own = _window(base, base, furnace, delivered, load, smallest_t, pour, span, dip)
        return (earliest, last_start) if own is None else own
    return earliest, min(latest, last_start)


def _dip_end(
    base: np.ndarray, furnace: Furnace, delivered: float, after_min: int, span: Span
) -> int | None:
    """The deadline of a delivery the level needs before ``span.first_pour``, min: the
    last minute from the first pour on at which the level, with ``delivered`` t poured,
    is still no lower than the level at the first pour (or the minimum, if lower): the
    shortfall stays the unavoidable one. The first delivery is thus due at the first
    pour itself, a later one when the metal before it runs out. ``None`` when the
    load's later ladles (``after_min`` minutes of pours after its first) cannot start
    by then."""
    assert span.first_pour is not None
    first = span.first_pour
    floor = min(furnace.min_level_t - LEVEL_TOL_T, float(base[first]))
    below = _first(base[first : span.need_end + 1] + delivered < floor - 1e-9)
    end = min(span.day_end, first + (span.need_end - first if below is None else below - 1))
    return None if end - first < after_min else end


def _need(base: np.ndarray, furnace: Furnace, delivered: float, span: Span) -> float:
    """Tonnes the furnace still needs to stay at its minimum until ``span.need_end``, t."""
    return float(max(0.0, furnace.min_level_t - (base[: span.need_end + 1] + delivered).min()))


def _choose(
    base: np.ndarray,
    need_curve: np.ndarray,
    furnace: Furnace,
    delivered: float,
    loads: Sequence[Load],
    pour: int,
    span: Span,
    min_width: float,
) -> tuple[Load, int, int] | None:
    """The next delivery's load and window (see the module's rule); None: none needed."""
    need = _need(need_curve, furnace, delivered, span)
    if need <= LEVEL_TOL_T:
        return None
    covering = [x for x in loads if x.tonnes >= need - LEVEL_TOL_T]
    ordered = sorted(covering, key=lambda x: (x.tonnes, x.ladles)) if covering else []
    candidates = [*ordered, *loads]
    for dip in (True, False):  # an unavoidable dip's deadline, else the level's
        found = _widest(
            base, need_curve, furnace, delivered, candidates, pour, span, min_width, dip
        )
        if found is not None:
            return found
    return None


def _widest(
    base: np.ndarray,
    need_curve: np.ndarray,
    furnace: Furnace,
    delivered: float,
    candidates: Sequence[Load],
    pour: int,
    span: Span,
    min_width: float,
    dip: bool,
) -> tuple[Load, int, int] | None:
    """The first of ``candidates`` whose window is at least ``min_width`` wide, else the
    widest (``dip`` as in :func:`_window`); None: none fits within the day."""
    smallest = min(x.ladle_t for x in candidates)
    chosen: tuple[Load, int, int] | None = None
    for load in candidates:  # the smallest covering load first, then largest first
        window = _window(base, need_curve, furnace, delivered, load, smallest, pour, span, dip)
        if window is None:
            continue  # this load fits only after the day: a smaller one may fit today
        if window[1] - window[0] >= min_width:
            return load, *window
        if chosen is None or window[1] - window[0] > chosen[2] - chosen[1]:
            chosen = (load, *window)  # none wide enough: the widest
    return chosen


def _order(
    network: Network, furnace: Furnace, k: int, tonnes: float, window: tuple[int, int]
) -> Order:
    """Delivery ``k`` of a furnace as an order."""
    earliest, latest = window
    return Order(
        order_id=f"{MANAGED_PREFIX}{furnace.caster_id}-{furnace.alloy}-{k:02d}",
        caster_id=furnace.caster_id,
        alloy=furnace.alloy,
        tonnes=tonnes,
        window_start=network.at(earliest),
        window_end=network.at(max(earliest, latest)),
        placed_at=network.at(-network.params.planning.lead_time_h * 60.0),
    )


def _deliveries_of(
    network: Network,
    furnace: Furnace,
    loads: Sequence[Load],
    base: np.ndarray,
    span: Span,
    need: np.ndarray | None = None,
) -> list[Order]:
    """The day's deliveries of one managed furnace (see the module's rule); ``need``: the
    level curve the deadlines are cut from (``base`` by default)."""
    caster = network.caster_by_id[furnace.caster_id]
    pour = pour_minutes(caster)
    min_width = network.params.supply.min_window_h * 60.0
    need = base if need is None else need
    orders: list[Order] = []
    delivered = 0.0
    for k in range(1, _most_deliveries(furnace, base, min(x.tonnes for x in loads)) + 1):
        chosen = _choose(base, need, furnace, delivered, loads, pour, span, min_width)
        if chosen is None:
            return orders
        load, earliest, latest = chosen
        orders.append(_order(network, furnace, k, load.tonnes, (earliest, latest)))
        delivered += load.tonnes
    return orders


def _most_deliveries(furnace: Furnace, base: np.ndarray, smallest_t: float) -> int:
    """How many deliveries of at least ``smallest_t`` t the furnace could take over its
    span (``base``: its level without deliveries, t): the span's draw and its capacity in
    the smallest delivery, plus :data:`MAX_DELIVERIES` (a furnace drawing 50 t/h served
    by 3-t ladles needs more than 200 a day)."""
    draw = max(0.0, float(base[0] - base[-1])) + furnace.capacity_t
    return int(min(draw / max(smallest_t, MIN_MEASURED_T), 1e6)) + MAX_DELIVERIES


def _measured_deliveries(
    network: Network, furnace: Furnace, base: np.ndarray, need: np.ndarray, span: Span
) -> list[Order]:
    """Deliveries of the tonnes the furnace needs by ``need``, at most one truck's trip
    each (``[supply] whole_ladles = false``: the last ladle part-filled)."""
    trip_t = max(t.trip_t for t in network.fleet)
    smallest = min(t.ladle_t for t in network.fleet)
    pour = pour_minutes(network.caster_by_id[furnace.caster_id])
    orders: list[Order] = []
    delivered = 0.0
    for k in range(1, _most_deliveries(furnace, base, MIN_MEASURED_T) + 1):
        room = furnace.capacity_t - furnace.min_level_t  # most a delivery can ever fit
        tonnes = min(trip_t, room, _need(need, furnace, delivered, span))
        if tonnes < MIN_MEASURED_T:
            break
        window = _window(base, need, furnace, delivered, Load(1, tonnes), smallest, pour, span)
        if window is None:
            break
        orders.append(_order(network, furnace, k, tonnes, window))
        delivered += tonnes
    return orders


def _span(
    network: Network, furnace: Furnace, travel: Travel | None, starts: Sequence[TruckStart] = ()
) -> Span:
    """The day, and the next morning up to the fleet's first shift start or the caster's
    opening, whichever is later, plus a margin (the evening fill covers the first hours
    of the next morning's draw); the day's first possible pour with ``travel`` (the
    trucks leaving home, or from their ``starts``)."""
    first_shift = min(network.minutes(t.shift_start) for t in network.fleet)
    opens = network.minutes(network.caster_by_id[furnace.caster_id].open)
    morning = max(0.0, first_shift, opens)
    first = None if travel is None else first_pour_min(network, travel, furnace, starts)
    return Span(DAY_MIN, DAY_MIN + int(morning + MORNING_MARGIN_MIN), first)


def _base_curve(network: Network, furnace: Furnace) -> np.ndarray:
    """The level without deliveries at every whole minute of the day and the next, t."""
    bands = furnace_bands(furnace, network.consumption)
    weekday = network.plan_date.weekday()
    draw = np.concatenate(
        (draw_per_minute(bands, weekday), draw_per_minute(bands, (weekday + 1) % 7))
    )
    return furnace.start_level_t - np.concatenate(([0.0], np.cumsum(draw)))


def _need_curve(furnace: Furnace, base: np.ndarray, required: np.ndarray | None) -> np.ndarray:
    """The level curve deadlines are cut from: ``base``, lowered where the delivery
    decision wants ``required`` t poured by a minute before the level itself needs it."""
    if required is None:
        return base
    wanted = np.full(base.size, float(required[-1]) if required.size else 0.0)
    wanted[: min(base.size, required.size)] = required[: base.size]
    return np.minimum(base, furnace.min_level_t - wanted)


def managed_deliveries(
    network: Network,
    small: Collection[tuple[str, str]] = (),
    required: Mapping[tuple[str, str], np.ndarray] | None = None,
    travel: Travel | None = None,
    starts: Sequence[TruckStart] = (),
) -> tuple[Order, ...]:
    """The day's deliveries of every furnace on managed supply, as orders.

    Parameters
    ----------
    network : Network
        The network; its ``furnaces`` and ``consumption`` (from ``consumption.csv``).
    small : collection of (caster_id, alloy)
        Furnaces re-cut in single ladles, smallest first (their windows open earliest).
    required : mapping, optional
        ``(caster_id, alloy) ->`` tonnes the delivery decision wants poured by each
        minute of the day (t, from :mod:`logistics.planning.horizon_supply`): a delivery
        is due by then even when the level alone would need it later.
    travel : Travel, optional
        The network's travel model: with it a furnace that reaches its minimum before
        any truck could pour (:func:`first_pour_min`) gets its delivery due at that
        first pour; without it such a delivery keeps the deadline its level gives.
    starts : sequence of TruckStart
        The day's truck starts (a re-plan's ``DayState.truck_starts``): a truck may
        leave from its start's site for the first pour (:func:`first_pour_min`).

    Returns
    -------
    tuple of Order
        Orders ``M-<caster>-<alloy>-<k>`` with tonnes (t) and pour windows; empty
        without a managed furnace or a fleet.
    """
    loads = fleet_loads(network)
    if not loads:
        return ()
    singles = sorted((x for x in loads if x.ladles == 1), key=lambda x: x.tonnes)
    required = required or {}
    orders: list[Order] = []
    for furnace in network.furnaces:
        if not furnace.managed:
            continue
        key = (furnace.caster_id, furnace.alloy)
        span = _span(network, furnace, travel, starts)
        base = _base_curve(network, furnace)
        need = _need_curve(furnace, base, required.get(key))
        if not network.params.supply.whole_ladles:
            orders += _measured_deliveries(network, furnace, base, need, span)
            continue
        mine = singles if key in small else loads
        orders += _deliveries_of(network, furnace, mine, base, span, need)
    return tuple(orders)


def with_managed_deliveries(
    network: Network,
    small: Collection[tuple[str, str]] = (),
    required: Mapping[tuple[str, str], np.ndarray] | None = None,
    travel: Travel | None = None,
    starts: Sequence[TruckStart] = (),
) -> tuple[Network, tuple[Order, ...]]:
    """The network with its managed deliveries added to its orders, and the deliveries.

    Without a managed furnace the network is returned as it is; ``small``,
    ``required``, ``travel`` and ``starts`` as in :func:`managed_deliveries`.
    """
    deliveries = managed_deliveries(network, small, required, travel, starts)
    if not deliveries:
        return network, ()
    return network.model_copy(update={"orders": network.orders + deliveries}), deliveries
