"""The dross of remelting in the ingot route: its cost, the break-even with and without it."""

from __future__ import annotations

import pytest

from logistics.economics.cost_report import cost_report
from logistics.economics.plan_economics import plan_economics
from logistics.economics.radius import (
    PRACTISED_KM,
    break_even_km,
    practical_radius,
    radius_by_dross,
    thermal_reach_km,
)
from logistics.economics.route_model import TypicalTruck, liquid_route
from logistics.network.model import Network
from logistics.network.params import Params
from logistics.network.prices import (
    ingot_burn_loss_per_t,
    ingot_cost_per_t,
    ingot_energy_per_t,
    unserved_penalty_per_t,
)
from logistics.physics.travel import Travel
from logistics.plan.model import Unserved
from logistics.plan.summary import hand_made_plan
from tests.economics.seed import SEED_INGOT, with_eco

#: One metre, km: the break-even distance is found to within it.
ONE_M_KM = 0.001


def without_dross(params: Params) -> Params:
    return with_eco(params, count_dross=False)


def ingot_composed(params: Params) -> float:
    """The ingot route composed here from its parts, not through ``ingot_cost_per_t``."""
    ing, em = params.economics.ingot, params.emissions
    seed = (
        ingot_energy_per_t(params)
        + ing.furnace_depreciation
        + ingot_burn_loss_per_t(params)
        + ing.labour
        + ing.sundries
    )
    dross = em.dross_t_per_t * em.dross_disposal_cny_t
    return seed + (dross if params.economics.count_dross else 0.0)


def saving_composed(params: Params, km: float, truck: TypicalTruck = TypicalTruck()) -> float:
    return ingot_composed(params) - liquid_route(params, km, truck).total


# ------------------------------------------------------------------ the ingot route
def test_the_ingot_route_carries_dross_disposal_by_default() -> None:
    p = Params()
    assert p.economics.count_dross is True
    report = cost_report(p)
    items = {i["item"]: i["cny_t"] for i in report["ingot"]["items"]}
    assert items == {**SEED_INGOT, "dross_disposal": 0.04 * 2000}
    assert report["ingot"]["total_cny_t"] == 930 + 80
    assert ingot_cost_per_t(p) == pytest.approx(ingot_composed(p))
    assert report["saving_cny_t"] == pytest.approx(330 + 80)
    # the solver's price of an unserved tonne follows the ingot route
    assert unserved_penalty_per_t(p) == pytest.approx(472.5 + 80)


def test_dross_figures_move_the_item() -> None:
    p = Params.model_validate({"emissions": {"dross_t_per_t": 0.05, "dross_disposal_cny_t": 3000}})
    report = cost_report(p)
    items = {i["item"]: i["cny_t"] for i in report["ingot"]["items"]}
    assert items["dross_disposal"] == pytest.approx(150)
    assert report["ingot"]["total_cny_t"] == pytest.approx(930 + 150)


def test_switching_count_dross_off_gives_the_seed_table() -> None:
    p = without_dross(Params())
    report = cost_report(p)
    assert {i["item"]: i["cny_t"] for i in report["ingot"]["items"]} == SEED_INGOT
    assert report["ingot"]["total_cny_t"] == 930
    assert report["saving_cny_t"] == 330
    assert report["break_even_km"] == 111.3
    assert report["practical_radius"]["km"] == 111.3
    assert unserved_penalty_per_t(p) == 472.5
    # the dross avoided is still reported, outside the ingot route
    assert report["dross_avoided_per_t"] == {"t": 0.04, "cny": 80.0, "in_ingot_route": False}


# -------------------------------------------------------------- break-even, both ways
@pytest.mark.parametrize("counted", [True, False])
def test_at_the_break_even_liquid_costs_what_ingots_cost(counted: bool) -> None:
    p = with_eco(Params(), count_dross=counted)
    km = break_even_km(p)
    assert saving_composed(p, km) == pytest.approx(0.0, abs=0.01)
    # to within 1 m: still cheaper just before it, dearer just after
    assert saving_composed(p, km - ONE_M_KM) > 0 > saving_composed(p, km + ONE_M_KM)


def test_break_even_with_dross_is_farther_than_without() -> None:
    both = radius_by_dross(Params())
    with_d, without_d = both["with_dross"], both["without_dross"]
    assert with_d.break_even_km > without_d.break_even_km
    assert without_d.break_even_km == pytest.approx(111.3, abs=0.05)
    assert with_d.break_even_km == pytest.approx(130.5, abs=0.05)
    # with the dross counted, the break-even falls inside the practised 120–160 km
    lo, hi = PRACTISED_KM
    assert without_d.break_even_km < lo <= with_d.break_even_km <= hi
    # the thermal reach does not depend on money; cost binds in both cases
    reach = thermal_reach_km(Params(), 30.0, 780.0, 690.0, TypicalTruck().wait_h)
    assert with_d.thermal_reach_km == without_d.thermal_reach_km == pytest.approx(reach)
    assert with_d.binding == without_d.binding == "cost"
    assert with_d.radius_km == with_d.break_even_km


def test_radius_by_dross_does_not_depend_on_the_switch() -> None:
    on, off = radius_by_dross(Params()), radius_by_dross(without_dross(Params()))
    assert on == off
    assert practical_radius(Params()) == on["with_dross"]
    assert practical_radius(without_dross(Params())) == on["without_dross"]


def test_the_report_gives_both_break_evens() -> None:
    for p in (Params(), without_dross(Params())):
        by = cost_report(p)["by_dross"]
        assert by["counted"] is p.economics.count_dross
        assert by["disposal_cny_t"] == 80
        assert by["with_dross"]["break_even_km"] == 130.5
        assert by["without_dross"]["break_even_km"] == 111.3
        assert by["with_dross"]["radius_km"] == 130.5
        assert by["practised_km"] == [120.0, 160.0]
    assert cost_report(Params())["break_even_km"] == 130.5
    assert cost_report(without_dross(Params()))["break_even_km"] == 111.3


def test_no_dross_made_means_no_difference() -> None:
    p = Params.model_validate({"emissions": {"dross_t_per_t": 0.0}})
    both = radius_by_dross(p)
    assert both["with_dross"].break_even_km == both["without_dross"].break_even_km


# ------------------------------------------------------------------------ a plan
def test_plan_economics_prices_unserved_tonnes_with_the_dross(tiny: Network) -> None:
    unserved = [Unserved(order_id="O1", caster_id="C1", alloy="ADC12", tonnes=6.0, reason="cost")]
    for counted, ingot in ((True, 1010.0), (False, 930.0)):
        net = tiny.model_copy(update={"params": with_eco(tiny.params, count_dross=counted)})
        plan = hand_made_plan(net, Travel.of(net), [], unserved)
        econ = plan_economics(net, plan).model_dump()
        assert econ["plan"]["total_cny"] == pytest.approx(6 * ingot)
        assert econ["plan"]["all_ingot_cny"] == pytest.approx(6 * ingot)
        assert econ["basis"]["ingot_cny_t"] == pytest.approx(ingot)
        assert econ["basis"]["unserved_penalty_cny_t"] == pytest.approx(ingot - 457.5)
