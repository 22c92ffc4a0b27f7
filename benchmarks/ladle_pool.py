"""How often a ladle pool binds: a sample day planned with and without a pool.

``python -m benchmarks.ladle_pool [NETWORK ...] [--per-slot 1.5] [--cold-share 0.5]
[--time-limit 15]`` gives each network a pool of ``ceil(per_slot × ladle slots of the
fleet)`` ladles, shared among the smelters by the fills the day's plan without a pool
makes at each (at least 2 each; the fleet's largest size and best insulation; a share
``cold_share`` of them cold at the day's start, the others hot since an hour before the
smelter opens; fills since cleaning spread over the cleaning interval), plans the day
with and without it and
prints tonnes, route cost, superheat, the tonnes unserved for ``ladles``, the preheats
and the checker's verdict. docs/models.md reports the figures of the two samples.
"""

from __future__ import annotations

import argparse
import math
import shutil
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

from logistics.check import check
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.pipeline import plan_day
from logistics.plan.options import PlanOptions

SAMPLES = ("sample_networks/pearl_river_delta", "sample_networks/yangtze_river_delta")


def pool_csv(
    network: Network, per_slot: float, cold_share: float, fills: dict[str, int] | None = None
) -> str:
    """``ladles.csv`` text for a pool of ``per_slot`` ladles per truck slot (module doc),
    shared by ``fills`` per smelter (default: by the slots of the trucks based there)."""
    if fills is None:
        fills = {
            s.smelter_id: sum(t.ladles for t in network.fleet if t.home_smelter == s.smelter_id)
            for s in network.smelters
        }
    total = math.ceil(per_slot * sum(t.ladles for t in network.fleet))
    weight = sum(fills.values()) or 1
    size = max(t.ladle_t for t in network.fleet)
    tau = max(t.tau_h for t in network.fleet)
    lines = [
        "ladle_id,home_smelter,capacity_t,tau_h,hot_since,fills_since_cleaning,"
        "fills_left_before_relining"
    ]
    every = network.params.ladles.clean_every_fills
    for smelter in network.smelters:
        count = max(2, round(total * fills.get(smelter.smelter_id, 0) / weight))
        cold = round(cold_share * count)
        hot = (smelter.open - timedelta(hours=1)).astimezone(network.tz).strftime("%H:%M")
        for k in range(count):
            state = "cold" if k < cold else hot
            lines.append(
                f"{smelter.smelter_id}-L{k + 1:02d},{smelter.smelter_id},{size:g},{tau:g},"
                f"{state},{k % every},300"
            )
    return "\n".join(lines) + "\n"


def measure(folder: Path, per_slot: float, cold_share: float, time_limit: float) -> None:
    """Plan ``folder`` without and with a pool; print one line each."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / folder.name
        shutil.copytree(folder, copy)
        (copy / "ladles.csv").unlink(missing_ok=True)  # a sample's own pool: planned without
        plain = load_network(copy)
        options = PlanOptions(time_limit_s=time_limit, seed=0, workers=1)
        base = plan_day(plain, options).plan
        fills = Counter(r.smelter_id for r in base.runs)
        text = pool_csv(plain, per_slot, cold_share, dict(fills))
        (copy / "ladles.csv").write_text(text, encoding="utf-8")
        pooled = load_network(copy)
        for label, network in (("no pool", plain), (f"pool {len(pooled.ladles)}", pooled)):
            plan = base if network is plain else plan_day(network, options).plan
            s, e = plan.summary, plan.economics
            ladles_t = s.tonnes_unserved.get("ladles", 0.0)
            extra = ""
            if e is not None and plan.has_ladles:
                extra = f" preheat {e.plan.preheat_cny:,.0f} wear {e.plan.ladle_wear_cny:,.0f}"
            print(
                f"{folder.name:22s} {label:10s} delivered {s.tonnes_delivered:7.1f} t "
                f"route {s.route_cost_cny:9,.0f} superheat {s.superheat_cny:7,.0f} "
                f"unserved(ladles) {ladles_t:6.1f} t runs {s.ladle_runs:4d} "
                f"preheats {len(plan.preheats):3d}{extra} "
                f"violations {len(check(network, plan).violations)}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("networks", nargs="*", default=list(SAMPLES))
    parser.add_argument("--per-slot", type=float, default=1.5)
    parser.add_argument("--cold-share", type=float, default=0.5)
    parser.add_argument("--time-limit", type=float, default=15.0)
    args = parser.parse_args()
    for folder in args.networks:
        measure(Path(folder), args.per_slot, args.cold_share, args.time_limit)


if __name__ == "__main__":
    main()
