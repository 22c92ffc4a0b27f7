"""Figures of simulated days, and of an option against the network as it is.

Every figure here is read from the plans' rows and their economics
(:func:`logistics.economics.plan_economics`, which the pipeline fills in): tonnes from the
runs, saving, CO2 and dross from the economics, truck-km from the trip legs. An option
is compared with the network as it is on the same days of the same scenario; yearly
figures are the mean day's difference times ``operating_days_per_year``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from logistics.plan.model import Plan


@dataclass(frozen=True)
class CasterDay:
    """One caster on one simulated day."""

    liquid_t: float
    saving_cny: float
    suppliers: dict[str, float]
    unserved: dict[str, float]


@dataclass(frozen=True)
class DayFigures:
    """One planned day's figures (from its plan's rows and economics).

    Attributes
    ----------
    liquid_t : float
        Tonnes delivered liquid, t.
    saving_cny : float
        Saving against an all-ingot day, CNY.
    co2_avoided_kg, dross_avoided_t : float
        Against an all-ingot day.
    truck_km : float
        Driving of the day, km.
    smelter_t : dict
        Tonnes filled per smelter, t.
    casters : dict
        ``caster_id`` → :class:`CasterDay`.
    """

    liquid_t: float
    saving_cny: float
    co2_avoided_kg: float
    dross_avoided_t: float
    truck_km: float
    smelter_t: dict[str, float]
    casters: dict[str, CasterDay] = field(repr=False)


def day_figures(plan: Plan) -> DayFigures:
    """The figures of one planned day, read from the plan's runs, unserved rows and economics."""
    if plan.economics is None:
        raise ValueError("the plan has no economics")
    econ = plan.economics
    suppliers: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    smelter_t: dict[str, float] = defaultdict(float)
    liquid: dict[str, float] = defaultdict(float)
    for run in plan.runs:
        suppliers[run.caster_id][run.smelter_id] += run.tonnes
        smelter_t[run.smelter_id] += run.tonnes
        liquid[run.caster_id] += run.tonnes
    unserved: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for u in plan.unserved:
        unserved[u.caster_id][u.reason] += u.tonnes
    saving = {c.caster_id: c.saving_cny for c in econ.casters}
    casters = {
        cid: CasterDay(
            liquid_t=liquid.get(cid, 0.0),
            saving_cny=saving.get(cid, 0.0),
            suppliers=dict(suppliers.get(cid, {})),
            unserved=dict(unserved.get(cid, {})),
        )
        for cid in sorted(set(liquid) | set(unserved) | set(saving))
    }
    return DayFigures(
        liquid_t=sum(r.tonnes for r in plan.runs),
        saving_cny=econ.summary.saving_cny,
        co2_avoided_kg=econ.summary.co2_avoided_kg,
        dross_avoided_t=econ.summary.dross_avoided_t,
        truck_km=econ.plan.truck_km,
        smelter_t=dict(smelter_t),
        casters=casters,
    )


@dataclass(frozen=True)
class CasterSwitch:
    """A caster whose supply an option changes (mean of the simulated days).

    Attributes
    ----------
    caster_id, name : str
        The caster.
    liquid_t_day_before, liquid_t_day_after : float
        Tonnes a day delivered liquid without and with the option, t.
    from_ingot_t_day : float
        Tonnes a day that were remelted from ingots and now come liquid, t (the rise
        in liquid tonnes, when positive).
    to_new_site_t_day : float
        Tonnes a day the new site(s) deliver to the caster, t.
    suppliers_before, suppliers_after : dict
        Smelter → tonnes a day.
    unserved_before : dict
        Why tonnes were not delivered liquid before: reason → tonnes a day.
    saving_cny_day : float
        The caster's change in saving against ingots, CNY a day.
    """

    caster_id: str
    name: str
    liquid_t_day_before: float
    liquid_t_day_after: float
    from_ingot_t_day: float
    to_new_site_t_day: float
    suppliers_before: dict[str, float]
    suppliers_after: dict[str, float]
    unserved_before: dict[str, float]
    saving_cny_day: float

    @property
    def kind(self) -> str:
        """``from ingots``, ``from another smelter`` or ``both``."""
        taken_over = self.to_new_site_t_day - max(0.0, self.from_ingot_t_day)
        if self.from_ingot_t_day > 0.05 and taken_over > 0.05:
            return "both"
        return "from ingots" if self.from_ingot_t_day > 0.05 else "from another smelter"


def _mean_dict(dicts: list[dict[str, float]]) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for d in dicts:
        for k, v in d.items():
            total[k] += v
    n = max(1, len(dicts))
    return {k: v / n for k, v in sorted(total.items(), key=lambda kv: -kv[1]) if v / n > 1e-9}


def caster_switches(
    base_days: list[DayFigures],
    option_days: list[DayFigures],
    new_sites: tuple[str, ...],
    names: dict[str, str],
) -> list[CasterSwitch]:
    """Casters the new site(s) supply, or whose liquid tonnes change, largest first."""
    ids = set()
    for d in base_days + option_days:
        ids |= set(d.casters)
    empty = CasterDay(0.0, 0.0, {}, {})
    out = []
    for cid in sorted(ids):
        before = [d.casters.get(cid, empty) for d in base_days]
        after = [d.casters.get(cid, empty) for d in option_days]
        liquid_before = mean(c.liquid_t for c in before)
        liquid_after = mean(c.liquid_t for c in after)
        to_new = mean(sum(c.suppliers.get(s, 0.0) for s in new_sites) for c in after)
        if to_new < 0.05 and abs(liquid_after - liquid_before) < 0.05:
            continue
        out.append(
            CasterSwitch(
                caster_id=cid,
                name=names.get(cid, cid),
                liquid_t_day_before=liquid_before,
                liquid_t_day_after=liquid_after,
                from_ingot_t_day=liquid_after - liquid_before,
                to_new_site_t_day=to_new,
                suppliers_before=_mean_dict([c.suppliers for c in before]),
                suppliers_after=_mean_dict([c.suppliers for c in after]),
                unserved_before=_mean_dict([c.unserved for c in before]),
                saving_cny_day=mean(c.saving_cny for c in after)
                - mean(c.saving_cny for c in before),
            )
        )
    out.sort(key=lambda s: (-s.to_new_site_t_day, -abs(s.from_ingot_t_day), s.caster_id))
    return out


@dataclass(frozen=True)
class Spread:
    """Mean, lowest and highest of a per-day figure over the simulated days."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        """The spread of a list of values (all 0 for an empty list)."""
        if not values:
            return cls(0.0, 0.0, 0.0)
        return cls(mean(values), min(values), max(values))

    def scaled(self, factor: float) -> Spread:
        """Every figure times ``factor``."""
        return Spread(self.mean * factor, self.low * factor, self.high * factor)

    def as_dict(self, ndigits: int = 2) -> dict[str, Any]:
        """``{"mean", "low", "high"}`` rounded."""
        return {k: round(getattr(self, k), ndigits) for k in ("mean", "low", "high")}
