"""The checker's ladle-pool rules (logistics/check/ladles.py), one mutation each.

The dispatcher's plan of the tiny day with the pool of tests/data/tiny_ladles is checked
sound; then one thing of it (a row, a preheat, an input) is broken and the checker must
name the rule. The checker never imports the planner: these verdicts are its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from logistics.check import RULES, check
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.pipeline import plan_day
from logistics.plan.model import Plan, Run, Unserved
from logistics.plan.options import PlanOptions
from tests.conftest import TEST_DATA

#: The rules of check/ladles.py; each has a mutation below.
LADLE_RULES = frozenset(
    r for r in RULES if r.startswith(("ladle_", "preheat")) and r != "ladle_size"
)


def ladle_folder(dest: Path) -> Path:
    """tests/data/tiny with the pool of tests/data/tiny_ladles, copied to ``dest``."""
    shutil.copytree(TEST_DATA / "tiny", dest)
    shutil.copy(TEST_DATA / "tiny_ladles" / "ladles.csv", dest / "ladles.csv")
    return dest


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> tuple[Network, Plan]:
    """The network with its pool and its dispatcher's plan, checked sound."""
    network = load_network(ladle_folder(tmp_path_factory.mktemp("ladles") / "net"))
    plan = plan_day(network, PlanOptions(solver="greedy", time_limit_s=5)).plan
    report = check(network, plan)
    assert report.ok, "\n".join(map(str, report.violations))
    assert plan.preheats and all(r.ladle_id for r in plan.runs)
    return network, plan


def _with_runs(plan: Plan, runs: list[Run]) -> Plan:
    return plan.model_copy(update={"runs": tuple(runs)})


def _ladle_of(network: Network, ladle_id: str, **update: object) -> Network:
    ladles = tuple(
        lad.model_copy(update=update) if lad.ladle_id == ladle_id else lad for lad in network.ladles
    )
    return network.model_copy(update={"ladles": ladles})


def _ladle_params(network: Network, **update: object) -> Network:
    params = network.params.model_copy(
        update={"ladles": network.params.ladles.model_copy(update=update)}
    )
    return network.model_copy(update={"params": params})


def _twice(plan: Plan) -> tuple[Run, Run]:
    """Two runs of one ladle, in fill order."""
    by_ladle: dict[str, list[Run]] = {}
    for r in sorted(plan.runs, key=lambda r: r.fill_start):
        by_ladle.setdefault(str(r.ladle_id), []).append(r)
    first, second = next(runs[:2] for runs in by_ladle.values() if len(runs) > 1)
    return first, second


def m_two_places(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """Two runs filling at the same time take one ladle."""
    a, b = sorted((r for r in plan.runs if r.smelter_id == "S1"), key=lambda r: r.fill_start)[:2]
    runs = [r.model_copy(update={"ladle_id": a.ladle_id}) if r == b else r for r in plan.runs]
    return network, _with_runs(plan, runs)


def m_unknown(network: Network, plan: Plan) -> tuple[Network, Plan]:
    runs = [plan.runs[0].model_copy(update={"ladle_id": "LX"}), *plan.runs[1:]]
    return network, _with_runs(plan, runs)


def m_home(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """A run at S1 names a ladle of S2 (never used at S2 that day: L5 of the fixture is
    S1's; L8 is S2's)."""
    run = next(r for r in plan.runs if r.smelter_id == "S1")
    home = next(lad for lad in network.ladles if lad.home_smelter == "S2")
    network = _ladle_of(network, home.ladle_id, hot_since=run.fill_start)
    runs = [r.model_copy(update={"ladle_id": home.ladle_id}) if r == run else r for r in plan.runs]
    others = [r for r in runs if r.ladle_id == home.ladle_id and r != run]
    runs = [r.model_copy(update={"ladle_id": "L7"}) if r in others else r for r in runs]
    return network, _with_runs(plan, runs)


def m_fit(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """The ladle of the first run holds less than the run's tonnes."""
    return _ladle_of(network, str(plan.runs[0].ladle_id), capacity_t=1.0), plan


def m_continuity(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """A ladle's second fill starts after its first pour but before it is back."""
    first, second = _twice(plan)
    start = first.pour_end + timedelta(minutes=1)
    shift = start - second.fill_start
    moved = second.model_copy(
        update={k: getattr(second, k) + shift for k in ("fill_start", "fill_end", "depart")}
    )
    return network, _with_runs(plan, [moved if r == second else r for r in plan.runs])


def m_cleaning(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """The first fill of a ladle used twice is its last before cleaning, and cleaning
    takes 8 h."""
    first, _ = _twice(plan)
    network = _ladle_params(network, clean_min=480.0)
    every = network.params.ladles.clean_every_fills
    return _ladle_of(network, str(first.ladle_id), fills_since_cleaning=every - 1), plan


def m_relining(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """A ladle used twice had one fill left before relining."""
    first, _ = _twice(plan)
    return _ladle_of(network, str(first.ladle_id), fills_left_before_relining=1), plan


def m_cold_without_preheat(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """A cold ladle's preheat is left out."""
    cold = {lad.ladle_id for lad in network.ladles if lad.hot_since is None}
    gone = next(p for p in plan.preheats if p.ladle_id in cold)
    kept = tuple(p for p in plan.preheats if p != gone)
    return network, plan.model_copy(update={"preheats": kept})


def m_heat(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """A run whose ladle had cooled claims the lining took nothing from the metal."""
    run = next(r for r in plan.runs if (r.ladle_drop_c or 0) > 1.0)
    runs = [r.model_copy(update={"ladle_drop_c": 0.0}) if r == run else r for r in plan.runs]
    return network, _with_runs(plan, runs)


def m_preheat_short(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """A preheat shorter than ``preheat_min`` (it starts later, ends as planned)."""
    p0 = plan.preheats[0]
    short = p0.model_copy(update={"start": p0.start + timedelta(minutes=60)})
    return network, plan.model_copy(update={"preheats": (short, *plan.preheats[1:])})


def m_stands(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """Two preheats of one smelter on one stand at once (over its stand capacity): the
    second moves onto the first's stand, as it was planned on its own stand."""
    by_smelter: dict[str, list] = {}
    for p in plan.preheats:
        by_smelter.setdefault(p.smelter_id, []).append(p)
    a, b = next(ps[:2] for ps in by_smelter.values() if len(ps) > 1)
    assert a.stand != b.stand and b.start < a.end  # two stands were needed at once
    moved = b.model_copy(update={"stand": a.stand})
    return network, plan.model_copy(
        update={"preheats": tuple(moved if p == b else p for p in plan.preheats)}
    )


def m_reason(network: Network, plan: Plan) -> tuple[Network, Plan]:
    """Tonnes unserved for ``ladles`` in a network without a pool (its rows cleared)."""
    network = network.model_copy(update={"ladles": ()})
    runs = [r.model_copy(update={"ladle_id": None, "ladle_drop_c": None}) for r in plan.runs]
    assert any(u.reason == "ladles" for u in plan.unserved)
    plan = plan.model_copy(update={"runs": tuple(runs), "preheats": ()})
    return network, plan


Mutation = Callable[[Network, Plan], tuple[Network, Plan]]
MUTATIONS: list[tuple[Mutation, str]] = [
    (m_two_places, "ladle_overlap"),
    (m_unknown, "ladle_unknown"),
    (m_home, "ladle_home"),
    (m_fit, "ladle_fit"),
    (m_continuity, "ladle_continuity"),
    (m_cleaning, "ladle_cleaning"),
    (m_relining, "ladle_relining"),
    (m_cold_without_preheat, "ladle_cold"),
    (m_heat, "ladle_heat"),
    (m_preheat_short, "preheat"),
    (m_stands, "preheat_stands"),
    (m_reason, "ladle_reason"),
]


@pytest.mark.parametrize(
    ("mutate", "rule"), MUTATIONS, ids=[m[0].__name__.removeprefix("m_") for m in MUTATIONS]
)
def test_mutation_is_caught(pool: tuple[Network, Plan], mutate: Mutation, rule: str) -> None:
    network, plan = mutate(*pool)
    report = check(network, plan, verify_fleet=False, verify_risk=False)
    shown = "\n".join(map(str, report.violations))
    assert rule in report.summary(), shown


def test_every_ladle_rule_has_a_mutation() -> None:
    assert {rule for _, rule in MUTATIONS} == LADLE_RULES


def test_a_run_without_a_ladle_in_a_pool_network_is_named(pool: tuple[Network, Plan]) -> None:
    network, plan = pool
    runs = [plan.runs[0].model_copy(update={"ladle_id": None}), *plan.runs[1:]]
    report = check(network, _with_runs(plan, runs), verify_fleet=False, verify_risk=False)
    assert report.summary() == {"ladle_unknown": 1}


def test_the_unserved_rows_of_a_small_pool_say_ladles(pool: tuple[Network, Plan]) -> None:
    _, plan = pool
    assert all(isinstance(u, Unserved) for u in plan.unserved)
    assert {u.reason for u in plan.unserved} >= {"ladles"}
