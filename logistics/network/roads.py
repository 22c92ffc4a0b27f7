"""``roads.graphml``: an osmnx-style road graph, checked for what the travel model needs."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from logistics.errors import InputError, InputProblem


def load_road_graph(path: Path) -> Any:
    """Read an osmnx-style GraphML road graph and check what the travel model needs.

    Nodes need numeric ``x`` (lon) and ``y`` (lat); edges need a non-negative ``length``
    in metres and may carry ``speed_kph``.

    Returns
    -------
    networkx.MultiDiGraph
        The graph with numeric attributes.
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
            x, y = float(data["x"]), float(data["y"])
            if not (-180 <= x <= 180 and -90 <= y <= 90):
                raise ValueError
            data["x"], data["y"] = x, y
        except (KeyError, ValueError, TypeError):
            problems.append(
                InputProblem(file, None, f"node {node}", "needs numeric x (lon) and y (lat)")
            )
    for u, v, data in graph.edges(data=True):
        try:
            length = float(data["length"])
            if not math.isfinite(length) or length < 0:
                raise ValueError
            data["length"] = length
            if "speed_kph" in data:
                speed = float(data["speed_kph"])
                if not math.isfinite(speed) or speed <= 0:
                    raise ValueError
                data["speed_kph"] = speed
        except (KeyError, ValueError, TypeError):
            problems.append(
                InputProblem(
                    file,
                    None,
                    f"edge {u}->{v}",
                    "needs length ≥ 0 (metres) and speed_kph > 0 if given",
                )
            )
        if len(problems) > 50:
            break
    if problems:
        raise InputError(problems)
    return graph
