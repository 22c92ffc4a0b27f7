"""What a plan costs the optimiser, CNY: driving + superheat + unserved tonnes.

``route cost`` (:mod:`logistics.plan.timeline`) + superheat ``(tap_c − tap_min_c) ×
tonnes × superheat_cost_per_c_t`` + every tonne the plan could serve but leaves
unserved × :func:`logistics.network.prices.unserved_penalty_per_t` (a managed
delivery's tonnes × :func:`~logistics.network.prices.managed_drop_penalty_per_t`). The same figures
the plan economics charges, so the plan the optimiser prefers is the one that saves
the most against ingots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from logistics.network.model import Network
from logistics.network.prices import (
    managed_drop_penalty_per_t,
    superheat_cost_per_c_t,
    unserved_penalty_per_t,
)
from logistics.physics.travel import Travel
from logistics.plan.timeline import MinuteRun, route_totals, trip_legs
from logistics.planning.drop_penalty import is_managed_delivery
from logistics.planning.jobs import JobBook
from logistics.planning.schedule import TimedRun


def superheat_cny(network: Network, runs: Sequence[TimedRun]) -> float:
    """Gas for the heat above each smelter's ``tap_min_c``, CNY."""
    rate = superheat_cost_per_c_t(network.params)
    total = 0.0
    for r in runs:
        prod = network.production_by_key[(r.smelter_id, r.alloy)]
        total += (r.tap_c - prod.tap_min_c) * r.tonnes * rate
    return total


def plan_value(
    network: Network,
    travel: Travel,
    runs: Sequence[TimedRun],
    book: JobBook,
    starts: Mapping[str, tuple[int, float]] | None = None,
    kept: Sequence[MinuteRun] = (),
) -> float:
    """Objective in CNY: route cost + superheat + penalty of jobs left unserved.

    Parameters
    ----------
    network, travel : Network, Travel
        Prices, fleet; km and minutes between sites.
    runs : sequence of TimedRun
        The runs planned (times in minutes).
    book : JobBook
        The jobs to serve (in a re-plan, less the tonnes of the ``kept`` runs).
    starts : mapping, optional
        ``truck_id -> (travel-matrix row, minute)`` of trucks made available elsewhere.
    kept : sequence of MinuteRun
        Re-planning: the runs that stay as they are (under way; in ``insert`` mode the
        booked runs too). They are not counted themselves, but ``runs`` are driven after
        them: the route cost is that of ``kept`` and ``runs`` together less that of
        ``kept`` alone, so a truck's new trip leaves from where its runs under way
        leave it (not from its home) and the time it waits there counts.

    Returns
    -------
    float
        The objective, CNY (lower is better).
    """
    penalty = unserved_penalty_per_t(network.params)
    served = {r.job.job_id for r in runs}
    left = [j for j in book.jobs if j.job_id not in served]
    managed = [is_managed_delivery(network, j.order_id, j.caster_id, j.alloy) for j in left]
    unserved_t = sum(j.tonnes for j, m in zip(left, managed, strict=True) if not m)
    managed_t = sum(j.tonnes for j, m in zip(left, managed, strict=True) if m)
    route = route_totals(trip_legs(network, travel, [*kept, *runs], starts)).route_cost_cny
    if kept:
        route -= route_totals(trip_legs(network, travel, kept, starts)).route_cost_cny
    value = route + superheat_cny(network, runs) + penalty * unserved_t
    if managed_t:  # a managed delivery left out costs more (a network without: as before)
        value += managed_drop_penalty_per_t(network.params) * managed_t
    return value
