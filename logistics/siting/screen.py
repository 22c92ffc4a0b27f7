"""Screening: a capacitated facility-location model over smelters, sites and casters.

Before any day is simulated, every combination of up to ``k`` new sites is valued by a
linear programme (OR-Tools GLOP through ``pywraplp``) that sends each caster's daily
demand per alloy to the smelters — existing and new — that can serve it:

* an **arc** smelter → caster exists for an alloy the smelter makes when the drive
  (the travel matrix's minutes) is within the thermal reach of metal tapped at the
  smelter's hottest tap in the fleet's best-insulated ladle (the planner's own rule,
  :mod:`logistics.planning.jobs`), and the liquid route still saves money at that road
  distance (:func:`logistics.economics.route_model.saving_per_t`; beyond the break-even
  radius of :mod:`logistics.economics.radius` it does not);
* each arc earns that saving per tonne (CNY/t; the typical truck of the network with
  the smelter's tap range and the caster's pour temperature);
* an existing smelter can release ``stock_t + rate_tph × open hours`` of each alloy a
  day; a new site ``rate_tph × (open hours + stock_h)`` in all, in any mix of its alloys;
* a caster takes at most its demand; the rest stays on ingots.

The value of an option is the programme's saving a day minus that of the network as
it is, times ``operating_days_per_year``: the screen's estimate of the yearly saving.
Its NPV subtracts the capex. Trucks are not limited here (the simulation sizes them),
so the screen is an optimistic estimate; the study reports how well it matched the
simulated days.

With more combinations than ``max_combinations`` the same model becomes a MIP (SCIP):
binary site variables, at most ``k`` of them, capex annualised over the horizon; the
best combinations are found one after another, each excluded by a cut before the next.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.linear_solver import pywraplp

from logistics.economics.route_model import TypicalTruck, saving_per_t, typical_truck
from logistics.network.model import Network
from logistics.physics.cooling import max_hold_h
from logistics.physics.travel import Travel
from logistics.siting.finance import annualised_capex_cny, npv_cny, payback_years
from logistics.siting.settings import SiteCandidate

#: Demand and capacity below this, t/day, are treated as none.
EPS_T = 1e-6


@dataclass(frozen=True)
class Arc:
    """A smelter or site that can serve one caster's alloy, and what a tonne saves."""

    source: str
    caster_id: str
    alloy: str
    saving_cny_t: float
    road_km: float


@dataclass(frozen=True)
class ScreenInputs:
    """Everything the screen needs, for one scenario.

    Attributes
    ----------
    demand : dict
        ``(caster_id, alloy)`` → tonnes a day.
    smelter_arcs : tuple of Arc
        Arcs of the existing smelters.
    smelter_capacity : dict
        ``(smelter_id, alloy)`` → tonnes a day.
    site_arcs : dict
        ``site_id`` → its arcs.
    site_capacity : dict
        ``site_id`` → tonnes a day (all alloys).
    reach_now : frozenset
        ``(caster_id, alloy)`` with demand that an existing smelter reaches thermally.
    site_reach : dict
        ``site_id`` → ``(caster_id, alloy)`` with demand that it reaches thermally.
    sites : dict
        ``site_id`` → SiteCandidate (capex already scaled by the scenario).
    operating_days : float
        Days a year.
    """

    demand: dict[tuple[str, str], float]
    smelter_arcs: tuple[Arc, ...]
    smelter_capacity: dict[tuple[str, str], float]
    site_arcs: dict[str, tuple[Arc, ...]]
    site_capacity: dict[str, float]
    reach_now: frozenset[tuple[str, str]]
    site_reach: dict[str, frozenset[tuple[str, str]]]
    sites: dict[str, SiteCandidate]
    operating_days: float


@dataclass(frozen=True)
class Allocation:
    """The programme's solution: tonnes a day on each arc with flow."""

    value_cny_day: float
    flows: tuple[tuple[Arc, float], ...]

    @property
    def liquid_t_day(self) -> float:
        """Tonnes a day sent liquid, t."""
        return sum(t for _, t in self.flows)

    def by_source(self) -> dict[str, dict[str, float]]:
        """``source`` → ``alloy`` → tonnes a day."""
        out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for arc, t in self.flows:
            out[arc.source][arc.alloy] += t
        return {k: dict(v) for k, v in out.items()}


@dataclass(frozen=True)
class ScreenEstimate:
    """The screen's estimate for one option (a combination of new sites).

    All ``*_day`` figures are a mean day; ``*_year`` ones are times the operating days.
    """

    option_id: str
    site_ids: tuple[str, ...]
    capex_cny: float
    saving_cny_day: float
    saving_cny_year: float
    npv_cny: float
    payback_years: float | None
    new_liquid_t_day: float
    site_t_day: dict[str, float]
    site_alloy_t_day: dict[str, dict[str, float]]
    utilisation: dict[str, float]
    casters_newly_in_reach: tuple[str, ...]
    allocation: Allocation = field(repr=False)


def option_id(site_ids: Iterable[str]) -> str:
    """The id of a combination: its site ids joined by ``+`` (``base`` for none)."""
    ids = list(site_ids)
    return "+".join(ids) if ids else "base"


def _order_servable(network: Network, order) -> bool:
    """False when lead time or the caster's hours rule the order out whatever the source."""
    caster = network.caster_by_id.get(order.caster_id)
    if caster is None:
        return False
    m = network.minutes
    lo = max(m(order.window_start), m(caster.open))
    hi = min(m(order.window_end), m(caster.close) - caster.unload_min)
    lead = m(order.placed_at) + network.params.planning.lead_time_h * 60.0
    return hi >= lo and lead <= hi


def daily_demand(network: Network, days: Sequence[Sequence]) -> dict[tuple[str, str], float]:
    """Mean tonnes a day per ``(caster_id, alloy)`` over the days' orders.

    Orders that lead time or the caster's hours rule out whatever the source are left out.
    """
    total: dict[tuple[str, str], float] = defaultdict(float)
    for orders in days:
        for o in orders:
            if _order_servable(network, o):
                total[(o.caster_id, o.alloy)] += o.tonnes
    n = max(1, len(days))
    return {k: v / n for k, v in sorted(total.items()) if v > EPS_T}


class _ArcPricer:
    """Saving per tonne of an arc, cached by distance, tap range and pour temperature."""

    def __init__(self, network: Network) -> None:
        self.params = network.params
        self.truck: TypicalTruck = typical_truck(network)
        self.cache: dict[tuple[float, float, float, float], float] = {}

    def __call__(self, km: float, tap_min: float, tap_max: float, arrival: float) -> float:
        key = (round(km, 2), tap_min, tap_max, arrival)
        if key not in self.cache:
            lo, hi = min(tap_min, tap_max), max(tap_min, tap_max)
            truck = replace(self.truck, tap_min_c=lo, tap_max_c=hi, min_arrival_c=arrival)
            self.cache[key] = saving_per_t(self.params, km, truck)
        return self.cache[key]


@dataclass(frozen=True)
class _ArcRules:
    """Whether a source reaches a caster in time, and what a tonne sent liquid saves."""

    required_c: dict[str, float]
    tau_h: float
    ambient_c: float
    price: _ArcPricer

    def reaches(self, minutes: float, tap_max_c: float, caster_id: str) -> bool:
        """Is a drive of ``minutes`` within the thermal reach of metal tapped at ``tap_max_c``?"""
        hold = max_hold_h(tap_max_c, self.required_c[caster_id], self.tau_h, self.ambient_c) * 60.0
        return math.isfinite(minutes) and math.ceil(minutes - 1e-9) <= hold

    def saving_cny_t(self, km: float, tap_min_c: float, tap_max_c: float, caster_id: str) -> float:
        """Saving per tonne of the arc, CNY/t (the pricer's cache: call in a fixed order)."""
        return self.price(km, tap_min_c, tap_max_c, self.required_c[caster_id])


def _smelter_arcs(
    network: Network, travel: Travel, wanted: dict[str, list[str]], rules: _ArcRules
) -> tuple[list[Arc], dict[tuple[str, str], float], set[tuple[str, str]]]:
    """The existing smelters' arcs, daily capacity per alloy (t) and the demand they reach."""
    arcs: list[Arc] = []
    capacity: dict[tuple[str, str], float] = {}
    reach_now: set[tuple[str, str]] = set()
    m = network.minutes
    for prod in network.production:
        smelter = network.smelter_by_id[prod.smelter_id]
        open_h = max(0.0, (m(smelter.close) - m(smelter.open)) / 60.0)
        capacity[(prod.smelter_id, prod.alloy)] = prod.stock_t + prod.rate_tph * open_h
        s_idx = travel.smelter(prod.smelter_id)
        for caster_id in wanted.get(prod.alloy, ()):
            c_idx = travel.caster(caster_id)
            if not rules.reaches(float(travel.minutes[s_idx, c_idx]), prod.tap_max_c, caster_id):
                continue
            reach_now.add((caster_id, prod.alloy))
            km = float(travel.km[s_idx, c_idx])
            value = rules.saving_cny_t(km, prod.tap_min_c, prod.tap_max_c, caster_id)
            if value > 0:
                arcs.append(Arc(prod.smelter_id, caster_id, prod.alloy, value, km))
    return arcs, capacity, reach_now


def _site_arcs(
    site: SiteCandidate,
    km_row: np.ndarray,
    minutes_row: np.ndarray,
    caster_col: dict[str, int],
    site_tap: tuple[float, float],
    wanted: dict[str, list[str]],
    rules: _ArcRules,
) -> tuple[tuple[Arc, ...], frozenset[tuple[str, str]]]:
    """One new site's arcs and the ``(caster_id, alloy)`` demand it reaches."""
    tap_lo, tap_hi = site_tap
    arcs: list[Arc] = []
    reach: set[tuple[str, str]] = set()
    for alloy in site.alloys:
        for caster_id in wanted.get(alloy, ()):
            j = caster_col[caster_id]
            if not rules.reaches(float(minutes_row[j]), tap_hi, caster_id):
                continue
            reach.add((caster_id, alloy))
            km = float(km_row[j])
            value = rules.saving_cny_t(km, tap_lo, tap_hi, caster_id)
            if value > 0:
                arcs.append(Arc(site.site_id, caster_id, alloy, value, km))
    return tuple(arcs), frozenset(reach)


def screen_inputs(
    network: Network,
    travel: Travel,
    demand: dict[tuple[str, str], float],
    sites: Sequence[SiteCandidate],
    site_km: np.ndarray,
    site_minutes: np.ndarray,
    *,
    site_tap: tuple[float, float],
    site_open_h: float,
    stock_h: float,
    capex_factor: float = 1.0,
) -> ScreenInputs:
    """Arcs, capacities and reach of the screen for one scenario.

    Parameters
    ----------
    network : Network
        The network as it is, with the scenario's parameters.
    travel : Travel
        Its travel matrix (existing smelters → casters).
    demand : dict
        ``(caster_id, alloy)`` → tonnes a day (:func:`daily_demand`).
    sites : sequence of SiteCandidate
        Candidate (or grid) sites.
    site_km, site_minutes : numpy.ndarray
        ``[site, caster]`` road km and driving minutes, casters in the network's order.
    site_tap : (float, float)
        Tap range of a new plant, °C.
    site_open_h, stock_h : float
        Open hours and stock hours of a new plant (its daily capacity).
    capex_factor : float
        The scenario's capex multiplier.
    """
    params = network.params
    rules = _ArcRules(
        required_c={c.caster_id: c.min_pour_c + params.thermal.margin_c for c in network.casters},
        tau_h=max((t.tau_h for t in network.fleet), default=30.0),
        ambient_c=params.thermal.ambient_c,
        price=_ArcPricer(network),
    )
    wanted = defaultdict(list)
    for caster_id, alloy in demand:
        wanted[alloy].append(caster_id)
    smelter_arcs, capacity, reach_now = _smelter_arcs(network, travel, wanted, rules)

    caster_col = {c.caster_id: j for j, c in enumerate(network.casters)}
    site_arcs: dict[str, tuple[Arc, ...]] = {}
    site_reach: dict[str, frozenset[tuple[str, str]]] = {}
    site_capacity: dict[str, float] = {}
    scaled: dict[str, SiteCandidate] = {}
    for i, site in enumerate(sites):
        site_arcs[site.site_id], site_reach[site.site_id] = _site_arcs(
            site, site_km[i], site_minutes[i], caster_col, site_tap, wanted, rules
        )
        site_capacity[site.site_id] = site.rate_tph * (site_open_h + stock_h)
        scaled[site.site_id] = site.model_copy(update={"capex_cny": site.capex_cny * capex_factor})
    return ScreenInputs(
        demand=dict(demand),
        smelter_arcs=tuple(smelter_arcs),
        smelter_capacity=capacity,
        site_arcs=site_arcs,
        site_capacity=site_capacity,
        reach_now=frozenset(reach_now),
        site_reach=site_reach,
        sites=scaled,
        operating_days=params.economics.operating_days_per_year,
    )


def allocate(inputs: ScreenInputs, site_ids: Sequence[str]) -> Allocation:
    """Solve the programme with the existing smelters and the given new sites (GLOP)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    arcs = list(inputs.smelter_arcs) + [a for s in site_ids for a in inputs.site_arcs[s]]
    xs = [solver.NumVar(0.0, solver.infinity(), "") for _ in arcs]
    by_demand: dict[tuple[str, str], list] = defaultdict(list)
    by_smelter: dict[tuple[str, str], list] = defaultdict(list)
    by_site: dict[str, list] = defaultdict(list)
    site_set = set(site_ids)
    for arc, x in zip(arcs, xs, strict=True):
        by_demand[(arc.caster_id, arc.alloy)].append(x)
        if arc.source in site_set:
            by_site[arc.source].append(x)
        else:
            by_smelter[(arc.source, arc.alloy)].append(x)
    for key, vars_ in by_demand.items():
        solver.Add(sum(vars_) <= inputs.demand.get(key, 0.0))
    for key, vars_ in by_smelter.items():
        solver.Add(sum(vars_) <= inputs.smelter_capacity.get(key, 0.0))
    for site_id, vars_ in by_site.items():
        solver.Add(sum(vars_) <= inputs.site_capacity[site_id])
    solver.Maximize(sum(a.saving_cny_t * x for a, x in zip(arcs, xs, strict=True)))
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise RuntimeError(f"screening programme not solved (status {status})")
    flows = tuple(
        (a, x.solution_value()) for a, x in zip(arcs, xs, strict=True) if x.solution_value() > EPS_T
    )
    return Allocation(solver.Objective().Value(), flows)


def estimate(
    inputs: ScreenInputs,
    site_ids: Sequence[str],
    base: Allocation,
    *,
    discount_rate: float,
    horizon_years: int,
) -> ScreenEstimate:
    """The screen's estimate for one combination against the network as it is."""
    alloc = allocate(inputs, site_ids)
    by_source = alloc.by_source()
    site_t = {s: sum(by_source.get(s, {}).values()) for s in site_ids}
    capex = sum(inputs.sites[s].capex_cny for s in site_ids)
    saving_day = alloc.value_cny_day - base.value_cny_day
    saving_year = saving_day * inputs.operating_days
    reach = set().union(*(inputs.site_reach[s] for s in site_ids)) if site_ids else set()
    newly = sorted({c for c, a in reach - inputs.reach_now if (c, a) in inputs.demand})
    return ScreenEstimate(
        option_id=option_id(site_ids),
        site_ids=tuple(site_ids),
        capex_cny=capex,
        saving_cny_day=saving_day,
        saving_cny_year=saving_year,
        npv_cny=npv_cny(capex, saving_year, discount_rate, horizon_years),
        payback_years=payback_years(capex, saving_year),
        new_liquid_t_day=alloc.liquid_t_day - base.liquid_t_day,
        site_t_day=site_t,
        site_alloy_t_day={s: by_source.get(s, {}) for s in site_ids},
        utilisation={
            s: (site_t[s] / inputs.site_capacity[s] if inputs.site_capacity[s] > 0 else 0.0)
            for s in site_ids
        },
        casters_newly_in_reach=tuple(newly),
        allocation=alloc,
    )


def combinations(site_ids: Sequence[str], k: int) -> list[tuple[str, ...]]:
    """Every combination of 1..k of the sites, smallest first, in the sites' order."""
    out: list[tuple[str, ...]] = []
    for size in range(1, min(k, len(site_ids)) + 1):
        out.extend(itertools.combinations(site_ids, size))
    return out


def best_by_mip(
    inputs: ScreenInputs,
    k: int,
    count: int,
    *,
    discount_rate: float,
    horizon_years: int,
) -> list[tuple[str, ...]]:
    """The ``count`` best combinations of up to ``k`` sites by the facility-location MIP.

    Maximises the day's saving minus the sites' annualised capex per operating day
    (the NPV's order), solved with SCIP; after each solution a cut excludes that exact
    set of sites and the MIP is solved again.
    """
    solver = pywraplp.Solver.CreateSolver("SCIP") or pywraplp.Solver.CreateSolver("CBC")
    if solver is None:  # pragma: no cover - both ship with OR-Tools
        raise RuntimeError("no MIP solver in this OR-Tools build")
    site_ids = list(inputs.sites)
    y = {s: solver.BoolVar(f"y_{s}") for s in site_ids}
    arcs = list(inputs.smelter_arcs) + [a for s in site_ids for a in inputs.site_arcs[s]]
    xs = [solver.NumVar(0.0, solver.infinity(), "") for _ in arcs]
    by_demand: dict[tuple[str, str], list] = defaultdict(list)
    by_smelter: dict[tuple[str, str], list] = defaultdict(list)
    by_site: dict[str, list] = defaultdict(list)
    for arc, x in zip(arcs, xs, strict=True):
        by_demand[(arc.caster_id, arc.alloy)].append(x)
        if arc.source in y:
            by_site[arc.source].append(x)
        else:
            by_smelter[(arc.source, arc.alloy)].append(x)
    for key, vars_ in by_demand.items():
        solver.Add(sum(vars_) <= inputs.demand.get(key, 0.0))
    for key, vars_ in by_smelter.items():
        solver.Add(sum(vars_) <= inputs.smelter_capacity.get(key, 0.0))
    for s in site_ids:
        if by_site.get(s):
            solver.Add(sum(by_site[s]) <= inputs.site_capacity[s] * y[s])
    solver.Add(sum(y.values()) <= k)
    solver.Add(sum(y.values()) >= 1)
    days = inputs.operating_days
    capex_day = {
        s: annualised_capex_cny(inputs.sites[s].capex_cny, discount_rate, horizon_years) / days
        for s in site_ids
    }
    solver.Maximize(
        sum(a.saving_cny_t * x for a, x in zip(arcs, xs, strict=True))
        - sum(capex_day[s] * y[s] for s in site_ids)
    )
    found: list[tuple[str, ...]] = []
    for _ in range(count):
        if solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            break
        chosen = tuple(s for s in site_ids if y[s].solution_value() > 0.5)
        found.append(chosen)
        solver.Add(
            sum(1 - y[s] for s in chosen) + sum(y[s] for s in site_ids if s not in chosen) >= 1
        )
    return found


def screen_options(
    inputs: ScreenInputs,
    k: int,
    *,
    discount_rate: float,
    horizon_years: int,
    max_combinations: int,
    keep: int,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Allocation, list[ScreenEstimate], int, str]:
    """Value every combination of up to ``k`` sites (or the MIP's best), best NPV first.

    Returns
    -------
    tuple
        The network-as-is allocation, the estimates (best NPV first), how many
        combinations exist, and the method (``enumerated`` or ``mip``).
    """
    base = allocate(inputs, ())
    site_ids = list(inputs.sites)
    total = sum(math.comb(len(site_ids), i) for i in range(1, min(k, len(site_ids)) + 1))
    if total <= max_combinations:
        combos, method = combinations(site_ids, k), "enumerated"
    else:
        combos = best_by_mip(
            inputs,
            k,
            max(keep, 1),
            discount_rate=discount_rate,
            horizon_years=horizon_years,
        )
        method = "mip"
    estimates = []
    for n, combo in enumerate(combos, start=1):
        estimates.append(
            estimate(inputs, combo, base, discount_rate=discount_rate, horizon_years=horizon_years)
        )
        if progress is not None:
            progress(n, len(combos))
    estimates.sort(key=lambda e: (-e.npv_cny, e.option_id))
    return base, estimates, total, method
