"""Which smelter fills which job, and from when its metal is there.

Design choice (measured on synthetic ladle days, ortools 9.15): the smelter of each job is fixed in
a fast assignment step before routing; leaving it to pickup alternatives made the
routing model 1.5× larger and worse from 300 jobs up.

Production is respected through *release times*: jobs of one smelter and alloy are
ranked by deadline, and the k-th may not start filling before the moment
``stock_t + rate_tph × (t − open)`` covers the tonnes of jobs 1..k. Since release times
grow with the rank, at any moment the tonnes filled are at most those of a prefix of
the ranking, which the release time of its last job guarantees is available: the
production rule holds however the trucks are routed afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from logistics.network.model import Network
from logistics.planning.jobs import Job, Source
from logistics.planning.windows import Interval


@dataclass(frozen=True)
class Assignment:
    """A job's smelter and the earliest minute its ladle may start filling."""

    job: Job
    source: Source
    release: int

    @property
    def fill(self) -> Interval:
        """When the ladle may start filling: the source's fill window from the release on.

        The one fill window the routing model and the trip timing both read
        (:mod:`logistics.planning.windows`); never empty for an assigned job.
        """
        return self.source.fill.from_(self.release)


@dataclass(frozen=True)
class AssignmentResult:
    """Assigned jobs and jobs no smelter has metal for."""

    assigned: tuple[Assignment, ...]
    short_of_metal: tuple[Job, ...]


def release_minute(network: Network, smelter_id: str, alloy: str, cumulative_t: float) -> float:
    """First minute at which ``cumulative_t`` tonnes of the alloy exist at the smelter.

    Returns ``inf`` if the smelter never makes that much on the plan day.
    """
    prod = network.production_by_key[(smelter_id, alloy)]
    smelter = network.smelter_by_id[smelter_id]
    open_ = network.minutes(smelter.open)
    if cumulative_t <= prod.stock_t + 1e-9:
        return open_
    if prod.rate_tph <= 0:
        return math.inf
    return open_ + (cumulative_t - prod.stock_t) / prod.rate_tph * 60.0


def assign_smelters(
    network: Network,
    jobs: tuple[Job, ...],
    used_t: dict[tuple[str, str], float] | None = None,
    preferred: Mapping[str, str] | None = None,
    queue: Mapping[str, float] | None = None,
) -> AssignmentResult:
    """Assign every job to the cheapest smelter that has its metal in time.

    Jobs are taken by deadline (``latest_pour``, then order); each goes to the nearest
    feasible source (sources are sorted by road km) whose release time for one more
    ladle still leaves its fill window non-empty (:attr:`Assignment.fill`).

    Parameters
    ----------
    network : Network
        Production and smelter hours.
    jobs : tuple of Job
        Jobs with their feasible sources.
    used_t : dict, optional
        Tonnes already filled per ``(smelter_id, alloy)`` by runs fixed in advance
        (intraday re-planning); new jobs queue behind them.
    preferred : mapping of str to str, optional
        ``job_id -> smelter_id`` tried first (re-planning: the smelter a booked run
        fills at), when it can fill the job in time.
    queue : mapping of str to float, optional
        ``job_id ->`` the minute a plan to start from fills it (re-optimising: the
        insert plan). The jobs queue for metal by when they need it: these by that
        fill, the others by their latest pour (as without a queue), so that a job the
        start leaves out whose metal is due before the start's fills is not made short
        by them.

    Returns
    -------
    AssignmentResult
        Assignments with release times, and the jobs short of metal.
    """
    used: dict[tuple[str, str], float] = dict(used_t or {})
    assigned: list[Assignment] = []
    short: list[Job] = []
    first = queue or {}
    by_queue = sorted(
        jobs,
        key=lambda j: (
            first.get(j.job_id, j.latest_pour),
            j.latest_pour,
            j.earliest_pour,
            j.job_id,
        ),
    )
    for job in by_queue:
        chosen = None
        smelter = (preferred or {}).get(job.job_id)
        sources = sorted(job.sources, key=lambda src: src.smelter_id != smelter)
        for source in sources:
            key = (source.smelter_id, job.alloy)
            total = used.get(key, 0.0) + job.tonnes
            release = release_minute(network, source.smelter_id, job.alloy, total)
            if not source.fill.from_(release).empty:
                chosen = (source, math.ceil(release - 1e-9), key, total)
                break
        if chosen is None:
            short.append(job)
            continue
        source, release, key, total = chosen
        used[key] = total
        assigned.append(Assignment(job, source, release))
    return AssignmentResult(tuple(assigned), tuple(short))
