"""Solver fuzzing in CI: random networks through both solvers and the independent checker.

Every example is a network folder drawn from a seed (``benchmarks/fuzz.py``); the seed
chooses its kind: small (mixed fleets, tight and late orders, windows across midnight,
orders of other days, cold ambient, short shifts, smelters short of metal, road graphs
cut in two), large (50–400 orders on hilly roads in the cold with small fast-cooling
ladles and orders placed exactly the lead time ahead) or edge (values on boundaries and
plausibility limits at their bounds). Each is loaded and planned by ``plan_day`` with the
greedy and the OR-Tools solver. A plan must come from the solver asked (no fallback to
the dispatcher's plan), pass the checker and account for every tonne of every order of
the day; nothing may raise. The CI subset is a fixed list of seeds; the longer run is
``python -m benchmarks fuzz``.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated

import pytest
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from benchmarks.fuzz import (
    KINDS,
    fuzz_example,
    kind_of_seed,
    network_files,
    problems_of,
    seeds_of,
    write_random_network,
)
from benchmarks.fuzz_draws import (
    CSV_BOUNDED,
    EDGE_DRAWS,
    Bounds,
    drive_minutes,
    field_bounds,
    model_bounds,
    param_fields,
)
from logistics.network import model as network_model
from logistics.network.loader import load_network
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions

#: The CI subset: fixed seeds of each kind (deterministic; a few minutes on 2 cores).
SMALL_SEEDS = seeds_of(0, 24, "small")
EDGE_SEEDS = seeds_of(0, 36, "edge")
LARGE_SEEDS = seeds_of(0, 3, "large")


@pytest.mark.parametrize(
    "seed",
    [pytest.param(s, id=f"{kind_of_seed(s)}-{s}") for s in SMALL_SEEDS + EDGE_SEEDS + LARGE_SEEDS],
)
def test_random_networks_plan_soundly_with_both_solvers(seed: int) -> None:
    failures = fuzz_example(seed, time_limit_s=1.0, large_time_limit_s=5.0)
    assert not failures, [(f.solver, f.stage, f.message) for f in failures]


# ----------------------------------------------------------------------------- the draws
def test_the_kind_comes_from_the_seed() -> None:
    assert [kind_of_seed(s) for s in range(6)] == ["small", "large", "edge"] * 2
    assert seeds_of(10, 3, "edge") == [11, 14, 17]
    assert seeds_of(10, 3) == [10, 11, 12]
    assert {kind_of_seed(s) for s in SMALL_SEEDS + EDGE_SEEDS + LARGE_SEEDS} == set(KINDS)


@pytest.mark.parametrize("seeds", [(12, 15), (13, 16), (11, 14)], ids=KINDS)
def test_the_same_seed_writes_the_same_network(tmp_path: Path, seeds: tuple[int, int]) -> None:
    a, b = seeds
    assert write_random_network(tmp_path / "a", a) == write_random_network(tmp_path / "b", a)
    assert write_random_network(tmp_path / "c", b) != write_random_network(tmp_path / "a", a)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(network_files(a)[1])


def _load(tmp_path: Path, seed: int) -> object:
    folder = tmp_path / str(seed)
    write_random_network(folder, seed)
    return load_network(folder)


def test_every_kind_writes_folders_the_loader_accepts(tmp_path: Path) -> None:
    # A load error is a fuzz failure: the generator must stay inside the loader's ranges.
    for seed in [*range(120), *seeds_of(120, 6, "large")]:
        _load(tmp_path, seed)


def test_large_networks_are_of_realistic_size(tmp_path: Path) -> None:
    for seed in seeds_of(0, 6, "large"):
        network = _load(tmp_path, seed)
        assert 50 <= len(network.day_orders) <= 400
        assert 10 <= len(network.fleet) <= 60 and 2 <= len(network.smelters) <= 8
        assert len({t.tau_h for t in network.fleet}) > 1  # a mixed fleet
        assert len(network.alloys_made) >= 1


def test_the_ci_subset_holds_every_edge_draw() -> None:
    drawn = {d.split(":")[0].split("=")[0] for s in EDGE_SEEDS for d in network_files(s)[2]}
    assert set(EDGE_DRAWS) <= drawn


def _minutes_set(network, moments) -> set[float]:
    return {round(network.minutes(m), 9) for m in moments}


def test_edge_draws_sit_exactly_on_their_boundaries(tmp_path: Path) -> None:
    """What the edge kind claims to draw is in the loaded networks, to the second."""
    seen: set[str] = set()
    for seed in seeds_of(0, 60, "edge"):
        network = _load(tmp_path, seed)
        lead = network.params.planning.lead_time_h * 60
        travel = {}
        for order in network.orders:
            ready = network.minutes(order.placed_at) + lead
            start, end = network.minutes(order.window_start), network.minutes(order.window_end)
            caster = network.caster_by_id[order.caster_id]
            for name, edge in (("start", start), ("end", end)):
                if math.isclose(ready, edge, abs_tol=1e-6):
                    seen.add(f"lead_at_{name}")
                if math.isclose(abs(ready - edge), 1.0, abs_tol=1e-6):
                    seen.add("lead_minute_off")
                if 0 < abs(ready - edge) * 60 < 60 and not math.isclose(
                    abs(ready - edge), 1.0, abs_tol=1e-6
                ):
                    seen.add("lead_seconds_off")
            if end == start:
                seen.add("zero_window")
            if math.isclose(end - start, caster.unload_min, abs_tol=1e-6):
                seen.add("one_pour_window")
            if math.isclose(network.minutes(caster.close), end, abs_tol=1e-6):
                seen.add("close_at_window_end")
            if math.isclose(network.minutes(caster.close), end + caster.unload_min, abs_tol=1e-6):
                seen.add("close_at_end_plus_pour")
        if all(s.fill_bays == 1 for s in network.smelters):
            seen.add("one_bay")
        if any(
            c.unload_min % 1 or s.fill_min % 1 for c in network.casters for s in network.smelters
        ):
            seen.add("fractional_minutes")
        params = network.params
        for truck in network.fleet:
            for prod in network.production:
                for caster in network.casters:
                    smelter = network.smelter_by_id[prod.smelter_id]
                    key = (smelter.smelter_id, caster.caster_id)
                    if key not in travel:
                        travel[key] = drive_minutes(
                            (smelter.lat, smelter.lon), (caster.lat, caster.lon),
                            params.roads.circuity, params.roads.speed_kmh,
                        )  # fmt: skip
                    need = caster.min_pour_c + params.thermal.margin_c
                    amb = params.thermal.ambient_c
                    if prod.tap_max_c > need > amb:
                        hold = truck.tau_h * math.log((prod.tap_max_c - amb) / (need - amb)) * 60
                        if math.isclose(hold, travel[key], rel_tol=1e-9):
                            seen.add("hold_equals_drive")
    assert seen >= {
        "lead_at_start", "lead_at_end", "lead_minute_off", "lead_seconds_off", "zero_window",
        "one_pour_window", "close_at_window_end", "close_at_end_plus_pour", "one_bay",
        "fractional_minutes", "hold_equals_drive",
    }  # fmt: skip


# ---------------------------------------------------------------------------- the bounds
def test_bounds_are_read_from_field_metadata() -> None:
    class Probe(BaseModel):
        closed: float = Field(ge=2.0, le=200.0)
        open_: float = Field(gt=0.0, lt=1.0)
        whole: int | None = Field(default=None, ge=1, le=50)
        free: float = 1.0

    closed, open_ = field_bounds(Probe, "closed"), field_bounds(Probe, "open_")
    assert (closed.at("lo"), closed.at("hi")) == (2.0, 200.0)
    assert 0.0 < open_.at("lo") < open_.at("hi") < 1.0
    assert field_bounds(Probe, "whole") == Bounds(1.0, False, 50.0, False, True)
    assert field_bounds(Probe, "free").at("lo") is None
    assert closed.clamp(1.0) == 2.0 and closed.clamp(300.0) == 200.0 and closed.holds(7.0)


def _accepts(model: type[BaseModel], name: str, value: float) -> None:
    info = model.model_fields[name]
    TypeAdapter(Annotated[info.annotation, *info.metadata]).validate_python(value)


def test_values_at_every_bound_are_accepted_and_just_outside_are_not() -> None:
    from logistics.network.params import Params

    checked = 0
    for path, bounds in param_fields():
        table = Params
        for part in path[:-1]:
            table = table.model_fields[part].annotation
        for side in ("lo", "hi"):
            value = bounds.at(side)
            if value is None:
                continue
            _accepts(table, path[-1], value)
            outside = value - 1 if side == "lo" else value + 1
            with pytest.raises(ValidationError):
                _accepts(table, path[-1], outside)
            checked += 1
    for _, model_name, column in CSV_BOUNDED:
        bounds = model_bounds(model_name, column)
        for side in ("lo", "hi"):
            if bounds.at(side) is not None:
                _accepts(getattr(network_model, model_name), column, bounds.at(side))
                checked += 1
    assert checked >= 30


# ---------------------------------------------------------------------------- the checks
def _planned_example(tmp_path: Path) -> tuple[object, object]:
    for seed in SMALL_SEEDS:
        network = _load(tmp_path, seed)
        if not network.day_orders:
            continue
        outcome = plan_day(network, PlanOptions(solver="greedy", time_limit_s=1.0))
        if outcome.plan.runs:
            return network, outcome
    pytest.fail("no small example of the CI subset delivers anything")


def test_the_fuzz_check_catches_a_lost_tonne(tmp_path: Path) -> None:
    # The examples' verdict is only worth something if a broken plan fails it.
    network, outcome = _planned_example(tmp_path)
    assert problems_of(network, outcome) == []
    broken = SimpleNamespace(
        plan=outcome.plan.model_copy(update={"runs": outcome.plan.runs[1:]}), report=outcome.report
    )
    assert any(stage == "balance" for stage, _ in problems_of(network, broken))


def test_a_fallback_to_the_dispatchers_plan_fails_the_example(tmp_path: Path) -> None:
    network, outcome = _planned_example(tmp_path)
    plan = outcome.plan
    update = {"status": "fallback_dispatcher"}
    if "fallback_reason" in type(plan.solver).model_fields:
        update["fallback_reason"] = "CP Solver fail"
    solver = plan.solver.model_copy(update=update)
    fell_back = SimpleNamespace(
        plan=plan.model_copy(update={"solver": solver}), report=outcome.report
    )
    found = problems_of(network, fell_back)
    assert [stage for stage, _ in found] == ["fallback"]
    assert found[0][1] in ("CP Solver fail", "fallback_dispatcher")


def test_about_a_third_of_the_networks_get_a_ladle_pool_that_loads(tmp_path: Path) -> None:
    """The pool is drawn from its own stream: without it a seed's files are as before."""
    from benchmarks.fuzz_ladles import with_ladle_pool

    pooled = [s for s in range(60) if "ladles.csv" in network_files(s)[1]]
    assert 10 <= len(pooled) <= 30
    for seed in pooled[:6]:
        _, files, drawn = network_files(seed)
        assert any(d.startswith("ladles_per_slot_") for d in drawn)
        folder = tmp_path / str(seed)
        write_random_network(folder, seed)
        assert load_network(folder).ladles
        plain = {k: v for k, v in files.items() if k != "ladles.csv"}
        plain["network.toml"] = files["network.toml"].split("\n\n[ladles]\n")[0] + "\n"
        again, _ = with_ladle_pool(seed, plain)
        assert again["ladles.csv"] == files["ladles.csv"]


def test_a_small_ladle_stays_inside_the_formats_range(tmp_path: Path) -> None:
    """Seed 2000 (an edge draw) gives the fleet a time constant of 3.2 h: its small
    ladles, drawn at half the trucks' insulation, were 1.6 h, below the format's 2 h."""
    network = _load(tmp_path, 2000)
    taus = [ladle.tau_h for ladle in network.ladles]
    assert taus and min(taus) == 2.0


SWITCHES = ("peak_follows_speed", "no_plan_for_risk", "no_count_dross")


def test_a_third_of_edge_networks_turn_switches_from_their_own_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``[risk] peak_follows_speed`` alone used to crash every plan (no seed drew it);
    the switches are drawn from a stream of their own: without them a seed's other
    files are as before."""
    import benchmarks.fuzz_draws as draws

    edge = [s for s in range(2, 302, 3)]
    switched = [s for s in edge if any(d in SWITCHES for d in draws.edge_files(s)[1])]
    assert 20 <= len(switched) <= 50
    follows = [s for s in switched if "peak_follows_speed" in draws.edge_files(s)[1]]
    for seed in follows[:3]:
        folder = tmp_path / str(seed)
        write_random_network(folder, seed)
        assert load_network(folder).params.risk.peak_follows_speed
    with_switches = {s: draws.edge_files(s)[0] for s in switched[:5]}
    monkeypatch.setattr(draws, "_edge_switches", lambda seed, net: None)
    for seed, files in with_switches.items():
        plain = draws.edge_files(seed)[0]
        assert {k: v for k, v in files.items() if k != "network.toml"} == {
            k: v for k, v in plain.items() if k != "network.toml"
        }
