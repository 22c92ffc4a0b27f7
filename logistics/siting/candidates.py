"""Candidate sites: read from a CSV file, or laid out as a grid over the region.

``candidates.csv`` (the network's, or any file given to ``molten site --candidates``):
``site_id, name, lat, lon, capex_cny, rate_tph, alloys`` and optionally ``trucks``.
Every problem is reported with file, spreadsheet row and column, all at once.
"""

from __future__ import annotations

import math
from pathlib import Path
from statistics import median

from logistics.errors import InputError, InputProblem
from logistics.network.csv_tables import CsvSpec, load_table
from logistics.network.model import Network
from logistics.siting.settings import SiteCandidate, StudySettings

CANDIDATES = CsvSpec(
    "candidates.csv",
    SiteCandidate,
    ("site_id", "name", "lat", "lon", "capex_cny", "rate_tph", "alloys"),
    ("trucks",),
    lists=("alloys",),
    key="site_id",
)
#: Capex and rate of a grid site when there are no candidates to take the median of.
GRID_CAPEX_CNY = 150e6
GRID_RATE_TPH = 8.0
#: km per degree of latitude (and of longitude at the equator).
KM_PER_DEGREE = 111.32


def load_candidates(path: Path | str, network: Network, label: str | None = None) -> tuple:
    """Read and validate a candidates CSV against a network.

    Parameters
    ----------
    path : Path or str
        The CSV file.
    network : Network
        The network the sites would join (site ids must not be its smelters' ids).
    label : str, optional
        File name used in messages (default the file's name).

    Returns
    -------
    tuple of SiteCandidate

    Raises
    ------
    InputError
        A missing column or value, a bad number, a duplicate ``site_id``, a site id of
        an existing smelter, a ``rate_tph`` of 0 or an empty ``alloys`` — each with
        file, row and column.
    """
    path = Path(path)
    label = label or path.name
    rows = load_table(path, CANDIDATES, network.plan_date, network.tz, file_label=label)
    problems: list[InputProblem] = []
    smelters = set(network.smelter_by_id)
    trucks = set(network.truck_by_id)
    for row, site in rows:
        if site.site_id in smelters:
            problems.append(
                InputProblem(label, row, "site_id", f"'{site.site_id}' is already a smelter's id")
            )
        if any(t.startswith(f"{site.site_id}-T") for t in trucks):
            problems.append(
                InputProblem(
                    label,
                    row,
                    "site_id",
                    f"trucks '{site.site_id}-T..' already exist; choose another site_id",
                )
            )
        if site.rate_tph <= 0:
            problems.append(InputProblem(label, row, "rate_tph", "must be above 0 t/h (got 0)"))
        if not site.alloys:
            problems.append(
                InputProblem(label, row, "alloys", "name at least one alloy, e.g. ADC12;A380")
            )
    if problems:
        raise InputError(problems)
    if not rows:
        raise InputError(InputProblem(label, None, None, "has no data rows"))
    return tuple(site for _, site in rows)


def network_candidates(network: Network) -> tuple[SiteCandidate, ...]:
    """The network folder's ``candidates.csv`` (with its optional columns), validated.

    Raises
    ------
    InputError
        The network has no ``candidates.csv``, or it has a problem.
    """
    if network.folder is None or not (network.folder / CANDIDATES.file).is_file():
        raise InputError(
            InputProblem(
                CANDIDATES.file,
                None,
                None,
                f"network '{network.name}' has no candidates.csv; give --candidates FILE",
            )
        )
    return load_candidates(network.folder / CANDIDATES.file, network)


def grid_template(
    settings: StudySettings, candidates: tuple[SiteCandidate, ...], network: Network
) -> tuple[float, float, tuple[str, ...]]:
    """Capex (CNY), rate (t/h) and alloys of a grid site (see :class:`StudySettings`)."""
    capex = settings.grid_capex_cny
    if capex is None:
        capex = median(c.capex_cny for c in candidates) if candidates else GRID_CAPEX_CNY
    rate = settings.grid_rate_tph
    if rate is None:
        rate = median(c.rate_tph for c in candidates) if candidates else GRID_RATE_TPH
    alloys = settings.grid_alloys
    if not alloys:
        made = {a for c in candidates for a in c.alloys}
        if not made:
            made = {a for c in network.casters for a in c.alloys}
            made |= {o.alloy for o in network.orders}
        alloys = tuple(sorted(made))
    return float(capex), float(rate), alloys


def grid_sites(
    network: Network, spacing_km: float, capex_cny: float, rate_tph: float, alloys: tuple
) -> tuple[SiteCandidate, ...]:
    """Sites ``spacing_km`` apart over the bounding box of the network's sites.

    The box holds every smelter and caster (and candidate), widened by half a spacing;
    rows run south to north, columns west to east, ids ``G<row>-<col>`` from 1.

    Parameters
    ----------
    network : Network
        Its smelters, casters and candidates span the box.
    spacing_km : float
        Distance between neighbouring points, km (longitude steps are scaled by the
        cosine of the box's middle latitude).
    capex_cny, rate_tph : float
        Capex and rate given to every grid site.
    alloys : tuple of str
        Alloys every grid site makes.

    Returns
    -------
    tuple of SiteCandidate
    """
    points = [(s.lat, s.lon) for s in network.smelters] + [(c.lat, c.lon) for c in network.casters]
    points += [(k.lat, k.lon) for k in network.candidates]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    mid = math.radians((min(lats) + max(lats)) / 2)
    dlat = spacing_km / KM_PER_DEGREE
    dlon = spacing_km / (KM_PER_DEGREE * max(math.cos(mid), 0.05))
    lat0, lon0 = min(lats) - dlat / 2, min(lons) - dlon / 2
    rows = max(1, math.ceil((max(lats) - min(lats)) / dlat) + 1)
    cols = max(1, math.ceil((max(lons) - min(lons)) / dlon) + 1)
    sites = []
    for r in range(rows):
        for c in range(cols):
            lat = min(90.0, lat0 + (r + 0.5) * dlat)
            lon = lon0 + (c + 0.5) * dlon
            sites.append(
                SiteCandidate(
                    site_id=f"G{r + 1:03d}-{c + 1:03d}",
                    name=f"grid {lat:.3f}, {lon:.3f}",
                    lat=round(lat, 4),
                    lon=round(lon, 4),
                    capex_cny=capex_cny,
                    rate_tph=rate_tph,
                    alloys=tuple(alloys),
                )
            )
    return tuple(sites)
