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
