"""Synthetic network generator (``molten generate``).

:func:`generate_network` writes a network folder (``docs/network-format.md``) of any size,
for scale benchmarks and tests. Its networks look like a real regional cluster:

* the smelters sit in a ~150 × 150 km box around a real regional centre (Pearl River
  Delta, Yangtze River Delta or Bohai Rim, chosen by the seed);
* each die-caster belongs to a smelter: most sit 10–60 km from it (some in the same
  park, 2–10 km), a few 60–85 km away, up to ~110 road km (Chinese industry reports: "best delivery
  distance 30–50 km", "longest practised 120–160 km");
* every caster's alloys are made by its own smelter, so every order has a source within
  thermal reach;
* orders spread between 06:00 and 22:00 with 1–4 h windows, mostly placed the evening
  before (the 4 h lead time of Chinese industry reports is always respected);
* production is about 1.3 × the demand on each smelter, with enough stock at opening for
  the morning;
* the fleet is mixed, as real fleets are (:data:`MIXED_FLEET`, :func:`draw_truck`): older
  trucks with open 3 t ladles (τ 25–30 h, about 25–30 °C/h at 780 °C) beside newer ones
  with lidded 3 t or 4 t ladles (τ 45–70 h, about 11–17 °C/h), two or three ladles a
  truck, on five shift patterns; a bigger payload costs more per km and per hour;
* without ``trucks`` the fleet is sized so that the estimated truck-hours are about 60 %
  of the hours in all shifts.

How long metal may wait depends on the truck: an older ladle holds it about 3–4 h
above the caster's minimum, a lidded one 6–10 h. A far caster's ladle that also waits
(a second stop, a queue, the opening of the window) fits only the lidded ladles, so the
planner's vehicle restrictions are part of an ordinary day.

Generated networks are mostly servable; what stays unserved comes from the solver's
limits, not from deliberate traps (the sample networks hold those). The output is
reproducible: the same arguments write the same bytes.
"""

from __future__ import annotations

import csv
import io
import logging
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from logistics.network.geo import haversine_km
from logistics.network.model import FILL_BAYS_MAX, RATE_TPH_MAX, STOCK_T_MAX, TONNES_MAX
from logistics.runtime.atomic import write_folder

log = logging.getLogger(__name__)

__all__ = [
    "MIXED_FLEET",
    "REGION_CENTRES",
    "FleetTruck",
    "TruckClass",
    "draw_truck",
    "generate_network",
    "truck_costs",
]

#: Real regional centres the synthetic smelters are placed around: (name, lat, lon).
REGION_CENTRES: tuple[tuple[str, float, float], ...] = (
    ("Pearl River Delta (Foshan)", 23.0, 113.2),
    ("Yangtze River Delta (Suzhou)", 31.3, 120.6),
    ("Bohai Rim (Tianjin)", 39.1, 117.2),
)

#: Half-width of the box the smelters are placed in, km.
BOX_HALF_KM = 75.0
#: Default travel figures the generator uses to size the fleet (the file carries the same).
_CIRCUITY = 1.3
_SPEED_KMH = 40.0
#: Production is this multiple of the demand drawn on a smelter.
PRODUCTION_HEADROOM = 1.3
#: Stock at opening covers this multiple of the demand due before production catches up.
MORNING_HEADROOM = 1.1
#: The fleet is sized so that estimated truck-hours are this share of shift hours.
FLEET_UTILISATION = 0.60
#: Most tonnes a day per smelter and, on average, per caster that the generator writes:
#: beyond them the stock at opening and a caster's ``daily_t`` could leave their
#: plausible ranges (docs/network-format.md). A leading supplier delivers about 1,250 t
#: a day from all its plants (Chinese industry reports).
MAX_TONNES_PER_SMELTER = 5000.0
MAX_TONNES_PER_CASTER = 1000.0
#: The network's truck cost figures (``[economics]``), CNY/km and CNY/h of a 6 t truck.
_TRUCK_COST_PER_KM, _TRUCK_COST_PER_H = 8.0, 150.0
#: Orders are spread over this part of the plan day, minutes from midnight.
DAY_START, DAY_END = 6 * 60, 22 * 60
#: Truck shift patterns ``(start, end)`` in minutes, drawn with the given weights.
SHIFT_PATTERNS: tuple[tuple[tuple[int, int], int], ...] = (
    ((5 * 60, 21 * 60), 4),
    ((6 * 60, 22 * 60), 2),
    ((4 * 60, 26 * 60), 3),  # two drivers
    ((8 * 60, 24 * 60), 1),
    ((10 * 60, 18 * 60), 1),  # a short day shift
)


@dataclass(frozen=True)
class TruckClass:
    """One kind of ladle truck in a mixed fleet.

    Attributes
    ----------
    name : str
        What the trucks are, for people.
    ladles : int
        Ladles carried a trip.
    ladle_t : float
        Tonnes of metal per ladle.
    tau_h : tuple of float
        Thermal time constants of its ladles, hours; each truck draws one.
    share : float
        Share of the fleet (the shares of :data:`MIXED_FLEET` add up to 1).
    """

    name: str
    ladles: int
    ladle_t: float
    tau_h: tuple[float, ...]
    share: float


#: The mixed fleet of a liquid-aluminium cluster. Older ladles without lids lose about
#: 25–30 °C/h at 780 °C (τ 25–30 h); lidded, better-lined ladles lose about 11–17 °C/h
#: (τ 45–70 h), the 7–15 °C/h range the Guangdong Die Casting Association quotes for good
#: ladles (docs/sources.md). A cooling rate of r °C/h at tap T means τ = (T − ambient) / r.
MIXED_FLEET: tuple[TruckClass, ...] = (
    TruckClass("older truck, two open 3 t ladles", 2, 3.0, (25.0, 27.5, 30.0), 0.40),
    TruckClass("newer truck, two lidded 4 t ladles", 2, 4.0, (45.0, 50.0, 55.0, 60.0), 0.35),
    TruckClass("newer truck, three lidded 3 t ladles", 3, 3.0, (55.0, 60.0, 65.0, 70.0), 0.25),
)
#: Payload the network's ``[economics]`` truck cost figures are for, tonnes (2 × 3 t).
BASE_PAYLOAD_T = 6.0
#: Extra cost per tonne of payload above :data:`BASE_PAYLOAD_T`, share of the base figure:
#: a heavier truck burns more diesel and pays a higher toll class per km, and its crew
#: and capital cost more per hour.
COST_PER_KM_PER_T = 0.06
COST_PER_H_PER_T = 0.04


@dataclass(frozen=True)
class FleetTruck:
    """One truck drawn from :data:`MIXED_FLEET` (costs in CNY/km and CNY/h)."""

    kind: str
    ladles: int
    ladle_t: float
    tau_h: float
    cost_per_km: float
    cost_per_h: float


def truck_costs(
    ladles: int, ladle_t: float, base_per_km: float, base_per_h: float
) -> tuple[float, float]:
    """Running cost of a truck by its payload.

    Parameters
    ----------
    ladles : int
        Ladles the truck carries.
    ladle_t : float
        Tonnes per ladle.
    base_per_km, base_per_h : float
        The network's cost of a 6 t (2 × 3 t) truck, CNY/km and CNY/h.

    Returns
    -------
    tuple of float
        ``(cost_per_km, cost_per_h)``, CNY/km and CNY/h, rounded to 0.1 and 1: the base
        figures raised by 6 % per km and 4 % per hour for each tonne of payload above 6 t
        (a 12 t truck costs 1.36 × per km and 1.24 × per hour; per tonne carried it is
        still the cheaper truck).
    """
    extra_t = ladles * ladle_t - BASE_PAYLOAD_T
    per_km = base_per_km * (1.0 + COST_PER_KM_PER_T * extra_t)
    per_h = base_per_h * (1.0 + COST_PER_H_PER_T * extra_t)
    return round(per_km, 1), float(round(per_h))


def draw_truck(
    rng: np.random.Generator,
    base_per_km: float,
    base_per_h: float,
    fleet: tuple[TruckClass, ...] = MIXED_FLEET,
) -> FleetTruck:
    """Draw one truck of a mixed fleet.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random source (two draws: the class, then the ladles' τ).
    base_per_km, base_per_h : float
        The network's truck cost figures for a 6 t truck, CNY/km and CNY/h.
    fleet : tuple of TruckClass
        The classes and their shares.

    Returns
    -------
    FleetTruck
        Its class, ladles, ladle tonnes, τ (hours) and running costs (:func:`truck_costs`).
    """
    shares = np.array([c.share for c in fleet])
    kind = fleet[int(rng.choice(len(fleet), p=shares / shares.sum()))]
    tau = float(kind.tau_h[int(rng.integers(len(kind.tau_h)))])
    per_km, per_h = truck_costs(kind.ladles, kind.ladle_t, base_per_km, base_per_h)
    return FleetTruck(kind.name, kind.ladles, kind.ladle_t, tau, per_km, per_h)


#: Column order of the files written.
CASTER_COLUMNS = (
    "caster_id", "name", "lat", "lon", "open", "close", "min_pour_c", "unload_min", "daily_t",
    "alloys",
)  # fmt: skip
FLEET_COLUMNS = (
    "truck_id", "home_smelter", "ladles", "ladle_t", "tau_h", "shift_start", "shift_end",
    "cost_per_km", "cost_per_h",
)  # fmt: skip

_NAME_HEADS = (
    "Hong", "Xin", "Jin", "Tai", "Long", "Feng", "Hua", "Yue", "Sheng", "Da", "Heng", "Rui",
    "Kang", "Yu", "Ming", "Tian", "Fu", "Guang", "Jia", "Wan",
)  # fmt: skip
_NAME_TAILS = (
    "li", "da", "xing", "tai", "yuan", "cheng", "sheng", "feng", "hua", "an", "rong", "tong",
)  # fmt: skip
_CASTER_TRADES = (
    "Die Casting", "Precision Castings", "Auto Parts", "Motor Housings", "Hardware Castings",
    "Appliance Castings", "Pump Castings", "Electronics Die Casting",
)  # fmt: skip

#: The parameter tables of a network written with the defaults (energy, burn loss and
#: superheat left out to follow the prices).
DEFAULT_TOML_PARAMS = """\
[roads]
circuity = 1.3
speed_kmh = 40

[thermal]
ambient_c = 25
margin_c = 5

[planning]
lead_time_h = 4

[economics]
alloy_price_t = 20000
# energy and burn_loss are left out: they follow the gas, electricity and alloy prices
ingot = { furnace_depreciation = 50, labour = 50, sundries = 30 }
liquid = { holding = 70, equipment_depreciation = 50, burn_and_transport_30km = 350, \
special_vehicle = 100, sundries = 30 }
ingot_burn_rate = 0.02
liquid_burn_rate = 0.009
truck_cost_per_km = 8.0
truck_cost_per_h = 150.0

[emissions]
natural_gas_m3 = 2.16
grid_kwh = 0.5366
truck_km = 0.9
remelt_gas_m3_t = 80
remelt_kwh_t = 95
"""


# ----------------------------------------------------------------------------------------
# internal records
# ----------------------------------------------------------------------------------------
@dataclass
class _Smelter:
    sid: str
    name: str
    lat: float
    lon: float
    open: int
    close: int
    fill_min: int
    fill_bays: int
    alloys: list[str]


@dataclass
class _Caster:
    cid: str
    name: str
    lat: float
    lon: float
    open: int
    close: int
    min_pour_c: int
    unload_min: int
    home: int
    home_km: float
    alloys: list[str]
    orders_t: float = 0.0


@dataclass
class _Order:
    caster: int
    alloy: str
    tonnes: float
    start: int
    end: int
    placed: str
    source: int = -1
    road_km: float = 0.0


@dataclass
class _Draft:
    """Everything generated, before it is formatted into files."""

    name: str
    region: str
    smelters: list[_Smelter] = field(default_factory=list)
    casters: list[_Caster] = field(default_factory=list)
    orders: list[_Order] = field(default_factory=list)
    production: list[list[str]] = field(default_factory=list)
    fleet: list[list[str]] = field(default_factory=list)
    candidates: list[list[str]] = field(default_factory=list)


# ----------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------
def _hhmm(minutes: int) -> str:
    """Minutes from midnight as ``HH:MM`` (hours may pass 24)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _num(value: float, digits: int = 2) -> str:
    """A number without trailing zeros: ``12.0`` → ``12``, ``7.50`` → ``7.5``."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _offset(lat: float, lon: float, east_km: float, north_km: float) -> tuple[float, float]:
    """The point ``east_km``/``north_km`` from ``(lat, lon)`` (local flat approximation)."""
    new_lat = lat + north_km / 111.32
    new_lon = lon + east_km / (111.32 * math.cos(math.radians(lat)))
    return round(new_lat, 4), round(new_lon, 4)


def _trade_name(rng: np.random.Generator) -> str:
    """An invented two-syllable trade name, e.g. ``Hongli``."""
    head = _NAME_HEADS[int(rng.integers(len(_NAME_HEADS)))]
    return head + _NAME_TAILS[int(rng.integers(len(_NAME_TAILS)))]


def _csv(header: list[str], rows: list[list[str]]) -> str:
    """CSV text with ``\\n`` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _largest_remainder(weights: np.ndarray, total: int, minimum: int) -> list[int]:
    """Split ``total`` into integers proportional to ``weights``, each ≥ ``minimum``."""
    n = len(weights)
    base = [minimum] * n
    rest = total - minimum * n
    if rest <= 0:
        return base
    share = weights / weights.sum() * rest if weights.sum() > 0 else np.full(n, rest / n)
    floors = np.floor(share).astype(int)
    counts = [b + int(f) for b, f in zip(base, floors, strict=True)]
    left = total - sum(counts)
    for idx in np.argsort(-(share - floors), kind="stable")[:left]:
        counts[int(idx)] += 1
    return counts


# ----------------------------------------------------------------------------------------
# generation steps
# ----------------------------------------------------------------------------------------
def _place_smelters(
    rng: np.random.Generator, draft: _Draft, n: int, lat0: float, lon0: float
) -> None:
    width = max(2, len(str(n)))
    points: list[tuple[float, float]] = []
    for _ in range(n):
        for _attempt in range(200):  # keep smelters ≥ 12 km apart when the box allows it
            east, north = rng.uniform(-BOX_HALF_KM, BOX_HALF_KM, size=2)
            lat, lon = _offset(lat0, lon0, float(east), float(north))
            if not points:
                break
            lats, lons = np.array(points).T
            if haversine_km(lat, lon, lats, lons).min() >= 12.0:
                break
        points.append((lat, lon))
    for i, (lat, lon) in enumerate(points):
        alloys = ["ADC12"]
        if rng.random() < 0.5 or (i == 1 and n >= 2):
            alloys.append("A380")
        draft.smelters.append(
            _Smelter(
                sid=f"S{i + 1:0{width}d}",
                name=f"{_trade_name(rng)} Recycled Aluminium (synthetic)",
                lat=lat,
                lon=lon,
                open=int(rng.choice([4 * 60, 4 * 60, 5 * 60])),
                close=int(rng.choice([23 * 60, 24 * 60, 24 * 60, 26 * 60])),
                fill_min=int(rng.choice([12, 15, 15, 15, 18, 20, 25])),
                fill_bays=int(rng.choice([1, 2, 2, 3])),
                alloys=alloys,
            )
        )
    # speciality alloys: each at one smelter (structural, cylinder-head, wheel alloys)
    for alloy, needs in (("AlSi10MnMg", 3), ("ZL114A", 4), ("A356", 5)):
        if n >= needs:
            draft.smelters[int(rng.integers(n))].alloys.append(alloy)
    for smelter in draft.smelters:
        smelter.alloys = list(dict.fromkeys(smelter.alloys))


def _place_casters(rng: np.random.Generator, draft: _Draft, n: int) -> None:
    width = max(3, len(str(n)))
    weights = rng.dirichlet(np.full(len(draft.smelters), 2.0))
    homes = rng.choice(len(draft.smelters), size=n, p=weights)
    hours = ((0, 24 * 60), (6 * 60, 22 * 60), (7 * 60, 21 * 60))
    for i in range(n):
        home = draft.smelters[int(homes[i])]
        kind = rng.random()
        if kind < 0.10:
            dist = rng.uniform(2.0, 10.0)  # same industrial park
        elif kind < 0.90:
            dist = rng.triangular(10.0, 25.0, 60.0)
        else:
            dist = rng.uniform(60.0, 85.0)  # the far few: up to ~110 road km
        bearing = rng.uniform(0.0, 2 * math.pi)
        lat, lon = _offset(home.lat, home.lon, dist * math.sin(bearing), dist * math.cos(bearing))
        alloys = ["ADC12"] if rng.random() < 0.7 or len(home.alloys) == 1 else []
        others = [a for a in home.alloys if a != "ADC12"]
        if others and (not alloys or rng.random() < 0.3):
            alloys.append(others[int(rng.integers(len(others)))])
        open_, close = hours[int(rng.choice(3, p=[0.4, 0.4, 0.2]))]
        min_pour = int(rng.choice([670, 675, 680, 685, 690, 695, 700]))
        if dist > 60.0:  # a far caster takes cooler metal, so it stays well within reach
            min_pour = min(min_pour, 690)
        draft.casters.append(
            _Caster(
                cid=f"C{i + 1:0{width}d}",
                name=f"{_trade_name(rng)} {_CASTER_TRADES[int(rng.integers(len(_CASTER_TRADES)))]}"
                " (synthetic)",
                lat=lat,
                lon=lon,
                open=open_,
                close=close,
                min_pour_c=min_pour,
                unload_min=int(rng.choice([10, 12, 15, 15, 15, 18, 20, 25])),
                home=int(homes[i]),
                home_km=float(dist),
                alloys=alloys,
            )
        )


def _make_orders(
    rng: np.random.Generator, draft: _Draft, tonnes: float, plan_date: date, ladle_t: float
) -> None:
    n_orders = max(1, round(tonnes / 14.0))
    caster_w = rng.lognormal(0.0, 0.6, size=len(draft.casters))
    caster_w *= [0.5 if c.home_km > 60.0 else 1.0 for c in draft.casters]  # far: buy less
    picks = rng.choice(len(draft.casters), size=n_orders, p=caster_w / caster_w.sum())
    floor = min(3.0, 0.5 * tonnes / n_orders)
    raw = rng.gamma(2.5, 1.0, size=n_orders)
    sizes = floor + (tonnes - floor * n_orders) * raw / raw.sum()
    quantum = 0.5 if tonnes >= 20 * n_orders else 0.1
    rounded = [max(quantum, round(s / quantum) * quantum) for s in sizes]
    rounded[int(np.argmax(rounded))] += tonnes - sum(rounded)  # total exactly `tonnes`
    rounded = [round(x, 3) for x in rounded]
    # the larger orders go, roughly, to the farther casters: a long run for a part-load
    # would cost more than ingots (casters far away only buy liquid in volume)
    keys = [draft.casters[int(c)].home_km * rng.uniform(0.6, 1.4) for c in picks]
    by_key = sorted(range(n_orders), key=lambda i: keys[i])
    ranked = sorted(rounded)
    sized = [0.0] * n_orders
    for rank, i in enumerate(by_key):
        sized[i] = ranked[rank]
    eve = plan_date - timedelta(days=1)
    for c_idx, size in zip(picks, sized, strict=True):
        caster = draft.casters[int(c_idx)]
        day_lo, day_hi = max(DAY_START, caster.open), min(DAY_END, caster.close)
        ladles = math.ceil(size / ladle_t - 1e-9)
        min_len = int(np.clip(math.ceil(ladles * 15 / 30) * 30, 60, 240))
        length = int(rng.choice(np.arange(min_len, 241, 30)))
        length = min(length, day_hi - day_lo)
        start = day_lo + 15 * int(rng.integers(0, (day_hi - day_lo - length) // 15 + 1))
        placed_min = start - 240 - 15 * int(rng.integers(1, 9))
        if rng.random() < 0.12 and placed_min >= 5 * 60:
            placed = f"{plan_date.isoformat()}T{_hhmm(placed_min)}:00+08:00"
        else:
            placed = f"{eve.isoformat()}T{_hhmm(14 * 60 + 5 * int(rng.integers(0, 96)))}:00+08:00"
        alloy = caster.alloys[int(rng.integers(len(caster.alloys)))]
        draft.orders.append(_Order(int(c_idx), alloy, float(size), start, start + length, placed))
        caster.orders_t += size
    draft.orders.sort(key=lambda o: (o.start, o.caster, o.end, o.tonnes, o.alloy))


def _assign_sources(draft: _Draft) -> None:
    """Nearest smelter making each order's alloy (road km by haversine × circuity)."""
    lats = np.array([s.lat for s in draft.smelters])
    lons = np.array([s.lon for s in draft.smelters])
    cache: dict[int, np.ndarray] = {}
    for order in draft.orders:
        if order.caster not in cache:
            caster = draft.casters[order.caster]
            cache[order.caster] = haversine_km(caster.lat, caster.lon, lats, lons) * _CIRCUITY
        km = cache[order.caster]
        makers = [i for i, s in enumerate(draft.smelters) if order.alloy in s.alloys]
        best = min(makers, key=lambda i: (km[i], i))
        order.source, order.road_km = best, float(km[best])


def _size_production(rng: np.random.Generator, draft: _Draft) -> None:
    """Production per smelter and alloy: 1.3 × its demand, stock for the morning.

    Rates and stock stay within their plausible ranges (:data:`RATE_TPH_MAX`,
    :data:`STOCK_T_MAX`); a day concentrated on one smelter then runs short of metal.
    """
    draws: dict[tuple[int, str], list[tuple[int, float]]] = {}
    for order in draft.orders:
        draws.setdefault((order.source, order.alloy), []).append((order.end, order.tonnes))
    for i, smelter in enumerate(draft.smelters):
        hours = max(1.0, (min(smelter.close, DAY_END) - smelter.open) / 60)
        for alloy in smelter.alloys:
            drawn = sorted(draws.get((i, alloy), []))
            demand = sum(t for _, t in drawn)
            capacity = max(PRODUCTION_HEADROOM * demand, 20.0 if alloy == "ADC12" else 10.0)
            # at most the plausible limits (a day concentrated on one smelter runs short)
            rate = min(RATE_TPH_MAX, round(0.7 * capacity / hours, 1))
            stock = capacity - rate * hours
            cumulative = 0.0
            for deadline, tonnes in drawn:  # metal for each deadline 90 min ahead of it
                cumulative += tonnes
                made = rate * max(0.0, (deadline - 90 - smelter.open) / 60)
                stock = max(stock, MORNING_HEADROOM * cumulative - made)
            tap_min = 720 + 5 * int(rng.integers(5))
            tap_max = 790 + 5 * int(rng.integers(5))
            draft.production.append(
                [smelter.sid, alloy, _num(rate, 1), _num(min(STOCK_T_MAX, math.ceil(stock))),
                 str(tap_min), str(tap_max)]
            )  # fmt: skip


def _size_bays(draft: _Draft, ladle_t: float) -> None:
    """Raise ``fill_bays`` where the day's fills would keep the bays more than half busy.

    At most :data:`~logistics.network.model.FILL_BAYS_MAX`, the plausible limit.
    """
    fills = [0] * len(draft.smelters)
    for order in draft.orders:
        fills[order.source] += math.ceil(order.tonnes / ladle_t - 1e-9)
    for smelter, count in zip(draft.smelters, fills, strict=True):
        needed = math.ceil(count * smelter.fill_min / (0.5 * (smelter.close - smelter.open)))
        smelter.fill_bays = min(FILL_BAYS_MAX, max(smelter.fill_bays, needed))


def _truck_hours(draft: _Draft, ladle_t: float, avg_ladles: float) -> np.ndarray:
    """Estimated truck-hours per home smelter: fills, unloads and round trips."""
    hours = np.zeros(len(draft.smelters))
    for order in draft.orders:
        smelter = draft.smelters[order.source]
        caster = draft.casters[order.caster]
        ladles = math.ceil(order.tonnes / ladle_t - 1e-9)
        hours[order.source] += ladles / avg_ladles * 2 * order.road_km / _SPEED_KMH
        hours[order.source] += ladles * (smelter.fill_min + caster.unload_min) / 60
    return hours


def _make_fleet(
    rng: np.random.Generator, draft: _Draft, trucks: int | None, ladle_t: float
) -> None:
    patterns = [p for p, weight in SHIFT_PATTERNS for _ in range(weight)]
    avg_shift = float(np.mean([end - start for start, end in patterns])) / 60
    shares = sum(c.share for c in MIXED_FLEET)
    avg_ladles = sum(c.ladles * c.share for c in MIXED_FLEET) / shares
    needed = _truck_hours(draft, ladle_t, avg_ladles)
    if trucks is None:
        trucks = max(1, math.ceil(needed.sum() / (FLEET_UTILISATION * avg_shift)))
    minimum = 1 if trucks >= len(draft.smelters) else 0
    counts = _largest_remainder(needed, trucks, minimum)
    width = max(3, len(str(trucks)))
    t = 0
    for smelter, count in zip(draft.smelters, counts, strict=True):
        for _ in range(count):
            t += 1
            truck = draw_truck(rng, _TRUCK_COST_PER_KM, _TRUCK_COST_PER_H)
            start, end = patterns[int(rng.integers(len(patterns)))]
            draft.fleet.append(
                [f"T{t:0{width}d}", smelter.sid, str(truck.ladles), _num(truck.ladle_t),
                 _num(truck.tau_h), _hhmm(start), _hhmm(end), _num(truck.cost_per_km),
                 _num(truck.cost_per_h)]
            )  # fmt: skip


def _make_candidates(rng: np.random.Generator, draft: _Draft, lat0: float, lon0: float) -> None:
    n = max(8, len(draft.smelters))
    width = max(2, len(str(n)))
    alloys_made = list(dict.fromkeys(a for s in draft.smelters for a in s.alloys))
    for i in range(n):
        east, north = rng.uniform(-BOX_HALF_KM * 1.2, BOX_HALF_KM * 1.2, size=2)
        lat, lon = _offset(lat0, lon0, float(east), float(north))
        alloys = ["ADC12"]
        others = [a for a in alloys_made if a != "ADC12"]
        if others and rng.random() < 0.6:
            alloys.append(others[int(rng.integers(len(others)))])
        draft.candidates.append(
            [f"N{i + 1:0{width}d}", f"{_trade_name(rng)} Industrial Park (synthetic)",
             f"{lat:.4f}", f"{lon:.4f}", str(5_000_000 * int(rng.integers(16, 81))),
             _num(float(rng.integers(8, 25)) / 2), ";".join(alloys)]
        )  # fmt: skip


# ----------------------------------------------------------------------------------------
# output
# ----------------------------------------------------------------------------------------
def _render(draft: _Draft, plan_date: date, args: str) -> dict[str, str]:
    """The folder's files as text, keyed by file name."""
    toml = (
        "# Synthetic network written by `molten generate` "
        f"(logistics.network.synthetic.generate_network: {args}).\n"
        f"# Smelters around {draft.region}; names are invented. Parameters: the defaults.\n"
        f'name = "{draft.name}"\n'
        'timezone = "Asia/Shanghai"\n'
        f'plan_date = "{plan_date.isoformat()}"\n\n' + DEFAULT_TOML_PARAMS
    )
    smelters = _csv(
        ["smelter_id", "name", "lat", "lon", "open", "close", "fill_min", "fill_bays"],
        [
            [s.sid, s.name, f"{s.lat:.4f}", f"{s.lon:.4f}", _hhmm(s.open), _hhmm(s.close),
             str(s.fill_min), str(s.fill_bays)]
            for s in draft.smelters
        ],
    )  # fmt: skip
    casters = _csv(
        list(CASTER_COLUMNS),
        [
            [c.cid, c.name, f"{c.lat:.4f}", f"{c.lon:.4f}", _hhmm(c.open), _hhmm(c.close),
             str(c.min_pour_c), str(c.unload_min),
             _num(min(TONNES_MAX, max(5.0, 5 * round(c.orders_t / 5))), 0), ";".join(c.alloys)]
            for c in draft.casters
        ],
    )  # fmt: skip
    width = max(4, len(str(len(draft.orders))))
    orders = _csv(
        ["order_id", "caster_id", "alloy", "tonnes", "window_start", "window_end", "placed_at"],
        [
            [f"O{i:0{width}d}", draft.casters[o.caster].cid, o.alloy, _num(o.tonnes, 3),
             _hhmm(o.start), _hhmm(o.end), o.placed]
            for i, o in enumerate(draft.orders, start=1)
        ],
    )  # fmt: skip
    return {
        "network.toml": toml,
        "smelters.csv": smelters,
        "production.csv": _csv(
            ["smelter_id", "alloy", "rate_tph", "stock_t", "tap_min_c", "tap_max_c"],
            draft.production,
        ),
        "casters.csv": casters,
        "fleet.csv": _csv(
            list(FLEET_COLUMNS),
            draft.fleet,
        ),
        "orders.csv": orders,
        "candidates.csv": _csv(
            ["site_id", "name", "lat", "lon", "capex_cny", "rate_tph", "alloys"],
            draft.candidates,
        ),
    }


def _write_folder_atomically(out_dir: Path, files: dict[str, str], overwrite: bool) -> None:
    """Write all files into a new folder beside ``out_dir``, then swap it into place.

    Readers never see a half-written network: the folder appears (or is swapped) whole
    (:func:`logistics.runtime.atomic.write_folder`), with the user's umask (0755 under
    umask 022); a failure leaves the previous network as it was.
    """

    def fill(folder: Path) -> None:
        for name, text in files.items():
            with open(folder / name, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        # checked before too; a racing writer may have filled it since
        if not overwrite and out_dir.is_dir() and any(out_dir.iterdir()):
            raise FileExistsError(f"{out_dir} is not empty (use overwrite=True to replace it)")

    write_folder(out_dir, fill, tag="tmp")


def _check_sizes(smelters: int, casters: int, trucks: int | None, tonnes: float, seed: int) -> None:
    """Raise ``ValueError`` for a size, ``tonnes`` (t) or ``seed`` out of range."""
    if smelters < 1:
        raise ValueError(f"smelters must be at least 1 (got {smelters})")
    if casters < 1:
        raise ValueError(f"casters must be at least 1 (got {casters})")
    if trucks is not None and trucks < 1:
        raise ValueError(f"trucks must be at least 1 (got {trucks})")
    if not (math.isfinite(tonnes) and tonnes > 0):
        raise ValueError(f"tonnes must be a positive number (got {tonnes})")
    for per, count, what in (
        (MAX_TONNES_PER_SMELTER, smelters, "smelter"),
        (MAX_TONNES_PER_CASTER, casters, "caster"),
    ):
        if tonnes > per * count:
            raise ValueError(
                f"tonnes must be at most {per:,.0f} per {what} "
                f"({per * count:,.0f} for {count}; got {tonnes:,.0f})"
            )
    if seed < 0:
        raise ValueError(f"seed must be 0 or more (got {seed})")


def _check_out_dir(out_dir: Path, overwrite: bool) -> None:
    """Raise ``FileExistsError`` if ``out_dir`` is a file, or a non-empty folder and not
    ``overwrite``."""
    if out_dir.exists():
        if not out_dir.is_dir():
            raise FileExistsError(f"{out_dir} exists and is not a folder")
        if any(out_dir.iterdir()) and not overwrite:
            raise FileExistsError(f"{out_dir} is not empty (use overwrite=True to replace it)")


def _draft(
    smelters: int, casters: int, trucks: int | None, tonnes: float, seed: int, plan_date: date
) -> _Draft:
    """The network drawn from ``seed``: sites, orders (``tonnes`` in all, t), production,
    fleet and candidate sites, in the order the random numbers are drawn."""
    ladle_t = min(c.ladle_t for c in MIXED_FLEET)  # orders are counted in the smallest ladles
    rng = np.random.default_rng(seed)
    region, lat0, lon0 = REGION_CENTRES[int(rng.integers(len(REGION_CENTRES)))]
    draft = _Draft(name=f"synthetic-s{smelters}-c{casters}-seed{seed}", region=region)
    _place_smelters(rng, draft, smelters, lat0, lon0)
    _place_casters(rng, draft, casters)
    _make_orders(rng, draft, tonnes, plan_date, ladle_t)
    _assign_sources(draft)
    _size_production(rng, draft)
    _size_bays(draft, ladle_t)
    _make_fleet(rng, draft, trucks, ladle_t)
    _make_candidates(rng, draft, lat0, lon0)
    return draft


# ----------------------------------------------------------------------------------------
# public
# ----------------------------------------------------------------------------------------
def generate_network(
    out_dir: Path,
    *,
    smelters: int = 4,
    casters: int = 30,
    trucks: int | None = None,
    tonnes: float = 1000.0,
    seed: int = 0,
    plan_date: date = date(2026, 11, 23),
    overwrite: bool = False,
) -> Path:
    """Write a synthetic network folder of the given size.

    Parameters
    ----------
    out_dir : Path
        Folder to create. It must not exist or be empty, unless ``overwrite``.
    smelters : int, default 4
        Number of smelters (≥ 1).
    casters : int, default 30
        Number of die-casters (≥ 1).
    trucks : int or None, default None
        Number of trucks (≥ 1). ``None`` sizes the fleet from the orders: estimated
        truck-hours (fills, unloads and round trips at 40 km/h over road km =
        great-circle km × 1.3) are about 60 % of the hours in all shifts, enough to serve
        nearly every order.
    tonnes : float, default 1000.0
        Total tonnes ordered for the plan day (> 0, at most
        :data:`MAX_TONNES_PER_SMELTER` × ``smelters`` and :data:`MAX_TONNES_PER_CASTER`
        × ``casters``). Orders average about 14 t, so
        ``tonnes / 14`` orders are written; their sum equals ``tonnes``.
    seed : int, default 0
        Random seed (≥ 0). The same arguments always write the same bytes.
    plan_date : date, default 2026-11-23
        The plan day of the orders and of ``network.toml``.
    overwrite : bool, default False
        Replace an existing, non-empty ``out_dir``.

    Returns
    -------
    Path
        ``out_dir``.

    Raises
    ------
    ValueError
        A size, ``tonnes`` or ``seed`` out of range.
    FileExistsError
        ``out_dir`` is a file, or a non-empty folder and ``overwrite`` is false.
    """
    out_dir = Path(out_dir)
    _check_sizes(smelters, casters, trucks, tonnes, seed)
    _check_out_dir(out_dir, overwrite)
    draft = _draft(smelters, casters, trucks, float(tonnes), seed, plan_date)
    args = (
        f"smelters={smelters}, casters={casters}, trucks={trucks}, tonnes={_num(tonnes, 3)}, "
        f"seed={seed}"
    )
    _write_folder_atomically(out_dir, _render(draft, plan_date, args), overwrite)
    log.info(
        "generated %s: %d smelters, %d casters, %d trucks, %d orders, %.1f t in %s",
        draft.name,
        len(draft.smelters),
        len(draft.casters),
        len(draft.fleet),
        len(draft.orders),
        sum(o.tonnes for o in draft.orders),
        out_dir,
    )
    return out_dir
