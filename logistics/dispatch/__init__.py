"""The nightly dispatch job and its plan history in a database (SQLite or PostgreSQL).

``molten dispatch`` plans a network's date through :func:`logistics.pipeline.plan_day`,
has the plan checked, and stores it as a new version of that date, current from then
on; ``molten history`` lists the runs and versions; ``molten db upgrade`` migrates the
schema. From Python::

    from logistics.dispatch import DispatchRequest, run_dispatch, load_plan, list_versions
    result = run_dispatch(DispatchRequest(Path("sample_networks/tiny"), date(2026, 11, 23),
                                          "sqlite:///molten.db"))
    plan = load_plan("sqlite:///molten.db", "2026-11-23")     # the current version
    rows = list_versions("sqlite:///molten.db", network="tiny")

See ``docs/dispatch.md`` for the tables, the guarantees and how to schedule the job.
"""

from __future__ import annotations

from logistics.dispatch.database import DB_ENV, DEFAULT_URL, make_engine, resolve_url
from logistics.dispatch.errors import (
    DatabaseUnavailableError,
    DateLockedError,
    LockHolder,
    PlanNotFoundError,
    SchemaMismatchError,
)
from logistics.dispatch.history import (
    RunDetail,
    RunRow,
    VersionRow,
    list_runs,
    list_versions,
    load_plan,
    run_detail,
)
from logistics.dispatch.inputs import SolverSettings
from logistics.dispatch.job import DispatchRequest, DispatchResult, run_dispatch
from logistics.dispatch.migrate import check_schema, ensure_schema, head_revision, upgrade

__all__ = [
    "DB_ENV",
    "DEFAULT_URL",
    "DatabaseUnavailableError",
    "DateLockedError",
    "DispatchRequest",
    "DispatchResult",
    "LockHolder",
    "PlanNotFoundError",
    "RunDetail",
    "RunRow",
    "SchemaMismatchError",
    "SolverSettings",
    "VersionRow",
    "check_schema",
    "ensure_schema",
    "head_revision",
    "list_runs",
    "list_versions",
    "load_plan",
    "make_engine",
    "resolve_url",
    "run_detail",
    "run_dispatch",
    "upgrade",
]
