"""``molten roads import``: a network's road graph from an OpenStreetMap extract.

The command only parses options and prints; the import is
:func:`logistics.network.osm_import.import_roads`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from logistics.cli.app import app, option_problem, out
from logistics.errors import InputError
from logistics.network.osm_import import (
    DEFAULT_MARGIN_KM,
    DEFAULT_MAX_SNAP_KM,
    RoadImport,
    import_roads,
)
from logistics.network.osm_tags import MAIN_CLASSES

roads_app = typer.Typer(
    no_args_is_help=True,
    help="Road graphs: build a network's roads.graphml from OpenStreetMap.",
)
app.add_typer(roads_app, name="roads")


def _snap_table(result: RoadImport) -> Table:
    """One row per site: where it joins the roads and how far it is from them."""
    table = Table(title="Sites on the road graph")
    for name, justify in (
        ("site", "left"),
        ("id", "left"),
        ("file, row", "left"),
        ("road node", "right"),
        ("snap m", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for snap in result.snaps:
        site = snap.site
        table.add_row(
            site.kind,
            escape(site.site_id),
            f"{site.file}, row {site.row}",
            str(snap.node),
            f"{snap.distance_m:,.1f}",
        )
    return table


@roads_app.command("import")
def import_command(
    extract: Annotated[
        Path,
        typer.Argument(
            metavar="EXTRACT", help="OpenStreetMap extract (.osm.pbf, e.g. from Geofabrik)."
        ),
    ],
    network_dir: Annotated[
        Path,
        typer.Argument(metavar="NETWORK_DIR", help="Network folder to write roads.graphml into."),
    ],
    margin_km: Annotated[
        float,
        typer.Option(min=0.0, max=500.0, help="Margin around the sites' bounding box, km."),
    ] = DEFAULT_MARGIN_KM,
    max_snap_km: Annotated[
        float,
        typer.Option(
            min=0.001, max=100.0, help="Largest distance from a site to its road node, km."
        ),
    ] = DEFAULT_MAX_SNAP_KM,
    min_class: Annotated[
        str,
        typer.Option(
            help="Lowest road class kept: motorway, trunk, primary, secondary, tertiary, "
            "unclassified or residential (every drivable class; higher: a smaller graph)."
        ),
    ] = "residential",
) -> None:
    """Build NETWORK_DIR/roads.graphml: the drivable roads around the network's sites."""
    if min_class not in MAIN_CLASSES:
        raise InputError(option_problem("--min-class", f"use one of {', '.join(MAIN_CLASSES)}"))
    result = import_roads(
        extract, network_dir, margin_km=margin_km, max_snap_km=max_snap_km, min_class=min_class
    )
    out.print(
        f"read {result.ways_read:,} drivable ways ({result.ways_closed:,} closed to heavy "
        f"vehicles or dangerous goods), {result.ways_in_area:,} in the area "
        f"{result.area.text()} (sites + {margin_km:g} km)",
        highlight=False,
        soft_wrap=True,
    )
    out.print(
        f"graph: {result.nodes:,} nodes, {result.edges:,} directed edges, "
        f"{result.road_km:,.1f} km of directed road "
        f"({result.nodes_dropped:,} nodes outside the largest strongly connected part left out)",
        highlight=False,
        soft_wrap=True,
    )
    out.print(_snap_table(result))
    out.print(
        f"[green]✓[/green] {escape(str(result.path))} written "
        f"({result.file_bytes / 1e6:,.1f} MB) in {result.seconds:.1f} s",
        highlight=False,
        soft_wrap=True,
    )
