"""A night's run of several days (``molten dispatch --days N``): the rolling horizon.

The first day is planned from the furnace levels the day before's stored plan ends at
(:func:`logistics.dispatch.levels.carried_levels`), the days in sequence through the
same pipeline as ``molten plan --days N``
(:func:`logistics.pipeline.horizon.plan_horizon`), and every day checked again by the
horizon checker with the levels carried by the checker itself
(:func:`logistics.check.horizon.check_plans`). The first day is stored as its date's
current version, the later days as provisional versions, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine

from logistics.check import CheckReport, check
from logistics.check.horizon import check_plans
from logistics.dispatch.levels import CarriedStart, levels_of
from logistics.dispatch.lock import HeldLock, date_lock
from logistics.dispatch.store import HorizonDay
from logistics.network.model import Network
from logistics.pipeline.horizon import HorizonOutcome, plan_horizon
from logistics.pipeline.supply import with_start_levels
from logistics.plan.options import PlanOptions
from logistics.progress import ProgressCallback


@dataclass(frozen=True)
class PlannedHorizon:
    """A night's horizon, planned and checked.

    Attributes
    ----------
    outcome : HorizonOutcome
        Each day's network (its carried start levels) and plan with the pipeline's report.
    reports : list of (date, CheckReport)
        The horizon checker's report of each day (levels carried by the checker).
    """

    outcome: HorizonOutcome
    reports: list[tuple[date, CheckReport]]

    @property
    def ok(self) -> bool:
        """True when neither the pipeline's checks nor the horizon checker found a violation."""
        return self.outcome.ok and all(r.ok for _, r in self.reports)

    def failing(self) -> list[tuple[int, date, CheckReport]]:
        """The days with violations: (day 1 …, date, report), the horizon checker's first."""
        bad = []
        for k, ((day, report), planned) in enumerate(
            zip(self.reports, self.outcome.outcomes, strict=True), 1
        ):
            if not report.ok:
                bad.append((k, day, report))
            elif not planned.ok:
                bad.append((k, day, planned.report))
        return bad

    def to_store(self) -> list[HorizonDay]:
        """The days to store, each with its furnace levels."""
        return [
            HorizonDay(o.plan, levels_of(n, o.plan))
            for n, o in zip(self.outcome.networks, self.outcome.outcomes, strict=True)
        ]


def starting_network(network: Network, carried: CarriedStart) -> Network:
    """The first day's network, its furnaces at the carried levels (others as loaded)."""
    return with_start_levels(network, carried.levels) if carried.levels else network


def horizon_settings(days: int, network: Network, carried: CarriedStart) -> dict[str, Any]:
    """What a horizon adds to the run's fingerprint and record: the days, and where
    the first day's furnaces start (t) and from which stored plan."""
    return {
        "days": days,
        "start_levels": {f"{f.caster_id}/{f.alloy}": f.start_level_t for f in network.furnaces},
        "carried_from": carried.source,
        "carried_version": carried.version,
    }


def plan_and_check(
    first: Network,
    load_day: Callable[[date], Network],
    days: int,
    options: PlanOptions,
    progress: ProgressCallback,
) -> PlannedHorizon:
    """Plan ``days`` days from ``first`` in sequence and check each with the horizon checker.

    Parameters
    ----------
    first : Network
        The first day's network, its furnaces at the levels carried from the day before.
    load_day : callable
        The network of a later date.
    days : int
        Days, 2–5.
    options : PlanOptions
        How each day is planned (``time_limit_s`` per day, s).
    progress : callable
        Receives each day's progress events.

    Returns
    -------
    PlannedHorizon
    """
    start = first.plan_date

    def load(day: date) -> Network:
        return first if day == start else load_day(day)

    outcome = plan_horizon(load, start, days, options, progress=progress)
    plans = [o.plan for o in outcome.outcomes]
    reports = check_plans(first, plans, load_day, lambda n, p, t: check(n, p, t))
    return PlannedHorizon(outcome, reports)


@contextmanager
def later_locks(engine: Engine, network: str, first: date, days: int) -> Iterator[list[HeldLock]]:
    """Hold the locks of the horizon's later dates (its first is held by the run).

    Raises
    ------
    DateLockedError
        Another run holds one of them.
    """
    with ExitStack() as stack:
        yield [
            stack.enter_context(date_lock(engine, network, first + timedelta(days=k)))
            for k in range(1, days)
        ]
