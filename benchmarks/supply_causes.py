"""Why each managed furnace-day of the supply benchmark falls below its minimum.

``python -m benchmarks.supply_causes [--limit S] [--days N] [--out FILE]``: plans the
managed half of :mod:`benchmarks.supply` and, for every furnace-day below the minimum
that liquid metal can reach (the planner's count), names one cause:

* ``carry_over:<why>``: the furnace falls below its minimum before the day's earliest
  possible pour (:func:`benchmarks.supply_reach.earliest_pour_min`): the evening before
  left it too low, because a delivery of the day before was left unserved
  (``dropped:<reason>``, the last one) or none was cut that would have covered it
  (``cut``);
* ``dropped:<reason>``: a managed delivery of the furnace whose window ends before the
  level first falls below the minimum (one hour's grace) was left unserved by the router,
  for ``<reason>`` (``fleet``, ``production``, ``ladles``, ``driver_hours``, ``cost`` …;
  ``-empty`` when its window had no width: the cut's deadline before the load fits);
* ``late``: every such delivery was routed, but one poured after its window's end;
* ``decision``: every such delivery was routed in time, yet the level fell below the
  minimum: the decision (and its cut) asked for too little or too late.

Each row is one furnace-day: day, caster, alloy, first minute below the minimum, the
minutes below it, the emergency ingots and the cause.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

from benchmarks.supply import REPO, SAMPLES, write_rows
from benchmarks.supply_network import write_managed_copy
from benchmarks.supply_reach import earliest_pour_min, unreachable
from logistics import load_network
from logistics.network.model import Network
from logistics.physics.furnace import LEVEL_TOL_T
from logistics.pipeline.day import PlanOutcome
from logistics.pipeline.horizon import plan_horizon
from logistics.plan.options import PlanOptions

#: Grace after a delivery's window end before the level's first minute below the
#: minimum for the delivery to count as the one that was needed, min.
GRACE_MIN = 60.0


def _evening(before: PlanOutcome | None, key: tuple[str, str]) -> str:
    """What the day before did for a furnace that came out of the night too low:
    ``dropped:<reason>`` (an evening delivery left unserved), else ``cut`` (no delivery
    it routed or dropped would have covered the morning)."""
    if before is None or before.plan.supply is None:
        return "start"
    plan = before.plan
    mine = {d.order_id for d in plan.supply.deliveries if (d.caster_id, d.alloy) == key}
    unserved = [u for u in plan.unserved if u.order_id in mine]
    return f"dropped:{unserved[-1].reason}" if unserved else "cut"


def _cause(
    network: Network,
    outcome: PlanOutcome,
    key: tuple[str, str],
    first_low: int,
    before: PlanOutcome | None = None,
) -> str:
    """One low furnace-day's cause (see the module)."""
    plan = outcome.plan
    assert plan.supply is not None
    furnace = next(f for f in network.furnaces if (f.caster_id, f.alloy) == key)
    earliest = earliest_pour_min(network, outcome.travel, furnace)
    if earliest is not None and first_low <= earliest:
        return f"carry_over:{_evening(before, key)}"
    mine = [d for d in plan.supply.deliveries if (d.caster_id, d.alloy) == key]
    due = {d.order_id: d for d in mine if network.minutes(d.window_end) <= first_low + GRACE_MIN}
    unserved = [u for u in plan.unserved if u.order_id in due]
    if unserved:
        d = due[unserved[0].order_id]
        empty = "-empty" if d.window_end <= d.window_start else ""
        return f"dropped:{unserved[0].reason}{empty}"
    late = [r for r in plan.runs if r.order_id in due and r.pour_start > due[r.order_id].window_end]
    return "late" if late else "decision"


def _rows(label: str, folder: Path, days: int, limit: float) -> list[dict[str, object]]:
    first = load_network(folder)

    def load_day(d: date) -> Network:
        return load_network(folder, d)

    outcome = plan_horizon(load_day, first.plan_date, days, PlanOptions(time_limit_s=limit, seed=0))
    rows: list[dict[str, object]] = []
    for k, (network, o) in enumerate(zip(outcome.networks, outcome.outcomes, strict=True)):
        by_key = {(f.caster_id, f.alloy): f for f in network.furnaces}
        for f in o.plan.supply.furnaces if o.plan.supply else ():
            key = (f.caster_id, f.alloy)
            if f.minutes_below_min <= 0 or f.no_supply or not by_key[key].managed:
                continue
            if unreachable(network, o.travel, by_key[key], first_day=k == 0):
                continue
            first_low = next(i for i, x in enumerate(f.levels_t) if x < f.min_level_t - LEVEL_TOL_T)
            rows.append(
                {
                    "network": label,
                    "day": k,
                    "caster_id": f.caster_id,
                    "alloy": f.alloy,
                    "start_level_t": f.start_level_t,
                    "min_level_t": f.min_level_t,
                    "first_low_min": first_low,
                    "minutes_below_min": f.minutes_below_min,
                    "emergency_ingot_t": f.emergency_ingot_t,
                    "cause": _cause(
                        network, o, key, first_low, outcome.outcomes[k - 1] if k else None
                    ),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Plan the samples' managed horizons and write each low furnace-day's cause."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.supply_causes")
    parser.add_argument("--limit", type=float, default=15.0)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in SAMPLES:
            folder = write_managed_copy(REPO / "sample_networks" / name, Path(tmp) / name)
            mine = _rows(name, folder, args.days, args.limit)
            print(name, dict(Counter(str(r["cause"]) for r in mine)), flush=True)
            rows += mine
    if args.out:
        write_rows(args.out, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
