"""Parameter tables of ``network.toml`` with their documented defaults.

Where every default comes from is cited per field, with the sources listed in
``docs/sources.md`` (the Chinese industry reports behind the cost table, industry pages
and emission-factor tables). Every figure can be overridden in the network's
``network.toml`` (and the CLI's ``--set table.key=value`` where offered).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Table(BaseModel):
    """A frozen parameter table that rejects unknown keys (typos must not pass silently)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class RoadParams(_Table):
    """Travel model used when the network has no ``roads.graphml``.

    Attributes
    ----------
    circuity : float
        Road km per great-circle km. 1.3 is the usual detour factor for a dense
        regional road network.
    speed_kmh : float
        Average speed of a loaded ladle truck. 40 km/h: police-approved
        routes, ladle trucks keep well below expressway limits (Hydeb).
    """

    circuity: float = Field(1.3, ge=1.0, le=5.0)
    speed_kmh: float = Field(40.0, gt=0.0, le=130.0)


class ThermalParams(_Table):
    """Ambient and safety margin of the ladle cooling model.

    Attributes
    ----------
    ambient_c : float
        Air temperature the ladle cools towards, °C (25 °C is a Guangdong
        annual mean).
    margin_c : float
        Arrival must be at least ``min_pour_c + margin_c``: a buffer for
        traffic and for the lining of a not-quite-preheated ladle (docs/models.md).
    """

    ambient_c: float = Field(25.0, ge=-40.0, le=60.0)
    margin_c: float = Field(5.0, ge=0.0, le=200.0)


class PlanningParams(_Table):
    """Planning rules.

    Attributes
    ----------
    lead_time_h : float
        A die-caster must order molten metal 4 hours ahead (Chinese industry reports, "Operating
        rules"); an order cannot be poured before ``placed_at + lead_time_h``.
    """

    lead_time_h: float = Field(4.0, ge=0.0, le=72.0)


class IngotRouteCosts(_Table):
    """The ingot route of the cost table, CNY per tonne (Chinese industry reports).

    Energy 400 (70–90 m³ gas + 90–100 kWh per t), furnace depreciation 50, burn loss 400
    (2–2.5 % of ADC12 at 20,000 CNY/t), labour 50, sundries 30: 930 CNY/t.

    ``energy`` and ``burn_loss`` left out follow the prices they come from
    (:func:`logistics.network.prices.ingot_energy_per_t`: gas and electricity;
    :func:`~logistics.network.prices.ingot_burn_loss_per_t`: ``ingot_burn_rate ×
    alloy_price_t``), 400 each at the defaults. A figure written is used as written.
    """

    energy: float | None = Field(None, ge=0.0)
    furnace_depreciation: float = Field(50.0, ge=0.0)
    burn_loss: float | None = Field(None, ge=0.0)
    labour: float = Field(50.0, ge=0.0)
    sundries: float = Field(30.0, ge=0.0)


class LiquidRouteCosts(_Table):
    """The liquid route of the cost table at 30 km, CNY per tonne (Chinese industry reports).

    Holding 70, ladle and equipment depreciation 50, burn loss (0.9 %) and transport
    (about 150) at 30 km 350, special vehicle 100, sundries 30: 600 CNY/t.
    """

    holding: float = Field(70.0, ge=0.0)
    equipment_depreciation: float = Field(50.0, ge=0.0)
    burn_and_transport_30km: float = Field(350.0, ge=0.0)
    special_vehicle: float = Field(100.0, ge=0.0)
    sundries: float = Field(30.0, ge=0.0)


class EconomicsParams(_Table):
    """Money figures, CNY (``[economics]``; the cost table of the Chinese industry reports).

    Attributes
    ----------
    alloy_price_t : float
        ADC12 price the burn-loss items are valued at, CNY/t (Chinese industry reports:
        20,000).
    ingot, liquid : tables
        The cost table, item by item.
    ingot_burn_rate, liquid_burn_rate : float
        Oxidation loss as a share of metal: remelting 2 % (Chinese industry reports:
        2–2.5 %), liquid route 0.9 % (Chinese industry reports).
    truck_cost_per_km, truck_cost_per_h : float
        Ladle-truck running cost; with the default truck (2 ladles of 3 t) these give
        about 150 CNY/t of transport at 30 km, the seed table's figure.
    superheat_cost_per_c_t : float or None
        Gas to heat one tonne of liquid alloy by 1 °C at the smelter, CNY/(°C·t). Left
        out, it is ``[emissions] superheat_gas_m3_per_c_t × gas_price_cny_m3`` (0.094 ×
        4.05 ≈ 0.38; :func:`logistics.network.prices.superheat_cost_per_c_t`); a figure
        written is used as written.
    gas_price_cny_m3, electricity_cny_kwh : float
        What the die-caster pays for natural gas (CNY/Nm³) and electricity (CNY/kWh).
        The seed's 400 CNY/t remelting energy is 70–90 m³ gas and 90–100 kWh per tonne
        (Chinese industry reports); at the midpoints (``[emissions] remelt_gas_m3_t = 80``,
        ``remelt_kwh_t = 95``) 4.05 CNY/m³ and 0.80 CNY/kWh give exactly 400
        (80 × 4.05 + 95 × 0.80). Both are assumptions in the range of Chinese industrial
        tariffs, not figures of the sources: override them with your contract prices.
        While ``ingot.energy`` is left out, the energy item is priced from these.
    operating_days_per_year : float
        Days a year the daily volume is delivered, for yearly savings and CO2: 360, the
        ratio of a leading supplier's 450 kt/yr of liquid deliveries to its "about
        1,250 t a day" (Chinese industry reports, "Operating rules").
    """

    alloy_price_t: float = Field(20000.0, gt=0.0, le=1e6)
    ingot: IngotRouteCosts = IngotRouteCosts()
    liquid: LiquidRouteCosts = LiquidRouteCosts()
    ingot_burn_rate: float = Field(0.02, ge=0.0, le=0.5)
    liquid_burn_rate: float = Field(0.009, ge=0.0, le=0.5)
    truck_cost_per_km: float = Field(8.0, ge=0.0, le=1e4)
    truck_cost_per_h: float = Field(150.0, ge=0.0, le=1e5)
    superheat_cost_per_c_t: float | None = Field(None, ge=0.0, le=100.0)
    gas_price_cny_m3: float = Field(4.05, ge=0.0, le=1000.0)
    electricity_cny_kwh: float = Field(0.80, ge=0.0, le=100.0)
    operating_days_per_year: float = Field(360.0, gt=0.0, le=366.0)


class EmissionsParams(_Table):
    """Emission factors, kg CO2 (``[emissions]``).

    Attributes
    ----------
    natural_gas_m3 : float
        kg CO2 per Nm³ of natural gas, China default 2.16 (emission factors, docs/sources.md).
    grid_kwh : float
        kg CO2 per kWh, China 2022 national grid average 0.5366 (emission factors, docs/sources.md).
    truck_km : float
        kg CO2 per ladle-truck km, ~30–35 L diesel/100 km × 2.68 kg/L (emission
        factors, docs/sources.md).
    remelt_gas_m3_t, remelt_kwh_t : float
        Gas and electricity a die-caster spends remelting one tonne of ingot
        (Chinese industry reports: 70–90 m³ and 90–100 kWh).
    superheat_gas_m3_per_c_t : float
        Gas to heat one tonne of liquid alloy by 1 °C at the smelter: 1.18 MJ/(t·K) at
        ~35 % efficiency over 36 MJ/m³ ≈ 0.094 m³ (specific heat of liquid aluminium
        alloys; the superheat price follows it unless ``superheat_cost_per_c_t`` is set).
    dross_t_per_t : float
        Dross a remelt makes, t per t of aluminium (Chinese industry reports: 0.03–0.05).
    dross_disposal_cny_t : float
        Cost to dispose of one tonne of dross, a hazardous waste since 2021 (Chinese
        industry reports: about 2,000 CNY/t).
    """

    natural_gas_m3: float = Field(2.16, ge=0.0)
    grid_kwh: float = Field(0.5366, ge=0.0)
    truck_km: float = Field(0.9, ge=0.0)
    remelt_gas_m3_t: float = Field(80.0, ge=0.0)
    remelt_kwh_t: float = Field(95.0, ge=0.0)
    superheat_gas_m3_per_c_t: float = Field(0.094, ge=0.0)
    dross_t_per_t: float = Field(0.04, ge=0.0, le=1.0)
    dross_disposal_cny_t: float = Field(2000.0, ge=0.0)


class Params(_Table):
    """All parameter tables of a network."""

    roads: RoadParams = RoadParams()
    thermal: ThermalParams = ThermalParams()
    planning: PlanningParams = PlanningParams()
    economics: EconomicsParams = EconomicsParams()
    emissions: EmissionsParams = EmissionsParams()
