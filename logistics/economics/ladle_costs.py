"""What a ladle pool costs a plan: gas for preheating cold ladles, and lining wear.

Only plans whose runs carry ladles of a pool (a network with ``ladles.csv``) have
these costs; for every other plan they are 0. Per run:

* preheat gas: each preheat of ``preheats.csv`` burns ``[ladles] preheat_gas_m3_h``
  Nm³ an hour for its length, at ``[economics] gas_price_cny_m3``, and is charged to the
  run its ladle is filled for next (the first fill of that ladle at or after the
  preheat's end); its CO2 at ``[emissions] natural_gas_m3``;
* wear: ``[ladles] wear_cny_per_fill`` for every fill of a pool ladle.

The heat the lining takes from the metal (``ladle_drop_c``) is not here: the furnace
taps that much hotter, and the superheat price charges it with the rest of the tap.
"""

from __future__ import annotations

from collections import defaultdict

from logistics.network.model import Network
from logistics.plan.model import Plan


def ladle_costs(network: Network, plan: Plan) -> dict[str, tuple[float, float]]:
    """Each run's preheat gas and ladle wear.

    Parameters
    ----------
    network : Network
        Its ``[ladles]`` (gas rate, wear per fill).
    plan : Plan
        Its runs (``ladle_id``) and ``preheats``.

    Returns
    -------
    dict
        ``run_id → (preheat gas Nm³, wear CNY)`` of every run with a ``ladle_id``.
    """
    params = network.params.ladles
    fills: dict[str, list[tuple[float, str]]] = defaultdict(list)
    costs: dict[str, tuple[float, float]] = {}
    for r in plan.runs:
        if r.ladle_id is not None:
            fills[r.ladle_id].append((r.fill_start.timestamp(), r.run_id))
            costs[r.run_id] = (0.0, params.wear_cny_per_fill)
    for ladle_fills in fills.values():
        ladle_fills.sort()
    for p in plan.preheats:
        end = p.end.timestamp()
        later = [run_id for start, run_id in fills.get(p.ladle_id, []) if start >= end - 1.0]
        if later:
            gas, wear = costs[later[0]]
            hours = (p.end - p.start).total_seconds() / 3600.0
            costs[later[0]] = (gas + hours * params.preheat_gas_m3_h, wear)
    return costs
