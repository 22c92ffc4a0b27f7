"""The plan-history tables, as typed SQLAlchemy 2 ORM classes.

``dispatch_runs``
    One row per run of the job, whatever its outcome: when, status and exit code, the
    options and parameters, the hash of the inputs, the software version, the solver's
    statistics, the KPIs, for a refused plan its violations, and whether its plan fell
    back to the dispatcher's because the optimiser failed (``fallback``, with the
    reason; revision 0002). A run writes its row when it starts (status ``running``,
    no end yet) and completes it when it ends; a row that never got its end is a run
    that died (revision 0003).
``plan_versions``
    One row per stored plan of a network's date (version 1, 2, …), with the plan's
    solver statistics, summary, economics, parameters and truck starts as JSON and its
    main KPIs as columns for SQL.
``plan_runs`` / ``plan_unserved``
    The plan's ladle runs and unserved tonnes as rows, in the plan's order.
``current_plans``
    Which version is the current plan of a network's date (one row per date).
``plan_furnace_levels``
    Each furnace of ``consumption.csv`` in a stored plan: its level at the day's start
    and end, the ingots melted to make up a shortfall, and the level the next day
    starts from (revision 0006). A version stored by a horizon run for a later day is
    *provisional* (``plan_versions.provisional``): never the date's current plan, it
    stays in the history when the next night re-plans its date.
``plan_preheats`` / ``plan_breaks``
    A plan's cold ladles preheated on the smelters' stands (``preheats.csv``) and its
    drivers' rests and handovers (``breaks.csv``), in the plan's order; with
    ``plan_runs.ladle_id`` and ``plan_runs.ladle_drop_c`` they keep a plan made with a
    ladle pool and drivers' rules whole; ``plan_versions.supply`` keeps a managed-supply
    plan's deliveries and level curves as JSON (revision 0007).

Times are stored in UTC (``timestamptz`` on PostgreSQL); the loader gives them back in
the network's timezone. The schema changes only through the Alembic migrations shipped
in ``logistics/dispatch/migrations``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

#: Constraint names, so that migrations (and SQLite's batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC; read back aware in UTC.

    PostgreSQL keeps it as ``timestamptz``; SQLite, which has no timezone type, as the
    UTC wall time.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: times are stored with their timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the history tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012  (SQLAlchemy reads it as a class attribute)
        datetime: UTCDateTime(),
        date: Date(),
        float: Double(),
        str: Text(),
        dict[str, Any]: JSON(),
        list[dict[str, Any]]: JSON(),
    }


class DispatchRun(Base):
    """One run of the nightly job, stored or not.

    ``status`` is ``running`` (started, not ended: written in a transaction of its own
    when the run holds its date's lock), then ``stored``, ``already_planned``,
    ``input_error``, ``no_plan``, ``violations``, ``fallback_refused`` (``--strict``),
    ``locked``, ``internal_error``, ``database_error``, ``timed_out`` (``--max-wall``)
    or ``interrupted``; or ``died`` for a run that never ended (found by the next run of
    its date). ``exit_code`` is what the command exited with (``None`` while running
    and for a run that died), ``finished_at`` when it ended (``None`` likewise).
    ``fallback`` is
    True when the run's plan is the dispatcher's because the optimiser failed (the
    safety net of :func:`logistics.pipeline.plan_day`), ``fallback_reason`` why; False
    for a run that made no plan.
    """

    __tablename__ = "dispatch_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network: Mapped[str]
    plan_date: Mapped[date]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(32))
    exit_code: Mapped[int | None]
    message: Mapped[str] = mapped_column(default="")
    input_hash: Mapped[str | None] = mapped_column(String(64))
    software_version: Mapped[str] = mapped_column(String(40))
    solver: Mapped[str] = mapped_column(String(20))
    time_limit_s: Mapped[float]
    forced: Mapped[bool]
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    network_folder: Mapped[str]
    orders_file: Mapped[str | None]
    out_dir: Mapped[str | None]
    parameters: Mapped[dict[str, Any] | None]
    solver_stats: Mapped[dict[str, Any] | None]
    kpis: Mapped[dict[str, Any] | None]
    violations: Mapped[list[dict[str, Any]] | None]
    plan_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id"))
    fallback: Mapped[bool] = mapped_column(default=False, server_default=false())
    fallback_reason: Mapped[str | None]

    plan_version: Mapped[PlanVersion | None] = relationship()

    __table_args__ = (
        Index("ix_dispatch_runs_network_plan_date", "network", "plan_date"),
        Index("ix_dispatch_runs_started_at", "started_at"),
        Index("ix_dispatch_runs_status", "status"),
    )


class PlanVersion(Base):
    """One stored plan of a network's date; ``version`` counts from 1 per date."""

    __tablename__ = "plan_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network: Mapped[str]
    plan_date: Mapped[date]
    version: Mapped[int]
    created_at: Mapped[datetime]
    input_hash: Mapped[str] = mapped_column(String(64))
    software_version: Mapped[str] = mapped_column(String(40))
    schema_version: Mapped[int]
    timezone: Mapped[str] = mapped_column(String(64))
    travel_model: Mapped[str] = mapped_column(String(64))
    solver_name: Mapped[str] = mapped_column(String(20))
    tonnes_ordered: Mapped[float]
    tonnes_delivered: Mapped[float]
    tonnes_unserved: Mapped[float]
    ladle_runs: Mapped[int]
    trucks_used: Mapped[int]
    truck_km: Mapped[float]
    route_cost_cny: Mapped[float]
    saving_cny: Mapped[float | None]
    co2_avoided_kg: Mapped[float | None]
    solver: Mapped[dict[str, Any]]
    summary: Mapped[dict[str, Any]]
    economics: Mapped[dict[str, Any] | None]
    parameters: Mapped[dict[str, Any]]
    truck_starts: Mapped[list[dict[str, Any]]]
    provisional: Mapped[bool] = mapped_column(default=False, server_default=false())
    horizon_day: Mapped[int | None]
    horizon_first_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id"))
    supply: Mapped[dict[str, Any] | None]

    runs: Mapped[list[PlanRunRow]] = relationship(
        order_by="PlanRunRow.position", cascade="all, delete-orphan", back_populates="plan"
    )
    unserved: Mapped[list[PlanUnservedRow]] = relationship(
        order_by="PlanUnservedRow.position", cascade="all, delete-orphan", back_populates="plan"
    )
    furnace_levels: Mapped[list[PlanFurnaceLevel]] = relationship(
        order_by="PlanFurnaceLevel.position", cascade="all, delete-orphan", back_populates="plan"
    )
    preheats: Mapped[list[PlanPreheatRow]] = relationship(
        order_by="PlanPreheatRow.position", cascade="all, delete-orphan", back_populates="plan"
    )
    breaks: Mapped[list[PlanBreakRow]] = relationship(
        order_by="PlanBreakRow.position", cascade="all, delete-orphan", back_populates="plan"
    )

    __table_args__ = (
        UniqueConstraint("network", "plan_date", "version", name="uq_plan_versions_date_version"),
    )


class PlanRunRow(Base):
    """One ladle run of a stored plan (the columns of ``runs.csv``)."""

    __tablename__ = "plan_runs"

    plan_version_id: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str]
    truck_id: Mapped[str]
    trip: Mapped[int]
    order_id: Mapped[str]
    smelter_id: Mapped[str]
    caster_id: Mapped[str]
    alloy: Mapped[str]
    tonnes: Mapped[float]
    fill_start: Mapped[datetime]
    fill_end: Mapped[datetime]
    depart: Mapped[datetime]
    arrive: Mapped[datetime]
    pour_start: Mapped[datetime]
    pour_end: Mapped[datetime]
    tap_c: Mapped[float]
    arrival_c: Mapped[float]
    road_km: Mapped[float]
    cold_probability: Mapped[float | None]
    late_probability: Mapped[float | None]
    arrival_p05_c: Mapped[float | None]
    arrival_p95_c: Mapped[float | None]
    ladle_id: Mapped[str | None]
    ladle_drop_c: Mapped[float | None]

    plan: Mapped[PlanVersion] = relationship(back_populates="runs")

    __table_args__ = (
        UniqueConstraint("plan_version_id", "run_id", name="uq_plan_runs_version_run"),
        Index("ix_plan_runs_truck_id", "truck_id"),
        Index("ix_plan_runs_order_id", "order_id"),
    )


class PlanUnservedRow(Base):
    """Tonnes of an order a stored plan does not deliver liquid (``unserved.csv``)."""

    __tablename__ = "plan_unserved"

    plan_version_id: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[str]
    caster_id: Mapped[str]
    alloy: Mapped[str]
    tonnes: Mapped[float]
    reason: Mapped[str] = mapped_column(String(32))

    plan: Mapped[PlanVersion] = relationship(back_populates="unserved")


class PlanFurnaceLevel(Base):
    """One furnace of a stored plan: its levels at the day's start and end, t.

    ``next_start_level_t`` is where the furnace starts the next day: the end level plus
    the ingots melted to make up a shortfall (``emergency_ingot_t``), within
    ``[0, capacity_t]``; the next night's horizon run starts from it.
    """

    __tablename__ = "plan_furnace_levels"

    plan_version_id: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    caster_id: Mapped[str]
    alloy: Mapped[str]
    supply: Mapped[str] = mapped_column(String(16))
    capacity_t: Mapped[float]
    min_level_t: Mapped[float]
    start_level_t: Mapped[float]
    end_level_t: Mapped[float]
    emergency_ingot_t: Mapped[float]
    next_start_level_t: Mapped[float]
    lowest_t: Mapped[float]
    minutes_below_min: Mapped[int]
    overflow_t: Mapped[float]

    plan: Mapped[PlanVersion] = relationship(back_populates="furnace_levels")

    __table_args__ = (
        UniqueConstraint(
            "plan_version_id", "caster_id", "alloy", name="uq_plan_furnace_levels_furnace"
        ),
    )


class PlanPreheatRow(Base):
    """A cold ladle preheated on a burner stand of its smelter (``preheats.csv``)."""

    __tablename__ = "plan_preheats"

    plan_version_id: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    ladle_id: Mapped[str]
    smelter_id: Mapped[str]
    stand: Mapped[int]
    start: Mapped[datetime]
    end: Mapped[datetime]

    plan: Mapped[PlanVersion] = relationship(back_populates="preheats")


class PlanBreakRow(Base):
    """A driver's rest or handover of a stored plan (``breaks.csv``)."""

    __tablename__ = "plan_breaks"

    plan_version_id: Mapped[int] = mapped_column(
        ForeignKey("plan_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    truck_id: Mapped[str]
    driver: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    start: Mapped[datetime]
    end: Mapped[datetime]
    where: Mapped[str]

    plan: Mapped[PlanVersion] = relationship(back_populates="breaks")


class CurrentPlan(Base):
    """The current version of a network's date."""

    __tablename__ = "current_plans"

    network: Mapped[str] = mapped_column(primary_key=True)
    plan_date: Mapped[date] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))
    updated_at: Mapped[datetime]

    plan_version: Mapped[PlanVersion] = relationship()


#: Every table of the schema, for the migrations' comparison.
metadata = Base.metadata
