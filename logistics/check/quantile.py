"""The slow drive a plan made for the risk target must allow for, by the checker's reckoning.

A plan that claims the risk target (``summary.cold_probability_target``; the checker
keeps it as :attr:`~logistics.check.context.CheckContext.cold_target`) taps every ladle
hot enough to arrive at the caster's minimum even when its drive takes the travel-time
factor exceeded with that probability: ``exp(μ + σ z_{1−p})`` of the lognormal factor
of mean 1 and the leg's coefficient of variation (``σ² = ln(1 + cv²)``, ``μ = −σ²/2``).
Thermal reach and the ladles the checker tries for a ``fleet`` row follow from it: a
smelter is within reach when the metal tapped at ``tap_max_c`` still holds the
caster's minimum over the slow drive (and ``min_pour_c + margin_c`` over the planned
one). The least CV the leg has in any hour is used: the checker does not know the hour
and errs towards "in reach".
"""

from __future__ import annotations

import math
from statistics import NormalDist

from logistics.check.context import CheckContext
from logistics.network.travel_cv import least_cv


def slow_factor(ctx: CheckContext, smelter_id: str, caster_id: str) -> float:
    """The factor a smelter → caster drive is exceeded with at most the plan's target.

    Parameters
    ----------
    ctx : CheckContext
        The network (``[risk]``), travel model and the plan's claimed target.
    smelter_id, caster_id : str
        The drive's ends.

    Returns
    -------
    float
        1 without a claimed target or when the leg never varies; else the lognormal
        factor's ``1 − target`` quantile at the leg's least CV.
    """
    if ctx.cold_target is None:
        return 1.0
    i, j = ctx.travel.smelter(smelter_id), ctx.travel.caster(caster_id)
    cv = least_cv(ctx.network.params, float(ctx.travel.km[i, j]))
    if cv <= 0:
        return 1.0
    sigma2 = math.log1p(cv * cv)
    z = NormalDist().inv_cdf(1.0 - ctx.cold_target)
    return math.exp(-sigma2 / 2.0 + math.sqrt(sigma2) * z)
