"""What a siting study finds: each option's outcome, each scenario's, the study's, ranked.

* :class:`OptionOutcome`: one option (a combination of new sites) in one scenario,
  screened and perhaps simulated, with its yearly figures and its row of the ranking;
* :class:`ScenarioOutcome`: a scenario's screen, its simulated days, its ranked options
  and how well the screen matched the simulation;
* :class:`StudyResult`: every scenario, the days and the plans, read by the app and
  the command line;
* :func:`rank_key`: the order of a ranking (simulated valid options by NPV, then the
  screened-only ones, then the invalid ones).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import mean
from typing import TYPE_CHECKING, Any

import numpy as np

from logistics.network.model import Network
from logistics.network.params import Params
from logistics.plan.model import Plan
from logistics.siting.days import RepresentativeDay
from logistics.siting.finance import npv_cny, payback_years
from logistics.siting.metrics import CasterSwitch, DayFigures, Spread
from logistics.siting.screen import ScreenEstimate
from logistics.siting.settings import Scenario
from logistics.siting.tasks import SimulationTask, task_network

if TYPE_CHECKING:
    from logistics.siting.study import Study


@dataclass
class OptionOutcome:
    """One option (a combination of new sites) in one scenario: screened, maybe simulated.

    Figures marked *simulated* are ``None`` for an option only screened. Yearly figures
    are the mean simulated day against the network as it is, times the operating days.
    """

    scenario: str
    option_id: str
    site_ids: tuple[str, ...]
    site_names: tuple[str, ...]
    capex_cny: float
    screen: ScreenEstimate
    simulated: bool = False
    valid: bool = True
    problem: str | None = None
    operating_days: float = 360.0
    discount_rate: float = 0.08
    horizon_years: int = 15
    days: list[DayFigures] = field(default_factory=list, repr=False)
    saving_cny_day: Spread | None = None
    liquid_t_day: Spread | None = None
    co2_avoided_kg_day: Spread | None = None
    dross_avoided_t_day: Spread | None = None
    truck_km_day: Spread | None = None
    option_truck_km_day: float | None = None
    site_t_day: dict[str, float] = field(default_factory=dict)
    capacity_t_day: dict[str, float] = field(default_factory=dict)
    trucks: dict[str, int] = field(default_factory=dict)
    moved_trucks: dict[str, list[str]] = field(default_factory=dict)
    alloy_rates: dict[str, dict[str, float]] = field(default_factory=dict)
    switches: list[CasterSwitch] = field(default_factory=list, repr=False)
    keys: list[str] = field(default_factory=list, repr=False)
    records: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def saving_cny_year(self) -> float:
        """Yearly saving: simulated when simulated, else the screen's estimate, CNY."""
        if self.simulated and self.saving_cny_day is not None:
            return self.saving_cny_day.mean * self.operating_days
        return self.screen.saving_cny_year

    @property
    def npv_cny(self) -> float:
        """NPV of the yearly saving over the horizon less capex, CNY."""
        return npv_cny(self.capex_cny, self.saving_cny_year, self.discount_rate, self.horizon_years)

    @property
    def payback_years(self) -> float | None:
        """Simple payback, years (``None``: never)."""
        return payback_years(self.capex_cny, self.saving_cny_year)

    @property
    def utilisation(self) -> float | None:
        """Simulated tonnes from the new sites over their daily capacity, 0–1."""
        cap = sum(self.capacity_t_day.values())
        if not self.simulated or cap <= 0:
            return None
        return sum(self.site_t_day.values()) / cap

    @property
    def casters_newly_in_reach(self) -> tuple[str, ...]:
        """Casters with demand that no existing smelter reaches thermally and a new site does."""
        return self.screen.casters_newly_in_reach

    def row(self) -> dict[str, Any]:
        """The option as one flat row of the ranking (CSV, JSON, tables)."""
        sim = self.simulated and self.valid
        days = self.operating_days

        def yearly(s: Spread | None, factor: float = 1.0, nd: int = 0) -> tuple[Any, ...]:
            if not sim or s is None:
                return (None, None, None)
            return tuple(round(v * days * factor, nd) for v in (s.mean, s.low, s.high))

        saving = yearly(self.saving_cny_day)
        liquid = yearly(self.liquid_t_day, nd=1)
        co2 = yearly(self.co2_avoided_kg_day, 1e-3, 1)
        dross = yearly(self.dross_avoided_t_day, nd=1)
        payback = self.payback_years
        return {
            "scenario": self.scenario,
            "option": self.option_id,
            "sites": " + ".join(self.site_names),
            "simulated": sim,
            "capex_cny": round(self.capex_cny),
            "saving_cny_year": round(self.saving_cny_year),
            "saving_cny_year_low": saving[1],
            "saving_cny_year_high": saving[2],
            "screen_saving_cny_year": round(self.screen.saving_cny_year),
            "npv_cny": round(self.npv_cny),
            "payback_years": round(payback, 2) if payback is not None else None,
            "new_liquid_t_year": liquid[0]
            if sim
            else round(self.screen.new_liquid_t_day * days, 1) + 0.0,
            "new_liquid_t_year_low": liquid[1],
            "new_liquid_t_year_high": liquid[2],
            "co2_avoided_t_year": co2[0],
            "co2_avoided_t_year_low": co2[1],
            "co2_avoided_t_year_high": co2[2],
            "dross_avoided_t_year": dross[0],
            "truck_km_day": round(self.option_truck_km_day, 1)
            if sim and self.option_truck_km_day is not None
            else None,
            "truck_km_day_change": round(self.truck_km_day.mean, 1)
            if sim and self.truck_km_day
            else None,
            "new_site_t_day": round(sum(self.site_t_day.values()), 1) if sim else None,
            "utilisation": round(self.utilisation, 3) if self.utilisation is not None else None,
            "screen_utilisation": round(
                mean(self.screen.utilisation.values()) if self.screen.utilisation else 0.0, 3
            ),
            "trucks_at_new_sites": sum(self.trucks.values()) if self.trucks else None,
            "trucks_added": sum(self.trucks.values())
            - sum(len(v) for v in self.moved_trucks.values())
            if self.trucks
            else None,
            "casters_newly_in_reach": len(self.casters_newly_in_reach),
            "casters_switching": len(self.switches) if sim else None,
            "note": self.problem or ("" if sim else "screen only"),
        }


@dataclass
class ScenarioOutcome:
    """A scenario's screen, its simulated days and its ranked options."""

    scenario: Scenario
    params: Params
    options: list[OptionOutcome]
    base_days: list[DayFigures] = field(default_factory=list, repr=False)
    combinations: int = 0
    screened: int = 0
    simulated: int = 0
    method: str = "enumerated"
    grid: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def accuracy(self) -> dict[str, Any]:
        """How well the screen's yearly saving matched the simulation's, simulated options."""
        pairs = [
            (o.screen.saving_cny_year, o.saving_cny_year)
            for o in self.options
            if o.simulated and o.valid
        ]
        if not pairs:
            return {"options": 0}
        errors = [abs(s - m) for s, m in pairs]
        scale = [abs(m) for _, m in pairs]
        ratios = [m / s for s, m in pairs if abs(s) > 1e-9]
        out: dict[str, Any] = {
            "options": len(pairs),
            "mean_abs_error_cny_year": round(mean(errors)),
            "mean_abs_error_share": round(sum(errors) / sum(scale), 3) if sum(scale) > 0 else None,
            "simulated_over_screen_median": round(float(np.median(ratios)), 3) if ratios else None,
            "rank_correlation": _spearman([s for s, _ in pairs], [m for _, m in pairs]),
        }
        sim_best = max(
            (o for o in self.options if o.simulated and o.valid), key=lambda o: o.npv_cny
        )
        screen_best = max(
            (o for o in self.options if o.simulated and o.valid), key=lambda o: o.screen.npv_cny
        )
        out["screen_best_is_simulated_best"] = sim_best.option_id == screen_best.option_id
        return out


def _spearman(a: list[float], b: list[float]) -> float | None:
    if len(a) < 3:
        return None
    ra = np.argsort(np.argsort(a)).astype(float)
    rb = np.argsort(np.argsort(b)).astype(float)
    if ra.std() == 0 or rb.std() == 0:
        return None
    return round(float(np.corrcoef(ra, rb)[0, 1]), 3)


@dataclass
class StudyResult:
    """A finished study: per scenario the ranked options, the days, the plans.

    The app and the command line read it through :meth:`ranking`, :meth:`top`,
    :meth:`switching`, :meth:`explain` and :meth:`grid_rows`; :meth:`plan` and
    :meth:`network_for` give every simulated day's plan and the network it was planned
    on (to check or price it again).
    """

    study: Study
    days: tuple[RepresentativeDay, ...]
    scenarios: dict[str, ScenarioOutcome]
    tasks: dict[str, SimulationTask] = field(repr=False)
    results: dict[str, dict[str, Any]] = field(repr=False)
    base: dict[str, Any] = field(repr=False)
    wall_s: dict[str, float] = field(default_factory=dict)

    @property
    def scenario_names(self) -> list[str]:
        """Scenario names in the study's order."""
        return list(self.scenarios)

    def _outcome(self, scenario: str | None) -> ScenarioOutcome:
        name = scenario or self.scenario_names[0]
        if name not in self.scenarios:
            raise KeyError(f"no scenario '{name}' (have {', '.join(self.scenarios)})")
        return self.scenarios[name]

    def options(self, scenario: str | None = None) -> list[OptionOutcome]:
        """The scenario's options, best first (simulated ones by NPV, then screened ones)."""
        return self._outcome(scenario).options

    def ranking(self, scenario: str | None = None) -> list[dict[str, Any]]:
        """The ranking as flat rows with a ``rank`` (1 = best), one scenario or all."""
        names = [scenario] if scenario else self.scenario_names
        rows = []
        for name in names:
            for n, option in enumerate(self._outcome(name).options, start=1):
                rows.append({"rank": n, **option.row()})
        return rows

    def top(self, scenario: str | None = None) -> OptionOutcome | None:
        """The best simulated option of a scenario (``None`` if none was simulated)."""
        for option in self._outcome(scenario).options:
            if option.simulated and option.valid:
                return option
        return None

    def option(self, option_id: str, scenario: str | None = None) -> OptionOutcome:
        """One option by id (``PRD-N04`` or ``PRD-N04+PRD-N07``)."""
        for option in self._outcome(scenario).options:
            if option.option_id == option_id:
                return option
        raise KeyError(f"no option '{option_id}'")

    def switching(
        self, option_id: str | None = None, scenario: str | None = None
    ) -> list[CasterSwitch]:
        """Casters whose supply the option changes (default: the top option)."""
        option = self.option(option_id, scenario) if option_id else self.top(scenario)
        return list(option.switches) if option else []

    def grid_rows(self, scenario: str | None = None) -> list[dict[str, Any]]:
        """Grid mode: one row per grid point (lat, lon, screen saving and NPV a year)."""
        return list(self._outcome(scenario).grid)

    def plan(self, key: str) -> Plan:
        """The plan of one simulated day (task key ``<scenario>/<option>/day<n>``)."""
        result = self.results[key]
        if result["plan"] is None:
            raise KeyError(f"task {key} made no plan: {result['error']}")
        return Plan.model_validate(result["plan"])

    def network_for(self, key: str) -> Network:
        """The network one simulated day was planned on (sites added, the day's orders)."""
        return task_network(self.tasks[key], self.base)

    def counts(self, scenario: str | None = None) -> dict[str, Any]:
        """Combinations, how many the screen valued and how many were simulated."""
        out = self._outcome(scenario)
        return {
            "combinations": out.combinations,
            "screened": out.screened,
            "simulated": out.simulated,
            "method": out.method,
        }

    def explain(self, scenario: str | None = None, option_id: str | None = None) -> str:
        """The top (or a given) option in words: what it saves and which casters switch."""
        from logistics.siting.explain import explain_option

        outcome = self._outcome(scenario)
        option = self.option(option_id, scenario) if option_id else self.top(scenario)
        if option is None:
            return "No option was simulated, so there is no simulated result to explain."
        return explain_option(option, outcome, self.study, len(self.days))


def rank_key(option: OptionOutcome) -> tuple[int, float, str]:
    """Where an option stands in its scenario's ranking (sort ascending: best first).

    Simulated valid options by NPV, then screened-only ones by their (screen) NPV, then
    the invalid ones; ties by option id.

    Parameters
    ----------
    option : OptionOutcome
        A screened, perhaps simulated option.

    Returns
    -------
    tuple
        ``(group, -NPV in CNY, option id)``; an NPV that is not finite sorts last in
        its group.
    """
    if option.simulated and option.valid:
        group = 0
    elif not option.simulated:
        group = 1
    else:
        group = 2
    npv = option.npv_cny
    return (group, -npv if math.isfinite(npv) else math.inf, option.option_id)
