"""A real browser (Debian's chromium, headless) loads the dashboard and runs nothing from
articles: no dialog opens, the hostile markup shows as text, and our own script still works
under the Content-Security-Policy. Skipped on a workstation without chromium; CI installs it
and fails instead of skipping."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from laborlens.api import create_app
from laborlens.config import Settings

CHROMIUM = "/usr/bin/chromium"


def _require_browser() -> None:
    missing = []
    if shutil.which(CHROMIUM) is None:
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[dev]')")
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def base_url(db_url: str) -> Iterator[str]:
    _require_browser()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(db_url, Settings()), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_nothing_from_an_article_executes(base_url: str, hostile_id: str) -> None:
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            for path in ("/", "/?q=container", f"/articles/{hostile_id}"):
                page.goto(base_url + path, wait_until="load")
                page.wait_for_timeout(200)
            text = page.inner_text(".text")
            assert "<script>alert('text')</script>" in text
            assert "<img src=x onerror=alert(1)>" in text
            assert page.locator(".text img, .text script, .text a").count() == 0
            assert page.locator("h1").inner_text().startswith("Port strike <script>")
            assert page.locator("a[href^='javascript']").count() == 0
            button = page.locator(".legend button").first
            field = button.get_attribute("data-field")
            button.click()
            assert page.locator(f".text.hide-{field}").count() == 1, "app.js did not run"
        finally:
            browser.close()
    assert dialogs == []
    assert errors == []


def test_map_shows_event_places_without_running_article_text(base_url: str) -> None:
    from playwright.sync_api import sync_playwright

    from laborlens.web.views import _VENDOR

    if not (_VENDOR / "leaflet" / "leaflet.js").is_file():
        pytest.fail("the map assets are not built: run scripts/build_web_assets.sh", pytrace=False)
    dialogs: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto(base_url + "/map?country=DE", wait_until="load")
            page.wait_for_selector("#map[data-markers]", timeout=10_000)
            assert page.get_attribute("#map", "data-markers") == "1"
            assert page.locator("#map path.leaflet-interactive").count() == 1
            assert page.locator("#map path").count() > 100, "no country outlines drawn"
            page.locator("#map path.leaflet-interactive").click()
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for(timeout=5_000)
            assert "<script>alert('title')</script>" in popup.inner_text()
            assert popup.locator("img, script").count() == 0
        finally:
            browser.close()
    assert dialogs == []
    assert problems == []
