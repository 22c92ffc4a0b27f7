"""Ladle pools for fuzzed networks: a ``ladles.csv`` and a ``[ladles]`` table.

About a third of the generated networks (:data:`POOL_SHARE`) get a pool: per smelter
0.5–3 ladles per truck slot based there, a share of them cold at the start of the day
(the others hot since early morning), 1–4 burner stands, cleaning every few to many
fills, some ladles smaller or less insulated than the trucks', some near relining.
Drawn from a random stream of its own (``"ladles-<seed>"``): every other draw of a
seed stays what it was before pools were drawn.
"""

from __future__ import annotations

import random
import tomllib

from benchmarks.fuzz_draws import csv_text, field_bounds, read_csv
from logistics.network.ladles import Ladle

#: Share of generated networks that get a ladle pool.
POOL_SHARE = 1 / 3

LADLE_COLUMNS = (
    "ladle_id",
    "home_smelter",
    "capacity_t",
    "tau_h",
    "hot_since",
    "fills_since_cleaning",
    "fills_left_before_relining",
)


def _ladles_table(rng: random.Random) -> dict[str, float | int]:
    return {
        "preheat_stands": rng.randint(1, 4),
        "preheat_min": rng.choice([30, 60, 120, 120, 240]),
        "empty_tau_h": rng.choice([2.0, 4.0, 10.0, 10.0, 20.0]),
        "clean_every_fills": rng.choice([2, 4, 12, 12, 40]),
        "clean_min": rng.choice([0, 15, 30, 30, 60]),
    }


def with_ladle_pool(seed: int, files: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """``files`` with a ladle pool on :data:`POOL_SHARE` of the seeds, and the draws made.

    Parameters
    ----------
    seed : int
        The example's seed.
    files : dict of str to str
        The network's files (file name → text); not modified.

    Returns
    -------
    (dict of str to str, list of str)
        The files (with ``ladles.csv`` and a ``[ladles]`` table when drawn) and the
        names of the pool draws (empty without a pool).
    """
    rng = random.Random(f"ladles-{seed}")
    if rng.random() >= POOL_SHARE or "fleet.csv" not in files or "smelters.csv" not in files:
        return files, []
    _, fleet = read_csv(files["fleet.csv"])
    _, smelters = read_csv(files["smelters.csv"])
    if not fleet or not smelters:
        return files, []
    per_slot = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0])
    cold_share = rng.choice([0.0, 0.25, 0.5, 1.0])
    small_share = rng.choice([0.0, 0.0, 0.2, 0.5])
    table = _ladles_table(rng)
    size = max(float(t["ladle_t"]) for t in fleet)
    tau = max(float(t["tau_h"]) for t in fleet)
    # a small ladle insulated worse than the trucks, but within the format's range (an
    # edge draw may give the fleet a time constant near the range's lower end)
    small_tau_lo = field_bounds(Ladle, "tau_h").at("lo") or 0.0
    rows = []
    for smelter in smelters:
        sid = smelter["smelter_id"]
        slots = sum(int(float(t["ladles"])) for t in fleet if t["home_smelter"] == sid)
        slots = slots or max(1, sum(int(float(t["ladles"])) for t in fleet) // len(smelters))
        for k in range(max(1, round(per_slot * slots))):
            small = rng.random() < small_share
            rows.append(
                {
                    "ladle_id": f"{sid}-L{k + 1}",
                    "home_smelter": sid,
                    "capacity_t": rng.choice([1.5, 2.0]) if small else size,
                    "tau_h": max(small_tau_lo, round(tau * rng.choice([0.5, 0.8]), 1))
                    if small
                    else tau,
                    "hot_since": "cold"
                    if rng.random() < cold_share
                    else rng.choice(["03:00", "05:00", "06:00"]),
                    "fills_since_cleaning": rng.randint(0, int(table["clean_every_fills"])),
                    "fills_left_before_relining": rng.choice([0, 1, 3, 300, 300, 300]),
                }
            )
    toml = files["network.toml"]
    if "ladles" not in tomllib.loads(toml):  # an edge draw may have set the table already
        toml = toml.rstrip("\n") + "\n\n[ladles]\n"
        toml += "".join(f"{key} = {value}\n" for key, value in table.items())
    drawn = [f"ladles_per_slot_{per_slot:g}", f"ladles_cold_{cold_share:g}"]
    return {**files, "ladles.csv": csv_text(LADLE_COLUMNS, rows), "network.toml": toml}, drawn
