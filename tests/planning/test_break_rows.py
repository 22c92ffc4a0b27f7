"""A trip inserted before a kept trip may put a break before the kept trip's loaded leg:
the kept trip's rows must then still leave room for it.

The rows of a trip timed from a rested driver say it arrives at its caster one drive
after it leaves its smelter. Inserting another trip before it (the repair filling a gap,
two ladles of one order tried together) brings the driver to that smelter with too
little continuous driving left and no wait there long enough to rest, so the day's walk
lists a break at the smelter before the loaded leg. The walk's arrival (break included)
is still before the pour, but the kept trip's ``arrive`` row is not: the independent
checker reads the leg as due by the row's ``arrive`` and flags it. Such an insertion is
refused; where the rows leave room for the break, it is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.planning.drivers import drive_minutes, rules_of, walk_runs
from logistics.planning.gap_walk import stays_legal, walk_once
from tests.planning.test_drivers import ruled  # noqa: F401  (fixture: 1 h driving, 20 min rest)


@dataclass(frozen=True)
class Row:
    """A run's fields the drivers' walk reads, minutes from the plan origin."""

    truck_id: str
    trip: int
    smelter_id: str
    caster_id: str
    fill_start: float
    fill_end: float
    depart: float
    arrive: float
    pour_start: float
    pour_end: float


def _day(network: Network, travel: Travel, rows_with_break: bool) -> tuple[Row, Row]:
    """Truck T1 (home S1, shift from 06:00): an early trip S1 → C1 and back, then a
    kept trip S1 → C2 filled a few minutes after it is back, poured an hour after it
    arrives; its ``arrive`` with or without the break the walk puts at S1."""
    s1, c1, c2 = travel.smelter("S1"), travel.caster("C1"), travel.caster("C2")
    start = network.minutes(network.truck_by_id["T1"].shift_start)
    depart = start + 15
    arrive = depart + drive_minutes(travel, s1, c1, depart)
    early = Row("T1", 1, "S1", "C1", start, start + 15, depart, arrive, arrive, arrive + 15)
    # Back at S1 after a rest at C1 (the leg would pass the 1 h limit): 20 + the drive.
    back = early.pour_end + 20 + drive_minutes(travel, c1, s1, early.pour_end + 20)
    fill = back + 5  # no wait long enough to rest: a break is due before the loaded leg
    leave = fill + 15
    there = leave + (20 if rows_with_break else 0) + drive_minutes(travel, s1, c2, leave)
    kept = Row("T1", 2, "S1", "C2", fill, fill + 15, leave, there, leave + 90, leave + 105)
    return early, kept


@pytest.mark.parametrize("rows_with_break", [False, True])
def test_an_insertion_before_a_trip_keeps_its_rows_true_to_the_breaks(
    ruled: Network,  # noqa: F811
    rows_with_break: bool,
) -> None:
    travel = Travel.of(ruled)
    rules = rules_of(ruled)
    assert rules is not None
    truck = ruled.truck_by_id["T1"]
    home = (travel.smelter("S1"), "S1", float(ruled.minutes(truck.shift_start)))
    early, kept = _day(ruled, travel, rows_with_break)
    # The walk puts a break at S1 before the kept trip's loaded leg, and it fits before
    # the pour (the rule the walk applied before):
    listed = walk_runs(rules, ruled, travel, truck, home, [early, kept], fixed=True)
    breaks = [s for s in listed.stops if s.kind == "break" and s.where == "S1"]
    assert [(s.start, s.end) for s in breaks] == [(kept.depart, kept.depart + 20)]
    assert (
        kept.depart
        + 20
        + drive_minutes(travel, travel.smelter("S1"), travel.caster("C2"), kept.depart)
        <= kept.pour_start
    )
    # Only rows that leave room for that break make the day legal:
    walked = walk_runs(rules, ruled, travel, truck, home, [early, kept])
    assert (not walked.dropped) == rows_with_break
    alone = walk_once(rules, ruled, travel, truck, home, [kept])
    assert stays_legal(alone, [early]) == rows_with_break
