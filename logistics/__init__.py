"""molten-logistics: plan road delivery of liquid recycled aluminium.

Data flows one way through the package::

    network → physics → planning → plan → check → economics → pipeline → surfaces

The library in five lines::

    from logistics import load_network, plan_day, write_plan, read_plan, check
    network = load_network("sample_networks/tiny")
    outcome = plan_day(network, time_limit_s=10)
    write_plan(outcome.plan, "plans/tiny")
    assert check(network, read_plan("plans/tiny", network)).ok

See ``README.md`` and ``docs/`` for the input format, the outputs and the models.
"""

from importlib import metadata as _metadata

from logistics.check import CheckReport, Violation, check, check_folder
from logistics.economics.plan_economics import plan_economics
from logistics.errors import InputError, InputProblem, PlanningError
from logistics.network.loader import load_network
from logistics.network.model import Network, TruckStart
from logistics.network.params import Params
from logistics.pipeline import PlanOutcome, plan_day, solve
from logistics.plan.economics_model import PlanEconomics
from logistics.plan.files import read_plan, write_plan
from logistics.plan.model import Plan, Run, Summary, Unserved
from logistics.planning.progress import ProgressEvent
from logistics.planning.stats import SolverStats

try:
    __version__ = _metadata.version("molten-logistics")
except _metadata.PackageNotFoundError:  # a source checkout that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "CheckReport",
    "InputError",
    "InputProblem",
    "Network",
    "Params",
    "Plan",
    "PlanEconomics",
    "PlanOutcome",
    "PlanningError",
    "ProgressEvent",
    "Run",
    "SolverStats",
    "Summary",
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
    "solve",
    "write_plan",
]
