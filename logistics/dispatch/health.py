"""Is a date's plan in order? The health check for monitoring (``molten history --check``).

A date is healthy when its current plan exists, the last run of the nightly job for it
ended well, and the plan is the optimiser's (not the dispatcher's it fell back to).
:func:`check_date` says which of these fails, first match wins, in one line:

========================  =====  =========================================================
problem                   exit   meaning
========================  =====  =========================================================
``no_plan``               3      no plan is stored for the date
``died``                  1      the last run never ended (killed, or its machine stopped)
``timed_out``             7      the last run was stopped at its wall-time limit
``failed``                its    the last run ended with an error (bad input, no plan,
                          code   violations, ``--strict`` refusal, database, internal):
                                 the current plan is older than the inputs
``fallback``              1      the current plan is the dispatcher's because the optimiser
                                 failed
========================  =====  =========================================================

"The last run" is the newest run of the date that has ended: a run still running is
not judged, and a run refused because another held the date (``locked``) is skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from logistics.dispatch.history import EngineOrUrl, RunRow, VersionRow, list_runs, list_versions
from logistics.dispatch.store import DIED, RUNNING
from logistics.runtime.exit_codes import ExitCode

#: Run statuses that end a run well.
GOOD = frozenset({"stored", "already_planned"})
#: Run statuses that are not judged: still running, or refused for a held lock.
NOT_JUDGED = frozenset({RUNNING, "locked"})


@dataclass(frozen=True)
class DateHealth:
    """The health of one network's date.

    Attributes
    ----------
    network : str
        Network name (empty when nothing at all is recorded for the date).
    plan_date : date
        The day.
    problem : str or None
        ``no_plan``, ``died``, ``timed_out``, ``failed`` or ``fallback``; ``None`` when
        healthy.
    exit_code : int
        0 when healthy; see the module's table.
    message : str
        One line saying which.
    version : VersionRow or None
        The current plan.
    last_run : RunRow or None
        The newest run that ended.
    """

    network: str
    plan_date: dt.date
    problem: str | None
    exit_code: int
    message: str
    version: VersionRow | None
    last_run: RunRow | None

    @property
    def ok(self) -> bool:
        """True when the date is healthy."""
        return self.problem is None


def _when(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def _run(run: RunRow) -> str:
    return f"run {run.id} (started {_when(run.started_at)}, host {run.host}, pid {run.pid})"


def _judge(
    network: str, day: dt.date, versions: list[VersionRow], runs: list[RunRow]
) -> DateHealth:
    current = next((v for v in versions if v.current), None)
    last = next((r for r in runs if r.status not in NOT_JUDGED), None)
    what = f"{network} {day.isoformat()}".strip()

    def health(problem: str | None, code: int, message: str) -> DateHealth:
        return DateHealth(network, day, problem, int(code), message, current, last)

    if current is None:
        tail = f"; the last run, {_run(last)}, ended {last.status}" if last else ""
        provisional = next((v for v in versions if v.provisional), None)
        if provisional is not None:
            tail += (
                f" (only provisional version {provisional.version}, from the horizon of run "
                f"{provisional.dispatch_run_id}: the date's own run fixes it)"
            )
        return health("no_plan", ExitCode.NO_PLAN, f"{what}: no plan stored{tail}")
    if last is not None and last.status == DIED:
        return health(
            "died",
            ExitCode.INTERNAL,
            f"{what}: the last run, {_run(last)}, died without finishing; the current "
            f"plan is version {current.version}",
        )
    if last is not None and last.status == "timed_out":
        return health(
            "timed_out",
            ExitCode.TIMED_OUT,
            f"{what}: the last run, {_run(last)}, was stopped at its wall-time limit; the "
            f"current plan is version {current.version}",
        )
    if last is not None and last.status not in GOOD:
        first = last.message.splitlines()[0] if last.message else ""
        return health(
            "failed",
            last.exit_code or ExitCode.INTERNAL,
            f"{what}: the last run, {_run(last)}, ended {last.status} (exit "
            f"{last.exit_code}): {first}; the current plan is version {current.version}",
        )
    stored_by = next(
        (r for r in runs if r.status == "stored" and r.version == current.version), None
    )
    if current.fallback or (stored_by is not None and stored_by.fallback):
        reason = stored_by.fallback_reason if stored_by is not None else None
        return health(
            "fallback",
            ExitCode.INTERNAL,
            f"{what}: the current plan, version {current.version}, is the dispatcher's: the "
            f"optimiser failed ({reason or 'see molten history --run'})",
        )
    by = f" by run {current.dispatch_run_id}" if current.dispatch_run_id else ""
    latest = f"; last run {last.id} {last.status}" if last is not None else ""
    return health(
        None,
        ExitCode.OK,
        f"ok: {what}: version {current.version} ({current.solver}, {current.ladle_runs} runs, "
        f"{current.tonnes_delivered:,.1f} of {current.tonnes_ordered:,.1f} t), stored "
        f"{_when(current.created_at)}{by}{latest}",
    )


def check_date(
    engine_or_url: EngineOrUrl, date: dt.date | str, network: str | None = None
) -> list[DateHealth]:
    """The health of a date's plan, one entry per network (or the one named).

    Parameters
    ----------
    engine_or_url : Engine or str
        The history database.
    date : date or str
        The plan date (``YYYY-MM-DD``).
    network : str, optional
        Only this network; default every network with a plan or a run for the date.

    Returns
    -------
    list of DateHealth
        Networks in name order; one ``no_plan`` entry when nothing is recorded at all.

    Raises
    ------
    DatabaseUnavailableError
        The database cannot be reached or is at another schema revision.
    """
    day = dt.date.fromisoformat(date) if isinstance(date, str) else date
    versions = list_versions(engine_or_url, network=network, date=day)
    runs = list_runs(engine_or_url, network=network, date=day, limit=None)
    names = sorted({v.network for v in versions} | {r.network for r in runs})
    if network is not None:
        names = [network]
    if not names:
        return [_judge("", day, [], [])]
    return [
        _judge(
            name,
            day,
            [v for v in versions if v.network == name],
            [r for r in runs if r.network == name],
        )
        for name in names
    ]


__all__ = ["DateHealth", "check_date"]
