"""Stage 1 of a study: each scenario's facility-location screen of the candidates and the grid.

Per scenario: its parameters (overrides applied), the daily demand of the representative
days (its demand growth applied), and every combination of up to ``k`` candidate sites
valued by the screen (:mod:`logistics.siting.screen`) on the travel matrix of the
network with the candidates; in grid mode, also every grid point alone, on great-circle
distances (:func:`logistics.siting.geometry.site_distances`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.siting.days import scaled_orders
from logistics.siting.geometry import site_distances
from logistics.siting.screen import (
    Allocation,
    ScreenEstimate,
    ScreenInputs,
    daily_demand,
    screen_inputs,
    screen_options,
)
from logistics.siting.settings import Scenario, SiteCandidate, StudySettings
from logistics.siting.sites import PlantTemplate
from logistics.siting.study import Study, StudyBasis

#: Candidate combinations the screen keeps at least, whatever ``simulate`` asks for.
KEEP_AT_LEAST = 20


@dataclass(frozen=True)
class SiteScreen:
    """One set of sites (the candidates, or the grid) screened in one scenario.

    Attributes
    ----------
    inputs : ScreenInputs
        Arcs, capacities and reach of the screen; its ``sites`` carry the scenario's
        capex.
    base : Allocation
        The allocation of the network as it is, tonnes a day.
    estimates : tuple of ScreenEstimate
        The options valued, best NPV first.
    combinations : int
        How many combinations of up to ``k`` sites exist.
    method : str
        ``enumerated`` or ``mip`` (:func:`logistics.siting.screen.screen_options`).
    """

    inputs: ScreenInputs
    base: Allocation
    estimates: tuple[ScreenEstimate, ...]
    combinations: int
    method: str


@dataclass(frozen=True)
class ScreenedScenario:
    """A scenario after the screen: its network and its screened candidates and grid.

    Attributes
    ----------
    scenario : Scenario
        The what-if.
    network : Network
        The network as it is, with the scenario's parameters.
    candidates : SiteScreen or None
        The candidates' screen (``None``: the study has no candidates).
    grid : SiteScreen or None
        The grid's screen, every point alone (``None``: not in grid mode).
    """

    scenario: Scenario
    network: Network
    candidates: SiteScreen | None
    grid: SiteScreen | None

    @property
    def base_allocation(self) -> Allocation | None:
        """The network as it is, as the screen allocates it (candidates' screen first)."""
        screen = self.candidates if self.candidates is not None else self.grid
        return screen.base if screen is not None else None

    @property
    def estimates(self) -> tuple[ScreenEstimate, ...]:
        """The candidate combinations valued, best NPV first."""
        return self.candidates.estimates if self.candidates is not None else ()

    @property
    def grid_estimates(self) -> tuple[ScreenEstimate, ...]:
        """The grid points valued, best NPV first."""
        return self.grid.estimates if self.grid is not None else ()

    @property
    def combinations(self) -> int:
        """How many candidate combinations of up to ``k`` sites exist."""
        return self.candidates.combinations if self.candidates is not None else 0

    @property
    def method(self) -> str:
        """How the candidate combinations were valued: ``enumerated`` or ``mip``."""
        return self.candidates.method if self.candidates is not None else "enumerated"

    def screened_site(self, site_id: str) -> SiteCandidate:
        """A candidate or grid site as the screen valued it (the scenario's capex)."""
        if self.candidates is not None and site_id in self.candidates.inputs.sites:
            return self.candidates.inputs.sites[site_id]
        assert self.grid is not None, f"site {site_id} is neither a candidate nor on the grid"
        return self.grid.inputs.sites[site_id]


def _site_inputs(
    network: Network,
    travel: Travel,
    demand: dict[tuple[str, str], float],
    sites: Sequence[SiteCandidate],
    *,
    fast: bool,
    template: PlantTemplate,
    stock_h: float,
    capex_factor: float,
) -> ScreenInputs:
    """The screen's inputs for a set of sites, with their distances to the casters."""
    km, minutes, _ = site_distances(network, sites, fast=fast)
    return screen_inputs(
        network,
        travel,
        demand,
        sites,
        km,
        minutes,
        site_tap=(template.tap_min_c, template.tap_max_c),
        site_open_h=template.open_h,
        stock_h=stock_h,
        capex_factor=capex_factor,
    )


def _site_screen(
    inputs: ScreenInputs,
    k: int,
    settings: StudySettings,
    *,
    max_combinations: int,
    keep: int,
) -> SiteScreen:
    """Value the combinations of up to ``k`` of the inputs' sites."""
    base, estimates, total, method = screen_options(
        inputs,
        k,
        discount_rate=settings.discount_rate,
        horizon_years=settings.horizon_years,
        max_combinations=max_combinations,
        keep=keep,
    )
    return SiteScreen(inputs, base, tuple(estimates), total, method)


def screen_scenario(study: Study, scenario: Scenario, basis: StudyBasis) -> ScreenedScenario:
    """Screen the study's candidates (and grid) in one scenario.

    Parameters
    ----------
    study : Study
        The study (its network, candidates and settings).
    scenario : Scenario
        The scenario to screen.
    basis : StudyBasis
        The days, the typical plant and the sites (:func:`logistics.siting.study.study_basis`).

    Returns
    -------
    ScreenedScenario
    """
    settings = study.settings
    network = study.network.model_copy(update={"params": study.params_of(scenario)})
    demand = daily_demand(
        network, [scaled_orders(d.orders, scenario.demand_growth) for d in basis.days]
    )
    as_is = Travel.of(network.model_copy(update={"candidates": ()}))
    template, stock_h, capex_factor = basis.template, settings.stock_h, scenario.capex_factor
    candidates = None
    if basis.candidates:
        inputs = _site_inputs(
            network,
            as_is,
            demand,
            study.candidates,
            fast=False,
            template=template,
            stock_h=stock_h,
            capex_factor=capex_factor,
        )
        candidates = _site_screen(
            inputs,
            settings.k,
            settings,
            max_combinations=settings.max_combinations,
            keep=max(settings.simulate, KEEP_AT_LEAST),
        )
    grid = None
    if basis.grid:
        inputs = _site_inputs(
            network,
            as_is,
            demand,
            basis.grid,
            fast=True,
            template=template,
            stock_h=stock_h,
            capex_factor=capex_factor,
        )
        grid = _site_screen(inputs, 1, settings, max_combinations=len(basis.grid) + 1, keep=1)
    return ScreenedScenario(scenario, network, candidates, grid)


def grid_rows(
    estimates: Sequence[ScreenEstimate], sites: dict[str, SiteCandidate], operating_days: float
) -> list[dict[str, Any]]:
    """Grid mode: one row per screened grid point, sorted by site id.

    Parameters
    ----------
    estimates : sequence of ScreenEstimate
        The grid points' estimates (one site each).
    sites : dict
        ``site_id`` → the grid's sites.
    operating_days : float
        Days a year.

    Returns
    -------
    list of dict
        ``site_id``, ``lat``, ``lon`` (degrees), ``saving_cny_year``, ``npv_cny``
        (CNY), ``new_liquid_t_year`` (t), ``site_t_day`` (t) and
        ``casters_newly_in_reach`` (count).
    """
    rows: list[dict[str, Any]] = []
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
