"""Readers for the public routing benchmarks and their best-known-solution tables.

The instances ship with the repository in ``benchmarks/data/`` (see its ``README.md``
for where each set comes from and its licence). Another folder of the same layout can be
used instead: the ``MOLTEN_BENCHMARKS_DIR`` environment variable, or ``--data DIR`` on
the benchmark command line (:func:`use_data_dir`).

Formats (see ``benchmarks/data/README.md``):

* Solomon and Gehring & Homberger VRPTW — a name line, a ``VEHICLE`` block with the
  vehicle number and capacity, then one row per node
  ``CUST NO. XCOORD. YCOORD. DEMAND READY_TIME DUE_DATE SERVICE_TIME``; node 0 is the
  depot.
* Li & Lim PDPTW — first line ``K Q speed``, then one row per node
  ``id x y demand early late service pickup_index delivery_index``; node 0 is the depot;
  a pickup names its delivery in the last column, a delivery its pickup in the one
  before. Files use CRLF line endings.
* ``bks.csv`` — ``instance,vehicles,distance,source``; hierarchical best-known
  solutions (fewest vehicles, then distance), Euclidean distance in double precision.
* MTVRPTWR — VRPLIB text (``*.vrp``) with a ``.sol`` beside each; read by
  :mod:`benchmarks.mtvrptwr`.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

#: Environment variable that overrides where the benchmark data folder is.
ENV_DIR = "MOLTEN_BENCHMARKS_DIR"

#: The benchmark instances shipped with the repository.
DATA_DIR = Path(__file__).resolve().parent / "data"

#: Benchmark sets: the ``--set`` name on the command line → folder and format.
SETS: dict[str, tuple[str, str]] = {
    "solomon": ("solomon", "vrptw"),
    "li_lim": ("li_lim_100", "pdptw"),
    "gh200": ("gehring_homberger_200", "vrptw"),
    "mtvrptwr": ("mtvrptwr", "mtvrptwr"),
    "irp": ("irp", "irp"),
}

#: File name pattern of a set's instances, by format (default ``*.txt``).
PATTERNS = {"mtvrptwr": "*.vrp", "irp": "*.dat"}


def benchmarks_dir() -> Path:
    """Return the benchmark data folder.

    Returns
    -------
    Path
        ``$MOLTEN_BENCHMARKS_DIR`` if set, else ``benchmarks/data/`` of the repository.
    """
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return DATA_DIR


def use_data_dir(path: Path | str) -> Path:
    """Read the benchmarks from ``path`` from now on (the command line's ``--data DIR``).

    Sets ``MOLTEN_BENCHMARKS_DIR``, so the worker processes that solve the instances
    read the same folder.

    Raises
    ------
    NotADirectoryError
        If ``path`` is not a folder.
    """
    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise NotADirectoryError(f"benchmark data folder not found: {folder}")
    os.environ[ENV_DIR] = str(folder)
    return folder


@dataclass(frozen=True)
class Site:
    """One row of an instance: the depot (index 0) or a customer / task node.

    Attributes
    ----------
    index : int
        Node number as in the file (0 is the depot).
    x, y : float
        Coordinates (Euclidean plane, distance = time).
    demand : int
        Load change; Li & Lim deliveries are negative.
    early, late : float
        Window for the start of service (the depot's is the planning horizon).
    service : float
        Service duration.
    pickup, delivery : int
        Li & Lim sibling indices (0 when absent); always 0 for VRPTW.
    """

    index: int
    x: float
    y: float
    demand: int
    early: float
    late: float
    service: float
    pickup: int = 0
    delivery: int = 0


@dataclass(frozen=True)
class Instance:
    """A benchmark instance as read from its file.

    Attributes
    ----------
    name : str
        Instance name as used in ``bks.csv`` (file stem, e.g. ``lc101``, ``C101``).
    kind : str
        ``vrptw`` or ``pdptw``.
    vehicles : int
        Number of vehicles available (``K``).
    capacity : int
        Vehicle capacity (``Q``).
    sites : tuple[Site, ...]
        Depot first, then the customers in file order (``sites[i].index == i``).
    speed : float
        Li & Lim speed column (1 in every published file; travel time = distance).
    """

    name: str
    kind: str
    vehicles: int
    capacity: int
    sites: tuple[Site, ...]
    speed: float = 1.0

    @property
    def n_customers(self) -> int:
        """Number of nodes other than the depot."""
        return len(self.sites) - 1

    def pairs(self) -> list[tuple[int, int]]:
        """Return the (pickup, delivery) node pairs of a PDPTW instance, by pickup index."""
        return [(s.index, s.delivery) for s in self.sites[1:] if s.delivery > 0]


@dataclass(frozen=True)
class Bks:
    """A best-known solution: vehicles and distance (double precision, unrounded)."""

    instance: str
    vehicles: int
    distance: float
    source: str = ""


def _numbers(line: str) -> list[str]:
    return line.replace("\t", " ").split()


def read_vrptw(path: Path | str) -> Instance:
    """Read a Solomon or Gehring & Homberger VRPTW instance.

    Parameters
    ----------
    path : Path or str
        The ``.txt`` file.

    Returns
    -------
    Instance
        ``kind="vrptw"``; the depot is ``sites[0]``.
    """
    path = Path(path)
    lines = [ln.strip() for ln in path.read_text().splitlines()]
    vehicles = capacity = None
    sites: list[Site] = []
    mode = ""
    for line in lines:
        upper = line.upper()
        if upper.startswith("VEHICLE"):
            mode = "vehicle"
            continue
        if upper.startswith("CUSTOMER"):
            mode = "customer"
            continue
        fields = _numbers(line)
        if not fields or not fields[0].lstrip("-").replace(".", "", 1).isdigit():
            continue
        if mode == "vehicle" and vehicles is None:
            vehicles, capacity = int(fields[0]), int(fields[1])
        elif mode == "customer" and len(fields) >= 7:
            idx, x, y, demand, early, late, service = fields[:7]
            sites.append(
                Site(
                    index=int(idx),
                    x=float(x),
                    y=float(y),
                    demand=int(float(demand)),
                    early=float(early),
                    late=float(late),
                    service=float(service),
                )
            )
    if vehicles is None or capacity is None or not sites:
        raise ValueError(f"{path}: not a Solomon-format VRPTW instance")
    _check_indices(path, sites)
    return Instance(path.stem, "vrptw", vehicles, capacity, tuple(sites))


def read_li_lim(path: Path | str) -> Instance:
    """Read a Li & Lim PDPTW instance (tab-separated, CRLF line endings).

    Parameters
    ----------
    path : Path or str
        The ``.txt`` file.

    Returns
    -------
    Instance
        ``kind="pdptw"``; pickups have ``delivery > 0``, deliveries ``pickup > 0``.
    """
    path = Path(path)
    rows = [_numbers(ln) for ln in path.read_text().splitlines()]
    rows = [r for r in rows if r]
    k, q, speed = rows[0][:3]
    sites = []
    for r in rows[1:]:
        idx, x, y, demand, early, late, service, pick, deliv = r[:9]
        sites.append(
            Site(
                index=int(idx),
                x=float(x),
                y=float(y),
                demand=int(float(demand)),
                early=float(early),
                late=float(late),
                service=float(service),
                pickup=int(pick),
                delivery=int(deliv),
            )
        )
    _check_indices(path, sites)
    for s in sites[1:]:
        if s.delivery > 0 and sites[s.delivery].pickup != s.index:
            raise ValueError(f"{path}: pickup {s.index} and delivery {s.delivery} disagree")
    return Instance(path.stem, "pdptw", int(k), int(q), tuple(sites), float(speed))


def _check_indices(path: Path, sites: list[Site]) -> None:
    for i, s in enumerate(sites):
        if s.index != i:
            raise ValueError(f"{path}: node {s.index} at row {i}; nodes must be numbered 0..n")


def read_bks(path: Path | str) -> dict[str, Bks]:
    """Read a best-known-solution table.

    Parameters
    ----------
    path : Path or str
        A ``bks*.csv`` file with columns ``instance,vehicles,distance[,source]``.

    Returns
    -------
    dict[str, Bks]
        By instance name, lower-cased (``c101``, ``lc101``, ``c1_2_1``).
    """
    out: dict[str, Bks] = {}
    with Path(path).open(newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["instance"].strip()
            out[name.lower()] = Bks(
                instance=name,
                vehicles=int(row["vehicles"]),
                distance=float(row["distance"]),
                source=row.get("source", "") or "",
            )
    return out


def set_dir(set_name: str, root: Path | None = None) -> Path:
    """Return the folder of a benchmark set (``solomon``, ``li_lim``, ``gh200``, ``mtvrptwr``)."""
    folder, _ = SETS[set_name]
    return (root or benchmarks_dir()) / folder


def instance_paths(set_name: str, root: Path | None = None) -> dict[str, Path]:
    """List the instance files of a set, by lower-cased name, in sorted order.

    ``*.txt`` files, or ``*.vrp`` for ``mtvrptwr`` (VRPLIB text, each with its ``.sol``).
    """
    folder = set_dir(set_name, root)
    pattern = PATTERNS.get(SETS[set_name][1], "*.txt")
    files = sorted(p for p in folder.glob(pattern) if p.is_file())
    return {p.stem.lower(): p for p in files}


def read_instance(set_name: str, name: str, root: Path | None = None) -> Instance:
    """Read one instance of a set by name (case-insensitive).

    Parameters
    ----------
    set_name : str
        ``solomon``, ``li_lim`` or ``gh200``.
    name : str
        Instance name, e.g. ``lc101`` or ``c101``.
    root : Path, optional
        Benchmark data folder (default :func:`benchmarks_dir`).

    Returns
    -------
    Instance
    """
    paths = instance_paths(set_name, root)
    try:
        path = paths[name.lower()]
    except KeyError:
        raise KeyError(f"no instance {name!r} in set {set_name!r}") from None
    _, fmt = SETS[set_name]
    if fmt == "mtvrptwr":
        raise ValueError("read MTVRPTWR instances with benchmarks.mtvrptwr.read_mtvrptwr")
    return read_li_lim(path) if fmt == "pdptw" else read_vrptw(path)


def read_set_bks(set_name: str, root: Path | None = None) -> dict[str, Bks]:
    """Read the hierarchical ``bks.csv`` of a set, by lower-cased instance name."""
    return read_bks(set_dir(set_name, root) / "bks.csv")
