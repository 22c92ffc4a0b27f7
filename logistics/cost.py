"""Ingot remelting against liquid supply: cost and CO2 per tonne, per run, order, caster, plan.

Die-casters buy liquid metal because it is cheaper and cleaner than remelting ingots.
This module puts numbers on that, starting from the seed cost table
(``../shared/domain/seed-facts.md``, "Cost per tonne") and the ``[economics]`` and
``[emissions]`` tables of spec §1. It is pure: functions of
:class:`~logistics.params.Params` (and, for a plan, of the network and its runs); no I/O.

The two routes, CNY per tonne of metal poured
---------------------------------------------
Ingot route (the caster buys ingots and remelts them), seed table 930 CNY/t:

* ``energy`` 400: 70–90 m³ gas and 90–100 kWh per t (seed-facts). While
  ``ingot.energy`` stays at the seed's 400 it is *priced*: ``remelt_gas_m3_t ×
  gas_price_cny_m3 + remelt_kwh_t × electricity_cny_kwh`` = 80 × 4.05 + 95 × 0.80 = 400
  (:func:`ingot_energy_per_t`).
* ``furnace_depreciation`` 50, ``labour`` 50, ``sundries`` 30, as written.
* ``burn_loss`` 400: while left at the seed's 400 it is ``ingot_burn_rate ×
  alloy_price_t`` = 2 % × 20,000 (:func:`ingot_burn_loss_per_t`).

Liquid route, seed table 600 CNY/t at 30 km:

* ``holding`` 70, ``equipment_depreciation`` 50, ``special_vehicle`` 100, ``sundries`` 30,
  as written (per tonne, whatever the distance).
* ``burn_and_transport`` 350 at 30 km (seed: "burn loss 0.9 %; transport about 150").
  At any distance it is composed of four parts (:func:`liquid_route`):

  - **burn**: ``liquid_burn_rate × alloy_price_t`` = 0.9 % × 20,000 = 180;
  - **truck**: the round trip of a typical truck (:class:`TypicalTruck`: 2 ladles of
    3 t, full) divided by its load: ``(2·d·cost_per_km + (2·d / speed_kmh + ladles ×
    (fill_min + unload_min) / 60)·cost_per_h) / load_t``. At 30 km with the defaults
    (8 CNY/km, 150 CNY/h, 40 km/h, 15 min to fill and to pour a ladle) that is
    (60 km × 8 + 2.5 h × 150) / 6 t = 855 / 6 = **142.5 CNY/t**, 5 % under the seed's
    "about 150";
  - **superheat**: the lowest tap that still arrives at ``min_arrival_c`` after the
    typical hold (drive + mean wait, :meth:`TypicalTruck.wait_h`), above the smelter's
    ``tap_min_c``, × :func:`superheat_cost_per_c_t`. With the default 730 °C tap floor
    it is 0 up to ~60 km (the floor alone already covers the hold);
  - **calibration**: a constant that makes the item exactly the seed's figure at the
    seed situation: ``burn_and_transport_30km`` − (burn + truck + superheat at 30 km,
    all figures at their defaults) = 350 − (180 + 142.5 + 0) = **27.5 CNY/t**. The
    seed's 350 − 180 implies 170 CNY/t of transport, "about 150" in its own words; the
    27.5 are the part the route model does not explain (waiting, permits, ladle
    preheating...). It does not change with distance or prices. A user who writes a
    different ``burn_and_transport_30km`` moves the calibration, so that the item
    equals their figure at 30 km with the other defaults.

Distances are **road km** (the ``road_km`` of a run; ``molten cost --distance-km``).
The seed's "30 km delivery" is read as 30 road km.

The rule for figures that follow prices
---------------------------------------
A seed figure left at its seed value follows the prices it was derived from; **any other
value written in** ``network.toml`` **or on the command line is used as written** and no
longer follows them. That holds for ``ingot.energy`` (gas and electricity prices),
``ingot.burn_loss`` (``ingot_burn_rate × alloy_price_t``) and
``superheat_cost_per_c_t`` (0.30 at the default gas price of 4.05 CNY/m³, scaled by
``gas_price_cny_m3 / 4.05``). So copying the spec's full ``ingot = {...}`` table into a
``network.toml`` changes nothing, and a planner who knows their own burn-loss figure
simply writes it. The liquid route's burn loss has no item of its own and always follows
``liquid_burn_rate × alloy_price_t``.

CO2, kg per tonne (spec §1 ``[emissions]``)
-------------------------------------------
Ingot: ``remelt_gas_m3_t × natural_gas_m3 + remelt_kwh_t × grid_kwh`` = 80 × 2.16 +
95 × 0.5366 = 223.8 (:func:`co2_per_t_ingot`). Liquid: truck km per tonne ×
``truck_km`` (round trip: 60 km / 6 t × 0.9 = 9.0 at 30 km) plus superheat gas
(``superheat_gas_m3_per_c_t × natural_gas_m3`` per °C·t). Ingot freight by ordinary
trucks is not counted, so the CO2 avoided is understated rather than overstated. A
remelt also makes 0.03–0.05 t of dross per t (hazardous waste, ~2,000 CNY/t to dispose
of, seed-facts): reported as *avoided waste* beside the saving, not inside it, because
the seed's 930 does not contain it.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from functools import cache
from statistics import median
from typing import TYPE_CHECKING, Any

import pandas as pd

from logistics.model import Network
from logistics.params import Params
from logistics.plan import Run, Unserved
from logistics.prices import (  # noqa: F401 - re-exported: the report's price figures
    REFERENCE_GAS_PRICE_CNY_M3,
    SEED_INGOT_BURN_LOSS,
    SEED_INGOT_ENERGY,
    SEED_SUPERHEAT_COST_PER_C_T,
    ingot_burn_loss_per_t,
    ingot_cost_per_t,
    ingot_energy_per_t,
    ingot_items,
    liquid_burn_loss_per_t,
    liquid_cost_per_t_excl_transport,
    superheat_cost_per_c_t,
)
from logistics.thermal import max_hold_h, min_tap_c

if TYPE_CHECKING:
    from rich.table import Table

log = logging.getLogger(__name__)

#: The seed table's delivery distance, road km (seed-facts, "Cost per tonne ... 30 km").
SEED_DISTANCE_KM = 30.0

#: Item keys and labels of the two routes, in the seed table's order.
INGOT_LABELS: dict[str, str] = {
    "energy": "energy for remelting",
    "furnace_depreciation": "melting-furnace depreciation",
    "burn_loss": "burn (oxidation) loss on remelting",
    "labour": "melting labour",
    "sundries": "sundries",
}
LIQUID_LABELS: dict[str, str] = {
    "holding": "holding (keeping the metal hot)",
    "equipment_depreciation": "ladle and equipment depreciation",
    "burn_and_transport": "burn loss and transport",
    "special_vehicle": "special-vehicle costs",
    "sundries": "sundries",
}
#: Parts of the liquid route's ``burn_and_transport`` item.
BURN_AND_TRANSPORT_LABELS: dict[str, str] = {
    "burn_loss": "burn loss (liquid_burn_rate × alloy price)",
    "truck": "truck round trip per tonne",
    "superheat": "superheat above tap_min_c",
    "calibration": "calibration to the seed's 350 at 30 km",
}


# ------------------------------------------------------------------------------------
# The typical delivery
# ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TypicalTruck:
    """The delivery the per-tonne route model prices: one truck, one smelter, one caster.

    Attributes
    ----------
    ladles : int
        Ladles carried per trip. 2 (the sample fleet; research F12: Rio Tinto B-trains
        carry two crucibles, 2–4 elsewhere).
    ladle_t : float
        Tonnes per ladle. 3 (sample fleet; research F1/F7/F18: 2.5–8 t crucibles).
    load_factor : float
        Share of the ladle capacity filled, 0–1. 1.0: ladles leave full (an assumption; a
        part-filled ladle also cools faster, research F19). Lower it to price part loads.
    tau_h : float
        Thermal time constant of the ladles, h. 30 (spec §2, ~25 °C/h at 780 °C).
    fill_min, unload_min : float
        Minutes to fill and to pour one ladle. 15 each (research: tilting/unloading 15–30
        min per crucible, an assumption; sample smelters and casters).
    tap_min_c, tap_max_c : float
        The smelter's tap range, °C. 730–780 (research F6, F8: 750–800 °C; sample
        production).
    min_arrival_c : float
        Temperature needed at pour start, °C (a caster's ``min_pour_c + margin_c``).
        690: spec §2's "690 °C minimum"; research F19 suggests ≥ 690–700 °C.
    cost_per_km, cost_per_h : float or None
        Running cost of this truck, CNY/km and CNY/h; ``None`` takes ``[economics]``
        ``truck_cost_per_km`` / ``truck_cost_per_h``.
    """

    ladles: int = 2
    ladle_t: float = 3.0
    load_factor: float = 1.0
    tau_h: float = 30.0
    fill_min: float = 15.0
    unload_min: float = 15.0
    tap_min_c: float = 730.0
    tap_max_c: float = 780.0
    min_arrival_c: float = 690.0
    cost_per_km: float | None = None
    cost_per_h: float | None = None

    def __post_init__(self) -> None:
        if self.ladles < 1 or self.ladle_t <= 0 or self.tau_h <= 0:
            raise ValueError("TypicalTruck needs ladles >= 1, ladle_t > 0 and tau_h > 0")
        if not 0 < self.load_factor <= 1:
            raise ValueError("TypicalTruck.load_factor must be in (0, 1]")
        if self.fill_min < 0 or self.unload_min < 0:
            raise ValueError("TypicalTruck fill_min and unload_min must be >= 0")
        if self.tap_min_c > self.tap_max_c:
            raise ValueError("TypicalTruck.tap_min_c is above tap_max_c")

    @property
    def load_t(self) -> float:
        """Tonnes delivered per trip: ``ladles × ladle_t × load_factor``."""
        return self.ladles * self.ladle_t * self.load_factor

    @property
    def wait_h(self) -> float:
        """Mean hours a ladle waits beside the drive, h.

        First filled, first poured: ladle ``i`` of ``n`` waits ``(n − 1 − i)`` fills for
        the ladles after it and ``i`` pours for the ones before it; the mean over the
        ladles is ``(n − 1)·(fill_min + unload_min) / 2`` minutes (0.25 h by default).
        """
        return (self.ladles - 1) * (self.fill_min + self.unload_min) / 2.0 / 60.0


def typical_truck(network: Network) -> TypicalTruck:
    """A :class:`TypicalTruck` made of a network's medians (for ``molten cost --network``).

    Ladles, ladle size, τ and running cost of the fleet; fill minutes of the smelters;
    pour minutes and ``min_pour_c + margin_c`` of the casters; tap range of the
    production. Whatever a network lacks keeps the default.
    """
    base = TypicalTruck()
    fleet = network.fleet
    kwargs: dict[str, Any] = {}
    if fleet:
        kwargs["ladles"] = max(1, round(median(t.ladles for t in fleet)))
        kwargs["ladle_t"] = median(t.ladle_t for t in fleet)
        kwargs["tau_h"] = median(t.tau_h for t in fleet)
        kwargs["cost_per_km"] = median(network.truck_cost_per_km(t) for t in fleet)
        kwargs["cost_per_h"] = median(network.truck_cost_per_h(t) for t in fleet)
    if network.smelters:
        kwargs["fill_min"] = median(s.fill_min for s in network.smelters)
    if network.casters:
        kwargs["unload_min"] = median(c.unload_min for c in network.casters)
        margin = network.params.thermal.margin_c
        kwargs["min_arrival_c"] = median(c.min_pour_c for c in network.casters) + margin
    if network.production:
        lo = median(p.tap_min_c for p in network.production)
        hi = median(p.tap_max_c for p in network.production)
        kwargs["tap_min_c"], kwargs["tap_max_c"] = min(lo, hi), max(lo, hi)
    return replace(base, **kwargs)


# ------------------------------------------------------------------------------------
# Per-tonne figures
# ------------------------------------------------------------------------------------
# ------------------------------------------------------------------------------------
# The route model
# ------------------------------------------------------------------------------------
def _check_distance(distance_km: float) -> float:
    d = float(distance_km)
    if not math.isfinite(d) or d < 0:
        raise ValueError(f"distance_km must be a finite number >= 0, got {distance_km!r}")
    return d


def _truck_rates(params: Params, truck: TypicalTruck) -> tuple[float, float]:
    eco = params.economics
    per_km = truck.cost_per_km if truck.cost_per_km is not None else eco.truck_cost_per_km
    per_h = truck.cost_per_h if truck.cost_per_h is not None else eco.truck_cost_per_h
    return per_km, per_h


def round_trip(
    params: Params, distance_km: float, truck: TypicalTruck = TypicalTruck()
) -> tuple[float, float]:
    """Kilometres and hours of one typical trip: there loaded, back empty.

    Parameters
    ----------
    params : Params
        ``roads.speed_kmh`` is used.
    distance_km : float
        Road km from smelter to caster.
    truck : TypicalTruck
        Ladles, fill and pour minutes.

    Returns
    -------
    tuple[float, float]
        ``(2·d, 2·d / speed_kmh + ladles × (fill_min + unload_min) / 60)``: km and h.
    """
    d = _check_distance(distance_km)
    km = 2.0 * d
    hours = km / params.roads.speed_kmh + truck.ladles * (truck.fill_min + truck.unload_min) / 60
    return km, hours


def truck_cost_per_t(
    params: Params, distance_km: float, truck: TypicalTruck = TypicalTruck()
) -> float:
    """Truck cost of the typical round trip per tonne delivered, CNY/t.

    ``(km × cost_per_km + hours × cost_per_h) / load_t`` with :func:`round_trip`. At
    30 km with the defaults: (60 × 8 + 2.5 × 150) / 6 = 142.5 CNY/t (seed: "about 150").
    """
    km, hours = round_trip(params, distance_km, truck)
    per_km, per_h = _truck_rates(params, truck)
    return (km * per_km + hours * per_h) / truck.load_t


def hold_h(params: Params, distance_km: float, truck: TypicalTruck = TypicalTruck()) -> float:
    """Typical hold from end of filling to pour start, h: drive + :attr:`TypicalTruck.wait_h`."""
    return _check_distance(distance_km) / params.roads.speed_kmh + truck.wait_h


def typical_tap_c(
    params: Params, distance_km: float, truck: TypicalTruck = TypicalTruck()
) -> tuple[float, bool]:
    """Tap temperature for the typical hold at a distance, and whether it is feasible.

    The lowest tap in ``[tap_min_c, tap_max_c]`` that arrives at ``min_arrival_c`` after
    :func:`hold_h` (spec §2), exact (not on the planner's 0.1 °C grid).

    Returns
    -------
    tuple[float, bool]
        ``(tap_c, feasible)``; beyond thermal reach the tap is ``tap_max_c`` and
        ``feasible`` is ``False``.
    """
    needed = min_tap_c(
        hold_h(params, distance_km, truck),
        truck.min_arrival_c,
        truck.tau_h,
        params.thermal.ambient_c,
    )
    tap = max(truck.tap_min_c, needed)
    if tap > truck.tap_max_c + 1e-9:
        return truck.tap_max_c, False
    return tap, True


def superheat_per_t(
    params: Params, distance_km: float, truck: TypicalTruck = TypicalTruck()
) -> float:
    """Superheat cost of the typical delivery, CNY/t: ``(tap − tap_min_c) × cost per °C·t``."""
    tap, _ = typical_tap_c(params, distance_km, truck)
    return (tap - truck.tap_min_c) * superheat_cost_per_c_t(params)


@cache
def _seed_model_burn_and_transport() -> float:
    """Burn + truck + superheat at 30 km, every figure at its default (322.5 CNY/t)."""
    seed = Params()
    return (
        liquid_burn_loss_per_t(seed)
        + truck_cost_per_t(seed, SEED_DISTANCE_KM)
        + superheat_per_t(seed, SEED_DISTANCE_KM)
    )


def transport_calibration_per_t(params: Params) -> float:
    """The calibration part of ``burn_and_transport``, CNY/t (27.5 at the defaults).

    ``liquid.burn_and_transport_30km`` minus what the route model gives at 30 km with
    every figure at its default (180 burn + 142.5 truck + 0 superheat = 322.5). Constant
    over distance and prices: it is the part of the seed's transport the model does not
    explain. The solver should add it to every tonne it serves (or take it off the
    unserved penalty).
    """
    return params.economics.liquid.burn_and_transport_30km - _seed_model_burn_and_transport()


@dataclass(frozen=True)
class CostBreakdown:
    """One route's cost per tonne, item by item.

    Attributes
    ----------
    route : str
        ``"ingot"`` or ``"liquid"``.
    items : tuple[tuple[str, float], ...]
        ``(item key, CNY/t)`` in the seed table's order (labels in :data:`INGOT_LABELS`,
        :data:`LIQUID_LABELS`).
    parts : tuple[tuple[str, float], ...]
        Parts of the liquid route's ``burn_and_transport`` item (burn_loss, truck,
        superheat, calibration), CNY/t; empty for the ingot route.
    distance_km : float or None
        Road km the liquid route was priced at.
    tap_c : float or None
        Typical tap temperature at that distance, °C.
    feasible : bool
        ``False`` when metal tapped at ``tap_max_c`` would arrive too cold.
    """

    route: str
    items: tuple[tuple[str, float], ...]
    parts: tuple[tuple[str, float], ...] = ()
    distance_km: float | None = None
    tap_c: float | None = None
    feasible: bool = True

    @property
    def total(self) -> float:
        """Sum of the items, CNY/t."""
        return sum(value for _, value in self.items)

    def item(self, key: str) -> float:
        """One item's CNY/t by key."""
        return dict(self.items)[key]

    def as_dict(self, ndigits: int = 2) -> dict[str, Any]:
        """JSON-ready: items with labels, parts, total."""
        labels = INGOT_LABELS if self.route == "ingot" else LIQUID_LABELS
        out: dict[str, Any] = {
            "items": [
                {"item": key, "label": labels.get(key, key), "cny_t": round(value, ndigits)}
                for key, value in self.items
            ],
            "total_cny_t": round(self.total, ndigits),
        }
        if self.parts:
            out["burn_and_transport_parts"] = [
                {
                    "part": key,
                    "label": BURN_AND_TRANSPORT_LABELS.get(key, key),
                    "cny_t": round(value, ndigits),
                }
                for key, value in self.parts
            ]
        if self.distance_km is not None:
            out["distance_km"] = round(self.distance_km, 3)
        if self.tap_c is not None:
            out["tap_c"] = round(self.tap_c, 1)
            out["thermally_feasible"] = self.feasible
        return out


def ingot_route(params: Params) -> CostBreakdown:
    """The ingot route item by item (930 CNY/t at the defaults; seed-facts).

    Energy and burn loss follow the prices while left at their seed values (see the
    module docstring).
    """
    return CostBreakdown("ingot", ingot_items(params))


def liquid_route(
    params: Params, distance_km: float = SEED_DISTANCE_KM, truck: TypicalTruck = TypicalTruck()
) -> CostBreakdown:
    """The liquid route item by item at a road distance (600 CNY/t at 30 km; seed-facts).

    Parameters
    ----------
    params : Params
        Economics, roads, thermal figures.
    distance_km : float
        Road km smelter → caster (default 30, the seed's delivery distance).
    truck : TypicalTruck
        The delivery priced (default 2 ladles of 3 t).

    Returns
    -------
    CostBreakdown
        Items holding, equipment_depreciation, burn_and_transport, special_vehicle,
        sundries; ``parts`` splits burn_and_transport into burn_loss, truck, superheat and
        calibration (see the module docstring).
    """
    liq = params.economics.liquid
    tap, feasible = typical_tap_c(params, distance_km, truck)
    parts = (
        ("burn_loss", liquid_burn_loss_per_t(params)),
        ("truck", truck_cost_per_t(params, distance_km, truck)),
        ("superheat", (tap - truck.tap_min_c) * superheat_cost_per_c_t(params)),
        ("calibration", transport_calibration_per_t(params)),
    )
    items = (
        ("holding", liq.holding),
        ("equipment_depreciation", liq.equipment_depreciation),
        ("burn_and_transport", sum(v for _, v in parts)),
        ("special_vehicle", liq.special_vehicle),
        ("sundries", liq.sundries),
    )
    return CostBreakdown("liquid", items, parts, float(distance_km), tap, feasible)


def saving_per_t(
    params: Params, distance_km: float = SEED_DISTANCE_KM, truck: TypicalTruck = TypicalTruck()
) -> float:
    """Ingot route minus liquid route, CNY/t (330 at 30 km with the defaults)."""
    return ingot_cost_per_t(params) - liquid_route(params, distance_km, truck).total


# ------------------------------------------------------------------------------------
# How far liquid supply makes sense
# ------------------------------------------------------------------------------------
def break_even_km(
    params: Params, truck: TypicalTruck = TypicalTruck(), max_km: float = 5000.0
) -> float:
    """Road distance at which liquid supply stops being cheaper than ingots, km.

    The liquid route's cost rises with distance (truck linearly, superheat once the tap
    floor no longer covers the hold), so the saving falls; this finds where it crosses
    zero by bisection (to 1 m). Thermal feasibility is ignored here (see
    :func:`practical_radius`).

    Returns
    -------
    float
        km; 0 when liquid is never cheaper, ``inf`` when still cheaper at ``max_km``.
        About 112 km with the defaults.
    """
    if saving_per_t(params, 0.0, truck) <= 0:
        return 0.0
    if saving_per_t(params, max_km, truck) > 0:
        return math.inf
    lo, hi = 0.0, float(max_km)
    while hi - lo > 1e-3:
        mid = (lo + hi) / 2
        if saving_per_t(params, mid, truck) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def thermal_reach_km(
    params: Params,
    tau_h: float = 30.0,
    tap_max_c: float = 780.0,
    min_arrival_c: float = 690.0,
    wait_h: float = 0.0,
) -> float:
    """Farthest road distance metal tapped at ``tap_max_c`` still arrives hot enough, km.

    ``(max_hold_h(tap_max_c, min_arrival_c, tau_h, ambient_c) − wait_h) × speed_kmh``.
    With 780 → 690 °C, τ = 30 h, 25 °C ambient and 40 km/h: 3.81 h, about 152 km (spec
    §2: "about 150 road km", the 120–160 km limit practised in China, seed-facts).

    Parameters
    ----------
    params : Params
        ``roads.speed_kmh`` and ``thermal.ambient_c`` are used.
    tau_h : float
        Ladle time constant, h.
    tap_max_c : float
        Hottest tap, °C.
    min_arrival_c : float
        Temperature needed at pour start (``min_pour_c + margin_c``), °C.
    wait_h : float
        Hours of the hold not spent driving (filling the other ladles, waiting to pour).

    Returns
    -------
    float
        Road km (``inf`` if the requirement is at or below ambient).
    """
    hold = max_hold_h(tap_max_c, min_arrival_c, tau_h, params.thermal.ambient_c)
    if math.isinf(hold):
        return math.inf
    return max(0.0, hold - wait_h) * params.roads.speed_kmh


@dataclass(frozen=True)
class PracticalRadius:
    """How far liquid supply makes sense, and what limits it.

    Attributes
    ----------
    break_even_km, thermal_reach_km, radius_km : float
        Road km; ``radius_km`` is the smaller of the two.
    binding : str
        ``"cost"`` or ``"thermal"``.
    reason : str
        One sentence for the user.
    """

    break_even_km: float
    thermal_reach_km: float
    radius_km: float
    binding: str
    reason: str


def practical_radius(params: Params, truck: TypicalTruck = TypicalTruck()) -> PracticalRadius:
    """The practical delivery radius: the smaller of break-even and thermal reach.

    Thermal reach is taken for the typical truck: its τ, tap_max_c and min_arrival_c,
    minus the mean wait (:attr:`TypicalTruck.wait_h`), the same hold
    :func:`liquid_route` prices superheat with. With the defaults: break-even ≈ 112 km,
    reach ≈ 142 km, so cost binds.
    """
    be = break_even_km(params, truck)
    reach = thermal_reach_km(
        params, truck.tau_h, truck.tap_max_c, truck.min_arrival_c, truck.wait_h
    )
    ingot = ingot_cost_per_t(params)
    if be <= 0:
        return PracticalRadius(
            be,
            reach,
            0.0,
            "cost",
            f"With these figures liquid supply is never cheaper than remelting ingots "
            f"({ingot:.0f} CNY/t), at any distance.",
        )
    speed = params.roads.speed_kmh
    if be <= reach:
        return PracticalRadius(
            be,
            reach,
            be,
            "cost",
            f"Beyond {be:.0f} road km remelting ingots ({ingot:.0f} CNY/t) is cheaper, "
            f"although metal tapped at {truck.tap_max_c:.0f} °C would still arrive at "
            f"{truck.min_arrival_c:.0f} °C up to {reach:.0f} km: cost sets the radius.",
        )
    return PracticalRadius(
        be,
        reach,
        reach,
        "thermal",
        f"Beyond {reach:.0f} road km metal tapped at {truck.tap_max_c:.0f} °C arrives "
        f"below {truck.min_arrival_c:.0f} °C (τ {truck.tau_h:g} h, {speed:g} km/h, "
        f"{truck.wait_h * 60:.0f} min waiting), although liquid would stay cheaper up to "
        f"{be:.0f} km: cooling sets the radius.",
    )


# ------------------------------------------------------------------------------------
# CO2 and waste
# ------------------------------------------------------------------------------------
def co2_per_t_ingot(params: Params) -> float:
    """CO2 of remelting one tonne of ingot at the caster, kg/t.

    ``remelt_gas_m3_t × natural_gas_m3 + remelt_kwh_t × grid_kwh`` = 80 × 2.16 +
    95 × 0.5366 = 223.78 kg/t (spec §1 ``[emissions]``; seed-facts; research F16).
    """
    em = params.emissions
    return em.remelt_gas_m3_t * em.natural_gas_m3 + em.remelt_kwh_t * em.grid_kwh


def co2_liquid_parts(
    params: Params, distance_km: float = SEED_DISTANCE_KM, truck: TypicalTruck = TypicalTruck()
) -> dict[str, float]:
    """CO2 of the liquid route per tonne, by part, kg/t.

    ``truck``: round-trip km per tonne × ``truck_km`` (60 / 6 × 0.9 = 9.0 at 30 km);
    ``superheat``: (tap − tap_min_c) × ``superheat_gas_m3_per_c_t`` × ``natural_gas_m3``.
    """
    em = params.emissions
    km, _ = round_trip(params, distance_km, truck)
    tap, _ = typical_tap_c(params, distance_km, truck)
    return {
        "truck": km / truck.load_t * em.truck_km,
        "superheat": (tap - truck.tap_min_c) * em.superheat_gas_m3_per_c_t * em.natural_gas_m3,
    }


def co2_per_t_liquid(
    params: Params, distance_km: float = SEED_DISTANCE_KM, truck: TypicalTruck = TypicalTruck()
) -> float:
    """CO2 of delivering one tonne liquid, kg/t (9.0 at 30 km with the defaults).

    See :func:`co2_liquid_parts`. No remelting gas or electricity at the caster
    (seed-facts: "no remelt at the caster").
    """
    return sum(co2_liquid_parts(params, distance_km, truck).values())


def dross_avoided(params: Params, tonnes: float = 1.0) -> dict[str, float]:
    """Dross a remelt of ``tonnes`` would have made, and what disposing of it costs.

    ``dross_t_per_t`` (0.04; seed-facts 0.03–0.05 t per t) × tonnes, at
    ``dross_disposal_cny_t`` (2,000 CNY/t, a hazardous waste since 2021): 0.04 t and
    80 CNY per tonne delivered liquid. Reported beside the saving, not in it.

    Returns
    -------
    dict
        ``{"t": tonnes of dross, "cny": disposal cost}``.
    """
    em = params.emissions
    t = tonnes * em.dross_t_per_t
    return {"t": t, "cny": t * em.dross_disposal_cny_t}


# ------------------------------------------------------------------------------------
# Sensitivity
# ------------------------------------------------------------------------------------
def _with_economics(params: Params, **updates: float) -> Params:
    return params.model_copy(update={"economics": params.economics.model_copy(update=updates)})


def sensitivity(
    params: Params,
    distances_km: Iterable[float] = (SEED_DISTANCE_KM,),
    alloy_prices: Iterable[float] | None = None,
    gas_prices: Iterable[float] | None = None,
    truck_costs_per_km: Iterable[float] | None = None,
    truck: TypicalTruck = TypicalTruck(),
) -> pd.DataFrame:
    """Saving per tonne over a grid of distance, alloy price, gas price and truck cost.

    Parameters
    ----------
    params : Params
        Every other figure.
    distances_km : iterable of float
        Road km.
    alloy_prices : iterable of float, optional
        ``alloy_price_t``, CNY/t (moves both burn-loss items); ``None``: the params' value.
    gas_prices : iterable of float, optional
        ``gas_price_cny_m3``, CNY/Nm³ (moves the ingot energy item and superheat, see
        :func:`ingot_energy_per_t`, :func:`superheat_cost_per_c_t`); ``None``: as params.
    truck_costs_per_km : iterable of float, optional
        ``truck_cost_per_km``, CNY/km (replaces a ``truck.cost_per_km``); ``None``: as is.
    truck : TypicalTruck
        The delivery priced.

    Returns
    -------
    pandas.DataFrame
        Long format, one row per grid point: ``distance_km, alloy_price_t,
        gas_price_cny_m3, truck_cost_per_km, ingot_cny_t, liquid_cny_t, saving_cny_t,
        thermally_feasible``.
    """
    eco = params.economics
    distances = [_check_distance(d) for d in distances_km]
    alloys = [float(p) for p in alloy_prices] if alloy_prices is not None else [eco.alloy_price_t]
    gases = [float(p) for p in gas_prices] if gas_prices is not None else [eco.gas_price_cny_m3]
    if truck_costs_per_km is not None:
        per_kms = [float(c) for c in truck_costs_per_km]
        truck = replace(truck, cost_per_km=None)
    else:
        per_kms = [_truck_rates(params, truck)[0]]
    rows = []
    for alloy, gas, per_km in itertools.product(alloys, gases, per_kms):
        p = _with_economics(
            params, alloy_price_t=alloy, gas_price_cny_m3=gas, truck_cost_per_km=per_km
        )
        ingot = ingot_cost_per_t(p)
        for d in distances:
            liquid = liquid_route(p, d, truck)
            rows.append(
                {
                    "distance_km": d,
                    "alloy_price_t": alloy,
                    "gas_price_cny_m3": gas,
                    "truck_cost_per_km": per_km,
                    "ingot_cny_t": ingot,
                    "liquid_cny_t": liquid.total,
                    "saving_cny_t": ingot - liquid.total,
                    "thermally_feasible": liquid.feasible,
                }
            )
    frame = pd.DataFrame(rows)
    return frame.sort_values(
        ["distance_km", "alloy_price_t", "gas_price_cny_m3", "truck_cost_per_km"],
        ignore_index=True,
    )


# ------------------------------------------------------------------------------------
# `molten cost`
# ------------------------------------------------------------------------------------
def _finite_or_none(value: float, ndigits: int = 1) -> float | None:
    return round(value, ndigits) if math.isfinite(value) else None


def cost_report(
    params: Params,
    distance_km: float = SEED_DISTANCE_KM,
    truck: TypicalTruck = TypicalTruck(),
) -> dict[str, Any]:
    """Everything ``molten cost`` shows, JSON-ready (``molten cost --json``).

    Parameters
    ----------
    params : Params
        The network's parameters (or the defaults).
    distance_km : float
        Road km priced (default 30, the seed table's distance).
    truck : TypicalTruck
        The delivery priced (:func:`typical_truck` for a network's fleet).

    Returns
    -------
    dict
        ``distance_km``, ``ingot`` and ``liquid`` (items, totals, parts), ``saving_cny_t``,
        ``co2_kg_t`` (both routes, avoided), ``dross_avoided_per_t``, ``break_even_km``,
        ``thermal_reach_km``, ``practical_radius``, ``truck`` and the ``prices`` used.
        Infinite distances are ``null``.
    """
    d = _check_distance(distance_km)
    ingot = ingot_route(params)
    liquid = liquid_route(params, d, truck)
    radius = practical_radius(params, truck)
    co2_ingot = co2_per_t_ingot(params)
    co2_parts = co2_liquid_parts(params, d, truck)
    co2_liquid = sum(co2_parts.values())
    dross = dross_avoided(params)
    eco = params.economics
    return {
        "distance_km": round(d, 3),
        "distance_basis": "road km",
        "ingot": ingot.as_dict(),
        "liquid": liquid.as_dict(),
        "saving_cny_t": round(ingot.total - liquid.total, 2),
        "co2_kg_t": {
            "ingot": round(co2_ingot, 2),
            "liquid": round(co2_liquid, 2),
            "liquid_parts": {k: round(v, 2) for k, v in co2_parts.items()},
            "avoided": round(co2_ingot - co2_liquid, 2),
        },
        "dross_avoided_per_t": {"t": round(dross["t"], 4), "cny": round(dross["cny"], 2)},
        "break_even_km": _finite_or_none(radius.break_even_km),
        "thermal_reach_km": _finite_or_none(radius.thermal_reach_km),
        "practical_radius": {
            "km": _finite_or_none(radius.radius_km),
            "binding": radius.binding,
            "reason": radius.reason,
        },
        "truck": {**asdict(truck), "load_t": truck.load_t, "wait_h": round(truck.wait_h, 4)},
        "prices": {
            "alloy_price_t": eco.alloy_price_t,
            "gas_price_cny_m3": eco.gas_price_cny_m3,
            "electricity_cny_kwh": eco.electricity_cny_kwh,
            "truck_cost_per_km": _truck_rates(params, truck)[0],
            "truck_cost_per_h": _truck_rates(params, truck)[1],
            "superheat_cost_per_c_t": round(superheat_cost_per_c_t(params), 4),
            "speed_kmh": params.roads.speed_kmh,
        },
    }


def _fmt_km(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} km"


def render_cost_report(report: dict[str, Any]) -> Table:
    """The cost report as a terminal table, item by item like the seed table.

    Parameters
    ----------
    report : dict
        From :func:`cost_report`.

    Returns
    -------
    rich.table.Table
        Ingot route and liquid route side by side, totals, saving, the parts of burn
        loss and transport, CO2, dross, break-even, reach and the practical radius.
    """
    from rich.table import Table

    d = report["distance_km"]
    table = Table(
        title=f"Cost per tonne: ingot remelting vs liquid supply at {d:g} road km",
        caption=report["practical_radius"]["reason"],
    )
    table.add_column("ingot route")
    table.add_column("CNY/t", justify="right")
    table.add_column("liquid route")
    table.add_column("CNY/t", justify="right")
    ing, liq = report["ingot"]["items"], report["liquid"]["items"]
    for i in range(max(len(ing), len(liq))):
        a = ing[i] if i < len(ing) else None
        b = liq[i] if i < len(liq) else None
        b_label = b["label"] if b else ""
        if b and b["item"] == "burn_and_transport":
            b_label = f"{b_label}, {d:g} km"
        table.add_row(
            a["label"] if a else "",
            f"{a['cny_t']:,.0f}" if a else "",
            b_label,
            f"{b['cny_t']:,.0f}" if b else "",
        )
    table.add_section()
    table.add_row(
        "[b]total[/b]",
        f"[b]{report['ingot']['total_cny_t']:,.0f}[/b]",
        "[b]total[/b]",
        f"[b]{report['liquid']['total_cny_t']:,.0f}[/b]",
    )
    table.add_row("", "", "[b]saving against ingots[/b]", f"[b]{report['saving_cny_t']:,.0f}[/b]")
    table.add_section()
    for part in report["liquid"].get("burn_and_transport_parts", []):
        table.add_row("", "", f"  {part['label']}", f"{part['cny_t']:,.1f}")
    table.add_section()
    co2 = report["co2_kg_t"]
    table.add_row("CO2, kg/t", f"{co2['ingot']:,.1f}", "CO2, kg/t", f"{co2['liquid']:,.1f}")
    table.add_row("", "", "CO2 avoided, kg/t", f"{co2['avoided']:,.1f}")
    dross = report["dross_avoided_per_t"]
    table.add_row(
        "dross made, t/t", f"{dross['t']:.3f}", "dross disposal avoided", f"{dross['cny']:,.0f}"
    )
    table.add_section()
    radius = report["practical_radius"]
    table.add_row("break-even distance", _fmt_km(report["break_even_km"]), "", "")
    table.add_row("thermal reach", _fmt_km(report["thermal_reach_km"]), "", "")
    table.add_row(
        "[b]practical radius[/b]", f"[b]{_fmt_km(radius['km'])}[/b]", f"({radius['binding']})", ""
    )
    return table


# ------------------------------------------------------------------------------------
# A plan
# ------------------------------------------------------------------------------------
def _r(value: float, ndigits: int = 2) -> float:
    return round(float(value), ndigits)


@dataclass
class _Trip:
    truck_id: str
    trip: int
    runs: list[Run]
    smelter_id: str
    km: float = 0.0
    hours: float = 0.0
    cost: float = 0.0


def _trips(network: Network, runs: Sequence[Run]) -> list[_Trip]:
    """Group runs into trips and price each trip's km and hours (truck, then trip order)."""
    from logistics.geo import travel_matrix

    tm = travel_matrix(network)
    by_truck: dict[str, dict[int, list[Run]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        by_truck[run.truck_id][run.trip].append(run)
    trips: list[_Trip] = []
    for truck_id in sorted(by_truck):
        truck = network.truck_by_id.get(truck_id)
        if truck is None:
            raise ValueError(f"run for unknown truck {truck_id!r}")
        per_km, per_h = network.truck_cost_per_km(truck), network.truck_cost_per_h(truck)
        home = tm.smelter(truck.home_smelter)
        numbers = sorted(by_truck[truck_id])
        legs = []
        for n in numbers:
            trip_runs = sorted(by_truck[truck_id][n], key=lambda r: (r.pour_start, r.run_id))
            first_fill = min(trip_runs, key=lambda r: (r.fill_start, r.run_id))
            legs.append((n, trip_runs, first_fill))
        for k, (n, trip_runs, first_fill) in enumerate(legs):
            origin = tm.smelter(first_fill.smelter_id)
            km, start = 0.0, first_fill.fill_start
            if k == 0 and origin != home:  # drive from home to the first trip's smelter
                km += float(tm.km[home, origin])
                start = start - timedelta(minutes=float(tm.minutes[home, origin]))
            here = origin
            for run in trip_runs:
                there = tm.caster(run.caster_id)
                km += float(tm.km[here, there])
                here = there
            if k + 1 < len(legs):
                next_first = legs[k + 1][2]
                back = tm.smelter(next_first.smelter_id)
                km += float(tm.km[here, back])
                end = next_first.fill_start
            else:
                km += float(tm.km[here, home])
                last_pour = max(r.pour_end for r in trip_runs)
                end = last_pour + timedelta(minutes=float(tm.minutes[here, home]))
            hours = max(0.0, (end - start).total_seconds() / 3600.0)
            trips.append(
                _Trip(
                    truck_id,
                    n,
                    trip_runs,
                    first_fill.smelter_id,
                    km,
                    hours,
                    km * per_km + hours * per_h,
                )
            )
    return trips


def _allocation(runs: Sequence[Run]) -> list[float]:
    """Shares of a trip's truck cost by tonne-km (by tonnes if no run has km)."""
    weights = [max(r.tonnes, 0.0) * max(r.road_km, 0.0) for r in runs]
    if sum(weights) <= 0:
        weights = [max(r.tonnes, 0.0) for r in runs]
    total = sum(weights)
    if total <= 0:
        return [1.0 / len(runs)] * len(runs)
    return [w / total for w in weights]


def _rollup(
    rows: Iterable[dict[str, Any]],
    unserved: Iterable[Unserved],
    key: str,
    ingot: float,
    co2_ingot: float,
) -> dict[str, dict[str, float]]:
    acc: dict[str, dict[str, float]] = defaultdict(
        lambda: {
            "liquid_t": 0.0,
            "liquid_cny": 0.0,
            "unserved_t": 0.0,
            "unserved_cny": 0.0,
            "liquid_co2_kg": 0.0,
            "unserved_co2_kg": 0.0,
        }
    )
    for row in rows:
        a = acc[row[key]]
        a["liquid_t"] += row["tonnes"]
        a["liquid_cny"] += row["cost_cny"]
        a["liquid_co2_kg"] += row["co2_kg"]
    for u in unserved:
        a = acc[getattr(u, key)]
        a["unserved_t"] += u.tonnes
        a["unserved_cny"] += u.tonnes * ingot
        a["unserved_co2_kg"] += u.tonnes * co2_ingot
    return acc


def _summarise(a: dict[str, float], ingot: float, co2_ingot: float) -> dict[str, Any]:
    total_t = a["liquid_t"] + a["unserved_t"]
    total_cny = a["liquid_cny"] + a["unserved_cny"]
    all_ingot = total_t * ingot
    co2 = a["liquid_co2_kg"] + a["unserved_co2_kg"]
    return {
        "liquid_t": _r(a["liquid_t"], 3),
        "unserved_t": _r(a["unserved_t"], 3),
        "total_t": _r(total_t, 3),
        "liquid_cny": _r(a["liquid_cny"]),
        "liquid_cny_t": _r(a["liquid_cny"] / a["liquid_t"]) if a["liquid_t"] > 0 else None,
        "unserved_cny": _r(a["unserved_cny"]),
        "total_cny": _r(total_cny),
        "cny_t": _r(total_cny / total_t) if total_t > 0 else None,
        "all_ingot_cny": _r(all_ingot),
        "saving_cny": _r(all_ingot - total_cny),
        "co2_kg": _r(co2),
        "all_ingot_co2_kg": _r(total_t * co2_ingot),
        "co2_avoided_kg": _r(total_t * co2_ingot - co2),
    }


def plan_economics(
    network: Network, runs: Sequence[Run], unserved: Sequence[Unserved]
) -> dict[str, Any]:
    """Cost, saving and CO2 of a plan per run, trip, order, caster and for the plan.

    Truck cost per trip: runs are grouped by ``(truck_id, trip)``; a trip drives from its
    smelter (the first-filled run's) to its casters in pour order, then to the next trip's
    smelter, or home after the last trip (and from home to the first trip's smelter when
    that is elsewhere), on :func:`logistics.geo.travel_matrix`. Its hours run from its
    first fill start to the next trip's first fill start, or to the return home after the
    last pour. Cost = km × ``network.truck_cost_per_km(truck)`` + h ×
    ``network.truck_cost_per_h(truck)``.

    Per run: its share of the trip's truck cost **by tonne-km** (``tonnes × road_km``;
    by tonnes when the trip has no km), plus the per-tonne items
    (:func:`liquid_cost_per_t_excl_transport` + :func:`transport_calibration_per_t`) ×
    tonnes, plus superheat ``(tap_c − tap_min_c) × superheat_cost_per_c_t × tonnes``. CO2
    per run: its tonne-km share of the trip's km × ``truck_km`` plus superheat gas.

    Unserved tonnes are priced at the ingot route (:func:`ingot_cost_per_t`) and its CO2
    (:func:`co2_per_t_ingot`), whatever the reason. The saving is against an all-ingot
    day (every tonne of the plan remelted from ingots). Yearly figures multiply the day by
    ``operating_days_per_year`` (360; seed-facts). Dross avoided is the liquid tonnes ×
    ``dross_t_per_t``, disposal at ``dross_disposal_cny_t``; not part of the saving.

    Parameters
    ----------
    network : Network
        Sites, fleet, production (tap_min_c), parameters.
    runs : sequence of Run
        The plan's ladle runs.
    unserved : sequence of Unserved
        What is not delivered liquid.

    Returns
    -------
    dict
        JSON-ready: ``basis`` (per-tonne figures used), ``runs``, ``trips``, ``orders``,
        ``casters`` (lists of dicts), ``plan`` (totals, per-year), ``emissions``,
        ``dross_avoided`` and a flat ``summary`` for the plan KPIs. CNY rounded to 0.01,
        tonnes and km to 0.001, kg CO2 to 0.01.
    """
    params = network.params
    ingot = ingot_cost_per_t(params)
    co2_ingot = co2_per_t_ingot(params)
    excl = liquid_cost_per_t_excl_transport(params)
    calibration = transport_calibration_per_t(params)
    per_t = excl + calibration
    sh_cny = superheat_cost_per_c_t(params)
    em = params.emissions
    sh_co2 = em.superheat_gas_m3_per_c_t * em.natural_gas_m3
    days = params.economics.operating_days_per_year

    trips = _trips(network, runs)
    run_rows: list[dict[str, Any]] = []
    trip_rows: list[dict[str, Any]] = []
    for trip in trips:
        shares = _allocation(trip.runs)
        for run, share in zip(trip.runs, shares, strict=True):
            prod = network.production_by_key.get((run.smelter_id, run.alloy))
            if prod is None:
                log.warning(
                    "run %s: no production of %s at %s; superheat taken as 0",
                    run.run_id,
                    run.alloy,
                    run.smelter_id,
                )
                superheat_c = 0.0
            else:
                superheat_c = max(0.0, run.tap_c - prod.tap_min_c)
            truck_cny = trip.cost * share
            items_cny = per_t * run.tonnes
            superheat_cny = superheat_c * sh_cny * run.tonnes
            cost = truck_cny + items_cny + superheat_cny
            co2 = trip.km * share * em.truck_km + superheat_c * sh_co2 * run.tonnes
            run_rows.append(
                {
                    "run_id": run.run_id,
                    "truck_id": run.truck_id,
                    "trip": run.trip,
                    "order_id": run.order_id,
                    "caster_id": run.caster_id,
                    "smelter_id": run.smelter_id,
                    "tonnes": run.tonnes,
                    "road_km": run.road_km,
                    "truck_share": share,
                    "truck_km": trip.km * share,
                    "truck_cny": truck_cny,
                    "items_cny": items_cny,
                    "superheat_c": superheat_c,
                    "superheat_cny": superheat_cny,
                    "cost_cny": cost,
                    "co2_kg": co2,
                }
            )
        trip_rows.append(
            {
                "truck_id": trip.truck_id,
                "trip": trip.trip,
                "smelter_id": trip.smelter_id,
                "runs": [r.run_id for r in trip.runs],
                "tonnes": _r(sum(r.tonnes for r in trip.runs), 3),
                "km": _r(trip.km, 3),
                "hours": _r(trip.hours, 3),
                "cost_cny": _r(trip.cost),
                "co2_kg": _r(trip.km * em.truck_km),
            }
        )

    orders = _rollup(run_rows, unserved, "order_id", ingot, co2_ingot)
    casters = _rollup(run_rows, unserved, "caster_id", ingot, co2_ingot)
    caster_of_order: dict[str, str] = {}
    for row in run_rows:
        caster_of_order.setdefault(row["order_id"], row["caster_id"])
    for u in unserved:
        caster_of_order.setdefault(u.order_id, u.caster_id)

    plan_acc = {
        "liquid_t": sum(r["tonnes"] for r in run_rows),
        "liquid_cny": sum(r["cost_cny"] for r in run_rows),
        "unserved_t": sum(u.tonnes for u in unserved),
        "unserved_cny": sum(u.tonnes for u in unserved) * ingot,
        "liquid_co2_kg": sum(r["co2_kg"] for r in run_rows),
        "unserved_co2_kg": sum(u.tonnes for u in unserved) * co2_ingot,
    }
    plan = _summarise(plan_acc, ingot, co2_ingot)
    liquid_t = plan_acc["liquid_t"]
    truck_cny = sum(t.cost for t in trips)
    unserved_by_reason: dict[str, dict[str, float]] = {}
    for u in unserved:
        entry = unserved_by_reason.setdefault(u.reason, {"t": 0.0, "cny": 0.0})
        entry["t"] += u.tonnes
        entry["cny"] += u.tonnes * ingot
    dross = dross_avoided(params, liquid_t)
    plan.update(
        {
            "saving_cny_per_liquid_t": _r(plan["saving_cny"] / liquid_t) if liquid_t else None,
            "trips": len(trips),
            "truck_km": _r(sum(t.km for t in trips), 3),
            "truck_h": _r(sum(t.hours for t in trips), 3),
            "truck_cny": _r(truck_cny),
            "items_cny": _r(sum(r["items_cny"] for r in run_rows)),
            "superheat_cny": _r(sum(r["superheat_cny"] for r in run_rows)),
            "unserved_by_reason": {
                k: {"t": _r(v["t"], 3), "cny": _r(v["cny"])}
                for k, v in sorted(unserved_by_reason.items())
            },
            "per_year": {
                "operating_days": days,
                "saving_cny": _r(plan["saving_cny"] * days),
                "co2_avoided_t": _r(plan["co2_avoided_kg"] * days / 1000.0, 3),
                "dross_avoided_t": _r(dross["t"] * days, 3),
                "dross_disposal_avoided_cny": _r(dross["cny"] * days),
            },
        }
    )
    emissions = {
        "liquid_kg": _r(plan_acc["liquid_co2_kg"]),
        "unserved_kg": _r(plan_acc["unserved_co2_kg"]),
        "total_kg": plan["co2_kg"],
        "all_ingot_kg": plan["all_ingot_co2_kg"],
        "avoided_kg": plan["co2_avoided_kg"],
        "liquid_kg_t": _r(plan_acc["liquid_co2_kg"] / liquid_t) if liquid_t else None,
        "ingot_kg_t": _r(co2_ingot),
        "per_year_t": {
            "total": _r(plan["co2_kg"] * days / 1000.0, 3),
            "all_ingot": _r(plan["all_ingot_co2_kg"] * days / 1000.0, 3),
            "avoided": _r(plan["co2_avoided_kg"] * days / 1000.0, 3),
        },
    }
    dross_out = {
        "t": _r(dross["t"], 3),
        "cny": _r(dross["cny"]),
        "t_per_t": params.emissions.dross_t_per_t,
        "disposal_cny_t": params.emissions.dross_disposal_cny_t,
    }
    summary = {
        "cost_cny": plan["total_cny"],
        "cost_cny_t": plan["cny_t"],
        "liquid_cny_t": plan["liquid_cny_t"],
        "all_ingot_cny": plan["all_ingot_cny"],
        "saving_cny": plan["saving_cny"],
        "saving_cny_per_liquid_t": plan["saving_cny_per_liquid_t"],
        "saving_cny_per_year": plan["per_year"]["saving_cny"],
        "co2_kg": emissions["total_kg"],
        "co2_all_ingot_kg": emissions["all_ingot_kg"],
        "co2_avoided_kg": emissions["avoided_kg"],
        "co2_avoided_t_per_year": emissions["per_year_t"]["avoided"],
        "dross_avoided_t": dross_out["t"],
        "dross_avoided_cny": dross_out["cny"],
    }
    return {
        "basis": {
            "ingot_cny_t": _r(ingot),
            "ingot_items": {k: _r(v) for k, v in ingot_items(params)},
            "liquid_per_t_excl_transport_cny_t": _r(excl),
            "transport_calibration_cny_t": _r(calibration),
            "superheat_cny_per_c_t": _r(sh_cny, 4),
            "ingot_co2_kg_t": _r(co2_ingot),
            "truck_allocation": "tonne-km",
            "operating_days_per_year": days,
        },
        "runs": [
            {
                **{k: v for k, v in row.items() if not isinstance(v, float)},
                "tonnes": _r(row["tonnes"], 3),
                "road_km": _r(row["road_km"], 3),
                "truck_share": _r(row["truck_share"], 6),
                "truck_km": _r(row["truck_km"], 3),
                "truck_cny": _r(row["truck_cny"]),
                "items_cny": _r(row["items_cny"]),
                "superheat_c": _r(row["superheat_c"], 1),
                "superheat_cny": _r(row["superheat_cny"]),
                "cost_cny": _r(row["cost_cny"]),
                "cost_cny_t": _r(row["cost_cny"] / row["tonnes"]) if row["tonnes"] > 0 else None,
                "ingot_cny": _r(row["tonnes"] * ingot),
                "saving_cny": _r(row["tonnes"] * ingot - row["cost_cny"]),
                "co2_kg": _r(row["co2_kg"]),
            }
            for row in run_rows
        ],
        "trips": trip_rows,
        "orders": [
            {"order_id": k, "caster_id": caster_of_order.get(k), **_summarise(v, ingot, co2_ingot)}
            for k, v in sorted(orders.items())
        ],
        "casters": [
            {"caster_id": k, **_summarise(v, ingot, co2_ingot)} for k, v in sorted(casters.items())
        ],
        "plan": plan,
        "emissions": emissions,
        "dross_avoided": dross_out,
        "summary": summary,
    }
