"""Reading the history back: stored plans as :class:`~logistics.plan.model.Plan` objects,
and the versions and runs as plain typed rows (for ``molten history`` and the app).

Every function takes an engine or a URL (a URL gets its own engine, disposed of
afterwards), refuses a database at another schema revision, and reads in one
transaction. A run recorded as ``running`` whose process is gone reads ``died``
(:func:`run_is_alive`): on PostgreSQL when its date's lock is not held by its session,
on SQLite when its process no longer runs on this host. :func:`load_plan` gives back
exactly the plan that was stored, equal field for field to what
:func:`logistics.pipeline.plan_day` returned and to what
:func:`logistics.plan.files.read_plan` reads from the plan folder, times in the
network's timezone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, aliased

from logistics.dispatch.database import as_engine, read_session, unavailable
from logistics.dispatch.errors import PlanNotFoundError
from logistics.dispatch.lock import host_name, postgres_holder
from logistics.dispatch.migrate import check_schema
from logistics.dispatch.models import CurrentPlan, DispatchRun, PlanVersion
from logistics.dispatch.store import DIED, RUNNING
from logistics.plan.model import (
    BREAK_COLUMNS,
    LADLE_RUN_COLUMNS,
    PREHEAT_COLUMNS,
    RUN_COLUMNS,
    UNSERVED_COLUMNS,
    Plan,
)
from logistics.plan.stats import FALLBACK_STATUS
from logistics.runtime.processes import process_alive

EngineOrUrl = Engine | str | URL


@dataclass(frozen=True)
class VersionRow:
    """One stored plan version with its KPIs.

    Attributes
    ----------
    network : str
        Network name.
    plan_date : date
        The day planned.
    version : int
        Version of that date, from 1.
    current : bool
        Whether it is the date's current plan.
    created_at : datetime
        When it was stored (aware, UTC).
    input_hash : str
        Fingerprint of its inputs.
    software_version : str
        ``logistics.__version__`` that made it.
    solver : str
        ``ortools`` or ``greedy``.
    tonnes_ordered, tonnes_delivered, tonnes_unserved : float
        t.
    ladle_runs, trucks_used : int
        Runs, trucks with a run.
    truck_km : float
        km.
    route_cost_cny : float
        CNY.
    saving_cny : float or None
        Saving against an all-ingot day, CNY.
    co2_avoided_kg : float or None
        kg CO2.
    dispatch_run_id : int or None
        The run of the job that stored it.
    fallback : bool
        Whether it is the dispatcher's plan because the optimiser failed (its solver
        status is ``fallback_dispatcher``).
    provisional : bool
        Whether it is a later day of a horizon (``molten dispatch --days N``): stored
        for the record, never the date's current plan.
    horizon_day : int or None
        The day of its horizon it was planned as (1 …); ``None`` for a run of one day.
    superseded : bool
        A provisional version with a newer version of its date (re-planned since).
    """

    network: str
    plan_date: dt.date
    version: int
    current: bool
    created_at: dt.datetime
    input_hash: str
    software_version: str
    solver: str
    tonnes_ordered: float
    tonnes_delivered: float
    tonnes_unserved: float
    ladle_runs: int
    trucks_used: int
    truck_km: float
    route_cost_cny: float
    saving_cny: float | None
    co2_avoided_kg: float | None
    dispatch_run_id: int | None
    fallback: bool = False
    provisional: bool = False
    horizon_day: int | None = None
    superseded: bool = False


@dataclass(frozen=True)
class RunRow:
    """One run of the job.

    Attributes
    ----------
    id : int
        Run id.
    network : str
        Network name (the folder's name when ``network.toml`` could not be read).
    plan_date : date
        The day asked for.
    started_at : datetime
        Aware, UTC.
    finished_at : datetime or None
        Aware, UTC; ``None`` while running and for a run that died.
    status : str
        ``running``, ``stored``, ``already_planned``, ``input_error``, ``no_plan``,
        ``violations``, ``fallback_refused``, ``locked``, ``internal_error``,
        ``database_error``, ``timed_out``, ``interrupted`` or ``died`` (never ended:
        marked by the next run of its date, or found with its process gone).
    exit_code : int or None
        What the command exited with (``None`` while running, or when it died).
    message : str
        What happened, for a person.
    version : int or None
        The version stored (``stored``) or found (``already_planned``).
    input_hash : str or None
        Fingerprint of the inputs, when they could be read.
    software_version, solver : str
        Version of molten; solver.
    time_limit_s : float
        s.
    forced : bool
        Whether ``--force`` was given.
    host : str
        Host it ran on.
    pid : int
        Its process id.
    tonnes_delivered, route_cost_cny, saving_cny : float or None
        KPIs of the plan it made (also of a refused one), t and CNY.
    violations : int
        Violations the checker found in its plan.
    fallback : bool
        Whether its plan is the dispatcher's because the optimiser failed.
    fallback_reason : str or None
        Why the optimiser failed (exception or the checker's verdict), when it did.
    """

    id: int
    network: str
    plan_date: dt.date
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    exit_code: int | None
    message: str
    version: int | None
    input_hash: str | None
    software_version: str
    solver: str
    time_limit_s: float
    forced: bool
    host: str
    pid: int
    tonnes_delivered: float | None
    route_cost_cny: float | None
    saving_cny: float | None
    violations: int
    fallback: bool = False
    fallback_reason: str | None = None

    @property
    def wall_s(self) -> float | None:
        """Seconds from start to finish (``None``: it has not finished)."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def ended(self) -> bool:
        """Whether the run is over (it finished, or it died)."""
        return self.status != RUNNING


@dataclass(frozen=True)
class RunDetail:
    """A run of the job with everything recorded about it.

    Attributes
    ----------
    run : RunRow
        The summary row.
    parameters : dict or None
        Options, parameters and the input files' hashes.
    solver_stats, kpis : dict or None
        The solver's statistics and the plan's KPIs.
    violations : list of dict
        The checker's violations (``rule``, ``message``, ``run_id``, ``truck_id``,
        ``order_id``).
    network_folder, orders_file, out_dir : str or None
        Paths given to the run.
    """

    run: RunRow
    parameters: dict[str, Any] | None
    solver_stats: dict[str, Any] | None
    kpis: dict[str, Any] | None
    violations: list[dict[str, Any]]
    network_folder: str
    orders_file: str | None
    out_dir: str | None


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


@contextmanager
def _reading(engine_or_url: EngineOrUrl) -> Iterator[Session]:
    engine = as_engine(engine_or_url, must_exist=True)
    try:
        check_schema(engine)
        try:
            with read_session(engine) as session:
                yield session
        except (DBAPIError, SQLAlchemyError) as exc:
            raise unavailable(engine, exc, "reading the history") from None
    finally:
        if engine is not engine_or_url:
            engine.dispose()


def _kpi(kpis: dict[str, Any] | None, key: str) -> float | None:
    value = (kpis or {}).get(key)
    return float(value) if isinstance(value, int | float) else None


def _versions_query() -> Select[PlanVersion, int, int]:
    """Every version with the current version of its date and the run that stored it (a
    provisional version: the run that stored its horizon's first day)."""
    first_run = aliased(DispatchRun)
    return (
        select(
            PlanVersion,
            CurrentPlan.plan_version_id,
            func.coalesce(DispatchRun.id, first_run.id),
        )
        .outerjoin(
            CurrentPlan,
            (CurrentPlan.network == PlanVersion.network)
            & (CurrentPlan.plan_date == PlanVersion.plan_date),
        )
        .outerjoin(
            DispatchRun,
            (DispatchRun.plan_version_id == PlanVersion.id) & (DispatchRun.status == "stored"),
        )
        .outerjoin(
            first_run,
            (first_run.plan_version_id == PlanVersion.horizon_first_id)
            & (first_run.status == "stored"),
        )
        .order_by(PlanVersion.plan_date.desc(), PlanVersion.network, PlanVersion.version.desc())
    )


def list_versions(
    engine_or_url: EngineOrUrl,
    *,
    network: str | None = None,
    date: dt.date | str | None = None,
) -> list[VersionRow]:
    """Stored plan versions, newest date first, then network, then newest version.

    Parameters
    ----------
    engine_or_url : Engine or str
        The history database.
    network : str, optional
        Only this network.
    date : date or str, optional
        Only this plan date (``YYYY-MM-DD``).

    Returns
    -------
    list of VersionRow
    """
    day = _as_date(date)
    with _reading(engine_or_url) as session:
        query = _versions_query()
        if network is not None:
            query = query.where(PlanVersion.network == network)
        if day is not None:
            query = query.where(PlanVersion.plan_date == day)
        rows = session.execute(query).all()
        newest: dict[tuple[str, dt.date], int] = {}
        for v, _, _ in rows:
            key = (v.network, v.plan_date)
            newest[key] = max(newest.get(key, 0), v.version)
        return [
            VersionRow(
                network=v.network,
                plan_date=v.plan_date,
                version=v.version,
                current=current_id == v.id,
                created_at=v.created_at,
                input_hash=v.input_hash,
                software_version=v.software_version,
                solver=v.solver_name,
                tonnes_ordered=v.tonnes_ordered,
                tonnes_delivered=v.tonnes_delivered,
                tonnes_unserved=v.tonnes_unserved,
                ladle_runs=v.ladle_runs,
                trucks_used=v.trucks_used,
                truck_km=v.truck_km,
                route_cost_cny=v.route_cost_cny,
                saving_cny=v.saving_cny,
                co2_avoided_kg=v.co2_avoided_kg,
                dispatch_run_id=run_id,
                fallback=(v.solver or {}).get("status") == FALLBACK_STATUS,
                provisional=v.provisional,
                horizon_day=v.horizon_day,
                superseded=v.provisional and v.version < newest[(v.network, v.plan_date)],
            )
            for v, current_id, run_id in rows
        ]


def run_is_alive(session: Session, run: DispatchRun) -> bool:
    """Whether a run recorded as ``running`` is still running.

    PostgreSQL: its date's lock is held by its session (pid and host from the
    session's ``application_name``); a run holds that lock from before it writes its
    row until after it writes its end. SQLite: its process still runs on this host
    (the same process: not a later one reusing the pid); a run of another host cannot
    be told and counts as running.
    """
    if session.get_bind().dialect.name == "postgresql":
        holder = postgres_holder(session.connection(), run.network, run.plan_date)
        return (
            holder is not None
            and holder.pid == run.pid
            and bool(holder.host)
            and run.host.startswith(holder.host or "")
        )
    if run.host == host_name():
        return process_alive(run.pid, run.started_at)
    return True


def _status(session: Session, run: DispatchRun) -> str:
    if run.status == RUNNING and not run_is_alive(session, run):
        return DIED
    return run.status


def _message(run: DispatchRun, status: str) -> str:
    if status == DIED and run.status == RUNNING:
        return "died: ended without recording how (killed, or its machine stopped)"
    return run.message


def _run_row(session: Session, run: DispatchRun, version: int | None) -> RunRow:
    status = _status(session, run)
    return RunRow(
        id=run.id,
        network=run.network,
        plan_date=run.plan_date,
        started_at=run.started_at,
        finished_at=run.finished_at,
        status=status,
        exit_code=run.exit_code,
        message=_message(run, status),
        version=version,
        input_hash=run.input_hash,
        software_version=run.software_version,
        solver=run.solver,
        time_limit_s=run.time_limit_s,
        forced=run.forced,
        host=run.host,
        pid=run.pid,
        tonnes_delivered=_kpi(run.kpis, "tonnes_delivered"),
        route_cost_cny=_kpi(run.kpis, "route_cost_cny"),
        saving_cny=_kpi(run.kpis, "saving_cny"),
        violations=len(run.violations or ()),
        fallback=run.fallback,
        fallback_reason=run.fallback_reason,
    )


def list_runs(
    engine_or_url: EngineOrUrl,
    *,
    network: str | None = None,
    date: dt.date | str | None = None,
    limit: int | None = 100,
) -> list[RunRow]:
    """Runs of the job, newest first.

    Parameters
    ----------
    engine_or_url : Engine or str
        The history database.
    network : str, optional
        Only this network.
    date : date or str, optional
        Only runs for this plan date.
    limit : int or None
        Most rows returned (``None``: all).

    Returns
    -------
    list of RunRow
    """
    day = _as_date(date)
    with _reading(engine_or_url) as session:
        query = (
            select(DispatchRun, PlanVersion.version)
            .outerjoin(PlanVersion, PlanVersion.id == DispatchRun.plan_version_id)
            .order_by(DispatchRun.started_at.desc(), DispatchRun.id.desc())
        )
        if network is not None:
            query = query.where(DispatchRun.network == network)
        if day is not None:
            query = query.where(DispatchRun.plan_date == day)
        if limit is not None:
            query = query.limit(limit)
        return [_run_row(session, run, version) for run, version in session.execute(query)]


def run_detail(engine_or_url: EngineOrUrl, run_id: int) -> RunDetail:
    """Everything recorded about one run of the job.

    Raises
    ------
    PlanNotFoundError
        No run with that id.
    """
    with _reading(engine_or_url) as session:
        found = session.execute(
            select(DispatchRun, PlanVersion.version)
            .outerjoin(PlanVersion, PlanVersion.id == DispatchRun.plan_version_id)
            .where(DispatchRun.id == run_id)
        ).first()
        if found is None:
            raise PlanNotFoundError(f"no run {run_id} in the history")
        run, version = found
        return RunDetail(
            run=_run_row(session, run, version),
            parameters=run.parameters,
            solver_stats=run.solver_stats,
            kpis=run.kpis,
            violations=list(run.violations or ()),
            network_folder=run.network_folder,
            orders_file=run.orders_file,
            out_dir=run.out_dir,
        )


def _find_version(
    session: Session, day: dt.date, version: int | None, network: str | None
) -> PlanVersion:
    if network is None:
        names = sorted(
            set(session.scalars(select(PlanVersion.network).where(PlanVersion.plan_date == day)))
        )
        if not names:
            raise PlanNotFoundError(f"no plan stored for {day.isoformat()}")
        if len(names) > 1:
            raise PlanNotFoundError(
                f"plans of several networks are stored for {day.isoformat()} "
                f"({', '.join(names)}); name the network"
            )
        network = names[0]
    if version is None:
        found = session.scalar(
            select(PlanVersion)
            .join(CurrentPlan, CurrentPlan.plan_version_id == PlanVersion.id)
            .where(CurrentPlan.network == network, CurrentPlan.plan_date == day)
        )
        if found is None:
            raise PlanNotFoundError(f"no plan of {network} stored for {day.isoformat()}")
        return found
    found = session.scalar(
        select(PlanVersion).where(
            PlanVersion.network == network,
            PlanVersion.plan_date == day,
            PlanVersion.version == version,
        )
    )
    if found is None:
        raise PlanNotFoundError(f"no version {version} of {network} {day.isoformat()}")
    return found


def _rows(rows: Sequence[Any], columns: Sequence[str], tz: ZoneInfo) -> list[dict[str, Any]]:
    """Stored rows as the plan's records, their times back in the network's timezone."""
    records = []
    for row in rows:
        values = {c: getattr(row, c) for c in columns}
        for key, value in values.items():
            if isinstance(value, dt.datetime):
                values[key] = value.astimezone(tz)
        records.append(values)
    return records


def plan_of(stored: PlanVersion) -> Plan:
    """A stored version as the :class:`Plan` that was stored."""
    tz = ZoneInfo(stored.timezone)
    runs = _rows(stored.runs, (*RUN_COLUMNS, *LADLE_RUN_COLUMNS), tz)
    unserved = _rows(stored.unserved, UNSERVED_COLUMNS, tz)
    return Plan.model_validate(
        {
            "schema_version": stored.schema_version,
            "network": stored.network,
            "plan_date": stored.plan_date,
            "timezone": stored.timezone,
            "runs": runs,
            "unserved": unserved,
            "solver": stored.solver,
            "summary": stored.summary,
            "parameters": stored.parameters,
            "travel_model": stored.travel_model,
            "truck_starts": stored.truck_starts,
            "economics": stored.economics,
            "supply": stored.supply,
            "preheats": _rows(stored.preheats, PREHEAT_COLUMNS, tz),
            "breaks": _rows(stored.breaks, BREAK_COLUMNS, tz),
        }
    )


def load_plan(
    engine_or_url: EngineOrUrl,
    date: dt.date | str,
    version: int | None = None,
    network: str | None = None,
) -> Plan:
    """A stored plan, the date's current version by default.

    Parameters
    ----------
    engine_or_url : Engine or str
        The history database.
    date : date or str
        The plan date (``YYYY-MM-DD``).
    version : int, optional
        Version number (from 1); default the current one.
    network : str, optional
        Network name; needed only when plans of several networks are stored for the date.

    Returns
    -------
    Plan
        Equal, field for field, to the plan that was stored.

    Raises
    ------
    PlanNotFoundError
        No such plan (or several networks and none named).
    DatabaseUnavailableError
        The database cannot be reached or is at another schema revision.
    """
    day = _as_date(date)
    assert day is not None
    with _reading(engine_or_url) as session:
        return plan_of(_find_version(session, day, version, network))
