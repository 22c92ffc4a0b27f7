"""The risk of cold metal, re-estimated by the checker with its own simulation.

Written from the inputs alone, like every rule of the checker: it shares no code with
the pipeline's estimate (:mod:`logistics.physics.travel_risk`) but the cooling model and
the ``[risk]`` parameters, and draws from its own random stream. Each trip (a truck's
runs with one trip number, in pour order) is driven ``draws`` times: every leg's time is
the travel model's minutes times a lognormal factor of mean 1 and the leg's coefficient
of variation (``RiskParams.leg_cv`` at the local hour the leg starts, planned); the
truck leaves the smelter at the planned departure, a pour starts at the later of the
arrival and the planned pour start and lasts its planned time, and the next leg starts
when it ends. A ladle is cold in a draw when its hold from the end of filling to the
start of pouring exceeds the longest hold its tap allows at the caster's
``min_pour_c`` (:func:`logistics.physics.cooling.max_hold_h`).

A run whose estimated probability exceeds ``[risk] max_cold_probability`` by more than
:func:`risk_tolerance` — :data:`RISK_Z` binomial standard errors at the target, so that
a plan exactly at the target is flagged on fewer than 1 run in 30,000 — is a
``cold_risk`` violation when the plan claims the target (its summary's
``cold_probability_target``, written by the planner with ``[risk] plan_for_risk``) or
with ``verify_risk=True``, and a warning otherwise: a hand-made plan, one whose rows
were edited, one of an older version or one planned with the fixed margin only is
checked as before (:func:`risk_verified`).
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from datetime import timedelta

import numpy as np

from logistics.check.context import SUPERHEAT_TOL_C, CheckContext, CheckRun
from logistics.check.fleet import replanned
from logistics.check.report import Violation
from logistics.network.travel_cv import leg_cv
from logistics.physics.cooling import max_hold_h, min_tap_c
from logistics.plan.model import Plan

#: Name of the rule (a warning by default, a violation with ``verify_risk=True``).
COLD_RISK = "cold_risk"
#: Standard errors above the target before a run is flagged (one-sided, about 3e-5).
RISK_Z = 4.0
#: Mixed into the checker's seed so that its draws are never the pipeline's.
CHECKER_STREAM = 0x636B52
#: A tap is justified by the target when it is no hotter than what keeps the checker's
#: estimate at this share of the target (the planner's taps for later stops aim at about
#: 0.75 of it, its first stops at all of it).
JUSTIFIED_SHARE = 0.5


def risk_verified(plan: Plan, verify: bool | None = None) -> bool:
    """Whether a run above the target is a ``cold_risk`` violation (else a warning).

    Parameters
    ----------
    plan : Plan
        The plan checked.
    verify : bool, optional
        ``True``: always a violation; ``False``: never; ``None`` (the default): when
        the plan claims the target (``summary.cold_probability_target`` set) and is not
        a re-plan (:func:`logistics.check.fleet.replanned`: the runs it kept were timed
        by an earlier plan).

    Returns
    -------
    bool
        Whether the checker is strict about the risk of cold metal.
    """
    if verify is not None:
        return verify
    return plan.summary.cold_probability_target is not None and not replanned(plan)


def risk_tolerance(target: float, draws: int) -> float:
    """How far above the target an estimate may lie before it is flagged (share).

    Parameters
    ----------
    target : float
        ``max_cold_probability``.
    draws : int
        Draws behind the estimate.

    Returns
    -------
    float
        ``RISK_Z × sqrt(target (1 − target) / draws)``: 0.004 at 1 % and 10,000 draws.
    """
    return RISK_Z * math.sqrt(target * (1.0 - target) / draws)


def _local_hour(ctx: CheckContext, seconds: float) -> int:
    moment = ctx.clock.origin + timedelta(seconds=seconds)
    return moment.astimezone(ctx.clock.tz).hour


def _trip_cold(
    ctx: CheckContext, trip: list[CheckRun], rng: np.random.Generator
) -> list[tuple[float, float]]:
    """Each run of a trip (pour order): the share of draws in which it arrives cold, and
    the hold (s) its pour start exceeds in a share :data:`JUSTIFIED_SHARE` of the
    target."""
    risk = ctx.network.params.risk
    truck = ctx.network.truck_by_id[trip[0].truck_id]
    ambient = ctx.network.params.thermal.ambient_c
    legs_s, cvs = [], []
    site, leaves = ("smelter", trip[0].smelter_id), trip[0].depart
    for r in trip:
        i, j = ctx.travel.index(*site), ctx.travel.caster(r.caster_id)
        legs_s.append(ctx.travel_s(*site, "caster", r.caster_id, leaves))
        pieces = ctx.travel.class_legs.get((i, j), ())
        cvs.append(
            leg_cv(ctx.network.params, float(ctx.travel.km[i, j]), _local_hour(ctx, leaves), pieces)
        )
        site, leaves = ("caster", r.caster_id), r.pour_end
    sigma = np.sqrt(np.log1p(np.square(cvs)))
    factors = rng.lognormal(mean=-(sigma**2) / 2.0, sigma=sigma, size=(risk.draws, len(trip)))
    free = np.full(risk.draws, trip[0].depart)
    level = 1.0 - JUSTIFIED_SHARE * risk.max_cold_probability
    shares = []
    for k, r in enumerate(trip):
        pour = np.maximum(free + legs_s[k] * factors[:, k], r.pour_start)
        caster = ctx.network.caster_by_id[r.caster_id]
        limit_s = max_hold_h(r.tap_c, caster.min_pour_c, truck.tau_h, ambient) * 3600.0
        cold = float(np.count_nonzero(pour - r.fill_end > limit_s)) / risk.draws
        shares.append((cold, float(np.quantile(pour - r.fill_end, level))))
        free = pour + (r.pour_end - r.pour_start)
    return shares


def cold_probabilities(ctx: CheckContext, runs: list[CheckRun]) -> dict[int, float]:
    """The checker's estimate of every known run's probability of arriving cold.

    Parameters
    ----------
    ctx : CheckContext
        The network, travel model and clock.
    runs : list of CheckRun
        The plan's runs.

    Returns
    -------
    dict
        Spreadsheet row of the run → estimated probability (0–1); runs naming a truck,
        smelter or caster the network lacks are left out.
    """
    return {row: cold for row, (cold, _) in _estimates(ctx, runs).items()}


def _estimates(ctx: CheckContext, runs: list[CheckRun]) -> dict[int, tuple[float, float]]:
    """Row → (estimated cold probability, hold quantile in s; :func:`_trip_cold`)."""
    seed = ctx.network.params.risk.seed
    trips: dict[tuple[str, int], list[CheckRun]] = defaultdict(list)
    for r in runs:
        if ctx.known(r):
            trips[(r.truck_id, r.trip)].append(r)
    found: dict[int, tuple[float, float]] = {}
    for (truck_id, number), trip_runs in sorted(trips.items()):
        trip = sorted(trip_runs, key=lambda r: (r.pour_start, r.arrive, r.row))
        crc = zlib.crc32(truck_id.encode("utf-8"))
        rng = np.random.default_rng([CHECKER_STREAM, seed, crc, number])
        for r, estimate in zip(trip, _trip_cold(ctx, trip, rng), strict=True):
            found[r.row] = estimate
    return found


def _withdraw_superheat(
    ctx: CheckContext, by_row: dict[int, CheckRun], holds_s: dict[int, float]
) -> None:
    """Drop the ``superheat`` warnings of runs whose tap the risk target justifies."""
    thermal = ctx.network.params.thermal
    justified: set[str] = set()
    for row, hold_s in holds_s.items():
        r = by_row[row]
        caster = ctx.network.caster_by_id[r.caster_id]
        truck = ctx.network.truck_by_id[r.truck_id]
        needed = min_tap_c(hold_s / 3600.0, caster.min_pour_c, truck.tau_h, thermal.ambient_c)
        if r.tap_c <= needed + SUPERHEAT_TOL_C:
            justified.add(r.run_id)
    ctx.warnings[:] = [
        w for w in ctx.warnings if not (w.rule == "superheat" and w.run_id in justified)
    ]


def check_cold_risk(ctx: CheckContext, runs: list[CheckRun], *, strict: bool = False) -> None:
    """Runs too likely to arrive cold: a ``cold_risk`` warning, or violation when ``strict``.

    A ``superheat`` warning of a run (a tap hotter than the fixed margin needs) is
    withdrawn when the target justifies the tap: when it is no hotter than the lowest
    tap still at ``min_pour_c`` after the hold the checker's rides exceed in
    :data:`JUSTIFIED_SHARE` of the target (a planner meeting the target conservatively
    taps below that).

    Parameters
    ----------
    ctx : CheckContext
        The network, travel model, clock and the report so far.
    runs : list of CheckRun
        The plan's runs.
    strict : bool
        A run above the target (beyond :func:`risk_tolerance`) is a violation;
        otherwise a warning.
    """
    risk = ctx.network.params.risk
    limit = risk.max_cold_probability + risk_tolerance(risk.max_cold_probability, risk.draws)
    by_row = {r.row: r for r in runs}
    estimates = _estimates(ctx, runs)
    _withdraw_superheat(ctx, by_row, {row: hold for row, (_, hold) in estimates.items()})
    for row, (share, _) in sorted(estimates.items()):
        if share <= limit:
            continue
        r = by_row[row]
        message = (
            f"arrives below caster {r.caster_id}'s minimum in {share:.1%} of "
            f"{risk.draws:,} simulated rides (travel CV {risk.travel_cv:g}); the target is "
            f"{risk.max_cold_probability:.1%} (flagged above {limit:.2%})"
        )
        if strict:
            ctx.add(COLD_RISK, message, r)
        else:
            ctx.warnings.append(
                Violation(
                    COLD_RISK, message, run_id=r.run_id, truck_id=r.truck_id, order_id=r.order_id
                )
            )
