"""Split a large ladle day into smelter clusters that can be routed apart.

Searched job by job, one OR-Tools model of a whole day stopped converging at about
1,000 ladle runs (ladder day of 1,000 runs, 120 s: 97 % of the dispatcher's route
cost, against 81 % in two parts of ~500 jobs). With alike jobs searched two at a
time one model converges up to the 2,000-run day measured (see :data:`PART_JOBS`);
larger days are split.

The split keeps every coupling between parts out of the parts:

* jobs go with the smelter that fills them (:mod:`logistics.assign` fixed it), so fill
  bays and production — both per smelter — never span two parts;
* smelters are merged into clusters of nearby smelters (closest pair first) until
  there are ``ceil(jobs / target_jobs)`` clusters (none more than 1.5 times the even
  share); a smelter is never split;
* each truck joins one cluster: the one where the starting plan (the dispatcher's)
  filled most of its ladles, or else the cluster nearest to where it starts the day;
  then trucks move to clusters left without one or with more than twice the day's
  jobs per truck.

A truck therefore fills at the smelters of one cluster all day; that is the quality
cost of the split (measured in ``benchmarks/README.md``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from logistics.physics.travel import Travel
from logistics.plan.options import PART_JOBS
from logistics.planning.assign import Assignment
from logistics.planning.schedule import TruckState


@dataclass(frozen=True)
class Part:
    """One cluster of the day: its smelters, its trucks and the jobs they fill."""

    smelter_ids: tuple[str, ...]
    truck_ids: tuple[str, ...]
    assignments: tuple[Assignment, ...]


def _km_to_cluster(travel: Travel, location: int, cluster: list[str]) -> float:
    """Road km from a matrix row to the nearest smelter of a cluster."""
    return min(float(travel.km[location, travel.smelter(s)]) for s in cluster)


def _cluster_smelters(
    travel: Travel, jobs_at: Counter[str], clusters_wanted: int, cap: float
) -> list[list[str]]:
    """Merge the closest clusters of smelters (single linkage, road km) up to a size cap."""
    clusters = [[s] for s in sorted(jobs_at)]
    size = [jobs_at[s] for s in sorted(jobs_at)]

    def gap(a: list[str], b: list[str]) -> float:
        return min(_km_to_cluster(travel, travel.smelter(x), b) for x in a)

    while len(clusters) > clusters_wanted:
        best = None
        for i in range(len(clusters)):
            for j in range(i + 1, len(clusters)):
                if size[i] + size[j] > cap:
                    continue
                d = gap(clusters[i], clusters[j])
                if best is None or d < best[0]:
                    best = (d, i, j)
        if best is None:
            break
        _, i, j = best
        clusters[i] += clusters.pop(j)
        size[i] += size.pop(j)
    return clusters


def partition_day(
    travel: Travel,
    assignments: tuple[Assignment, ...],
    states: dict[str, TruckState],
    start_trips: dict[str, list[list[str]]] | None = None,
    *,
    target_jobs: int = PART_JOBS,
) -> list[Part]:
    """Cut a day into smelter clusters of about ``target_jobs`` jobs each.

    Parameters
    ----------
    travel : Travel
        Road km between sites (clusters merge the closest smelters first).
    assignments : tuple of Assignment
        Jobs with the smelter that fills them.
    states : dict
        ``truck_id -> TruckState``: where each truck starts.
    start_trips : dict, optional
        ``truck_id -> [[job_id, ...] per trip]`` of a starting plan; a truck joins the
        cluster where that plan filled most of its ladles.
    target_jobs : int
        Most jobs per part wanted; a day of at most ``target_jobs`` jobs stays whole,
        a larger one is cut into ``ceil(jobs / target_jobs)`` clusters where the
        smelters allow.

    Returns
    -------
    list of Part
        Every job in exactly one part, every truck in exactly one part, every part with
        at least one truck when there are trucks enough. A single part means the day
        was not split.
    """
    jobs_at: Counter[str] = Counter(a.source.smelter_id for a in assignments)
    if not jobs_at:
        return []
    wanted = math.ceil(len(assignments) / target_jobs)
    if wanted <= 1 or len(jobs_at) == 1:
        return [Part(tuple(sorted(jobs_at)), tuple(states), tuple(assignments))]
    clusters = _cluster_smelters(
        travel, jobs_at, wanted, cap=1.5 * math.ceil(len(assignments) / wanted)
    )
    cluster_of = {s: k for k, members in enumerate(clusters) for s in members}
    smelter_of_job = {a.job.job_id: a.source.smelter_id for a in assignments}

    trucks_of: list[list[str]] = [[] for _ in clusters]
    for truck_id, state in states.items():
        filled = Counter(
            cluster_of[smelter_of_job[job_id]]
            for trip in (start_trips or {}).get(truck_id, [])
            for job_id in trip
            if job_id in smelter_of_job
        )
        if filled:
            k = max(filled, key=lambda c: (filled[c], -c))
        else:
            k = min(
                range(len(clusters)),
                key=lambda c: _km_to_cluster(travel, state.location, clusters[c]),
            )
        trucks_of[k].append(truck_id)
    jobs_of = [sum(jobs_at[s] for s in members) for members in clusters]
    _rebalance_trucks(travel, states, clusters, jobs_of, trucks_of)

    parts = []
    for k, members in enumerate(clusters):
        mine = tuple(a for a in assignments if cluster_of[a.source.smelter_id] == k)
        parts.append(Part(tuple(sorted(members)), tuple(trucks_of[k]), mine))
    return parts


def _rebalance_trucks(
    travel: Travel,
    states: dict[str, TruckState],
    clusters: list[list[str]],
    jobs_of: list[int],
    trucks_of: list[list[str]],
) -> None:
    """Give every cluster a truck, and trucks to clusters with over twice the day's load.

    The vote by starting plan can leave a small cluster with one truck where the
    dispatcher used several across clusters. While some cluster has no truck or more than
    twice the day's jobs per truck, the truck nearest to it moves over from the cluster
    with the fewest jobs per truck (which keeps at least one).
    """
    per_truck = sum(jobs_of) / max(1, sum(len(t) for t in trucks_of))

    def load(c: int) -> float:
        return jobs_of[c] / len(trucks_of[c]) if trucks_of[c] else math.inf

    for _ in range(sum(len(t) for t in trucks_of)):
        needy = max(range(len(clusters)), key=load)
        if load(needy) <= 2 * per_truck:
            return
        donors = [c for c in range(len(clusters)) if c != needy and len(trucks_of[c]) > 1]
        if not donors:
            return
        donor = min(donors, key=load)
        if load(donor) >= per_truck:
            return
        truck_id = min(
            trucks_of[donor],
            key=lambda t: _km_to_cluster(travel, states[t].location, clusters[needy]),
        )
        trucks_of[donor].remove(truck_id)
        trucks_of[needy].append(truck_id)


def bins_for_workers(sizes: list[int], workers: int) -> list[list[int]]:
    """Pack parts into ``workers`` bins, largest first into the lightest bin (LPT).

    Returns the part indices of each non-empty bin; each bin runs on one core, its parts
    one after another, sharing the time limit in proportion to their jobs.
    """
    bins: list[list[int]] = [[] for _ in range(max(1, workers))]
    load = [0] * len(bins)
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        b = load.index(min(load))
        bins[b].append(i)
        load[b] += sizes[i]
    return [b for b in bins if b]
