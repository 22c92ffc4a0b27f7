"""A rich progress bar fed by the pipeline's progress events."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from logistics.progress import ProgressCallback, ProgressEvent


@contextmanager
def progress_bar(console: Console, quiet: bool = False) -> Iterator[ProgressCallback]:
    """A callback for :func:`logistics.plan_day` that draws a bar on ``console``."""
    if quiet:
        yield lambda event: None
        return
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
