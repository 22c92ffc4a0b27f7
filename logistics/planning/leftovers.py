"""A second try for the ladles left over: every smelter that makes their alloy.

The search and the first insertion place each job at the smelter it was assigned, from
the release its deadline rank gave it (:mod:`logistics.planning.assign`). A ladle left
over there may still fit the final plan from another smelter, or from its own smelter
earlier than that release once the plan's real fills are known. Before a ladle is
written off as ``fleet`` (no truck has room for it in time), each of its sources is
tried, nearest first, with the metal that source has left when every fill of the plan
keeps its own: the earliest fill start from which a ladle of its tonnes can be tapped
without leaving any later fill of the plan short (production counts a ladle's tonnes
in full at its fill start, as everywhere). The ladle goes to the first source where
insertion (:func:`logistics.planning.insert.insert_jobs`) finds room worth its cost.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from logistics.network.model import Network
from logistics.plan.timeline import LegRun
from logistics.planning.assign import Assignment, release_minute
from logistics.planning.gap_walk import DayWalked
from logistics.planning.insert import INSERTED_TRIPS, Inserted, insert_jobs
from logistics.planning.jobs import Job, Source
from logistics.planning.schedule import BayBook, ScheduleContext, TimedTrip, TruckState

#: Tonnes below which a shortfall of metal is rounding, not a shortfall.
_EPS_T = 1e-6


class PlacedRun(LegRun, Protocol):
    """A run of the plan so far: what the leg model reads, and the metal it takes."""

    @property
    def alloy(self) -> str: ...
    @property
    def tonnes(self) -> float: ...


def metal_release(
    network: Network,
    smelter_id: str,
    alloy: str,
    fills: Sequence[tuple[float, float]],
    tonnes: float,
) -> float:
    """First minute a ladle of ``tonnes`` may start filling with every planned fill kept.

    Parameters
    ----------
    network : Network
        Its production (stock at opening, rate).
    smelter_id, alloy : str
        Where and what.
    fills : sequence of (float, float)
        The plan's fills of that alloy there: ``(fill start, min; tonnes, t)``.
    tonnes : float
        The new ladle, t.

    Returns
    -------
    float
        Minutes from the plan origin; ``inf`` when the smelter never has the metal.
    """
    prod = network.production_by_key[(smelter_id, alloy)]
    opening = network.minutes(network.smelter_by_id[smelter_id].open)

    def made_by(minute: float) -> float:
        return prod.stock_t + max(0.0, minute - opening) * prod.rate_tph / 60.0

    taken, short_after = 0.0, 0.0
    for start, t in sorted(fills):
        taken += t
        if made_by(start) + _EPS_T < taken + tonnes:
            short_after = taken  # the new ladle must come after this fill
    return release_minute(network, smelter_id, alloy, short_after + tonnes)


def retry_elsewhere(
    ctx: ScheduleContext,
    left: Sequence[Job],
    reasons: Mapping[str, str],
    starts: Mapping[str, TruckState],
    runs: Sequence[PlacedRun],
    bays: BayBook,
    *,
    not_before: int,
    route_starts: Mapping[str, tuple[int, float]] | None,
    penalty_per_t: float | None,
    deadline: float | None,
) -> Inserted:
    """Try every job left as ``fleet`` or ``cost`` at each of its sources, nearest first.

    Parameters
    ----------
    ctx : ScheduleContext
        Network, travel and the jobs' fill windows.
    left : sequence of Job
        The jobs left over.
    reasons : mapping of str to str
        Why each is left (``fleet``, ``cost``, ``not_planned_in_time``).
    starts : mapping of str to TruckState
        Each available truck at the start of its day.
    runs : sequence of PlacedRun
        Every run of the plan so far (kept, searched and inserted), minutes.
    bays : BayBook
        Fill bays with every run's fill booked (modified).
    not_before : int
        No new fill starts before this minute.
    route_starts : mapping, optional
        ``truck_id -> (travel row, minute)`` of truck starts, for the route cost.
    penalty_per_t : float, optional
        The ingot route's penalty, CNY/t (:func:`~logistics.planning.insert.insert_jobs`).
    deadline : float, optional
        :func:`time.monotonic` by which trying stops.

    Returns
    -------
    Inserted
        The trips added, the jobs still left and why (``cost`` where some source had
        room at a higher cost, else the first try's reason).
    """
    placed = list(runs)
    done = Inserted([], [], {})
    walks: dict[str, DayWalked] = {}  # the truck-days walked, kept while they hold
    for job in left:
        reason = reasons.get(job.job_id, "fleet")
        if reason == "not_planned_in_time" or (
            deadline is not None and time.monotonic() > deadline
        ):
            done.left.append(job)
            done.reasons[job.job_id] = "not_planned_in_time" if reason != "cost" else reason
            continue
        trip, reason = _first_room(
            ctx, job, reason, starts, placed, bays, not_before, route_starts, penalty_per_t, walks
        )
        if trip is None:
            done.left.append(job)
            done.reasons[job.job_id] = reason
            continue
        done.trips.append(trip)
        placed.extend(trip.runs)
    return done


def _first_room(
    ctx: ScheduleContext,
    job: Job,
    reason: str,
    starts: Mapping[str, TruckState],
    placed: Sequence[PlacedRun],
    bays: BayBook,
    not_before: int,
    route_starts: Mapping[str, tuple[int, float]] | None,
    penalty_per_t: float | None,
    walks: dict[str, DayWalked],
) -> tuple[TimedTrip | None, str]:
    """The trip that carries ``job`` from its nearest source with room, or why none does."""
    first_trip = max(INSERTED_TRIPS, max((r.trip for r in placed), default=0) + 1)
    for source in sorted(job.sources, key=lambda s: (s.road_km, s.smelter_id)):
        assignment = assignment_at(ctx.network, job, source, placed)
        if assignment is None:
            continue
        tried = insert_jobs(
            replace(ctx, fills={**ctx.fills, job.job_id: assignment.fill}),
            [assignment],
            starts,
            placed,
            bays,
            not_before=not_before,
            route_starts=route_starts,
            penalty_per_t=penalty_per_t,
            first_trip=first_trip,
            walks=walks,
        )
        if tried.trips:
            return tried.trips[0], ""
        if tried.reasons.get(job.job_id) == "cost":
            reason = "cost"
    return None, reason


def assignment_at(
    network: Network, job: Job, source: Source, placed: Sequence[PlacedRun]
) -> Assignment | None:
    """``job`` at ``source`` from when its metal is there with every fill of the plan kept.

    Parameters
    ----------
    network : Network
        Its production.
    job : Job
        The ladle to fill.
    source : Source
        One of its sources.
    placed : sequence of PlacedRun
        The plan's runs (fill starts in minutes).

    Returns
    -------
    Assignment or None
        With the release of :func:`metal_release`, minutes; ``None`` when the metal is
        never there inside the source's fill window.
    """
    fills = [
        (float(r.fill_start), r.tonnes)
        for r in placed
        if r.smelter_id == source.smelter_id and r.alloy == job.alloy
    ]
    release = metal_release(network, source.smelter_id, job.alloy, fills, job.tonnes)
    if not math.isfinite(release):
        return None
    assignment = Assignment(job, source, math.ceil(release - 1e-9))
    return None if assignment.fill.empty else assignment
