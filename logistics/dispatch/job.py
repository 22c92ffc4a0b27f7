"""The nightly job: plan a network's date, check it, store it as the date's current plan.

:func:`run_dispatch` is ``molten dispatch``. In order:

1. check the options (``--out`` must be free or a plan folder), connect to the
   database (exit 6 when it cannot be reached) and create the schema in an empty one;
2. read the network's name (an unreadable ``network.toml``: recorded, exit 2) and take
   the date's lock (held by another run: recorded, exit 5);
3. record the run's start — time, host, pid, network, date, options — in a short
   transaction of its own (status ``running``); any earlier run of the date still
   ``running`` has ended without recording how (its lock went with it) and is marked
   ``died`` there, with a warning naming it;
4. load the network and the date's orders (bad input: exit 2), fingerprint the
   inputs; when the date's current plan was made from the same fingerprint, stop there
   (``already planned``, exit 0) unless ``force``;
5. plan and check through :func:`logistics.pipeline.plan_day` (no plan: exit 3; a
   plan with violations is not stored: exit 4; a plan that fell back to the
   dispatcher's because the optimiser failed is stored with the run flagged
   ``fallback``, or with ``strict`` not stored: exit 1);
6. connect again, stage the plan folder beside its target, store the plan and the
   run's end in one transaction (committed only while the date's lock is verifiably
   still held), and only then swap the folder into place.

With ``days`` above 1 (the rolling horizon, :mod:`logistics.dispatch.horizon`) the
first day's furnaces start at the stored end levels of the day before (part of the
fingerprint), the later dates are locked too, every day is planned in sequence and
checked by the horizon checker, and the later days are stored as provisional versions
in the same transaction as the first.

Every run that gets past step 1 leaves its row in ``dispatch_runs``, completed with how
it ended. A run killed anywhere leaves the plans and the plan folder as they were, its
row ``running`` (read as ``died`` once its process is gone); the lock goes with the
process. With ``max_wall_s`` a watchdog stops a run that takes too long: it records the
run as ``timed_out`` and calls :attr:`DispatchHooks.timed_out` (the command line ends
the process there: exit 7, the lock released with it); a run that has begun storing
its plan, or recording its end, is never stopped.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from logistics.check import CheckReport
from logistics.dispatch.database import make_engine, ping
from logistics.dispatch.errors import DatabaseUnavailableError, DateLockedError
from logistics.dispatch.faults import pause_at, requested_point
from logistics.dispatch.folder import StagedFolder, check_target
from logistics.dispatch.history import load_plan
from logistics.dispatch.horizon import (
    PlannedHorizon,
    horizon_settings,
    later_locks,
    plan_and_check,
    starting_network,
)
from logistics.dispatch.inputs import fingerprint
from logistics.dispatch.levels import carried_levels, levels_of
from logistics.dispatch.lock import HeldLock, date_lock, host_name
from logistics.dispatch.migrate import ensure_schema
from logistics.dispatch.store import (
    DiedRun,
    HorizonDay,
    RunRecord,
    StoredVersion,
    current_version,
    end_run,
    kpis_of,
    now,
    record_run,
    start_run,
    store_horizon,
)
from logistics.errors import InputError, InputProblem, PlanningError
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.network.overrides import apply_overrides, parse_assignments
from logistics.network.settings import load_settings
from logistics.pipeline import PlanOutcome, plan_day
from logistics.plan.files import PLAN_FILE, read_plan
from logistics.plan.horizon import MAX_DAYS
from logistics.plan.options import PlanOptions
from logistics.progress import ProgressCallback, ProgressEvent, no_progress
from logistics.runtime.exit_codes import ExitCode
from logistics.runtime.wall import WallTimeExceededError, Watchdog

log = logging.getLogger(__name__)

#: Seconds the default wall-time limit adds to the planning time limit (start-up,
#: loading, the dispatcher's plan, checking, pricing, storing) ...
WALL_MARGIN_S = 60.0
#: ... and the share of the time limit it adds on top (large days check and store for
#: longer; a fallback plans the day again with the dispatcher's rule).
WALL_MARGIN_SHARE = 0.25


def default_max_wall(time_limit_s: float) -> float:
    """The default ``--max-wall``: the time limit + 60 s + a quarter of the time limit.

    Parameters
    ----------
    time_limit_s : float
        The planning time limit, s.

    Returns
    -------
    float
        Seconds (60 s limit: 135 s; 300 s: 435 s).
    """
    return time_limit_s + WALL_MARGIN_S + WALL_MARGIN_SHARE * time_limit_s


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
    max_wall_s : float, optional
        Wall-time limit of the whole run, s (``None``: none; the command line's default
        is :func:`default_max_wall`). Not part of the inputs' fingerprint.
    days : int
        Days to plan, 1–5 (the rolling horizon): the first is stored as its date's
        current version, the others as provisional versions. 1 is a run of one day.
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
    max_wall_s: float | None = None
    days: int = 1


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
    died : tuple of DiedRun
        Earlier runs of the date found to have died (and marked so) by this run.
    provisional : tuple of (date, int)
        The later days of a horizon stored as provisional versions: date and version.
    horizon : PlannedHorizon or None
        A run of several days: every day planned and checked.
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
    died: tuple[DiedRun, ...] = ()
    provisional: tuple[tuple[date, int], ...] = ()
    horizon: PlannedHorizon | None = None

    @property
    def report(self) -> CheckReport | None:
        """The checker's report, when the day was planned."""
        return self.outcome.report if self.outcome else None


@dataclass(frozen=True)
class RunEnd:
    """How a run ended, in a few plain fields (the JSON line of ``--log-json``).

    Attributes
    ----------
    status : str
        The run's status in the history (``stored``, ``timed_out``, ``locked`` …).
    exit_code : int
        What the command exits with.
    network : str
        Network name (the folder's name when ``network.toml`` could not be read).
    plan_date : date
        The day.
    run_id : int or None
        Its row in ``dispatch_runs`` (``None`` when it could not be written).
    version : int or None
        The version stored or found current.
    message : str
        One line for the operator.
    started_at : datetime
        When the run started (aware, UTC).
    finished_at : datetime
        When it ended (aware, UTC).
    host : str
        Host it ran on.
    pid : int
        Its process id.
    fallback : bool
        Whether its plan is the dispatcher's because the optimiser failed.
    died : tuple of int
        Runs of the date it found dead.
    """

    status: str
    exit_code: int
    network: str
    plan_date: date
    run_id: int | None
    version: int | None
    message: str
    started_at: datetime
    finished_at: datetime
    host: str
    pid: int
    fallback: bool = False
    died: tuple[int, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The fields as JSON data (times and the date in ISO 8601, ``wall_s`` added)."""
        data = dataclasses.asdict(self)
        data.update(
            plan_date=self.plan_date.isoformat(),
            started_at=self.started_at.isoformat(),
            finished_at=self.finished_at.isoformat(),
            died=list(self.died),
            wall_s=round((self.finished_at - self.started_at).total_seconds(), 3),
        )
        return {"event": "molten.dispatch.end", **data}


def _ignore(*args: Any) -> None:
    """A hook that does nothing."""


def _log_died(runs: Sequence[DiedRun]) -> None:
    """The default of :attr:`DispatchHooks.died`: a warning per run."""
    for run in runs:
        log.warning("%s died without finishing; recorded as died", run.describe())


def _log_warning(line: str) -> None:
    """The default of :attr:`DispatchHooks.warned`: the line logged as a warning."""
    log.warning("%s", line)


@dataclass(frozen=True)
class DispatchHooks:
    """What a caller is told while the job runs (all optional).

    Attributes
    ----------
    died : callable
        ``(runs)``: earlier runs of the date that never ended, just marked ``died``
        (default: a warning logged for each).
    ended : callable
        ``(RunEnd)``: the run's end, once recorded (whatever the outcome, also when
        :func:`run_dispatch` then raises).
    timed_out : callable
        ``(RunEnd)``: the wall-time limit was reached and the run recorded as
        ``timed_out``; called on the watchdog's thread while the run is still going. A
        command line ends the process here (:func:`logistics.runtime.pools.stop_now`);
        otherwise the run goes on to its next point of no return and raises
        :class:`~logistics.runtime.wall.WallTimeExceededError` there, storing nothing.
    warned : callable
        ``(line)``: a warning for the operator (a horizon's first day starting at
        ``consumption.csv``'s levels because the day before has no stored plan).
    """

    died: Callable[[Sequence[DiedRun]], None] = _log_died
    ended: Callable[[RunEnd], None] = _ignore
    timed_out: Callable[[RunEnd], None] = _ignore
    warned: Callable[[str], None] = _log_warning


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


def _load(request: DispatchRequest, day: date | None = None) -> Network:
    network = load_network(
        request.network_dir, day or request.plan_date, orders_file=request.orders_file
    )
    if request.overrides:
        params = apply_overrides(network.params, parse_assignments(request.overrides))
        network = network.model_copy(update={"params": params})
    return network


def _network_name_guess(network_dir: Path) -> str:
    return network_dir.resolve().name or str(network_dir)


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
    hooks: DispatchHooks | None = None,
) -> DispatchResult:
    """Plan, check and store one network's date (``molten dispatch``).

    Parameters
    ----------
    request : DispatchRequest
        What to plan, with which settings, and where to store it.
    progress : callable, optional
        Receives the planner's :class:`ProgressEvent` per step.
    hooks : DispatchHooks, optional
        Told about dead runs found, the run's end, and a wall-time stop.

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
        schema revision (exit 6); nothing is written anywhere (a run that loses the
        database after its start was recorded tries to record ``database_error``).
    WallTimeExceededError
        ``max_wall_s`` was reached (recorded as ``timed_out``; exit 7); nothing stored.
    """
    requested_point()  # an unknown fault-injection point is bad input, before anything
    if not 1 <= request.days <= MAX_DAYS:
        raise InputError(
            InputProblem("options", None, "days", f"must be 1–{MAX_DAYS}, got {request.days}")
        )
    if request.out_dir is not None:
        check_target(request.out_dir)
    engine = make_engine(request.db_url)
    job = _Job(request, engine, progress or no_progress, hooks or DispatchHooks())
    try:
        return job.run()
    finally:
        job.watchdog.stop()
        engine.dispose()


class _Job:
    """One run of the job; ``record`` grows with what the run learns."""

    def __init__(
        self,
        request: DispatchRequest,
        engine: Engine,
        notify: ProgressCallback,
        hooks: DispatchHooks,
    ):
        self.request = request
        self.engine = engine
        self.notify = notify
        self.hooks = hooks
        options = request.options
        self.record = RunRecord(
            network=_network_name_guess(request.network_dir),
            plan_date=request.plan_date,
            started_at=now(),
            solver=options.solver,
            time_limit_s=options.time_limit_s,
            forced=request.force,
            network_folder=str(request.network_dir.resolve()),
            orders_file=str(request.orders_file.resolve()) if request.orders_file else None,
            out_dir=str(request.out_dir.resolve()) if request.out_dir else None,
            parameters={
                "workers": options.workers,
                "overrides": list(request.overrides),
                "options": options.model_dump(mode="json"),
                "strict": request.strict,
                "max_wall_s": request.max_wall_s,
            },
        )
        self.run_id: int | None = None
        self.ended = False
        self.died: tuple[DiedRun, ...] = ()
        self.stage = "starting"
        self._paused: set[str] = set()
        self._searches = 0
        self._recording = threading.Lock()  # the start, and the watchdog's end
        self.watchdog = Watchdog(request.max_wall_s, self._wall_time_reached).start()

    # ----------------------------------------------------------------------------------
    # recording
    # ----------------------------------------------------------------------------------
    def _update(self, **changes: Any) -> None:
        self.record = dataclasses.replace(self.record, **changes)

    def _run_end(self, record: RunRecord, run_id: int | None, version: int | None) -> RunEnd:
        assert record.exit_code is not None
        return RunEnd(
            status=record.status,
            exit_code=record.exit_code,
            network=record.network,
            plan_date=record.plan_date,
            run_id=run_id,
            version=version,
            message=record.message,
            started_at=record.started_at,
            finished_at=now(),
            host=host_name(),
            pid=os.getpid(),
            fallback=record.fallback,
            died=tuple(d.id for d in self.died),
        )

    def _start(self) -> None:
        """Record the run's start (the lock held); mark the date's dead runs."""
        with self._recording:
            if self.watchdog.expired:
                raise WallTimeExceededError("the wall-time limit was reached before the start")
            self.run_id, died = start_run(self.engine, self.record)
        self.died = tuple(died)
        for run in died:
            log.info("marked %s as died", run.describe())
        if died:
            self.hooks.died(died)

    def _end(
        self,
        status: str,
        code: ExitCode,
        message: str,
        *,
        version: int | None = None,
        **changes: Any,
    ) -> int:
        """Record how the run ended (its point of no return) and tell the caller.

        Raises
        ------
        WallTimeExceededError
            The watchdog stopped the run first (and recorded it).
        DatabaseUnavailableError
            The end could not be written.
        """
        self.watchdog.finishing()
        self.record = self.record.finished(status, int(code), message, **changes)
        if self.run_id is None:
            self.run_id = record_run(self.engine, self.record)
        else:
            end_run(self.engine, self.run_id, self.record)
        self.ended = True
        self.hooks.ended(self._run_end(self.record, self.run_id, version))
        return self.run_id

    def _end_quietly(self, status: str, code: ExitCode, message: str) -> None:
        """Record a failure's end if nothing was recorded yet; never raise."""
        if self.ended:
            log.error("%s", message)
            return
        try:
            self._end(status, code, message)
        except WallTimeExceededError:
            pass
        except DatabaseUnavailableError as exc:
            log.error("could not record the run: %s", exc)
            self.ended = True
            self.hooks.ended(
                self._run_end(self.record.finished(status, int(code), message), self.run_id, None)
            )

    def _wall_time_reached(self) -> None:
        """On the watchdog's thread: record the run as timed out, tell the caller."""
        limit = self.request.max_wall_s
        message = (
            f"stopped at the wall-time limit of {limit:g} s (--max-wall) while "
            f"{self.stage}; nothing stored"
        )
        with self._recording:
            record = self.record.finished("timed_out", int(ExitCode.TIMED_OUT), message)
            run_id = self.run_id
            try:
                if run_id is None:
                    run_id = record_run(self.engine, record)
                else:
                    end_run(self.engine, run_id, record)
            except DatabaseUnavailableError as exc:
                log.error("could not record the run: %s", exc)
        log.error("%s %s: %s", record.network, record.plan_date.isoformat(), message)
        self.hooks.timed_out(self._run_end(record, run_id, None))

    # ----------------------------------------------------------------------------------
    # progress, with the fault-injection points of the planning
    # ----------------------------------------------------------------------------------
    def _pause_once(self, point: str) -> None:
        if point not in self._paused:
            self._paused.add(point)
            pause_at(point)

    def _progress(self, event: ProgressEvent) -> None:
        self.stage = event.message.split(":")[0] or event.stage
        if event.stage in ("dispatch", "search"):
            self._pause_once("solve")
        if event.stage == "search":
            self._searches += 1
            if self._searches == 2:  # the first routes found; the workers search on
                self._pause_once("search")
        if event.stage == "check":
            self._pause_once("check")
        self.notify(event)

    # ----------------------------------------------------------------------------------
    # the run
    # ----------------------------------------------------------------------------------
    def run(self) -> DispatchResult:
        try:
            return self._run()
        except KeyboardInterrupt:
            self._end_quietly("interrupted", ExitCode.INTERRUPTED, "interrupted")
            raise
        except WallTimeExceededError:
            raise
        except Exception as exc:
            if self.watchdog.expired:  # stopped while failing: the watchdog recorded it
                raise WallTimeExceededError(str(exc)) from exc
            raise

    def _run(self) -> DispatchResult:
        self.stage = "connecting to the database"
        ping(self.engine)
        ensure_schema(self.engine)
        self.stage = "reading the network's name"
        try:
            name = load_settings(self.request.network_dir).name
        except InputError as exc:
            self._end_quietly("input_error", ExitCode.INPUT, f"bad input: {exc}")
            raise
        self._update(network=name)
        self.stage = "taking the date's lock"
        try:
            with date_lock(self.engine, name, self.request.plan_date) as lock:
                self._start()
                try:
                    self.stage = "loading the network"
                    return self._locked(_load(self.request), lock)
                except WallTimeExceededError:
                    raise  # recorded by the watchdog
                except PlanningError as exc:
                    self._end_quietly("no_plan", ExitCode.NO_PLAN, f"no plan could be made: {exc}")
                    raise
                except DatabaseUnavailableError as exc:
                    self._end_quietly("database_error", ExitCode.DATABASE, str(exc))
                    raise
                except DateLockedError as exc:  # a later date of the horizon
                    self._end_quietly("locked", ExitCode.LOCKED, str(exc))
                    raise
                except InputError as exc:
                    self._end_quietly("input_error", ExitCode.INPUT, f"bad input: {exc}")
                    raise
                except Exception as exc:
                    self._end_quietly(
                        "internal_error", ExitCode.INTERNAL, f"{type(exc).__name__}: {exc}"
                    )
                    raise
        except DateLockedError as exc:
            self._end_quietly("locked", ExitCode.LOCKED, str(exc))
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
        **extra: Any,
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
            self.died,
            **extra,
        )

    def _locked(self, network: Network, lock: HeldLock) -> DispatchResult:
        """The run, once it holds the date's lock and the network is loaded."""
        settings = None
        if self.request.days > 1:
            network, settings = self._carry(network)
        digest = self._fingerprint(network, settings)
        current = current_version(self.engine, network.name, network.plan_date)
        if current is not None and current.input_hash == digest and not self.request.force:
            return self._already_planned(network, current)
        if current is not None:
            why = "--force" if current.input_hash == digest else "the inputs changed"
            log.info(
                "%s %s: re-planning version %d (%s)",
                network.name,
                network.plan_date.isoformat(),
                current.version,
                why,
            )
        if settings is not None:
            return self._horizon(network, lock)
        outcome = self._plan(network)
        if not outcome.ok:
            return self._violations(network, outcome)
        if outcome.plan.solver.fell_back and self.request.strict:
            return self._fallback_refused(network, outcome)
        return self._store(network, outcome, lock)

    def _fingerprint(self, network: Network, horizon: dict[str, Any] | None = None) -> str:
        """Fingerprint the inputs (recorded with the run); the digest."""
        request = self.request
        prints = fingerprint(
            request.network_dir,
            request.orders_file,
            network=network.name,
            plan_date=network.plan_date,
            params=network.params,
            options=request.options,
            horizon=horizon,
        )
        self._update(
            input_hash=prints.digest,
            parameters={
                **(self.record.parameters or {}),
                "settings": prints.settings,
                "files": prints.files,
            },
        )
        return prints.digest

    # ----------------------------------------------------------------------------------
    # the rolling horizon (days > 1)
    # ----------------------------------------------------------------------------------
    def _carry(self, network: Network) -> tuple[Network, dict[str, Any]]:
        """The first day starting at the day before's stored end levels; the horizon's
        settings (fingerprinted and recorded)."""
        carried = carried_levels(self.engine, network.name, network.plan_date)
        warning = carried.warning(network.name) if network.furnaces else None
        if warning is not None:
            self.hooks.warned(warning)
        first = starting_network(network, carried)
        settings = horizon_settings(self.request.days, first, carried)
        parameters = {**(self.record.parameters or {}), "horizon": {**settings, "warning": warning}}
        self._update(parameters=parameters)
        return first, settings

    def _horizon(self, network: Network, lock: HeldLock) -> DispatchResult:
        """Lock the later dates, plan and check every day, store them in one transaction."""
        request = self.request
        with later_locks(self.engine, network.name, network.plan_date, request.days) as locks:
            log.info(
                "planning %s %s and the %d days after it: solver %s, time limit %.0f s a day",
                network.name,
                network.plan_date.isoformat(),
                request.days - 1,
                request.options.solver,
                request.options.time_limit_s,
            )
            self.stage = "planning"
            planned = plan_and_check(
                network,
                lambda day: _load(request, day),
                request.days,
                request.options,
                self._progress,
            )
            outcomes = planned.outcome.outcomes
            fell = [o for o in outcomes if o.plan.solver.fell_back]
            self._update(
                solver_stats=outcomes[0].plan.solver.model_dump(mode="json"),
                kpis=kpis_of(outcomes[0].plan),
                fallback=bool(fell),
                fallback_reason=fell[0].plan.solver.fallback_reason if fell else None,
            )
            if not planned.ok:
                return self._horizon_violations(network, planned)
            if fell and request.strict:
                return self._fallback_refused(network, fell[0])
            return self._store(network, outcomes[0], lock, planned, locks)

    def _horizon_violations(self, network: Network, planned: PlannedHorizon) -> DispatchResult:
        """A day of the horizon breaks a rule: record every day's violations, store nothing."""
        bad = planned.failing()
        found = [
            {**v, "day": k, "plan_date": day.isoformat()}
            for k, day, report in bad
            for v in _violations(report)
        ]
        k, day, report = bad[0]
        counts = ", ".join(f"{rule} {n}" for rule, n in report.summary().items())
        message = (
            f"the checker found {len(found)} violations on {len(bad)} of the "
            f"{self.request.days} days (day {k}, {day.isoformat()}: {counts}); nothing is stored"
        )
        run_id = self._end("violations", ExitCode.VIOLATIONS, message, violations=found)
        log.error("%s %s: %s", network.name, network.plan_date.isoformat(), message)
        outcome = dataclasses.replace(planned.outcome.outcomes[k - 1], report=report)
        return self._result(
            "violations",
            ExitCode.VIOLATIONS,
            network,
            run_id,
            None,
            outcome,
            message,
            horizon=planned,
        )

    def _plan(self, network: Network) -> PlanOutcome:
        """Plan and check the day; its statistics and KPIs go into the run's record."""
        options = self.request.options
        log.info(
            "planning %s %s: %d orders, solver %s, time limit %.0f s",
            network.name,
            network.plan_date.isoformat(),
            len(network.day_orders),
            options.solver,
            options.time_limit_s,
        )
        self.stage = "planning"
        outcome = plan_day(network, options, progress=self._progress)
        plan = outcome.plan
        self._update(
            solver_stats=plan.solver.model_dump(mode="json"),
            kpis=kpis_of(plan),
            fallback=plan.solver.fell_back,
            fallback_reason=plan.solver.fallback_reason if plan.solver.fell_back else None,
        )
        return outcome

    def _violations(self, network: Network, outcome: PlanOutcome) -> DispatchResult:
        """The checker refused the plan: record the run with its violations, store nothing."""
        counts = ", ".join(f"{rule} {n}" for rule, n in outcome.report.summary().items())
        message = (
            f"the checker found {len(outcome.report.violations)} violations ({counts}); "
            "the plan is not stored"
        )
        run_id = self._end(
            "violations", ExitCode.VIOLATIONS, message, violations=_violations(outcome.report)
        )
        log.error("%s %s: %s", network.name, network.plan_date.isoformat(), message)
        return self._result(
            "violations", ExitCode.VIOLATIONS, network, run_id, None, outcome, message
        )

    def _store(
        self,
        network: Network,
        outcome: PlanOutcome,
        lock: HeldLock,
        planned: PlannedHorizon | None = None,
        locks: Sequence[HeldLock] = (),
    ) -> DispatchResult:
        """Stage the plan folder, store the plan (a horizon: every day) with the run's
        end, swap the folder in."""
        request, plan = self.request, outcome.plan
        ping(self.engine)  # before any file is written
        self.stage = "storing the plan"
        self.watchdog.finishing()  # from here the run stores its plan, or fails, by itself
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
            for held in (lock, *locks):
                held.verify()  # a PostgreSQL lock session cut during the run: store nothing

        days = planned.to_store() if planned else [HorizonDay(plan, levels_of(network, plan))]
        later = ", ".join(d.plan.plan_date.isoformat() for d in days[1:])
        try:
            run_id, stored, provisional = store_horizon(
                self.engine,
                days,
                self.record.finished("stored", int(ExitCode.OK), ""),
                message=lambda v: (
                    f"stored as version {v}: {delivered}"
                    + (f"; provisional days {later}" if later else "")
                ),
                after_first_rows=lambda: pause_at("rows"),
                after_provisional=lambda: pause_at("provisional"),
                before_commit=before_commit,
                run_id=self.run_id,
            )
        except BaseException:
            if staged is not None:
                staged.discard()
            raise
        self.ended = True
        message = (
            f"stored {network.name} {network.plan_date.isoformat()} as version "
            f"{stored.version}: {delivered}"
        )
        dated = tuple(
            (d.plan.plan_date, v.version) for d, v in zip(days[1:], provisional, strict=True)
        )
        if dated:
            message += "; provisional: " + ", ".join(
                f"{day.isoformat()} version {v}" for day, v in dated
            )
        self.record = self.record.finished("stored", int(ExitCode.OK), message)
        if staged is not None:
            self._put_in_place(staged, network, stored.version)
            message += f"; plan folder {request.out_dir}"
        log.info("%s", message)
        self.hooks.ended(
            self._run_end(dataclasses.replace(self.record, message=message), run_id, stored.version)
        )
        return self._result(
            "stored",
            ExitCode.OK,
            network,
            run_id,
            stored.version,
            outcome,
            message,
            provisional=dated,
            horizon=planned,
        )

    def _put_in_place(self, staged: StagedFolder, network: Network, version: int) -> None:
        """Swap the staged plan folder in (after the commit)."""
        try:
            staged.put_in_place()
        except BaseException:
            staged.discard()
            log.error(
                "%s %s is stored as version %d, but the plan folder %s could not be "
                "replaced; the next run brings it up to date",
                network.name,
                network.plan_date.isoformat(),
                version,
                self.request.out_dir,
            )
            raise

    def _fallback_refused(self, network: Network, outcome: PlanOutcome) -> DispatchResult:
        """``strict``: the plan fell back to the dispatcher's; record the run, store nothing."""
        message = (
            f"the optimiser failed ({outcome.plan.solver.fallback_reason}); --strict: the "
            "dispatcher's plan it fell back to is not stored"
        )
        run_id = self._end("fallback_refused", ExitCode.INTERNAL, message)
        log.info("%s %s: %s", network.name, network.plan_date.isoformat(), message)
        return self._result(
            "fallback_refused", ExitCode.INTERNAL, network, run_id, None, outcome, message
        )

    def _already_planned(self, network: Network, current: StoredVersion) -> DispatchResult:
        self.watchdog.finishing()  # a plan folder may be written: no stop from here
        day = network.plan_date.isoformat()
        message = (
            f"{network.name} {day} already planned with these inputs (version {current.version})"
        )
        out_dir = self.request.out_dir
        if out_dir is not None and _sync_folder(self.engine, network, current.version, out_dir):
            message += f"; plan folder {out_dir} brought up to date"
        run_id = self._end(
            "already_planned",
            ExitCode.OK,
            message,
            version=current.version,
            plan_version_id=current.id,
        )
        log.info("%s", message)
        return self._result(
            "already_planned", ExitCode.OK, network, run_id, current.version, None, message
        )


__all__ = [
    "DispatchHooks",
    "DispatchRequest",
    "DispatchResult",
    "RunEnd",
    "default_max_wall",
    "run_dispatch",
]
