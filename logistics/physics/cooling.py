"""Ladle cooling: Newton's law for a lidded, insulated transport ladle.

``T(t) = T_amb + (T_tap − T_amb)·exp(−t/τ)`` with ``t`` the hours from the end of filling
to the start of pouring and ``τ`` the truck's ``tau_h``.

Where the defaults come from:

* ``tau_h = 30`` h gives about 25 °C/h at 780 °C, the loss of the ladles in Chinese
  service (Mansell: ~25 °C/h for a US vendor's ladle). With 780 °C tapped and
  690 °C needed the metal can travel about 3.8 h, i.e. ~150 road km at 40 km/h: the
  120–160 km practical limit of Chinese industry reports ("longest delivery distance practised").
* Modern lidded European crucibles lose 7–15 °C/h (GDA), i.e. ``tau_h`` 50–100
  (docs/models.md derives τ ≈ 70 h for a 4 t crucible).
* Tap temperatures 720–800 °C (dowin; wz.de) and arrival ≥ 680–700 °C for HPDC
  holding furnaces (Pedeo; REWIMET; docs/models.md) bound the sample data.

Tap temperatures are rounded *up* to :data:`TAP_STEP_C`, so a rounded tap still arrives
warm enough.
"""

from __future__ import annotations

import math

#: Tap temperatures are chosen on this grid, °C (rounded up: never colder than needed).
TAP_STEP_C = 0.1


def temperature_after(tap_c: float, hours: float, tau_h: float, ambient_c: float) -> float:
    """Metal temperature after a hold.

    Parameters
    ----------
    tap_c : float
        Temperature at the end of filling, °C.
    hours : float
        Hold from end of filling to start of pouring, h (negative is treated as 0).
    tau_h : float
        Thermal time constant of the ladle, h.
    ambient_c : float
        Ambient temperature, °C.

    Returns
    -------
    float
        Temperature at pour start, °C.
    """
    return ambient_c + (tap_c - ambient_c) * math.exp(-max(hours, 0.0) / tau_h)


def max_hold_h(tap_c: float, min_arrival_c: float, tau_h: float, ambient_c: float) -> float:
    """Longest hold after which metal tapped at ``tap_c`` is still at ``min_arrival_c``.

    Parameters
    ----------
    tap_c : float
        Tap temperature, °C.
    min_arrival_c : float
        Temperature needed at pour start (``min_pour_c + margin_c``), °C.
    tau_h : float
        Thermal time constant, h.
    ambient_c : float
        Ambient temperature, °C.

    Returns
    -------
    float
        Hours; 0 when the tap is already too cold, ``inf`` when the requirement is at or
        below ambient (the metal can never get too cold).

    Examples
    --------
    >>> round(max_hold_h(780, 690, 30, 25), 2)
    3.81
    """
    if min_arrival_c <= ambient_c:
        return math.inf
    if tap_c < min_arrival_c:
        return 0.0
    return tau_h * math.log((tap_c - ambient_c) / (min_arrival_c - ambient_c))


def min_tap_c(hold_h: float, min_arrival_c: float, tau_h: float, ambient_c: float) -> float:
    """Lowest tap temperature that still arrives at ``min_arrival_c`` after ``hold_h``.

    Parameters
    ----------
    hold_h : float
        Hold from end of filling to start of pouring, h.
    min_arrival_c : float
        Temperature needed at pour start, °C.
    tau_h : float
        Thermal time constant, h.
    ambient_c : float
        Ambient temperature, °C.

    Returns
    -------
    float
        Tap temperature, °C (exact; see :func:`choose_tap_c` for the planned value);
        ``inf`` when the hold is so many time constants long that no finite tap would do.
    """
    if min_arrival_c <= ambient_c:
        return min_arrival_c
    try:
        growth = math.exp(max(hold_h, 0.0) / tau_h)
    except OverflowError:  # hold_h / tau_h > ~709
        return math.inf
    return ambient_c + (min_arrival_c - ambient_c) * growth


def choose_tap_c(
    hold_h: float,
    min_arrival_c: float,
    tap_min_c: float,
    tap_max_c: float,
    tau_h: float,
    ambient_c: float,
) -> float | None:
    """The planned tap temperature: lowest in ``[tap_min_c, tap_max_c]`` that arrives hot enough.

    Each ladle is filled at the lowest temperature in the smelter's tap range
    that still arrives at ``min_pour_c + margin_c`` after its planned hold.

    Returns
    -------
    float or None
        The exact tap temperature rounded up to :data:`TAP_STEP_C`, kept inside
        ``[tap_min_c, tap_max_c]`` (a bound off the 0.1 °C grid is used as it is), or
        ``None`` when even ``tap_max_c`` arrives too cold.
    """
    needed = min_tap_c(hold_h, min_arrival_c, tau_h, ambient_c)
    if needed > tap_max_c + 1e-9:  # also catches inf, before ceil() would overflow
        return None
    # round(…, 6) first so that 730.0 / 0.1 = 7300.000000000001 does not step up to 730.1
    stepped = round(math.ceil(round(needed / TAP_STEP_C, 6)) * TAP_STEP_C, 1)
    return min(max(tap_min_c, stepped), tap_max_c)
