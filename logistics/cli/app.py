"""The ``molten`` typer application and what its commands share.

Exit codes are :class:`logistics.runtime.exit_codes.ExitCode`: 0 success; 1 internal
error; 2 bad input (nothing written); 3 no plan could be made; 4 the checker found
violations; 5 another run holds the date's lock; 6 the database cannot be reached; 7 the
nightly job reached its wall-time limit; 130 interrupted.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console

from logistics.errors import InputError, InputProblem
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.network.overrides import apply_overrides, parse_assignments
from logistics.plan.options import SOLVERS, PlanOptions

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Plan road delivery of liquid recycled aluminium from smelters to die-casters.",
)
out = Console()
#: Errors and warnings: never wrapped, so each message stays one line however narrow the
#: terminal (rich wraps at 80 columns when stderr is not a terminal).
err = Console(stderr=True, soft_wrap=True)


#: The ``file`` of an input problem with the command line rather than a file.
COMMAND_LINE = "command line"


def option_problem(option: str, message: str) -> InputProblem:
    """An input problem with a command-line option (``--solver``) or argument (``DIR``)."""
    return InputProblem(COMMAND_LINE, None, option, message)


def describe_problem(problem: InputProblem) -> str:
    """One problem as the user reads it: a file's file, row and column, or the option.

    Problems with the command line read ``option --solver: use one of ortools, greedy``
    or ``argument DIR: /data/net is not empty``, not as if the command line were a file.
    """
    if problem.file != COMMAND_LINE or problem.row is not None:
        return str(problem)
    if problem.column is None:
        return problem.message
    kind = "option" if problem.column.startswith("-") else "argument"
    return f"{kind} {problem.column}: {problem.message}"


def parse_date(text: str | None, option: str = "--date") -> date | None:
    """``YYYY-MM-DD`` or ``None``; an input error naming the option otherwise."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(option_problem(option, f"'{text}' is not YYYY-MM-DD")) from None


def load(
    network_dir: Path, plan_date: date | None, orders: Path | None, sets: list[str] | None
) -> Network:
    """Load a network folder with ``--orders`` and ``--set`` applied."""
    network = load_network(network_dir, plan_date, orders_file=orders)
    if sets:
        params = apply_overrides(network.params, parse_assignments(sets))
        network = network.model_copy(update={"params": params})
    return network


#: The command-line option of each :class:`PlanOptions` field, for messages.
OPTION_OF_FIELD = {
    "solver": "--solver",
    "time_limit_s": "--time-limit",
    "seed": "--seed",
    "workers": "--workers",
    "solution_limit": "--solution-limit",
    "part_jobs": "--part-jobs",
    "portfolio": "--portfolio",
    "replan_mode": "--mode",
}


def plan_options(**fields: Any) -> PlanOptions:
    """The :class:`PlanOptions` of a command's options; bad values name the option.

    ``workers=None`` takes the CPUs this process may run on, at most 4.

    Raises
    ------
    InputError
        One problem per option out of range (``option --time-limit: must be > 0``).
    """
    if fields.get("workers") is None:
        fields["workers"] = min(4, cpus())
    try:
        return PlanOptions(**fields)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            option = OPTION_OF_FIELD.get(name, name)
            problems.append(option_problem(option, _option_message(error)))
        raise InputError(problems) from None


def _option_message(error: Any) -> str:
    """A pydantic error on an option in the command line's words."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "literal_error" and error["loc"] and error["loc"][0] == "solver":
        return f"use one of {', '.join(SOLVERS)}"
    if kind == "literal_error" and error["loc"] and error["loc"][0] == "replan_mode":
        return "use insert or reoptimise"
    if kind == "greater_than":
        return "must be positive" if ctx.get("gt") == 0 else f"must be more than {ctx.get('gt')}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    return str(error["msg"]).removeprefix("Value error, ")


def cpus() -> int:
    """CPUs this process may run on (affinity and container limits where the OS says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
