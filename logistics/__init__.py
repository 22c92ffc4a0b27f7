"""molten-logistics: plan road delivery of liquid recycled aluminium.

Data flows one way through the package::

    network → physics → plan → (planning | check | economics) → pipeline → surfaces

The library in five lines::

    from logistics import PlanOptions, check, load_network, plan_day, read_plan, write_plan
    network = load_network("sample_networks/tiny")
    outcome = plan_day(network, PlanOptions(time_limit_s=10))
    write_plan(outcome.plan, "plans/tiny")
    assert check(network, read_plan("plans/tiny", network)).ok

Every name here but ``check`` is imported when first used, so ``import logistics.check`` (or
``logistics.plan``) never loads the planner and OR-Tools. See ``README.md`` and
``docs/`` for the input format, the outputs and the models.
"""

from __future__ import annotations

from importlib import metadata as _metadata
from typing import TYPE_CHECKING

# ``check`` is also the name of a subpackage: importing ``logistics.check`` anywhere
# would make the package attribute the module, so the function is bound here, eagerly
# (the checker loads neither OR-Tools nor the planner).
from logistics.check import check
from logistics.runtime.lazy import lazy_attributes

try:
    __version__ = _metadata.version("molten-logistics")
except _metadata.PackageNotFoundError:  # a source checkout that is not installed
    __version__ = "0.0.0+unknown"

#: Public name → the module it lives in.
_PUBLIC = {
    "CheckReport": "logistics.check",
    "Violation": "logistics.check",
    "check_folder": "logistics.check",
    "plan_economics": "logistics.economics.plan_economics",
    "InputError": "logistics.errors",
    "InputProblem": "logistics.errors",
    "PlanningError": "logistics.errors",
    "load_network": "logistics.network.loader",
    "Network": "logistics.network.model",
    "TruckStart": "logistics.network.model",
    "Params": "logistics.network.params",
    "Travel": "logistics.physics.travel",
    "PlanOutcome": "logistics.pipeline",
    "ReplanOutcome": "logistics.pipeline",
    "TruckChanges": "logistics.pipeline",
    "plan_day": "logistics.pipeline",
    "replan": "logistics.pipeline",
    "PlanEconomics": "logistics.plan.economics_model",
    "read_plan": "logistics.plan.files",
    "write_plan": "logistics.plan.files",
    "Plan": "logistics.plan.model",
    "Run": "logistics.plan.model",
    "Summary": "logistics.plan.model",
    "Unserved": "logistics.plan.model",
    "DayState": "logistics.plan.options",
    "PlanOptions": "logistics.plan.options",
    "SolverStats": "logistics.plan.stats",
    "ProgressEvent": "logistics.progress",
}

__all__ = [
    "CheckReport",
    "DayState",
    "InputError",
    "InputProblem",
    "Network",
    "Params",
    "Plan",
    "PlanEconomics",
    "PlanOptions",
    "PlanOutcome",
    "PlanningError",
    "ProgressEvent",
    "ReplanOutcome",
    "Run",
    "SolverStats",
    "Summary",
    "Travel",
    "TruckChanges",
    "TruckStart",
    "Unserved",
    "Violation",
    "__version__",
    "check",
    "check_folder",
    "load_network",
    "plan_day",
    "plan_economics",
    "read_plan",
    "replan",
    "write_plan",
]


__getattr__ = lazy_attributes(__name__, _PUBLIC)


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from logistics.check import CheckReport, Violation, check_folder
    from logistics.economics.plan_economics import plan_economics
    from logistics.errors import InputError, InputProblem, PlanningError
    from logistics.network.loader import load_network
    from logistics.network.model import Network, TruckStart
    from logistics.network.params import Params
    from logistics.physics.travel import Travel
    from logistics.pipeline import PlanOutcome, ReplanOutcome, TruckChanges, plan_day
    from logistics.pipeline.replan import replan
    from logistics.plan.economics_model import PlanEconomics
    from logistics.plan.files import read_plan, write_plan
    from logistics.plan.model import Plan, Run, Summary, Unserved
    from logistics.plan.options import DayState, PlanOptions
    from logistics.plan.stats import SolverStats
    from logistics.progress import ProgressEvent
