"""plan.json, runs.csv and unserved.csv as docs/plan-outputs.md describes them."""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

import jsonschema
import pytest

from logistics.check import check
from logistics.cli.main import main
from logistics.network.loader import load_network
from logistics.plan.files import read_plan, write_plan
from logistics.plan.options import PlanOptions
from logistics.plan.schema import generated_schema, published_schema
from tests.conftest import TINY


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("plan") / "tiny"
    import sys

    argv = sys.argv
    sys.argv = ["molten", "plan", str(TINY), "--time-limit", "3", "--out", str(out)]
    try:
        with pytest.raises(SystemExit) as stop:
            main()
            raise SystemExit(0)
        assert stop.value.code in (0, None)
    finally:
        sys.argv = argv
    return out


def test_published_schema_is_the_one_the_models_generate():
    assert published_schema() == generated_schema()
    docs_copy = Path(__file__).resolve().parents[2] / "docs" / "plan.schema.json"
    assert json.loads(docs_copy.read_text()) == generated_schema()


def test_plan_json_matches_the_published_schema(plan_dir):
    document = json.loads((plan_dir / "plan.json").read_text())
    jsonschema.validate(document, published_schema())
    assert document["summary"]["tonnes_delivered"] == pytest.approx(
        sum(r["tonnes"] for r in document["runs"])
    )


def test_schema_rejects_an_unknown_reason(plan_dir):
    document = json.loads((plan_dir / "plan.json").read_text())
    document["unserved"][0]["reason"] = "weather"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, published_schema())


def test_written_plan_reads_back_field_for_field(plan_dir):
    tiny = load_network(TINY)
    plan = read_plan(plan_dir)
    again = read_plan(write_plan(plan, plan_dir.parent / "again"), tiny)
    assert again == plan
    assert again.economics is not None and again.economics == plan.economics
    assert check(tiny, again).ok


def test_csv_columns_are_the_documented_columns(plan_dir):
    # The columns users and other programs read, as the docs list them.
    runs = (
        "run_id,truck_id,trip,order_id,smelter_id,caster_id,alloy,tonnes,fill_start,"
        "fill_end,depart,arrive,pour_start,pour_end,tap_c,arrival_c,road_km,"
        "cold_probability,late_probability,arrival_p05_c,arrival_p95_c"
    )
    with (plan_dir / "runs.csv").open() as fh:
        assert ",".join(next(csv.reader(fh))) == runs
    with (plan_dir / "unserved.csv").open() as fh:
        assert ",".join(next(csv.reader(fh))) == "order_id,caster_id,alloy,tonnes,reason"


def test_a_written_plan_folder_follows_the_umask(tmp_path):
    tiny = load_network(TINY)
    from logistics.pipeline import plan_day

    old = os.umask(0o022)
    try:
        out = write_plan(plan_day(tiny, PlanOptions(solver="greedy")).plan, tmp_path / "p")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755  # others may read it
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers
