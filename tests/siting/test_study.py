"""A siting study's figures, recomputed from the plans' rows and checked independently."""

from __future__ import annotations

from statistics import mean

import pytest

from logistics import check, plan_economics, read_plan
from logistics.physics.travel import Travel
from logistics.siting import run_study, write_study
from logistics.siting.geometry import site_distances
from logistics.siting.screen import best_by_mip, daily_demand, screen_inputs
from logistics.siting.sites import plant_template
from tests.siting.conftest import siting_study


def _saving(result, key):
    network = result.network_for(key)
    plan = result.plan(key)
    assert check(network, plan).ok, key
    return plan_economics(network, plan).summary.saving_cny, network


def test_top_yearly_saving_is_its_days_against_the_base_scaled_to_a_year(study_result):
    top = study_result.top("as_is")
    assert top is not None and top.simulated
    diffs = []
    for day in study_result.days:
        with_site, network = _saving(study_result, f"as_is/{top.option_id}/day{day.number}")
        base, _ = _saving(study_result, f"as_is/base/day{day.number}")
        diffs.append(with_site - base)
    days_a_year = network.params.economics.operating_days_per_year
    assert top.saving_cny_year == pytest.approx(mean(diffs) * days_a_year, rel=1e-9, abs=1.0)
    row = study_result.ranking("as_is")[0]
    assert row["option"] == top.option_id
    assert row["saving_cny_year"] == round(mean(diffs) * days_a_year)
    assert row["saving_cny_year_low"] == round(min(diffs) * days_a_year)


def test_every_simulated_option_is_ranked_by_npv_before_screen_only_ones(study_result):
    options = study_result.options("as_is")
    simulated = [o for o in options if o.simulated]
    assert [o.npv_cny for o in simulated] == sorted((o.npv_cny for o in simulated), reverse=True)
    first_screen_only = next((i for i, o in enumerate(options) if not o.simulated), len(options))
    assert all(o.simulated for o in options[:first_screen_only])


def test_the_far_caster_switches_from_ingots_to_the_site_next_to_it(study_result):
    switches = {s.caster_id: s for s in study_result.switching("X1", "as_is")}
    far = switches["C5"]
    assert far.liquid_t_day_before == 0
    assert far.to_new_site_t_day > 0
    assert "thermal_reach" in far.unserved_before
    assert "C5" in study_result.option("X1", "as_is").casters_newly_in_reach
    # the switch is read from the plans: the site's runs deliver those tonnes
    delivered = mean(
        sum(
            r.tonnes
            for r in study_result.plan(f"as_is/X1/day{d.number}").runs
            if r.smelter_id == "X1" and r.caster_id == "C5"
        )
        for d in study_result.days
    )
    assert far.to_new_site_t_day == pytest.approx(delivered)


def test_scenarios_change_the_prices_and_the_demand_of_their_plans(study_result):
    base = study_result.plan("as_is/base/day1")
    dear = study_result.plan("dear_gas/base/day1")
    assert dear.parameters.economics.gas_price_cny_m3 == 5.0
    assert base.parameters.economics.gas_price_cny_m3 != 5.0
    assert dear.summary.tonnes_ordered == pytest.approx(base.summary.tonnes_ordered * 1.1, rel=1e-3)


def test_the_explanation_names_the_top_site_and_the_switching_caster(study_result):
    top = study_result.top("as_is")
    text = study_result.explain("as_is")
    assert top.site_names[0] in text
    for switch in top.switches[:3]:
        assert switch.name in text


def test_written_plans_read_back_equal_and_pass_the_checker(study_result, tmp_path):
    summary = write_study(study_result, tmp_path / "study")
    top = study_result.top("as_is")
    key = f"as_is/{top.option_id}/day1"
    network = study_result.network_for(key)
    plan = read_plan(tmp_path / "study" / "plans" / key, network)
    assert plan == study_result.plan(key)
    assert check(network, plan).ok
    assert summary["scenarios"]["as_is"]["simulated"] == 3
    assert (tmp_path / "study" / "ranking.csv").read_text().count("\n") == 1 + 2 * 3


def test_k2_screens_every_pair_and_simulates_only_the_best_few():
    study = siting_study(k=2, simulate=2, days=1)
    result = run_study(study)
    counts = result.counts()
    assert counts == {"combinations": 6, "screened": 6, "simulated": 2, "method": "enumerated"}
    options = result.options()
    assert {o.option_id for o in options} >= {"X1+X2", "X1+X3", "X2+X3"}
    assert sum(o.simulated for o in options) == 2


def test_the_mip_finds_the_enumeration_s_best_combination():
    study = siting_study(k=2, simulate=0, days=1)
    result = run_study(study)
    options = result.options()
    best = max(options, key=lambda o: o.screen.npv_cny)
    # rebuild the screen inputs the study used and ask the MIP
    network = study.network
    template = plant_template(network)
    demand = daily_demand(network, [d.orders for d in result.days])
    km, minutes, _ = site_distances(network, study.candidates)
    inputs = screen_inputs(
        network,
        Travel.of(network.model_copy(update={"candidates": ()})),
        demand,
        study.candidates,
        km,
        minutes,
        site_tap=(template.tap_min_c, template.tap_max_c),
        site_open_h=template.open_h,
        stock_h=study.settings.stock_h,
    )
    found = best_by_mip(inputs, 2, 2, discount_rate=0.08, horizon_years=15)
    assert "+".join(found[0]) == best.option_id
    assert found[0] != found[1]
