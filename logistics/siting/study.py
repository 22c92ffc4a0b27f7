"""Run a siting study: days → screen → simulate the promising options → rank.

:func:`run_study` is the door for the command line (``molten site``) and the app:

1. the representative days (:mod:`logistics.siting.days`), the same for every option;
2. per scenario, the parameters with its overrides, every combination of up to ``k``
   sites valued by the facility-location screen (:mod:`logistics.siting.screen`) on the
   travel matrix of a network that includes the candidates (one matrix per road model,
   shared by the scenarios);
3. the network as it is and the screen's best ``simulate`` options (and, in grid
   mode, the best ``grid_simulate`` grid points) planned on every day with
   :func:`logistics.pipeline.plan_day`, each day an independent task
   (:mod:`logistics.siting.runner`), each plan checked independently;
4. each option against the network as it is, day for day: yearly saving, tonnes
   newly liquid, CO2 and dross avoided, truck-km, utilisation, payback and NPV
   (:mod:`logistics.siting.finance`), with the spread over the days.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from statistics import mean
from typing import Any

import numpy as np

from logistics.errors import InputError, InputProblem
from logistics.network.geo import haversine_km
from logistics.network.model import Network
from logistics.network.overrides import apply_overrides
from logistics.network.params import Params
from logistics.physics.travel import Travel, network_sites
from logistics.plan.model import Plan
from logistics.siting.candidates import grid_sites, grid_template
from logistics.siting.days import RepresentativeDay, representative_days, scaled_orders
from logistics.siting.finance import npv_cny, payback_years
from logistics.siting.metrics import CasterSwitch, DayFigures, Spread, caster_switches, day_figures
from logistics.siting.runner import run_tasks
from logistics.siting.screen import (
    ScreenEstimate,
    daily_demand,
    screen_inputs,
    screen_options,
)
from logistics.siting.settings import AS_IS, Scenario, SiteCandidate, StudySettings
from logistics.siting.sites import (
    capacity_t_day,
    design_site,
    plant_template,
    site_records,
    tonnes_per_truck_day,
)
from logistics.siting.tasks import SimulationTask, base_payload, task_network

#: Great-circle distance on the mean-radius sphere differs from the WGS-84 geodesic by
#: less than this share at the latitudes of China (the grid screen's fast distances).
GRID_DISTANCE_TOLERANCE = 0.005


@dataclass(frozen=True)
class SitingProgress:
    """One step of a study, for a progress bar.

    Attributes
    ----------
    stage : str
        ``days``, ``travel``, ``screen``, ``simulate`` or ``done``.
    fraction : float
        Share of the study done, 0–1 (simulation takes 10–100 %).
    message : str
        What is happening.
    done, total : int
        Tasks (or combinations) done and in all, in this stage.
    """

    stage: str
    fraction: float
    message: str
    done: int = 0
    total: int = 0


SitingCallback = Callable[[SitingProgress], None]


@dataclass(frozen=True)
class Study:
    """Everything a study needs; build it with :func:`make_study` or ``load_study``.

    Attributes
    ----------
    network : Network
        The network as it is.
    candidates : tuple of SiteCandidate
        Candidate sites.
    settings : StudySettings
        How the study runs.
    scenarios : tuple of Scenario
        What-ifs; every option is valued in each.
    label : str
        Where the study came from, for messages (a study file's name).
    """

    network: Network
    candidates: tuple[SiteCandidate, ...]
    settings: StudySettings = field(default_factory=StudySettings)
    scenarios: tuple[Scenario, ...] = (AS_IS,)
    label: str = "study"

    def params_of(self, scenario: Scenario) -> Params:
        """The scenario's parameters (overrides applied to the network's)."""
        return apply_overrides(self.network.params, scenario.overrides, source=self.label)


def make_study(
    network: Network,
    candidates: Sequence[SiteCandidate] = (),
    settings: StudySettings | None = None,
    scenarios: Sequence[Scenario] = (),
    label: str = "study",
) -> Study:
    """A validated study: every scenario's overrides are applied once before anything runs.

    Raises
    ------
    InputError
        Duplicate scenario names or candidate ids, an unknown or out-of-range parameter,
        no candidates and no grid.
    """
    settings = settings or StudySettings()
    scenarios = tuple(scenarios) or (AS_IS,)
    problems: list[InputProblem] = []
    names = [s.name for s in scenarios]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(InputProblem(label, None, f"scenarios.{name}", "scenario named twice"))
    ids = [c.site_id for c in candidates]
    for site_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(InputProblem(label, None, "site_id", f"site '{site_id}' given twice"))
    if not candidates and settings.grid_km is None:
        problems.append(
            InputProblem(
                label, None, "candidates", "no candidate sites and no grid: nothing to site"
            )
        )
    study = Study(network, tuple(candidates), settings, scenarios, label)
    for scenario in scenarios:
        try:
            study.params_of(scenario)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return study


# ------------------------------------------------------------------------------------
# results
# ------------------------------------------------------------------------------------
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

        def yearly(s: Spread | None, factor: float = 1.0, nd: int = 0) -> tuple:
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


# ------------------------------------------------------------------------------------
# running
# ------------------------------------------------------------------------------------
def _noop(event: SitingProgress) -> None:
    """A progress callback that does nothing."""


def _pairwise_km(
    lat: np.ndarray, lon: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle km from every point of one set to every point of another."""
    return haversine_km(lat[:, None], lon[:, None], lat2[None, :], lon2[None, :])


def site_distances(
    network: Network, sites: Sequence[SiteCandidate], fast: bool = False
) -> tuple[np.ndarray, np.ndarray, Travel | None]:
    """Road km and minutes ``[site, caster]`` for candidate sites.

    From :meth:`logistics.physics.travel.Travel.of` of the network with the sites as
    its candidates; with ``fast`` on a network without road graph (the grid), the
    great-circle distance × circuity instead, within :data:`GRID_DISTANCE_TOLERANCE`
    of the geodesic.
    """
    roads = network.params.roads
    if fast and network.road_graph is None:
        lat = np.array([s.lat for s in sites])
        lon = np.array([s.lon for s in sites])
        clat = np.array([c.lat for c in network.casters])
        clon = np.array([c.lon for c in network.casters])
        km = _pairwise_km(lat, lon, clat, clon) * roads.circuity
        return km, km / roads.speed_kmh * 60.0, None
    with_sites = network.model_copy(update={"candidates": tuple(sites)})
    travel = Travel.of(with_sites)
    rows = [travel.candidate(s.site_id) for s in sites]
    cols = [travel.caster(c.caster_id) for c in network.casters]
    return travel.km[np.ix_(rows, cols)], travel.minutes[np.ix_(rows, cols)], travel


def _task_travel(
    task_net: Network, master: Travel
) -> tuple[list[tuple[str, str, float, float]], np.ndarray, np.ndarray]:
    """The task network's travel matrix cut from the study's matrix (new smelters = candidates)."""
    sites = network_sites(task_net)
    index = []
    for s in sites:
        if s.kind == "smelter" and ("smelter", s.site_id) in master._index:
            index.append(master.smelter(s.site_id))
        elif s.kind == "smelter":
            index.append(master.candidate(s.site_id))
        else:
            index.append(master.index(s.kind, s.site_id))
    ix = np.ix_(index, index)
    return (
        [(s.kind, s.site_id, s.lat, s.lon) for s in sites],
        np.ascontiguousarray(master.km[ix]),
        np.ascontiguousarray(master.minutes[ix]),
    )


def _grid_rows(
    estimates: list[ScreenEstimate], sites: dict[str, SiteCandidate], operating_days: float
) -> list[dict[str, Any]]:
    rows = []
    for e in estimates:
        site = sites[e.site_ids[0]]
        rows.append(
            {
                "site_id": site.site_id,
                "lat": site.lat,
                "lon": site.lon,
                "saving_cny_year": round(e.saving_cny_year),
                "npv_cny": round(e.npv_cny),
                "new_liquid_t_year": round(e.new_liquid_t_day * operating_days, 1),
                "site_t_day": round(sum(e.site_t_day.values()), 1),
                "casters_newly_in_reach": len(e.casters_newly_in_reach),
            }
        )
    rows.sort(key=lambda r: r["site_id"])
    return rows


def run_study(
    study: Study,
    *,
    workers: int = 1,
    scheduler: Any = None,
    progress: SitingCallback | None = None,
    retries: int = 2,
) -> StudyResult:
    """Run a siting study (see the module docstring).

    Parameters
    ----------
    study : Study
        Network, candidates, settings and scenarios (:func:`make_study`, ``load_study``).
    workers : int
        Local processes for the simulated days (1: in this process).
    scheduler : str or dask.distributed.Client, optional
        A Dask scheduler address or client: the days run on that cluster instead.
    progress : callable, optional
        Receives a :class:`SitingProgress` per step and per finished day.
    retries : int
        Re-runs of a day whose worker was lost.

    Returns
    -------
    StudyResult
    """
    notify = progress or _noop
    started = time.perf_counter()
    settings = study.settings
    network = study.network
    notify(SitingProgress("days", 0.0, "building the representative days"))
    days = representative_days(network, settings.days, settings.demand, settings.seed)
    template = plant_template(network)
    candidates = {c.site_id: c for c in study.candidates}
    grid: tuple[SiteCandidate, ...] = ()
    if settings.grid_km is not None:
        capex, rate, alloys = grid_template(settings, study.candidates, network)
        grid = grid_sites(network, settings.grid_km, capex, rate, alloys)
    timings: dict[str, float] = {"days_s": time.perf_counter() - started}

    # -- screen, per scenario -----------------------------------------------------------
    t0 = time.perf_counter()
    screened: dict[str, tuple] = {}
    for n, scenario in enumerate(study.scenarios):
        params = study.params_of(scenario)
        net = network.model_copy(update={"params": params})
        notify(
            SitingProgress(
                "screen",
                0.02 + 0.08 * n / len(study.scenarios),
                f"screening '{scenario.name}'",
            )
        )
        demand = daily_demand(net, [scaled_orders(d.orders, scenario.demand_growth) for d in days])
        base_travel = Travel.of(net.model_copy(update={"candidates": ()}))
        kwargs = {
            "site_tap": (template.tap_min_c, template.tap_max_c),
            "site_open_h": template.open_h,
            "stock_h": settings.stock_h,
            "capex_factor": scenario.capex_factor,
        }
        estimates: list[ScreenEstimate] = []
        total, method = 0, "enumerated"
        inputs = None
        candidate_base = None
        if candidates:
            km, minutes, _ = site_distances(net, study.candidates)
            inputs = screen_inputs(
                net, base_travel, demand, study.candidates, km, minutes, **kwargs
            )
            candidate_base, estimates, total, method = screen_options(
                inputs,
                settings.k,
                discount_rate=settings.discount_rate,
                horizon_years=settings.horizon_years,
                max_combinations=settings.max_combinations,
                keep=max(settings.simulate, 20),
            )
        grid_estimates: list[ScreenEstimate] = []
        grid_inputs = None
        grid_base = None
        if grid:
            km, minutes, _ = site_distances(net, grid, fast=True)
            grid_inputs = screen_inputs(net, base_travel, demand, grid, km, minutes, **kwargs)
            grid_base, grid_estimates, _, _ = screen_options(
                grid_inputs,
                1,
                discount_rate=settings.discount_rate,
                horizon_years=settings.horizon_years,
                max_combinations=len(grid) + 1,
                keep=1,
            )
        screened[scenario.name] = (
            net,
            candidate_base or grid_base,
            inputs,
            estimates,
            total,
            method,
            grid_inputs,
            grid_estimates,
        )
    timings["screen_s"] = time.perf_counter() - t0

    # -- the options to simulate and their tasks -----------------------------------------
    t0 = time.perf_counter()
    notify(SitingProgress("travel", 0.1, "preparing the simulated days"))
    grid_by_id = {g.site_id: g for g in grid}
    chosen_grid = set()
    for _, _, _, _, _, _, _, grid_estimates in screened.values():
        for e in grid_estimates[: settings.grid_simulate]:
            chosen_grid.add(e.site_ids[0])
    sim_sites = tuple(study.candidates) + tuple(grid_by_id[g] for g in sorted(chosen_grid))
    all_sites = {**candidates, **grid_by_id}
    base = base_payload(network)
    tasks: list[SimulationTask] = []
    outcomes: dict[str, ScenarioOutcome] = {}
    planner = {"options": settings.plan_options().model_dump()}
    for scenario in study.scenarios:
        net, base_alloc, inputs, estimates, total, method, grid_inputs, grid_estimates = screened[
            scenario.name
        ]
        base_by_source = {
            s: sum(v.values()) for s, v in (base_alloc.by_source() if base_alloc else {}).items()
        }
        master = Travel.of(net.model_copy(update={"candidates": sim_sites}))
        day_orders = [scaled_orders(d.orders, scenario.demand_growth) for d in days]
        per_truck = tonnes_per_truck_day(
            net, [sum(o.tonnes for o in orders) for orders in day_orders]
        )
        params_dump = net.params.model_dump()
        options: list[OptionOutcome] = []
        to_simulate = estimates[: settings.simulate] + grid_estimates[: settings.grid_simulate]
        simulate_ids = {e.option_id for e in to_simulate}
        for e in estimates + grid_estimates[: max(settings.grid_simulate, 0)]:
            sites = [
                (inputs if s in candidates else grid_inputs).sites[s]  # type: ignore[union-attr]
                for s in e.site_ids
            ]
            options.append(
                OptionOutcome(
                    scenario=scenario.name,
                    option_id=e.option_id,
                    site_ids=e.site_ids,
                    site_names=tuple(all_sites[s].name for s in e.site_ids),
                    capex_cny=sum(s.capex_cny for s in sites),
                    screen=e,
                    operating_days=net.params.economics.operating_days_per_year,
                    discount_rate=settings.discount_rate,
                    horizon_years=settings.horizon_years,
                )
            )
        for option in options:
            if option.option_id not in simulate_ids:
                continue
            option.simulated = True
            records = []
            after = {s: sum(v.values()) for s, v in option.screen.allocation.by_source().items()}
            site_total = sum(option.screen.site_t_day.values())
            taken: set[str] = set()
            for s in option.site_ids:
                share = option.screen.site_t_day.get(s, 0.0) / site_total if site_total else 0.0
                losses = {
                    smelter: (t - after.get(smelter, 0.0)) * share
                    for smelter, t in base_by_source.items()
                    if t - after.get(smelter, 0.0) > 1e-6
                }
                design = design_site(
                    all_sites[s],
                    option.screen.site_alloy_t_day.get(s, {}),
                    per_truck,
                    settings.stock_h,
                    network=net if settings.site_trucks == "moved" else None,
                    losses_t_day=losses,
                    taken=taken,
                )
                taken |= set(design.moved)
                option.trucks[s] = design.trucks
                option.moved_trucks[s] = list(design.moved)
                option.alloy_rates[s] = dict(design.alloy_rates)
                option.capacity_t_day[s] = capacity_t_day(all_sites[s], template, settings.stock_h)
                records.append(site_records(net, design, template))
            option.records = records
        for option_id, records in [("base", [])] + [
            (o.option_id, o.records) for o in options if o.simulated
        ]:
            for day, orders in zip(days, day_orders, strict=True):
                task = SimulationTask(
                    key=f"{scenario.name}/{option_id}/day{day.number}",
                    scenario=scenario.name,
                    option_id=option_id,
                    day=day.number,
                    params=params_dump,
                    orders=[o.model_dump() for o in orders],
                    sites=records,
                    travel_sites=[],
                    travel_km=np.zeros((0, 0)),
                    travel_minutes=np.zeros((0, 0)),
                    travel_source=master.source,
                    **planner,
                )
                tnet = task_network(task, base)
                sites_, km, minutes = _task_travel(tnet, master)
                tasks.append(
                    replace(task, travel_sites=sites_, travel_km=km, travel_minutes=minutes)
                )
        outcomes[scenario.name] = ScenarioOutcome(
            scenario=scenario,
            params=net.params,
            options=options,
            combinations=total,
            screened=len(estimates),
            simulated=sum(1 for o in options if o.simulated),
            method=method,
            grid=_grid_rows(
                grid_estimates, grid_by_id, net.params.economics.operating_days_per_year
            ),
        )
    timings["prepare_s"] = time.perf_counter() - t0

    # -- simulate ----------------------------------------------------------------------
    t0 = time.perf_counter()
    total_tasks = len(tasks)
    notify(SitingProgress("simulate", 0.1, f"planning {total_tasks} days", 0, total_tasks))

    def on_task(done: int, total: int, key: str) -> None:
        notify(
            SitingProgress(
                "simulate", 0.1 + 0.88 * done / max(1, total), f"planned {key}", done, total
            )
        )

    results = run_tasks(
        tasks, base, workers=workers, scheduler=scheduler, progress=on_task, retries=retries
    )
    timings["simulate_s"] = time.perf_counter() - t0

    # -- compare -----------------------------------------------------------------------
    names = {c.caster_id: c.name for c in network.casters}
    for name, outcome in outcomes.items():
        base_keys = [f"{name}/base/day{d.number}" for d in days]
        base_bad = [k for k in base_keys if not results[k]["ok"]]
        if base_bad:
            raise RuntimeError(
                f"the plan of the network as it is failed its check on {base_bad[0]}: "
                + "; ".join(
                    results[base_bad[0]]["violations"][:3] or [str(results[base_bad[0]]["error"])]
                )
            )
        outcome.base_days = [
            day_figures(Plan.model_validate(results[k]["plan"])) for k in base_keys
        ]
        for option in outcome.options:
            if not option.simulated:
                continue
            keys = [f"{name}/{option.option_id}/day{d.number}" for d in days]
            option.keys = keys
            bad = [k for k in keys if not results[k]["ok"]]
            if bad:
                r = results[bad[0]]
                option.valid = False
                option.problem = (
                    f"plan of {bad[0]} rejected by the checker ({r['violation_count']} violations)"
                    if r["plan"] is not None
                    else f"no plan for {bad[0]}: {r['error']}"
                )
                continue
            option.days = [day_figures(Plan.model_validate(results[k]["plan"])) for k in keys]
            pairs = list(zip(outcome.base_days, option.days, strict=True))
            option.saving_cny_day = Spread.of([o.saving_cny - b.saving_cny for b, o in pairs])
            option.liquid_t_day = Spread.of([o.liquid_t - b.liquid_t for b, o in pairs])
            option.co2_avoided_kg_day = Spread.of(
                [o.co2_avoided_kg - b.co2_avoided_kg for b, o in pairs]
            )
            option.dross_avoided_t_day = Spread.of(
                [o.dross_avoided_t - b.dross_avoided_t for b, o in pairs]
            )
            option.truck_km_day = Spread.of([o.truck_km - b.truck_km for b, o in pairs])
            option.option_truck_km_day = mean(o.truck_km for o in option.days)
            option.site_t_day = {
                s: mean(o.smelter_t.get(s, 0.0) for o in option.days) for s in option.site_ids
            }
            option.switches = caster_switches(
                outcome.base_days, option.days, option.site_ids, names
            )
        outcome.options.sort(key=_rank_key)
    timings["total_s"] = time.perf_counter() - started
    notify(SitingProgress("done", 1.0, "done", total_tasks, total_tasks))
    return StudyResult(
        study=study,
        days=days,
        scenarios=outcomes,
        tasks={t.key: t for t in tasks},
        results=results,
        base=base,
        wall_s={k: round(v, 2) for k, v in timings.items()},
    )


def _rank_key(option: OptionOutcome) -> tuple:
    """Simulated valid options by NPV, then screened-only ones by screen NPV, then invalid."""
    if option.simulated and option.valid:
        group = 0
    elif not option.simulated:
        group = 1
    else:
        group = 2
    npv = option.npv_cny
    return (group, -npv if math.isfinite(npv) else math.inf, option.option_id)
