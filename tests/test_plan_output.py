"""plan.json, runs.csv and unserved.csv as spec §4 describes them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest

from logistics.check import check
from logistics.cli.main import main
from logistics.network.loader import load_network
from logistics.plan.files import read_plan, write_plan
from logistics.plan.schema import generated_schema, published_schema

TINY = Path(__file__).resolve().parents[1] / "sample_networks" / "tiny"


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
        "fill_end,depart,arrive,pour_start,pour_end,tap_c,arrival_c,road_km"
    )
    with (plan_dir / "runs.csv").open() as fh:
        assert ",".join(next(csv.reader(fh))) == runs
    with (plan_dir / "unserved.csv").open() as fh:
        assert ",".join(next(csv.reader(fh))) == "order_id,caster_id,alloy,tonnes,reason"


def _exit_code(monkeypatch, *args: str) -> int:
    """Run ``molten`` with the given arguments; the code it exits with."""
    monkeypatch.setattr("sys.argv", ["molten", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    return stop.value.code


def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch):
    import shutil

    folder = tmp_path / "net"
    shutil.copytree(TINY, folder)
    orders = (folder / "orders.csv").read_text().replace("O1,C1,ADC12,6,", "O1,C1,ADC12,-6,")
    (folder / "orders.csv").write_text(orders)
    out = tmp_path / "plan"
    assert _exit_code(monkeypatch, "plan", str(folder), "--out", str(out)) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "orders.csv, row 2, column 'tonnes'" in err


@pytest.mark.parametrize("option", [["--workers", "0"], ["--time-limit", "0"]])
def test_bad_option_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch, option):
    out = tmp_path / "plan"
    assert _exit_code(monkeypatch, "plan", str(TINY), *option, "--out", str(out)) == 2
    assert not out.exists()
    assert option[0] in capsys.readouterr().err
