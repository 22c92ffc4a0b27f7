"""Production and fleet that change from day to day: ``date``, ``weekdays`` and
``available`` in ``production.csv`` and ``fleet.csv`` (docs/network-format.md).

A network loaded for a date takes, per smelter × alloy and per truck, the row of that
date over the row of its weekday over the undated row; a dated row's empty cells take
the undated row's values. Every bad row names file, row and column, whatever its date.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from logistics.errors import InputError, InputProblem
from logistics.network.loader import load_network
from tests.conftest import only_problem, read_table, write_table

MON = date(2026, 11, 23)  # tiny's plan date, a Monday
TUE = date(2026, 11, 24)
SHANGHAI = ZoneInfo("Asia/Shanghai")
MOLTEN = Path(sys.executable).parent / "molten"

FLEET_HEADER = [
    "truck_id",
    "home_smelter",
    "ladles",
    "ladle_t",
    "tau_h",
    "shift_start",
    "shift_end",
    "cost_per_km",
    "cost_per_h",
]


def with_rows(folder: Path, file: str, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Add ``columns`` to ``file`` (empty on its rows) and append ``rows`` (cells by name)."""
    table = read_table(folder / file)
    header = table[0] + [c for c in columns if c not in table[0]]
    body = [r + [""] * (len(header) - len(r)) for r in table[1:]]
    body += [[row.get(c, "") for c in header] for row in rows]
    write_table(folder / file, [header, *body])


def fails(folder: Path, day: date = MON) -> InputProblem:
    with pytest.raises(InputError) as exc:
        load_network(folder, day)
    return only_problem(exc)


def where(problem: InputProblem) -> tuple[str, int | None, str | None]:
    return problem.file, problem.row, problem.column


# --------------------------------------------------------------------------------------
# which rows hold on a date
# --------------------------------------------------------------------------------------
def test_a_truck_out_on_a_date_and_a_shorter_shift_on_another(net_dir: Path) -> None:
    with_rows(
        net_dir,
        "fleet.csv",
        ["date", "available"],
        [
            {"truck_id": "T1", "date": TUE.isoformat(), "available": "no"},
            {"truck_id": "T3", "shift_start": "08:00", "shift_end": "16:00", "date": "2026/11/24"},
        ],
    )
    monday, tuesday = load_network(net_dir, MON), load_network(net_dir, TUE)
    assert [t.truck_id for t in monday.fleet] == ["T1", "T2", "T3"]
    assert [t.truck_id for t in tuesday.fleet] == ["T2", "T3"]
    assert (monday.trucks_out, tuesday.trucks_out) == ((), ("T1",))
    t3 = tuesday.truck_by_id["T3"]
    assert (t3.shift_start, t3.shift_end) == (
        datetime(2026, 11, 24, 8, tzinfo=SHANGHAI),
        datetime(2026, 11, 24, 16, tzinfo=SHANGHAI),
    )
    # the cells left empty are the undated row's
    assert (t3.home_smelter, t3.ladles, t3.ladle_t, t3.tau_h) == ("S2", 2, 3.0, 30.0)
    assert monday.truck_by_id["T3"].shift_end == datetime(2026, 11, 23, 20, tzinfo=SHANGHAI)


def test_a_date_over_a_weekday_over_every_day(net_dir: Path) -> None:
    with_rows(
        net_dir,
        "production.csv",
        ["date", "weekdays"],
        [
            {"smelter_id": "S1", "alloy": "ADC12", "stock_t": "20", "weekdays": "Mon;Tue"},
            {"smelter_id": "S1", "alloy": "ADC12", "stock_t": "30", "date": TUE.isoformat()},
            {"smelter_id": "S1", "alloy": "ADC12", "stock_t": "40", "date": "2027-03-01"},
        ],
    )

    def s1_adc12(day: date) -> tuple[float, float]:
        network = load_network(net_dir, day)
        p = next(p for p in network.production if (p.smelter_id, p.alloy) == ("S1", "ADC12"))
        first = network.production[0]
        assert (first.smelter_id, first.alloy) == ("S1", "ADC12")  # its place in the file
        return p.stock_t, p.rate_tph

    assert s1_adc12(MON) == (20.0, 6.0)  # the weekday row, its rate the undated row's
    assert s1_adc12(TUE) == (30.0, 6.0)  # the date over the weekday
    assert s1_adc12(date(2026, 11, 25)) == (12.0, 6.0)  # a Wednesday: every day's row


def test_a_row_only_on_a_date_adds_an_alloy_that_day(net_dir: Path) -> None:
    with_rows(
        net_dir,
        "production.csv",
        ["date"],
        [
            {
                "smelter_id": "S2",
                "alloy": "AlSi7Mg",
                "rate_tph": "0",
                "stock_t": "3",
                "tap_min_c": "730",
                "tap_max_c": "780",
                "date": TUE.isoformat(),
            }
        ],
    )
    assert "AlSi7Mg" not in {p.alloy for p in load_network(net_dir, MON).production}
    assert "AlSi7Mg" in {p.alloy for p in load_network(net_dir, TUE).production}


# --------------------------------------------------------------------------------------
# bad rows, whatever their date
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"date": "24.11.2026"}, "date", "'24.11.2026' is not a date (YYYY-MM-DD or YYYY/MM/DD)"),
        ({"date": "2026-02-30"}, "date", "'2026-02-30' is not a date (YYYY-MM-DD or YYYY/MM/DD)"),
        (
            {"date": "1999-12-31"},
            "date",
            "1999-12-31 is outside the plausible range 2000-01-01 to 2100-12-31",
        ),
        ({"weekdays": "Mon;Fry"}, "weekdays", "unknown weekday 'Fry' (use Mon, Tue, Wed, "),
        ({"date": "2026-11-24", "weekdays": "Tue"}, "weekdays", "give a date or weekdays, not "),
        ({"date": "2026-11-24", "available": "maybe"}, "available", "'maybe' is neither yes nor"),
    ],
)
def test_bad_day_columns(net_dir: Path, cells: dict[str, str], column: str, message: str) -> None:
    with_rows(
        net_dir, "fleet.csv", ["date", "weekdays", "available"], [{"truck_id": "T2", **cells}]
    )
    problem = fails(net_dir)
    assert where(problem) == ("fleet.csv", 5, column)
    assert problem.message.startswith(message)


def test_two_rows_of_one_truck_on_one_date(net_dir: Path) -> None:
    tue = TUE.isoformat()
    with_rows(
        net_dir,
        "fleet.csv",
        ["date", "available"],
        [
            {"truck_id": "T2", "date": tue, "available": "no"},
            {"truck_id": "T1", "date": "2026-11-25", "available": "no"},
            {"truck_id": "T2", "date": tue, "shift_end": "18:00"},
        ],
    )
    problem = fails(net_dir)  # also when planning another date
    assert where(problem) == ("fleet.csv", 7, "date")
    assert problem.message == "duplicate truck_id T2 on 2026-11-24 (first at row 5)"


def test_two_rows_of_one_alloy_on_a_common_weekday(net_dir: Path) -> None:
    with_rows(
        net_dir,
        "production.csv",
        ["weekdays"],
        [
            {"smelter_id": "S1", "alloy": "A380", "stock_t": "0", "weekdays": "Sat;Sun"},
            {"smelter_id": "S1", "alloy": "A380", "stock_t": "2", "weekdays": "Fri|sun"},
        ],
    )
    problem = fails(net_dir)
    assert where(problem) == ("production.csv", 7, "weekdays")
    assert problem.message == "duplicate smelter_id/alloy S1/A380 on Fri;Sun (first at row 6)"


def test_a_bad_cell_on_a_date_not_planned_is_still_reported(net_dir: Path) -> None:
    with_rows(
        net_dir,
        "production.csv",
        ["date"],
        [{"smelter_id": "S2", "alloy": "ADC12", "rate_tph": "900", "date": "2026-12-24"}],
    )
    problem = fails(net_dir)
    assert where(problem) == ("production.csv", 6, "rate_tph")
    assert "outside the plausible range 0–200" in problem.message


def test_a_dated_row_of_a_new_truck_needs_every_required_cell(net_dir: Path) -> None:
    with_rows(
        net_dir,
        "fleet.csv",
        ["date"],
        [{"truck_id": "T9", "home_smelter": "S1", "ladles": "2", "date": TUE.isoformat()}],
    )
    with pytest.raises(InputError) as exc:
        load_network(net_dir, MON)
    assert [(where(p), p.message) for p in exc.value.problems] == [
        (("fleet.csv", 5, column), "missing value")
        for column in ("ladle_t", "tau_h", "shift_start", "shift_end")
    ]


def test_taking_out_a_truck_no_other_row_has(net_dir: Path) -> None:
    with_rows(net_dir, "fleet.csv", ["date", "available"], [{"truck_id": "T7", "available": "no"}])
    problem = fails(net_dir)
    assert where(problem) == ("fleet.csv", 5, "truck_id")
    assert problem.message == "'T7' is on no other row of fleet.csv"


def test_a_date_with_every_truck_out(net_dir: Path) -> None:
    with_rows(
        net_dir,
        "fleet.csv",
        ["weekdays", "available"],
        [{"truck_id": t, "weekdays": "Sun", "available": "no"} for t in ("T1", "T2", "T3")],
    )
    assert len(load_network(net_dir, MON).fleet) == 3
    problem = fails(net_dir, date(2026, 11, 29))
    assert where(problem) == ("fleet.csv", None, None)
    assert problem.message == "no truck is available on 2026-11-29"


def test_an_unknown_home_smelter_on_another_date(net_dir: Path) -> None:
    with_rows(
        net_dir,
        "fleet.csv",
        ["date"],
        [{"truck_id": "T1", "home_smelter": "S9", "date": "2026-12-01"}],
    )
    problem = fails(net_dir)
    assert where(problem) == ("fleet.csv", 5, "home_smelter")


def test_molten_plan_names_the_bad_date_and_exits_2(net_dir: Path, tmp_path: Path) -> None:
    with_rows(net_dir, "fleet.csv", ["date"], [{"truck_id": "T1", "date": "2026-13-01"}])
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    done = subprocess.run(
        [str(MOLTEN), "plan", str(net_dir), "--days", "2", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 2, done.stderr
    assert (
        "fleet.csv, row 5, column 'date': '2026-13-01' is not a date (YYYY-MM-DD or YYYY/MM/DD)"
        in done.stderr
    )
    assert not (tmp_path / "out").exists()


def test_a_table_without_day_columns_loads_as_before(net_dir: Path) -> None:
    header = read_table(net_dir / "fleet.csv")[0]
    assert header == FLEET_HEADER
    network = load_network(net_dir, TUE)
    assert [t.truck_id for t in network.fleet] == ["T1", "T2", "T3"]
    assert [(p.smelter_id, p.alloy) for p in network.production] == [
        ("S1", "ADC12"),
        ("S1", "A380"),
        ("S2", "ADC12"),
        ("S2", "ZL114A"),
    ]
