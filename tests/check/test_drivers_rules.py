"""Mutation tests of the drivers' rules: a valid plan made with ``[drivers]``, broken one
row at a time, is flagged by the rule it breaks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.pipeline import plan_day
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from tests.conftest import copy_tiny

RULES = "[drivers]\nmax_continuous_driving_h = 1\nmin_break_min = 20\nmax_daily_driving_h = 6\n"
#: The checker's rules the mutations below break (each asserted by one of them).
MUTATED_RULES = frozenset({"driver_continuous", "driver_daily", "driver_break", "entry_ban"})


def _network(folder: Path, rules: str) -> Network:
    copy_tiny(folder)
    with (folder / "network.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + rules)
    return load_network(folder)


@pytest.fixture(scope="module")
def ruled(tmp_path_factory) -> tuple[Network, Plan]:
    network = _network(tmp_path_factory.mktemp("rules") / "net", RULES)
    plan = plan_day(network, PlanOptions(solver="greedy")).plan
    assert check(network, plan).ok
    return network, plan


@pytest.fixture(scope="module")
def handed_over(tmp_path_factory) -> tuple[Network, Plan]:
    rules = RULES.replace("= 6", "= 1.5") + "handover_at_smelter = true\n"
    network = _network(tmp_path_factory.mktemp("handover") / "net", rules)
    plan = plan_day(network, PlanOptions(solver="greedy")).plan
    assert check(network, plan).ok
    assert any(b.kind == "handover" for b in plan.breaks)
    return network, plan


def _rules(network: Network, plan: Plan) -> set[str]:
    return {v.rule for v in check(network, plan).violations}


def _needed(plan: Plan) -> int:
    """The position of the first break the plan takes (not a wait it had anyway)."""
    return next(k for k, b in enumerate(plan.breaks) if b.kind in ("break", "en_route"))


def test_a_break_removed_is_flagged(ruled) -> None:
    network, plan = ruled
    k = _needed(plan)
    broken = plan.model_copy(update={"breaks": plan.breaks[:k] + plan.breaks[k + 1 :]})
    assert "driver_continuous" in _rules(network, broken)


def test_a_break_shortened_is_flagged(ruled) -> None:
    network, plan = ruled
    k = _needed(plan)
    short = plan.breaks[k].model_copy(update={"end": plan.breaks[k].start + timedelta(minutes=10)})
    broken = plan.model_copy(update={"breaks": (*plan.breaks[:k], short, *plan.breaks[k + 1 :])})
    assert {"driver_break", "driver_continuous"} <= _rules(network, broken)


def test_a_break_during_a_pour_is_flagged(ruled) -> None:
    network, plan = ruled
    run = plan.runs[0]
    pouring = plan.breaks[0].model_copy(
        update={
            "truck_id": run.truck_id,
            "kind": "wait",
            "start": run.pour_start,
            "end": run.pour_start + timedelta(minutes=20),
        }
    )
    broken = plan.model_copy(update={"breaks": (*plan.breaks, pouring)})
    assert "driver_break" in _rules(network, broken)


def test_the_daily_limit_exceeded_is_flagged(ruled) -> None:
    network, plan = ruled
    params = network.params.model_copy(
        update={"drivers": network.params.drivers.model_copy(update={"max_daily_driving_h": 1})}
    )
    assert "driver_daily" in _rules(network.model_copy(update={"params": params}), plan)


def test_a_handover_removed_exceeds_the_daily_limit(handed_over) -> None:
    network, plan = handed_over
    kept = tuple(b for b in plan.breaks if b.kind != "handover")
    assert "driver_daily" in _rules(network, plan.model_copy(update={"breaks": kept}))


def test_a_handover_the_rules_do_not_allow_is_flagged(handed_over) -> None:
    network, plan = handed_over
    params = network.params.model_copy(
        update={"drivers": network.params.drivers.model_copy(update={"handover_at_smelter": False})}
    )
    assert "driver_break" in _rules(network.model_copy(update={"params": params}), plan)


def test_an_arrival_moved_into_a_ban_window_is_flagged(tmp_path, ruled) -> None:
    network, plan = ruled
    run = plan.runs[0]
    local = run.arrive.astimezone(network.tz)
    ban = (
        f'\n[[drivers.entry_bans]]\nname = "city"\ncasters = ["{run.caster_id}"]\n'
        f"from_h = {(local.hour + 2) % 24}\nto_h = {(local.hour + 4) % 24}\n"
    )
    banned = _network(tmp_path / "net", RULES + ban)
    assert "entry_ban" not in _rules(banned, plan)
    moved = run.model_copy(update={"arrive": run.arrive + timedelta(hours=2, minutes=30)})
    broken = plan.model_copy(update={"runs": (moved, *plan.runs[1:])})
    assert "entry_ban" in _rules(banned, broken)


def test_a_ban_by_area_covers_the_casters_inside(tmp_path, ruled) -> None:
    network, plan = ruled
    run = plan.runs[0]
    caster = network.caster_by_id[run.caster_id]
    local = run.arrive.astimezone(network.tz)
    d = 0.01
    corners = [
        [caster.lat - d, caster.lon - d],
        [caster.lat - d, caster.lon + d],
        [caster.lat + d, caster.lon + d],
        [caster.lat + d, caster.lon - d],
    ]
    ban = (
        f"\n[[drivers.entry_bans]]\narea = {corners}\n"
        f"from_h = {local.hour}\nto_h = {(local.hour + 1) % 24}\n"
    )
    assert "entry_ban" in _rules(_network(tmp_path / "net", RULES + ban), plan)
