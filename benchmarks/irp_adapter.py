"""An IRP instance as a managed-supply horizon, planned by ``plan_horizon`` itself.

A thin adapter: each period becomes a plan day of a :class:`Network` whose casters are
all on managed supply, and the days are planned by the very
:func:`logistics.pipeline.horizon.plan_horizon` that ``molten plan --days N`` runs
(the delivery decision over the remaining days, the cut into deliveries, the day
planner's routing and timing, the checker, the furnace levels carried). The plan's
rows then become routes and quantities again (:func:`solution_of`) and are judged on
the instance's own rules (:func:`benchmarks.irp.evaluate`).

The mapping:

* **units**: one instance unit is :func:`tonnes_per_unit` t, the largest scale that
  keeps every customer's ``U`` within one ladle (20 t) and the vehicle capacity within
  a truck's payload (60 t);
* **depot → smelter** ``D``, open all day, making alloy ``M``: on period ``t`` it holds
  the depot's stock after period ``t − 1`` plus the period's production at 00:00
  (carried from the plan's rows between days);
* **customer → caster** ``C<i>`` with one managed furnace of ``M``: capacity ``U``,
  minimum ``L`` (the format's minimum, 0, is raised to 0.001 t below the capacity
  rule), start level ``I0``; open (receiving metal) 00:00–18:00, its cells drawing the
  period's demand evenly over 18:00–24:00, so a period's deliveries come before its
  consumption, as in the instance;
* **holding**: ``h`` per unit and period as ``holding_cny_per_t_h`` of each furnace and
  ``[supply] smelter_holding_cny_per_t_h`` of the depot (0.1 CNY per unit of cost, 24 h
  a period), so the delivery decision prices holding as the instance does;
* **vehicles → trucks** at ``D`` on shift 00:00–18:00, one trip a day (``max_trips``
  1: an IRP vehicle makes one route per period): 6 ladles of the largest ``U``,
  payload ``C``; deliveries are measured, not whole ladles (``[supply] whole_ladles =
  false``), so one ladle, part-filled, serves one customer per visit;
* **travel**: km = the DIMACS distance, minutes = 0.5 × km; costs 0.1 CNY/km only
  (the router's objective is the instance's routing cost in tenths);
* ``[supply] lookahead_days`` = the periods left (at most 5).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from benchmarks.irp import IrpInstance, Routes
from benchmarks.ladle_adapter import _params as distance_only_params
from logistics.network.furnaces import ConsumptionBand, Furnace
from logistics.network.model import Caster, Network, Production, Smelter, Truck
from logistics.network.supply_params import SupplyParams
from logistics.physics.travel import Travel, network_sites
from logistics.pipeline.day import PlanOutcome
from logistics.pipeline.horizon import HorizonOutcome, plan_horizon
from logistics.plan.options import PlanOptions

PLAN_DATE = date(2026, 1, 5)
TIMEZONE = "UTC"
DEPOT_ID = "D"
ALLOY = "M"
#: Hours of the day casters receive metal and trucks run; consumption follows.
DELIVER_UNTIL_H = 18.0
#: Minutes per distance unit.
MINUTES_PER_UNIT = 0.5
#: CNY per unit of the instance's cost (its distance unit costs 0.1 CNY as km).
CNY_PER_UNIT_COST = 0.1
#: The lowest minimum level a furnace may have, t (the format's minimum is 0).
LADLE_T_MAX, PAYLOAD_T_MAX, FURNACE_T_MAX = 20.0, 60.0, 500.0


def tonnes_per_unit(inst: IrpInstance) -> float:
    """Tonnes per instance unit: every ``U`` fits one ladle, ``C`` one payload."""
    return min(
        LADLE_T_MAX / float(inst.upper[1:].max()),
        PAYLOAD_T_MAX / inst.capacity,
        FURNACE_T_MAX / float(inst.upper[1:].max()),
    )


@dataclass
class IrpHorizon:
    """The adapted instance: how each day's network is made, and the depot's stock."""

    inst: IrpInstance
    unit_t: float
    depot_stock: list[float] = field(default_factory=list)

    def at(self, day: date, hours: float) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(TIMEZONE)) + timedelta(
            hours=hours
        )

    def network(self, day: date) -> Network:
        """Period ``day − PLAN_DATE + 1`` as a network (furnaces at the instance's start)."""
        inst, u = self.inst, self.unit_t
        k = (day - PLAN_DATE).days
        stock = (self.depot_stock[-1] if self.depot_stock else inst.start[0]) + inst.demand[0]
        casters, furnaces, bands = [], [], []
        for i in range(1, inst.customers + 1):
            cid = f"C{i:03d}"
            casters.append(
                Caster(
                    caster_id=cid,
                    name=f"customer {i}",
                    lat=inst.y[i] / 1000.0,
                    lon=inst.x[i] / 1000.0,
                    open=self.at(day, 0.0),
                    close=self.at(day, DELIVER_UNTIL_H),
                    min_pour_c=550.0,
                    unload_min=1.0,
                    alloys=(ALLOY,),
                )
            )
            furnaces.append(
                Furnace(
                    caster_id=cid,
                    alloy=ALLOY,
                    capacity_t=inst.upper[i] * u,
                    min_level_t=inst.lower[i] * u,
                    start_level_t=inst.start[i] * u,
                    holding_cny_per_t_h=self.holding(i),
                )
            )
            rate = inst.demand[i] * u / (24.0 - DELIVER_UNTIL_H)
            bands.append(
                ConsumptionBand(
                    caster_id=cid, alloy=ALLOY, from_h=DELIVER_UNTIL_H, to_h=24.0, t_per_h=rate
                )
            )
        base = distance_only_params()
        supply = SupplyParams(
            whole_ladles=False,
            lookahead_days=min(5, inst.periods - k),
            fleet_share=1.0,
            holding_cny_per_t_h=self.holding(1),
            smelter_holding_cny_per_t_h=self.holding(0),
        )
        return Network(
            name=f"irp {inst.name}",
            timezone=TIMEZONE,
            plan_date=day,
            params=base.model_copy(update={"supply": supply}),
            smelters=(
                Smelter(
                    smelter_id=DEPOT_ID,
                    name="depot",
                    lat=inst.y[0] / 1000.0,
                    lon=inst.x[0] / 1000.0,
                    open=self.at(day, 0.0),
                    close=self.at(day, 24.0),
                    fill_min=1.0,
                    fill_bays=None,
                ),
            ),
            production=(
                Production(
                    smelter_id=DEPOT_ID,
                    alloy=ALLOY,
                    rate_tph=0.0,
                    stock_t=min(5000.0, max(0.0, stock * u)),
                    tap_min_c=700.0,
                    tap_max_c=950.0,
                ),
            ),
            casters=tuple(casters),
            fleet=tuple(
                Truck(
                    truck_id=f"T{v + 1:02d}",
                    home_smelter=DEPOT_ID,
                    ladles=6,
                    ladle_t=min(
                        LADLE_T_MAX, max(0.5, min(float(inst.upper[1:].max()), inst.capacity) * u)
                    ),
                    payload_t=inst.capacity * u,
                    tau_h=100.0,
                    shift_start=self.at(day, 0.0),
                    shift_end=self.at(day, DELIVER_UNTIL_H),
                    max_trips=1,
                )
                for v in range(inst.vehicles)
            ),
            orders=(),
            furnaces=tuple(furnaces),
            consumption=tuple(bands),
        )

    def holding(self, i: int) -> float:
        """Vertex ``i``'s holding cost as CNY per tonne-hour: ``h`` per unit and period,
        at :data:`CNY_PER_UNIT_COST` per unit of cost, a period of 24 h."""
        return float(self.inst.holding[i]) * CNY_PER_UNIT_COST / (self.unit_t * 24.0)

    def travel(self, network: Network) -> Travel:
        """The DIMACS distances as km (rows: depot, then customers 1 … n)."""
        km = self.inst.dist()
        return Travel(network_sites(network), km, km * MINUTES_PER_UNIT, source="irp (DIMACS)")

    def carry(self, network: Network, outcome: PlanOutcome) -> None:
        """The depot's stock after the day (units)."""
        delivered = sum(r.tonnes for r in outcome.plan.runs) / self.unit_t
        previous = self.depot_stock[-1] if self.depot_stock else self.inst.start[0]
        self.depot_stock.append(previous + self.inst.demand[0] - delivered)


def plan_irp(
    inst: IrpInstance, *, time_limit_s: float, seed: int = 0
) -> tuple[IrpHorizon, HorizonOutcome]:
    """Plan the instance's periods as a managed-supply horizon (``time_limit_s`` a day)."""
    adapted = IrpHorizon(inst, tonnes_per_unit(inst))
    first = adapted.network(PLAN_DATE)
    outcome = plan_horizon(
        adapted.network,
        PLAN_DATE,
        inst.periods,
        PlanOptions(time_limit_s=time_limit_s, seed=seed),
        on_day=adapted.carry,
        travel=adapted.travel(first),
    )
    return adapted, outcome


def solution_of(adapted: IrpHorizon, outcome: HorizonOutcome) -> tuple[Routes, np.ndarray]:
    """The plan's rows as routes (per period, per truck and trip, customers in pour
    order) and quantities ``q[t, i]`` in instance units."""
    inst = adapted.inst
    q = np.zeros((inst.periods, inst.customers + 1))
    routes: Routes = []
    for t, day in enumerate(outcome.outcomes):
        trips: dict[tuple[str, int], list] = defaultdict(list)
        for run in day.plan.runs:
            trips[(run.truck_id, run.trip)].append(run)
            q[t, int(run.caster_id[1:])] += run.tonnes / adapted.unit_t
        period = []
        for key in sorted(trips):
            visits: list[int] = []
            for run in sorted(trips[key], key=lambda r: r.pour_start):
                i = int(run.caster_id[1:])
                if not visits or visits[-1] != i:
                    visits.append(i)
            period.append(visits)
        routes.append(period)
    return routes, q
