"""At short limits the judge's best candidate and the best of another search member are
both valued as the plan comes out of the ladle pass where their judged values are close:
the judge times routes without the pool, and two members' routes can lose very
differently in the pass (tonnes no ladle is ready for)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import logistics.planning.solve as solve
from logistics import check, load_network, plan_day
from logistics.plan.options import PlanOptions
from logistics.planning.optimize import REFINE_CLOSE, CloseRivals, close_rivals, refined_best
from tests.conftest import TEST_DATA
from tests.helpers import objective_from_rows

NAMES = ["gls-parallel", "gls-cost", "gls-parallel@7", "gls-cost@5", "eft-start"]


def _refine(candidates: list[list], refined: dict[int, float], seen: list[int]):
    def refine(candidate: list) -> float:
        k = next(i for i, c in enumerate(candidates) if c is candidate)
        seen.append(k)
        return refined[k]

    return refine


def _losses(candidates: list[list], losses: dict[int, float]):
    """A quick ladle pass's loss per candidate: ``losses`` by the candidate's index,
    read when called (a test may change it between calls)."""

    def loss(candidate: list) -> float:
        return losses[next(i for i, c in enumerate(candidates) if c is candidate)]

    return loss


def test_the_best_and_another_members_best_within_the_share_are_refined() -> None:
    """``gls-cost`` is judged best, ``gls-parallel``'s earlier solution is its own
    member's best and within the share: those two are refined, and ``gls-parallel``'s
    wins because the ladle pass takes less off it."""
    candidates: list[list] = [[] for _ in NAMES]
    values = [104.0, 100.0, 103.0, 100.5, 130.0]
    refined = {0: 0.0, 1: 140.0, 2: 110.0, 3: 0.0, 4: 0.0}
    seen: list[int] = []
    assert close_rivals(values, NAMES, REFINE_CLOSE) == [1, 2]
    best = refined_best(
        _refine(candidates, refined, seen), candidates, values, NAMES, CloseRivals(0.1)
    )
    assert best == 2
    assert sorted(seen) == [1, 2]


def test_a_rival_beyond_the_share_is_not_refined() -> None:
    """The other member's best is 12 % above: the judge's best is kept unrefined."""
    candidates: list[list] = [[] for _ in NAMES]
    values = [112.0, 100.0, 113.0, 101.0, 150.0]
    seen: list[int] = []
    assert close_rivals(values, NAMES, 0.1) == [1]
    best = refined_best(_refine(candidates, {}, seen), candidates, values, NAMES, CloseRivals(0.1))
    assert best == 1
    assert seen == []


def test_the_best_losing_no_more_in_a_quick_ladle_pass_is_not_refined() -> None:
    """Close rivals are refined only where the best loses more than the rival in the
    quick ladle pass (``loss``); else the judge's best is kept as it is."""
    candidates: list[list] = [[] for _ in NAMES]
    values = [104.0, 100.0, 103.0, 100.5, 130.0]
    losses = {1: 30.0, 2: 31.0}
    seen: list[int] = []
    refine = _refine(candidates, {1: 140.0, 2: 110.0}, seen)
    close = CloseRivals(0.1, _losses(candidates, losses))
    assert refined_best(refine, candidates, values, NAMES, close) == 1
    assert seen == []
    losses[1] = 45.0  # the best now loses more than its rival: both are refined
    assert refined_best(refine, candidates, values, NAMES, close) == 2
    assert sorted(seen) == [1, 2]


def test_unjudged_candidates_and_a_lone_member_are_not_refined() -> None:
    inf = float("inf")
    assert close_rivals([100.0, inf, 101.0], ["gls-cost", "gls-parallel", "gls-cost@3"], 0.1) == [0]
    assert close_rivals([inf, inf], ["a", "b"], 0.1) == []


def test_ties_keep_the_judges_order() -> None:
    candidates: list[list] = [[], []]
    seen: list[int] = []
    names = ["gls-parallel", "gls-cost"]
    refine = _refine(candidates, {0: 50.0, 1: 50.0}, seen)
    assert refined_best(refine, candidates, [101.0, 100.0], names, CloseRivals(0.1)) == 1


def _no_stands(dest: Path) -> Path:
    """The tiny day with its ladle pool and no burner stands: only the ladles hot at
    dawn serve, so the pass takes runs off and routes judged alike lose unlike."""
    folder = shutil.copytree(TEST_DATA / "tiny", dest)
    shutil.copy(TEST_DATA / "tiny_ladles" / "ladles.csv", folder / "ladles.csv")
    with (folder / "network.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[ladles]\npreheat_stands = 0\n")
    return folder


def test_a_short_limit_keeps_the_rival_the_ladle_pass_takes_less_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``gls-parallel``'s and ``gls-cost``'s routes are judged alike (10,861 CNY timed);
    after the ladle pass ``gls-parallel``'s are the dearer (17,085 against 17,045). The
    judge alone kept ``gls-parallel``'s (first of the tie); with the close rivals
    refined ``gls-cost``'s are kept, and the plan is cheaper, checked sound and valued
    from its rows."""
    network = load_network(_no_stands(tmp_path / "net"))
    options = PlanOptions(
        time_limit_s=5, solution_limit=20, workers=2, seed=0, portfolio=("gls-parallel", "gls-cost")
    )
    refined = plan_day(network, options).plan
    monkeypatch.setattr(solve, "REFINE_CLOSE_SHORT", False, raising=False)
    judged = plan_day(network, options).plan
    for plan in (refined, judged):
        assert check(network, plan).ok
        assert plan.solver.objective_cny == pytest.approx(
            objective_from_rows(network, plan), abs=1.0
        )
    assert "[gls-parallel;" in judged.solver.status
    assert "[gls-cost;" in refined.solver.status
    assert objective_from_rows(network, refined) < objective_from_rows(network, judged) - 10.0


def test_rivals_are_refined_only_where_the_rival_would_come_out_ahead() -> None:
    """The best (100) loses 2 in the quick pass and its rival (103) 1: the rival would
    still come out 1 behind (104 against 102), so neither is refined."""
    candidates: list[list] = [[] for _ in NAMES]
    values = [104.0, 100.0, 103.0, 100.5, 130.0]
    losses = {1: 2.0, 2: 1.0}
    seen: list[int] = []
    refine = _refine(candidates, {1: 140.0, 2: 110.0}, seen)
    close = CloseRivals(0.1, _losses(candidates, losses))
    assert refined_best(refine, candidates, values, NAMES, close) == 1
    assert seen == []
    losses[1] = 4.5  # 104.5 against 104: the rival would come out ahead
    assert refined_best(refine, candidates, values, NAMES, close) == 2
    assert sorted(seen) == [1, 2]


class _Clock:
    """A controlled :func:`time.monotonic`: each quick ladle pass takes ``loss_s``."""

    def __init__(self, loss_s: float) -> None:
        self.now = 100.0
        self.loss_s = loss_s

    def __call__(self) -> float:
        return self.now


def _timed(candidates: list[list], clock: _Clock):
    losses = {1: 30.0, 2: 1.0}  # the rival would come out well ahead

    quick = _losses(candidates, losses)

    def loss(candidate: list) -> float:
        clock.now += clock.loss_s
        return quick(candidate)

    return loss


@pytest.mark.parametrize(
    ("deadline", "refined"),
    [
        (None, [1, 2]),  # no deadline (a solution limit): always refined
        (100.0 + 2 * 0.1 + 2 * 1.0 + 0.01, [1, 2]),  # two refines of 1 s fit
        (100.0 + 2 * 0.1 + 2 * 1.0 - 0.01, []),  # they would pass the deadline
        (99.0, []),  # the deadline passed before the quick passes
    ],
)
def test_close_rivals_are_not_refined_past_the_deadline(
    monkeypatch: pytest.MonkeyPatch, deadline: float | None, refined: list[int]
) -> None:
    """Each quick pass takes 0.1 s, so a refine is expected to take ten times that: the
    two are refined only where they would end by the deadline, else the judge's best is
    kept; the clock is not read against a deadline when there is none."""
    import logistics.planning.optimize as optimize

    clock = _Clock(0.1)
    monkeypatch.setattr(optimize.time, "monotonic", clock)
    candidates: list[list] = [[] for _ in NAMES]
    values = [104.0, 100.0, 103.0, 100.5, 130.0]
    seen: list[int] = []
    refine = _refine(candidates, {1: 140.0, 2: 110.0}, seen)
    close = CloseRivals(0.1, _timed(candidates, clock), deadline)
    best = refined_best(refine, candidates, values, NAMES, close)
    assert sorted(seen) == refined
    assert best == (2 if refined else 1)


def test_a_short_limit_without_a_solution_limit_sets_a_deadline_in_the_reserve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deadline lies after the search's end, within the limit; a deterministic plan
    (a solution limit) gets none."""
    network = load_network(_no_stands(tmp_path / "net"))
    deadlines: list[float | None] = []
    optimize = solve.optimize

    def spy(*args, **kwargs):
        close = kwargs["refine_close"]
        deadlines.append(None if close is None else close.deadline)
        if close is not None and close.deadline is not None:
            assert close.deadline > solve.time.monotonic() + kwargs["time_limit_s"] - 0.5
        return optimize(*args, **kwargs)

    monkeypatch.setattr(solve, "optimize", spy)
    started = solve.time.monotonic()
    plan_day(network, PlanOptions(time_limit_s=3, workers=1, seed=0))
    assert deadlines[0] is not None and started < deadlines[0] <= started + 3.0
    plan_day(network, PlanOptions(time_limit_s=3, solution_limit=5, workers=1, seed=0))
    assert deadlines[1] is None


def test_a_candidate_is_refined_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """:meth:`_Day.refine` keeps each candidate's value (a re-plan weighs the kept routes
    again against its start): the same routes are not passed through the ladles twice,
    and another list of the same routes is."""
    network = load_network(_no_stands(tmp_path / "net"))
    days: list = []
    kept: list = []
    refines, optimize = solve._refines, solve.optimize

    def spy(day, *args, **kwargs):
        days.append(day)
        return refines(day, *args, **kwargs)

    def kept_routes(*args, **kwargs):
        routes, *rest = optimize(*args, **kwargs)
        kept.append(routes)
        return (routes, *rest)

    monkeypatch.setattr(solve, "_refines", spy)
    monkeypatch.setattr(solve, "optimize", kept_routes)
    plan_day(network, PlanOptions(time_limit_s=5, solution_limit=5, workers=1, seed=0))
    day, routes = days[0], kept[0]
    passes: list[int] = []
    legal = solve._legal_with_ladles

    def counted(*args, **kwargs):
        passes.append(1)
        return legal(*args, **kwargs)

    monkeypatch.setattr(solve, "_legal_with_ladles", counted)
    first = day.refine(routes)
    assert day.refine(routes) == first
    assert len(passes) == 1
    assert day.refine(list(routes)) == pytest.approx(first)
    assert len(passes) == 2
