"""Figures of a plan and of the economics, as pure functions of library objects.

Each function returns a plotly figure or a pydeck deck and reads nothing else: the app
shows them, the tests inspect them. Times are shown as wall-clock ``HH:MM`` in the
network's timezone.
"""

from logistics.charts.economics import route_cost_bars, saving_vs_distance, sensitivity_lines
from logistics.charts.fleet import trucks_per_hour
from logistics.charts.gantt import truck_gantt
from logistics.charts.ladle_gantt import ladle_gantt
from logistics.charts.map import network_map
from logistics.charts.temperature import ladle_temperature

__all__ = [
    "ladle_gantt",
    "ladle_temperature",
    "network_map",
    "route_cost_bars",
    "saving_vs_distance",
    "sensitivity_lines",
    "truck_gantt",
    "trucks_per_hour",
]
