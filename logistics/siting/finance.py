"""Money over the years: annuity factor, NPV, simple payback, annualised capex.

Savings are taken as the same every year (the simulated days' mean scaled to a year),
received at the end of each year of the horizon; capex is spent at the start.
"""

from __future__ import annotations

import math


def annuity_factor(rate: float, years: int) -> float:
    """Present value of 1 CNY a year for ``years`` years at ``rate``: ``(1 − (1+r)^−n) / r``."""
    if rate <= 0:
        return float(years)
    return (1.0 - (1.0 + rate) ** -years) / rate


def npv_cny(capex_cny: float, saving_cny_year: float, rate: float, years: int) -> float:
    """``−capex + saving × annuity_factor(rate, years)``, CNY."""
    return -capex_cny + saving_cny_year * annuity_factor(rate, years)


def payback_years(capex_cny: float, saving_cny_year: float) -> float | None:
    """Simple payback ``capex / yearly saving``, years; ``None`` if it never pays back."""
    if saving_cny_year <= 0:
        return None
    return capex_cny / saving_cny_year


def annualised_capex_cny(capex_cny: float, rate: float, years: int) -> float:
    """Capex as an equal yearly charge over the horizon, CNY a year (capital recovery)."""
    return capex_cny / annuity_factor(rate, years) if years > 0 else math.inf
