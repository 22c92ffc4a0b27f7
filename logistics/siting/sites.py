"""A new plant as the planner sees it: a smelter, its production and its trucks.

The rules, each taken from the network the plant joins, so that a new site is neither
better nor worse equipped than the region's typical smelter:

* **hours, fill minutes and fill bays**: the medians of the existing smelters;
* **production**: the site's ``rate_tph`` is split over its ``alloys`` in proportion to
  the tonnes the screen (:mod:`logistics.siting.screen`) sends it of each (equally when
  it sends none); ``stock_t`` is ``stock_h`` hours of that rate (default 2 h, the melt
  waiting in the furnaces at opening); tap temperatures are the medians of the
  existing production;
* **daily capacity** (what utilisation is measured against): ``rate_tph × (open hours +
  stock_h)``;
* **trucks**: the ``trucks`` column of the candidates file when given; otherwise the
  tonnes a day the screen sends the site divided by the tonnes a day one truck of the
  network carries today (the days' ordered tonnes over the fleet), rounded up (none
  when the screen sends it nothing). By default (``site_trucks = "moved"``) the fleet
  follows the demand: for the tonnes the site takes over from existing smelters (by
  the screen), trucks are moved from those smelters to the new plant (in proportion
  to what each loses, highest truck ids first, never a smelter's last truck); only
  the trucks its new demand needs are added. The fleet grows only with new liquid
  demand, so an option is not credited for what more trucks would do anywhere.
  ``site_trucks = "added"`` buys every truck new instead. Added trucks are the fleet's
  median truck (ladles, ladle size, τ), with shifts following the fleet's mix and the
  network's default running cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median
from typing import Any

from logistics.network.model import Network, Production, Smelter, Truck
from logistics.siting.settings import SiteCandidate


@dataclass(frozen=True)
class SiteDesign:
    """A candidate made concrete for one option of one scenario.

    Attributes
    ----------
    site : SiteCandidate
        The candidate.
    alloy_rates : tuple of (str, float)
        ``(alloy, t/h)`` released for delivery.
    stock_h : float
        Hours of the rate in stock at opening.
    trucks : int
        Trucks based at the plant.
    moved : tuple of str
        Ids of existing trucks moved to the plant (part of ``trucks``).
    """

    site: SiteCandidate
    alloy_rates: tuple[tuple[str, float], ...]
    stock_h: float
    trucks: int
    moved: tuple[str, ...] = ()

    @property
    def added(self) -> int:
        """Trucks bought new for the plant (the rest are moved from other smelters)."""
        return self.trucks - len(self.moved)


@dataclass(frozen=True)
class PlantTemplate:
    """The region's typical smelter, production and truck (medians of the network)."""

    open_min: float
    close_min: float
    fill_min: float
    fill_bays: int | None
    tap_min_c: float
    tap_max_c: float
    ladles: int
    ladle_t: float
    tau_h: float
    shifts: tuple[tuple[float, float], ...]

    @property
    def open_h(self) -> float:
        """Hours the plant fills ladles, h."""
        return (self.close_min - self.open_min) / 60.0


def plant_template(network: Network) -> PlantTemplate:
    """The medians of the network's smelters, production and fleet."""
    m = network.minutes
    bays = [s.fill_bays for s in network.smelters if s.fill_bays is not None]
    fleet = network.fleet
    shifts = sorted((m(t.shift_start), m(t.shift_end)) for t in fleet) or [(6 * 60, 20 * 60)]
    return PlantTemplate(
        open_min=float(median(m(s.open) for s in network.smelters)),
        close_min=float(median(m(s.close) for s in network.smelters)),
        fill_min=float(median(s.fill_min for s in network.smelters)),
        fill_bays=max(1, round(median(bays))) if bays else None,
        tap_min_c=float(median(p.tap_min_c for p in network.production))
        if network.production
        else 730.0,
        tap_max_c=float(median(p.tap_max_c for p in network.production))
        if network.production
        else 780.0,
        ladles=max(1, round(median(t.ladles for t in fleet))) if fleet else 2,
        ladle_t=float(median(t.ladle_t for t in fleet)) if fleet else 3.0,
        tau_h=float(median(t.tau_h for t in fleet)) if fleet else 30.0,
        shifts=tuple(shifts),
    )


def capacity_t_day(site: SiteCandidate, template: PlantTemplate, stock_h: float) -> float:
    """Tonnes a day the plant can release: ``rate_tph × (open hours + stock_h)``."""
    return site.rate_tph * (template.open_h + stock_h)


def tonnes_per_truck_day(network: Network, day_tonnes: list[float]) -> float:
    """Tonnes a day one truck of the network carries today: mean day's orders / trucks."""
    if not network.fleet or not day_tonnes:
        return 30.0
    return max(1.0, sum(day_tonnes) / len(day_tonnes) / len(network.fleet))


def trucks_for_site(site: SiteCandidate, assigned_t_day: float, per_truck_t_day: float) -> int:
    """Trucks based at a new plant (see the module docstring)."""
    if site.trucks is not None:
        return site.trucks
    return max(0, math.ceil(assigned_t_day / per_truck_t_day - 1e-9))


def trucks_to_move(
    network: Network,
    losses_t_day: dict[str, float],
    count: int,
    taken: set[str],
) -> tuple[str, ...]:
    """Existing trucks to move to a new plant: ``count`` of them, from the losing smelters.

    Each smelter gives in proportion to the tonnes a day it loses (largest remainder),
    its highest truck ids first, keeping at least one truck; trucks in ``taken`` (moved
    to another new plant of the same option) are skipped.
    """
    total = sum(v for v in losses_t_day.values() if v > 0)
    if count <= 0 or total <= 0:
        return ()
    homes: dict[str, list[str]] = {}
    for truck in sorted(network.fleet, key=lambda t: t.truck_id, reverse=True):
        homes.setdefault(truck.home_smelter, []).append(truck.truck_id)
    spare = {
        s: [t for t in ids[:-1] if t not in taken]  # the last (lowest id) truck stays
        for s, ids in homes.items()
        if losses_t_day.get(s, 0.0) > 0
    }
    order = sorted(spare, key=lambda s: (-losses_t_day[s], s))
    quota = {s: count * losses_t_day[s] / total for s in order}
    give = {s: min(len(spare[s]), int(quota[s])) for s in order}
    left = count - sum(give.values())
    for s in sorted(order, key=lambda s: (-(quota[s] - int(quota[s])), s)):
        if left <= 0:
            break
        if give[s] < len(spare[s]):
            give[s] += 1
            left -= 1
    moved = [t for s in order for t in spare[s][: give[s]]]
    return tuple(moved)


def design_site(
    site: SiteCandidate,
    assigned_by_alloy: dict[str, float],
    per_truck_t_day: float,
    stock_h: float,
    *,
    network: Network | None = None,
    losses_t_day: dict[str, float] | None = None,
    taken: set[str] | None = None,
) -> SiteDesign:
    """The plant for ``site`` given the tonnes a day the screen sends it per alloy.

    Parameters
    ----------
    site : SiteCandidate
        The candidate.
    assigned_by_alloy : dict
        Alloy → tonnes a day the screen sends the site.
    per_truck_t_day : float
        Tonnes a day one truck of the network carries.
    stock_h : float
        Hours of the rate in stock at opening.
    network, losses_t_day, taken : optional
        To move trucks (see the module docstring): the network, the tonnes a day each
        existing smelter loses to this site by the screen, and trucks already moved to
        another plant of the option. Without them every truck is added.
    """
    sent = {a: max(0.0, assigned_by_alloy.get(a, 0.0)) for a in site.alloys}
    total = sum(sent.values())
    if total <= 1e-9:
        shares = {a: 1.0 / len(site.alloys) for a in site.alloys}
    else:
        shares = {a: sent[a] / total for a in site.alloys}
    rates = tuple((a, round(site.rate_tph * shares[a], 4)) for a in site.alloys)
    trucks = trucks_for_site(site, total, per_truck_t_day)
    moved: tuple[str, ...] = ()
    if network is not None and losses_t_day:
        taken_over = min(total, sum(v for v in losses_t_day.values() if v > 0))
        count = min(trucks, math.floor(taken_over / per_truck_t_day + 0.5))
        moved = trucks_to_move(network, losses_t_day, count, taken or set())
    return SiteDesign(site, rates, stock_h, trucks, moved)


def site_records(network: Network, design: SiteDesign, template: PlantTemplate) -> dict[str, Any]:
    """The smelter, production rows and trucks of a design, as plain data (model dumps)."""
    site = design.site
    at = network.at
    smelter = Smelter(
        smelter_id=site.site_id,
        name=site.name,
        lat=site.lat,
        lon=site.lon,
        open=at(template.open_min),
        close=at(template.close_min),
        fill_min=template.fill_min,
        fill_bays=template.fill_bays,
    )
    production = [
        Production(
            smelter_id=site.site_id,
            alloy=alloy,
            rate_tph=rate,
            stock_t=round(rate * design.stock_h, 3),
            tap_min_c=template.tap_min_c,
            tap_max_c=template.tap_max_c,
        )
        for alloy, rate in design.alloy_rates
    ]
    shifts = template.shifts
    trucks = []
    for i in range(design.added):
        start, end = shifts[min(len(shifts) - 1, int((i + 0.5) * len(shifts) / design.added))]
        trucks.append(
            Truck(
                truck_id=f"{site.site_id}-T{i + 1:02d}",
                home_smelter=site.site_id,
                ladles=template.ladles,
                ladle_t=template.ladle_t,
                tau_h=template.tau_h,
                shift_start=at(start),
                shift_end=at(end),
            )
        )
    return {
        "smelter": smelter.model_dump(),
        "production": [p.model_dump() for p in production],
        "trucks": [t.model_dump() for t in trucks],
        "moved": list(design.moved),
    }


def network_with_sites(network: Network, records: list[dict[str, Any]]) -> Network:
    """The network with new plants added (their smelter, production and trucks).

    ``records`` are :func:`site_records` of each plant (trucks moved to a plant get it
    as their home). The result has no candidates, so
    its travel matrix holds exactly its smelters and casters.
    """
    smelters = network.smelters + tuple(Smelter.model_validate(r["smelter"]) for r in records)
    production = network.production + tuple(
        Production.model_validate(p) for r in records for p in r["production"]
    )
    moved = {t: r["smelter"]["smelter_id"] for r in records for t in r.get("moved", ())}
    fleet = tuple(
        t.model_copy(update={"home_smelter": moved[t.truck_id]}) if t.truck_id in moved else t
        for t in network.fleet
    )
    fleet += tuple(Truck.model_validate(t) for r in records for t in r["trucks"])
    return network.model_copy(
        update={
            "smelters": smelters,
            "production": production,
            "fleet": fleet,
            "candidates": (),
        }
    )
