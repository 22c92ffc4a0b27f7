"""The fleet and production of the days the delivery decision looks ahead to.

The decision (:func:`logistics.planning.horizon_supply.decide_deliveries`) looks ahead
``[supply] lookahead_days`` days from the plan day. Each later day takes its fleet and
production from the rows of the network folder's ``fleet.csv`` and ``production.csv``
that hold on its date (:mod:`logistics.network.dated_rows`), with what the caller
changed of the plan day in memory (a what-if's fleet, a truck taken out of service in a
re-plan) holding on it too, thing by thing:

* a truck (or smelter × alloy) whose row on the later date is the row it has on the plan
  date — the folder says nothing new of it that day — is as the caller has it on the
  plan day: taken out, changed, or added, its shift moved to the later date;
* one whose row differs on the later date (a dated or weekday row, or one taking it out
  that day) is as that row says: the folder's own word for that date wins.

The casters' orders of each later day need no folder: the network's ``orders`` hold
every day of ``orders.csv`` (:func:`~logistics.planning.horizon_supply.lookahead_orders`).
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping, Sequence
from datetime import timedelta
from typing import TypeVar

from logistics.errors import InputError
from logistics.network.loader import DayRows, load_day_rows
from logistics.network.model import Network, Production, Truck
from logistics.physics.furnace import DAY_MIN
from logistics.planning.horizon_supply import DayResources

log = logging.getLogger(__name__)

_K = TypeVar("_K", bound=Hashable)
_T = TypeVar("_T")


def _merged(
    held: Mapping[_K, _T],
    today: Mapping[_K, int],
    later: Mapping[_K, int],
    folder_today: Mapping[_K, _T],
    folder_later: Mapping[_K, _T],
) -> list[_T]:
    """Per thing, the plan day's version as held in memory where the folder's row on the
    later date is its row on the plan date, else the folder's version for that date;
    among the former, one the caller left as the folder has it keeps the folder's
    version of the later date (its times as loaded for that date)."""
    out = []
    for key in dict.fromkeys([*folder_later, *held, *folder_today]):
        if later.get(key) != today.get(key):
            found = folder_later.get(key)
        elif key in held and held[key] == folder_today.get(key):
            found = folder_later.get(key, held[key])
        else:
            found = held.get(key)
        if found is not None:
            out.append(found)
    return out


def _shifted(truck: Truck, days: int, network: Network) -> Truck:
    """The truck with its shift on the date ``days`` after its own (local wall clock)."""
    tz = network.tz
    return truck.model_copy(
        update={
            "shift_start": truck.shift_start.astimezone(tz) + timedelta(days=days),
            "shift_end": truck.shift_end.astimezone(tz) + timedelta(days=days),
        }
    )


def _later_day(
    network: Network, trucks_out: Sequence[str], today: DayRows, rows: DayRows, d: int
) -> DayResources:
    """Day ``d`` of the look-ahead: the folder's rows of its date with the caller's
    changes of the plan day held where the folder says nothing new of a thing."""
    held_fleet = {t.truck_id: t for t in network.fleet if t.truck_id not in trucks_out}
    unchanged = rows.fleet_rows == today.fleet_rows and rows.production_rows == (
        today.production_rows
    )
    if unchanged:
        return DayResources(tuple(held_fleet.values()), network.production, float(d * DAY_MIN))
    shifted = {k: _shifted(t, d, network) for k, t in held_fleet.items()}
    folder_today = {t.truck_id: _shifted(t, d, network) for t in today.fleet}
    fleet = _merged(
        shifted,
        today.fleet_rows,
        rows.fleet_rows,
        folder_today,
        {t.truck_id: t for t in rows.fleet},
    )
    production: list[Production] = _merged(
        {(p.smelter_id, p.alloy): p for p in network.production},
        today.production_rows,
        rows.production_rows,
        {(p.smelter_id, p.alloy): p for p in today.production},
        {(p.smelter_id, p.alloy): p for p in rows.production},
    )
    return DayResources(tuple(fleet), tuple(production))


def lookahead_days(network: Network, trucks_out: Sequence[str] = ()) -> tuple[DayResources, ...]:
    """The fleet and production of the days after the plan day within ``[supply]
    lookahead_days``: each date's rows of ``production.csv`` and ``fleet.csv``, with
    the caller's changes of the plan day held where a thing's row on that date is its
    row on the plan date (see the module docstring).

    Parameters
    ----------
    network : Network
        The plan day's network as the caller has it (e.g. a what-if's fleet).
    trucks_out : sequence of str
        Trucks taken out of service on the plan day but kept in its fleet (a re-plan's
        ``DayState.unavailable_trucks``): out on the later days too, unless the folder
        has another row for them on that date.

    Returns
    -------
    tuple of DayResources
        Days 2, 3 … of the look-ahead. Empty (every later day then has the plan day's
        fleet and production) for a network built without a folder, or whose folder
        cannot be read where it is planned, when no truck is taken out; with trucks taken
        out, such a network's later days have its fleet without them.
    """
    count = int(network.params.supply.lookahead_days)
    out = set(trucks_out)
    rows = _folder_rows(network, count)
    if rows is None:
        if not out:
            return ()
        fleet = tuple(t for t in network.fleet if t.truck_id not in out)
        return tuple(
            DayResources(fleet, network.production, float(d * DAY_MIN)) for d in range(1, count)
        )
    today, *later = rows
    return tuple(
        _later_day(network, tuple(out), today, day, d) for d, day in enumerate(later, start=1)
    )


def _folder_rows(network: Network, count: int) -> list[DayRows] | None:
    """The folder's rows of the plan date and the ``count - 1`` dates after it; None for
    a network without a folder or whose folder cannot be read where it is planned."""
    if network.folder is None:
        return None
    try:
        return [
            load_day_rows(network.folder, network.plan_date + timedelta(days=d), network.timezone)
            for d in range(count)
        ]
    except (InputError, OSError) as exc:  # e.g. a Dask worker without the folder
        log.warning("look-ahead days take the plan day's fleet and production: %s", exc)
        return None
