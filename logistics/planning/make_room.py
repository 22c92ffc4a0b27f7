"""Room made for an order's leftovers by moving one trip of the plan to another truck.

The leftovers' insertion (:mod:`.insert`) fits ladles into the trucks' free time as the
plan leaves it: where every truck that could carry an order's ladles in time is busy
then, they are left (``fleet``), even when the trip in the way could as well be driven
by a truck that is free. Here, for each order with ladles left, the trips that keep a
suitable truck busy in the order's hours are tried one at a time: the trip is taken
out, the order's ladles are inserted on the freed truck, then the trip's own ladles
are inserted again (on another truck, or on the same one if it still has room). The
move is kept where the plan's objective (route cost, superheat and the penalty of the
tonnes left, after the ladle pass) is lower than before: of the moves lowest before the
ladle pass, the one lowest after it; the order's ladles still left are then tried
again the same way.

Managed deliveries (where ``managed`` is given) are tried first, the one whose furnace
needs it soonest first, whatever they weigh (a lone ladle left out lets a furnace run
below its minimum, which costs more than the ingots of an order's tonnes), and until a
later moment (``managed_deadline``) than the orders: in the morning rush every truck
that could pour one in time is often on an order's trip, which the move then gives to
another truck or leaves out where the plan's objective is lower that way.

Only trips whose removal leaves their truck's day drivable are tried: the truck must
still reach its next trip's smelter by that trip's first fill, from where the trip
before ended.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from logistics.planning.insert import INSERTED_TRIPS, Inserted
from logistics.planning.jobs import Job
from logistics.planning.schedule import ScheduleContext, TimedTrip, TruckState

#: The trips tried as the one in the way, per order (the fewest tonnes first).
MOST_BLOCKERS = 30
#: The moves judged with the full ``value`` per order's try (those lowest by ``below``).
JUDGED = 3
#: Minutes before an order's first pour a trip in the way may start (its fill, drive).
LEAD_MIN = 240
#: The least an order's leftovers weigh to be tried, t (a lone small ladle rarely pays
#: for moving a trip).
MIN_TONNES = 3.0
#: The reasons of leftovers tried here.
TRIED = ("fleet", "cost")

#: Inserts jobs into a plan of trips kept as they are, its trips numbered above a given
#: number, on one truck or any: ``(trips kept, jobs, first trip number, truck id or
#: None) -> Inserted``.
InsertInto = Callable[[list[TimedTrip], list[Job], int, str | None], Inserted]
#: The objective of a plan's trips, CNY.
ValueOf = Callable[[list[TimedTrip]], float]


@dataclass(frozen=True)
class Roomed:
    """The plan after rooms were made: its trips, the jobs left and why, how many moves."""

    trips: list[TimedTrip]
    left: list[Job]
    reasons: dict[str, str]
    moves: int


def make_room(
    ctx: ScheduleContext,
    starts: Mapping[str, TruckState],
    trips: list[TimedTrip],
    left: list[Job],
    reasons: dict[str, str],
    *,
    insert: InsertInto,
    value: ValueOf,
    below: ValueOf | None = None,
    movable: Callable[[TimedTrip], bool] | None = None,
    holds: Callable[[list[TimedTrip]], bool] | None = None,
    deadline: float | None = None,
    managed: Callable[[Job], bool] | None = None,
    managed_deadline: float | None = None,
) -> Roomed:
    """Each order's leftovers tried on a truck freed by moving one trip in their way.

    Parameters
    ----------
    ctx : ScheduleContext
        Network, travel and the jobs' fill windows.
    starts : mapping of str to TruckState
        Each available truck at the start of its day.
    trips : list of TimedTrip
        The plan's trips.
    left : list of Job
        The jobs left over; those left for ``fleet`` or ``cost`` (:data:`TRIED`) are tried.
    reasons : dict of str to str
        Why each job of ``left`` is left.
    insert : callable
        Inserts jobs into the free time of a plan (:data:`InsertInto`, priced: a trip is
        made only where it pays).
    value : callable
        The objective of a plan's trips, CNY (unserved tonnes at their penalty).
    below : callable, optional
        A cheaper figure no more than ``value`` (of a move that ``value`` would judge
        no better when this is no lower, e.g. before the ladle pass takes runs off):
        ``value`` is computed only for the moves it finds lower.
    movable : callable, optional
        Whether a trip may be moved (``insert`` can place its ladles again); any trip
        where not given.
    holds : callable, optional
        Whether a moved plan's trips keep the day's limits ``insert`` does not see (e.g.
        the trucks' trips a day, the smelters' metal); every move where not given.
    deadline : float, optional
        :func:`time.monotonic` by which trying the orders' leftovers stops.
    managed : callable, optional
        Whether a job is a ladle of a managed delivery: those are tried first, the
        earliest due first, whatever they weigh; none is told apart where not given.
    managed_deadline : float, optional
        :func:`time.monotonic` by which trying managed deliveries stops (``deadline``
        where not given or earlier).

    Returns
    -------
    Roomed
        The trips, the jobs still left and why, the number of trips moved.
    """
    current = _Plan(list(trips), list(left), dict(reasons), value(list(trips)))
    moves = 0
    judge = _Judge(insert, value, below, movable, holds)
    for group, is_managed in _groups(left, reasons, managed):
        stop = _stop(deadline, managed_deadline) if is_managed else deadline
        if stop is not None and time.monotonic() > stop:
            continue  # an order's after the managed deliveries' later stop: none left
        still = [j for j in group if j in current.left]
        least = 1e-9 if is_managed else MIN_TONNES
        while still and sum(j.tonnes for j in still) >= least:
            best = _best_move(ctx, starts, current, still, judge, stop)
            if best is None:
                break
            current, moves = best, moves + 1
            still = [j for j in still if j in current.left]
    return Roomed(current.trips, current.left, current.reasons, moves)


@dataclass(frozen=True)
class _Plan:
    trips: list[TimedTrip]
    left: list[Job]
    reasons: dict[str, str]
    value: float


@dataclass(frozen=True)
class _Judge:
    """How a move is made and judged (the callables of :func:`make_room`)."""

    insert: InsertInto
    value: ValueOf
    below: ValueOf | None
    movable: Callable[[TimedTrip], bool] | None
    holds: Callable[[list[TimedTrip]], bool] | None = None


def _stop(deadline: float | None, managed_deadline: float | None) -> float | None:
    """When trying managed deliveries stops: the later of the two moments (``None``:
    never)."""
    if deadline is None or managed_deadline is None:
        return None if deadline is None else deadline
    return max(deadline, managed_deadline)


def _groups(
    left: Sequence[Job], reasons: Mapping[str, str], managed: Callable[[Job], bool] | None
) -> list[tuple[list[Job], bool]]:
    """The leftovers tried here, per order, and whether they are a managed delivery's:
    managed deliveries first, the earliest due first, then the orders, the heaviest
    first."""
    by_order: dict[str, list[Job]] = defaultdict(list)
    for job in sorted(left, key=lambda j: (j.latest_pour, j.job_id)):
        if reasons.get(job.job_id) in TRIED:
            by_order[job.order_id].append(job)
    flagged = [(g, managed is not None and managed(g[0])) for g in by_order.values()]
    first = sorted(
        (f for f in flagged if f[1]), key=lambda f: (f[0][0].latest_pour, f[0][0].job_id)
    )
    rest = sorted(
        (f for f in flagged if not f[1]),
        key=lambda f: (-sum(j.tonnes for j in f[0]), f[0][0].job_id),
    )
    return [*first, *rest]


def _best_move(
    ctx: ScheduleContext,
    starts: Mapping[str, TruckState],
    plan: _Plan,
    group: list[Job],
    judge: _Judge,
    deadline: float | None,
) -> _Plan | None:
    """The plan with one trip moved and ``group`` inserted, the lowest below ``plan``'s
    value of the :data:`JUDGED` lowest by ``judge.below``, or ``None``."""
    found: list[tuple[float, int, _Plan]] = []
    for k, blocker in enumerate(_blockers(ctx, starts, plan.trips, group)):
        if deadline is not None and time.monotonic() > deadline:
            break
        if judge.movable is None or judge.movable(blocker):
            moved = _moved(plan, group, blocker, judge.insert)
            if moved is None or (judge.holds is not None and not judge.holds(moved.trips)):
                continue
            if judge.below is None:  # every move judged, the lightest blocker first
                found.append((float(k), k, moved))
                continue
            cheap = judge.below(moved.trips)
            if cheap < plan.value - 1e-6:  # else not lower even before the pass
                found.append((cheap, k, moved))
    best: _Plan | None = None
    for _, _, moved in sorted(found, key=lambda f: f[:2])[:JUDGED]:
        if deadline is not None and time.monotonic() > deadline:
            break
        worth = judge.value(moved.trips)
        if worth < (best.value if best is not None else plan.value) - 1e-6:
            best = replace(moved, value=worth)
    return best


def _moved(plan: _Plan, group: list[Job], blocker: TimedTrip, insert: InsertInto) -> _Plan | None:
    """``plan`` with ``blocker`` taken out, ``group`` inserted on its truck and the
    blocker's ladles inserted again (its value not yet set), or ``None`` where the truck
    has no room for ``group``."""
    kept = [t for t in plan.trips if t is not blocker]
    first = max(INSERTED_TRIPS, max((r.trip for t in kept for r in t.runs), default=0))
    mine = insert(kept, group, first, blocker.runs[0].truck_id)
    if not mine.trips:  # the freed truck has no room for them either
        return None
    kept = [*kept, *mine.trips]
    first = max(first, max((r.trip for t in kept for r in t.runs), default=0))
    again = insert(kept, [r.job for r in blocker.runs], first, None)
    kept = [*kept, *again.trips]
    placed = {r.job.job_id for t in kept for r in t.runs}
    out = [j for j in [*plan.left, *(r.job for r in blocker.runs)] if j.job_id not in placed]
    why = {j.job_id: plan.reasons.get(j.job_id, "fleet") for j in out}
    # the freed truck alone found no room: not the whole fleet's reason; a room too
    # dear on it is (the job was tried where it was cheapest before)
    why.update({j: r for j, r in mine.reasons.items() if j in why and r == "cost"})
    why.update({j: r for j, r in again.reasons.items() if j in why})
    return _Plan(kept, out, why, math.nan)


def _blockers(
    ctx: ScheduleContext,
    starts: Mapping[str, TruckState],
    trips: Sequence[TimedTrip],
    group: list[Job],
) -> list[TimedTrip]:
    """The trips in ``group``'s way: on a truck whose ladles hold its jobs, driven in its
    hours, whose removal leaves the truck's day drivable; the fewest tonnes first, at
    most :data:`MOST_BLOCKERS`."""
    lo = min(j.earliest_pour for j in group) - LEAD_MIN
    hi = max(j.latest_pour for j in group)
    by_truck: dict[str, list[TimedTrip]] = defaultdict(list)
    for trip in trips:
        by_truck[trip.runs[0].truck_id].append(trip)
    found: list[tuple[float, int, TimedTrip]] = []
    for truck_id, mine in by_truck.items():
        start = starts.get(truck_id)
        if start is None or not group[0].fits(start.truck.ladle_t):
            continue
        mine.sort(key=lambda t: min(r.fill_start for r in t.runs))
        for k, trip in enumerate(mine):
            first_fill = min(r.fill_start for r in trip.runs)
            if trip.end_time < lo or first_fill > hi:
                continue
            if _drivable_without(ctx, start, mine, k):
                found.append((sum(r.tonnes for r in trip.runs), trip.end_time, trip))
    found.sort(key=lambda f: (f[0], f[1]))
    return [f[2] for f in found[:MOST_BLOCKERS]]


def _drivable_without(
    ctx: ScheduleContext, start: TruckState, mine: list[TimedTrip], k: int
) -> bool:
    """Whether the truck still reaches its trip after ``mine[k]`` in time without it."""
    if k + 1 >= len(mine):
        return True
    after = mine[k + 1]
    if k == 0:
        where, ready = start.location, float(start.ready)
    else:
        where, ready = mine[k - 1].end_location, float(mine[k - 1].end_time)
    first = min(after.runs, key=lambda r: r.fill_start)
    smelter = ctx.travel.smelter(first.smelter_id)
    return ready + ctx.minutes(where, smelter, ready) <= first.fill_start + 1e-9
