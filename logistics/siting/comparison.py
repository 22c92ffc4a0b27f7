"""Stage 4 of a study: each simulated option against the network as it is, day for day.

For every simulated option of a scenario, from its checked plans and those of the
network as it is on the same days: the daily saving, tonnes newly liquid, CO2 and dross
avoided and truck-km, each as a :class:`~logistics.siting.metrics.Spread` over the
days; the new sites' tonnes and the casters that switch supplier. An option with a day
the checker rejected (or no plan) is marked invalid. The options are then ranked
(:func:`logistics.siting.results.rank_key`).
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import mean
from typing import Any

from logistics.plan.model import Plan
from logistics.siting.days import RepresentativeDay
from logistics.siting.metrics import DayFigures, Spread, caster_switches, day_figures
from logistics.siting.results import OptionOutcome, ScenarioOutcome, rank_key
from logistics.siting.tasks import task_key

#: ``task key`` → the result of :func:`logistics.siting.tasks.run_task`.
TaskResults = dict[str, dict[str, Any]]
#: Checker violations quoted when the network as it is fails.
QUOTED_VIOLATIONS = 3


def _day_keys(scenario: str, option_id: str, days: Sequence[RepresentativeDay]) -> list[str]:
    """The task keys of an option's days, in day order."""
    return [task_key(scenario, option_id, d.number) for d in days]


def base_day_figures(
    scenario: str, days: Sequence[RepresentativeDay], results: TaskResults
) -> list[DayFigures]:
    """The figures of the network as it is on each day.

    Raises
    ------
    RuntimeError
        A day of the network as it is made no plan or a plan the checker rejected:
        nothing can be compared with it.
    """
    keys = _day_keys(scenario, "base", days)
    bad = [k for k in keys if not results[k]["ok"]]
    if bad:
        first = results[bad[0]]
        raise RuntimeError(
            f"the plan of the network as it is failed its check on {bad[0]}: "
            + "; ".join(first["violations"][:QUOTED_VIOLATIONS] or [str(first["error"])])
        )
    return [day_figures(Plan.model_validate(results[k]["plan"])) for k in keys]


def _rejection(key: str, result: dict[str, Any]) -> str:
    """Why an option is invalid: its first day without a plan the checker accepts."""
    if result["plan"] is not None:
        return f"plan of {key} rejected by the checker ({result['violation_count']} violations)"
    return f"no plan for {key}: {result['error']}"


def _fill_figures(
    option: OptionOutcome, base_days: list[DayFigures], caster_names: dict[str, str]
) -> None:
    """The option's daily figures against the network as it is (its ``days`` are set)."""
    pairs = list(zip(base_days, option.days, strict=True))
    option.saving_cny_day = Spread.of([o.saving_cny - b.saving_cny for b, o in pairs])
    option.liquid_t_day = Spread.of([o.liquid_t - b.liquid_t for b, o in pairs])
    option.co2_avoided_kg_day = Spread.of([o.co2_avoided_kg - b.co2_avoided_kg for b, o in pairs])
    option.dross_avoided_t_day = Spread.of(
        [o.dross_avoided_t - b.dross_avoided_t for b, o in pairs]
    )
    option.truck_km_day = Spread.of([o.truck_km - b.truck_km for b, o in pairs])
    option.option_truck_km_day = mean(o.truck_km for o in option.days)
    option.site_t_day = {
        s: mean(o.smelter_t.get(s, 0.0) for o in option.days) for s in option.site_ids
    }
    option.switches = caster_switches(base_days, option.days, option.site_ids, caster_names)


def compare_option(
    option: OptionOutcome,
    base_days: list[DayFigures],
    keys: list[str],
    results: TaskResults,
    caster_names: dict[str, str],
) -> None:
    """Fill a simulated option's figures from its days' plans, or mark it invalid.

    Parameters
    ----------
    option : OptionOutcome
        A simulated option, changed in place.
    base_days : list of DayFigures
        The network as it is on the same days.
    keys : list of str
        The task keys of the option's days, in day order.
    results : dict
        Task key → result of the simulated day.
    caster_names : dict
        ``caster_id`` → name, for the switching casters.
    """
    option.keys = keys
    bad = [k for k in keys if not results[k]["ok"]]
    if bad:
        option.valid = False
        option.problem = _rejection(bad[0], results[bad[0]])
        return
    option.days = [day_figures(Plan.model_validate(results[k]["plan"])) for k in keys]
    _fill_figures(option, base_days, caster_names)


def compare_scenario(
    outcome: ScenarioOutcome,
    days: Sequence[RepresentativeDay],
    results: TaskResults,
    caster_names: dict[str, str],
) -> None:
    """Compare every simulated option of a scenario with the network as it is, then rank.

    Parameters
    ----------
    outcome : ScenarioOutcome
        The scenario's options (:mod:`logistics.siting.simulations`), changed in place:
        its ``base_days`` set, its simulated options filled, its options sorted best
        first.
    days : sequence of RepresentativeDay
        The simulated days.
    results : dict
        Task key → result of every simulated day.
    caster_names : dict
        ``caster_id`` → name.

    Raises
    ------
    RuntimeError
        The network as it is failed on a day (:func:`base_day_figures`).
    """
    name = outcome.scenario.name
    outcome.base_days = base_day_figures(name, days, results)
    for option in outcome.options:
        if option.simulated:
            keys = _day_keys(name, option.option_id, days)
            compare_option(option, outcome.base_days, keys, results, caster_names)
    outcome.options.sort(key=rank_key)
