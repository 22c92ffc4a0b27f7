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
when one would be ready a little later, :mod:`.ladle_delay` tries its trip that late,
and :mod:`.ladle_source` the whole trip at another smelter of its jobs);
its truck drives on to the trip's next caster (never longer than through the run's
caster), so the trip stays valid. The planner never plans a ladle it cannot have.

In a re-plan (:class:`KeptRuns`) the kept runs keep their ladles and the preheats the
plan gave them, booked on the stands before any new preheat; a new run takes a kept
run's ladle only if it is back (and cleaned) by the kept preheat's start — without one,
by the kept fill and hot enough for its tap — for each of that ladle's kept fills after
it. A preheat already started at the re-plan's moment stays (its ladle hot when it
ends) even when its run is planned again, and no new preheat starts before that moment.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace

from logistics.network.ladles import Ladle, LadleParams
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.model import Preheat, Run
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
    passed : tuple of TimedTrip
        The trips the pass was given (``trips`` with the dropped runs).
    """

    uses: dict[tuple[str, int, str], tuple[str, float]]
    preheats: tuple[PlannedPreheat, ...]
    trips: tuple[TimedTrip, ...]
    dropped: tuple[TimedRun, ...]
    waits: dict[tuple[str, int, str], int] = field(default_factory=dict)
    passed: tuple[TimedTrip, ...] = ()


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
    #: A kept run's preheat as the plan being re-planned has it (booked as it was).
    preheat: PlannedPreheat | None = None


class KeptRuns(tuple[Run, ...]):
    """Runs kept as they are (a re-plan), with the preheats of the plan they come from.

    A tuple of the runs: wherever kept runs are passed, their preheats go with them, and
    the pass books those of the kept runs' ladles on the stands as they were
    (:func:`_kept_fills`) instead of planning them again.
    """

    preheats: tuple[Preheat, ...]
    not_before: float

    def __new__(
        cls, runs: Sequence[Run], preheats: Sequence[Preheat] = (), not_before: float = -math.inf
    ) -> KeptRuns:
        """``runs`` with ``preheats`` (rows of the plan being re-planned) and the
        re-plan's moment ``not_before`` (minutes from the plan origin): a preheat of
        ``preheats`` started before it is kept whether or not its run is, and no new
        preheat starts before it."""
        made = super().__new__(cls, runs)
        made.preheats = tuple(preheats)
        made.not_before = not_before
        return made


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
        for number, busy in enumerate(stands[: self.count], start=1):
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
        for number, busy in enumerate(stands[: self.count], start=1):
            start = earliest
            for lo, hi in sorted(busy):
                if start < hi - _EPS and start + duration > lo + _EPS:
                    start = hi
            if start <= latest + _EPS and (best is None or start < best[0]):
                best = (start, number)
        return None if best is None else (best[1], best[0])

    def book(self, smelter_id: str, stand: int, start: float, end: float) -> None:
        """Book ``[start, end]`` on a stand."""
        stands = self.booked.setdefault(smelter_id, [[] for _ in range(self.count)])
        while len(stands) < stand:  # a kept preheat on a stand the network no longer has
            stands.append([])
        stands[stand - 1].append((start, end))


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
    preheats = _kept_preheats(network, kept)
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
                preheat=preheats.get(r.run_id),
            )
        )
    return fills


def _kept_preheats(network: Network, kept: Sequence[Run]) -> dict[str, PlannedPreheat]:
    """Each kept run's preheat as the plan being re-planned has it, by ``run_id``: of its
    ladle's preheats (:class:`KeptRuns`) the last that ends by its fill and starts after
    the ladle's previous kept fill."""
    out: dict[str, PlannedPreheat] = {}
    planned = _planned_preheats(network, kept)
    if not planned:
        return out
    previous: dict[str | None, float] = {}
    for r in sorted(kept, key=lambda r: r.fill_start):
        fill = network.minutes(r.fill_start)
        after = previous.get(r.ladle_id, -math.inf)
        previous[r.ladle_id] = fill
        mine = [
            p
            for p in planned
            if p.ladle_id == r.ladle_id and after - _EPS <= p.start and p.end <= fill + _EPS
        ]
        if mine:
            out[r.run_id] = max(mine, key=lambda p: p.end)
    return out


def _planned_preheats(network: Network, kept: Sequence[Run]) -> list[PlannedPreheat]:
    """The preheat rows of the plan being re-planned (:class:`KeptRuns`), in minutes."""
    rows = kept.preheats if isinstance(kept, KeptRuns) else ()
    return [  # the rows are on whole minutes
        PlannedPreheat(
            p.ladle_id,
            p.smelter_id,
            p.stand,
            round(network.minutes(p.start)),
            round(network.minutes(p.end)),
        )
        for p in rows
    ]


def _started_preheats(
    network: Network, kept: Sequence[Run], fills: Sequence[_Fill]
) -> list[PlannedPreheat]:
    """The preheats of the plan being re-planned already started at the re-plan's
    moment whose run is not kept (those of kept runs go with their fills): the ladle is
    on its stand, so the preheat stays."""
    not_before = kept.not_before if isinstance(kept, KeptRuns) else -math.inf
    attached = {f.preheat for f in fills if f.preheat is not None}
    return [
        p
        for p in _planned_preheats(network, kept)
        if p.start < not_before - _EPS and p not in attached
    ]


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


def _choice(
    network: Network,
    stands: _Stands,
    state: _LadleState,
    fill: _Fill,
    not_before: float = -math.inf,
) -> _Choice | None:
    """How ``state``'s ladle can take ``fill``, or ``None`` when it cannot; a preheat
    it needs starts at ``not_before`` (minutes, a re-plan's moment) or later."""
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
    start_from = max(ready, not_before)
    earliest = math.ceil(start_from - _EPS) if math.isfinite(start_from) else -math.inf
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


def _wait(
    network: Network, pool: Sequence[_LadleState], fill: _Fill, not_before: float = -math.inf
) -> int | None:
    """Minutes after ``fill``'s start at which the first ladle of ``pool`` that holds it
    is back, cleaned and, if cold by then, preheated (from ``not_before`` on, minutes);
    ``None`` when none is later."""
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
            at = max(at, max(ready, not_before) + params.preheat_min)
        if at > fill.fill_start + _EPS:
            waits.append(math.ceil(at - fill.fill_start - _EPS))
    return min(waits, default=None)


def _distinct(pool: Sequence[_LadleState], clean_every: int) -> list[_LadleState]:
    """Of the ladles of ``pool`` that no fill can tell apart (same capacity, ``tau_h``,
    back and last ready at the same minutes, due for cleaning or not, with fills left or
    not) the one of the smallest id: the one :meth:`_Choice.rank` takes of them, so
    the pass chooses as it would among all, only without trying each."""
    alike: dict[tuple[float, float, float, float | None, bool, bool], _LadleState] = {}
    for state in pool:
        ladle = state.ladle
        key = (
            ladle.capacity_t,
            ladle.tau_h,
            state.back,
            state.hot_at,
            state.fills_since >= clean_every,
            state.fills_left > 0,
        )
        seen = alike.get(key)
        if seen is None or ladle.ladle_id < seen.ladle.ladle_id:
            alike[key] = state
    return list(alike.values())


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


@dataclass
class _Pass:
    """The pass part-way through the day's fills: the pools, stands and choices so far."""

    network: Network
    pools: dict[str, list[_LadleState]]
    stands: _Stands
    uses: dict[tuple[str, int, str], tuple[str, float]] = field(default_factory=dict)
    booked: list[tuple[PlannedPreheat, _Fill]] = field(default_factory=list)
    dropped: list[TimedRun] = field(default_factory=list)
    waits: dict[tuple[str, int, str], int] = field(default_factory=dict)
    #: The kept fills of each ladle, in pass order (a new run must leave them theirs).
    reserved: dict[str, tuple[_Fill, ...]] = field(default_factory=dict)
    #: No new preheat starts before (minutes: a re-plan's moment).
    not_before: float = -math.inf
    #: Preheats started before a re-plan's moment whose runs are not kept, by ladle,
    #: until the pass reaches their start.
    started: dict[str, list[PlannedPreheat]] = field(default_factory=dict)

    @classmethod
    def start(
        cls, network: Network, fills: Sequence[_Fill] = (), kept: Sequence[Run] = ()
    ) -> _Pass:
        """The pass before the day's first fill of ``fills`` (in pass order): the kept
        runs' ladles reserved for them, their kept preheats and the preheats under way
        at the re-plan's moment (``kept``, :class:`KeptRuns`) booked on the stands."""
        made = cls(network, _initial_states(network), _Stands(network.params.ladles.preheat_stands))
        reserved: dict[str, list[_Fill]] = defaultdict(list)
        for fill in fills:
            if fill.forced is not None:
                reserved[fill.forced].append(fill)
            if fill.preheat is not None:
                heat = fill.preheat
                made.stands.book(heat.smelter_id, heat.stand, heat.start, heat.end)
        made.reserved = {k: tuple(v) for k, v in reserved.items()}
        made.not_before = kept.not_before if isinstance(kept, KeptRuns) else -math.inf
        for heat in _started_preheats(network, kept, fills):
            made.stands.book(heat.smelter_id, heat.stand, heat.start, heat.end)
            made.started.setdefault(heat.ladle_id, []).append(heat)
            made.booked.append((heat, _started_fill(heat)))
        return made

    def copy(self) -> _Pass:
        """An independent copy (the ladles' states and the stands' bookings copied)."""
        return _Pass(
            self.network,
            {k: [replace(s) for s in v] for k, v in self.pools.items()},
            _Stands(
                self.stands.count,
                {k: [list(b) for b in v] for k, v in self.stands.booked.items()},
            ),
            dict(self.uses),
            list(self.booked),
            list(self.dropped),
            dict(self.waits),
            self.reserved,
            self.not_before,
            {k: list(v) for k, v in self.started.items()},
        )

    def step(self, fill: _Fill) -> bool:
        """Give ``fill`` a ladle (``False``: none can be ready, a new run is dropped)."""
        network = self.network
        pool = self.pools.get(fill.smelter_id, [])
        if self.started:
            self._heated(pool, fill)
        if fill.forced is not None:
            pool = [s for s in pool if s.ladle.ladle_id == fill.forced]
            if fill.preheat is not None and pool:
                self._as_planned(pool[0], fill, fill.preheat)
                return True
        else:
            pool = [s for s in pool if self._leaves_kept(s, fill)]
        alike = _distinct(pool, network.params.ladles.clean_every_fills)
        choices = [
            c
            for s in alike
            if (c := _choice(network, self.stands, s, fill, self.not_before)) is not None
        ]
        if not choices:
            if fill.timed is not None:
                self.dropped.append(fill.timed)
                wait = _wait(network, pool, fill, self.not_before)
                if wait is not None:
                    self.waits[fill.key] = wait
            return fill.timed is None
        best = min(choices, key=lambda c: c.rank(fill))
        preheat = _take(network, self.stands, best, fill)
        if preheat is not None:
            self.booked.append((preheat, fill))
        self.uses[fill.key] = (best.state.ladle.ladle_id, round(best.drop_c, 1))
        return True

    def _as_planned(self, state: _LadleState, fill: _Fill, preheat: PlannedPreheat) -> None:
        """A kept run's ladle with its preheat as it was planned (on its stand since the
        pass's start)."""
        params, ambient = self.network.params.ladles, self.network.params.thermal.ambient_c
        drop = _drop_c(params, ambient, preheat.end, fill.fill_start)
        _take(self.network, self.stands, _Choice(state, drop, None), fill)
        self.booked.append((preheat, fill))
        self.uses[fill.key] = (state.ladle.ladle_id, round(drop, 1))

    def _heated(self, pool: Sequence[_LadleState], fill: _Fill) -> None:
        """The preheats under way at the re-plan's moment that start by ``fill``, taken
        into their ladles' states: on the stand until the preheat ends, hot then."""
        for state in pool:
            heats = self.started.get(state.ladle.ladle_id, [])
            now = [h for h in heats if h.start <= fill.fill_start + _EPS]
            if not now:
                continue
            self.started[state.ladle.ladle_id] = [h for h in heats if h not in now]
            end = max(h.end for h in now)
            state.back = max(state.back, end)
            state.hot_at = end if state.hot_at is None else max(state.hot_at, end)

    def _leaves_kept(self, state: _LadleState, fill: _Fill) -> bool:
        """Whether ``state``'s ladle, taken by the new ``fill``, is still ready for each
        of its kept fills after it as they were planned: back and cleaned by the kept
        preheat's start (or, without one, by the fill, still hot enough for its tap),
        with fills left before relining."""
        later = [k for k in self.reserved.get(state.ladle.ladle_id, ()) if _after(k, fill)]
        if not later:
            return True
        params = self.network.params.ladles
        since = state.fills_since if state.fills_since < params.clean_every_fills else 0
        since, left, hot_at, back = since + 1, state.fills_left - 1, fill.pour_end, fill.back
        for kept in later:
            ready = back + (params.clean_min if since >= params.clean_every_fills else 0.0)
            if not _ready_for(self.network, kept, ready, hot_at):
                return False
            since = (since if since < params.clean_every_fills else 0) + 1
            left, hot_at, back = left - 1, kept.pour_end, kept.back
        return left >= 0

    def cut(self) -> LadlePlan:
        """The plan as far as the pass went: the run just dropped, the preheats as booked."""
        preheats = tuple(preheat for preheat, _ in self.booked)
        return LadlePlan(self.uses, preheats, (), tuple(self.dropped), self.waits)

    def finish(self, trips: Sequence[TimedTrip]) -> LadlePlan:
        """The plan once every fill is passed: preheats moved late, ``trips`` without the
        dropped runs."""
        preheats = _shifted(self.network, self.booked, self.uses)
        gone = {(r.truck_id, r.trip, r.job.job_id) for r in self.dropped}
        kept_trips = []
        for trip in trips:
            runs = tuple(r for r in trip.runs if (r.truck_id, r.trip, r.job.job_id) not in gone)
            if runs:
                kept_trips.append(replace(trip, runs=runs))
        preheats.sort(key=lambda p: (p.start, p.smelter_id, p.stand))
        return LadlePlan(
            self.uses,
            tuple(preheats),
            tuple(kept_trips),
            tuple(self.dropped),
            self.waits,
            tuple(trips),
        )


def _started_fill(heat: PlannedPreheat) -> _Fill:
    """What a preheat under way at the re-plan's moment is booked with (its ladle's, kept
    where it is: a kept fill's)."""
    return _Fill(
        key=("", 0, f"preheat {heat.ladle_id} {heat.start}"),
        smelter_id=heat.smelter_id,
        tonnes=0.0,
        tau_h=0.0,
        fill_start=heat.end,
        tap_c=0.0,
        tap_max_c=math.inf,
        pour_end=heat.end,
        back=heat.end,
        forced=heat.ladle_id,
        preheat=heat,
    )


def _fill_order(fill: _Fill) -> tuple[float, bool, tuple[str, int, str]]:
    return fill.fill_start, fill.forced is None, fill.key


def _ready_for(network: Network, kept: _Fill, ready: float, hot_at: float) -> bool:
    """Whether a ladle back and cleaned at ``ready`` and last hot at ``hot_at`` (minutes)
    can take the kept fill ``kept`` as planned: with its kept preheat, back by the
    preheat's start; without, back by the fill, not cold and within its furnace's tap."""
    params, ambient = network.params.ladles, network.params.thermal.ambient_c
    if kept.preheat is not None:
        return ready <= kept.preheat.start + _EPS
    if ready > kept.fill_start + _EPS or _is_cold(params, ambient, hot_at, kept.fill_start):
        return False
    drop = _drop_c(params, ambient, hot_at, kept.fill_start)
    return kept.tap_c + drop <= kept.tap_max_c + 1e-6


def _after(fill: _Fill, other: _Fill) -> bool:
    """Whether the pass reaches ``fill`` after ``other``."""
    return _fill_order(fill) > _fill_order(other)


def assign_ladles(
    network: Network,
    travel: Travel,
    trips: Sequence[TimedTrip],
    kept: Sequence[Run] = (),
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
    fills = sorted(
        [*_kept_fills(network, travel, kept), *_new_fills(network, travel, trips)],
        key=_fill_order,
    )
    state = _Pass.start(network, fills, kept)
    for fill in fills:
        state.step(fill)
    return state.finish(trips)


class LadleReplay:
    """The pass on a plan, kept so that the plan with one more trip is passed again from
    a little before that trip's first fill, not from the day's start.

    The fills before the new trip's are passed exactly as without it, so the pass is
    resumed from a copy of its state taken before one of them (every :data:`EVERY`
    fills); the result is that of :func:`assign_ladles` on the plan with the trip.

    Parameters
    ----------
    network, travel, trips, kept
        As for :func:`assign_ladles`.
    """

    #: Fills between two copies of the pass's state.
    EVERY = 8

    def __init__(
        self,
        network: Network,
        travel: Travel,
        trips: Sequence[TimedTrip],
        kept: Sequence[Run] = (),
    ) -> None:
        self.network, self.travel, self.trips = network, travel, list(trips)
        fills = [*_kept_fills(network, travel, kept), *_new_fills(network, travel, trips)]
        self.fills = sorted(fills, key=_fill_order)
        self.orders = [_fill_order(f) for f in self.fills]
        self.marks: list[tuple[int, _Pass]] = []
        state = _Pass.start(network, self.fills, kept)
        for k, fill in enumerate(self.fills):
            if k % self.EVERY == 0:
                self.marks.append((k, state.copy()))
            state.step(fill)
        if not self.marks:
            self.marks.append((0, state.copy()))
        self.plan = state.finish(self.trips)

    def with_trip(
        self, trip: TimedTrip, spare: Collection[tuple[str, int, str]] | None = None
    ) -> LadlePlan:
        """:func:`assign_ladles` on the plan with ``trip`` added.

        Parameters
        ----------
        trip : TimedTrip
            The trip added.
        spare : collection of (str, int, str), optional
            Keys of runs (``(truck_id, trip, job_id)``) that may go without a ladle: the
            pass stops at the first other run that gets none (a test of whether every
            other run gets one needs no more), and the plan returned then has that run
            dropped, the choices made before it, its preheats as booked (not yet moved
            late). ``None``: the whole pass.

        Returns
        -------
        LadlePlan
        """
        return self.with_trips([trip], (), spare)

    def with_trips(
        self,
        added: Sequence[TimedTrip],
        removed: Collection[TimedTrip] = (),
        spare: Collection[tuple[str, int, str]] | None = None,
    ) -> LadlePlan:
        """:func:`assign_ladles` on the plan with ``added`` trips in place of ``removed``
        ones (trips of the plan, by identity); ``spare`` as for :meth:`with_trip`."""
        gone = {id(t) for t in removed}
        gone_keys = {(r.truck_id, r.trip, r.job.job_id) for t in removed for r in t.runs}
        new = sorted(_new_fills(self.network, self.travel, added), key=_fill_order)
        starts = [_fill_order(f) for f in new]
        starts += [_fill_order(f) for f in self.fills if f.forced is None and f.key in gone_keys]
        at = bisect.bisect_left(self.orders, min(starts)) if starts else len(self.fills)
        k, mark = next((k, m) for k, m in reversed(self.marks) if k <= at)
        state = mark.copy()
        rest = [f for f in self.fills[k:] if f.forced is not None or f.key not in gone_keys]
        for fill in sorted([*rest, *new], key=_fill_order):
            if not state.step(fill) and spare is not None and fill.key not in spare:
                return state.cut()
        return state.finish([*(t for t in self.trips if id(t) not in gone), *added])
