"""Progress of a planning call on stderr: a bar on a terminal, log lines elsewhere.

On a terminal the pipeline's progress events draw a rich progress bar. When stderr is
not a terminal (cron, systemd, CI, ``2> file``) a bar would be invisible or garbage, so
one plain line is written every few seconds instead, with the time elapsed and the
latest event (in the search: the best objective so far and the jobs placed), so a log
shows a live solve even while the search finds nothing better for a while.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from logistics.progress import ProgressCallback, ProgressEvent

#: Seconds between two progress lines when stderr is not a terminal.
LINE_EVERY_S = 5.0


@contextmanager
def progress_bar(
    console: Console, quiet: bool = False, line_every_s: float = LINE_EVERY_S
) -> Iterator[ProgressCallback]:
    """A callback for :func:`logistics.plan_day` that shows progress on ``console``.

    Parameters
    ----------
    console : rich.console.Console
        Where progress goes (the CLI's stderr console).
    quiet : bool
        Show nothing.
    line_every_s : float
        When ``console`` is not a terminal: seconds between two log lines.

    Yields
    ------
    ProgressCallback
        Give it to the pipeline; it returns at once (drawing happens elsewhere).
    """
    if quiet:
        yield lambda event: None
    elif console.is_terminal:
        with _bar(console) as update:
            yield update
    else:
        with _log_lines(console, line_every_s) as update:
            yield update


@contextmanager
def _bar(console: Console) -> Iterator[ProgressCallback]:
    """A transient rich progress bar."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("loading", total=1.0)

        def update(event: ProgressEvent) -> None:
            bar.update(task, completed=event.fraction, description=event.message)

        yield update


@contextmanager
def _log_lines(console: Console, every_s: float) -> Iterator[ProgressCallback]:
    """A line every ``every_s`` seconds with the latest event, from a thread of its own."""
    started = time.monotonic()
    latest: list[ProgressEvent] = []
    stop = threading.Event()

    def write() -> None:
        if latest:
            event = latest[-1]
            elapsed = time.monotonic() - started
            console.print(
                f"progress {elapsed:5.0f} s {100 * event.fraction:3.0f}% {event.message}",
                markup=False,
                highlight=False,
            )

    def tick() -> None:
        while not stop.wait(every_s):
            write()

    def update(event: ProgressEvent) -> None:
        latest[:] = [event]

    ticker = threading.Thread(target=tick, name="progress-lines", daemon=True)
    ticker.start()
    try:
        yield update
    finally:
        stop.set()
        ticker.join()
