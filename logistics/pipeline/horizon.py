"""A horizon of 1–5 days planned in sequence, furnace levels carried from day to day.

Each day is an ordinary day (:func:`logistics.pipeline.day.plan_day`) of the network
loaded for its date: its own orders (``orders.csv``'s rows on that date, without those
an earlier day planned, unless the file has no dates at all:
:mod:`logistics.network.horizon_orders`), the
production and fleet rows that hold on that date (``production.csv`` and ``fleet.csv``
rows with a ``date`` or ``weekdays``, :mod:`logistics.network.dated_rows`), and its
furnaces starting at the day before's end levels
(:func:`~logistics.pipeline.supply.next_start_levels`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from logistics.network.horizon_orders import without_earlier_orders
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.pipeline.day import PlanOutcome, plan_day
from logistics.pipeline.supply import next_start_levels, with_start_levels
from logistics.plan.horizon import CarriedLevel, Horizon, HorizonDay, day_folder
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.progress import ProgressCallback

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HorizonOutcome:
    """A planned horizon: each day's network (with its carried levels) and outcome."""

    networks: tuple[Network, ...]
    outcomes: tuple[PlanOutcome, ...]

    @property
    def ok(self) -> bool:
        """True when the checker found no violation on any day."""
        return all(o.ok for o in self.outcomes)


def plan_horizon(
    load_day: Callable[[date], Network],
    first: date,
    days: int,
    options: PlanOptions,
    *,
    progress: ProgressCallback | None = None,
    prepare: Callable[[Network], Network] | None = None,
    on_day: Callable[[Network, PlanOutcome], None] | None = None,
    travel: Travel | None = None,
) -> HorizonOutcome:
    """Plan ``days`` days from ``first`` in sequence, each checked and priced.

    Parameters
    ----------
    load_day : callable
        The network for a date (its orders, production and fleet on that date); an
        order an earlier day planned is not planned again (a row of ``orders.csv``
        written with ``HH:MM`` times falls on every date loaded), unless the orders
        file has no dates at all (the same orders every day).
    first : date
        The horizon's first day.
    days : int
        Days to plan, 1–5.
    options : PlanOptions
        How each day is planned (``time_limit_s`` per day, s).
    progress : callable, optional
        Receives each day's progress events.
    prepare : callable, optional
        Applied to each day's network once its start levels are carried (e.g. the
        casters' own ordering rule, which orders from those levels).
    on_day : callable, optional
        Receives each day's network and outcome once it is planned, before the next
        day is loaded (e.g. to carry a smelter's stock from day to day).
    travel : Travel, optional
        The travel model of the days' networks (built from the first day's without it).

    Returns
    -------
    HorizonOutcome
        The days in order; day ``k + 1``'s furnaces start where day ``k``'s ended.
    """
    networks: list[Network] = []
    outcomes: list[PlanOutcome] = []
    planned: set[str] = set()  # orders of the earlier days: not planned again
    for k in range(days):
        network = without_earlier_orders(load_day(first + timedelta(days=k)), planned)
        planned |= {o.order_id for o in network.day_orders}
        if k == 1 and network.undated_orders:
            log.warning(
                "the orders file gives its windows as HH:MM, with no dates: every day of "
                "the horizon plans the same orders; date each day's orders (ISO 8601)"
            )
        if outcomes:
            network = with_start_levels(network, next_start_levels(networks[-1], outcomes[-1].plan))
        if prepare is not None:
            network = prepare(network)
        if travel is None or not travel.fits(network):
            travel = Travel.of(network)
        outcomes.append(plan_day(network, options, travel=travel, progress=progress))
        networks.append(network)
        if on_day is not None:
            on_day(network, outcomes[-1])
    return HorizonOutcome(tuple(networks), tuple(outcomes))


def _day(k: int, network: Network, plan: Plan) -> HorizonDay:
    """Horizon day ``k``'s figures."""
    supply, summary = plan.supply, plan.summary
    return HorizonDay(
        day=k,
        plan_date=plan.plan_date,
        folder=day_folder(k),
        tonnes_delivered=round(summary.tonnes_delivered, 3),
        tonnes_unserved=round(sum(summary.tonnes_unserved.values()), 3),
        route_cost_cny=round(summary.route_cost_cny, 2),
        saving_cny=round(plan.economics.summary.saving_cny, 2) if plan.economics else 0.0,
        stockout_furnaces=supply.stockout_furnaces if supply else 0,
        stockout_no_supply=supply.stockout_no_supply if supply else 0,
        emergency_ingot_t=supply.emergency_ingot_t if supply else 0.0,
        start_levels=tuple(
            CarriedLevel(caster_id=f.caster_id, alloy=f.alloy, start_level_t=f.start_level_t)
            for f in network.furnaces
        ),
    )


def horizon_summary(outcome: HorizonOutcome) -> Horizon:
    """The horizon's days and totals, for ``horizon.json``."""
    days = tuple(
        _day(k, n, o.plan)
        for k, (n, o) in enumerate(zip(outcome.networks, outcome.outcomes, strict=True), 1)
    )
    return Horizon(
        network=outcome.networks[0].name,
        first_date=outcome.networks[0].plan_date,
        days=days,
        tonnes_delivered=round(sum(d.tonnes_delivered for d in days), 3),
        tonnes_unserved=round(sum(d.tonnes_unserved for d in days), 3),
        route_cost_cny=round(sum(d.route_cost_cny for d in days), 2),
        saving_cny=round(sum(d.saving_cny for d in days), 2),
        stockout_furnace_days=sum(d.stockout_furnaces for d in days),
        stockout_no_supply_days=sum(d.stockout_no_supply for d in days),
        emergency_ingot_t=round(sum(d.emergency_ingot_t for d in days), 4),
    )
