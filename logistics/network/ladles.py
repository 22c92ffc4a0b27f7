"""The ladle pool of a network: ``ladles.csv`` and the ``[ladles]`` parameters.

Without ``ladles.csv`` a truck *is* its ladles: they are always hot and always ready,
as they always were. With it, each smelter owns a pool of transfer ladles; every run
takes one of its smelter's ladles, a ladle that stood empty long enough to count as
cold is preheated on one of the smelter's burner stands before it is filled, a ladle
that has cooled a little takes heat from the metal it is filled with, and ladles go
out of service for cleaning (every ``clean_every_fills`` fills) and for relining (when
its fills left reach 0). docs/network-format.md describes the file and the table, and
docs/models.md the heat model.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from logistics.errors import InputError, InputProblem
from logistics.network.csv_tables import CsvSpec, load_table
from logistics.network.ranges import ParamTable, plausible
from logistics.network.times import parse_time

#: The file of the pool, optional in a network folder.
LADLES_FILE = "ladles.csv"
#: ``hot_since`` of a ladle that is cold at the start of the day.
COLD = "cold"


class LadleParams(ParamTable):
    """Preheating, cooling, cleaning and cost of a ladle pool (``[ladles]``).

    Used only when the network folder has a ``ladles.csv``.

    Attributes
    ----------
    preheat_stands : int
        Burner stands per smelter: ladles that can be preheated at the same moment
        (default 2). Range 0–20 (0: no stand, a cold ladle cannot be used).
    preheat_min : float
        Minutes on a stand from cold to ready (default 120: gas-burner preheating of a
        refractory-lined transfer ladle to working temperature takes 1–3 h,
        docs/sources.md). Range 10–600 min.
    ready_c : float
        Lining (hot face) temperature of a ready ladle: just emptied, or preheated,
        °C (default 750, the temperature of the metal it carries). Range 300–1,000 °C.
    empty_tau_h : float
        Time constant of an empty ladle's lining cooling towards ambient, h (default
        10: a full road crucible's ``tau_h`` of about 50 h times the lining's share of
        the heat capacity of the full ladle, about 1.5 of 7.5 MJ/K for a 5 t ladle; an
        empty lidded ladle then counts as cold about 4 h after it was emptied). Range
        0.5–100 h.
    cold_below_c : float
        An empty ladle whose lining is below this counts as cold and must be preheated
        before it is filled, °C (default 500). Range 100–900 °C.
    lining_heat_share : float
        °C the metal loses per °C the lining is below ``ready_c`` when it is filled
        (the lining's heat capacity against the metal's; default 0.1: about 25 °C from
        a lining at the ``cold_below_c`` default). Range 0–1.
    clean_every_fills : int
        Fills after which a ladle is cleaned (skimmed of dross and skull) before its
        next fill (default 12). Range 1–1,000.
    clean_min : float
        Minutes a cleaning takes, at the ladle's smelter after the ladle is back
        (default 30). Range 0–480 min.
    preheat_gas_m3_h : float
        Natural gas a burner stand burns, Nm³/h (default 15, about 150 kW). Range
        0–500 Nm³/h.
    wear_cny_per_fill : float
        Wear of the refractory lining per fill, CNY (default 60: a relining of about
        18,000 CNY spread over about 300 fills). Range 0–10,000 CNY.
    """

    preheat_stands: int = plausible(2, lo=0, hi=20, unit="stands")
    preheat_min: float = plausible(120.0, lo=10.0, hi=600.0, unit="min")
    ready_c: float = plausible(750.0, lo=300.0, hi=1000.0, unit="°C")
    empty_tau_h: float = plausible(10.0, lo=0.5, hi=100.0, unit="h")
    cold_below_c: float = plausible(500.0, lo=100.0, hi=900.0, unit="°C")
    lining_heat_share: float = plausible(0.1, lo=0.0, hi=1.0, unit="°C per °C")
    clean_every_fills: int = plausible(12, lo=1, hi=1000, unit="fills")
    clean_min: float = plausible(30.0, lo=0.0, hi=480.0, unit="min")
    preheat_gas_m3_h: float = plausible(15.0, lo=0.0, hi=500.0, unit="Nm³/h")
    wear_cny_per_fill: float = plausible(60.0, lo=0.0, hi=10_000.0, unit="CNY")

    def lining_c(self, empty_h: float, ambient_c: float) -> float:
        """The lining temperature of a ladle ``empty_h`` hours after it was last ready, °C.

        Newton cooling from ``ready_c`` towards ``ambient_c`` with ``empty_tau_h``.
        """
        return ambient_c + (self.ready_c - ambient_c) * math.exp(
            -max(0.0, empty_h) / self.empty_tau_h
        )

    def drop_c(self, lining_c: float) -> float:
        """°C the metal loses to a lining at ``lining_c`` while it is filled (≥ 0)."""
        return max(0.0, self.ready_c - lining_c) * self.lining_heat_share


class Ladle(BaseModel):
    """One transfer ladle of a smelter's pool (a row of ``ladles.csv``).

    Attributes
    ----------
    ladle_id : str
        Unique in the file.
    home_smelter : str
        The smelter that owns and fills it.
    capacity_t : float
        Most metal it holds, t.
    tau_h : float
        Thermal time constant of the full ladle, h: at least the ``tau_h`` of the
        truck that carries it (the plan's arrival temperatures use the truck's).
    hot_since : datetime or None
        When it was last ready (emptied or preheated) before the day; ``None``: cold.
    fills_since_cleaning : int
        Fills since its last cleaning at the day's start.
    fills_left_before_relining : int
        Fills left before it goes out for relining (0: out of service today).
    """

    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)

    ladle_id: str = Field(min_length=1)
    home_smelter: str = Field(min_length=1)
    capacity_t: float = plausible(lo=0.5, hi=20.0, unit="t")
    tau_h: float = plausible(lo=2.0, hi=200.0, unit="h")
    hot_since: datetime | None = None
    fills_since_cleaning: int = plausible(lo=0, hi=1000, unit="fills")
    fills_left_before_relining: int = plausible(lo=0, hi=10_000, unit="fills")


class _LadleRow(Ladle):
    """A row as read: ``hot_since`` still text (a time or ``cold``)."""

    hot_since: str = Field(min_length=1)  # type: ignore[assignment]


LADLES = CsvSpec(
    LADLES_FILE,
    _LadleRow,
    (
        "ladle_id",
        "home_smelter",
        "capacity_t",
        "tau_h",
        "hot_since",
        "fills_since_cleaning",
        "fills_left_before_relining",
    ),
    key="ladle_id",
)


def load_ladles(
    folder: Path, plan_date: date, tz: ZoneInfo, smelter_ids: set[str]
) -> tuple[Ladle, ...]:
    """The folder's ``ladles.csv``, or no ladles when it has none.

    Parameters
    ----------
    folder : Path
        The network folder.
    plan_date, tz
        Day and timezone of ``HH:MM`` values.
    smelter_ids : set of str
        The smelters of ``smelters.csv``.

    Returns
    -------
    tuple of Ladle
        In file order.

    Raises
    ------
    InputError
        Every bad row, naming file, row and column.
    """
    path = folder / LADLES_FILE
    if not path.is_file():
        return ()
    rows = load_table(path, LADLES, plan_date, tz)
    problems: list[InputProblem] = []
    ladles: list[Ladle] = []
    for row, raw in rows:
        if raw.home_smelter not in smelter_ids:
            problems.append(
                InputProblem(
                    LADLES_FILE,
                    row,
                    "home_smelter",
                    f"unknown smelter '{raw.home_smelter}' (not in smelters.csv)",
                )
            )
        hot_since = None
        if raw.hot_since.strip().lower() != COLD:
            try:
                hot_since = parse_time(raw.hot_since, plan_date, tz)
            except ValueError as exc:
                problems.append(InputProblem(LADLES_FILE, row, "hot_since", f"{exc}, or '{COLD}'"))
                continue
        ladles.append(Ladle.model_validate({**raw.model_dump(), "hot_since": hot_since}))
    if problems:
        raise InputError(problems)
    if not ladles:
        raise InputError(InputProblem(LADLES_FILE, None, None, "has no data rows"))
    return tuple(ladles)
