"""Checking a horizon's folder day by day, the furnace levels carried by the checker.

Day 1 is checked against the network as loaded; every later day against the network of
its date with its furnaces starting where the checker's own re-simulation of the day
before ended (:func:`logistics.check.furnaces.end_levels`) — never the levels the
planner wrote — so a pour moved, removed or added on one day shows on the next too. An
order an earlier day of the horizon has is not a later day's
(:mod:`logistics.network.horizon_orders`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from logistics.check.furnaces import end_levels
from logistics.check.report import CheckReport
from logistics.errors import InputError, InputProblem
from logistics.network.horizon_orders import without_earlier_orders
from logistics.network.model import Network
from logistics.physics.travel import Travel
from logistics.plan.files import read_plan
from logistics.plan.horizon import HORIZON_FILE, Horizon
from logistics.plan.model import Plan


def is_horizon(folder: Path) -> bool:
    """Whether ``folder`` is a horizon's (it holds ``horizon.json``)."""
    return (folder / HORIZON_FILE).is_file()


def read_horizon(folder: Path) -> Horizon:
    """The horizon's summary; a bad file is an ``InputError`` naming it."""
    path = folder / HORIZON_FILE
    try:
        return Horizon.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise InputError([InputProblem(path.name, None, None, str(exc).splitlines()[0])]) from None


def check_horizon(
    load_day: Callable[[date], Network],
    folder: Path,
    check_day: Callable[[Network, Path, Travel], CheckReport],
) -> list[tuple[date, CheckReport]]:
    """Check every day of a horizon's folder, the furnace levels carried independently.

    Parameters
    ----------
    load_day : callable
        The network for a date.
    folder : Path
        The horizon's folder (``horizon.json`` and a plan folder per day).
    check_day : callable
        Checks one day's plan folder against its network (``check_folder``).

    Returns
    -------
    list of (date, CheckReport)
        Each day's date and report, in order.
    """
    horizon = read_horizon(folder)
    reports: list[tuple[date, CheckReport]] = []
    carried: dict[tuple[str, str], float] = {}
    travel: Travel | None = None
    planned: set[str] = set()
    for day in horizon.days:
        network = without_earlier_orders(load_day(day.plan_date), planned)
        planned |= {o.order_id for o in network.day_orders}
        if carried:
            network = _starting_at(network, carried)
        if travel is None or not travel.fits(network):
            travel = Travel.of(network)
        reports.append((day.plan_date, check_day(network, folder / day.folder, travel)))
        carried = end_levels(network, read_plan(folder / day.folder, network, travel))
    return reports


def check_plans(
    first: Network,
    plans: Sequence[Plan],
    load_day: Callable[[date], Network],
    check_day: Callable[[Network, Plan, Travel], CheckReport],
) -> list[tuple[date, CheckReport]]:
    """Check a horizon's plans in order, the furnace levels carried by the checker.

    Parameters
    ----------
    first : Network
        The first day's network, its furnaces at the levels the horizon starts from.
    plans : sequence of Plan
        The horizon's plans, day by day.
    load_day : callable
        The network for a later date (its furnaces at ``consumption.csv``'s levels,
        replaced here by the checker's own end levels of the day before).
    check_day : callable
        Checks one plan against its network (``logistics.check.check``).

    Returns
    -------
    list of (date, CheckReport)
        Each day's date and report, in order.
    """
    reports: list[tuple[date, CheckReport]] = []
    network = first
    travel: Travel | None = None
    planned = {o.order_id for o in first.day_orders}
    for k, plan in enumerate(plans):
        if k:
            loaded = without_earlier_orders(load_day(plan.plan_date), planned)
            planned |= {o.order_id for o in loaded.day_orders}
            network = _starting_at(loaded, end_levels(network, plans[k - 1]))
        if travel is None or not travel.fits(network):
            travel = Travel.of(network)
        reports.append((plan.plan_date, check_day(network, plan, travel)))
    return reports


def _starting_at(network: Network, levels: dict[tuple[str, str], float]) -> Network:
    """The network with its furnaces starting at ``levels``, t."""
    furnaces = tuple(
        f.model_copy(update={"start_level_t": levels.get((f.caster_id, f.alloy), f.start_level_t)})
        for f in network.furnaces
    )
    return network.model_copy(update={"furnaces": furnaces})
