"""Which orders' ladles give up their metal to a managed ladle, and why a ladle no truck
can reach in time is ``fleet``, not ``production``.

The network: tiny with C1's ADC12 furnace on managed supply (a managed ladle left out
costs 3,552.5 CNY/t, an order's 552.5: the drop penalties), ADC12 at S1 only from its
stock (no production during the day) and 30 t at S2. The jobs are built here: ``W`` is a
managed ladle that can fill only at S1, ranked after the orders' ladles.

Before, every order ladle ranked before ``W`` that merely listed S1 among its sources was
a candidate, the latest first, never put back, and each counted against ``W``'s penalty:
a ladle filled at S2 was left out for nothing (reported ``production`` though S2 had
30 t), seven such ladles used up the budget and ``W`` stayed short, and of two ladles
left out one that was not needed stayed out. Now only ladles filled at one of ``W``'s
smelters are candidates, and each left out is put back where ``W`` still fits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from logistics import load_network, plan_day
from logistics.network.model import Network
from logistics.plan.options import PlanOptions
from logistics.planning import assign
from logistics.planning.assign import assign_smelters
from logistics.planning.jobs import Job, Source
from tests.conftest import copy_tiny, tiny_with_managed_c1

CONSUMPTION = (
    "caster_id,alloy,supply,capacity_t,min_level_t,start_level_t,from_h,to_h,t_per_h,weekdays\n"
    "C1,ADC12,managed,10,1.5,9,0.0,24.0,0.5,\n"
)


def _network(dest: Path, s1_stock_t: float) -> Network:
    folder = tiny_with_managed_c1(dest, CONSUMPTION)
    rows = (folder / "production.csv").read_text(encoding="utf-8").splitlines()
    rows = [
        f"S1,ADC12,0,{s1_stock_t},730,780"
        if r.startswith("S1,ADC12,")
        else "S2,ADC12,0,30,730,780"
        if r.startswith("S2,ADC12,")
        else r
        for r in rows
    ]
    (folder / "production.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return load_network(folder)


@pytest.fixture(scope="module")
def six_t(tmp_path_factory: pytest.TempPathFactory) -> Network:
    """S1 with 6 t of ADC12."""
    return _network(tmp_path_factory.mktemp("six") / "net", 6.0)


def _job(job_id: str, order_id: str, latest_pour: int, smelters: list[str], t: float = 3.0) -> Job:
    caster = "C1" if order_id.startswith("M-") else "C2"
    sources = tuple(Source(s, 30, 30.0, 300, 1400, 0) for s in smelters)
    return Job(job_id, order_id, caster, "ADC12", t, 0, latest_pour, 700.0, sources)


W = _job("W", "M-C1-ADC12-1", 800, ["S1"])


def _where(network: Network, jobs: list[Job]) -> tuple[dict[str, str], list[str]]:
    result = assign_smelters(network, tuple(jobs))
    return (
        {a.job.job_id: a.source.smelter_id for a in result.assigned},
        [j.job_id for j in result.short_of_metal],
    )


def test_a_ladle_filled_at_another_smelter_keeps_its_metal(six_t: Network) -> None:
    # X is filled at S2 (the nearer listed): leaving it out frees none of S1's metal
    y, x = _job("Y", "O2", 600, ["S1"]), _job("X", "O2b", 670, ["S2", "S1"])
    z = _job("Z", "O2c", 660, ["S1"])
    where, short = _where(six_t, [y, x, z, W])
    assert where == {"Y": "S1", "X": "S2", "W": "S1"}
    assert short == ["Z"]


def test_ladles_filled_elsewhere_do_not_use_up_the_managed_ladles_budget(
    six_t: Network,
) -> None:
    # seven 3-t ladles at S2 would cost 7 x 3 x 552.5 > 3 x 3552.5 had they counted
    xs = [_job(f"X{k}", f"OX{k}", 670 + k, ["S2", "S1"]) for k in range(7)]
    y, z = _job("Y", "O2", 600, ["S1"]), _job("Z", "O2c", 660, ["S1"])
    where, short = _where(six_t, [y, z, *xs, W])
    assert where["W"] == "S1" and all(where[x.job_id] == "S2" for x in xs)
    assert short == ["Z"]


def test_a_ladle_left_out_that_was_not_needed_is_put_back(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # 7.5 t wanted of 6: leaving out B (1 t, the latest) is not enough, A and B are;
    # with A alone out, B's tonne and W's 3 t fit
    network = _network(tmp_path_factory.mktemp("put_back") / "net", 6.0)
    a, b = _job("A", "O2", 600, ["S1"], 3.5), _job("B", "O2b", 660, ["S1"], 1.0)
    where, short = _where(network, [a, b, W])
    assert where == {"B": "S1", "W": "S1"}
    assert short == ["A"]


def test_a_managed_ladle_no_truck_can_reach_takes_no_metal(
    six_t: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    # W must fill by 06:40 at S1, no truck is there before 07:00: no order ladle can
    # help, and none is tried without
    late_w = Job(
        "W", W.order_id, "C1", "ADC12", 3.0, 0, 800, 700.0, (Source("S1", 30, 30.0, 300, 400, 0),)
    )
    y, z = _job("Y", "O2", 600, ["S1"]), _job("Z", "O2c", 660, ["S1"])
    runs: list[int] = []
    real = assign._assign
    monkeypatch.setattr(assign, "_assign", lambda *a: runs.append(1) or real(*a))
    result = assign_smelters(six_t, (y, z, late_w), arrival={"S1": 420, "S2": 360})
    assert [j.job_id for j in result.short_of_metal] == ["W"]
    assert len(runs) == 1
    assert result.late == frozenset()  # S1's metal is gone by W's rank: not only the trucks


def test_an_order_no_truck_can_reach_where_metal_is_is_fleet(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # every truck at S2 from 06:00; ADC12 only at S1 (12 t), 74 minutes' drive away;
    # O9 (3 t at C1 by 07:20) must fill at S1 before a truck can be there
    folder = copy_tiny(tmp_path_factory.mktemp("far") / "net")
    fleet = (folder / "fleet.csv").read_text(encoding="utf-8").replace(",S1,", ",S2,")
    (folder / "fleet.csv").write_text(fleet, encoding="utf-8")
    rows = (folder / "production.csv").read_text(encoding="utf-8").splitlines()
    rows = [r for r in rows if not r.startswith("S2,ADC12")]
    (folder / "production.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    orders = (folder / "orders.csv").read_text(encoding="utf-8").splitlines()
    orders = [o for o in orders if o.split(",")[2] != "ADC12"]
    orders.append("O9,C1,ADC12,3,06:40,07:20,2026-11-22T16:00:00+08:00")
    (folder / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    network = load_network(folder)
    plan = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5)).plan
    assert not [r for r in plan.runs if r.order_id == "O9"]
    assert [(u.tonnes, u.reason) for u in plan.unserved if u.order_id == "O9"] == [(3.0, "fleet")]


def test_a_ladle_that_gives_up_its_smelter_fills_at_another(six_t: Network) -> None:
    # X (5 t) fills at S1, the nearer; W needs 3 of S1's 6 t: X moves to S2 (30 t),
    # it is not left out (before, it was: short for production though S2 had its metal)
    x = _job("X", "OX", 650, ["S1", "S2"], 5.0)
    where, short = _where(six_t, [x, W])
    assert where == {"X": "S2", "W": "S1"}
    assert short == []


def test_a_ladle_moved_away_does_not_let_another_move_in(six_t: Network) -> None:
    # A 3 t and B 2 t at S1, X (5 t) at S2 since S1 is full for it: W fits once B alone
    # gives up S1. With both A and B out, X would move into S1 and take 5 t of the 6:
    # before, that made the bisection's first trial fail and W was given up.
    a, b = _job("A", "OA", 600, ["S1"], 3.0), _job("B", "OB", 700, ["S1"], 2.0)
    x = _job("X", "OX", 650, ["S1", "S2"], 5.0)
    where, short = _where(six_t, [a, x, b, W])
    assert where == {"A": "S1", "X": "S2", "W": "S1"}
    assert short == ["B"]
