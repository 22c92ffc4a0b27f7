"""The nightly job: plan a network's date, check it, store it as the date's current plan.

:func:`run_dispatch` is ``molten dispatch``. In order:

1. check the options (``--out`` must be free or a plan folder), connect to the
   database (exit 6 when it cannot be reached) and create the schema in an empty one;
2. load the network and the date's orders (bad input: recorded, exit 2);
3. take the date's lock (held by another run: recorded, exit 5);
4. fingerprint the inputs; when the date's current plan was made from the same
   fingerprint, stop there (``already planned``, exit 0) unless ``force``;
5. plan and check through :func:`logistics.pipeline.plan_day` (no plan: exit 3; a
   plan with violations is not stored: recorded with its violations, exit 4; a plan
   that fell back to the dispatcher's because the optimiser failed is stored with the
   run flagged ``fallback``, or with ``strict`` not stored: recorded, exit 1);
6. connect again, stage the plan folder beside its target, store the plan in one
   transaction (committed only while the date's lock is verifiably still held), and
   only then swap the folder into place.

Nothing is written before step 6 except the row of a run that ends early, and that row
is one transaction of its own. A run killed anywhere leaves the database and the plan
folder as they were; the lock goes with the process. Every run, stored or not, leaves
one row in ``dispatch_runs`` (except when the database itself cannot be reached).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from logistics.check import CheckReport
from logistics.dispatch.database import make_engine, ping
from logistics.dispatch.errors import DatabaseUnavailableError, DateLockedError
from logistics.dispatch.faults import pause_at, requested_point
from logistics.dispatch.folder import StagedFolder, check_target
from logistics.dispatch.history import load_plan
from logistics.dispatch.inputs import fingerprint
from logistics.dispatch.lock import HeldLock, date_lock
from logistics.dispatch.migrate import ensure_schema
from logistics.dispatch.store import (
    RunRecord,
    StoredVersion,
    current_version,
    kpis_of,
    now,
    record_run,
    store_plan,
)
from logistics.errors import InputError, PlanningError
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.network.overrides import apply_overrides, parse_assignments
from logistics.pipeline import PlanOutcome, plan_day
from logistics.plan.files import PLAN_FILE, read_plan
from logistics.plan.options import PlanOptions
from logistics.progress import ProgressCallback, ProgressEvent, no_progress

log = logging.getLogger(__name__)

#: Exit codes of ``molten dispatch`` (the same numbers as the CLI's ``EXIT_*``).
EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_NO_PLAN, EXIT_VIOLATIONS, EXIT_LOCKED = 0, 1, 2, 3, 4, 5
EXIT_DATABASE = 6


@dataclass(frozen=True)
class DispatchRequest:
    """What to plan and where to store it.

    Attributes
    ----------
    network_dir : Path
        The network folder.
    plan_date : date
        The day to plan.
    db_url : str
        History database URL.
    out_dir : Path, optional
        Plan folder to write too.
    orders_file : Path, optional
        Orders instead of the folder's ``orders.csv``.
    options : PlanOptions
        How to plan: solver, time limit (s), seed, solution limit, workers …
    overrides : sequence of str
        ``table.key=value`` parameter overrides.
    force : bool
        Plan and store a new version even when the inputs are unchanged.
    strict : bool
        Refuse a plan that fell back to the dispatcher's because the optimiser failed
        (the safety net): nothing stored, the run recorded as ``fallback_refused``,
        exit 1. Not part of the inputs' fingerprint.
    """

    network_dir: Path
    plan_date: date
    db_url: str
    out_dir: Path | None = None
    orders_file: Path | None = None
    options: PlanOptions = field(default_factory=PlanOptions)
    overrides: Sequence[str] = ()
    force: bool = False
    strict: bool = False


@dataclass(frozen=True)
class DispatchResult:
    """How a run of the job ended.

    Attributes
    ----------
    status : str
        ``stored``, ``already_planned``, ``violations`` or ``fallback_refused`` (the
        other outcomes raise).
    exit_code : int
        0, 4, or 1 (``fallback_refused``).
    network : str
        Network name.
    plan_date : date
        The day.
    run_id : int
        Its row in ``dispatch_runs``.
    version : int or None
        The version stored or found current.
    outcome : PlanOutcome or None
        The plan and the checker's report, when the day was planned.
    message : str
        One line for the operator.
    out_dir : Path or None
        The plan folder written or brought up to date.
    """

    status: str
    exit_code: int
    network: str
    plan_date: date
    run_id: int
    version: int | None
    outcome: PlanOutcome | None
    message: str
    out_dir: Path | None = None

    @property
    def report(self) -> CheckReport | None:
        """The checker's report, when the day was planned."""
        return self.outcome.report if self.outcome else None


def _violations(report: CheckReport) -> list[dict[str, Any]]:
    return [
        {
            "rule": v.rule,
            "message": v.message,
            "run_id": v.run_id,
            "truck_id": v.truck_id,
            "order_id": v.order_id,
        }
        for v in report.violations
    ]


def _load(request: DispatchRequest) -> Network:
    network = load_network(request.network_dir, request.plan_date, orders_file=request.orders_file)
    if request.overrides:
        params = apply_overrides(network.params, parse_assignments(request.overrides))
        network = network.model_copy(update={"params": params})
    return network


def _network_name_guess(network_dir: Path) -> str:
    return network_dir.resolve().name or str(network_dir)


def _pause_in_solve(progress: ProgressCallback) -> ProgressCallback:
    paused = False

    def callback(event: ProgressEvent) -> None:
        nonlocal paused
        if not paused and event.stage in ("dispatch", "search"):
            paused = True
            pause_at("solve")
        progress(event)

    return callback


def _record_quietly(engine: Engine, record: RunRecord) -> int | None:
    try:
        return record_run(engine, record)
    except DatabaseUnavailableError as exc:
        log.error("could not record the run: %s", exc)
        return None


def _sync_folder(engine: Engine, network: Network, version: int, out_dir: Path) -> bool:
    """Make ``out_dir`` hold the stored version; True when it had to be rewritten."""
    stored = load_plan(engine, network.plan_date, version, network.name)
    if (out_dir / PLAN_FILE).is_file():
        try:
            if read_plan(out_dir) == stored:
                return False
        except InputError:
            pass
    staged = StagedFolder(stored, out_dir)
    try:
        staged.put_in_place()
    except BaseException:
        staged.discard()
        raise
    return True


def run_dispatch(
    request: DispatchRequest,
    *,
    progress: ProgressCallback | None = None,
) -> DispatchResult:
    """Plan, check and store one network's date (``molten dispatch``).

    Parameters
    ----------
    request : DispatchRequest
        What to plan, with which settings, and where to store it.
    progress : callable, optional
        Receives the planner's :class:`ProgressEvent` per step.

    Returns
    -------
    DispatchResult
        ``stored`` or ``already_planned`` (exit 0), ``violations`` (exit 4, the plan
        not stored), or ``fallback_refused`` (exit 1: with ``strict``, the optimiser
        failed and the dispatcher's plan it fell back to is not stored).

    Raises
    ------
    InputError
        Bad options or input (recorded when the database can be reached; exit 2).
    PlanningError
        No plan could be made (recorded; exit 3).
    DateLockedError
        Another run holds the date (recorded; exit 5).
    DatabaseUnavailableError
        The database cannot be reached, refuses the credentials or is at another
        schema revision (exit 6); nothing is written anywhere.
    """
    requested_point()  # an unknown fault-injection point is bad input, before anything
    if request.out_dir is not None:
        check_target(request.out_dir)
    engine = make_engine(request.db_url)
    try:
        return _Job(request, engine, progress or no_progress).run()
    finally:
        engine.dispose()


class _Job:
    """One run of the job; ``record`` grows with what the run learns."""

    def __init__(self, request: DispatchRequest, engine: Engine, notify: ProgressCallback):
        self.request = request
        self.engine = engine
        self.notify = notify
        self.record = RunRecord(
            network=_network_name_guess(request.network_dir),
            plan_date=request.plan_date,
            started_at=now(),
            solver=request.options.solver,
            time_limit_s=request.options.time_limit_s,
            forced=request.force,
            network_folder=str(request.network_dir.resolve()),
            orders_file=str(request.orders_file.resolve()) if request.orders_file else None,
            out_dir=str(request.out_dir.resolve()) if request.out_dir else None,
        )

    def _update(self, **changes: Any) -> None:
        self.record = dataclasses.replace(self.record, **changes)

    def _fail(self, status: str, exit_code: int, message: str, **changes: Any) -> int | None:
        return _record_quietly(
            self.engine, self.record.finished(status, exit_code, message, **changes)
        )

    def run(self) -> DispatchResult:
        ping(self.engine)
        ensure_schema(self.engine)
        try:
            network = _load(self.request)
        except InputError as exc:
            self._fail("input_error", EXIT_INPUT, f"bad input: {exc}")
            raise
        self._update(network=network.name)
        try:
            with date_lock(self.engine, network.name, network.plan_date) as lock:
                try:
                    return self._locked(network, lock)
                except (PlanningError, DatabaseUnavailableError):
                    raise  # recorded where raised, or the database cannot take it
                except InputError as exc:
                    self._fail("input_error", EXIT_INPUT, f"bad input: {exc}")
                    raise
                except Exception as exc:
                    self._fail("internal_error", EXIT_INTERNAL, f"{type(exc).__name__}: {exc}")
                    raise
        except DateLockedError as exc:
            self._fail("locked", EXIT_LOCKED, str(exc))
            raise

    def _result(
        self,
        status: str,
        code: int,
        network: Network,
        run_id: int,
        version: int | None,
        outcome: PlanOutcome | None,
        message: str,
    ) -> DispatchResult:
        return DispatchResult(
            status,
            code,
            network.name,
            network.plan_date,
            run_id,
            version,
            outcome,
            message,
            self.request.out_dir,
        )

    def _locked(self, network: Network, lock: HeldLock) -> DispatchResult:
        request, engine = self.request, self.engine
        day = network.plan_date.isoformat()
        prints = fingerprint(
            request.network_dir,
            request.orders_file,
            network=network.name,
            plan_date=network.plan_date,
            params=network.params,
            options=request.options,
        )
        self._update(
            input_hash=prints.digest,
            parameters={
                "settings": prints.settings,
                "files": prints.files,
                "workers": request.options.workers,
                "overrides": list(request.overrides),
            },
        )
        current = current_version(engine, network.name, network.plan_date)
        if current is not None and current.input_hash == prints.digest and not request.force:
            return self._already_planned(network, current)
        if current is not None:
            why = "--force" if current.input_hash == prints.digest else "the inputs changed"
            log.info("%s %s: re-planning version %d (%s)", network.name, day, current.version, why)
        log.info(
            "planning %s %s: %d orders, solver %s, time limit %.0f s",
            network.name,
            day,
            len(network.day_orders),
            request.options.solver,
            request.options.time_limit_s,
        )
        try:
            outcome = plan_day(network, request.options, progress=_pause_in_solve(self.notify))
        except PlanningError as exc:
            self._fail("no_plan", EXIT_NO_PLAN, f"no plan could be made: {exc}")
            raise
        plan = outcome.plan
        self._update(
            solver_stats=plan.solver.model_dump(mode="json"),
            kpis=kpis_of(plan),
            fallback=plan.solver.fell_back,
            fallback_reason=plan.solver.fallback_reason if plan.solver.fell_back else None,
        )
        if not outcome.ok:
            counts = ", ".join(f"{rule} {n}" for rule, n in outcome.report.summary().items())
            message = (
                f"the checker found {len(outcome.report.violations)} violations ({counts}); "
                "the plan is not stored"
            )
            run_id = record_run(
                engine,
                self.record.finished(
                    "violations", EXIT_VIOLATIONS, message, violations=_violations(outcome.report)
                ),
            )
            log.error("%s %s: %s", network.name, day, message)
            return self._result(
                "violations", EXIT_VIOLATIONS, network, run_id, None, outcome, message
            )
        if plan.solver.fell_back and request.strict:
            return self._fallback_refused(network, outcome)
        ping(engine)  # before any file is written
        staged = StagedFolder(plan, request.out_dir) if request.out_dir is not None else None
        s = plan.summary
        delivered = (
            f"{s.tonnes_delivered:,.1f} of {s.tonnes_ordered:,.1f} t delivered in "
            f"{s.ladle_runs} runs"
        )
        if plan.solver.fell_back:
            delivered += "; the dispatcher's plan (fallback: the optimiser failed)"

        def before_commit() -> None:
            pause_at("commit")
            lock.verify()  # a PostgreSQL lock session cut during the run: store nothing

        try:
            run_id, stored = store_plan(
                engine,
                plan,
                self.record.finished("stored", EXIT_OK, ""),
                message=lambda v: f"stored as version {v}: {delivered}",
                after_first_rows=lambda: pause_at("rows"),
                before_commit=before_commit,
            )
        except BaseException:
            if staged is not None:
                staged.discard()
            raise
        message = f"stored {network.name} {day} as version {stored.version}: {delivered}"
        if staged is not None:
            try:
                staged.put_in_place()
            except BaseException:
                staged.discard()
                log.error(
                    "%s %s is stored as version %d, but the plan folder %s could not be "
                    "replaced; the next run brings it up to date",
                    network.name,
                    day,
                    stored.version,
                    request.out_dir,
                )
                raise
            message += f"; plan folder {request.out_dir}"
        log.info("%s", message)
        return self._result("stored", EXIT_OK, network, run_id, stored.version, outcome, message)

    def _fallback_refused(self, network: Network, outcome: PlanOutcome) -> DispatchResult:
        """``strict``: the plan fell back to the dispatcher's; record the run, store nothing."""
        message = (
            f"the optimiser failed ({outcome.plan.solver.fallback_reason}); --strict: the "
            "dispatcher's plan it fell back to is not stored"
        )
        run_id = record_run(
            self.engine, self.record.finished("fallback_refused", EXIT_INTERNAL, message)
        )
        log.info("%s %s: %s", network.name, network.plan_date.isoformat(), message)
        return self._result(
            "fallback_refused", EXIT_INTERNAL, network, run_id, None, outcome, message
        )

    def _already_planned(self, network: Network, current: StoredVersion) -> DispatchResult:
        day = network.plan_date.isoformat()
        message = (
            f"{network.name} {day} already planned with these inputs (version {current.version})"
        )
        out_dir = self.request.out_dir
        if out_dir is not None and _sync_folder(self.engine, network, current.version, out_dir):
            message += f"; plan folder {out_dir} brought up to date"
        run_id = record_run(
            self.engine,
            self.record.finished("already_planned", EXIT_OK, message, plan_version_id=current.id),
        )
        log.info("%s", message)
        return self._result(
            "already_planned", EXIT_OK, network, run_id, current.version, None, message
        )


__all__ = ["DispatchRequest", "DispatchResult", "run_dispatch"]
