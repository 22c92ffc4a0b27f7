"""The plan vocabulary: runs, unserved tonnes and reasons, KPIs, statistics, options.

What a planned day *is*, below whoever plans it: ``planning/``, ``check/`` and
``economics/`` all read and write these objects, and nothing here imports any of them
(nor OR-Tools). Also the plan folder's files and schema, the truck-day timeline every
figure of a truck's day derives from, and the diff of two plans.
"""

from logistics.plan.files import read_plan, write_plan
from logistics.plan.model import RUN_COLUMNS, UNSERVED_COLUMNS, Plan, Run, Summary, Unserved
from logistics.plan.options import DayState, PlanOptions
from logistics.plan.summary import summarise

__all__ = [
    "RUN_COLUMNS",
    "UNSERVED_COLUMNS",
    "DayState",
    "Plan",
    "PlanOptions",
    "Run",
    "Summary",
    "Unserved",
    "read_plan",
    "summarise",
    "write_plan",
]
