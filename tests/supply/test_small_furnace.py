"""A cell's dosing furnace smaller than a ladle, on managed supply with part-filled
ladles (``[supply] whole_ladles = false``): each delivery is at most the furnace's room.

The tiny network's C1 as a 0.5-t furnace (the documented low end of a cell's holding
furnace) drawing 0.1 t/h, served by 3-t ladles: the measured deliveries were cut at the
tonnes the furnace needed by the day's end (2.4 t), which never fit under its capacity,
so none was cut and the level fell to -1.9 t with no delivery reported unserved (the
checker's ``furnace_low``; ``molten plan`` exit 1, nothing written).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from logistics import check, load_network
from logistics.pipeline import plan_day
from logistics.pipeline.supply_switch import supplied_casters, switch_supply, too_small
from logistics.plan.options import PlanOptions
from tests.conftest import tiny_with_managed_c1

CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    "C1,ADC12,managed,0.5,0,0.5,0,24,0.1,\n"
)
MOLTEN = Path(sys.executable).parent / "molten"


@pytest.mark.parametrize("solver", ["greedy", "ortools"])
def test_a_furnace_smaller_than_a_ladle_gets_deliveries_it_can_take(
    tmp_path: Path, solver: str
) -> None:
    folder = tiny_with_managed_c1(tmp_path / "net", CONSUMPTION)
    with (folder / "network.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[supply]\nwhole_ladles = false\n")
    network = load_network(folder)
    outcome = plan_day(network, PlanOptions(solver=solver, time_limit_s=2))
    assert outcome.report.ok and check(network, outcome.plan).ok
    managed = [r for r in outcome.plan.runs if r.order_id.startswith("M-C1-")]
    assert managed and all(r.tonnes <= 0.5 + 1e-9 for r in managed)


def test_with_whole_ladles_such_a_furnace_is_bad_input_naming_its_row(tmp_path: Path) -> None:
    """With whole ladles (the default) no 3-t ladle ever fits the 0.5-t furnace: the
    command used to plan it, the checker then rejected the plan (``furnace_low``) and
    ``molten plan`` exited 1 with nothing written. Now the folder is bad input: exit 2,
    naming consumption.csv, the furnace's first row and ``capacity_t``."""
    folder = tiny_with_managed_c1(tmp_path / "net", CONSUMPTION)
    out = tmp_path / "out"
    done = subprocess.run(
        [str(MOLTEN), "plan", str(folder), "--out", str(out), "--time-limit", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "consumption.csv, row 2, column 'capacity_t'" in done.stderr
    assert "whole_ladles = false" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_the_what_if_switch_does_not_offer_such_a_caster(tmp_path: Path) -> None:
    body = CONSUMPTION.replace("C1,ADC12,managed,", "C1,ADC12,orders,")
    network = load_network(tiny_with_managed_c1(tmp_path / "net", body))
    assert too_small(network) == ("C1",)
    assert "C1" not in supplied_casters(network)
    with pytest.raises(ValueError, match="no whole ladle fits"):
        switch_supply(network, ["C1"])
