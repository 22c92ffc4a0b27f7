"""Representative days: the orders file's days, or days generated from the casters.

A study compares every option with the network as it is *on the same days*. A day is
a set of orders on the network's plan date (an orders-file day of another date is moved
to the plan date, wall-clock times kept), so every day runs on the same smelter hours,
shifts and production.

Generated days (seeded: the same seed and day number give the same orders, however many
days are asked for) follow each caster's ``daily_t`` (or, without it, its mean daily
tonnes in the orders file) and its ``alloys``:

* the region's demand swings day to day by a common factor N(1, 0.05), clipped to
  0.85–1.15, and each caster by a further U(0.85, 1.15), the day-to-day range of the
  sample networks' ordinary orders;
* 3 % of casters order nothing on a day (maintenance, holidays);
* a caster's first alloy carries most of its tonnes, each other alloy a weight of
  U(0.1, 0.4) against 1;
* an alloy's tonnes come in about one order per 15 t (1–4 orders), rounded to 0.5 t,
  with 60 % of orders rounded to whole ladles;
* windows of 1–4 h (at least 15 min per ladle) start between 06:00 and 22:00 inside the
  caster's hours; orders are placed the evening before (14:00–21:45), so the lead time
  never bites.

Every caster orders, whether a smelter can reach it or not: demand that goes to ingots
today because no smelter is in reach is potential liquid demand for a new site.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from logistics.errors import InputError, InputProblem
from logistics.network.model import Caster, Network, Order

#: Chance that a caster orders nothing on a generated day.
IDLE_SHARE = 0.03
#: Tonnes per order a generated day aims at.
ORDER_T = 15.0
#: Generated windows open between these minutes of the day.
DAY_START_MIN, DAY_END_MIN = 6 * 60, 22 * 60


@dataclass(frozen=True)
class RepresentativeDay:
    """One day every option is simulated on.

    Attributes
    ----------
    number : int
        1, 2, … in the study.
    source : str
        ``orders`` (a day of the orders file) or ``generated``.
    label : str
        For the reader: ``orders of 2026-11-23`` or ``generated, seed 1 day 2``.
    orders : tuple of Order
        The day's orders, all on the network's plan date.
    """

    number: int
    source: str
    label: str
    orders: tuple[Order, ...]

    @property
    def tonnes(self) -> float:
        """Tonnes ordered, t."""
        return sum(o.tonnes for o in self.orders)


def _move_to_plan_date(order: Order, days: int) -> Order:
    """The order ``days`` earlier on the wall clock (its own timezone)."""
    if days == 0:
        return order
    shift = timedelta(days=days)
    return order.model_copy(
        update={
            "window_start": order.window_start - shift,
            "window_end": order.window_end - shift,
            "placed_at": order.placed_at - shift,
        }
    )


def orders_file_days(network: Network) -> list[tuple[str, tuple[Order, ...]]]:
    """The orders file's days (plan date first, then the others by date), moved to the plan date."""
    tz = network.tz
    by_date: dict = defaultdict(list)
    for order in network.orders:
        by_date[order.window_start.astimezone(tz).date()].append(order)
    dates = sorted(by_date, key=lambda d: (d != network.plan_date, d))
    days = []
    for d in dates:
        delta = (d - network.plan_date).days
        days.append(
            (
                f"orders of {d.isoformat()}",
                tuple(_move_to_plan_date(o, delta) for o in by_date[d]),
            )
        )
    return days


def caster_daily_t(network: Network) -> dict[str, float]:
    """Each caster's typical daily tonnes: ``daily_t``, or its orders' mean per day."""
    tz = network.tz
    dates = {o.window_start.astimezone(tz).date() for o in network.orders} or {network.plan_date}
    ordered: dict[str, float] = defaultdict(float)
    for o in network.orders:
        ordered[o.caster_id] += o.tonnes
    out = {}
    for caster in network.casters:
        if caster.daily_t is not None:
            out[caster.caster_id] = caster.daily_t
        elif ordered.get(caster.caster_id):
            out[caster.caster_id] = ordered[caster.caster_id] / len(dates)
    return out


def _caster_alloys(network: Network, caster: Caster) -> tuple[str, ...]:
    if caster.alloys:
        return caster.alloys
    seen: dict[str, float] = defaultdict(float)
    for o in network.orders:
        if o.caster_id == caster.caster_id:
            seen[o.alloy] += o.tonnes
    return tuple(sorted(seen, key=lambda a: (-seen[a], a)))


def _split(rng: np.random.Generator, tonnes: float, parts: int, ladle_t: float) -> list[float]:
    shares = [1.0] if parts <= 1 else list(rng.dirichlet(np.full(parts, 4.0)))
    out = []
    for share in shares:
        t = tonnes * share
        if rng.random() < 0.6 and t >= ladle_t * 0.75:
            t = max(1, round(t / ladle_t)) * ladle_t
        else:
            t = round(t * 2) / 2
        if t >= 0.5:
            out.append(float(t))
    return out


def generated_day(network: Network, seed: int, number: int) -> tuple[Order, ...]:
    """Orders of one generated day (see the module docstring for the rules).

    Parameters
    ----------
    network : Network
        Casters (``daily_t``, ``alloys``, hours), fleet (ladle size) and plan date.
    seed : int
        Study seed.
    number : int
        Day number; with the seed it fixes the random stream.

    Returns
    -------
    tuple of Order
        Ids ``G<number>-<caster_id>-<n>``.
    """
    rng = np.random.default_rng([seed, number])
    daily = caster_daily_t(network)
    ladle_t = min(t.ladle_t for t in network.fleet) if network.fleet else 3.0
    market = float(np.clip(rng.normal(1.0, 0.05), 0.85, 1.15))
    minutes, at = network.minutes, network.at
    evening = network.origin - timedelta(days=1)
    orders: list[Order] = []
    for caster in network.casters:
        draws = rng.random(8)  # a fixed number per caster: one caster never shifts another
        caster_rng = np.random.default_rng([seed, number, int(draws[0] * 2**31)])
        if caster.caster_id not in daily or draws[1] < IDLE_SHARE:
            continue
        alloys = _caster_alloys(network, caster)
        if not alloys:
            continue
        tonnes = daily[caster.caster_id] * market * (0.85 + 0.30 * draws[2])
        weights = np.array([1.0] + [0.1 + 0.3 * caster_rng.random() for _ in alloys[1:]])
        lo = max(minutes(caster.open), DAY_START_MIN)
        hi = min(minutes(caster.close) - caster.unload_min, DAY_END_MIN)
        if hi - lo < 30:
            continue
        n = 0
        for alloy, weight in zip(alloys, weights / weights.sum(), strict=True):
            alloy_t = tonnes * float(weight)
            parts = int(min(4, max(1, round(alloy_t / ORDER_T))))
            for order_t in _split(caster_rng, alloy_t, parts, ladle_t):
                ladles = math.ceil(order_t / ladle_t - 1e-9)
                length = max(60 + 180 * caster_rng.random(), 15.0 * ladles)
                length = min(round(length / 15) * 15, hi - lo)
                start = lo + caster_rng.random() * (hi - lo - length)
                start = max(lo, min(hi - length, math.floor(start / 15) * 15))
                placed = evening + timedelta(minutes=14 * 60 + 15 * int(caster_rng.integers(32)))
                n += 1
                orders.append(
                    Order(
                        order_id=f"G{number}-{caster.caster_id}-{n}",
                        caster_id=caster.caster_id,
                        alloy=alloy,
                        tonnes=order_t,
                        window_start=at(start),
                        window_end=at(start + length),
                        placed_at=placed,
                    )
                )
    return tuple(sorted(orders, key=lambda o: (o.window_start, o.order_id)))


def representative_days(
    network: Network, count: int, demand: str = "auto", seed: int = 1
) -> tuple[RepresentativeDay, ...]:
    """The days a study simulates.

    Parameters
    ----------
    network : Network
        The network as it is (its orders file and casters).
    count : int
        Days wanted.
    demand : {"auto", "orders", "generated"}
        ``orders``: the orders file's days only; ``generated``: generated days only;
        ``auto``: the orders file's days first, then generated days.
    seed : int
        Seed of the generated days.

    Raises
    ------
    InputError
        ``orders`` with fewer days in the orders file than asked for, or no day with
        any order at all.
    """
    days: list[RepresentativeDay] = []
    if demand in ("auto", "orders"):
        for label, orders in orders_file_days(network)[:count]:
            days.append(RepresentativeDay(len(days) + 1, "orders", label, orders))
        if demand == "orders" and len(days) < count:
            raise InputError(
                InputProblem(
                    "command line",
                    None,
                    "--days",
                    f"the orders file holds {len(days)} day(s), {count} asked for; "
                    "use --demand auto or generated",
                )
            )
    while len(days) < count:
        number = len(days) + 1
        orders = generated_day(network, seed, number)
        days.append(
            RepresentativeDay(number, "generated", f"generated, seed {seed} day {number}", orders)
        )
    if not any(d.orders for d in days):
        raise InputError(
            InputProblem(
                "casters.csv", None, "daily_t", "no caster has daily_t or orders: no demand"
            )
        )
    return tuple(days)


def scaled_orders(orders: tuple[Order, ...], growth: float) -> tuple[Order, ...]:
    """Orders with ``tonnes × (1 + growth)`` (a scenario's demand growth)."""
    if growth == 0:
        return orders
    factor = 1.0 + growth
    return tuple(o.model_copy(update={"tonnes": round(o.tonnes * factor, 3)}) for o in orders)
