"""Intraday re-planning: a caster calls at 10:00 for metal at 15:00.

:func:`replan` takes the day's plan, the moment ``now`` and what changed — new or
changed orders, trucks taken out or added — and plans the rest of the day around what
already happened:

* every trip whose first ladle has started filling by ``now`` is a *fact*: its runs are
  kept exactly as planned (times, truck, tap temperature) — a truck being loaded or on
  the road is not unloaded; each truck continues from where and when its last fact
  leaves it, and no new fill starts before ``now``;
* an order partly delivered by facts gets exactly its remainder; new and changed orders
  respect their own ``placed_at + lead_time``;
* a changed order must still fit the runs under way for it (caster, alloy, window,
  ``placed_at + lead_time``, at least their tonnes): metal already filled or on the road
  cannot be undone, so a change that contradicts it is an :class:`InputError` naming
  the order's row and column;
* a truck taken out gets no new runs (its facts stay: the metal is on the road); an
  added truck joins from its home smelter; the network used is the new one;
* the result is the whole day (facts + new runs) planned, checked by the independent
  checker and priced against ingots by :func:`logistics.plan_day`: a
  :class:`ReplanOutcome` wraps that :class:`~logistics.pipeline.PlanOutcome` with a
  :class:`PlanDiff` against the previous plan, the facts, ``now`` and the trucks out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from logistics.check.context import TIME_TOL_S
from logistics.errors import InputError, InputProblem
from logistics.network.model import Network, Order, Truck, TruckStart
from logistics.physics.travel import travel_matrix
from logistics.pipeline import PlanOutcome, plan_day
from logistics.plan.build import summarise
from logistics.plan.model import Plan, Run, Unserved
from logistics.planning.progress import ProgressCallback, no_progress

#: Source named in messages about re-planning input.
SOURCE = "re-plan"


@dataclass(frozen=True)
class TruckChanges:
    """Trucks taken out of service (by id) and trucks added to the fleet."""

    remove: tuple[str, ...] = ()
    add: tuple[Truck, ...] = ()


@dataclass(frozen=True)
class PlanDiff:
    """What a new plan changes against the previous one.

    Attributes
    ----------
    kept : tuple of Run
        Runs of the new plan the previous one had unchanged (facts included).
    moved : tuple of (Run, Run)
        ``(previous, new)`` runs of one order that moved to another truck or time.
    new : tuple of Run
        Runs the previous plan did not have.
    dropped : tuple of Run
        Runs of the previous plan the new one no longer has.
    newly_unserved : tuple of Unserved
        Tonnes per order and reason that the new plan leaves unserved beyond the
        previous one.
    route_cost_delta_cny : float
        New route cost minus previous, CNY (both recomputed from the rows).
    tonnes_delivered_delta : float
        New tonnes delivered minus previous, t.
    """

    kept: tuple[Run, ...] = ()
    moved: tuple[tuple[Run, Run], ...] = ()
    new: tuple[Run, ...] = ()
    dropped: tuple[Run, ...] = ()
    newly_unserved: tuple[Unserved, ...] = ()
    route_cost_delta_cny: float = 0.0
    tonnes_delivered_delta: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether the new plan differs from the previous one at all."""
        return bool(self.moved or self.new or self.dropped or self.newly_unserved)


@dataclass(frozen=True)
class ReplanOutcome:
    """A re-planned day: the outcome for the whole day, its diff, facts and network.

    Attributes
    ----------
    outcome : PlanOutcome
        The day's plan (facts + new runs), the checker's report and the economics, as
        :func:`logistics.plan_day` returns them.
    diff : PlanDiff
        Against the previous plan.
    facts : tuple of Run
        The runs kept as they were.
    network : Network
        The network the new plan is for (orders and fleet as changed). Trucks taken out
        stay in its fleet (their runs under way still need them); see
        ``unavailable_trucks``.
    now : datetime, optional
        The moment of re-planning (timezone-aware).
    unavailable_trucks : tuple of str
        Trucks out of service from ``now``: they got no new runs, and a later re-plan of
        this day should keep them out (pass them in ``TruckChanges.remove`` again).
    """

    outcome: PlanOutcome
    diff: PlanDiff
    facts: tuple[Run, ...] = field(default=())
    network: Network | None = None
    now: datetime | None = None
    unavailable_trucks: tuple[str, ...] = ()


def facts_at(plan: Plan, now: datetime) -> tuple[Run, ...]:
    """The runs of every trip whose first ladle has started filling by ``now``."""
    started: set[tuple[str, int]] = set()
    for r in plan.runs:
        if r.fill_start <= now:
            started.add((r.truck_id, r.trip))
    return tuple(r for r in plan.runs if (r.truck_id, r.trip) in started)


def changed_network(
    network: Network,
    new_orders: Sequence[Order] = (),
    changed_orders: Sequence[Order] = (),
    truck_changes: TruckChanges = TruckChanges(),
) -> Network:
    """The network with orders added or replaced and trucks added.

    Raises
    ------
    InputError
        A new order whose id exists, a changed order or removed truck that does not, an
        added truck whose id exists, or an unknown caster or home smelter.
    """
    problems: list[InputProblem] = []
    orders = {o.order_id: o for o in network.orders}
    for order in changed_orders:
        if order.order_id not in orders:
            problems.append(
                InputProblem(SOURCE, None, "order_id", f"no order {order.order_id} to change")
            )
        orders[order.order_id] = order
    for order in new_orders:
        if order.order_id in orders:
            problems.append(
                InputProblem(
                    SOURCE, None, "order_id", f"order {order.order_id} exists; change it instead"
                )
            )
        orders[order.order_id] = order
    for order in (*changed_orders, *new_orders):
        if order.caster_id not in network.caster_by_id:
            problems.append(
                InputProblem(SOURCE, None, "caster_id", f"unknown caster '{order.caster_id}'")
            )
    fleet = list(network.fleet)
    for truck_id in truck_changes.remove:
        if truck_id not in network.truck_by_id:
            problems.append(InputProblem(SOURCE, None, "truck_id", f"unknown truck '{truck_id}'"))
    for truck in truck_changes.add:
        if truck.truck_id in network.truck_by_id:
            problems.append(
                InputProblem(SOURCE, None, "truck_id", f"truck {truck.truck_id} exists")
            )
        if truck.home_smelter not in network.smelter_by_id:
            problems.append(
                InputProblem(
                    SOURCE, None, "home_smelter", f"unknown smelter '{truck.home_smelter}'"
                )
            )
        fleet.append(truck)
    if problems:
        raise InputError(problems)
    return network.model_copy(update={"orders": tuple(orders.values()), "fleet": tuple(fleet)})


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


def _contradictions(
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


def _check_facts(
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
            for column, message in _contradictions(
                network, network.order_by_id.get(order_id), runs, now
            )
        ]
    if problems:
        raise InputError(problems)


def _match_key(run: Run) -> tuple:
    return (run.truck_id, run.order_id, run.fill_start, run.pour_start, run.tonnes)


def plan_diff(network: Network, old: Plan, new: Plan) -> PlanDiff:
    """What ``new`` changes against ``old`` (KPIs recomputed from both plans' rows).

    A run is *kept* when the new plan has a run of the same order on the same truck
    with the same fill and pour times and tonnes; otherwise the ladles of an order are
    paired in pour order as *moved*; what is left over is *new* or *dropped*.
    """
    old_by_key = defaultdict(list)
    for r in old.runs:
        old_by_key[_match_key(r)].append(r)
    kept: list[Run] = []
    rest_new: dict[str, list[Run]] = defaultdict(list)
    for r in new.runs:
        same = old_by_key.get(_match_key(r))
        if same:
            same.pop()
            kept.append(r)
        else:
            rest_new[r.order_id].append(r)
    rest_old: dict[str, list[Run]] = defaultdict(list)
    for runs in old_by_key.values():
        for r in runs:
            rest_old[r.order_id].append(r)
    moved: list[tuple[Run, Run]] = []
    added: list[Run] = []
    dropped: list[Run] = []
    for order_id in sorted(set(rest_new) | set(rest_old)):
        a = sorted(rest_old.get(order_id, []), key=lambda r: r.pour_start)
        b = sorted(rest_new.get(order_id, []), key=lambda r: r.pour_start)
        moved += list(zip(a, b, strict=False))
        dropped += a[len(b) :]
        added += b[len(a) :]
    old_unserved: dict[tuple[str, str], float] = defaultdict(float)
    for u in old.unserved:
        old_unserved[(u.order_id, u.reason)] += u.tonnes
    newly = []
    for u in new.unserved:
        extra = round(u.tonnes - old_unserved.get((u.order_id, u.reason), 0.0), 6)
        if extra > 1e-6:
            newly.append(u.model_copy(update={"tonnes": extra}))
    travel = travel_matrix(network)
    before = summarise(network, travel, old.runs, old.unserved, old.truck_starts)
    after = summarise(network, travel, new.runs, new.unserved, new.truck_starts)
    return PlanDiff(
        kept=tuple(kept),
        moved=tuple(moved),
        new=tuple(added),
        dropped=tuple(dropped),
        newly_unserved=tuple(newly),
        route_cost_delta_cny=round(after.route_cost_cny - before.route_cost_cny, 2),
        tonnes_delivered_delta=round(after.tonnes_delivered - before.tonnes_delivered, 3),
    )


def replan(
    network: Network,
    plan: Plan,
    now: datetime,
    *,
    new_orders: Sequence[Order] = (),
    changed_orders: Sequence[Order] = (),
    truck_changes: TruckChanges = TruckChanges(),
    truck_starts: Sequence[TruckStart] = (),
    solver: str = "ortools",
    time_limit_s: float = 30.0,
    progress: ProgressCallback | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    orders_file: str = SOURCE,
    order_rows: Mapping[str, int] | None = None,
) -> ReplanOutcome:
    """Plan the rest of the day around what already happened (see the module docstring).

    Parameters
    ----------
    network : Network
        The network the plan was made for; ``new_orders``, ``changed_orders`` and
        ``truck_changes`` are applied to it (pass a network whose orders are already the
        new order book just as well).
    plan : Plan
        The day's plan so far.
    now : datetime
        The moment of re-planning (timezone-aware).
    new_orders, changed_orders : sequence of Order
        Orders to add, and orders to replace (by ``order_id``).
    truck_changes : TruckChanges
        Trucks taken out of service from ``now`` and trucks added.
    truck_starts : sequence of TruckStart
        Trucks made available at another site from a moment on (a truck repaired at a
        caster), in addition to the plan's own.
    solver, time_limit_s, progress, workers, executor
        As for :func:`logistics.plan_day`.
    orders_file : str
        Name of the new order book in messages about orders the runs under way
        contradict (the re-plan orders file; default ``re-plan``).
    order_rows : mapping of str to int, optional
        Spreadsheet row (header = 1) of each order in ``orders_file``, by order id, for
        those messages.

    Returns
    -------
    ReplanOutcome
        The whole day's :class:`~logistics.pipeline.PlanOutcome` (facts + new runs,
        checked independently and priced), the diff, the facts, the network, ``now``
        and the trucks out of service.

    Raises
    ------
    InputError
        Changes that do not fit the network, or an order changed so that a run already
        filled or on the road no longer fits it (another caster or alloy, a window or
        ``placed_at + lead_time`` its pour misses, fewer tonnes than are under way):
        each problem names ``orders_file``, the order's row and the column.
    """
    if now.tzinfo is None:
        raise InputError(InputProblem(SOURCE, None, "now", "needs a timezone"))
    changed = changed_network(network, new_orders, changed_orders, truck_changes)
    facts = facts_at(plan, now)
    _check_facts(changed, facts, now, orders_file=orders_file, order_rows=order_rows)
    outcome = plan_day(
        changed,
        solver=solver,
        time_limit_s=time_limit_s,
        fixed_runs=facts,
        truck_starts=(*plan.truck_starts, *truck_starts),
        progress=progress or no_progress,
        workers=workers,
        executor=executor,
        not_before=now,
        unavailable_trucks=truck_changes.remove,
    )
    diff = plan_diff(changed, plan, outcome.plan)
    return ReplanOutcome(
        outcome,
        diff,
        facts,
        changed,
        now=now,
        unavailable_trucks=tuple(dict.fromkeys(truck_changes.remove)),
    )
