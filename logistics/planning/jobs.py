"""Orders → ladle-sized jobs, with lead time, windows and thermal reach applied.

A *job* is one ladle of one order. Each order is cut at the ladle size of one class of
trucks (:func:`ladle_sizes`): full ladles and one partial, so a fleet of 3 t and 4 t
ladles fills its 4 t ladles where it can; a job goes only on a truck whose ladles hold
it. It is poured at the order's caster inside
``[earliest_pour, latest_pour]`` (minutes from the plan date's midnight, both inclusive;
every window comes from :mod:`logistics.planning.windows`). Each job lists
the smelters that can fill it: they make the alloy, are within thermal reach, and can
get metal there in time. What can never be served liquid leaves here with its reason:

* ``no_source`` — no smelter makes the alloy;
* ``window`` — the window misses the caster's hours, or no smelter/truck can be there
  in it;
* ``lead_time`` — ``placed_at + lead_time_h`` is after the window;
* ``thermal_reach`` — every smelter making the alloy is farther than the metal can
  travel, tapped at ``tap_max_c`` in the best-insulated ladle of the fleet (with the
  risk target, over the drive's quantile:
  :func:`~logistics.planning.taps.ride_hold_limit_minutes`).

All times here are integer minutes; durations and travel minutes are rounded up, so a
plan built on them is never tighter than the travel model
(:mod:`logistics.planning.windows` states the rule).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from logistics.network.model import Network, Order, Truck
from logistics.physics.travel import Travel
from logistics.planning.taps import ride_hold_limit_minutes
from logistics.planning.windows import (
    FleetHours,
    Interval,
    ceil_minutes,
    fill_window,
    order_window,
)

__all__ = ["Exclusion", "Job", "JobBook", "Source", "build_jobs", "ceil_minutes", "split_tonnes"]


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
        best-insulated ladle of the fleet, whole minutes
        (:func:`~logistics.planning.taps.ride_hold_limit_minutes`: the fixed margin's,
        and with the risk target that of a first stop at its quantile).
    latest_fill_start, earliest_fill_start : int
        The fill window at this smelter (:func:`logistics.planning.windows.fill_window`),
        before production releases: minutes, both inclusive.
    """

    smelter_id: str
    travel_min: int
    road_km: float
    hold_limit_min: int
    latest_fill_start: int
    earliest_fill_start: int = 0

    @property
    def fill(self) -> Interval:
        """The fill window at this smelter, before production releases."""
        return Interval(self.earliest_fill_start, self.latest_fill_start)


@dataclass(frozen=True)
class Job:
    """One ladle of one order.

    ``cut_t`` is the ladle size the order was cut at (t); ``tonnes`` is at most that,
    and only a truck whose ``ladle_t`` holds ``tonnes`` may carry the job.
    """

    job_id: str
    order_id: str
    caster_id: str
    alloy: str
    tonnes: float
    earliest_pour: int
    latest_pour: int
    required_c: float
    sources: tuple[Source, ...]
    cut_t: float = math.inf

    def fits(self, ladle_t: float) -> bool:
        """Whether a ladle of ``ladle_t`` tonnes holds this job."""
        return self.tonnes <= ladle_t + 1e-9


@dataclass(frozen=True)
class Exclusion:
    """Tonnes of an order that cannot be served liquid, decided before routing."""

    order_id: str
    caster_id: str
    alloy: str
    tonnes: float
    reason: str


def first_trip(truck: Truck, jobs: Sequence[Job]) -> tuple[Job, ...]:
    """The jobs one trip of ``truck`` takes first, in order: those its ladles hold, as
    many as its slots and payload allow (:meth:`Truck.within_payload`); empty when it
    cannot carry even the first."""
    fits = [j for j in jobs if j.fits(truck.ladle_t)]
    return tuple(fits[: truck.within_payload([j.tonnes for j in fits])])


@dataclass(frozen=True)
class JobBook:
    """Jobs to route and what was excluded up front."""

    jobs: tuple[Job, ...]
    excluded: tuple[Exclusion, ...]
    ladle_t: float


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


def shift_hours(network: Network, truck: Truck) -> float:
    """Real hours from the truck's shift start to its shift end (0 if it ends first), h.

    Measured on the network's clock (:meth:`Network.minutes`): a 00:00–20:00 shift on
    the day the clocks go back is 21 h long, on the day they go forward 19 h.
    """
    return max(0.0, (network.minutes(truck.shift_end) - network.minutes(truck.shift_start)) / 60.0)


def _class_shares(network: Network, trucks: list[Truck]) -> dict[float, float]:
    """Each ladle size's share of the orders, from its carrying capacity.

    Capacity is ``ladles × ladle_t × shift hours`` (:func:`shift_hours`). A size larger
    than the smallest is discounted by ``(n − 1) / n`` for its ``n`` trucks: orders cut
    for one lone truck would wait for it whenever it is busy, so a size needs two trucks
    to get a share.
    """
    capacity: dict[float, float] = defaultdict(float)
    count: dict[float, int] = defaultdict(int)
    for t in trucks:
        hours = shift_hours(network, t)
        capacity[t.ladle_t] += t.ladles * t.ladle_t * hours
        count[t.ladle_t] += 1
    smallest = min(capacity, default=0.0)
    for size in capacity:
        if size != smallest:
            capacity[size] *= (count[size] - 1) / count[size]
    total = sum(capacity.values())
    return {size: c / total for size, c in capacity.items() if c > 0} if total > 0 else {}


def ladle_sizes(network: Network, orders: list[tuple[Order, str]]) -> dict[str, float]:
    """The ladle size each order is cut at, t.

    Trucks mostly serve the orders of the smelter they are based at, so the orders of
    each smelter (the nearest that can fill them) are dealt out among the ladle sizes
    of the trucks based there, in proportion to each size's carrying capacity
    (:func:`_class_shares`), largest orders first, each to the size furthest below its
    share; a smelter without trucks of its own uses the whole fleet's mix. An order
    that fits one of the smallest ladles anyway is cut at the smallest. A truck with
    bigger ladles also carries the jobs cut for smaller ones.

    Parameters
    ----------
    network : Network
        The fleet.
    orders : list of (Order, str)
        Each servable order with the id of its nearest smelter.

    Returns
    -------
    dict
        ``order_id -> ladle size``, t.
    """
    fleet = list(network.fleet)
    smallest = min(t.ladle_t for t in fleet)
    based: dict[str, list[Truck]] = defaultdict(list)
    for t in fleet:
        based[t.home_smelter].append(t)
    by_smelter: dict[str, list[Order]] = defaultdict(list)
    for order, smelter_id in orders:
        by_smelter[smelter_id].append(order)
    cut: dict[str, float] = {}
    for smelter_id, group in by_smelter.items():
        share = _class_shares(network, based.get(smelter_id) or fleet)
        share = share or _class_shares(network, fleet)
        given = dict.fromkeys(share, 0.0)
        for order in sorted(group, key=lambda o: (-o.tonnes, o.order_id)):
            if order.tonnes <= smallest + 1e-9 or len(share) == 1:
                cut[order.order_id] = smallest if len(share) != 1 else next(iter(share))
                continue
            size = min(share, key=lambda s: ((given[s] + order.tonnes) / share[s], -s))
            given[size] += order.tonnes
            cut[order.order_id] = size
    return cut


def _best_tau(fleet: tuple[Truck, ...]) -> float:
    return max(t.tau_h for t in fleet)


@dataclass(frozen=True)
class _Fleet:
    """What every order's exclusion reads of the whole fleet, found once a day.

    Attributes
    ----------
    tau_h : float
        The best ladle's time constant, h.
    hours : FleetHours
        The fleet's first shift start and last shift end, minutes.
    homes : tuple of int
        The travel-matrix rows of the trucks' home smelters, each once.
    """

    tau_h: float
    hours: FleetHours
    homes: tuple[int, ...]

    @classmethod
    def of(cls, network: Network, travel: Travel) -> _Fleet:
        """The fleet of ``network`` on ``travel``'s rows."""
        homes = dict.fromkeys(travel.smelter(t.home_smelter) for t in network.fleet)
        return cls(_best_tau(network.fleet), FleetHours.of(network), tuple(homes))


def _order_exclusion(
    network: Network, order: Order, travel: Travel, fleet_of: _Fleet | None = None
) -> tuple[str | None, Interval, float, list[Source]]:
    """Reason an order can never be served (or None), its pour window and sources.

    Every window comes from :mod:`logistics.planning.windows`: the pour window of the
    order, and for each smelter in thermal reach its fill window. ``fleet_of``: the
    fleet's figures (:class:`_Fleet`, found here when not given).
    """
    params = network.params
    caster = network.caster_by_id[order.caster_id]
    required = caster.min_pour_c + params.thermal.margin_c
    window = order_window(network, order)
    pour = window.pour
    makers = [p for p in network.production if p.alloy == order.alloy]
    if not makers:
        return "no_source", pour, required, []
    if window.reason is not None:
        return window.reason, pour, required, []
    fleet_of = fleet_of or _Fleet.of(network, travel)
    tau, fleet = fleet_of.tau_h, fleet_of.hours
    c_idx = travel.caster(order.caster_id)
    back_home = min(ceil_minutes(travel.minutes[c_idx, home]) for home in fleet_of.homes)
    any_in_reach = False
    sources: list[Source] = []
    for prod in makers:
        smelter = network.smelter_by_id[prod.smelter_id]
        s_idx = travel.smelter(prod.smelter_id)
        drive = ceil_minutes(travel.minutes[s_idx, c_idx])
        road_km = float(travel.km[s_idx, c_idx])
        hold = ride_hold_limit_minutes(
            network, prod.tap_max_c, caster.min_pour_c, tau, (drive, road_km)
        )
        if drive > hold:
            continue
        any_in_reach = True
        fill = fill_window(network, pour, smelter, caster, drive, back_home, fleet)
        if fill.empty:
            continue
        sources.append(
            Source(
                prod.smelter_id,
                drive,
                road_km,
                hold,
                fill.latest,
                fill.earliest,
            )
        )
    if not any_in_reach:
        return "thermal_reach", pour, required, []
    if not sources:
        return "window", pour, required, []
    return None, pour, required, sources


def build_jobs(network: Network, travel: Travel) -> JobBook:
    """Turn the plan day's orders into ladle jobs and up-front exclusions.

    Parameters
    ----------
    network : Network
        The validated network; only :attr:`Network.day_orders` are planned.
    travel : Travel
        Its travel matrix.

    Returns
    -------
    JobBook
        Jobs (each with its feasible smelters, nearest first) and exclusions with reasons.
    """
    ladle_t = min(t.ladle_t for t in network.fleet)
    jobs: list[Job] = []
    excluded: list[Exclusion] = []
    servable: list[tuple[Order, int, int, float, list[Source]]] = []
    fleet = _Fleet.of(network, travel)
    for order in network.day_orders:
        if order.tonnes <= 1e-9:
            continue
        reason, pour, required, sources = _order_exclusion(network, order, travel, fleet)
        if reason is not None:
            excluded.append(
                Exclusion(order.order_id, order.caster_id, order.alloy, order.tonnes, reason)
            )
            continue
        sources.sort(key=lambda s: (s.road_km, s.smelter_id))
        servable.append((order, pour.earliest, pour.latest, required, sources))
    cut = ladle_sizes(network, [(item[0], item[4][0].smelter_id) for item in servable])
    for order, earliest, latest, required, sources in servable:
        size = cut[order.order_id]
        for seq, tonnes in enumerate(split_tonnes(order.tonnes, size), start=1):
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
                    cut_t=size,
                )
            )
    return JobBook(tuple(jobs), tuple(excluded), ladle_t)
