"""Progress of a planning call, reported through one callback.

The CLI turns the events into a rich progress bar, the app into ``st.progress``. The
search takes most of a call, so its fraction grows with the time spent against the
time limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a planning call.

    Attributes
    ----------
    stage : str
        ``jobs``, ``assign``, ``dispatch``, ``search``, ``schedule``, ``check``,
        ``risk``, ``economics`` or ``done``.
    fraction : float
        Share of the call done, 0–1.
    message : str
        What is happening, for the user.
    """

    stage: str
    fraction: float
    message: str


ProgressCallback = Callable[[ProgressEvent], None]


def no_progress(event: ProgressEvent) -> None:
    """A callback that ignores every event."""
