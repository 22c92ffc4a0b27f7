"""Managed supply against the casters' own ordering rule, one plan day per sample.

``python -m benchmarks.supply [--limit S] [--out FILE]``: for each sample network, a
copy with every other caster on managed supply (:mod:`benchmarks.supply_network`) is
planned twice with the optimiser — the managed furnaces supplied by the planner, and the
same furnaces ordering by the casters' own rule — and both days are scored with the same
furnace model: tonnes delivered liquid to those furnaces, stock-outs, emergency ingots,
transport cost per tonne delivered, and the day's saving against ingots.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

from benchmarks.supply_network import write_managed_copy
from logistics import load_network, plan_day
from logistics.network.model import Network
from logistics.plan.options import PlanOptions
from logistics.planning.caster_rule import own_rule_network

SAMPLES = ("pearl_river_delta", "yangtze_river_delta")
REPO = Path(__file__).resolve().parents[1]


def _score(label: str, mode: str, network: Network, limit: float) -> dict[str, object]:
    """Plan one day and score its furnaces (those of ``consumption.csv``)."""
    outcome = plan_day(network, PlanOptions(time_limit_s=limit, seed=0))
    plan, supply = outcome.plan, outcome.plan.supply
    assert supply is not None
    keys = {(f.caster_id, f.alloy) for f in network.furnaces}
    runs = [r for r in plan.runs if (r.caster_id, r.alloy) in keys]
    tonnes = sum(r.tonnes for r in runs)
    economics = plan.economics
    return {
        "network": label,
        "mode": mode,
        "limit_s": limit,
        "violations": len(outcome.report.violations),
        "furnaces": len(network.furnaces),
        "liquid_t_to_furnaces": round(tonnes, 1),
        "runs_to_furnaces": len(runs),
        "stockout_furnaces": supply.stockout_furnaces,
        "minutes_below_min": supply.minutes_below_min,
        "emergency_ingot_t": supply.emergency_ingot_t,
        "shortfall_cny": round(supply.emergency_ingot_cny + supply.stockout_cny),
        "day_liquid_t": round(plan.summary.tonnes_delivered, 1),
        "route_cny_per_t": round(plan.summary.route_cost_cny / plan.summary.tonnes_delivered, 1),
        "saving_vs_ingot_cny": round(economics.summary.saving_cny) if economics else None,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and write its rows as CSV."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.supply")
    parser.add_argument("--limit", type=float, default=15.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in SAMPLES:
            folder = write_managed_copy(REPO / "sample_networks" / name, Path(tmp) / name)
            network = load_network(folder)
            rows.append(_score(name, "managed", network, args.limit))
            rows.append(_score(name, "own_rule", own_rule_network(network), args.limit))
            print(rows[-2], rows[-1], sep="\n", flush=True)
    if args.out:
        with args.out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
