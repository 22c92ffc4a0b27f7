"""Fills put off until a ladle is ready: the ladle pass with trips moved later.

The ladle pass (:mod:`.ladles`) takes a run off its trip when no ladle of its smelter's
pool can be ready for its fill. Often one would be ready a little later: back from its
run, cleaned, preheated. This module then tries the run's trip that much later: the
trip's fills start no earlier than the pass says that ladle would be ready, and the
truck's later trips are timed again after it, all with the timing of :mod:`.schedule`
(fill windows and bays, pour windows, taps within the hold, the shift's end, the
drivers' rules). The move is kept only when

* every job of those trips still times (none is left off);
* with ``[drivers]``, the truck's day still walks legally (:mod:`.legal`);
* the ladle pass run again on the moved plan leaves fewer tonnes without a ladle.

Otherwise the run is dropped as before (unserved for ``ladles``). The earliest dropped
runs are tried first, each trip once, at most :data:`MAX_TRIES` trips a day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from logistics.plan.model import Run
from logistics.plan.timeline import MinuteRun
from logistics.planning.drivers import DriverStop
from logistics.planning.ladles import LadlePlan, assign_ladles
from logistics.planning.legal import legal_day
from logistics.planning.schedule import (
    BayBook,
    ScheduleContext,
    TimedRun,
    TimedTrip,
    TruckState,
    commit_trip,
    time_trip,
)
from logistics.planning.windows import Interval

#: Trips tried later at most, per day.
MAX_TRIES = 40
#: Minutes added to the pass's wait on a second try (a fill bay, a burner stand, a
#: ladle that needs a few minutes more to be hot enough).
EXTRA_MIN = 15

FreshStates = Callable[[], tuple[dict[str, TruckState], BayBook]]


@dataclass(frozen=True)
class DelayedLadles:
    """The ladle pass after the moves that paid.

    Attributes
    ----------
    ladles : LadlePlan
        The pass on the final trips (its ``trips`` are the plan's).
    stops : tuple of DriverStop
        The drivers' rests and handovers of the final trips (as given without moves).
    delayed : int
        Trips moved later.
    fills : mapping of str to Interval, optional
        The day's fill windows by job id where a move changed them (a trip filled at
        another smelter, :mod:`.ladle_source`): every later timing of these trips must
        use them; ``None``: the context's are still right.
    """

    ladles: LadlePlan
    stops: tuple[DriverStop, ...]
    delayed: int
    fills: Mapping[str, Interval] | None = None


@dataclass(frozen=True)
class DayParts:
    """What a move needs of the day being planned.

    Attributes
    ----------
    ctx : ScheduleContext
        The timing context.
    kept : sequence of Run
        Runs kept as they are (their ladles are theirs).
    fixed : sequence of MinuteRun
        The same in minutes (the drivers' walk).
    starts : mapping of str to (int, float)
        Trucks that start elsewhere: ``truck_id -> (matrix row, minute)``.
    fresh_states : callable
        Each truck's state at the start of its day and the fill bays the kept runs hold.
    """

    ctx: ScheduleContext
    kept: Sequence[Run]
    fixed: Sequence[MinuteRun]
    starts: Mapping[str, tuple[int, float]]
    fresh_states: FreshStates


def _short_t(plan: LadlePlan) -> float:
    return sum(r.tonnes for r in plan.dropped)


def _next_target(plan: LadlePlan, tried: set[tuple[str, int]]) -> tuple[TimedRun, int] | None:
    """The earliest dropped run with a wait whose trip was not tried yet, and its wait."""
    for run in sorted(plan.dropped, key=lambda r: (r.fill_start, r.truck_id, r.trip)):
        wait = plan.waits.get((run.truck_id, run.trip, run.job.job_id))
        if wait is not None and (run.truck_id, run.trip) not in tried:
            return run, wait
    return None


def _moved(
    parts: DayParts, trips: Sequence[TimedTrip], run: TimedRun, wait: int
) -> list[TimedTrip] | None:
    """``trips`` with ``run``'s trip filling ``wait`` minutes later (or later still, as
    the timing finds) and its truck's later trips timed again; ``None`` when a job of
    those trips would be left off."""
    ctx = parts.ctx
    states, bays = parts.fresh_states()
    state = states.get(run.truck_id)
    if state is None:
        return None
    own = sorted(
        (t for t in trips if t.runs[0].truck_id == run.truck_id),
        key=lambda t: t.runs[0].fill_start,
    )
    for trip in trips:
        if trip.runs[0].truck_id != run.truck_id:
            for r in trip.runs:
                bays.book(r.smelter_id, r.fill_start, r.fill_end)
    k = next(i for i, t in enumerate(own) if t.runs[0].trip == run.trip)
    for trip in own[:k]:
        commit_trip(state, trip, bays)
    new: dict[int, TimedTrip] = {}
    for position, trip in enumerate(own[k:]):
        first = trip.runs[0]
        not_before = first.fill_start + (wait if position == 0 else 0)
        state.trips = first.trip - 1
        jobs = tuple(r.job for r in trip.runs)
        timed, left = time_trip(ctx, state, first.smelter_id, jobs, bays, not_before)
        if timed is None or left:
            return None
        commit_trip(state, timed, bays)
        new[id(trip)] = timed
    return [new.get(id(t), t) for t in trips]


def legal_stops(
    parts: DayParts, trips: Sequence[TimedTrip], truck_id: str
) -> tuple[DriverStop, ...] | None:
    """The drivers' stops of ``truck_id``'s day, or ``None`` when a trip of it breaks a
    rule (an empty tuple without drivers' rules)."""
    if parts.ctx.rules is None:
        return ()
    own = [t for t in trips if t.runs[0].truck_id == truck_id]
    fixed = [r for r in parts.fixed if r.truck_id == truck_id]
    legal = legal_day(parts.ctx, own, fixed, parts.starts)
    return None if legal.dropped else legal.stops


def spliced_stops(
    stops: tuple[DriverStop, ...], own: tuple[DriverStop, ...], truck_id: str
) -> tuple[DriverStop, ...]:
    """``stops`` with ``truck_id``'s replaced by ``own``, by truck and time."""
    others = [s for s in stops if s.truck_id != truck_id]
    return tuple(sorted((*others, *own), key=lambda s: (s.truck_id, s.start)))


def assign_with_delays(
    parts: DayParts, trips: Sequence[TimedTrip], stops: tuple[DriverStop, ...] = ()
) -> DelayedLadles:
    """The ladle pass, with trips moved later where that serves more (module docstring).

    Parameters
    ----------
    parts : DayParts
        The day being planned.
    trips : sequence of TimedTrip
        The new trips, timed (with drivers' rules: after the day's legal walk).
    stops : tuple of DriverStop
        That walk's rests and handovers.

    Returns
    -------
    DelayedLadles
    """
    network, travel = parts.ctx.network, parts.ctx.travel
    current = list(trips)
    plan = assign_ladles(network, travel, current, parts.kept)
    tried: set[tuple[str, int]] = set()
    delayed = 0
    while len(tried) < MAX_TRIES and (target := _next_target(plan, tried)) is not None:
        run, wait = target
        tried.add((run.truck_id, run.trip))
        for extra in (0, EXTRA_MIN):
            moved = _moved(parts, current, run, wait + extra)
            if moved is None:
                continue
            own_stops = legal_stops(parts, moved, run.truck_id)
            if own_stops is None:
                continue
            again = assign_ladles(network, travel, moved, parts.kept)
            if _short_t(again) < _short_t(plan) - 1e-6:
                current, plan, delayed = moved, again, delayed + 1
                if parts.ctx.rules is not None:
                    stops = spliced_stops(stops, own_stops, run.truck_id)
                break
    return DelayedLadles(plan, stops, delayed)
