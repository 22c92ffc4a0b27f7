"""Shared fixtures: the tiny network, its dispatcher's plan, helpers to break one of its files."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from logistics import PlanOutcome, check, load_network, plan_day
from logistics.errors import InputError, InputProblem
from logistics.network.model import Network
from logistics.plan.options import PlanOptions

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"
TINY = TEST_DATA / "tiny"

#: The CSV files of every network folder, in load order.
NETWORK_CSVS = ("smelters.csv", "production.csv", "casters.csv", "fleet.csv", "orders.csv")


@pytest.fixture(scope="session")
def tiny_dir() -> Path:
    """The tiny network fixture, tests/data/tiny (read-only: copy it before changing a file)."""
    return TINY


def copy_tiny(dest: Path) -> Path:
    """Copy the tiny network into ``dest`` (created) and return ``dest``."""
    shutil.copytree(TINY, dest, dirs_exist_ok=True)
    return dest


@pytest.fixture
def copy_network(tmp_path: Path) -> Callable[[], Path]:
    """Factory: ``copy_network()`` copies tiny into ``tmp_path / "net"`` for breaking."""

    def make() -> Path:
        return copy_tiny(tmp_path / "net")

    return make


@pytest.fixture
def net_dir(copy_network: Callable[[], Path]) -> Path:
    """A fresh, writable copy of the tiny network."""
    return copy_network()


def tiny_with_managed_c1(dest: Path, consumption: str) -> Path:
    """The tiny network in ``dest`` with caster C1's orders removed and ``consumption``
    as its ``consumption.csv`` (C1's furnace on managed supply instead); ``dest``."""
    copy_tiny(dest)
    orders = dest / "orders.csv"
    rows = read_table(orders)
    caster = rows[0].index("caster_id")
    write_table(orders, [rows[0], *(r for r in rows[1:] if r[caster] != "C1")])
    (dest / "consumption.csv").write_text(consumption, encoding="utf-8")
    return dest


def read_table(path: Path) -> list[list[str]]:
    """A CSV file as a list of rows (header first)."""
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write_table(path: Path, rows: list[list[str]]) -> None:
    """Write rows (header first) as UTF-8 CSV."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as dicts (header → cell text)."""
    with path.open(newline="", encoding="utf-8") as fh:
        return [dict(row) for row in csv.DictReader(fh)]


def set_cell(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` is the spreadsheet row (header = 1, first data row = 2)."""
    rows = read_table(folder / file)
    rows[row - 1][rows[0].index(column)] = value
    write_table(folder / file, rows)


def only_problem(exc: pytest.ExceptionInfo[InputError]) -> InputProblem:
    """The single problem of an InputError (fails the test if there are several)."""
    problems = exc.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


@pytest.fixture(scope="session")
def tiny() -> Network:
    """tests/data/tiny, loaded."""
    return load_network(TINY)


@pytest.fixture(scope="session")
def tiny_outcome(tiny: Network) -> PlanOutcome:
    """The dispatcher's (greedy) plan of the tiny day, checked: fast and repeatable."""
    outcome = plan_day(tiny, PlanOptions(solver="greedy", time_limit_s=5))
    assert check(tiny, outcome.plan).ok
    return outcome
