"""Run the real ``molten`` command line in a subprocess whose optimiser always fails.

``python -c`` replaces :func:`logistics.planning.solve.optimize` with a function that
raises, then runs :func:`logistics.cli.main.main` with the given arguments: the command
line's own code path, exit codes and output, with no switch in the product and no
``sitecustomize``. The failure is raised in the main process, where the planner calls
the optimiser, so it does not depend on ``--workers``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: The exception the injected optimiser raises, as the fallback reason reads it.
INJECTED = "ValueError: injected optimiser failure"

_PROGRAM = """
import sys
import logistics.planning.solve as solve

def failing_optimiser(*args, **kwargs):
    raise ValueError("injected optimiser failure")

solve.optimize = failing_optimiser
sys.argv[0] = "molten"
from logistics.cli.main import main
main()
"""


def molten_with_failing_optimiser(
    *args: str | Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """Run ``molten ARGS`` with an optimiser that raises; the completed process.

    Parameters
    ----------
    *args : str or Path
        The command line after ``molten``.
    env : dict, optional
        The environment (default: this process's, with ``COLUMNS=200``).
    cwd : Path, optional
        Working folder.
    timeout : float
        Seconds before the run is stopped.
    """
    return subprocess.run(
        [sys.executable, "-c", _PROGRAM, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env if env is not None else {**os.environ, "COLUMNS": "200"},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


def warning_lines(stderr: str) -> list[str]:
    """The lines of ``stderr`` that tell of the optimiser's failure."""
    return [line for line in stderr.splitlines() if "optimiser failed" in line]
