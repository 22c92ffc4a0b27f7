"""``molten cost``: ingot remelting against liquid supply per tonne, CO2, break-even."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.app import app, out
from logistics.cli.render import render_cost_report
from logistics.economics.cost_report import cost_report
from logistics.economics.route_model import TypicalTruck, typical_truck
from logistics.network.loader import load_network
from logistics.network.overrides import apply_overrides, parse_assignments
from logistics.network.params import Params
from logistics.network.settings import load_settings


@app.command()
def cost(
    distance_km: Annotated[
        float, typer.Option(help="Road km from smelter to caster.", min=0.0)
    ] = 30.0,
    network_dir: Annotated[
        Path | None,
        typer.Option(
            "--network",
            help="Take the figures from this network: its economics and emissions tables, "
            "and its fleet, sites and production for the typical delivery.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a figure: table.key=value (repeatable)."),
    ] = None,
) -> None:
    """Ingot remelting vs liquid supply per tonne, CO2, break-even distance."""
    truck = TypicalTruck()
    params = Params()
    if network_dir is not None:
        params = load_settings(network_dir).params
        truck = typical_truck(load_network(network_dir))
    if set_:
        params = apply_overrides(params, parse_assignments(set_))
    report = cost_report(params, distance_km=distance_km, truck=truck)
    if as_json:
        out.print_json(json.dumps(report, ensure_ascii=False))
    else:
        out.print(render_cost_report(report))
