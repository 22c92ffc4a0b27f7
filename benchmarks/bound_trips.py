"""Every trip a truck could drive on a ladle day, each priced at what it costs at least.

The columns of the lower bound (:mod:`benchmarks.bound_lp`). A *trip* leaves a smelter
with ``k`` ladles filled there (``k`` at most the truck's ladle slots), pours them at
casters in one order, and ends at its last caster; the drive from there to the next
smelter (the next trip's, or home) is charged to it. A trip is kept only when some
timing meets every rule the checker (:mod:`logistics.check`) enforces on a trip on its
own: fills one after another on the truck, each ``fill_min``; departure after the last
fill; the drives; pours one after another, each ``unload_min``, each inside its order's
window, the caster's hours and after the lead time; every ladle's hold (end of its fill
to its pour) at most what ``tap_max_c`` allows; fills in the smelter's hours; the trip
inside some truck's shift, counting the drive from and back to its home.

What the trip is charged is a lower bound on what any plan pays for it: its road km,
its shortest duration (fills + drives + pours, no waiting) and the cheapest drive on to
any smelter, at the truck's ``cost_per_km`` / ``cost_per_h``; and per tonne of each
order, the superheat of the shortest hold any timing of it allows. Every duration is
taken one checker tolerance (1 s) short and every window one tolerance wide, so a plan
that the checker accepts within its tolerances still fits.

Trucks that differ only in their time constant, home or shift form one *class*: a class
has the longest time constant of its trucks (longer holds, less superheat: a
relaxation), the earliest start and latest end of its trucks at each site, and the sum
of their shifts as its hours.

All times are minutes from the plan date's midnight (:meth:`Network.minutes`).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field

from logistics.network.model import Network, Truck
from logistics.network.prices import superheat_cost_per_c_t
from logistics.physics.cooling import max_hold_h, min_tap_c
from logistics.physics.travel import Travel
from logistics.planning.jobs import build_jobs

#: The checker's time tolerance, minutes (``TIME_TOL_S`` = 1 s).
TOL_MIN = 1.0 / 60.0
#: The checker's tolerance on the arrival temperature, °C (``ARRIVAL_TOL_C``).
ARRIVAL_TOL_C = 0.05


@dataclass(frozen=True)
class OrderSlot:
    """A servable order as the bound sees it.

    Attributes
    ----------
    order_id, caster_id, alloy : str
        The order.
    servable_t : float
        Tonnes the planner's objective charges the unserved penalty for when they are
        not delivered (the tonnes of its ladle jobs), t.
    earliest, latest : float
        Pour starts allowed (order window, caster hours, lead time), minutes.
    unload_min : float
        Pour duration at its caster, minutes.
    needed_c : float
        Temperature needed at pour start (``min_pour_c + margin_c``), °C.
    """

    order_id: str
    caster_id: str
    alloy: str
    servable_t: float
    earliest: float
    latest: float
    unload_min: float
    needed_c: float


@dataclass
class TruckClass:
    """Trucks alike for the bound: same ladles, ladle size and running costs.

    Attributes
    ----------
    key : str
        ``<ladles>x<ladle_t>t@<cost_per_km>/km+<cost_per_h>/h``.
    ladles : int
        Ladle slots.
    ladle_t, tau_h : float
        Ladle size (t) and the longest time constant of its trucks (h).
    per_km, per_h : float
        Running costs, CNY/km and CNY/h.
    shift_min : float
        Sum of the trucks' shifts, minutes.
    first_fill : dict
        ``smelter_id ->`` earliest moment a truck of the class can start filling there.
    last_pour_end : dict
        ``caster_id ->`` latest moment a truck of the class can end a pour there and
        still get home by its shift end.
    trucks : int
        How many trucks.
    truck_ids : list of str
        Its trucks.
    """

    key: str
    ladles: int
    ladle_t: float
    tau_h: float
    per_km: float
    per_h: float
    shift_min: float = 0.0
    first_fill: dict[str, float] = field(default_factory=dict)
    last_pour_end: dict[str, float] = field(default_factory=dict)
    trucks: int = 0
    truck_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Trip:
    """One column: a class's trips from a smelter with the same ladles per order and the
    same last caster.

    The cheapest of the orderings that are feasible, with the shortest duration and the
    latest fill of any of them (each figure a bound for every ordering).

    Attributes
    ----------
    class_key, smelter_id : str
        The truck class and the smelter.
    ladles : tuple of (str, int)
        ``(order_id, ladles)`` pairs, by order id.
    cost_cny : float
        Route cost at least (km, hours, the drive on to a smelter), CNY.
    busy_min : float
        Truck minutes at least, the drive on included.
    last_fill_start : float
        Latest moment any of its fills can start, minutes.
    superheat_per_t : tuple of float
        Superheat at least per tonne of each order in :attr:`ladles`, CNY/t.
    end_caster : str
        Its last caster (orderings that end elsewhere are other columns).
    onward_cny, onward_min : float
        The cheapest drive on from :attr:`end_caster` to any smelter, in CNY and the
        shortest in minutes: the parts of :attr:`cost_cny` and :attr:`busy_min` that a
        programme tracking where trucks go next (:mod:`benchmarks.bound_lp`) replaces.
    """

    class_key: str
    smelter_id: str
    ladles: tuple[tuple[str, int], ...]
    cost_cny: float
    busy_min: float
    last_fill_start: float
    superheat_per_t: tuple[float, ...]
    end_caster: str = ""
    onward_cny: float = 0.0
    onward_min: float = 0.0
    first_fill_min: float = -math.inf
    first_fill_max: float = math.inf
    end_min: float = -math.inf


def class_key(network: Network, truck: Truck, by_tau: bool = False) -> str:
    """The key of a truck's class (ladles, size, running costs; with ``by_tau`` also its
    time constant, suffixed ``~<tau_h>h``)."""
    key = (
        f"{truck.ladles}x{truck.ladle_t:g}t@{network.truck_cost_per_km(truck):g}/km"
        f"+{network.truck_cost_per_h(truck):g}/h"
    )
    return f"{key}~{truck.tau_h:g}h" if by_tau else key


def class_of(classes: dict[str, TruckClass]) -> dict[str, str]:
    """``truck_id -> class key`` of the classes' trucks."""
    return {t: key for key, cls in classes.items() for t in cls.truck_ids}


def truck_classes(network: Network, travel: Travel, by_tau: bool = False) -> dict[str, TruckClass]:
    """The fleet in classes, each with its hours and where and when it can work.

    Parameters
    ----------
    network : Network
        The fleet.
    travel : Travel
        Minutes between homes and sites.
    by_tau : bool
        Split the classes by the trucks' time constant too (more classes: a tighter
        bound, slower; with ladle pools a truck fills only ladles insulated as well).

    Returns
    -------
    dict
        ``class key -> TruckClass``.
    """
    classes: dict[str, TruckClass] = {}
    for truck in network.fleet:
        key = class_key(network, truck, by_tau)
        cls = classes.setdefault(
            key,
            TruckClass(
                key,
                truck.ladles,
                truck.ladle_t,
                truck.tau_h,
                network.truck_cost_per_km(truck),
                network.truck_cost_per_h(truck),
            ),
        )
        cls.tau_h = max(cls.tau_h, truck.tau_h)
        cls.trucks += 1
        cls.truck_ids.append(truck.truck_id)
        start, end = network.minutes(truck.shift_start), network.minutes(truck.shift_end)
        cls.shift_min += max(0.0, end - start)
        home = travel.smelter(truck.home_smelter)
        for s in network.smelters:
            at = start + float(travel.minutes[home, travel.smelter(s.smelter_id)])
            cls.first_fill[s.smelter_id] = min(cls.first_fill.get(s.smelter_id, math.inf), at)
        for c in network.casters:
            back = end - float(travel.minutes[travel.caster(c.caster_id), home])
            cls.last_pour_end[c.caster_id] = max(
                cls.last_pour_end.get(c.caster_id, -math.inf), back
            )
    return classes


def order_slots(network: Network, travel: Travel) -> list[OrderSlot]:
    """The servable orders with their exact pour windows (widened by the tolerance).

    Servable tonnes are those of the planner's ladle jobs
    (:func:`logistics.planning.jobs.build_jobs`): the tonnes the objective charges the
    unserved penalty for. The windows are computed here from the inputs, not rounded.
    """
    book = build_jobs(network, travel)
    servable: dict[str, float] = defaultdict(float)
    for job in book.jobs:
        servable[job.order_id] += job.tonnes
    minutes = network.minutes
    params = network.params
    slots = []
    for order in network.day_orders:
        if servable.get(order.order_id, 0.0) <= 1e-9:
            continue
        caster = network.caster_by_id[order.caster_id]
        lead = minutes(order.placed_at) + params.planning.lead_time_h * 60.0
        earliest = max(minutes(order.window_start), minutes(caster.open), lead)
        latest = min(minutes(order.window_end), minutes(caster.close) - caster.unload_min)
        slots.append(
            OrderSlot(
                order.order_id,
                order.caster_id,
                order.alloy,
                servable[order.order_id],
                earliest - TOL_MIN,
                latest + TOL_MIN,
                caster.unload_min,
                caster.min_pour_c + params.thermal.margin_c,
            )
        )
    return slots


@dataclass(frozen=True)
class _Site:
    """What timing a trip from one smelter with one class needs (minutes, °C)."""

    smelter_id: str
    fill: float
    opens: float
    closes: float
    first_fill: float
    row: int


@dataclass(frozen=True)
class _Timing:
    """A ladle sequence's earliest pours relative to departure, and its last departure."""

    offsets: tuple[float, ...]  # fewest minutes from departure to each pour start
    depart_max: float  # latest departure (end of the last fill) any timing allows
    holds: tuple[float, ...]  # fewest minutes from departure to each pour at depart_max
    depart_min: float  # earliest departure any timing allows
    last_start_min: float  # earliest start of the last pour any timing allows


def _timing(
    site: _Site, seq: tuple[OrderSlot, ...], cls: TruckClass, travel: Travel
) -> _Timing | None:
    """Earliest pours of ``seq`` (in pour order) after departure; None if no timing fits.

    With departure ``D``, pour ``j`` starts at the earliest ``max(D + c_j, A_j)``
    (``c_j`` the drives and pours before it, ``A_j`` the earliest pour its window and
    those before it allow). Its window's end and the class's shift bound ``D`` from
    above; the latest such ``D`` gives every ladle its shortest hold at once.
    """
    k = len(seq)
    here = site.row
    c = a = -math.inf
    offsets, latest_d = [], site.closes + TOL_MIN
    prev: OrderSlot | None = None
    for slot in seq:
        row = travel.caster(slot.caster_id)
        drive = float(travel.minutes[here, row])
        if prev is None:
            step = max(0.0, drive - TOL_MIN)
            c, a = step, slot.earliest
        else:
            step = max(0.0, prev.unload_min - TOL_MIN) + max(0.0, drive - TOL_MIN)
            c, a = c + step, max(slot.earliest, a + step)
        latest = slot.latest
        if slot is seq[-1]:
            latest = min(latest, cls.last_pour_end[slot.caster_id] - slot.unload_min + TOL_MIN)
        if a > latest or not math.isfinite(c):
            return None
        latest_d = min(latest_d, latest - c)
        offsets.append((c, a))
        here, prev = row, slot
    earliest_d = max(site.opens, site.first_fill) + k * site.fill - TOL_MIN
    if latest_d < earliest_d:
        return None
    holds = tuple(max(cj, aj - latest_d) for cj, aj in offsets)
    c_last, a_last = offsets[-1]
    return _Timing(
        tuple(cj for cj, _ in offsets),
        latest_d,
        holds,
        earliest_d,
        max(earliest_d + c_last, a_last),
    )


@dataclass(frozen=True)
class _Heat:
    """A smelter's hold limit (min) and superheat (°C above ``tap_min_c``) for one order."""

    limit_min: float
    tap_min_c: float
    needed_c: float


def _heat(network: Network, smelter_id: str, slot: OrderSlot, tau_h: float) -> _Heat | None:
    """Hold limit and superheat rule of an order's ladle filled at ``smelter_id``."""
    prod = network.production_by_key.get((smelter_id, slot.alloy))
    if prod is None:
        return None
    needed = slot.needed_c - ARRIVAL_TOL_C
    hours = max_hold_h(prod.tap_max_c, needed, tau_h, network.params.thermal.ambient_c)
    limit = hours * 60.0 + TOL_MIN if math.isfinite(hours) else math.inf
    return _Heat(limit, prod.tap_min_c, needed)


def _excess_c(heat: _Heat, hold_min: float, tau_h: float, ambient_c: float) -> float:
    """Degrees above ``tap_min_c`` the tap needs for a hold of ``hold_min`` minutes."""
    return max(0.0, min_tap_c(hold_min / 60.0, heat.needed_c, tau_h, ambient_c) - heat.tap_min_c)


def _fill_orders(
    holds: tuple[float, ...], heats: list[_Heat], fill: float, tau_h: float, ambient_c: float
) -> list[float] | None:
    """Fewest degrees of superheat per ladle over every fill order that keeps the holds.

    The ladle filled ``p`` places before the last waits ``p × fill`` minutes longer.
    None when no fill order keeps every hold within its limit.
    """
    k = len(holds)
    best: list[float] | None = None
    for order in itertools.permutations(range(k)):
        extra = [(k - 1 - order[j]) * fill for j in range(k)]
        if any(holds[j] + extra[j] > heats[j].limit_min for j in range(k)):
            continue
        excess = [_excess_c(heats[j], holds[j] + extra[j], tau_h, ambient_c) for j in range(k)]
        best = excess if best is None else [min(a, b) for a, b in zip(best, excess, strict=True)]
    return best


@dataclass
class _Enumeration:
    """The state of one class's enumeration: inputs and the columns found so far."""

    network: Network
    travel: Travel
    cls: TruckClass
    onward: dict[str, tuple[float, float]]  # caster -> cheapest drive on: CNY, minutes
    columns: dict[tuple[str, str, tuple[str, ...], str], Trip] = field(default_factory=dict)
    visited: int = 0


def _price(
    en: _Enumeration, site: _Site, seq: tuple[OrderSlot, ...], heats: list[_Heat]
) -> Trip | None:
    """The column of a ladle sequence (pour order) from ``site``, or None if infeasible."""
    cls, travel = en.cls, en.travel
    timing = _timing(site, seq, cls, travel)
    if timing is None:
        return None
    ambient = en.network.params.thermal.ambient_c
    excess = _fill_orders(timing.holds, heats, site.fill, cls.tau_h, ambient)
    if excess is None:
        return None
    rows = [site.row, *(travel.caster(s.caster_id) for s in seq)]
    km = sum(float(travel.km[a, b]) for a, b in itertools.pairwise(rows))
    last = seq[-1]
    duration = len(seq) * site.fill + timing.holds[-1] + max(0.0, last.unload_min - TOL_MIN)
    on_cny, on_min = en.onward[last.caster_id]
    rate = superheat_cost_per_c_t(en.network.params)
    per_order: dict[str, float] = {}
    for slot, degrees in zip(seq, excess, strict=True):
        per_order[slot.order_id] = min(per_order.get(slot.order_id, math.inf), degrees * rate)
    counts: dict[str, int] = defaultdict(int)
    for slot in seq:
        counts[slot.order_id] += 1
    ladles = tuple(sorted(counts.items()))
    return Trip(
        cls.key,
        site.smelter_id,
        ladles,
        km * cls.per_km + duration / 60.0 * cls.per_h + on_cny,
        duration + on_min,
        timing.depart_max - site.fill,
        tuple(per_order[o] for o, _ in ladles),
        last.caster_id,
        on_cny,
        on_min,
        timing.depart_min - len(seq) * site.fill,
        timing.depart_max - len(seq) * site.fill,
        timing.last_start_min + max(0.0, last.unload_min - TOL_MIN),
    )


def _keep(en: _Enumeration, trip: Trip) -> None:
    """Merge ``trip`` into the column of its ladles: cheapest, shortest, latest of both."""
    ladles = tuple(f"{o}*{n}" for o, n in trip.ladles)
    key = (trip.class_key, trip.smelter_id, ladles, trip.end_caster)
    old = en.columns.get(key)
    if old is None:
        en.columns[key] = trip
        return
    en.columns[key] = Trip(
        old.class_key,
        old.smelter_id,
        old.ladles,
        min(old.cost_cny, trip.cost_cny),
        min(old.busy_min, trip.busy_min),
        max(old.last_fill_start, trip.last_fill_start),
        tuple(min(a, b) for a, b in zip(old.superheat_per_t, trip.superheat_per_t, strict=True)),
        old.end_caster,
        old.onward_cny,
        old.onward_min,
        min(old.first_fill_min, trip.first_fill_min),
        max(old.first_fill_max, trip.first_fill_max),
        min(old.end_min, trip.end_min),
    )


def _extend(
    en: _Enumeration,
    site: _Site,
    seq: tuple[OrderSlot, ...],
    heats: list[_Heat],
    candidates: list[tuple[OrderSlot, _Heat]],
) -> None:
    """Depth-first: every feasible sequence that starts with ``seq``.

    A sequence no timing fits cannot be extended into one that fits (leaving a ladle
    out of a feasible trip keeps it feasible), so the search stops there.
    """
    for slot, heat in candidates:
        longer, hot = (*seq, slot), [*heats, heat]
        en.visited += 1
        trip = _price(en, site, longer, hot)
        if trip is None:
            continue
        _keep(en, trip)
        if len(longer) < en.cls.ladles:
            _extend(en, site, longer, hot, candidates)


def _onward(network: Network, travel: Travel, cls: TruckClass) -> dict[str, tuple[float, float]]:
    """Per caster, the drive on to any smelter: the cheapest (CNY) and the shortest (min)."""
    out = {}
    smelters = [travel.smelter(s.smelter_id) for s in network.smelters]
    for c in network.casters:
        row = travel.caster(c.caster_id)
        mins = [max(0.0, float(travel.minutes[row, s]) - TOL_MIN) for s in smelters]
        cny = [
            float(travel.km[row, s]) * cls.per_km + m / 60.0 * cls.per_h
            for s, m in zip(smelters, mins, strict=True)
        ]
        out[c.caster_id] = (min(cny), min(mins))
    return out


def enumerate_trips(
    network: Network, travel: Travel, slots: list[OrderSlot], classes: dict[str, TruckClass]
) -> tuple[list[Trip], int]:
    """Every feasible trip of every class from every smelter, merged by ladles per order
    and last caster.

    Parameters
    ----------
    network : Network
        The day.
    travel : Travel
        Its travel model.
    slots : list of OrderSlot
        The servable orders (:func:`order_slots`).
    classes : dict
        The truck classes (:func:`truck_classes`).

    Returns
    -------
    tuple
        The columns, and how many ladle sequences were tried.
    """
    columns: list[Trip] = []
    visited = 0
    minutes = network.minutes
    for cls in classes.values():
        en = _Enumeration(network, travel, cls, _onward(network, travel, cls))
        for smelter in network.smelters:
            site = _Site(
                smelter.smelter_id,
                max(0.0, smelter.fill_min - TOL_MIN),
                minutes(smelter.open),
                minutes(smelter.close),
                cls.first_fill[smelter.smelter_id],
                travel.smelter(smelter.smelter_id),
            )
            candidates = []
            for slot in slots:
                heat = _heat(network, smelter.smelter_id, slot, cls.tau_h)
                if heat is not None:
                    candidates.append((slot, heat))
            _extend(en, site, (), [], candidates)
        columns += en.columns.values()
        visited += en.visited
    return columns, visited
