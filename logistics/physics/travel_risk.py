"""Uncertain travel times: the ride of one trip simulated, and the risk of cold or late metal.

Each leg's driving time is ``planned × F`` with ``F`` lognormal, ``E[F] = 1`` and
coefficient of variation ``cv`` (``σ² = ln(1 + cv²)``, ``μ = −σ²/2``): one factor per
leg (the whole leg is fast or slow together), legs independent. A trip's ride:

* the truck leaves the smelter at the planned ``depart``; the first caster is reached
  after the first leg; every later caster after the previous pour ends and the leg
  between the two casters is driven;
* a pour starts at ``max(arrival, planned pour start)``: waiting at the caster absorbs
  an early arrival, a late one delays the pour and every later stop of the trip (the
  pour lasts its planned time);
* the metal is cold when its hold from the end of filling to the start of pouring
  exceeds the longest hold its tap allows at the caster's minimum
  (:func:`logistics.physics.cooling.max_hold_h`, Newton cooling with the truck's
  ``tau_h``); late when the pour starts after the order's window.

:func:`ride_risk` estimates both probabilities per ladle from ``draws`` simulated
rides; the estimate of a probability ``p`` has the binomial standard error
``sqrt(p(1 − p)/draws)`` (:func:`standard_error`). A delay is not carried into the
truck's next trip. Times here are minutes from any common origin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

#: A pour starting within this many minutes after its window's end is on time (the
#: planner writes times to the second).
LATE_TOL_MIN = 1.0 / 60.0


@dataclass(frozen=True)
class Stop:
    """One ladle of a trip, as the ride simulation needs it (minutes, °C-free).

    Attributes
    ----------
    fill_end_min : float
        End of filling, min.
    pour_start_min, pour_min : float
        Planned pour start and the pour's duration, min.
    window_end_min : float
        Latest pour start the order allows, min.
    leg_min : float
        Planned driving time of the leg ending at this stop's caster, min (0 for a
        second ladle to the same caster).
    leg_cv : float
        Coefficient of variation of that leg's time.
    max_hold_min : float
        Longest hold from the end of filling to the start of pouring before the metal
        is below the caster's minimum, min (``inf`` when it never is).
    """

    fill_end_min: float
    pour_start_min: float
    pour_min: float
    window_end_min: float
    leg_min: float
    leg_cv: float
    max_hold_min: float


@dataclass(frozen=True)
class Ride:
    """A trip: leaves the smelter at ``depart_min`` and visits ``stops`` in pour order."""

    depart_min: float
    stops: tuple[Stop, ...]


@dataclass(frozen=True)
class StopRisk:
    """Estimated probabilities of one ladle (shares, 0–1), and the spread of its hold.

    ``hold_p05_min`` and ``hold_p95_min`` are the 5th and 95th percentiles of the hold
    from the end of filling to the start of pouring over the draws, min (NaN when not
    estimated): the hottest and the coldest arrivals but one in twenty.
    """

    cold_probability: float
    late_probability: float
    hold_p05_min: float = math.nan
    hold_p95_min: float = math.nan


def lognormal_sigma_mu(cv: float) -> tuple[float, float]:
    """``(σ, μ)`` of the log of a lognormal factor with mean 1 and coefficient ``cv``."""
    sigma2 = math.log1p(cv * cv)
    return math.sqrt(sigma2), -sigma2 / 2.0


def travel_factors(cvs: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Lognormal factors of mean 1, one row per leg.

    Parameters
    ----------
    cvs : numpy.ndarray
        Coefficient of variation of each leg, shape ``(legs,)``.
    draws : int
        Draws per leg.
    rng : numpy.random.Generator
        The random stream.

    Returns
    -------
    numpy.ndarray
        Shape ``(legs, draws)``; exactly 1 where ``cv`` is 0.
    """
    sigma2 = np.log1p(np.asarray(cvs, dtype=float) ** 2)[:, None]
    normal = rng.standard_normal((len(cvs), draws))
    return np.exp(np.sqrt(sigma2) * normal - sigma2 / 2.0)


def simulate_pour_starts(ride: Ride, factors: np.ndarray) -> np.ndarray:
    """Pour start of every stop in every draw, min.

    Parameters
    ----------
    ride : Ride
        The trip.
    factors : numpy.ndarray
        Travel-time factors, shape ``(len(ride.stops), draws)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(ride.stops), draws)``.
    """
    starts = np.empty_like(factors)
    ready = np.full(factors.shape[1], ride.depart_min)
    for k, stop in enumerate(ride.stops):
        arrive = ready + stop.leg_min * factors[k]
        starts[k] = np.maximum(arrive, stop.pour_start_min)
        ready = starts[k] + stop.pour_min
    return starts


def ride_risk(ride: Ride, draws: int, rng: np.random.Generator) -> tuple[StopRisk, ...]:
    """Estimated probabilities of cold and of late metal for every stop of a trip.

    Parameters
    ----------
    ride : Ride
        The trip.
    draws : int
        Simulated rides.
    rng : numpy.random.Generator
        The random stream (seed it for reproducible estimates).

    Returns
    -------
    tuple of StopRisk
        One per stop, in ``ride.stops`` order: the share of draws whose hold exceeds
        ``max_hold_min`` and whose pour starts after ``window_end_min``, and the 5th and
        95th percentiles of the hold (linear interpolation between draws).
    """
    cvs = np.array([s.leg_cv for s in ride.stops])
    starts = simulate_pour_starts(ride, travel_factors(cvs, draws, rng))
    risks = []
    for k, stop in enumerate(ride.stops):
        hold = starts[k] - stop.fill_end_min
        cold = hold > stop.max_hold_min
        late = starts[k] > stop.window_end_min + LATE_TOL_MIN
        p05, p95 = np.quantile(hold, (0.05, 0.95))
        risks.append(StopRisk(float(cold.mean()), float(late.mean()), float(p05), float(p95)))
    return tuple(risks)


def one_leg_cold_probability(leg_min: float, cv: float, slack_min: float) -> float:
    """Exact probability that a lognormal leg takes longer than ``slack_min``.

    For a trip's first stop, with ``slack_min`` = longest hold − (depart − fill end),
    this is its probability of cold metal (waiting never makes a hold longer than
    planned when the planned hold is within the longest one).

    Parameters
    ----------
    leg_min : float
        Planned (mean) driving time, min (> 0).
    cv : float
        Coefficient of variation (> 0).
    slack_min : float
        Driving time the metal can afford, min.

    Returns
    -------
    float
        ``P(leg_min × F > slack_min)``.
    """
    if slack_min <= 0:
        return 1.0
    sigma, mu = lognormal_sigma_mu(cv)
    return 1.0 - NormalDist(mu, sigma).cdf(math.log(slack_min / leg_min))


def standard_error(probability: float, draws: int) -> float:
    """Binomial standard error of a probability estimated from ``draws`` draws."""
    return math.sqrt(probability * (1.0 - probability) / draws)


def draws_for(probability: float, half_width: float, confidence: float = 0.95) -> int:
    """Draws that estimate ``probability`` to ``± half_width`` with ``confidence``.

    ``n = z² p(1 − p) / h²`` with ``z`` the two-sided normal quantile.

    Examples
    --------
    >>> draws_for(0.01, 0.002)
    9508
    """
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    return math.ceil(z * z * probability * (1.0 - probability) / (half_width * half_width))
