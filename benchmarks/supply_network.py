"""A copy of a network folder with some of its casters on managed supply.

For every other caster (by its row in ``casters.csv``, the first included) with orders
on the plan day, each alloy it orders becomes a managed furnace in a new
``consumption.csv``: the day's ordered tonnes are drawn evenly over the caster's
opening hours in two shifts with a half-hour stop between them (one shift when the
opening is too short for two; at most the format's
largest draw, ``DRAW_TPH_MAX`` t/h, on a short day of many tonnes); the furnace holds
40 % of the day's tonnes (at least 10 t, at most 60 t), its minimum is 15 % of that and
it starts the day 90 % full. Those casters' orders for the alloy are removed (the
supplier now decides the deliveries). Used by the tests and by
``python -m benchmarks supply``.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from pathlib import Path

from logistics.network.furnaces import DRAW_TPH_MAX
from logistics.network.loader import load_network

#: Share of the day's tonnes a furnace holds, and its bounds, t.
CAPACITY_SHARE, CAPACITY_MIN_T, CAPACITY_MAX_T = 0.4, 10.0, 60.0
#: Minimum and start level as shares of the capacity.
MIN_SHARE, START_SHARE = 0.15, 0.9
#: The stop between the two shifts, h.
STOP_H = 0.5


def _bands(open_h: float, close_h: float, tonnes: float) -> list[tuple[float, float, float]]:
    """Two shifts over ``[open_h, close_h)`` with a stop between, drawing ``tonnes`` in all
    (at most :data:`DRAW_TPH_MAX` t/h: a day whose tonnes need more draws less); one
    shift over the whole opening when it is too short for two around the stop (a caster
    open 20 minutes gave a negative draw, and a copy that did not load)."""
    mid = round((open_h + close_h) / 2.0 * 2) / 2.0
    if mid - STOP_H <= open_h or mid >= close_h:
        return [(open_h, close_h, min(round(tonnes / (close_h - open_h), 4), DRAW_TPH_MAX))]
    hours = close_h - open_h - STOP_H
    rate = min(round(tonnes / hours, 4), DRAW_TPH_MAX)
    return [(open_h, mid - STOP_H, rate), (mid, close_h, rate)]


def write_managed_copy(source: Path | str, dest: Path | str, every: int = 2) -> Path:
    """Copy ``source`` into ``dest`` with every ``every``-th caster on managed supply.

    Parameters
    ----------
    source, dest : Path or str
        The network folder and where to write the copy (created or replaced).
    every : int
        ``2``: half of the casters (the 1st, 3rd, 5th …).

    Returns
    -------
    Path
        ``dest``.
    """
    source, dest = Path(source), Path(dest)
    network = load_network(source)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest)
    chosen = {c.caster_id for c in network.casters[::every]}
    tonnes: dict[tuple[str, str], float] = defaultdict(float)
    for o in network.day_orders:
        if o.caster_id in chosen:
            tonnes[(o.caster_id, o.alloy)] += o.tonnes
    rows = []
    for (caster_id, alloy), t in sorted(tonnes.items()):
        caster = network.caster_by_id[caster_id]
        open_h = max(0.0, network.minutes(caster.open) / 60.0)
        close_h = min(24.0, network.minutes(caster.close) / 60.0)
        cap = round(min(CAPACITY_MAX_T, max(CAPACITY_MIN_T, CAPACITY_SHARE * t)), 1)
        furnace = ["managed", cap, round(MIN_SHARE * cap, 2), round(START_SHARE * cap, 2)]
        for k, (lo, hi, rate) in enumerate(_bands(open_h, close_h, t)):
            cells = furnace if k == 0 else ["", "", "", ""]
            rows.append([caster_id, alloy, *cells, lo, hi, rate, ""])
    with (dest / "consumption.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "caster_id",
                "alloy",
                "supply",
                "capacity_t",
                "min_level_t",
                "start_level_t",
                "from_h",
                "to_h",
                "t_per_h",
                "weekdays",
            ]
        )
        writer.writerows(rows)
    _drop_orders(dest / "orders.csv", set(tonnes))
    return dest


def _drop_orders(path: Path, furnaces: set[tuple[str, str]]) -> None:
    """Remove the orders of managed furnaces from an orders file."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        kept = [r for r in reader if (r["caster_id"], r["alloy"]) not in furnaces]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(kept)
