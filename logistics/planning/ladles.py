"""Ladles of the smelters' pools for a timed plan: which ladle, preheats, cleaning.

Runs only for a network with ``ladles.csv`` (:attr:`Network.ladles`); without it a truck
carries its own ladles, always hot, and nothing here is called.

The pass works on the plan once it is timed (:mod:`.schedule`): the router and the
timing do not see the pool. It goes through the fills in time order and gives each a
ladle of its smelter's pool that

* is at the smelter: back from its previous run (the drive from the last caster of that
  run's trip to the smelter, after the trip's last pour) and cleaned if its fills since
  cleaning reached ``[ladles] clean_every_fills`` (``clean_min`` after it is back);
* holds the run's tonnes, is insulated at least as well as the truck's ``tau_h`` (the
  arrival temperatures of the plan are the truck's), and has fills left before
  relining;
* is hot enough: its lining cools from ``ready_c`` (when it was emptied or preheated)
  with ``empty_tau_h``; below ``cold_below_c`` it is preheated for ``preheat_min`` on a
  free burner stand of the smelter (``preheat_stands``), booked at the earliest start
  from which it is still fit at the fill (leaving the stands' later hours to later
  fills), then moved as late as its stand allows once every fill has its ladle; above
  it, it takes ``lining_heat_share`` × (``ready_c`` − lining) °C from the metal, so the
  furnace taps that much hotter (``ladle_drop_c``), within the smelter's ``tap_max_c``.
  A ladle too cool for that is preheated too.

Of the ladles that qualify the pass takes one that needs no preheat, else one whose
preheat fits; among them the tightest fit (capacity, then ``tau_h``: the big and well-
insulated ladles stay for the runs only they can take), then of hot ladles the coolest
(used before it goes cold), of ladles to preheat the hottest at the fill. A run no ladle
can be ready for is taken off its trip and left unserved with the reason ``ladles`` (and
when one would be ready a little later, :mod:`.ladle_delay` tries its trip that late);
its truck drives on to the trip's next caster (never longer than through the run's
caster), so the trip stays valid. The planner never plans a ladle it cannot have.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from logistics.network.ladles import Ladle, LadleParams
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.model import Run
from logistics.planning.schedule import TimedRun, TimedTrip

#: Taps and drops are planned on a 0.1 °C grid.
_GRID_C = 0.1
_EPS = 1e-9


@dataclass(frozen=True)
class PlannedPreheat:
    """A ladle on a burner stand, minutes from the plan origin (stands count from 1)."""

    ladle_id: str
    smelter_id: str
    stand: int
    start: int
    end: int


@dataclass(frozen=True)
class LadlePlan:
    """What the pass decided.

    Attributes
    ----------
    uses : dict
        ``(truck_id, trip, job_id or run_id) → (ladle_id, ladle_drop_c)`` of every run
        that got a ladle (kept runs by their ``run_id``).
    preheats : tuple of PlannedPreheat
        Preheats on the stands, in time order.
    trips : tuple of TimedTrip
        The new trips without the runs that got no ladle.
    dropped : tuple of TimedRun
        Runs that got no ladle (their jobs are unserved for ``ladles``).
    waits : dict
        ``(truck_id, trip, job_id) →`` minutes after its fill start at which a ladle of
        its pool that holds it would be back, cleaned and (if cold then) preheated, for
        the dropped runs where one would (:mod:`.ladle_delay` tries filling that late).
    """

    uses: dict[tuple[str, int, str], tuple[str, float]]
    preheats: tuple[PlannedPreheat, ...]
    trips: tuple[TimedTrip, ...]
    dropped: tuple[TimedRun, ...]
    waits: dict[tuple[str, int, str], int] = field(default_factory=dict)


@dataclass
class _LadleState:
    ladle: Ladle
    back: float = -math.inf
    hot_at: float | None = None
    fills_since: int = 0
    fills_left: int = 0


@dataclass(frozen=True)
class _Fill:
    """One ladle to fill: a new run or a kept one, minutes from the plan origin."""

    key: tuple[str, int, str]
    smelter_id: str
    tonnes: float
    tau_h: float
    fill_start: float
    tap_c: float
    tap_max_c: float
    pour_end: float
    back: float
    forced: str | None = None
    timed: TimedRun | None = None


@dataclass
class _Stands:
    """Booked preheats per smelter and stand: ``(start, end)`` minutes."""

    count: int
    booked: dict[str, list[list[tuple[float, float]]]] = field(default_factory=dict)

    def latest_start(self, smelter_id: str, earliest: float, latest: float, duration: float):
        """The stand and the latest start in ``[earliest, latest]`` at which a preheat of
        ``duration`` minutes meets no other on that stand, or ``None``."""
        stands = self.booked.setdefault(smelter_id, [[] for _ in range(self.count)])
        best: tuple[float, int] | None = None
        for number, busy in enumerate(stands, start=1):
            start = latest
            for lo, hi in sorted(busy, key=lambda b: -b[1]):
                if start < hi - _EPS and start + duration > lo + _EPS:
                    start = lo - duration
            if start >= earliest - _EPS and (best is None or start > best[0]):
                best = (start, number)
        return None if best is None else (best[1], best[0])

    def earliest_start(self, smelter_id: str, earliest: float, latest: float, duration: float):
        """The stand and the earliest start in ``[earliest, latest]`` at which a preheat of
        ``duration`` minutes meets no other on that stand, or ``None``."""
        stands = self.booked.setdefault(smelter_id, [[] for _ in range(self.count)])
        best: tuple[float, int] | None = None
        for number, busy in enumerate(stands, start=1):
            start = earliest
            for lo, hi in sorted(busy):
                if start < hi - _EPS and start + duration > lo + _EPS:
                    start = hi
            if start <= latest + _EPS and (best is None or start < best[0]):
                best = (start, number)
        return None if best is None else (best[1], best[0])

    def book(self, smelter_id: str, stand: int, start: float, end: float) -> None:
        """Book ``[start, end]`` on a stand."""
        self.booked[smelter_id][stand - 1].append((start, end))


def _back_minutes(network: Network, travel: Travel, runs: Sequence, smelter_id: str) -> float:
    """When a ladle of ``runs``' trip is back at ``smelter_id``: the drive from the trip's
    last caster after its last pour (minutes; ``runs`` have ``pour_end`` in minutes and
    ``caster_id``)."""
    last = max(runs, key=lambda r: r.pour_end)
    leg = travel.leg_minutes(
        travel.caster(last.caster_id), travel.smelter(smelter_id), last.pour_end
    )
    return last.pour_end + leg


def _new_fills(network: Network, travel: Travel, trips: Sequence[TimedTrip]) -> list[_Fill]:
    fills = []
    for trip in trips:
        for r in trip.runs:
            prod = network.production_by_key[(r.smelter_id, r.alloy)]
            fills.append(
                _Fill(
                    key=(r.truck_id, r.trip, r.job.job_id),
                    smelter_id=r.smelter_id,
                    tonnes=r.tonnes,
                    tau_h=network.truck_by_id[r.truck_id].tau_h,
                    fill_start=r.fill_start,
                    tap_c=r.tap_c,
                    tap_max_c=prod.tap_max_c,
                    pour_end=r.pour_end,
                    back=_back_minutes(network, travel, trip.runs, r.smelter_id),
                    timed=r,
                )
            )
    return fills


@dataclass(frozen=True)
class _MinuteRun:
    caster_id: str
    pour_end: float


def _kept_fills(network: Network, travel: Travel, kept: Sequence[Run]) -> list[_Fill]:
    """Kept runs that carry a ladle of the pool: their ladle is theirs."""
    trips: dict[tuple[str, int], list[_MinuteRun]] = defaultdict(list)
    for r in kept:
        trips[(r.truck_id, r.trip)].append(_MinuteRun(r.caster_id, network.minutes(r.pour_end)))
    fills = []
    for r in kept:
        if r.ladle_id is None:
            continue
        prod = network.production_by_key.get((r.smelter_id, r.alloy))
        fills.append(
            _Fill(
                key=(r.truck_id, r.trip, r.run_id),
                smelter_id=r.smelter_id,
                tonnes=r.tonnes,
                tau_h=0.0,
                fill_start=network.minutes(r.fill_start),
                tap_c=r.tap_c,
                tap_max_c=math.inf if prod is None else prod.tap_max_c,
                pour_end=network.minutes(r.pour_end),
                back=_back_minutes(network, travel, trips[(r.truck_id, r.trip)], r.smelter_id),
                forced=r.ladle_id,
            )
        )
    return fills


@dataclass(frozen=True)
class _Choice:
    """A ladle for a fill: its drop, and the preheat it needs (stand, start) if any."""

    state: _LadleState
    drop_c: float
    preheat: tuple[int, float] | None

    def rank(self, fill: _Fill) -> tuple[bool, float, float, float, str]:
        """Best first: no preheat, then the ladle that fits the run most tightly (the
        bigger and better-insulated ladles are kept for the runs only they can take),
        then of ladles still hot the coolest (used before it is cold and would need a
        stand), of ladles to preheat the one hottest at the fill."""
        ladle = self.state.ladle
        return (
            self.preheat is not None,
            round(ladle.capacity_t - fill.tonnes, 6),
            round(ladle.tau_h - fill.tau_h, 6),
            self.drop_c if self.preheat is not None else -self.drop_c,
            ladle.ladle_id,
        )


def _drop_c(params: LadleParams, ambient_c: float, hot_at: float | None, at: float) -> float:
    """The metal's drop, °C on the 0.1 °C grid, filling at ``at`` a ladle last ready at
    ``hot_at`` (``None``: cold, at ambient)."""
    lining = ambient_c if hot_at is None else params.lining_c((at - hot_at) / 60.0, ambient_c)
    return math.ceil(params.drop_c(lining) / _GRID_C - 1e-6) * _GRID_C


def _is_cold(params: LadleParams, ambient_c: float, hot_at: float | None, at: float) -> bool:
    """Whether a ladle last ready at ``hot_at`` counts as cold at ``at``."""
    if hot_at is None:
        return True
    return params.lining_c((at - hot_at) / 60.0, ambient_c) < params.cold_below_c


def _choice(network: Network, stands: _Stands, state: _LadleState, fill: _Fill) -> _Choice | None:
    """How ``state``'s ladle can take ``fill``, or ``None`` when it cannot."""
    params, ambient = network.params.ladles, network.params.thermal.ambient_c
    ladle = state.ladle
    if fill.forced is None and (
        state.fills_left <= 0
        or ladle.capacity_t < fill.tonnes - 1e-6
        or ladle.tau_h < fill.tau_h - _EPS
    ):
        return None
    ready = state.back
    if state.fills_since >= params.clean_every_fills:
        ready += params.clean_min
    if ready > fill.fill_start + _EPS and fill.forced is None:
        return None
    at = fill.fill_start
    if not _is_cold(params, ambient, state.hot_at, at):
        drop = _drop_c(params, ambient, state.hot_at, at)
        if fill.tap_c + drop <= fill.tap_max_c + 1e-6 or fill.forced is not None:
            return _Choice(state, drop, None)
    duration = math.ceil(params.preheat_min - _EPS)
    earliest = math.ceil(ready - _EPS) if math.isfinite(ready) else -math.inf
    latest = math.floor(at + _EPS) - duration
    if fill.forced is None:  # a new run: the preheat packed as early as it may be
        packed = _preheat(network, fill, state, stands.earliest_start, earliest, latest)
        if packed is not None:
            return packed
    found = stands.latest_start(ladle.home_smelter, earliest, latest, duration)
    if found is None:
        if fill.forced is not None:  # a kept run: as it was planned
            return _Choice(state, _drop_c(params, ambient, state.hot_at, at), None)
        return None
    stand, start = found
    drop = _drop_c(params, ambient, start + duration, at)
    too_cool = fill.tap_c + drop > fill.tap_max_c + 1e-6
    if fill.forced is None and (too_cool or _is_cold(params, ambient, start + duration, at)):
        return None  # the stands are free only so early that it is cold again by the fill
    return _Choice(state, drop, (stand, start))


def _usable_min(params: LadleParams, ambient_c: float, fill: _Fill) -> float:
    """Minutes a ladle stays fit for ``fill`` after its preheat ends: not cold, and the
    heat its lining takes from the metal within the furnace's ``tap_max_c``."""
    lowest = params.cold_below_c
    if params.lining_heat_share > 0:
        lowest = max(
            lowest, params.ready_c - (fill.tap_max_c - fill.tap_c) / params.lining_heat_share
        )
    if lowest <= ambient_c:
        return math.inf
    if lowest >= params.ready_c:
        return 0.0
    return 60.0 * params.empty_tau_h * math.log((params.ready_c - ambient_c) / (lowest - ambient_c))


def _preheat(
    network: Network,
    fill: _Fill,
    state: _LadleState,
    earliest_start: Callable[[str, float, float, float], tuple[int, float] | None],
    earliest: float,
    latest: float,
) -> _Choice | None:
    """``state``'s ladle preheated for ``fill`` at the earliest free start on a stand
    from which it is still fit at the fill (minutes; ``None`` when there is none).

    Packed early, the stands keep their later hours for later fills; the preheats are
    moved as late as the stands allow once every fill has its ladle (:func:`_shifted`).
    """
    params, ambient = network.params.ladles, network.params.thermal.ambient_c
    duration = math.ceil(params.preheat_min - _EPS)
    usable = _usable_min(params, ambient, fill)
    if not math.isfinite(usable):
        return None  # fit however early: the latest start serves as well
    lowest = max(earliest, math.ceil(fill.fill_start - usable - duration + 1.0))  # 0.1 °C grid
    found = earliest_start(state.ladle.home_smelter, lowest, latest, duration)
    if found is None:
        return None
    stand, start = found
    drop = _drop_c(params, ambient, start + duration, fill.fill_start)
    if fill.tap_c + drop > fill.tap_max_c + 1e-6 or _is_cold(
        params, ambient, start + duration, fill.fill_start
    ):
        return None
    return _Choice(state, drop, (stand, start))


def _take(network: Network, stands: _Stands, choice: _Choice, fill: _Fill) -> PlannedPreheat | None:
    """Book ``choice`` for ``fill``: the ladle's preheat, its counts, when it is back."""
    params = network.params.ladles
    state = choice.state
    preheat = None
    if choice.preheat is not None:
        stand, start = choice.preheat
        begin = round(start)
        end = begin + math.ceil(params.preheat_min - _EPS)
        stands.book(fill.smelter_id, stand, begin, end)
        preheat = PlannedPreheat(state.ladle.ladle_id, fill.smelter_id, stand, begin, end)
    if state.fills_since >= params.clean_every_fills:
        state.fills_since = 0
    state.fills_since += 1
    state.fills_left -= 1
    state.hot_at = fill.pour_end
    state.back = fill.back
    return preheat


def _shifted(
    network: Network,
    booked: Sequence[tuple[PlannedPreheat, _Fill]],
    uses: dict[tuple[str, int, str], tuple[str, float]],
) -> list[PlannedPreheat]:
    """The preheats of new runs each moved as late as its stand allows before its fill,
    the last first (the ladle is hotter at the fill, so ``uses`` gets the smaller drop).

    Booked as early as they may be (:func:`_preheat`), they are put late once every fill
    has its ladle: a preheat only moves towards its fill, within the gap its stand leaves,
    while the ladle is at its smelter; a kept run's preheat stays.
    """
    params, ambient = network.params.ladles, network.params.thermal.ambient_c
    out: list[PlannedPreheat] = []
    by_stand: dict[tuple[str, int], list[tuple[PlannedPreheat, _Fill]]] = defaultdict(list)
    for preheat, fill in booked:
        by_stand[(preheat.smelter_id, preheat.stand)].append((preheat, fill))
    for on_stand in by_stand.values():
        limit = math.inf
        for preheat, fill in sorted(on_stand, key=lambda b: -b[0].start):
            if fill.forced is None:
                end = min(math.floor(fill.fill_start + _EPS), limit)
                preheat = replace(
                    preheat, start=int(end) - (preheat.end - preheat.start), end=int(end)
                )
                drop = _drop_c(params, ambient, preheat.end, fill.fill_start)
                uses[fill.key] = (preheat.ladle_id, round(drop, 1))
            limit = preheat.start
            out.append(preheat)
    return out


def _wait(network: Network, pool: Sequence[_LadleState], fill: _Fill) -> int | None:
    """Minutes after ``fill``'s start at which the first ladle of ``pool`` that holds it
    is back, cleaned and, if cold by then, preheated; ``None`` when none is later."""
    params, ambient = network.params.ladles, network.params.thermal.ambient_c
    waits = []
    for state in pool:
        ladle = state.ladle
        if (
            state.fills_left <= 0
            or ladle.capacity_t < fill.tonnes - 1e-6
            or ladle.tau_h < fill.tau_h - _EPS
        ):
            continue
        ready = state.back
        if state.fills_since >= params.clean_every_fills:
            ready += params.clean_min
        at = max(ready, fill.fill_start)
        if _is_cold(params, ambient, state.hot_at, at):
            at = max(at, ready + params.preheat_min)
        if at > fill.fill_start + _EPS:
            waits.append(math.ceil(at - fill.fill_start - _EPS))
    return min(waits, default=None)


def _initial_states(network: Network) -> dict[str, list[_LadleState]]:
    pools: dict[str, list[_LadleState]] = defaultdict(list)
    for ladle in network.ladles:
        hot_at = None if ladle.hot_since is None else network.minutes(ladle.hot_since)
        pools[ladle.home_smelter].append(
            _LadleState(
                ladle,
                hot_at=hot_at,
                fills_since=ladle.fills_since_cleaning,
                fills_left=ladle.fills_left_before_relining,
            )
        )
    return pools


def assign_ladles(
    network: Network, travel: Travel, trips: Sequence[TimedTrip], kept: Sequence[Run] = ()
) -> LadlePlan:
    """Give every run of a timed plan a ladle of its smelter's pool (module docstring).

    Parameters
    ----------
    network : Network
        With its ``ladles`` (not empty) and ``[ladles]`` parameters.
    travel : Travel
        Its travel model (a ladle's drive back to its smelter).
    trips : sequence of TimedTrip
        The new trips, timed.
    kept : sequence of Run
        Runs kept as they are (a re-plan): those with a ``ladle_id`` hold that ladle.

    Returns
    -------
    LadlePlan
        Each run's ladle and drop, the preheats, the trips without the runs that got
        no ladle, and those runs.
    """
    pools = _initial_states(network)
    stands = _Stands(network.params.ladles.preheat_stands)
    fills = [*_kept_fills(network, travel, kept), *_new_fills(network, travel, trips)]
    fills.sort(key=lambda f: (f.fill_start, f.forced is None, f.key))
    uses: dict[tuple[str, int, str], tuple[str, float]] = {}
    booked: list[tuple[PlannedPreheat, _Fill]] = []
    dropped: list[TimedRun] = []
    waits: dict[tuple[str, int, str], int] = {}
    for fill in fills:
        pool = pools.get(fill.smelter_id, [])
        if fill.forced is not None:
            pool = [s for s in pool if s.ladle.ladle_id == fill.forced]
        choices = [c for s in pool if (c := _choice(network, stands, s, fill)) is not None]
        if not choices:
            if fill.timed is not None:
                dropped.append(fill.timed)
                wait = _wait(network, pool, fill)
                if wait is not None:
                    waits[fill.key] = wait
            continue
        best = min(choices, key=lambda c: c.rank(fill))
        preheat = _take(network, stands, best, fill)
        if preheat is not None:
            booked.append((preheat, fill))
        uses[fill.key] = (best.state.ladle.ladle_id, round(best.drop_c, 1))
    preheats = _shifted(network, booked, uses)
    gone = {(r.truck_id, r.trip, r.job.job_id) for r in dropped}
    kept_trips = []
    for trip in trips:
        runs = tuple(r for r in trip.runs if (r.truck_id, r.trip, r.job.job_id) not in gone)
        if runs:
            kept_trips.append(replace(trip, runs=runs))
    preheats.sort(key=lambda p: (p.start, p.smelter_id, p.stand))
    return LadlePlan(uses, tuple(preheats), tuple(kept_trips), tuple(dropped), waits)
