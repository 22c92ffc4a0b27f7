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

from logistics.siting.candidates import grid_sites, load_candidates, network_candidates
from logistics.siting.days import RepresentativeDay, representative_days
from logistics.siting.metrics import CasterSwitch
from logistics.siting.outputs import check_out_dir, write_study
from logistics.siting.results import OptionOutcome, StudyResult
from logistics.siting.run import SitingProgress, run_study
from logistics.siting.settings import AS_IS, Scenario, SiteCandidate, StudySettings
from logistics.siting.study import Study, make_study
from logistics.siting.study_file import load_study

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
