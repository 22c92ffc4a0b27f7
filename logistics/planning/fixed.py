"""Runs already under way and trucks that start elsewhere (intraday re-planning).

Runs whose metal is already filled are *facts*: they are not planned again, they take
their tonnes off their orders and their smelters' metal, book their fill bays, and the
truck continues from where and when its last fact leaves it. A truck start makes a
truck available at another place and time than its home smelter at shift start.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from logistics.network.model import Network, TruckStart
from logistics.physics.travel import TravelMatrix
from logistics.planning.jobs import Job
from logistics.planning.schedule import BayBook, TruckState


@dataclass(frozen=True)
class FixedRun:
    """A run kept exactly as it is, times in minutes from the plan origin."""

    truck_id: str
    trip: int
    order_id: str
    smelter_id: str
    caster_id: str
    alloy: str
    tonnes: float
    fill_start: float
    fill_end: float
    pour_start: float
    pour_end: float


def jobs_after_fixed(jobs: tuple[Job, ...], delivered: dict[str, float]) -> tuple[Job, ...]:
    """Drop ladles of orders already delivered by fixed runs (largest jobs first)."""
    if not delivered:
        return jobs
    kept = []
    remaining = dict(delivered)
    for job in jobs:
        if remaining.get(job.order_id, 0.0) >= job.tonnes - 1e-6:
            remaining[job.order_id] -= job.tonnes
            continue
        kept.append(job)
    return tuple(kept)


def apply_fixed(
    network: Network,
    travel: TravelMatrix,
    states: dict[str, TruckState],
    bays: BayBook,
    fixed_runs: Sequence[FixedRun],
    truck_starts: Sequence[TruckStart],
) -> None:
    """Move trucks to their starts and past their fixed runs; book the fixed fills."""
    for start in truck_starts:
        state = states[start.truck_id]
        state.location = travel.index(start.site_kind, start.site_id)
        state.ready = math.ceil(network.minutes(start.at) - 1e-9)
    for r in sorted(fixed_runs, key=lambda r: r.pour_end):
        bays.book(r.smelter_id, math.floor(r.fill_start), math.ceil(r.fill_end))
        state = states[r.truck_id]
        state.location = travel.caster(r.caster_id)
        state.ready = max(state.ready, math.ceil(r.pour_end))
        state.trips = max(state.trips, r.trip)


def start_rows(travel: TravelMatrix, truck_starts: Sequence[TruckStart]) -> dict[str, int]:
    """``truck_id -> travel-matrix row`` of each truck start (for the leg model)."""
    return {s.truck_id: travel.index(s.site_kind, s.site_id) for s in truck_starts}
