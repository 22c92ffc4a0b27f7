"""Independent plan checker: re-simulate a plan from the inputs and list every violation.

``molten check NETWORK PLAN_DIR`` checks ``runs.csv`` and ``unserved.csv`` against the
network alone: the travel and cooling models and every rule a plan must respect. It
shares no planning code with the solver and converts times with its own clock
(:class:`~logistics.check.context.CheckClock`), so a plan written by hand (a
dispatcher's spreadsheet saved as ``runs.csv``) is checked exactly like one the solver
wrote.

Conventions: the solver writes times to the second, so every time comparison allows
1 s; travel minutes are the travel model's, unrounded, and a plan must leave at least
that much time. Each violation names its rule (:data:`RULES`); warnings
(:data:`WARNINGS`) are allowed in a hand-made plan but never made by the planner.
Everything runs in O(n log n) for n runs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from logistics.check.context import CheckClock, CheckContext, CheckRun, CheckUnserved
from logistics.check.drivers import check_drivers
from logistics.check.fleet import check_fleet_reasons, fleet_verified
from logistics.check.furnaces import check_furnaces, with_deliveries
from logistics.check.ladles import check_ladles
from logistics.check.orders import check_accounting, check_unserved_reasons, check_unserved_rows
from logistics.check.report import RULES, WARNINGS, CheckReport, Violation
from logistics.check.risk import check_cold_risk, risk_verified
from logistics.check.runs import check_duplicates, check_run
from logistics.check.smelters import check_fill_bays, check_production
from logistics.check.trucks import check_trucks
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.files import plan_from_rows, read_plan
from logistics.plan.model import Plan

log = logging.getLogger(__name__)

_TIMES = ("fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end")


def check_context(
    network: Network, plan: Plan, travel: Travel | None = None
) -> tuple[CheckContext, list[CheckRun], list[CheckUnserved]]:
    """The plan as the checker sees it: its context, runs and unserved rows.

    Parameters
    ----------
    network : Network
        The network (its plan date and timezone give every time its meaning).
    plan : Plan
        The plan.
    travel : Travel, optional
        The network's travel model (built from the network when not given).

    Returns
    -------
    tuple
        The context (no violations yet), the runs with times in seconds from local
        midnight of the plan date (spreadsheet rows from 2), and the unserved rows.
    """
    clock = CheckClock(network.plan_date, network.timezone)
    ctx = CheckContext(network, travel or Travel.of(network), clock)
    ctx.cold_target = plan.summary.cold_probability_target
    for start in plan.truck_starts:
        ctx.truck_starts[start.truck_id] = (start.site_kind, start.site_id, clock.seconds(start.at))
    runs = [
        CheckRun(
            row=row,
            **{
                k: clock.seconds(v) if k in _TIMES else v  # type: ignore[arg-type]
                for k, v in r.model_dump().items()
            },
        )
        for row, r in enumerate(plan.runs, start=2)
    ]
    unserved = [CheckUnserved(row=row, **u.model_dump()) for row, u in enumerate(plan.unserved, 2)]
    return ctx, runs, unserved


def check(
    network: Network,
    plan: Plan,
    travel: Travel | None = None,
    *,
    verify_fleet: bool | None = None,
    verify_risk: bool | None = None,
) -> CheckReport:
    """Check a plan against the network it is for.

    Parameters
    ----------
    network : Network
        The network (its plan date and timezone give every time its meaning).
    plan : Plan
        The plan: ours, or one read from a hand-made folder by :func:`read_plan`.
    travel : Travel, optional
        The network's travel model (built from the network when not given). The travel
        model is an input, like the network: the checker re-simulates with it.
    verify_fleet : bool, optional
        ``fleet`` rows are verified by trying the insertion
        (:func:`logistics.check.fleet.check_fleet_reasons`): by default a truck with
        room for a ladle of the order is a ``fleet_room`` warning, with ``True`` an
        ``unserved_reason`` violation; ``False`` skips it. Never in a re-plan
        (:func:`logistics.check.fleet.fleet_verified`). With a ladle pool the room
        includes a ladle there for it, with drivers' rules a driver who may drive it.
    verify_risk : bool, optional
        Every run's probability of arriving below the caster's minimum when travel
        times vary is re-estimated by the checker's own simulation
        (:mod:`logistics.check.risk`): a run above ``[risk] max_cold_probability``
        (beyond the sampling tolerance) is a ``cold_risk`` violation with ``True``, a
        warning with ``None`` (the default) unless the plan claims the target
        (:func:`logistics.check.risk.risk_verified`); ``False`` skips it.

    Returns
    -------
    CheckReport
        Every violation and warning, with the minimum arrival margin.
    """
    network = with_deliveries(network, plan)  # managed deliveries are checked as orders
    ctx, runs, unserved = check_context(network, plan, travel)
    check_duplicates(ctx, runs)
    for r in runs:
        check_run(ctx, r)
    check_trucks(ctx, runs)
    check_production(ctx, runs)
    check_fill_bays(ctx, runs)
    check_drivers(ctx, runs, plan.breaks)
    check_unserved_rows(ctx, unserved)
    check_unserved_reasons(ctx, unserved)
    if fleet_verified(plan, verify_fleet):
        check_fleet_reasons(
            ctx,
            runs,
            unserved,
            preheats=plan.preheats,
            breaks=plan.breaks,
            strict=bool(verify_fleet),
        )
    if verify_risk is not False:
        check_cold_risk(ctx, runs, strict=risk_verified(plan, verify_risk))
    check_accounting(ctx, runs, unserved)
    check_furnaces(ctx, plan, runs, unserved)
    check_ladles(ctx, runs, plan.preheats, unserved)
    report = CheckReport(
        violations=tuple(ctx.violations),
        warnings=tuple(ctx.warnings),
        runs_checked=len(runs),
        orders_checked=len(network.day_orders),
        min_arrival_margin_c=ctx.min_margin,
    )
    log.info(
        "checked %d runs and %d orders: %d violations, %d warnings",
        report.runs_checked,
        report.orders_checked,
        len(report.violations),
        len(report.warnings),
    )
    return report


def check_folder(
    network: Network,
    plan_dir: Path | str,
    travel: Travel | None = None,
    *,
    verify_fleet: bool | None = None,
    verify_risk: bool | None = None,
) -> CheckReport:
    """Check the plan in a folder (``runs.csv`` and ``unserved.csv``) against a network.

    ``travel`` is the network's travel model (built from the network when not given);
    ``verify_fleet`` and ``verify_risk`` as for :func:`check`.

    Raises
    ------
    InputError
        A missing file, missing column or unparsable value, naming file, row (header =
        1) and column.
    """
    travel = travel or Travel.of(network)
    plan = read_plan(plan_dir, network, travel)
    return check(network, plan, travel, verify_fleet=verify_fleet, verify_risk=verify_risk)


def check_rows(
    network: Network,
    runs: Sequence[Mapping[str, Any]],
    unserved: Sequence[Mapping[str, Any]],
    travel: Travel | None = None,
    *,
    verify_fleet: bool | None = None,
    verify_risk: bool | None = None,
) -> CheckReport:
    """Check a plan given as CSV rows (column → text, first row = spreadsheet row 2).

    ``travel`` is the network's travel model (built from the network when not given);
    ``verify_fleet`` and ``verify_risk`` as for :func:`check`.

    Raises
    ------
    InputError
        A missing column or a missing/unparsable value, naming file, row and column.
    """
    travel = travel or Travel.of(network)
    plan = plan_from_rows(network, runs, unserved, travel)
    return check(network, plan, travel, verify_fleet=verify_fleet, verify_risk=verify_risk)


__all__ = [
    "RULES",
    "WARNINGS",
    "CheckReport",
    "Violation",
    "check",
    "check_context",
    "check_folder",
    "check_rows",
]
