"""``roads.graphml``: an osmnx-style road graph, checked for what the travel model needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from logistics.errors import InputError, InputProblem

#: Plausible edge length, metres: 0 (osmnx keeps zero-length edges) to 1,000 km, far
#: longer than any road between two junctions.
EDGE_LENGTH_M = (0.0, 1_000_000.0)
#: Plausible edge speed, km/h: walking pace to above the highest posted limits
#: (140 km/h); osmnx imputes ``speed_kph`` from the roads' limits.
EDGE_SPEED_KPH = (1.0, 150.0)


def _in_range(value: Any, lo: float, hi: float) -> float:
    """``value`` as a float in ``[lo, hi]``; ``ValueError`` otherwise (NaN included)."""
    number = float(value)
    if not lo <= number <= hi:
        raise ValueError(number)
    return number


def load_road_graph(path: Path) -> Any:
    """Read an osmnx-style GraphML road graph and check what the travel model needs.

    Nodes need numeric ``x`` (lon, −180 to 180) and ``y`` (lat, −90 to 90); edges need a
    ``length`` of 0–1,000,000 m and may carry a ``speed_kph`` of 1–150 km/h
    (:data:`EDGE_LENGTH_M`, :data:`EDGE_SPEED_KPH`).

    Parameters
    ----------
    path : Path
        The ``roads.graphml`` file.

    Returns
    -------
    networkx.MultiDiGraph
        The graph with numeric attributes.

    Raises
    ------
    InputError
        An unreadable file, a graph without nodes, or attributes missing or out of range,
        each naming the node or edge.
    """
    import networkx as nx

    file = path.name
    try:
        graph = nx.read_graphml(path)
    except Exception as exc:  # any parse failure is an input error
        raise InputError(
            InputProblem(file, None, None, f"not a readable GraphML file: {exc}")
        ) from None
    if graph.number_of_nodes() == 0:
        raise InputError(InputProblem(file, None, None, "the road graph has no nodes"))
    problems: list[InputProblem] = []
    for node, data in graph.nodes(data=True):
        try:
            data["x"] = _in_range(data["x"], -180.0, 180.0)
            data["y"] = _in_range(data["y"], -90.0, 90.0)
        except (KeyError, ValueError, TypeError, OverflowError):
            problems.append(
                InputProblem(
                    file,
                    None,
                    f"node {node}",
                    "needs numeric x (lon, −180 to 180) and y (lat, −90 to 90)",
                )
            )
        if len(problems) > 50:
            break
    for u, v, data in graph.edges(data=True):
        try:
            data["length"] = _in_range(data["length"], *EDGE_LENGTH_M)
            if "speed_kph" in data:
                data["speed_kph"] = _in_range(data["speed_kph"], *EDGE_SPEED_KPH)
        except (KeyError, ValueError, TypeError, OverflowError):
            problems.append(
                InputProblem(
                    file,
                    None,
                    f"edge {u}->{v}",
                    "needs length 0–1,000,000 m and, if given, speed_kph 1–150 km/h",
                )
            )
        if len(problems) > 50:
            break
    if problems:
        raise InputError(problems)
    return graph
