"""The cost report table that ``molten cost`` prints."""

from __future__ import annotations

from rich.console import Console

from logistics.cli.render import render_cost_report
from logistics.economics.cost_report import cost_report
from logistics.network.params import Params


def test_render_cost_report_shows_the_seed_items() -> None:
    table = render_cost_report(cost_report(Params()))
    console = Console(record=True, width=140)
    console.print(table)
    text = console.export_text()
    for label, value in [
        ("energy for remelting", "400"),
        ("burn loss and transport, 30 km", "350"),
        ("dross disposal", "80"),
        ("total", "1,010"),
        ("total", "600"),
        ("saving against ingots", "410"),
        ("break-even distance", "131 km"),
        ("practical radius", "131 km"),
        ("break-even, with dross disposal", "131 km"),
        ("break-even, without dross disposal", "111 km"),
        ("practical radius, without dross", "111 km (cost)"),
        ("longest deliveries practised in China", "120–160 km"),
    ]:
        line = next((ln for ln in text.splitlines() if label in ln and value in ln), None)
        assert line is not None, (label, value, text)
