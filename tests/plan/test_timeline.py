"""A truck's day as segments: in order, without overlaps, home at the end."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from logistics import PlanOutcome
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.timeline import plan_segments


def test_segments_of_a_checked_plan_never_overlap(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    segments = plan_segments(tiny, tiny_outcome.plan, tiny_outcome.travel)
    for truck in {s.truck_id for s in segments}:
        driving = sorted(
            (s for s in segments if s.truck_id == truck and s.kind in ("drive", "pour", "return")),
            key=lambda s: s.start,
        )
        for a, b in itertools.pairwise(driving):
            assert a.end <= b.start + timedelta(seconds=1), (a, b)


def test_the_day_ends_with_the_drive_home(tiny: Network, tiny_outcome: PlanOutcome) -> None:
    travel = Travel.of(tiny)
    segments = plan_segments(tiny, tiny_outcome.plan, tiny_outcome.travel)
    for truck in {s.truck_id for s in segments}:
        last = max((s for s in segments if s.truck_id == truck), key=lambda s: s.end)
        home = tiny.truck_by_id[truck].home_smelter
        assert last.kind == "return" and last.destination == home
        minutes = travel.minutes[travel.caster(last.origin), travel.smelter(home)]
        assert (last.end - last.start).total_seconds() / 60 == pytest.approx(minutes)
