"""``molten generate``: write a synthetic network of a given size."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from logistics.cli.app import app, option_problem, out
from logistics.errors import InputError
from logistics.network.synthetic import generate_network


@app.command()
def generate(
    out_dir: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder to write the network into.")
    ],
    smelters: Annotated[int, typer.Option(min=1, help="Number of smelters.")] = 4,
    casters: Annotated[int, typer.Option(min=1, help="Number of die-casters.")] = 30,
    trucks: Annotated[
        int | None, typer.Option(min=1, help="Number of trucks (default: sized to tonnes).")
    ] = None,
    tonnes: Annotated[float, typer.Option(min=1.0, help="Tonnes ordered in the day.")] = 1000.0,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 0,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing network folder.")] = False,
) -> None:
    """Write a synthetic network of the given size (reproducible from --seed)."""
    try:
        path = generate_network(
            out_dir,
            smelters=smelters,
            casters=casters,
            trucks=trucks,
            tonnes=tonnes,
            seed=seed,
            overwrite=overwrite,
        )
    except FileExistsError as exc:
        message = str(exc)
        if not overwrite and out_dir.is_dir():  # worded for the library's overwrite=True
            message = f"{out_dir} is not empty (use --overwrite to replace it)"
        raise InputError(option_problem("DIR", message)) from None
    except ValueError as exc:  # a size or seed the generator refuses, named by its option
        name = str(exc).split(" ", 1)[0]
        option = f"--{name}" if name in {"smelters", "casters", "trucks", "seed"} else "--tonnes"
        raise InputError(option_problem(option, str(exc))) from None
    out.print(f"network written to [bold]{path}[/bold]")
