"""What the solver reports about a planning call (``plan.json``'s ``solver`` object)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: ``status`` of a plan made by the dispatcher's rules because the optimiser failed.
FALLBACK_STATUS = "fallback_dispatcher"


class SolverStats(BaseModel):
    """Settings and statistics of one planning call.

    Attributes
    ----------
    name : str
        ``ortools`` or ``greedy``.
    status : str
        OR-Tools' search status (``success``, ``partial_success_time_limit``,
        ``partial_success_solution_limit`` …), or
        ``greedy``; ``; greedy plan kept (cheaper)`` is appended when the dispatcher's
        plan was cheaper than the optimiser's, ``; greedy plan kept (no job routed)``
        when the search routed no job in its time. ``fallback_dispatcher``
        (:data:`FALLBACK_STATUS`) when the optimiser failed and the checked
        dispatcher's plan was returned instead (the safety net; a bug to report).
    fallback_reason : str or None
        Why the optimiser failed (exception type and message, or the checker's
        verdict on its plan), when ``status`` is ``fallback_dispatcher``.
    time_limit_s, wall_s : float
        The time limit and the wall time of the call, s.
    objective_cny, greedy_objective_cny : float or None
        Objective (route cost + superheat + unserved penalty, CNY) of the optimiser's
        and the dispatcher's plan. In a re-plan, with the price of change and without
        the runs kept as they are (under way, or booked in ``insert`` mode: their own
        route cost and superheat), the new trips driven after them.
    routed_objective_cny : float or None
        The optimiser's routes as the routing model saw them, CNY: the model's objective
        of the routes kept (driving by km and truck-minutes, the penalty of the jobs it
        left out) plus the penalty of the day's servable jobs outside the model. The
        model sees neither fill bays, superheat, ladles nor the cut into trips; ``None``
        when the routes kept have no model objective (the earliest-finish plan won).
    timed_objective_cny : float or None
        The same routes once timed (fill bays, production, tap temperatures) and with
        what the timing left off re-inserted, CNY: the value the portfolio judged them
        by, before the leftovers are tried in the trucks' free time, the ladle pass and
        the drivers' rules (``objective_cny`` is after those).
    search_wall_s, first_solution_s : float or None
        Time in the OR-Tools search and to its first solution, s.
    improving_solutions : int or None
        Improving solutions found.
    started_from_greedy : bool or None
        Whether the search started from the dispatcher's plan.
    parts, workers : int or None
        Smelter clusters the day was split into; processes used.
    dropped_by_router : int or None
        Jobs given to the search that the routes it came back with leave out, counted
        job by job: those its model dropped and those left out of the model (no truck
        carries them within their windows). The timing re-inserts what it can of them
        and the tries after it more, so the plan most often misses fewer jobs. Where
        the status says the start's routes or the dispatcher's plan were kept instead,
        this still describes the search's routes (as ``routed_objective_cny`` does),
        while ``left_off_by_scheduler`` describes the routes kept.
    left_off_by_scheduler : int or None
        Jobs the search's trips could not be timed with (re-inserted where they fit).
    solution_limit : int or None
        The deterministic mode's solution limit, if used.
    inserted_after_search : int or None
        Trips the final repair fitted into the trucks' free time (jobs the search or
        the dispatcher's rule had left out).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    status: str
    fallback_reason: str | None = None
    time_limit_s: float = Field(ge=0)
    wall_s: float = Field(0.0, ge=0)
    objective_cny: float | None = None
    greedy_objective_cny: float | None = None
    routed_objective_cny: float | None = None
    timed_objective_cny: float | None = None
    search_wall_s: float | None = None
    first_solution_s: float | None = None
    improving_solutions: int | None = None
    started_from_greedy: bool | None = None
    parts: int | None = None
    workers: int | None = None
    dropped_by_router: int | None = None
    left_off_by_scheduler: int | None = None
    solution_limit: int | None = None
    inserted_after_search: int | None = None

    @property
    def fell_back(self) -> bool:
        """True when the optimiser failed and the dispatcher's plan was returned."""
        return self.status == FALLBACK_STATUS
