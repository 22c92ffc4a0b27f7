"""Managed supply against the casters' own ordering rule over a horizon of days.

``python -m benchmarks.supply [--limit S] [--days N] [--out FILE]``: for each sample
network, a copy with every other caster on managed supply
(:mod:`benchmarks.supply_network`) is planned over ``--days`` days (3 by default) with
the optimiser, the furnace levels carried from day to day
(:func:`logistics.pipeline.horizon.plan_horizon`) — once with the managed furnaces
supplied by the planner, once with the same furnaces ordering by the casters' own rule
— and both horizons are scored with the same furnace model: tonnes delivered liquid to
those furnaces, furnace-days below the minimum (split into those no liquid metal can
reach, those no plan can keep at the minimum — :mod:`benchmarks.supply_reach` — and
the rest, the planner's, of which those whose whole shortfall is the dip before the
day's first possible pour the plan reports), emergency ingots, the casters' ordered
tonnes left unserved, transport cost per tonne delivered, and the saving against ingots.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from benchmarks.supply_network import write_managed_copy
from benchmarks.supply_reach import unreachable
from logistics import load_network
from logistics.network.model import Network
from logistics.pipeline.horizon import HorizonOutcome, horizon_summary, plan_horizon
from logistics.plan.options import PlanOptions
from logistics.planning.caster_rule import own_rule_network
from logistics.planning.managed import MANAGED_PREFIX

SAMPLES = ("pearl_river_delta", "yangtze_river_delta")
REPO = Path(__file__).resolve().parents[1]


def write_rows(path: Path, rows: Sequence[Mapping[str, object]]) -> None:
    """Write ``rows`` as CSV with the first row's keys as the header (nothing without rows)."""
    if not rows:
        return
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _unreachable_days(outcome: HorizonOutcome) -> set[tuple[int, str, str]]:
    """``(day, caster_id, alloy)`` of furnace-days no plan can keep at the minimum
    (:mod:`benchmarks.supply_reach`)."""
    found = set()
    for k, (network, o) in enumerate(zip(outcome.networks, outcome.outcomes, strict=True)):
        by_key = {(f.caster_id, f.alloy): f for f in network.furnaces}
        for f in o.plan.supply.furnaces if o.plan.supply else ():
            furnace = by_key[(f.caster_id, f.alloy)]
            if unreachable(network, o.travel, furnace, first_day=k == 0):
                found.add((k, f.caster_id, f.alloy))
    return found


def _low_days(outcome: HorizonOutcome) -> dict[str, int]:
    """Furnace-days below the minimum: of furnaces no liquid metal can reach
    (``no_supply``), physically unreachable on that day (``unreachable``), the rest
    (``reachable``, the planner's), and of those the days whose whole shortfall is the dip
    before the day's first possible pour the plan reports as unavoidable (``dip_only``:
    the level the day started with, which the evening before left, made it so)."""
    no_supply = {
        (f.caster_id, f.alloy)
        for o in outcome.outcomes
        if o.plan.supply
        for f in o.plan.supply.furnaces
        if f.no_supply
    }
    bound = _unreachable_days(outcome)
    counts = {"reachable": 0, "no_supply": 0, "unreachable": 0, "dip_only": 0}
    for k, o in enumerate(outcome.outcomes):
        for f in o.plan.supply.furnaces if o.plan.supply else ():
            if f.minutes_below_min <= 0:
                continue
            if (f.caster_id, f.alloy) in no_supply:
                counts["no_supply"] += 1
            elif (k, f.caster_id, f.alloy) in bound:
                counts["unreachable"] += 1
            else:
                counts["reachable"] += 1
                # all of it the dip before the day's first possible pour the plan
                # reports: the day itself could not avoid it, the evening before could
                counts["dip_only"] += f.emergency_ingot_t <= f.unavoidable_t + 1e-3
    return counts


def _orders_unserved_t(outcome: HorizonOutcome) -> float:
    """Tonnes of the casters' own orders left unserved over the horizon (every reason)."""
    return sum(
        u.tonnes
        for o in outcome.outcomes
        for u in o.plan.unserved
        if not u.order_id.startswith(MANAGED_PREFIX)
    )


def _score(label: str, mode: str, folder: Path, days: int, limit: float) -> dict[str, object]:
    """Plan the horizon and score its furnaces (those of ``consumption.csv``)."""
    first = load_network(folder)
    keys = {(f.caster_id, f.alloy) for f in first.furnaces if f.managed}
    prepare = (lambda n: own_rule_network(n, keys)) if mode == "own_rule" else None

    def load_day(d: date) -> Network:
        return load_network(folder, d)

    outcome = plan_horizon(
        load_day, first.plan_date, days, PlanOptions(time_limit_s=limit, seed=0), prepare=prepare
    )
    summary = horizon_summary(outcome)
    low = _low_days(outcome)
    runs = [r for o in outcome.outcomes for r in o.plan.runs if (r.caster_id, r.alloy) in keys]
    return {
        "network": label,
        "mode": mode,
        "days": days,
        "limit_s": limit,
        "violations": sum(len(o.report.violations) for o in outcome.outcomes),
        "furnaces": len(keys),
        "liquid_t_to_furnaces": round(sum(r.tonnes for r in runs), 1),
        "runs_to_furnaces": len(runs),
        "stockout_furnace_days": low["reachable"],
        "stockout_days_no_supply": low["no_supply"],
        "stockout_days_unreachable": low["unreachable"],
        "stockout_days_dip_only": low["dip_only"],
        "emergency_ingot_t": round(summary.emergency_ingot_t, 2),
        "orders_unserved_t": round(_orders_unserved_t(outcome), 1),
        "liquid_t": round(summary.tonnes_delivered, 1),
        "route_cny_per_t": round(summary.route_cost_cny / max(summary.tonnes_delivered, 1e-9), 1),
        "saving_vs_ingot_cny": round(summary.saving_cny),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and write its rows as CSV."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.supply")
    parser.add_argument("--limit", type=float, default=15.0)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--modes", default="managed,own_rule", help="comma-separated")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in SAMPLES:
            folder = write_managed_copy(REPO / "sample_networks" / name, Path(tmp) / name)
            for mode in args.modes.split(","):
                rows.append(_score(name, mode, folder, args.days, args.limit))
                print(rows[-1], flush=True)
    if args.out:
        write_rows(args.out, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
