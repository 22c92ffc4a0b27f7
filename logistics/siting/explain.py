"""The best option of a study in words: what it saves, and which casters switch from what."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from logistics.siting.results import OptionOutcome, ScenarioOutcome
    from logistics.siting.settings import StudySettings
    from logistics.siting.study import Study

#: Casters named in the explanation; the rest are counted.
NAMED_CASTERS = 6


def _m(cny: float) -> str:
    return f"{cny / 1e6:,.1f} M CNY"


def _count(n: int, thing: str) -> str:
    """``1 truck``, ``2 trucks``, ``0 trucks``."""
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _is_top(option: OptionOutcome, outcome: ScenarioOutcome) -> bool:
    """Is the option the scenario's best simulated one (the first simulated, valid)?"""
    top = next((o for o in outcome.options if o.simulated and o.valid), None)
    return top is not None and top.option_id == option.option_id


def _suppliers(suppliers: dict[str, float], names: dict[str, str]) -> str:
    if not suppliers:
        return "none"
    parts = [f"{names.get(s, s)} {t:,.1f} t" for s, t in list(suppliers.items())[:3]]
    return ", ".join(parts)


def _site_names(option: OptionOutcome, study: Study) -> dict[str, str]:
    """Names of every smelter, candidate and new site, by id."""
    names = {s.smelter_id: s.name for s in study.network.smelters}
    names.update({c.site_id: c.name for c in study.candidates})
    for site_id, site_name in zip(option.site_ids, option.site_names, strict=True):
        names[site_id] = site_name
    return names


def _delivery_lines(option: OptionOutcome, outcome: ScenarioOutcome, day_count: int) -> list[str]:
    """What is built, what it delivers and what it saves against the network as it is."""
    saving = option.saving_cny_day
    assert saving is not None
    what = " and ".join(
        f"{n} ({s})" for s, n in zip(option.site_ids, option.site_names, strict=True)
    )
    return [
        f"Scenario '{outcome.scenario.name}': build {what} for {_m(option.capex_cny)}.",
        (
            f"On the {_count(day_count, 'simulated day')} the new plant delivers "
            f"{sum(option.site_t_day.values()):,.1f} t a day "
            f"(utilisation {option.utilisation or 0:.0%} of "
            f"{sum(option.capacity_t_day.values()):,.0f} t/day), with "
            f"{_count(sum(option.trucks.values()), 'truck')} of its own. Against the network "
            "as it is "
            f"on the same days it saves {saving.mean:,.0f} CNY a day "
            f"({saving.low:,.0f} to {saving.high:,.0f}), {_m(option.saving_cny_year)} a year "
            f"over {option.operating_days:g} operating days (the screen estimated "
            f"{_m(option.screen.saving_cny_year)})."
        ),
    ]


def _finance_lines(
    option: OptionOutcome, outcome: ScenarioOutcome, settings: StudySettings
) -> list[str]:
    """Whether the option repays its capex: payback and NPV."""
    lines = []
    payback = option.payback_years
    if option.npv_cny < 0:
        lines.append(
            "No simulated option repays its capex within the horizon at this discount rate; "
            "this one loses the least."
            if _is_top(option, outcome)
            else "It does not repay its capex within the horizon at this discount rate."
        )
    lines.append(
        (
            f"Simple payback {payback:.1f} years; "
            if payback is not None
            else "It does not pay back; "
        )
        + f"NPV {_m(option.npv_cny)} at {settings.discount_rate:.0%} over "
        f"{settings.horizon_years} years."
    )
    return lines


def _liquid_lines(option: OptionOutcome) -> list[str]:
    """Tonnes newly liquid, CO2 avoided and the change in truck-km (simulated options)."""
    liquid = option.liquid_t_day
    if liquid is None:
        return []
    days = option.operating_days
    co2 = option.co2_avoided_kg_day
    return [
        f"Liquid deliveries rise by {liquid.mean:,.1f} t a day "
        f"({liquid.mean * days:,.0f} t a year), avoiding "
        f"{(co2.mean if co2 else 0) * days / 1000:,.0f} t of CO2 a year; "
        f"truck-km change by {option.truck_km_day.mean if option.truck_km_day else 0:+,.0f} "
        "km a day."
    ]


def _switch_lines(option: OptionOutcome, names: dict[str, str]) -> list[str]:
    """The casters that switch supplier: the first :data:`NAMED_CASTERS` by name."""
    switches = option.switches
    if not switches:
        return []
    lines = [f"Casters that switch ({len(switches)}):"]
    for s in switches[:NAMED_CASTERS]:
        if s.from_ingot_t_day > 0.05:
            reasons = ", ".join(f"{r} {t:,.1f} t" for r, t in s.unserved_before.items())
            origin = f"from ingots ({reasons or 'not delivered'})"
        else:
            origin = f"from {_suppliers(s.suppliers_before, names)}"
        lines.append(
            f"  - {s.name}: {s.to_new_site_t_day:,.1f} t a day from the new plant, "
            f"{origin}; now {_suppliers(s.suppliers_after, names)}; "
            f"saving {s.saving_cny_day:+,.0f} CNY a day"
        )
    if len(switches) > NAMED_CASTERS:
        lines.append(f"  … and {len(switches) - NAMED_CASTERS} more (switching.csv).")
    return lines


def explain_option(
    option: OptionOutcome, outcome: ScenarioOutcome, study: Study, day_count: int
) -> str:
    """A paragraph on one simulated option against the network as it is.

    Parameters
    ----------
    option : OptionOutcome
        A simulated, valid option.
    outcome : ScenarioOutcome
        Its scenario.
    study : Study
        For names and settings.
    day_count : int
        Days simulated.

    Returns
    -------
    str
        Plain text, a few sentences and one line per switching caster.
    """
    lines = [
        *_delivery_lines(option, outcome, day_count),
        *_finance_lines(option, outcome, study.settings),
        *_liquid_lines(option),
        *_switch_lines(option, _site_names(option, study)),
    ]
    if option.casters_newly_in_reach:
        reach = ", ".join(option.casters_newly_in_reach[:NAMED_CASTERS])
        lines.append(f"Casters newly within thermal reach of a smelter for their alloys: {reach}.")
    return "\n".join(lines)
