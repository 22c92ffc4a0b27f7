"""Fault injection for operators: make a run stop and wait at a chosen point.

To rehearse what a crash does (kill the job there and see that the database and the
plan folder are exactly as before), set:

``MOLTEN_DISPATCH_PAUSE_AT``
    ``solve`` (planning has begun — the dispatcher's plan is being built —, the lock
    held, the run's start recorded, nothing else written), ``search`` (the optimiser
    has found its first routes: with ``--workers`` 2 or more its worker processes are
    searching), ``check`` (the independent checker is about to judge the plan),
    ``rows`` (inside the database transaction, the plan version and its first runs
    written but not committed) or ``commit`` (everything written, the plan folder
    staged beside its target, just before the commit); a run of several days
    (``--days N``) also stops at ``provisional`` (inside the transaction, the first
    day and the first provisional day written but not committed).
``MOLTEN_DISPATCH_PAUSE_FILE``
    A marker file the run writes (``{"point": ..., "pid": ...}``) when it gets there;
    deleting it lets the run go on. Default ``molten-dispatch-paused.json`` in the
    working folder.
``MOLTEN_DISPATCH_PAUSE_S``
    Most seconds to wait before going on by itself (default 600).

A paused run logs a warning. Never set these in production.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

from logistics.errors import InputError, InputProblem

log = logging.getLogger(__name__)

PAUSE_ENV = "MOLTEN_DISPATCH_PAUSE_AT"
PAUSE_FILE_ENV = "MOLTEN_DISPATCH_PAUSE_FILE"
PAUSE_SECONDS_ENV = "MOLTEN_DISPATCH_PAUSE_S"
#: The points a run can be paused at, in the order a run reaches them (``search`` only
#: with the optimiser, not ``--solver greedy``).
PAUSE_POINTS = ("solve", "search", "check", "rows", "commit")
#: Points only a run of several days (``--days N``) reaches: ``provisional`` (in the
#: transaction: the first day and the first provisional day written, not committed).
HORIZON_PAUSE_POINTS = ("provisional",)


def requested_point() -> str | None:
    """The pause point set in the environment, if any.

    Raises
    ------
    InputError
        An unknown point.
    """
    point = os.environ.get(PAUSE_ENV, "").strip()
    if not point:
        return None
    known = (*PAUSE_POINTS, *HORIZON_PAUSE_POINTS)
    if point not in known:
        raise InputError(
            InputProblem(
                "environment", None, PAUSE_ENV, f"'{point}': use one of {', '.join(known)}"
            )
        )
    return point


def pause_at(point: str) -> None:
    """Wait here if the environment asks for a pause at ``point``; otherwise return."""
    if requested_point() != point:
        return
    marker = Path(os.environ.get(PAUSE_FILE_ENV) or "molten-dispatch-paused.json")
    seconds = float(os.environ.get(PAUSE_SECONDS_ENV) or 600)
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(json.dumps({"point": point, "pid": os.getpid()}), encoding="utf-8")
    os.replace(tmp, marker)
    log.warning(
        "fault injection: paused at '%s' (pid %d); delete %s to go on", point, os.getpid(), marker
    )
    deadline = time.monotonic() + seconds
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    log.warning("fault injection: going on from '%s'", point)
