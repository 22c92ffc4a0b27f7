"""Trip timing on tiny/: fills put off so ladles wait empty, not full."""

from __future__ import annotations

import pytest

from logistics.network.loader import load_network
from logistics.physics.cooling import max_hold_h
from logistics.physics.travel import Travel
from logistics.planning.assign import assign_smelters
from logistics.planning.jobs import build_jobs, ceil_minutes
from logistics.planning.schedule import BayBook, ScheduleContext, initial_states, time_trip
from tests.conftest import TINY


@pytest.fixture(scope="module")
def day():
    network = load_network(TINY)
    travel = Travel.of(network)
    assigned = assign_smelters(network, build_jobs(network, travel).jobs).assigned
    ctx = ScheduleContext.of(network, travel, assigned)
    return network, ctx, {a.job.job_id: a for a in assigned}


def test_a_fill_at_arrival_that_would_cool_too_far_is_put_off(day):
    network, ctx, assignment = day
    job = assignment["O5#1"].job  # C4, 169 min from S1, window opens 11:00
    state = initial_states(network, ctx.travel)["T1"]  # at S1 from 06:00
    smelter = network.smelter_by_id["S1"]
    prod = network.production_by_key[("S1", job.alloy)]
    limit_h = max_hold_h(
        prod.tap_max_c, job.required_c, state.truck.tau_h, network.params.thermal.ambient_c
    )
    # Filled as soon as the truck is there, the ladle would wait past its hold limit.
    early_hold_h = (job.earliest_pour - state.ready - ceil_minutes(smelter.fill_min)) / 60
    assert early_hold_h > limit_h

    trip, left = time_trip(ctx, state, "S1", (job,), BayBook({"S1": smelter.fill_bays}))

    assert left == () and trip is not None
    (run,) = trip.runs
    assert run.pour_start == job.earliest_pour
    assert run.arrive == run.pour_start  # no waiting at the caster with full ladles
    assert (run.pour_start - run.fill_end) / 60 <= limit_h
    assert run.arrival_c >= job.required_c - 0.05
