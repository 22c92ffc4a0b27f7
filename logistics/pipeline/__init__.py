"""The pipeline every surface calls: plan → check → economics, re-planning, workers.

* :func:`plan_day` (:mod:`.day`): plan a day with a
  :class:`~logistics.plan.options.PlanOptions` (and a
  :class:`~logistics.plan.options.DayState` when part of it is fixed), check it
  independently, price it against ingots;
* :func:`replan` (:mod:`.replan`): the rest of the day around the runs under way, with
  the diff against the previous plan;
* the worker pool the app (and any long-running service) runs solves in
  (:mod:`.workers`).
"""

from logistics.pipeline.changes import TruckChanges, changed_network
from logistics.pipeline.day import PlanOutcome, plan_day
from logistics.pipeline.facts import facts_at
from logistics.pipeline.replan import ReplanOutcome, replan

__all__ = [
    "PlanOutcome",
    "ReplanOutcome",
    "TruckChanges",
    "changed_network",
    "facts_at",
    "plan_day",
    "replan",
]
