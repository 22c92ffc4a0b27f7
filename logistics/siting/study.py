"""A siting study: what it weighs (:class:`Study`, :func:`make_study`) and what its scenarios share.

A study is a network, candidate sites, settings and scenarios (what-ifs); every
scenario's overrides are validated once, before anything runs. :func:`study_basis`
builds what every scenario of a study shares: the representative days
(:mod:`logistics.siting.days`), the region's typical plant and, in grid mode, the grid
of sites. Running a study is :func:`logistics.siting.run.run_study`; what it finds is
:mod:`logistics.siting.results`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from logistics.errors import InputError, InputProblem
from logistics.network.model import Network
from logistics.network.overrides import apply_overrides
from logistics.network.params import Params
from logistics.siting.candidates import grid_sites, grid_template
from logistics.siting.days import RepresentativeDay, representative_days

# Re-exported: logistics.siting.outputs imports StudyResult from here.
from logistics.siting.results import StudyResult
from logistics.siting.settings import AS_IS, Scenario, SiteCandidate, StudySettings
from logistics.siting.sites import PlantTemplate, plant_template

__all__ = ["Study", "StudyBasis", "StudyResult", "make_study", "study_basis"]


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

    Parameters
    ----------
    network : Network
        The network as it is.
    candidates : sequence of SiteCandidate
        Candidate sites (may be empty in grid mode).
    settings : StudySettings, optional
        How the study runs (default :class:`StudySettings`).
    scenarios : sequence of Scenario
        What-ifs (default the network as it is, :data:`AS_IS`).
    label : str
        Where the study came from, for messages.

    Returns
    -------
    Study

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


@dataclass(frozen=True)
class StudyBasis:
    """What every scenario of a study shares, built once before the screen.

    Attributes
    ----------
    days : tuple of RepresentativeDay
        The simulated days, the same for every option and scenario.
    template : PlantTemplate
        The region's typical plant (a new site's hours, tap range, trucks).
    candidates : dict
        ``site_id`` → the study's candidate sites, in the study's order.
    grid : tuple of SiteCandidate
        Grid mode: the grid's sites (empty otherwise).
    """

    days: tuple[RepresentativeDay, ...]
    template: PlantTemplate
    candidates: dict[str, SiteCandidate]
    grid: tuple[SiteCandidate, ...]


def study_basis(study: Study) -> StudyBasis:
    """The representative days, the typical plant and the sites of a study.

    Parameters
    ----------
    study : Study
        The study.

    Returns
    -------
    StudyBasis

    Raises
    ------
    InputError
        The days cannot be built (:func:`logistics.siting.days.representative_days`).
    """
    settings = study.settings
    network = study.network
    days = representative_days(network, settings.days, settings.demand, settings.seed)
    template = plant_template(network)
    grid: tuple[SiteCandidate, ...] = ()
    if settings.grid_km is not None:
        capex, rate, alloys = grid_template(settings, study.candidates, network)
        grid = grid_sites(network, settings.grid_km, capex, rate, alloys)
    return StudyBasis(
        days=days,
        template=template,
        candidates={c.site_id: c for c in study.candidates},
        grid=grid,
    )
