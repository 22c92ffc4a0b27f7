"""``molten cost`` (the installed script): break-even with and without dross disposal."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logistics.economics.radius import radius_by_dross
from logistics.network.params import Params

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
MOLTEN = Path(sys.executable).parent / "molten"


def molten(*args: str) -> subprocess.CompletedProcess[str]:
    assert MOLTEN.is_file(), f"the console script is not installed at {MOLTEN}"
    return subprocess.run([str(MOLTEN), *args], capture_output=True, text=True, timeout=120)


def network_with(tmp_path: Path, toml_tail: str) -> Path:
    """A copy of tiny whose network.toml ends with ``toml_tail``."""
    folder = tmp_path / "net"
    shutil.copytree(TINY, folder)
    toml = folder / "network.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n" + toml_tail, encoding="utf-8")
    return folder


def test_cost_table_shows_both_break_evens() -> None:
    result = molten("cost")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    both = radius_by_dross(Params())
    with_km = f"{round(both['with_dross'].break_even_km):,} km"
    without_km = f"{round(both['without_dross'].break_even_km):,} km"
    assert (with_km, without_km) == ("131 km", "111 km")
    assert any("break-even, with dross" in ln and with_km in ln for ln in lines), result.stdout
    assert any("break-even, without" in ln and without_km in ln for ln in lines), result.stdout
    assert any("120–160 km" in ln for ln in lines)
    assert any("1,010" in ln for ln in lines)  # the ingot route with its dross


def test_cost_json_gives_both_and_the_switch_restores_the_seed(tmp_path: Path) -> None:
    counted = json.loads(molten("cost", "--json").stdout)
    assert counted["break_even_km"] == 130.5
    assert counted["by_dross"]["with_dross"]["break_even_km"] == 130.5
    assert counted["by_dross"]["without_dross"]["break_even_km"] == 111.3
    off = molten("cost", "--json", "--set", "economics.count_dross=false")
    assert off.returncode == 0, off.stderr
    seed = json.loads(off.stdout)
    assert seed["ingot"]["total_cny_t"] == 930
    assert seed["break_even_km"] == 111.3
    assert seed["by_dross"]["counted"] is False
    assert seed["by_dross"]["with_dross"] == counted["by_dross"]["with_dross"]
    # the same switch written in network.toml
    folder = network_with(tmp_path, "[economics]\ncount_dross = false\n")
    from_file = json.loads(molten("cost", "--json", "--network", str(folder)).stdout)
    assert from_file["ingot"]["total_cny_t"] == 930
    by = from_file["by_dross"]  # tiny's typical truck: its own break-evens
    assert from_file["break_even_km"] == by["without_dross"]["break_even_km"]
    assert by["without_dross"]["break_even_km"] < by["with_dross"]["break_even_km"]


@pytest.mark.parametrize(
    ("tail", "column", "says"),
    [
        ("[emissions]\ndross_t_per_t = -0.01\n", "[emissions] dross_t_per_t", "0–0.2 t/t"),
        ("[emissions]\ndross_t_per_t = 0.25\n", "[emissions] dross_t_per_t", "0–0.2 t/t"),
        (
            "[emissions]\ndross_disposal_cny_t = -5\n",
            "[emissions] dross_disposal_cny_t",
            "0–20,000 CNY/t",
        ),
        (
            "[emissions]\ndross_disposal_cny_t = 25000\n",
            "[emissions] dross_disposal_cny_t",
            "0–20,000 CNY/t",
        ),
        ("[economics]\ncount_dross = 'maybe'\n", "[economics] count_dross", "valid boolean"),
        ("[economics]\ncount_dross = 1\n", "[economics] count_dross", "valid boolean"),
    ],
)
def test_bad_dross_figures_exit_2_naming_the_key(
    tmp_path: Path, tail: str, column: str, says: str
) -> None:
    folder = network_with(tmp_path, tail)
    result = molten("cost", "--network", str(folder))
    assert result.returncode == 2, result.stdout + result.stderr
    message = result.stderr + result.stdout
    assert "network.toml" in message and column in message and says in message, message
    assert "Traceback" not in message


def test_a_bad_switch_on_the_command_line_exits_2() -> None:
    result = molten("cost", "--set", "economics.count_dross=maybe")
    assert result.returncode == 2
    assert "economics.count_dross" in result.stderr + result.stdout
