"""The job in-process, on SQLite and PostgreSQL: round trip, versions, refusals, atomicity."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

import logistics.dispatch.job as job
from logistics.check import check
from logistics.dispatch import (
    DispatchRequest,
    PlanNotFoundError,
    list_runs,
    list_versions,
    load_plan,
    run_detail,
    run_dispatch,
)
from logistics.errors import InputError, PlanningError
from logistics.network.loader import load_network
from logistics.pipeline import PlanOutcome
from logistics.plan.files import read_plan
from logistics.plan.model import Plan
from logistics.plan.options import PlanOptions
from tests.conftest import set_cell
from tests.dispatch.tools import folder_snapshot, snapshot
from tests.helpers import delivered_from_rows, summary_from_rows

DAY = date(2026, 11, 23)
GREEDY = PlanOptions(solver="greedy", time_limit_s=5)


def request_for(net: Path, db_url: str, **changes: object) -> DispatchRequest:
    return dataclasses.replace(
        DispatchRequest(network_dir=net, plan_date=DAY, db_url=db_url, options=GREEDY), **changes
    )


@pytest.mark.parametrize(
    "settings", [GREEDY, PlanOptions(solver="ortools", time_limit_s=2.0)], ids=["greedy", "ortools"]
)
def test_stored_plan_loads_back_equal_and_checks(
    net: Path, db_url: str, tmp_path: Path, settings: PlanOptions
) -> None:
    out = tmp_path / "plans" / "tiny"
    result = run_dispatch(request_for(net, db_url, options=settings, out_dir=out))
    assert (result.status, result.exit_code, result.version) == ("stored", 0, 1)
    assert result.outcome is not None
    planned = result.outcome.plan

    loaded = load_plan(db_url, DAY)
    for name in Plan.model_fields:
        assert getattr(loaded, name) == getattr(planned, name), name
    assert loaded == planned
    assert loaded.model_dump(mode="json") == planned.model_dump(mode="json")
    assert loaded == read_plan(out)  # the folder holds the same plan

    network = load_network(net, DAY)
    assert check(network, loaded).ok
    assert loaded.runs, "tiny delivers something"
    recomputed = summary_from_rows(network, loaded)
    versions = list_versions(db_url, network="tiny", date=DAY)
    assert [(v.version, v.current) for v in versions] == [(1, True)]
    assert versions[0].tonnes_delivered == pytest.approx(delivered_from_rows(loaded))
    assert versions[0].ladle_runs == len(loaded.runs)
    assert versions[0].route_cost_cny == pytest.approx(recomputed.route_cost_cny)
    assert versions[0].solver == settings.solver


def test_rerun_versions_and_force(net: Path, db_url: str) -> None:
    first = run_dispatch(request_for(net, db_url))
    again = run_dispatch(request_for(net, db_url))
    assert (again.status, again.exit_code, again.version) == ("already_planned", 0, 1)
    assert again.outcome is None
    assert [v.version for v in list_versions(db_url)] == [1]

    forced = run_dispatch(request_for(net, db_url, force=True))
    assert (forced.status, forced.version) == ("stored", 2)

    set_cell(net, "orders.csv", 2, "tonnes", "3")  # O1 from 6 t to 3 t: new inputs
    changed = run_dispatch(request_for(net, db_url))
    assert (changed.status, changed.version) == ("stored", 3)
    assert changed.outcome is not None

    versions = list_versions(db_url, network="tiny", date=DAY)
    assert [(v.version, v.current) for v in versions] == [(3, True), (2, False), (1, False)]
    assert versions[0].input_hash != versions[1].input_hash == versions[2].input_hash
    assert first.outcome is not None
    assert load_plan(db_url, DAY, version=1) == first.outcome.plan  # old versions stay
    assert load_plan(db_url, DAY) == changed.outcome.plan  # the current one by default
    assert load_plan(db_url, DAY.isoformat(), network="tiny", version=3) == changed.outcome.plan
    network = load_network(net, DAY)
    assert sum(o.tonnes for o in network.day_orders) == pytest.approx(
        delivered_from_rows(changed.outcome.plan)
        + sum(u.tonnes for u in changed.outcome.plan.unserved)
    )

    runs = list_runs(db_url, date=DAY)
    assert [(r.status, r.version, r.forced) for r in runs] == [
        ("stored", 3, False),
        ("stored", 2, True),
        ("already_planned", 1, False),
        ("stored", 1, False),
    ]
    detail = run_detail(db_url, runs[0].id)
    assert detail.parameters is not None
    assert (
        detail.parameters["files"]["orders.csv"]
        != run_detail(db_url, runs[1].id).parameters["files"]["orders.csv"]
    )


def test_other_date_and_missing_versions(net: Path, db_url: str) -> None:
    run_dispatch(request_for(net, db_url))
    other = run_dispatch(request_for(net, db_url, plan_date=date(2026, 11, 24)))
    assert (other.status, other.version) == ("stored", 1)  # versions count per date
    assert {v.plan_date for v in list_versions(db_url)} == {DAY, date(2026, 11, 24)}
    with pytest.raises(PlanNotFoundError, match="no version 7"):
        load_plan(db_url, DAY, version=7)
    with pytest.raises(PlanNotFoundError, match="no plan stored"):
        load_plan(db_url, date(2026, 12, 1))
    with pytest.raises(PlanNotFoundError, match="no plan of elsewhere"):
        load_plan(db_url, DAY, network="elsewhere")


def _with_violation(monkeypatch: pytest.MonkeyPatch) -> None:
    real = job.plan_day

    def faulty(network, *args, **kwargs):  # type: ignore[no-untyped-def]
        outcome = real(network, *args, **kwargs)
        runs = list(outcome.plan.runs)
        runs[0] = runs[0].model_copy(update={"tap_c": 2000.0})
        broken = outcome.plan.model_copy(update={"runs": tuple(runs)})
        return PlanOutcome(broken, check(network, broken), outcome.economics, outcome.travel)

    monkeypatch.setattr(job, "plan_day", faulty)


def test_plan_with_violations_is_recorded_not_stored(
    net: Path, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "plan"
    good = run_dispatch(request_for(net, db_url, out_dir=out))
    folder_before = folder_snapshot(out)
    _with_violation(monkeypatch)
    bad = run_dispatch(request_for(net, db_url, out_dir=out, force=True))
    assert (bad.status, bad.exit_code, bad.version) == ("violations", 4, None)
    assert bad.report is not None and not bad.report.ok
    assert [v.version for v in list_versions(db_url)] == [1]
    assert good.outcome is not None
    assert load_plan(db_url, DAY) == good.outcome.plan
    assert folder_snapshot(out) == folder_before
    detail = run_detail(db_url, bad.run_id)
    assert detail.run.status == "violations" and detail.run.exit_code == 4
    assert {v["rule"] for v in detail.violations} == {v.rule for v in bad.report.violations}
    assert "tap_range" in {v["rule"] for v in detail.violations}
    assert detail.kpis is not None and detail.solver_stats is not None


def test_input_error_and_no_plan_are_recorded(
    net: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_cell(net, "fleet.csv", 2, "ladles", "many")
    with pytest.raises(InputError) as caught:
        run_dispatch(request_for(net, db_url))
    assert any(p.file == "fleet.csv" and p.row == 2 for p in caught.value.problems)
    set_cell(net, "fleet.csv", 2, "ladles", "2")

    def impossible(network, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PlanningError("nothing to plan with")

    monkeypatch.setattr(job, "plan_day", impossible)
    with pytest.raises(PlanningError):
        run_dispatch(request_for(net, db_url))
    runs = list_runs(db_url)
    assert [(r.status, r.exit_code) for r in runs] == [("no_plan", 3), ("input_error", 2)]
    assert "fleet.csv" in runs[1].message and "nothing to plan with" in runs[0].message
    assert list_versions(db_url) == []


def test_a_failure_before_the_commit_leaves_everything_as_it_was(
    net: Path, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "plans" / "tiny"
    run_dispatch(request_for(net, db_url, out_dir=out))
    before, folder_before = snapshot(db_url), folder_snapshot(out)

    def explode(point: str) -> None:
        if point == "commit":
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(job, "pause_at", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run_dispatch(request_for(net, db_url, out_dir=out, force=True))
    after = snapshot(db_url)
    runs_before = before.pop("dispatch_runs")
    runs_after = after.pop("dispatch_runs")
    assert after == before  # no version, no rows, same current pointer
    assert all(row in runs_after for row in runs_before)
    assert len(runs_after) == len(runs_before) + 1  # the failure itself is recorded
    assert list_runs(db_url)[0].status == "internal_error"
    assert folder_snapshot(out) == folder_before
    assert sorted(p.name for p in out.parent.iterdir()) == ["tiny"]  # nothing staged is left
