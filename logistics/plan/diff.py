"""What a new plan of a day changes against the previous one (re-planning's preview)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.model import Plan, Run, Unserved
from logistics.plan.summary import summarise


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
