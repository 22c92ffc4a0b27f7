"""Build the two regional sample networks: Pearl River Delta and Yangtze River Delta.

Run from the repository root::

    .venv/bin/python sample_networks/build_samples.py

The script is deterministic (fixed seeds, fixed formatting): running it twice writes
the same bytes. Sites sit at real town centres and industrial parks (coordinates to
three decimals, WGS84); every company name is invented. Orders, fleet and production
are sized so that most of a day's orders can be served, plus a handful of orders that
are deliberately unservable so that every unserved reason appears in a
demo (see ``sample_networks/README.md``). The script checks these properties with
assertions and prints a short summary per region.

Besides the standard library, numpy and geopy, the script uses the fleet rule of the
``molten generate`` generator (``logistics.network.synthetic``: truck classes and costs by
payload), so sample and generated fleets follow one rule. No network access.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from geopy.distance import geodesic

from logistics.network.synthetic import DEFAULT_TOML_PARAMS, MIXED_FLEET, TruckClass, draw_truck

HERE = Path(__file__).resolve().parent
PLAN_DATE = date(2026, 11, 23)
UTC_OFFSET = "+08:00"
#: Orders are spread over this part of the day (minutes from midnight).
DAY_START, DAY_END = 6 * 60, 22 * 60
#: Production is sized to this multiple of the demand a smelter is expected to serve.
PRODUCTION_HEADROOM = 1.3
#: Fleet is sized so that estimated truck-hours needed stay below this share of shifts.
FLEET_UTILISATION_TARGET = 0.60
#: Normal orders must be reachable with this share of the thermal hold limit to spare.
REACH_SAFETY = 0.80
#: An ordinary order counts as lidded-only when its drive plus this wait (a second stop,
#: a queue at the caster, a fill waiting for the second ladle) is longer than the older
#: ladles' hold limit at the hottest tap, hours.
LIDDED_ONLY_WAIT_H = 1.0
#: Normal orders must cost at most this much transport per tonne on a dedicated trip.
MAX_NORMAL_TRANSPORT_CNY_T = 400.0
#: Ingot route, CNY per tonne (the cost table of the Chinese industry reports): the ``cost``
#: order must exceed it.
INGOT_ROUTE_CNY_T = 930.0

#: Unserved reasons and the order-id tag that illustrates each one.
REASON_TAGS = {
    "LT": "lead_time",
    "TR": "thermal_reach",
    "NS": "no_source",
    "PR": "production",
    "WN": "window",
    "CO": "cost",
    "FL": "fleet",
}


# ----------------------------------------------------------------------------------------
# data types
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SmelterSpec:
    """One smelter: site, hours, filling, and the alloys it makes.

    ``fixed`` maps an alloy to ``(stock_t, rate_tph)`` when production is set by hand
    (the scarce alloy of the ``production`` demo); other alloys are sized from demand.
    """

    num: int
    name: str
    lat: float
    lon: float
    open: str
    close: str
    fill_min: int
    fill_bays: int
    alloys: tuple[str, ...]
    fixed: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class CasterSpec:
    """One die-caster; ``normal_t`` is the target of its generated (ordinary) orders."""

    num: int
    name: str
    lat: float
    lon: float
    open: str
    close: str
    alloys: tuple[str, ...]
    normal_t: float
    min_pour_c: int | None = None


@dataclass(frozen=True)
class SpecialOrder:
    """A hand-written order that illustrates one unserved reason (``tag`` in REASON_TAGS)."""

    tag: str
    caster: int
    alloy: str
    tonnes: float
    window: tuple[str, str]
    placed_at: str  # "D-1 HH:MM" (evening before) or "D HH:MM" (plan day)


@dataclass(frozen=True)
class Candidate:
    """A candidate site for a new smelter."""

    name: str
    lat: float
    lon: float
    capex_m_cny: int
    rate_tph: float
    alloys: tuple[str, ...]


@dataclass(frozen=True)
class Region:
    """Everything needed to write one sample network folder."""

    key: str
    prefix: str
    seed: int
    toml: str
    circuity: float
    speed_kmh: float
    ambient_c: float
    margin_c: float
    truck_cost_per_km: float
    truck_cost_per_h: float
    ladle_t: float  # orders are sized in whole ladles of this many tonnes
    fleet: tuple[TruckClass, ...]  # the mixed fleet's truck classes and their shares
    smelters: tuple[SmelterSpec, ...]
    casters: tuple[CasterSpec, ...]
    specials: tuple[SpecialOrder, ...]
    candidates: tuple[Candidate, ...]
    demand_scale: float = 1.0  # scales every caster's ordinary daily tonnes
    #: The smelters' ladle pool (``ladles.csv``): ladles per truck slot based at the
    #: smelter, and the share of those slots with a ladle hot at the start of the day.
    ladles_per_slot: float = 0.0
    hot_share: float = 0.0


@dataclass
class OrderRow:
    """A generated order with the bookkeeping used for checks and sizing."""

    order_id: str
    caster: CasterSpec
    alloy: str
    tonnes: float
    start: int
    end: int
    placed: str
    reason: str | None = None  # the unserved reason it illustrates, None for ordinary


# ----------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------
def hhmm(minutes: int) -> str:
    """Minutes from midnight of the plan date as ``HH:MM`` (hours may exceed 24)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def minutes_of(text: str) -> int:
    """``HH:MM`` as minutes from midnight."""
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def iso_placed(day_offset: int, minutes: int) -> str:
    """An ISO 8601 moment ``day_offset`` days from the plan date, with the +08:00 offset."""
    day = PLAN_DATE + timedelta(days=day_offset)
    return f"{day.isoformat()}T{hhmm(minutes)}:00{UTC_OFFSET}"


def num(value: float, digits: int = 2) -> str:
    """A number without trailing zeros (``12.0`` → ``12``, ``7.50`` → ``7.5``)."""
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def road_km(region: Region, a: tuple[float, float], b: tuple[float, float]) -> float:
    """Road km between two sites: geodesic km × circuity."""
    return geodesic(a, b).km * region.circuity


def hold_limit_h(tap_c: float, min_arrival_c: float, tau_h: float, ambient_c: float) -> float:
    """Longest hold (hours) before a ladle tapped at ``tap_c`` cools to ``min_arrival_c``."""
    return tau_h * math.log((tap_c - ambient_c) / (min_arrival_c - ambient_c))


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a UTF-8 CSV with ``\\n`` line ends, atomically (temp file, then replace)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_text(path, buffer.getvalue())


def write_text(path: Path, text: str) -> None:
    """Write text atomically: a temp file in the same folder, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these are shared data files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# Drivers' hours: the Chinese defaults of [drivers], written out.
DRIVERS_TOML = """
[drivers]
# China's rules for dangerous-goods drivers: 4 h driving, then a rest of >= 20 min;
# 8 h driving a day (a conservative limit where the law sets none). Every shift here
# (16-22 h) is longer than one driver's day, so a relief driver takes the truck over at
# the smelter when the driver on board has too little driving left for the next trip.
max_continuous_driving_h = 4.0
min_break_min = 20
max_daily_driving_h = 8.0
handover_at_smelter = true
"""


# ----------------------------------------------------------------------------------------
# Pearl River Delta
# ----------------------------------------------------------------------------------------
PRD_TOML = (
    """\
# Pearl River Delta: Guangdong's recycled-aluminium and die-casting cluster (Foshan,
# Zhaoqing, Qingyuan, Jiangmen, Guangzhou, Dongguan, Zhongshan, Shenzhen, Huizhou).
# Real town centres, invented company names; written by sample_networks/build_samples.py.
# Parameters are the defaults, written out (prices that follow other prices left out).
name = "pearl_river_delta"
timezone = "Asia/Shanghai"
plan_date = "2026-11-23"

"""
    + DEFAULT_TOML_PARAMS
    + DRIVERS_TOML
)

# fmt: off
PRD_SMELTERS = (
    SmelterSpec(1, "Nanhai Hongli Recycled Aluminium (Foshan Nanhai Dali)", 23.093, 113.117,
                "04:00", "24:00", 15, 3, ("ADC12", "A380")),
    SmelterSpec(2, "Lishui Xinghe Aluminium Alloy (Foshan Nanhai Lishui)", 23.200, 113.150,
                "05:00", "24:00", 18, 2, ("ADC12", "A380")),
    SmelterSpec(3, "Shishan Jinxin Recycled Metals (Foshan Nanhai Shishan)", 23.118, 113.012,
                "04:00", "23:00", 15, 2, ("ADC12",)),
    SmelterSpec(4, "Sihui Huilong Alloy (Zhaoqing Sihui)", 23.327, 112.734,
                "05:00", "24:00", 20, 2, ("ADC12", "ADC10", "A356")),
    SmelterSpec(5, "Qingcheng Fengyuan Recycled Aluminium (Qingyuan Qingcheng)", 23.682, 113.056,
                "05:00", "23:00", 18, 2, ("ADC12",)),
    SmelterSpec(6, "Heshan Yuecheng Alloy (Jiangmen Heshan)", 22.766, 112.962,
                "04:00", "24:00", 15, 2, ("ADC12", "A380")),
    SmelterSpec(7, "Huadu Jinhui Aluminium Alloy (Guangzhou Huadu)", 23.404, 113.220,
                "05:00", "24:00", 20, 1, ("ADC12", "ZL114A"), {"ZL114A": (15.0, 2.0)}),
    SmelterSpec(8, "Changping Dongyue Recycled Aluminium (Dongguan Changping)", 22.975, 114.005,
                "04:00", "26:00", 12, 3, ("ADC12", "A380", "AlSi10MnMg")),
    SmelterSpec(9, "Xiaolan Zhongtai Alloy (Zhongshan Xiaolan)", 22.672, 113.250,
                "04:00", "24:00", 15, 2, ("ADC12", "AlSi10MnMg")),
    SmelterSpec(10, "Pengcheng Recycled Aluminium (Huizhou Huiyang)", 22.800, 114.440,
                "04:00", "24:00", 15, 2, ("ADC12", "A380")),
)

A, A3, Z, S = "ADC12", "A380", "ZL114A", "AlSi10MnMg"
PRD_CASTERS = (
    CasterSpec(1, "Beijiao Precision Die Casting (Shunde Beijiao)", 22.924, 113.206,
               "00:00", "24:00", (A,), 44),
    CasterSpec(2, "Ronggui Appliance Die Castings (Shunde Ronggui)", 22.779, 113.274,
               "06:00", "22:00", (A,), 24),
    CasterSpec(3, "Lecong Hardware Castings (Shunde Lecong)", 22.962, 113.103,
               "06:00", "22:00", (A,), 26),
    CasterSpec(4, "Longjiang Furniture Fittings (Shunde Longjiang)", 22.873, 113.083,
               "07:00", "23:00", (A,), 16),
    CasterSpec(5, "Chencun Motor Housings (Shunde Chencun)", 22.969, 113.233,
               "00:00", "24:00", (A, A3), 36),
    CasterSpec(6, "Daliang Pump Castings (Shunde Daliang)", 22.840, 113.250,
               "06:00", "22:00", (A,), 20),
    CasterSpec(7, "Leliu Lighting Die Casting (Shunde Leliu)", 22.863, 113.162,
               "06:00", "22:00", (A,), 14),
    CasterSpec(8, "Jiujiang Sanitary Ware Castings (Nanhai Jiujiang)", 22.838, 113.033,
               "07:00", "22:00", (A,), 24),
    CasterSpec(9, "Xiqiao Textile Machinery Castings (Nanhai Xiqiao)", 22.935, 112.967,
               "06:00", "22:00", (A,), 20),
    CasterSpec(10, "Pingzhou Valve Die Casting (Nanhai Pingzhou)", 23.027, 113.172,
               "00:00", "24:00", (A,), 30),
    CasterSpec(11, "Danzao Auto Parts Die Casting (Nanhai Danzao)", 23.046, 112.899,
               "00:00", "24:00", (A, A3), 40),
    CasterSpec(12, "Xinan Electrical Castings (Foshan Sanshui)", 23.158, 112.895,
               "06:00", "22:00", (A, "A356"), 32),
    CasterSpec(13, "Gaoming Huatai Motor Parts (Foshan Gaoming)", 22.893, 112.892,
               "06:00", "22:00", (A, A3), 30),
    CasterSpec(14, "Kaifa Powertrain Castings (Guangzhou Development Zone, Huangpu)",
               23.170, 113.490, "00:00", "24:00", (A, Z), 20),
    CasterSpec(15, "Shiqiao Motorcycle Parts (Guangzhou Panyu)", 22.940, 113.360,
               "06:00", "22:00", (A, S), 26),
    CasterSpec(16, "Huangge Auto Body Castings (Guangzhou Nansha)", 22.812, 113.520,
               "00:00", "24:00", (S, A), 48),
    CasterSpec(17, "Xintang Motor Components (Guangzhou Zengcheng Xintang)", 23.130, 113.612,
               "06:00", "22:00", (A, Z), 16),
    CasterSpec(18, "Shiling Engine Castings (Guangzhou Huadu Shiling)", 23.460, 113.158,
               "00:00", "24:00", (Z,), 0),
    CasterSpec(19, "Mingzhu Cylinder Heads (Guangzhou Conghua)", 23.548, 113.587,
               "06:00", "22:00", (Z,), 0),
    CasterSpec(20, "Chang'an Electronics Die Casting (Dongguan Chang'an)", 22.805, 113.803,
               "00:00", "24:00", (A,), 20),
    CasterSpec(21, "Humen Hardware Castings (Dongguan Humen)", 22.820, 113.673,
               "06:00", "22:00", (A,), 14),
    CasterSpec(22, "Houjie Furniture Hardware (Dongguan Houjie)", 22.943, 113.672,
               "06:00", "22:00", (A,), 12),
    CasterSpec(23, "Dalang Knitting Machine Castings (Dongguan Dalang)", 22.938, 113.947,
               "06:00", "22:00", (A, A3), 12),
    CasterSpec(24, "Tangxia Telecom Housings (Dongguan Tangxia)", 22.805, 114.080,
               "00:00", "24:00", (A, A3), 10),
    CasterSpec(25, "Qingxi Precision Die Casting (Dongguan Qingxi)", 22.842, 114.160,
               "00:00", "24:00", (A,), 10),
    CasterSpec(26, "Fenggang Auto Parts Die Casting (Dongguan Fenggang)", 22.745, 114.140,
               "00:00", "24:00", (A, S), 10),
    CasterSpec(27, "Liaobu Electrical Castings (Dongguan Liaobu)", 22.975, 113.855,
               "06:00", "22:00", (A,), 12),
    CasterSpec(28, "Guzhen Lighting Die Casting (Zhongshan Guzhen)", 22.611, 113.190,
               "06:00", "22:00", (A,), 20),
    CasterSpec(29, "Torch Zone Electronics Castings (Zhongshan Torch Development Zone)",
               22.555, 113.470, "00:00", "24:00", (A, S, "A413"), 24),
    CasterSpec(30, "Nantou Appliance Castings (Zhongshan Nantou)", 22.722, 113.296,
               "06:00", "22:00", (A,), 20),
    CasterSpec(31, "Xinhui Motorcycle Castings (Jiangmen Xinhui)", 22.459, 113.034,
               "06:00", "22:00", (A, A3), 26),
    CasterSpec(32, "Pengjiang Sanitary Castings (Jiangmen Pengjiang)", 22.595, 113.078,
               "06:00", "22:00", (A, "AlMg5Si2Mn"), 18),
    CasterSpec(33, "Jianghai Auto Parts Die Casting (Jiangmen Jianghai)", 22.561, 113.110,
               "00:00", "24:00", (A, A3), 28),
    CasterSpec(34, "Kaiping Water Heater Castings (Jiangmen Kaiping)", 22.377, 112.698,
               "07:00", "21:00", (A,), 16),
    CasterSpec(35, "Taishan Motor Housings (Jiangmen Taishan)", 22.252, 112.794,
               "07:00", "21:00", (A, A3), 18),
    CasterSpec(36, "Duanzhou Electrical Castings (Zhaoqing Duanzhou)", 23.052, 112.472,
               "08:00", "20:00", (A, "ADC10"), 16),
    CasterSpec(37, "Dinghu Hardware Die Casting (Zhaoqing Dinghu)", 23.170, 112.567,
               "06:00", "22:00", (A, "ADC10"), 20),
    CasterSpec(38, "Shijiao Motorcycle Castings (Qingyuan Shijiao)", 23.570, 112.967,
               "06:00", "22:00", (A,), 20),
    CasterSpec(39, "Yingde Pump Castings (Qingyuan Yingde)", 24.185, 113.405,
               "07:00", "21:00", (A,), 18),
    CasterSpec(40, "Zhongkai Electronics Die Casting (Huizhou Zhongkai)", 23.040, 114.340,
               "00:00", "24:00", (A, S), 30),
    CasterSpec(41, "Danshui Auto Parts Castings (Huizhou Huiyang)", 22.790, 114.460,
               "06:00", "22:00", (A, A3), 24),
    CasterSpec(42, "Boluo Hardware Castings (Huizhou Boluo)", 23.172, 114.290,
               "06:00", "22:00", (A,), 14),
    CasterSpec(43, "Shajing Telecom Die Casting (Shenzhen Bao'an Shajing)", 22.730, 113.830,
               "00:00", "24:00", (A,), 16),
    CasterSpec(44, "Guangming Motor Castings (Shenzhen Guangming)", 22.750, 113.935,
               "06:00", "22:00", (A, A3), 14),
    CasterSpec(45, "Guanlan Precision Castings (Shenzhen Longhua Guanlan)", 22.718, 114.055,
               "06:00", "22:00", (A,), 12),
    CasterSpec(46, "Pingshan NEV Structural Castings (Shenzhen Pingshan)", 22.695, 114.350,
               "00:00", "24:00", (S, A), 40),
    CasterSpec(47, "Doumen Marine Hardware Castings (Zhuhai Doumen)", 22.210, 113.295,
               "07:00", "21:00", (A,), 14),
    CasterSpec(48, "Liangqing EV Parts Die Casting (Nanning Liangqing)", 22.760, 108.400,
               "06:00", "22:00", (A,), 0, 690),
    CasterSpec(49, "Enping Acoustic Castings (Jiangmen Enping)", 22.183, 112.305,
               "07:00", "21:00", (A,), 0, 680),
)

PRD_SPECIALS = (
    # lead_time: urgent calls placed the same morning, less than 4 h before window end
    SpecialOrder("LT", 1, A, 9, ("10:00", "12:00"), "D 09:15"),
    SpecialOrder("LT", 10, A, 12, ("15:00", "17:00"), "D 13:40"),
    # thermal_reach: Nanning is ~470 km (geodesic) from the nearest ADC12 smelter
    SpecialOrder("TR", 48, A, 12, ("09:00", "13:00"), "D-1 15:00"),
    SpecialOrder("TR", 48, A, 9, ("14:00", "18:00"), "D-1 15:05"),
    # no_source: alloys no smelter in the region makes
    SpecialOrder("NS", 29, "A413", 12, ("09:00", "12:00"), "D-1 16:20"),
    SpecialOrder("NS", 32, "AlMg5Si2Mn", 9, ("13:00", "16:00"), "D-1 17:45"),
    # production: ZL114A only at Huadu, 15 t stock + 2 t/h, against 69 t ordered
    SpecialOrder("PR", 19, Z, 15, ("09:00", "12:00"), "D-1 15:10"),
    SpecialOrder("PR", 18, Z, 21, ("13:00", "16:00"), "D-1 14:30"),
    SpecialOrder("PR", 17, Z, 15, ("14:00", "17:00"), "D-1 16:00"),
    SpecialOrder("PR", 14, Z, 18, ("16:00", "19:00"), "D-1 18:30"),
    # window: Duanzhou opens 08:00-20:00, the window is 04:00-05:00
    SpecialOrder("WN", 36, A, 9, ("04:00", "05:00"), "D-1 16:10"),
    # cost: 1.2 t at Enping, ~123 road km from the nearest ADC12 smelter (Heshan)
    SpecialOrder("CO", 49, A, 1.2, ("10:00", "13:00"), "D-1 17:00"),
    # fleet: a late 60 t burst inside one hour at one Dongguan-east caster
    SpecialOrder("FL", 24, A, 60, ("19:00", "20:00"), "D-1 19:30"),
)

PRD_CANDIDATES = (
    Candidate("Foshan Sanshui Industrial Park (Sanshui Xinan)", 23.190, 112.880, 150, 8,
              ("ADC12", "A356")),
    Candidate("Zhaoqing High-tech Zone (Dawang)", 23.290, 112.880, 120, 8, ("ADC12", "ADC10")),
    Candidate("Jiangmen Yinhu Bay (Xinhui Yamen)", 22.250, 113.080, 110, 6, ("ADC12", "A380")),
    Candidate("Zhongshan Torch Development Zone", 22.550, 113.470, 220, 10,
              ("ADC12", "AlSi10MnMg")),
    Candidate("Huizhou Zhongkai High-tech Zone", 23.040, 114.350, 180, 8,
              ("ADC12", "AlSi10MnMg")),
    Candidate("Dongguan Songshan Lake", 22.920, 113.890, 380, 10, ("ADC12", "A380")),
    Candidate("Guangzhou Nansha (Huangge auto park)", 22.810, 113.520, 320, 12,
              ("ADC12", "AlSi10MnMg", "ZL114A")),
    Candidate("Guangzhou Zengcheng (Xintang)", 23.140, 113.620, 260, 8, ("ADC12", "ZL114A")),
    Candidate("Nanning Liangqing Industrial Park", 22.765, 108.405, 90, 5, ("ADC12",)),
)
# fmt: on

PRD = Region(
    key="pearl_river_delta",
    prefix="PRD",
    seed=20261123,
    toml=PRD_TOML,
    circuity=1.3,
    speed_kmh=40.0,
    ambient_c=25.0,
    margin_c=5.0,
    truck_cost_per_km=8.0,
    truck_cost_per_h=150.0,
    ladle_t=3.0,
    fleet=MIXED_FLEET,
    smelters=PRD_SMELTERS,
    casters=PRD_CASTERS,
    specials=PRD_SPECIALS,
    candidates=PRD_CANDIDATES,
    ladles_per_slot=1.25,  # the pool binds: fewer hot ladles at dawn than truck slots
    hot_share=0.6,
)


# ----------------------------------------------------------------------------------------
# Yangtze River Delta
# ----------------------------------------------------------------------------------------
YRD_TOML = (
    """\
# Yangtze River Delta: southern Jiangsu, Shanghai and northern Zhejiang (Suzhou, Wuxi,
# Changzhou, Nantong, Shanghai, Jiaxing, Huzhou, Hangzhou, Shaoxing, Ningbo, Taizhou).
# Real town centres, invented company names; written by sample_networks/build_samples.py.
# Parameters differ from the built-in defaults on purpose (see sample_networks/README.md):
# denser expressways (circuity 1.25, 45 km/h), a colder late-November day (14 °C), a
# larger arrival margin (8 °C), dearer trucks and a slightly dearer alloy.
name = "yangtze_river_delta"
timezone = "Asia/Shanghai"
plan_date = "2026-11-23"

[roads]
circuity = 1.25
speed_kmh = 45

[thermal]
ambient_c = 14
margin_c = 8

[planning]
lead_time_h = 4

[economics]
alloy_price_t = 20500
ingot = { energy = 420, furnace_depreciation = 50, burn_loss = 410, labour = 60, sundries = 30 }
liquid = { holding = 75, equipment_depreciation = 55, burn_and_transport_30km = 355, \
special_vehicle = 100, sundries = 30 }
ingot_burn_rate = 0.02
liquid_burn_rate = 0.009
truck_cost_per_km = 8.5
truck_cost_per_h = 160.0
superheat_cost_per_c_t = 0.32

[emissions]
natural_gas_m3 = 2.16
grid_kwh = 0.5366
truck_km = 0.9
remelt_gas_m3_t = 80
remelt_kwh_t = 95
"""
    + DRIVERS_TOML
)

# fmt: off
YRD_SMELTERS = (
    SmelterSpec(1, "Yufeng Recycled Aluminium (Kunshan)", 31.385, 120.981,
                "04:00", "24:00", 15, 3, ("ADC12", "A380")),
    SmelterSpec(2, "Taihu Alloy (Suzhou Wujiang Songling)", 31.160, 120.645,
                "05:00", "24:00", 18, 2, ("ADC12",)),
    SmelterSpec(3, "Xinda Aluminium (Wuxi Huishan)", 31.680, 120.300,
                "05:00", "24:00", 20, 2, ("ADC12", "ZL114A"), {"ZL114A": (12.0, 2.0)}),
    SmelterSpec(4, "Jinlong Recycled Metals (Changzhou Wujin)", 31.710, 119.945,
                "04:00", "26:00", 15, 2, ("ADC12", "AlSi10MnMg")),
    SmelterSpec(5, "Haiwan Alloy (Jiaxing Pinghu)", 30.700, 121.015,
                "04:00", "24:00", 16, 2, ("ADC12", "A380", "AlSi10MnMg")),
    SmelterSpec(6, "Hangzhouwan Recycled Aluminium (Ningbo Cixi)", 30.170, 121.265,
                "04:00", "26:00", 14, 3, ("ADC12", "A380", "ADC10")),
    SmelterSpec(7, "Donghai Alloy (Taizhou Wenling)", 28.372, 121.386,
                "05:00", "23:00", 18, 2, ("ADC12", "A380")),
)

YRD_CASTERS = (
    CasterSpec(1, "SIP Precision Castings (Suzhou Industrial Park)", 31.318, 120.720,
               "00:00", "24:00", (A, A3), 30),
    CasterSpec(2, "Xiangcheng Electrical Die Casting (Suzhou Xiangcheng)", 31.370, 120.640,
               "06:00", "22:00", (A,), 20),
    CasterSpec(3, "Wuzhong Appliance Castings (Suzhou Wuzhong)", 31.265, 120.630,
               "06:00", "22:00", (A,), 18),
    CasterSpec(4, "Huqiu Motor Housings (Suzhou New District)", 31.300, 120.560,
               "00:00", "24:00", (A,), 28),
    CasterSpec(5, "Changshu Auto Parts Die Casting (Changshu)", 31.650, 120.750,
               "06:00", "22:00", (A, Z), 24),
    CasterSpec(6, "Zhangjiagang Pump Castings (Zhangjiagang)", 31.875, 120.555,
               "06:00", "22:00", (A, Z), 20),
    CasterSpec(7, "Taicang Precision Die Casting (Taicang)", 31.458, 121.130,
               "00:00", "24:00", (A, A3), 28),
    CasterSpec(8, "Qiandeng Hardware Castings (Kunshan Qiandeng)", 31.265, 120.965,
               "06:00", "22:00", (A,), 22),
    CasterSpec(9, "Shengze Textile Machinery Castings (Suzhou Wujiang Shengze)", 30.912, 120.650,
               "06:00", "22:00", (A,), 16),
    CasterSpec(10, "Xinwu Electronics Die Casting (Wuxi Xinwu)", 31.545, 120.365,
               "00:00", "24:00", (A, Z), 28),
    CasterSpec(11, "Jiangyin Engine Castings (Wuxi Jiangyin)", 31.910, 120.285,
               "00:00", "24:00", (Z,), 0),
    CasterSpec(12, "Yixing Motor Castings (Wuxi Yixing)", 31.360, 119.820,
               "06:00", "22:00", (A,), 20),
    CasterSpec(13, "Xinbei Cylinder Head Castings (Changzhou Xinbei)", 31.830, 119.975,
               "00:00", "24:00", (A, Z), 20),
    CasterSpec(14, "Jintan Auto Parts (Changzhou Jintan)", 31.725, 119.590,
               "06:00", "22:00", (A, S), 22),
    CasterSpec(15, "Liyang Motor Housings (Changzhou Liyang)", 31.420, 119.480,
               "06:00", "22:00", (A,), 16),
    CasterSpec(16, "Danyang Auto Lamp Castings (Zhenjiang Danyang)", 32.000, 119.590,
               "06:00", "22:00", (A,), 18),
    CasterSpec(17, "Chongchuan Electrical Castings (Nantong)", 31.985, 120.895,
               "06:00", "22:00", (A, A3), 20),
    CasterSpec(18, "Haimen Motor Castings (Nantong Haimen)", 31.870, 121.180,
               "06:00", "22:00", (A,), 16),
    CasterSpec(19, "Anting Auto Parts Die Casting (Shanghai Jiading Anting)", 31.290, 121.160,
               "00:00", "24:00", (A, A3, "AlMg5Si2Mn"), 36),
    CasterSpec(20, "Jiading Electronics Castings (Shanghai Jiading)", 31.380, 121.250,
               "06:00", "22:00", (A,), 20),
    CasterSpec(21, "Songjiang Precision Castings (Shanghai Songjiang)", 31.032, 121.228,
               "00:00", "24:00", (A, A3), 26),
    CasterSpec(22, "Qingpu Die Casting (Shanghai Qingpu)", 31.150, 121.120,
               "06:00", "22:00", (A,), 18),
    CasterSpec(23, "Lingang Structural Castings (Shanghai Lingang)", 30.900, 121.930,
               "00:00", "24:00", (S, A), 40),
    CasterSpec(24, "Jinshan Chemical Pump Castings (Shanghai Jinshan)", 30.742, 121.342,
               "06:00", "22:00", (A,), 18),
    CasterSpec(25, "Xinzhuang Compressor Castings (Shanghai Minhang)", 31.112, 121.385,
               "00:00", "24:00", (A, "A413"), 28),
    CasterSpec(26, "Jiashan Electrical Castings (Jiaxing Jiashan)", 30.840, 120.925,
               "06:00", "22:00", (A,), 18),
    CasterSpec(27, "Haiyan Fastener Die Casting (Jiaxing Haiyan)", 30.525, 120.945,
               "06:00", "22:00", (A,), 16),
    CasterSpec(28, "Tongxiang Motor Castings (Jiaxing Tongxiang)", 30.632, 120.565,
               "06:00", "22:00", (A, A3), 20),
    CasterSpec(29, "Nanhu Precision Castings (Jiaxing Nanhu)", 30.750, 120.760,
               "08:00", "20:00", (A,), 16),
    CasterSpec(30, "Wuxing Hardware Die Casting (Huzhou Wuxing)", 30.870, 120.095,
               "06:00", "22:00", (A,), 18),
    CasterSpec(31, "Changxing Battery Housing Castings (Huzhou Changxing)", 31.010, 119.910,
               "06:00", "22:00", (A, S), 24),
    CasterSpec(32, "Linping Motor Castings (Hangzhou Linping)", 30.420, 120.300,
               "06:00", "22:00", (A, A3), 24),
    CasterSpec(33, "Keqiao Textile Machinery Castings (Shaoxing Keqiao)", 30.085, 120.495,
               "06:00", "22:00", (A,), 16),
    CasterSpec(34, "Shangyu Fan Castings (Shaoxing Shangyu)", 30.030, 120.870,
               "06:00", "22:00", (A,), 16),
    CasterSpec(35, "Yuyao Appliance Die Casting (Ningbo Yuyao)", 30.040, 121.155,
               "00:00", "24:00", (A, A3), 30),
    CasterSpec(36, "Zhenhai Valve Castings (Ningbo Zhenhai)", 29.950, 121.715,
               "00:00", "24:00", (A,), 16),
    CasterSpec(37, "Beilun Auto Parts Die Casting (Ningbo Beilun)", 29.900, 121.845,
               "00:00", "24:00", (A, A3), 20),
    CasterSpec(38, "Yinzhou Motor Castings (Ningbo Yinzhou)", 29.820, 121.550,
               "00:00", "24:00", (A, "ADC10"), 20),
    CasterSpec(39, "Fenghua Pneumatic Castings (Ningbo Fenghua)", 29.660, 121.410,
               "06:00", "22:00", (A,), 16),
    CasterSpec(40, "Yuhuan Auto Parts Castings (Taizhou Yuhuan)", 28.135, 121.232,
               "06:00", "22:00", (A, A3), 26),
    CasterSpec(41, "Luqiao Motorcycle Castings (Taizhou Luqiao)", 28.580, 121.375,
               "06:00", "22:00", (A,), 22),
    CasterSpec(42, "Huangyan Mould and Die Casting (Taizhou Huangyan)", 28.650, 121.260,
               "06:00", "22:00", (A,), 16),
    CasterSpec(43, "Linhai Lighting Castings (Taizhou Linhai)", 28.850, 121.140,
               "06:00", "22:00", (A,), 16),
    CasterSpec(44, "Liushi Electrical Castings (Wenzhou Yueqing)", 28.120, 120.960,
               "06:00", "22:00", (A, A3), 22),
    CasterSpec(45, "Zhuankou EV Motor Housings (Wuhan Economic Development Zone)", 30.500, 114.160,
               "00:00", "24:00", (A3,), 0, 700),
    CasterSpec(46, "Jiyang Hardware Castings (Shaoxing Zhuji)", 29.715, 120.245,
               "07:00", "21:00", (A,), 0, 680),
)

YRD_SPECIALS = (
    SpecialOrder("LT", 7, A, 12, ("10:00", "12:00"), "D 08:50"),
    SpecialOrder("LT", 1, A, 8, ("14:30", "16:30"), "D 13:05"),
    SpecialOrder("TR", 45, A3, 16, ("09:00", "13:00"), "D-1 15:20"),
    SpecialOrder("TR", 45, A3, 12, ("14:00", "18:00"), "D-1 15:25"),
    SpecialOrder("NS", 25, "A413", 12, ("09:00", "12:00"), "D-1 16:40"),
    SpecialOrder("NS", 19, "AlMg5Si2Mn", 8, ("13:00", "16:00"), "D-1 18:10"),
    SpecialOrder("PR", 13, Z, 16, ("09:00", "12:00"), "D-1 15:30"),
    SpecialOrder("PR", 11, Z, 20, ("13:00", "16:00"), "D-1 14:00"),
    SpecialOrder("PR", 5, Z, 12, ("15:00", "18:00"), "D-1 17:20"),
    SpecialOrder("PR", 6, Z, 12, ("16:00", "19:00"), "D-1 18:45"),
    SpecialOrder("WN", 29, A, 8, ("04:30", "05:30"), "D-1 17:20"),
    SpecialOrder("CO", 46, A, 1.0, ("10:00", "13:00"), "D-1 16:50"),
    SpecialOrder("FL", 37, A, 56, ("19:00", "20:00"), "D-1 19:10"),
)

YRD_CANDIDATES = (
    Candidate("Jiaxing Port Zone (Pinghu Zhapu)", 30.610, 121.090, 140, 8, ("ADC12", "A380")),
    Candidate("Hangzhou Bay New Zone (Ningbo Cixi)", 30.300, 121.200, 200, 10,
              ("ADC12", "AlSi10MnMg")),
    Candidate("Nantong Economic and Technological Development Zone", 31.950, 120.960, 160, 8,
              ("ADC12", "A380")),
    Candidate("Shanghai Lingang Special Area", 30.900, 121.920, 400, 12,
              ("ADC12", "AlSi10MnMg")),
    Candidate("Shanghai Jiading (Anting)", 31.290, 121.170, 360, 10, ("ADC12", "A380")),
    Candidate("Suzhou Industrial Park (east)", 31.320, 120.760, 300, 10, ("ADC12", "A380")),
    Candidate("Huzhou Changxing Economic Development Zone", 31.020, 119.910, 100, 6,
              ("ADC12", "AlSi10MnMg")),
    Candidate("Shaoxing Shangyu Economic Development Zone", 30.040, 120.870, 130, 8,
              ("ADC12",)),
    Candidate("Ningbo Beilun (Xiaogang)", 29.900, 121.840, 170, 8, ("ADC12", "A380")),
    Candidate("Wuhan Economic Development Zone (Zhuankou)", 30.495, 114.165, 150, 6,
              ("A380", "ADC12")),
)
# fmt: on

#: The YRD fleet carries mostly 4 t ladles, as its casters order in 4 t ladles.
YRD_FLEET = (
    TruckClass("older truck, two open 4 t ladles", 2, 4.0, (25.0, 27.5, 30.0), 0.35),
    TruckClass("newer truck, two lidded 4 t ladles", 2, 4.0, (45.0, 50.0, 55.0, 60.0), 0.45),
    TruckClass("newer truck, three lidded 3 t ladles", 3, 3.0, (55.0, 60.0, 65.0, 70.0), 0.20),
)

YRD = Region(
    demand_scale=1.15,
    key="yangtze_river_delta",
    prefix="YRD",
    seed=20261124,
    toml=YRD_TOML,
    circuity=1.25,
    speed_kmh=45.0,
    ambient_c=14.0,
    margin_c=8.0,
    truck_cost_per_km=8.5,
    truck_cost_per_h=160.0,
    ladle_t=4.0,
    fleet=YRD_FLEET,
    smelters=YRD_SMELTERS,
    casters=YRD_CASTERS,
    specials=YRD_SPECIALS,
    candidates=YRD_CANDIDATES,
    ladles_per_slot=2.0,  # an ample pool: every slot has a hot ladle and a cold spare
    hot_share=1.0,
)

#: Truck shift patterns (start, end) and how often each occurs. Every shift is longer than
#: one driver's day (8 h of driving), so the trucks change drivers at the smelter
#: (``handover_at_smelter = true`` in ``DRIVERS_TOML``).
SHIFT_PATTERNS = (
    (("05:00", "21:00"), 4),
    (("06:00", "22:00"), 2),
    (("04:00", "26:00"), 3),
    (("08:00", "24:00"), 1),
)


# ----------------------------------------------------------------------------------------
# building one region
# ----------------------------------------------------------------------------------------
class Builder:
    """Generates, checks and writes one region."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self.rng = np.random.default_rng(region.seed)
        self.smelter_ids = {s.num: f"{region.prefix}-S{s.num:02d}" for s in region.smelters}
        self.caster_ids = {c.num: f"{region.prefix}-C{c.num:02d}" for c in region.casters}
        self.casters = {c.num: c for c in region.casters}
        self.taps: dict[tuple[int, str], tuple[int, int]] = {}
        for smelter in region.smelters:
            for alloy in smelter.alloys:
                tap_min = int(self.rng.choice([720, 725, 730, 735, 740]))
                tap_max = int(self.rng.choice([790, 795, 800, 805, 810]))
                self.taps[(smelter.num, alloy)] = (tap_min, tap_max)
        self.min_pour = {
            c.num: c.min_pour_c
            if c.min_pour_c is not None
            else int(self.rng.choice([670, 675, 680, 680, 685, 690, 690, 695, 700]))
            for c in region.casters
        }
        self.unload = {
            c.num: int(self.rng.choice([10, 12, 12, 15, 15, 15, 18, 20, 25]))
            for c in region.casters
        }
        #: the planner cuts orders into ladle jobs of the fleet's smallest ladle
        self.job_t = min(c.ladle_t for c in region.fleet)
        self.orders: list[OrderRow] = []
        self.trucks: list[list[str]] = []
        self.production: list[list[str]] = []

    # -- geometry ---------------------------------------------------------------------
    def sources(self, alloy: str) -> list[SmelterSpec]:
        """Smelters that make ``alloy``."""
        return [s for s in self.region.smelters if alloy in s.alloys]

    def dist(self, smelter: SmelterSpec, caster: CasterSpec) -> float:
        """Road km between a smelter and a caster."""
        return road_km(self.region, (smelter.lat, smelter.lon), (caster.lat, caster.lon))

    def nearest_source(self, alloy: str, caster: CasterSpec) -> tuple[SmelterSpec, float] | None:
        """The nearest smelter that makes ``alloy`` and its road km, or None."""
        options = [(self.dist(s, caster), s.num, s) for s in self.sources(alloy)]
        if not options:
            return None
        km, _, smelter = min(options)
        return smelter, km

    def reach_h(self, smelter: SmelterSpec, alloy: str, caster: CasterSpec, tau: float) -> float:
        """Hold limit (h) from this smelter's hottest tap to the caster's arrival minimum."""
        r = self.region
        return hold_limit_h(
            self.taps[(smelter.num, alloy)][1],
            self.min_pour[caster.num] + r.margin_c,
            tau,
            r.ambient_c,
        )

    def dedicated_cost_per_t(self, order: OrderRow, smelter: SmelterSpec, km: float) -> float:
        """Transport CNY/t if the order is carried alone on 2-ladle trucks."""
        r = self.region
        ladles = math.ceil(order.tonnes / r.ladle_t - 1e-9)
        trips = math.ceil(ladles / 2)
        per_ladle_h = (smelter.fill_min + self.unload[order.caster.num]) / 60.0
        hours = trips * 2 * km / r.speed_kmh + ladles * per_ladle_h
        cost = trips * 2 * km * r.truck_cost_per_km + hours * r.truck_cost_per_h
        return cost / order.tonnes

    # -- orders -----------------------------------------------------------------------
    def normal_orders(self) -> None:
        """Ordinary orders: each caster's day split into 1–4 orders with 1–4 h windows."""
        r, rng = self.region, self.rng
        for caster in r.casters:
            if caster.normal_t <= 0:
                continue
            alloys = [a for a in caster.alloys if self.sources(a) and not self._special_alloy(a)]
            primary = alloys[0]
            source = self.nearest_source(primary, caster)
            assert source is not None
            far = source[1] > 60.0
            total = caster.normal_t * r.demand_scale * rng.uniform(0.85, 1.15)
            k = int(np.clip(round(total / 14.0), 1, 4))
            weights = rng.dirichlet(np.full(k, 4.0))
            load = 2 * r.ladle_t
            day_start = max(DAY_START, minutes_of(caster.open))
            day_end = min(DAY_END, minutes_of(caster.close))
            slot = (day_end - day_start) / k
            for i in range(k):
                raw = total * weights[i]
                if far:  # full truck loads keep long runs worth it
                    tonnes = max(load, round(raw / load) * load)
                elif rng.random() < 0.6:  # ordered by the ladle
                    tonnes = max(2 * r.ladle_t, round(raw / r.ladle_t) * r.ladle_t)
                else:
                    tonnes = max(4.5, round(raw * 2) / 2)
                ladles = math.ceil(tonnes / r.ladle_t - 1e-9)
                min_len = int(np.clip(math.ceil(ladles * 15 / 30) * 30, 60, 240))
                length = int(rng.choice(np.arange(min_len, 241, 30)))
                lo = day_start + int(i * slot)
                hi = min(day_start + int((i + 1) * slot), day_end) - length
                if hi < lo:
                    lo = hi = max(day_start, day_end - length)
                start = lo + 15 * int(rng.integers(0, (hi - lo) // 15 + 1))
                alloy = primary
                if len(alloys) > 1 and rng.random() < 0.35:
                    alloy = alloys[1 + int(rng.integers(0, len(alloys) - 1))]
                self.orders.append(
                    OrderRow("", caster, alloy, float(tonnes), start, start + length,
                             self._placed_normal(start))
                )  # fmt: skip

    def _special_alloy(self, alloy: str) -> bool:
        """Alloys only ordered by hand-written orders (the scarce one)."""
        return any(alloy in s.fixed for s in self.region.smelters)

    def _placed_normal(self, start: int) -> str:
        """Mostly the evening before; some the same morning, still ≥ 4 h before the window."""
        rng = self.rng
        if rng.random() < 0.12:
            placed = start - 240 - 15 * int(rng.integers(1, 9))
            if 5 * 60 <= placed <= 11 * 60:
                return iso_placed(0, placed)
        return iso_placed(-1, 14 * 60 + 5 * int(rng.integers(0, 94)))

    def special_orders(self) -> None:
        """The hand-written orders that illustrate each unserved reason."""
        for sp in self.region.specials:
            day, clock = sp.placed_at.split()
            placed = iso_placed(-1 if day == "D-1" else 0, minutes_of(clock))
            self.orders.append(
                OrderRow("", self.casters[sp.caster], sp.alloy, float(sp.tonnes),
                         minutes_of(sp.window[0]), minutes_of(sp.window[1]), placed,
                         REASON_TAGS[sp.tag])
            )  # fmt: skip

    def number_orders(self) -> None:
        """Sort ordinary orders by window and number them; tag the special ones."""
        p = self.region.prefix
        normal = sorted(
            (o for o in self.orders if o.reason is None),
            key=lambda o: (o.start, o.caster.num, o.end, o.tonnes),
        )
        for i, order in enumerate(normal, start=1):
            order.order_id = f"{p}-O{i:03d}"
        counters: dict[str, int] = defaultdict(int)
        tags = {v: k for k, v in REASON_TAGS.items()}
        for order in self.orders:
            if order.reason is not None:
                tag = tags[order.reason]
                counters[tag] += 1
                order.order_id = f"{p}-{tag}{counters[tag]}"
        self.orders = normal + [o for o in self.orders if o.reason is not None]

    # -- sizing -----------------------------------------------------------------------
    def served_from(self) -> dict[str, tuple[SmelterSpec, float]]:
        """Each order that has a source: its nearest source and the road km."""
        out = {}
        for order in self.orders:
            src = self.nearest_source(order.alloy, order.caster)
            if src is not None:
                out[order.order_id] = src
        return out

    def size_production(self) -> None:
        """Stock and rate per smelter and alloy: 1.3 × the demand expected to draw on it.

        Each order's tonnes are shared among the sources within 20 road km of its nearest
        one (weight 1/(km + 5)²), so neighbouring smelters split a cluster's demand. A
        smelter releases at least 40 t of its main alloy and 12 t of any other.
        """
        # (deadline minute, tonnes) drawn on each smelter and alloy
        draws: dict[tuple[int, str], list[tuple[int, float]]] = defaultdict(list)
        for order in self.orders:
            if order.reason not in (None, "fleet"):
                continue
            options = [(self.dist(s, order.caster), s.num) for s in self.sources(order.alloy)]
            near = min(km for km, _ in options)
            close = [(km, k) for km, k in options if km <= near + 20.0]
            weights = [1.0 / (km + 5.0) ** 2 for km, _ in close]
            for (_, k), w in zip(close, weights, strict=True):
                draws[(k, order.alloy)].append((order.end, order.tonnes * w / sum(weights)))
        rows = []
        for smelter in self.region.smelters:
            opens = minutes_of(smelter.open)
            hours = (min(minutes_of(smelter.close), DAY_END) - opens) / 60
            for alloy in smelter.alloys:
                if alloy in smelter.fixed:
                    stock, rate = smelter.fixed[alloy]
                else:
                    drawn = sorted(draws[(smelter.num, alloy)])
                    demand = sum(t for _, t in drawn)
                    floor = 40.0 if alloy == smelter.alloys[0] else 12.0
                    capacity = max(PRODUCTION_HEADROOM * demand, floor)
                    rate = min(round(0.7 * capacity / hours, 1), 15.0)  # ≤ two furnace lines
                    # stock covers the morning: metal for every deadline 90 min ahead of it
                    stock = max(6.0, capacity - rate * hours)
                    cumulative = 0.0
                    for deadline, tonnes in drawn:
                        cumulative += tonnes
                        made = rate * max(0.0, (deadline - 90 - opens) / 60)
                        stock = max(stock, PRODUCTION_HEADROOM * cumulative - made)
                    stock = float(math.ceil(stock))
                    assert stock <= 130, (smelter.name, alloy, stock)  # bath 50–130 t
                tap_min, tap_max = self.taps[(smelter.num, alloy)]
                rows.append([self.smelter_ids[smelter.num], alloy, num(rate), num(stock),
                             str(tap_min), str(tap_max)])  # fmt: skip
        self.production = rows

    def needed_hours(self) -> tuple[dict[int, float], float]:
        """Estimated truck-hours per home smelter for every order that has a source.

        A trip is fill (ladles × fill_min) + road time out + unload + empty return; trips
        carry the fleet's average number of ladles.
        """
        r = self.region
        avg_ladles = sum(c.ladles * c.share for c in r.fleet) / sum(c.share for c in r.fleet)
        src = self.served_from()
        per_smelter: dict[int, float] = defaultdict(float)
        for order in self.orders:
            if order.order_id not in src or order.reason in ("window", "lead_time"):
                continue
            smelter, km = src[order.order_id]
            if order.reason == "thermal_reach":
                continue
            ladles = math.ceil(order.tonnes / self.job_t - 1e-9)
            trips = ladles / avg_ladles
            hours = trips * 2 * km / r.speed_kmh
            hours += ladles * (smelter.fill_min + self.unload[order.caster.num]) / 60
            per_smelter[smelter.num] += hours
        return per_smelter, sum(per_smelter.values())

    def size_fleet(self) -> None:
        """Enough trucks that the estimated truck-hours are ≤ ~60 % of shift hours."""
        r, rng = self.region, self.rng
        per_smelter, needed = self.needed_hours()
        patterns = [p for p, weight in SHIFT_PATTERNS for _ in range(weight)]
        avg_shift = np.mean([minutes_of(b) - minutes_of(a) for a, b in patterns]) / 60
        n = max(30, math.ceil(needed / (FLEET_UTILISATION_TARGET * avg_shift)))
        # homes: largest remainder over the needed hours, at least two per smelter
        nums = [s.num for s in r.smelters]
        share = np.array([per_smelter[k] for k in nums]) / needed * (n - 2 * len(nums))
        homes = {k: 2 + math.floor(x) for k, x in zip(nums, share, strict=True)}
        rest = n - sum(homes.values())
        for idx in np.argsort(-(share - np.floor(share)), kind="stable")[:rest]:
            homes[nums[int(idx)]] += 1
        rows = []
        t = 0
        for k in nums:
            for _ in range(homes[k]):
                t += 1
                truck = draw_truck(rng, r.truck_cost_per_km, r.truck_cost_per_h, r.fleet)
                start, end = patterns[int(rng.integers(0, len(patterns)))]
                rows.append([f"{r.prefix}-T{t:02d}", self.smelter_ids[k], str(truck.ladles),
                             num(truck.ladle_t), num(truck.tau_h), start, end,
                             num(truck.cost_per_km), num(truck.cost_per_h)])  # fmt: skip
        self.trucks = rows

    # -- checks -----------------------------------------------------------------------
    def check(self) -> dict[str, float]:
        """Assert the properties the README promises; return summary figures."""
        r = self.region
        taus = sorted({tau for c in r.fleet for tau in c.tau_h})
        ids = [o.order_id for o in self.orders]
        lidded_only = 0  # ordinary orders only the better-insulated ladles reach
        assert len(ids) == len(set(ids)), "duplicate order ids"
        for order in self.orders:
            assert order.end > order.start and order.tonnes > 0
            caster = order.caster
            src = self.nearest_source(order.alloy, caster)
            c_open, c_close = minutes_of(caster.open), minutes_of(caster.close)
            placed_day, placed_clock = order.placed.split("T")
            placed_min = minutes_of(placed_clock[:5]) + (
                0 if placed_day == PLAN_DATE.isoformat() else -24 * 60
            )
            lead_ok = placed_min + 240 <= order.end
            reach = {
                tau: [
                    (self.dist(s, caster), self.reach_h(s, order.alloy, caster, tau))
                    for s in self.sources(order.alloy)
                ]
                for tau in taus
            }
            if order.reason is None or order.reason in ("production", "fleet"):
                assert src is not None, order
                assert lead_ok and c_open <= order.start and order.end <= c_close, order
                assert placed_min + 240 <= order.start, order
                km = src[1]
                best = max(self.reach_h(src[0], order.alloy, caster, tau) for tau in taus)
                worst = min(self.reach_h(src[0], order.alloy, caster, tau) for tau in taus)
                assert km / r.speed_kmh <= REACH_SAFETY * best, (order, km, best)
                lidded_only += km / r.speed_kmh + LIDDED_ONLY_WAIT_H > worst
                if order.reason is None:
                    cost = self.dedicated_cost_per_t(order, *src)
                    assert cost <= MAX_NORMAL_TRANSPORT_CNY_T, (order, km, cost)
            elif order.reason == "lead_time":
                assert not lead_ok and src is not None and src[1] < 60
            elif order.reason == "thermal_reach":
                assert src is not None and lead_ok
                for tau in taus:  # beyond reach by ≥ 20 % even with the best ladle and tap
                    assert all(km / r.speed_kmh > 1.2 * h for km, h in reach[tau]), reach
            elif order.reason == "no_source":
                assert src is None and lead_ok
            elif order.reason == "window":
                assert src is not None and lead_ok
                assert order.end <= c_open or order.start >= c_close
            elif order.reason == "cost":
                assert src is not None and lead_ok and 120 <= src[1] <= 150, src
                hold = max(self.reach_h(src[0], order.alloy, caster, tau) for tau in taus)
                assert src[1] / r.speed_kmh <= REACH_SAFETY * hold
                assert self.dedicated_cost_per_t(order, *src) > 2 * INGOT_ROUTE_CNY_T
        # production: scarce alloy clearly short
        for smelter in r.smelters:
            for alloy, (stock, rate) in smelter.fixed.items():
                hours = (DAY_END - minutes_of(smelter.open)) / 60
                ordered = sum(o.tonnes for o in self.orders if o.alloy == alloy)
                assert ordered > 1.2 * (stock + rate * hours), (alloy, ordered)
        # fleet: at least one 40–60 t demand inside a one-hour window at one caster
        assert any(
            o.reason == "fleet" and o.end - o.start <= 60 and 40 <= o.tonnes <= 60
            for o in self.orders
        )
        # every reason appears
        assert {o.reason for o in self.orders} >= set(REASON_TAGS.values())
        tonnes = sum(o.tonnes for o in self.orders)
        runs = sum(math.ceil(o.tonnes / self.job_t - 1e-9) for o in self.orders)
        # vehicle restrictions are part of an ordinary day: some orders only lidded ladles reach
        assert 1000 <= tonnes <= 1500, tonnes
        assert runs >= 300, runs
        assert len(r.smelters) >= 6 and len(r.casters) >= 40 and len(self.trucks) >= 30
        assert len(r.candidates) >= 8
        _, needed = self.needed_hours()
        available = sum(minutes_of(t[6]) - minutes_of(t[5]) for t in self.trucks) / 60
        assert needed <= 0.65 * available, (needed, available)
        # fill bays: busy ≤ 60 % of opening hours at every smelter
        src = self.served_from()
        fills: dict[int, int] = defaultdict(int)
        for order in self.orders:
            if order.order_id in src and order.reason not in ("thermal_reach", "window"):
                fills[src[order.order_id][0].num] += math.ceil(order.tonnes / self.job_t - 1e-9)
        for smelter in r.smelters:
            open_min = minutes_of(smelter.close) - minutes_of(smelter.open)
            busy = fills[smelter.num] * smelter.fill_min / (smelter.fill_bays * open_min)
            assert busy <= 0.6, (smelter.name, busy)
        return {
            "orders": len(self.orders),
            "tonnes": tonnes,
            "ladle_runs": runs,
            "trucks": len(self.trucks),
            "lidded_only": lidded_only,
            "needed_h": needed,
            "available_h": available,
        }

    # -- output -----------------------------------------------------------------------
    def write(self, folder: Path) -> None:
        """Write the files of the network folder (``ladles.csv`` with a pool)."""
        r = self.region
        write_text(folder / "network.toml", r.toml)
        write_csv(
            folder / "smelters.csv",
            ["smelter_id", "name", "lat", "lon", "open", "close", "fill_min", "fill_bays"],
            [
                [self.smelter_ids[s.num], s.name, f"{s.lat:.3f}", f"{s.lon:.3f}", s.open,
                 s.close, str(s.fill_min), str(s.fill_bays)]
                for s in r.smelters
            ],
        )  # fmt: skip
        write_csv(
            folder / "production.csv",
            ["smelter_id", "alloy", "rate_tph", "stock_t", "tap_min_c", "tap_max_c"],
            self.production,
        )
        daily: dict[int, float] = defaultdict(float)
        for order in self.orders:
            daily[order.caster.num] += order.tonnes
        write_csv(
            folder / "casters.csv",
            ["caster_id", "name", "lat", "lon", "open", "close", "min_pour_c", "unload_min",
             "daily_t", "alloys"],
            [
                [self.caster_ids[c.num], c.name, f"{c.lat:.3f}", f"{c.lon:.3f}", c.open, c.close,
                 str(self.min_pour[c.num]), str(self.unload[c.num]),
                 num(max(c.normal_t, 5 * round(daily[c.num] / 5), 5), 0), ";".join(c.alloys)]
                for c in r.casters
            ],
        )  # fmt: skip
        write_csv(
            folder / "fleet.csv",
            ["truck_id", "home_smelter", "ladles", "ladle_t", "tau_h", "shift_start",
             "shift_end", "cost_per_km", "cost_per_h"],
            self.trucks,
        )  # fmt: skip
        write_csv(
            folder / "orders.csv",
            ["order_id", "caster_id", "alloy", "tonnes", "window_start", "window_end",
             "placed_at"],
            [
                [o.order_id, self.caster_ids[o.caster.num], o.alloy, num(o.tonnes),
                 hhmm(o.start), hhmm(o.end), o.placed]
                for o in self.orders
            ],
        )  # fmt: skip
        write_csv(
            folder / "candidates.csv",
            ["site_id", "name", "lat", "lon", "capex_cny", "rate_tph", "alloys"],
            [
                [f"{r.prefix}-N{i:02d}", c.name, f"{c.lat:.3f}", f"{c.lon:.3f}",
                 str(c.capex_m_cny * 1_000_000), num(c.rate_tph), ";".join(c.alloys)]
                for i, c in enumerate(r.candidates, start=1)
            ],
        )  # fmt: skip
        if r.ladles_per_slot > 0:
            write_csv(
                folder / "ladles.csv",
                ["ladle_id", "home_smelter", "capacity_t", "tau_h", "hot_since",
                 "fills_since_cleaning", "fills_left_before_relining"],
                self.ladle_rows(),
            )  # fmt: skip

    def ladle_rows(self) -> list[list[str]]:
        """The smelters' pools: per smelter, ``ladles_per_slot`` ladles per truck slot
        based there, each as big and as well insulated as the slot's truck ladle. The
        ladles beyond one per slot are spares, each a copy of the slot it spares (its
        capacity and ``tau_h``), the best-insulated slots first. The first ``hot_share``
        of the slots' ladles are hot since the smelter opens, the others (spares
        included) cold; fills since cleaning spread over the 12-fill interval, 40–300
        fills left before relining."""
        rows = []
        for smelter in self.region.smelters:
            sid = self.smelter_ids[smelter.num]
            slots = [
                (float(t[3]), float(t[4]))
                for t in self.trucks
                if t[1] == sid
                for _ in range(int(t[2]))
            ]
            if not slots:
                continue
            slots.sort(key=lambda slot: (-slot[1], -slot[0]))
            count = math.ceil(self.region.ladles_per_slot * len(slots))
            hot = math.floor(self.region.hot_share * len(slots))
            for k in range(count):
                size, tau = slots[k % len(slots)]  # a spare copies the slot it spares
                rows.append(
                    [f"{sid}-L{k + 1:02d}", sid, num(size), num(tau),
                     smelter.open if k < hot else "cold", str(k % 12),
                     str(40 + (k * 37) % 261)]
                )  # fmt: skip
        return rows

    def build(self, folder: Path) -> dict[str, float]:
        """Generate, size, check and write the region; return its summary figures."""
        self.normal_orders()
        self.special_orders()
        self.number_orders()
        self.size_production()
        self.size_fleet()
        summary = self.check()
        self.write(folder)
        return summary


def count_class(builder: Builder, kind: TruckClass) -> int:
    """Trucks of the built fleet that belong to one class."""
    return sum(
        1
        for t in builder.trucks
        if (int(t[2]), float(t[3])) == (kind.ladles, kind.ladle_t) and float(t[4]) in kind.tau_h
    )


def describe(region: Region, builder: Builder, summary: dict[str, float]) -> str:
    """A short, human-readable summary of one built region."""
    by_reason: dict[str, list[str]] = defaultdict(list)
    for order in builder.orders:
        if order.reason:
            by_reason[order.reason].append(f"{order.order_id} ({num(order.tonnes)} t)")
    lines = [
        f"{region.key}: {len(region.smelters)} smelters, {len(region.casters)} casters, "
        f"{summary['trucks']:.0f} trucks, {summary['orders']:.0f} orders",
        f"  tonnes ordered {summary['tonnes']:.1f} t, ladle runs {summary['ladle_runs']:.0f} "
        f"(ladle jobs of {num(builder.job_t)} t; orders in {num(region.ladle_t)} t ladles)",
        f"  ordinary orders only lidded ladles reach after a {num(LIDDED_ONLY_WAIT_H)} h wait: "
        f"{summary['lidded_only']:.0f}",
        "  fleet: " + ", ".join(f"{count_class(builder, c)} × {c.name}" for c in region.fleet),
        f"  truck-hours needed ~{summary['needed_h']:.0f} h of {summary['available_h']:.0f} h "
        f"in shifts ({summary['needed_h'] / summary['available_h']:.0%})",
    ]
    lines += [f"  {reason}: {', '.join(ids)}" for reason, ids in sorted(by_reason.items())]
    return "\n".join(lines)


def main() -> None:
    """Build both regions into ``sample_networks/<key>/`` and print a summary."""
    for region in (PRD, YRD):
        builder = Builder(region)
        summary = builder.build(HERE / region.key)
        print(describe(region, builder, summary))


if __name__ == "__main__":
    main()
