"""Whether the map tiles can be had: the basemap is drawn only when its server answers.

Map tiles come from Carto's servers. Where they cannot be reached (no internet, a
blocked host) a map asking for them stays blank with no word why; so before drawing the
basemap the app asks the style's server once (answer kept five minutes) and, when it
does not answer, draws the plain map instead with one line saying the basemap is
unavailable. ``MOLTEN_BASEMAP`` names another style URL to ask, or ``off``.
"""

from __future__ import annotations

import os
import threading
import urllib.request
from urllib.parse import urlparse

import streamlit as st

#: The style the basemap loads first (Carto's light map): if it answers, tiles do too.
CARTO_STYLE_URL = "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json"
#: Seconds to wait for the style's server.
TIMEOUT_S = 3.0


def basemap_url() -> str | None:
    """The URL asked before drawing the basemap; ``None`` when it is switched off."""
    chosen = os.environ.get("MOLTEN_BASEMAP", "").strip()
    if chosen.lower() in ("off", "none", "0", "false"):
        return None
    return chosen or CARTO_STYLE_URL


@st.cache_data(ttl=300, show_spinner=False)
def reachable(url: str, timeout_s: float = TIMEOUT_S) -> tuple[bool, str]:
    """Whether ``url`` answers within ``timeout_s`` seconds (name lookup included), and why not.

    Returns
    -------
    (bool, str)
        ``(True, "")``, or ``(False, reason)`` with the error's one-line reason.
    """
    answer: list[tuple[bool, str]] = []

    def ask() -> None:
        try:
            request = urllib.request.Request(url, method="GET")
            with urllib.request.urlopen(request, timeout=timeout_s) as reply:
                answer.append((200 <= reply.status < 400, f"HTTP {reply.status}"))
        except Exception as exc:  # any failure means: no basemap
            reason = getattr(exc, "reason", None) or exc
            answer.append((False, " ".join(str(reason).split()) or type(exc).__name__))

    thread = threading.Thread(target=ask, daemon=True, name="basemap-probe")
    thread.start()
    thread.join(timeout_s + 0.5)
    return answer[0] if answer else (False, f"no answer in {timeout_s:g} s")


def basemap_note(wanted: bool) -> tuple[bool, str | None]:
    """Whether to draw the basemap, and the one line to show when it cannot be.

    Parameters
    ----------
    wanted : bool
        The dispatcher switched the basemap on.

    Returns
    -------
    (bool, str or None)
        ``(True, None)`` when wanted and its server answers; ``(False, None)`` when not
        wanted; ``(False, line)`` when wanted but unavailable (the line names the host
        and the reason, and says the plain map is shown).
    """
    if not wanted:
        return False, None
    url = basemap_url()
    if url is None:
        return False, "The basemap is switched off for this app (MOLTEN_BASEMAP=off): plain map."
    ok, why = reachable(url)
    if ok:
        return True, None
    host = urlparse(url).hostname or url
    return False, (
        f"The basemap is unavailable: {host} cannot be reached from here ({why}). "
        "Showing the plain map: grid or roads, and a scale bar."
    )
