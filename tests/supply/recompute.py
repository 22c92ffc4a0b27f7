"""A managed furnace's metal minute by minute, recomputed from the files alone: its draw
from ``consumption.csv`` and its inflow from ``runs.csv``'s pours (for the command-line
tests, independent of the planner's and the checker's own level curves)."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import datetime
from pathlib import Path

#: Minutes of a day.
DAY_MIN = 1440

Key = tuple[str, str]


def rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file as dictionaries by column name."""
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def draw_by_minute(net: Path) -> tuple[dict[Key, list[float]], dict[Key, dict[str, str]]]:
    """Each furnace's draw in each minute of the day (t) from ``consumption.csv``, and its
    first row there, by ``(caster_id, alloy)``."""
    furnaces: dict[Key, dict[str, str]] = {}
    draw: dict[Key, list[float]] = defaultdict(lambda: [0.0] * DAY_MIN)
    for row in rows(net / "consumption.csv"):
        key = (row["caster_id"], row["alloy"])
        furnaces.setdefault(key, row)
        lo, hi, rate = float(row["from_h"]), float(row["to_h"]), float(row["t_per_h"])
        for m in range(DAY_MIN):
            draw[key][m] += max(0.0, min(m + 1, hi * 60) - max(m, lo * 60)) * rate / 60
    return draw, furnaces


def inflow_by_minute(plan: Path) -> dict[Key, list[float]]:
    """Each ``(caster_id, alloy)``'s metal poured in each minute of the day (t), from the
    pours of ``runs.csv`` (a pour's tonnes spread evenly over its minutes)."""
    inflow: dict[Key, list[float]] = defaultdict(lambda: [0.0] * DAY_MIN)
    for run in rows(plan / "runs.csv"):
        start, end = (datetime.fromisoformat(run[c]) for c in ("pour_start", "pour_end"))
        s = start.hour * 60 + start.minute + start.second / 60
        e = s + (end - start).total_seconds() / 60
        for m in range(int(s), min(DAY_MIN, int(e) + 1)):
            share = max(0.0, min(m + 1, e) - max(m, s))
            inflow[(run["caster_id"], run["alloy"])][m] += float(run["tonnes"]) * share / (e - s)
    return inflow
