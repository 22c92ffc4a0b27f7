"""What a siting study is made of: its settings, its scenarios and the sites it weighs.

Every default is stated here once; the study file (``study.toml``), the command line
and the library all fill the same models, so a study reads the same whichever way it
was started.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from logistics.network.model import Candidate
from logistics.network.ranges import ParamTable, plausible
from logistics.plan.options import PlanOptions

#: Discount rate of the NPV, a year: the 8 % social discount rate of China's official
#: guide to the economic evaluation of construction projects (NDRC and Ministry of
#: Construction, *Economic Evaluation Methods and Parameters for Construction Projects*,
#: 3rd edition, 2006).
DEFAULT_DISCOUNT_RATE = 0.08
#: Years of savings the NPV counts: 15, the depreciation life commonly used for
#: melting furnaces and plant of a recycling smelter (an assumption; change it freely).
DEFAULT_HORIZON_YEARS = 15
#: Solutions the OR-Tools search of a simulated day stops after (machine-independent).
DEFAULT_SOLUTION_LIMIT = 40
#: Hours of the plant's melt that are in its furnaces when it opens for deliveries.
DEFAULT_STOCK_H = 2.0


class _Frozen(ParamTable):
    """A table of a study file: unknown keys and true/false for a number refused
    (:class:`~logistics.network.ranges.ParamTable`)."""


class SiteCandidate(Candidate):
    """A site for a new smelter, with an optional number of trucks based there.

    Attributes
    ----------
    trucks : int or None
        Ladle trucks based at the new plant; ``None`` sizes the fleet by the rule of
        :func:`logistics.siting.sites.trucks_for_site`.
    """

    trucks: int | None = plausible(None, lo=0, hi=200, unit="trucks")


class Scenario(_Frozen):
    """One what-if: parameter overrides, demand growth and a capex factor.

    Attributes
    ----------
    name : str
        Short name (a key of ``[scenarios]`` in the study file).
    description : str
        One line for the reader.
    overrides : dict
        ``{"table.key": value}`` applied to the network's parameters
        (:func:`logistics.network.overrides.apply_overrides`), e.g.
        ``{"economics.gas_price_cny_m3": 5.0}``.
    demand_growth : float
        Share added to every order's tonnes (0.1 = +10 %), -0.9 to 10.
    capex_factor : float
        Multiplies every site's ``capex_cny`` (1.2 = construction 20 % dearer).
    """

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    overrides: dict[str, Any] = Field(default_factory=dict)
    demand_growth: float = Field(0.0, ge=-0.9, le=10.0)
    capex_factor: float = Field(1.0, gt=0.0, le=100.0)


#: The scenario of a study that names none: the network as it is.
AS_IS = Scenario(name="as_is", description="the network as it is")


class StudySettings(_Frozen):
    """How a study is run.

    Attributes
    ----------
    k : int
        Largest number of new sites built together; every combination of 1..k sites is
        screened.
    days : int
        Representative days simulated for every option (and for the network as it is).
    demand : {"auto", "orders", "generated"}
        Where the days come from: the orders file's days, days generated from the
        casters' ``daily_t``, or (``auto``) the orders file's days first, then
        generated ones (:mod:`logistics.siting.days`).
    seed : int
        Seed of the generated days; the same seed gives the same days.
    simulate : int
        How many of the screen's best options (per scenario) are simulated.
    solver : {"ortools", "greedy"}
        The planner of the simulated days (:func:`logistics.pipeline.plan_day`).
        ``ortools`` (default) with a solution limit is deterministic; ``greedy`` is the
        dispatcher's plan, deterministic and fast but it gives each trip to the truck
        idle longest, however far away, which blurs what a site is worth.
    time_limit_s : float
        Planning time limit per simulated day, seconds (``ortools``); generous (600 s)
        so that the solution limit, not the machine's speed, ends the search.
    solution_limit : int or None
        ``ortools``: stop after this many solutions (default 40: about 40 s for the
        Pearl River Delta day). ``None`` lets the time limit end the search, and the
        plans then depend on the machine.
    discount_rate : float
        Yearly discount rate of the NPV (default 8 %).
    horizon_years : int
        Years of savings in the NPV (default 15).
    stock_h : float
        Hours of the new plant's melt in stock when it opens (default 2).
    site_trucks : {"moved", "added"}
        Where a new plant's trucks come from: moved from the smelters it takes tonnes
        from (and added only for new demand), or all bought new
        (:mod:`logistics.siting.sites`).
    grid_km : float or None
        Grid mode: also screen a grid of sites this many km apart over the region.
    grid_simulate : int
        Grid mode: simulate this many of the grid's best points (0: screen only).
    grid_capex_cny, grid_rate_tph : float or None
        Capex and rate of a grid site; default the median of the candidates (or
        150 M CNY and 8 t/h without candidates).
    grid_alloys : tuple of str
        Alloys a grid site makes; default every alloy the candidates make (or the
        casters use, without candidates).
    max_combinations : int
        Above this many combinations the screen ranks them by the facility-location MIP
        instead of evaluating each (:mod:`logistics.siting.screen`).
    """

    k: int = Field(1, ge=1, le=5)
    days: int = Field(3, ge=1, le=366)
    demand: Literal["auto", "orders", "generated"] = "auto"
    seed: int = Field(1, ge=0, le=2**31 - 1)
    simulate: int = Field(5, ge=0, le=10_000)
    solver: Literal["greedy", "ortools"] = "ortools"
    time_limit_s: float = Field(600.0, gt=0.0, le=86_400.0)
    solution_limit: int | None = Field(DEFAULT_SOLUTION_LIMIT, ge=1, le=1_000_000)
    discount_rate: float = Field(DEFAULT_DISCOUNT_RATE, ge=0.0, le=1.0)
    horizon_years: int = Field(DEFAULT_HORIZON_YEARS, ge=1, le=100)
    stock_h: float = Field(DEFAULT_STOCK_H, ge=0.0, le=24.0)
    site_trucks: Literal["moved", "added"] = "moved"
    grid_km: float | None = Field(None, ge=1.0, le=500.0)
    grid_simulate: int = Field(0, ge=0, le=1000)
    grid_capex_cny: float | None = Field(None, ge=0.0, le=1e13)
    grid_rate_tph: float | None = Field(None, gt=0.0, le=10_000.0)
    grid_alloys: tuple[str, ...] = ()

    def plan_options(self) -> PlanOptions:
        """How each simulated day is planned: this study's solver and limits, one worker.

        A simulated day is one task of the study's pool or cluster, so it plans on one
        process; the study runs many days side by side instead.
        """
        return PlanOptions(
            solver=self.solver,
            time_limit_s=self.time_limit_s,
            solution_limit=self.solution_limit,
            workers=1,
        )

    max_combinations: int = Field(5000, ge=1, le=1_000_000)
