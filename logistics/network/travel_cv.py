"""The coefficient of variation of a leg's driving time, by road class and hour.

Without ``[risk] cv_by_class`` and ``peak_follows_speed`` this is
:meth:`logistics.network.params.RiskParams.leg_cv` (the km-based CV, times
``peak_factor`` in the peak windows). With them, a leg is a sequence of stretches
``(road_class, free_minutes)`` (on ``roads.graphml``, the travel model's road-class
stretches; otherwise one stretch of class ``""``): each stretch has its class's CV (or
the km-based CV of the whole leg for a class without one), times ``peak_factor`` when
its hour is a peak, and the leg's CV is their mean weighted by free-flow minutes. One
lognormal factor drives the whole leg (its stretches are slow together: perfectly
correlated, whose standard deviations add), which is why the CVs are averaged.

With ``peak_follows_speed`` the peak is every hour that ``[roads]`` slows: the global
profile's (its two rush windows or 24 hourly shares), or on a class with a profile of
its own that profile's. The hour is the leg's planned start, local time, for all its
stretches.
"""

from __future__ import annotations

from collections.abc import Sequence

from logistics.network.params import Params, RoadParams

#: Minutes of an hour.
HOUR_MIN = 60.0


def _slow(pieces: tuple[tuple[float, float], ...], hour: int) -> bool:
    """Whether a ``(from_min, factor)`` profile is below free flow in any part of ``hour``."""
    start, end = hour * HOUR_MIN, (hour + 1) * HOUR_MIN
    for k, (from_min, factor) in enumerate(pieces):
        to_min = pieces[k + 1][0] if k + 1 < len(pieces) else 24 * HOUR_MIN
        if factor < 1.0 and from_min < end and to_min > start:
            return True
    return False


def slow_hour(roads: RoadParams, road_class: str, hour: int) -> bool:
    """Whether ``[roads]`` slows ``hour`` (0–23) on a road class (``""``: the global
    profile; a class without a profile of its own drives the global one)."""
    by_class = roads.hourly_speed_factor_by_class
    if road_class in by_class:
        return by_class[road_class][hour] < 1.0
    return _slow(roads.speed_profile(), hour)


def leg_cv(
    params: Params, road_km: float, hour: int, pieces: Sequence[tuple[str, float]] = ()
) -> float:
    """The CV of a leg's driving time.

    Parameters
    ----------
    params : Params
        The network's parameters (``[risk]`` and, for ``peak_follows_speed``, ``[roads]``).
    road_km : float
        Road km of the leg (urban up to ``[risk] urban_km``).
    hour : int
        Local hour (0–23) the leg starts at, planned.
    pieces : sequence of (str, float)
        The leg's road-class stretches and their free-flow minutes
        (:attr:`logistics.physics.travel.Travel.class_legs`); none: one stretch.

    Returns
    -------
    float
        The CV (module docstring).
    """
    risk = params.risk
    if not risk.cv_by_class and not risk.peak_follows_speed:
        return risk.leg_cv(road_km, hour)
    base = risk.base_cv(road_km)
    stretches = [(c, m) for c, m in pieces if m > 0] or [("", 1.0)]
    total = weighted = 0.0
    for road_class, minutes in stretches:
        cv = risk.cv_by_class.get(road_class, base)
        if risk.peak_follows_speed:
            peak = slow_hour(params.roads, road_class, hour)
        else:
            peak = risk.in_peak(hour)
        total += minutes
        weighted += minutes * (cv * risk.peak_factor if peak else cv)
    return weighted / total


def least_cv(params: Params, road_km: float) -> float:
    """The least CV a leg of ``road_km`` has at any hour on any roads (for bounds that
    must hold whatever the hour: the router's hold limit, the thermal reach)."""
    risk = params.risk
    if not risk.cv_by_class and not risk.peak_follows_speed:
        # the least of the hours' CVs (:meth:`RiskParams.leg_cv`): the base CV in an
        # hour off peak, times ``peak_factor`` in a peak hour
        peaks = {risk.in_peak(hour) for hour in range(24)}
        cv = risk.base_cv(road_km)
        return min(cv * risk.peak_factor if peak else cv for peak in peaks)
    least = min([risk.base_cv(road_km), *risk.cv_by_class.values()])
    return least * min(1.0, risk.peak_factor)
