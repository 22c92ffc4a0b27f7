"""The ``molten`` typer application and what its commands share.

Exit codes: 0 success; 1 internal error; 2 bad input (nothing written); 3 no plan could
be made; 4 the checker found violations; 5 another run holds the date's lock; 6 the
database cannot be reached.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from logistics.errors import InputError, InputProblem
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.network.overrides import apply_overrides, parse_assignments

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Plan road delivery of liquid recycled aluminium from smelters to die-casters.",
)
out = Console()
err = Console(stderr=True)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_NO_PLAN = 3
EXIT_VIOLATIONS = 4
EXIT_LOCKED = 5
EXIT_DATABASE = 6


def option_problem(option: str, message: str) -> InputProblem:
    """An input problem with a command-line option."""
    return InputProblem("command line", None, option, message)


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


def cpus() -> int:
    """CPUs this process may run on (affinity and container limits where the OS says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
