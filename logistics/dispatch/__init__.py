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

import importlib
from typing import Any

#: Where each public name lives; imported on first use, so that ``import logistics.cli``
#: does not load SQLAlchemy and Alembic for the commands that need no database.
_WHERE = {
    "DB_ENV": "config",
    "DEFAULT_URL": "config",
    "resolve_url": "config",
    "make_engine": "database",
    "DatabaseUnavailableError": "errors",
    "DateLockedError": "errors",
    "LockHolder": "errors",
    "PlanNotFoundError": "errors",
    "SchemaMismatchError": "errors",
    "DateHealth": "health",
    "check_date": "health",
    "RunDetail": "history",
    "RunRow": "history",
    "VersionRow": "history",
    "list_runs": "history",
    "list_versions": "history",
    "load_plan": "history",
    "run_detail": "history",
    "DispatchHooks": "job",
    "DispatchRequest": "job",
    "DispatchResult": "job",
    "RunEnd": "job",
    "default_max_wall": "job",
    "run_dispatch": "job",
    "check_schema": "migrate",
    "ensure_schema": "migrate",
    "head_revision": "migrate",
    "upgrade": "migrate",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'logistics.dispatch' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"logistics.dispatch.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DB_ENV",
    "DEFAULT_URL",
    "DatabaseUnavailableError",
    "DateHealth",
    "DateLockedError",
    "DispatchHooks",
    "DispatchRequest",
    "DispatchResult",
    "LockHolder",
    "PlanNotFoundError",
    "RunDetail",
    "RunEnd",
    "RunRow",
    "SchemaMismatchError",
    "VersionRow",
    "check_date",
    "check_schema",
    "default_max_wall",
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
