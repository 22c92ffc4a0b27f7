"""Stage 2 of a study: each scenario's options, the plants of those simulated, their day tasks.

Per scenario, after the screen (:mod:`logistics.siting.screening`):

1. an :class:`~logistics.siting.results.OptionOutcome` for every screened candidate
   combination and for the best ``grid_simulate`` grid points;
2. for the ``simulate`` best combinations and those grid points, each new site's plant
   (:func:`logistics.siting.sites.design_site`: its trucks, moved from the smelters it
   takes tonnes from or added, its alloy rates and its daily capacity);
3. one :class:`~logistics.siting.tasks.SimulationTask` per day of the network as it is
   (``base``) and of every simulated option, each with its travel matrix cut from the
   scenario's matrix (:func:`logistics.siting.geometry.task_travel`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from logistics.network.model import Network, Order
from logistics.physics.travel import Travel
from logistics.siting.days import RepresentativeDay, scaled_orders
from logistics.siting.geometry import task_travel
from logistics.siting.results import OptionOutcome, ScenarioOutcome
from logistics.siting.screening import ScreenedScenario, grid_rows
from logistics.siting.settings import SiteCandidate, StudySettings
from logistics.siting.sites import (
    PlantTemplate,
    capacity_t_day,
    design_site,
    site_records,
    tonnes_per_truck_day,
)
from logistics.siting.study import Study, StudyBasis
from logistics.siting.tasks import SimulationTask, task_key, task_network

#: Tonnes a day below which a smelter is not counted as losing any to a new site.
LOSS_EPS_T = 1e-6


@dataclass(frozen=True)
class ScenarioSimulations:
    """A scenario ready to simulate: its options (not yet compared) and its day tasks.

    Attributes
    ----------
    outcome : ScenarioOutcome
        The scenario's options, screened, the simulated ones with their plants;
        :mod:`logistics.siting.comparison` fills in the simulated figures.
    tasks : tuple of SimulationTask
        One per day of the network as it is and of every simulated option.
    """

    outcome: ScenarioOutcome
    tasks: tuple[SimulationTask, ...]


def simulated_sites(
    study: Study, basis: StudyBasis, screened: Sequence[ScreenedScenario]
) -> tuple[SiteCandidate, ...]:
    """The sites the simulated days may use: every candidate, and the grid points simulated.

    Parameters
    ----------
    study : Study
        The study (its candidates and ``grid_simulate``).
    basis : StudyBasis
        Its grid.
    screened : sequence of ScreenedScenario
        Every scenario's screen: a grid point simulated in any of them is included.

    Returns
    -------
    tuple of SiteCandidate
        The candidates in the study's order, then the grid points by site id.
    """
    grid_by_id = {g.site_id: g for g in basis.grid}
    chosen = set()
    for scenario in screened:
        for e in scenario.grid_estimates[: study.settings.grid_simulate]:
            chosen.add(e.site_ids[0])
    return tuple(study.candidates) + tuple(grid_by_id[g] for g in sorted(chosen))


def option_outcomes(
    settings: StudySettings, basis: StudyBasis, screened: ScreenedScenario
) -> list[OptionOutcome]:
    """The scenario's options as the screen valued them (none simulated yet).

    Every candidate combination the screen kept, then the best ``grid_simulate`` grid
    points, each with the scenario's capex (CNY) and the study's finance settings.
    """
    sites = {**basis.candidates, **{g.site_id: g for g in basis.grid}}
    operating_days = screened.network.params.economics.operating_days_per_year
    shown = screened.estimates + screened.grid_estimates[: max(settings.grid_simulate, 0)]
    return [
        OptionOutcome(
            scenario=screened.scenario.name,
            option_id=e.option_id,
            site_ids=e.site_ids,
            site_names=tuple(sites[s].name for s in e.site_ids),
            capex_cny=sum(screened.screened_site(s).capex_cny for s in e.site_ids),
            screen=e,
            operating_days=operating_days,
            discount_rate=settings.discount_rate,
            horizon_years=settings.horizon_years,
        )
        for e in shown
    ]


def _simulated_ids(settings: StudySettings, screened: ScreenedScenario) -> set[str]:
    """The options to simulate: the best ``simulate`` combinations and grid points."""
    to_simulate = (
        screened.estimates[: settings.simulate] + screened.grid_estimates[: settings.grid_simulate]
    )
    return {e.option_id for e in to_simulate}


def _smelter_losses(
    before: dict[str, float], after: dict[str, float], share: float
) -> dict[str, float]:
    """Tonnes a day each existing smelter loses to one site: its share of the drop."""
    return {
        smelter: (t - after.get(smelter, 0.0)) * share
        for smelter, t in before.items()
        if t - after.get(smelter, 0.0) > LOSS_EPS_T
    }


def design_option_plants(
    option: OptionOutcome,
    *,
    network: Network,
    sites: dict[str, SiteCandidate],
    template: PlantTemplate,
    settings: StudySettings,
    per_truck_t_day: float,
    base_by_source: dict[str, float],
) -> None:
    """Mark an option simulated and design the plant of each of its new sites.

    Fills the option's ``trucks``, ``moved_trucks``, ``alloy_rates``, ``capacity_t_day``
    (t a day) and ``records`` (the plants as plain data for the tasks). With
    ``site_trucks = "moved"``, each site takes trucks from the smelters it takes tonnes
    from (by the screen), no truck twice within the option.

    Parameters
    ----------
    option : OptionOutcome
        The option, changed in place.
    network : Network
        The network as it is, with the scenario's parameters.
    sites : dict
        ``site_id`` → candidate or grid site.
    template : PlantTemplate
        The region's typical plant.
    settings : StudySettings
        ``stock_h`` and ``site_trucks``.
    per_truck_t_day : float
        Tonnes a day one truck carries, t.
    base_by_source : dict
        ``smelter_id`` → tonnes a day the screen gives it in the network as it is.
    """
    option.simulated = True
    records = []
    after = {s: sum(v.values()) for s, v in option.screen.allocation.by_source().items()}
    site_total = sum(option.screen.site_t_day.values())
    taken: set[str] = set()
    for s in option.site_ids:
        share = option.screen.site_t_day.get(s, 0.0) / site_total if site_total else 0.0
        design = design_site(
            sites[s],
            option.screen.site_alloy_t_day.get(s, {}),
            per_truck_t_day,
            settings.stock_h,
            network=network if settings.site_trucks == "moved" else None,
            losses_t_day=_smelter_losses(base_by_source, after, share),
            taken=taken,
        )
        taken |= set(design.moved)
        option.trucks[s] = design.trucks
        option.moved_trucks[s] = list(design.moved)
        option.alloy_rates[s] = dict(design.alloy_rates)
        option.capacity_t_day[s] = capacity_t_day(sites[s], template, settings.stock_h)
        records.append(site_records(network, design, template))
    option.records = records


def day_tasks(
    scenario: str,
    plants: Sequence[tuple[str, list[dict[str, Any]]]],
    days: Sequence[RepresentativeDay],
    day_orders: Sequence[Sequence[Order]],
    *,
    params: dict[str, Any],
    plan_options: dict[str, Any],
    master: Travel,
    base: dict[str, Any],
) -> list[SimulationTask]:
    """One task per option and day, each with its travel matrix cut from ``master``.

    Parameters
    ----------
    scenario : str
        Scenario name.
    plants : sequence of (str, list of dict)
        ``(option_id, plant records)`` in task order (``("base", [])`` first).
    days : sequence of RepresentativeDay
        The days.
    day_orders : sequence of sequence of Order
        Each day's orders, the scenario's demand growth applied.
    params : dict
        The scenario's parameters (``Params.model_dump``).
    plan_options : dict
        How to plan each day (``PlanOptions.model_dump``).
    master : Travel
        The scenario's travel model with every simulated site as a candidate.
    base : dict
        The network as it is (:func:`logistics.siting.tasks.base_payload`).

    Returns
    -------
    list of SimulationTask
    """
    tasks = []
    for option_id, records in plants:
        for day, orders in zip(days, day_orders, strict=True):
            task = SimulationTask(
                key=task_key(scenario, option_id, day.number),
                scenario=scenario,
                option_id=option_id,
                day=day.number,
                params=params,
                orders=[o.model_dump() for o in orders],
                sites=records,
                travel_sites=[],
                travel_km=np.zeros((0, 0)),
                travel_minutes=np.zeros((0, 0)),
                travel_source=master.source,
                options=plan_options,
            )
            cut = task_travel(task_network(task, base), master)
            tasks.append(
                replace(
                    task,
                    travel_sites=cut.sites,
                    travel_km=cut.km,
                    travel_minutes=cut.minutes,
                    travel_legs=cut.class_legs,
                )
            )
    return tasks


def _scenario_outcome(
    screened: ScreenedScenario, options: list[OptionOutcome], grid: dict[str, SiteCandidate]
) -> ScenarioOutcome:
    """The scenario's outcome before the comparison: its screen's counts and its options."""
    params = screened.network.params
    return ScenarioOutcome(
        scenario=screened.scenario,
        params=params,
        options=options,
        combinations=screened.combinations,
        screened=len(screened.estimates),
        simulated=sum(1 for o in options if o.simulated),
        method=screened.method,
        grid=grid_rows(screened.grid_estimates, grid, params.economics.operating_days_per_year),
    )


def scenario_simulations(
    study: Study,
    basis: StudyBasis,
    screened: ScreenedScenario,
    sim_sites: tuple[SiteCandidate, ...],
    base: dict[str, Any],
) -> ScenarioSimulations:
    """A screened scenario's options, the plants of the simulated ones and the day tasks.

    Parameters
    ----------
    study : Study
        The study (its settings).
    basis : StudyBasis
        The days, the typical plant and the sites.
    screened : ScreenedScenario
        The scenario's screen.
    sim_sites : tuple of SiteCandidate
        Every site a simulated day may use (:func:`simulated_sites`): the candidates
        of the scenario's travel matrix.
    base : dict
        The network as it is (:func:`logistics.siting.tasks.base_payload`).

    Returns
    -------
    ScenarioSimulations
    """
    settings = study.settings
    network = screened.network
    master = Travel.of(network.model_copy(update={"candidates": sim_sites}))
    day_orders = [scaled_orders(d.orders, screened.scenario.demand_growth) for d in basis.days]
    per_truck = tonnes_per_truck_day(
        network, [sum(o.tonnes for o in orders) for orders in day_orders]
    )
    allocation = screened.base_allocation
    base_by_source = {
        s: sum(v.values()) for s, v in (allocation.by_source() if allocation else {}).items()
    }
    options = option_outcomes(settings, basis, screened)
    simulate_ids = _simulated_ids(settings, screened)
    grid_by_id = {g.site_id: g for g in basis.grid}
    sites = {**basis.candidates, **grid_by_id}
    for option in options:
        if option.option_id in simulate_ids:
            design_option_plants(
                option,
                network=network,
                sites=sites,
                template=basis.template,
                settings=settings,
                per_truck_t_day=per_truck,
                base_by_source=base_by_source,
            )
    plants: list[tuple[str, list[dict[str, Any]]]] = [("base", [])] + [
        (o.option_id, o.records) for o in options if o.simulated
    ]
    tasks = day_tasks(
        screened.scenario.name,
        plants,
        basis.days,
        day_orders,
        params=network.params.model_dump(),
        plan_options=settings.plan_options().model_dump(),
        master=master,
        base=base,
    )
    return ScenarioSimulations(_scenario_outcome(screened, options, grid_by_id), tuple(tasks))
