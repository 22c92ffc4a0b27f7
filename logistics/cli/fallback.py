"""The safety net on the command line: one warning line when the optimiser failed.

When the optimiser fails (raises, or the checker rejects its plan) on a day the
dispatcher's plan can plan, :func:`logistics.pipeline.plan_day` returns the checked
dispatcher's plan with ``plan.solver.status == "fallback_dispatcher"`` and logs a
WARNING itself (``logistics.planning.solve``, or the pipeline's logger). The
commands print their own line instead, on stderr, even with ``--quiet``::

    warning: the optimiser failed (ValueError: …); this is the dispatcher's plan,
    checked (0 violations). Please report it.

(one line), and hold the library's record back while they plan (:func:`one_warning`),
so the operator reads the warning once, not twice. ``--strict`` turns the fallback
into an internal error (exit 1) with nothing written or stored (:func:`refused_line`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from logistics.check import CheckReport
from logistics.plan.model import Plan

#: Words of the library's fallback warnings (``... the dispatcher's plan is used instead``),
#: logged on ``logistics.planning.solve`` and the pipeline's logger.
LIBRARY_WORDS = "the dispatcher's plan is used instead"


class _HoldBackLibraryWarning(logging.Filter):
    """Drops the library's own fallback WARNING (the command prints its own line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.levelno == logging.WARNING
            and record.name.startswith("logistics.")
            and LIBRARY_WORDS in str(record.msg)
        )


@contextmanager
def one_warning() -> Iterator[None]:
    """While planning, hold back the library's fallback warning: the command says it.

    The filter sits on the root logger's handlers (where the command's log goes), so it
    holds the record back whichever ``logistics`` logger reports it. Only that record is
    held back; every other record, the traceback logged at DEBUG included, goes through.
    """
    hold = _HoldBackLibraryWarning()
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(hold)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(hold)


def _reason(plan: Plan) -> str:
    """Why the optimiser failed, on one line."""
    return " ".join((plan.solver.fallback_reason or "no reason recorded").split())


def warning_line(plan: Plan, report: CheckReport) -> str | None:
    """The warning of a plan that fell back to the dispatcher's; ``None`` for any other.

    Parameters
    ----------
    plan : Plan
        The plan returned by :func:`logistics.pipeline.plan_day`.
    report : CheckReport
        The independent checker's verdict on it.

    Returns
    -------
    str or None
        One line, ``warning: the optimiser failed (REASON); this is the dispatcher's
        plan, checked (N violations). Please report it.``
    """
    if not plan.solver.fell_back:
        return None
    return (
        f"warning: the optimiser failed ({_reason(plan)}); this is the dispatcher's plan, "
        f"checked ({len(report.violations)} violations). Please report it."
    )


def refused_line(plan: Plan, what: str) -> str:
    """The error of ``--strict`` on a plan that fell back: ``what`` was not done.

    Parameters
    ----------
    plan : Plan
        The plan that fell back to the dispatcher's.
    what : str
        What the command leaves undone, e.g. ``nothing written``.

    Returns
    -------
    str
        One line, ``internal error: the optimiser failed (REASON); --strict refuses
        the dispatcher's plan: WHAT. Please report it.``
    """
    return (
        f"internal error: the optimiser failed ({_reason(plan)}); --strict refuses the "
        f"dispatcher's plan: {what}. Please report it."
    )
