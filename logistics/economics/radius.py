"""How far liquid supply makes sense: break-even distance, thermal reach, practical radius.

The break-even distance depends on what the ingot route is taken to cost; with the
dross of remelting counted (``[economics] count_dross``, the default) it is about 131
road km, without it about 111 km. :func:`radius_by_dross` gives both, to set against the
120–160 km practised in China (:data:`PRACTISED_KM`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from logistics.economics.route_model import TypicalTruck, saving_per_t
from logistics.network.params import Params
from logistics.network.prices import ingot_cost_per_t
from logistics.physics.cooling import max_hold_h

#: The longest liquid deliveries practised in China, road km (Chinese industry reports:
#: best 30–50 km, longest 120–160 km).
PRACTISED_KM = (120.0, 160.0)


def break_even_km(
    params: Params, truck: TypicalTruck = TypicalTruck(), max_km: float = 5000.0
) -> float:
    """Road distance at which liquid supply stops being cheaper than ingots, km.

    The liquid route's cost rises with distance (truck linearly, superheat once the tap
    floor no longer covers the hold), so the saving falls; this finds where it crosses
    zero by bisection (to 1 m). Thermal feasibility is ignored here (see
    :func:`practical_radius`).

    Returns
    -------
    float
        km; 0 when liquid is never cheaper, ``inf`` when still cheaper at ``max_km``.
        About 131 km with the defaults (dross disposal counted), 111 km without.
    """
    if saving_per_t(params, 0.0, truck) <= 0:
        return 0.0
    if saving_per_t(params, max_km, truck) > 0:
        return math.inf
    lo, hi = 0.0, float(max_km)
    while hi - lo > 1e-3:
        mid = (lo + hi) / 2
        if saving_per_t(params, mid, truck) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def thermal_reach_km(
    params: Params,
    tau_h: float = 30.0,
    tap_max_c: float = 780.0,
    min_arrival_c: float = 690.0,
    wait_h: float = 0.0,
) -> float:
    """Farthest road distance metal tapped at ``tap_max_c`` still arrives hot enough, km.

    ``(max_hold_h(tap_max_c, min_arrival_c, tau_h, ambient_c) − wait_h) × speed_kmh``.
    With 780 → 690 °C, τ = 30 h, 25 °C ambient and 40 km/h: 3.81 h, about 152 km
    (the 120–160 km limit practised in China, Chinese industry reports).

    Parameters
    ----------
    params : Params
        ``roads.speed_kmh`` and ``thermal.ambient_c`` are used.
    tau_h : float
        Ladle time constant, h.
    tap_max_c : float
        Hottest tap, °C.
    min_arrival_c : float
        Temperature needed at pour start (``min_pour_c + margin_c``), °C.
    wait_h : float
        Hours of the hold not spent driving (filling the other ladles, waiting to pour).

    Returns
    -------
    float
        Road km (``inf`` if the requirement is at or below ambient).
    """
    hold = max_hold_h(tap_max_c, min_arrival_c, tau_h, params.thermal.ambient_c)
    if math.isinf(hold):
        return math.inf
    return max(0.0, hold - wait_h) * params.roads.speed_kmh


@dataclass(frozen=True)
class PracticalRadius:
    """How far liquid supply makes sense, and what limits it.

    Attributes
    ----------
    break_even_km, thermal_reach_km, radius_km : float
        Road km; ``radius_km`` is the smaller of the two.
    binding : str
        ``"cost"`` or ``"thermal"``.
    reason : str
        One sentence for the user.
    """

    break_even_km: float
    thermal_reach_km: float
    radius_km: float
    binding: str
    reason: str


def practical_radius(params: Params, truck: TypicalTruck = TypicalTruck()) -> PracticalRadius:
    """The practical delivery radius: the smaller of break-even and thermal reach.

    Thermal reach is taken for the typical truck: its τ, tap_max_c and min_arrival_c,
    minus the mean wait (:attr:`TypicalTruck.wait_h`), the same hold
    :func:`liquid_route` prices superheat with. With the defaults: break-even ≈ 131 km
    (111 km without dross disposal), reach ≈ 142 km, so cost binds.
    """
    be = break_even_km(params, truck)
    reach = thermal_reach_km(
        params, truck.tau_h, truck.tap_max_c, truck.min_arrival_c, truck.wait_h
    )
    ingot = ingot_cost_per_t(params)
    if be <= 0:
        return PracticalRadius(
            be,
            reach,
            0.0,
            "cost",
            f"With these figures liquid supply is never cheaper than remelting ingots "
            f"({ingot:,.0f} CNY/t), at any distance.",
        )
    speed = params.roads.speed_kmh
    if be <= reach:
        return PracticalRadius(
            be,
            reach,
            be,
            "cost",
            f"Beyond {be:.0f} road km remelting ingots ({ingot:,.0f} CNY/t) is cheaper, "
            f"although metal tapped at {truck.tap_max_c:.0f} °C would still arrive at "
            f"{truck.min_arrival_c:.0f} °C up to {reach:.0f} km: cost sets the radius.",
        )
    return PracticalRadius(
        be,
        reach,
        reach,
        "thermal",
        f"Beyond {reach:.0f} road km metal tapped at {truck.tap_max_c:.0f} °C arrives "
        f"below {truck.min_arrival_c:.0f} °C (τ {truck.tau_h:g} h, {speed:g} km/h, "
        f"{truck.wait_h * 60:.0f} min waiting), although liquid would stay cheaper up to "
        f"{be:.0f} km: cooling sets the radius.",
    )


def with_dross_counted(params: Params, counted: bool) -> Params:
    """``params`` with ``[economics] count_dross`` set to ``counted``, all else kept."""
    economics = params.economics.model_copy(update={"count_dross": counted})
    return params.model_copy(update={"economics": economics})


def radius_by_dross(
    params: Params, truck: TypicalTruck = TypicalTruck()
) -> dict[str, PracticalRadius]:
    """The practical radius with and without the ingot route's dross disposal.

    Parameters
    ----------
    params : Params
        The figures; its ``count_dross`` is overridden both ways, its ``[emissions]
        dross_t_per_t`` and ``dross_disposal_cny_t`` are used as they are.
    truck : TypicalTruck
        The delivery priced.

    Returns
    -------
    dict
        ``"with_dross"`` and ``"without_dross"``: :class:`PracticalRadius` each (road
        km). At the defaults break-even ≈ 131 km with dross, ≈ 111 km without; thermal
        reach 142 km either way.
    """
    return {
        "with_dross": practical_radius(with_dross_counted(params, True), truck),
        "without_dross": practical_radius(with_dross_counted(params, False), truck),
    }
