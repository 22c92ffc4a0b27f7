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
``cold_risk`` warning by default and a violation with ``verify_risk=True``: the planner
protects the metal with the fixed ``[thermal] margin_c``, not with the risk target.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from datetime import timedelta

import numpy as np

from logistics.check.context import CheckContext, CheckRun
from logistics.check.report import Violation
from logistics.physics.cooling import max_hold_h

#: Name of the rule (a warning by default, a violation with ``verify_risk=True``).
COLD_RISK = "cold_risk"
#: Standard errors above the target before a run is flagged (one-sided, about 3e-5).
RISK_Z = 4.0
#: Mixed into the checker's seed so that its draws are never the pipeline's.
CHECKER_STREAM = 0x636B52


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


def _trip_cold(ctx: CheckContext, trip: list[CheckRun], rng: np.random.Generator) -> list[float]:
    """Share of draws in which each run of a trip (pour order) arrives cold."""
    risk = ctx.network.params.risk
    truck = ctx.network.truck_by_id[trip[0].truck_id]
    ambient = ctx.network.params.thermal.ambient_c
    legs_s, cvs = [], []
    site, leaves = ("smelter", trip[0].smelter_id), trip[0].depart
    for r in trip:
        i, j = ctx.travel.index(*site), ctx.travel.caster(r.caster_id)
        legs_s.append(ctx.travel_s(*site, "caster", r.caster_id))
        cvs.append(risk.leg_cv(float(ctx.travel.km[i, j]), _local_hour(ctx, leaves)))
        site, leaves = ("caster", r.caster_id), r.pour_end
    sigma = np.sqrt(np.log1p(np.square(cvs)))
    factors = rng.lognormal(mean=-(sigma**2) / 2.0, sigma=sigma, size=(risk.draws, len(trip)))
    free = np.full(risk.draws, trip[0].depart)
    shares = []
    for k, r in enumerate(trip):
        pour = np.maximum(free + legs_s[k] * factors[:, k], r.pour_start)
        caster = ctx.network.caster_by_id[r.caster_id]
        limit_s = max_hold_h(r.tap_c, caster.min_pour_c, truck.tau_h, ambient) * 3600.0
        shares.append(float(np.count_nonzero(pour - r.fill_end > limit_s)) / risk.draws)
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
    seed = ctx.network.params.risk.seed
    trips: dict[tuple[str, int], list[CheckRun]] = defaultdict(list)
    for r in runs:
        if ctx.known(r):
            trips[(r.truck_id, r.trip)].append(r)
    found: dict[int, float] = {}
    for (truck_id, number), trip_runs in sorted(trips.items()):
        trip = sorted(trip_runs, key=lambda r: (r.pour_start, r.arrive, r.row))
        crc = zlib.crc32(truck_id.encode("utf-8"))
        rng = np.random.default_rng([CHECKER_STREAM, seed, crc, number])
        for r, share in zip(trip, _trip_cold(ctx, trip, rng), strict=True):
            found[r.row] = share
    return found


def check_cold_risk(ctx: CheckContext, runs: list[CheckRun], *, strict: bool = False) -> None:
    """Runs too likely to arrive cold: a ``cold_risk`` warning, or violation when ``strict``.

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
    for row, share in sorted(cold_probabilities(ctx, runs).items()):
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
