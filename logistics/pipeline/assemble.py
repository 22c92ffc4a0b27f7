"""From a planned day in minutes to a :class:`~logistics.plan.model.Plan`.

The planner works in whole minutes from the plan origin
(:func:`logistics.planning.solve.plan_schedule`); here its trips are dated in the
network's timezone, numbered (runs kept from an earlier plan keep their ids), and the
KPIs of the whole day summed (:func:`logistics.plan.summary.summarise`).
"""

from __future__ import annotations

from collections.abc import Sequence

from logistics.network.model import Network
from logistics.plan.model import DriverBreak, Plan, Preheat, Run, Unserved
from logistics.plan.options import DayState
from logistics.plan.summary import summarise
from logistics.planning.drivers import DriverStop
from logistics.planning.ladles import LadlePlan
from logistics.planning.reasons import UnservedTonnes
from logistics.planning.schedule import TimedTrip
from logistics.planning.solve import DaySchedule


def dated_runs(
    network: Network,
    trips: Sequence[TimedTrip],
    fixed: Sequence[Run],
    ladles: LadlePlan | None = None,
) -> list[Run]:
    """Fixed runs as they are, then the new trips' runs dated and numbered ``R0001`` ….

    Each truck's trips are then numbered 1, 2, … in the order they start filling
    (:func:`renumbered_trips`): trips inserted between kept ones take their place.
    With a ladle pool (``ladles``), each new run carries its ladle and the heat it
    takes from the metal.
    """
    uses = ladles.uses if ladles is not None else {}
    at = network.at
    new = sorted(
        (r for t in trips for r in t.runs), key=lambda r: (r.truck_id, r.trip, r.pour_start)
    )
    taken = {r.run_id for r in fixed}
    width = max(4, len(str(len(fixed) + len(new))))
    counter = 0
    runs = list(fixed)
    for r in new:
        counter += 1
        while f"R{counter:0{width}d}" in taken:
            counter += 1
        ladle_id, drop_c = uses.get((r.truck_id, r.trip, r.job.job_id), (None, None))
        runs.append(
            Run(
                run_id=f"R{counter:0{width}d}",
                truck_id=r.truck_id,
                trip=r.trip,
                order_id=r.job.order_id,
                smelter_id=r.smelter_id,
                caster_id=r.job.caster_id,
                alloy=r.job.alloy,
                tonnes=r.job.tonnes,
                fill_start=at(r.fill_start),
                fill_end=at(r.fill_end),
                depart=at(r.depart),
                arrive=at(r.arrive),
                pour_start=at(r.pour_start),
                pour_end=at(r.pour_end),
                tap_c=r.tap_c,
                arrival_c=r.arrival_c,
                road_km=round(r.road_km, 3),
                ladle_id=ladle_id,
                ladle_drop_c=drop_c,
            )
        )
    new_ids = {r.run_id for r in runs} - taken
    runs = renumbered_trips(runs, new_ids)
    runs.sort(key=lambda r: (r.truck_id, r.trip, r.pour_start, r.run_id))
    return runs


def renumbered_trips(runs: Sequence[Run], new_ids: set[str]) -> list[Run]:
    """The runs with each truck's trips numbered 1, 2, … by their first fill.

    A trip is the runs of one truck with one trip number among the kept runs, or among
    the new ones (``new_ids``): a kept trip and a new one never merge.
    """
    trips: dict[tuple[str, bool, int], list[Run]] = {}
    for r in runs:
        trips.setdefault((r.truck_id, r.run_id in new_ids, r.trip), []).append(r)
    number: dict[tuple[str, bool, int], int] = {}
    by_truck: dict[str, list[tuple[str, bool, int]]] = {}
    for key in trips:
        by_truck.setdefault(key[0], []).append(key)
    for keys in by_truck.values():
        keys.sort(key=lambda k: min(r.fill_start for r in trips[k]))
        for position, key in enumerate(keys, start=1):
            number[key] = position
    return [
        r
        if r.trip == number[(r.truck_id, r.run_id in new_ids, r.trip)]
        else r.model_copy(update={"trip": number[(r.truck_id, r.run_id in new_ids, r.trip)]})
        for r in runs
    ]


def unserved_of(items: Sequence[UnservedTonnes]) -> list[Unserved]:
    """Planning's unserved tonnes as plan rows."""
    return [
        Unserved(
            order_id=u.order_id,
            caster_id=u.caster_id,
            alloy=u.alloy,
            tonnes=u.tonnes,
            reason=u.reason,
        )
        for u in items
    ]


def dated_breaks(network: Network, stops: Sequence[DriverStop]) -> tuple[DriverBreak, ...]:
    """The drivers' rests and handovers dated, by truck and time."""
    return tuple(
        DriverBreak(
            truck_id=s.truck_id,
            driver=s.driver,
            kind=s.kind,
            start=network.at(s.start),
            end=network.at(s.end),
            where=s.where,
        )
        for s in sorted(stops, key=lambda s: (s.truck_id, s.start, s.end))
    )


def plan_of(network: Network, schedule: DaySchedule, state: DayState) -> Plan:
    """The plan of a scheduled day: dated runs, unserved rows, statistics and KPIs.

    Parameters
    ----------
    network : Network
        The network planned.
    schedule : DaySchedule
        The planner's day in minutes.
    state : DayState
        What was fixed before planning (its truck starts; the runs the schedule kept
        come first, unchanged but for their trip numbers).

    Returns
    -------
    Plan
        Without economics (:func:`logistics.pipeline.plan_day` adds them).
    """
    runs = dated_runs(network, schedule.trips, schedule.kept, schedule.ladles)
    unserved = unserved_of(schedule.unserved)
    summary = summarise(
        network,
        schedule.travel,
        runs,
        unserved,
        state.truck_starts,
        runs_fixed=len(state.fixed_runs),
    )
    risk = network.params.risk
    if risk.plan_for_risk:  # the taps were planned for the target: the plan claims it
        summary = summary.model_copy(update={"cold_probability_target": risk.max_cold_probability})
    return Plan(
        network=network.name,
        plan_date=network.plan_date,
        timezone=network.timezone,
        runs=tuple(runs),
        unserved=tuple(unserved),
        solver=schedule.stats,
        summary=summary,
        parameters=network.params,
        travel_model=schedule.travel.source,
        truck_starts=tuple(state.truck_starts),
        preheats=preheats_of(network, schedule.ladles),
        breaks=dated_breaks(network, schedule.breaks),
    )


def preheats_of(network: Network, ladles: LadlePlan | None) -> tuple[Preheat, ...]:
    """The ladle pass's preheats as plan rows, dated (none without a ladle pool)."""
    if ladles is None:
        return ()
    return tuple(
        Preheat(
            ladle_id=p.ladle_id,
            smelter_id=p.smelter_id,
            stand=p.stand,
            start=network.at(p.start),
            end=network.at(p.end),
        )
        for p in ladles.preheats
    )
