"""The large and the edge draws of the solver fuzzing (:mod:`benchmarks.fuzz`).

Two kinds of network folder, each drawn from one integer seed and written as text:

* **large** (:func:`large_files`): a realistic day built on
  :func:`logistics.network.synthetic.generate_network` — 50–400 orders, 10–60 trucks of a
  mixed fleet, 2–8 smelters, several alloys — and then perturbed towards the networks
  of issue #20: hilly roads (circuity 1.4–1.8 at 25–40 km/h), cold ambient (−25…5 °C),
  small fast-cooling ladles (1.5–3 t, τ 10–25 h) on part of the fleet, pours of
  15–25 min, windows one pour long, orders placed exactly the lead time before their
  window's start or end (± 1 min, ± a few seconds), now and then production exactly
  equal to demand.
* **edge** (:func:`edge_files`): a small network (up to 3 smelters, 5 casters, 6 trucks
  and 20 orders) whose values sit on boundaries: orders placed exactly ``lead_time``
  before their window's start or end, a minute or a few seconds either side; windows one
  pour long and zero-length windows, window times with seconds; casters that close
  exactly at a window's end (or end + pour, or end + pour − 1 min); ``fill_bays = 1``;
  production exactly equal to demand; a ladle whose longest hold equals the drive time
  smelter → caster; trucks whose shift ends exactly at a pour's end or at the moment
  they would be home; fractional minutes (fills of 7.5, pours of 12.5); order tonnes at
  and around whole ladles; and plausibility limits at their bounds (:func:`field_bounds`
  reads them from the loader's pydantic models, so whatever ranges the loader sets are
  the ones drawn — always inside, so that the folder loads).

Both write folders the loader accepts (a load error is a fuzz failure) and that the
dispatcher's plan can always serve in part or leave unserved with a reason.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import random
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import annotated_types
from pydantic import BaseModel

EDGE_ALLOYS = ("ADC12", "A380", "ZL114A")


# -------------------------------------------------------------------------------- bounds
@dataclass(frozen=True)
class Bounds:
    """The numeric limits of one model field, as the loader validates them.

    Attributes
    ----------
    lo, hi : float or None
        Lower and upper limit; ``None`` where there is none.
    lo_open, hi_open : bool
        Whether the limit itself is excluded (``gt`` / ``lt``).
    integer : bool
        Whether the field holds whole numbers.
    """

    lo: float | None
    lo_open: bool
    hi: float | None
    hi_open: bool
    integer: bool

    def at(self, side: str) -> float | None:
        """The value at one limit, inside it (``side`` ``"lo"`` or ``"hi"``); ``None`` if none.

        A closed limit is returned as it is; an open one a step inside: 1 for whole
        numbers, else the smaller of 0.01 and a thousandth of the range.
        """
        limit, is_open = (self.lo, self.lo_open) if side == "lo" else (self.hi, self.hi_open)
        if limit is None:
            return None
        if not is_open:
            return limit
        if self.integer:
            step: float = 1
        elif self.lo is not None and self.hi is not None:
            step = min(0.01, (self.hi - self.lo) / 1000)
        else:
            step = 0.01
        return limit + step if side == "lo" else limit - step

    def clamp(self, value: float) -> float:
        """``value`` moved inside the limits (to :meth:`at` of the limit it passes)."""
        lo, hi = self.at("lo"), self.at("hi")
        if lo is not None and value < lo:
            return lo
        if hi is not None and value > hi:
            return hi
        return value

    def holds(self, value: float) -> bool:
        """Whether the loader accepts ``value``."""
        return self.clamp(value) == value


def field_bounds(model: type[BaseModel], name: str) -> Bounds:
    """The limits of a pydantic model's numeric field, read from its metadata.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        E.g. :class:`logistics.network.model.Caster` or
        :class:`logistics.network.params.RoadParams`.
    name : str
        The field, e.g. ``"min_pour_c"``.

    Returns
    -------
    Bounds
        Its ``ge``/``gt``/``le``/``lt`` limits (the tightest of each side).
    """
    info = model.model_fields[name]
    lo: float | None = None
    hi: float | None = None
    lo_open = hi_open = False
    for item in info.metadata:
        parts: Iterable[Any] = (
            [item]
            if not isinstance(item, annotated_types.Interval)
            else [
                annotated_types.Gt(item.gt) if item.gt is not None else None,
                annotated_types.Ge(item.ge) if item.ge is not None else None,
                annotated_types.Lt(item.lt) if item.lt is not None else None,
                annotated_types.Le(item.le) if item.le is not None else None,
            ]
        )
        for part in parts:
            if isinstance(part, annotated_types.Ge | annotated_types.Gt):
                value = float(part.ge if isinstance(part, annotated_types.Ge) else part.gt)
                is_open = isinstance(part, annotated_types.Gt)
                if lo is None or value > lo or (value == lo and is_open):
                    lo, lo_open = value, is_open
            elif isinstance(part, annotated_types.Le | annotated_types.Lt):
                value = float(part.le if isinstance(part, annotated_types.Le) else part.lt)
                is_open = isinstance(part, annotated_types.Lt)
                if hi is None or value < hi or (value == hi and is_open):
                    hi, hi_open = value, is_open
    integer = _is_int(info.annotation)
    return Bounds(lo, lo_open, hi, hi_open, integer)


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    args = getattr(annotation, "__args__", ())
    return bool(args) and all(a is int or a is type(None) for a in args)


def _is_number(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    args = getattr(annotation, "__args__", ())
    return bool(args) and all(a in (int, float, type(None)) for a in args)


def param_fields() -> list[tuple[tuple[str, ...], Bounds]]:
    """Every bounded number of ``network.toml``'s tables: ``(path, bounds)``.

    The path is the TOML key path, e.g. ``("roads", "circuity")`` or
    ``("economics", "ingot", "labour")``; read from :class:`logistics.network.params.Params`
    so that a table or limit added there is drawn too.
    """
    from logistics.network.params import Params

    found: list[tuple[tuple[str, ...], Bounds]] = []

    def walk(model: type[BaseModel], path: tuple[str, ...]) -> None:
        for name, info in model.model_fields.items():
            annotation = info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, (*path, name))
            elif _is_number(annotation):
                bounds = field_bounds(model, name)
                if bounds.lo is not None or bounds.hi is not None:
                    found.append(((*path, name), bounds))

    walk(Params, ())
    return found


#: CSV columns whose limits are drawn: (file, model name, column). Order tonnes are drawn
#: at their lower limit only (the upper one would make the day thousands of ladles).
CSV_BOUNDED = (
    ("smelters.csv", "Smelter", "fill_min"),
    ("smelters.csv", "Smelter", "fill_bays"),
    ("production.csv", "Production", "rate_tph"),
    ("production.csv", "Production", "stock_t"),
    ("production.csv", "Production", "tap_min_c"),
    ("production.csv", "Production", "tap_max_c"),
    ("casters.csv", "Caster", "min_pour_c"),
    ("casters.csv", "Caster", "unload_min"),
    ("casters.csv", "Caster", "daily_t"),
    ("fleet.csv", "Truck", "ladles"),
    ("fleet.csv", "Truck", "ladle_t"),
    ("fleet.csv", "Truck", "tau_h"),
    ("fleet.csv", "Truck", "cost_per_km"),
    ("fleet.csv", "Truck", "cost_per_h"),
    ("orders.csv", "Order", "tonnes"),
)
#: Planning tables, drawn more often at their limits than economics and emissions.
PLANNING_TABLES = ("roads", "thermal", "planning")


def model_bounds(model_name: str, column: str) -> Bounds:
    """:func:`field_bounds` of a column of :mod:`logistics.network.model` by model name."""
    from logistics.network import model

    return field_bounds(getattr(model, model_name), column)


# --------------------------------------------------------------------------------- text
def _number(value: float | int) -> str:
    """A number as written to a file: whole numbers without ``.0``, others exactly."""
    if isinstance(value, bool):
        raise TypeError("not a number")
    if isinstance(value, int) or (
        math.isfinite(value) and value == int(value) and abs(value) < 1e15
    ):
        return str(int(value))
    return repr(float(value))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        spec = "seconds" if value.microsecond == 0 else "microseconds"
        return value.isoformat(timespec=spec)
    if isinstance(value, int | float):
        return _number(value)
    return str(value)


def csv_text(header: Sequence[str], rows: Iterable[dict[str, object]]) -> str:
    """CSV text of dict rows (``None`` → empty cell, datetimes in ISO 8601)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(col)) for col in header])
    return out.getvalue()


def read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and dict rows of CSV text."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def toml_text(top: dict[str, str], tables: dict[str, dict[str, Any]]) -> str:
    """``network.toml`` text: top-level strings, then (nested) tables of numbers."""
    lines = [f'{key} = "{value}"' for key, value in top.items()]

    def table(path: tuple[str, ...], values: dict[str, Any]) -> None:
        scalars = {k: v for k, v in values.items() if not isinstance(v, dict)}
        lines.extend(["", f"[{'.'.join(path)}]"])
        lines.extend(f"{k} = {_toml_number(v)}" for k, v in scalars.items())
        for k, v in values.items():
            if isinstance(v, dict):
                table((*path, k), v)

    for name, values in tables.items():
        table((name,), values)
    return "\n".join(lines) + "\n"


def _toml_number(value: Any) -> str:
    if isinstance(value, (list, tuple)):  # an hourly profile
        return "[" + ", ".join(_toml_number(v) for v in value) + "]"
    if isinstance(value, bool):  # a switch
        return "true" if value else "false"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = repr(float(value))
    return text if any(c in text for c in ".en") else text + ".0"


# ---------------------------------------------------------------------------- geometry
def drive_minutes(
    a: tuple[float, float], b: tuple[float, float], circuity: float, speed_kmh: float
) -> float:
    """Minutes from ``a`` to ``b`` exactly as the planner's travel model computes them.

    Geodesic km (WGS-84, :func:`logistics.physics.travel.geodesic_km`) × circuity,
    driven at ``speed_kmh``, in the planner's order of operations.
    """
    from logistics.physics.travel import geodesic_km

    km = geodesic_km(a, b) * circuity
    return km / speed_kmh * 60.0


def _point(rng: random.Random, centre: tuple[float, float], km: float) -> tuple[float, float]:
    north, east = rng.uniform(-km, km), rng.uniform(-km, km)
    lat = centre[0] + north / 111.0
    lon = centre[1] + east / (111.0 * math.cos(math.radians(centre[0])))
    return round(lat, 4), round(lon, 4)


# -------------------------------------------------------------------------------- large
def large_files(seed: int) -> dict[str, str]:
    """The files of one large, realistic network drawn from ``seed``.

    ``generate_network`` writes a day of 50–400 orders, 2–8 smelters, 10–60 casters and
    10–60 trucks (a mixed fleet, several alloys); then, each with its own chance: hilly
    roads (circuity 1.4–1.8, 25–40 km/h), cold ambient (−25…5 °C), a share of the
    trucks on small fast-cooling ladles (1–3 ladles of 1.5–3 t, τ 10–25 h), pours of
    15–25 min, a lead time of 2–6 h, smaller orders (so the day stays a few hundred
    to about two thousand ladles), up to 30 % of the windows one pour long, up to 40 %
    of the orders placed exactly the lead time
    before their window's start or end (± 1 min or a few seconds), production exactly
    equal to the demand.

    Parameters
    ----------
    seed : int
        The example's seed (≥ 0).

    Returns
    -------
    dict of str to str
        File name → text.
    """
    from logistics.network.synthetic import generate_network

    rng = random.Random(seed)
    n_orders = rng.randint(50, 400)
    n_smelters = rng.randint(2, 8)
    n_casters = rng.randint(max(10, n_smelters), 60)
    n_trucks = rng.randint(10, 60)
    with tempfile.TemporaryDirectory(prefix="fuzz-large-") as tmp:
        out = Path(tmp) / "net"
        generate_network(
            out,
            smelters=n_smelters,
            casters=n_casters,
            trucks=n_trucks,
            tonnes=14.0 * n_orders,
            seed=seed,
        )
        files = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}

    plan_date = date(2026, 11, 23)
    tz = ZoneInfo("Asia/Shanghai")
    hilly = rng.random() < 0.75
    cold = rng.random() < 0.6
    lead_h = rng.choice([4, 4, 4, 2, 6])
    tables: dict[str, dict[str, Any]] = {
        "roads": {
            "circuity": round(rng.uniform(1.4, 1.8), 2) if hilly else 1.3,
            "speed_kmh": rng.randint(25, 40) if hilly else 40,
        },
        "thermal": {"ambient_c": rng.randint(-25, 5) if cold else 25, "margin_c": 5},
        "planning": {"lead_time_h": lead_h},
    }
    files["network.toml"] = toml_text(
        {"name": f"fuzz-large-{seed}", "timezone": "Asia/Shanghai",
         "plan_date": plan_date.isoformat()},
        tables,
    )  # fmt: skip

    header, fleet = read_csv(files["fleet.csv"])
    small_share = rng.choice([0.0, 0.3, 0.5, 0.8, 1.0]) if rng.random() < 0.8 else 0.0
    for row in fleet:
        if rng.random() < small_share:
            row["ladles"] = str(rng.randint(1, 3))
            row["ladle_t"] = _number(rng.choice([1.5, 2.0, 2.5, 3.0]))
            row["tau_h"] = _number(rng.choice([10, 15, 20, 25]))
    files["fleet.csv"] = csv_text(header, fleet)

    header, casters = read_csv(files["casters.csv"])
    if rng.random() < 0.7:
        for row in casters:
            row["unload_min"] = str(rng.choice([15, 20, 25]))
    files["casters.csv"] = csv_text(header, casters)

    header, orders = read_csv(files["orders.csv"])
    scale = rng.choice([0.2, 0.3, 0.4, 0.5, 1.0])
    late_share = rng.choice([0.0, 0.1, 0.25, 0.4])
    tight_share = rng.choice([0.0, 0.0, 0.1, 0.3])
    unload = {row["caster_id"]: float(row["unload_min"]) for row in casters}
    midnight = datetime.combine(plan_date, datetime.min.time(), tzinfo=tz)
    for row in orders:
        row["tonnes"] = _number(max(0.5, round(float(row["tonnes"]) * scale * 2) / 2))
        if rng.random() < tight_share:  # a window one pour long
            hours, minutes = (int(x) for x in row["window_start"].split(":")[:2])
            end = hours * 60 + minutes + math.ceil(unload[row["caster_id"]])
            row["window_end"] = f"{end // 60:02d}:{end % 60:02d}"
        if rng.random() < late_share:
            edge = row[rng.choice(["window_start", "window_end"])]
            hours, minutes = (int(x) for x in edge.split(":")[:2])
            base = midnight + timedelta(hours=hours, minutes=minutes)
            placed = base - timedelta(hours=lead_h) + _near_boundary(rng)
            row["placed_at"] = _cell(placed)
    files["orders.csv"] = csv_text(header, orders)

    if rng.random() < 0.2:
        files["production.csv"] = _exact_production(files["production.csv"], orders, casters, rng)
    return files


def _near_boundary(rng: random.Random) -> timedelta:
    """Exactly on a boundary, or a minute or a few seconds either side of it."""
    kind = rng.choice(["on", "on", "minute", "seconds"])
    if kind == "on":
        return timedelta(0)
    sign = rng.choice([-1, 1])
    if kind == "minute":
        return timedelta(minutes=sign)
    return timedelta(seconds=sign * rng.choice([1, 2, 5, 30, 59]))


def _exact_production(
    text: str, orders: list[dict[str, str]], casters: list[dict[str, str]], rng: random.Random
) -> str:
    """Production rewritten so that each alloy's stock equals its day's demand, no rate."""
    header, rows = read_csv(text)
    demand: dict[str, float] = {}
    for order in orders:
        demand[order["alloy"]] = demand.get(order["alloy"], 0.0) + float(order["tonnes"])
    makers: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        makers.setdefault(row["alloy"], []).append(row)
    for alloy, group in makers.items():
        total = demand.get(alloy, 0.0)
        shares = _split(total, len(group), rng)
        for row, share in zip(group, shares, strict=True):
            row["stock_t"] = _number(share)
            row["rate_tph"] = "0"
    return csv_text(header, rows)


def _split(total: float, parts: int, rng: random.Random) -> list[float]:
    """``total`` (a multiple of 0.5) split into ``parts`` multiples of 0.5 summing to it."""
    halves = round(total * 2)
    cuts = sorted(rng.randint(0, halves) for _ in range(parts - 1))
    edges = [0, *cuts, halves]
    return [(b - a) / 2 for a, b in itertools.pairwise(edges)]


# --------------------------------------------------------------------------------- edge
@dataclass
class _Edge:
    """An edge network being drawn: rows as dicts, times in minutes from local midnight."""

    seed: int
    zone: str
    plan_date: date
    tables: dict[str, dict[str, Any]]
    smelters: list[dict[str, Any]]
    production: list[dict[str, Any]]
    casters: list[dict[str, Any]]
    fleet: list[dict[str, Any]]
    orders: list[dict[str, Any]]
    drawn: list[str]

    @property
    def params(self) -> dict[str, Any]:
        """Circuity, speed, ambient, margin and lead time (hours) in force."""
        return {
            "circuity": self.tables["roads"]["circuity"],
            "speed": self.tables["roads"]["speed_kmh"],
            "ambient": self.tables["thermal"]["ambient_c"],
            "margin": self.tables["thermal"]["margin_c"],
            "lead_h": self.tables["planning"]["lead_time_h"],
        }

    def drive(self, smelter: dict[str, Any], caster: dict[str, Any]) -> float:
        """Drive minutes between a smelter and a caster (either way)."""
        p = self.params
        return drive_minutes(
            (smelter["lat"], smelter["lon"]), (caster["lat"], caster["lon"]),
            p["circuity"], p["speed"],
        )  # fmt: skip


#: The edge draws, each on about 45 % of edge networks (and ``payload`` on
#: :data:`PAYLOAD_SHARE` of them, drawn apart).
EDGE_DRAWS = (
    "lead_boundary",
    "one_pour_windows",
    "zero_windows",
    "seconds",
    "caster_close",
    "one_bay",
    "exact_production",
    "hold_equals_drive",
    "shift_end",
    "fractional_minutes",
    "whole_ladles",
    "bounds",
)


def edge_files(seed: int) -> tuple[dict[str, str], list[str]]:
    """The files of one edge network drawn from ``seed``, and which edge draws it holds.

    Parameters
    ----------
    seed : int
        The example's seed.

    Returns
    -------
    tuple
        File name → text, and the names of the edge draws applied (of
        :data:`EDGE_DRAWS`; ``bounds:…`` names each limit drawn).
    """
    rng = random.Random(seed)
    on = {name: rng.random() < 0.45 for name in EDGE_DRAWS}
    berlin = rng.random() < 0.1
    zone = "Europe/Berlin" if berlin else "Asia/Shanghai"
    plan_date = date(2026, 3, 29) if berlin else date(2026, 11, 23)
    hilly = rng.random() < 0.4
    tables: dict[str, dict[str, Any]] = {
        "roads": {
            "circuity": round(rng.uniform(1.4, 1.8), 2) if hilly else 1.3,
            "speed_kmh": rng.randint(25, 40) if hilly else 40,
        },
        "thermal": {
            "ambient_c": rng.choice([25, 25, 5, -10, -25]),
            "margin_c": rng.choice([0, 5, 5, 10]),
        },
        "planning": {"lead_time_h": rng.choice([4, 4, 4, 2, 0, 1.5])},
    }
    net = _Edge(seed, zone, plan_date, tables, [], [], [], [], [], [])
    fractional = on["fractional_minutes"]
    _edge_sites(rng, net, fractional)
    if on["bounds"]:
        _edge_bounds(rng, net)
    _edge_orders(rng, net, on)
    if on["whole_ladles"]:
        _edge_whole_ladles(rng, net)
    _cap_ladle_count(net)
    if on["caster_close"]:
        _edge_caster_close(rng, net)
    if on["one_bay"]:
        for smelter in net.smelters:
            smelter["fill_bays"] = 1
        net.drawn.append("one_bay")
    if on["exact_production"]:
        _edge_exact_production(rng, net)
    if on["hold_equals_drive"]:
        _edge_hold_equals_drive(rng, net)
    if on["shift_end"]:
        _edge_shift_end(rng, net)
    _keep_loadable(net)
    _edge_payload(seed, net)
    _edge_rush_hours(seed, net)
    _edge_hourly_profile(seed, net)
    _edge_switches(seed, net)
    return _edge_render(net), net.drawn


#: Share of edge networks whose trucks get a payload below their full ladles.
PAYLOAD_SHARE = 0.35


def _edge_payload(seed: int, net: _Edge) -> None:
    """On :data:`PAYLOAD_SHARE` of edge networks, every truck a ``payload_t`` from one
    full ladle (the least allowed) to all its full ladles.

    Drawn from a stream of its own, so every other draw of a seed stays what it was
    before payloads existed (older fuzz results replay alike).
    """
    rng = random.Random(f"payload-{seed}")
    if rng.random() >= PAYLOAD_SHARE:
        return
    for row in net.fleet:
        ladle, full = row["ladle_t"], row["ladles"] * row["ladle_t"]
        share = rng.choice([0.0, 0.0, 0.5, 0.8])
        row["payload_t"] = min(60.0, math.ceil((ladle + share * (full - ladle)) * 100) / 100)
    net.drawn.append("payload")


#: Share of edge networks driven through rush hours.
RUSH_SHARE = 0.35


def _edge_rush_hours(seed: int, net: _Edge) -> None:
    """On :data:`RUSH_SHARE` of edge networks, rush hours: a speed share from the
    slowest allowed (0.2) up, in windows that may be long, short, fractional or overlap.

    Drawn from a stream of its own, like :func:`_edge_payload`.
    """
    rng = random.Random(f"rush-{seed}")
    if rng.random() >= RUSH_SHARE:
        return
    am = rng.choice([(7.0, 9.0), (5.5, 10.25), (0.0, 12.0), (8.0, 8.5)])
    pm = rng.choice([(17.0, 19.0), (11.0, 20.0), (16.75, 24.0), (18.0, 18.25)])
    net.tables.setdefault("roads", {}).update(
        rush_speed_factor=rng.choice([0.2, 0.4, 0.6, 0.8]),
        am_rush_from_h=am[0],
        am_rush_to_h=am[1],
        pm_rush_from_h=pm[0],
        pm_rush_to_h=pm[1],
    )
    net.drawn.append("rush_hours")


#: Share of edge networks without the two rush windows that drive 24 hourly shares.
HOURLY_SHARE = 0.4


def _edge_hourly_profile(seed: int, net: _Edge) -> None:
    """On :data:`HOURLY_SHARE` of the edge networks without rush windows, 24 hourly
    speed shares (``[roads] hourly_speed_factor``): two peaks, the slowest share all day,
    one slow hour before midnight, or every hour drawn from 0.2–1; now and then also a
    road class's own profile (which a network without ``roads.graphml`` warns of and
    leaves unused).

    Drawn from a stream of its own, like :func:`_edge_payload`: every other draw of a
    seed stays what it was before hourly profiles existed.
    """
    rng = random.Random(f"hourly-{seed}")
    rush = net.tables.get("roads", {}).get("rush_speed_factor", 1.0) != 1.0
    if rng.random() >= HOURLY_SHARE or rush:  # both would be bad input
        return
    shape = rng.choice(["peaks", "slowest", "midnight", "random"])
    if shape == "peaks":
        low = rng.choice([0.3, 0.5, 0.7])
        hours = [low if h in (7, 8, 17, 18) else 1.0 for h in range(24)]
    elif shape == "slowest":
        hours = [0.2] * 24
    elif shape == "midnight":
        hours = [0.25 if h == 23 else 1.0 for h in range(24)]
    else:
        hours = [rng.choice([0.2, 0.45, 0.8, 1.0]) for _ in range(24)]
    roads = net.tables.setdefault("roads", {})
    roads["hourly_speed_factor"] = hours
    if rng.random() < 0.3:
        roads["hourly_speed_factor_by_class"] = {"motorway": [0.5] * 12 + [1.0] * 12}
    net.drawn.append(f"hourly_profile_{shape}")


#: Share of edge networks with a switch of ``network.toml`` turned from its default.
SWITCH_SHARE = 0.35


def _edge_switches(seed: int, net: _Edge) -> None:
    """On :data:`SWITCH_SHARE` of edge networks, one or more switches away from their
    defaults: ``[risk] peak_follows_speed`` (with a ``peak_factor`` of 0.5–5, alone or
    with the rush hours or hourly shares drawn), ``[risk] plan_for_risk = false`` and
    ``[economics] count_dross = false``.

    Drawn from a stream of its own, like :func:`_edge_payload`.
    """
    rng = random.Random(f"switches-{seed}")
    if rng.random() >= SWITCH_SHARE:
        return
    risk = net.tables.setdefault("risk", {})
    if rng.random() < 0.6:
        risk.update(peak_follows_speed=True, peak_factor=rng.choice([0.5, 1.0, 2.0, 5.0]))
        net.drawn.append("peak_follows_speed")
    if rng.random() < 0.4:
        risk["plan_for_risk"] = False
        net.drawn.append("no_plan_for_risk")
    if rng.random() < 0.3:
        net.tables.setdefault("economics", {})["count_dross"] = False
        net.drawn.append("no_count_dross")
    if not risk:
        del net.tables["risk"]


def _edge_sites(rng: random.Random, net: _Edge, fractional: bool) -> None:
    centre = (23.0 + rng.uniform(-1, 1), 113.0 + rng.uniform(-1, 1))
    spread = rng.choice([5.0, 20.0, 40.0, 60.0])
    fills = [7.5, 12.5, 1.5, 15.25] if fractional else [10, 15, 20]
    unloads = [12.5, 7.5, 17.5, 1.5] if fractional else [10, 15, 20, 25]
    if fractional:
        net.drawn.append("fractional_minutes")
    n_smelters = rng.randint(1, 3)
    made: list[str] = []
    for i in range(1, n_smelters + 1):
        lat, lon = _point(rng, centre, spread)
        net.smelters.append({
            "smelter_id": f"S{i}", "name": f"Smelter {i}", "lat": lat, "lon": lon,
            "open": rng.choice([0, 240, 300]), "close": rng.choice([22 * 60, 24 * 60, 26 * 60]),
            "fill_min": rng.choice(fills), "fill_bays": rng.choice([None, 2, 3]),
        })  # fmt: skip
        for alloy in rng.sample(EDGE_ALLOYS, rng.randint(1, 2)):
            made.append(alloy)
            tap_min = rng.choice([700, 720, 740])
            net.production.append({
                "smelter_id": f"S{i}", "alloy": alloy, "rate_tph": rng.choice([0, 2, 4, 8]),
                "stock_t": rng.choice([20, 40, 80]), "tap_min_c": tap_min,
                "tap_max_c": tap_min + rng.choice([0, 20, 60, 80]),
            })  # fmt: skip
    alloys = sorted(set(made))
    for i in range(1, rng.randint(1, 5) + 1):
        lat, lon = _point(rng, centre, spread)
        net.casters.append({
            "caster_id": f"C{i}", "name": f"Caster {i}", "lat": lat, "lon": lon,
            "open": rng.choice([0, 0, 360, 420]), "close": rng.choice([22 * 60, 24 * 60]),
            "min_pour_c": rng.choice([660, 680, 690, 700]), "unload_min": rng.choice(unloads),
            "daily_t": None, "alloys": rng.sample(alloys, rng.randint(1, len(alloys))),
        })  # fmt: skip
    for i in range(1, rng.randint(1, 6) + 1):
        start = rng.choice([0, 240, 300, 360])
        net.fleet.append({
            "truck_id": f"T{i}", "home_smelter": f"S{rng.randint(1, n_smelters)}",
            "ladles": rng.choice([1, 2, 3]), "ladle_t": rng.choice([1.5, 2.0, 3.0, 4.0]),
            "tau_h": rng.choice([10.0, 15.0, 25.0, 30.0, 60.0, 90.0]), "shift_start": start,
            "shift_end": start + rng.choice([480, 720, 960, 1320]),
            "cost_per_km": None, "cost_per_h": None,
        })  # fmt: skip


def _edge_bounds(rng: random.Random, net: _Edge) -> None:
    """Set 1–4 plausibility limits (parameters or columns) at their bounds, inside.

    Drawn from every bounded number of ``network.toml`` (the roads, thermal and planning
    tables six times as often as economics and emissions) and of :data:`CSV_BOUNDED`
    (three times as often); a column's limit goes to one row, or to all rows of its file.
    """
    pool: list[tuple[str, Any, Bounds]] = []
    for path, bounds in param_fields():
        weight = 6 if path[0] in PLANNING_TABLES else 1
        pool += [("toml", path, bounds)] * weight
    for file, model_name, column in CSV_BOUNDED:
        pool += [(file, column, model_bounds(model_name, column))] * 3
    rows = {
        "smelters.csv": net.smelters, "production.csv": net.production,
        "casters.csv": net.casters, "fleet.csv": net.fleet,
    }  # fmt: skip
    for where, key, bounds in rng.sample(pool, rng.randint(1, 4)):
        sides = [s for s in ("lo", "hi") if bounds.at(s) is not None]
        if where == "orders.csv":
            sides = [s for s in sides if s == "lo"]  # orders come later: marked here
        if not sides:
            continue
        side = rng.choice(sides)
        value = bounds.at(side)
        assert value is not None
        value = int(value) if bounds.integer else value
        if where == "toml":
            table = net.tables
            for part in key[:-1]:
                table = table.setdefault(part, {})
            table[key[-1]] = value
            net.drawn.append(f"bounds:{'.'.join(key)}={_number(value)}")
        elif where == "orders.csv":
            net.drawn.append(f"bounds:orders.{key}={_number(value)}")
        else:
            targets = rows[where] if rng.random() < 0.3 else [rng.choice(rows[where])]
            for row in targets:
                row[key] = value
            net.drawn.append(f"bounds:{where[:-4]}.{key}={_number(value)}")
    for row in net.production:  # keep tap_min ≤ tap_max: move the other one along
        if row["tap_min_c"] > row["tap_max_c"]:
            if any(d.startswith("bounds:production.tap_min_c") for d in net.drawn):
                row["tap_max_c"] = row["tap_min_c"]
            else:
                row["tap_min_c"] = row["tap_max_c"]


def _edge_orders(rng: random.Random, net: _Edge, on: dict[str, bool]) -> None:
    lead = net.params["lead_h"] * 60.0
    zero_tonnes = next(
        (float(d.split("=")[1]) for d in net.drawn if d.startswith("bounds:orders.tonnes")), None
    )
    made = {p["alloy"] for p in net.production}
    for i in range(1, rng.randint(1, 20) + 1):
        caster = rng.choice(net.casters)
        unload = caster["unload_min"]
        alloy = rng.choice([a for a in caster["alloys"] if a in made])
        open_ = max(caster["open"], 5 * 60)
        start: float = rng.randint(open_, max(open_, min(20 * 60, caster["close"] - 90)))
        if on["seconds"] and rng.random() < 0.5:
            start += rng.choice([1, 30, 59]) / 60.0
        choices = ["pour", "any"] * 2
        if on["one_pour_windows"]:
            choices += ["pour"] * 4 + ["two_pours"]
        if on["zero_windows"]:
            choices += ["zero"] * 3
        shape = rng.choice(choices)
        length = {
            "pour": unload, "two_pours": 2 * unload, "zero": 0.0,
            "any": float(rng.choice([30, 60, 120, 240])),
        }[shape]  # fmt: skip
        if on["seconds"] and shape == "any" and rng.random() < 0.5:
            length += rng.choice([1, 30, 59]) / 60.0
        if on["lead_boundary"] and rng.random() < 0.7:
            base = rng.choice([start, start + length])
            placed = base - lead + _near_boundary(rng).total_seconds() / 60.0
        elif rng.random() < 0.15:
            placed = start - rng.uniform(0, lead)  # late: inside the lead time
        else:
            placed = start - lead - rng.randint(15, 600)
        tonnes = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 9.0, 12.0])
        if zero_tonnes is not None and rng.random() < 0.3:
            tonnes = zero_tonnes
        net.orders.append({
            "order_id": f"O{i}", "caster_id": caster["caster_id"], "alloy": alloy,
            "tonnes": tonnes, "window_start": start, "window_end": start + length,
            "placed_at": placed,
        })  # fmt: skip
    for name in ("lead_boundary", "one_pour_windows", "zero_windows", "seconds"):
        if on[name]:
            net.drawn.append(name)


def _edge_whole_ladles(rng: random.Random, net: _Edge) -> None:
    """Order tonnes at a whole number of the smallest ladle, or a kilogram either side."""
    ladle = min(t["ladle_t"] for t in net.fleet)
    for order in net.orders:
        if rng.random() < 0.6:
            whole = rng.randint(1, 4) * ladle
            order["tonnes"] = round(whole + rng.choice([0.0, 0.0, -0.001, 0.001]), 6)
    net.drawn.append("whole_ladles")


#: Most ladles of the smallest size an edge day may need (tiny ladles at a limit).
EDGE_MAX_LADLES = 120


def _cap_ladle_count(net: _Edge) -> None:
    """Scale the orders down when the smallest ladle would make the day too many ladles."""
    ladle = min(t["ladle_t"] for t in net.fleet)
    total = sum(o["tonnes"] for o in net.orders)
    if total <= EDGE_MAX_LADLES * ladle:
        return
    factor = EDGE_MAX_LADLES * ladle / total
    bounds = model_bounds("Order", "tonnes")
    for order in net.orders:
        order["tonnes"] = bounds.clamp(round(order["tonnes"] * factor, 6))


def _edge_caster_close(rng: random.Random, net: _Edge) -> None:
    """Casters closing at an order's window end, end + pour, or end + pour − 1 min."""
    for caster in net.casters:
        ends = [o["window_end"] for o in net.orders if o["caster_id"] == caster["caster_id"]]
        if not ends or rng.random() < 0.3:
            continue
        offset = rng.choice([0.0, caster["unload_min"], caster["unload_min"] - 1.0])
        close = max(ends) + offset
        if close > caster["open"]:
            caster["close"] = close
    net.drawn.append("caster_close")


def _edge_exact_production(rng: random.Random, net: _Edge) -> None:
    """Each alloy's stock equals its day's demand; no production during the day."""
    demand: dict[str, float] = {}
    for order in net.orders:
        demand[order["alloy"]] = demand.get(order["alloy"], 0.0) + order["tonnes"]
    stock = model_bounds("Production", "stock_t")
    for alloy in {p["alloy"] for p in net.production}:
        group = [p for p in net.production if p["alloy"] == alloy]
        total = demand.get(alloy, 0.0)
        first = rng.choice(group)
        for row in group:
            row["rate_tph"] = 0
            row["stock_t"] = stock.clamp(total if row is first else 0.0)
    net.drawn.append("exact_production")


def _edge_hold_equals_drive(rng: random.Random, net: _Edge) -> None:
    """One ladle whose longest hold equals the drive time from its smelter to a caster.

    ``τ·ln((tap_max − ambient) / (min_pour + margin − ambient))`` is made equal to the
    drive minutes smelter → caster by choosing the truck's τ (or, when that τ is out of
    the loader's range, the caster's ``min_pour_c``).
    """
    p = net.params
    truck = rng.choice(net.fleet)
    pairs = [
        (prod, caster)
        for prod in net.production
        for caster in net.casters
        if prod["smelter_id"] == truck["home_smelter"] and prod["alloy"] in caster["alloys"]
    ]
    if not pairs:
        return
    prod, caster = rng.choice(pairs)
    smelter = next(s for s in net.smelters if s["smelter_id"] == prod["smelter_id"])
    hold_h = net.drive(smelter, caster) / 60.0
    ambient, margin, tap = p["ambient"], p["margin"], prod["tap_max_c"]
    needed = caster["min_pour_c"] + margin
    if hold_h <= 0:
        return
    tau_bounds = model_bounds("Truck", "tau_h")
    if tap > needed > ambient:
        tau = hold_h / math.log((tap - ambient) / (needed - ambient))
        if tau_bounds.holds(tau):
            truck["tau_h"] = tau
            net.drawn.append("hold_equals_drive:tau")
            return
    # else: the caster's minimum so that the truck's own τ holds exactly the drive
    min_pour = ambient + (tap - ambient) * math.exp(-hold_h / truck["tau_h"]) - margin
    if model_bounds("Caster", "min_pour_c").holds(min_pour):
        caster["min_pour_c"] = min_pour
        net.drawn.append("hold_equals_drive:min_pour")


def _edge_shift_end(rng: random.Random, net: _Edge) -> None:
    """A truck whose shift ends exactly at a pour's end, or when it would be home.

    The pour is of an order of an alloy its home smelter makes, at the window's start
    (or the caster's opening); the truck drives straight from filling to the caster and
    back. The shift end is written to the microsecond, or rounded to the minute.
    """
    truck = rng.choice(net.fleet)
    home = next(s for s in net.smelters if s["smelter_id"] == truck["home_smelter"])
    home_alloys = {p["alloy"] for p in net.production if p["smelter_id"] == home["smelter_id"]}
    orders = [o for o in net.orders if o["alloy"] in home_alloys]
    if not orders:
        return
    order = rng.choice(orders)
    caster = next(c for c in net.casters if c["caster_id"] == order["caster_id"])
    drive = net.drive(home, caster)
    pour = max(order["window_start"], caster["open"])
    pour_end = pour + caster["unload_min"]
    at_home = pour_end + drive
    kind = rng.choice(["pour_end", "home", "home_minute_up", "home_minute_down"])
    end = {
        "pour_end": pour_end, "home": at_home, "home_minute_up": math.ceil(at_home),
        "home_minute_down": math.floor(at_home),
    }[kind]  # fmt: skip
    start = min(truck["shift_start"], math.floor(pour - drive - home["fill_min"] - 30))
    if end > start:
        truck["shift_start"], truck["shift_end"] = start, end
        net.drawn.append(f"shift_end:{kind}")


#: The model of each CSV file's rows.
MODELS = {
    "smelters.csv": "Smelter",
    "production.csv": "Production",
    "casters.csv": "Caster",
    "fleet.csv": "Truck",
    "orders.csv": "Order",
}
#: Longest opening hours and shift the loader accepts, minutes.
MAX_SPAN_MIN = 48 * 60


def _keep_loadable(net: _Edge) -> None:
    """Whatever the draws did, keep every value inside the loader's limits.

    Every bounded number is moved inside its plausible range (so a range the loader
    narrows never turns a draw into a load error), tap minimum ≤ maximum, closing and
    shift ends after their start and at most 48 h later, windows not ending before
    they start.
    """
    rows = {
        "smelters.csv": net.smelters, "production.csv": net.production,
        "casters.csv": net.casters, "fleet.csv": net.fleet, "orders.csv": net.orders,
    }  # fmt: skip
    from logistics.network import model

    for file, model_name in MODELS.items():
        fields = getattr(model, model_name).model_fields
        for row in rows[file]:
            for column, value in row.items():
                if column in fields and isinstance(value, int | float) and column not in (
                    "open", "close", "shift_start", "shift_end", "window_start",
                    "window_end", "placed_at",
                ):  # fmt: skip
                    bounds = model_bounds(model_name, column)
                    clamped = bounds.clamp(value)
                    row[column] = int(clamped) if bounds.integer else clamped
    for path, bounds in param_fields():
        table: Any = net.tables
        for part in path[:-1]:
            table = table.get(part, {})
        if path[-1] in table and isinstance(table[path[-1]], int | float):
            table[path[-1]] = bounds.clamp(table[path[-1]])
    for row in net.production:
        if row["tap_min_c"] > row["tap_max_c"]:
            row["tap_min_c"] = row["tap_max_c"]
    for site in (*net.smelters, *net.casters):
        if not site["open"] < site["close"] <= site["open"] + MAX_SPAN_MIN:
            site["close"] = min(max(site["close"], site["open"] + 60), site["open"] + MAX_SPAN_MIN)
    for truck in net.fleet:
        start = truck["shift_start"]
        if not start < truck["shift_end"] <= start + MAX_SPAN_MIN:
            truck["shift_end"] = min(max(truck["shift_end"], start + 60), start + MAX_SPAN_MIN)
    for order in net.orders:
        order["window_end"] = max(order["window_end"], order["window_start"])


def _edge_render(net: _Edge) -> dict[str, str]:
    tz = ZoneInfo(net.zone)
    origin = datetime.combine(net.plan_date, datetime.min.time(), tzinfo=tz).astimezone(UTC)

    def at(minutes: float) -> datetime:
        return (origin + timedelta(minutes=minutes)).astimezone(tz)

    def timed(rows: list[dict[str, Any]], columns: Sequence[str]) -> list[dict[str, Any]]:
        return [{k: at(v) if k in columns else v for k, v in row.items()} for row in rows]

    casters = [
        {**row, "alloys": ";".join(row["alloys"])} for row in timed(net.casters, ("open", "close"))
    ]
    return {
        "network.toml": toml_text(
            {
                "name": f"fuzz-edge-{net.seed}",
                "timezone": net.zone,
                "plan_date": net.plan_date.isoformat(),
            },
            net.tables,
        ),
        "smelters.csv": csv_text(
            ["smelter_id", "name", "lat", "lon", "open", "close", "fill_min", "fill_bays"],
            timed(net.smelters, ("open", "close")),
        ),
        "production.csv": csv_text(
            ["smelter_id", "alloy", "rate_tph", "stock_t", "tap_min_c", "tap_max_c"],
            net.production,
        ),
        "casters.csv": csv_text(
            [
                "caster_id",
                "name",
                "lat",
                "lon",
                "open",
                "close",
                "min_pour_c",
                "unload_min",
                "daily_t",
                "alloys",
            ],
            casters,
        ),
        "fleet.csv": csv_text(
            [
                "truck_id",
                "home_smelter",
                "ladles",
                "ladle_t",
                "tau_h",
                "shift_start",
                "shift_end",
                "cost_per_km",
                "cost_per_h",
                "payload_t",
            ],
            timed(net.fleet, ("shift_start", "shift_end")),
        ),
        "orders.csv": csv_text(
            ["order_id", "caster_id", "alloy", "tonnes", "window_start", "window_end", "placed_at"],
            timed(net.orders, ("window_start", "window_end", "placed_at")),
        ),
    }
