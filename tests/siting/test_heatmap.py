"""The siting heat-map: the figure, and its PNG with kaleido (a browser) or matplotlib."""

from __future__ import annotations

import pytest

from logistics.charts.siting import siting_heatmap
from logistics.siting.heatmap import chromium_path, write_heatmap

PNG = b"\x89PNG\r\n\x1a\n"


def _rows():
    return [
        {
            "site_id": f"G{r}-{c}",
            "lat": 22.0 + 0.2 * r,
            "lon": 112.0 + 0.2 * c,
            "saving_cny_year": 1e6 * (r - c),
            "npv_cny": -1e7 + 1e6 * r,
        }
        for r in range(4)
        for c in range(5)
    ]


def test_matplotlib_draws_the_png_without_a_browser(tmp_path):
    fig = siting_heatmap(_rows())
    engine = write_heatmap(fig, _rows(), tmp_path, engine="matplotlib")
    assert engine == "matplotlib"
    assert (tmp_path / "heatmap.png").read_bytes()[:8] == PNG
    assert (tmp_path / "heatmap.html").stat().st_size > 1_000_000  # plotly.js inside: offline


@pytest.mark.skipif(chromium_path() is None, reason="no Chromium-based browser installed")
def test_kaleido_uses_the_installed_chromium(tmp_path):
    fig = siting_heatmap(_rows())
    assert write_heatmap(fig, _rows(), tmp_path, engine="kaleido") == "kaleido"
    assert (tmp_path / "heatmap.png").read_bytes()[:8] == PNG
