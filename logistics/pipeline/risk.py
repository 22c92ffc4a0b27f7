"""The risk of every run of a plan: cold or late metal when travel times vary.

:func:`with_risk` turns each trip of a plan (the runs of one truck and trip, in pour
order) into a :class:`~logistics.physics.travel_risk.Ride` — the legs' planned minutes
and coefficients of variation from the travel model and ``[risk]``, each ladle's
longest hold from the cooling model — simulates it
(:func:`~logistics.physics.travel_risk.ride_risk`) and writes the two probabilities
into the runs and the day's expected cold and late ladles into the summary. Each trip
draws from its own stream, seeded with ``[risk] seed``, the truck and the trip: the
same plan gives the same estimates, whatever else the day holds.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from datetime import datetime

import numpy as np

from logistics.network.model import Network
from logistics.network.travel_cv import leg_cv as travel_leg_cv
from logistics.physics.cooling import max_hold_h, temperature_after
from logistics.physics.travel import Travel
from logistics.physics.travel_risk import Ride, Stop, StopRisk, ride_risk
from logistics.plan.model import Plan, Run
from logistics.plan.summary import risk_summary


def _minutes(moment: datetime, origin: datetime) -> float:
    return (moment - origin).total_seconds() / 60.0


def trip_ride(network: Network, travel: Travel, trip: list[Run], origin: datetime) -> Ride:
    """The ride of one trip (its runs in pour order), minutes from ``origin``.

    Parameters
    ----------
    network : Network
        The network (trucks, casters, orders, ``[thermal]`` and ``[risk]``).
    travel : Travel
        Its travel model: the planned minutes and road km of every leg.
    trip : list of Run
        The runs of one truck and trip, in pour order; their truck, casters and orders
        must be the network's.
    origin : datetime
        Any moment; every time of the ride is minutes from it.

    Returns
    -------
    Ride
        The trip's departure and stops.
    """
    ambient = network.params.thermal.ambient_c
    truck = network.truck_by_id[trip[0].truck_id]
    stops = []
    place, leaves = travel.smelter(trip[0].smelter_id), trip[0].depart
    for run in trip:
        here = travel.caster(run.caster_id)
        caster = network.caster_by_id[run.caster_id]
        order = network.order_by_id[run.order_id]
        hour = leaves.astimezone(network.tz).hour
        hold_h = max_hold_h(run.tap_c, caster.min_pour_c, truck.tau_h, ambient)
        stops.append(
            Stop(
                fill_end_min=_minutes(run.fill_end, origin),
                pour_start_min=_minutes(run.pour_start, origin),
                pour_min=_minutes(run.pour_end, run.pour_start),
                window_end_min=_minutes(order.window_end, origin),
                leg_min=travel.leg_minutes(place, here, network.minutes(leaves)),
                leg_cv=travel_leg_cv(
                    network.params,
                    float(travel.km[place, here]),
                    hour,
                    travel.class_legs.get((place, here), ()),
                ),
                max_hold_min=hold_h * 60.0,
            )
        )
        place, leaves = here, run.pour_end
    return Ride(depart_min=_minutes(trip[0].depart, origin), stops=tuple(stops))


def trip_seed(seed: int, truck_id: str, trip: int) -> list[int]:
    """The entropy of one trip's random stream: the seed, the truck id's CRC-32, the trip."""
    return [seed, zlib.crc32(truck_id.encode("utf-8")), trip]


def arrival_band(network: Network, run: Run, stop_risk: StopRisk) -> dict[str, float]:
    """The 5th and 95th percentiles of a run's arrival temperature, °C (0.1 °C).

    The arrival temperature falls as the hold grows (Newton cooling from ``tap_c`` with
    the truck's ``tau_h``), so its 5th percentile is the temperature after the hold's
    95th percentile, and its 95th after the hold's 5th.

    Returns
    -------
    dict
        ``arrival_p05_c`` and ``arrival_p95_c``, the fields of :class:`Run`.
    """
    tau_h = network.truck_by_id[run.truck_id].tau_h
    ambient = network.params.thermal.ambient_c

    def after(hold_min: float) -> float:
        return round(temperature_after(run.tap_c, hold_min / 60.0, tau_h, ambient), 1)

    return {
        "arrival_p05_c": after(stop_risk.hold_p95_min),
        "arrival_p95_c": after(stop_risk.hold_p05_min),
    }


def _estimable(network: Network, run: Run) -> bool:
    return (
        run.truck_id in network.truck_by_id
        and run.caster_id in network.caster_by_id
        and run.order_id in network.order_by_id
        and run.smelter_id in network.smelter_by_id
    )


def with_risk(network: Network, plan: Plan, travel: Travel) -> Plan:
    """The plan with every run's estimated cold and late probability, and its summary's.

    Parameters
    ----------
    network : Network
        The network the plan is for (``[risk]``: the uncertainty, draws and seed).
    plan : Plan
        The plan.
    travel : Travel
        The network's travel model.

    Returns
    -------
    Plan
        A copy with ``cold_probability``, ``late_probability`` and the arrival
        temperature's band (``arrival_p05_c``, ``arrival_p95_c``) on every run whose
        truck, caster, smelter and order the network knows, and the summary's
        ``expected_cold_ladles``, ``expected_late_ladles`` and worst run.
    """
    risk = network.params.risk
    trips: dict[tuple[str, int], list[Run]] = defaultdict(list)
    for run in plan.runs:
        if _estimable(network, run):
            trips[(run.truck_id, run.trip)].append(run)
    estimated: dict[str, Run] = {}
    for (truck_id, number), runs in sorted(trips.items()):
        trip = sorted(runs, key=lambda r: (r.pour_start, r.arrive, r.run_id))
        origin = trip[0].depart
        rng = np.random.default_rng(trip_seed(risk.seed, truck_id, number))
        ride = trip_ride(network, travel, trip, origin)
        for run, stop_risk in zip(trip, ride_risk(ride, risk.draws, rng), strict=True):
            estimated[run.run_id] = run.model_copy(
                update={
                    "cold_probability": stop_risk.cold_probability,
                    "late_probability": stop_risk.late_probability,
                    **arrival_band(network, run, stop_risk),
                }
            )
    new_runs = tuple(estimated.get(r.run_id, r) for r in plan.runs)
    summary = plan.summary.model_copy(update=risk_summary(new_runs))
    return plan.model_copy(update={"runs": new_runs, "summary": summary})
