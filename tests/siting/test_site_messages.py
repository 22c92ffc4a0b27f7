"""What ``molten site`` tells its user: true defaults, early refusals, honest sentences.

The help quotes the defaults of :class:`StudySettings` (stated once there); an explicit
``--png-engine kaleido`` without a browser is refused before the study starts, not
after it has run; and the explanation of an option says "loses the least" only of the
scenario's top option, with "1 truck" in the singular.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import logistics.cli.site as site_cli
import logistics.siting as siting
import logistics.siting.heatmap as heatmap
from logistics.charts.siting import siting_heatmap
from logistics.cli.app import cpus
from logistics.cli.main import main
from logistics.siting import StudySettings
from logistics.siting.explain import explain_option
from tests.siting.conftest import SITING

MOLTEN = str(Path(sys.executable).parent / "molten")


def _help() -> str:
    """``molten site --help`` as one line of words (box drawing removed)."""
    env = {**os.environ, "COLUMNS": "250"}
    done = subprocess.run(
        [MOLTEN, "site", "--help"], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.replace("│", " ").split())


def test_the_help_states_the_real_defaults() -> None:
    text = _help()
    default = StudySettings()
    assert default.solver == "ortools"
    assert f"'ortools' or 'greedy' (default '{default.solver}')" in text
    assert "'greedy' (default)" not in text
    assert "(default: CPUs, at most 4)" in text
    assert "(default: CPUs)" not in text
    assert f"(default {default.k})" in text and f"(default {default.days})" in text
    assert f"(default {default.simulate})" in text and f"(default {default.seed})" in text
    assert f"default {default.solution_limit})" in text
    assert f"default {default.time_limit_s:g})" in text
    assert f"(default {default.discount_rate:g})" in text
    assert f"(default {default.horizon_years})" in text
    assert f"(default '{default.site_trucks}')" in text
    assert f"(default '{default.demand}')" in text


def test_the_default_workers_are_the_cpus_at_most_4() -> None:
    assert site_cli.default_workers() == min(4, cpus())


def _no_browser(monkeypatch) -> None:
    monkeypatch.setattr(heatmap, "chromium_path", lambda: None)


def test_explicit_kaleido_without_a_browser_exits_2_before_the_study(
    tmp_path, monkeypatch, capsys
) -> None:
    _no_browser(monkeypatch)

    def must_not_run(*args, **kwargs):
        raise AssertionError("the study ran although its PNG engine cannot work")

    monkeypatch.setattr(siting, "run_study", must_not_run)  # the command imports it when run
    out = tmp_path / "study"
    argv = ["molten", "site", str(SITING), "--grid-km", "25", "--png-engine", "kaleido"]
    monkeypatch.setattr(sys, "argv", [*argv, "--out", str(out), "--quiet"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    stderr = capsys.readouterr().err
    assert stderr.strip().splitlines() == [
        "bad input: option --png-engine: kaleido needs a Chromium-based browser and none "
        "is installed; use auto or matplotlib"
    ]
    assert not out.exists()


def _rows():
    return [
        {"site_id": f"G{r}-{c}", "lat": 22.0 + 0.2 * r, "lon": 112.0 + 0.2 * c,
         "saving_cny_year": 1e6 * (r - c), "npv_cny": -1e7 + 1e6 * r}
        for r in range(3)
        for c in range(3)
    ]  # fmt: skip


def test_auto_falls_back_to_matplotlib_without_a_browser(tmp_path, monkeypatch) -> None:
    _no_browser(monkeypatch)
    assert heatmap.kaleido_problem() is not None
    engine = heatmap.write_heatmap(siting_heatmap(_rows()), _rows(), tmp_path, engine="auto")
    assert engine == "matplotlib"
    assert (tmp_path / "heatmap.png").read_bytes()[:4] == b"\x89PNG"


def test_the_library_refuses_explicit_kaleido_without_a_browser(tmp_path, monkeypatch) -> None:
    _no_browser(monkeypatch)
    with pytest.raises(RuntimeError, match=r"Chromium-based browser.*'auto' or 'matplotlib'"):
        heatmap.write_heatmap(siting_heatmap(_rows()), _rows(), tmp_path, engine="kaleido")


def _simulated(outcome):
    return [o for o in outcome.options if o.simulated and o.valid]


def test_only_the_top_option_loses_the_least(study_result) -> None:
    outcome = study_result.scenarios["as_is"]
    losing = replace(outcome, options=[replace(o, capex_cny=1e12) for o in outcome.options])
    top, other = _simulated(losing)[:2]
    assert top.npv_cny < 0 and other.npv_cny < 0
    days = len(study_result.days)
    top_text = explain_option(top, losing, study_result.study, days)
    other_text = explain_option(other, losing, study_result.study, days)
    assert "this one loses the least" in top_text
    assert "loses the least" not in other_text
    assert "It does not repay its capex within the horizon" in other_text


def test_a_paying_option_says_nothing_about_losing(study_result) -> None:
    outcome = study_result.scenarios["as_is"]
    paying = replace(outcome, options=[replace(o, capex_cny=0.0) for o in outcome.options])
    repaying = [o for o in _simulated(paying) if o.npv_cny >= 0]
    assert repaying
    for option in repaying:
        text = explain_option(option, paying, study_result.study, len(study_result.days))
        assert "repay" not in text and "loses" not in text


@pytest.mark.parametrize(
    ("trucks", "says"), [(1, "1 truck of"), (2, "2 trucks of"), (0, "0 trucks of")]
)
def test_trucks_and_days_in_the_singular_and_plural(study_result, trucks, says) -> None:
    outcome = study_result.scenarios["as_is"]
    top = replace(_simulated(outcome)[0], trucks={"X": trucks})
    text = explain_option(top, outcome, study_result.study, 1)
    assert f"with {says} its own" in text
    assert "On the 1 simulated day the new plant" in text
    assert "day(s)" not in text
    two = explain_option(top, outcome, study_result.study, 2)
    assert "On the 2 simulated days the new plant" in two
