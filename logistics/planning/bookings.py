"""Runs of a plan as the planner's jobs: which job each booked or proposed run delivers.

A re-plan rebuilds the day's ladle jobs from the orders, so a run of the current plan
(or of a proposed plan) is matched to a job of its order: first one of the same tonnes,
then the nearest in tonnes, each job at most once. The matches give booked jobs their
truck and time (the routing model prices moving them) and tell the re-optimising
re-plan which job each run of its start delivers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

from logistics.planning.jobs import Job


class RunLike(Protocol):
    """What matching reads of a run (times in minutes)."""

    @property
    def truck_id(self) -> str: ...
    @property
    def trip(self) -> int: ...
    @property
    def order_id(self) -> str: ...
    @property
    def tonnes(self) -> float: ...
    @property
    def fill_start(self) -> float: ...
    @property
    def pour_start(self) -> float: ...


def jobs_of_runs(jobs: Sequence[Job], runs: Sequence[RunLike]) -> list[str | None]:
    """The job each run delivers (``None`` where its order has no job left).

    Parameters
    ----------
    jobs : sequence of Job
        The day's jobs to plan.
    runs : sequence of RunLike
        Runs of a plan, in any order.

    Returns
    -------
    list of str or None
        One job id per run, in the order of ``runs``.
    """
    free: dict[str, list[Job]] = defaultdict(list)
    for job in sorted(jobs, key=lambda j: j.job_id):
        free[job.order_id].append(job)
    matched: list[str | None] = [None] * len(runs)
    order = sorted(range(len(runs)), key=lambda k: (runs[k].pour_start, runs[k].truck_id))
    for exact in (True, False):
        for k in order:
            if matched[k] is not None:
                continue
            run = runs[k]
            options = free.get(run.order_id, [])
            same = [j for j in options if abs(j.tonnes - run.tonnes) <= 1e-6]
            pool = same if exact else options
            if not pool:
                continue
            job = min(pool, key=lambda j: (abs(j.tonnes - run.tonnes), j.job_id))
            options.remove(job)
            matched[k] = job.job_id
    return matched
