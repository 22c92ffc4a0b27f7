"""A plan: ladle runs, unserved orders and what the solver reports (spec §4).

Plain, frozen data; written to ``runs.csv``, ``unserved.csv`` and ``plan.json`` by
:func:`write_plan`, atomically (a temporary folder beside the target, then a rename), so
a failure never leaves a half-written plan.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

#: Reasons an order (or part of one) is not delivered liquid (spec §3.6).
UNSERVED_REASONS = (
    "lead_time",
    "thermal_reach",
    "no_source",
    "production",
    "fleet",
    "window",
    "cost",
)
#: Reasons that exclude tonnes outright (the 90 % delivery target counts the rest).
EXCLUDED_REASONS = ("lead_time", "thermal_reach", "no_source", "window")

RUN_COLUMNS = (
    "run_id",
    "truck_id",
    "trip",
    "order_id",
    "smelter_id",
    "caster_id",
    "alloy",
    "tonnes",
    "fill_start",
    "fill_end",
    "depart",
    "arrive",
    "pour_start",
    "pour_end",
    "tap_c",
    "arrival_c",
    "road_km",
)
UNSERVED_COLUMNS = ("order_id", "caster_id", "alloy", "tonnes", "reason")


@dataclass(frozen=True)
class Run:
    """One ladle: filled at a smelter, carried by a truck, poured at a caster for an order.

    Times are timezone-aware; ``road_km`` is the smelter→caster road distance.
    """

    run_id: str
    truck_id: str
    trip: int
    order_id: str
    smelter_id: str
    caster_id: str
    alloy: str
    tonnes: float
    fill_start: datetime
    fill_end: datetime
    depart: datetime
    arrive: datetime
    pour_start: datetime
    pour_end: datetime
    tap_c: float
    arrival_c: float
    road_km: float


@dataclass(frozen=True)
class Unserved:
    """Tonnes of an order not delivered liquid, and why (one of :data:`UNSERVED_REASONS`)."""

    order_id: str
    caster_id: str
    alloy: str
    tonnes: float
    reason: str


@dataclass(frozen=True)
class Plan:
    """The outcome of planning one day.

    Attributes
    ----------
    network : str
        Network name.
    plan_date : str
        ISO date.
    runs, unserved : tuple
        What is delivered and what is not.
    solver : dict
        Settings and statistics: name, status, time limit, wall seconds, objective.
    summary : dict
        KPIs (spec §4): tonnes ordered, delivered, unserved by reason, trucks used,
        truck-km, truck-hours, minimum arrival margin, route cost.
    extra : dict
        Further sections of ``plan.json`` (parameters, economics, emissions...).
    """

    network: str
    plan_date: str
    runs: tuple[Run, ...]
    unserved: tuple[Unserved, ...]
    solver: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, float):
        return round(value, 3)
    return value


def run_rows(plan: Plan) -> list[dict[str, Any]]:
    """Runs as dictionaries of CSV/JSON-ready values, in ``runs.csv`` column order."""
    return [{k: _cell(v) for k, v in asdict(r).items()} for r in plan.runs]


def unserved_rows(plan: Plan) -> list[dict[str, Any]]:
    """Unserved tonnes as dictionaries of CSV/JSON-ready values."""
    return [{k: _cell(v) for k, v in asdict(u).items()} for u in plan.unserved]


def plan_document(plan: Plan) -> dict[str, Any]:
    """The ``plan.json`` document (validated against ``schema/plan.schema.json``)."""
    return {
        "schema_version": 1,
        "network": plan.network,
        "plan_date": plan.plan_date,
        "solver": plan.solver,
        "summary": plan.summary,
        **plan.extra,
        "runs": run_rows(plan),
        "unserved": unserved_rows(plan),
    }


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_plan(plan: Plan, out_dir: Path | str) -> Path:
    """Write ``runs.csv``, ``unserved.csv`` and ``plan.json`` into ``out_dir`` atomically.

    The files are written into a temporary folder beside ``out_dir`` which then replaces
    it, so readers never see a half-written plan. An existing ``out_dir`` holding other
    files is refused rather than overwritten.

    Returns
    -------
    Path
        The plan folder.
    """
    out = Path(out_dir)
    ours = {"runs.csv", "unserved.csv", "plan.json"}
    if out.exists() and (not out.is_dir() or set(os.listdir(out)) - ours):
        raise FileExistsError(f"{out} exists and holds files that are not a plan; not touching it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _write_csv(tmp / "runs.csv", RUN_COLUMNS, run_rows(plan))
        _write_csv(tmp / "unserved.csv", UNSERVED_COLUMNS, unserved_rows(plan))
        (tmp / "plan.json").write_text(
            json.dumps(plan_document(plan), indent=2, ensure_ascii=False), encoding="utf-8"
        )
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
