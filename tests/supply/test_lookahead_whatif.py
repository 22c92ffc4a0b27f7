"""A what-if on the plan day's fleet holds on the look-ahead's later days.

The managed tiny network over Monday and Tuesday, where ``fleet.csv`` takes T2 out on
Tuesday (a dated row): the folder's Tuesday differs from its Monday. A what-if that
takes T3 out of Monday's fleet in memory looks ahead with T3 out on Tuesday too, as if
the folder said so for both days; a truck added in memory comes along; a truck the
folder has its own row for on Tuesday is as that row says.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from logistics import load_network
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.pipeline import day as pipeline_day
from logistics.pipeline.supply import lookahead_days
from logistics.plan.options import DayState, PlanOptions
from logistics.planning.horizon_supply import decide_deliveries
from tests.network.test_dated_rows import with_rows

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)


@pytest.fixture(scope="module")
def t2_out_tuesday(managed_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The managed tiny network with T2 in the workshop on Tuesday."""
    net = tmp_path_factory.mktemp("t2out") / "net"
    shutil.copytree(managed_dir, net)
    with_rows(
        net,
        "fleet.csv",
        ["date", "available"],
        [{"truck_id": "T2", "date": str(TUE), "available": "no"}],
    )
    return net


@pytest.fixture(scope="module")
def t3_out_both(t2_out_tuesday: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with T3 written out on Monday and on Tuesday (the what-if on disk)."""
    net = tmp_path_factory.mktemp("t3out") / "net"
    shutil.copytree(t2_out_tuesday, net)
    rows = [{"truck_id": "T3", "date": str(d), "available": "no"} for d in (MON, TUE)]
    with_rows(net, "fleet.csv", ["date", "available"], rows)
    return net


def _without(network: Network, truck_id: str) -> Network:
    """The network with a truck taken out of its fleet in memory (a what-if)."""
    return network.model_copy(
        update={"fleet": tuple(t for t in network.fleet if t.truck_id != truck_id)}
    )


def _ids(network: Network, trucks_out: tuple[str, ...] = ()) -> list[str]:
    (tuesday,) = lookahead_days(network, trucks_out)
    return sorted(t.truck_id for t in tuesday.fleet)


def test_a_truck_taken_out_in_memory_stays_out_on_tuesday(t2_out_tuesday: Path) -> None:
    loaded = load_network(t2_out_tuesday, MON)
    assert _ids(loaded) == ["T1", "T3"]  # the folder's Tuesday
    assert _ids(_without(loaded, "T3")) == ["T1"]  # the what-if holds on Tuesday
    # a re-plan's truck out of service (kept in the fleet for its runs under way)
    assert _ids(loaded, ("T3",)) == ["T1"]
    # also without a folder (a network built in memory): the plan day's fleet less it
    bare = loaded.model_copy(update={"folder": None})
    assert _ids(bare, ("T3",)) == ["T1", "T2"]
    assert lookahead_days(bare) == ()


def test_the_what_if_in_memory_decides_as_the_same_on_disk(
    t2_out_tuesday: Path, t3_out_both: Path
) -> None:
    what_if = _without(load_network(t2_out_tuesday, MON), "T3")
    on_disk = load_network(t3_out_both, MON)
    assert what_if.fleet == on_disk.fleet
    (mem,), (disk,) = lookahead_days(what_if), lookahead_days(on_disk)
    assert mem.fleet == disk.fleet and mem.production == disk.production
    travel = Travel.of(on_disk)
    decided = decide_deliveries(what_if, travel, ahead=lookahead_days(what_if))
    expected = decide_deliveries(on_disk, travel, ahead=lookahead_days(on_disk))
    assert decided.keys() == expected.keys()
    for key, hours in expected.items():
        assert decided[key] == pytest.approx(hours, abs=1e-6)


def test_added_changed_and_folder_rows(t2_out_tuesday: Path) -> None:
    loaded = load_network(t2_out_tuesday, MON)
    t1, t2 = loaded.truck_by_id["T1"], loaded.truck_by_id["T2"]
    hired = t1.model_copy(update={"truck_id": "T9", "ladle_t": 4.0})
    late = t1.model_copy(update={"shift_start": t1.shift_start.replace(hour=10)})
    t2_long = t2.model_copy(update={"shift_end": t2.shift_end.replace(hour=23)})
    fleet = (late, t2_long, loaded.truck_by_id["T3"], hired)
    (tuesday,) = lookahead_days(loaded.model_copy(update={"fleet": fleet}))
    by_id = {t.truck_id: t for t in tuesday.fleet}
    assert sorted(by_id) == ["T1", "T3", "T9"]  # T2: the folder's own row for Tuesday
    assert tuesday.offset_min == 0.0
    assert all(t.shift_start.astimezone(loaded.tz).date() == TUE for t in tuesday.fleet)
    assert by_id["T9"].ladle_t == 4.0  # added in memory: comes along
    assert by_id["T1"].shift_start.astimezone(loaded.tz).hour == 10  # changed: holds
    assert by_id["T3"] == load_network(t2_out_tuesday, TUE).truck_by_id["T3"]  # as loaded
    # production changed in memory where the folder's Tuesday row is Monday's: holds
    more = tuple(p.model_copy(update={"rate_tph": p.rate_tph + 1.0}) for p in loaded.production)
    (tuesday,) = lookahead_days(loaded.model_copy(update={"production": more}))
    assert tuesday.production == more


def test_plan_day_hands_a_replans_trucks_out_to_the_lookahead(
    t2_out_tuesday: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, ...]] = []
    real = pipeline_day.plan_supplied

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(tuple(kwargs.get("trucks_out", ())))
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline_day, "plan_supplied", spy)
    network = load_network(t2_out_tuesday, MON)
    state = DayState(unavailable_trucks=("T3",))
    outcome = pipeline_day.plan_day(network, PlanOptions(solver="greedy", time_limit_s=5), state)
    assert seen == [("T3",)]
    assert outcome.ok and all(r.truck_id != "T3" for r in outcome.plan.runs)
