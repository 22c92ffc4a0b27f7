"""Judging the searches' candidates within the time left: what is judged, what is kept."""

from __future__ import annotations

import time

from logistics.planning.optimize import JUDGE_SHARE, judge_in_time, judging_reserve_s


def _counting_judge(seconds: float = 0.0):
    seen: list[int] = []

    def judge(candidate: list) -> float:
        seen.append(len(candidate))
        time.sleep(seconds)
        return float(len(candidate))

    return judge, seen


def test_without_a_deadline_every_candidate_is_judged() -> None:
    judge, seen = _counting_judge()
    candidates = [[0] * k for k in range(5, 0, -1)]
    assert judge_in_time(judge, candidates, deadline=None, must=1) == [5.0, 4.0, 3.0, 2.0, 1.0]
    assert seen == [5, 4, 3, 2, 1]


def test_past_the_deadline_only_the_must_candidates_are_judged() -> None:
    judge, seen = _counting_judge()
    candidates = [[0] * k for k in range(1, 6)]
    values = judge_in_time(judge, candidates, deadline=time.perf_counter() - 1, must=2)
    assert values == [1.0, 2.0, float("inf"), float("inf"), float("inf")]
    assert seen == [1, 2]


def test_judging_stops_before_a_candidate_that_would_pass_the_deadline() -> None:
    judge, seen = _counting_judge(seconds=0.05)
    candidates = [[0] * k for k in range(1, 21)]
    started = time.perf_counter()
    values = judge_in_time(judge, candidates, deadline=started + 0.3, must=1)
    judged = [v for v in values if v != float("inf")]
    assert 1 <= len(judged) < 20
    assert judged == [float(k) for k in range(1, len(judged) + 1)]
    assert len(seen) == len(judged)


def test_the_reserve_follows_the_candidates_within_a_share_of_the_limit() -> None:
    # Few candidates on a small day: their expected time, well under the share.
    small = judging_reserve_s(60.0, jobs=40, must=2, candidates=10)
    assert small < JUDGE_SHARE * 60.0
    assert small == judging_reserve_s(600.0, jobs=40, must=2, candidates=10)
    # Many candidates on a large day: capped at the share of the limit ...
    assert judging_reserve_s(15.0, jobs=2000, must=2, candidates=60) == JUDGE_SHARE * 15.0
    # ... but never below what the candidates that must be judged take.
    assert judging_reserve_s(2.0, jobs=2000, must=4, candidates=60) > JUDGE_SHARE * 2.0


def test_once_a_candidates_re_insertion_is_cut_short_no_optional_one_is_judged() -> None:
    # No deadline on judging, but the judge's re-insertion ran out of time on the third
    # candidate: the ones after it would be judged with less or none (their leftovers
    # counted as penalties) and lose unfairly, so they are not judged.
    judge, seen = _counting_judge()
    candidates = [[0] * k for k in range(1, 7)]
    cut = {3, 4, 5, 6}  # every candidate judged from the third on is cut short
    values = judge_in_time(
        judge, candidates, deadline=None, must=1, finished=lambda c: len(c) not in cut
    )
    assert values == [1.0, 2.0, 3.0] + [float("inf")] * 3
    assert seen == [1, 2, 3]


def test_the_must_candidates_are_judged_even_when_cut_short() -> None:
    judge, seen = _counting_judge()
    candidates = [[0] * k for k in range(1, 6)]
    values = judge_in_time(judge, candidates, deadline=None, must=3, finished=lambda c: False)
    assert values == [1.0, 2.0, 3.0, float("inf"), float("inf")]
    assert seen == [1, 2, 3]
