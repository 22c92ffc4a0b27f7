"""Managed deliveries decided ahead: how much each furnace gets in each hour of the horizon.

The per-day cut (:mod:`logistics.planning.managed`) sees one furnace at a time; when many
furnaces come out of the night near their minimum, all need metal in the first morning
hours, more than the fleet can bring. This module decides for all managed furnaces at
once, over ``[supply] lookahead_days`` days from the plan day's midnight in hourly
buckets, a small mixed-integer programme (OR-Tools, SCIP):

* ``x[f, b] ≥ 0``: tonnes poured into furnace ``f`` in hour ``b`` (only while its
  caster is open); ``y[f, d]``: whether ``f`` gets metal on day ``d`` (binary);
* **levels**: the level at the start of ``b`` plus ``x[f, b]`` stays at or below the
  capacity (the pour fits); the level at the end of ``b`` *without* ``x[f, b]`` stays at
  or above the minimum less a shortfall ``s[f, b] ≥ 0`` (a delivery counts from the
  next hour on: the decision never relies on metal poured in the hour it is needed);
* **fleet**: the truck-hours of the hour's deliveries (tonnes × the round trip from the
  nearest smelter making the alloy ÷ the fleet's mean trip tonnes) stay within
  ``[supply] fleet_share`` of the trucks on shift in that hour, less what the casters'
  orders of that hour take; each day of the lookahead has its own trucks and shifts
  (:class:`DayResources`, from the rows of ``fleet.csv`` that hold on its date) and its
  own orders (:func:`lookahead_orders`: the network's orders whose window starts on
  that date; an orders file without dates repeats the plan day's);
* **trips**: when every truck has a ``max_trips``, each day's deliveries stay within
  the tonnes that day's fleet's trips carry less that day's ordered tonnes (the orders
  ride the same trips), and the visit search prices a route beyond the trips the
  orders leave as a trip's metal bought as ingots — both from one count of the trips
  left (:func:`~logistics.planning.visit_search.day_capacity`);
* **production**: each alloy's deliveries up to an hour stay within what its smelters
  hold at 00:00 and make by then (each day its own rows of ``production.csv``), less
  that day's ordered tonnes of the alloy;
* **cost**: the transport estimate per tonne, a stop estimate per furnace-day (the
  detour of visiting it between its two nearest sites), the shortfall at the ingot
  route's price plus an hour's ``[supply] stockout_cny_per_h`` per tonne-hour, and a
  tie-break of 0.01 CNY per tonne-hour held, so metal comes as late as the fleet allows.

Only the plan day's hours are used (:func:`due_by_last_hour`): the cut turns them into
deliveries all due by the decision's last hour with a delivery, each earlier one only
as the level needs it (wide windows), so a furnace is filled the evening before a rush
the fleet could not serve in the morning.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

import numpy as np
from ortools.linear_solver import pywraplp

from logistics.network.furnaces import Furnace
from logistics.network.model import Caster, Network, Order, Production, Truck
from logistics.network.prices import ingot_cost_per_t
from logistics.physics.furnace import DAY_MIN, draw_per_minute, furnace_bands
from logistics.physics.travel import Travel
from logistics.planning.managed import MANAGED_PREFIX
from logistics.planning.visit_search import (
    SEARCH_LIMIT_S,
    SMALL_FURNACES,
    DayCapacity,
    DayRouting,
    VisitSearch,
    add_trip_limits,
    day_capacity,
    day_trips,
    improve_visit_days,
    trips_left,
)
from logistics.planning.windows import fill_minutes, pour_minutes

#: Hours per bucket of the decision, and minutes.
BUCKET_MIN = 60
#: Tie-break per tonne-hour held in a furnace, as a share of its holding cost: the later
#: the better when the furnace and the smelter hold alike (0.01 CNY/(t·h) by default).
HOLD_TIE_SHARE = 0.01
#: Deliveries below this are dropped from the decision, t.
MIN_DELIVERY_T = 0.05
#: Tonnes of an order its trucks out leave uncarried below this are none, t.
UNCARRIED_EPS_T = 1e-6
#: The solver's time limit, s.
SOLVER_LIMIT_S = 10.0
#: Share of what is left of a decision's time (``budget_s``) its programme may take
#: when the visit search follows (the search takes the rest).
PROGRAMME_SHARE = 0.5
#: Shortest visit search worth starting, s: with less left the programme's visit days
#: are kept.
MIN_SEARCH_S = 0.2
#: Shortest time limit given to a solver, s.
MIN_SOLVE_S = 0.1

Key = tuple[str, str]


@dataclass(frozen=True)
class Missed:
    """A managed delivery the routed day left unserved: the closed loop's feedback.

    Attributes
    ----------
    key : (str, str)
        The furnace's caster and alloy.
    tonnes : float
        Tonnes left unserved, t.
    start_min, end_min : float
        The delivery's pour window, minutes from the plan day's midnight.
    reason : str
        Why the router left it (``production`` tightens the alloy's production, any
        other reason the fleet's hours).
    """

    key: Key
    tonnes: float
    start_min: float
    end_min: float
    reason: str


@dataclass(frozen=True)
class DayResources:
    """One day of the lookahead: its fleet and production.

    Attributes
    ----------
    fleet : tuple of Truck
        The trucks available that day.
    production : tuple of Production
        Each smelter's stock at that day's 00:00 (t) and rate (t/h).
    offset_min : float
        Minutes added to the trucks' shift times to place them on that day (0 for rows
        whose times are already on their own date; ``d × 1440`` for the plan day's rows
        re-used on day ``d``).
    carried : tuple of (str, float)
        Order ids (casters' orders and managed deliveries) with the tonnes (t) that
        trucks taken out of service, and so not in ``fleet``, already carry that day
        (a re-plan's runs made or under way): none of the fleet's trips or hours go to
        them.
    """

    fleet: tuple[Truck, ...]
    production: tuple[Production, ...]
    offset_min: float = 0.0
    carried: tuple[tuple[str, float], ...] = ()


def lookahead_resources(
    network: Network,
    ahead: Sequence[DayResources] = (),
    carried: Sequence[tuple[str, float]] = (),
) -> list[DayResources]:
    """Every day of the lookahead: the plan day's fleet and production (with the
    tonnes its trucks out ``carried``, :attr:`DayResources.carried`), then ``ahead``
    (the next days' own), then the plan day's again for days ``ahead`` does not give."""
    count = int(network.params.supply.lookahead_days)
    days = [DayResources(network.fleet, network.production, carried=tuple(carried))]
    for d in range(1, count):
        own = ahead[d - 1] if d - 1 < len(ahead) else None
        days.append(own or DayResources(network.fleet, network.production, float(d * DAY_MIN)))
    return days


@dataclass(frozen=True)
class _Furnace:
    """What the decision knows of one managed furnace."""

    key: Key
    furnace: Furnace
    drawn: np.ndarray  # cumulative draw at every bucket edge, t (buckets + 1)
    open_: np.ndarray  # bool per bucket: the caster receives metal
    truck_h_per_t: float
    cost_per_t: float
    stop_cny: float
    hold_cny_per_t_h: float = 0.0  # the furnace's holding less the smelter's, tie-break in
    supplier: int = -1  # row of the supplying smelter


def _drawn(network: Network, furnace: Furnace, buckets: int) -> np.ndarray:
    """Cumulative draw at every bucket edge over the lookahead, t."""
    bands = furnace_bands(furnace, network.consumption)
    weekday = network.plan_date.weekday()
    days = buckets * BUCKET_MIN // DAY_MIN
    draw = np.concatenate([draw_per_minute(bands, (weekday + d) % 7) for d in range(days)])
    cumulative = np.concatenate(([0.0], np.cumsum(draw)))
    return np.asarray(cumulative[::BUCKET_MIN])


def _open_share(start: float, end: float, buckets: int) -> np.ndarray:
    """Share of each bucket (repeated daily) inside ``[start, end)`` minutes of the day."""
    edges = np.arange(buckets + 1, dtype=float) * BUCKET_MIN
    share = np.zeros(buckets)
    for day in range(buckets * BUCKET_MIN // DAY_MIN + 1):
        lo, hi = start + day * DAY_MIN, end + day * DAY_MIN
        share += np.clip(np.minimum(edges[1:], hi) - np.maximum(edges[:-1], lo), 0.0, None)
    return np.minimum(share / BUCKET_MIN, 1.0)


def _open_once(start: float, end: float, buckets: int) -> np.ndarray:
    """Minutes of each bucket inside ``[start, end)`` (minutes from the plan day's
    midnight, not repeated)."""
    edges = np.arange(buckets + 1, dtype=float) * BUCKET_MIN
    return np.asarray(
        np.clip(np.minimum(edges[1:], end) - np.maximum(edges[:-1], start), 0.0, None)
    )


def _trucks_on_shift(network: Network, buckets: int, days: Sequence[DayResources]) -> np.ndarray:
    """Trucks on shift in each bucket (shares of an hour count), each day its own fleet."""
    minutes: dict[str, np.ndarray] = {}
    for day in days:
        for t in day.fleet:
            lo = network.minutes(t.shift_start) + day.offset_min
            hi = network.minutes(t.shift_end) + day.offset_min
            minutes[t.truck_id] = minutes.get(t.truck_id, np.zeros(buckets)) + _open_once(
                lo, hi, buckets
            )
    total = np.zeros(buckets)
    for share in minutes.values():
        total += np.minimum(share / BUCKET_MIN, 1.0)
    return total


def _round_trip_min(travel: Travel, row: int, caster_row: int) -> float:
    """Minutes there and back between a site and a caster (inf: no road either way)."""
    minutes = float(travel.minutes[row, caster_row] + travel.minutes[caster_row, row])
    km = float(travel.km[row, caster_row] + travel.km[caster_row, row])
    return minutes if math.isfinite(minutes) and math.isfinite(km) else math.inf


def _supplier(network: Network, travel: Travel, alloy: str, caster_id: str) -> int | None:
    """Row of the nearest smelter (by minutes there and back) making ``alloy``; None:
    none makes it, or no road joins the caster to any that does (both ways)."""
    rows = {travel.smelter(p.smelter_id) for p in network.production if p.alloy == alloy}
    c = travel.caster(caster_id)
    reached = {s: _round_trip_min(travel, s, c) for s in rows}
    reached = {s: m for s, m in reached.items() if math.isfinite(m)}
    if not reached:
        return None
    return min(reached, key=lambda s: reached[s])


def _mean_trip_t(network: Network) -> float:
    return float(np.mean([t.trip_t for t in network.fleet]))


def _truck_costs(network: Network) -> tuple[float, float]:
    """The fleet's mean cost per km and per hour, CNY."""
    eco = network.params.economics
    per_km = [
        eco.truck_cost_per_km if t.cost_per_km is None else t.cost_per_km for t in network.fleet
    ]
    per_h = [eco.truck_cost_per_h if t.cost_per_h is None else t.cost_per_h for t in network.fleet]
    return float(np.mean(per_km)), float(np.mean(per_h))


def _round_trip_h(network: Network, travel: Travel, smelter_row: int, caster_id: str) -> float:
    """Hours of one trip: both drives, a fill and a pour."""
    c = travel.caster(caster_id)
    smelter = next(s for s in network.smelters if travel.smelter(s.smelter_id) == smelter_row)
    minutes = float(travel.minutes[smelter_row, c] + travel.minutes[c, smelter_row])
    minutes += fill_minutes(smelter) + pour_minutes(network.caster_by_id[caster_id])
    return minutes / 60.0


def _stop_cny(travel: Travel, row: int, others: list[int], per_km: float) -> float:
    """Cost of visiting site ``row`` between its two nearest sites of ``others`` that a
    road joins to it both ways, CNY (sites no road reaches are no neighbours)."""
    joined = [o for o in others if o != row and math.isfinite(_round_trip_min(travel, o, row))]
    near = sorted(joined, key=lambda o: float(travel.km[row, o]))[:2]
    if not near:
        return 0.0
    if len(near) == 1:
        return float(2.0 * travel.km[row, near[0]]) * per_km
    a, b = near
    detour = float(travel.km[a, row] + travel.km[row, b] - travel.km[a, b])
    return max(0.0, detour) * per_km if math.isfinite(detour) else 0.0


def _reachable_hours(
    network: Network,
    travel: Travel,
    supplier: int,
    caster: Caster,
    days: Sequence[DayResources],
) -> np.ndarray:
    """Buckets (repeated daily) in which the caster receives metal, mostly open, and
    that end after the first pour the day's fleet can make there (its earliest shift
    start, a fill, the drive from the supplying smelter and a pour)."""
    per_day = DAY_MIN // BUCKET_MIN
    buckets = len(days) * per_day
    opened = (
        _open_share(network.minutes(caster.open), network.minutes(caster.close), buckets) >= 0.5
    )
    smelter = next(s for s in network.smelters if travel.smelter(s.smelter_id) == supplier)
    trip = fill_minutes(smelter) + float(travel.minutes[supplier, travel.caster(caster.caster_id)])
    trip += pour_minutes(caster)
    ends = (np.arange(buckets) % per_day + 1) * BUCKET_MIN
    first = np.zeros(buckets)
    for d, day in enumerate(days):
        start = min(
            (network.minutes(t.shift_start) + day.offset_min - d * DAY_MIN for t in day.fleet),
            default=float(DAY_MIN),
        )
        first[d * per_day : (d + 1) * per_day] = start + trip
    return np.asarray(opened & (ends >= first))


def _net_holding(network: Network, furnace: Furnace) -> float:
    """What a tonne costs to hold an hour in the furnace rather than at the smelter,
    CNY/(t·h) (negative: the smelter holds dearer), plus :data:`HOLD_TIE_SHARE` of the
    furnace's holding cost as a tie-break."""
    supply = network.params.supply
    own = furnace.holding_cny_per_t_h
    held = supply.holding_cny_per_t_h if own is None else own
    return held - supply.smelter_holding_cny_per_t_h + HOLD_TIE_SHARE * held


def _furnaces(network: Network, travel: Travel, days: Sequence[DayResources]) -> list[_Furnace]:
    """The managed furnaces some smelter supplies, with what the decision needs."""
    per_km, per_h = _truck_costs(network)
    trip_t = _mean_trip_t(network)
    sites = [travel.caster(c.caster_id) for c in network.casters]
    sites += [travel.smelter(s.smelter_id) for s in network.smelters]
    found = []
    for f in network.furnaces:
        supplier = _supplier(network, travel, f.alloy, f.caster_id) if f.managed else None
        if supplier is None:
            continue
        caster = network.caster_by_id[f.caster_id]
        hours = _round_trip_h(network, travel, supplier, f.caster_id)
        km = float(travel.km[supplier, travel.caster(f.caster_id)]) * 2.0
        found.append(
            _Furnace(
                key=(f.caster_id, f.alloy),
                furnace=f,
                drawn=_drawn(network, f, len(days) * DAY_MIN // BUCKET_MIN),
                open_=_reachable_hours(network, travel, supplier, caster, days),
                truck_h_per_t=hours / trip_t,
                cost_per_t=(hours * per_h + km * per_km) / trip_t,
                stop_cny=_stop_cny(travel, travel.caster(f.caster_id), sites, per_km),
                hold_cny_per_t_h=_net_holding(network, f),
                supplier=supplier,
            )
        )
    return found


def lookahead_orders(network: Network, days: int) -> list[tuple[Order, ...]]:
    """The casters' orders of each day of the lookahead, without the supplier's managed
    deliveries: those of ``network.orders`` whose window starts on that date (local;
    :attr:`Network.day_orders` for the plan day); a day without orders has none. An
    orders file without dates (``Network.undated_orders``) is the same orders on any
    date: each later day has the plan day's, moved to its date."""
    first = network.plan_date
    by_day: list[list[Order]] = [[] for _ in range(days)]
    for o in network.orders:
        d = (o.window_start.astimezone(network.tz).date() - first).days
        if 0 <= d < days and not o.order_id.startswith(MANAGED_PREFIX):
            by_day[d].append(o)
    if network.undated_orders:
        by_day[1:] = [[_moved(o, d, network) for o in by_day[0]] for d in range(1, days)]
    return [tuple(day) for day in by_day]


def _moved(order: Order, days: int, network: Network) -> Order:
    """The order with its window on the date ``days`` after its own (local wall clock;
    ``placed_at`` as it is)."""
    tz = network.tz
    return order.model_copy(
        update={
            name: getattr(order, name).astimezone(tz) + timedelta(days=days)
            for name in ("window_start", "window_end")
        }
    )


def _ordered_truck_hours(
    network: Network, travel: Travel, buckets: int, orders: Sequence[Sequence[Order]]
) -> np.ndarray:
    """Truck-hours the casters' orders take in each bucket (spread over their windows
    within their own day), each day of the lookahead its own ``orders``."""
    per_day = DAY_MIN // BUCKET_MIN
    load = np.zeros(buckets)
    trip_t = _mean_trip_t(network)
    for d, day in enumerate(orders):
        for o in day:
            supplier = _supplier(network, travel, o.alloy, o.caster_id)
            if supplier is None:
                continue
            hours = _round_trip_h(network, travel, supplier, o.caster_id) * o.tonnes / trip_t
            lo, hi = network.minutes(o.window_start), network.minutes(o.window_end)
            share = np.zeros(buckets)
            own = slice(d * per_day, (d + 1) * per_day)
            share[own] = _open_share(lo, max(hi, lo + 1.0), buckets)[own]
            load += hours * share / max(share.sum(), 1e-9)
    return load


def _day_room(
    network: Network, production: Sequence[Production], orders: Sequence[Order]
) -> dict[str, np.ndarray]:
    """Tonnes of each alloy the smelters can give managed furnaces by each bucket's end
    of one day (stock at 00:00 plus production, less that day's ordered tonnes)."""
    per_day = DAY_MIN // BUCKET_MIN
    ends = (np.arange(per_day) + 1) * float(BUCKET_MIN)
    room: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(per_day))
    for p in production:
        smelter = network.smelter_by_id[p.smelter_id]
        opened = np.clip(ends - network.minutes(smelter.open), 0.0, None)
        room[p.alloy] = room[p.alloy] + p.stock_t + p.rate_tph * opened / 60.0
    for o in orders:
        if o.alloy in room:
            room[o.alloy] = room[o.alloy] - o.tonnes
    return {a: np.maximum(r, 0.0) for a, r in room.items()}


def _alloy_room(
    network: Network, days: Sequence[DayResources], orders: Sequence[Sequence[Order]]
) -> dict[str, np.ndarray]:
    """Tonnes of each alloy the smelters can give managed furnaces by each bucket's end
    of its day, each day from its own production less its own ``orders`` (an alloy not
    made on a day: none)."""
    per_day = DAY_MIN // BUCKET_MIN
    rooms = [_day_room(network, day.production, o) for day, o in zip(days, orders, strict=True)]
    alloys = dict.fromkeys(a for room in rooms for a in room)
    return {a: np.concatenate([room.get(a, np.zeros(per_day)) for room in rooms]) for a in alloys}


@dataclass
class _Model:
    """The programme's solver and variables."""

    solver: pywraplp.Solver
    x: dict[tuple[int, int], pywraplp.Variable]
    furnaces: list[_Furnace]
    buckets: int
    y: dict[tuple[int, int], pywraplp.Variable] = field(default_factory=dict)


def _add_furnace(m: _Model, i: int, f: _Furnace, penalty: float) -> pywraplp.LinearExpr:
    """One furnace's variables, level constraints and cost terms; returns its cost."""
    s, fur = m.solver, f.furnace
    per_day = DAY_MIN // BUCKET_MIN
    visits = [s.BoolVar(f"y{i}_{d}") for d in range(m.buckets // per_day)]
    m.y.update({(i, d): y for d, y in enumerate(visits)})
    cost: list[pywraplp.LinearExpr] = [f.stop_cny * y for y in visits]
    poured: list[pywraplp.Variable] = []  # deliveries before the bucket
    for b in range(m.buckets):
        before = fur.start_level_t - float(f.drawn[b])
        end = fur.start_level_t - float(f.drawn[b + 1])
        short = s.NumVar(0.0, s.infinity(), f"s{i}_{b}")
        s.Add(end + s.Sum(poured) + short >= fur.min_level_t)
        cost.append(penalty * short)
        if not f.open_[b]:
            continue
        x = s.NumVar(0.0, fur.capacity_t, f"x{i}_{b}")
        m.x[(i, b)] = x
        s.Add(before + s.Sum(poured) + x <= fur.capacity_t)
        s.Add(x <= fur.capacity_t * visits[b // per_day])
        cost.append((f.cost_per_t + f.hold_cny_per_t_h * (m.buckets - b)) * x)
        poured.append(x)
    return s.Sum(cost)


def _missed_truck_hours(m: _Model, missed: Sequence[Missed]) -> np.ndarray:
    """Truck-hours per bucket the routed day could not give managed deliveries (spread
    over their windows), repeated on every day of the lookahead (the later days are not
    routed yet: the plan day's misses are taken as a guess for them)."""
    per_day = DAY_MIN // BUCKET_MIN
    rate = {f.key: f.truck_h_per_t for f in m.furnaces}
    mean = float(np.mean(list(rate.values()))) if rate else 0.0
    day = np.zeros(per_day)
    for x in missed:
        if x.reason == "production":
            continue
        share = _open_share(x.start_min, max(x.end_min, x.start_min + 1.0), per_day)
        day += rate.get(x.key, mean) * x.tonnes * share / max(float(share.sum()), 1e-9)
    return np.tile(day, m.buckets // per_day)


def _missed_production(m: _Model, missed: Sequence[Missed]) -> dict[str, np.ndarray]:
    """Tonnes of each alloy the smelters could not give by each bucket of the day (an
    unserved delivery's tonnes from its window's end on), repeated every day."""
    per_day = DAY_MIN // BUCKET_MIN
    ends = (np.arange(per_day) + 1) * float(BUCKET_MIN)
    cut: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(per_day))
    for x in missed:
        if x.reason == "production":
            cut[x.key[1]] = cut[x.key[1]] + np.where(ends > x.end_min, x.tonnes, 0.0)
    return {a: np.tile(c, m.buckets // per_day) for a, c in cut.items()}


def _shared_limits(
    m: _Model,
    network: Network,
    travel: Travel,
    days: Sequence[DayResources],
    orders: Sequence[Sequence[Order]],
    missed: Sequence[Missed] = (),
) -> None:
    """The fleet's truck-hours per bucket and each alloy's production, each day its
    own, less each day's own ``orders`` (their truck-hours less those of the tonnes
    the day's trucks out already carry), tightened by what the routed day missed."""
    fleet = _fleet_room(m, network, travel, days, orders, missed)
    room = _alloy_room(network, days, _servable(network, travel, orders))
    for alloy, cut in _missed_production(m, missed).items():
        if alloy in room:
            room[alloy] = np.maximum(room[alloy] - cut, 0.0)
    per_day = DAY_MIN // BUCKET_MIN
    for b in range(m.buckets):
        hours = [m.furnaces[i].truck_h_per_t * x for (i, bb), x in m.x.items() if bb == b]
        if hours:
            m.solver.Add(m.solver.Sum(hours) <= float(fleet[b]))
    for alloy, limit in room.items():
        mine = {i for i, f in enumerate(m.furnaces) if f.key[1] == alloy}
        for b in range(m.buckets):
            day0 = b - b % per_day
            upto = [x for (i, bb), x in m.x.items() if i in mine and day0 <= bb <= b]
            if upto:
                m.solver.Add(m.solver.Sum(upto) <= float(limit[b]))


def _fleet_room(
    m: _Model,
    network: Network,
    travel: Travel,
    days: Sequence[DayResources],
    orders: Sequence[Sequence[Order]],
    missed: Sequence[Missed] = (),
) -> np.ndarray:
    """Truck-hours per bucket the managed deliveries may take: ``[supply] fleet_share``
    of the trucks on shift less each day's own ``orders`` (their truck-hours less those
    of the tonnes the day's trucks out already carry) and what the routed day missed,
    at least 0."""
    share = network.params.supply.fleet_share
    trucks = _trucks_on_shift(network, m.buckets, days) * share
    ordered = _ordered_truck_hours(network, travel, m.buckets, _charged(orders, days))
    ordered = ordered + _missed_truck_hours(m, missed)
    return np.maximum(trucks - ordered, 0.0)


def _servable(
    network: Network, travel: Travel, orders: Sequence[Sequence[Order]]
) -> list[list[Order]]:
    """Each day's orders some smelter makes and reaches by road (:func:`_supplier`): the
    others are never served liquid and take no metal, truck or trip."""
    return [
        [o for o in day if _supplier(network, travel, o.alloy, o.caster_id) is not None]
        for day in orders
    ]


def ordered_tonnes(
    network: Network,
    travel: Travel,
    orders: Sequence[Sequence[Order]],
    days: Sequence[DayResources] = (),
) -> list[float]:
    """Tonnes of each day's orders that some smelter makes and reaches by road (the
    fleet's trips carry them beside the managed deliveries), t; with ``days``, less
    what each day's trucks out already carry (:attr:`DayResources.carried`: of its
    orders, and of the managed deliveries, whose tonnes the decision counts but the
    fleet's trips do not carry), at least 0."""
    charged = _charged(orders, days)
    credit = [_carried_managed_t(day) for day in days] or [0.0] * len(orders)
    return [
        max(0.0, float(sum(o.tonnes for o in day)) - c)
        for day, c in zip(_servable(network, travel, charged), credit, strict=True)
    ]


def _charged(
    orders: Sequence[Sequence[Order]], days: Sequence[DayResources]
) -> list[tuple[Order, ...]]:
    """Each day's orders as the day's fleet must carry them: less the tonnes its trucks
    out already carry (:attr:`DayResources.carried`; an order they carry whole is left
    out); ``orders`` as they are without ``days``."""
    if not days:
        return [tuple(day) for day in orders]
    charged = []
    for day, found in zip(days, orders, strict=True):
        carried: dict[str, float] = defaultdict(float)
        for order_id, tonnes in day.carried:
            carried[order_id] += tonnes
        rest = [(o, o.tonnes - carried.get(o.order_id, 0.0)) for o in found]
        charged.append(
            tuple(
                o if t == o.tonnes else o.model_copy(update={"tonnes": t})
                for o, t in rest
                if t > UNCARRIED_EPS_T
            )
        )
    return charged


def _carried_managed_t(day: DayResources) -> float:
    """Tonnes of managed deliveries the day's trucks out already carry, t."""
    return float(sum(t for order_id, t in day.carried if order_id.startswith(MANAGED_PREFIX)))


def _day_fleet(network: Network, day: DayResources) -> Network:
    """The network with the day's fleet (itself when the fleet is the plan day's)."""
    if day.fleet == network.fleet:
        return network
    return network.model_copy(update={"fleet": day.fleet})


def _day_routing(
    network: Network,
    travel: Travel,
    furnaces: list[_Furnace],
    days: Sequence[DayResources],
    ordered_t: Sequence[float],
    missed_t: float = 0.0,
) -> DayRouting:
    """How the visit search prices a day's visits as routes (fleet's mean costs; a
    route beyond the trips the day's fleet has left after its orders and, on the plan
    day, ``missed_t`` (t) of unserved managed deliveries (:func:`trips_left`, the same
    trips as the programme's tonnes, :func:`_trip_limits`) costs a trip's metal as
    ingots)."""
    per_km, per_h = _truck_costs(network)
    capacity = max(t.trip_t for t in network.fleet)
    missed = [missed_t if d == 0 else 0.0 for d in range(len(days))]
    left = {
        d: trips_left(_day_fleet(network, day), t, m) if day.fleet else 0
        for d, (day, t, m) in enumerate(zip(days, ordered_t, missed, strict=True))
    }
    room = {
        d: day_capacity(_day_fleet(network, day), t + m) if day.fleet else DayCapacity(0.0, 0)
        for d, (day, t, m) in enumerate(zip(days, ordered_t, missed, strict=True))
    }
    return DayRouting(
        km=travel.km,
        minutes=travel.minutes,
        depot_of={i: f.supplier for i, f in enumerate(furnaces)},
        row_of={i: travel.caster(f.key[0]) for i, f in enumerate(furnaces)},
        capacity_t=capacity,
        per_km=per_km,
        per_h=per_h,
        routes_per_day=day_trips(network),
        excess_route_cny=capacity * ingot_cost_per_t(network.params),
        max_stops=max(t.ladles for t in network.fleet),
        routes_left=left,
        tonnes_left={d: c.tonnes for d, c in room.items() if c is not None},
    )


def _trip_limits(
    m: _Model,
    network: Network,
    days: Sequence[DayResources],
    missed_t: float,
    ordered_t: Sequence[float],
) -> None:
    """Each day's deliveries within the tonnes that day's fleet's trips can carry, less
    that day's ``ordered_t`` (t: its orders ride the same trips) and, on the plan day,
    ``missed_t`` (t: managed deliveries a routing of the plan day left unserved for want
    of a truck; the later days are not routed yet)."""
    per_day = DAY_MIN // BUCKET_MIN
    for d, day in enumerate(days):
        mine = {k: x for k, x in m.x.items() if k[1] // per_day == d}
        fleet = _day_fleet(network, day)
        missed = missed_t if d == 0 else 0.0
        add_trip_limits(m.solver, mine, fleet, per_day, missed, ordered_t[d])


def _fleet_missed_t(missed: Sequence[Missed]) -> float:
    """Tonnes of managed deliveries a routing left unserved for want of a truck, t."""
    return float(sum(x.tonnes for x in missed if x.reason == "fleet"))


_SOLVED = (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)


def _programme(
    network: Network,
    travel: Travel,
    furnaces: list[_Furnace],
    buckets: int,
    engine: str,
    days: Sequence[DayResources],
    missed: Sequence[Missed] = (),
    limit_s: float = SOLVER_LIMIT_S,
) -> _Model | None:
    """The decision's programme on ``engine`` (``SCIP``: the mixed-integer programme;
    ``GLOP``: the same as a linear programme, for visit patterns fixed by the binaries'
    bounds); None when OR-Tools lacks the engine."""
    solver = pywraplp.Solver.CreateSolver(engine)
    if solver is None:
        return None
    solver.SetTimeLimit(_ms(limit_s))
    m = _Model(solver, {}, furnaces, buckets)
    costs = [_add_furnace(m, i, f, _penalty(network)) for i, f in enumerate(furnaces)]
    orders = lookahead_orders(network, len(days))
    _shared_limits(m, network, travel, days, orders, missed)
    ordered_t = ordered_tonnes(network, travel, orders, days)
    _trip_limits(m, network, days, _fleet_missed_t(missed), ordered_t)
    solver.Minimize(solver.Sum(costs))
    return m


def _penalty(network: Network) -> float:
    """The shortfall's price, CNY/t: the ingot route's cost per tonne plus an hour of
    ``[supply] stockout_cny_per_h``."""
    return ingot_cost_per_t(network.params) + network.params.supply.stockout_cny_per_h


@dataclass
class _Alone:
    """Each furnace's own linear programme as the visit search prices it (its levels,
    shortfalls and holding, no stop estimate, no transport per tonne, none of the
    limits the furnaces share but that no metal comes in an hour the fleet has no
    truck-hours for): the search's quick price
    (:attr:`~logistics.planning.visit_search.VisitSearch.alone`). Each furnace's
    programme is built on first use and solved once per set of visit days."""

    furnaces: list[_Furnace]
    buckets: int
    penalty: float
    fleet: np.ndarray  # truck-hours per bucket for managed deliveries (none: no pour)
    models: dict[int, _Model] = field(default_factory=dict)
    solved: dict[tuple[int, frozenset[int]], tuple[float, dict[int, float]]] = field(
        default_factory=dict
    )

    def __call__(self, i: int, days: frozenset[int]) -> tuple[float, Mapping[int, float]]:
        """Furnace ``i``'s cost (CNY) and tonnes per visit day (t) when it gets metal on
        ``days`` (indices of the lookahead's days) only."""
        key = (i, days)
        if key not in self.solved:
            self.solved[key] = self._solve(i, days)
        return self.solved[key]

    def _solve(self, i: int, days: frozenset[int]) -> tuple[float, dict[int, float]]:
        m = self.models.get(i)
        if m is None:
            f = self.furnaces[i]
            m = _alone_model(replace(f, open_=f.open_ & (self.fleet > 0.0)), self.penalty)
            self.models[i] = m
        for (_, d), var in m.y.items():
            var.SetBounds(float(d in days), float(d in days))
        if m.solver.Solve() not in _SOLVED:
            return math.inf, {}
        per_day = DAY_MIN // BUCKET_MIN
        loads: dict[int, float] = defaultdict(float)
        for (_, b), var in m.x.items():
            loads[b // per_day] += var.solution_value()
        return float(m.solver.Objective().Value()), dict(loads)


def _alone_model(f: _Furnace, penalty: float) -> _Model:
    """Furnace ``f``'s own linear programme (GLOP): :func:`_add_furnace`'s levels and
    costs without the stop estimate and the transport per tonne, the tonnes poured
    before each hour carried in one variable (so the programme is built in time linear
    in its hours), keyed as furnace 0."""
    s, fur, buckets = pywraplp.Solver.CreateSolver("GLOP"), f.furnace, len(f.open_)
    m = _Model(s, {}, [], buckets)
    per_day = DAY_MIN // BUCKET_MIN
    visits = [s.NumVar(0.0, 1.0, f"y{d}") for d in range(buckets // per_day)]
    m.y.update({(0, d): y for d, y in enumerate(visits)})
    cost: list[pywraplp.LinearExpr] = []
    poured: pywraplp.LinearExpr | float = 0.0  # deliveries before the bucket, t
    for b in range(buckets):
        before = fur.start_level_t - float(f.drawn[b])
        end = fur.start_level_t - float(f.drawn[b + 1])
        short = s.NumVar(0.0, s.infinity(), f"s{b}")
        s.Add(end + poured + short >= fur.min_level_t)
        cost.append(penalty * short)
        if not f.open_[b]:
            continue
        x = s.NumVar(0.0, fur.capacity_t, f"x{b}")
        m.x[(0, b)] = x
        s.Add(before + poured + x <= fur.capacity_t)
        s.Add(x <= fur.capacity_t * visits[b // per_day])
        cost.append(f.hold_cny_per_t_h * (buckets - b) * x)
        total = s.NumVar(0.0, s.infinity(), f"p{b}")
        s.Add(total == poured + x)
        poured = total
    s.Minimize(s.Sum(cost))
    return m


def decide_deliveries(
    network: Network,
    travel: Travel,
    missed: Sequence[Missed] = (),
    limit_s: float = SOLVER_LIMIT_S,
    ahead: Sequence[DayResources] = (),
    search_s: float | None = None,
    budget_s: float | None = None,
    carried: Sequence[tuple[str, float]] = (),
) -> dict[Key, np.ndarray]:
    """Tonnes each managed furnace should get in each hour of the plan day.

    Parameters
    ----------
    network : Network
        The plan day's network (its furnaces start at their carried levels).
    travel : Travel
        The network's travel model (round trips from the nearest supplying smelter).
    missed : sequence of Missed
        Managed deliveries a routing of the day left unserved (the closed loop): their
        truck-hours come off the fleet's hours of their windows, and those unserved for
        ``production`` off their alloy's production from their windows' ends on — on
        every day of the lookahead (a guess for the days not routed yet); those unserved
        for ``fleet`` also off the plan day's trip tonnes.
    limit_s : float
        The solver's time limit, s.
    ahead : sequence of DayResources
        The fleet and production of the lookahead's days after the plan day, in order
        (:func:`logistics.pipeline.supply.lookahead_days`); a day not given has the plan
        day's.
    search_s : float, optional
        Time the visit search may take, s (:func:`~logistics.planning.visit_search.
        search_limit_s` of the day's time limit); by default ``limit_s``, at most
        :data:`~logistics.planning.visit_search.SEARCH_LIMIT_S`.
    budget_s : float, optional
        The whole decision's time, s, from the call (building the programmes
        included): the programme may take :data:`PROGRAMME_SHARE` of what is left of it
        once built (all of it when no search follows), the search what is left after
        the programme; with less than :data:`MIN_SEARCH_S` left the programme's answer
        is kept unsearched. Without it, ``limit_s`` and ``search_s`` alone bound them.
    carried : sequence of (str, float)
        Order ids with the tonnes (t) trucks taken out of service (not in the
        network's fleet) already carry on the plan day — a re-plan's runs of them made
        or under way: the running trucks' trips and hours are not charged them
        (:attr:`DayResources.carried`).

    Returns
    -------
    dict
        ``(caster_id, alloy) -> 24`` tonnes per hour of the plan day (t); only furnaces
        some smelter supplies. Empty when the programme cannot be solved in its time
        (the per-day cut then decides alone).
    """
    per_day = DAY_MIN // BUCKET_MIN
    found = decide_horizon(network, travel, missed, limit_s, ahead, search_s, budget_s, carried)
    return {k: v[:per_day] for k, v in found.items()}


def decide_horizon(
    network: Network,
    travel: Travel,
    missed: Sequence[Missed] = (),
    limit_s: float = SOLVER_LIMIT_S,
    ahead: Sequence[DayResources] = (),
    search_s: float | None = None,
    budget_s: float | None = None,
    carried: Sequence[tuple[str, float]] = (),
) -> dict[Key, np.ndarray]:
    """Tonnes each managed furnace should get in each hour of the whole lookahead, t:
    :func:`decide_deliveries` (same parameters) with the later days' hours too
    (``(caster_id, alloy) -> 24 × lookahead_days`` tonnes per hour; only the plan
    day's are planned, the later days' are what the decision expects of them). Empty
    at once when the plan day has no truck (every truck out)."""
    if not network.fleet:
        return {}
    ends = math.inf if budget_s is None else time.monotonic() + budget_s
    days = lookahead_resources(network, ahead, carried)
    buckets = len(days) * DAY_MIN // BUCKET_MIN
    furnaces = _furnaces(network, travel, days)
    if not furnaces:
        return {}
    built = time.monotonic()
    m = _programme(network, travel, furnaces, buckets, "SCIP", days, missed, limit_s)
    if m is None:
        return {}
    built = time.monotonic() - built  # the search's programme takes as long to build
    searched = len(furnaces) <= SMALL_FURNACES
    left = ends - time.monotonic()
    m.solver.SetTimeLimit(_ms(min(limit_s, PROGRAMME_SHARE * left if searched else left)))
    if m.solver.Solve() not in _SOLVED:
        return {}
    if searched:
        budget = min(SEARCH_LIMIT_S, limit_s) if search_s is None else search_s
        m = _searched(network, travel, furnaces, days, missed, m, budget, (ends, built))
    found: dict[Key, np.ndarray] = {}
    for i, f in enumerate(furnaces):
        hours = np.array(
            [m.x[(i, b)].solution_value() if (i, b) in m.x else 0.0 for b in range(buckets)]
        )
        found[f.key] = np.where(hours >= MIN_DELIVERY_T, hours, 0.0)
    return found


def _ms(limit_s: float) -> int:
    """A solver's time limit in whole milliseconds, at least :data:`MIN_SOLVE_S`."""
    return int(max(MIN_SOLVE_S, limit_s) * 1000)


def _searched(
    network: Network,
    travel: Travel,
    furnaces: list[_Furnace],
    days: Sequence[DayResources],
    missed: Sequence[Missed],
    mip: _Model,
    search_s: float,
    deadline: tuple[float, float],
) -> _Model:
    """The solved mixed-integer programme's visit days improved by the visit search
    (:func:`~logistics.planning.visit_search.improve_visit_days`) for ``search_s`` (s),
    ending by ``deadline[0]`` (a :func:`time.monotonic` moment): the linear programme left
    solved at the best pattern, or ``mip`` itself when less than :data:`MIN_SEARCH_S`
    is left once the search's programme is built (``deadline[1]``: about as long as the
    mixed-integer one took, s) or OR-Tools lacks GLOP."""
    ends, build_s = deadline
    if min(search_s, ends - build_s - time.monotonic()) < MIN_SEARCH_S:
        return mip
    buckets = len(days) * DAY_MIN // BUCKET_MIN
    # each of its solves within the search's time
    each = min(search_s, max(0.0, ends - time.monotonic()))
    lp = _programme(network, travel, furnaces, buckets, "GLOP", days, missed, each)
    if lp is None or min(search_s, ends - time.monotonic()) <= 0.0:
        return mip
    ordered_t = ordered_tonnes(network, travel, lookahead_orders(network, len(days)), days)
    routing = _day_routing(network, travel, furnaces, days, ordered_t, _fleet_missed_t(missed))
    per_t = {i: f.cost_per_t for i, f in enumerate(furnaces)}
    per_day = DAY_MIN // BUCKET_MIN
    search = VisitSearch(lp.solver, lp.x, lp.y, per_day, routing, mip.solver, mip.y, per_t)
    orders = lookahead_orders(network, len(days))
    fleet = _fleet_room(lp, network, travel, days, orders, missed)
    search.alone = _Alone(furnaces, buckets, _penalty(network), fleet)
    improve_visit_days(search, max(0.0, min(search_s, ends - time.monotonic())))
    return lp


def due_by_last_hour(hourly_t: np.ndarray, minutes: int) -> np.ndarray:
    """Tonnes the decision wants poured by every whole minute ``0 … minutes − 1``, t:
    all of the day's tonnes due at the end of its last hour with a delivery (the
    earlier ones only as the level itself needs them: wide windows); the last hour's
    at the day's last minute."""
    required = np.zeros(minutes)
    hours = np.flatnonzero(hourly_t > 0.0)
    if hours.size:
        required[min(minutes - 1, (int(hours[-1]) + 1) * BUCKET_MIN) :] = float(hourly_t.sum())
    return required


def required_by_minute(hourly_t: np.ndarray, minutes: int) -> np.ndarray:
    """Tonnes the decision wants poured by every whole minute ``0 … minutes − 1``, t:
    each hour's tonnes are due at the hour's end (the last hour's at the day's last
    minute)."""
    required = np.zeros(minutes)
    for b, tonnes in enumerate(np.cumsum(hourly_t)):
        required[min(minutes - 1, (b + 1) * BUCKET_MIN) :] = tonnes
    return required
