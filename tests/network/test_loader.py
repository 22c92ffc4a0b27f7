"""Loading a network folder (docs/network-format.md): good input, defaults, bad input.

Every bad-input test asserts the exact file, spreadsheet row (header = 1, first data
row = 2) and column of the problem, as the dispatcher will see it.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from logistics.errors import InputError, InputProblem
from logistics.network.loader import load_network
from logistics.network.params import Params
from logistics.network.settings import load_settings
from logistics.network.times import parse_time
from tests.conftest import TEST_DATA, only_problem, read_table, set_cell, write_table

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLAN_DAY = date(2026, 11, 23)
LOADER_DATA = TEST_DATA / "loader"


def local(day: int, hour: int, minute: int = 0, tz: ZoneInfo = SHANGHAI) -> datetime:
    """A November 2026 moment in the network's timezone."""
    return datetime(2026, 11, day, hour, minute, tzinfo=tz)


def load_fails(folder: Path, **kwargs) -> InputProblem:
    """Load a folder that must fail with exactly one problem, and return it."""
    with pytest.raises(InputError) as exc:
        load_network(folder, **kwargs)
    return only_problem(exc)


def where(problem: InputProblem) -> tuple[str, int | None, str | None]:
    return problem.file, problem.row, problem.column


def drop_column(path: Path, column: str) -> None:
    rows = read_table(path)
    i = rows[0].index(column)
    write_table(path, [r[:i] + r[i + 1 :] for r in rows])


def add_row(path: Path, row: list[str]) -> int:
    """Append a data row; returns its spreadsheet row number."""
    rows = read_table(path)
    write_table(path, [*rows, row])
    return len(rows) + 1


# --------------------------------------------------------------------------------------
# good input
# --------------------------------------------------------------------------------------
def test_tiny_loads_with_the_right_counts_and_values(tiny_dir: Path) -> None:
    net = load_network(tiny_dir)
    assert net.name == "tiny"
    assert net.timezone == "Asia/Shanghai"
    assert net.plan_date == PLAN_DAY
    assert [s.smelter_id for s in net.smelters] == ["S1", "S2"]
    assert [(p.smelter_id, p.alloy) for p in net.production] == [
        ("S1", "ADC12"),
        ("S1", "A380"),
        ("S2", "ADC12"),
        ("S2", "ZL114A"),
    ]
    assert [c.caster_id for c in net.casters] == ["C1", "C2", "C3", "C4", "C5"]
    assert [t.truck_id for t in net.fleet] == ["T1", "T2", "T3"]
    assert [o.order_id for o in net.orders] == [f"O{i}" for i in range(1, 9)]
    assert net.candidates == ()
    assert net.road_graph is None
    assert net.folder == tiny_dir.resolve()

    s1 = net.smelter_by_id["S1"]
    assert (s1.lat, s1.lon, s1.fill_min, s1.fill_bays) == (23.103, 113.006, 15.0, 1)
    assert s1.open == local(23, 5) and s1.close == local(23, 22)
    c2 = net.caster_by_id["C2"]
    assert c2.alloys == ("ADC12", "AlSi7Mg")  # ';'-separated list
    assert (c2.min_pour_c, c2.unload_min, c2.daily_t) == (680.0, 15.0, 30.0)
    t1 = net.truck_by_id["T1"]
    assert (t1.ladles, t1.ladle_t, t1.tau_h) == (2, 3.0, 30.0)
    assert t1.cost_per_km is None and t1.cost_per_h is None  # empty optional cells
    assert net.truck_cost_per_km(t1) == 8.0 and net.truck_cost_per_h(t1) == 150.0
    o3 = net.order_by_id["O3"]
    assert (o3.caster_id, o3.alloy, o3.tonnes) == ("C3", "ZL114A", 12.0)
    assert (o3.window_start, o3.window_end) == (local(23, 7, 30), local(23, 10))
    assert o3.placed_at == local(22, 16, 30)
    p = net.production_by_key[("S2", "ZL114A")]
    assert (p.rate_tph, p.stock_t, p.tap_min_c, p.tap_max_c) == (0.0, 12.0, 740.0, 780.0)


def test_caster_open_24_00_is_next_midnight(tiny_dir: Path) -> None:
    c1 = load_network(tiny_dir).caster_by_id["C1"]
    assert c1.open == local(23, 0)
    assert c1.close == local(24, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:30", local(23, 8, 30)),
        ("8:05", local(23, 8, 5)),
        ("07:30:15", local(23, 7, 30) + timedelta(seconds=15)),
        ("24:00", local(24, 0)),
        ("26:30", local(24, 2, 30)),  # runs into the next day
        ("48:00", local(25, 0)),  # the latest HH:MM
        (" 09:00 ", local(23, 9)),
        ("2026-11-22T16:00:00+08:00", local(22, 16)),
        ("2026-11-23T00:30:00+00:00", local(23, 8, 30)),  # other offset: converted
        ("2026-11-23T00:30Z", local(23, 8, 30)),
        ("2026-11-23T09:15", local(23, 9, 15)),  # naive ISO: network timezone
        ("2026-11-24 01:00", local(24, 1)),
        ("2026-11-23", local(23, 0)),
    ],
)
def test_parse_time(text: str, expected: datetime) -> None:
    moment = parse_time(text, PLAN_DAY, SHANGHAI)
    assert moment == expected
    assert moment.tzinfo == SHANGHAI
    assert moment.utcoffset() == timedelta(hours=8)


def test_naive_iso_is_read_in_the_network_timezone_not_shanghai() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert parse_time("2026-11-23T09:15", PLAN_DAY, berlin) == local(23, 9, 15, berlin)
    assert parse_time("26:30", PLAN_DAY, berlin) == local(24, 2, 30, berlin)
    # 08:30 in Shanghai is 01:30 in Berlin (UTC+1 in November)
    assert parse_time("2026-11-23T08:30+08:00", PLAN_DAY, berlin) == local(23, 1, 30, berlin)


@pytest.mark.parametrize(
    "text",
    [
        "25:99",
        "abc",
        "08:60",
        "12:30:60",
        "48:01",
        "49:00",
        "8.30",
        "0830",
        "2026-13-01T00:00",
        "2026-11-23T08:30+25:00",
        "9999-12-31T23:00-05:00",  # valid ISO, but past the year 9999 in Shanghai
    ],
)
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"'{text}'")):
        parse_time(text, PLAN_DAY, SHANGHAI)


def test_hhmm_past_midnight_of_the_last_date_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="past the year 9999"):
        parse_time("26:00", date(9999, 12, 31), SHANGHAI)


def test_iso_times_in_csv_with_offsets(net_dir: Path) -> None:
    set_cell(net_dir, "orders.csv", 2, "window_start", "2026-11-23T00:00:00Z")
    set_cell(net_dir, "orders.csv", 2, "window_end", "2026-11-23T10:00")
    set_cell(net_dir, "orders.csv", 2, "placed_at", "26:30")
    o1 = load_network(net_dir).order_by_id["O1"]
    assert o1.window_start == local(23, 8)
    assert o1.window_end == local(23, 10)
    assert o1.placed_at == local(24, 2, 30)


def test_plan_date_argument_overrides_network_toml(tiny_dir: Path) -> None:
    net = load_network(tiny_dir, date(2026, 12, 1))
    assert net.plan_date == date(2026, 12, 1)
    assert net.smelter_by_id["S1"].open == datetime(2026, 12, 1, 5, tzinfo=SHANGHAI)
    # ISO times stay where they are
    assert net.order_by_id["O1"].placed_at == local(22, 16)


def test_defaults_when_network_toml_has_no_tables(net_dir: Path) -> None:
    (net_dir / "network.toml").write_text('plan_date = "2026-11-23"\n', encoding="utf-8")
    net = load_network(net_dir)
    assert net.name == "net"  # the folder name
    assert net.timezone == "Asia/Shanghai"
    p = net.params
    # The documented defaults, written out (not read from Params()).
    assert (p.roads.circuity, p.roads.speed_kmh) == (1.3, 40)
    assert (p.thermal.ambient_c, p.thermal.margin_c) == (25, 5)
    assert p.planning.lead_time_h == 4
    e = p.economics
    assert e.alloy_price_t == 20000
    # energy and burn loss are left to follow the prices (400 each at the defaults)
    assert e.ingot.model_dump() == {
        "energy": None,
        "furnace_depreciation": 50,
        "burn_loss": None,
        "labour": 50,
        "sundries": 30,
    }
    assert e.liquid.model_dump() == {
        "holding": 70,
        "equipment_depreciation": 50,
        "burn_and_transport_30km": 350,
        "special_vehicle": 100,
        "sundries": 30,
    }
    assert (e.ingot_burn_rate, e.liquid_burn_rate) == (0.02, 0.009)
    assert (e.truck_cost_per_km, e.truck_cost_per_h) == (8.0, 150.0)
    assert e.superheat_cost_per_c_t is None  # follows the gas price
    m = p.emissions
    assert (m.natural_gas_m3, m.grid_kwh, m.truck_km) == (2.16, 0.5366, 0.9)
    assert (m.remelt_gas_m3_t, m.remelt_kwh_t) == (80, 95)


def test_without_plan_date_the_day_is_today_in_the_network_timezone(net_dir: Path) -> None:
    (net_dir / "network.toml").write_text('name = "x"\n', encoding="utf-8")
    before = datetime.now(SHANGHAI).date()
    day = load_network(net_dir).plan_date
    assert before <= day <= datetime.now(SHANGHAI).date()


def test_parameter_overrides(net_dir: Path) -> None:
    (net_dir / "network.toml").write_text(
        'name = "south"\n'
        'timezone = "Asia/Hong_Kong"\n'
        "plan_date = 2026-11-24\n"  # a TOML date, not a string
        "[roads]\ncircuity = 1.5\nspeed_kmh = 35\n"
        "[thermal]\nmargin_c = 10\n"
        "[economics]\ntruck_cost_per_km = 9.5\ningot = { energy = 420 }\n"
        "[economics.liquid]\nsundries = 40\n"
        "[emissions]\ntruck_km = 1.1\n",
        encoding="utf-8",
    )
    net = load_network(net_dir)
    assert (net.name, net.timezone, net.plan_date) == (
        "south",
        "Asia/Hong_Kong",
        date(2026, 11, 24),
    )
    p = net.params
    assert (p.roads.circuity, p.roads.speed_kmh) == (1.5, 35)
    assert (p.thermal.margin_c, p.thermal.ambient_c) == (10, 25)  # the rest stays default
    assert p.economics.truck_cost_per_km == 9.5
    assert (p.economics.ingot.energy, p.economics.ingot.burn_loss) == (420, None)
    assert (p.economics.liquid.sundries, p.economics.ingot.sundries) == (40, 30)
    assert p.emissions.truck_km == 1.1
    hk = ZoneInfo("Asia/Hong_Kong")
    assert net.smelter_by_id["S1"].open == datetime(2026, 11, 24, 5, tzinfo=hk)


def test_truck_cost_columns_override_economics(net_dir: Path) -> None:
    set_cell(net_dir, "fleet.csv", 3, "cost_per_km", "11.5")
    set_cell(net_dir, "fleet.csv", 3, "cost_per_h", "200")
    net = load_network(net_dir)
    t2 = net.truck_by_id["T2"]
    assert (net.truck_cost_per_km(t2), net.truck_cost_per_h(t2)) == (11.5, 200.0)


def test_extra_columns_are_kept_and_ignored(tiny_dir: Path, net_dir: Path) -> None:
    for file in ("smelters.csv", "orders.csv"):
        rows = read_table(net_dir / file)
        write_table(
            net_dir / file,
            [["remark", *rows[0], ""]] + [[f"note {i}", *r, "x"] for i, r in enumerate(rows[1:])],
        )
    net, ref = load_network(net_dir), load_network(tiny_dir)
    assert net.smelters == ref.smelters
    assert net.orders == ref.orders


def test_optional_columns_may_be_absent(net_dir: Path) -> None:
    drop_column(net_dir / "smelters.csv", "fill_bays")
    for col in ("daily_t", "alloys"):
        drop_column(net_dir / "casters.csv", col)
    for col in ("cost_per_km", "cost_per_h"):
        drop_column(net_dir / "fleet.csv", col)
    net = load_network(net_dir)
    assert all(s.fill_bays is None for s in net.smelters)
    assert all(c.daily_t is None and c.alloys == () for c in net.casters)
    assert all(t.cost_per_km is None and t.cost_per_h is None for t in net.fleet)


def test_columns_in_any_order_blank_lines_bom_and_crlf(tiny_dir: Path, net_dir: Path) -> None:
    rows = read_table(net_dir / "casters.csv")
    shuffled = [list(reversed(r)) for r in rows]
    text = "\r\n".join(",".join(r) for r in shuffled[:3]) + "\r\n\r\n"
    text += "\r\n".join(",".join(r) for r in shuffled[3:]) + "\r\n"
    (net_dir / "casters.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_network(net_dir).casters == load_network(tiny_dir).casters


def test_candidates_csv_is_loaded_when_present(net_dir: Path) -> None:
    write_table(
        net_dir / "candidates.csv",
        [
            ["site_id", "name", "lat", "lon", "capex_cny", "rate_tph", "alloys"],
            ["K1", "Sanshui park", "23.16", "112.90", "8e7", "5", "ADC12|A380"],
            ["K2", "Heshan east", "22.77", "113.02", "6e7", "4", ""],
        ],
    )
    net = load_network(net_dir)
    assert [(k.site_id, k.capex_cny, k.alloys) for k in net.candidates] == [
        ("K1", 8e7, ("ADC12", "A380")),
        ("K2", 6e7, ()),
    ]


def test_order_for_an_alloy_nobody_makes_is_valid(net_dir: Path) -> None:
    add_row(
        net_dir / "orders.csv",
        ["O9", "C1", "AlSi10Mg", "3", "10:00", "12:00", "2026-11-22T16:00:00+08:00"],
    )
    net = load_network(net_dir)
    assert net.order_by_id["O9"].alloy == "AlSi10Mg"
    assert "AlSi10Mg" not in net.alloys_made
    assert net.alloys_made == {"ADC12", "A380", "ZL114A"}


def test_window_end_equal_to_window_start_is_valid(net_dir: Path) -> None:
    set_cell(net_dir, "orders.csv", 2, "window_end", "08:00")
    o1 = load_network(net_dir).order_by_id["O1"]
    assert o1.window_start == o1.window_end == local(23, 8)


def test_tap_min_equal_to_tap_max_is_valid(net_dir: Path) -> None:
    set_cell(net_dir, "production.csv", 2, "tap_min_c", "780")
    assert load_network(net_dir).production_by_key[("S1", "ADC12")].tap_min_c == 780.0


# --------------------------------------------------------------------------------------
# the plan day
# --------------------------------------------------------------------------------------
def test_horizon_end_of_tiny_is_the_next_midnight(tiny_dir: Path) -> None:
    net = load_network(tiny_dir)
    assert net.origin == local(23, 0)
    assert net.horizon_end == local(24, 0)
    assert [o.order_id for o in net.day_orders] == [o.order_id for o in net.orders]
    assert net.minutes(local(23, 8, 30)) == 510.0
    assert net.at(26 * 60 + 30) == local(24, 2, 30)


def test_horizon_end_follows_a_shift_past_midnight(net_dir: Path) -> None:
    set_cell(net_dir, "fleet.csv", 4, "shift_end", "26:30")
    assert load_network(net_dir).horizon_end == local(24, 2, 30)


def test_every_order_belongs_to_the_day_its_window_starts(net_dir: Path) -> None:
    placed = "2026-11-20T08:00:00+08:00"
    extra = {
        "D_prev": ("2026-11-22T20:00", "2026-11-22T23:00"),  # yesterday: out
        "D_edge": ("2026-11-22T22:00", "2026-11-23T00:00"),  # starts yesterday: out
        "D_night": ("23:30", "25:00"),  # starts today, runs past midnight: in
        "D_after": ("24:00", "26:00"),  # starts at tomorrow's midnight: out
        "D_next": ("2026-11-24T10:00", "2026-11-24T12:00"),  # tomorrow: out
        "D_utc": ("2026-11-22T16:30+00:00", "2026-11-22T18:00+00:00"),  # 00:30 local: in
    }
    for order_id, (start, end) in extra.items():
        add_row(net_dir / "orders.csv", [order_id, "C1", "ADC12", "3", start, end, placed])
    net = load_network(net_dir)
    assert len(net.orders) == 14
    day = [o.order_id for o in net.day_orders]
    assert day == [f"O{i}" for i in range(1, 9)] + ["D_night", "D_utc"]
    outside = sorted(o.order_id for o in net.orders_outside_day)
    assert outside == ["D_after", "D_edge", "D_next", "D_prev"]


# --------------------------------------------------------------------------------------
# bad input: one test per kind, each naming file, row and column
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "file", ["smelters.csv", "production.csv", "casters.csv", "fleet.csv", "orders.csv"]
)
def test_missing_csv_file(net_dir: Path, file: str) -> None:
    (net_dir / file).unlink()
    problem = load_fails(net_dir)
    assert where(problem) == (file, None, None)
    assert "file not found" in problem.message


def test_missing_network_toml(net_dir: Path) -> None:
    (net_dir / "network.toml").unlink()
    problem = load_fails(net_dir)
    assert where(problem) == ("network.toml", None, None)
    assert "file not found" in problem.message


def test_missing_folder(tmp_path: Path) -> None:
    problem = load_fails(tmp_path / "nowhere")
    assert problem.file.endswith("nowhere")
    assert problem.message == "network folder not found"


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("smelters.csv", "lat"),
        ("smelters.csv", "fill_min"),
        ("production.csv", "tap_max_c"),
        ("casters.csv", "min_pour_c"),
        ("fleet.csv", "tau_h"),
        ("orders.csv", "placed_at"),
    ],
)
def test_missing_column(net_dir: Path, file: str, column: str) -> None:
    drop_column(net_dir / file, column)
    problem = load_fails(net_dir)
    assert where(problem) == (file, 1, column)
    assert problem.message == "required column is missing"


def test_column_twice_in_the_header(net_dir: Path) -> None:
    rows = read_table(net_dir / "fleet.csv")
    write_table(net_dir / "fleet.csv", [[*r, r[2]] for r in rows])
    assert where(load_fails(net_dir)) == ("fleet.csv", 1, "ladles")


def test_empty_file(net_dir: Path) -> None:
    (net_dir / "casters.csv").write_bytes(b"")
    assert where(load_fails(net_dir)) == ("casters.csv", 1, None)


def test_header_only_fleet_has_no_data_rows(net_dir: Path) -> None:
    rows = read_table(net_dir / "fleet.csv")
    write_table(net_dir / "fleet.csv", rows[:1])
    problem = load_fails(net_dir)
    assert where(problem) == ("fleet.csv", None, None)
    assert problem.message == "has no data rows"


@pytest.mark.parametrize(
    ("file", "row", "column", "value"),
    [
        ("production.csv", 3, "rate_tph", "fast"),
        ("production.csv", 4, "stock_t", "1,5"),  # decimal comma
        ("smelters.csv", 3, "fill_min", "15 min"),
        ("fleet.csv", 4, "ladles", "two"),
        ("fleet.csv", 2, "ladles", "2.5"),  # ladles are whole
        ("fleet.csv", 3, "ladle_t", "nan"),
        ("fleet.csv", 3, "cost_per_km", "cheap"),  # optional, but if given must parse
        ("orders.csv", 5, "tonnes", "inf"),
        ("orders.csv", 5, "tonnes", "1e400"),  # overflows to inf
        ("casters.csv", 4, "min_pour_c", "six hundred"),
        ("casters.csv", 2, "daily_t", "-inf"),
        ("smelters.csv", 2, "fill_bays", "0"),
    ],
)
def test_unparsable_number(net_dir: Path, file: str, row: int, column: str, value: str) -> None:
    set_cell(net_dir, file, row, column, value)
    problem = load_fails(net_dir)
    assert where(problem) == (file, row, column)
    assert value in problem.message
    assert "plausible range" in problem.message  # and what would be allowed


@pytest.mark.parametrize(
    ("file", "row", "column", "value"),
    [
        ("orders.csv", 4, "window_start", "25:99"),
        ("orders.csv", 4, "window_start", "abc"),
        ("orders.csv", 7, "placed_at", "yesterday"),
        ("smelters.csv", 3, "close", "20h00"),
        ("casters.csv", 6, "open", "2026-11-31T06:00"),
        ("fleet.csv", 2, "shift_start", "6 am"),
    ],
)
def test_unparsable_time(net_dir: Path, file: str, row: int, column: str, value: str) -> None:
    set_cell(net_dir, file, row, column, value)
    problem = load_fails(net_dir)
    assert where(problem) == (file, row, column)
    assert f"'{value}'" in problem.message


@pytest.mark.parametrize(
    ("file", "row", "column"),
    [("orders.csv", 3, "tonnes"), ("smelters.csv", 2, "name"), ("fleet.csv", 4, "shift_end")],
)
def test_empty_required_cell(net_dir: Path, file: str, row: int, column: str) -> None:
    set_cell(net_dir, file, row, column, "")
    problem = load_fails(net_dir)
    assert where(problem) == (file, row, column)
    assert problem.message == "missing value"


@pytest.mark.parametrize(
    ("file", "row", "column", "value"),
    [
        ("smelters.csv", 2, "lat", "90.5"),
        ("smelters.csv", 3, "lat", "-91"),
        ("smelters.csv", 3, "lon", "180.01"),
        ("casters.csv", 4, "lon", "-181"),
        ("casters.csv", 6, "lat", "123.9"),  # lat and lon swapped
    ],
)
def test_lat_lon_out_of_range(net_dir: Path, file: str, row: int, column: str, value: str) -> None:
    set_cell(net_dir, file, row, column, value)
    problem = load_fails(net_dir)
    assert where(problem) == (file, row, column)
    limit = "−180 to 180°" if column == "lon" else "−90 to 90°"
    assert problem.message == f"{value} is outside the plausible range {limit}"


@pytest.mark.parametrize(
    ("file", "row", "column"),
    [
        ("orders.csv", 5, "tonnes"),
        ("production.csv", 3, "stock_t"),
        ("production.csv", 2, "rate_tph"),
        ("casters.csv", 2, "daily_t"),
    ],
)
def test_negative_tonnes(net_dir: Path, file: str, row: int, column: str) -> None:
    set_cell(net_dir, file, row, column, "-1")
    problem = load_fails(net_dir)
    assert where(problem) == (file, row, column)
    assert problem.message.startswith("-1 is outside the plausible range 0–")


@pytest.mark.parametrize("value", ["0", "-1", "-0.5"])
@pytest.mark.parametrize(
    ("file", "row", "column"),
    [
        ("fleet.csv", 3, "ladles"),
        ("fleet.csv", 4, "ladle_t"),
        ("fleet.csv", 2, "tau_h"),
        ("smelters.csv", 3, "fill_min"),
        ("casters.csv", 5, "unload_min"),
    ],
)
def test_zero_or_negative_quantities(
    net_dir: Path, file: str, row: int, column: str, value: str
) -> None:
    set_cell(net_dir, file, row, column, value)
    problem = load_fails(net_dir)
    assert where(problem) == (file, row, column)
    assert value in problem.message and "plausible range" in problem.message


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "message"),
    [
        ("production.csv", 4, "smelter_id", "S9", "unknown smelter 'S9'"),
        ("fleet.csv", 3, "home_smelter", "s1", "unknown smelter 's1'"),  # ids are exact
        ("orders.csv", 6, "caster_id", "C6", "unknown caster 'C6'"),
    ],
)
def test_unknown_ids(
    net_dir: Path, file: str, row: int, column: str, value: str, message: str
) -> None:
    set_cell(net_dir, file, row, column, value)
    problem = load_fails(net_dir)
    assert where(problem) == (file, row, column)
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "first_row"),
    [
        ("smelters.csv", 3, "smelter_id", "S1", 2),
        ("casters.csv", 5, "caster_id", "C2", 3),
        ("fleet.csv", 4, "truck_id", "T1", 2),
        ("orders.csv", 9, "order_id", "O4", 5),
    ],
)
def test_duplicate_ids(
    net_dir: Path, file: str, row: int, column: str, value: str, first_row: int
) -> None:
    set_cell(net_dir, file, row, column, value)
    problem = load_fails(net_dir)
    assert where(problem) == (file, row, column)
    assert problem.message == f"duplicate {column} {value} (first at row {first_row})"


def test_duplicate_production_smelter_and_alloy(net_dir: Path) -> None:
    set_cell(net_dir, "production.csv", 5, "smelter_id", "S2")
    set_cell(net_dir, "production.csv", 5, "alloy", "ADC12")
    problem = load_fails(net_dir)
    assert where(problem) == ("production.csv", 5, "smelter_id")
    assert problem.message == "duplicate smelter_id/alloy S2/ADC12 (first at row 4)"


def test_window_end_before_window_start(net_dir: Path) -> None:
    set_cell(net_dir, "orders.csv", 3, "window_end", "09:59")
    problem = load_fails(net_dir)
    assert where(problem) == ("orders.csv", 3, "window_end")
    assert problem.message == (
        "window_end 2026-11-23 09:59 is before window_start 2026-11-23 10:00"
    )


def test_tap_min_above_tap_max(net_dir: Path) -> None:
    set_cell(net_dir, "production.csv", 4, "tap_min_c", "781")
    problem = load_fails(net_dir)
    assert where(problem) == ("production.csv", 4, "tap_min_c")
    assert problem.message == "tap_min_c 781.0 is above tap_max_c 780.0"


@pytest.mark.parametrize(
    ("file", "row", "column", "value"),
    [
        ("smelters.csv", 2, "close", "04:00"),
        ("casters.csv", 4, "close", "06:00"),
        ("fleet.csv", 3, "shift_end", "05:59"),
    ],
)
def test_closing_not_after_opening(
    net_dir: Path, file: str, row: int, column: str, value: str
) -> None:
    set_cell(net_dir, file, row, column, value)
    assert where(load_fails(net_dir)) == (file, row, column)


def test_row_with_too_many_fields(net_dir: Path) -> None:
    text = (net_dir / "fleet.csv").read_text(encoding="utf-8").splitlines()
    text[2] += ",surplus"
    (net_dir / "fleet.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    problem = load_fails(net_dir)
    assert where(problem) == ("fleet.csv", 3, None)
    assert problem.message == "10 fields but the header has 9 columns"


def test_short_row_reports_its_missing_cells(net_dir: Path) -> None:
    text = (net_dir / "orders.csv").read_text(encoding="utf-8").splitlines()
    text[3] = "O3,C3,ZL114A,12,07:30"
    (net_dir / "orders.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    assert [where(p) for p in exc.value.problems] == [
        ("orders.csv", 4, "window_end"),
        ("orders.csv", 4, "placed_at"),
    ]


def test_every_problem_of_a_file_is_reported(net_dir: Path) -> None:
    set_cell(net_dir, "casters.csv", 2, "lat", "north")
    set_cell(net_dir, "casters.csv", 4, "unload_min", "0")
    set_cell(net_dir, "fleet.csv", 3, "ladles", "0")
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    assert [where(p) for p in exc.value.problems] == [
        ("casters.csv", 2, "lat"),
        ("casters.csv", 4, "unload_min"),
        ("fleet.csv", 3, "ladles"),
    ]
    lines = str(exc.value).splitlines()
    assert lines[0].startswith("casters.csv, row 2, column 'lat': ")
    assert lines[2].startswith("fleet.csv, row 3, column 'ladles': ")


def test_message_format() -> None:
    problem = InputProblem("orders.csv", 4, "window_start", "'25:99' is not a valid HH:MM time")
    assert str(problem) == (
        "orders.csv, row 4, column 'window_start': '25:99' is not a valid HH:MM time"
    )
    assert str(InputProblem("fleet.csv", None, None, "file not found")) == (
        "fleet.csv: file not found"
    )
    many = InputError([InputProblem("a.csv", i, "x", "bad") for i in range(2, 27)])
    assert str(many).splitlines()[-1] == "... and 5 more problems"


# -- rows are spreadsheet rows ---------------------------------------------------------
def test_blank_lines_count_as_rows(net_dir: Path) -> None:
    text = (net_dir / "orders.csv").read_text(encoding="utf-8").splitlines()
    text.insert(2, "")  # a blank row 3: O2 is now on row 4
    text[3] = text[3].replace("O2,C2,ADC12,9", "O2,C2,ADC12,nine")
    (net_dir / "orders.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    assert where(load_fails(net_dir)) == ("orders.csv", 4, "tonnes")


def test_a_cell_with_a_line_break_is_one_row(net_dir: Path) -> None:
    set_cell(net_dir, "casters.csv", 2, "name", "Beijiao Precision\nDie Casting")
    set_cell(net_dir, "casters.csv", 4, "unload_min", "0")
    assert where(load_fails(net_dir)) == ("casters.csv", 4, "unload_min")
    set_cell(net_dir, "casters.csv", 4, "unload_min", "20")
    assert load_network(net_dir).caster_by_id["C1"].name == "Beijiao Precision\nDie Casting"


# -- encodings -------------------------------------------------------------------------
def test_gbk_file_names_the_row_of_the_first_non_utf8_byte(net_dir: Path) -> None:
    # casters_gbk.csv: tiny's casters with Chinese names, saved as GBK (as Excel does on
    # a Chinese Windows); rows 2 and 3 are still ASCII, row 4 has the first GBK name.
    shutil.copy(LOADER_DATA / "casters_gbk.csv", net_dir / "casters.csv")
    problem = load_fails(net_dir)
    assert where(problem) == ("casters.csv", 4, None)
    assert problem.message == "not UTF-8 text (byte 0xbd); save as UTF-8"


def test_the_same_file_as_utf8_loads(net_dir: Path) -> None:
    raw = (LOADER_DATA / "casters_gbk.csv").read_bytes()
    (net_dir / "casters.csv").write_text(raw.decode("gbk"), encoding="utf-8")
    assert load_network(net_dir).caster_by_id["C3"].name == "江门蓬江缸盖厂"


def test_latin1_file(net_dir: Path) -> None:
    rows = read_table(net_dir / "smelters.csv")
    rows[2][1] = "Heshan Jinlu Légierungen"
    text = "\n".join(",".join(r) for r in rows) + "\n"
    (net_dir / "smelters.csv").write_bytes(text.encode("latin-1"))
    problem = load_fails(net_dir)
    assert where(problem) == ("smelters.csv", 3, None)
    assert "byte 0xe9" in problem.message


def test_non_utf8_after_a_multiline_cell_counts_spreadsheet_rows(net_dir: Path) -> None:
    set_cell(net_dir, "casters.csv", 2, "name", "two\nlines")
    raw = (net_dir / "casters.csv").read_bytes().replace(b"Kaiping", b"K\xe4iping")
    (net_dir / "casters.csv").write_bytes(raw)
    assert where(load_fails(net_dir)) == ("casters.csv", 5, None)


def test_utf16_file_is_an_input_error(net_dir: Path) -> None:
    text = (net_dir / "fleet.csv").read_text(encoding="utf-8")
    (net_dir / "fleet.csv").write_bytes(text.encode("utf-16"))
    assert where(load_fails(net_dir)) == ("fleet.csv", 1, None)


def test_nul_bytes(net_dir: Path) -> None:
    (net_dir / "orders.csv").write_bytes(b"order_id,caster_id\x00\n")
    problem = load_fails(net_dir)
    assert where(problem) == ("orders.csv", None, None)
    assert "NUL" in problem.message


def test_stray_quote_swallowing_later_rows_is_reported(net_dir: Path) -> None:
    # An unterminated quote in row 3 runs to the end of the file: every later order
    # would silently vanish into one cell. The row is reported instead.
    text = (net_dir / "orders.csv").read_text(encoding="utf-8")
    (net_dir / "orders.csv").write_text(text.replace("O2,C2,", 'O2,"C2,'), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_network(net_dir)
    assert {where(p)[:2] for p in exc.value.problems} == {("orders.csv", 3)}


# -- network.toml ----------------------------------------------------------------------
TOML_HEAD = 'name = "t"\ntimezone = "Asia/Shanghai"\nplan_date = "2026-11-23"\n'


def toml_fails(folder: Path, text: str) -> InputProblem:
    (folder / "network.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_settings(folder)
    problem = only_problem(exc)
    # load_network reports the very same problem
    assert load_fails(folder) == problem
    return problem


def test_unknown_network_toml_key_names_key_and_line(net_dir: Path) -> None:
    problem = toml_fails(net_dir, TOML_HEAD + "\n[roads]\ncircuity = 1.3\ncircuitry = 1.2\n")
    assert where(problem) == ("network.toml", 7, "[roads] circuitry")
    assert problem.message.startswith("unknown parameter")


def test_unknown_network_toml_table(net_dir: Path) -> None:
    problem = toml_fails(net_dir, TOML_HEAD + "[raods]\ncircuity = 1.2\n")
    assert where(problem) == ("network.toml", 4, "raods")


def test_unknown_top_level_key(net_dir: Path) -> None:
    problem = toml_fails(net_dir, TOML_HEAD + "plan_day = 2026-11-23\n")
    assert where(problem) == ("network.toml", 4, "plan_day")


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("[roads]\nspeed_kmh = 0\n", 5, "[roads] speed_kmh"),
        ("[roads]\ncircuity = 0.9\n", 5, "[roads] circuity"),
        ("[thermal]\nmargin_c = -5\n", 5, "[thermal] margin_c"),
        ("[thermal]\nambient_c = nan\n", 5, "[thermal] ambient_c"),
        ("[planning]\nlead_time_h = 'four'\n", 5, "[planning] lead_time_h"),
        ("[economics]\nliquid_burn_rate = 0.9\n", 5, "[economics] liquid_burn_rate"),
        # the same key in two tables: the line of the right one
        (
            "[economics.ingot]\nsundries = 30\n[economics.liquid]\nsundries = -30\n",
            7,
            "[economics.liquid] sundries",
        ),
        ("[economics]\ningot = { energy = -1 }\n", 5, "[economics.ingot] energy"),
        ("[emissions]\ntruck_km = -0.9\n", 5, "[emissions] truck_km"),
        ("roads = 5\n", 4, "roads"),
    ],
)
def test_out_of_range_network_toml_value(net_dir: Path, body: str, line: int, column: str) -> None:
    problem = toml_fails(net_dir, TOML_HEAD + body)
    assert where(problem) == ("network.toml", line, column)


def test_toml_syntax_error_names_the_line(net_dir: Path) -> None:
    problem = toml_fails(net_dir, TOML_HEAD + "[roads]\ncircuity = 1,3\n")
    assert where(problem) == ("network.toml", 5, None)
    assert problem.message.startswith("TOML syntax error")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "China/Beijing", "Asia", "", "UTC+8", "a" * 300])
def test_bad_timezone(net_dir: Path, zone: str) -> None:
    text = f'name = "t"\ntimezone = "{zone}"\nplan_date = "2026-11-23"\n'
    problem = toml_fails(net_dir, text)
    assert where(problem) == ("network.toml", 2, "timezone")
    assert f"unknown timezone '{zone}'" in problem.message


@pytest.mark.parametrize(
    ("value", "line"), [('"2026-11-31"', 3), ('"next monday"', 3), ("08:00:00", 3)]
)
def test_bad_plan_date(net_dir: Path, value: str, line: int) -> None:
    text = f'name = "t"\ntimezone = "Asia/Shanghai"\nplan_date = {value}\n'
    assert where(toml_fails(net_dir, text)) == ("network.toml", line, "plan_date")


def test_name_must_be_text(net_dir: Path) -> None:
    problem = toml_fails(net_dir, 'plan_date = "2026-11-23"\nname = 42\n')
    assert where(problem) == ("network.toml", 2, "name")


def test_non_utf8_network_toml(net_dir: Path) -> None:
    (net_dir / "network.toml").write_bytes('name = "佛山"\n'.encode("gbk"))
    assert where(load_fails(net_dir)) == ("network.toml", 1, None)


# -- --orders FILE ---------------------------------------------------------------------
def test_orders_file_replaces_the_folders_orders(tiny_dir: Path) -> None:
    net = load_network(tiny_dir, orders_file=LOADER_DATA / "orders_evening.csv")
    assert [o.order_id for o in net.orders] == ["E1", "E2"]
    assert net.order_by_id["E2"].window_end == local(24, 1, 30)  # 25:30


def test_orders_file_problems_name_that_file(tmp_path: Path, tiny_dir: Path) -> None:
    orders = tmp_path / "monday_orders.csv"
    shutil.copy(LOADER_DATA / "orders_evening.csv", orders)
    set_cell(tmp_path, "monday_orders.csv", 3, "tonnes", "-6")
    problem = load_fails(tiny_dir, orders_file=str(orders))
    assert where(problem) == ("monday_orders.csv", 3, "tonnes")

    set_cell(tmp_path, "monday_orders.csv", 3, "tonnes", "6")
    set_cell(tmp_path, "monday_orders.csv", 2, "caster_id", "C9")
    problem = load_fails(tiny_dir, orders_file=orders)
    assert where(problem) == ("monday_orders.csv", 2, "caster_id")

    set_cell(tmp_path, "monday_orders.csv", 2, "caster_id", "C1")
    set_cell(tmp_path, "monday_orders.csv", 2, "window_end", "07:00")
    problem = load_fails(tiny_dir, orders_file=orders)
    assert where(problem) == ("monday_orders.csv", 2, "window_end")


def test_missing_orders_file(tmp_path: Path, tiny_dir: Path) -> None:
    problem = load_fails(tiny_dir, orders_file=tmp_path / "nope.csv")
    assert where(problem) == ("nope.csv", None, None)
    assert "file not found" in problem.message


def test_defaults_come_from_params(tiny_dir: Path) -> None:
    # tiny's network.toml spells out the defaults; the loaded tables equal Params().
    params = load_network(tiny_dir).params
    assert params == Params()
