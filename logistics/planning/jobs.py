"""Orders → ladle-sized jobs, with lead time, windows and thermal reach applied.

A *job* is one ladle of one order: at most ``ladle_t`` tonnes (the smallest ladle of the
fleet, so any truck can carry any job), poured at the order's caster inside
``[earliest_pour, latest_pour]`` (minutes from the plan date's midnight). Each job lists
the smelters that can fill it: they make the alloy, are within thermal reach, and can
get metal there in time. What can never be served liquid leaves here with its reason:

* ``no_source`` — no smelter makes the alloy;
* ``window`` — the window misses the caster's hours, or no smelter/truck can be there
  in it;
* ``lead_time`` — ``placed_at + lead_time_h`` is after the window;
* ``thermal_reach`` — every smelter making the alloy is farther than the metal can
  travel, tapped at ``tap_max_c`` in the best-insulated ladle of the fleet.

All times here are integer minutes; travel minutes are rounded up, so a plan built on
them is never tighter than the travel model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from logistics.network.model import Network, Order, Truck
from logistics.physics.cooling import max_hold_h
from logistics.physics.travel import TravelMatrix


@dataclass(frozen=True)
class Source:
    """A smelter that can fill a job.

    Attributes
    ----------
    smelter_id : str
        The smelter.
    travel_min : int
        Driving minutes smelter → caster (rounded up).
    road_km : float
        Road km smelter → caster.
    hold_limit_min : int
        Longest hold (end of fill → start of pour) with tap at ``tap_max_c`` in the
        best-insulated ladle of the fleet.
    latest_fill_start : int
        Latest fill start that can still pour in the window.
    """

    smelter_id: str
    travel_min: int
    road_km: float
    hold_limit_min: int
    latest_fill_start: int


@dataclass(frozen=True)
class Job:
    """One ladle of one order."""

    job_id: str
    order_id: str
    caster_id: str
    alloy: str
    tonnes: float
    earliest_pour: int
    latest_pour: int
    required_c: float
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Exclusion:
    """Tonnes of an order that cannot be served liquid, decided before routing."""

    order_id: str
    caster_id: str
    alloy: str
    tonnes: float
    reason: str


@dataclass(frozen=True)
class JobBook:
    """Jobs to route and what was excluded up front."""

    jobs: tuple[Job, ...]
    excluded: tuple[Exclusion, ...]
    ladle_t: float


def ceil_minutes(minutes: float) -> int:
    """Round driving minutes up to whole minutes (never plan tighter than the model)."""
    if not math.isfinite(minutes):
        return 10**9
    return math.ceil(minutes - 1e-9)


def split_tonnes(tonnes: float, ladle_t: float) -> list[float]:
    """Split an order into ladles: full ladles and one partial (what a dispatcher does).

    Examples
    --------
    >>> split_tonnes(10, 3)
    [3.0, 3.0, 3.0, 1.0]
    """
    if tonnes <= 1e-9:
        return []
    full = math.floor(tonnes / ladle_t + 1e-9)
    parts = [float(ladle_t)] * full
    rest = round(tonnes - full * ladle_t, 6)
    if rest > 1e-6:
        parts.append(rest)
    return parts


def _best_tau(fleet: tuple[Truck, ...]) -> float:
    return max(t.tau_h for t in fleet)


def _order_exclusion(
    network: Network, order: Order, travel: TravelMatrix
) -> tuple[str | None, int, int, float, list[Source]]:
    """Reason an order can never be served (or None), its pour bounds and sources."""
    params = network.params
    caster = network.caster_by_id[order.caster_id]
    required = caster.min_pour_c + params.thermal.margin_c
    minutes = network.minutes
    window_lo = max(minutes(order.window_start), minutes(caster.open))
    window_hi = min(minutes(order.window_end), minutes(caster.close) - caster.unload_min)
    lead_lo = minutes(order.placed_at) + params.planning.lead_time_h * 60.0
    earliest = math.ceil(max(window_lo, lead_lo) - 1e-9)
    latest = math.floor(window_hi + 1e-9)
    makers = [p for p in network.production if p.alloy == order.alloy]
    if not makers:
        return "no_source", earliest, latest, required, []
    if window_hi < window_lo:
        return "window", earliest, latest, required, []
    if lead_lo > window_hi:
        return "lead_time", earliest, latest, required, []
    tau = _best_tau(network.fleet)
    ambient = params.thermal.ambient_c
    c_idx = travel.caster(order.caster_id)
    first_shift = min(minutes(t.shift_start) for t in network.fleet)
    last_shift = max(minutes(t.shift_end) for t in network.fleet)
    back_home = min(
        ceil_minutes(travel.minutes[c_idx, travel.smelter(t.home_smelter)]) for t in network.fleet
    )
    any_in_reach = False
    sources: list[Source] = []
    for prod in makers:
        smelter = network.smelter_by_id[prod.smelter_id]
        s_idx = travel.smelter(prod.smelter_id)
        drive = ceil_minutes(travel.minutes[s_idx, c_idx])
        hold = max_hold_h(prod.tap_max_c, required, tau, ambient) * 60.0
        if drive > hold:
            continue
        any_in_reach = True
        earliest_fill = max(minutes(smelter.open), first_shift)
        if earliest_fill + smelter.fill_min + drive > latest:
            continue
        if max(earliest, earliest_fill + smelter.fill_min + drive) + back_home > last_shift:
            continue
        sources.append(
            Source(
                prod.smelter_id,
                drive,
                float(travel.km[s_idx, c_idx]),
                int(min(hold, 10**6)),
                math.floor(
                    min(
                        latest - drive - smelter.fill_min, minutes(smelter.close) - smelter.fill_min
                    )
                ),
            )
        )
    if not any_in_reach:
        return "thermal_reach", earliest, latest, required, []
    if not sources:
        return "window", earliest, latest, required, []
    return None, earliest, latest, required, sources


def build_jobs(network: Network, travel: TravelMatrix) -> JobBook:
    """Turn the plan day's orders into ladle jobs and up-front exclusions.

    Parameters
    ----------
    network : Network
        The validated network; only :attr:`Network.day_orders` are planned.
    travel : TravelMatrix
        Its travel matrix.

    Returns
    -------
    JobBook
        Jobs (each with its feasible smelters, nearest first) and exclusions with reasons.
    """
    ladle_t = min(t.ladle_t for t in network.fleet)
    jobs: list[Job] = []
    excluded: list[Exclusion] = []
    for order in network.day_orders:
        if order.tonnes <= 1e-9:
            continue
        reason, earliest, latest, required, sources = _order_exclusion(network, order, travel)
        if reason is not None:
            excluded.append(
                Exclusion(order.order_id, order.caster_id, order.alloy, order.tonnes, reason)
            )
            continue
        sources.sort(key=lambda s: (s.road_km, s.smelter_id))
        for seq, tonnes in enumerate(split_tonnes(order.tonnes, ladle_t), start=1):
            jobs.append(
                Job(
                    job_id=f"{order.order_id}#{seq}",
                    order_id=order.order_id,
                    caster_id=order.caster_id,
                    alloy=order.alloy,
                    tonnes=tonnes,
                    earliest_pour=earliest,
                    latest_pour=latest,
                    required_c=required,
                    sources=tuple(sources),
                )
            )
    return JobBook(tuple(jobs), tuple(excluded), ladle_t)
