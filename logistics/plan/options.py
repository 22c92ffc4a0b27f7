"""How to plan a day, and what of it is already fixed: the one way into the planner.

Every surface — the command line, the app, the nightly job, re-planning and siting
studies — builds a :class:`PlanOptions` (and, when part of the day has happened, a
:class:`DayState`) and calls :func:`logistics.pipeline.plan_day` with them. Each option
has one name, one unit and one documented default here, all the way down.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from logistics.network.model import TruckStart
from logistics.plan.model import Preheat, Run

#: The planners: the OR-Tools optimiser, or the dispatcher's plan (first truck free).
SOLVERS = ("ortools", "greedy")
#: Most ladle jobs routed in one model; larger days are split into smelter clusters.
#: Once alike jobs are searched two at a time (``logistics.planning.routing.bundle``) one
#: model beat every split measured, with 2 workers, route cost against the dispatcher's
#: (ladder days, seed 0, 2026-12-02): the generated 700-run day 0.737 in one model
#: against 0.772 in 2 parts at 60 s; 1,000 runs at 110 s 0.718 against 0.763 (2 parts);
#: 2,000 runs at 285 s 0.711 against 0.727 (2 parts), every plan with all tonnes of the
#: dispatcher and more. Before bundles (searching job by job) 700 jobs was the best size.
PART_JOBS = 2000
#: The time limit of every surface unless the user sets another, s.
DEFAULT_TIME_LIMIT_S = 60.0


class PlanOptions(BaseModel):
    """How to plan a day. Frozen and self-validating; every field has one default.

    Attributes
    ----------
    solver : {"ortools", "greedy"}
        The optimiser, or the dispatcher's baseline plan (first truck free).
    time_limit_s : float
        Wall-clock limit for planning, seconds (default 60); the best plan found by then
        is kept.
    seed : int
        Seed of the search engines that use one (default 0).
    workers : int
        Processes: the searches of the portfolio (one per worker) on a day routed in
        one model, or the parts of a day split into smelter clusters (default 1).
    solution_limit : int or None
        Deterministic mode: each search stops after this many solutions, so the same
        inputs and seed give the same plan (set ``time_limit_s`` generously).
    part_jobs : int
        Most ladle jobs routed in one model; larger days are split (default 2,000).
    portfolio : tuple of str or None
        Search configurations for a day routed in one model, one per worker
        (``logistics.planning.portfolio``); ``None`` takes the default for the limit
        and the day's size.
    replan_mode : {"insert", "reoptimise"}
        How a re-plan treats the booked runs of the current plan
        (:attr:`DayState.booked_runs`): ``insert`` keeps every one of them where it is
        and fits what is new into the trucks' free time, moving nothing (a few
        seconds); ``reoptimise`` searches the whole rest of the day with the price of
        each change (``[replan]`` in ``network.toml``) in the objective, starting from
        the insert plan and never ending worse than it. Ignored without booked runs.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    solver: Literal["ortools", "greedy"] = "ortools"
    time_limit_s: float = Field(DEFAULT_TIME_LIMIT_S, gt=0.0, le=7 * 24 * 3600.0)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    workers: int = Field(1, ge=1, le=1024)
    solution_limit: int | None = Field(None, ge=1)
    part_jobs: int = Field(PART_JOBS, ge=1)
    portfolio: tuple[str, ...] | None = None
    replan_mode: Literal["insert", "reoptimise"] = "insert"

    @field_validator("portfolio")
    @classmethod
    def _members_named(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and (not value or any(not m for m in value)):
            raise ValueError("a portfolio names at least one search member")
        return value


class DayState(BaseModel):
    """What of the day is already fixed when it is (re-)planned.

    Attributes
    ----------
    now : datetime or None
        Timezone-aware moment of re-planning: no new fill starts before it. ``None``
        plans the whole day.
    fixed_runs : tuple of Run
        Runs kept exactly as they are (metal already filled or on the road), whenever
        they started.
    truck_starts : tuple of TruckStart
        Trucks available at another place or time than their home at shift start.
    unavailable_trucks : tuple of str
        Truck ids that get no new runs (broken down, taken out of service); their
        ``fixed_runs`` stay.
    booked_runs : tuple of Run
        Runs of the current plan not yet started at ``now``: deliveries promised to the
        casters and trips the drivers were briefed on. A re-plan keeps them where it
        can (:attr:`PlanOptions.replan_mode`) and prices every change
        (``[replan]``).
    proposal : tuple of Run
        A plan of the rest of the day for a re-optimising re-plan to start its search
        from (the insert plan); runs under way in it are ignored.
    en_route : tuple of TruckStart
        Trucks on the road at ``now`` to the smelter of their next trip: the planner
        has them there when they arrive. Unlike ``truck_starts`` they are not part of
        the plan: its timeline still counts the drive under way.
    kept_preheats : tuple of Preheat
        The preheats of the plan being re-planned: each one of a kept run's ladle
        (``fixed_runs``, and in ``insert`` mode ``booked_runs``) stays on its stand as it
        was, and a new run takes that ladle only if it is back by the preheat's start;
        one started before ``now`` stays too, whether or not its run is kept; the others
        are planned again, starting no earlier than ``now``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    now: AwareDatetime | None = None
    fixed_runs: tuple[Run, ...] = ()
    truck_starts: tuple[TruckStart, ...] = ()
    unavailable_trucks: tuple[str, ...] = ()
    booked_runs: tuple[Run, ...] = ()
    proposal: tuple[Run, ...] = ()
    en_route: tuple[TruckStart, ...] = ()
    kept_preheats: tuple[Preheat, ...] = ()

    @property
    def is_fresh(self) -> bool:
        """True for a day nothing of which has happened yet."""
        return (
            self.now is None
            and not self.fixed_runs
            and not self.truck_starts
            and not self.unavailable_trucks
            and not self.booked_runs
        )
