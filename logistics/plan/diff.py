"""What a new plan of a day changes against the previous one, and the price of change.

:func:`plan_diff` is re-planning's preview (runs kept, moved, new, dropped);
:func:`change_cost` prices what a new plan changes of the *booked* runs (the current
plan's runs not yet started) with the ``[replan]`` parameters — the same figure the
re-planner adds to its objective.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from logistics.network.model import Network
from logistics.network.params import ReplanParams
from logistics.network.prices import unserved_penalty_per_t
from logistics.physics.travel import Travel
from logistics.plan.model import Plan, Run, Unserved
from logistics.plan.reasons import EXCLUDED_REASONS
from logistics.plan.summary import summarise
from logistics.plan.timeline import minute_run_of


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

    @property
    def trucks_affected(self) -> tuple[str, ...]:
        """Trucks whose drivers must be told: a run moved to, from or on them, new or dropped."""
        trucks = {r.truck_id for pair in self.moved for r in pair}
        trucks |= {r.truck_id for r in (*self.new, *self.dropped)}
        return tuple(sorted(trucks))


def _match_key(run: Run) -> tuple:
    return (run.truck_id, run.order_id, run.fill_start, run.pour_start, run.tonnes)


def plan_diff(network: Network, travel: Travel, old: Plan, new: Plan) -> PlanDiff:
    """What ``new`` changes against ``old`` (KPIs recomputed from both plans' rows).

    ``travel`` is the network's travel model, for the route cost of both plans.

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


class BookedLike(Protocol):
    """What the price of change reads of a run: order, truck, pour start (minutes), tonnes."""

    @property
    def order_id(self) -> str: ...
    @property
    def truck_id(self) -> str: ...
    @property
    def pour_start(self) -> float: ...
    @property
    def tonnes(self) -> float: ...


@dataclass(frozen=True)
class ChangeCost:
    """What a new plan changes of the booked runs, and its price (``[replan]``).

    Attributes
    ----------
    kept : int
        Booked runs delivered by a run of the same order on the same truck, its pour
        within ``time_tolerance_min``.
    moved_time : int
        Booked runs delivered on the same truck, the pour moved by more than that.
    moved_truck : int
        Booked runs delivered by a run of the same order on another truck.
    dropped_t : float
        Tonnes of booked runs the new plan does not deliver at all, t.
    cost_cny : float
        ``moved_truck × move_truck_cny + moved_time × move_time_cny + dropped_t ×
        drop_booked_cny_per_t``, CNY.
    """

    kept: int = 0
    moved_time: int = 0
    moved_truck: int = 0
    dropped_t: float = 0.0
    cost_cny: float = 0.0

    @property
    def moved(self) -> int:
        """Booked runs moved to another truck or in time."""
        return self.moved_time + self.moved_truck


def change_cost(
    booked: Sequence[BookedLike], planned: Sequence[BookedLike], params: ReplanParams
) -> ChangeCost:
    """The price of what ``planned`` changes of ``booked`` (times in one unit: minutes).

    Each booked run is matched, order by order, to a planned run of its order: first on
    its own truck within the tolerance (kept), then on its own truck (moved in time),
    then on any truck (moved to another truck); a booked run left without a match is
    dropped. Each planned run matches at most one booked run; the nearest pour first.

    Parameters
    ----------
    booked : sequence
        The booked runs (order, truck, pour start in minutes, tonnes).
    planned : sequence
        The new plan's runs, pour start in the same minutes.
    params : ReplanParams
        The prices and the tolerance.

    Returns
    -------
    ChangeCost
        Counts, tonnes dropped and the price, CNY.
    """
    tolerance = params.time_tolerance_min
    free: dict[str, list[BookedLike]] = defaultdict(list)
    for run in planned:
        free[run.order_id].append(run)
    counts = {"kept": 0, "moved_time": 0, "moved_truck": 0}
    dropped_t = 0.0
    by_order: dict[str, list[BookedLike]] = defaultdict(list)
    for run in booked:
        by_order[run.order_id].append(run)
    for order_id, mine in by_order.items():
        candidates = free.get(order_id, [])
        waiting = sorted(mine, key=lambda r: (r.pour_start, r.truck_id))
        for kind, same_truck, within in (
            ("kept", True, True),
            ("moved_time", True, False),
            ("moved_truck", False, False),
        ):
            still: list[BookedLike] = []
            for run in waiting:
                options = [
                    c
                    for c in candidates
                    if (not same_truck or c.truck_id == run.truck_id)
                    and (not within or abs(c.pour_start - run.pour_start) <= tolerance + 1e-9)
                ]
                if not options:
                    still.append(run)
                    continue
                best = min(options, key=lambda c: (abs(c.pour_start - run.pour_start), c.truck_id))
                candidates.remove(best)
                counts[kind] += 1
            waiting = still
        dropped_t += sum(r.tonnes for r in waiting)
    cost = (
        counts["moved_truck"] * params.move_truck_cny
        + counts["moved_time"] * params.move_time_cny
        + dropped_t * params.drop_booked_cny_per_t
    )
    return ChangeCost(
        kept=counts["kept"],
        moved_time=counts["moved_time"],
        moved_truck=counts["moved_truck"],
        dropped_t=round(dropped_t, 6),
        cost_cny=round(cost, 2),
    )


def plan_change_cost(network: Network, booked: Sequence[Run], runs: Sequence[Run]) -> ChangeCost:
    """:func:`change_cost` of a plan's runs against booked runs (both dated)."""
    return change_cost(
        [minute_run_of(network, r) for r in booked],
        [minute_run_of(network, r) for r in runs],
        network.params.replan,
    )


def replan_objective(
    network: Network, plan: Plan, booked: Sequence[Run]
) -> tuple[float, ChangeCost]:
    """A re-plan's objective from its rows: the plan's objective plus the price of change.

    Route cost and superheat (the plan's summary, recomputed from its rows) + the ingot
    route's penalty for every servable tonne left unserved + :func:`plan_change_cost`
    against the booked runs. Lower is better; the same figure for any two plans of the
    day, however they were made.

    Returns
    -------
    (float, ChangeCost)
        The objective (CNY) and what it charges for changes.
    """
    change = plan_change_cost(network, booked, plan.runs)
    left = sum(u.tonnes for u in plan.unserved if u.reason not in EXCLUDED_REASONS)
    summary = plan.summary
    value = (
        summary.route_cost_cny
        + summary.superheat_cny
        + unserved_penalty_per_t(network.params) * left
        + change.cost_cny
    )
    return round(value, 2), change
