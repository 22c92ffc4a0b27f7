"""What an OpenStreetMap way's tags say to a ladle truck: road class, direction, speed.

Pure functions over a way's tags (a ``{key: value}`` mapping), used by
:mod:`logistics.network.osm_import`. The rules, with their sources, are in
``docs/add-your-region.md`` (a road graph from OpenStreetMap) and ``docs/sources.md``.

- **Drivable classes** (:data:`DRIVABLE`): motorway, trunk, primary, secondary,
  tertiary, unclassified and residential, and the ``_link`` ramps of the first five.
  Footways, cycleways, paths, tracks, service roads, living streets and roads under
  construction are not driven by a ladle truck.
- **Closed to a ladle truck** (:func:`closed_to_trucks`): the most specific of ``hgv``,
  ``motor_vehicle``, ``vehicle`` and ``access`` that is tagged says ``no``, ``private``,
  ``agricultural``, ``forestry``, ``emergency`` or ``military``; or ``hazmat=no``
  (molten aluminium is dangerous goods, UN 3257); or ``area=yes``.
- **Direction** (:func:`direction`): ``oneway=yes|true|1`` one way along the way,
  ``oneway=-1|reverse`` against it; ``highway=motorway`` and ``junction=roundabout|circular``
  are one way unless tagged ``oneway=no``; everything else both ways.
- **Speed** (:func:`road_speed_kph`): the way's ``maxspeed:hgv``, else ``maxspeed``, else
  the lower of ``maxspeed:forward`` and ``maxspeed:backward``, read by
  :func:`parse_maxspeed`; else the default of its class (:data:`DEFAULT_SPEED_KPH`);
  then capped at the speed limit for a vehicle carrying hot liquid metal (``[roads]
  max_kph_expressway`` on motorways and their ramps, ``max_kph_other`` elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Road classes (``highway=*``) a ladle truck drives on, fastest first.
DRIVABLE: tuple[str, ...] = (
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
)

#: Speed of a road class without a readable ``maxspeed``, km/h: China's limits where the
#: law sets one (expressways 120 km/h, art. 78; roads without a signed limit and one lane
#: each way 50 km/h in towns, 70 km/h outside; without a centre line 30 and 40 km/h,
#: art. 45 of the Road Traffic Safety Law's implementing regulation), our engineering
#: estimates for the classes in between and for ramps. The hot-metal caps then apply.
DEFAULT_SPEED_KPH: dict[str, float] = {
    "motorway": 120.0,
    "motorway_link": 60.0,
    "trunk": 80.0,
    "trunk_link": 40.0,
    "primary": 70.0,
    "primary_link": 40.0,
    "secondary": 60.0,
    "secondary_link": 40.0,
    "tertiary": 50.0,
    "tertiary_link": 30.0,
    "unclassified": 40.0,
    "residential": 30.0,
}

#: The main classes, fastest first: ``--min-class`` keeps a class and those above it
#: (each with its ``_link`` ramps).
MAIN_CLASSES: tuple[str, ...] = (
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
)


def classes_down_to(lowest: str) -> tuple[str, ...]:
    """The drivable classes from ``motorway`` down to ``lowest``, with their ramps.

    Parameters
    ----------
    lowest : str
        One of :data:`MAIN_CLASSES`.

    Returns
    -------
    tuple[str, ...]
        E.g. ``classes_down_to("trunk")`` is motorway, motorway_link, trunk, trunk_link.

    Raises
    ------
    ValueError
        ``lowest`` is not a main class.
    """
    if lowest not in MAIN_CLASSES:
        raise ValueError(f"'{lowest}' is not one of {', '.join(MAIN_CLASSES)}")
    kept = MAIN_CLASSES[: MAIN_CLASSES.index(lowest) + 1]
    return tuple(c for c in DRIVABLE if c.removesuffix("_link") in kept)


#: Road classes that are expressways (高速公路) for the hot-metal cap.
EXPRESSWAY: frozenset[str] = frozenset({"motorway", "motorway_link"})

#: Context values of ``maxspeed`` (``CN:urban``, ``RU:rural``, ``IT:motorway``), km/h,
#: read with China's limits whatever the country code: a town road 50, a rural road 70
#: (art. 45, one lane each way), an expressway 120 (art. 78), a living street 20 (our
#: assumption), walking pace 6.
ZONE_SPEED_KPH: dict[str, float] = {
    "urban": 50.0,
    "rural": 70.0,
    "motorway": 120.0,
    "expressway": 120.0,
    "trunk": 70.0,
    "living_street": 20.0,
    "walk": 6.0,
}

#: Values of an access tag that keep a ladle truck out.
NO_ACCESS = frozenset({"no", "private", "agricultural", "forestry", "emergency", "military"})
#: Access tags from the most to the least specific for a heavy goods vehicle.
ACCESS_KEYS = ("hgv", "motor_vehicle", "vehicle", "access")

_MPH_KPH = 1.609344
_KNOT_KPH = 1.852
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$", re.IGNORECASE)
_ZONE = re.compile(r"^\s*[A-Za-z]{2}(?:-[A-Za-z0-9]+)?:(?:zone:?)?([a-z_]*?)(\d+)?\s*$")


def _one_maxspeed(text: str) -> float | None:
    """One ``maxspeed`` value (no ``;``) in km/h, or None."""
    number = _NUMBER.match(text)
    if number:
        value = float(number.group(1))
        unit = (number.group(2) or "").lower()
        if unit == "mph":
            value *= _MPH_KPH
        elif unit == "knots":
            value *= _KNOT_KPH
        return value if value >= 1.0 else None  # below walking pace: a typo
    zone = _ZONE.match(text)
    if zone:
        if zone.group(2):  # DE:zone30, DE:zone:30
            return float(zone.group(2))
        return ZONE_SPEED_KPH.get(zone.group(1).lower())
    return ZONE_SPEED_KPH.get(text.strip().lower())  # "walk"


def parse_maxspeed(text: str | None) -> float | None:
    """A ``maxspeed`` tag in km/h, or None when it gives no number.

    Parameters
    ----------
    text : str or None
        The tag's value: ``60``, ``60 km/h``, ``50 mph``, ``10 knots``, a context value
        ``CN:urban`` (:data:`ZONE_SPEED_KPH`, China's limits), a zone ``DE:zone30``,
        ``walk``, or several values ``60;80`` (the lowest is taken).

    Returns
    -------
    float or None
        km/h; None for ``none``, ``signals``, ``variable``, an unknown context and
        anything unreadable (the caller then uses the road class's default).

    Examples
    --------
    >>> parse_maxspeed("50 mph")
    80.4672
    >>> parse_maxspeed("CN:urban"), parse_maxspeed("60;80"), parse_maxspeed("signals")
    (50.0, 60.0, None)
    """
    if not text:
        return None
    values = [_one_maxspeed(part) for part in text.split(";")]
    numbers = [v for v in values if v is not None]
    return min(numbers) if numbers else None


def closed_to_trucks(tags: Mapping[str, str]) -> bool:
    """Whether a ladle truck may not drive a way (see the module's rules).

    Parameters
    ----------
    tags : Mapping[str, str]
        The way's tags.

    Returns
    -------
    bool
        True when the most specific access tag that is set keeps heavy vehicles out,
        when ``hazmat=no`` or when the way is an area.
    """
    if tags.get("area") == "yes" or tags.get("hazmat") == "no":
        return True
    for key in ACCESS_KEYS:
        value = tags.get(key)
        if value is not None:
            return value.strip().lower() in NO_ACCESS
    return False


def direction(tags: Mapping[str, str]) -> int:
    """Which way a way may be driven: 1 along it, -1 against it, 0 both ways.

    Parameters
    ----------
    tags : Mapping[str, str]
        The way's tags (``oneway``, ``highway``, ``junction``).

    Returns
    -------
    int
        ``1`` for ``oneway=yes|true|1`` and for motorways and roundabouts not tagged
        ``oneway=no``; ``-1`` for ``oneway=-1|reverse``; ``0`` otherwise (also
        ``reversible`` and ``alternating``, driven both ways as routers do).
    """
    oneway = (tags.get("oneway") or "").strip().lower()
    if oneway in {"yes", "true", "1"}:
        return 1
    if oneway in {"-1", "reverse"}:
        return -1
    if oneway in {"no", "false", "0"}:
        return 0
    implied = tags.get("highway") == "motorway" or tags.get("junction") in {
        "roundabout",
        "circular",
    }
    return 1 if implied else 0


def tagged_speed_kph(tags: Mapping[str, str]) -> float | None:
    """The speed limit a way's tags give a heavy vehicle, km/h, or None.

    ``maxspeed:hgv``, else ``maxspeed``, else the lower of ``maxspeed:forward`` and
    ``maxspeed:backward``; each read with :func:`parse_maxspeed`.
    """
    for key in ("maxspeed:hgv", "maxspeed"):
        value = parse_maxspeed(tags.get(key))
        if value is not None:
            return value
    sides = [parse_maxspeed(tags.get(f"maxspeed:{side}")) for side in ("forward", "backward")]
    known = [v for v in sides if v is not None]
    return min(known) if known else None


def road_speed_kph(
    tags: Mapping[str, str], max_kph_expressway: float, max_kph_other: float
) -> tuple[float, str]:
    """The speed a ladle truck drives a way at, km/h, and where it came from.

    Parameters
    ----------
    tags : Mapping[str, str]
        The way's tags; ``highway`` must be one of :data:`DRIVABLE`.
    max_kph_expressway, max_kph_other : float
        The hot-metal caps, km/h (``[roads]`` of ``network.toml``): on motorways and
        their ramps, and on every other road.

    Returns
    -------
    tuple[float, str]
        km/h, and ``"maxspeed"`` (the tags gave it), ``"default"`` (the class's
        default) or ``"cap"`` (the hot-metal cap was lower).
    """
    highway = tags["highway"]
    tagged = tagged_speed_kph(tags)
    speed, source = (
        (tagged, "maxspeed")
        if tagged is not None
        else (
            DEFAULT_SPEED_KPH[highway],
            "default",
        )
    )
    cap = max_kph_expressway if highway in EXPRESSWAY else max_kph_other
    if cap < speed:
        return cap, "cap"
    return speed, source
