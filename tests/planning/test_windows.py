"""The one source of truth for time windows, against a minute-by-minute brute force.

:mod:`logistics.planning.windows` computes each order's pour window and each job's fill
window at a smelter as closed intervals of whole minutes. Here random orders, casters,
smelters, trucks and parameters (times with seconds, fractional durations) are drawn, and
every whole minute of the day is tried by brute force: a pour may start at ``m`` when
every rule of docs/plan-outputs.md holds for the real (unrounded) times; a fill may start
at ``f`` when some pour start ``p`` of the window follows it after the fill and the drive
and the truck still gets home after the pour. The computed intervals must be exactly the
minutes the brute force allows (and the reason of an empty one the bound that emptied it).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.network.model import Caster, Network, Order, Production, Smelter, Truck
from logistics.network.params import Params, PlanningParams
from logistics.planning.windows import (
    FleetHours,
    Interval,
    ceil_minutes,
    fill_window,
    inward,
    order_window,
)

ZONE = "Asia/Shanghai"
DAY = date(2026, 11, 23)
ORIGIN = datetime(2026, 11, 23, tzinfo=ZoneInfo(ZONE))
#: The brute force tries every whole minute of this span.
MINUTES = np.arange(-24 * 60, 3 * 24 * 60)


def at(seconds: int) -> datetime:
    """A moment ``seconds`` after the plan day's midnight (Asia/Shanghai has no DST)."""
    return ORIGIN + timedelta(seconds=seconds)


#: A moment of the day, to the second: seconds matter for the rounding.
moments = st.integers(min_value=-2 * 3600, max_value=30 * 3600)
whole_minutes = st.integers(min_value=-120, max_value=30 * 60).map(lambda m: m * 60)
times = st.one_of(whole_minutes, whole_minutes, moments)
durations = st.one_of(
    st.integers(min_value=1, max_value=90).map(float),
    st.floats(min_value=1.0, max_value=90.0).map(lambda x: round(x, 2)),
)


#: Offsets from another moment, to the second: near a bound is where rounding bites.
offsets = st.one_of(
    st.integers(min_value=-180, max_value=180).map(lambda m: m * 60),
    st.sampled_from([-61, -60, -59, -30, -1, 0, 0, 0, 1, 30, 59, 60, 61]),
    st.integers(min_value=-3 * 3600, max_value=3 * 3600),
)


@st.composite
def near(draw: st.DrawFn, anchor: int, side: int) -> int:
    """A moment near ``anchor`` (seconds), mostly on ``side`` of it (−1 before, +1 after).

    Mostly on the side where the bound does not bind yet, often exactly at it or a
    second or a minute across, now and then anywhere in the day.
    """
    kind = draw(st.sampled_from(["side", "side", "side", "across", "anywhere"]))
    if kind == "anywhere":
        return draw(times)
    offset = draw(offsets)
    return anchor + (side * abs(offset) if kind == "side" else offset)


@st.composite
def days(draw: st.DrawFn) -> tuple[Network, float, int]:
    """A one-order network, a drive (minutes, may be fractional) and minutes home.

    Every bound is drawn near the moment where it starts to bind (the caster closing a
    pour after the window end, the order placed the lead time before a bound, the
    smelter closing a drive before the window end, the last shift ending a pour and a
    drive home after it …), to the second, so that the rounding of every bound decides
    examples; now and then a bound is drawn anywhere in the day instead.
    """
    w_start = draw(times)
    w_end = w_start + abs(draw(st.sampled_from([0, 60, 600, 3600, 7200, 14400]) | offsets))
    unload = draw(durations)
    fill_min = draw(durations)
    drive = draw(st.one_of(st.integers(0, 240).map(float), st.floats(0.0, 240.0)))
    home = draw(st.integers(0, 240))
    pour_s, fill_s, drive_s = int(unload * 60), int(fill_min * 60), int(drive * 60)
    c_open = draw(near(w_start, -1))
    c_close = max(c_open, draw(near(w_end + pour_s, +1)))
    lead_h = draw(st.sampled_from([0.0, 2.0, 4.0, 4.5]))
    anchor = draw(st.sampled_from([w_start, w_end, c_close - pour_s]))
    placed = draw(near(anchor - int(lead_h * 3600), -1))
    s_open = draw(near(w_start - drive_s - fill_s, -1))
    s_close = max(s_open, draw(near(w_end - drive_s, +1)))
    shift_start = draw(near(s_open, -1))
    shift_end = max(shift_start, draw(near(w_end + pour_s + home * 60, +1)))
    caster = Caster(
        caster_id="C1",
        name="caster",
        lat=23.0,
        lon=113.0,
        open=at(c_open),
        close=at(c_close),
        min_pour_c=680.0,
        unload_min=unload,
    )
    smelter = Smelter(
        smelter_id="S1",
        name="smelter",
        lat=23.1,
        lon=113.1,
        open=at(s_open),
        close=at(s_close),
        fill_min=fill_min,
    )
    truck = Truck(
        truck_id="T1",
        home_smelter="S1",
        ladles=2,
        ladle_t=3.0,
        tau_h=30.0,
        shift_start=at(shift_start),
        shift_end=at(shift_end),
    )
    order = Order(
        order_id="O1",
        caster_id="C1",
        alloy="ADC12",
        tonnes=3.0,
        window_start=at(w_start),
        window_end=at(w_end),
        placed_at=at(placed),
    )
    network = Network(
        name="windows",
        timezone=ZONE,
        plan_date=DAY,
        params=Params(planning=PlanningParams(lead_time_h=lead_h)),
        smelters=(smelter,),
        production=(
            Production(
                smelter_id="S1",
                alloy="ADC12",
                rate_tph=5.0,
                stock_t=10.0,
                tap_min_c=720.0,
                tap_max_c=780.0,
            ),
        ),
        casters=(caster,),
        fleet=(truck,),
        orders=(order,),
    )
    return network, drive, home


def allowed_pours(network: Network, lead: bool = True) -> np.ndarray:
    """Every whole minute a pour may start at, by the rules on real times."""
    order = network.orders[0]
    caster = network.caster_by_id[order.caster_id]
    m = network.minutes
    pour_d = math.ceil(caster.unload_min - 1e-9)
    ok = (m(order.window_start) <= MINUTES) & (m(order.window_end) >= MINUTES)
    ok &= (m(caster.open) <= MINUTES) & (MINUTES + pour_d <= m(caster.close))
    if lead:
        ok &= m(order.placed_at) + network.params.planning.lead_time_h * 60 <= MINUTES
    return MINUTES[ok]


def as_interval(allowed: np.ndarray) -> Interval | None:
    """The allowed minutes as an interval (checking they are one), ``None`` if none."""
    if allowed.size == 0:
        return None
    assert allowed.size == allowed[-1] - allowed[0] + 1, "the allowed minutes have a gap"
    return Interval(int(allowed[0]), int(allowed[-1]))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(days())
def test_the_pour_window_is_exactly_the_minutes_the_rules_allow(
    day: tuple[Network, float, int],
) -> None:
    network, _, _ = day
    window = order_window(network, network.orders[0])
    expected = as_interval(allowed_pours(network))
    if expected is None:
        assert window.pour.empty
        before_lead = as_interval(allowed_pours(network, lead=False))
        assert window.reason == ("window" if before_lead is None else "lead_time")
    else:
        assert window.reason is None
        assert window.pour == expected


@settings(
    max_examples=500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(days())
def test_the_fill_window_is_exactly_the_fills_that_reach_a_pour_and_get_home(
    day: tuple[Network, float, int],
) -> None:
    network, drive, home = day
    order = network.orders[0]
    window = order_window(network, order)
    smelter, caster = network.smelters[0], network.casters[0]
    fleet = FleetHours.of(network)
    drive_min = ceil_minutes(drive)
    got = fill_window(network, window.pour, smelter, caster, drive_min, home, fleet)

    m = network.minutes
    fill_d = math.ceil(smelter.fill_min - 1e-9)
    pour_d = math.ceil(caster.unload_min - 1e-9)
    pours = allowed_pours(network)
    pours = pours[pours + pour_d + home <= fleet.last_end]
    fills = MINUTES[
        (m(smelter.open) <= MINUTES)
        & (fleet.first_start <= MINUTES)
        & (MINUTES + fill_d <= m(smelter.close))
    ]
    # A fill at f reaches some pour p >= f + fill + drive (brute force over both).
    if pours.size and fills.size:
        reach = (pours[None, :] >= fills[:, None] + fill_d + drive_min).any(axis=1)
        fills = fills[reach]
    else:
        fills = fills[:0]
    expected = as_interval(fills)
    if expected is None:
        assert got.empty
    else:
        assert got == expected


def test_rounding_inwards_empties_a_window_shorter_than_a_minute() -> None:
    assert inward([989.5], [989.7]).empty
    assert inward([990.0], [990.0]) == Interval(990, 990)
    assert Interval(0, 10).from_(math.inf).empty
    assert Interval(0, 10).from_(3.2) == Interval(4, 10)


def test_an_order_placed_exactly_the_lead_time_before_its_window_end_is_served_at_the_end() -> None:
    """The reduced case of the issue: 15:30–16:30 placed 12:30, lead 4 h, unload 20."""
    network = _one_order(
        window=(15 * 60 + 30, 16 * 60 + 30), placed=12 * 60 + 30, close=24 * 60, unload=20
    )
    window = order_window(network, network.orders[0])
    assert window.reason is None and window.pour == Interval(990, 990)
    # The caster closes at the window end: the pour would end after closing.
    closing = _one_order(
        window=(15 * 60 + 30, 16 * 60 + 30), placed=12 * 60 + 30, close=16 * 60 + 30, unload=20
    )
    assert order_window(closing, closing.orders[0]).reason == "lead_time"


def _one_order(window: tuple[int, int], placed: int, close: int, unload: float) -> Network:
    caster = Caster(
        caster_id="C1",
        name="caster",
        lat=23.0,
        lon=113.0,
        open=at(0),
        close=at(close * 60),
        min_pour_c=680.0,
        unload_min=unload,
    )
    order = Order(
        order_id="O1",
        caster_id="C1",
        alloy="ADC12",
        tonnes=3.0,
        window_start=at(window[0] * 60),
        window_end=at(window[1] * 60),
        placed_at=at(placed * 60),
    )
    smelter = Smelter(
        smelter_id="S1", name="s", lat=23.1, lon=113.1, open=at(0), close=at(86400), fill_min=15
    )
    truck = Truck(
        truck_id="T1",
        home_smelter="S1",
        ladles=2,
        ladle_t=3.0,
        tau_h=30.0,
        shift_start=at(0),
        shift_end=at(86400),
    )
    return Network(
        name="one",
        timezone=ZONE,
        plan_date=DAY,
        smelters=(smelter,),
        production=(
            Production(
                smelter_id="S1",
                alloy="ADC12",
                rate_tph=5,
                stock_t=10,
                tap_min_c=720,
                tap_max_c=780,
            ),
        ),
        casters=(caster,),
        fleet=(truck,),
        orders=(order,),
    )


def test_a_fill_must_end_by_the_smelter_close_with_its_duration_rounded_up() -> None:
    """Close at 10:00:40 and 12.5-min fills: 9:47 + 13 min ends 10:00 (9:48 would not)."""
    network = _one_order(window=(11 * 60, 20 * 60), placed=0, close=24 * 60, unload=15)
    smelter = network.smelters[0].model_copy(update={"close": at(10 * 3600 + 40), "fill_min": 12.5})
    pour = order_window(network, network.orders[0]).pour
    got = fill_window(network, pour, smelter, network.casters[0], 30, 30, FleetHours.of(network))
    assert got == Interval(0, 9 * 60 + 47)
