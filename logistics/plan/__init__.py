"""A plan: typed runs, unserved tonnes, KPIs and statistics; its files and schema."""

from logistics.plan.build import solve_plan, summarise
from logistics.plan.files import read_plan, write_plan
from logistics.plan.model import RUN_COLUMNS, UNSERVED_COLUMNS, Plan, Run, Summary, Unserved

__all__ = [
    "RUN_COLUMNS",
    "UNSERVED_COLUMNS",
    "Plan",
    "Run",
    "Summary",
    "Unserved",
    "read_plan",
    "solve_plan",
    "summarise",
    "write_plan",
]
