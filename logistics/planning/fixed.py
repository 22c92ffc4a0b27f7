"""Runs already under way and trucks that start elsewhere (intraday re-planning).

Runs whose metal is already filled are *facts* (times in minutes,
:class:`~logistics.plan.timeline.MinuteRun`): they are not planned again, they take their
tonnes off their orders and their smelters' metal, book their fill bays, and the truck
continues from where and when its last fact leaves it. A truck start makes a
truck available at another place and time than its home smelter at shift start.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from logistics.network.model import Network, TruckStart
from logistics.physics.travel import Travel
from logistics.plan.timeline import MinuteRun
from logistics.planning.jobs import Exclusion, Job, JobBook, split_tonnes
from logistics.planning.schedule import BayBook, TruckState


def jobs_after_fixed(book: JobBook, delivered: Mapping[str, float]) -> tuple[Job, ...]:
    """The jobs still to plan once fixed runs have delivered part of some orders.

    An order partly delivered by fixed runs gets exactly its remainder, cut into ladles
    again (full ladles and one partial), never more: a fixed 2.5 t run of a 10 t order
    leaves 7.5 t to plan, not three 3 t ladles. The new jobs keep the order's window and
    sources; their ids are ``<order>#r1``, ``<order>#r2`` ….
    """
    if not delivered:
        return book.jobs
    by_order: dict[str, list[Job]] = defaultdict(list)
    for job in book.jobs:
        by_order[job.order_id].append(job)
    jobs: list[Job] = []
    for order_id, order_jobs in by_order.items():
        done = delivered.get(order_id, 0.0)
        if done <= 1e-9:
            jobs += order_jobs
            continue
        remainder = round(sum(j.tonnes for j in order_jobs) - done, 6)
        template = order_jobs[0]
        for seq, tonnes in enumerate(
            split_tonnes(max(0.0, remainder), min(template.cut_t, _largest_ladle(book))), start=1
        ):
            jobs.append(replace(template, job_id=f"{order_id}#r{seq}", tonnes=tonnes))
    return tuple(jobs)


def _largest_ladle(book: JobBook) -> float:
    """The largest size any order of the book was cut at (a bound for a job without one)."""
    finite = [j.cut_t for j in book.jobs if math.isfinite(j.cut_t)]
    return max(finite, default=book.ladle_t)


def exclusions_after_fixed(
    excluded: Sequence[Exclusion], delivered: Mapping[str, float]
) -> tuple[Exclusion, ...]:
    """Excluded tonnes less what fixed runs already delivered of those orders."""
    out = []
    for ex in excluded:
        left = round(ex.tonnes - delivered.get(ex.order_id, 0.0), 6)
        if left > 1e-6:
            out.append(replace(ex, tonnes=left))
    return tuple(out)


def apply_fixed(
    network: Network,
    travel: Travel,
    states: dict[str, TruckState],
    bays: BayBook,
    fixed_runs: Sequence[MinuteRun],
    truck_starts: Sequence[TruckStart],
) -> None:
    """Move trucks past their fixed runs and to their starts; book the fixed fills.

    A truck continues from where and when its last fixed run leaves it (the caster, at
    the end of the pour). A truck start that comes after the truck's fixed runs moves it
    there from then (it was towed, or finished elsewhere); one before them is overtaken
    by the runs.
    """
    for r in sorted(fixed_runs, key=lambda r: r.pour_end):
        bays.book(r.smelter_id, math.floor(r.fill_start), math.ceil(r.fill_end))
        state = states.get(r.truck_id)
        if state is None:  # a truck taken out of service after its fixed runs
            continue
        state.location = travel.caster(r.caster_id)
        state.ready = max(state.ready, math.ceil(r.pour_end))
        state.trips = max(state.trips, r.trip)
    last_pour: dict[str, float] = defaultdict(lambda: -math.inf)
    for r in fixed_runs:
        last_pour[r.truck_id] = max(last_pour[r.truck_id], r.pour_end)
    for start in truck_starts:
        state = states.get(start.truck_id)
        minute = network.minutes(start.at)
        if state is None or minute < last_pour[start.truck_id]:
            continue
        state.location = travel.index(start.site_kind, start.site_id)
        state.ready = math.ceil(minute - 1e-9)
