"""Tap temperatures planned for the risk of cold metal, and the hold limits that follow.

With ``[risk] plan_for_risk`` (the default) each ladle is tapped at the lowest
temperature in its smelter's ``[tap_min_c, tap_max_c]`` that meets both:

* the fixed margin: it arrives at ``min_pour_c + margin_c`` after its planned hold (a
  floor: the margin also covers what the travel-time model does not — a lining not
  quite preheated, the cooling model's error);
* the risk target: it is still at ``min_pour_c`` after the planned hold plus the delay
  its pour start exceeds with probability ``max_cold_probability`` when travel times
  vary (:mod:`logistics.physics.tap_risk`: the closed form for a trip's first stop, a
  fixed-seed simulation of the ride for later stops).

A job whose tap would have to be above ``tap_max_c`` is left off its trip, as with the
fixed margin. The router's hold limit (:func:`ride_hold_limit_minutes`) is the longest
planned hold, at ``tap_max_c``, of a ladle that is its trip's first stop and does not
wait at the caster: ``H − L (Q_F(1 − p) − 1)`` for ``H`` the longest hold at the
caster's minimum and ``L`` the drive; later stops are held to the target when the trip
is timed. Without ``plan_for_risk`` only the margin applies, as before.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from logistics.network.model import Network, Production, Truck
from logistics.network.travel_cv import least_cv
from logistics.network.travel_cv import leg_cv as travel_leg_cv
from logistics.physics.cooling import choose_tap_c, max_hold_h
from logistics.physics.road_classes import Pieces
from logistics.physics.tap_risk import Leg, RideDelays, factor_quantile
from logistics.physics.travel import Travel
from logistics.planning.windows import NEVER, hold_limit_minutes

if TYPE_CHECKING:  # jobs.py uses the hold limit: no import at run time
    from logistics.planning.jobs import Job

_EPS = 1e-9


def risk_target(network: Network) -> float | None:
    """The cold probability taps are planned for, or ``None`` (the fixed margin only).

    Parameters
    ----------
    network : Network
        Its ``[risk]``.

    Returns
    -------
    float or None
        ``max_cold_probability`` when ``plan_for_risk`` is set.
    """
    risk = network.params.risk
    return risk.max_cold_probability if risk.plan_for_risk else None


def leg_cv(network: Network, road_km: float, leave_min: float, pieces: Pieces = ()) -> float:
    """The coefficient of variation of a leg that starts at ``leave_min`` (planner minutes).

    As the ride simulation takes it (:func:`logistics.network.travel_cv.leg_cv` at the
    local hour the leg starts, with the leg's road-class stretches ``pieces``).
    """
    risk = network.params.risk
    hour = 0 if risk.peak_factor == 1.0 else network.at(leave_min).hour
    return travel_leg_cv(network.params, road_km, hour, pieces)


def ride_hold_limit_minutes(
    network: Network, tap_max_c: float, min_pour_c: float, tau_h: float, leg: tuple[float, float]
) -> int:
    """The longest planned hold at ``tap_max_c`` the router may give a ladle, whole minutes.

    Parameters
    ----------
    network : Network
        Its ``[thermal]`` (ambient, margin) and ``[risk]``.
    tap_max_c : float
        The smelter's hottest tap, °C.
    min_pour_c : float
        The caster's minimum, °C.
    tau_h : float
        The ladle's time constant, h.
    leg : tuple of float
        The drive smelter → caster: its minutes and road km (the road km give the
        leg's class for the CV).

    Returns
    -------
    int
        The fixed margin's limit (:func:`logistics.planning.windows.hold_limit_minutes`
        at ``min_pour_c + margin_c``); with a risk target, at most
        ``⌊H − L (Q_F(1 − p) − 1)⌋`` (module docstring) with the least CV the leg has in
        any hour (the router does not know the hour; the timing holds every ladle to
        the target), never below 0.
    """
    thermal = network.params.thermal
    limit = hold_limit_minutes(tap_max_c, min_pour_c + thermal.margin_c, tau_h, thermal.ambient_c)
    target = risk_target(network)
    hold_h = max_hold_h(tap_max_c, min_pour_c, tau_h, thermal.ambient_c)
    if target is None or not math.isfinite(hold_h):
        return limit
    leg_min, road_km = leg
    cv = least_cv(network.params, road_km)
    risky = hold_h * 60.0 - leg_min * (factor_quantile(cv, target) - 1.0)
    return max(0, min(limit, NEVER, math.floor(risky + _EPS)))


class TripTaps:
    """The taps of one trip, ladle after ladle in pour order.

    Parameters
    ----------
    network : Network
        Its ``[thermal]`` and ``[risk]``.
    travel : Travel
        Its travel model (the legs' planned minutes and road km).
    truck : Truck
        The truck (its ``tau_h``).
    """

    def __init__(self, network: Network, travel: Travel, truck: Truck) -> None:
        self.network = network
        self.travel = travel
        self.truck = truck
        target = risk_target(network)
        seed = network.params.risk.seed
        self.ride = None if target is None else RideDelays(target, seed)

    def tap(
        self,
        job: Job,
        prod: Production,
        hold_h: float,
        leg: tuple[int, int],
        leave_min: float,
        pour_start_min: float,
    ) -> float | None:
        """The next ladle's planned tap, °C, or ``None`` when even ``tap_max_c`` is too cold.

        Call it for every ladle of the trip in pour order (the risk of a later ladle
        depends on the legs before it).

        Parameters
        ----------
        job : Job
            The ladle (its caster and ``required_c = min_pour_c + margin_c``).
        prod : Production
            Its smelter's production of the alloy (the tap range).
        hold_h : float
            Planned hold from the end of filling to the start of pouring, h.
        leg : tuple of int
            Travel-matrix rows the leg to this caster starts and ends at.
        leave_min, pour_start_min : float
            When the leg starts (departure, or the previous pour's end) and the
            planned pour start, planner minutes.

        Returns
        -------
        float or None
            The larger of the fixed margin's tap and the risk target's (module
            docstring), on the 0.1 °C grid.
        """
        ambient = self.network.params.thermal.ambient_c
        lo, hi, tau = prod.tap_min_c, prod.tap_max_c, self.truck.tau_h
        fixed = choose_tap_c(hold_h, job.required_c, lo, hi, tau, ambient)
        if self.ride is None:
            return fixed
        start, end = leg
        leg_min = 0.0 if start == end else self.travel.leg_minutes(start, end, leave_min)
        pieces = self.travel.class_legs.get((start, end), ())
        cv = leg_cv(self.network, float(self.travel.km[start, end]), leave_min, pieces)
        delay = self.ride.add(Leg(leg_min, cv, max(0.0, pour_start_min - leave_min - leg_min)))
        if fixed is None:
            return None
        min_pour_c = self.network.caster_by_id[job.caster_id].min_pour_c
        risky = choose_tap_c(hold_h + delay / 60.0, min_pour_c, lo, hi, tau, ambient)
        return None if risky is None else max(fixed, risky)
