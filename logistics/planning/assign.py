"""Which smelter fills which job, and from when its metal is there.

Design choice (measured on synthetic ladle days, ortools 9.15): the smelter of each job is fixed in
a fast assignment step before routing; leaving it to pickup alternatives made the
routing model 1.5× larger and worse from 300 jobs up.

Production is respected through *release times*: jobs of one smelter and alloy are
ranked by deadline, and the k-th may not start filling before the moment
``stock_t + rate_tph × (t − open)`` covers the tonnes of jobs 1..k. Since release times
grow with the rank, at any moment the tonnes filled are at most those of a prefix of
the ranking, which the release time of its last job guarantees is available: the
production rule holds however the trucks are routed afterwards. Where metal is short, a
managed delivery's ladle ranks ahead of the casters' orders' ladles that would leave it
short (they give up their metal instead: see :func:`assign_smelters`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.planning.drop_penalty import drop_penalty_per_t, is_managed_delivery
from logistics.planning.jobs import Job, Source
from logistics.planning.windows import NEVER, Interval, ceil_minutes


@dataclass(frozen=True)
class Assignment:
    """A job's smelter and the earliest minute its ladle may start filling."""

    job: Job
    source: Source
    release: int

    @property
    def fill(self) -> Interval:
        """When the ladle may start filling: the source's fill window from the release on.

        The one fill window the routing model and the trip timing both read
        (:mod:`logistics.planning.windows`); never empty for an assigned job.
        """
        return self.source.fill.from_(self.release)


@dataclass(frozen=True)
class AssignmentResult:
    """Assigned jobs and jobs no smelter has metal for.

    ``late`` names the jobs of ``short_of_metal`` that some source had the metal for in
    its fill window, but not from the earliest minute any truck can be there (the
    ``arrival`` bound of :func:`assign_smelters`): the fleet, not production, leaves
    them out.
    """

    assigned: tuple[Assignment, ...]
    short_of_metal: tuple[Job, ...]
    late: frozenset[str] = frozenset()


def release_minute(network: Network, smelter_id: str, alloy: str, cumulative_t: float) -> float:
    """First minute at which ``cumulative_t`` tonnes of the alloy exist at the smelter.

    Returns ``inf`` if the smelter never makes that much on the plan day.
    """
    prod = network.production_by_key[(smelter_id, alloy)]
    smelter = network.smelter_by_id[smelter_id]
    open_ = network.minutes(smelter.open)
    if cumulative_t <= prod.stock_t + 1e-9:
        return open_
    if prod.rate_tph <= 0:
        return math.inf
    return open_ + (cumulative_t - prod.stock_t) / prod.rate_tph * 60.0


def assign_smelters(
    network: Network,
    jobs: tuple[Job, ...],
    used_t: dict[tuple[str, str], float] | None = None,
    preferred: Mapping[str, str] | None = None,
    queue: Mapping[str, float] | None = None,
    arrival: Mapping[str, int] | None = None,
) -> AssignmentResult:
    """Assign every job to the cheapest smelter that has its metal in time.

    Jobs are taken by deadline (``latest_pour``, then order); each goes to the nearest
    feasible source (sources are sorted by road km) whose release time for one more
    ladle still leaves its fill window non-empty (:attr:`Assignment.fill`).

    **Managed deliveries first when metal is short.** Where that ranking leaves a managed
    delivery's ladle short of metal (an ``M-…`` delivery to a furnace on managed supply,
    :func:`~logistics.planning.drop_penalty.is_managed_delivery`), the casters' orders'
    ladles of its alloy ranked before it that the ranking fills at one of its smelters
    are kept out of its smelters (each may still fill at another of its sources), and
    every other job ranked before it that is not filled there is kept out of them too,
    so that a ladle moved away cannot let another move in: the fewest of those order
    ladles, the latest ranked first, that let it be assigned, then each let back (the
    earliest ranked first) where it is still assigned — and only while the tonnes this
    leaves unassigned cost less than its own (the drop penalties,
    :func:`~logistics.planning.drop_penalty.drop_penalty_per_t`: an order's tonnes are
    covered by ingots, a managed ladle left out lets its furnace run below its minimum).
    The ladles left unassigned are short of metal (``production``). A managed ladle no
    truck can be at any of its sources in time for is not helped. Where no managed
    ladle is short, or none can be helped, the ranking alone decides, as before.

    Parameters
    ----------
    network : Network
        Production and smelter hours.
    jobs : tuple of Job
        Jobs with their feasible sources.
    used_t : dict, optional
        Tonnes already filled per ``(smelter_id, alloy)`` by runs fixed in advance
        (intraday re-planning); new jobs queue behind them.
    preferred : mapping of str to str, optional
        ``job_id -> smelter_id`` tried first (re-planning: the smelter a booked run
        fills at), when it can fill the job in time.
    queue : mapping of str to float, optional
        ``job_id ->`` the minute a plan to start from fills it (re-optimising: the
        insert plan). The jobs queue for metal by when they need it: these by that
        fill, the others by their latest pour (as without a queue), so that a job the
        start leaves out whose metal is due before the start's fills is not made short
        by them.
    arrival : mapping of str to int, optional
        ``smelter_id ->`` the earliest whole minute any truck can be there
        (:func:`earliest_arrivals`): no ladle fills there before it, so a source whose
        fill window ends before it is not chosen (another source is tried); a job
        short only for it (a source had the metal) is in the result's ``late``. Without
        it, the smelter's hours and the fleet's first shift start bound the fill.

    Returns
    -------
    AssignmentResult
        Assignments with release times, and the jobs short of metal.
    """
    first = queue or {}
    by_queue = sorted(
        jobs,
        key=lambda j: (
            first.get(j.job_id, j.latest_pour),
            j.latest_pour,
            j.earliest_pour,
            j.job_id,
        ),
    )
    at = arrival or {}
    result = _assign(network, by_queue, used_t or {}, preferred or {}, at)
    managed = {
        j.job_id for j in jobs if is_managed_delivery(network, j.order_id, j.caster_id, j.alloy)
    }
    if not any(j.job_id in managed and _reachable(j, at) for j in result.short_of_metal):
        return result  # no managed delivery short of metal a truck could fetch in time
    return _managed_first(network, by_queue, used_t or {}, preferred or {}, at, managed)


def _assign(
    network: Network,
    by_queue: Sequence[Job],
    used_t: Mapping[tuple[str, str], float],
    preferred: Mapping[str, str],
    arrival: Mapping[str, int],
    banned: Mapping[str, AbstractSet[str]] | None = None,
) -> AssignmentResult:
    """Assign ``by_queue`` in its order (see :func:`assign_smelters`); a job is not
    filled at the smelters ``banned`` lists for it (``job_id ->`` smelter ids)."""
    kept_out = banned or {}
    used: dict[tuple[str, str], float] = dict(used_t)
    assigned: list[Assignment] = []
    short: list[Job] = []
    late: set[str] = set()
    for job in by_queue:
        chosen = None
        smelter = preferred.get(job.job_id)
        sources = sorted(job.sources, key=lambda src: src.smelter_id != smelter)
        not_here = kept_out.get(job.job_id, frozenset())
        for source in (s for s in sources if s.smelter_id not in not_here):
            key = (source.smelter_id, job.alloy)
            total = used.get(key, 0.0) + job.tonnes
            release = max(
                release_minute(network, source.smelter_id, job.alloy, total),
                arrival.get(source.smelter_id, -math.inf),
            )
            if not source.fill.from_(release).empty:
                chosen = (source, math.ceil(release - 1e-9), key, total)
                break
        if chosen is None:
            short.append(job)
            if _metal_in_window(network, job, used, not_here):
                late.add(job.job_id)
            continue
        source, release, key, total = chosen
        used[key] = total
        assigned.append(Assignment(job, source, release))
    return AssignmentResult(tuple(assigned), tuple(short), frozenset(late))


def _metal_in_window(
    network: Network,
    job: Job,
    used: Mapping[tuple[str, str], float],
    banned: AbstractSet[str] = frozenset(),
) -> bool:
    """Whether some source of ``job`` not at a ``banned`` smelter has its metal, after
    ``used``, within its fill window, the trucks' arrivals aside."""
    return any(
        not source.fill.from_(
            release_minute(
                network,
                source.smelter_id,
                job.alloy,
                used.get((source.smelter_id, job.alloy), 0.0) + job.tonnes,
            )
        ).empty
        for source in job.sources
        if source.smelter_id not in banned
    )


def _reachable(job: Job, arrival: Mapping[str, int]) -> bool:
    """Whether a truck can be at some source of ``job`` within its fill window."""
    return any(not s.fill.from_(arrival.get(s.smelter_id, -math.inf)).empty for s in job.sources)


def _managed_first(
    network: Network,
    by_queue: Sequence[Job],
    used_t: Mapping[tuple[str, str], float],
    preferred: Mapping[str, str],
    arrival: Mapping[str, int],
    managed: set[str],
) -> AssignmentResult:
    """The deadline ranking, with the casters' orders' ladles kept out of the smelters
    whose metal a managed delivery ranked after them needs, and the other jobs ranked
    before it kept from moving in (see :func:`assign_smelters`), alloy by alloy (the
    jobs of one alloy take no metal of another's). A managed ladle no truck can be at
    any of its sources in time for is not helped: no metal would get it delivered."""
    assigned: list[Assignment] = []
    short: list[Job] = []
    late: set[str] = set()
    rules = (used_t, preferred, arrival)
    for alloy in dict.fromkeys(j.alloy for j in by_queue):
        mine = [j for j in by_queue if j.alloy == alloy]
        banned: dict[str, frozenset[str]] = {}
        hopeless = {j.job_id for j in mine if not _reachable(j, arrival)}
        result = _assign(network, mine, *rules)
        while True:
            wanting = [j for j in result.short_of_metal if j.job_id in managed - hopeless]
            if not wanting:
                break
            found = _yield_for(network, mine, rules, banned, result, wanting[0])
            if found is None:
                hopeless.add(wanting[0].job_id)
            else:
                banned, result = found
        assigned += result.assigned
        short += list(result.short_of_metal)
        late |= result.late
    rank = {j.job_id: k for k, j in enumerate(by_queue)}
    assigned.sort(key=lambda a: rank[a.job.job_id])
    short.sort(key=lambda j: rank[j.job_id])
    return AssignmentResult(tuple(assigned), tuple(short), frozenset(late))


_Rules = tuple[Mapping[tuple[str, str], float], Mapping[str, str], Mapping[str, int]]


def _yield_for(
    network: Network,
    mine: Sequence[Job],
    rules: _Rules,
    banned: Mapping[str, frozenset[str]],
    result: AssignmentResult,
    wanting: Job,
) -> tuple[dict[str, frozenset[str]], AssignmentResult] | None:
    """The smelters kept from the jobs ranked before ``wanting`` that let it be
    assigned, and the assignment with them; ``None`` when none do, or only at the cost
    of ladles whose penalty is at least ``wanting``'s.

    Candidates are the orders' ladles ``result`` (the assignment with ``banned``) fills
    at one of ``wanting``'s smelters. In every trial the other jobs ranked before it
    that ``result`` does not fill there are kept out of its smelters too, so a ladle
    moved away cannot let another move in: keeping more candidates out then only frees
    metal there, and the fewest of them, the latest ranked first, are found by
    bisection; then each, the earliest ranked first, is let back where ``wanting`` is
    still assigned. A candidate kept out may still fill at another of its smelters;
    only the ladles left unassigned are priced. ``rules``: the metal used, the preferred
    smelters and the trucks' arrivals (:func:`_assign`). At most about
    ``log2(n) + k + 1`` re-runs of the alloy's assignment, for ``n`` candidates of which
    ``k`` are kept out before letting back.
    """
    rank = {j.job_id: k for k, j in enumerate(mine)}
    smelters = frozenset(s.smelter_id for s in wanting.sources)
    there = {a.job.job_id for a in result.assigned if a.source.smelter_id in smelters}
    latest_first = [
        a.job.job_id
        for a in reversed(result.assigned)
        if rank[a.job.job_id] < rank[wanting.job_id]
        and a.job.job_id in there
        and not is_managed_delivery(network, a.job.order_id, a.job.caster_id, a.job.alloy)
    ]
    if not latest_first:
        return None
    base = dict(banned)
    for j in mine[: rank[wanting.job_id]]:
        if j.job_id not in there:
            base[j.job_id] = base.get(j.job_id, frozenset()) | smelters

    def trial_for(out: set[str]) -> tuple[dict[str, frozenset[str]], AssignmentResult] | None:
        bans = dict(base)
        for job_id in out:
            bans[job_id] = bans.get(job_id, frozenset()) | smelters
        trial = _assign(network, mine, *rules, banned=bans)
        fits = all(j.job_id != wanting.job_id for j in trial.short_of_metal)
        return (bans, trial) if fits else None

    best = trial_for(set(latest_first))
    if best is None:
        return None  # even all of them kept out leave it short
    low, high = 0, len(latest_first)  # with the latest `low` kept out it is short, `high` fits
    while high - low > 1:
        mid = (low + high) // 2
        trial = trial_for(set(latest_first[:mid]))
        if trial is None:
            low = mid
        else:
            high, best = mid, trial
    out = set(latest_first[:high])
    for job_id in sorted(out, key=rank.__getitem__):
        trial = trial_for(out - {job_id})
        if trial is not None:
            out, best = out - {job_id}, trial
    return _priced(network, mine, wanting, result, best)


def _priced(
    network: Network,
    mine: Sequence[Job],
    wanting: Job,
    result: AssignmentResult,
    found: tuple[dict[str, frozenset[str]], AssignmentResult],
) -> tuple[dict[str, frozenset[str]], AssignmentResult] | None:
    """``found`` when the ladles ranked before ``wanting`` that its assignment leaves
    unassigned but ``result`` assigned cost less to leave out than ``wanting`` (their drop
    penalties), else ``None``."""
    worth = wanting.tonnes * drop_penalty_per_t(
        network, wanting.order_id, wanting.caster_id, wanting.alloy
    )
    before = {j.job_id for j in mine[: [j.job_id for j in mine].index(wanting.job_id)]}
    was_short = {j.job_id for j in result.short_of_metal}
    cost = sum(
        j.tonnes * drop_penalty_per_t(network, j.order_id, j.caster_id, j.alloy)
        for j in found[1].short_of_metal
        if j.job_id in before and j.job_id not in was_short
    )
    if cost >= worth:
        return None  # the orders' ingots would cost more than the managed ladle's
    return found


def earliest_arrivals(network: Network, travel: Travel) -> dict[str, int]:
    """The earliest whole minute any truck of the fleet can be at each smelter, on a day
    every truck starts at its home smelter at its shift start.

    Parameters
    ----------
    network : Network
        The fleet (home smelters, shift starts) and the smelters.
    travel : Travel
        Its travel model (free-flow drive minutes, the fastest any drive can be).

    Returns
    -------
    dict of str to int
        ``smelter_id ->`` minutes from the day's midnight: the least, over the trucks, of
        the shift start plus the free-flow drive from home (none at its own), each
        rounded up to whole minutes as every plan times them; a bound no plan beats.
    """
    found: dict[str, int] = {}
    for smelter in network.smelters:
        target = travel.smelter(smelter.smelter_id)
        reach = [
            ceil_minutes(network.minutes(t.shift_start))
            + (0 if home == target else ceil_minutes(float(travel.minutes[home, target])))
            for t in network.fleet
            for home in (travel.smelter(t.home_smelter),)
        ]
        best = min(reach, default=NEVER)
        if best < NEVER:
            found[smelter.smelter_id] = best
    return found
