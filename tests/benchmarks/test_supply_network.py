"""The managed copy of a network stays inside the format's plausible ranges.

A caster that orders many tonnes over short opening hours would need a draw above the
format's largest (``DRAW_TPH_MAX`` t/h); the copy draws at most that, so it loads
(the managed fuzzer's seed 1501 failed to load its own copy before).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from benchmarks.supply_network import write_managed_copy
from logistics.network.furnaces import DRAW_TPH_MAX
from logistics.network.loader import load_network

TINY = Path(__file__).resolve().parents[2] / "sample_networks" / "tiny"


def _heavy_orders(folder: Path, factor: float) -> None:
    """Every order's tonnes times ``factor`` (still within an order's range)."""
    path = folder / "orders.csv"
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for r in rows:
        r["tonnes"] = str(float(r["tonnes"]) * factor)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_a_caster_ordering_more_than_the_largest_draw_gets_the_largest_draw(
    tmp_path: Path,
) -> None:
    source = tmp_path / "heavy"
    shutil.copytree(TINY, source)
    network = load_network(source)
    first = network.casters[0]  # managed in the copy (every other caster, the first included)
    hours = (network.minutes(first.close) - network.minutes(first.open)) / 60.0
    ordered = sum(o.tonnes for o in network.day_orders if o.caster_id == first.caster_id)
    factor = 2.0 * DRAW_TPH_MAX * hours / ordered
    _heavy_orders(source, factor)
    managed = load_network(write_managed_copy(source, tmp_path / "managed"))
    rates = [b.t_per_h for b in managed.consumption if b.caster_id == first.caster_id]
    assert rates and max(rates) == DRAW_TPH_MAX


def test_a_caster_open_twenty_minutes_draws_over_them(tmp_path: Path) -> None:
    # the managed fuzzer's seed 1700: a caster open 07:00-07:20 had its two shifts
    # around a half-hour stop drawn at -6 t/h, and its copy did not load
    source = tmp_path / "short"
    shutil.copytree(TINY, source)
    path = source / "casters.csv"
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    rows[0]["open"], rows[0]["close"] = "07:00", "07:20"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    network = load_network(source)
    first = network.casters[0]
    ordered = sum(o.tonnes for o in network.day_orders if o.caster_id == first.caster_id)
    managed = load_network(write_managed_copy(source, tmp_path / "managed"))
    bands = [b for b in managed.consumption if b.caster_id == first.caster_id]
    drawn = sum(b.t_per_h * (b.to_h - b.from_h) for b in bands)
    assert bands and min(b.from_h for b in bands) >= 7.0 and max(b.to_h for b in bands) <= 7.34
    assert abs(drawn - min(ordered, 50.0 / 3.0)) < 0.01
