"""The independent plan checker (``molten check``): a hand-made valid plan, then mutations.

``tests/data/tiny_plan`` is a plan for ``tests/data/tiny`` made by hand: ten ladle
runs on three trucks (T1: O1 to C1, then a two-stop trip to C2 and C4; T2: from home S1
to S2 for O3; T3: O3, then O2 from S2), taps chosen by the rule of docs/models.md, the rest
unserved with honest reasons (O4 production: S2's 12 t of ZL114A all go to O3; O5 fleet;
O6 lead_time; O7 thermal_reach; O8 no_source). Each mutation breaks one rule and asserts
the checker names it (and the run), and that it reports nothing unrelated.
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from logistics.check import (
    RULES,
    CheckReport,
    Violation,
    check_folder,
    check_rows,
)
from logistics.errors import InputError
from logistics.network.loader import load_network
from logistics.network.model import Network
from logistics.physics.cooling import temperature_after
from logistics.plan.model import RUN_COLUMNS, UNSERVED_COLUMNS
from tests.check.conftest import PLAN, Rows
from tests.check.test_ladles import LADLE_RULES
from tests.conftest import TINY
from tests.supply.test_managed_plan import FURNACE_RULES


# --------------------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(TINY)


def write_rows(path: Path, columns: list[str] | tuple[str, ...], rows: Rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)


def iso(hhmm: str) -> str:
    """``HH:MM`` or ``HH:MM:SS`` on the tiny plan date as the solver writes it."""
    parts = [int(p) for p in hhmm.split(":")] + [0]
    return f"2026-11-23T{parts[0]:02d}:{parts[1]:02d}:{parts[2]:02d}+08:00"


def run(rows: Rows, run_id: str) -> dict[str, str]:
    return next(r for r in rows if r["run_id"] == run_id)


def set_run(rows: Rows, which: str, /, **fields: Any) -> None:
    """Change fields of run ``which``; ``HH:MM`` times are written as ISO on the plan date."""
    row = run(rows, which)
    for key, value in fields.items():
        if key in {"fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end"}:
            value = iso(value)
        row[key] = str(value)


def recompute_arrival(network: Network, rows: Rows, run_id: str) -> None:
    """Report the true arrival temperature after a mutation changed taps or times."""
    row = run(rows, run_id)
    hold_h = (
        datetime.fromisoformat(row["pour_start"]) - datetime.fromisoformat(row["fill_end"])
    ).total_seconds() / 3600
    tau = network.truck_by_id[row["truck_id"]].tau_h
    ambient = network.params.thermal.ambient_c
    row["arrival_c"] = f"{temperature_after(float(row['tap_c']), hold_h, tau, ambient):.1f}"


def rebuild(network: Network, **changes: Any) -> Network:
    """A fresh network with some fields replaced (no cached look-ups carried over)."""
    fields = {name: getattr(network, name) for name in Network.model_fields}
    return Network(**{**fields, **changes})


def replace_item(network: Network, table: str, key: str, **changes: Any) -> Network:
    """Replace one smelter/caster/truck/order (by id) with changed fields."""
    id_field = {
        "smelters": "smelter_id",
        "casters": "caster_id",
        "fleet": "truck_id",
        "orders": "order_id",
    }[table]
    items = tuple(
        item.model_copy(update=changes) if getattr(item, id_field) == key else item
        for item in getattr(network, table)
    )
    return rebuild(network, **{table: items})


def at(hhmm: str) -> datetime:
    hours, minutes = (int(p) for p in hhmm.split(":"))
    return datetime.fromisoformat("2026-11-23T00:00:00+08:00") + timedelta(
        hours=hours, minutes=minutes
    )


# --------------------------------------------------------------------------------------
# the valid hand plan
# --------------------------------------------------------------------------------------
def test_hand_plan_is_valid(network: Network) -> None:
    report = check_folder(network, PLAN)
    assert report.ok, "\n".join(map(str, report.violations))
    assert report.violations == ()
    assert report.summary() == {}
    assert report.runs_checked == 10
    assert report.orders_checked == 8
    # R04 is tapped at the lowest temperature that arrives warm enough: margin ~0
    assert report.min_arrival_margin_c is not None
    assert 0.0 <= report.min_arrival_margin_c < 0.1


def test_rows_and_folder_agree(network: Network, runs: Rows, unserved: Rows) -> None:
    assert check_rows(network, runs, unserved) == check_folder(network, PLAN)


def test_accepts_hhmm_times(network: Network, runs: Rows, unserved: Rows) -> None:
    """A dispatcher's spreadsheet may write ``HH:MM`` on the plan date."""
    for row in runs:
        for col in ("fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end"):
            row[col] = row[col][11:16]
    assert runs[0]["fill_start"] == "07:00"
    report = check_rows(network, runs, unserved)
    assert report.ok, report.violations


def test_accepts_other_utc_offsets(network: Network, runs: Rows, unserved: Rows) -> None:
    for row in runs:
        for col in ("fill_start", "fill_end", "depart", "arrive", "pour_start", "pour_end"):
            moment = datetime.fromisoformat(row[col])
            row[col] = moment.astimezone(datetime.fromisoformat("2026-01-01T00:00Z").tzinfo)
            row[col] = row[col].isoformat()
    assert runs[0]["fill_start"].endswith("+00:00")
    assert check_rows(network, runs, unserved).ok


def test_extra_columns_and_empty_plan_dir_files(
    network: Network, runs: Rows, unserved: Rows, tmp_path: Path
) -> None:
    for row in runs:
        row["driver"] = "Wang"
    write_rows(tmp_path / "runs.csv", [*RUN_COLUMNS, "driver"], runs)
    write_rows(tmp_path / "unserved.csv", UNSERVED_COLUMNS, unserved)
    assert check_folder(network, tmp_path).ok  # no plan.json needed


def _split_unserved(network: Network, runs: Rows, unserved: Rows) -> Network:
    row = next(u for u in unserved if u["order_id"] == "O4")
    row["tonnes"] = "4"
    unserved.append({**row, "tonnes": "2", "reason": "cost"})
    return network


def _road_km_within_tolerance(network: Network, runs: Rows, unserved: Rows) -> Network:
    set_run(runs, "R01", road_km="37.5")  # model 37.07 km: 0.43 km off, inside 0.5 km
    return network


def _arrive_one_second_early(network: Network, runs: Rows, unserved: Rows) -> Network:
    # depart 07:30 + 55.61 min S1→C1 = 08:25:36.7; one second of tolerance
    set_run(runs, "R01", arrive="08:25:36")
    # pour_end 11:40 + 118.02 min C2→C4 = 13:38:00.96
    set_run(runs, "R04", arrive="13:38:00")
    return network


def _tap_higher_than_needed(network: Network, runs: Rows, unserved: Rows) -> Network:
    set_run(runs, "R01", tap_c="760")  # allowed: inside the tap range, just costlier
    recompute_arrival(network, runs, "R01")
    return network


def _spreadsheet_numbers(network: Network, runs: Rows, unserved: Rows) -> Network:
    for row in runs:  # a spreadsheet may save whole numbers as 1.0
        row["trip"] = f"{float(row['trip']):.1f}"
        row["tonnes"] = f"{float(row['tonnes']):.2f}"
    return network


@pytest.mark.parametrize(
    "variant",
    [
        _split_unserved,
        _road_km_within_tolerance,
        _arrive_one_second_early,
        _tap_higher_than_needed,
        _spreadsheet_numbers,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_valid_variants(
    network: Network,
    runs: Rows,
    unserved: Rows,
    variant: Callable[[Network, Rows, Rows], Network],
) -> None:
    network = variant(network, runs, unserved)
    report = check_rows(network, runs, unserved)
    assert report.ok, "\n".join(map(str, report.violations))


# --------------------------------------------------------------------------------------
# mutations: each breaks one rule
# --------------------------------------------------------------------------------------
Mutation = Callable[[Network, Rows, Rows], Network]


def m_unknown_truck(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", truck_id="T9")
    return net


def m_unknown_order(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", order_id="O99")
    return net


def m_unknown_smelter(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R02", smelter_id="S9")
    return net


def m_unknown_caster(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R03", caster_id="C9")
    return net


def m_order_alloy(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", alloy="A380")  # S1 makes A380 too; O1 wants ADC12
    return net


def m_order_caster(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R09", order_id="O1")  # O1 is for C1, the run pours at C2
    set_run(runs, "R01", order_id="O2")
    return net


def m_time_order(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", arrive="08:31")  # after its pour_start 08:30
    return net


def m_fill_duration(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", fill_start="07:05")  # 10 min, S1 needs 15
    return net


def m_pour_duration(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", pour_end="08:40")  # 10 min, C1 needs 15
    return net


def m_ladle_size(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", tonnes="3.5")  # T1's ladles hold 3 t
    set_run(runs, "R02", tonnes="2.5")
    return net


def m_ladle_empty(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", tonnes="0")
    return net


def m_no_production(net: Network, runs: Rows, uns: Rows) -> Network:
    production = tuple(p for p in net.production if (p.smelter_id, p.alloy) != ("S1", "A380"))
    return rebuild(net, production=production)


def m_trip_smelter(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R10", smelter_id="S1", road_km="33.8")  # trip 2 of T3 fills at S2
    return net


def m_trip_ladles(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "fleet", "T1", ladles=1)


def m_trip_payload(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "fleet", "T1", payload_t=3.0)  # R01 + R02: 6 t on trip 1


def m_trip_count(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "fleet", "T3", max_trips=1)  # T3 makes trips 1 and 2


def m_trip_depart_differs(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R02", depart="07:31")  # R01 of the same trip leaves 07:30
    return net


def m_trip_depart_early(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", depart="07:25")  # R02 fills until 07:30
    set_run(runs, "R02", depart="07:25")
    return net


def m_trip_swapped(net: Network, runs: Rows, uns: Rows) -> Network:
    for run_id in ("R07", "R08"):
        set_run(runs, run_id, trip=2)
    for run_id in ("R09", "R10"):
        set_run(runs, run_id, trip=1)
    return net


def m_trip_gap(net: Network, runs: Rows, uns: Rows) -> Network:
    for run_id in ("R09", "R10"):
        set_run(runs, run_id, trip=3)
    return net


def m_fills_overlap(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R08", fill_start="06:55")  # R07 of the same truck fills 06:50–07:05
    return net


def m_pours_overlap(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R02", arrive="08:40", pour_start="08:40")  # R01 pours until 08:45
    recompute_arrival(net, runs, "R02")
    return net


def m_travel_to_caster(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", arrive="08:20")  # 07:30 + 55.6 min = 08:25:37
    return net


def m_travel_between_casters(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R04", arrive="13:30")  # 11:40 at C2 + 118.0 min = 13:38:01
    return net


def m_travel_between_trips(net: Network, runs: Rows, uns: Rows) -> Network:
    # back from C3 at 08:45 + 43.5 min = 09:28:27 at S2
    set_run(runs, "R09", fill_start="09:20", fill_end="09:35")
    recompute_arrival(net, runs, "R09")
    return net


def m_travel_from_home(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R05", fill_start="07:10")  # T2 leaves S1 at 06:00, S2 at 07:13:18
    return net


def m_shift_start(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", fill_start="05:50")  # S1 is open, T1's shift starts 06:00
    return net


def m_shift_end(net: Network, runs: Rows, uns: Rows) -> Network:
    # T1 pours at C4 until 13:55 and is home at S1 at 16:43
    return replace_item(net, "fleet", "T1", shift_end=at("16:00"))


def m_smelter_hours(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "smelters", "S1", open=at("07:05"))


def m_smelter_closed(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "smelters", "S2", close=at("09:50"))  # R10 fills to 10:00


def m_caster_hours(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "casters", "C4", close=at("13:50"))  # R04 pours to 13:55


def m_lead_time(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "orders", "O1", placed_at=at("05:00"))  # pour ≥ 09:00


def m_window(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "orders", "O2", window_start=at("10:40"))  # R09 pours 10:35


def m_window_late(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "orders", "O1", window_end=at("08:40"))  # R02 pours 08:45


def m_tap_low(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", tap_c="725")  # S1 taps ADC12 at 730–780
    recompute_arrival(net, runs, "R01")
    return net


def m_tap_high(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R07", tap_c="781")
    recompute_arrival(net, runs, "R07")
    return net


def m_arrival_cold(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R04", tap_c="750")  # 3.17 h hold needs 758.5 °C
    recompute_arrival(net, runs, "R04")
    return net


def m_cold_risk(net: Network, runs: Rows, uns: Rows) -> Network:
    """R04 tapped at the lowest tap that arrives exactly at C4's minimum (no margin left):
    about every second ride is late enough to arrive cold (checked with verify_risk)."""
    thermal = net.params.thermal.model_copy(update={"margin_c": 0.0})
    net = rebuild(net, params=net.params.model_copy(update={"thermal": thermal}))
    set_run(runs, "R04", tap_c="753.0")  # 3.17 h hold at tau 30 h: 752.92 °C arrive at 680
    recompute_arrival(net, runs, "R04")
    return net


def m_arrival_reported(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", arrival_c="702.0")  # true 701.23 °C
    return net


def m_production(net: Network, runs: Rows, uns: Rows) -> Network:
    production = tuple(
        p.model_copy(update={"stock_t": 10.0}) if (p.smelter_id, p.alloy) == ("S2", "ZL114A") else p
        for p in net.production
    )
    return rebuild(net, production=production)  # R06 is the 12th tonne of ZL114A


def m_fill_bays(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "smelters", "S2", fill_bays=1)  # R05 starts as R08 fills


def m_road_km(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R01", road_km="40")  # model 37.07 km
    return net


def m_accounting_short(net: Network, runs: Rows, uns: Rows) -> Network:
    next(u for u in uns if u["order_id"] == "O5")["tonnes"] = "2"
    return net


def m_accounting_missing(net: Network, runs: Rows, uns: Rows) -> Network:
    uns[:] = [u for u in uns if u["order_id"] != "O6"]
    return net


def m_accounting_over(net: Network, runs: Rows, uns: Rows) -> Network:
    return replace_item(net, "orders", "O1", tonnes=5.0)  # 6 t delivered


def _reason(order_id: str, reason: str) -> Mutation:
    def mutate(net: Network, runs: Rows, uns: Rows) -> Network:
        next(u for u in uns if u["order_id"] == order_id)["reason"] = reason
        return net

    mutate.__name__ = f"m_reason_{order_id}_{reason}"
    return mutate


# O5 (A380 to C4, left for want of a truck) is in reach of S1, in time, with a window.
m_reason_thermal = _reason("O5", "thermal_reach")
m_reason_lead = _reason("O5", "lead_time")
m_reason_source = _reason("O5", "no_source")
m_reason_window = _reason("O5", "window")
# O7 (C5 beyond reach) said to be a window problem: the reason is thermal reach.
m_reason_window_for_reach = _reason("O7", "window")
# O6 (placed too late) said to be beyond thermal reach.
m_reason_thermal_for_lead = _reason("O6", "thermal_reach")
# Reasons the inputs decide, given as another reason: the audit's three relabellings.
m_reason_fleet_for_source = _reason("O8", "fleet")
m_reason_cost_for_lead = _reason("O6", "cost")
m_reason_fleet_for_reach = _reason("O7", "fleet")


def m_unserved_unknown(net: Network, runs: Rows, uns: Rows) -> Network:
    uns.append(
        {"order_id": "O99", "caster_id": "C1", "alloy": "ADC12", "tonnes": "3", "reason": "fleet"}
    )
    return net


def m_unserved_mismatch(net: Network, runs: Rows, uns: Rows) -> Network:
    next(u for u in uns if u["order_id"] == "O4")["caster_id"] = "C1"
    return net


def m_unserved_zero(net: Network, runs: Rows, uns: Rows) -> Network:
    uns.append(
        {
            "order_id": "O6",
            "caster_id": "C1",
            "alloy": "ADC12",
            "tonnes": "0",
            "reason": "lead_time",
        }
    )
    return net


def m_duplicate_run(net: Network, runs: Rows, uns: Rows) -> Network:
    set_run(runs, "R10", run_id="R09")
    return net


# (mutation, rule, run_id that must carry it or None, other rules it may also break)
MUTATIONS: list[tuple[Mutation, str, str | None, frozenset[str]]] = [
    (m_unknown_truck, "unknown_id", "R01", frozenset()),
    (m_unknown_order, "unknown_id", "R01", frozenset({"order_accounting"})),
    (m_unknown_smelter, "unknown_id", "R02", frozenset({"trip_smelter"})),
    (m_unknown_caster, "unknown_id", "R03", frozenset({"order_mismatch"})),
    (m_order_alloy, "order_mismatch", "R01", frozenset()),
    (m_order_caster, "order_mismatch", "R09", frozenset({"window"})),
    (m_time_order, "time_order", "R01", frozenset()),
    (m_fill_duration, "fill_duration", "R01", frozenset()),
    (m_pour_duration, "pour_duration", "R01", frozenset()),
    (m_ladle_size, "ladle_size", "R01", frozenset()),
    (m_ladle_empty, "ladle_size", "R01", frozenset({"order_accounting"})),
    # O5's alloy is then made nowhere: its unserved "fleet" tonnes are no_source ones.
    (m_no_production, "no_production", "R04", frozenset({"unserved_reason"})),
    (m_trip_smelter, "trip_smelter", "R10", frozenset()),
    (m_trip_ladles, "trip_ladles", "R02", frozenset()),
    (m_trip_payload, "trip_payload", "R02", frozenset()),
    (m_trip_count, "trip_count", "R09", frozenset()),
    (m_trip_depart_differs, "trip_depart", "R02", frozenset()),
    (m_trip_depart_early, "trip_depart", "R02", frozenset({"time_order"})),
    (m_trip_swapped, "trip_numbering", "R07", frozenset()),
    (m_trip_gap, "trip_numbering", None, frozenset()),
    (m_fills_overlap, "truck_overlap", "R08", frozenset()),
    (m_pours_overlap, "truck_overlap", "R02", frozenset({"travel_time"})),
    (m_travel_to_caster, "travel_time", "R01", frozenset()),
    (m_travel_between_casters, "travel_time", "R04", frozenset()),
    (m_travel_between_trips, "travel_time", "R09", frozenset()),
    (m_travel_from_home, "travel_time", "R05", frozenset()),
    (m_shift_start, "shift", "R01", frozenset()),
    (m_shift_end, "shift", None, frozenset()),
    (m_smelter_hours, "smelter_hours", "R01", frozenset()),
    (m_smelter_closed, "smelter_hours", "R10", frozenset()),
    (m_caster_hours, "caster_hours", "R04", frozenset()),
    (m_lead_time, "lead_time", "R01", frozenset()),
    (m_window, "window", "R09", frozenset()),
    (m_window_late, "window", "R02", frozenset()),
    (m_tap_low, "tap_range", "R01", frozenset()),
    (m_tap_high, "tap_range", "R07", frozenset()),
    (m_arrival_cold, "arrival_temperature", "R04", frozenset()),
    (m_arrival_reported, "arrival_reported", "R01", frozenset()),
    (m_cold_risk, "cold_risk", "R04", frozenset()),
    (m_production, "production", "R06", frozenset()),
    (m_fill_bays, "fill_bays", "R05", frozenset()),
    (m_road_km, "road_km", "R01", frozenset()),
    (m_accounting_short, "order_accounting", None, frozenset()),
    (m_accounting_missing, "order_accounting", None, frozenset()),
    (m_accounting_over, "order_accounting", None, frozenset()),
    (m_reason_thermal, "unserved_reason", None, frozenset()),
    (m_reason_lead, "unserved_reason", None, frozenset()),
    (m_reason_source, "unserved_reason", None, frozenset()),
    (m_reason_window, "unserved_reason", None, frozenset()),
    (m_reason_window_for_reach, "unserved_reason", None, frozenset()),
    (m_reason_thermal_for_lead, "unserved_reason", None, frozenset()),
    (m_reason_fleet_for_source, "unserved_reason", None, frozenset()),
    (m_reason_cost_for_lead, "unserved_reason", None, frozenset()),
    (m_reason_fleet_for_reach, "unserved_reason", None, frozenset()),
    (m_unserved_unknown, "unserved_row", None, frozenset()),
    (m_unserved_mismatch, "unserved_row", None, frozenset()),
    (m_unserved_zero, "unserved_row", None, frozenset()),
    (m_duplicate_run, "duplicate_run", "R09", frozenset()),
]


@pytest.mark.parametrize(
    ("mutate", "rule", "run_id", "also"),
    MUTATIONS,
    ids=[m[0].__name__.removeprefix("m_") for m in MUTATIONS],
)
def test_mutation_is_caught(
    network: Network,
    runs: Rows,
    unserved: Rows,
    mutate: Mutation,
    rule: str,
    run_id: str | None,
    also: frozenset[str],
) -> None:
    network = mutate(network, runs, unserved)
    # the risk of cold metal is a warning unless asked for (verify_risk), like fleet rows
    report = check_rows(network, runs, unserved, verify_risk=rule == "cold_risk")
    shown = "\n".join(map(str, report.violations))
    assert not report.ok
    assert rule in report.summary(), shown
    if run_id is not None:
        assert any(v.rule == rule and v.run_id == run_id for v in report.violations), shown
    assert set(report.summary()) <= {rule} | also, shown


def test_every_rule_has_a_mutation() -> None:
    # the ladle pool's rules have theirs in tests/check/test_ladles.py, the managed
    # furnaces' in tests/supply/test_managed_plan.py; the drivers' rules need [drivers]
    # in the network: their mutations are in test_drivers_rules.py
    from tests.check.test_drivers_rules import MUTATED_RULES

    assert {m[1] for m in MUTATIONS} | LADLE_RULES | FURNACE_RULES | MUTATED_RULES == set(RULES)


def test_the_hand_made_plan_is_sound_and_its_reasons_hold(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    # lead_time (O6), thermal_reach (O7) and no_source (O8) are all re-derived and hold.
    report = check_rows(network, runs, unserved, verify_risk=False)
    assert report.ok and not report.warnings, [str(v) for v in report.violations]


def test_a_run_on_a_truck_out_that_day_says_so(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    # fleet.csv has T9 (``available = no`` on the plan date): not an unknown truck
    out = rebuild(network, trucks_out=("T9",))
    set_run(runs, "R01", truck_id="T9")
    report = check_rows(out, runs, unserved, verify_risk=False)
    (violation,) = [v for v in report.violations if v.rule == "unknown_id"]
    assert violation.run_id == "R01"
    assert f"truck 'T9' is out on {network.plan_date.isoformat()}" in violation.message
    assert "unknown truck" not in violation.message


def test_an_unknown_reason_is_unreadable_input(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    next(u for u in unserved if u["order_id"] == "O5")["reason"] = "weather"
    with pytest.raises(InputError) as exc:
        check_rows(network, runs, unserved)
    (problem,) = exc.value.problems
    assert (problem.file, problem.row, problem.column) == ("unserved.csv", 3, "reason")
    assert "weather" in problem.message


def test_a_tap_hotter_than_needed_is_a_warning_not_a_violation(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    # R01 arrives 17 °C above what C1 needs although tapped at S1's floor (730 °C):
    # 12 °C more is pure superheat.
    set_run(runs, "R01", tap_c="742.0")
    recompute_arrival(network, runs, "R01")
    report = check_rows(network, runs, unserved, verify_risk=False)
    assert report.ok, [str(v) for v in report.violations]
    (warning,) = report.warnings
    assert (warning.rule, warning.run_id) == ("superheat", "R01")
    assert "742 °C" in warning.message and "730.0 °C" in warning.message


def test_a_tap_above_the_floor_that_is_needed_is_no_warning(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    # Move R01's pour so late that the floor no longer suffices, then tap exactly right.
    hold_h = 4.0
    tau = network.truck_by_id["T1"].tau_h
    needed = network.caster_by_id["C1"].min_pour_c + network.params.thermal.margin_c
    ambient = network.params.thermal.ambient_c
    exact = ambient + (needed - ambient) * math.exp(hold_h / tau)
    assert exact > 730
    row = run(runs, "R01")
    row["tap_c"] = f"{math.ceil(exact * 10) / 10:.1f}"
    row["pour_start"] = iso("11:15")
    row["pour_end"] = iso("11:30")
    recompute_arrival(network, runs, "R01")
    report = check_rows(network, runs, unserved)
    assert not [w for w in report.warnings if w.run_id == "R01"], list(map(str, report.warnings))


def test_violations_name_order_and_truck(network: Network, runs: Rows, unserved: Rows) -> None:
    m_accounting_short(network, runs, unserved)
    report = check_rows(network, runs, unserved)
    (violation,) = report.violations
    assert violation.order_id == "O5"
    assert "3.000 t" in violation.message and "6 t" in violation.message
    network = m_shift_end(network, runs, unserved)
    report = check_rows(network, runs, unserved)
    shift = [v for v in report.violations if v.rule == "shift"]
    assert [v.truck_id for v in shift] == ["T1"]
    assert "16:43:29" in shift[0].message


def test_violation_text_reads_well(network: Network, runs: Rows, unserved: Rows) -> None:
    m_travel_to_caster(network, runs, unserved)
    (violation,) = check_rows(network, runs, unserved).violations
    text = str(violation)
    assert text.startswith("run R01 (truck T1, order O1) travel_time: ")
    assert "08:20:00" in text and "55.6 min" in text and "08:25:37" in text
    assert str(Violation("shift", "late", truck_id="T1")) == "truck T1 shift: late"
    assert str(Violation("order_accounting", "short", order_id="O1")).startswith("order O1")
    assert str(Violation("duplicate_run", "x")) == "plan duplicate_run: x"


def test_summary_counts_by_rule(network: Network, runs: Rows, unserved: Rows) -> None:
    network = m_lead_time(network, runs, unserved)  # R01 and R02 pour before 09:00
    m_road_km(network, runs, unserved)
    report = check_rows(network, runs, unserved)
    assert report.summary() == {"lead_time": 2, "road_km": 1}
    assert not report.ok
    assert report.runs_checked == 10
    empty = CheckReport((), (), 0, 0, None)
    assert empty.ok and empty.summary() == {}


def test_plan_with_no_runs(network: Network) -> None:
    # The reasons the inputs decide stay; every servable order is left to the fleet.
    decided = {"O6": "lead_time", "O7": "thermal_reach", "O8": "no_source"}
    unserved = [
        {
            "order_id": o.order_id,
            "caster_id": o.caster_id,
            "alloy": o.alloy,
            "tonnes": str(o.tonnes),
            "reason": decided.get(o.order_id, "fleet"),
        }
        for o in network.day_orders
    ]
    report = check_rows(network, [], unserved)
    assert report.ok
    assert report.min_arrival_margin_c is None


# --------------------------------------------------------------------------------------
# unserved reasons the inputs decide: no other reason is accepted
# --------------------------------------------------------------------------------------
#: The reason the inputs decide for each order of the hand plan that has one.
DECIDED = {"O6": "lead_time", "O7": "thermal_reach", "O8": "no_source"}
ALL_REASONS = ("lead_time", "thermal_reach", "no_source", "production", "fleet", "window", "cost")


def relabel(unserved: Rows, order_id: str, reason: str) -> None:
    next(u for u in unserved if u["order_id"] == order_id)["reason"] = reason


def only_reason_violation(report: CheckReport, order_id: str) -> Violation:
    """The one violation of the report: of the unserved-reason rule, for ``order_id``."""
    shown = "\n".join(map(str, report.violations))
    assert len(report.violations) == 1, shown
    (violation,) = report.violations
    assert (violation.rule, violation.order_id) == ("unserved_reason", order_id), shown
    return violation


@pytest.mark.parametrize(
    ("order_id", "written"),
    [(o, r) for o, decided in DECIDED.items() for r in ALL_REASONS if r != decided],
)
def test_a_decided_reason_cannot_be_replaced_by_another(
    network: Network, runs: Rows, unserved: Rows, order_id: str, written: str
) -> None:
    relabel(unserved, order_id, written)
    violation = only_reason_violation(check_rows(network, runs, unserved), order_id)
    assert f"says {written}, but " in violation.message
    assert violation.message.endswith(f"the reason is {DECIDED[order_id]}"), violation.message


def test_a_window_reason_for_an_alloy_nobody_makes_names_no_source(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    relabel(unserved, "O8", "window")
    message = only_reason_violation(check_rows(network, runs, unserved), "O8").message
    assert "no smelter makes AlSi7Mg: the reason is no_source" in message
    assert "thermal" not in message


def test_a_false_no_source_names_the_smelter_that_makes_the_alloy(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    relabel(unserved, "O4", "no_source")
    message = only_reason_violation(check_rows(network, runs, unserved), "O4").message
    assert message.endswith("but S2 makes ZL114A"), message


@pytest.mark.parametrize("order_id", ["O4", "O5"])
@pytest.mark.parametrize("written", ["production", "fleet", "cost"])
def test_the_planner_decides_the_reason_of_a_servable_order(
    network: Network, runs: Rows, unserved: Rows, order_id: str, written: str
) -> None:
    relabel(unserved, order_id, written)
    report = check_rows(network, runs, unserved)
    assert report.ok, [str(v) for v in report.violations]


def test_no_source_comes_before_lead_time(network: Network, runs: Rows, unserved: Rows) -> None:
    # O8 placed at 12:00 can pour no earlier than 16:00, after its window: still no_source.
    network = replace_item(network, "orders", "O8", placed_at=at("12:00"))
    assert check_rows(network, runs, unserved).ok
    relabel(unserved, "O8", "lead_time")
    message = only_reason_violation(check_rows(network, runs, unserved), "O8").message
    assert message.endswith("no smelter makes AlSi7Mg: the reason is no_source"), message


def test_a_window_outside_the_casters_hours_comes_before_thermal_reach(
    network: Network, runs: Rows, unserved: Rows
) -> None:
    # C5 takes its last pour at 21:45 (closes 22:00, unloads 15 min): 22:30–23:30 misses it.
    network = replace_item(
        network, "orders", "O7", window_start=at("22:30"), window_end=at("23:30")
    )
    message = only_reason_violation(check_rows(network, runs, unserved), "O7").message
    assert "says thermal_reach, but the window misses C5's hours" in message
    assert message.endswith("the reason is window"), message
    relabel(unserved, "O7", "window")
    assert check_rows(network, runs, unserved).ok


@pytest.mark.parametrize("written", ["lead_time", "fleet"])
def test_a_lead_time_within_the_slack_decides_nothing(
    network: Network, runs: Rows, unserved: Rows, written: str
) -> None:
    # O6 placed 05:46 could pour from 09:46, one minute after its window (09:45): too close
    # to call, so lead_time and the planner's reasons are both accepted.
    network = replace_item(network, "orders", "O6", placed_at=at("05:46"))
    relabel(unserved, "O6", written)
    report = check_rows(network, runs, unserved)
    assert report.ok, [str(v) for v in report.violations]


# --------------------------------------------------------------------------------------
# malformed files
# --------------------------------------------------------------------------------------
def problem_of(exc: pytest.ExceptionInfo[InputError]) -> tuple[str, int | None, str | None]:
    problem = exc.value.problems[0]
    return problem.file, problem.row, problem.column


def test_missing_run_column(network: Network, runs: Rows, unserved: Rows, tmp_path: Path) -> None:
    columns = [c for c in RUN_COLUMNS if c != "tap_c"]
    write_rows(tmp_path / "runs.csv", columns, [{c: r.get(c) for c in columns} for r in runs])
    write_rows(tmp_path / "unserved.csv", UNSERVED_COLUMNS, unserved)
    with pytest.raises(InputError) as exc:
        check_folder(network, tmp_path)
    assert problem_of(exc) == ("runs.csv", 1, "tap_c")
    with pytest.raises(InputError) as exc:
        check_rows(network, [{c: r.get(c) for c in columns} for r in runs], unserved)
    assert problem_of(exc) == ("runs.csv", 1, "tap_c")


@pytest.mark.parametrize(
    ("run_id", "column", "value", "words"),
    [
        ("R03", "fill_start", "10h00", "HH:MM"),
        ("R01", "tonnes", "three", "not a number"),
        ("R02", "trip", "1.5", "whole number"),
        ("R05", "arrival_c", "", "missing value"),
        ("R10", "pour_end", "2026-13-23T11:05:00+08:00", "ISO 8601"),
        ("R04", "road_km", "nan", "not a number"),
    ],
)
def test_unparsable_run_value(
    network: Network,
    runs: Rows,
    unserved: Rows,
    tmp_path: Path,
    run_id: str,
    column: str,
    value: str,
    words: str,
) -> None:
    run(runs, run_id)[column] = value
    row = 2 + [r["run_id"] for r in runs].index(run_id)
    write_rows(tmp_path / "runs.csv", RUN_COLUMNS, runs)
    write_rows(tmp_path / "unserved.csv", UNSERVED_COLUMNS, unserved)
    with pytest.raises(InputError) as exc:
        check_folder(network, tmp_path)
    assert problem_of(exc) == ("runs.csv", row, column)
    assert words in str(exc.value)
    assert f"runs.csv, row {row}, column '{column}'" in str(exc.value)
    with pytest.raises(InputError) as exc:
        check_rows(network, runs, unserved)
    assert problem_of(exc) == ("runs.csv", row, column)


def test_unparsable_unserved(network: Network, runs: Rows, unserved: Rows, tmp_path: Path) -> None:
    unserved[2]["tonnes"] = "3 t"
    write_rows(tmp_path / "runs.csv", RUN_COLUMNS, runs)
    write_rows(tmp_path / "unserved.csv", UNSERVED_COLUMNS, unserved)
    with pytest.raises(InputError) as exc:
        check_folder(network, tmp_path)
    assert problem_of(exc) == ("unserved.csv", 4, "tonnes")


def test_missing_unserved_column(network: Network, runs: Rows, unserved: Rows) -> None:
    for u in unserved:
        del u["reason"]
    with pytest.raises(InputError) as exc:
        check_rows(network, runs, unserved)
    assert problem_of(exc) == ("unserved.csv", 1, "reason")


def test_missing_files(network: Network, runs: Rows, tmp_path: Path) -> None:
    write_rows(tmp_path / "runs.csv", RUN_COLUMNS, runs)
    with pytest.raises(InputError) as exc:
        check_folder(network, tmp_path)
    assert problem_of(exc) == ("unserved.csv", None, None)
    with pytest.raises(InputError) as exc:
        check_folder(network, tmp_path / "nowhere")
    assert {p.file for p in exc.value.problems} == {"runs.csv", "unserved.csv"}


def test_row_numbers_count_blank_lines(
    network: Network, runs: Rows, unserved: Rows, tmp_path: Path
) -> None:
    """Rows are spreadsheet rows, so a blank line in the file still counts."""
    write_rows(tmp_path / "runs.csv", RUN_COLUMNS, runs)
    write_rows(tmp_path / "unserved.csv", UNSERVED_COLUMNS, unserved)
    text = (tmp_path / "runs.csv").read_text().splitlines(keepends=True)
    text.insert(2, "\n")
    text[4] = text[4].replace(",3,", ",x,", 1)  # R03 tonnes, spreadsheet row 5
    (tmp_path / "runs.csv").write_text("".join(text))
    with pytest.raises(InputError) as exc:
        check_folder(network, tmp_path)
    assert problem_of(exc)[1] == 5


# --------------------------------------------------------------------------------------
# scale
# --------------------------------------------------------------------------------------
def test_large_plan_is_fast(network: Network, runs: Rows, unserved: Rows) -> None:
    """2,500 runs on 750 trucks check in well under the time of a plan (O(n log n))."""
    copies = 250
    fleet = tuple(
        t.model_copy(update={"truck_id": f"{t.truck_id}_{k}"})
        for k in range(copies)
        for t in network.fleet
    )
    big_network = rebuild(network, fleet=fleet)
    big_runs = [
        {**r, "run_id": f"{r['run_id']}_{k}", "truck_id": f"{r['truck_id']}_{k}"}
        for k in range(copies)
        for r in runs
    ]
    started = time.perf_counter()
    report = check_rows(big_network, big_runs, unserved)
    elapsed = time.perf_counter() - started
    assert report.runs_checked == 2500
    # every copy repeats the same deliveries, so smelters, bays and orders overflow
    assert set(report.summary()) == {"production", "fill_bays", "order_accounting"}
    assert elapsed < 10.0
