"""Writing the history: a run of the job, and a plan as a new current version.

A run writes its row when it starts (:func:`start_run`, status ``running``, in a short
transaction of its own, while it holds its date's lock) and completes it when it ends
(:func:`end_run`), so a run killed anywhere leaves a trace; the next run of the date
marks such a row ``died``. :func:`store_plan` writes a plan in one transaction: the
version row, its runs, unserved, preheat and break rows, the pointer that makes it
current and the end of the run that stored it are all committed, or none of them is;
:func:`store_horizon` does the same for a horizon: its first day as the current
version, its later days as provisional versions, all in the one transaction.
:func:`record_run` writes the whole row of a run that ended before it could start one
(the database's schema, the date locked by another run, an unreadable ``network.toml``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from logistics.dispatch.database import read_session, unavailable, write_session
from logistics.dispatch.levels import StoredLevel, level_rows
from logistics.dispatch.lock import host_name
from logistics.dispatch.models import (
    CurrentPlan,
    DispatchRun,
    PlanBreakRow,
    PlanPreheatRow,
    PlanRunRow,
    PlanUnservedRow,
    PlanVersion,
)
from logistics.plan.model import Plan

log = logging.getLogger(__name__)

#: Runs written before the ``rows`` pause point (the rest follow in the same transaction).
FIRST_ROWS = 1


def now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def software_version() -> str:
    """``logistics.__version__``."""
    import logistics

    return str(logistics.__version__)


@dataclass(frozen=True)
class RunRecord:
    """What a run of the job records about itself (one ``dispatch_runs`` row).

    Attributes are those of :class:`~logistics.dispatch.models.DispatchRun`; times are
    aware, tonnes in t, money in CNY. ``fallback`` is True when the run's plan is the
    dispatcher's because the optimiser failed (``fallback_reason`` says why).
    """

    network: str
    plan_date: date
    started_at: datetime
    solver: str
    time_limit_s: float
    forced: bool
    network_folder: str
    orders_file: str | None = None
    out_dir: str | None = None
    status: str = "running"
    exit_code: int | None = None
    message: str = ""
    input_hash: str | None = None
    parameters: dict[str, Any] | None = None
    solver_stats: dict[str, Any] | None = None
    kpis: dict[str, Any] | None = None
    violations: list[dict[str, Any]] | None = None
    plan_version_id: int | None = None
    fallback: bool = False
    fallback_reason: str | None = None

    def finished(
        self, status: str, exit_code: int | None, message: str = "", **update: Any
    ) -> RunRecord:
        """This record with its outcome."""
        return dataclasses.replace(
            self, status=status, exit_code=exit_code, message=message, **update
        )


def kpis_of(plan: Plan) -> dict[str, Any]:
    """The plan's KPIs (its summary) with the economics' saving and CO2, as JSON data."""
    kpis = plan.summary.model_dump(mode="json")
    if plan.economics is not None:
        kpis["saving_cny"] = plan.economics.summary.saving_cny
        kpis["co2_avoided_kg"] = plan.economics.summary.co2_avoided_kg
    return kpis


#: Status of a run that has started and not ended (yet).
RUNNING = "running"
#: Status of a run that never ended (killed, or its machine stopped).
DIED = "died"


def _values(record: RunRecord) -> dict[str, Any]:
    """The ``dispatch_runs`` columns of a record (its end time now, unless running)."""
    return {
        "network": record.network,
        "plan_date": record.plan_date,
        "started_at": record.started_at,
        "finished_at": None if record.status == RUNNING else now(),
        "status": record.status,
        "exit_code": record.exit_code,
        "message": record.message,
        "input_hash": record.input_hash,
        "software_version": software_version(),
        "solver": record.solver,
        "time_limit_s": record.time_limit_s,
        "forced": record.forced,
        "host": host_name(),
        "pid": os.getpid(),
        "network_folder": record.network_folder,
        "orders_file": record.orders_file,
        "out_dir": record.out_dir,
        "parameters": record.parameters,
        "solver_stats": record.solver_stats,
        "kpis": record.kpis,
        "violations": record.violations,
        "plan_version_id": record.plan_version_id,
        "fallback": record.fallback,
        "fallback_reason": record.fallback_reason,
    }


def _run_row(record: RunRecord) -> DispatchRun:
    return DispatchRun(**_values(record))


def _complete(session: Session, run_id: int, record: RunRecord) -> DispatchRun:
    """Fill in the row a run wrote when it started with how it ended."""
    row = session.get(DispatchRun, run_id)
    if row is None:  # removed by hand meanwhile: write it again
        row = _run_row(record)
        session.add(row)
        return row
    for column, value in _values(record).items():
        setattr(row, column, value)
    return row


def record_run(engine: Engine, record: RunRecord) -> int:
    """Write the whole row of a run that ended before it could start one; its id.

    Raises
    ------
    DatabaseUnavailableError
        The database cannot be reached or refuses the write.
    """
    try:
        with write_session(engine) as session:
            row = _run_row(record)
            session.add(row)
            session.flush()
            return row.id
    except (DBAPIError, SQLAlchemyError) as exc:
        raise unavailable(engine, exc, "recording the run") from None


@dataclass(frozen=True)
class DiedRun:
    """A run of the same date that never ended, found (and marked ``died``) by a new run.

    Attributes
    ----------
    id : int
        Its row in ``dispatch_runs``.
    network : str
        Network name.
    plan_date : date
        The day it was planning.
    started_at : datetime
        When it started (aware, UTC).
    host : str
        Where it ran.
    pid : int
        Its process id.
    """

    id: int
    network: str
    plan_date: date
    started_at: datetime
    host: str
    pid: int

    def describe(self) -> str:
        """``run 12 (tiny 2026-11-23, started 2026-11-23 01:15:02 UTC, host h, pid 42)``."""
        return (
            f"run {self.id} ({self.network} {self.plan_date.isoformat()}, started "
            f"{self.started_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC, host {self.host}, "
            f"pid {self.pid})"
        )


def start_run(engine: Engine, record: RunRecord) -> tuple[int, list[DiedRun]]:
    """Write a run's row as ``running``, in a short transaction of its own.

    Call it holding the date's lock: every other ``running`` row of the same network and
    date is then a run that ended without recording how (its lock went with its
    process), and is marked ``died`` in the same transaction.

    Returns
    -------
    tuple
        The new row's id, and the runs found dead (oldest first).

    Raises
    ------
    DatabaseUnavailableError
        The database cannot be reached or refuses the write.
    """
    assert record.status == RUNNING
    try:
        with write_session(engine) as session:
            row = _run_row(record)
            session.add(row)
            session.flush()
            stale = session.scalars(
                select(DispatchRun)
                .where(
                    DispatchRun.network == record.network,
                    DispatchRun.plan_date == record.plan_date,
                    DispatchRun.status == RUNNING,
                    DispatchRun.id != row.id,
                )
                .order_by(DispatchRun.id)
            ).all()
            died = []
            for run in stale:
                run.status = DIED
                run.message = (
                    f"died: ended without recording how (killed, or its machine stopped); "
                    f"found by run {row.id}"
                )
                died.append(
                    DiedRun(run.id, run.network, run.plan_date, run.started_at, run.host, run.pid)
                )
            return row.id, died
    except (DBAPIError, SQLAlchemyError) as exc:
        raise unavailable(engine, exc, "recording the start of the run") from None


def end_run(engine: Engine, run_id: int, record: RunRecord) -> int:
    """Complete the row of a run that stored no plan with how it ended; its id.

    Raises
    ------
    DatabaseUnavailableError
        The database cannot be reached or refuses the write.
    """
    assert record.status != RUNNING
    try:
        with write_session(engine) as session:
            _complete(session, run_id, record)
        return run_id
    except (DBAPIError, SQLAlchemyError) as exc:
        raise unavailable(engine, exc, "recording the end of the run") from None


@dataclass(frozen=True)
class StoredVersion:
    """A stored plan version, as the job needs to know it.

    Attributes
    ----------
    id : int
        Row id in ``plan_versions``.
    version : int
        Version number of its date (from 1).
    input_hash : str
        Fingerprint of the inputs it was made from.
    """

    id: int
    version: int
    input_hash: str


def current_version(engine: Engine, network: str, plan_date: date) -> StoredVersion | None:
    """The current version of a network's date, if any.

    Raises
    ------
    DatabaseUnavailableError
        The database cannot be reached.
    """
    try:
        with read_session(engine) as session:
            row = session.execute(
                select(PlanVersion.id, PlanVersion.version, PlanVersion.input_hash)
                .join(CurrentPlan, CurrentPlan.plan_version_id == PlanVersion.id)
                .where(CurrentPlan.network == network, CurrentPlan.plan_date == plan_date)
            ).first()
    except (DBAPIError, SQLAlchemyError) as exc:
        raise unavailable(engine, exc, "reading the current plan") from None
    return None if row is None else StoredVersion(row.id, row.version, row.input_hash)


def _version_row(plan: Plan, number: int, input_hash: str) -> PlanVersion:
    document = plan.model_dump(mode="json")
    summary = plan.summary
    economics = plan.economics.summary if plan.economics is not None else None
    return PlanVersion(
        network=plan.network,
        plan_date=plan.plan_date,
        version=number,
        created_at=now(),
        input_hash=input_hash,
        software_version=software_version(),
        schema_version=plan.schema_version,
        timezone=plan.timezone,
        travel_model=plan.travel_model,
        solver_name=plan.solver.name,
        tonnes_ordered=summary.tonnes_ordered,
        tonnes_delivered=summary.tonnes_delivered,
        tonnes_unserved=float(sum(summary.tonnes_unserved.values())),
        ladle_runs=summary.ladle_runs,
        trucks_used=summary.trucks_used,
        truck_km=summary.truck_km,
        route_cost_cny=summary.route_cost_cny,
        saving_cny=economics.saving_cny if economics else None,
        co2_avoided_kg=economics.co2_avoided_kg if economics else None,
        solver=document["solver"],
        summary=document["summary"],
        economics=document["economics"],
        parameters=document["parameters"],
        truck_starts=document["truck_starts"],
        supply=document["supply"],
    )


def _add_version(
    session: Session,
    plan: Plan,
    input_hash: str,
    after_first_rows: Callable[[], None],
    levels: Sequence[StoredLevel] = (),
    **horizon: Any,
) -> PlanVersion:
    """Add the plan as the date's next version with its runs, unserved, furnace, preheat
    and break rows (``horizon``: its ``provisional``, ``horizon_day`` and ``horizon_first_id``)."""
    latest = session.scalar(
        select(func.max(PlanVersion.version)).where(
            PlanVersion.network == plan.network, PlanVersion.plan_date == plan.plan_date
        )
    )
    version = _version_row(plan, (latest or 0) + 1, input_hash)
    for column, value in horizon.items():
        setattr(version, column, value)
    session.add(version)
    session.flush()
    runs = [
        PlanRunRow(plan_version_id=version.id, position=i, **run.model_dump())
        for i, run in enumerate(plan.runs)
    ]
    session.add_all(runs[:FIRST_ROWS])
    session.flush()
    after_first_rows()
    session.add_all(runs[FIRST_ROWS:])
    session.add_all(
        PlanUnservedRow(plan_version_id=version.id, position=i, **u.model_dump())
        for i, u in enumerate(plan.unserved)
    )
    session.add_all(level_rows(version.id, levels))
    session.add_all(
        PlanPreheatRow(plan_version_id=version.id, position=i, **p.model_dump())
        for i, p in enumerate(plan.preheats)
    )
    session.add_all(
        PlanBreakRow(plan_version_id=version.id, position=i, **b.model_dump())
        for i, b in enumerate(plan.breaks)
    )
    return version


def _make_current(session: Session, plan: Plan, version_id: int) -> None:
    """Point the date's current plan at a version."""
    current = session.get(CurrentPlan, (plan.network, plan.plan_date))
    if current is None:
        session.add(
            CurrentPlan(
                network=plan.network,
                plan_date=plan.plan_date,
                plan_version_id=version_id,
                updated_at=now(),
            )
        )
    else:
        current.plan_version_id = version_id
        current.updated_at = now()


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class HorizonDay:
    """A day of a horizon to store: its plan and its furnace levels.

    Attributes
    ----------
    plan : Plan
        The day's checked plan.
    levels : tuple of StoredLevel
        Its furnaces' levels (none without ``consumption.csv``).
    """

    plan: Plan
    levels: tuple[StoredLevel, ...] = ()


def store_plan(
    engine: Engine,
    plan: Plan,
    record: RunRecord,
    *,
    message: Callable[[int], str] = lambda version: f"stored as version {version}",
    after_first_rows: Callable[[], None] = _nothing,
    before_commit: Callable[[], None] = _nothing,
    run_id: int | None = None,
    levels: Sequence[StoredLevel] = (),
) -> tuple[int, StoredVersion]:
    """Store ``plan`` as the new current version of its date, in one transaction.

    Parameters
    ----------
    engine : Engine
        The history database.
    plan : Plan
        A checked plan.
    record : RunRecord
        The run storing it (written with status as given and a link to the version).
    run_id : int, optional
        The row the run wrote when it started (:func:`start_run`), completed in the
        plan's transaction; default a new row.
    message : callable
        The run's message, given the version number.
    after_first_rows, before_commit : callable
        Called inside the transaction after the first run rows are written and before
        the commit (the plan folder is staged there; fault injection waits there).
    levels : sequence of StoredLevel
        The plan's furnace levels (t), stored with it.

    Returns
    -------
    tuple
        The run's id and the stored version.

    Raises
    ------
    DatabaseUnavailableError
        The database cannot be reached or refuses the write (nothing is stored).
    """
    run, stored, _ = store_horizon(
        engine,
        [HorizonDay(plan, tuple(levels))],
        record,
        message=message,
        after_first_rows=after_first_rows,
        before_commit=before_commit,
        run_id=run_id,
    )
    return run, stored


def _add_provisional(
    session: Session,
    days: Sequence[HorizonDay],
    first: PlanVersion,
    after_provisional: Callable[[], None],
) -> list[StoredVersion]:
    """Add a horizon's later days as provisional versions of their dates."""
    stored = []
    for k, day in enumerate(days, 2):
        version = _add_version(
            session,
            day.plan,
            first.input_hash,
            _nothing,
            day.levels,
            provisional=True,
            horizon_day=k,
            horizon_first_id=first.id,
        )
        session.flush()
        if k == 2:
            after_provisional()
        stored.append(StoredVersion(version.id, version.version, version.input_hash))
    return stored


def store_horizon(
    engine: Engine,
    days: Sequence[HorizonDay],
    record: RunRecord,
    *,
    message: Callable[[int], str] = lambda version: f"stored as version {version}",
    after_first_rows: Callable[[], None] = _nothing,
    after_provisional: Callable[[], None] = _nothing,
    before_commit: Callable[[], None] = _nothing,
    run_id: int | None = None,
) -> tuple[int, StoredVersion, list[StoredVersion]]:
    """Store a horizon in one transaction: day 1 current, the later days provisional.

    The first day becomes its date's new current version (as :func:`store_plan`); each
    later day a new *provisional* version of its date, never current, linked to the
    first day's version (``horizon_first_id``) with its day (``horizon_day``). Earlier
    versions stay as they are. All of it and the run's end are committed, or nothing.

    Parameters
    ----------
    engine : Engine
        The history database.
    days : sequence of HorizonDay
        The horizon's days in order, each checked (one day: an ordinary store).
    record : RunRecord
        The run storing them.
    message, after_first_rows, before_commit, run_id
        As for :func:`store_plan`.
    after_provisional : callable
        Called inside the transaction once the first provisional version is written.

    Returns
    -------
    tuple
        The run's id, the first day's version and the provisional versions in order.

    Raises
    ------
    DatabaseUnavailableError
        The database cannot be reached or refuses the write (nothing is stored).
    """
    assert record.input_hash is not None and days
    plan, horizon = days[0].plan, {"horizon_day": 1} if len(days) > 1 else {}
    try:
        with write_session(engine) as session:
            version = _add_version(
                session, plan, record.input_hash, after_first_rows, days[0].levels, **horizon
            )
            _make_current(session, plan, version.id)
            session.flush()
            provisional = _add_provisional(session, days[1:], version, after_provisional)
            ended = dataclasses.replace(
                record, plan_version_id=version.id, message=message(version.version)
            )
            run = _run_row(ended) if run_id is None else _complete(session, run_id, ended)
            session.add(run)
            session.flush()
            stored = StoredVersion(version.id, version.version, version.input_hash)
            stored_run_id = run.id
            before_commit()
    except (DBAPIError, SQLAlchemyError) as exc:
        raise unavailable(engine, exc, "storing the plan") from None
    log.info(
        "stored %s %s as version %d (%d runs, %d unserved rows; %d provisional days)",
        plan.network,
        plan.plan_date.isoformat(),
        stored.version,
        len(plan.runs),
        len(plan.unserved),
        len(provisional),
    )
    return stored_run_id, stored, provisional
