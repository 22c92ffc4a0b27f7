"""An MTVRPTWR instance as a ladle day, planned by :func:`logistics.plan_day` itself.

A thin adapter: the instance becomes a :class:`~logistics.network.model.Network` and an
explicit :class:`~logistics.physics.travel.Travel`, and the day is planned by the very
``plan_day`` every surface calls (jobs, smelter assignment with production release, the
OR-Tools routing model, trip cutting, timing, repair, the checker). Nothing of
``logistics.planning`` is bypassed or special-cased. The plan's rows then become
routes again (:func:`routes_of_plan`) and are judged on the instance's own rules
(:func:`benchmarks.mtvrptwr.check_routes`).

The mapping (what differs from the instance is listed in :data:`DIFFERENCES`):

* **depot → one smelter** ``D``, open over the depot's window, unlimited fill bays,
  ``fill_min`` 1 minute (the smallest allowed; the instance has no loading time);
* **client → one caster** ``C<k>`` with **one order** ``O<k>`` of its own alloy ``M<k>``:
  window = the client's time window (pour *start* in it), pour time = its service
  time, tonnes = demand × :func:`tonnes_per_unit`;
* **release date → production**: the smelter makes alloy ``M<k>`` so that exactly the
  client's tonnes exist from its release time on (stock at opening when it is 0, else
  a rate — and, where that rate would exceed the plausible 200 t/h, stock for the rest);
  the planner lets no ladle fill before its metal exists, so a trip leaves after the
  release of every client on it;
* **vehicles → trucks** at ``D``, shift = the depot's window, ``ladles`` and
  ``ladle_t`` from the cut (:data:`CUTS`), ``payload_t`` = the capacity ``Q`` in tonnes
  (so no trip carries more than ``Q``);
* **travel**: ``km`` = the DIMACS distance (Euclidean truncated to 0.1) — the router
  counts road km in 0.1 km, so its arc costs are exactly the instance's — and minutes
  = that distance × the time scale (:func:`minutes_per_unit`);
* **costs**: 0.1 CNY/km (1 fen per 0.1 km: the router's objective *is* the DIMACS
  distance in tenths), 0 CNY/h, no superheat price; an unserved tonne costs 50,322.5
  CNY (every ingot item at its 10,000 CNY/t maximum, the liquid items 0), a hundred
  times any client's detour, so the planner serves every client it can;
* **cooling made irrelevant**: ladles of τ = 100 h, tap 700–950 °C, casters' minimum
  550 °C, margin 0, 25 °C ambient: metal tapped at 950 °C holds 56 h, more than any
  instance's horizon (at most 48 h here); at 700 °C it holds 25 h, so superheat is 0
  on every instance whose horizon is shorter.

Every number stays inside the plausible ranges of ``docs/network-format.md``.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np

from benchmarks.mtvrptwr import MtInstance, Routes, dimacs_tenths
from logistics.network.model import Caster, Network, Order, Production, Smelter, Truck
from logistics.network.params import (
    EconomicsParams,
    IngotRouteCosts,
    LiquidRouteCosts,
    Params,
    PlanningParams,
    ThermalParams,
)
from logistics.physics.travel import Travel, network_sites
from logistics.plan.model import Plan
from logistics.planning.jobs import split_tonnes

#: How a client's demand becomes ladles (``--cut``):
#: ``client`` — one ladle per client (``ladle_t`` holds the largest demand), 6 ladles a
#: truck and a payload of ``Q``: a trip carries at most 6 clients and at most ``Q``;
#: every client is one ladle, so it is visited once and its release date and service
#: time are exact;
#: ``slots`` — 6 ladles of ``Q / 6`` a truck: a client is cut into full ladles and one
#: part-filled one, so a trip never carries more than ``Q``, but a part-filled ladle
#: takes a whole slot and a client's ladles may go on different trips.
CUTS = ("client", "slots")
Cut = Literal["client", "slots"]

#: Ladles per truck: the most the network format allows.
LADLES = 6
#: Time scales tried, minutes per instance time unit (largest that fits is taken): the
#: planner counts whole minutes, so the larger the scale the smaller the rounding (on
#: R2 and RC2, 1.5-3 minutes a unit; on C2, 0.4-0.5).
SCALES = (4.0, 3.0, 2.0, 1.5, 1.0, 0.5, 0.4, 0.25, 0.2, 0.1, 0.05)
#: Plan day, timezone (no daylight-saving change) and the smelter's id.
PLAN_DATE = date(2026, 1, 5)
TIMEZONE = "UTC"
DEPOT_ID = "D"
#: Cost per road km, CNY: 1 fen per 0.1 km, the router's distance unit.
COST_PER_KM = 0.1
#: Every item of the ingot route at its plausible maximum, CNY/t.
INGOT_ITEM = 10_000.0

#: What the ladle day cannot say of the instance, for the results and the docs.
DIFFERENCES = (
    "capacity per trip: every truck's payload is Q, but it carries at most 6 ladles and a "
    "ladle serves one order, so `client` (default) allows at most 6 clients per trip (the "
    "published routes have trips of up to 10), and `slots` cuts demand in ladles of Q/6 (a "
    "part-filled ladle takes a whole slot; a client may be split over trips, which the "
    "instance check reports)",
    "loading: the instance has no loading time at the depot; each ladle fills for 1 minute "
    "(the smallest fill_min allowed), one after another, so a trip of k ladles spends k "
    "minutes at the depot before it leaves",
    "time in whole minutes: the planner rounds every drive up to a whole minute and every "
    "window inwards to whole minutes (1 minute = 1/3 to 2/3 of a time unit on R2/RC2, 2 to "
    "2.5 units on C2, whose windows are scaled by 0.4-0.5 to fit one plan day); in `slots` "
    "every ladle of a "
    "client pours in its window, one after another, for ceil(service / ladles) minutes each",
    "release dates: exact per client (one alloy per client); in `slots` the first ladles of "
    "a client are released earlier than its release date (production accrues), which "
    "matters only when the client's ladles go on different trips",
)


@dataclass(frozen=True)
class Adapted:
    """The ladle day of an instance.

    Attributes
    ----------
    network : Network
        Smelter ``D``, one caster and one order per client, the trucks.
    travel : Travel
        DIMACS distances as km, minutes = km × ``minutes_per_unit``.
    client_of : dict
        ``caster_id -> client node``.
    minutes_per_unit : float
        Minutes per instance time unit.
    cut : str
        ``client`` or ``slots``.
    """

    network: Network
    travel: Travel
    client_of: dict[str, int]
    minutes_per_unit: float
    cut: str


def minutes_per_unit(instance: MtInstance) -> float:
    """The largest time scale of :data:`SCALES` that fits the instance into one plan day.

    Every window must start on the plan date (before minute 1,440), the horizon last at
    most 48 h (the longest shift and opening span) and every service at most 120 min.
    """
    latest_start = max(instance.early[1:])
    longest_service = max(instance.service[1:])
    for scale in SCALES:
        if (
            latest_start * scale < 1440 - 1
            and instance.late[0] * scale <= 48 * 60
            and longest_service * scale <= 120
        ):
            return scale
    raise ValueError(f"{instance.name}: no time scale fits the instance into one plan day")


def tonnes_per_unit(instance: MtInstance) -> float:
    """Tonnes per demand unit: ``6 / Q``, so a slot of ``Q / 6`` is exactly 1 t."""
    return LADLES / instance.capacity


def _params() -> Params:
    """Distance-only costs, every client worth serving, cooling out of the way."""
    economics = EconomicsParams(
        truck_cost_per_km=COST_PER_KM,
        truck_cost_per_h=0.0,
        superheat_cost_per_c_t=0.0,
        liquid_burn_rate=0.0,
        ingot=IngotRouteCosts(
            energy=INGOT_ITEM,
            furnace_depreciation=INGOT_ITEM,
            burn_loss=INGOT_ITEM,
            labour=INGOT_ITEM,
            sundries=INGOT_ITEM,
        ),
        liquid=LiquidRouteCosts(
            holding=0.0,
            equipment_depreciation=0.0,
            burn_and_transport_30km=0.0,
            special_vehicle=0.0,
            sundries=0.0,
        ),
    )
    return Params(
        thermal=ThermalParams(ambient_c=25.0, margin_c=0.0),
        planning=PlanningParams(lead_time_h=0.0),
        economics=economics,
    )


def _production(instance: MtInstance, k: int, tonnes: float, scale: float) -> Production:
    """Alloy ``M<k>``: the client's tonnes all exist from its release time on.

    Production counts from the smelter's opening, the depot's earliest time.
    """
    release_min = (instance.release[k] - instance.early[0]) * scale
    rate = 0.0 if release_min <= 0 else min(200.0, tonnes * 60.0 / release_min)
    stock = tonnes - rate * release_min / 60.0
    return Production(
        smelter_id=DEPOT_ID,
        alloy=f"M{k:03d}",
        rate_tph=rate,
        stock_t=max(0.0, stock),
        tap_min_c=700.0,
        tap_max_c=950.0,
    )


def _ladle(instance: MtInstance, cut: Cut, per_unit: float) -> float:
    """Tonnes per ladle: the largest demand (``client``) or ``Q / 6`` (``slots``)."""
    if cut == "slots":
        return instance.capacity * per_unit / LADLES
    return min(20.0, max(0.5, max(instance.demand[1:]) * per_unit))


def _casters_orders(
    instance: MtInstance, at: Any, scale: float, ladle_t: float, cut: Cut
) -> tuple[list[Caster], list[Order], list[Production]]:
    """One caster, order and alloy per client."""
    per_unit = tonnes_per_unit(instance)
    casters, orders, production = [], [], []
    for k in range(1, instance.n_clients + 1):
        tonnes = instance.demand[k] * per_unit
        ladles = max(1, len(split_tonnes(tonnes, ladle_t))) if cut == "slots" else 1
        unload = instance.service[k] * scale / ladles
        casters.append(
            Caster(
                caster_id=f"C{k:03d}",
                name=f"client {k}",
                lat=instance.y[k] / 1000.0,
                lon=instance.x[k] / 1000.0,
                open=at(0.0),
                close=at(instance.late[0]),
                min_pour_c=550.0,
                unload_min=min(120.0, max(1.0, unload)),
            )
        )
        orders.append(
            Order(
                order_id=f"O{k:03d}",
                caster_id=f"C{k:03d}",
                alloy=f"M{k:03d}",
                tonnes=tonnes,
                window_start=at(instance.early[k]),
                window_end=at(instance.late[k]),
                placed_at=at(0.0) - timedelta(days=1),
            )
        )
        production.append(_production(instance, k, tonnes, scale))
    return casters, orders, production


def to_ladle_day(instance: MtInstance, cut: Cut = "client") -> Adapted:
    """The ladle day of an instance: network, explicit travel, caster → client.

    Parameters
    ----------
    instance : MtInstance
        The instance.
    cut : {"client", "slots"}
        How demand becomes ladles (:data:`CUTS`).

    Returns
    -------
    Adapted
        What :func:`logistics.plan_day` plans, and how to read the plan back.
    """
    if cut not in CUTS:
        raise ValueError(f"unknown cut {cut!r}; known: {', '.join(CUTS)}")
    scale = minutes_per_unit(instance)
    origin = datetime.combine(PLAN_DATE, datetime.min.time(), tzinfo=ZoneInfo(TIMEZONE))

    def at(units: float) -> datetime:
        return origin + timedelta(minutes=units * scale)

    ladle_t = _ladle(instance, cut, tonnes_per_unit(instance))
    depot = Smelter(
        smelter_id=DEPOT_ID,
        name="depot",
        lat=instance.y[0] / 1000.0,
        lon=instance.x[0] / 1000.0,
        open=at(instance.early[0]),
        close=at(instance.late[0]),
        fill_min=1.0,
        fill_bays=None,
    )
    casters, orders, production = _casters_orders(instance, at, scale, ladle_t, cut)
    fleet = tuple(
        Truck(
            truck_id=f"T{v + 1:02d}",
            home_smelter=DEPOT_ID,
            ladles=LADLES,
            ladle_t=ladle_t,
            payload_t=instance.capacity * tonnes_per_unit(instance),
            tau_h=100.0,
            shift_start=at(instance.early[0]),
            shift_end=at(instance.late[0]),
        )
        for v in range(instance.vehicles)
    )
    network = Network(
        name=f"mtvrptwr {instance.name} ({cut})",
        timezone=TIMEZONE,
        plan_date=PLAN_DATE,
        params=_params(),
        smelters=(depot,),
        production=tuple(production),
        casters=tuple(casters),
        fleet=fleet,
        orders=tuple(orders),
    )
    km = dimacs_tenths(instance) / 10.0  # rows: depot, then clients 1..n = casters in order
    travel = Travel(network_sites(network), km, km * scale, source="mtvrptwr (DIMACS)")
    client_of = {c.caster_id: k for k, c in enumerate(casters, start=1)}
    return Adapted(network, travel, client_of, scale, cut)


def routes_of_plan(plan: Plan, adapted: Adapted) -> Routes:
    """The plan's rows as routes: per truck, per trip (in trip order), clients in pour order.

    Ladles of one client poured one after another on a trip are one visit; a client on
    two trips (``slots``) appears twice, which :func:`check_routes` reports.
    """
    by_truck: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for run in plan.runs:
        by_truck[run.truck_id][run.trip].append(run)
    routes: Routes = []
    for truck_id in sorted(by_truck):
        trips: list[list[int]] = []
        for number in sorted(by_truck[truck_id]):
            visits: list[int] = []
            for run in sorted(by_truck[truck_id][number], key=lambda r: r.pour_start):
                client = adapted.client_of[run.caster_id]
                if not visits or visits[-1] != client:
                    visits.append(client)
            trips.append(visits)
        routes.append(trips)
    return routes


def served_clients(plan: Plan, adapted: Adapted, instance: MtInstance) -> int:
    """Clients whose whole demand the plan delivers."""
    per_unit = tonnes_per_unit(instance)
    poured: dict[int, float] = defaultdict(float)
    for run in plan.runs:
        poured[adapted.client_of[run.caster_id]] += run.tonnes
    return sum(
        1
        for k in range(1, instance.n_clients + 1)
        if poured.get(k, 0.0) >= instance.demand[k] * per_unit - 1e-6
    )


def plan_ladle_day(
    instance: MtInstance,
    *,
    time_limit_s: float,
    cut: Cut = "client",
    workers: int = 1,
    seed: int = 0,
) -> tuple[Adapted, Any, float]:
    """Plan the instance's ladle day with :func:`logistics.plan_day` (explicit travel).

    Returns
    -------
    tuple
        The adapted day, the :class:`~logistics.pipeline.PlanOutcome` (plan, checker's
        report) and the wall seconds of ``plan_day``.
    """
    from logistics.pipeline import plan_day
    from logistics.plan.options import PlanOptions

    adapted = to_ladle_day(instance, cut)
    options = PlanOptions(time_limit_s=time_limit_s, workers=workers, seed=seed)
    started = time.perf_counter()
    outcome = plan_day(adapted.network, options, travel=adapted.travel)
    return adapted, outcome, time.perf_counter() - started


def travel_is_dimacs(adapted: Adapted, instance: MtInstance) -> bool:
    """Whether the travel model's km are the instance's DIMACS distances (a sanity check)."""
    expected = dimacs_tenths(instance) / 10.0
    return bool(np.array_equal(adapted.travel.km, expected)) and math.isclose(
        float(adapted.travel.minutes.max()), float(expected.max()) * adapted.minutes_per_unit
    )
