"""Drivers' hours (``[drivers]`` in network.toml): planned with breaks, checked, re-planned.

The network is the tiny day with a 1 h continuous-driving limit and 6 h a day: its
unconstrained plans drive more than an hour without a rest (the checker says so), so
the rules bind. Every figure asserted is the checker's
verdict or recomputed from the plan's rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.pipeline import facts_at, plan_day, replan
from logistics.plan.files import BREAKS_FILE, read_plan
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from logistics.plan.timeline import truck_segments
from tests.conftest import TEST_DATA, copy_tiny

MOLTEN = Path(sys.executable).parent / "molten"
#: The rules of the tests' network.
RULES = "[drivers]\nmax_continuous_driving_h = 1\nmin_break_min = 20\nmax_daily_driving_h = 6\n"


def with_rules(folder: Path, rules: str = RULES) -> Path:
    """A copy of tiny with ``rules`` appended to its network.toml."""
    copy_tiny(folder)
    with (folder / "network.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + rules)
    return folder


@pytest.fixture(scope="module")
def ruled(tmp_path_factory) -> Network:
    return load_network(with_rules(tmp_path_factory.mktemp("drivers") / "net"))


@pytest.fixture(scope="module")
def ruled_plan(ruled) -> Plan:
    return plan_day(ruled, PlanOptions(solver="ortools", time_limit_s=3)).plan


def driving_by_driver(network: Network, plan: Plan) -> dict[tuple[str, int], float]:
    """Minutes each driver drives, from the rows: every drive of the truck-day timeline at
    the travel model's time; a handover before trip k's first fill gives trip k's drives
    (and the drive after it, not the drive to its smelter) to the next driver."""
    travel = Travel.of(network)
    first_fill: dict[tuple[str, int], object] = {}
    for r in plan.runs:
        key = (r.truck_id, r.trip)
        first_fill[key] = min(first_fill.get(key, r.fill_start), r.fill_start)
    handovers = defaultdict(list)
    for b in plan.breaks:
        if b.kind == "handover":
            trips = [
                t for (truck, t), f in first_fill.items() if truck == b.truck_id and f >= b.start
            ]
            handovers[b.truck_id].append(min(trips))
    driving: dict[tuple[str, int], float] = defaultdict(float)
    for s in truck_segments(network, travel, plan.runs, plan.truck_starts):
        if s.kind not in ("drive", "return") or s.origin == s.destination:
            continue
        kinds = ("caster" if s.origin in network.caster_by_id else "smelter",)
        kinds += ("caster" if s.destination in network.caster_by_id else "smelter",)
        a, b = travel.index(kinds[0], s.origin), travel.index(kinds[1], s.destination)
        approach = s.kind == "return" and s.end == first_fill.get((s.truck_id, s.trip))
        driver = 1 + sum(
            1 for k in handovers[s.truck_id] if k < s.trip or (k == s.trip and not approach)
        )
        driving[(s.truck_id, driver)] += float(travel.minutes[a, b])
    return driving


def test_without_rules_the_tiny_plan_drives_past_them(ruled, tiny_outcome) -> None:
    report = check(ruled, tiny_outcome.plan)
    rules = {v.rule for v in report.violations}
    assert "driver_continuous" in rules
    assert tiny_outcome.plan.breaks == ()


def test_a_plan_with_rules_has_breaks_and_passes_the_checker(ruled, ruled_plan) -> None:
    report = check(ruled, ruled_plan)
    assert report.ok, [str(v) for v in report.violations]
    assert ruled_plan.runs
    kinds = {b.kind for b in ruled_plan.breaks}
    assert "break" in kinds or "en_route" in kinds
    for b in ruled_plan.breaks:
        assert b.end - b.start >= timedelta(minutes=20)
    for (truck, driver), minutes in driving_by_driver(ruled, ruled_plan).items():
        assert minutes <= 6 * 60 + 1e-6, (truck, driver, minutes)


def test_trips_the_rules_forbid_are_unserved_not_planned_illegal(ruled, ruled_plan) -> None:
    tight = ruled.model_copy(
        update={
            "params": ruled.params.model_copy(
                update={
                    "drivers": ruled.params.drivers.model_copy(update={"max_daily_driving_h": 1.5})
                }
            )
        }
    )
    plan = plan_day(tight, PlanOptions(solver="greedy")).plan
    assert check(tight, plan).ok
    delivered = sum(r.tonnes for r in plan.runs)
    assert delivered < sum(r.tonnes for r in ruled_plan.runs)
    for minutes in driving_by_driver(tight, plan).values():
        assert minutes <= 90 + 1e-6


def test_handovers_let_a_second_driver_on(tmp_path) -> None:
    rules = RULES.replace("max_daily_driving_h = 6", "max_daily_driving_h = 1.5")
    network = load_network(with_rules(tmp_path / "net", rules + "handover_at_smelter = true\n"))
    plan = plan_day(network, PlanOptions(solver="greedy")).plan
    assert check(network, plan).ok
    handovers = [b for b in plan.breaks if b.kind == "handover"]
    assert handovers
    assert all(b.where in network.smelter_by_id for b in handovers)
    driving = driving_by_driver(network, plan)
    assert max(driver for _, driver in driving) >= 2
    assert all(minutes <= 90 + 1e-6 for minutes in driving.values())


def test_no_arrival_inside_an_entry_ban(tmp_path) -> None:
    ban = '\n[[drivers.entry_bans]]\ncasters = ["C1", "C2", "C3"]\nfrom_h = 9\nto_h = 11\n'
    network = load_network(with_rules(tmp_path / "net", "[drivers]\n" + ban))
    plan = plan_day(network, PlanOptions(solver="ortools", time_limit_s=3)).plan
    assert check(network, plan).ok
    assert plan.runs
    for r in plan.runs:
        local = r.arrive.astimezone(network.tz)
        first = not any(
            o.truck_id == r.truck_id and o.trip == r.trip and o.pour_end == r.arrive
            for o in plan.runs
        )
        if r.caster_id in ("C1", "C2", "C3") and first:
            assert not 9 <= local.hour < 11, r


def test_a_replan_is_timed_with_the_same_rules(ruled, ruled_plan) -> None:
    now = ruled.at(10 * 60)
    facts = facts_at(ruled_plan, now)
    assert facts
    result = replan(ruled, ruled_plan, now, PlanOptions(solver="greedy"))
    plan = result.outcome.plan
    report = check(result.network, plan)
    assert report.ok, [str(v) for v in report.violations]
    assert set(facts) <= set(plan.runs)
    for b in plan.breaks:
        assert b.end - b.start >= timedelta(minutes=20) or b.kind == "handover"
    for minutes in driving_by_driver(result.network, plan).values():
        assert minutes <= 6 * 60 + 1e-6


def _molten(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(MOLTEN), *args], capture_output=True, text=True, env=os.environ.copy(), check=False
    )


def test_molten_plan_and_check_with_rules(tmp_path) -> None:
    folder = with_rules(tmp_path / "net")
    out = tmp_path / "plan"
    done = _molten("plan", str(folder), "--time-limit", "3", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / BREAKS_FILE).is_file()
    network = load_network(folder)
    plan = read_plan(out, network)
    assert plan.breaks
    checked = _molten("check", str(folder), str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # a break deleted from breaks.csv: the checker flags the drive it covered
    lines = (out / BREAKS_FILE).read_text(encoding="utf-8").splitlines()
    needed = [k for k, line in enumerate(lines) if ",break," in line or ",en_route," in line]
    assert needed
    del lines[needed[0]]
    (out / BREAKS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = _molten("check", str(folder), str(out))
    assert checked.returncode == 4
    assert "driver_continuous" in checked.stdout


def test_a_plan_without_rules_has_no_breaks_file(tmp_path) -> None:
    out = tmp_path / "plan"
    done = _molten("plan", str(TEST_DATA / "tiny"), "--solver", "greedy", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["plan.json", "runs.csv", "unserved.csv"]


@pytest.mark.parametrize(
    ("rules", "key", "says"),
    [
        (
            "[drivers]\nmax_continuous_driving_h = 13\n",
            "[drivers] max_continuous_driving_h",
            "0.5–12 h",
        ),
        ("[drivers]\nmin_break_min = 2\n", "[drivers] min_break_min", "5–240 min"),
        ("[drivers]\nmax_daily_driving_h = 0\n", "[drivers] max_daily_driving_h", "1–24 h"),
        ("[drivers]\nhandover_at_smelter = 1\n", "[drivers] handover_at_smelter", "boolean"),
        ("[drivers]\nbreaks = 3\n", "[drivers] breaks", "unknown parameter"),
        (
            '[[drivers.entry_bans]]\ncasters = ["C1"]\nfrom_h = 7\nto_h = 25\n',
            "[drivers.entry_bans] to_h",
            "0–24 h",
        ),
        (
            "[[drivers.entry_bans]]\narea = [[23, 113], [23, 114], [200, 113]]\n"
            "from_h = 7\nto_h = 9\n",
            "[drivers] entry_bans",
            "area corner [200, 113]",
        ),
        (
            '[[drivers.entry_bans]]\ncasters = ["NOPE"]\nfrom_h = 7\nto_h = 9\n',
            "[drivers.entry_bans] casters",
            "unknown caster 'NOPE'",
        ),
    ],
)
def test_bad_driver_rules_are_bad_input(tmp_path, rules: str, key: str, says: str) -> None:
    folder = with_rules(tmp_path / "net", rules)
    done = _molten("plan", str(folder), "--solver", "greedy", "--out", str(tmp_path / "p"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "network.toml" in done.stderr
    assert f"'{key}'" in done.stderr
    assert says in done.stderr
    assert not (tmp_path / "p").exists()


def test_the_documented_example_loads(tmp_path) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "network-format.md").read_text(
        encoding="utf-8"
    )
    example = text.split("```toml\n[drivers]\n", 1)[1].split("```", 1)[0]
    network = load_network(with_rules(tmp_path / "net", "[drivers]\n" + example))
    drivers = network.params.drivers
    assert drivers is not None and drivers.handover_at_smelter
    (ban,) = drivers.entry_bans
    assert ban.covers("C1", 0.0, 0.0) and (ban.from_h, ban.to_h) == (7, 9)


def test_the_gantt_and_the_route_sheets_show_the_breaks(ruled, ruled_plan) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from logistics.charts.gantt import truck_gantt
    from logistics.plan.exports import plan_workbook

    travel = Travel.of(ruled)
    fig = truck_gantt(ruled, travel, ruled_plan.runs, breaks=ruled_plan.breaks)
    bars = [t for t in fig.data if t.name == "driver's break"]
    assert len(bars) == 1
    assert len(bars[0].y) == len(ruled_plan.breaks)
    assert {c[1] for c in bars[0].customdata} == {b.kind for b in ruled_plan.breaks}
    plain = truck_gantt(ruled, travel, ruled_plan.runs)
    assert not [t for t in plain.data if t.name == "driver's break"]
    book = load_workbook(BytesIO(plan_workbook(ruled, ruled_plan, travel)))
    for truck_id in {b.truck_id for b in ruled_plan.breaks}:
        rows = [[c.value for c in row] for row in book[f"Route {truck_id}"].iter_rows()]
        header = rows.index(["driver", "break", "from", "to", "min", "where"] + [None] * 10)
        listed = [r for r in rows[header + 1 :] if r[0] is not None]
        assert len(listed) == sum(1 for b in ruled_plan.breaks if b.truck_id == truck_id)
        assert all(r[4] >= 20 for r in listed)


@pytest.mark.parametrize("mode", ["reoptimise", "insert"])
def test_a_replan_keeps_a_departure_delayed_by_a_ban(tmp_path, mode) -> None:
    # a trip under way at 10:00 waits at its smelter, loaded, for a ban on its caster to
    # end: the re-plan reads its departure from the row, not from its last fill
    rules = RULES.replace("= 6", "= 3") + "handover_at_smelter = true\n"
    ban = '\n[[drivers.entry_bans]]\ncasters = ["C2"]\nfrom_h = 10\nto_h = 12\n'
    folder = with_rules(tmp_path / "net", rules + ban)
    text = (folder / "network.toml").read_text(encoding="utf-8")
    (folder / "network.toml").write_text(
        text.replace("speed_kmh = 40", "speed_kmh = 40\nrush_speed_factor = 0.6"), encoding="utf-8"
    )
    network = load_network(folder)
    plan = plan_day(network, PlanOptions(solver="ortools", time_limit_s=5)).plan
    assert check(network, plan).ok
    result = replan(network, plan, network.at(600), PlanOptions(solver="greedy", replan_mode=mode))
    report = check(result.network, result.outcome.plan)
    assert report.ok, [str(v) for v in report.violations]
