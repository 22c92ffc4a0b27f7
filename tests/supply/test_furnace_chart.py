"""The furnace level chart: the level recomputed from the plan's rows, the limits, the
pours, the lowest point, and red markers where a broken plan lets a furnace run low."""

from __future__ import annotations

from logistics import PlanOutcome
from logistics.charts.furnace_levels import furnace_chart, furnace_runs
from logistics.network.model import Network
from logistics.planning.managed import MANAGED_PREFIX
from tests.helpers import levels_from_rows


def _traces(fig) -> dict:
    return {t.name: t for t in fig.data}


def test_the_chart_draws_the_level_recomputed_from_the_rows(
    managed: Network, managed_outcome: PlanOutcome
) -> None:
    plan = managed_outcome.plan
    assert plan.supply is not None
    recomputed = levels_from_rows(managed, plan)
    assert any(r.order_id.startswith(MANAGED_PREFIX) for r in plan.runs)  # pours to mark
    for furnace in plan.supply.furnaces:
        traces = _traces(furnace_chart(managed, furnace, plan.runs))
        expected = recomputed[(furnace.caster_id, furnace.alloy)]
        level = traces["level"].y
        assert len(level) == len(expected) == 1441
        assert max(abs(a - b) for a, b in zip(level, expected, strict=True)) < 1e-3
        assert set(traces["minimum"].y) == {furnace.min_level_t}
        assert set(traces["capacity"].y) == {furnace.capacity_t}
        poured = [
            r for r in plan.runs if (r.caster_id, r.alloy) == (furnace.caster_id, furnace.alloy)
        ]
        assert len(traces["pours"].x) == len(poured) == len(furnace_runs(furnace, plan.runs))
        assert abs(traces["lowest"].y[0] - min(expected)) < 1e-3
        assert "below minimum" not in traces and "above capacity" not in traces


def test_a_pour_removed_shows_the_stock_out_in_red(
    managed: Network, managed_outcome: PlanOutcome
) -> None:
    from logistics.pipeline.supply import supply_plan

    plan = managed_outcome.plan
    # every pour of one managed furnace removed (one pour alone may leave it above its
    # minimum: the deliveries are decided ahead, with slack)
    gone = next(r for r in plan.runs if r.order_id.startswith(MANAGED_PREFIX))
    furnace_of = (gone.caster_id, gone.alloy)
    kept = tuple(
        r
        for r in plan.runs
        if not (r.order_id.startswith(MANAGED_PREFIX) and (r.caster_id, r.alloy) == furnace_of)
    )
    broken = plan.model_copy(update={"runs": kept})
    supply = supply_plan(managed, broken)
    assert supply is not None
    furnace = next(
        f for f in supply.furnaces if (f.caster_id, f.alloy) == (gone.caster_id, gone.alloy)
    )
    expected = levels_from_rows(managed, broken)[(gone.caster_id, gone.alloy)]
    below = [m for m, x in enumerate(expected) if x < furnace.min_level_t - 1e-3]
    assert below
    traces = _traces(furnace_chart(managed, furnace, broken.runs))
    assert traces["below minimum"].marker.color == traces["minimum"].line.color
    assert len(traces["below minimum"].y) >= len(below)
    assert traces["lowest"].marker.color == traces["minimum"].line.color
