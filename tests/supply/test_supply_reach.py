"""The supply benchmark's physical bound: furnace-days no plan can keep at the minimum."""

from __future__ import annotations

from benchmarks.supply_reach import earliest_pour_min, unreachable
from logistics.network.model import Network
from logistics.physics.furnace import draw_per_minute, furnace_bands
from logistics.physics.travel import Travel
from logistics.planning.windows import fill_minutes


def _night_furnace(network: Network):
    """The managed furnace of the caster open around the clock (C1, ADC12)."""
    return next(f for f in network.furnaces if f.caster_id == "C1" and f.managed)


def test_the_earliest_pour_is_the_first_shift_plus_a_fill_and_the_drive(managed: Network) -> None:
    travel = Travel.of(managed)
    furnace = _night_furnace(managed)
    first_shift = min(managed.minutes(t.shift_start) for t in managed.fleet)
    expected = min(
        max(first_shift, managed.minutes(managed.smelter_by_id[p.smelter_id].open))
        + fill_minutes(managed.smelter_by_id[p.smelter_id])
        + float(travel.minutes[travel.smelter(p.smelter_id), travel.caster("C1")])
        for p in managed.production
        if p.alloy == furnace.alloy
    )
    assert earliest_pour_min(managed, travel, furnace) == expected


def test_a_furnace_that_runs_dry_before_any_truck_can_pour_is_unreachable(
    managed: Network,
) -> None:
    travel = Travel.of(managed)
    furnace = _night_furnace(managed)
    earliest = earliest_pour_min(managed, travel, furnace)
    assert earliest is not None
    draw = draw_per_minute(furnace_bands(furnace, managed.consumption), managed.plan_date.weekday())
    drawn = float(draw[: int(earliest)].sum())
    assert drawn > 0.5
    short = furnace.model_copy(update={"start_level_t": furnace.min_level_t + drawn - 0.5})
    enough = furnace.model_copy(update={"start_level_t": furnace.min_level_t + drawn + 0.5})
    assert unreachable(managed, travel, short, first_day=True)
    assert not unreachable(managed, travel, enough, first_day=True)
    # on a later day the furnace may start full, whatever it started with
    roomy = short.model_copy(update={"capacity_t": furnace.min_level_t + drawn + 0.5})
    assert not unreachable(managed, travel, roomy, first_day=False)
    tight = short.model_copy(update={"capacity_t": furnace.min_level_t + drawn - 0.5})
    assert unreachable(managed, travel, tight, first_day=False)


def test_a_furnace_no_smelter_supplies_is_not_counted_as_unreachable(managed: Network) -> None:
    travel = Travel.of(managed)
    furnace = _night_furnace(managed).model_copy(update={"alloy": "NO-SUCH-ALLOY"})
    assert earliest_pour_min(managed, travel, furnace) is None
    assert not unreachable(managed, travel, furnace, first_day=True)


def test_a_furnace_no_road_reaches_has_no_earliest_pour(managed: Network) -> None:
    from tests.supply.test_unreachable_caster import cut_off

    travel = cut_off(Travel.of(managed), "C1")
    furnace = _night_furnace(managed)
    assert earliest_pour_min(managed, travel, furnace) is None  # was inf
    assert not unreachable(managed, travel, furnace, first_day=True)  # counted by the plan
