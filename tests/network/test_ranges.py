"""Plausible ranges (docs/network-format.md): every number of a network folder has one.

For every bounded CSV column and ``network.toml`` parameter: a value just outside each
bound is bad input naming file, row and column, with the range in the message; a value
at the bound loads. The ranges themselves are written out here once (:data:`CSV_RANGES`,
:data:`TOML_RANGES`) and compared with the models and with the documentation, so none of
the three can drift. All bundled data (sample networks, test networks, generated and
fuzzed networks, siting studies) loads within them.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from pydantic import BaseModel

from logistics.errors import InputError, InputProblem
from logistics.network.furnaces import CONSUMPTION
from logistics.network.ladles import LADLES
from logistics.network.loader import (
    CANDIDATES,
    CASTERS,
    FLEET,
    ORDERS,
    PRODUCTION,
    SMELTERS,
    load_network,
)
from logistics.network.overrides import apply_overrides, parse_assignments
from logistics.network.params import Params
from logistics.network.ranges import bounds, field_at, format_number, unit_of
from logistics.network.roads import load_road_graph
from logistics.network.synthetic import (
    MAX_TONNES_PER_CASTER,
    MAX_TONNES_PER_SMELTER,
    generate_network,
)
from tests.conftest import REPO, TEST_DATA, only_problem, set_cell

#: (file, column, lo, hi, unit, range as the messages and the docs write it)
CSV_RANGES = [
    ("smelters.csv", "lat", -90, 90, "°", "−90 to 90°"),
    ("smelters.csv", "lon", -180, 180, "°", "−180 to 180°"),
    ("smelters.csv", "fill_min", 1, 120, "min", "1–120 min"),
    ("smelters.csv", "fill_bays", 1, 50, "bays", "1–50 bays"),
    ("production.csv", "rate_tph", 0, 200, "t/h", "0–200 t/h"),
    ("production.csv", "stock_t", 0, 5000, "t", "0–5,000 t"),
    ("production.csv", "tap_min_c", 600, 950, "°C", "600–950 °C"),
    ("production.csv", "tap_max_c", 600, 950, "°C", "600–950 °C"),
    ("casters.csv", "lat", -90, 90, "°", "−90 to 90°"),
    ("casters.csv", "lon", -180, 180, "°", "−180 to 180°"),
    ("casters.csv", "min_pour_c", 550, 900, "°C", "550–900 °C"),
    ("casters.csv", "unload_min", 1, 120, "min", "1–120 min"),
    ("casters.csv", "daily_t", 0, 5000, "t", "0–5,000 t"),
    ("fleet.csv", "ladles", 1, 6, "ladles", "1–6 ladles"),
    ("fleet.csv", "ladle_t", 0.5, 20, "t", "0.5–20 t"),
    ("fleet.csv", "tau_h", 2, 200, "h", "2–200 h"),
    ("fleet.csv", "cost_per_km", 0, 100, "CNY/km", "0–100 CNY/km"),
    ("fleet.csv", "cost_per_h", 0, 2000, "CNY/h", "0–2,000 CNY/h"),
    ("orders.csv", "tonnes", 0, 5000, "t", "0–5,000 t"),
    ("candidates.csv", "lat", -90, 90, "°", "−90 to 90°"),
    ("candidates.csv", "lon", -180, 180, "°", "−180 to 180°"),
    ("candidates.csv", "capex_cny", 0, 1e11, "CNY", "0–100,000,000,000 CNY"),
    ("candidates.csv", "rate_tph", 0, 200, "t/h", "0–200 t/h"),
]

#: (table, key, lo, hi, unit, range as written)
TOML_RANGES = [
    ("roads", "circuity", 1, 3, "road km per great-circle km", "1–3 road km per great-circle km"),
    ("roads", "speed_kmh", 5, 100, "km/h", "5–100 km/h"),
    ("thermal", "ambient_c", -55, 55, "°C", "−55 to 55 °C"),
    ("thermal", "margin_c", 0, 100, "°C", "0–100 °C"),
    ("planning", "lead_time_h", 0, 72, "h", "0–72 h"),
    ("economics", "alloy_price_t", 5000, 100_000, "CNY/t", "5,000–100,000 CNY/t"),
    ("economics", "ingot_burn_rate", 0, 0.1, "share", "0–0.1 share"),
    ("economics", "liquid_burn_rate", 0, 0.1, "share", "0–0.1 share"),
    ("economics", "truck_cost_per_km", 0, 100, "CNY/km", "0–100 CNY/km"),
    ("economics", "truck_cost_per_h", 0, 2000, "CNY/h", "0–2,000 CNY/h"),
    ("economics", "superheat_cost_per_c_t", 0, 10, "CNY per °C·t", "0–10 CNY per °C·t"),
    ("economics", "gas_price_cny_m3", 0, 20, "CNY/Nm³", "0–20 CNY/Nm³"),
    ("economics", "electricity_cny_kwh", 0, 5, "CNY/kWh", "0–5 CNY/kWh"),
    ("economics", "operating_days_per_year", 1, 366, "days", "1–366 days"),
    *(
        ("economics.ingot", key, 0, 10_000, "CNY/t", "0–10,000 CNY/t")
        for key in ("energy", "furnace_depreciation", "burn_loss", "labour", "sundries")
    ),
    *(
        ("economics.liquid", key, 0, 10_000, "CNY/t", "0–10,000 CNY/t")
        for key in (
            "holding",
            "equipment_depreciation",
            "burn_and_transport_30km",
            "special_vehicle",
            "sundries",
        )
    ),
    ("emissions", "natural_gas_m3", 0, 5, "kg CO2/Nm³", "0–5 kg CO2/Nm³"),
    ("emissions", "grid_kwh", 0, 1.5, "kg CO2/kWh", "0–1.5 kg CO2/kWh"),
    ("emissions", "truck_km", 0, 5, "kg CO2/km", "0–5 kg CO2/km"),
    ("emissions", "remelt_gas_m3_t", 0, 300, "Nm³/t", "0–300 Nm³/t"),
    ("emissions", "remelt_kwh_t", 0, 2000, "kWh/t", "0–2,000 kWh/t"),
    ("emissions", "superheat_gas_m3_per_c_t", 0, 1, "Nm³ per °C·t", "0–1 Nm³ per °C·t"),
    ("emissions", "dross_t_per_t", 0, 0.2, "t/t", "0–0.2 t/t"),
    ("emissions", "dross_disposal_cny_t", 0, 20_000, "CNY/t", "0–20,000 CNY/t"),
    ("replan", "move_truck_cny", 0, 100_000, "CNY", "0–100,000 CNY"),
    ("replan", "time_tolerance_min", 0, 240, "min", "0–240 min"),
    ("replan", "move_time_cny", 0, 100_000, "CNY", "0–100,000 CNY"),
    ("replan", "drop_booked_cny_per_t", 0, 1_000_000, "CNY/t", "0–1,000,000 CNY/t"),
    ("supply", "stockout_cny_per_h", 0, 1_000_000, "CNY/h", "0–1,000,000 CNY/h"),
    ("supply", "min_window_h", 0, 12, "h", "0–12 h"),
    ("supply", "order_below_share", 0.05, 0.95, "share", "0.05–0.95 share"),
    ("supply", "order_window_h", 0.5, 12, "h", "0.5–12 h"),
    ("drivers", "max_continuous_driving_h", 0.5, 12, "h", "0.5–12 h"),
    ("drivers", "min_break_min", 5, 240, "min", "5–240 min"),
    ("drivers", "max_daily_driving_h", 1, 24, "h", "1–24 h"),
    ("supply", "lookahead_days", 1, 5, "days", "1–5 days"),
    ("supply", "fleet_share", 0.1, 1, "share", "0.1–1 share"),
    ("supply", "holding_cny_per_t_h", 0, 100, "CNY/(t·h)", "0–100 CNY/(t·h)"),
    ("supply", "smelter_holding_cny_per_t_h", 0, 100, "CNY/(t·h)", "0–100 CNY/(t·h)"),
]

#: Parameters of 24 values, one per hour: (table, key, lo, hi, unit); each value has the
#: range (the by-class table's key is a road class)
HOURLY_RANGES = [
    ("roads", "hourly_speed_factor", 0.2, 1, "× free-flow speed"),
    ("roads.hourly_speed_factor_by_class", "primary", 0.2, 1, "× free-flow speed"),
]

SPECS = {
    s.file: s
    for s in (SMELTERS, PRODUCTION, CASTERS, FLEET, ORDERS, CANDIDATES, CONSUMPTION, LADLES)
}
INTEGER_COLUMNS = {"ladles", "fill_bays"}
TOML_HEAD = 'name = "t"\ntimezone = "Asia/Shanghai"\nplan_date = "2026-11-23"\n'


def as_text(value: float) -> str:
    """A number as a user types it: ``7``, ``0.101``, ``-0.001``."""
    value = round(value, 9)
    return str(int(value)) if float(value).is_integer() else repr(value)


def step(column: str, bound: float) -> float:
    """How far "just outside" a bound is: 1 for whole numbers, else 0.1 % (at least 0.001)."""
    return 1.0 if column in INTEGER_COLUMNS else max(0.001, abs(bound) * 0.001)


def bound_cases(ranges: list[tuple]) -> list:
    """``(… , which, value)`` just outside (``below``, ``above``) and at (``lo``, ``hi``)."""
    cases = []
    for where_, key, lo, hi, _unit, allowed in ranges:
        for which, value in (
            ("below", lo - step(key, lo)),
            ("above", hi + step(key, hi)),
            ("lo", lo),
            ("hi", hi),
        ):
            cases.append(pytest.param(where_, key, allowed, which, value, id=f"{key}-{which}"))
    return cases


@pytest.fixture
def folder(net_dir: Path) -> Path:
    """A copy of tiny with a candidates.csv (the Pearl River Delta sample's)."""
    shutil.copy(
        REPO / "sample_networks" / "pearl_river_delta" / "candidates.csv",
        net_dir / "candidates.csv",
    )
    return net_dir


# -- the ranges in the models ------------------------------------------------------------
@pytest.mark.parametrize(("file", "column", "lo", "hi", "unit", "allowed"), CSV_RANGES)
def test_csv_column_ranges_in_the_models(file, column, lo, hi, unit, allowed) -> None:
    field = SPECS[file].model.model_fields[column]
    assert bounds(field) == (lo, hi)
    assert unit_of(field) == unit


@pytest.mark.parametrize(("table", "key", "lo", "hi", "unit", "allowed"), TOML_RANGES)
def test_parameter_ranges_in_the_models(table, key, lo, hi, unit, allowed) -> None:
    field = field_at(Params, (*table.split("."), key))
    assert field is not None
    assert bounds(field) == (lo, hi)
    assert unit_of(field) == unit


def _numeric_fields(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list:
    found = []
    for name, field in model.model_fields.items():
        annotation = str(field.annotation)
        nested = field.annotation
        args = getattr(nested, "__args__", ())
        if type(None) in args:  # an optional table (``[drivers]``): its keys when written
            nested = next((a for a in args if a is not type(None)), nested)
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            found += _numeric_fields(nested, (*prefix, name))
        elif "float" in annotation or "int" in annotation:
            found.append(((*prefix, name), field))
    return found


def test_every_number_has_a_range() -> None:
    """A new numeric column or parameter must get a range (and the docs must state it)."""
    for file, spec in SPECS.items():
        for (name,), field in _numeric_fields(spec.model):
            assert None not in bounds(field), (file, name)
    numeric = _numeric_fields(Params)
    assert {(*t.split("."), k) for t, k, *_ in TOML_RANGES} <= {path for path, _ in numeric}
    for path, field in numeric:
        assert None not in bounds(field), path


# -- CSV columns: just outside is bad input, at the bound loads ----------------------------
@pytest.mark.parametrize(("file", "column", "allowed", "which", "value"), bound_cases(CSV_RANGES))
def test_csv_value_at_and_just_outside_each_bound(
    folder: Path, file: str, column: str, allowed: str, which: str, value: float
) -> None:
    text = as_text(value)
    set_cell(folder, file, 2, column, text)
    if file == "production.csv" and which in ("lo", "hi"):  # keep tap_min ≤ tap_max
        other = "tap_max_c" if column == "tap_min_c" else "tap_min_c"
        if column in ("tap_min_c", "tap_max_c"):
            set_cell(folder, file, 2, other, text)
    if which in ("below", "above"):
        with pytest.raises(InputError) as exc:
            load_network(folder)
        problem = only_problem(exc)
        assert (problem.file, problem.row, problem.column) == (file, 2, column)
        assert problem.message == f"{text} is outside the plausible range {allowed}"
        assert str(problem) == (
            f"{file}, row 2, column '{column}': {text} is outside the plausible range {allowed}"
        )
    else:
        network = load_network(folder)
        table = {
            "smelters.csv": network.smelters,
            "production.csv": network.production,
            "casters.csv": network.casters,
            "fleet.csv": network.fleet,
            "orders.csv": network.orders,
            "candidates.csv": network.candidates,
        }[file]
        assert getattr(table[0], column) == pytest.approx(value)


def test_min_pour_c_of_0_is_bad_input_not_an_infinite_hold(net_dir: Path) -> None:
    # The bug of issue #20: 0 °C made the ladle hold limit infinite and crashed the planner.
    set_cell(net_dir, "casters.csv", 4, "min_pour_c", "0")
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    assert str(only_problem(exc)) == (
        "casters.csv, row 4, column 'min_pour_c': 0 is outside the plausible range 550–900 °C"
    )


@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("tau_h", "inf", "'inf' is not a finite number; the plausible range is 2–200 h"),
        ("tau_h", "1e400", "'1e400' is not a finite number; the plausible range is 2–200 h"),
        ("ladles", "2.5", "'2.5' is not a whole number; the plausible range is 1–6 ladles"),
        ("ladle_t", "heavy", "'heavy' is not a number; the plausible range is 0.5–20 t"),
        ("cost_per_h", "1e308", "1e308 is outside the plausible range 0–2,000 CNY/h"),
    ],
)
def test_numbers_that_do_not_parse_also_state_the_range(
    net_dir: Path, column: str, value: str, says: str
) -> None:
    set_cell(net_dir, "fleet.csv", 3, column, value)
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    problem = only_problem(exc)
    assert (problem.file, problem.row, problem.column) == ("fleet.csv", 3, column)
    assert problem.message == says


def test_a_line_break_in_a_value_stays_on_one_line(net_dir: Path) -> None:
    set_cell(net_dir, "fleet.csv", 3, "tau_h", "30\n40")
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    text = str(exc.value)
    assert len(text.splitlines()) == 1
    assert text == (
        "fleet.csv, row 3, column 'tau_h': '30\\n40' is not a number; the plausible range "
        "is 2–200 h"
    )


# -- network.toml --------------------------------------------------------------------------
@pytest.mark.parametrize(("table", "key", "allowed", "which", "value"), bound_cases(TOML_RANGES))
def test_parameter_at_and_just_outside_each_bound(
    net_dir: Path, table: str, key: str, allowed: str, which: str, value: float
) -> None:
    text = as_text(value)
    (net_dir / "network.toml").write_text(
        f"{TOML_HEAD}[{table}]\n{key} = {text}\n", encoding="utf-8"
    )
    if which in ("below", "above"):
        with pytest.raises(InputError) as exc:
            load_network(net_dir)
        problem = only_problem(exc)
        assert (problem.file, problem.row, problem.column) == (
            "network.toml",
            5,
            f"[{table}] {key}",
        )
        assert problem.message == f"{text} is outside the plausible range {allowed}"
    else:
        params = load_network(net_dir).params
        got: object = params
        for part in (*table.split("."), key):
            got = getattr(got, part)
        assert got == pytest.approx(value)


@pytest.mark.parametrize(("table", "key", "lo", "hi", "unit"), HOURLY_RANGES)
def test_hourly_values_have_their_range_in_the_model(table, key, lo, hi, unit) -> None:
    field = field_at(Params, (*table.split("."), key, 5))
    assert field is not None
    assert bounds(field) == (lo, hi)
    assert unit_of(field) == unit


@pytest.mark.parametrize(("table", "key", "lo", "hi", "unit"), HOURLY_RANGES)
@pytest.mark.parametrize("which", ["below", "above", "lo", "hi"])
def test_hourly_value_at_and_just_outside_each_bound(
    net_dir: Path, table: str, key: str, lo: float, hi: float, unit: str, which: str
) -> None:
    value = {"below": lo - step(key, lo), "above": hi + step(key, hi), "lo": lo, "hi": hi}[which]
    values = [1.0] * 24
    values[13] = value
    text = ", ".join(as_text(v) for v in values)
    (net_dir / "network.toml").write_text(
        f"{TOML_HEAD}[{table}]\n{key} = [{text}]\n", encoding="utf-8"
    )
    if which in ("below", "above"):
        with pytest.raises(InputError) as exc:
            load_network(net_dir)
        problem = only_problem(exc)
        assert (problem.file, problem.row, problem.column) == (
            "network.toml",
            5,
            f"[{table}] {key}",
        )
        allowed = f"{format_number(lo)}–{format_number(hi)} {unit}"
        assert problem.message == (
            f"hour 13 (13:00–14:00): {as_text(value)} is outside the plausible range {allowed}"
        )
    else:
        roads = load_network(net_dir).params.roads
        got = (
            roads.hourly_speed_factor
            if key == "hourly_speed_factor"
            else roads.hourly_speed_factor_by_class[key]
        )
        assert got is not None and got[13] == pytest.approx(value)


def test_a_parameter_that_is_no_number_states_the_range(net_dir: Path) -> None:
    (net_dir / "network.toml").write_text(
        f"{TOML_HEAD}[thermal]\nmargin_c = 'five'\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    assert str(only_problem(exc)) == (
        "network.toml, row 5, column '[thermal] margin_c': 'five' is not a number; "
        "the plausible range is 0–100 °C"
    )


@pytest.mark.parametrize(("table", "key", "allowed"), [(r[0], r[1], r[5]) for r in TOML_RANGES])
@pytest.mark.parametrize("truth", ["true", "false"])
def test_true_or_false_for_a_number_is_bad_input(
    net_dir: Path, table: str, key: str, allowed: str, truth: str
) -> None:
    # pydantic would read TOML's true as 1 and false as 0 (ambient_c = true: 1 °C)
    (net_dir / "network.toml").write_text(
        f"{TOML_HEAD}[{table}]\n{key} = {truth}\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    problem = only_problem(exc)
    assert (problem.file, problem.row, problem.column) == ("network.toml", 5, f"[{table}] {key}")
    assert problem.message == f"'{truth.title()}' is not a number; the plausible range is {allowed}"


def test_true_or_false_in_a_list_or_by_set_is_bad_input_but_switches_load(
    net_dir: Path,
) -> None:
    hours = ", ".join(["1.0"] * 23 + ["true"])
    (net_dir / "network.toml").write_text(
        f"{TOML_HEAD}[roads]\nhourly_speed_factor = [{hours}]\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    assert only_problem(exc).column == "[roads] hourly_speed_factor"
    switches = "[economics]\ncount_dross = false\n[risk]\nplan_for_risk = false\n"
    (net_dir / "network.toml").write_text(
        f"{TOML_HEAD}{switches}[supply]\nwhole_ladles = false\n", encoding="utf-8"
    )
    params = load_network(net_dir).params
    assert not params.economics.count_dross and not params.risk.plan_for_risk
    with pytest.raises(InputError) as exc:
        apply_overrides(params, parse_assignments(["thermal.ambient_c=true"]))
    assert only_problem(exc).column == "thermal.ambient_c"
    assert apply_overrides(
        params, parse_assignments(["risk.plan_for_risk=true"])
    ).risk.plan_for_risk


# -- opening hours and shifts ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("file", "row", "first", "last"),
    [
        ("smelters.csv", 2, "open", "close"),
        ("casters.csv", 3, "open", "close"),
        ("fleet.csv", 4, "shift_start", "shift_end"),
    ],
)
def test_spans_longer_than_48_h_are_bad_input(
    net_dir: Path, file: str, row: int, first: str, last: str
) -> None:
    set_cell(net_dir, file, row, first, "00:00")
    set_cell(net_dir, file, row, last, "48:00")  # exactly 48 h: loads
    load_network(net_dir)
    set_cell(net_dir, file, row, last, "2026-11-25T00:01")  # 48 h 1 min
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    problem = only_problem(exc)
    assert (problem.file, problem.row, problem.column) == (file, row, last)
    assert problem.message == f"{last} is 48.0 h after {first}, outside the plausible range 0–48 h"


# -- roads.graphml -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("attrs", "ok"),
    [
        ({"length": 0.0, "speed_kph": 1.0}, True),
        ({"length": 1_000_000.0, "speed_kph": 150.0}, True),
        ({"length": 1_000_001.0}, False),
        ({"length": -0.5}, False),
        ({"length": 500.0, "speed_kph": 0.99}, False),
        ({"length": 500.0, "speed_kph": 150.5}, False),
    ],
)
def test_road_graph_edge_ranges(tmp_path: Path, attrs: dict, ok: bool) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("a", x=113.0, y=23.0)
    graph.add_node("b", x=113.1, y=23.0)
    graph.add_edge("a", "b", **attrs)
    path = tmp_path / "roads.graphml"
    nx.write_graphml(graph, path)
    if ok:
        assert load_road_graph(path).number_of_edges() == 1
        return
    with pytest.raises(InputError) as exc:
        load_road_graph(path)
    assert only_problem(exc) == InputProblem(
        "roads.graphml",
        None,
        "edge a->b",
        "needs length 0–1,000,000 m and, if given, speed_kph 1–150 km/h",
    )


# -- the documentation states every range ----------------------------------------------------
DOC = REPO / "docs" / "network-format.md"


def _doc_ranges() -> dict[tuple[str, str], str]:
    """``(section, column or key) → allowed range`` from the tables of network-format.md."""
    found: dict[tuple[str, str], str] = {}
    section = prefix = ""
    header: list[str] = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{2,3} (?:`([^`]+)`|(\S+))", line)
        if heading:
            section = (heading.group(1) or heading.group(2)).strip("[]")
            header, prefix = [], ""
            continue
        if not line.startswith("|"):
            header = []
            sub_table = re.match(r"^`(ingot|liquid)` \(", line)  # [economics] sub-tables
            if sub_table:
                prefix = sub_table.group(1) + "."
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if not header:
            header = cells
            continue
        if set(line) <= set("|- "):
            continue
        if "allowed range" in header:
            name = prefix + cells[0].strip("`")
            found[(section, name)] = cells[header.index("allowed range")]
    return found


def _doc_form(field) -> str:
    """A field's range as the docs' "allowed range" column writes it (no unit)."""
    lo, hi = bounds(field)
    joiner = " to " if lo < 0 else "–"
    return f"{format_number(lo)}{joiner}{format_number(hi)}"


def test_the_docs_state_every_range() -> None:
    documented = _doc_ranges()
    # the ranges set here, as the docs write them ...
    for file, column, _lo, _hi, unit, allowed in CSV_RANGES:
        number_part = allowed.removesuffix(unit).strip() if unit != "°" else allowed[:-1]
        assert documented.get((file, column)) == number_part, (file, column)
    for table, key, _lo, _hi, unit, allowed in TOML_RANGES:
        section = "economics" if table.startswith("economics.") else table
        name = key if section == table else f"{table.split('.')[1]}.{key}"
        assert documented.get((section, name)) == allowed.removesuffix(unit).strip(), name
    # ... and every range of every model, including parameters added since
    for file, spec in SPECS.items():
        for (name,), field in _numeric_fields(spec.model):
            assert documented.get((file, name)) == _doc_form(field), (file, name)
    for path, field in _numeric_fields(Params):
        section, name = path[0], ".".join(path[1:])
        assert documented.get((section, name)) == _doc_form(field), path


def test_user_facing_docs_do_not_point_into_the_shared_folder() -> None:
    for path in [*(REPO / "docs").glob("*.md"), REPO / "README.md"]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path


# -- everything bundled stays within the ranges ------------------------------------------------
BUNDLED = sorted(
    p.parent for base in (REPO / "sample_networks", TEST_DATA) for p in base.glob("*/network.toml")
)


@pytest.mark.parametrize("folder", BUNDLED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_bundled_network_loads(folder: Path) -> None:
    network = load_network(folder)
    assert network.fleet and network.casters


@pytest.mark.parametrize(
    "study",
    sorted((REPO / "sample_networks").glob("*/study.toml"))
    + sorted(TEST_DATA.glob("*/study.toml")),
    ids=lambda p: p.parent.name,
)
def test_every_bundled_study_and_its_candidates_load(study: Path) -> None:
    from logistics.siting import load_study

    loaded = load_study(study)
    assert loaded.candidates or loaded.settings.grid_km is not None


@pytest.mark.parametrize(
    ("line", "key"),
    [("days = 2", "study.days"), ("k = 1", "study.k"), ("seed = 3", "study.seed")],
)
def test_true_or_false_for_a_studys_number_is_bad_input(
    tmp_path: Path, line: str, key: str
) -> None:
    from logistics.siting import load_study

    folder = tmp_path / "siting"
    shutil.copytree(TEST_DATA / "siting", folder)
    study = folder / "study.toml"
    text = study.read_text(encoding="utf-8")
    study.write_text(text.replace(line, f"{line.split(' = ')[0]} = true"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_study(study)
    assert only_problem(exc).column == key
    # a scenario may still turn a switch
    switch = '"risk.plan_for_risk" = false'
    study.write_text(text.replace('"economics.gas_price_cny_m3" = 5.0', switch), encoding="utf-8")
    assert load_study(study).scenarios


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"smelters": 2, "casters": 10, "tonnes": 300.0},  # the benchmarks' 100-run day
        {"smelters": 11, "casters": 200, "tonnes": 6000.0},  # their 2,000-run day
        {"smelters": 1, "casters": 1, "tonnes": 5.0},
        {"smelters": 1, "casters": 30, "tonnes": MAX_TONNES_PER_SMELTER},  # fill bays capped
        {"smelters": 4, "casters": 2, "tonnes": 2 * MAX_TONNES_PER_CASTER},
    ],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_generated_networks_load(tmp_path: Path, kwargs: dict, seed: int) -> None:
    load_network(generate_network(tmp_path / "net", seed=seed, **kwargs))


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"smelters": 2, "tonnes": 10_001.0}, "at most 5,000 per smelter (10,000 for 2"),
        ({"smelters": 4, "casters": 3, "tonnes": 3001.0}, "at most 1,000 per caster (3,000 for 3"),
    ],
)
def test_the_generator_refuses_implausibly_large_sites(
    tmp_path: Path, kwargs: dict, says: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        generate_network(tmp_path / "net", **kwargs)
    assert not (tmp_path / "net").exists()


def test_the_solver_fuzzers_networks_load(tmp_path: Path) -> None:
    """benchmarks/fuzz.py's random days (its widest ranges) are all plausible input."""
    from benchmarks.fuzz import write_random_network

    for seed in range(45):  # small, large and edge days (seed % 3)
        folder = tmp_path / f"n{seed}"
        write_random_network(folder, seed)
        load_network(folder)


# -- dates and times -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("plan_date", "ok"),
    [("2000-01-01", True), ("2100-12-31", True), ("1999-12-31", False), ("0001-01-01", False)],
)
def test_plan_date_in_network_toml(net_dir: Path, plan_date: str, ok: bool) -> None:
    # loader-fuzz seed 1025149: plan_date = 0001-01-01 overflowed converting to UTC
    (net_dir / "network.toml").write_text(
        f'name = "t"\ntimezone = "Asia/Shanghai"\nplan_date = {plan_date}\n', encoding="utf-8"
    )
    if ok:
        assert load_network(net_dir).plan_date.isoformat() == plan_date
        return
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    assert str(only_problem(exc)) == (
        f"network.toml, row 3, column 'plan_date': {plan_date} is outside the plausible "
        "range 2000-01-01 to 2100-12-31"
    )


def test_plan_date_given_by_the_caller(net_dir: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_network(net_dir, date(2101, 1, 1))
    assert str(only_problem(exc)) == (
        "plan date: 2101-01-01 is outside the plausible range 2000-01-01 to 2100-12-31"
    )
    assert load_network(net_dir, date(2100, 12, 31)).plan_date == date(2100, 12, 31)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("1900-01-01T00:00", True),
        ("2200-12-31T23:59", True),
        ("1899-12-31T23:59", False),
        ("0001-01-01T00:00", False),  # became year 0 in UTC: an OverflowError before
        ("2201-01-01T00:00", False),
    ],
)
def test_times_lie_within_plausible_years(net_dir: Path, value: str, ok: bool) -> None:
    set_cell(net_dir, "orders.csv", 3, "placed_at", value)
    if ok:
        assert load_network(net_dir).orders[1].placed_at.isoformat().startswith(value)
        return
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    assert str(only_problem(exc)) == (
        f"orders.csv, row 3, column 'placed_at': '{value}' is outside the plausible years 1900–2200"
    )
