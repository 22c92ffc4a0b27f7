"""The siting heat-map figure."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from logistics import load_network
from logistics.charts.siting import siting_heatmap
from tests.siting.conftest import SITING
from tests.siting.test_heatmap import _rows


def test_the_figure_is_a_grid_of_the_values():
    network = load_network(SITING)
    fig = siting_heatmap(_rows(), network=network, best=["G3-0"])
    assert isinstance(fig, go.Figure)
    heat = fig.data[0]
    assert len(heat.y) == 4 and len(heat.x) == 5
    assert heat.z[3][0] == pytest.approx(3.0)  # M CNY a year
    names = {t.name for t in fig.data[1:]}
    assert {"smelters", "die-casters", "best grid points"} <= names
