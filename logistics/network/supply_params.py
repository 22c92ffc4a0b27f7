"""``[supply]`` of ``network.toml``: managed supply of casters' holding furnaces.

Used only when the network has a ``consumption.csv`` (``docs/network-format.md``).
"""

from __future__ import annotations

from pydantic import Field

from logistics.network.ranges import ParamTable, plausible


class SupplyParams(ParamTable):
    """How managed deliveries are cut, what running low costs, and the casters' own rule.

    Attributes
    ----------
    stockout_cny_per_h : float
        Penalty per hour a furnace spends below its minimum (its cells stopped or
        waiting for emergency ingots), CNY/h, on top of the emergency ingots
        themselves (priced at the ingot route). 3,000 CNY/h: an engineering estimate of
        the contribution a die-casting plant's cells of one alloy lose in an hour
        (docs/models.md). Range 0–1,000,000 CNY/h.
    min_window_h : float
        The narrowest pour window the planner accepts when it sizes a managed delivery:
        it takes the largest whole number of ladles that leaves at least this long
        between "fits under the capacity" and "the level reaches the minimum",
        else one ladle. 1 h. Range 0–12 h.
    order_below_share : float
        The casters' own ordering rule the managed supply is compared with: a caster
        orders one full ladle for when its furnace will fall below this share of its
        capacity. 0.4 (the rule "order when the furnace is below 40 %"). Range 0.05–0.95.
    order_window_h : float
        The window of such an order, h, from the moment the furnace falls below the
        share. 2 h (the window orders of the sample networks span). Range 0.5–12 h.
    lookahead_days : float
        Days the delivery decision looks ahead from the plan day, the plan day
        included (whole days: a fraction is dropped): it fills furnaces ahead of a
        rush the fleet cannot serve later
        (docs/models.md). 2 (today and tomorrow morning's rush). Range 1–5 days.
    fleet_share : float
        Share of the trucks on shift in an hour the delivery decision counts on for
        managed deliveries (the rest: waiting at fill bays and casters, empty legs the
        estimate misses). 0.8, an engineering estimate. Range 0.1–1.
    whole_ladles : bool
        ``true``: managed deliveries are whole ladles of the fleet's sizes; ``false``:
        the tonnes the delivery decision chose, the last ladle part-filled (a supplier
        that fills to measure).
    holding_cny_per_t_h : float
        What a tonne of liquid metal costs to keep hot for an hour in a caster's holding
        furnace, CNY/(t·h) (``consumption.csv``'s ``holding_cny_per_t_h`` overrides it
        per furnace): the delivery decision weighs it against the smelter's. 1, an
        engineering estimate of the energy (docs/sources.md). Range 0–100 CNY/(t·h).
    smelter_holding_cny_per_t_h : float
        The same at the smelters (metal held liquid until it leaves), CNY/(t·h). 1:
        equal to the furnaces', so by default delivering earlier or later moves the
        holding cost without changing it. Range 0–100 CNY/(t·h).
    """

    stockout_cny_per_h: float = plausible(3000.0, lo=0.0, hi=1_000_000.0, unit="CNY/h")
    min_window_h: float = plausible(1.0, lo=0.0, hi=12.0, unit="h")
    order_below_share: float = plausible(0.4, lo=0.05, hi=0.95, unit="share")
    order_window_h: float = plausible(2.0, lo=0.5, hi=12.0, unit="h")
    lookahead_days: float = plausible(2.0, lo=1.0, hi=5.0, unit="days")
    fleet_share: float = plausible(0.8, lo=0.1, hi=1.0, unit="share")
    whole_ladles: bool = Field(True, strict=True)
    holding_cny_per_t_h: float = plausible(1.0, lo=0.0, hi=100.0, unit="CNY/(t·h)")
    smelter_holding_cny_per_t_h: float = plausible(1.0, lo=0.0, hi=100.0, unit="CNY/(t·h)")
