"""Days, new plants, the grid, distances and money: the parts of a study."""

from __future__ import annotations

import numpy as np
import pytest

from logistics import load_network
from logistics.physics.travel import Travel, network_sites
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.siting.candidates import grid_sites
from logistics.siting.days import generated_day, representative_days, scaled_orders
from logistics.siting.finance import annuity_factor, npv_cny, payback_years
from logistics.siting.geometry import GRID_DISTANCE_TOLERANCE, site_distances
from logistics.siting.settings import SiteCandidate
from logistics.siting.sites import design_site, network_with_sites, plant_template, site_records
from logistics.siting.tasks import SimulationTask, base_payload, run_task
from tests.siting.conftest import SITING


@pytest.fixture(scope="module")
def network():
    return load_network(SITING)


def test_generated_days_are_reproducible_and_follow_daily_t(network):
    a = generated_day(network, 7, 2)
    assert a == generated_day(network, 7, 2)
    assert a != generated_day(network, 8, 2)
    assert all(o.window_start.date() == network.plan_date for o in a)
    assert all(o.placed_at < network.origin for o in a)  # placed the evening before
    daily = sum(c.daily_t or 0 for c in network.casters)
    totals = [sum(o.tonnes for o in generated_day(network, 7, n)) for n in range(1, 21)]
    assert 0.8 * daily < np.mean(totals) < 1.2 * daily
    assert len(set(totals)) > 15  # days differ


def test_auto_days_start_with_the_orders_file_and_every_caster_orders(network):
    days = representative_days(network, 3, "auto", seed=1)
    assert [d.source for d in days] == ["orders", "generated", "generated"]
    assert days[0].orders == network.day_orders
    far = {o.caster_id for d in days[1:] for o in d.orders}
    assert "C5" in far  # out of every smelter's reach today, still potential demand


def test_demand_growth_scales_every_order(network):
    grown = scaled_orders(network.day_orders, 0.2)
    assert sum(o.tonnes for o in grown) == pytest.approx(
        1.2 * sum(o.tonnes for o in network.day_orders)
    )


def test_a_new_plant_takes_the_region_s_medians_and_moves_trucks_from_the_smelter_it_relieves(
    network,
):
    site = SiteCandidate(
        site_id="N1",
        name="new",
        lat=23.0,
        lon=113.0,
        capex_cny=1e8,
        rate_tph=6,
        alloys=("ADC12", "A380"),
    )
    template = plant_template(network)
    design = design_site(
        site,
        {"ADC12": 30.0, "A380": 10.0},
        per_truck_t_day=10.0,
        stock_h=2.0,
        network=network,
        losses_t_day={"S1": 20.0},
        taken=set(),
    )
    assert dict(design.alloy_rates) == {"ADC12": 4.5, "A380": 1.5}
    assert design.trucks == 4 and len(design.moved) == 2
    assert all(network.truck_by_id[t].home_smelter == "S1" for t in design.moved)
    with_site = network_with_sites(network, [site_records(network, design, template)])
    homes = [t.home_smelter for t in with_site.fleet]
    assert homes.count("N1") == 4 and len(with_site.fleet) == len(network.fleet) + 2
    assert homes.count("S1") >= 1
    made = {p.alloy: p for p in with_site.production if p.smelter_id == "N1"}
    assert made["ADC12"].stock_t == pytest.approx(9.0)


def test_grid_covers_the_region_at_the_spacing(network):
    sites = grid_sites(network, 20.0, 1e8, 5.0, ("ADC12",))
    lats = [s.lat for s in sites]
    lons = [s.lon for s in sites]
    for c in network.casters:
        assert min(lats) <= c.lat + 0.1 and c.lat - 0.1 <= max(lats)
        assert min(lons) <= c.lon + 0.1 and c.lon - 0.1 <= max(lons)
    row = sorted({s.lat for s in sites})
    assert np.diff(row).mean() * 111.32 == pytest.approx(20.0, rel=0.01)


def test_fast_grid_distances_agree_with_the_travel_matrix(network):
    sites = grid_sites(network, 30.0, 1e8, 5.0, ("ADC12",))[:12]
    fast, _, _ = site_distances(network, sites, fast=True)
    exact, _, _ = site_distances(network, sites, fast=False)
    assert np.all(np.abs(fast - exact) <= GRID_DISTANCE_TOLERANCE * exact + 1e-9)


def test_a_task_plans_on_the_travel_rows_it_is_sent(network):
    # The worker builds its travel model from the rows the study sends (no road graph
    # travels) and hands it to the planner explicitly: here minutes 1.5 × the network's.
    plain = network.model_copy(update={"candidates": ()})
    own = Travel.of(plain)
    task = SimulationTask(
        key="base/base/day1",
        scenario="base",
        option_id="base",
        day=1,
        params=plain.params.model_dump(),
        orders=[o.model_dump() for o in plain.day_orders],
        sites=[],
        travel_sites=[(s.kind, s.site_id, s.lat, s.lon) for s in network_sites(plain)],
        travel_km=own.km,
        travel_minutes=own.minutes * 1.5,
        travel_source="test: 1.5 × the minutes",
        options=PlanOptions(solver="greedy").model_dump(),
    )
    result = run_task(task, base_payload(plain))
    assert result["ok"] and result["error"] is None
    plan = Plan.model_validate(result["plan"])
    assert plan.travel_model == "test: 1.5 × the minutes" and plan.runs
    for run in plan.runs:
        if run.arrive == min(
            r.arrive for r in plan.runs if (r.truck_id, r.trip) == (run.truck_id, run.trip)
        ):
            drive = (run.arrive - run.depart).total_seconds() / 60
            assert (
                drive
                >= 1.5 * own.minutes[own.smelter(run.smelter_id), own.caster(run.caster_id)] - 1e-6
            )


def test_money():
    assert annuity_factor(0.08, 15) == pytest.approx(8.5595, rel=1e-4)
    assert npv_cny(100.0, 20.0, 0.0, 10) == pytest.approx(100.0)
    assert payback_years(100.0, 25.0) == 4.0
    assert payback_years(100.0, 0.0) is None
