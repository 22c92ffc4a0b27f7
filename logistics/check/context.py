"""What every rule of the checker reads: the network, its travel model, its own clock.

The checker converts times with its own code (:class:`CheckClock`), not with the
planner's, so a bug in the planner's clock cannot hide from it: every moment becomes
seconds of real elapsed time (UTC) from local midnight of the plan date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from logistics.check.report import Violation
from logistics.network.model import Network
from logistics.physics.travel import Travel

#: Tolerance on every time comparison, seconds (the solver writes times to the second).
TIME_TOL_S = 1.0
#: Tolerance on tonnes in ladle size and production, t.
TONNES_TOL = 1e-6
#: Tolerance on order accounting, t.
ACCOUNTING_TOL_T = 0.01
#: Tolerance on the arrival temperature requirement, °C.
ARRIVAL_TOL_C = 0.05
#: Largest accepted difference between reported and recomputed arrival temperature, °C.
ARRIVAL_REPORT_TOL_C = 0.5
#: Tolerance on tap temperatures against the production row's range, °C.
TAP_TOL_C = 1e-6
#: A tap this much above the lowest sufficient one is reported as superheat, °C (the
#: planner rounds taps up to 0.1 °C).
SUPERHEAT_TOL_C = 0.15
#: ``road_km`` may differ from the travel model by this many km or this share, the larger.
ROAD_KM_TOL = 0.5
ROAD_KM_REL_TOL = 0.01


class CheckClock:
    """Seconds of real time from local midnight of the plan date, and back for messages."""

    def __init__(self, plan_date, timezone: str):
        self.tz = ZoneInfo(timezone)
        self.plan_date = plan_date
        self.origin = datetime.combine(plan_date, time(0, 0), tzinfo=self.tz).astimezone(UTC)

    def seconds(self, moment: datetime) -> float:
        """Elapsed seconds from the origin to an aware ``moment``."""
        return (moment.astimezone(UTC) - self.origin).total_seconds()

    def label(self, seconds: float) -> str:
        """A time for messages: ``HH:MM:SS`` on the plan date, else with its date."""
        if not math.isfinite(seconds):
            return "never"
        moment = (self.origin + timedelta(seconds=round(seconds))).astimezone(self.tz)
        if moment.date() == self.plan_date:
            return moment.strftime("%H:%M:%S")
        return moment.strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class CheckRun:
    """One run of the plan as the checker sees it; times in seconds from the origin."""

    row: int
    run_id: str
    truck_id: str
    trip: int
    order_id: str
    smelter_id: str
    caster_id: str
    alloy: str
    tonnes: float
    fill_start: float
    fill_end: float
    depart: float
    arrive: float
    pour_start: float
    pour_end: float
    tap_c: float
    arrival_c: float
    road_km: float
    cold_probability: float | None = None
    late_probability: float | None = None
    arrival_p05_c: float | None = None
    arrival_p95_c: float | None = None
    ladle_id: str | None = None
    ladle_drop_c: float | None = None


@dataclass(frozen=True)
class CheckUnserved:
    """One unserved row as the checker sees it."""

    row: int
    order_id: str
    caster_id: str
    alloy: str
    tonnes: float
    reason: str


def rush_hour_seconds(
    pieces: tuple[tuple[float, float], ...], depart_s: float, free_s: float
) -> float:
    """Seconds a drive of ``free_s`` free-flow seconds takes leaving at ``depart_s``.

    The checker's own reckoning of the rush hours, from the inputs' speed profile
    (``(from_min, factor)`` pieces of each day, :meth:`RoadParams.speed_profile`):
    second by piece, the share ``factor`` of free-flow progress per second.
    """
    if free_s <= 0 or math.isinf(free_s) or all(f == 1.0 for _, f in pieces):
        return free_s
    day_s = 86_400.0
    bounds = [m * 60.0 for m, _ in pieces] + [day_s]
    t, left = depart_s, free_s
    while left > 1e-9:
        day = math.floor(t / day_s)
        if t - day * day_s < 0:  # a hair before midnight: t / day_s rounded to −0
            day -= 1
        clock = min(t - day * day_s, day_s)
        k = max(n for n in range(len(pieces)) if bounds[n] <= clock)
        factor = pieces[k][1]
        piece_end = max(day * day_s + bounds[k + 1], math.nextafter(t, math.inf))
        if left <= (piece_end - t) * factor:
            t += left / factor
            break
        left -= (piece_end - t) * factor
        t = piece_end
    return t - depart_s


def hourly_seconds_pieces(factors: tuple[float, ...]) -> tuple[tuple[float, float], ...]:
    """The checker's own reading of 24 hourly speed factors: ``(from_min, factor)`` from
    each hour's start, as :func:`rush_hour_seconds` takes them (hour ``h`` is minutes
    ``60 h`` to ``60 (h + 1)``; no neighbours merged)."""
    return tuple((60.0 * hour, float(factor)) for hour, factor in enumerate(factors))


@dataclass
class CheckContext:
    """The network, its travel model and clock, and the violations found so far."""

    network: Network
    travel: Travel
    clock: CheckClock
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    min_margin: float | None = None
    #: ``truck_id -> (site_kind, site_id, seconds)`` where a truck became available
    truck_starts: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    #: The probability of cold metal the plan claims its taps were planned for
    #: (``summary.cold_probability_target``), or None (:mod:`logistics.check.quantile`)
    cold_target: float | None = None

    @cached_property
    def fleet_shift_s(self) -> tuple[float, float]:
        """The fleet's first shift start and last shift end, seconds from the origin."""
        fleet = self.network.fleet
        return (
            min(self.seconds(t.shift_start) for t in fleet),
            max(self.seconds(t.shift_end) for t in fleet),
        )

    @cached_property
    def fleet_home_smelters(self) -> tuple[str, ...]:
        """The fleet's home smelters, each once (in the order of the fleet)."""
        return tuple(dict.fromkeys(t.home_smelter for t in self.network.fleet))

    def at(self, seconds: float) -> str:
        """A time for messages."""
        return self.clock.label(seconds)

    def seconds(self, moment: datetime) -> float:
        """Seconds from the origin to a moment of the network's inputs."""
        return self.clock.seconds(moment)

    def add(self, rule: str, message: str, run: CheckRun | None = None, **ids: str | None) -> None:
        """Record a violation of ``rule``."""
        if run is not None:
            ids = {"run_id": run.run_id, "truck_id": run.truck_id, "order_id": run.order_id}
        self.violations.append(Violation(rule, message, **ids))

    def warn(self, rule: str, message: str, run: CheckRun) -> None:
        """Record a warning."""
        self.warnings.append(
            Violation(
                rule, message, run_id=run.run_id, truck_id=run.truck_id, order_id=run.order_id
            )
        )

    def travel_s(
        self, kind_a: str, a: str, kind_b: str, b: str, depart_s: float | None = None
    ) -> float:
        """Driving time between two sites, seconds (``inf`` without a road): at free flow,
        or leaving at ``depart_s`` (plan seconds) through the rush hours of
        ``[roads]`` (:func:`rush_hour_seconds`)."""
        if kind_a == kind_b and a == b:
            return 0.0
        i = self.travel.index(kind_a, a)
        j = self.travel.index(kind_b, b)
        free_s = float(self.travel.minutes[i, j]) * 60.0
        if depart_s is None:
            return free_s
        stretches = self.travel.class_legs.get((i, j))
        if stretches is None:
            return rush_hour_seconds(self.speed_profile, depart_s, free_s)
        t = depart_s
        for road_class, minutes in stretches:
            pieces = self.class_speed_profiles.get(road_class, self.speed_profile)
            t += rush_hour_seconds(pieces, t, minutes * 60.0)
        return t - depart_s

    @cached_property
    def speed_profile(self) -> tuple[tuple[float, float], ...]:
        """The day's rush-hour pieces of ``[roads]`` for all roads (read once per check):
        its 24 hourly factors where given (:func:`hourly_seconds_pieces`), else the two
        windows."""
        roads = self.network.params.roads
        if roads.hourly_speed_factor is not None:
            return hourly_seconds_pieces(roads.hourly_speed_factor)
        return roads.speed_profile()

    @cached_property
    def class_speed_profiles(self) -> dict[str, tuple[tuple[float, float], ...]]:
        """Rush-hour pieces of each road class with its own 24 hourly factors; only on a
        road graph (the legs' road classes come from the travel model)."""
        roads = self.network.params.roads
        if not self.travel.class_legs:
            return {}
        return {c: hourly_seconds_pieces(f) for c, f in roads.hourly_speed_factor_by_class.items()}

    def slowest_travel_s(self, kind_a: str, a: str, kind_b: str, b: str) -> float:
        """Driving time between two sites at the slowest speed share of the day's rush
        hours on any road, seconds: no departure drives longer (free flow without rush
        hours)."""
        profiles = [self.speed_profile, *self.class_speed_profiles.values()]
        slowest = min(f for pieces in profiles for _, f in pieces)
        return self.travel_s(kind_a, a, kind_b, b) / slowest

    def known(self, run: CheckRun) -> bool:
        """Whether the run's truck, smelter and caster are in the network."""
        net = self.network
        return (
            run.truck_id in net.truck_by_id
            and run.smelter_id in net.smelter_by_id
            and run.caster_id in net.caster_by_id
        )


def count(n: int, noun: str) -> str:
    """``1 ladle`` / ``2 ladles``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def minutes_text(seconds: float) -> str:
    """Seconds as ``12.5 min``."""
    return f"{seconds / 60.0:.1f} min"
