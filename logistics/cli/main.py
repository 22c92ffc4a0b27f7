"""Entry point of ``molten``: run a command and map every outcome to an exit code.

No user ever sees a traceback: bad input is a message naming file, row and column
(exit 2); a usage error is one line (exit 2); anything unexpected is one line and exit
1 (set ``MOLTEN_DEBUG=1`` to see the traceback).
"""

from __future__ import annotations

import logging
import os
import sys

import typer

import logistics.cli.check
import logistics.cli.cost
import logistics.cli.db
import logistics.cli.dispatch
import logistics.cli.generate
import logistics.cli.history
import logistics.cli.plan
import logistics.cli.site  # noqa: F401  (each module registers its command)
from logistics.cli.app import EXIT_INPUT, EXIT_INTERNAL, EXIT_NO_PLAN, app, err
from logistics.errors import InputError, PlanningError


def _usage_error(exc: Exception) -> int | None:
    """Print a command-line usage error in one line; its exit code, or None if it is none.

    The parser bundled with typer raises exceptions that carry ``exit_code`` and
    ``format_message`` (``Invalid value for '--time-limit'``, ``No such command``).
    """
    code = getattr(exc, "exit_code", None)
    message = getattr(exc, "format_message", None)
    if not isinstance(code, int) or not callable(message):
        return None
    ctx = getattr(exc, "ctx", None)
    where = getattr(ctx, "command_path", None) or "molten"
    err.print(f"{where}: {message()} (see '{where} --help')", markup=False, highlight=False)
    return code


def main() -> None:
    """Run the ``molten`` command line."""
    logging.basicConfig(
        level=os.environ.get("MOLTEN_LOG", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except InputError as exc:
        err.print("[red]bad input:[/red]")
        for problem in exc.problems[:50]:
            err.print(f"  {problem}", markup=False, highlight=False)
        sys.exit(EXIT_INPUT)
    except PlanningError as exc:
        err.print(f"[red]no plan could be made:[/red] {exc}")
        sys.exit(EXIT_NO_PLAN)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: exit 1, no traceback
        usage = _usage_error(exc)
        if usage is not None:
            sys.exit(usage)
        if os.environ.get("MOLTEN_DEBUG"):
            raise
        err.print(f"internal error: {type(exc).__name__}: {exc}", markup=False, highlight=False)
        err.print("set MOLTEN_DEBUG=1 to see the traceback")
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
