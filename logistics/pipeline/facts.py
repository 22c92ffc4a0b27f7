"""Runs already under way at a re-plan: which they are, and orders that contradict them.

Every trip whose first ladle has started filling by ``now`` is a *fact*: metal filled or
on the road cannot be undone, so its runs are kept as they are and an order book that
contradicts them is bad input naming the order's row and column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from logistics.check.context import TIME_TOL_S
from logistics.errors import InputError, InputProblem
from logistics.network.model import Network, Order, TruckStart
from logistics.physics.travel import Travel
from logistics.pipeline.changes import SOURCE
from logistics.plan.model import Plan, Run
from logistics.plan.timeline import trips_of


def facts_at(plan: Plan, now: datetime) -> tuple[Run, ...]:
    """The runs of every trip whose first ladle has started filling by ``now``."""
    started: set[tuple[str, int]] = set()
    for r in plan.runs:
        if r.fill_start <= now:
            started.add((r.truck_id, r.trip))
    return tuple(r for r in plan.runs if (r.truck_id, r.trip) in started)


def _fact_text(run: Run, network: Network, now: datetime) -> str:
    """How a run under way reads in a message: ``R0001 (truck T1 trip 1, poured 08:00)``."""
    pour = run.pour_start.astimezone(network.tz)
    when = "poured" if run.pour_end <= now else "pours"
    return f"{run.run_id} (truck {run.truck_id} trip {run.trip}, {when} {pour:%H:%M})"


def _runs_text(runs: Sequence[Run], network: Network, now: datetime) -> str:
    """The first pour of ``runs`` as :func:`_fact_text`, and how many more there are."""
    first = min(runs, key=lambda r: (r.pour_start, r.run_id))
    more = f" and {len(runs) - 1} more" if len(runs) > 1 else ""
    return _fact_text(first, network, now) + more


def _local(moment: datetime, network: Network) -> str:
    """``HH:MM`` on the plan date, ``YYYY-MM-DD HH:MM`` on another day (network time)."""
    local = moment.astimezone(network.tz)
    return f"{local:%H:%M}" if local.date() == network.plan_date else f"{local:%Y-%m-%d %H:%M}"


def contradictions(
    network: Network, order: Order | None, runs: Sequence[Run], now: datetime
) -> list[tuple[str, str]]:
    """``(column, message)`` for each way ``order`` contradicts its runs under way."""
    if order is None:
        return [
            (
                "order_id",
                f"a run already under way delivers it: {_runs_text(runs, network, now)}; "
                "keep the order (metal filled or on the road cannot be undone)",
            )
        ]
    found: list[tuple[str, str]] = []
    wrong_caster = [r for r in runs if r.caster_id != order.caster_id]
    if wrong_caster:
        found.append(
            (
                "caster_id",
                f"now for {order.caster_id}, but a run already under way carries it to "
                f"{wrong_caster[0].caster_id}: {_runs_text(wrong_caster, network, now)}",
            )
        )
    wrong_alloy = [r for r in runs if r.alloy != order.alloy]
    if wrong_alloy:
        found.append(
            (
                "alloy",
                f"now {order.alloy}, but a run already under way carries "
                f"{wrong_alloy[0].alloy} for it: {_runs_text(wrong_alloy, network, now)}",
            )
        )
    tol = timedelta(seconds=TIME_TOL_S)
    lead = timedelta(hours=network.params.planning.lead_time_h)
    earliest = order.placed_at + lead
    early = [r for r in runs if r.pour_start < earliest - tol]
    if early:
        found.append(
            (
                "placed_at",
                f"placed at {_local(order.placed_at, network)} + "
                f"{lead.total_seconds() / 3600:g} h lead time allows pours from "
                f"{_local(earliest, network)}, but a run already under way pours before: "
                f"{_runs_text(early, network, now)}; keep placed_at and add more metal as a "
                "new order",
            )
        )
    window = f"window {_local(order.window_start, network)}–{_local(order.window_end, network)}"
    before = [r for r in runs if r.pour_start < order.window_start - tol]
    if before:
        found.append(
            (
                "window_start",
                f"{window}, but a run already under way pours before it: "
                f"{_runs_text(before, network, now)}",
            )
        )
    after = [r for r in runs if r.pour_start > order.window_end + tol]
    if after:
        found.append(
            (
                "window_end",
                f"{window}, but a run already under way pours after it: "
                f"{_runs_text(after, network, now)}",
            )
        )
    tonnes = sum(r.tonnes for r in runs)
    if order.tonnes < tonnes - 1e-6:
        found.append(
            (
                "tonnes",
                f"runs already under way carry {tonnes:g} t for it: "
                f"{_runs_text(runs, network, now)}; it cannot be cut to {order.tonnes:g} t",
            )
        )
    return found


def check_facts(
    network: Network,
    facts: Sequence[Run],
    now: datetime,
    *,
    orders_file: str = SOURCE,
    order_rows: Mapping[str, int] | None = None,
) -> None:
    """Refuse an order book that contradicts the runs already under way.

    The runs filled or on the road (and those poured) by ``now`` cannot be undone, so
    each order they deliver must still be one they can deliver: the same caster and
    alloy, a window (checker tolerance 1 s) and ``placed_at + lead_time`` their pours
    start in, and at least the tonnes they carry. A change that breaks this is bad input
    naming the order's row and the column at fault, never a plan the checker rejects.

    Parameters
    ----------
    network : Network
        The network with the new order book.
    facts : sequence of Run
        The runs kept as they are (:func:`facts_at`).
    now : datetime
        The moment of re-planning (timezone-aware); runs poured by then read
        ``poured``, the others ``under way``.
    orders_file : str
        The order book's name in messages (the re-plan orders file).
    order_rows : mapping of str to int, optional
        Spreadsheet row (header = 1) of each order in ``orders_file``, by order id.

    Raises
    ------
    InputError
        One problem per order and column the runs under way contradict.
    """
    rows = order_rows or {}
    by_order: dict[str, list[Run]] = defaultdict(list)
    for r in facts:
        by_order[r.order_id].append(r)
    problems: list[InputProblem] = []
    for order_id, runs in sorted(by_order.items()):
        problems += [
            InputProblem(orders_file, rows.get(order_id), column, f"order {order_id}: {message}")
            for column, message in contradictions(
                network, network.order_by_id.get(order_id), runs, now
            )
        ]
    if problems:
        raise InputError(problems)


def check_starts(network: Network, facts: Sequence[Run], starts: Sequence[TruckStart]) -> None:
    """Refuse a truck start that contradicts the truck's runs under way.

    A truck made available at a site from a moment on drives from there to its next
    trip (the checker and the plan's timeline read it so). Before the last pour of its
    runs under way (:func:`facts_at`) it is still on that trip, which cannot be undone:
    such a start is bad input naming the truck, never a plan the checker rejects.

    Parameters
    ----------
    network : Network
        The network re-planned (its timezone for the messages).
    facts : sequence of Run
        The runs kept as they are (:func:`facts_at`).
    starts : sequence of TruckStart
        The truck starts given for the re-plan.

    Raises
    ------
    InputError
        One problem per start before its truck's runs under way end (column ``at``).
    """
    last: dict[str, Run] = {}
    for r in facts:
        if r.truck_id not in last or r.pour_end > last[r.truck_id].pour_end:
            last[r.truck_id] = r
    problems = [
        InputProblem(
            SOURCE,
            None,
            "at",
            f"truck {start.truck_id}: made available at {start.site_kind} {start.site_id} "
            f"at {_local(start.at, network)}, before its trip {run.trip} under way ends "
            f"(pouring at caster {run.caster_id} until {_local(run.pour_end, network)}); "
            "give a start at or after that",
        )
        for start in starts
        if (run := last.get(start.truck_id)) is not None
        and start.at < run.pour_end - timedelta(seconds=TIME_TOL_S)
    ]
    if problems:
        raise InputError(problems)


def booked_at(
    network: Network, plan: Plan, now: datetime, unavailable: Sequence[str] = ()
) -> tuple[Run, ...]:
    """The booked runs a re-plan at ``now`` can keep: the rest of the current plan.

    Every run that is not under way (:func:`facts_at`) is booked, except where keeping
    it is no longer possible: its order was removed or changed so that the run no longer
    fits it (another caster or alloy, a window or ``placed_at + lead_time`` its pour
    misses, fewer tonnes than it and the runs under way carry — every booked run of such
    an order is planned again), or its truck was taken out of service.

    Parameters
    ----------
    network : Network
        The network with the new order book.
    plan : Plan
        The current plan.
    now : datetime
        The moment of re-planning (timezone-aware).
    unavailable : sequence of str
        Trucks out of service from ``now``.

    Returns
    -------
    tuple of Run
        The booked runs to keep, in the plan's order.
    """
    facts = set(facts_at(plan, now))
    booked = [r for r in plan.runs if r not in facts and r.truck_id not in set(unavailable)]
    by_order: dict[str, list[Run]] = defaultdict(list)
    for r in plan.runs:
        if r in facts or r in booked:
            by_order[r.order_id].append(r)
    day = {o.order_id for o in network.day_orders}
    fits = {
        order_id
        for order_id, runs in by_order.items()
        if order_id in day and not contradictions(network, network.order_by_id[order_id], runs, now)
    }
    return tuple(r for r in booked if r.order_id in fits)


def transit_starts(
    network: Network, travel: Travel, plan: Plan, now: datetime, unavailable: Sequence[str] = ()
) -> tuple[TruckStart, ...]:
    """Trucks already on their way, at ``now``, to the smelter of their next trip.

    A truck leaves its last caster (or home, before its first trip) for the smelter of
    its next trip when the plan's timeline says (:mod:`logistics.plan.timeline`: right
    after its last pour). One that has left by ``now`` but not yet started filling is on
    the road: it is available at that smelter when it arrives, not back at its last
    caster at ``now``. Its driver was told to go there; a re-plan may give it other work
    from there.

    Parameters
    ----------
    network, travel : Network, Travel
        The network and its travel model.
    plan : Plan
        The current plan.
    now : datetime
        The moment of re-planning (timezone-aware).
    unavailable : sequence of str
        Trucks out of service (left where they are).

    Returns
    -------
    tuple of TruckStart
        One per truck on the road to a smelter, at its arrival.
    """
    starts = {s.truck_id: s for s in plan.truck_starts}
    out: list[TruckStart] = []
    for truck_id, trips in sorted(trips_of(plan.runs).items()):
        truck = network.truck_by_id.get(truck_id)
        if truck is None or truck_id in set(unavailable):
            continue
        before = [t for t in trips if min(r.fill_start for r in t) <= now]
        after = [t for t in trips if min(r.fill_start for r in t) > now]
        if not after:
            continue
        smelter_id = min(after[0], key=lambda r: r.fill_start).smelter_id
        if before:
            last = max(before[-1], key=lambda r: r.pour_end)
            if last.pour_end > now:
                continue  # still pouring: it leaves later
            here, left = travel.caster(last.caster_id), last.pour_end
        else:
            start = starts.get(truck_id)
            here = (
                travel.index(start.site_kind, start.site_id)
                if start is not None
                else travel.smelter(truck.home_smelter)
            )
            first_fill = min(r.fill_start for r in after[0])
            left = network.at(
                network.minutes(first_fill) - travel.minutes[here, travel.smelter(smelter_id)]
            )
        if left > now:
            continue  # not left yet: free where it is
        arrive = network.at(
            network.minutes(left) + travel.minutes[here, travel.smelter(smelter_id)]
        )
        out.append(
            TruckStart(
                truck_id=truck_id, site_kind="smelter", site_id=smelter_id, at=max(arrive, now)
            )
        )
    return tuple(out)


def _drive(travel: Travel, here: int, smelter_id: str) -> float:
    """Driving minutes from a travel row to a smelter."""
    return float(travel.minutes[here, travel.smelter(smelter_id)])
