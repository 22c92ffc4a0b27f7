"""The app in a real browser: Debian's Chromium drives ``streamlit run app.py`` on localhost.

It plans tests/data/tiny and finds the KPI numbers, the map's canvas and the Gantt on
the page, saving screenshots under the test's ``tmp_path``. Outside CI the test skips
when ``/usr/bin/chromium`` is missing; in CI (``CI=true``) it must run.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.conftest import APP
from tests.conftest import TEST_DATA

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """The app served by ``streamlit run`` on a free localhost port."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("/usr/bin/chromium is missing in CI (.ci/run installs it)")
        pytest.skip("/usr/bin/chromium is missing: apt-get install chromium to run this test")
    streamlit = Path(sys.executable).parent / "streamlit"
    port = _free_port()
    env = {
        **os.environ,
        "MOLTEN_APP_NETWORK": str(TEST_DATA / "tiny"),
        "MOLTEN_SAMPLES": str(TEST_DATA),
        "MOLTEN_APP_WORKERS": "1",
    }
    env.pop("MOLTEN_DB", None)
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            str(streamlit),
            "run",
            str(APP),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=APP.parent,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    "streamlit did not start: " + (tmp_path / "streamlit.log").read_text()
                )
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_plan_tiny_in_chromium(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(app_url, wait_until="domcontentloaded")
            plan_button = page.get_by_role("button", name="Plan the day")
            expect(plan_button).to_be_visible(timeout=60_000)
            limit = page.get_by_label("Time limit, s")
            limit.fill("2")
            limit.press("Enter")
            page.wait_for_timeout(500)
            plan_button.click()
            delivered = page.locator('[data-testid="stMetric"]', has_text="Delivered liquid")
            expect(delivered).to_be_visible(timeout=90_000)
            page.screenshot(path=str(tmp_path / "plan.png"), full_page=True)
            value = delivered.locator('[data-testid="stMetricValue"]').inner_text()
            assert re.fullmatch(r"[\d,]+\.\d t", value.strip()), value
            assert float(value.split()[0].replace(",", "")) > 0
            labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
            for label in ("Ordered", "Route cost", "Saving vs ingots", "CO2 avoided"):
                assert any(label in text for text in labels), labels
            deck = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
            expect(deck).to_be_visible(timeout=30_000)
            box = deck.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 200
            deck.scroll_into_view_if_needed()
            page.wait_for_timeout(1000)
            deck.screenshot(path=str(tmp_path / "map.png"))
            page.get_by_role("tab", name="Trucks").click()
            gantt = page.locator(".js-plotly-plot").first
            expect(gantt).to_be_visible(timeout=30_000)
            bars = gantt.locator("g.barlayer path")
            expect(bars.first).to_be_attached(timeout=30_000)
            assert bars.count() > 0
            page.screenshot(path=str(tmp_path / "gantt.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "plan.png").stat().st_size > 10_000
