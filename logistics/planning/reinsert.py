"""Re-insertion: jobs the scheduler had to leave off get a trip of their own where it pays.

After the optimiser's routes are re-timed, a few ladles may no longer fit their trip
(a fill bay taken, a later release, a hold now too long). Each is offered, with the
other ladles of its order from the same smelter, a new trip after the last trip of a
truck. Priced (``penalty_per_t`` given), the trip goes to the truck where it adds the
least route cost and superheat net of the penalty of the tonnes it delivers, and only
where that is no more than the penalty: a trip that costs more than the ingot route
is not made; the first ladle is then tried on a trip alone, and a ladle that does not
pay that way either is left to the leftovers' tries (which look for a gap in the
trucks' days, :mod:`.insert`). The penalty is each job's own
(:func:`~.insert.penalty_of`: a managed delivery's, and in a re-plan a booked job's
surcharge ``[replan] drop_booked_cny_per_t``, as the leftovers' tries and the routing
model price it), and a booked job moved off its booked truck or time adds the price of
that change (:func:`~.insert.move_cny`). Unpriced, the truck done first takes it,
whatever it costs. Priced, a truck is timed only where its trip could beat the best
found so far, or pay: each first gets a floor of the trip's net cost (:class:`_Floors`),
the trucks are timed lowest floor first and those above the best (or above 0) are passed
over untimed, with the choice timing every truck makes.

With a ``deadline`` (:func:`time.monotonic`), the groups not tried by then are left as
they are (the caller reports them ``not_planned_in_time``: the leftovers' tries after
it start past the same deadline); a managed delivery's group is still tried until
``managed_until``, the pass's grace (:func:`~.insert.late_deadline`). Groups are tried
most urgent first (their first ladle's latest pour). Without a deadline (a
``solution_limit``'s deterministic plans) every group is tried.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import NamedTuple

from logistics.network.model import Truck
from logistics.plan.timeline import LegRun, trips_of
from logistics.planning.assign import Assignment
from logistics.planning.drop_penalty import is_managed_delivery
from logistics.planning.insert import RoutePricing, managed_stop, move_cny, penalty_of
from logistics.planning.jobs import Job, first_trip
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TimedTrip,
    TruckState,
    commit_trip,
    misses_fill_window,
    time_trip,
)
from logistics.planning.windows import pour_minutes

#: CNY a floor (:class:`_Floors`) must exceed the best net cost by before a truck
#: is passed over untimed: the floor and the net are summed in another order, and a
#: truck whose net equals the best (to the last digit) must still be timed.
_FLOOR_SLACK_CNY = 1e-6


@dataclass
class _Priced:
    """What a trip appended to a truck's day costs net of the penalty it saves, CNY."""

    ctx: ScheduleContext
    pricing: RoutePricing
    penalty_per_t: float
    runs: dict[str, list[LegRun]]
    before: dict[str, float] = field(default_factory=dict)
    #: ``truck_id ->`` :meth:`terms` (cleared when a trip is committed to it).
    tails: dict[str, _Terms | None] = field(default_factory=dict)
    #: ``smelter's travel row ->`` :meth:`to_smelter`.
    columns: dict[int, tuple[list[float], list[float]]] = field(default_factory=dict)

    def net(self, truck_id: str, trip: TimedTrip) -> float:
        """The truck's added route cost (km, and hours from the end of its last trip,
        waits included), the trip's superheat and, in a re-plan, the price of moving the
        booked jobs it carries (:func:`~logistics.planning.insert.move_cny`), less the
        penalty of its tonnes (:func:`~logistics.planning.insert.penalty_of`: a booked
        job's with ``[replan] drop_booked_cny_per_t``, as in the routing model), CNY.
        """
        mine = self.runs.get(truck_id, [])
        if truck_id not in self.before:
            self.before[truck_id] = self.pricing.route_cost(truck_id, mine)
        added = self.pricing.route_cost(truck_id, [*mine, *trip.runs]) - self.before[truck_id]
        added += self.pricing.superheat(trip) + move_cny(self.ctx, trip.runs)
        saved = sum(penalty_of(self.ctx, r.job, self.penalty_per_t) * r.tonnes for r in trip.runs)
        return added - saved

    def commit(self, truck_id: str, trip: TimedTrip) -> None:
        """The trip is now the truck's last."""
        self.runs.setdefault(truck_id, []).extend(trip.runs)
        self.before.pop(truck_id, None)
        self.tails.pop(truck_id, None)

    def to_smelter(self, s_idx: int) -> tuple[list[float], list[float]]:
        """The km and minutes from every travel row to the smelter of row ``s_idx``
        (worked out once per smelter)."""
        if s_idx not in self.columns:
            travel = self.ctx.travel
            km = [float(v) for v in travel.km[:, s_idx]]
            self.columns[s_idx] = (km, [float(v) for v in travel.minutes[:, s_idx]])
        return self.columns[s_idx]

    def terms(self, state: TruckState) -> _Terms | None:
        """The truck's figures :class:`_Floors` bounds its next trip with (cached until
        a trip is committed to it); ``None`` where no bound is known (a truck made
        available elsewhere: its day does not start at home)."""
        truck_id = state.truck.truck_id
        if truck_id not in self.tails:
            self.tails[truck_id] = self._terms(state)
        return self.tails[truck_id]

    def _terms(self, state: TruckState) -> _Terms | None:
        """:meth:`terms`, worked out: the truck's prices and home, and where its last
        trip ends (travel row) and when its last pour ends (min), as
        :func:`~logistics.plan.timeline.trip_legs` reads its runs."""
        truck = state.truck
        if truck.truck_id in self.pricing.route_starts:
            return None
        network, travel = self.ctx.network, self.ctx.travel
        per_km, per_h = network.truck_cost_per_km(truck), network.truck_cost_per_h(truck)
        home = travel.smelter(truck.home_smelter)
        mine = self.runs.get(truck.truck_id)
        if not mine:
            return _Terms(per_km, per_h, home, None, 0.0, 0.0, 0.0)
        last = trips_of(mine)[truck.truck_id][-1]
        here, free_at = travel.caster(last[-1].caster_id), max(r.pour_end for r in last)
        if state.ready < free_at or max(r.trip for r in mine) > state.trips:
            return None  # its next trip would not come after its last, on its own: no bound
        km, minutes = float(travel.km[here, home]), float(travel.minutes[here, home])
        return _Terms(per_km, per_h, home, here, free_at, km, minutes)


class _Terms(NamedTuple):
    """A truck's figures for :class:`_Floors`: its prices (CNY/km, CNY/h), its home's
    travel row, and after its last trip (``here`` ``None``: it has none) where that
    ends (travel row), when its last pour ends (min), and the km and minutes home from
    there (the drive it no longer makes when a trip follows)."""

    per_km: float
    per_h: float
    home: int
    here: int | None
    free_at: float
    km_home: float
    min_home: float


@dataclass
class _Floors:
    """Lower bounds of :meth:`_Priced.net` for the trip filled at one smelter that
    carries some of the first ladles of a group, for each truck, CNY.

    The bound is the trip's km (from where the truck ends its day now, through the
    casters, home) and hours (the drive home; the wait for the ladles' earliest pour
    end; the drive to the smelter on a first trip), less the drive home the truck no
    longer makes after its last trip, less the penalty of the tonnes carried; the
    superheat and the price of moving booked jobs are never negative, and waits, fill
    bays, breaks and later fills only add hours.
    """

    ctx: ScheduleContext
    priced: _Priced
    smelter_id: str
    s_idx: int = 0
    km_to: list[float] = field(default_factory=list)
    min_to: list[float] = field(default_factory=list)
    soonest: dict[int, float] = field(default_factory=dict)
    carried: dict[tuple[int, int, float, float], float] = field(default_factory=dict)
    driven: dict[tuple[int, float], dict[int, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.s_idx = self.ctx.travel.smelter(self.smelter_id)
        self.km_to, self.min_to = self.priced.to_smelter(self.s_idx)

    def floor(self, state: TruckState, chunk: tuple[Job, ...]) -> float:
        """The bound for ``state``'s truck taking ladles of ``chunk`` (in order) on a trip
        after its last, CNY; ``-inf`` where none is known."""
        terms = self.priced.terms(state)
        if terms is None:
            return -math.inf
        per_km, per_h, home = terms.per_km, terms.per_h, terms.home
        key = (id(chunk), home, per_km, per_h)
        carried = self.carried.get(key)
        if carried is None:
            carried = self._carried(chunk, home, per_km, per_h)
            self.carried[key] = carried
        if terms.here is None:  # its first trip: from home, from its first fill on
            return carried + per_km * self.km_to[home] + per_h * self.min_to[home] / 60.0
        soonest = self.soonest.get(id(chunk))
        if soonest is None:
            casters = self.ctx.network.caster_by_id
            soonest = min(j.earliest_pour + pour_minutes(casters[j.caster_id]) for j in chunk)
            self.soonest[id(chunk)] = soonest
        km = self.km_to[terms.here] - terms.km_home
        hours = (max(0.0, soonest - terms.free_at) - terms.min_home) / 60.0
        return carried + per_km * km + per_h * hours

    def _carried(self, chunk: tuple[Job, ...], home: int, per_km: float, per_h: float) -> float:
        """The least, over the ladles of ``chunk`` a trip can carry (in order), of the
        km from the smelter through their casters home and the drive home's hours at
        the truck's prices (CNY/km, CNY/h), less their penalty, CNY."""
        travel = self.ctx.travel
        return min(
            driven
            + per_km * float(travel.km[last, home])
            + per_h * float(travel.minutes[last, home]) / 60.0
            for last, driven in self._driven(chunk, per_km).items()
        )

    def _driven(self, chunk: tuple[Job, ...], per_km: float) -> dict[int, float]:
        """``last caster's travel row ->`` the least, over the ladles of ``chunk`` a
        trip can carry (in order) ending there, of the km from the smelter through
        their casters at ``per_km`` (CNY/km), less their penalty, CNY."""
        key = (id(chunk), per_km)
        if key not in self.driven:
            travel, priced = self.ctx.travel, self.priced
            rows = [travel.caster(j.caster_id) for j in chunk]
            saved = [penalty_of(self.ctx, j, priced.penalty_per_t) * j.tonnes for j in chunk]
            least: dict[int, float] = {}
            for size in range(1, len(chunk) + 1):
                for picked in combinations(range(len(chunk)), size):
                    km, here = 0.0, self.s_idx
                    for k in picked:
                        km += float(travel.km[here, rows[k]])
                        here = rows[k]
                    cost = per_km * km - sum(saved[k] for k in picked)
                    least[here] = min(least.get(here, math.inf), cost)
            self.driven[key] = least
        return self.driven[key]


def reinsert(
    ctx: ScheduleContext,
    jobs: list[Job],
    assignment_of: dict[str, Assignment],
    states: dict[str, TruckState],
    bays: BayBook,
    *,
    timed: Sequence[TimedTrip] = (),
    fixed: Sequence[LegRun] = (),
    route_starts: Mapping[str, tuple[int, float]] | None = None,
    penalty_per_t: float | None = None,
    deadline: float | None = None,
    managed_until: float | None = None,
    untried: list[Job] | None = None,
) -> tuple[list[TimedTrip], list[Job]]:
    """Give jobs the scheduler had to leave off a trip of their own after a truck's last.

    Ladles of one order from one smelter travel together (up to the truck's ladles);
    what does not fit that way, or does not pay, is tried ladle by ladle.

    Parameters
    ----------
    ctx : ScheduleContext
        Network, travel and the jobs' fill windows.
    jobs : list of Job
        The jobs left off.
    assignment_of : dict of str to Assignment
        Each job's smelter.
    states : dict of str to TruckState
        Each truck after its timed trips (modified: trips made are committed).
    bays : BayBook
        Fill bays booked so far (modified).
    timed : sequence of TimedTrip
        The trips timed so far (the trucks' days the new trips are priced against).
    fixed : sequence of LegRun
        A re-plan's runs kept as they are (under way): the trucks' days start with them.
    route_starts : mapping, optional
        ``truck_id -> (travel row, minute)`` of truck starts, for the route cost.
    penalty_per_t : float, optional
        The ingot route's penalty, CNY/t (a managed delivery's is higher,
        :func:`~logistics.planning.insert.penalty_of`): a trip is made only where its
        added route cost and superheat are at most the penalty of its tonnes, on the
        truck where they are the lowest net of that penalty. ``None``: on the truck that
        finishes the most ladles first, whatever it costs.
    deadline, managed_until : float, optional
        :func:`time.monotonic` after which no further ladle is tried, s (a managed
        delivery's until ``managed_until`` where later): those untried are left, and
        added to ``untried`` (list of Job, optional: empty when every group was tried).

    Returns
    -------
    (list of TimedTrip, list of Job)
        The trips made and the jobs still left.
    """
    priced = _priced(ctx, penalty_per_t, fixed, timed, route_starts)
    trips: list[TimedTrip] = []
    left: list[Job] = []
    late = managed_stop(deadline, managed_until)
    for (_, smelter_id), pending in _groups(jobs, assignment_of).items():
        stop = late if _is_managed(ctx, pending[0]) else deadline
        while pending:
            if stop is not None and time.monotonic() > stop:
                left.extend(pending)  # not tried in time
                (untried if untried is not None else []).extend(pending)
                break
            best = _best_trip(ctx, states, smelter_id, pending, bays, priced)
            if best is None and priced is not None and len(pending) > 1:
                # the first ladles' trip does not pay: the first ladle alone may
                best = _best_trip(ctx, states, smelter_id, pending[:1], bays, priced)
            if best is None:
                left.append(pending.pop(0))
                continue
            truck_id, trip = best
            commit_trip(states[truck_id], trip, bays)
            if priced is not None:
                priced.commit(truck_id, trip)
            trips.append(trip)
            placed = {r.job.job_id for r in trip.runs}
            pending = [j for j in pending if j.job_id not in placed]
    return trips, left


def _priced(
    ctx: ScheduleContext,
    penalty_per_t: float | None,
    fixed: Sequence[LegRun],
    timed: Sequence[TimedTrip],
    route_starts: Mapping[str, tuple[int, float]] | None,
) -> _Priced | None:
    """Trips priced against the trucks' days of the ``fixed`` runs and ``timed`` trips
    (``route_starts``: ``truck_id -> (travel row, minute)``); ``None`` unpriced (no
    ``penalty_per_t``)."""
    if penalty_per_t is None:
        return None
    runs: dict[str, list[LegRun]] = defaultdict(list)
    for run in [*fixed, *(r for t in timed for r in t.runs)]:
        runs[run.truck_id].append(run)
    pricing = RoutePricing(ctx.network, ctx.travel, dict(route_starts or {}))
    return _Priced(ctx, pricing, penalty_per_t, dict(runs))


def _groups(
    jobs: Sequence[Job], assignment_of: Mapping[str, Assignment]
) -> dict[tuple[str, str], list[Job]]:
    """The jobs by order and smelter, most urgent first (by latest pour, min)."""
    groups: dict[tuple[str, str], list[Job]] = defaultdict(list)
    for job in sorted(jobs, key=lambda j: (j.latest_pour, j.job_id)):
        groups[(job.order_id, assignment_of[job.job_id].source.smelter_id)].append(job)
    return groups


def _is_managed(ctx: ScheduleContext, job: Job) -> bool:
    """Whether ``job`` is a ladle of a managed delivery."""
    return is_managed_delivery(ctx.network, job.order_id, job.caster_id, job.alloy)


def _best_trip(
    ctx: ScheduleContext,
    states: dict[str, TruckState],
    smelter_id: str,
    pending: list[Job],
    bays: BayBook,
    priced: _Priced | None,
) -> tuple[str, TimedTrip] | None:
    """The truck and timed trip for the first ladles of ``pending``: the lowest cost net
    of the penalty saved where it pays (``priced``, :func:`_cheapest_trip`), else the
    most ladles, done first; ``None`` when no truck can take them (or none pays)."""
    if priced is not None:
        return _cheapest_trip(ctx, states, smelter_id, pending, bays, priced)
    best: tuple[tuple[float, int], str, TimedTrip] | None = None
    chunks: dict[tuple[float, int, float], tuple[Job, ...]] = {}
    for truck_id, state in states.items():
        chunk = _chunk(chunks, state.truck, pending)
        if not chunk or all(misses_fill_window(ctx, state, smelter_id, j) for j in chunk):
            continue  # no ladle it takes can be filled: its trip would be None
        trip, _ = time_trip(ctx, state, smelter_id, chunk, bays)
        if trip is None:
            continue
        key = (-len(trip.runs), trip.end_time)
        if best is None or key < best[0]:
            best = (key, truck_id, trip)
    return None if best is None else (best[1], best[2])


def _cheapest_trip(
    ctx: ScheduleContext,
    states: dict[str, TruckState],
    smelter_id: str,
    pending: list[Job],
    bays: BayBook,
    priced: _Priced,
) -> tuple[str, TimedTrip] | None:
    """The truck and timed trip for the first ladles of ``pending`` with the lowest
    cost net of the penalty saved (then the earlier end, then the truck first in
    ``states``), where that is at most 0; ``None`` when none pays.

    The trucks are timed in the order of their floor (:class:`_Floors`), and
    those whose floor is above the best net cost found so far (or above 0) are passed
    over untimed: their trip could neither beat it nor pay. The choice is the one
    timing every truck makes. A trip whose net cost is not finite does not pay.
    """
    tried: list[tuple[float, int, str, tuple[Job, ...]]] = []
    chunks: dict[tuple[float, int, float], tuple[Job, ...]] = {}
    floors = _Floors(ctx, priced, smelter_id)
    for index, (truck_id, state) in enumerate(states.items()):
        chunk = _chunk(chunks, state.truck, pending)
        if chunk:
            floor = floors.floor(state, chunk)
            floor = -math.inf if math.isnan(floor) else floor  # no road there and home
            tried.append((floor, index, truck_id, chunk))
    tried.sort(key=lambda t: (t[0], t[1]))
    best: tuple[tuple[float, int, int], str, TimedTrip] | None = None
    for floor, index, truck_id, chunk in tried:
        if floor > min(0.0, math.inf if best is None else best[0][0]) + _FLOOR_SLACK_CNY:
            break  # sorted: no truck from here on can beat the best or pay
        state = states[truck_id]
        if all(misses_fill_window(ctx, state, smelter_id, j) for j in chunk):
            continue  # no ladle it takes can be filled: its trip would be None
        trip, _ = time_trip(ctx, state, smelter_id, chunk, bays)
        if trip is None:
            continue
        net = priced.net(truck_id, trip)
        if not math.isfinite(net):
            continue  # no figure (e.g. no road there): it does not pay
        key = (net, trip.end_time, index)
        if best is None or key < best[0]:
            best = (key, truck_id, trip)
    if best is None or best[0][0] > 0.0:
        return None
    return best[1], best[2]


def _chunk(
    chunks: dict[tuple[float, int, float], tuple[Job, ...]], truck: Truck, pending: list[Job]
) -> tuple[Job, ...]:
    """The ladles of ``pending`` a trip of ``truck`` takes first (:func:`first_trip`;
    none when its ladles cannot hold the first), once per truck shape (ladle size,
    slots, payload) in ``chunks``."""
    shape = (truck.ladle_t, truck.ladles, truck.trip_t)
    if shape not in chunks:
        fits = pending[0].fits(truck.ladle_t)
        chunks[shape] = first_trip(truck, pending) if fits else ()
    return chunks[shape]
