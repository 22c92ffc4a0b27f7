"""Where the app finds its networks, and its settings from the environment.

``MOLTEN_APP_NETWORK``
    Network folder the app opens on (default: the bundled Pearl River Delta sample).
``MOLTEN_SAMPLES``
    Folder whose sub-folders holding a ``network.toml`` are offered as bundled networks
    (default: ``sample_networks/`` of the repository).
``MOLTEN_APP_WORKERS``
    Worker processes for solves (default: 2, at most the CPUs).
``MOLTEN_DB``
    Database of the nightly job's plans (History page).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository (``app.py`` sits at its top).
REPO = Path(__file__).resolve().parents[2]
DEFAULT_SAMPLES = REPO / "sample_networks"
DEFAULT_NETWORK = "pearl_river_delta"


def samples_dir() -> Path:
    """Folder of the bundled networks."""
    return Path(os.environ.get("MOLTEN_SAMPLES") or DEFAULT_SAMPLES)


def bundled_networks() -> dict[str, Path]:
    """Bundled networks by folder name (sub-folders with a ``network.toml``), sorted."""
    root = samples_dir()
    if not root.is_dir():
        return {}
    return {
        p.name: p.resolve()
        for p in sorted(root.iterdir())
        if p.is_dir() and (p / "network.toml").is_file()
    }


def start_network() -> Path:
    """The network folder the app opens on."""
    chosen = os.environ.get("MOLTEN_APP_NETWORK")
    if chosen:
        return Path(chosen).resolve()
    bundled = bundled_networks()
    if DEFAULT_NETWORK in bundled:
        return bundled[DEFAULT_NETWORK]
    if bundled:
        return next(iter(bundled.values()))
    return (DEFAULT_SAMPLES / DEFAULT_NETWORK).resolve()


def worker_count() -> int:
    """Worker processes for solves: ``MOLTEN_APP_WORKERS`` or 2, at most the CPUs."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    try:
        wanted = int(os.environ.get("MOLTEN_APP_WORKERS", "2"))
    except ValueError:
        wanted = 2
    return max(1, min(wanted, cpus))


def database_url() -> str | None:
    """The configured database of plans, or ``None``."""
    return os.environ.get("MOLTEN_DB") or None
