"""The fingerprint of a run's inputs: what decides whether a date is "already planned".

SHA-256 over, in a fixed order: every input file of the network folder (its top-level
``.toml``, ``.csv``, ``.graphml`` and ``.json`` files, by name and content; the
folder's ``orders.csv`` is replaced by ``--orders`` when one is given), the parameters
the plan is made with (after ``--set``), the network name, the plan date and the
solver settings (solver, time limit, solution limit, seed). The number of worker
processes and the software version are recorded beside it but are not part of it, so
moving the job to a bigger machine or installing a new release does not re-plan a day
by itself (``--force`` does).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from logistics.network.params import Params
from logistics.plan.options import PlanOptions

#: Suffixes of the network folder's files that count as inputs.
INPUT_SUFFIXES = frozenset({".toml", ".csv", ".graphml", ".json"})
ORDERS_FILE = "orders.csv"


@dataclass(frozen=True)
class InputFingerprint:
    """The hash of a run's inputs and what went into it.

    Attributes
    ----------
    digest : str
        Hex SHA-256.
    files : dict
        Input file label → hex SHA-256 of its bytes (``orders:<name>`` for ``--orders``).
    settings : dict
        Network, date, solver settings and parameters, as hashed.
    """

    digest: str
    files: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    def changed_files(self, other: dict[str, str]) -> list[str]:
        """Labels of files added, removed or changed against another run's ``files``."""
        labels = set(self.files) | set(other)
        return sorted(k for k in labels if self.files.get(k) != other.get(k))


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(network_dir: Path, orders_file: Path | None = None) -> dict[str, Path]:
    """The input files of a run: label → path, sorted by label."""
    files = {
        p.name: p
        for p in network_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in INPUT_SUFFIXES
    }
    if orders_file is not None:
        files.pop(ORDERS_FILE, None)
        files[f"orders:{orders_file.name}"] = orders_file
    return dict(sorted(files.items()))


def fingerprint(
    network_dir: Path,
    orders_file: Path | None,
    *,
    network: str,
    plan_date: date,
    params: Params,
    options: PlanOptions,
    horizon: dict[str, Any] | None = None,
) -> InputFingerprint:
    """The fingerprint of a run's inputs.

    Parameters
    ----------
    network_dir : Path
        The network folder.
    orders_file : Path, optional
        ``--orders``.
    network : str
        Network name.
    plan_date : date
        The day planned.
    params : Params
        Parameters after ``--set``.
    options : PlanOptions
        How the day is planned: its solver, time limit (s), solution limit and seed are
        hashed (not the number of workers).
    horizon : dict, optional
        A run of several days: its days and the furnace levels its first day starts
        from (hashed too; a run of one day has none, and its digest is unchanged).

    Returns
    -------
    InputFingerprint
        Digest and its parts.
    """
    files = {
        label: _file_digest(path) for label, path in input_files(network_dir, orders_file).items()
    }
    hashed_settings = {
        "network": network,
        "plan_date": plan_date.isoformat(),
        "solver": options.solver,
        "time_limit_s": float(options.time_limit_s),
        "solution_limit": options.solution_limit,
        "seed": options.seed,
        "parameters": params.model_dump(mode="json"),
    }
    if horizon is not None:
        hashed_settings["horizon"] = horizon
    document = json.dumps(
        {"files": files, "settings": hashed_settings}, sort_keys=True, separators=(",", ":")
    )
    return InputFingerprint(hashlib.sha256(document.encode()).hexdigest(), files, hashed_settings)
