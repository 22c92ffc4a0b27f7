"""Tables on screen: runs, unserved orders, violations, a re-plan's changes.

Column names carry their units; times are ``HH:MM`` in the network's timezone
(``+1d`` past midnight). On screen every number has thousands separators and a fixed
number of decimals for its unit (:func:`column_config`); the frames keep the numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from logistics.check import CheckReport, Violation
from logistics.network.model import Network
from logistics.plan.exports import clock
from logistics.plan.model import Plan, Run, Unserved
from logistics.plan.risk_flags import riskiest_runs

#: What each unserved reason means, for the dispatcher.
REASONS: dict[str, str] = {
    "lead_time": "ordered less than the lead time before its window",
    "thermal_reach": "too far: the metal would arrive below the caster's minimum",
    "no_source": "no smelter makes the alloy",
    "production": "the smelters' metal is taken by the time it is needed",
    "fleet": "no truck of the plan has room for it in time (tried in every gap)",
    "window": "the window cannot be met within the caster's or smelters' hours",
    "cost": "cheaper as ingots than delivered liquid",
    "not_planned_in_time": "the planning time ran out before it was tried: "
    "plan again with a longer time limit",
    "ladles": "no ladle of the smelter's pool can be back, cleaned and hot for it in time",
    "driver_hours": "its trip would break the drivers' hours or an entry ban",
}


#: Decimals shown per unit, by the end of a column's name (first match wins).
DECIMALS: tuple[tuple[str, int], ...] = (
    ("CNY/t", 0),
    ("CNY/day", 0),
    ("CNY/yr", 0),
    ("CNY", 0),
    ("kg", 0),
    ("t/day", 1),
    ("t/yr", 0),
    ("°C", 1),
    ("km", 1),
    ("t", 1),
    ("yr", 1),
    ("%", 1),
)
#: Columns of whole numbers (counts, ranks, trip numbers).
COUNTS = frozenset({"trip", "rank", "violations", "runs", "trips", "version", "simulated"})


def number_format(column: str, values: pd.Series) -> str:
    """The printf format of a numeric column: thousands separators, decimals for its unit.

    Whole-number columns (counts, or integers of no unit in :data:`DECIMALS`) read
    ``%,d``; a column whose name ends in a unit gets that unit's decimals
    (:data:`DECIMALS`: CNY and kg whole, t, km and °C to one decimal); any other
    number two decimals.
    """
    name = str(column).strip()
    if name in COUNTS:
        return "%,d"
    for unit, decimals in DECIMALS:
        if name == unit or name.endswith(" " + unit) or name.endswith(unit + ")"):
            return f"%,.{decimals}f"
    if pd.api.types.is_integer_dtype(values):
        return "%,d"
    return "%,.2f"


def column_config(frame: pd.DataFrame) -> dict[str, Any]:
    """``st.dataframe``'s ``column_config`` for every numeric column of ``frame``."""
    config: dict[str, Any] = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            continue
        config[str(column)] = st.column_config.NumberColumn(
            format=number_format(str(column), values)
        )
    return config


def runs_frame(network: Network, runs: Sequence[Run]) -> pd.DataFrame:
    """The runs with times ``HH:MM`` and the caster's minimum arrival temperature."""
    margin = network.params.thermal.margin_c
    rows = []
    for r in runs:
        caster = network.caster_by_id.get(r.caster_id)
        needed = caster.min_pour_c + margin if caster else None
        rows.append(
            {
                "run": r.run_id,
                "truck": r.truck_id,
                "trip": r.trip,
                "order": r.order_id,
                "smelter": r.smelter_id,
                "caster": r.caster_id,
                "alloy": r.alloy,
                "t": r.tonnes,
                "fill": f"{clock(r.fill_start, network)}–{clock(r.fill_end, network)}",
                "depart": clock(r.depart, network),
                "arrive": clock(r.arrive, network),
                "pour": f"{clock(r.pour_start, network)}–{clock(r.pour_end, network)}",
                "tap °C": r.tap_c,
                "arrival °C": r.arrival_c,
                "arrival 5 % °C": r.arrival_p05_c,
                "cold %": None if r.cold_probability is None else 100 * r.cold_probability,
                "min arrival °C": needed,
                "road km": r.road_km,
            }
        )
    return pd.DataFrame(rows)


def runs_table(network: Network, runs: Sequence[Run], key: str) -> None:
    """The runs table with the riskiest ladles flagged and highlighted.

    A column ``cold risk`` reads ``above target`` on every run whose estimated cold
    probability is above ``[risk] max_cold_probability``
    (:func:`logistics.plan.risk_flags.riskiest_runs`), and those rows are shaded amber.
    """
    target = network.params.risk.max_cold_probability
    flagged = {r.run_id for r in riskiest_runs(runs, target)}
    frame = runs_frame(network, runs)
    if not frame.empty:
        frame["cold risk"] = ["above target" if r in flagged else "" for r in frame["run"]]
    shade = "background-color: rgba(245, 158, 11, 0.25)"
    styled = frame.style.apply(
        lambda row: [shade if row.get("cold risk") else ""] * len(row), axis=1
    )
    st.dataframe(styled, hide_index=True, key=key, column_config=column_config(frame))
    if flagged:
        st.caption(
            f"{len(flagged):,} ladle(s) shaded: their estimated probability of arriving "
            f"below the caster's minimum is above the target of {100 * target:g} %."
        )


def unserved_frame(unserved: Iterable[Unserved]) -> pd.DataFrame:
    """Unserved tonnes per order with the reason spelled out."""
    return pd.DataFrame(
        [
            {
                "order": u.order_id,
                "caster": u.caster_id,
                "alloy": u.alloy,
                "t": u.tonnes,
                "reason": u.reason,
                "what it means": REASONS.get(u.reason, ""),
            }
            for u in unserved
        ],
        columns=["order", "caster", "alloy", "t", "reason", "what it means"],
    )


def violations_frame(items: Iterable[Violation]) -> pd.DataFrame:
    """Violations (or warnings) with run, truck, order, rule and the message."""
    return pd.DataFrame(
        [
            {
                "run": v.run_id or "",
                "truck": v.truck_id or "",
                "order": v.order_id or "",
                "rule": v.rule,
                "what is wrong": v.message,
            }
            for v in items
        ],
        columns=["run", "truck", "order", "rule", "what is wrong"],
    )


def rule_counts(report: CheckReport) -> pd.DataFrame:
    """Violations per rule."""
    return pd.DataFrame(
        [{"rule": rule, "violations": n} for rule, n in report.summary().items()],
        columns=["rule", "violations"],
    )


def economics_by_caster(plan: Plan) -> pd.DataFrame:
    """Liquid and unserved tonnes, cost and saving per caster (the plan's economics)."""
    if plan.economics is None:
        return pd.DataFrame()
    return pd.DataFrame(
        [
            {
                "caster": c.caster_id,
                "liquid t": c.liquid_t,
                "unserved t": c.unserved_t,
                "cost CNY": c.total_cny,
                "cost CNY/t": c.cny_t,
                "saving CNY": c.saving_cny,
                "CO2 avoided kg": c.co2_avoided_kg,
            }
            for c in plan.economics.casters
        ]
    )
