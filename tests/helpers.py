"""Figures recomputed from a plan's rows, for tests that compare plans.

Tests never trust what the solver says about its own plan (``plan.solver``,
``plan.summary``): these recompute from ``plan.runs`` and ``plan.unserved`` alone.
"""

from __future__ import annotations

from logistics.network.model import Network
from logistics.network.prices import unserved_penalty_per_t
from logistics.physics.travel import Travel
from logistics.plan.model import Plan, Summary
from logistics.plan.reasons import EXCLUDED_REASONS
from logistics.plan.summary import summarise


def summary_from_rows(network: Network, plan: Plan) -> Summary:
    """The plan's KPIs recomputed from its rows."""
    return summarise(network, Travel.of(network), plan.runs, plan.unserved, plan.truck_starts)


def objective_from_rows(network: Network, plan: Plan) -> float:
    """Route cost + superheat + the unserved penalty of every servable tonne left, CNY."""
    s = summary_from_rows(network, plan)
    left = sum(u.tonnes for u in plan.unserved if u.reason not in EXCLUDED_REASONS)
    return s.route_cost_cny + s.superheat_cny + unserved_penalty_per_t(network.params) * left


def delivered_from_rows(plan: Plan) -> float:
    """Tonnes poured, summed over the runs."""
    return sum(r.tonnes for r in plan.runs)


def levels_from_rows(network: Network, plan: Plan) -> dict[tuple[str, str], list[float]]:
    """Every furnace's level at each whole minute 0–1440 of the plan day, t, recomputed
    from ``consumption.csv``'s furnaces and bands and the pours of ``plan.runs`` alone
    (each ladle poured evenly over its pour), minute by minute in plain Python."""
    weekday = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[network.plan_date.weekday()]
    out = {}
    for f in network.furnaces:
        key = (f.caster_id, f.alloy)
        change = [0.0] * 1440
        for b in network.consumption:
            if (b.caster_id, b.alloy) != key or (b.weekdays and weekday not in b.weekdays):
                continue
            for m in range(1440):
                share = max(0.0, min(m + 1.0, b.to_h * 60) - max(float(m), b.from_h * 60))
                change[m] -= share * b.t_per_h / 60
        for r in plan.runs:
            if (r.caster_id, r.alloy) != key:
                continue
            s, e = network.minutes(r.pour_start), network.minutes(r.pour_end)
            for m in range(max(0, int(s)), min(1440, int(e) + 1)):
                change[m] += r.tonnes * max(0.0, min(m + 1.0, e) - max(float(m), s)) / (e - s)
        levels = [f.start_level_t]
        for c in change:
            levels.append(levels[-1] + c)
        out[key] = levels
    return out
