"""Room made for a leftover by moving a trip in its way to another truck (planning/make_room.py).

A small fuzzed day with a ladle pool (benchmarks/fuzz.py, seed 140): five trucks, six
orders. The dispatcher's plan gives O5 (3 t at C3, 16:38–16:58) to T4, the one truck
whose shift lasts past 18:00; O3 (12 t at C2, 18:17–18:47) is then left for ``fleet``:
T4 is the only truck still on shift at its pour, and its trip for O5 keeps it away when
O3's ladle would have to be filled. T5, on shift until 18:00, can drive O5's trip as
well. Moving that trip to T5 frees T4 for a ladle of O3: the plan keeps every rule of
the independent checker, carries 3 t more, and its objective recomputed from the rows
(route cost, superheat and the penalty of every servable tonne left) is lower.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import logistics.planning.make_room as make_room
import logistics.planning.solve as solve
from benchmarks.fuzz import write_random_network
from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.pipeline import plan_day
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from tests.helpers import objective_from_rows

SEED = 140  # a small day with a pool: a trip on the one late truck keeps it from O3


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    folder: Path = tmp_path_factory.mktemp("small-140")
    write_random_network(folder, SEED)
    loaded = load_network(folder)
    assert loaded.ladles and len(loaded.fleet) == 5
    return loaded


def _plan(network: Network, make_room: bool) -> Plan:
    # a limit the dispatcher never reaches: the plan does not depend on the machine's speed
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(solve, "MAKE_ROOM", make_room, raising=False)
        plan = plan_day(network, PlanOptions(solver="greedy", time_limit_s=900)).plan
    report = check(network, plan)
    assert report.ok, [str(v) for v in report.violations]
    return plan


def _delivered(plan: Plan, order_id: str) -> float:
    return sum(r.tonnes for r in plan.runs if r.order_id == order_id)


def _trucks(plan: Plan, order_id: str) -> set[str]:
    return {r.truck_id for r in plan.runs if r.order_id == order_id}


def _left(plan: Plan, order_id: str, reason: str) -> float:
    return sum(u.tonnes for u in plan.unserved if u.order_id == order_id and u.reason == reason)


def test_a_trip_moved_to_another_truck_makes_room_for_a_leftover(network: Network) -> None:
    before, after = _plan(network, False), _plan(network, True)
    assert _delivered(before, "O3") == 0.0
    assert _left(before, "O3", "fleet") == pytest.approx(12.0)
    assert _trucks(before, "O5") == {"T4"}
    # O5's trip moved to T5; T4, the only truck on shift at O3's pour, carries a ladle of O3
    assert _trucks(after, "O5") == {"T5"}
    assert _delivered(after, "O5") == _delivered(before, "O5")
    assert _trucks(after, "O3") == {"T4"}
    assert _delivered(after, "O3") == pytest.approx(3.0)
    assert _left(after, "O3", "fleet") == pytest.approx(9.0)
    total = sum(r.tonnes for r in after.runs)
    assert total == pytest.approx(sum(r.tonnes for r in before.runs) + 3.0)
    assert objective_from_rows(network, after) < objective_from_rows(network, before) - 300.0


def test_without_leftovers_worth_a_move_the_plan_is_unchanged(network: Network) -> None:
    """Leftovers lighter than :data:`~logistics.planning.make_room.MIN_TONNES` are not
    tried: with it above the day's every order, the plan is the dispatcher's as before."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(make_room, "MIN_TONNES", 100.0)
        same = _plan(network, True)
    before = _plan(network, False)
    assert [r.model_dump() for r in same.runs] == [r.model_dump() for r in before.runs]


def test_a_move_keeps_each_trucks_trips_a_day(
    network: Network, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The same day with every truck allowed (``fleet.csv`` ``max_trips``) the trips it
    makes without moves: the moved trip's ladles may not go on a truck as a trip more
    (they did: T5 made 3 trips where it may make 2, and the checker rejected the plan)."""
    import csv
    import io

    folder: Path = tmp_path_factory.mktemp("small-140-max-trips")
    write_random_network(folder, SEED)
    before = _plan(network, False)
    made: dict[str, int] = {}
    for truck_id, _ in {(r.truck_id, r.trip) for r in before.runs}:
        made[truck_id] = made.get(truck_id, 0) + 1
    rows = list(csv.reader(io.StringIO((folder / "fleet.csv").read_text(encoding="utf-8"))))
    rows[0].append("max_trips")
    for row in rows[1:]:
        row.append(str(made.get(row[0], 0) or 1))
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    (folder / "fleet.csv").write_text(text.getvalue(), encoding="utf-8")
    limited = load_network(folder)
    after = _plan(limited, True)  # the checker's verdict is asserted in _plan
    trips: dict[str, set[int]] = {}
    for r in after.runs:
        trips.setdefault(r.truck_id, set()).add(r.trip)
    assert all(len(trips[t]) <= (made.get(t, 0) or 1) for t in trips)
    assert sum(r.tonnes for r in after.runs) >= sum(r.tonnes for r in before.runs)
