"""Rules about smelters: metal released for delivery, and fill bays."""

from __future__ import annotations

from collections import defaultdict
from itertools import islice

from logistics.check.context import TIME_TOL_S, TONNES_TOL, CheckContext, CheckRun, count


def check_production(ctx: CheckContext, runs: list[CheckRun]) -> None:
    groups: dict[tuple[str, str], list[CheckRun]] = defaultdict(list)
    for r in runs:
        if (r.smelter_id, r.alloy) in ctx.network.production_by_key:
            groups[(r.smelter_id, r.alloy)].append(r)
    for key, group in groups.items():
        prod = ctx.network.production_by_key[key]
        opens = ctx.seconds(ctx.network.smelter_by_id[key[0]].open)
        filled = 0.0
        for r in sorted(group, key=lambda r: (r.fill_start, r.row)):
            filled += r.tonnes
            hours = (r.fill_start + TIME_TOL_S - opens) / 3600.0
            available = prod.stock_t + prod.rate_tph * hours
            if filled > available + TONNES_TOL:
                ctx.add(
                    "production",
                    f"by {ctx.at(r.fill_start)} {key[0]} has filled {filled:.3f} t of "
                    f"{key[1]}, but only {available:.3f} t are released (stock "
                    f"{prod.stock_t:g} t + {prod.rate_tph:g} t/h from "
                    f"{ctx.at(opens)})",
                    r,
                )


def check_fill_bays(ctx: CheckContext, runs: list[CheckRun]) -> None:
    by_smelter: dict[str, list[CheckRun]] = defaultdict(list)
    for r in runs:
        smelter = ctx.network.smelter_by_id.get(r.smelter_id)
        if smelter is not None and smelter.fill_bays is not None:
            by_smelter[r.smelter_id].append(r)
    for smelter_id, group in by_smelter.items():
        bays = ctx.network.smelter_by_id[smelter_id].fill_bays
        assert bays is not None
        # (time, kind, run): kind 0 = a fill ends, 1 = a fill starts (ends first)
        events: list[tuple[float, int, int]] = []
        for i, r in enumerate(group):
            end = r.fill_end - TIME_TOL_S
            if end > r.fill_start:
                events.append((r.fill_start, 1, i))
                events.append((end, 0, i))
        events.sort()
        active: set[int] = set()
        for _, kind, i in events:
            if kind == 0:
                active.discard(i)
                continue
            active.add(i)
            if len(active) > bays:
                r = group[i]
                # name a few of the others only: a badly broken plan may have
                # hundreds filling at once, and the check must stay O(n log n)
                shown = sorted(group[j].run_id for j in islice(active, 4) if j != i)[:3]
                more = len(active) - 1 - len(shown)
                others = ", ".join(shown) + (f" and {more} more" if more else "")
                ctx.add(
                    "fill_bays",
                    f"starts filling at {ctx.at(r.fill_start)} while {others} "
                    f"{'fills' if len(active) == 2 else 'fill'} at {smelter_id}: "
                    f"{len(active)} ladles at once, the smelter has "
                    f"{count(bays, 'fill bay')}",
                    r,
                )
