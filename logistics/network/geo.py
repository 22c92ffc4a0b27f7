"""Great-circle distance on the mean Earth sphere, the one haversine of the package.

Fast estimates only — the travel model itself is geodesic on the WGS-84 ellipsoid
(:mod:`logistics.physics.travel`): the sphere is about 0.2 % short at 23° N. Used where
many distances are needed quickly (snapping sites to a road graph, placing generated
sites, screening a siting grid).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> np.ndarray:
    """Great-circle km between points, element-wise with numpy broadcasting.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : array_like
        Degrees. Shapes broadcast: one point against many (scalars and 1-d arrays), or
        every pair (``lat1[:, None]`` against ``lat2[None, :]``).

    Returns
    -------
    numpy.ndarray
        Distances, km (a 0-d array for scalars).

    Examples
    --------
    >>> round(float(haversine_km(0.0, 0.0, 1.0, 0.0)), 3)
    111.195
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
