"""The riskiest ladles of a plan: those whose estimated cold probability is above target.

Flagged on the screen's runs table, map and temperature chart. A run without an
estimate (a hand-made plan) is never flagged.
"""

from __future__ import annotations

from collections.abc import Iterable

from logistics.plan.model import Run


def riskiest_runs(runs: Iterable[Run], target: float) -> list[Run]:
    """The runs whose ``cold_probability`` is above ``target``, the riskiest first.

    Parameters
    ----------
    runs : iterable of Run
        A plan's runs.
    target : float
        The largest acceptable probability of cold metal (``[risk]
        max_cold_probability``), 0–1.

    Returns
    -------
    list of Run
        Sorted by cold probability, highest first (then by run id).
    """
    flagged = [r for r in runs if r.cold_probability is not None and r.cold_probability > target]
    return sorted(flagged, key=lambda r: (-(r.cold_probability or 0.0), r.run_id))
