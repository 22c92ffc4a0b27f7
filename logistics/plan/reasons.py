"""Why tonnes are not delivered liquid: the reasons a plan may give.

Reasons decided by the inputs alone, before any routing: ``lead_time``,
``thermal_reach``, ``no_source``, ``window`` (:data:`EXCLUDED_REASONS`). Reasons the
planner attributes to what is left after planning: ``production`` (no smelter has the
metal in time), ``cost`` (a trip would cost more than the ingot route saves), ``fleet``
(no truck of the final plan has room for it in time: tried by inserting it),
``not_planned_in_time`` (the planning time ran out before it was tried; a longer time
limit may serve it), ``ladles`` (no ladle of the smelter's pool could be ready for it in
time: a network with ``ladles.csv``), ``driver_hours`` (its trip would break the drivers'
rules of ``[drivers]``: continuous or daily driving, or an entry ban).
"""

from __future__ import annotations

from typing import Literal, get_args

#: An unserved row's reason (the ``plan.json`` and ``unserved.csv`` vocabulary).
Reason = Literal[
    "lead_time",
    "thermal_reach",
    "no_source",
    "production",
    "fleet",
    "window",
    "cost",
    "not_planned_in_time",
    "ladles",
    "driver_hours",
]
#: Every reason, in the order the summary lists them.
UNSERVED_REASONS: tuple[str, ...] = get_args(Reason)
#: Reasons that exclude tonnes outright, decided by the inputs before planning.
EXCLUDED_REASONS: tuple[str, ...] = ("lead_time", "thermal_reach", "no_source", "window")
#: Reasons the planner gives for tonnes the inputs leave servable.
PLANNER_REASONS: tuple[str, ...] = (
    "production",
    "fleet",
    "cost",
    "not_planned_in_time",
    "ladles",
    "driver_hours",
)
