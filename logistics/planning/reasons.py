"""Why tonnes are not delivered liquid: who decides each reason, and for which tonnes.

The reasons themselves are the plan's vocabulary (:mod:`logistics.plan.reasons`).

Reasons decided by the inputs alone, before any routing (:mod:`logistics.planning.jobs`):
``lead_time``, ``thermal_reach``, ``no_source``, ``window``. Reasons the planner
attributes to what is left after planning: ``production`` (no smelter has the metal in
time), ``cost`` (a trip would cost more than the ingot route saves), ``fleet`` (no
truck could take it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from logistics.network.model import Network
from logistics.plan.reasons import UNSERVED_REASONS
from logistics.planning.assign import Assignment
from logistics.planning.drop_penalty import drop_penalty_per_t
from logistics.planning.jobs import Job, JobBook
from logistics.planning.ladle_fit import PoolFit


@dataclass(frozen=True)
class UnservedTonnes:
    """Tonnes of an order not delivered liquid, and why (one of :data:`UNSERVED_REASONS`)."""

    order_id: str
    caster_id: str
    alloy: str
    tonnes: float
    reason: str


def reason_for(
    job: Job,
    network: Network,
    assignment: Assignment | None,
    order_jobs: int,
    fit: PoolFit | None = None,
) -> str:
    """Why a job that could in principle be served was not: production, cost or fleet.

    ``production`` when no smelter had its metal in time; ``ladles`` when no ladle of its
    smelter's pool holds it for any truck of the fleet (:class:`.ladle_fit.PoolFit`);
    ``cost`` when a round trip of the largest truck, shared by the order's ladles, costs
    more per tonne than the unserved penalty; ``fleet`` otherwise.

    ``fit`` is the pool's fit of ``network`` (``PoolFit.of(network.ladles)``, built here
    when not given: pass it when asking for many jobs).
    """
    if assignment is None:
        return "production"
    if fit is None:
        fit = PoolFit.of(network.ladles)
    if not _pool_fits(job, network, assignment, fit):
        return "ladles"
    truck = max(network.fleet, key=lambda t: t.ladles)
    source = assignment.source
    smelter = network.smelter_by_id[source.smelter_id]
    caster = network.caster_by_id[job.caster_id]
    shared = max(1, min(truck.ladles, order_jobs))
    trip_h = (2 * source.travel_min + shared * (smelter.fill_min + caster.unload_min)) / 60.0
    trip_cost = 2 * source.road_km * network.truck_cost_per_km(truck) + trip_h * (
        network.truck_cost_per_h(truck)
    )
    if trip_cost / shared > drop_penalty_per_t(network, job.order_id, job.caster_id, job.alloy) * (
        job.tonnes
    ):
        return "cost"
    return "fleet"


def _pool_fits(job: Job, network: Network, assignment: Assignment, fit: PoolFit) -> bool:
    """Whether some truck of the fleet may take ``job`` at its assigned smelter: a ladle
    of that smelter's pool holds it for the truck (always, without a pool)."""
    smelter_id = assignment.source.smelter_id
    return any(fit.holds(smelter_id, job.tonnes, t.tau_h) for t in network.fleet)


def unserved_tonnes(
    network: Network,
    book: JobBook,
    not_served: list[Job],
    assignment_of: dict[str, Assignment],
    reasons: Mapping[str, str] | None = None,
    late: Collection[str] = (),
) -> list[UnservedTonnes]:
    """Excluded orders and jobs left over, as tonnes per order and reason.

    ``reasons`` gives the reason of jobs the planner tried to fit into the final plan
    (``fleet``, ``cost``, ``not_planned_in_time``); the others get :func:`reason_for`'s,
    and so does a job no truck may take at its smelter for the pool's fit (``ladles``).
    A job short of metal (no assignment) in ``late`` is ``fleet``: some smelter had its
    metal in time, but no truck could be there in time
    (:attr:`~logistics.planning.assign.AssignmentResult.late`).
    """
    reasons = reasons or {}
    fit = PoolFit.of(network.ladles)
    tonnes: dict[tuple[str, str], float] = defaultdict(float)
    jobs_per_order: dict[str, int] = defaultdict(int)
    for job in book.jobs:
        jobs_per_order[job.order_id] += 1
    for ex in book.excluded:
        tonnes[(ex.order_id, ex.reason)] += ex.tonnes
    for job in not_served:
        assignment = assignment_of.get(job.job_id)
        reason = (
            "fleet"
            if assignment is None and job.job_id in late
            else reasons[job.job_id]
            if assignment is not None
            and job.job_id in reasons
            and _pool_fits(job, network, assignment, fit)
            else reason_for(job, network, assignment, jobs_per_order[job.order_id], fit)
        )
        tonnes[(job.order_id, reason)] += job.tonnes
    rows = []
    for (order_id, reason), t in sorted(
        tonnes.items(), key=lambda kv: (kv[0][0], UNSERVED_REASONS.index(kv[0][1]))
    ):
        order = network.order_by_id[order_id]
        rows.append(UnservedTonnes(order_id, order.caster_id, order.alloy, round(t, 6), reason))
    return rows
