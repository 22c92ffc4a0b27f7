"""The exit codes of every ``molten`` command, in one place.

``molten plan``, ``check``, ``dispatch``, ``history``, ``db``, ``site``, ``cost`` and
``generate`` exit with these numbers; :func:`logistics.dispatch.run_dispatch` records
them in the history. docs/cli.md and docs/dispatch.md list what each means for each
command.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``molten`` commands.

    Attributes
    ----------
    OK : 0
        Done (a plan with unserved orders is normal; also a plan that fell back to the
        dispatcher's, with a warning line).
    INTERNAL : 1
        Internal error (one line; ``MOLTEN_DEBUG=1`` shows the traceback); with
        ``--strict`` a plan that fell back to the dispatcher's; a health check
        (``molten history --check``) finding the last run died or the plan fell back.
    INPUT : 2
        Bad input or usage: file, row and column, or the option; nothing written.
    NO_PLAN : 3
        No plan could be made (e.g. no order on the date); a health check finding no
        plan for the date.
    VIOLATIONS : 4
        The checker found violations; nothing stored.
    LOCKED : 5
        Another run holds the date's lock.
    DATABASE : 6
        The database cannot be reached, refuses the credentials or is at another schema
        revision.
    TIMED_OUT : 7
        The run reached its wall-time limit (``--max-wall``) and was stopped: nothing
        stored, the lock released, the run recorded as ``timed_out``.
    INTERRUPTED : 130
        Interrupted (Ctrl-C), as shells report SIGINT.
    """

    OK = 0
    INTERNAL = 1
    INPUT = 2
    NO_PLAN = 3
    VIOLATIONS = 4
    LOCKED = 5
    DATABASE = 6
    TIMED_OUT = 7
    INTERRUPTED = 130


__all__ = ["ExitCode"]
