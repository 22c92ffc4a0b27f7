"""Independent plan checker: re-simulate a plan from the inputs and list every violation.

``molten check NETWORK PLAN_DIR`` reads ``runs.csv`` and ``unserved.csv`` (spec §4) with
its own reader and checks them against the network alone: the physical models of spec §2
and the plan rules of spec §3. It shares no code with the solver, so a plan written by
hand (a dispatcher's spreadsheet saved as ``runs.csv``) is checked exactly like one the
solver wrote. ``plan.json`` is not needed.

Conventions
-----------
* Times may be ISO 8601 (with or without offset; a naive value is local time of the
  network) or ``HH:MM``/``HH:MM:SS`` on the network's plan date (``26:30`` is the next
  morning), like the input files. The solver writes times to the second, so every time
  comparison allows :data:`TIME_TOL_S` (1 s).
* Travel minutes are :func:`logistics.geo.travel_matrix` minutes, unrounded; a plan must
  leave at least that much time.
* Each violation names its rule with one of the strings in :data:`RULES`; these names
  are part of the public interface.

Everything runs in O(n log n) for n runs (sorting per truck, trip, smelter and alloy).
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice, pairwise
from pathlib import Path

from logistics.errors import InputError, InputProblem
from logistics.geo import travel_matrix
from logistics.loader import parse_time, read_csv_rows
from logistics.model import Network, Truck
from logistics.plan import RUN_COLUMNS, UNSERVED_COLUMNS, UNSERVED_REASONS
from logistics.thermal import temperature_after

log = logging.getLogger(__name__)

#: Rule names, in the order the checker documents them (spec §3).
RULES = (
    "unknown_id",
    "order_mismatch",
    "duplicate_run",
    "time_order",
    "fill_duration",
    "pour_duration",
    "ladle_size",
    "no_production",
    "trip_smelter",
    "trip_ladles",
    "trip_depart",
    "trip_numbering",
    "truck_overlap",
    "travel_time",
    "shift",
    "smelter_hours",
    "caster_hours",
    "lead_time",
    "window",
    "tap_range",
    "arrival_temperature",
    "arrival_reported",
    "production",
    "fill_bays",
    "road_km",
    "order_accounting",
    "unserved_row",
)

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
#: ``road_km`` may differ from the travel model by this many km or this share, the larger.
ROAD_KM_TOL = 0.5
ROAD_KM_REL_TOL = 0.01

RUNS_FILE = "runs.csv"
UNSERVED_FILE = "unserved.csv"

_TIME_FIELDS = ("fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end")
_FLOAT_FIELDS = ("tonnes", "tap_c", "arrival_c", "road_km")


# --------------------------------------------------------------------------------------
# public results
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Violation:
    """One broken rule.

    Attributes
    ----------
    rule : str
        One of :data:`RULES`.
    message : str
        What is wrong, with the numbers (times in the network's timezone).
    run_id, truck_id, order_id : str | None
        What the violation is about, where it applies.
    """

    rule: str
    message: str
    run_id: str | None = None
    truck_id: str | None = None
    order_id: str | None = None

    def __str__(self) -> str:
        """``run R07 (truck T3, order O3) travel_time: arrives at C3 08:00:00; ...``.

        No square brackets: terminals that render markup (rich) would swallow them.
        """
        if self.run_id is not None:
            who = f"run {self.run_id}"
            extra = [f"truck {self.truck_id}"] if self.truck_id else []
            extra += [f"order {self.order_id}"] if self.order_id else []
            if extra:
                who += f" ({', '.join(extra)})"
        elif self.truck_id is not None:
            who = f"truck {self.truck_id}"
        elif self.order_id is not None:
            who = f"order {self.order_id}"
        else:
            who = "plan"
        return f"{who} {self.rule}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    """The outcome of checking one plan.

    Attributes
    ----------
    violations : tuple[Violation, ...]
        Every violation found; empty when the plan is sound.
    runs_checked : int
        Rows of ``runs.csv``.
    orders_checked : int
        Orders of the plan day (:attr:`logistics.model.Network.day_orders`).
    min_arrival_margin_c : float | None
        Smallest recomputed arrival temperature minus ``min_pour_c + margin_c`` over the
        runs, °C; ``None`` when no run could be recomputed.
    """

    violations: tuple[Violation, ...]
    runs_checked: int
    orders_checked: int
    min_arrival_margin_c: float | None

    @property
    def ok(self) -> bool:
        """True when the plan breaks no rule."""
        return not self.violations

    def summary(self) -> dict[str, int]:
        """Number of violations per rule, in :data:`RULES` order (rules with none left out).

        Returns
        -------
        dict[str, int]
            ``{rule: count}``; empty for a sound plan.
        """
        counts = Counter(v.rule for v in self.violations)
        order = {rule: i for i, rule in enumerate(RULES)}
        return {rule: counts[rule] for rule in sorted(counts, key=lambda r: order.get(r, 99))}


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Run:
    """One parsed row of ``runs.csv``; times in seconds from the plan date's midnight."""

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


@dataclass(frozen=True)
class _Unserved:
    row: int
    order_id: str
    caster_id: str
    alloy: str
    tonnes: float
    reason: str


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    return value


def _parse_trip(text: str) -> int:
    value = float(text)
    if not math.isfinite(value) or value != int(value):
        raise ValueError
    return int(value)


def _missing_columns(
    rows: list[tuple[int, Mapping[str, object]]], file: str, columns: Iterable[str]
) -> list[InputProblem]:
    if not rows:
        return []
    header = rows[0][1].keys()
    return [
        InputProblem(file, 1, col, "required column is missing")
        for col in columns
        if col not in header
    ]


def _parse_runs(
    network: Network, rows: list[tuple[int, Mapping[str, object]]]
) -> tuple[list[_Run], list[InputProblem]]:
    problems = _missing_columns(rows, RUNS_FILE, RUN_COLUMNS)
    if problems:
        return [], problems
    origin = network.origin
    runs: list[_Run] = []
    for row, raw in rows:
        values: dict[str, object] = {"row": row}
        row_ok = True
        for col in RUN_COLUMNS:
            text = _text(raw.get(col))
            if text == "":
                problems.append(InputProblem(RUNS_FILE, row, col, "missing value"))
                row_ok = False
                continue
            try:
                if col in _TIME_FIELDS:
                    moment = parse_time(text, network.plan_date, network.tz)
                    values[col] = (moment - origin).total_seconds()
                elif col in _FLOAT_FIELDS:
                    values[col] = _parse_float(text)
                elif col == "trip":
                    values[col] = _parse_trip(text)
                else:
                    values[col] = text
            except ValueError as exc:
                detail = str(exc) if col in _TIME_FIELDS else f"'{text}' is not a number"
                if col == "trip":
                    detail = f"'{text}' is not a whole number"
                problems.append(InputProblem(RUNS_FILE, row, col, detail))
                row_ok = False
        if row_ok:
            runs.append(_Run(**values))  # type: ignore[arg-type]
    return runs, problems


def _parse_unserved(
    rows: list[tuple[int, Mapping[str, object]]],
) -> tuple[list[_Unserved], list[InputProblem]]:
    problems = _missing_columns(rows, UNSERVED_FILE, UNSERVED_COLUMNS)
    if problems:
        return [], problems
    items: list[_Unserved] = []
    for row, raw in rows:
        values: dict[str, object] = {"row": row}
        row_ok = True
        for col in UNSERVED_COLUMNS:
            text = _text(raw.get(col))
            if text == "":
                problems.append(InputProblem(UNSERVED_FILE, row, col, "missing value"))
                row_ok = False
            elif col == "tonnes":
                try:
                    values[col] = _parse_float(text)
                except ValueError:
                    problems.append(
                        InputProblem(UNSERVED_FILE, row, col, f"'{text}' is not a number")
                    )
                    row_ok = False
            else:
                values[col] = text
        if row_ok:
            items.append(_Unserved(**values))  # type: ignore[arg-type]
    return items, problems


def _read_plan_csv(
    path: Path, file: str, columns: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], list[InputProblem]]:
    if not path.is_file():
        return [], [InputProblem(file, None, None, f"file not found at {path}")]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        return [], [InputProblem(file, row, None, "not UTF-8 text; save the file as UTF-8")]
    try:
        _, rows = read_csv_rows(text, file, columns)
    except InputError as exc:
        return [], list(exc.problems)
    return rows, []


# --------------------------------------------------------------------------------------
# public entry points
# --------------------------------------------------------------------------------------
def check_plan(
    network: Network, runs: list[dict[str, str]], unserved: list[dict[str, str]]
) -> CheckReport:
    """Check a plan given as CSV rows against a network.

    Parameters
    ----------
    network : Network
        The network the plan is for (its plan date gives ``HH:MM`` times their day).
    runs : list of dict
        Rows of ``runs.csv`` as read from CSV (``csv.DictReader``): column → text. The
        first row is spreadsheet row 2.
    unserved : list of dict
        Rows of ``unserved.csv``, likewise.

    Returns
    -------
    CheckReport
        Every violation, with the minimum arrival margin.

    Raises
    ------
    InputError
        A missing column or a missing/unparsable value, naming file, row (header = 1)
        and column.
    """
    return _check_rows(
        network,
        list(enumerate(runs, start=2)),
        list(enumerate(unserved, start=2)),
    )


def check_plan_folder(network: Network, plan_dir: Path | str) -> CheckReport:
    """Check the plan in a folder (``runs.csv`` and ``unserved.csv``) against a network.

    Parameters
    ----------
    network : Network
        The network the plan is for.
    plan_dir : Path or str
        Folder with ``runs.csv`` and ``unserved.csv``; ``plan.json`` is not needed.

    Returns
    -------
    CheckReport
        Every violation, with the minimum arrival margin.

    Raises
    ------
    InputError
        A missing file, missing column or unparsable value, naming file, row (header =
        1) and column.
    """
    folder = Path(plan_dir)
    run_rows, problems = _read_plan_csv(folder / RUNS_FILE, RUNS_FILE, RUN_COLUMNS)
    unserved_rows, more = _read_plan_csv(folder / UNSERVED_FILE, UNSERVED_FILE, UNSERVED_COLUMNS)
    problems += more
    if problems:
        raise InputError(problems)
    return _check_rows(network, run_rows, unserved_rows)  # type: ignore[arg-type]


def _check_rows(
    network: Network,
    run_rows: list[tuple[int, Mapping[str, object]]],
    unserved_rows: list[tuple[int, Mapping[str, object]]],
) -> CheckReport:
    runs, problems = _parse_runs(network, run_rows)
    unserved, more = _parse_unserved(unserved_rows)
    problems += more
    if problems:
        raise InputError(problems)
    checker = _Checker(network)
    report = checker.run(runs, unserved)
    log.info(
        "checked %d runs and %d orders: %d violations",
        report.runs_checked,
        report.orders_checked,
        len(report.violations),
    )
    return report


# --------------------------------------------------------------------------------------
# the checks
# --------------------------------------------------------------------------------------
def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60.0:.1f} min"


class _Checker:
    """Runs every rule over parsed runs; collects violations."""

    def __init__(self, network: Network):
        self.net = network
        self.tm = travel_matrix(network)
        self.params = network.params
        self.violations: list[Violation] = []
        self.min_margin: float | None = None

    # -- helpers ------------------------------------------------------------------------
    def at(self, seconds: float) -> str:
        """A time for messages: ``HH:MM:SS`` on the plan date, else with its date."""
        if not math.isfinite(seconds):
            return "never"
        moment: datetime = self.net.origin + timedelta(seconds=round(seconds))
        if moment.date() == self.net.plan_date:
            return moment.strftime("%H:%M:%S")
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    def seconds(self, moment: datetime) -> float:
        return (moment - self.net.origin).total_seconds()

    def add(self, rule: str, message: str, run: _Run | None = None, **ids: str | None) -> None:
        if run is not None:
            ids = {"run_id": run.run_id, "truck_id": run.truck_id, "order_id": run.order_id}
        self.violations.append(Violation(rule, message, **ids))

    def travel_s(self, kind_a: str, a: str, kind_b: str, b: str) -> float:
        """Driving time between two sites, seconds (``inf`` without a road)."""
        if kind_a == kind_b and a == b:
            return 0.0
        i = self.tm.index(kind_a, a)
        j = self.tm.index(kind_b, b)
        return float(self.tm.minutes[i, j]) * 60.0

    def known(self, run: _Run) -> bool:
        net = self.net
        return (
            run.truck_id in net.truck_by_id
            and run.smelter_id in net.smelter_by_id
            and run.caster_id in net.caster_by_id
        )

    # -- driver -------------------------------------------------------------------------
    def run(self, runs: list[_Run], unserved: list[_Unserved]) -> CheckReport:
        self.check_duplicates(runs)
        for r in runs:
            self.check_run(r)
        self.check_trucks(runs)
        self.check_production(runs)
        self.check_fill_bays(runs)
        self.check_unserved_rows(unserved)
        self.check_accounting(runs, unserved)
        return CheckReport(
            violations=tuple(self.violations),
            runs_checked=len(runs),
            orders_checked=len(self.net.day_orders),
            min_arrival_margin_c=self.min_margin,
        )

    # -- one run at a time --------------------------------------------------------------
    def check_duplicates(self, runs: list[_Run]) -> None:
        first: dict[str, int] = {}
        for r in runs:
            if r.run_id in first:
                self.add(
                    "duplicate_run",
                    f"run_id {r.run_id} at row {r.row} repeats row {first[r.run_id]}",
                    r,
                )
            else:
                first[r.run_id] = r.row

    def check_run(self, r: _Run) -> None:
        net = self.net
        truck = net.truck_by_id.get(r.truck_id)
        order = net.order_by_id.get(r.order_id)
        smelter = net.smelter_by_id.get(r.smelter_id)
        caster = net.caster_by_id.get(r.caster_id)
        unknown = [
            f"{label} '{value}'"
            for label, value, obj in (
                ("truck", r.truck_id, truck),
                ("order", r.order_id, order),
                ("smelter", r.smelter_id, smelter),
                ("caster", r.caster_id, caster),
            )
            if obj is None
        ]
        if unknown:
            self.add("unknown_id", f"unknown {', '.join(unknown)} (row {r.row})", r)

        if order is not None and (order.caster_id != r.caster_id or order.alloy != r.alloy):
            self.add(
                "order_mismatch",
                f"run is {r.alloy} to {r.caster_id}, but order {order.order_id} is "
                f"{order.alloy} to {order.caster_id}",
                r,
            )

        self.check_time_order(r)
        if smelter is not None and r.fill_end - r.fill_start < smelter.fill_min * 60 - TIME_TOL_S:
            self.add(
                "fill_duration",
                f"fills {self.at(r.fill_start)}–{self.at(r.fill_end)} "
                f"({_minutes(r.fill_end - r.fill_start)}); smelter {smelter.smelter_id} "
                f"needs {smelter.fill_min:g} min per ladle",
                r,
            )
        if caster is not None and r.pour_end - r.pour_start < caster.unload_min * 60 - TIME_TOL_S:
            self.add(
                "pour_duration",
                f"pours {self.at(r.pour_start)}–{self.at(r.pour_end)} "
                f"({_minutes(r.pour_end - r.pour_start)}); caster {caster.caster_id} "
                f"needs {caster.unload_min:g} min per ladle",
                r,
            )
        if truck is not None and not (0 < r.tonnes <= truck.ladle_t + TONNES_TOL):
            self.add(
                "ladle_size",
                f"{r.tonnes:g} t in one ladle; truck {truck.truck_id} carries ladles of "
                f"more than 0 and at most {truck.ladle_t:g} t",
                r,
            )
        production = net.production_by_key.get((r.smelter_id, r.alloy))
        if smelter is not None and production is None:
            self.add("no_production", f"smelter {r.smelter_id} does not make {r.alloy}", r)

        if smelter is not None:
            opens, closes = self.seconds(smelter.open), self.seconds(smelter.close)
            if r.fill_start < opens - TIME_TOL_S or r.fill_end > closes + TIME_TOL_S:
                self.add(
                    "smelter_hours",
                    f"fills {self.at(r.fill_start)}–{self.at(r.fill_end)} outside smelter "
                    f"{smelter.smelter_id}'s hours {self.at(opens)}–{self.at(closes)}",
                    r,
                )
        if caster is not None:
            opens, closes = self.seconds(caster.open), self.seconds(caster.close)
            if r.pour_start < opens - TIME_TOL_S or r.pour_end > closes + TIME_TOL_S:
                self.add(
                    "caster_hours",
                    f"pours {self.at(r.pour_start)}–{self.at(r.pour_end)} outside caster "
                    f"{caster.caster_id}'s hours {self.at(opens)}–{self.at(closes)}",
                    r,
                )
        if order is not None:
            earliest = self.seconds(order.placed_at) + self.params.planning.lead_time_h * 3600
            if r.pour_start < earliest - TIME_TOL_S:
                self.add(
                    "lead_time",
                    f"pours at {self.at(r.pour_start)}, but order placed "
                    f"{self.at(self.seconds(order.placed_at))} + "
                    f"{self.params.planning.lead_time_h:g} h allows {self.at(earliest)} "
                    "at the earliest",
                    r,
                )
            start, end = self.seconds(order.window_start), self.seconds(order.window_end)
            if r.pour_start < start - TIME_TOL_S or r.pour_start > end + TIME_TOL_S:
                self.add(
                    "window",
                    f"pour starts {self.at(r.pour_start)} outside the order window "
                    f"{self.at(start)}–{self.at(end)}",
                    r,
                )
        if production is not None and not (
            production.tap_min_c - TAP_TOL_C <= r.tap_c <= production.tap_max_c + TAP_TOL_C
        ):
            self.add(
                "tap_range",
                f"tapped at {r.tap_c:g} °C; {r.smelter_id} taps {r.alloy} at "
                f"{production.tap_min_c:g}–{production.tap_max_c:g} °C",
                r,
            )
        if truck is not None and caster is not None:
            self.check_temperature(r, truck, caster.min_pour_c)
        if smelter is not None and caster is not None:
            km = float(self.tm.km[self.tm.smelter(r.smelter_id), self.tm.caster(r.caster_id)])
            if not math.isfinite(km) or abs(r.road_km - km) > max(
                ROAD_KM_TOL, ROAD_KM_REL_TOL * km
            ):
                self.add(
                    "road_km",
                    f"reports {r.road_km:g} km from {r.smelter_id} to {r.caster_id}; the "
                    f"travel model gives {km:.3f} km",
                    r,
                )

    def check_time_order(self, r: _Run) -> None:
        broken = []
        for a, b in pairwise(_TIME_FIELDS):
            ta, tb = getattr(r, a), getattr(r, b)
            if ta > tb + TIME_TOL_S:
                broken.append(f"{b} {self.at(tb)} is before {a} {self.at(ta)}")
        if broken:
            self.add("time_order", "; ".join(broken), r)

    def check_temperature(self, r: _Run, truck: Truck, min_pour_c: float) -> None:
        thermal = self.params.thermal
        hold_h = (r.pour_start - r.fill_end) / 3600.0
        arrival = temperature_after(r.tap_c, hold_h, truck.tau_h, thermal.ambient_c)
        needed = min_pour_c + thermal.margin_c
        margin = arrival - needed
        if self.min_margin is None or margin < self.min_margin:
            self.min_margin = margin
        if arrival < needed - ARRIVAL_TOL_C:
            self.add(
                "arrival_temperature",
                f"tapped at {r.tap_c:g} °C and held {hold_h:.2f} h (tau {truck.tau_h:g} h), "
                f"arrives at {arrival:.1f} °C; caster {r.caster_id} needs {needed:g} °C "
                f"(min_pour_c {min_pour_c:g} + margin {thermal.margin_c:g})",
                r,
            )
        if abs(r.arrival_c - arrival) > ARRIVAL_REPORT_TOL_C:
            self.add(
                "arrival_reported",
                f"reports arrival at {r.arrival_c:g} °C; tap {r.tap_c:g} °C held "
                f"{hold_h:.2f} h gives {arrival:.1f} °C",
                r,
            )

    # -- trucks and trips ---------------------------------------------------------------
    def check_trucks(self, runs: list[_Run]) -> None:
        by_truck: dict[str, list[_Run]] = defaultdict(list)
        for r in runs:
            if r.truck_id in self.net.truck_by_id:
                by_truck[r.truck_id].append(r)
        for truck_id, truck_runs in by_truck.items():
            truck = self.net.truck_by_id[truck_id]
            trips: dict[int, list[_Run]] = defaultdict(list)
            for r in sorted(truck_runs, key=lambda r: (r.fill_start, r.fill_end, r.row)):
                trips[r.trip].append(r)
            for number, trip in trips.items():
                self.check_trip(truck, number, trip)
            self.check_trip_numbering(truck, trips)
            self.check_overlap(truck_runs)
            self.simulate_truck(truck, trips)

    def check_trip(self, truck: Truck, number: int, trip: list[_Run]) -> None:
        """``trip`` is in fill order."""
        name = f"trip {number} of truck {truck.truck_id}"
        smelters = sorted({r.smelter_id for r in trip})
        if len(smelters) > 1:
            first = trip[0].smelter_id
            for r in trip:
                if r.smelter_id != first:
                    self.add(
                        "trip_smelter",
                        f"{name} fills at {', '.join(smelters)}; a trip fills at one "
                        f"smelter ({first} first)",
                        r,
                    )
        if len(trip) > truck.ladles:
            self.add(
                "trip_ladles",
                f"{name} carries {len(trip)} ladles ({', '.join(r.run_id for r in trip)}); "
                f"the truck has {_count(truck.ladles, 'ladle slot')}",
                trip[-1],
            )
        # the trip's departure: the most common one, ties to the earliest-filled run's
        counts = Counter(round(r.depart) for r in trip)
        best = max(counts.values())
        depart = next(r.depart for r in trip if counts[round(r.depart)] == best)
        for r in trip:
            if abs(r.depart - depart) > TIME_TOL_S:
                self.add(
                    "trip_depart",
                    f"departs {self.at(r.depart)}, but {name} departs {self.at(depart)}; "
                    "all ladles of a trip leave together",
                    r,
                )
        last_filled = max(trip, key=lambda r: (r.fill_end, r.row))
        if depart < last_filled.fill_end - TIME_TOL_S:
            self.add(
                "trip_depart",
                f"{name} departs {self.at(depart)} before run {last_filled.run_id} "
                f"finishes filling at {self.at(last_filled.fill_end)}",
                last_filled,
            )

    def check_trip_numbering(self, truck: Truck, trips: dict[int, list[_Run]]) -> None:
        numbers = sorted(trips)
        if numbers != list(range(1, len(numbers) + 1)):
            self.add(
                "trip_numbering",
                f"truck {truck.truck_id} has trips {', '.join(map(str, numbers))}; trips "
                f"count from 1 without gaps (1..{len(numbers)})",
                truck_id=truck.truck_id,
            )
        for k, k_next in pairwise(numbers):
            last_pour = max(trips[k], key=lambda r: r.pour_end)
            first_fill = trips[k_next][0]
            if last_pour.pour_end > first_fill.fill_start + TIME_TOL_S:
                self.add(
                    "trip_numbering",
                    f"trip {k_next} starts filling at {self.at(first_fill.fill_start)} "
                    f"before trip {k} ends pouring at {self.at(last_pour.pour_end)} "
                    f"(run {last_pour.run_id}); trips are numbered in time order",
                    first_fill,
                )

    def check_overlap(self, runs: list[_Run]) -> None:
        for what, start, end in (
            ("fill", "fill_start", "fill_end"),
            ("pour", "pour_start", "pour_end"),
        ):
            ordered = sorted(runs, key=lambda r: (getattr(r, start), getattr(r, end), r.row))
            latest: _Run | None = None
            for r in ordered:
                if latest is not None and getattr(r, start) < getattr(latest, end) - TIME_TOL_S:
                    self.add(
                        "truck_overlap",
                        f"{what} {self.at(getattr(r, start))}–{self.at(getattr(r, end))} "
                        f"overlaps the {what} of run {latest.run_id} "
                        f"({self.at(getattr(latest, start))}–{self.at(getattr(latest, end))}) "
                        "on the same truck",
                        r,
                    )
                if latest is None or getattr(r, end) > getattr(latest, end):
                    latest = r

    def simulate_truck(self, truck: Truck, trips: dict[int, list[_Run]]) -> None:
        """Drive the truck through its trips in time order; check travel and shift."""
        shift_start = self.seconds(truck.shift_start)
        shift_end = self.seconds(truck.shift_end)
        tid = truck.truck_id
        # where the truck is free, and from when; None once its position is unknown
        place: tuple[str, str] | None = ("smelter", truck.home_smelter)
        free_at = shift_start
        first_trip = True
        for number in sorted(trips, key=lambda k: (trips[k][0].fill_start, k)):
            trip = [r for r in trips[number] if self.known(r)]
            if not trip:
                place = None
                continue
            first = trip[0]
            smelter = first.smelter_id
            if first_trip and first.fill_start < shift_start - TIME_TOL_S:
                self.add(
                    "shift",
                    f"first fill starts {self.at(first.fill_start)}, before truck {tid}'s "
                    f"shift starts at {self.at(shift_start)}",
                    first,
                )
                place = None  # already reported; do not report the drive as well
            if place is not None:
                need = free_at + self.travel_s(*place, "smelter", smelter)
                if first.fill_start < need - TIME_TOL_S:
                    origin = "home" if first_trip else "the last caster"
                    self.add(
                        "travel_time",
                        f"trip {number} starts filling at {self.at(first.fill_start)}; from "
                        f"{origin} {place[1]} (free {self.at(free_at)}) the drive to "
                        f"{smelter} takes {_minutes(need - free_at)}, so {self.at(need)} "
                        "at the earliest",
                        first,
                    )
            first_trip = False
            visits = sorted(trip, key=lambda r: (r.pour_start, r.arrive, r.row))
            prev: _Run | None = None
            for r in visits:
                if prev is None:
                    ready, site = visits[0].depart, ("smelter", smelter)
                    leg = f"departs {smelter} at {self.at(ready)}"
                else:
                    ready, site = prev.pour_end, ("caster", prev.caster_id)
                    leg = f"run {prev.run_id} ends pouring at {prev.caster_id} {self.at(ready)}"
                drive = self.travel_s(*site, "caster", r.caster_id)
                if r.arrive < ready + drive - TIME_TOL_S:
                    self.add(
                        "travel_time",
                        f"arrives at {r.caster_id} {self.at(r.arrive)}; {leg} and the drive "
                        f"takes {_minutes(drive)}, so {self.at(ready + drive)} at the earliest",
                        r,
                    )
                prev = r
            assert prev is not None
            place = ("caster", prev.caster_id)
            free_at = max(r.pour_end for r in trip)
        if place is not None:
            back = free_at + self.travel_s(*place, "smelter", truck.home_smelter)
            if back > shift_end + TIME_TOL_S:
                self.add(
                    "shift",
                    f"last pour ends {self.at(free_at)} at {place[1]}; the drive home to "
                    f"{truck.home_smelter} ends {self.at(back)}, after the shift ends at "
                    f"{self.at(shift_end)}",
                    truck_id=tid,
                )

    # -- smelters -----------------------------------------------------------------------
    def check_production(self, runs: list[_Run]) -> None:
        groups: dict[tuple[str, str], list[_Run]] = defaultdict(list)
        for r in runs:
            if (r.smelter_id, r.alloy) in self.net.production_by_key:
                groups[(r.smelter_id, r.alloy)].append(r)
        for key, group in groups.items():
            prod = self.net.production_by_key[key]
            opens = self.seconds(self.net.smelter_by_id[key[0]].open)
            filled = 0.0
            for r in sorted(group, key=lambda r: (r.fill_start, r.row)):
                filled += r.tonnes
                hours = (r.fill_start + TIME_TOL_S - opens) / 3600.0
                available = prod.stock_t + prod.rate_tph * hours
                if filled > available + TONNES_TOL:
                    self.add(
                        "production",
                        f"by {self.at(r.fill_start)} {key[0]} has filled {filled:.3f} t of "
                        f"{key[1]}, but only {available:.3f} t are released (stock "
                        f"{prod.stock_t:g} t + {prod.rate_tph:g} t/h from "
                        f"{self.at(opens)})",
                        r,
                    )

    def check_fill_bays(self, runs: list[_Run]) -> None:
        by_smelter: dict[str, list[_Run]] = defaultdict(list)
        for r in runs:
            smelter = self.net.smelter_by_id.get(r.smelter_id)
            if smelter is not None and smelter.fill_bays is not None:
                by_smelter[r.smelter_id].append(r)
        for smelter_id, group in by_smelter.items():
            bays = self.net.smelter_by_id[smelter_id].fill_bays
            assert bays is not None
            # (time, kind, run): kind 0 = a fill ends, 1 = a fill starts (ends first)
            events: list[tuple[float, int, int]] = []
            for i, r in enumerate(group):
                end = r.fill_end - TIME_TOL_S
                if end > r.fill_start:
                    events.append((r.fill_start, 1, i))
                    events.append((end, 0, i))
            events.sort()
            active: set[int] = set()
            for _, kind, i in events:
                if kind == 0:
                    active.discard(i)
                    continue
                active.add(i)
                if len(active) > bays:
                    r = group[i]
                    # name a few of the others only: a badly broken plan may have
                    # hundreds filling at once, and the check must stay O(n log n)
                    shown = sorted(group[j].run_id for j in islice(active, 4) if j != i)[:3]
                    more = len(active) - 1 - len(shown)
                    others = ", ".join(shown) + (f" and {more} more" if more else "")
                    self.add(
                        "fill_bays",
                        f"starts filling at {self.at(r.fill_start)} while {others} "
                        f"{'fills' if len(active) == 2 else 'fill'} at {smelter_id}: "
                        f"{len(active)} ladles at once, the smelter has "
                        f"{_count(bays, 'fill bay')}",
                        r,
                    )

    # -- orders -------------------------------------------------------------------------
    def check_unserved_rows(self, unserved: list[_Unserved]) -> None:
        for u in unserved:
            where = f"{UNSERVED_FILE} row {u.row}"
            order = self.net.order_by_id.get(u.order_id)
            problems = []
            if order is None:
                problems.append(f"unknown order '{u.order_id}'")
            elif order.caster_id != u.caster_id or order.alloy != u.alloy:
                problems.append(
                    f"says {u.alloy} to {u.caster_id}, but the order is {order.alloy} to "
                    f"{order.caster_id}"
                )
            if u.tonnes <= 0:
                problems.append(f"tonnes {u.tonnes:g} is not positive")
            if u.reason not in UNSERVED_REASONS:
                problems.append(f"reason '{u.reason}' is not one of {', '.join(UNSERVED_REASONS)}")
            if problems:
                self.add("unserved_row", f"{where}: {'; '.join(problems)}", order_id=u.order_id)

    def check_accounting(self, runs: list[_Run], unserved: list[_Unserved]) -> None:
        delivered: dict[str, float] = defaultdict(float)
        for r in runs:
            delivered[r.order_id] += r.tonnes
        not_delivered: dict[str, float] = defaultdict(float)
        for u in unserved:
            not_delivered[u.order_id] += u.tonnes
        day = {o.order_id for o in self.net.day_orders}
        ids = day | set(delivered) | set(not_delivered)
        for order_id in sorted(ids):
            order = self.net.order_by_id.get(order_id)
            if order is None:
                continue  # reported as unknown_id / unserved_row
            got, missing = delivered.get(order_id, 0.0), not_delivered.get(order_id, 0.0)
            if got > order.tonnes + ACCOUNTING_TOL_T:
                self.add(
                    "order_accounting",
                    f"delivers {got:.3f} t, more than the {order.tonnes:g} t ordered",
                    order_id=order_id,
                )
            elif order_id in day and abs(got + missing - order.tonnes) > ACCOUNTING_TOL_T:
                self.add(
                    "order_accounting",
                    f"delivered {got:.3f} t + unserved {missing:.3f} t = "
                    f"{got + missing:.3f} t, but {order.tonnes:g} t were ordered",
                    order_id=order_id,
                )


__all__ = [
    "RULES",
    "CheckReport",
    "Violation",
    "check_plan",
    "check_plan_folder",
]
