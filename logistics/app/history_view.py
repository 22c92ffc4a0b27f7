"""The nightly job's plan history for the History page: versions as a table, one opened,
and the runs of the job (a run that died shown as such, with its start).

Reads the database named by ``MOLTEN_DB`` through :mod:`logistics.dispatch`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from logistics.app.config import bundled_networks
from logistics.check import check
from logistics.dispatch import RunRow, VersionRow, load_plan
from logistics.economics.plan_economics import plan_economics
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.pipeline import PlanOutcome


def _provisional(v: VersionRow) -> str:
    """``provisional`` (a later day of a horizon), ``… superseded`` once re-planned."""
    if not v.provisional:
        return ""
    return "provisional, superseded" if v.superseded else "provisional"


def versions_frame(rows: Sequence[VersionRow]) -> pd.DataFrame:
    """Stored versions with their KPIs, units in the column names.

    ``fallback`` reads ``⚠ optimiser failed`` for a version that is the dispatcher's
    plan because the optimiser failed; ``current`` reads ``provisional`` for a later day
    of a horizon (``provisional, superseded`` once its date was planned again).
    """
    return pd.DataFrame(
        [
            {
                "network": v.network,
                "date": v.plan_date.isoformat(),
                "version": v.version,
                "current": "✓" if v.current else _provisional(v),
                "stored (UTC)": v.created_at.strftime("%Y-%m-%d %H:%M"),
                "solver": v.solver,
                "fallback": "⚠ optimiser failed" if v.fallback else "",
                "ordered t": v.tonnes_ordered,
                "delivered t": v.tonnes_delivered,
                "unserved t": v.tonnes_unserved,
                "runs": v.ladle_runs,
                "trucks": v.trucks_used,
                "truck-km": v.truck_km,
                "route cost CNY": v.route_cost_cny,
                "saving CNY": v.saving_cny,
                "CO2 avoided t": None if v.co2_avoided_kg is None else v.co2_avoided_kg / 1000,
            }
            for v in rows
        ]
    )


def runs_frame(rows: Sequence[RunRow]) -> pd.DataFrame:
    """Runs of the nightly job, newest first; a run that never ended reads ``died``.

    ``exit`` and ``s`` (its duration) are empty for a run that is running or died.
    """
    return pd.DataFrame(
        [
            {
                "run": r.id,
                "started (UTC)": r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
                "network": r.network,
                "date": r.plan_date.isoformat(),
                "status": f"⚠ {r.status}" if r.status in ("died", "timed_out") else r.status,
                "exit": r.exit_code,
                "version": r.version,
                "s": None if r.wall_s is None else round(r.wall_s, 1),
                "host / pid": f"{r.host} / {r.pid}",
                "fallback": "⚠ optimiser failed" if r.fallback else "",
                "message": r.message.splitlines()[0] if r.message else "",
            }
            for r in rows
        ],
        columns=[
            "run",
            "started (UTC)",
            "network",
            "date",
            "status",
            "exit",
            "version",
            "s",
            "host / pid",
            "fallback",
            "message",
        ],
    )


def died_notes(rows: Sequence[RunRow]) -> list[str]:
    """One sentence per run that died, naming it and its start (for ``st.warning``)."""
    return [
        f"Run {r.id} of {r.network} {r.plan_date.isoformat()}, started "
        f"{r.started_at:%Y-%m-%d %H:%M} UTC on {r.host} (pid {r.pid}), died without "
        "finishing (killed, or its machine stopped). Nothing it did was stored."
        for r in rows
        if r.status == "died"
    ]


def network_for(name: str, plan_date, current: Network | None) -> Network | None:
    """The network a stored plan is for: the session's if it has that name, else a bundled one."""
    if current is not None and current.name == name:
        if current.plan_date == plan_date:
            return current
        if current.folder is not None:
            return load_network(current.folder, plan_date)
    for folder in bundled_networks().values():
        network = load_network(folder, plan_date)
        if network.name == name:
            return network
    return None


def stored_outcome(url: str, row: VersionRow, network: Network) -> PlanOutcome:
    """A stored version, checked again against the network as it is now."""
    plan = load_plan(url, row.plan_date, row.version, row.network)
    travel = Travel.of(network)
    economics = plan.economics or plan_economics(network, plan, travel)
    if plan.economics is None:
        plan = plan.model_copy(update={"economics": economics})
    return PlanOutcome(plan, check(network, plan, travel), economics, travel)
