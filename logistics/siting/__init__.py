"""What-if siting: where should the next smelter go? (``molten site``).

The library for the command line and the app::

    from logistics.siting import load_study, run_study, write_study
    study = load_study("sample_networks/pearl_river_delta/study.toml")
    result = run_study(study, workers=2, progress=print)
    result.ranking()          # rows, best first
    result.top().switches     # casters that switch, and from what
    print(result.explain())   # the best option in words

See ``docs/siting.md``.
"""

from typing import TYPE_CHECKING

from logistics.runtime.lazy import lazy_attributes

#: Public name → the module it lives in. Each is imported when first used, so that the
#: command line's settings and candidates load neither OR-Tools nor the planner.
_PUBLIC = {
    "grid_sites": "logistics.siting.candidates",
    "load_candidates": "logistics.siting.candidates",
    "network_candidates": "logistics.siting.candidates",
    "RepresentativeDay": "logistics.siting.days",
    "representative_days": "logistics.siting.days",
    "CasterSwitch": "logistics.siting.metrics",
    "check_out_dir": "logistics.siting.outputs",
    "write_study": "logistics.siting.outputs",
    "OptionOutcome": "logistics.siting.results",
    "StudyResult": "logistics.siting.results",
    "SitingProgress": "logistics.siting.run",
    "run_study": "logistics.siting.run",
    "AS_IS": "logistics.siting.settings",
    "Scenario": "logistics.siting.settings",
    "SiteCandidate": "logistics.siting.settings",
    "StudySettings": "logistics.siting.settings",
    "Study": "logistics.siting.study",
    "make_study": "logistics.siting.study",
    "load_study": "logistics.siting.study_file",
}

__all__ = [
    "AS_IS",
    "CasterSwitch",
    "OptionOutcome",
    "RepresentativeDay",
    "Scenario",
    "SiteCandidate",
    "SitingProgress",
    "Study",
    "StudyResult",
    "StudySettings",
    "check_out_dir",
    "grid_sites",
    "load_candidates",
    "load_study",
    "make_study",
    "network_candidates",
    "representative_days",
    "run_study",
    "write_study",
]


__getattr__ = lazy_attributes(__name__, _PUBLIC)


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from logistics.siting.candidates import grid_sites, load_candidates, network_candidates
    from logistics.siting.days import RepresentativeDay, representative_days
    from logistics.siting.metrics import CasterSwitch
    from logistics.siting.outputs import check_out_dir, write_study
    from logistics.siting.results import OptionOutcome, StudyResult
    from logistics.siting.run import SitingProgress, run_study
    from logistics.siting.settings import AS_IS, Scenario, SiteCandidate, StudySettings
    from logistics.siting.study import Study, make_study
    from logistics.siting.study_file import load_study
