"""How late a ladle may pour, at a given risk: the delay its tap temperature is planned for.

Travel times vary as :mod:`logistics.physics.travel_risk` models them: each leg's
driving time is ``planned × F`` with ``F`` lognormal of mean 1 and the leg's coefficient
of variation, legs independent; a pour starts at the later of the arrival and its
planned start, and the next leg starts when it ends. The metal of a stop is cold when
its *delay* — how much later than planned its pour starts — exceeds the hold its tap
affords beyond the planned one. A tap that affords ``q`` minutes of delay, with
``P(delay > q) ≤ p``, keeps the ladle's probability of arriving cold at or below ``p``.

The delay of stop ``k`` of a trip (legs ``1..k``, planned waits ``w_i ≥ 0`` at the
casters: planned pour start − planned arrival) follows the recursion
``δ_k = max(0, δ_{k−1} + L_k (F_k − 1) − w_k)`` with ``δ_0 = 0``.

* **First stop** (one leg): ``δ_1 = max(0, L (F − 1) − w)``, so the quantile has the
  closed form ``q = max(0, L (Q_F(1 − p) − 1) − w)`` with ``Q_F`` the lognormal
  factor's quantile (:func:`one_leg_delay_quantile`, :func:`factor_quantile`): exact.
* **Later stops**: :class:`RideDelays` runs the recursion over :data:`PLAN_DRAWS`
  fixed draws (common random numbers: one seeded matrix of standard normals, row ``k``
  for the ``k``-th leg of every trip, so the planner is deterministic) and takes a
  conservative order statistic: the delay exceeded in at most
  ``e = ⌊pN − 2 √(p(1 − p) N)⌋`` of the ``N`` draws (:func:`allowed_exceedances`), so
  that the true probability of exceeding it is at most ``p`` with about 97.7 %
  confidence (the binomial count of exceedances lies two standard errors below its
  mean). At ``p`` = 1 % and 6,400 draws: 48 exceedances, a nominal 0.75 %.

The Fenton–Wilkinson approximation of a sum of lognormal legs by one lognormal was
tried first and rejected: on rides mixing a high-CV leg with low-CV ones it
underestimated the tail of the sum up to 1.8 times at ``p`` = 0.1 % (docs/models.md).
Times are minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

import numpy as np

from logistics.physics.travel_risk import lognormal_sigma_mu

#: Draws of the planner's ride simulation for stops after the first (a target ``p``
#: gets ``max(PLAN_DRAWS, 64 / p)`` draws, at most :data:`PLAN_DRAWS_MAX`).
PLAN_DRAWS = 6400
#: The most draws a very small target gets.
PLAN_DRAWS_MAX = 200_000
#: Standard errors the allowed exceedances lie below ``p × draws``.
PLAN_Z = 2.0

_STANDARD = NormalDist()


@dataclass(frozen=True)
class Leg:
    """One leg of a ride, as the delay quantile needs it.

    Attributes
    ----------
    leg_min : float
        Planned (mean) driving time of the leg ending at this stop, min (0 for a second
        ladle to the same caster).
    cv : float
        Its coefficient of variation (0: exact).
    wait_min : float
        Planned wait at this stop's caster: planned pour start − planned arrival, min
        (≥ 0; a delay smaller than the wait is absorbed).
    """

    leg_min: float
    cv: float
    wait_min: float


def factor_quantile(cv: float, probability: float) -> float:
    """The travel-time factor exceeded with ``probability``: ``exp(μ + σ z_{1−p})``.

    Parameters
    ----------
    cv : float
        Coefficient of variation of the lognormal factor of mean 1.
    probability : float
        Probability of exceeding it (0–1, exclusive).

    Returns
    -------
    float
        The factor (1 when ``cv`` is 0).

    Examples
    --------
    >>> round(factor_quantile(0.15, 0.01), 4)
    1.3992
    """
    if cv <= 0:
        return 1.0
    sigma, mu = lognormal_sigma_mu(cv)
    return math.exp(mu + sigma * _STANDARD.inv_cdf(1.0 - probability))


def one_leg_delay_quantile(leg: Leg, probability: float) -> float:
    """Closed form of the delay a trip's first stop is exceeded with ``probability``, min.

    ``max(0, L (Q_F(1 − p) − 1) − w)``: exact for the lognormal leg.

    Parameters
    ----------
    leg : Leg
        The first leg and the planned wait at the first caster.
    probability : float
        The target probability (0–1, exclusive).

    Returns
    -------
    float
        Minutes of delay beyond the planned pour start.
    """
    return max(0.0, leg.leg_min * (factor_quantile(leg.cv, probability) - 1.0) - leg.wait_min)


def plan_draws(probability: float) -> int:
    """Draws the planner simulates a ride with for a target ``probability``."""
    return min(PLAN_DRAWS_MAX, max(PLAN_DRAWS, math.ceil(64.0 / probability)))


def allowed_exceedances(probability: float, draws: int) -> int:
    """Draws that may exceed the planned delay: ``⌊pN − z √(p(1 − p) N)⌋`` (≥ 0).

    Examples
    --------
    >>> allowed_exceedances(0.01, 6400)
    48
    """
    mean = probability * draws
    return max(0, math.floor(mean - PLAN_Z * math.sqrt(mean * (1.0 - probability))))


@cache
def _normals(seed: int, draws: int, row: int) -> np.ndarray:
    """Row ``row`` of the planner's fixed standard normals (read-only)."""
    values = np.random.default_rng([seed, draws, row]).standard_normal(draws)
    values.setflags(write=False)
    return values


@cache
def _factor_excess(seed: int, draws: int, row: int, cv: float) -> np.ndarray:
    """``F − 1`` of the ``row``-th leg of a ride, for every fixed draw (read-only)."""
    sigma, mu = lognormal_sigma_mu(cv)
    values = np.expm1(mu + sigma * _normals(seed, draws, row))
    values.setflags(write=False)
    return values


class RideDelays:
    """The planned delay of each stop of one ride, stop after stop.

    Parameters
    ----------
    probability : float
        The target: each stop's delay is exceeded with at most this probability.
    seed : int
        Seed of the fixed draws (the same seed, the same taps).

    Examples
    --------
    >>> ride = RideDelays(0.01, seed=0)
    >>> round(ride.add(Leg(60.0, 0.15, 0.0)), 2)
    23.95
    >>> ride.add(Leg(30.0, 0.15, 0.0)) > 23.95
    True
    """

    def __init__(self, probability: float, seed: int = 0) -> None:
        self.probability = probability
        self.seed = seed
        self.draws = plan_draws(probability)
        self._rank = (
            self.draws - 1 - min(self.draws - 1, allowed_exceedances(probability, self.draws))
        )
        self._delay: np.ndarray | None = None  # None: no draw is late yet
        self._stops = 0

    def add(self, leg: Leg) -> float:
        """The next stop's delay quantile, min (see the module docstring).

        Parameters
        ----------
        leg : Leg
            The leg ending at this stop and the planned wait there.

        Returns
        -------
        float
            The delay beyond the planned pour start exceeded with at most
            ``probability``: the closed form for the first stop, the conservative order
            statistic of the simulated rides for later ones.
        """
        row, self._stops = self._stops, self._stops + 1
        delay = self._delay
        if leg.leg_min > 0 and leg.cv > 0:
            step = leg.leg_min * _factor_excess(self.seed, self.draws, row, leg.cv) - leg.wait_min
            delay = step if delay is None else delay + step
        elif delay is not None:
            delay = delay - leg.wait_min
        if delay is None:
            return 0.0
        delay = np.maximum(delay, 0.0)
        self._delay = delay
        if row == 0:
            return one_leg_delay_quantile(leg, self.probability)
        if np.count_nonzero(delay) <= self.draws - 1 - self._rank:
            return 0.0
        return float(np.partition(delay, self._rank)[self._rank])
