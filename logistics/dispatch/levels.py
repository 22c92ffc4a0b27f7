"""The furnace levels of stored plans, and where the next night's horizon starts.

Every stored plan of a network with ``consumption.csv`` keeps one row per furnace
(``plan_furnace_levels``): its level at 00:00 and 24:00, the ingots melted to make up a
shortfall, and the level the next day starts from. :func:`carried_levels` reads the
levels a run of ``--days N`` starts its first day from: those of the day before's
current plan, else of its newest provisional version; none when the day before has no
stored plan or its plan was stored without furnace levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from logistics.dispatch.database import read_session, unavailable
from logistics.dispatch.models import CurrentPlan, PlanFurnaceLevel, PlanVersion
from logistics.network.model import Network
from logistics.pipeline.supply import next_start_levels
from logistics.plan.model import Plan


@dataclass(frozen=True)
class StoredLevel:
    """One furnace of a plan, as stored (tonnes, t; minutes).

    ``next_start_level_t`` is where the next day starts: the end level plus the ingots
    melted to make up a shortfall, within ``[0, capacity_t]``.
    """

    caster_id: str
    alloy: str
    supply: str
    capacity_t: float
    min_level_t: float
    start_level_t: float
    end_level_t: float
    emergency_ingot_t: float
    next_start_level_t: float
    lowest_t: float
    minutes_below_min: int
    overflow_t: float


def levels_of(network: Network, plan: Plan) -> tuple[StoredLevel, ...]:
    """The furnace rows of a plan of ``network`` (none without ``consumption.csv``)."""
    if plan.supply is None:
        return ()
    carried = next_start_levels(network, plan)
    return tuple(
        StoredLevel(
            caster_id=f.caster_id,
            alloy=f.alloy,
            supply=f.supply,
            capacity_t=f.capacity_t,
            min_level_t=f.min_level_t,
            start_level_t=f.start_level_t,
            end_level_t=f.end_level_t,
            emergency_ingot_t=f.emergency_ingot_t,
            next_start_level_t=round(carried[(f.caster_id, f.alloy)], 4),
            lowest_t=f.lowest_t,
            minutes_below_min=f.minutes_below_min,
            overflow_t=f.overflow_t,
        )
        for f in plan.supply.furnaces
    )


def level_rows(version_id: int, levels: Sequence[StoredLevel]) -> list[PlanFurnaceLevel]:
    """The ``plan_furnace_levels`` rows of a stored version."""
    return [
        PlanFurnaceLevel(plan_version_id=version_id, position=i, **vars(level))
        for i, level in enumerate(levels)
    ]


@dataclass(frozen=True)
class CarriedStart:
    """Where a horizon run's first day starts its furnaces.

    Attributes
    ----------
    levels : dict
        ``(caster_id, alloy)`` → level at 00:00, t; empty when nothing is carried.
    source : str
        ``current`` (the day before's current plan), ``provisional`` (its newest
        provisional version: it has no current plan), ``none`` (no plan stored for it)
        or ``no_levels`` (its plan was stored without furnace levels).
    day_before : date
        The day the levels come from.
    version : int or None
        The version of the day before they come from.
    """

    levels: dict[tuple[str, str], float]
    source: str
    day_before: date
    version: int | None = None

    def warning(self, network: str) -> str | None:
        """The warning line for the operator, or None when the levels are a current plan's."""
        day = self.day_before.isoformat()
        if self.source == "current":
            return None
        if self.source == "provisional":
            return (
                f"{network} {day} has no current plan: its furnaces' end levels are taken "
                f"from its provisional version {self.version}"
            )
        why = (
            "has no stored plan"
            if self.source == "none"
            else f"was stored (version {self.version}) without furnace levels"
        )
        return f"{network} {day} {why}: the furnaces start at consumption.csv's start levels"


def _stored_version(session: Session, network: str, day: date) -> tuple[PlanVersion | None, str]:
    """The day's current version, else its newest provisional one; and which it is."""
    current = session.scalar(
        select(PlanVersion)
        .join(CurrentPlan, CurrentPlan.plan_version_id == PlanVersion.id)
        .where(CurrentPlan.network == network, CurrentPlan.plan_date == day)
    )
    if current is not None:
        return current, "current"
    provisional = session.scalar(
        select(PlanVersion)
        .where(
            PlanVersion.network == network,
            PlanVersion.plan_date == day,
            PlanVersion.provisional.is_(True),
        )
        .order_by(PlanVersion.version.desc())
        .limit(1)
    )
    return provisional, "provisional" if provisional is not None else "none"


def carried_levels(engine: Engine, network: str, first: date) -> CarriedStart:
    """The stored end levels of the day before ``first``: where its furnaces start.

    Raises
    ------
    DatabaseUnavailableError
        The database cannot be reached.
    """
    day = first - timedelta(days=1)
    try:
        with read_session(engine) as session:
            version, source = _stored_version(session, network, day)
            if version is None:
                return CarriedStart({}, source, day)
            levels = {(f.caster_id, f.alloy): f.next_start_level_t for f in version.furnace_levels}
    except (DBAPIError, SQLAlchemyError) as exc:
        raise unavailable(engine, exc, "reading the day before's furnace levels") from None
    if not levels:
        return CarriedStart({}, "no_levels", day, version.version)
    return CarriedStart(levels, source, day, version.version)
