"""The metal queue of a re-optimising re-plan (``assign_smelters(queue=...)``): the
insert plan's jobs queue for metal by their fill in it, the others by their latest pour.

Queued first whatever their fill, the start's jobs took metal a job left out of the
start needed earlier: on the Pearl River Delta's PRD-S01 (A380 from its opening), a
start job filled 600 min after the opening took the first 10 t, and a job whose ladle
must fill within 90 min of the opening was declared short of metal, which both had.
"""

from __future__ import annotations

from logistics import load_network
from logistics.planning.assign import assign_smelters
from logistics.planning.jobs import Job, Source
from tests.conftest import TEST_DATA


def test_a_job_due_before_the_starts_fill_keeps_its_metal() -> None:
    network = load_network(TEST_DATA / "pearl_river_delta")
    opens = int(network.minutes(network.smelter_by_id["PRD-S01"].open))

    def job(job_id: str, earliest: int, latest: int, fill_by: int) -> Job:
        source = Source("PRD-S01", 30, 20.0, 120, opens + fill_by)
        return Job(
            job_id,
            job_id[0],
            "PRD-C05",
            "A380",
            10.0,
            opens + earliest,
            opens + latest,
            700.0,
            (source,),
        )

    start = job("X#1", 600, 800, 700)
    due_first = job("Y#1", 60, 150, 90)
    result = assign_smelters(
        network, (start, due_first), None, {"X#1": "PRD-S01"}, {"X#1": opens + 600.0}
    )
    assert not result.short_of_metal
    release = {a.job.job_id: a.release - opens for a in result.assigned}
    assert release["Y#1"] <= 90 and release["X#1"] <= 600
