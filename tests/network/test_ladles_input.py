"""``ladles.csv`` and ``[ladles]``: read, validated, every problem with file, row, column.

A folder without ``ladles.csv`` has no pool (its trucks carry their own ladles, as
before); a bad row is an input error, exit code 2 on the command line.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logistics.errors import InputError
from logistics.network.loader import load_network
from tests.conftest import TEST_DATA, only_problem, set_cell

MOLTEN = str(Path(sys.executable).parent / "molten")


@pytest.fixture
def pool_dir(net_dir: Path) -> Path:
    """A copy of tiny with the pool of tests/data/tiny_ladles."""
    shutil.copy(TEST_DATA / "tiny_ladles" / "ladles.csv", net_dir / "ladles.csv")
    return net_dir


def test_no_ladles_csv_no_pool(net_dir: Path) -> None:
    assert load_network(net_dir).ladles == ()


def test_the_pool_loads(pool_dir: Path) -> None:
    network = load_network(pool_dir)
    by_id = {lad.ladle_id: lad for lad in network.ladles}
    assert len(by_id) == 9
    assert by_id["L3"].hot_since is None
    assert by_id["L1"].hot_since == network.at(4.5 * 60)
    assert by_id["L6"].fills_left_before_relining == 0


@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("hot_since", "warm", "or 'cold'"),
        ("home_smelter", "S9", "unknown smelter 'S9' (not in smelters.csv)"),
        ("capacity_t", "30", "30 is outside the plausible range 0.5–20 t"),
        ("tau_h", "1", "1 is outside the plausible range 2–200 h"),
        ("fills_since_cleaning", "1.5", "is not a whole number"),
        ("fills_left_before_relining", "-1", "outside the plausible range 0–10,000 fills"),
    ],
)
def test_a_bad_cell_names_file_row_and_column(
    pool_dir: Path, column: str, value: str, says: str
) -> None:
    set_cell(pool_dir, "ladles.csv", 3, column, value)
    with pytest.raises(InputError) as exc:
        load_network(pool_dir)
    problem = only_problem(exc)
    assert (problem.file, problem.row, problem.column) == ("ladles.csv", 3, column)
    assert says in problem.message


def test_a_duplicate_ladle_is_named(pool_dir: Path) -> None:
    set_cell(pool_dir, "ladles.csv", 3, "ladle_id", "L1")
    with pytest.raises(InputError) as exc:
        load_network(pool_dir)
    assert str(only_problem(exc)).startswith("ladles.csv, row 3, column 'ladle_id': duplicate")


def test_a_bad_ladles_csv_exits_2(pool_dir: Path, tmp_path: Path) -> None:
    set_cell(pool_dir, "ladles.csv", 2, "capacity_t", "heavy")
    done = subprocess.run(
        [MOLTEN, "plan", str(pool_dir), "--time-limit", "2", "--out", str(tmp_path / "p")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "ladles.csv, row 2, column 'capacity_t'" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_ladles_parameters_are_ranged(pool_dir: Path) -> None:
    with (pool_dir / "network.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[ladles]\npreheat_min = 5\n")
    with pytest.raises(InputError) as exc:
        load_network(pool_dir)
    problem = only_problem(exc)
    assert problem.column == "[ladles] preheat_min"
    assert problem.message == "5 is outside the plausible range 10–600 min"
