"""What the checker reports: violations of rules and warnings, with the numbers.

Each violation names its rule with one of the strings in :data:`RULES`, each warning
with one of :data:`WARNINGS`; these names are part of the public interface.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

#: Rule names, in the order the checker documents them.
RULES = (
    "unknown_id",
    "order_mismatch",
    "duplicate_run",
    "time_order",
    "fill_duration",
    "pour_duration",
    "ladle_size",
    "no_production",
    "trip_smelter",
    "trip_ladles",
    "trip_payload",
    "trip_depart",
    "trip_numbering",
    "trip_count",
    "truck_overlap",
    "travel_time",
    "shift",
    "smelter_hours",
    "caster_hours",
    "lead_time",
    "window",
    "tap_range",
    "arrival_temperature",
    "arrival_reported",
    "production",
    "fill_bays",
    "road_km",
    "order_accounting",
    "unserved_row",
    "unserved_reason",
    "cold_risk",
    "furnace_low",
    "furnace_overflow",
    "furnace_past_day",
    "delivery_not_managed",
    "ladle_unknown",
    "ladle_home",
    "ladle_fit",
    "ladle_overlap",
    "ladle_continuity",
    "ladle_cleaning",
    "ladle_relining",
    "ladle_cold",
    "ladle_heat",
    "preheat",
    "preheat_stands",
    "ladle_reason",
    "driver_continuous",
    "driver_daily",
    "driver_break",
    "entry_ban",
)

#: Warning names: allowed in a hand-made plan, never in one the planner made.
WARNINGS = ("superheat", "cold_risk")


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    Attributes
    ----------
    rule : str
        One of :data:`RULES` (or :data:`WARNINGS`).
    message : str
        What is wrong, with the numbers (times in the network's timezone).
    run_id, truck_id, order_id : str | None
        What the violation is about, where it applies.
    """

    rule: str
    message: str
    run_id: str | None = None
    truck_id: str | None = None
    order_id: str | None = None

    def __str__(self) -> str:
        """``run R07 (truck T3, order O3) travel_time: arrives at C3 08:00:00; ...``.

        No square brackets: terminals that render markup (rich) would swallow them.
        """
        if self.run_id is not None:
            who = f"run {self.run_id}"
            extra = [f"truck {self.truck_id}"] if self.truck_id else []
            extra += [f"order {self.order_id}"] if self.order_id else []
            if extra:
                who += f" ({', '.join(extra)})"
        elif self.truck_id is not None:
            who = f"truck {self.truck_id}"
        elif self.order_id is not None:
            who = f"order {self.order_id}"
        else:
            who = "plan"
        return f"{who} {self.rule}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    """The outcome of checking one plan.

    Attributes
    ----------
    violations : tuple[Violation, ...]
        Every violation found; empty when the plan is sound.
    warnings : tuple[Violation, ...]
        Things a hand-made plan may do but the planner never should (a tap hotter than
        the lowest that arrives hot enough).
    runs_checked : int
        Rows of ``runs.csv``.
    orders_checked : int
        Orders of the plan day (:attr:`logistics.network.model.Network.day_orders`).
    min_arrival_margin_c : float | None
        Smallest recomputed arrival temperature minus ``min_pour_c + margin_c`` over the
        runs, °C; ``None`` when no run could be recomputed.
    """

    violations: tuple[Violation, ...]
    warnings: tuple[Violation, ...]
    runs_checked: int
    orders_checked: int
    min_arrival_margin_c: float | None

    @property
    def ok(self) -> bool:
        """True when the plan breaks no rule (warnings allowed)."""
        return not self.violations

    def summary(self) -> dict[str, int]:
        """Number of violations per rule, in :data:`RULES` order (rules with none left out).

        Returns
        -------
        dict[str, int]
            ``{rule: count}``; empty for a sound plan.
        """
        counts = Counter(v.rule for v in self.violations)
        order = {rule: i for i, rule in enumerate(RULES)}
        return {rule: counts[rule] for rule in sorted(counts, key=lambda r: order.get(r, 99))}
