"""What a re-plan changes, as tables for the Re-plan page."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import pandas as pd

from logistics.network.model import Network, Order
from logistics.plan.diff import PlanDiff
from logistics.plan.exports import clock
from logistics.plan.model import Plan, Run


def order_changes(before: Network, after: Network) -> tuple[list[Order], list[Order]]:
    """Orders of ``after`` that ``before`` lacks, and those that differ (by id)."""
    old = before.order_by_id
    new = [o for o in after.orders if o.order_id not in old]
    changed = [o for o in after.orders if o.order_id in old and old[o.order_id] != o]
    return new, changed


def _kept(run: Run, facts: Collection[str], now: datetime | None) -> str:
    """The ``change`` label of a kept run.

    ``kept (poured)`` for a fact poured by ``now``, ``kept (under way)`` for the other
    facts, ``kept`` for a run not yet under way that the re-plan left as it was.
    """
    if run.run_id not in facts:
        return "kept"
    if now is not None and run.pour_end <= now:
        return "kept (poured)"
    return "kept (under way)"


def _when(run: Run, network: Network) -> str:
    fill, pour = clock(run.fill_start, network), clock(run.pour_start, network)
    return f"{run.truck_id} trip {run.trip} · fill {fill} · pour {pour}"


def diff_frame(
    diff: PlanDiff, network: Network, facts: Collection[str], now: datetime | None = None
) -> pd.DataFrame:
    """One row per run the re-plan keeps, moves, adds or drops.

    Parameters
    ----------
    diff : PlanDiff
        The re-plan against the previous plan.
    network : Network
        The network of the re-plan (times shown in its timezone).
    facts : collection of str
        Ids of the runs under way at ``now`` (kept as they were).
    now : datetime, optional
        The moment of re-planning (timezone-aware).

    Returns
    -------
    pandas.DataFrame
        Columns ``change``, ``run``, ``order``, ``t`` (tonnes), ``before``, ``after``.
        Kept runs that are facts read ``kept (poured)`` when poured by ``now``, else
        ``kept (under way)``; other kept runs read ``kept``.
    """
    rows = []
    for old, new in diff.moved:
        rows.append(
            {
                "change": "moved",
                "run": new.run_id,
                "order": new.order_id,
                "t": new.tonnes,
                "before": _when(old, network),
                "after": _when(new, network),
            }
        )
    for r in diff.new:
        rows.append(
            {
                "change": "new",
                "run": r.run_id,
                "order": r.order_id,
                "t": r.tonnes,
                "before": "",
                "after": _when(r, network),
            }
        )
    for r in diff.dropped:
        rows.append(
            {
                "change": "dropped",
                "run": r.run_id,
                "order": r.order_id,
                "t": r.tonnes,
                "before": _when(r, network),
                "after": "",
            }
        )
    for r in diff.kept:
        rows.append(
            {
                "change": _kept(r, facts, now),
                "run": r.run_id,
                "order": r.order_id,
                "t": r.tonnes,
                "before": _when(r, network),
                "after": _when(r, network),
            }
        )
    return pd.DataFrame(rows, columns=["change", "run", "order", "t", "before", "after"])


def modes_frame(previews: dict[str, Any], previous: Plan) -> pd.DataFrame:
    """One row per re-plan mode: what the dispatcher weighs before accepting one.

    Parameters
    ----------
    previews : dict of str to ReplanOutcome
        The re-plan of each mode.
    previous : Plan
        The plan on screen before the re-plan.

    Returns
    -------
    pandas.DataFrame
        Tonnes delivered (and the change), orders newly unserved with their reasons,
        runs moved, route cost, the price of change, the objective and the drivers to
        call.
    """
    rows = []
    for mode, preview in previews.items():
        plan, diff = preview.outcome.plan, preview.diff
        unserved = sorted({f"{u.order_id} ({u.reason})" for u in diff.newly_unserved})
        rows.append(
            {
                "mode": mode,
                "delivered": f"{plan.summary.tonnes_delivered:,.1f} t "
                f"({diff.tonnes_delivered_delta:+,.1f} t)",
                "newly unserved": ", ".join(unserved) or "none",
                "runs moved": f"{len(diff.moved)} of {len(preview.booked)} booked",
                "route cost": f"{plan.summary.route_cost_cny:,.0f} CNY "
                f"({plan.summary.route_cost_cny - previous.summary.route_cost_cny:+,.0f})",
                "price of change": f"{preview.change.cost_cny:,.0f} CNY",
                "objective": f"{preview.objective_cny:,.0f} CNY",
                "drivers to call": f"{len(diff.trucks_affected)}: "
                + ", ".join(diff.trucks_affected),
            }
        )
    return pd.DataFrame(rows)
