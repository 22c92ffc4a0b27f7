"""The grid heat-map as files: HTML (plotly, works offline) and PNG (for reports).

The PNG is made by kaleido (plotly's exporter, v1) when a Chromium-based browser is
installed on the machine — Debian's ``chromium`` package is found at
``/usr/bin/chromium`` and used as it is; kaleido never downloads one by itself.
Without a browser, or if kaleido fails or takes longer than ``KALEIDO_TIMEOUT_S``, the
PNG is drawn with matplotlib from the same grid rows, so a fresh machine without a
browser still gets its picture. The engine used is reported.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Seconds kaleido may take for one PNG before matplotlib takes over.
KALEIDO_TIMEOUT_S = 90.0


def chromium_path() -> str | None:
    """A Chromium-based browser kaleido can use, or ``None`` (nothing is downloaded)."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:  # pragma: no cover - kaleido's dependency
        return None
    try:
        return Chromium.find_browser(skip_local=False)
    except Exception:
        return None


def kaleido_problem() -> str | None:
    """Why kaleido cannot make the PNG on this machine, or ``None`` when it can.

    Cheap (nothing is rendered): callers that were asked for kaleido explicitly check it
    before a long study rather than fail at its end.
    """
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return "kaleido is not installed"
    if chromium_path() is None:
        return "kaleido needs a Chromium-based browser and none is installed"
    return None


def png_with_kaleido(figure: Any, path: Path, width: int = 900, height: int = 760) -> None:
    """Write the figure as PNG with kaleido (needs a Chromium-based browser)."""
    import kaleido

    data = kaleido.calc_fig_sync(
        figure,
        opts={"format": "png", "width": width, "height": height},
        kopts={"timeout": KALEIDO_TIMEOUT_S},
    )
    path.write_bytes(data)


def png_with_matplotlib(
    rows: Sequence[Mapping[str, Any]],
    path: Path,
    *,
    value: str = "saving_cny_year",
    markers: Mapping[str, Sequence[tuple[float, float]]] | None = None,
    title: str = "",
) -> None:
    """Draw the grid rows as a PNG heat-map with matplotlib (no browser needed)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import numpy as np

    lats = sorted({float(r["lat"]) for r in rows})
    lons = sorted({float(r["lon"]) for r in rows})
    z = np.full((len(lats), len(lons)), np.nan)
    li = {v: i for i, v in enumerate(lats)}
    lo = {v: i for i, v in enumerate(lons)}
    for r in rows:
        z[li[float(r["lat"])], lo[float(r["lon"])]] = float(r[value]) / 1e6
    fig, ax = plt.subplots(figsize=(9, 7.6), dpi=100)
    try:
        mesh = ax.pcolormesh(lons, lats, z, cmap="RdYlGn", shading="nearest")
        fig.colorbar(mesh, ax=ax, label="M CNY" + ("/yr" if value.endswith("year") else ""))
        styles: dict[str, dict[str, Any]] = {
            "die-casters": {"marker": ".", "color": "#333333", "s": 12},
            "smelters": {"marker": "^", "color": "#1f3b73", "s": 50},
            "candidates": {"marker": "*", "color": "#7b2cbf", "s": 90},
            "best grid points": {"marker": "o", "facecolors": "none", "edgecolors": "k", "s": 140},
        }
        for name, points in (markers or {}).items():
            if points:
                ax.scatter(
                    [p[1] for p in points],
                    [p[0] for p in points],
                    label=name,
                    **styles.get(name, {}),
                )
        mid = math.radians((lats[0] + lats[-1]) / 2) if lats else 0.0
        ax.set_aspect(1 / max(math.cos(mid), 0.1))
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
        ax.set_title(title)
        if markers:
            ax.legend(loc="lower left", fontsize=8)
        fig.tight_layout()
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)


def write_heatmap(
    figure: Any,
    rows: Sequence[Mapping[str, Any]],
    folder: Path,
    *,
    engine: str = "auto",
    value: str = "saving_cny_year",
    markers: Mapping[str, Sequence[tuple[float, float]]] | None = None,
    stem: str = "heatmap",
) -> str:
    """Write ``<stem>.html`` and ``<stem>.png``; return the PNG engine used.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
        The heat-map (:func:`logistics.charts.siting.siting_heatmap`).
    rows : sequence of mappings
        The grid rows it was drawn from (for the matplotlib PNG).
    folder : Path
        Where to write.
    engine : {"auto", "kaleido", "matplotlib"}
        ``auto``: kaleido when a browser is installed, else (or on failure) matplotlib.
        ``kaleido`` without a browser raises ``RuntimeError`` (check
        :func:`kaleido_problem` before a long study).
    value : str
        The row key shown.
    markers : mapping, optional
        Named ``(lat, lon)`` lists drawn on the matplotlib PNG.
    stem : str
        File name without extension.

    Returns
    -------
    str
        ``kaleido`` or ``matplotlib``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    figure.write_html(folder / f"{stem}.html", include_plotlyjs=True, full_html=True)
    png = folder / f"{stem}.png"
    problem = kaleido_problem() if engine in ("auto", "kaleido") else None
    if engine in ("auto", "kaleido") and problem is None:
        try:
            png_with_kaleido(figure, png)
            return "kaleido"
        except Exception as exc:
            if engine == "kaleido":
                raise
            log.warning("kaleido could not render the PNG (%s); using matplotlib", exc)
    elif engine == "kaleido":
        raise RuntimeError(f"{problem}; use engine 'auto' or 'matplotlib'")
    elif engine == "auto":
        log.info("%s; the heat-map PNG is drawn with matplotlib", problem)
    title = getattr(getattr(figure.layout, "title", None), "text", "") or ""
    png_with_matplotlib(rows, png, value=value, markers=markers, title=title)
    return "matplotlib"
