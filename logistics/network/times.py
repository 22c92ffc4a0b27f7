"""Times in network files: ``HH:MM`` on the plan date (up to ``48:00``) or ISO 8601.

``HH:MM`` is a wall-clock time on the plan date in the network's timezone (``26:30`` is
02:30 the next morning); a naive ISO value is read in the network's timezone, an ISO
value with an offset is converted to it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
#: Latest ``HH:MM`` accepted: a plan may run into the morning after (``26:30``).
MAX_CLOCK_HOURS = 48
#: Plausible plan dates: the days a plan is made for (past days replayed, future ones).
PLAN_DATES = (date(2000, 1, 1), date(2100, 12, 31))
#: Years any time in a network file may lie in (far wider than the plan dates, so that
#: an order placed long before its day is fine, but every moment can be converted to
#: and from UTC without leaving the calendar).
TIME_YEARS = (1900, 2200)


def is_clock_time(text: str) -> bool:
    """Whether ``text`` is an ``HH:MM`` time (on whatever day is planned), not a date-time."""
    return _HHMM.match(text) is not None


def plan_date_problem(day: date) -> str | None:
    """Why ``day`` is no plausible plan date (outside :data:`PLAN_DATES`), or ``None``."""
    first, last = PLAN_DATES
    if first <= day <= last:
        return None
    return f"{day.isoformat()} is outside the plausible range {first} to {last}"


def parse_time(text: str, plan_date: date, tz: ZoneInfo) -> datetime:
    """Parse ``HH:MM`` on the plan date (``26:30`` runs into the next day) or ISO 8601.

    Parameters
    ----------
    text : str
        ``HH:MM``/``HH:MM:SS`` (hours up to 48) or an ISO 8601 date-time; a naive ISO
        value is read in the network's timezone.
    plan_date : date
        The day ``HH:MM`` values belong to.
    tz : ZoneInfo
        The network's timezone.

    Returns
    -------
    datetime
        A timezone-aware datetime in ``tz``.

    Raises
    ------
    ValueError
        With a message fit for the user when the text is no time, or a time outside the
        years :data:`TIME_YEARS`.
    """
    moment = _parse(text, plan_date, tz)
    first, last = TIME_YEARS
    if not first <= moment.year <= last:
        raise ValueError(f"'{text}' is outside the plausible years {first}–{last}")
    return moment


def _parse(text: str, plan_date: date, tz: ZoneInfo) -> datetime:
    match = _HHMM.match(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        seconds = int(match.group(3) or 0)
        after_midnight = timedelta(hours=hours, minutes=minutes, seconds=seconds)
        if minutes >= 60 or seconds >= 60 or after_midnight > timedelta(hours=MAX_CLOCK_HOURS):
            raise ValueError(f"'{text}' is not a valid HH:MM time (00:00–48:00, minutes 0–59)")
        midnight = datetime.combine(plan_date, datetime.min.time(), tzinfo=tz)
        try:
            return midnight + after_midnight
        except OverflowError:
            raise ValueError(f"'{text}' on {plan_date} is past the year 9999") from None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"'{text}' is neither HH:MM nor an ISO 8601 date-time (2026-11-23T08:30+08:00)"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    try:
        return moment.astimezone(tz)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the year 9999 in Asia/Shanghai
        raise ValueError(f"'{text}' is out of the supported date range") from None
