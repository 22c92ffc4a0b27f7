"""Which days each managed furnace gets metal, searched with the days' routes priced.

The delivery decision (:mod:`logistics.planning.horizon_supply`) prices a furnace's visit
on a day by a fixed stop estimate; what a visit really costs depends on the other
furnaces visited that day (a furnace next to one already visited costs almost nothing,
one alone costs its round trip). For a small decision (at most :data:`SMALL_FURNACES`
furnaces) this module improves the decision's visit days by local search:

* a **visit pattern** fixes the decision's binaries (furnace ``f`` gets metal on day
  ``d`` or not); the programme then chooses the tonnes (holding, transport per tonne,
  shortfalls) — a linear programme;
* its **price** is the programme's cost without the stop estimates plus each day's
  routes (:func:`logistics.planning.route_estimate.plan_routes` from each furnace's
  supplying smelter, within a trip's tonnes, km and hours at the fleet's mean costs;
  routes beyond the trips the fleet may make in a day cost what their metal would cost
  as ingots);
* **moves**: drop a visit, add one, move one to another day, and (when patterns have a
  quick price, below) give one furnace's visit of a day to another furnace; the first
  move that lowers the price is kept, until none does or the time is up;
* a **quick price** (when the decision gives each furnace's own programme,
  :attr:`VisitSearch.alone`): the sum of each furnace's own programme at its visit
  days — its levels, shortfalls and holding, without the limits the furnaces share
  (the fleet's hours and trips, production) — plus the routes of the tonnes those
  programmes choose. Each furnace's programme is solved once per set of visit days
  (at most ``2 ** days``), so a pattern is priced in the time of its changed day's
  routes, not of the whole programme. Without shared limits the quick price is at most
  the price (up to the routes of other tonnes), so a move whose quick price does not
  beat the best is not priced in full; a move whose quick price does is priced in full
  and kept if its price beats the best. Where a day's trips bind, the whole programme
  pours less than the furnaces alone would, on routes of its choosing: the quick
  price counts no routes on a day the furnaces' own tonnes fill its trips, and no
  route priced as ingots on the others (:meth:`DayRouting.bound_cost`), so it stays
  below the price there too.
  A quick price not finished by the search's deadline prunes nothing.

The search's time is a share of the day's time limit (:func:`search_limit_s`), within
what the decision's own share of that limit leaves it, so a longer ``--time-limit`` buys
a longer search and a better decision.
"""

from __future__ import annotations

import itertools
import logging
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from logistics.network.model import Network
from logistics.planning.route_estimate import Routes, plan_routes, split_routes

log = logging.getLogger(__name__)

#: Largest decision searched (managed furnaces); larger ones keep the stop estimates.
SMALL_FURNACES = 50
#: Shortest time the search may take, s (on top of the programme's first solve).
SEARCH_LIMIT_S = 6.0
#: The search's time as a share of the day's time limit (when that is longer).
SEARCH_SHARE = 0.5
#: Longest time the search may take, s (the delivery decision's share of the day's
#: limit bounds it too).
SEARCH_MAX_S = 30.0
#: Tonnes below this on a day are no visit, t.
VISIT_MIN_T = 0.001
#: Rounds of pricing visits against the last routes, and the programme's limit in each, s.
REPRICE_ROUNDS = 6
REPRICE_SOLVE_S = 2.0
#: Quick prices made before judging whether they spare full prices, and the least share
#: of them that must have spared one for quick prices to go on.
QUICK_TRIAL = 40
QUICK_SPARED_SHARE = 0.5
#: Random moves of a kick.
KICK_MOVES = 3
#: A move must save at least this, CNY.
MIN_SAVING_CNY = 0.01

Pattern = frozenset[tuple[int, int]]
#: One furnace's own programme at a set of visit days (furnace index, days) → its cost
#: (CNY) and its tonnes per visit day (t).
Alone = Callable[[int, frozenset[int]], tuple[float, Mapping[int, float]]]
_OK = (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)


@dataclass(frozen=True)
class DayRouting:
    """How a day's visits are priced as routes.

    Attributes
    ----------
    km, minutes : numpy.ndarray
        The travel model's matrices (rows: sites), km and min.
    depot_of, row_of : dict
        Furnace index → its supplying smelter's row, and its caster's row.
    capacity_t : float
        Tonnes per route (the fleet's largest trip), t.
    per_km, per_h : float
        The fleet's mean running costs, CNY/km and CNY/h.
    routes_per_day : int or None
        Routes the fleet may make in a day (each truck's ``max_trips``); None: no limit.
    excess_route_cny : float
        Price of each route beyond a day's limit, CNY.
    max_stops : int or None
        Most stops per route (the fleet's most ladle slots); None: no limit.
    routes_left : mapping of int to int or None
        Day → routes that day's fleet may make for managed deliveries (its trips less
        those its orders take); a day not given has ``routes_per_day``.
    tonnes_left : mapping of int to float
        Day → tonnes those routes carry (:func:`day_capacity`: on a mixed fleet less
        than their number times ``capacity_t``), t; a day not given has its limit of
        routes times ``capacity_t``.
    """

    km: np.ndarray
    minutes: np.ndarray
    depot_of: Mapping[int, int]
    row_of: Mapping[int, int]
    capacity_t: float
    per_km: float
    per_h: float
    routes_per_day: int | None
    excess_route_cny: float
    max_stops: int | None = None
    routes_left: Mapping[int, int | None] = field(default_factory=dict)
    tonnes_left: Mapping[int, float] = field(default_factory=dict)
    cache: dict[tuple, float] = field(default_factory=dict)

    def limit(self, day: int) -> int | None:
        """Routes day ``day``'s fleet may make for managed deliveries (None: no limit)."""
        return self.routes_left.get(day, self.routes_per_day)

    def arc_cny(self, a: int, b: int) -> float:
        """What driving from row ``a`` to row ``b`` costs, CNY."""
        return float(self.km[a, b]) * self.per_km + float(self.minutes[a, b]) * self.per_h / 60.0

    def routes(self, loads: Mapping[int, float], day: int = 0) -> dict[int, Routes]:
        """Day ``day``'s routes serving ``loads`` (furnace index → t), per depot row."""
        by_depot: dict[int, dict[int, float]] = defaultdict(dict)
        for i, tonnes in loads.items():
            row = self.row_of[i]
            by_depot[self.depot_of[i]][row] = by_depot[self.depot_of[i]].get(row, 0.0) + tonnes
        limit = self.limit(day)
        return {depot: self._routes_of(depot, stops, limit) for depot, stops in by_depot.items()}

    def _routes_of(self, depot: int, stops: Mapping[int, float], limit: int | None) -> Routes:
        """Savings routes; with a limit on routes, also the best cut of one tour into at
        most that many (savings may need more routes than a tight packing), the cheaper
        of the two within the limit."""
        found = plan_routes(self.km, depot, stops, self.capacity_t, self.max_stops)
        if limit is None or limit <= 0:
            return found
        cut = split_routes(self.km, depot, stops, self.capacity_t, limit, self.max_stops)
        if cut is None:
            return found
        if len(found.routes) > limit or cut.km < found.km:
            return cut
        return found

    def cost(self, loads: Mapping[int, float], day: int = 0, excess: bool = True) -> float:
        """Day ``day``'s routes serving ``loads`` (furnace index → t), CNY; with
        ``excess``, each route beyond the day's limit (:meth:`limit`) also costs
        ``excess_route_cny``."""
        limit = self.limit(day)
        key = (limit, excess, tuple(sorted((i, round(t, 3)) for i, t in loads.items())))
        if key in self.cache:
            return self.cache[key]
        total, routes = 0.0, 0
        for depot, found in self.routes(loads, day).items():
            hours = sum(_route_minutes(self.minutes, depot, r) for r in found.routes) / 60.0
            total += found.km * self.per_km + hours * self.per_h
            routes += len(found.routes)
        if excess and limit is not None and routes > limit:
            total += (routes - limit) * self.excess_route_cny
        self.cache[key] = total
        return total

    def bound_cost(self, loads: Mapping[int, float], day: int = 0) -> float:
        """Day ``day``'s routes as a quick price counts them, CNY: those of ``loads``
        (furnace index → t), none charged ``excess_route_cny``; nothing when the
        loads fill the tonnes the day's routes may carry (``tonnes_left``, else its
        limit of routes of ``capacity_t``): the whole programme then pours less, on
        routes of its own choosing, which may cost anything from nothing up."""
        limit = self.limit(day)
        if limit is not None:
            room = self.tonnes_left.get(day, max(0, limit) * self.capacity_t)
            if sum(loads.values()) >= room - 1e-6:
                return 0.0
        return self.cost(loads, day, excess=False)


def _route_minutes(minutes: np.ndarray, depot: int, route: Sequence[int]) -> float:
    stops = [depot, *route, depot]
    return float(sum(minutes[a, b] for a, b in itertools.pairwise(stops)))


def search_limit_s(day_limit_s: float) -> float:
    """Time the visit search may take for a day planned within ``day_limit_s``, s:
    :data:`SEARCH_SHARE` of it, at least :data:`SEARCH_LIMIT_S` and at most
    :data:`SEARCH_MAX_S` (6 s up to a 12 s day, 30 s for a day of 60 s or more)."""
    return min(SEARCH_MAX_S, max(SEARCH_LIMIT_S, SEARCH_SHARE * day_limit_s))


def day_trips(network: Network) -> int | None:
    """Trips the fleet may make in a day: the sum of ``max_trips`` (None: a truck has
    no limit)."""
    limits = [t.max_trips for t in network.fleet]
    if not limits or any(n is None for n in limits):
        return None
    return int(sum(n for n in limits if n is not None))


#: Room left in a trip below this is no trip left, t.
TRIP_ROOM_EPS_T = 1e-6


@dataclass(frozen=True)
class DayCapacity:
    """What a day's trips leave for managed deliveries (:func:`day_capacity`).

    Attributes
    ----------
    tonnes : float
        Tonnes the trips left can carry, t.
    trips : int
        Trips left (a trip the other loads only partly fill counts, with its room).
    """

    tonnes: float
    trips: int


def day_capacity(network: Network, taken_t: float = 0.0) -> DayCapacity | None:
    """The trips a day's fleet leaves for managed deliveries once ``taken_t`` tonnes of
    other loads ride them (only when every truck has a ``max_trips``; None otherwise).

    The day's trips are each truck's ``max_trips`` trips of its ``trip_t``; the other
    loads fill them largest first (their jobs are cut at the largest ladles where they
    can, :mod:`logistics.planning.jobs`), a trip they only partly fill keeping its room.
    The delivery decision's tonnes (:func:`add_trip_limits`) and the visit search's
    routes (:func:`trips_left`) both come from it, so on a mixed fleet the routes left
    carry exactly the tonnes left.

    Parameters
    ----------
    network : Network
        Its fleet: each truck's ``trip_t`` (t) and ``max_trips``.
    taken_t : float
        Tonnes of the day's other loads on the same trips (the casters' orders, and
        managed deliveries a routing left unserved for want of a truck), t.

    Returns
    -------
    DayCapacity or None
        Tonnes (t) and trips left; None when some truck has no trip limit.
    """
    if day_trips(network) is None:
        return None
    sizes = sorted((t.trip_t for t in network.fleet for _ in range(t.max_trips or 0)), reverse=True)
    left, room = max(0.0, taken_t), []
    for size in sizes:
        used = min(size, left)
        left -= used
        if size - used > TRIP_ROOM_EPS_T:
            room.append(size - used)
    return DayCapacity(float(sum(room)), len(room))


def add_trip_limits(
    solver: pywraplp.Solver,
    x: Mapping[tuple[int, int], pywraplp.Variable],
    network: Network,
    per_day: int,
    missed_t: float = 0.0,
    ordered_t: float = 0.0,
) -> None:
    """Each day's deliveries within the tonnes the fleet's trips can carry less what
    else those trips must carry (:func:`day_capacity`; only when every truck has a
    ``max_trips``).

    Parameters
    ----------
    solver : pywraplp.Solver
        The decision's programme.
    x : mapping
        (furnace index, bucket) → tonnes poured, t.
    network : Network
        Its fleet: each truck's ``trip_t`` (t) and ``max_trips``.
    per_day : int
        Buckets per day.
    missed_t : float
        Tonnes of managed deliveries a routing of the day left unserved, t: the trips
        could not carry them beside the rest (a day filled to its last tonne may not
        pack into the trucks' trips), so the decision leaves that room.
    ordered_t : float
        Tonnes of the casters' orders of the day, t: the same trucks' trips carry them.
    """
    capacity = day_capacity(network, missed_t + ordered_t)
    if capacity is None:
        return
    days: dict[int, list[pywraplp.Variable]] = defaultdict(list)
    for (_, b), var in x.items():
        days[b // per_day].append(var)
    for found in days.values():
        solver.Add(solver.Sum(found) <= capacity.tonnes)


def trips_left(network: Network, ordered_t: float, missed_t: float = 0.0) -> int | None:
    """Trips the fleet may make in a day for managed deliveries: those
    :func:`day_capacity` leaves once the day's ``ordered_t`` tonnes of orders and
    ``missed_t`` tonnes of unserved managed deliveries ride them (a trip they only
    partly fill keeps room for managed metal); None: a truck has no limit."""
    capacity = day_capacity(network, ordered_t + missed_t)
    return None if capacity is None else capacity.trips


@dataclass
class VisitSearch:
    """The decision's programme as the search drives it.

    ``solver``, ``x``, ``y``: the programme as a linear programme (patterns are priced
    with its binaries fixed); ``mip``, ``mip_y``: the same as a mixed-integer programme,
    solved once (its pattern is where the search starts) and re-solved with visits
    priced against routes.
    """

    solver: pywraplp.Solver
    x: Mapping[tuple[int, int], pywraplp.Variable]
    y: Mapping[tuple[int, int], pywraplp.Variable]
    per_day: int
    routing: DayRouting
    mip: pywraplp.Solver
    mip_y: Mapping[tuple[int, int], pywraplp.Variable]
    per_t: Mapping[int, float] = field(default_factory=dict)
    alone: Alone | None = None
    priced: dict[Pattern, float] = field(default_factory=dict)
    quick: dict[Pattern, float] = field(default_factory=dict)
    trusted: bool = True
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    spared: set[Pattern] = field(default_factory=set)
    deadline: float = math.inf

    @property
    def quick_on(self) -> bool:
        """Whether moves get a quick price: :attr:`alone` given, and no quick price
        met so far above its pattern's full price (where the routes of the furnaces'
        own tonnes cost more than those of the whole programme's, the quick price is
        no bound, and the search prices every move in full, as without it), nor too
        few of its quick prices spared a full price (:func:`_judge_quick`)."""
        return self.alone is not None and self.trusted

    def quick_price(self, pattern: Pattern) -> float:
        """The pattern's quick price (module notes), CNY; minus infinity without
        :attr:`quick_on` (every move is then priced in full) or once :attr:`deadline`
        (a :func:`time.monotonic` moment) has passed before it is found (each
        furnace's own programme takes a solve, its first a build too)."""
        if self.alone is None or not self.trusted:
            return -math.inf
        if pattern in self.quick:
            return self.quick[pattern]
        visits: dict[int, set[int]] = defaultdict(set)
        for i, d in pattern:
            visits[i].add(d)
        total = 0.0
        days: dict[int, dict[int, float]] = defaultdict(dict)
        for i in sorted({i for i, _ in self.y}):
            if time.monotonic() >= self.deadline:
                return -math.inf
            cost, loads = self.alone(i, frozenset(visits.get(i, ())))
            total += cost
            for d, t in loads.items():
                if t >= VISIT_MIN_T:
                    days[d][i] = t
        total += sum(self.routing.bound_cost(loads, d) for d, loads in days.items())
        self.counts["quick"] += 1
        self.quick[pattern] = total
        return total

    def known_price(self, pattern: Pattern) -> float:
        """:meth:`price`, each pattern solved once (the descents meet the same patterns
        again and again); the programme is left solved at some pattern, not
        necessarily this one."""
        if pattern not in self.priced:
            self.priced[pattern] = self.price(pattern)
            self.counts["priced"] += 1
            quick = self.quick.get(pattern, -math.inf)
            if quick > self.priced[pattern] + MIN_SAVING_CNY:
                self.trusted = False
        return self.priced[pattern]

    def price(self, pattern: Pattern) -> float:
        """The pattern's price (module notes), CNY; infinite when it cannot be solved;
        the linear programme is left solved at the pattern."""
        for key, var in self.y.items():
            value = 1.0 if key in pattern else 0.0
            var.SetBounds(value, value)
        if self.solver.Solve() not in _OK:
            return math.inf
        days: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for (i, b), var in self.x.items():
            days[b // self.per_day][i] += var.solution_value()
        routes = sum(
            self.routing.cost({i: t for i, t in loads.items() if t >= VISIT_MIN_T}, d)
            for d, loads in days.items()
        )
        return float(self.solver.Objective().Value()) + routes

    def day_loads(self) -> dict[int, dict[int, float]]:
        """The solved programme's tonnes per day and furnace (visits only), t."""
        days: dict[int, dict[int, float]] = {d: defaultdict(float) for _, d in self.y}
        for (i, b), var in self.x.items():
            days[b // self.per_day][i] += var.solution_value()
        return {d: {i: t for i, t in v.items() if t >= VISIT_MIN_T} for d, v in days.items()}

    def stop_prices(self, days: Mapping[int, Mapping[int, float]]) -> dict[tuple[int, int], float]:
        """Each visit's price against the days' routes, CNY: for a visit made, what
        leaving it out of its route saves; for one not made, its cheapest insertion into
        a route of its smelter with room for its load (else a route of its own)."""
        typical: dict[int, float] = defaultdict(float)
        for loads in days.values():
            for i, t in loads.items():
                typical[i] = max(typical[i], t)
        prices: dict[tuple[int, int], float] = {}
        for d, loads in days.items():
            routes = self.routing.routes(loads, d)
            by_row = {self.routing.row_of[i]: t for i, t in loads.items()}
            for i, e in self.y:
                if e == d:
                    found = routes.get(self.routing.depot_of[i])
                    prices[(i, d)] = _stop_price(
                        self.routing, found, by_row, i, loads.get(i, typical[i])
                    )
        return prices

    def moves(self, pattern: Pattern, rng: random.Random) -> list[Pattern]:
        """Every pattern one drop, add or day move away, and with quick prices
        (:attr:`alone`) one swap away (a furnace's visit of a day given to another
        furnace), in a shuffled order."""
        found = [pattern - {k} for k in pattern]
        found += [pattern | {k} for k in self.y if k not in pattern]
        days = {d for _, d in self.y}
        for i, d in pattern:
            found += [
                (pattern - {(i, d)}) | {(i, e)}
                for e in days
                if e != d and (i, e) in self.y and (i, e) not in pattern
            ]
            if self.quick_on:
                found += [
                    (pattern - {(i, d)}) | {(j, e)}
                    for j, e in self.y
                    if e == d and j != i and (j, e) not in pattern
                ]
        rng.shuffle(found)
        return found


def _stop_price(
    routing: DayRouting, found: Routes | None, by_row: Mapping[int, float], i: int, load: float
) -> float:
    """Furnace ``i``'s visit priced against ``found`` (its smelter's routes), CNY."""
    row, depot = routing.row_of[i], routing.depot_of[i]
    best = routing.arc_cny(depot, row) + routing.arc_cny(row, depot)
    for route in found.routes if found is not None else ():
        path = [depot, *route, depot]
        if row in route:
            k = route.index(row) + 1
            a, b = path[k - 1], path[k + 1]
            return routing.arc_cny(a, row) + routing.arc_cny(row, b) - routing.arc_cny(a, b)
        if sum(by_row.get(r, 0.0) for r in route) + load > routing.capacity_t + 1e-6:
            continue
        for a, b in itertools.pairwise(path):
            extra = routing.arc_cny(a, row) + routing.arc_cny(row, b) - routing.arc_cny(a, b)
            best = min(best, extra)
    return max(0.0, best)


def _repriced(search: VisitSearch, best: Pattern, best_price: float, deadline: float) -> Pattern:
    """The best pattern of a few rounds of: price each visit against the routes of the
    last pattern (:meth:`VisitSearch.stop_prices`), solve the programme with those
    prices, price its pattern with the routes."""
    objective = search.mip.Objective()
    seen = {best}
    for _ in range(REPRICE_ROUNDS):
        left = deadline - time.monotonic()
        if left <= 0.0:
            break
        search.mip.SetTimeLimit(int(max(0.05, min(REPRICE_SOLVE_S, left)) * 1000))
        prices = search.stop_prices(search.day_loads())
        for key, var in search.mip_y.items():
            objective.SetCoefficient(var, prices.get(key, 0.0))
        if search.mip.Solve() not in _OK:
            break
        pattern = frozenset(k for k, v in search.mip_y.items() if v.solution_value() > 0.5)
        if pattern in seen:
            break
        seen.add(pattern)
        price = search.price(pattern)
        if price < best_price - MIN_SAVING_CNY:
            best, best_price = pattern, price
    search.price(best)
    return best


def _kick(pattern: Pattern, search: VisitSearch, rng: random.Random) -> Pattern:
    """A random pattern a few moves away (to leave a local optimum)."""
    for _ in range(KICK_MOVES):
        pattern = rng.choice(search.moves(pattern, rng))
    return pattern


def _starts(search: VisitSearch) -> list[Pattern]:
    """More patterns to descend from: every visit, and every furnace on one day."""
    days = sorted({d for _, d in search.y})
    return [frozenset(search.y)] + [frozenset(k for k in search.y if k[1] == d) for d in days]


def _descend(
    search: VisitSearch, start: Pattern, deadline: float, rng: random.Random
) -> tuple[Pattern, float]:
    """First-improvement descent from ``start`` over :meth:`VisitSearch.moves`."""
    best, best_price = start, search.known_price(start)
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for candidate in _promising(search, search.moves(best, rng), best_price, deadline):
            if time.monotonic() >= deadline:
                break
            price = search.known_price(candidate)
            if price < best_price - MIN_SAVING_CNY:
                best, best_price, improved = candidate, price, True
                break
    return best, best_price


def _promising(
    search: VisitSearch, moves: Sequence[Pattern], best_price: float, deadline: float
) -> Iterator[Pattern]:
    """The moves worth pricing in full, in their order: without quick prices all of
    them; with them, those whose quick price (a pattern already priced in full: its
    price) beats ``best_price`` (CNY); none once the ``deadline`` (a
    :func:`time.monotonic` moment) has passed."""
    for pattern in moves:
        if time.monotonic() >= deadline:
            return
        if not search.quick_on:
            yield pattern
            continue
        known = search.priced.get(pattern)
        price = search.quick_price(pattern) if known is None else known
        if price < best_price - MIN_SAVING_CNY:
            yield pattern
        elif known is None:
            search.spared.add(pattern)
        _judge_quick(search)


def _judge_quick(search: VisitSearch) -> None:
    """Stop quick prices that spare too few full prices (:data:`QUICK_TRIAL`,
    :data:`QUICK_SPARED_SHARE`): where the limits the furnaces share bind, the quick
    price is far below the price and spares none, and only costs time."""
    tried = search.counts["quick"]  # each pattern once, as the spared ones
    if tried >= QUICK_TRIAL and len(search.spared) < QUICK_SPARED_SHARE * tried:
        search.trusted = False


def improve_visit_days(search: VisitSearch, limit_s: float = SEARCH_LIMIT_S) -> Pattern:
    """Improve the mixed-integer programme's visit pattern (module notes): rounds of
    visits priced against routes, then descents from the best pattern, from every visit
    and from every furnace on one day, then from random kicks of the best until the
    time is up; the linear programme is left solved at the best.

    Parameters
    ----------
    search : VisitSearch
        The programmes, the mixed-integer one solved once.
    limit_s : float
        Time the search may take, s.

    Returns
    -------
    frozenset
        The best pattern: (furnace index, day) of the visits.
    """
    deadline = time.monotonic() + limit_s
    search.deadline = deadline
    best: Pattern = frozenset(k for k, v in search.mip_y.items() if v.solution_value() > 0.5)
    priced_by_routes(search)
    best = _repriced(search, best, search.price(best), deadline)
    for pattern in (best, frozenset(search.y), frozenset()):  # the quick price checked
        if search.alone is None or time.monotonic() >= deadline:
            break
        search.quick_price(pattern)
        search.known_price(pattern)
    rng = random.Random(0)
    best, best_price = _descend(search, best, deadline, rng)
    for start in _starts(search):
        if time.monotonic() >= deadline:  # pricing a start is a solve and its routes
            break
        found, price = _descend(search, start, deadline, rng)
        if price < best_price - MIN_SAVING_CNY:
            best, best_price = found, price
    while time.monotonic() < deadline:
        found, price = _descend(search, _kick(best, search, rng), deadline, rng)
        if price < best_price - MIN_SAVING_CNY:
            best, best_price = found, price
    search.price(best)
    log.debug(
        "visit search: %.2f CNY, day 0 routes %.2f CNY, %d priced, %d quick (trusted %s)",
        best_price,
        search.routing.cost(search.day_loads().get(0, {})),
        search.counts["priced"],
        search.counts["quick"],
        search.trusted,
    )
    latest_in_day(search)
    return best


def priced_by_routes(search: VisitSearch) -> None:
    """The linear programme's objective as a pattern's price counts it: without the stop
    estimates and the transport per tonne (the routes price both); once per search."""
    objective = search.solver.Objective()
    for var in search.y.values():
        objective.SetCoefficient(var, 0.0)
    for (i, _), var in search.x.items():
        objective.SetCoefficient(var, objective.GetCoefficient(var) - search.per_t.get(i, 0.0))


def latest_in_day(search: VisitSearch) -> None:
    """Re-solve the solved linear programme with each visit's tonnes kept and its other
    costs (shortfalls) no higher, the tonnes poured as late in their day as the levels
    allow: the widest pour windows for the day's routes (an hour's holding within the
    day weighs less than a route the windows would break)."""
    solver = search.solver
    objective = solver.Objective()
    delivered = {v.index() for v in search.x.values()}
    others = [
        (v, objective.GetCoefficient(v))
        for v in solver.variables()
        if v.index() not in delivered and objective.GetCoefficient(v)
    ]
    spent = sum(c * v.solution_value() for v, c in others)  # read before the model changes
    totals: dict[tuple[int, int], list[pywraplp.Variable]] = defaultdict(list)
    tonnes: dict[tuple[int, int], float] = defaultdict(float)
    for (i, b), var in search.x.items():
        totals[(i, b // search.per_day)].append(var)
        tonnes[(i, b // search.per_day)] += var.solution_value()
    for key, found in totals.items():  # each visit's tonnes stay as they are
        solver.Add(solver.Sum(found) >= tonnes[key] - 1e-6)
        solver.Add(solver.Sum(found) <= tonnes[key] + 1e-6)
    if others:
        solver.Add(solver.Sum([c * v for v, c in others]) <= spent + MIN_SAVING_CNY)
    for v in solver.variables():
        objective.SetCoefficient(v, 0.0)
    for (_, b), var in search.x.items():
        objective.SetCoefficient(var, -float(b % search.per_day))
    objective.SetMinimization()
    status = solver.Solve()
    log.debug("latest in day: status %s", status)
    if status not in _OK:  # cannot happen (the solution found fits): keep the tonnes found
        search.price(frozenset(k for k, v in search.y.items() if v.lb() > 0.5))
