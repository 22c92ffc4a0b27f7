"""The ``molten`` command line: thin commands over the library pipeline."""

from logistics.cli.main import app, main

__all__ = ["app", "main"]
