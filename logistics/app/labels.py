"""The words the screen uses: one name per solver, unserved reason and cost item.

Every page names things through this module, so that a dispatcher reads the same word
for the same thing everywhere (``optimiser`` on one page is ``optimiser`` on all), and
no internal name (``ortools``, ``thermal_reach``, ``tap_min_c``) reaches a screen
unexplained. The raw names stay the values of the widgets and of the files.
"""

from __future__ import annotations

from logistics.plan.stats import SolverStats

#: Solver name → what the screen calls it (``PlanOptions.solver`` values).
SOLVER_LABELS: dict[str, str] = {"ortools": "optimiser", "greedy": "dispatcher's rule"}

#: The solvers in the order a page offers them.
SOLVERS: tuple[str, ...] = tuple(SOLVER_LABELS)

#: Unserved reason → a short label (for a KPI card at 1280 px: at most 18 characters).
REASON_LABELS: dict[str, str] = {
    "lead_time": "ordered too late",
    "thermal_reach": "too far to stay hot",
    "no_source": "no smelter makes it",
    "production": "no metal left",
    "fleet": "no truck free",
    "window": "window out of hours",
    "cost": "cheaper as ingots",
    "not_planned_in_time": "not tried in time",
    "ladles": "no ladle ready",
    "driver_hours": "drivers' hours",
}

#: Parts of the liquid route's "burn loss and transport" item → plain words.
COST_PART_LABELS: dict[str, str] = {
    "burn_loss": "metal lost to oxidation (burn loss)",
    "truck": "truck round trip, per tonne",
    "superheat": "gas to tap the metal hotter than the lowest tap temperature",
    "calibration": "other transport costs (to the network's figure at 30 km)",
}


def solver_label(name: str) -> str:
    """What the screen calls a solver (an unknown name as it is)."""
    return SOLVER_LABELS.get(name, name)


def reason_label(reason: str) -> str:
    """A short plain label of an unserved reason (an unknown one as it is)."""
    return REASON_LABELS.get(reason, reason.replace("_", " "))


def solver_summary(stats: SolverStats) -> str:
    """One plain sentence on how the plan was made, for the dispatcher.

    Parameters
    ----------
    stats : SolverStats
        The plan's ``solver``.

    Returns
    -------
    str
        Which solver planned, in how many seconds, and — for the optimiser — whether
        it finished its search, stopped at its time limit or kept the dispatcher's
        cheaper plan; the search's own statistics are left to the details.
    """
    if stats.fell_back:
        return "The optimiser failed; the dispatcher's rule planned the day instead."
    seconds = f"{stats.wall_s:,.1f} s"
    if stats.name != "ortools":
        return f"Planned by the {solver_label(stats.name)} in {seconds}."
    if "greedy plan kept" in stats.status:
        ending = "the dispatcher's rule gave a cheaper plan, which is kept"
    elif stats.status.startswith("partial_success_time_limit"):
        ending = f"it used its time limit ({stats.time_limit_s:,.0f} s) and kept its best plan"
    elif stats.status.startswith("partial_success"):
        ending = "it stopped at its solution limit and kept its best plan"
    elif stats.status.startswith("success"):
        ending = "its search finished"
    else:
        ending = "it kept its best plan"
    return f"Planned by the optimiser in {seconds}: {ending}."


def solver_details(stats: SolverStats) -> list[dict[str, str]]:
    """The solver's statistics as ``setting``/``value`` rows (behind an expander)."""
    rows = []
    for key, value in stats.model_dump().items():
        if value is None:
            continue
        if isinstance(value, float):
            unit = " s" if key.endswith("_s") else " CNY" if key.endswith("_cny") else ""
            text = f"{value:,.2f}{unit}"
        else:
            text = str(value)
        rows.append({"setting": key.replace("_", " "), "value": text})
    return rows
