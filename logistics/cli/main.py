"""Entry point of ``molten``: run a command and map every outcome to an exit code.

No user ever sees a traceback: bad input is a message naming file, row and column, or
the option (exit 2; one line for one problem); a usage error is one line (exit 2); no
plan is one line (exit 3); anything unexpected is one line and exit 1 (set
``MOLTEN_DEBUG=1`` to see the traceback). ``molten`` or ``molten db`` without a command
prints the help (exit 0). Messages are never wrapped, however narrow the terminal.
"""

from __future__ import annotations

import logging
import os
import sys

import typer
from rich.markup import escape

import logistics.cli.check
import logistics.cli.cost
import logistics.cli.db
import logistics.cli.dispatch
import logistics.cli.generate
import logistics.cli.history
import logistics.cli.plan
import logistics.cli.roads
import logistics.cli.site  # noqa: F401  (each module registers its command)
from logistics.cli.app import app, describe_problem, err
from logistics.errors import InputError, PlanningError
from logistics.runtime.exit_codes import ExitCode

#: Problems listed for one bad input; the rest are counted.
SHOWN_PROBLEMS = 50


def _is_help_request(exc: Exception) -> bool:
    """``molten`` or ``molten db`` without a command: the parser printed the help."""
    return any(cls.__name__ == "NoArgsIsHelpError" for cls in type(exc).__mro__)


def _usage_error(exc: Exception) -> int | None:
    """Print a command-line usage error in one line; its exit code, or None if it is none.

    The parser bundled with typer raises exceptions that carry ``exit_code`` and
    ``format_message`` (``Invalid value for '--time-limit'``, ``No such command``).
    """
    code = getattr(exc, "exit_code", None)
    message = getattr(exc, "format_message", None)
    if not isinstance(code, int) or not callable(message):
        return None
    if _is_help_request(exc):
        text = message()  # the help itself, unless the parser printed it already
        if text.strip():
            print(text)
        return ExitCode.OK
    ctx = getattr(exc, "ctx", None)
    where = getattr(ctx, "command_path", None) or "molten"
    text = " ".join(message().split())  # one line, whatever the parser's layout
    err.print(f"{where}: {text} (see '{where} --help')", markup=False, highlight=False)
    return code


def _bad_input(exc: InputError) -> None:
    """Print bad input: one line for one problem, else a header and a line per problem."""
    problems = [describe_problem(p) for p in exc.problems]
    if len(problems) == 1:
        err.print(f"[red]bad input:[/red] {escape(problems[0])}", highlight=False)
        return
    err.print("[red]bad input:[/red]")
    for problem in problems[:SHOWN_PROBLEMS]:
        err.print(f"  {problem}", markup=False, highlight=False)
    if len(problems) > SHOWN_PROBLEMS:
        err.print(f"  ... and {len(problems) - SHOWN_PROBLEMS} more problems")


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
        _bad_input(exc)
        sys.exit(ExitCode.INPUT)
    except PlanningError as exc:
        err.print(f"[red]no plan could be made:[/red] {escape(str(exc))}", highlight=False)
        sys.exit(ExitCode.NO_PLAN)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as exc:  # the last line of defence: exit 1, no traceback
        usage = _usage_error(exc)
        if usage is not None:
            sys.exit(usage)
        if os.environ.get("MOLTEN_DEBUG"):
            raise
        err.print(f"internal error: {type(exc).__name__}: {exc}", markup=False, highlight=False)
        err.print("set MOLTEN_DEBUG=1 to see the traceback")
        sys.exit(ExitCode.INTERNAL)


if __name__ == "__main__":
    main()
