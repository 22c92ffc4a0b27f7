"""A plan as typed, frozen objects: ladle runs, unserved tonnes, summary, statistics.

These models *are* the ``plan.json`` format: its JSON Schema is generated from them
(:mod:`logistics.plan.schema`), and :func:`logistics.plan.files.read_plan` returns what
:func:`logistics.plan.files.write_plan` wrote, equal field for field. Units: tonnes
(t), °C, km, hours (h), CNY; times are timezone-aware (ISO 8601 with the network's UTC
offset in the files).

Every time in a plan is held with a *fixed* UTC offset (the network's offset at that
moment): ``02:30+02:00`` and ``02:30+01:00`` on the day the clocks go back are two
different moments and stay so. Python compares and subtracts two datetimes that share
one ``ZoneInfo`` on the wall clock (ignoring ``fold``), and never finds a moment of the
repeated hour equal to the same moment in another zone (PEP 495); with fixed offsets,
equality, order and differences of plan times are those of the instants, and a plan
read back from its files equals the plan written. Show them in the network's zone with
``moment.astimezone(network.tz)``.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from logistics.network.model import TruckStart
from logistics.network.params import Params
from logistics.plan.economics_model import PlanEconomics
from logistics.plan.reasons import Reason
from logistics.plan.stats import SolverStats
from logistics.plan.supply import SupplyPlan

#: Version of the ``plan.json`` layout (``Plan.schema_version`` is this literal).
SCHEMA_VERSION: Final = 2


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def fixed_offset(moment: datetime) -> datetime:
    """The same instant with a fixed UTC offset: its own offset at that moment.

    Parameters
    ----------
    moment : datetime
        Timezone-aware (a ``ZoneInfo`` time of the repeated hour carries ``fold=1``).

    Returns
    -------
    datetime
        The same wall-clock time and UTC offset, with a ``datetime.timezone`` tzinfo,
        so that comparing or subtracting it is comparing or subtracting instants.
    """
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("a plan time needs a UTC offset")
    return moment.astimezone(timezone(offset))


#: The times of a run.
RUN_TIMES = ("fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end")


class Run(_Frozen):
    """One ladle: filled at a smelter, carried by a truck, poured at a caster for an order.

    Attributes
    ----------
    run_id : str
        Unique within the plan (``R0001`` …).
    truck_id : str
        The truck carrying it.
    trip : int
        The truck's trip, counted from 1 in time order.
    order_id, smelter_id, caster_id, alloy : str
        What, from where, to where.
    tonnes : float
        Metal in the ladle, t.
    fill_start, fill_end, depart, arrive, pour_start, pour_end : datetime
        Filling at the smelter, leaving it (with the trip's other ladles), arriving at
        the caster, pouring.
    tap_c, arrival_c : float
        Metal temperature at the end of filling and at the start of pouring, °C.
    road_km : float
        Road distance smelter → caster, km.
    cold_probability, late_probability : float or None
        Estimated probability (0–1) that the metal arrives below the caster's
        ``min_pour_c``, and that the pour starts after the order's window, when travel
        times vary as ``[risk]`` says (:mod:`logistics.physics.travel_risk`); ``None``
        (empty in ``runs.csv``) when not estimated, e.g. in a hand-made plan.
    arrival_p05_c, arrival_p95_c : float or None
        5th and 95th percentiles of the arrival temperature under the same simulated
        travel times, °C (never above ``arrival_c``: a truck early at the caster waits
        for the planned pour); ``None`` when not estimated.
    ladle_id : str or None
        The ladle of the smelter's pool the metal goes in (``ladles.csv``); ``None``
        in a network without a ladle pool, where the truck's own ladles carry it.
    ladle_drop_c : float or None
        °C the ladle's lining took from the metal while it was filled (a ladle not
        quite at its ready temperature): the smelter taps at ``tap_c + ladle_drop_c``
        so that the metal is at ``tap_c`` when the ladle is full; ``None`` without a
        ladle pool.
    """

    run_id: str = Field(min_length=1)
    truck_id: str = Field(min_length=1)
    trip: int = Field(ge=1)
    order_id: str = Field(min_length=1)
    smelter_id: str = Field(min_length=1)
    caster_id: str = Field(min_length=1)
    alloy: str = Field(min_length=1)
    tonnes: float
    fill_start: AwareDatetime
    fill_end: AwareDatetime
    depart: AwareDatetime
    arrive: AwareDatetime
    pour_start: AwareDatetime
    pour_end: AwareDatetime
    tap_c: float
    arrival_c: float
    road_km: float
    cold_probability: float | None = Field(default=None, ge=0.0, le=1.0)
    late_probability: float | None = Field(default=None, ge=0.0, le=1.0)
    arrival_p05_c: float | None = None
    arrival_p95_c: float | None = None
    ladle_id: str | None = Field(default=None, min_length=1)
    ladle_drop_c: float | None = Field(default=None, ge=0.0)

    @field_validator(*RUN_TIMES, mode="after")
    @classmethod
    def _fixed_offset(cls, value: datetime) -> datetime:
        """Each time held with its fixed UTC offset (:func:`fixed_offset`)."""
        return fixed_offset(value)


#: ``runs.csv`` columns of a plan with a ladle pool, after :data:`RUN_COLUMNS`.
LADLE_RUN_COLUMNS: tuple[str, ...] = ("ladle_id", "ladle_drop_c")
#: ``runs.csv`` columns, in order (a plan with a ladle pool adds :data:`LADLE_RUN_COLUMNS`).
RUN_COLUMNS: tuple[str, ...] = tuple(c for c in Run.model_fields if c not in LADLE_RUN_COLUMNS)
#: ``runs.csv`` columns a hand-made file may leave out or leave empty.
OPTIONAL_RUN_COLUMNS: tuple[str, ...] = (
    "cold_probability",
    "late_probability",
    "arrival_p05_c",
    "arrival_p95_c",
)


class Unserved(_Frozen):
    """Tonnes of an order not delivered liquid, and why.

    Attributes
    ----------
    order_id, caster_id, alloy : str
        The order.
    tonnes : float
        Tonnes not delivered liquid, t (> 0).
    reason : str
        ``lead_time``, ``thermal_reach``, ``no_source``, ``production``, ``fleet``,
        ``window`` or ``cost``.
    """

    order_id: str = Field(min_length=1)
    caster_id: str = Field(min_length=1)
    alloy: str = Field(min_length=1)
    tonnes: float
    reason: Reason


#: ``unserved.csv`` columns, in order.
UNSERVED_COLUMNS: tuple[str, ...] = tuple(Unserved.model_fields)


class Preheat(_Frozen):
    """A cold ladle on a burner stand of its smelter (a row of ``preheats.csv``).

    Attributes
    ----------
    ladle_id, smelter_id : str
        The ladle and its home smelter.
    stand : int
        The stand, counted from 1 up to the smelter's ``[ladles] preheat_stands``.
    start, end : datetime
        On the stand; the ladle is ready at ``end``.
    """

    ladle_id: str = Field(min_length=1)
    smelter_id: str = Field(min_length=1)
    stand: int = Field(ge=1)
    start: AwareDatetime
    end: AwareDatetime


class DriverBreak(_Frozen):
    """A driver's rest or handover (``breaks.csv``; only with ``[drivers]`` rules).

    Attributes
    ----------
    truck_id : str
        The truck.
    driver : int
        Which of the truck's drivers of the day (1, then 2 after a handover, …).
    kind : str
        ``wait`` (an idle wait at a stop long enough to rest), ``break`` (a break taken
        at a stop before driving on), ``en_route`` (a break on the road) or
        ``handover`` (``driver`` takes the truck over; start = end).
    start, end : datetime
        Timezone-aware.
    where : str
        The site id, or ``en route to <site>``.
    """

    truck_id: str = Field(min_length=1)
    driver: int = Field(ge=1)
    kind: Literal["wait", "break", "en_route", "handover"]
    start: AwareDatetime
    end: AwareDatetime
    where: str

    @field_validator("start", "end", mode="after")
    @classmethod
    def _fixed_offset(cls, value: datetime) -> datetime:
        """Each time held with its fixed UTC offset (:func:`fixed_offset`)."""
        return fixed_offset(value)


#: ``preheats.csv`` columns, in order.
PREHEAT_COLUMNS: tuple[str, ...] = tuple(Preheat.model_fields)


#: ``breaks.csv`` columns, in order.
BREAK_COLUMNS: tuple[str, ...] = tuple(DriverBreak.model_fields)


class Summary(_Frozen):
    """The plan's KPIs.

    Attributes
    ----------
    tonnes_ordered : float
        Tonnes of the plan day's orders, t.
    tonnes_delivered : float
        Tonnes poured liquid (all runs, fixed ones included), t.
    tonnes_unserved : dict
        Tonnes not delivered, per reason (every reason listed), t.
    tonnes_excluded_outright : float
        Unserved for ``lead_time``, ``thermal_reach``, ``no_source`` or ``window``: what
        the inputs rule out before any planning, t.
    delivered_share_of_servable : float or None
        Delivered / (ordered − excluded outright), 0–1.
    ladle_runs, runs_fixed : int
        Runs in the plan; of them, runs kept as facts from an earlier plan.
    trucks_used : int
        Trucks with at least one run.
    truck_km, truck_hours : float
        Driving of the whole plan (:mod:`logistics.plan.timeline`), km and h.
    route_cost_cny : float
        truck-km × cost per km + truck-hours × cost per hour, CNY.
    superheat_cny : float
        Gas for tapping above each smelter's ``tap_min_c``, CNY (the furnace's tap:
        ``tap_c + ladle_drop_c`` with a ladle pool).
    min_arrival_margin_c : float or None
        Smallest arrival temperature above ``min_pour_c + margin_c``, °C.
    orders_outside_day, tonnes_outside_day : int, float
        Orders in the orders file whose window starts on another day (not planned).
    expected_cold_ladles, expected_late_ladles : float or None
        Sum of the runs' ``cold_probability`` and ``late_probability``: the expected
        number of ladles of the day that arrive below the caster's minimum, or pour
        after their window; ``None`` unless every run has its estimate.
    worst_cold_run : str or None
        The run most likely to arrive cold, and ``worst_cold_probability`` its
        probability.
    cold_probability_target : float or None
        The probability of arriving below the caster's minimum every tap was planned
        for (``[risk] max_cold_probability`` with ``plan_for_risk``): the plan claims
        it, and the checker holds it to it (a ``cold_risk`` violation). ``None`` for a
        plan protected by the fixed margin only, a hand-made plan, rows edited after
        planning, or a plan of an older version.
    risk_superheat_cny : float or None
        What the taps cost beyond the fixed margin, CNY: each run's tap above the tap
        the fixed margin alone needs for its planned hold, times its tonnes and the
        superheat price — the price of planning for the risk target (0 for a plan made
        with the fixed margin only; ``None`` in a plan of an older version).
    """

    tonnes_ordered: float
    tonnes_delivered: float
    tonnes_unserved: dict[Reason, float]
    tonnes_excluded_outright: float
    delivered_share_of_servable: float | None
    ladle_runs: int
    runs_fixed: int = 0
    trucks_used: int
    truck_km: float
    truck_hours: float
    route_cost_cny: float
    superheat_cny: float
    min_arrival_margin_c: float | None
    orders_outside_day: int = 0
    tonnes_outside_day: float = 0.0
    expected_cold_ladles: float | None = None
    expected_late_ladles: float | None = None
    worst_cold_run: str | None = None
    worst_cold_probability: float | None = None
    cold_probability_target: float | None = None
    risk_superheat_cny: float | None = None


class Plan(_Frozen):
    """The outcome of planning one day.

    Attributes
    ----------
    schema_version : int
        Layout version of ``plan.json``.
    network : str
        Network name.
    plan_date : date
        The plan day.
    timezone : str
        The network's IANA timezone.
    runs, unserved : tuple
        What is delivered and what is not.
    solver : SolverStats
        Settings and statistics of the solver.
    summary : Summary
        KPIs.
    parameters : Params
        Every parameter the plan was made with.
    travel_model : str
        ``geodesic`` or ``roads.graphml``.
    truck_starts : tuple of TruckStart
        Trucks that started the day elsewhere than at home at shift start.
    economics : PlanEconomics or None
        Cost, saving and CO2 against the ingot route (filled by the pipeline).
    supply : SupplyPlan or None
        Managed supply: the deliveries decided and every furnace's level curve; ``None``
        for a network without ``consumption.csv``.
    preheats : tuple of Preheat
        Cold ladles preheated on the smelters' stands (a network with a ladle pool).
    breaks : tuple of DriverBreak
        The drivers' rests and handovers (empty without ``[drivers]`` rules).
    """

    schema_version: Literal[2] = 2
    network: str
    plan_date: date
    timezone: str = "Asia/Shanghai"
    runs: tuple[Run, ...]
    unserved: tuple[Unserved, ...]
    solver: SolverStats
    summary: Summary
    parameters: Params = Params()
    travel_model: str = "geodesic"
    truck_starts: tuple[TruckStart, ...] = ()
    economics: PlanEconomics | None = None
    supply: SupplyPlan | None = None
    preheats: tuple[Preheat, ...] = ()
    breaks: tuple[DriverBreak, ...] = ()

    @property
    def has_ladles(self) -> bool:
        """Whether the plan's runs carry ladles of a pool (``ladle_id`` set)."""
        return any(r.ladle_id is not None for r in self.runs)

    @field_validator("runs", "unserved", "truck_starts", "preheats", "breaks", mode="before")
    @classmethod
    def _as_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @field_validator("truck_starts", mode="after")
    @classmethod
    def _starts_fixed_offset(cls, value: tuple[TruckStart, ...]) -> tuple[TruckStart, ...]:
        """Each truck start's ``at`` held with its fixed UTC offset, like the runs' times."""
        return tuple(
            s.model_copy(update={"at": fixed_offset(s.at)}) if s.at.utcoffset() is not None else s
            for s in value
        )


__all__ = [
    "BREAK_COLUMNS",
    "LADLE_RUN_COLUMNS",
    "OPTIONAL_RUN_COLUMNS",
    "PREHEAT_COLUMNS",
    "RUN_COLUMNS",
    "RUN_TIMES",
    "SCHEMA_VERSION",
    "UNSERVED_COLUMNS",
    "DriverBreak",
    "Plan",
    "Preheat",
    "Reason",
    "Run",
    "Summary",
    "Unserved",
    "fixed_offset",
]
