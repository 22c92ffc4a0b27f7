"""What can stop the nightly job besides bad input and an impossible day.

The CLI maps each to its exit code: :class:`DatabaseUnavailableError` (and its
:class:`SchemaMismatchError`) to 6, :class:`DateLockedError` to 5. Messages are one line and
never show a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


class DatabaseUnavailableError(Exception):
    """The database cannot be reached, refuses the credentials or cannot be used."""


class SchemaMismatchError(DatabaseUnavailableError):
    """The database's schema is not the one this version of molten works with."""


class PlanNotFoundError(LookupError):
    """No stored plan matches the network, date and version asked for."""


@dataclass(frozen=True)
class LockHolder:
    """Who holds the lock of a network's plan date.

    Attributes
    ----------
    pid : int or None
        Process id of the holder, on its host.
    host : str or None
        Host the holder runs on.
    since : datetime or None
        When it took the lock (aware).
    detail : str
        Anything else known (the PostgreSQL session), or why nothing is known.
    """

    pid: int | None = None
    host: str | None = None
    since: datetime | None = None
    detail: str = ""

    def describe(self) -> str:
        """``pid 4242 on host ops-1 since 2026-11-23 02:00:03+08:00``."""
        parts = []
        if self.pid is not None:
            parts.append(f"pid {self.pid}")
        if self.host:
            parts.append(f"on host {self.host}")
        if self.since is not None:
            parts.append(f"since {self.since.astimezone().isoformat(timespec='seconds')}")
        if self.detail:
            parts.append(f"({self.detail})" if parts else self.detail)
        return " ".join(parts) or "another process"


class DateLockedError(Exception):
    """Another run holds the lock of this network's plan date."""

    def __init__(self, network: str, plan_date: date, holder: LockHolder):
        self.network = network
        self.plan_date = plan_date
        self.holder = holder
        super().__init__(
            f"{network} {plan_date.isoformat()} is being planned by {holder.describe()}; "
            "not started"
        )
