"""Which history database to use (light: importing it loads no database library)."""

from __future__ import annotations

import os

#: Environment variable holding the default database URL.
DB_ENV = "MOLTEN_DB"
#: The database used when neither ``--db`` nor ``$MOLTEN_DB`` names one.
DEFAULT_URL = "sqlite:///molten.db"


def resolve_url(url: str | None) -> str:
    """The database URL to use: ``url``, else ``$MOLTEN_DB``, else :data:`DEFAULT_URL`."""
    return url or os.environ.get(DB_ENV) or DEFAULT_URL
