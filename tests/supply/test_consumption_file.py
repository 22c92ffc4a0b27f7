"""consumption.csv: loads into furnaces and bands; bad input names file, row and column."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logistics.errors import InputError
from logistics.network.loader import load_network
from tests.conftest import TINY, only_problem

MOLTEN = Path(sys.executable).parent / "molten"
HEAD = "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
GOOD = "C1,ADC12,orders,12,2,9,6,14,0.8,\nC1,ADC12,,,,,14.5,22,0.8,Mon;Tue\n"


def _folder(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "net"
    shutil.copytree(TINY, folder)
    (folder / "consumption.csv").write_text(HEAD + body, encoding="utf-8")
    return folder


def test_a_network_without_the_file_has_no_furnaces() -> None:
    network = load_network(TINY)
    assert network.furnaces == () and network.consumption == ()


def test_furnace_columns_come_from_the_first_row(tmp_path: Path) -> None:
    network = load_network(_folder(tmp_path, GOOD))
    (furnace,) = network.furnaces
    assert (furnace.capacity_t, furnace.min_level_t, furnace.start_level_t) == (12, 2, 9)
    assert furnace.supply == "orders"
    assert [b.weekdays for b in network.consumption] == [(), ("Mon", "Tue")]


@pytest.mark.parametrize(
    ("body", "row", "column", "says"),
    [
        ("C9,ADC12,managed,12,2,9,6,14,0.8,\n", 2, "caster_id", "unknown caster 'C9'"),
        ("C5,ADC12,orders,12,12,9,6,14,0.8,\n", 2, "min_level_t", "not below capacity_t"),
        ("C5,ADC12,orders,12,2,13,6,14,0.8,\n", 2, "start_level_t", "above capacity_t"),
        ("C5,ADC12,orders,12,2,9,14,6,0.8,\n", 2, "to_h", "to_h is not after from_h"),
        ("C5,ADC12,orders,12,2,9,6,14,51,\n", 2, "t_per_h", "outside the plausible range 0–50"),
        ("C5,ADC12,orders,600,2,9,6,14,1,\n", 2, "capacity_t", "plausible range 0.5–500"),
        ("C5,ADC12,orders,12,2,9,6,14,1,Fri;Xyz\n", 2, "weekdays", "unknown weekday 'Xyz'"),
        ("C5,ADC12,orders,,2,9,6,14,1,\n", 2, "capacity_t", "missing value"),
        ("C5,ADC12,orders,12,2,9,6,14,1,\nC5,ADC12,,,,,13,15,1,\n", 3, "from_h", "overlaps"),
        ("C5,ADC12,orders,12,2,9,6,14,1,\nC5,ADC12,,11,,,15,16,1,\n", 3, "capacity_t", "differs"),
        ("C4,A380,managed,12,2,9,6,14,1,\n", 2, "caster_id", "on managed supply"),
    ],
)
def test_bad_rows_name_file_row_and_column(
    tmp_path: Path, body: str, row: int, column: str, says: str
) -> None:
    with pytest.raises(InputError) as exc:
        load_network(_folder(tmp_path, body))
    problem = only_problem(exc)
    file = "orders.csv" if "managed supply" in says else "consumption.csv"
    assert (problem.file, problem.column) == (file, column)
    assert problem.row == (row if file == "consumption.csv" else 6)
    assert says in problem.message


def test_bad_input_exits_2_naming_the_cell(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "C5,ADC12,orders,12,2,9,6,14,51,\n")
    done = subprocess.run(
        [str(MOLTEN), "plan", str(folder), "--solver", "greedy", "--out", str(tmp_path / "p")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "consumption.csv, row 2, column 't_per_h'" in done.stderr
