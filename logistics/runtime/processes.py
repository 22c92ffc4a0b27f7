"""Is a process still there? For telling a run that died from one that is running."""

from __future__ import annotations

import os
from datetime import datetime

#: Seconds a process may have been created after the moment it recorded as its start
#: and still be the one that recorded it (clocks read at different moments).
START_SLACK_S = 2.0


def process_alive(pid: int, started_by: datetime | None = None) -> bool:
    """Whether process ``pid`` of this host is alive (and, optionally, the same one).

    Parameters
    ----------
    pid : int
        Process id.
    started_by : datetime, optional
        An aware moment the process was already running at (what it recorded as its
        start): a live process with that pid created later is another process that
        reuses the number, so the one asked about is gone.

    Returns
    -------
    bool
        False when no such process exists, it is a zombie, or its pid was reused.
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with dask[distributed]
        return True
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        created = process.create_time()
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return True
    return started_by is None or created <= started_by.timestamp() + START_SLACK_S


__all__ = ["process_alive"]
