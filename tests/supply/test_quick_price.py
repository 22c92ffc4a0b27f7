"""The visit search's quick price: each furnace's own programme at its visit days,
summed, against the decision's whole programme at the same pattern."""

from __future__ import annotations

import math
import random
from pathlib import Path
from types import SimpleNamespace

import pytest

import logistics.planning.horizon_supply as horizon_supply
import logistics.planning.visit_search as visit_search
from benchmarks.irp import read_irp
from benchmarks.irp_adapter import PLAN_DATE, IrpHorizon, tonnes_per_unit
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.planning.visit_search import (
    QUICK_TRIAL,
    VisitSearch,
    _promising,
    improve_visit_days,
    priced_by_routes,
)

IRP = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "irp"


def _search(
    monkeypatch: pytest.MonkeyPatch, managed: Network, travel: Travel | None = None
) -> VisitSearch:
    """The day's visit search as the decision builds it (the managed tiny day's by
    default), its programme priced as the search prices patterns (not searched)."""
    found: list[VisitSearch] = []

    def spy(search: VisitSearch, limit_s: float) -> frozenset[tuple[int, int]]:
        found.append(search)
        priced_by_routes(search)
        search.price(frozenset())  # the programme left solved for the decision
        return frozenset()

    monkeypatch.setattr(horizon_supply, "improve_visit_days", spy)
    travel = Travel.of(managed) if travel is None else travel
    horizon_supply.decide_deliveries(managed, travel, search_s=5.0)
    assert len(found) == 1 and found[0].alone is not None
    return found[0]


def _programme_cny(search: VisitSearch, pattern: frozenset[tuple[int, int]]) -> float:
    """The whole programme's cost at ``pattern`` (its price less the routes), CNY."""
    price = search.price(pattern)
    routes = sum(search.routing.cost(loads, d) for d, loads in search.day_loads().items())
    return price - routes


def _alone_cny(search: VisitSearch, pattern: frozenset[tuple[int, int]]) -> float:
    assert search.alone is not None
    furnaces = sorted({i for i, _ in search.y})
    return sum(search.alone(i, frozenset(d for j, d in pattern if j == i))[0] for i in furnaces)


def _roomy(network: Network) -> Network:
    """The network without orders, its smelters holding ten times their stock and more,
    three times its trucks: limits the furnaces share that leave room for any pattern."""
    production = tuple(
        p.model_copy(update={"stock_t": 10.0 * p.stock_t + 100.0}) for p in network.production
    )
    fleet = network.fleet + tuple(
        t.model_copy(update={"truck_id": t.truck_id + k}) for t in network.fleet for k in "bc"
    )
    return network.model_copy(update={"orders": (), "production": production, "fleet": fleet})


def _patterns(search: VisitSearch) -> list[frozenset[tuple[int, int]]]:
    keys = sorted(search.y)
    rng = random.Random(5)
    found = [frozenset(keys), frozenset()]
    return found + [frozenset(k for k in keys if rng.random() < 0.5) for _ in range(6)]


def test_each_furnace_alone_costs_what_the_whole_programme_does(
    monkeypatch: pytest.MonkeyPatch, managed: Network
) -> None:
    # where the shared limits (fleet hours, production) leave room, the furnaces' own
    # programmes add up to the whole one; no metal in the hours no truck is on shift
    search = _search(monkeypatch, _roomy(managed))
    for pattern in _patterns(search):
        whole = _programme_cny(search, pattern)
        assert _alone_cny(search, pattern) == pytest.approx(whole, rel=1e-6, abs=1e-3)


def test_the_furnaces_alone_never_cost_more_than_the_whole_programme(
    monkeypatch: pytest.MonkeyPatch, managed: Network
) -> None:
    # on the tiny day as it is production binds; the furnaces alone do not see it, so
    # their sum is a lower bound of the whole programme (never above)
    search = _search(monkeypatch, managed)
    below = 0
    for pattern in _patterns(search):
        whole = _programme_cny(search, pattern)
        alone = _alone_cny(search, pattern)
        assert alone <= whole + 1e-6
        below += alone < whole - 1.0
    assert below  # a limit bound somewhere: the test saw the two differ


def test_swaps_are_moves_only_with_quick_prices(
    monkeypatch: pytest.MonkeyPatch, managed: Network
) -> None:
    search = _search(monkeypatch, managed)
    keys = sorted(search.y)
    pattern = frozenset(keys[:1])
    (i, d) = keys[0]
    swap = frozenset({(j, e) for j, e in keys if e == d and j != i})
    moves = set(search.moves(pattern, random.Random(0)))
    assert {frozenset({k}) for k in swap} <= moves
    search.alone = None
    assert not {frozenset({k}) for k in swap} & set(search.moves(pattern, random.Random(0)))


def _fills_a_day(search: VisitSearch) -> bool:
    """Whether the solved programme's tonnes fill the routes some day may make."""
    routing = search.routing
    for d, loads in search.day_loads().items():
        limit = routing.limit(d)
        if limit is not None and sum(loads.values()) >= limit * routing.capacity_t - 1e-6:
            return True
    return False


def test_a_quick_price_stays_below_the_price_where_a_days_trips_bind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # one truck of one trip a day: the whole programme pours what the trip carries,
    # the furnaces alone more; their routes must not be priced as routes beyond the
    # day's trips (as ingots), or good moves are never priced in full
    inst = read_irp(IRP / "S_abs1n10_2_L3.dat")
    adapted = IrpHorizon(inst, tonnes_per_unit(inst))
    network = adapted.network(PLAN_DATE)
    network = network.model_copy(update={"fleet": network.fleet[:1]})
    search = _search(monkeypatch, network, adapted.travel(network))
    start = frozenset(k for k, v in search.mip_y.items() if v.solution_value() > 0.5)
    binding = 0
    for pattern in [start, *search.moves(start, random.Random(0))]:
        price = search.price(pattern)
        binding += _fills_a_day(search)
        quick = search.quick_price(pattern)
        assert -math.inf < quick <= price + 1e-6
    assert binding  # the trips bound on some pattern


def test_the_quick_price_stops_at_the_searchs_deadline(
    monkeypatch: pytest.MonkeyPatch, managed: Network
) -> None:
    # each furnace's own programme takes a second on this clock: a search of 1.5 s
    # builds two of them and prices no pattern past its deadline
    search = _search(monkeypatch, managed)
    assert len({i for i, _ in search.y}) >= 3
    clock = SimpleNamespace(now=100.0)
    monkeypatch.setattr(visit_search, "time", SimpleNamespace(monotonic=lambda: clock.now))
    alone, built = search.alone, []
    assert alone is not None

    def slow(i: int, days: frozenset[int]) -> tuple[float, dict[int, float]]:
        built.append(i)
        clock.now += 1.0
        return alone(i, days)  # type: ignore[return-value]

    search.alone = slow
    improve_visit_days(search, 1.5)
    assert len(built) == 2
    assert not search.quick  # the unfinished quick price kept nowhere


def test_quick_prices_that_spare_one_pattern_again_and_again_are_switched_off(
    monkeypatch: pytest.MonkeyPatch, managed: Network
) -> None:
    # the same pattern spared many times is one full price spared: quick prices that
    # spare one of their first QUICK_TRIAL patterns spare too few
    search = _search(monkeypatch, managed)
    keys = sorted(search.y)
    patterns = [
        frozenset(k for j, k in enumerate(keys) if n >> j & 1) for n in range(2 ** len(keys))
    ]
    assert len(patterns) > QUICK_TRIAL
    list(_promising(search, [patterns[0]] * QUICK_TRIAL, -math.inf, math.inf))
    assert search.quick_on
    list(_promising(search, patterns[1:QUICK_TRIAL], math.inf, math.inf))
    assert not search.quick_on
