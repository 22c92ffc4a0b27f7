"""Parameter tables of ``network.toml`` with their documented defaults.

Where every default comes from is cited per field, with the sources listed in
``docs/sources.md`` (the Chinese industry reports behind the cost table, industry pages
and emission-factor tables). Every figure can be overridden in the network's
``network.toml`` (and the CLI's ``--set table.key=value`` where offered).

Every figure has a *plausible range* (:func:`~logistics.network.ranges.plausible`): a
value outside it is bad input naming the key and the range. The ranges are wide (a
factor of about 5 to 25 around the defaults for prices and factors, the physics for
temperatures); why each range is what it is stands beside it below and in
``docs/network-format.md``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from logistics.network.driver_rules import DriverParams
from logistics.network.ladles import LadleParams
from logistics.network.osm_tags import DRIVABLE
from logistics.network.ranges import HOURS, ParamTable, plausible, plausible_each
from logistics.network.supply_params import SupplyParams

#: Largest plausible item of the cost table, CNY/t: half the price of the alloy itself
#: (20,000 CNY/t); the seed table's items are 30–400.
COST_ITEM_MAX = 10_000.0
#: Largest plausible truck running cost per km, CNY/km: diesel is about 2.5 CNY/km
#: (30–35 L/100 km) and the default 8 CNY/km; 100 allows a factor of more than 10.
TRUCK_COST_PER_KM_MAX = 100.0
#: Largest plausible truck running cost per hour, CNY/h (the default is 150).
TRUCK_COST_PER_H_MAX = 2000.0
#: Slowest plausible share of free-flow speed: five times the free-flow time. The worst
#: peak of China's most congested cities is about 0.45 (docs/sources.md).
SPEED_FACTOR_MIN = 0.2

#: 24 shares of free-flow speed, one per hour of the day from 00:00–01:00, each 0.2–1.
HourlySpeedFactors = Annotated[
    tuple[Annotated[float, Field(ge=SPEED_FACTOR_MIN, le=1.0)], ...],
    Field(min_length=HOURS, max_length=HOURS),
]


class _Table(ParamTable):
    """A frozen parameter table that rejects unknown keys (typos must not pass silently)
    and true/false for a number (:class:`~logistics.network.ranges.ParamTable`)."""


class RoadParams(_Table):
    """Travel model used when the network has no ``roads.graphml``, and the speed limits
    of a ladle truck on the roads ``molten roads import`` builds one from.

    Attributes
    ----------
    circuity : float
        Road km per great-circle km. 1.3 is the usual detour factor for a dense
        regional road network. Range 1–3: a road is never shorter than the great
        circle, and measured national and regional factors lie between about 1.2 and
        1.5 (Kim et al. 2015, docs/sources.md); 3 leaves room for rivers and mountains.
    speed_kmh : float
        Average speed of a loaded ladle truck. 40 km/h: police-approved
        routes, ladle trucks keep well below expressway limits (Hydeb). Range
        5–100 km/h: 100 km/h is the highest limit for lorries on Chinese expressways;
        below 5 km/h a truck is walking.
    max_kph_expressway, max_kph_other : float
        The fastest a truck carrying hot liquid metal drives on an expressway (OSM
        ``motorway`` and its ramps) and on any other road, km/h: ``molten roads import``
        caps every edge's ``speed_kph`` at these (the graph keeps the caps it was built
        with; import again after changing them). 80 and 60 km/h: molten aluminium is
        dangerous goods (UN 3257, elevated-temperature liquid, class 9), and China's
        rules for dangerous-goods vehicles allow at most 80 km/h on expressways and
        60 km/h on other roads (Measures for the Safety Management of Road Transport of
        Dangerous Goods, 2019, art. 46; docs/sources.md), below the 100 km/h of any
        lorry on an expressway (Road Traffic Safety Law implementing regulation,
        art. 78). The legal maxima, and so an upper bound: a conservative engineering
        default for a ladle of liquid metal, whose operators often set lower company
        limits; write yours. Range 5–100 km/h: no lorry may drive faster than 100 km/h
        on a Chinese expressway; below 5 km/h a truck is walking.
    rush_speed_factor : float
        Share of the free-flow speed driven in the rush hours (the two windows below):
        a leg takes longer the more of it falls in them, exactly (a truck leaving later
        never arrives earlier). 1: no rush hours (the default, today's plans). 0.6 is
        the congestion of the morning and evening peaks on the main roads of China's
        large cities (travel-time index about 1.6–1.8, docs/sources.md). Range 0.2–1.
    am_rush_from_h, am_rush_to_h, pm_rush_from_h, pm_rush_to_h : float
        The rush hours ``[from, to)``, hours of the plan day's clock: 07–09 and 17–19.
        Range 0–24.
    hourly_speed_factor : tuple of 24 float or None
        Share of free-flow speed in each hour of the day, ``[0]`` for 00:00–01:00: a
        profile of any shape, instead of the two windows (giving both it and a
        ``rush_speed_factor`` below 1 is bad input: which would hold is not obvious).
        None (the default): the two windows. Each 0.2–1.
    hourly_speed_factor_by_class : dict of str to 24 float
        A profile of 24 hourly shares for the roads of one OpenStreetMap class
        (``highway`` of a ``roads.graphml`` edge: ``motorway``, ``primary``, …, as
        ``molten roads import`` writes them): a leg on the road graph drives each
        stretch of such a class at its own profile; every other stretch, the access legs
        and every leg without a road graph at the profile above. Empty (the default):
        one profile for all roads. Each 0.2–1.
    """

    circuity: float = plausible(1.3, lo=1.0, hi=3.0, unit="road km per great-circle km")
    speed_kmh: float = plausible(40.0, lo=5.0, hi=100.0, unit="km/h")
    max_kph_expressway: float = plausible(80.0, lo=5.0, hi=100.0, unit="km/h")
    max_kph_other: float = plausible(60.0, lo=5.0, hi=100.0, unit="km/h")
    rush_speed_factor: float = plausible(1.0, lo=0.2, hi=1.0, unit="× free-flow speed")
    am_rush_from_h: float = plausible(7.0, lo=0.0, hi=24.0, unit="h")
    am_rush_to_h: float = plausible(9.0, lo=0.0, hi=24.0, unit="h")
    pm_rush_from_h: float = plausible(17.0, lo=0.0, hi=24.0, unit="h")
    pm_rush_to_h: float = plausible(19.0, lo=0.0, hi=24.0, unit="h")
    hourly_speed_factor: HourlySpeedFactors | None = plausible_each(
        None, unit="× free-flow speed", per="hour"
    )
    hourly_speed_factor_by_class: dict[str, HourlySpeedFactors] = plausible_each(
        {}, unit="× free-flow speed", per="hour"
    )

    @field_validator("hourly_speed_factor")
    @classmethod
    def _one_profile(
        cls, value: tuple[float, ...] | None, info: ValidationInfo
    ) -> tuple[float, ...] | None:
        """Refuse an hourly profile beside rush hours of the two windows."""
        if value is not None and info.data.get("rush_speed_factor", 1.0) != 1.0:
            raise PydanticCustomError(
                "two_profiles",
                "give either hourly_speed_factor or rush_speed_factor (with its windows), not both",
            )
        return value

    @field_validator("hourly_speed_factor_by_class")
    @classmethod
    def _known_classes(cls, value: dict[str, tuple[float, ...]]) -> dict[str, tuple[float, ...]]:
        """Refuse a road class ``molten roads import`` never writes (a typo)."""
        for road_class in value:
            if road_class not in DRIVABLE:
                raise PydanticCustomError(
                    "road_class",
                    "unknown road class '{road_class}' (one of {known})",
                    {"road_class": road_class, "known": ", ".join(DRIVABLE)},
                )
        return value

    def speed_profile(self) -> tuple[tuple[float, float], ...]:
        """The day's speed profile: ``(from_min, factor)`` pieces from minute 0 of the
        day, each holding until the next (the last until minute 1,440); factor = share
        of free-flow speed. One piece ``(0, 1)`` when there are no rush hours. From
        ``hourly_speed_factor`` where given, else from the two windows."""
        if self.hourly_speed_factor is not None:
            return hourly_pieces(self.hourly_speed_factor)
        marks = {0.0}
        windows = (
            (self.am_rush_from_h * 60, self.am_rush_to_h * 60),
            (self.pm_rush_from_h * 60, self.pm_rush_to_h * 60),
        )
        if self.rush_speed_factor < 1.0:
            marks |= {m for w in windows for m in w if 0 < m < 24 * 60}
        pieces: list[tuple[float, float]] = []
        for mark in sorted(marks):
            rush = self.rush_speed_factor < 1.0 and any(lo <= mark < hi for lo, hi in windows)
            factor = self.rush_speed_factor if rush else 1.0
            if not pieces or pieces[-1][1] != factor:
                pieces.append((mark, factor))
        return tuple(pieces)

    def class_speed_profiles(self) -> dict[str, tuple[tuple[float, float], ...]]:
        """The profile of each road class that has its own, as :meth:`speed_profile`'s
        ``(from_min, factor)`` pieces."""
        return {c: hourly_pieces(f) for c, f in self.hourly_speed_factor_by_class.items()}


def hourly_pieces(factors: tuple[float, ...]) -> tuple[tuple[float, float], ...]:
    """``(from_min, factor)`` pieces of 24 hourly factors, equal neighbours merged."""
    pieces: list[tuple[float, float]] = []
    for hour, factor in enumerate(factors):
        if not pieces or pieces[-1][1] != factor:
            pieces.append((hour * 60.0, float(factor)))
    return tuple(pieces)


class ThermalParams(_Table):
    """Ambient and safety margin of the ladle cooling model.

    Attributes
    ----------
    ambient_c : float
        Air temperature the ladle cools towards, °C (25 °C is a Guangdong
        annual mean). Range −55 to 55 °C: the coldest and hottest air where people
        live and work (record lows of north-east China near −50 °C, record highs of
        desert towns near 50 °C).
    margin_c : float
        Arrival must be at least ``min_pour_c + margin_c``: a buffer for
        traffic and for the lining of a not-quite-preheated ladle (docs/models.md).
        Range 0–100 °C: metal is tapped 50–150 °C above the casters' minimum (tap
        700–850 °C, holding furnaces 650–700 °C), so a larger margin leaves nothing to
        deliver.
    """

    ambient_c: float = plausible(25.0, lo=-55.0, hi=55.0, unit="°C")
    margin_c: float = plausible(5.0, lo=0.0, hi=100.0, unit="°C")


class PlanningParams(_Table):
    """Planning rules.

    Attributes
    ----------
    lead_time_h : float
        A die-caster must order molten metal 4 hours ahead (Chinese industry reports, "Operating
        rules"); an order cannot be poured before ``placed_at + lead_time_h``. Range
        0–72 h: from "on call" to three days ahead (a weekend).
    """

    lead_time_h: float = plausible(4.0, lo=0.0, hi=72.0, unit="h")


class IngotRouteCosts(_Table):
    """The ingot route of the cost table, CNY per tonne (Chinese industry reports).

    Energy 400 (70–90 m³ gas + 90–100 kWh per t), furnace depreciation 50, burn loss 400
    (2–2.5 % of ADC12 at 20,000 CNY/t), labour 50, sundries 30: 930 CNY/t. Every item
    0–10,000 CNY/t.

    ``energy`` and ``burn_loss`` left out follow the prices they come from
    (:func:`logistics.network.prices.ingot_energy_per_t`: gas and electricity;
    :func:`~logistics.network.prices.ingot_burn_loss_per_t`: ``ingot_burn_rate ×
    alloy_price_t``), 400 each at the defaults. A figure written is used as written.

    The table leaves out the disposal of the dross a remelt makes; while ``[economics]
    count_dross`` is true the ingot route carries it as a sixth item,
    ``[emissions] dross_t_per_t × dross_disposal_cny_t`` (0.04 × 2,000 = 80 CNY/t;
    :func:`~logistics.network.prices.ingot_dross_disposal_per_t`): 1,010 CNY/t in all.
    """

    energy: float | None = plausible(None, lo=0.0, hi=COST_ITEM_MAX, unit="CNY/t")
    furnace_depreciation: float = plausible(50.0, lo=0.0, hi=COST_ITEM_MAX, unit="CNY/t")
    burn_loss: float | None = plausible(None, lo=0.0, hi=COST_ITEM_MAX, unit="CNY/t")
    labour: float = plausible(50.0, lo=0.0, hi=COST_ITEM_MAX, unit="CNY/t")
    sundries: float = plausible(30.0, lo=0.0, hi=COST_ITEM_MAX, unit="CNY/t")


class LiquidRouteCosts(_Table):
    """The liquid route of the cost table at 30 km, CNY per tonne (Chinese industry reports).

    Holding 70, ladle and equipment depreciation 50, burn loss (0.9 %) and transport
    (about 150) at 30 km 350, special vehicle 100, sundries 30: 600 CNY/t. Every item
    0–10,000 CNY/t.
    """

    holding: float = plausible(70.0, lo=0.0, hi=COST_ITEM_MAX, unit="CNY/t")
    equipment_depreciation: float = plausible(50.0, lo=0.0, hi=COST_ITEM_MAX, unit="CNY/t")
    burn_and_transport_30km: float = plausible(350.0, lo=0.0, hi=COST_ITEM_MAX, unit="CNY/t")
    special_vehicle: float = plausible(100.0, lo=0.0, hi=COST_ITEM_MAX, unit="CNY/t")
    sundries: float = plausible(30.0, lo=0.0, hi=COST_ITEM_MAX, unit="CNY/t")


class EconomicsParams(_Table):
    """Money figures, CNY (``[economics]``; the cost table of the Chinese industry reports).

    Attributes
    ----------
    alloy_price_t : float
        ADC12 price the burn-loss items are valued at, CNY/t (Chinese industry reports:
        20,000). Range 5,000–100,000 CNY/t: a quarter to five times the seed price.
    ingot, liquid : tables
        The cost table, item by item.
    ingot_burn_rate, liquid_burn_rate : float
        Oxidation loss as a share of metal: remelting 2 % (Chinese industry reports:
        2–2.5 %), liquid route 0.9 % (Chinese industry reports). Range 0–0.1: melt
        losses of 1–2.5 % are reported; 10 % is very dirty scrap.
    truck_cost_per_km, truck_cost_per_h : float
        Ladle-truck running cost; with the default truck (2 ladles of 3 t) these give
        about 150 CNY/t of transport at 30 km, the seed table's figure. Ranges
        0–100 CNY/km and 0–2,000 CNY/h.
    superheat_cost_per_c_t : float or None
        Gas to heat one tonne of liquid alloy by 1 °C at the smelter, CNY/(°C·t). Left
        out, it is ``[emissions] superheat_gas_m3_per_c_t × gas_price_cny_m3`` (0.094 ×
        4.05 ≈ 0.38; :func:`logistics.network.prices.superheat_cost_per_c_t`); a figure
        written is used as written. Range 0–10.
    gas_price_cny_m3, electricity_cny_kwh : float
        What the die-caster pays for natural gas (CNY/Nm³) and electricity (CNY/kWh).
        The seed's 400 CNY/t remelting energy is 70–90 m³ gas and 90–100 kWh per tonne
        (Chinese industry reports); at the midpoints (``[emissions] remelt_gas_m3_t = 80``,
        ``remelt_kwh_t = 95``) 4.05 CNY/m³ and 0.80 CNY/kWh give exactly 400
        (80 × 4.05 + 95 × 0.80). Both are assumptions in the range of Chinese industrial
        tariffs, not figures of the sources: override them with your contract prices.
        While ``ingot.energy`` is left out, the energy item is priced from these.
        Ranges 0–20 CNY/Nm³ (trucked LNG peaked near 10) and 0–5 CNY/kWh (industrial
        tariffs are 0.5–1.2).
    operating_days_per_year : float
        Days a year the daily volume is delivered, for yearly savings and CO2: 360, the
        ratio of a leading supplier's 450 kt/yr of liquid deliveries to its "about
        1,250 t a day" (Chinese industry reports, "Operating rules"). Range 1–366.
    count_dross : bool
        Whether the ingot route's cost includes disposing of the dross its remelt makes
        (``[emissions] dross_t_per_t × dross_disposal_cny_t``, 80 CNY/t at the defaults).
        True (the default): aluminium dross is a hazardous waste in China (HW48, codes
        321-024-48 and 321-026-48 of the National Hazardous Waste List, 2021) and its
        disposal is a real cost of remelting that the seed table's 930 CNY/t leaves out.
        False gives the seed table's ingot route as it is (930 CNY/t), and with it the
        break-even distance, the solver's price of an unserved tonne and the plan
        economics of before the dross was counted. A true/false value, no range.
    """

    alloy_price_t: float = plausible(20000.0, lo=5000.0, hi=100_000.0, unit="CNY/t")
    ingot: IngotRouteCosts = IngotRouteCosts()
    liquid: LiquidRouteCosts = LiquidRouteCosts()
    ingot_burn_rate: float = plausible(0.02, lo=0.0, hi=0.1, unit="share")
    liquid_burn_rate: float = plausible(0.009, lo=0.0, hi=0.1, unit="share")
    truck_cost_per_km: float = plausible(8.0, lo=0.0, hi=TRUCK_COST_PER_KM_MAX, unit="CNY/km")
    truck_cost_per_h: float = plausible(150.0, lo=0.0, hi=TRUCK_COST_PER_H_MAX, unit="CNY/h")
    superheat_cost_per_c_t: float | None = plausible(None, lo=0.0, hi=10.0, unit="CNY per °C·t")
    gas_price_cny_m3: float = plausible(4.05, lo=0.0, hi=20.0, unit="CNY/Nm³")
    electricity_cny_kwh: float = plausible(0.80, lo=0.0, hi=5.0, unit="CNY/kWh")
    operating_days_per_year: float = plausible(360.0, lo=1.0, hi=366.0, unit="days")
    count_dross: bool = Field(True, strict=True)


class EmissionsParams(_Table):
    """Emission factors, kg CO2 (``[emissions]``).

    Attributes
    ----------
    natural_gas_m3 : float
        kg CO2 per Nm³ of natural gas, China default 2.16 (emission factors, docs/sources.md).
        Range 0–5.
    grid_kwh : float
        kg CO2 per kWh, China 2022 national grid average 0.5366 (emission factors, docs/sources.md).
        Range 0–1.5: from a carbon-free supply to a grid of lignite plants (about 1.2).
    truck_km : float
        kg CO2 per ladle-truck km, ~30–35 L diesel/100 km × 2.68 kg/L (emission
        factors, docs/sources.md). Range 0–5.
    remelt_gas_m3_t, remelt_kwh_t : float
        Gas and electricity a die-caster spends remelting one tonne of ingot
        (Chinese industry reports: 70–90 m³ and 90–100 kWh). Ranges 0–300 Nm³/t and
        0–2,000 kWh/t (an electric remelt takes about 600 kWh/t).
    superheat_gas_m3_per_c_t : float
        Gas to heat one tonne of liquid alloy by 1 °C at the smelter: 1.18 MJ/(t·K) at
        ~35 % efficiency over 36 MJ/m³ ≈ 0.094 m³ (specific heat of liquid aluminium
        alloys; the superheat price follows it unless ``superheat_cost_per_c_t`` is set).
        Range 0–1 (1 would be about 3 % efficiency).
    dross_t_per_t : float
        Dross a remelt makes, t per t of aluminium (Chinese industry reports: 0.03–0.05;
        about 4 % of metal is lost to oxidation and dross in aluminium recycling, Rakita
        and Han 2009, docs/sources.md): 0.04, the middle of the reports' range. Range
        0–0.2: 0.2 is a very dirty melt; clean ingot remelts stay below 0.05.
    dross_disposal_cny_t : float
        Cost to dispose of one tonne of dross, a hazardous waste (HW48) since 2021
        (Chinese industry reports: about 2,000 CNY/t; no public price list was found,
        so this is the reports' figure, not a market quotation). Range 0–20,000 CNY/t:
        from dross a recycler takes for free to ten times the reports' figure.
        Both figures price the ingot route's ``dross_disposal`` item while ``[economics]
        count_dross`` is true, and the dross avoided by liquid delivery in any case.
    """

    natural_gas_m3: float = plausible(2.16, lo=0.0, hi=5.0, unit="kg CO2/Nm³")
    grid_kwh: float = plausible(0.5366, lo=0.0, hi=1.5, unit="kg CO2/kWh")
    truck_km: float = plausible(0.9, lo=0.0, hi=5.0, unit="kg CO2/km")
    remelt_gas_m3_t: float = plausible(80.0, lo=0.0, hi=300.0, unit="Nm³/t")
    remelt_kwh_t: float = plausible(95.0, lo=0.0, hi=2000.0, unit="kWh/t")
    superheat_gas_m3_per_c_t: float = plausible(0.094, lo=0.0, hi=1.0, unit="Nm³ per °C·t")
    dross_t_per_t: float = plausible(0.04, lo=0.0, hi=0.2, unit="t/t")
    dross_disposal_cny_t: float = plausible(2000.0, lo=0.0, hi=20_000.0, unit="CNY/t")


class ReplanParams(_Table):
    """The price of changing a plan under way (``[replan]``), CNY.

    A re-plan that moves a driver to other work, or a delivery by more than a few
    minutes, costs more than its truck-km: the driver is re-briefed by phone, the caster
    told, the smelter's fill order changed. Re-planning adds this price to its
    objective, so a change is made only where it saves more than it costs; a booked
    delivery (a run of the current plan not yet started) is dropped only when keeping
    it is impossible. The defaults are our assumptions, not figures of the sources:
    set yours.

    Attributes
    ----------
    move_truck_cny : float
        Each booked run that goes on another truck, CNY (default 300: about two hours
        of a truck and a dispatcher's call). Range 0–100,000.
    time_tolerance_min : float
        A booked run whose pour moves by at most this many minutes is *kept* (default
        15 min: the slack a caster expects). Range 0–240 min.
    move_time_cny : float
        Each booked run on its truck whose pour moves by more than the tolerance, CNY
        (default 100). Range 0–100,000.
    drop_booked_cny_per_t : float
        Each tonne of a booked delivery the new plan leaves out, CNY/t, on top of the
        ingot route's penalty (default 5,000: ten times the penalty of an unserved
        tonne, so that a booked delivery is only dropped when it cannot be kept).
        Range 0–1,000,000.
    """

    move_truck_cny: float = plausible(300.0, lo=0.0, hi=100_000.0, unit="CNY")
    time_tolerance_min: float = plausible(15.0, lo=0.0, hi=240.0, unit="min")
    move_time_cny: float = plausible(100.0, lo=0.0, hi=100_000.0, unit="CNY")
    drop_booked_cny_per_t: float = plausible(5000.0, lo=0.0, hi=1_000_000.0, unit="CNY/t")


class RiskParams(_Table):
    """Uncertain travel times and the risk of cold metal (``[risk]``).

    Each leg's driving time is the planned time times a lognormal factor with mean 1
    and coefficient of variation (CV) :meth:`leg_cv`; one factor per leg, legs
    independent (docs/models.md). Every run of a plan is simulated ``draws`` times
    with ``seed``; its estimated probability of arriving below the caster's
    ``min_pour_c`` and of pouring after its window are reported.

    Attributes
    ----------
    travel_cv : float
        CV of a leg's travel time (the global default): 0.15 is an engineering
        default in the range of published figures — lognormal travel times on
        Beijing's urban roads, 95th/50th percentile ratios of 1.2–1.3 on freight
        corridors (docs/sources.md). Range 0–1 (0: exact travel times).
    urban_cv : float or None
        CV of a leg of at most ``urban_km`` road km; left out, ``travel_cv``. Range 0–1.
    urban_km : float
        Legs up to this many road km count as urban (default 25). Range 0–500 km.
    peak_factor : float
        The CV of a leg that starts (planned, local time) in a peak hour is multiplied
        by this; 1 (the default) makes every hour alike. Range 0–5.
    am_peak_from_h, am_peak_to_h, pm_peak_from_h, pm_peak_to_h : int
        The peak hours ``[from, to)``, local: 6–10 and 16–20 by default (the US
        federal freight-reliability periods; docs/sources.md). Range 0–24 h.
    max_cold_probability : float
        Target: the largest acceptable probability that a ladle arrives below the
        caster's minimum (default 0.01). Range 0.0001–0.5.
    draws : int
        Simulated days per run: 10,000 (default) estimates a probability of 1 % to
        ±0.2 % (absolute) with 95 % confidence (9,508 needed; docs/models.md). Range
        100–1,000,000.
    seed : int
        Seed of the simulation (results are reproducible). Range 0–4,294,967,295.
    plan_for_risk : bool
        Plan every tap for the target (default true): each ladle is tapped hot enough
        that its probability of arriving below the caster's minimum is at most
        ``max_cold_probability`` (``[thermal] margin_c`` stays a floor on the planned
        arrival), the router's hold limits follow the same quantile, and the plan
        claims the target (the checker's ``cold_risk`` is then a violation). False:
        only the fixed ``margin_c`` protects the metal, as before (docs/models.md).
    cv_by_class : dict of str to float
        The CV of the stretches of a leg on one road class (``highway`` of a
        ``roads.graphml`` edge, as in ``[roads.hourly_speed_factor_by_class]``): a leg
        on the road graph then has the CV of its stretches weighted by their free-flow
        minutes (one factor per leg: its stretches are slow together), the others the
        CV above. Empty (the default): one CV for every road. Each 0–1.
    peak_follows_speed : bool
        True: a leg is in the peak when ``[roads]`` slows the hour it starts in (its
        rush windows or hourly shares; on a class with a profile of its own, that
        profile), instead of the peak windows above. False (the default): the windows.
    """

    travel_cv: float = plausible(0.15, lo=0.0, hi=1.0, unit="share")
    urban_cv: float | None = plausible(None, lo=0.0, hi=1.0, unit="share")
    urban_km: float = plausible(25.0, lo=0.0, hi=500.0, unit="km")
    peak_factor: float = plausible(1.0, lo=0.0, hi=5.0, unit="×")
    am_peak_from_h: int = plausible(6, lo=0, hi=24, unit="h")
    am_peak_to_h: int = plausible(10, lo=0, hi=24, unit="h")
    pm_peak_from_h: int = plausible(16, lo=0, hi=24, unit="h")
    pm_peak_to_h: int = plausible(20, lo=0, hi=24, unit="h")
    max_cold_probability: float = plausible(0.01, lo=0.0001, hi=0.5, unit="share")
    draws: int = plausible(10_000, lo=100, hi=1_000_000, unit="draws")
    seed: int = plausible(0, lo=0, hi=2**32 - 1, unit="")
    plan_for_risk: bool = Field(True, strict=True)
    cv_by_class: dict[str, Annotated[float, Field(ge=0.0, le=1.0)]] = plausible_each(
        {}, unit="share", per="road class"
    )
    peak_follows_speed: bool = Field(False, strict=True)

    @field_validator("cv_by_class")
    @classmethod
    def _known_cv_classes(cls, value: dict[str, float]) -> dict[str, float]:
        """Refuse a road class ``molten roads import`` never writes (a typo)."""
        for road_class in value:
            if road_class not in DRIVABLE:
                raise PydanticCustomError(
                    "road_class",
                    "unknown road class '{road_class}' (one of {known})",
                    {"road_class": road_class, "known": ", ".join(DRIVABLE)},
                )
        return value

    def leg_cv(self, road_km: float, hour: int) -> float:
        """The CV of a leg's travel time.

        Parameters
        ----------
        road_km : float
            Road km of the leg (its class: urban up to ``urban_km``).
        hour : int
            Local hour (0–23) the leg starts at, planned.

        Returns
        -------
        float
            ``urban_cv`` (or ``travel_cv``) for an urban leg, else ``travel_cv``;
            times ``peak_factor`` in a peak hour.
        """
        cv = self.base_cv(road_km)
        return cv * self.peak_factor if self.in_peak(hour) else cv

    def base_cv(self, road_km: float) -> float:
        """The CV of a leg of ``road_km`` outside the peak: ``urban_cv`` (or
        ``travel_cv``) up to ``urban_km``, else ``travel_cv``."""
        base = self.urban_cv if self.urban_cv is not None and road_km <= self.urban_km else None
        return self.travel_cv if base is None else base

    def in_peak(self, hour: int) -> bool:
        """Whether local ``hour`` (0–23) is in one of the two peak windows."""
        peak = self.am_peak_from_h <= hour < self.am_peak_to_h
        return peak or self.pm_peak_from_h <= hour < self.pm_peak_to_h


class Params(_Table):
    """All parameter tables of a network."""

    roads: RoadParams = RoadParams()
    thermal: ThermalParams = ThermalParams()
    planning: PlanningParams = PlanningParams()
    economics: EconomicsParams = EconomicsParams()
    emissions: EmissionsParams = EmissionsParams()
    replan: ReplanParams = ReplanParams()
    risk: RiskParams = RiskParams()
    supply: SupplyParams = SupplyParams()
    ladles: LadleParams = LadleParams()
    #: Drivers' hours and entry bans; ``None`` (no ``[drivers]`` table): no driver rules.
    drivers: DriverParams | None = None
