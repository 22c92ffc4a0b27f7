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
whatever it costs.

With a ``deadline`` (:func:`time.monotonic`), the groups not tried by then are left as
they are (the caller reports them ``not_planned_in_time``: the leftovers' tries after
it start past the same deadline); a managed delivery's group is still tried until
``managed_until``, the pass's grace (:func:`~.insert.late_deadline`). Groups are tried
most urgent first (their first ladle's latest pour). Without a deadline (a
``solution_limit``'s deterministic plans) every group is tried.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from logistics.plan.timeline import LegRun
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


@dataclass
class _Priced:
    """What a trip appended to a truck's day costs net of the penalty it saves, CNY."""

    ctx: ScheduleContext
    pricing: RoutePricing
    penalty_per_t: float
    runs: dict[str, list[LegRun]]
    before: dict[str, float] = field(default_factory=dict)

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
    of the penalty saved where it pays (``priced``), else the most ladles, done first;
    ``None`` when no truck can take them (or none pays)."""
    best: tuple[tuple[float, int], str, TimedTrip] | None = None
    for truck_id, state in states.items():
        if not pending[0].fits(state.truck.ladle_t):
            continue
        chunk = first_trip(state.truck, pending)
        if not chunk or all(misses_fill_window(ctx, state, smelter_id, j) for j in chunk):
            continue  # no ladle it takes can be filled: its trip would be None
        trip, _ = time_trip(ctx, state, smelter_id, chunk, bays)
        if trip is None:
            continue
        if priced is None:
            key: tuple[float, int] = (-len(trip.runs), trip.end_time)
        else:
            key = (priced.net(truck_id, trip), trip.end_time)
        if best is None or key < best[0]:
            best = (key, truck_id, trip)
    if best is None or (priced is not None and best[0][0] > 0.0):
        return None
    return best[1], best[2]
