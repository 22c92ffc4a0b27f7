"""The reasons of the tonnes a day leaves unserved, on the Pearl River Delta sample with
one smelter's ladle pool taken away (its jobs: ``ladles``): pinned tonnes per reason,
and the same reason for every job as :func:`reason_for` gives it job by job."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from logistics.network.loader import load_network
from logistics.physics.travel import Travel
from logistics.planning.assign import assign_smelters
from logistics.planning.jobs import build_jobs
from logistics.planning.reasons import reason_for, unserved_tonnes
from tests.conftest import REPO

#: The smelter whose ladles are taken away.
NO_POOL = "PRD-S02"


@pytest.fixture(scope="module")
def day():  # type: ignore[no-untyped-def]
    full = load_network(REPO / "sample_networks" / "pearl_river_delta")
    network = full.model_copy(
        update={"ladles": tuple(lad for lad in full.ladles if lad.home_smelter != NO_POOL)}
    )
    book = build_jobs(network, Travel.of(network))
    assignment_of = {a.job.job_id: a for a in assign_smelters(network, book.jobs).assigned}
    return network, book, assignment_of


def _by_reason(rows) -> dict[str, float]:  # type: ignore[no-untyped-def]
    tonnes: Counter[str] = Counter()
    for r in rows:
        tonnes[r.reason] += r.tonnes
    return {k: round(v, 6) for k, v in sorted(tonnes.items())}


def test_every_job_left_unserved_keeps_its_reason(day) -> None:  # type: ignore[no-untyped-def]
    network, book, assignment_of = day
    left = list(book.jobs)  # every job left over: each gets a reason
    planner = {j.job_id: "fleet" for j in left[::3]}  # the planner's word for some
    rows = unserved_tonnes(network, book, left, assignment_of, planner)
    assert _by_reason(rows) == {
        "cost": 0.5,
        "fleet": 1024.7,
        "ladles": 33.0,
        "lead_time": 21.0,
        "no_source": 21.0,
        "production": 30.0,
        "thermal_reach": 21.0,
        "window": 9.0,
    }
    per_job: dict[tuple[str, str], float] = defaultdict(float)
    jobs_per_order = Counter(j.order_id for j in book.jobs)
    for ex in book.excluded:
        per_job[(ex.order_id, ex.reason)] += ex.tonnes
    for job in left:
        assignment = assignment_of.get(job.job_id)
        reason = reason_for(job, network, assignment, jobs_per_order[job.order_id])
        if job.job_id in planner and reason != "ladles" and assignment is not None:
            reason = planner[job.job_id]
        per_job[(job.order_id, reason)] += job.tonnes
    assert {(r.order_id, r.reason): r.tonnes for r in rows} == {
        k: round(v, 6) for k, v in per_job.items()
    }
