"""The dispatcher's day in a real browser: Debian's Chromium drives ``streamlit run app.py``.

On the Pearl River Delta copy (tests/data/pearl_river_delta), at a 1280 px wide window:
plan the day and read every tab, download every file (and open the zip and the Excel
workbook), add an urgent order and re-plan (both modes previewed, re-optimise accepted),
check the plan, read the economics, run a siting study twice, open a stored version
from the history database (SQLite, ``MOLTEN_DB``), and visit every page twice in two
orders, each page keeping what was chosen on it. Every page must show no exception, no
empty chart and no truncated label; no map style or tile is ever requested (the
basemap's server is unreachable here, and the app must say so). At the end an uploaded
network's folder must be gone once the app has stopped.

The map screenshots of ``docs/app.md`` are written by this test (``docs/images/``).
Outside CI the test skips when ``/usr/bin/chromium`` is missing; in CI (``CI=true``) it
must run.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

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
#: Where the screenshots of docs/app.md go.
IMAGES = APP.parent / "docs" / "images"
NETWORK = TEST_DATA / "pearl_river_delta"
#: Hosts of map styles and tiles: never asked (the basemap is off, then unavailable).
MAP_HOSTS = ("cartocdn", "carto.com", "mapbox", "maptiler", "openstreetmap")
PAGES = ("Plan", "Orders", "Re-plan", "Check", "Economics", "Furnaces", "History", "Siting")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """The app under test: its address and the temporary folder it unpacks uploads into."""

    url: str
    tmp: Path
    process: subprocess.Popen
    log: Path
    stopped: list[bool] = field(default_factory=list)

    def stop(self) -> None:
        """Stop the app as a service manager would (SIGTERM), once."""
        if self.stopped:
            return
        self.stopped.append(True)
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _history_database(tmp_path: Path) -> str:
    """A history database with one version of the day, as the nightly job stores it."""
    from logistics.dispatch import DispatchRequest, run_dispatch
    from logistics.plan.options import PlanOptions

    url = f"sqlite:///{tmp_path / 'history.db'}"
    run_dispatch(
        DispatchRequest(
            NETWORK, date(2026, 11, 23), url, options=PlanOptions(solver="greedy", time_limit_s=5)
        )
    )
    return url


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """``streamlit run app.py`` on a free localhost port, on the Pearl River Delta copy."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("/usr/bin/chromium is missing in CI (.ci/run installs it)")
        pytest.skip("/usr/bin/chromium is missing: apt-get install chromium to run this test")
    streamlit = Path(sys.executable).parent / "streamlit"
    port = _free_port()
    # The app's temporary folder: short, since multiprocessing puts its manager's Unix
    # socket there and the kernel allows 108 bytes (pytest's tmp_path under xdist is
    # longer than that allows).
    tmp = Path(tempfile.mkdtemp(prefix="molten-ui-", dir="/tmp"))
    env = {
        **os.environ,
        "MOLTEN_APP_NETWORK": str(NETWORK),
        "MOLTEN_SAMPLES": str(TEST_DATA),
        "MOLTEN_APP_WORKERS": "1",
        "MOLTEN_DB": _history_database(tmp_path),
        # the basemap's server does not answer (a closed port): the app must say so
        "MOLTEN_BASEMAP": f"http://127.0.0.1:{_free_port()}/style.json",
        "TMPDIR": str(tmp),
    }
    log = tmp_path / "streamlit.log"
    with log.open("w") as out:
        process = subprocess.Popen(
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
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    app = Server(f"http://127.0.0.1:{port}", tmp, process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{app.url}/_stcore/health", timeout=2) as reply:
                    if reply.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("streamlit did not start: " + log.read_text())
            time.sleep(0.5)
        yield app
    finally:
        app.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# -- what every page must be ----------------------------------------------------------
TRUNCATED_JS = """
() => {
  const roots = document.querySelectorAll(
    '[data-testid="stMetricLabel"], [data-testid="stMetricValue"], ' +
    '[data-testid="stMetricDelta"], [data-testid="stWidgetLabel"], button[role="tab"], ' +
    '[data-testid="stBaseButton-primary"], [data-testid="stBaseButton-secondary"]');
  const cut = [];
  for (const root of roots) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      const style = getComputedStyle(el);
      if (el.offsetParent !== null && style.textOverflow === 'ellipsis'
          && el.scrollWidth > el.clientWidth + 1) {
        cut.push(root.innerText.trim());
        break;
      }
    }
  }
  return cut;
}
"""
EMPTY_CHARTS_JS = """
() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter(gd => gd.offsetParent !== null)
  .map(gd => ({
    title: (gd.layout && gd.layout.title && gd.layout.title.text) || '',
    points: (gd.data || []).reduce((n, t) =>
      n + Math.max((t.x || []).length, (t.y || []).length, (t.z || []).length), 0),
  }))
  .filter(chart => chart.points === 0)
"""


#: The script's state Streamlit writes on the app's root as soon as the server tells it
#: (``running``, ``rerunRequested``, ``notRunning``, …); its "Running..." widget only
#: shows after half a second of running, which a loaded machine's reruns slipped past.
SCRIPT_STATE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app ? app.getAttribute('data-test-script-state') : null;
}
"""
#: Settled: the script's state ``notRunning`` (or a compile error, which the page then
#: shows) for this long without a break, ms.
QUIET_MS = 500
#: How long an expectation waits unless it says otherwise, ms (Playwright's 5 s is less
#: than one rerun of the app takes on a loaded machine).
EXPECT_MS = 30_000


def settle(page: Any, timeout_ms: int = 90_000) -> None:
    """Wait until the app has finished running the page: the script's state has stayed
    ``notRunning`` for :data:`QUIET_MS` (a rerun asked for that starts late breaks it)."""
    deadline = time.monotonic() + timeout_ms / 1000
    page.wait_for_timeout(300)
    quiet_ms = 0
    while quiet_ms < QUIET_MS:
        if time.monotonic() > deadline:
            raise AssertionError("the page is still running")
        settled = page.evaluate(SCRIPT_STATE_JS) in ("notRunning", "compilationError")
        quiet_ms = quiet_ms + 100 if settled else 0
        page.wait_for_timeout(100)


def check_page(page: Any, name: str) -> None:
    """No exception, no empty chart, no truncated label, no blank map on the page."""
    from playwright.sync_api import expect

    settle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Traceback" not in body and "Error:" not in body.replace("Errors:", ""), name
    assert page.evaluate(EMPTY_CHARTS_JS) == [], name
    cut = page.evaluate(TRUNCATED_JS)
    assert cut == [], (name, cut)
    for deck in page.locator('[data-testid="stDeckGlJsonChart"]').all():
        if deck.is_visible():
            assert_drawn(deck, name)


def assert_drawn(deck: Any, name: str) -> None:
    """A map is drawn: its canvas shows many colours (sites, lines, labels, the grid)."""
    from PIL import Image

    deck.scroll_into_view_if_needed()
    deck.page.wait_for_timeout(800)
    image = Image.open(io.BytesIO(deck.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 50, (name, "the map looks blank")


def go(page: Any, name: str) -> None:
    """Open a page from the sidebar and wait for it."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name, exact=True).click()
    page.wait_for_function(
        "n => [...document.querySelectorAll('h1')].some(h => h.innerText.length > 0)", arg=name
    )
    settle(page)


def choose(page: Any, label: str, option: str) -> None:
    """Pick an option of a select box by its label."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def type_number(page: Any, label: str, value: str) -> None:
    field_ = page.get_by_label(label, exact=True)
    field_.fill(value)
    field_.press("Enter")
    settle(page)


def open_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    settle(page)


# -- the day ---------------------------------------------------------------------------
def plan_the_day(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Plan the day")).to_be_visible(timeout=60_000)
    settle(page)
    check_page(page, "Plan (before planning)")
    choose(page, "Solver", "dispatcher's rule")
    type_number(page, "Time limit, s", "3")
    page.get_by_role("button", name="Plan the day").click()
    delivered = page.locator('[data-testid="stMetric"]', has_text="Delivered liquid")
    expect(delivered).to_be_visible(timeout=90_000)
    settle(page)
    value = delivered.locator('[data-testid="stMetricValue"]').inner_text().strip()
    assert re.fullmatch(r"[\d,]+\.\d t", value), value
    assert float(value.split()[0].replace(",", "")) > 500
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Planned by the dispatcher's rule" in main and "greedy" not in main
    check_page(page, "Plan")


def read_every_tab(page: Any) -> None:
    from playwright.sync_api import expect

    deck = page.locator('[data-testid="stDeckGlJsonChart"]').first
    expect(deck).to_be_visible(timeout=30_000)
    box = deck.bounding_box()
    assert box is not None and box["width"] > 700 and box["height"] >= 500
    check_page(page, "Plan: map")
    deck.screenshot(path=str(IMAGES / "plan-map.png"))
    page.get_by_text("Basemap", exact=True).click()
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("The basemap is unavailable", exact=False)).to_be_visible()
    check_page(page, "Plan: map, basemap unavailable")
    open_tab(page, "Trucks")
    gantt = page.locator(".js-plotly-plot").first
    expect(gantt.locator("g.barlayer path").first).to_be_attached(timeout=30_000)
    expect(gantt.locator("g.xtick").first).to_be_attached(timeout=30_000)
    gantt.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    legend, plot = (
        gantt.locator("g.legend").bounding_box(),
        gantt.locator(".nsewdrag").first.bounding_box(),
    )
    assert legend is not None and plot is not None
    assert legend["x"] >= plot["x"] + plot["width"] - 1, "the legend is not beside the chart"
    assert legend["y"] <= plot["y"] + 40, "the legend is not at the chart's top"
    check_page(page, "Plan: trucks")
    gantt.screenshot(path=str(IMAGES / "plan-trucks.png"))
    for tab in ("Temperature", "Fleet", "Runs", "Unserved"):
        open_tab(page, tab)
        check_page(page, f"Plan: {tab}")
    expect(main.locator('[data-testid="stDataFrame"]:visible').first).to_be_visible()
    download_every_file(page, main)


def download_every_file(page: Any, main: Any) -> None:
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    open_tab(page, "Downloads")
    check_page(page, "Plan: downloads")
    labels = ["Plan folder (zip)", "runs.csv", "unserved.csv", "Excel workbook"]
    files: dict[str, bytes] = {}
    for label in labels:
        with page.expect_download(timeout=30_000) as info:
            main.get_by_role("button", name=label, exact=True).click()
        path = info.value.path()
        assert path is not None, f"{label}: the download did not arrive"
        files[label] = Path(path).read_bytes()
        for other in labels:  # a download does not take the other buttons away (#22)
            expect(main.get_by_role("button", name=other, exact=True)).to_be_visible(timeout=2000)
    with zipfile.ZipFile(io.BytesIO(files["Plan folder (zip)"])) as archive:
        assert {"runs.csv", "unserved.csv", "plan.json"} <= {
            Path(n).name for n in archive.namelist()
        }
    runs = files["runs.csv"].decode().splitlines()
    assert runs[0].startswith("run_id,") and len(runs) > 300
    assert files["unserved.csv"].decode().startswith("order_id,")
    workbook = load_workbook(io.BytesIO(files["Excel workbook"]), read_only=True)
    sheets = workbook.sheetnames
    assert sheets[:4] == ["Summary", "Runs", "Unserved", "Trips"], sheets
    assert any(s.startswith("Route ") for s in sheets)
    rows = list(workbook["Runs"].iter_rows(values_only=True))
    assert len(rows) == len(runs)  # one row per run, and the header


def replan_with_an_urgent_order(page: Any) -> None:
    from playwright.sync_api import expect

    go(page, "Re-plan")
    check_page(page, "Re-plan")
    main = page.locator('[data-testid="stMain"]')
    choose(page, "Caster", "PRD-C01 Beijiao Precision Die Casting (Shunde Beijiao)")
    main.locator('[data-testid="stSelectbox"]').filter(has_text="Alloy").first.click()
    offered = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert offered == ["ADC12"], offered  # the alloys PRD-C01 takes: not A356 (#22)
    main.get_by_role("button", name="Add the urgent order").click()
    settle(page)
    expect(main.get_by_text("Orders since the plan")).to_be_visible()
    choose(page, "Planner", "dispatcher's rule")
    type_number(page, "Time limit, s", "3")
    main.get_by_role("button", name="Preview the re-plan").click()
    expect(main.get_by_text("The two ways to re-plan")).to_be_visible(timeout=90_000)
    settle(page)
    check_page(page, "Re-plan: preview")
    main.get_by_text("re-optimise: search the rest of the day", exact=False).click()
    settle(page)
    accept = main.get_by_role("button", name="Accept the re-plan")
    expect(accept).to_have_count(1, timeout=30_000)  # the previous run's copy is gone
    accept.click()
    expect(main.get_by_text("Applied", exact=False)).to_be_visible(timeout=30_000)
    check_page(page, "Re-plan: accepted")


def check_the_plan(page: Any) -> None:
    from playwright.sync_api import expect

    go(page, "Check")
    main = page.locator('[data-testid="stMain"]')
    success = main.locator('[data-testid="stAlertContentSuccess"]')
    expect(success).to_contain_text("0 violations", timeout=60_000)
    assert "order_accounting" not in main.inner_text()
    check_page(page, "Check")


def read_the_economics(page: Any) -> None:
    go(page, "Economics")
    check_page(page, "Economics")
    main = page.locator('[data-testid="stMain"]')
    radius = main.locator('[data-testid="stMetric"]', has_text="Practical radius")
    km = radius.locator('[data-testid="stMetricValue"]').inner_text().strip()
    assert re.fullmatch(r"\d[\d,]* km", km), km
    text = main.inner_text()
    assert f"Beyond {km}" in text and f"Break-even {km}" in text  # one rounding rule
    assert "calibration" not in text and "tap_min_c" not in text


def candidate_chips(main: Any) -> Any:
    """The candidates chosen in the Siting page's list."""
    return main.locator('[data-testid="stMultiSelect"]').first.locator(
        '[data-testid="stMultiSelectTagsContainer"] [data-tag]'
    )


def run_the_siting_study(page: Any, first: bool) -> None:
    from playwright.sync_api import expect

    go(page, "Siting")
    main = page.locator('[data-testid="stMain"]')
    chips = candidate_chips(main)
    expect(chips).to_have_count(9 if first else 8)
    check_page(page, "Siting")
    if first:
        deck = main.locator('[data-testid="stDeckGlJsonChart"]').first
        deck.screenshot(path=str(IMAGES / "siting-map.png"))
        main.get_by_role("button", name=re.compile("^Remove PRD-N09")).click()
        settle(page)
        expect(chips).to_have_count(8)
        type_number(page, "Representative days", "1")
        type_number(page, "Options simulated", "1")
        type_number(page, "Time limit per day, s", "2")
    main.get_by_role("button", name="Run the study").click()
    expect(main.get_by_text("Ranking", exact=True)).to_be_visible(timeout=120_000)
    settle(page)
    assert "nothing to site" not in main.inner_text()
    check_page(page, "Siting: study")


def open_a_stored_version(page: Any) -> None:
    from playwright.sync_api import expect

    # the stored plan is for the folder's orders: back to them (the urgent order goes)
    go(page, "Orders")
    page.get_by_role("button", name="Back to the folder's orders").click()
    settle(page)
    go(page, "History")
    check_page(page, "History")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("stored versions", exact=False)).to_be_visible()
    main.get_by_role("button", name="Open in the Plan page").click()
    expect(main.get_by_text("stored version 1", exact=False)).to_be_visible(timeout=60_000)
    check_page(page, "Plan: stored version")


# -- state across pages ----------------------------------------------------------------
#: What :func:`choose_on_every_page` chose where the value is read back from the page.
chosen: dict[str, str] = {}


def choose_on_every_page(page: Any) -> None:
    """Choose something on the pages whose state is then looked for."""
    from playwright.sync_api import expect

    go(page, "Plan")
    type_number(page, "Time limit, s", "4")
    open_tab(page, "Fleet")
    go(page, "Economics")
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(4):
        slider.press("ArrowRight")  # 30 km → about 50 km (a press during a rerun may be lost)
    settle(page)
    # the value the app kept, not the one the browser shows: under load the last press's
    # rerun may be overtaken by the next, so the page is left and opened again first
    go(page, "Plan")
    go(page, "Economics")
    chosen["eco_km"] = page.get_by_role("slider").first.input_value()
    assert chosen["eco_km"] != "30", "the slider did not move"
    go(page, "Check")
    page.get_by_text("files I upload", exact=False).click()
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    uploads = main.locator('[data-testid="stFileUploaderDropzoneInput"]')  # not the sidebar's
    uploads.first.set_input_files(str(TEST_DATA / "tiny_plan" / "runs.csv"))
    settle(page)
    expect(main.get_by_text("Checking the uploaded runs.csv", exact=False)).to_be_visible(
        timeout=30_000
    )  # the upload arrived before the page is left


def assert_every_page_kept(page: Any) -> None:
    from playwright.sync_api import expect

    main = page.locator('[data-testid="stMain"]')
    title = page.locator("h1").first.inner_text()
    if title.startswith("Plan the day"):
        expect(page.get_by_label("Time limit, s", exact=True)).to_have_value("4")
        expect(page.get_by_role("tab", name="Fleet", exact=True)).to_have_attribute(
            "aria-selected", "true"
        )
    elif title.startswith("Economics"):
        expect(page.get_by_role("slider").first).to_have_value(chosen["eco_km"])
    elif title.startswith("Check"):
        expect(main.get_by_text("Checking the uploaded runs.csv", exact=False)).to_be_visible()
    elif title.startswith("Siting"):
        expect(candidate_chips(main)).to_have_count(8)
    elif title.startswith("Re-plan"):
        expect(main.get_by_text("Orders since the plan")).to_be_visible()
    elif title.startswith("Furnace levels"):  # the sample has no consumption.csv
        expect(main.get_by_text("add a consumption.csv", exact=False)).to_be_visible()


def visit_every_page_twice(page: Any) -> None:
    choose_on_every_page(page)
    for order in (
        PAGES,
        ("Siting", "Economics", "Plan", "Furnaces", "History", "Check", "Re-plan", "Orders"),
    ):
        for name in order:
            go(page, name)
            check_page(page, name)
            assert_every_page_kept(page)


def upload_a_network(page: Any) -> None:
    """An uploaded network folder: unpacked into the app's temporary folder."""
    from playwright.sync_api import expect

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for p in sorted((TEST_DATA / "tiny").iterdir()):
            archive.writestr(f"tiny/{p.name}", p.read_bytes())
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "tiny.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}]
    )
    # the uploaded network is chosen and loaded: its line under the date names its sites
    expect(sidebar.get_by_text("2 smelters · 5 casters · 3 trucks", exact=False)).to_be_visible(
        timeout=30_000
    )


def test_the_dispatchers_day_in_chromium(server: Server) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_MS)
    IMAGES.mkdir(parents=True, exist_ok=True)
    asked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page.on("request", lambda request: asked.append(request.url))
            page.goto(server.url, wait_until="domcontentloaded")
            plan_the_day(page)
            read_every_tab(page)
            replan_with_an_urgent_order(page)
            check_the_plan(page)
            read_the_economics(page)
            run_the_siting_study(page, first=True)
            go(page, "Orders")
            check_page(page, "Orders")
            run_the_siting_study(page, first=False)
            open_a_stored_version(page)
            visit_every_page_twice(page)
            upload_a_network(page)
            uploaded = [d for d in server.tmp.iterdir() if d.name.startswith("molten-upload-")]
            assert len(uploaded) == 1
        except BaseException:
            page.screenshot(path=str(server.log.parent / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert not [u for u in asked if any(host in u for host in MAP_HOSTS)]
    server.stop()
    assert not [d for d in server.tmp.iterdir() if d.name.startswith("molten-")], list(
        server.tmp.iterdir()
    )
    for image in ("plan-map.png", "plan-trucks.png", "siting-map.png"):
        assert (IMAGES / image).stat().st_size > 20_000
