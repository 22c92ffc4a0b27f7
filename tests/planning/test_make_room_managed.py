"""Room made for a managed delivery before the orders (planning/make_room.py).

One truck, T1, is on an order's trip (OB, 6 t) in the morning; two deliveries are left
for ``fleet`` in its hours: a caster's order O9 (two 3-t ladles) and a managed
delivery's lone 2-t ladle, lighter than ``MIN_TONNES`` (a lone ladle of an order rarely
pays for a move; one of a managed delivery does: left out, its furnace runs below its
minimum). T2 is free and can drive OB's trip instead, but not O9's or the managed
ladle (its ladles are too small for them). With managed deliveries told apart, the
managed ladle is tried first and whatever it weighs: OB moves to T2 and T1 pours the
managed ladle; without, the managed ladle is never tried and O9 takes T1.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from logistics.planning.insert import Inserted
from logistics.planning.jobs import Job
from logistics.planning.make_room import MIN_TONNES, make_room
from logistics.planning.schedule import TimedRun, TimedTrip

ORDER_T, MANAGED_T = 552.5, 3552.5  # penalties per tonne left, CNY/t


def _job(job_id: str, order_id: str, tonnes: float) -> Job:
    return Job(job_id, order_id, "C1", "ADC12", tonnes, 480, 600, 680.0, ())


def _trip(truck_id: str, jobs: list[Job], trip: int, start: int = 420) -> TimedTrip:
    runs = tuple(
        TimedRun(
            j,
            truck_id,
            trip,
            "S1",
            start,
            start + 15,
            start + 15,
            start + 60,
            start + 60,
            start + 75,
            740.0,
            700.0,
            30.0,
        )
        for j in jobs
    )
    return TimedTrip(runs, 0, start + 120)


OB = [_job("OB#1", "OB", 3.0), _job("OB#2", "OB", 3.0)]
O9 = [_job("O9#1", "O9", 3.0), _job("O9#2", "O9", 3.0)]
M1 = [_job("M-C1-ADC12-01#1", "M-C1-ADC12-01", 2.0)]
ALL = [*OB, *O9, *M1]
#: T2's ladles hold OB's 3-t ladles only in this world: it may drive OB, not O9 or M1.
T2_JOBS = {j.job_id for j in OB}


def _insert(kept: list[TimedTrip], jobs: list[Job], first: int, truck: str | None) -> Inserted:
    """One trip for all of ``jobs`` on the first truck free in the morning that may take
    them (``truck`` only where given); none where no truck is."""
    for truck_id in [truck] if truck is not None else ["T1", "T2"]:
        busy = any(t.runs[0].truck_id == truck_id for t in kept)
        allowed = truck_id == "T1" or all(j.job_id in T2_JOBS for j in jobs)
        if not busy and allowed:
            return Inserted([_trip(truck_id, jobs, first + 1)], [], {})
    return Inserted([], list(jobs), dict.fromkeys((j.job_id for j in jobs), "fleet"))


def _value(trips: list[TimedTrip]) -> float:
    """The penalty of every job not carried, CNY (the trips' own cost left out)."""
    placed = {r.job.job_id for t in trips for r in t.runs}
    return sum(
        j.tonnes * (MANAGED_T if j.order_id.startswith("M-") else ORDER_T)
        for j in ALL
        if j.job_id not in placed
    )


def _room(**extra: Any) -> tuple[dict[str, str], list[str]]:
    starts = {
        "T1": SimpleNamespace(truck=SimpleNamespace(ladle_t=3.0), location=0, ready=360),
        "T2": SimpleNamespace(truck=SimpleNamespace(ladle_t=3.0), location=0, ready=360),
    }
    left = [*O9, *M1]
    roomed = make_room(
        SimpleNamespace(),  # type: ignore[arg-type]  # one trip a truck: no drive is checked
        starts,  # type: ignore[arg-type]
        [_trip("T1", OB, 1)],
        left,
        dict.fromkeys((j.job_id for j in left), "fleet"),
        insert=_insert,
        value=_value,
        **extra,
    )
    trucks = {r.job.order_id: r.truck_id for t in roomed.trips for r in t.runs}
    return trucks, sorted(j.job_id for j in roomed.left)


def test_a_lone_managed_ladle_gets_the_freed_truck_before_an_order() -> None:
    assert sum(j.tonnes for j in M1) < MIN_TONNES
    trucks, left = _room(managed=lambda job: job.order_id.startswith("M-"))
    assert trucks == {"M-C1-ADC12-01": "T1", "OB": "T2"}
    assert left == ["O9#1", "O9#2"]


def test_without_managed_deliveries_told_apart_the_order_gets_it() -> None:
    trucks, left = _room()
    assert trucks == {"O9": "T1", "OB": "T2"}
    assert left == ["M-C1-ADC12-01#1"]


def test_the_managed_delivery_is_tried_before_the_order() -> None:
    """Once a group's move is kept the truck stays with it (the order's trip may not be
    moved again): whichever group is tried first gets T1, so this pins the order in
    which they are tried, managed first."""
    trucks, left = _room(
        movable=lambda trip: not any(r.job.order_id == "O9" for r in trip.runs),
        managed=lambda job: job.order_id.startswith("M-"),
    )
    assert trucks == {"M-C1-ADC12-01": "T1", "OB": "T2"}
    assert left == ["O9#1", "O9#2"]
