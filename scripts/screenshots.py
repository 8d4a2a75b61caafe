"""Screenshots of the dashboard for the README, on the demo database of the bundled samples.

    .venv/bin/python scripts/screenshots.py                 # docs/img/dashboard.png, article-fa.png
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --db /tmp/demo.db

Serves the app on a free loopback port (uvicorn in a thread) and drives Debian's chromium
headless through Playwright (apt-get install chromium; the dev extra has playwright). The map
needs the npm assets (scripts/build_web_assets.sh). The demo database is built from the
samples when --db does not exist yet (the pipeline runs once, offline).
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import uvicorn
from playwright.sync_api import ConsoleMessage, Error, ViewportSize, sync_playwright

from laborlens.api import create_app
from laborlens.config import Settings
from laborlens.ingest import ingest
from laborlens.query import EventQuery
from laborlens.store import open_store
from laborlens.web.views import _VENDOR

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def build_demo(path: Path) -> str:
    """The demo database (the bundled samples, ingested), built when missing."""
    url = f"sqlite:///{path}"
    store = open_store(url)
    try:
        if store.counts()["articles"] == 0:
            ingest([str(resources.files("laborlens") / "samples")], store, Settings())
    finally:
        store.close()
    return url


def article_in(url: str, lang: str) -> str:
    store = open_store(url)
    try:
        ids = [r.article_id for r in store.query_events(EventQuery(langs=(lang,)))]
    finally:
        store.close()
    if not ids:
        raise SystemExit(f"screenshots: no {lang} article with events in {url}")
    return ids[0]


@contextmanager
def serving(url: str) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(url, Settings()), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("screenshots: the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def take(base: str, shots: list[tuple[str, str, ViewportSize]], out: Path) -> list[str]:
    """Load each page, wait for the map (if any) to draw, save a PNG; returns page errors."""
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            for name, path, viewport in shots:
                page = browser.new_page(viewport=viewport, device_scale_factor=1)
                page.on("pageerror", _collect(problems, path))
                page.on("console", _collect_console(problems, path))
                page.goto(base + path, wait_until="networkidle")
                if page.locator("#map").count():
                    page.wait_for_selector("#map[data-markers]", timeout=15_000)
                    page.wait_for_timeout(500)  # the outlines finish drawing after the markers
                target = out / f"{name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(f"{target} ({path})")
                page.close()
        finally:
            browser.close()
    return problems


def _collect(problems: list[str], path: str) -> Callable[[Error], None]:
    return lambda error: problems.append(f"{path}: {error}")


def _collect_console(problems: list[str], path: str) -> Callable[[ConsoleMessage], None]:
    def collect(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"{path}: {message.text}")

    return collect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    parser.add_argument(
        "--db", type=Path, default=Path(tempfile.gettempdir()) / "laborlens-demo-shots.db"
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"screenshots: {CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    if not (_VENDOR / "leaflet" / "leaflet.js").is_file():
        print("screenshots: map assets missing, run scripts/build_web_assets.sh", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    url = build_demo(args.db)
    persian = article_in(url, "fa")
    shots: list[tuple[str, str, ViewportSize]] = [
        ("dashboard", "/", {"width": 1280, "height": 900}),
        ("article-fa", f"/articles/{persian}", {"width": 1280, "height": 900}),
    ]
    with serving(url) as base:
        problems = take(base, shots, args.out)
    for problem in problems:
        print(f"page error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
