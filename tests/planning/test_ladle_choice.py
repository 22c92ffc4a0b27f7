"""Which ladle of a pool the pass gives a run, and when it preheats one.

On the ``late_ladle`` network (one smelter 10 minutes from one caster), runs are timed by
hand and given to :func:`~logistics.planning.ladles.assign_ladles`:

* a run keeps the ladle that fits it most tightly, so the better-insulated one stays free
  for the run only it can take (the hottest-first rule gave it away and left that run
  without a ladle);
* with one burner stand, two runs each needing a cold ladle preheated shortly before its
  fill are both served: the first preheat is booked early enough to leave the stand free
  for the second (booked as late as possible before its own fill, it took the only hours
  in which the second could be preheated), and then moved as late as the stand allows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.planning.jobs import Job
from logistics.planning.ladles import assign_ladles
from logistics.planning.schedule import TimedRun, TimedTrip
from tests.conftest import TEST_DATA

FLEET = """truck_id,home_smelter,ladles,ladle_t,tau_h,shift_start,shift_end,cost_per_km,cost_per_h
T1,S1,1,3,30,05:00,20:00,,
T2,S1,1,3,55,05:00,20:00,,
"""


def _network(tmp_path: Path, ladles: str, toml: str = "") -> Network:
    folder = tmp_path / "net"
    shutil.copytree(TEST_DATA / "late_ladle", folder)
    (folder / "fleet.csv").write_text(FLEET, encoding="utf-8")
    header = "ladle_id,home_smelter,capacity_t,tau_h,hot_since,fills_since_cleaning,"
    header += "fills_left_before_relining\n"
    (folder / "ladles.csv").write_text(header + ladles, encoding="utf-8")
    with (folder / "network.toml").open("a", encoding="utf-8") as handle:
        handle.write(toml)
    return load_network(folder)


def _trip(truck_id: str, fill_start: int, order_id: str) -> TimedTrip:
    """A one-run trip filled at ``fill_start`` (minutes), poured 45 minutes later."""
    job = Job(order_id, order_id, "C1", "ADC12", 3.0, 0, 24 * 60, 700.0, ())
    run = TimedRun(
        job=job,
        truck_id=truck_id,
        trip=1,
        smelter_id="S1",
        fill_start=fill_start,
        fill_end=fill_start + 15,
        depart=fill_start + 15,
        arrive=fill_start + 30,
        pour_start=fill_start + 30,
        pour_end=fill_start + 45,
        tap_c=735.0,
        arrival_c=720.0,
        road_km=6.0,
    )
    return TimedTrip(runs=(run,), end_location=0, end_time=fill_start + 60)


def test_a_run_takes_the_ladle_that_fits_it_most_tightly(tmp_path: Path) -> None:
    """L2 is the hotter, but only it is insulated well enough for T2's run: T1 (τ 30 h)
    takes L1, T2 (τ 55 h) L2, and both are served."""
    network = _network(
        tmp_path,
        "L1,S1,3,30,06:00,0,200\nL2,S1,3,55,07:00,0,200\n",
        "\n[ladles]\npreheat_stands = 0\n",
    )
    trips = [_trip("T1", 7 * 60 + 30, "O1"), _trip("T2", 7 * 60 + 40, "O2")]
    plan = assign_ladles(network, Travel.of(network), trips)
    assert plan.dropped == ()
    assert plan.uses[("T1", 1, "O1")][0] == "L1"
    assert plan.uses[("T2", 1, "O2")][0] == "L2"


def test_one_stand_preheats_two_cold_ladles_for_fills_close_together(tmp_path: Path) -> None:
    """Ladles cold 101 minutes after a preheat (``empty_tau_h`` 4 h), one stand, 120-minute
    preheats, fills at 10:00 and 10:40: each preheat must end within 101 minutes before its
    fill, so the first must end by 08:40 for the second to fit."""
    network = _network(
        tmp_path,
        "L1,S1,3,55,cold,0,200\nL2,S1,3,55,cold,0,200\n",
        "\n[ladles]\npreheat_stands = 1\nempty_tau_h = 4\n",
    )
    trips = [_trip("T1", 10 * 60, "O1"), _trip("T2", 10 * 60 + 40, "O2")]
    plan = assign_ladles(network, Travel.of(network), trips)
    assert plan.dropped == ()
    first, second = sorted(plan.preheats, key=lambda p: p.start)
    assert first.end <= second.start  # one stand, one ladle at a time
    assert second.end == 10 * 60 + 40  # moved as late as its fill: the lining is at ready_c
    assert plan.uses[("T2", 1, "O2")][1] == pytest.approx(0.0)
    assert first.end == second.start  # then the first as late as the second lets it
    params, ambient = network.params.ladles, network.params.thermal.ambient_c
    lining = params.lining_c((10 * 60 - first.end) / 60.0, ambient)
    assert lining >= params.cold_below_c  # not cold again by its fill
    assert plan.uses[("T1", 1, "O1")][1] == pytest.approx(params.drop_c(lining), abs=0.1)
